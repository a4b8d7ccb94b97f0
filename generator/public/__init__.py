"""The public trust page (`postmortem build --public`): the uptime of the services the config makes
public and the history of the public incidents, for customers and investors. A site apart from the
internal one, written from an allow-list of what may be shown (`content`), rendered without a
script or any request beyond its own host (`render`), and put in place in one step (`build`)."""
