"""The home page: the figures of the last 90 days against the 90 before, this month's error
budgets, and the latest post-mortems."""

from __future__ import annotations

from collections.abc import Iterator

from ..figures import availability, metrics
from ..figures.units import duration, rate
from .context import Site
from .feed import FEED
from .markup import WIDE, Fragments, GeneratedFile, e, front_matter_block, href, table
from .tables import budget_row, postmortem_table, spread_note

LATEST = 10


def card(title: str, value: str, note: str) -> str:
    """A figure with its title and a note below it."""
    return f'<div class="pm-card-figure"><span>{e(title)}</span><strong>{e(value)}</strong><small>{e(note)}</small></div>'


def home_page(site: Site) -> Iterator[GeneratedFile]:
    label, source, html = site.labels, "index.md", Fragments()
    start, end = site.period(0)
    now, previous = site.figures(site.in_period(start, end)), site.figures(site.in_period(*site.period(90)))

    def before(value: str) -> str:
        return label("before", value=value)

    by_severity = ", ".join(f"{s}: {count}" for s, count in now.by_severity.items())
    actions = metrics.action_counts(site.incidents, site.today)
    cards = [
        card(label("incidents"), str(now.incidents), f"{by_severity} · " + before(str(previous.incidents))),
        *(card(label("median_of", name=label(name)), duration(spread.median),
               spread_note(site, spread) + " · " + before(duration(earlier.median)))
          for name, spread, earlier in (("ttd", now.ttd, previous.ttd), ("ttm", now.ttm, previous.ttm),
                                        ("ttr", now.ttr, previous.ttr))),
        card(label("recurrence"), rate(now.recurrence_rate), before(rate(previous.recurrence_rate))),
        card(label("open_actions"), str(actions["open"]), f"{actions['overdue']} {label('overdue')}"),
    ]
    if site.published is not None:
        cards.append(card(label("time_to_postmortem"), rate(now.on_time_rate),
                          label("on_time_note") + " · " + before(rate(previous.on_time_rate))))
    key = availability.month_key(site.today)
    # Only the services that had an incident or lost minutes: a catalogue of thousands is one line.
    affected = {service for item in site.in_period(start, end) for service in item.services}
    shown = [s for s in site.config.services if s.id in affected or site.downtime[s.id].get(key)]
    services = [budget_row(site, source, s, key) for s in shown]
    quiet = len(site.config.services) - len(shown)
    text = [
        front_matter_block(label("home"), **WIDE),
        f"# {e(label('home'))}\n",
        f'<p class="pm-period">{e(label("period", start=start, end=end))}</p>\n',
        html('<div class="pm-cards">\n' + "\n".join(cards) + "\n</div>"),
        f"## {e(label('availability_month', month=label.month(key)))}\n",
        html(table([label("service"), label("slo"), label("availability"), label("budget_left")], services))
        if services else "",
        html(f'<p class="pm-quiet">{e(label("services_quiet", count=f"{quiet:,}"))} '
             f'<a href="{href(source, "services/index.md")}">{e(label("services_all"))}</a></p>') if quiet else "",
        f"## {e(label('latest'))}\n",
        html(postmortem_table(site, source, site.postmortems[:LATEST])),
        html(f'<p class="pm-feed"><a href="{FEED}" type="application/atom+xml">{e(label("feed"))}</a></p>'),
    ]
    yield source, "\n".join(text), html.blocks
