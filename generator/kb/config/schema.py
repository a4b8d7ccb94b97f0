"""`postmortem.yml`: the model of the knowledge base's configuration (read and checked by
`loader`, beside it, which collects every problem)."""

from __future__ import annotations

import datetime as dt
import re
import string
import zoneinfo
from functools import cache, cached_property
from importlib import resources
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, field_validator, model_validator

from ..model import SLUG_PATTERN, normalize_title

CONFIG_FILE = "postmortem.yml"
POSTMORTEMS_DIR = "postmortems"
#: Names below `postmortems/` that hold no post-mortem: the templates (`_templates/`), hidden files.
SKIPPED_PREFIXES = ("_", ".")

Id = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SeverityLevel(_Strict):
    """A severity, e.g. SEV1, with what it demands of its post-mortems."""

    id: Annotated[str, StringConstraints(min_length=1, max_length=20)] = Field(description="E.g. SEV1.")
    description: str = Field("", description="When to declare this severity.")
    roles_required: bool = Field(False, description="Post-mortems name the three incident roles.")
    impact_required: bool = Field(False, description="Post-mortems give at least one impact figure.")
    publish_within_hours: int | None = Field(None, gt=0, description="How soon after resolution to publish.")


class Service(_Strict):
    """A service of the catalog, with its monthly availability target."""

    id: Id = Field(description="Lowercase a-z, 0-9 and single dashes.")
    name: str | None = Field(None, description="The name shown on the site (default: the id).")
    team: str | None = Field(None, description="The owning team, from `teams`.")
    slo: float = Field(99.9, gt=0, le=100, description="Monthly availability target, in percent.")

    @property
    def display_name(self) -> str:
        return self.name or self.id


class SectionSpec(_Strict):
    """A required `##` section and the other titles it may be written with."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    title: Annotated[str, StringConstraints(min_length=1)] = Field(description="The `##` heading.")
    aliases: list[str] = Field(default_factory=list, description="Other headings accepted for it.")
    kind: Literal["summary", "timeline", "root-cause"] | None = Field(
        None, description="Which built-in checks apply to this section (guessed from the title when omitted)."
    )

    def names(self) -> list[str]:
        return [self.title, *self.aliases]

    @cached_property
    def normalized_names(self) -> frozenset[str]:
        return frozenset(normalize_title(name) for name in self.names())

    def matches(self, heading: str) -> bool:
        return normalize_title(heading) in self.normalized_names


class Tracker(_Strict):
    """How the tickets of one issue tracker are written, and where each one is read."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    match: Annotated[str, StringConstraints(min_length=1)] = Field(
        description="A regular expression the whole ticket matches, e.g. `PAY-\\d+`; its named groups "
        "can be used in `url`.")
    url: Annotated[str, StringConstraints(pattern=r"^https?://")] = Field(
        description="The ticket's address: `{ticket}` is the whole ticket, `{name}` a named group of `match`, "
        "e.g. https://jira.example.com/browse/{ticket}.")

    @field_validator("match")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"not a regular expression ({error})") from None
        return value

    @model_validator(mode="after")
    def _known_placeholders(self) -> Tracker:
        names = {"ticket", *re.compile(self.match).groupindex}
        for _, placeholder, _, _ in string.Formatter().parse(self.url):
            if placeholder is not None and placeholder not in names:
                raise ValueError(f"url uses {{{placeholder}}}, which is neither {{ticket}} nor a named group "
                                 f"of match (write (?P<{placeholder}>...) in match)")
        return self

    @cached_property
    def pattern(self) -> re.Pattern:
        return re.compile(self.match)

    def url_of(self, ticket: str) -> str | None:
        """The ticket's address, or None when this tracker does not write tickets so."""
        found = self.pattern.fullmatch(ticket)
        return self.url.format(ticket=ticket, **found.groupdict(default="")) if found else None


DEFAULT_SEVERITIES = [
    SeverityLevel(
        id="SEV1",
        description="Critical path down (payments, login, core API) or data lost",
        roles_required=True,
        impact_required=True,
        publish_within_hours=72,
    ),
    SeverityLevel(
        id="SEV2",
        description="Major feature degraded for many users",
        roles_required=True,
        publish_within_hours=120,
    ),
    SeverityLevel(
        id="SEV3",
        description="Minor or partial degradation, workaround exists",
        publish_within_hours=240,
    ),
]

DEFAULT_ROOT_CAUSES = [
    "capacity", "change", "configuration", "dependency", "code",
    "infrastructure", "data", "security", "process", "unknown",
]

DEFAULT_SECTIONS = [
    SectionSpec(title="Summary", aliases=["Executive summary", "Résumé", "Résumé exécutif"], kind="summary"),
    SectionSpec(title="Timeline", aliases=["Chronologie"], kind="timeline"),
    SectionSpec(title="Impact"),
    SectionSpec(title="Root cause", aliases=["Cause racine"], kind="root-cause"),
    SectionSpec(title="Detection", aliases=["Détection"]),
    SectionSpec(title="What went well", aliases=["Ce qui a bien marché"]),
    SectionSpec(title="Lessons learned", aliases=["Enseignements"]),
]

#: An optional section: what customers saw and why, in the author's words, for the public report.
CUSTOMER_SUMMARY = SectionSpec(title="Customer summary", aliases=["Résumé client"])


class PublicSite(_Strict):
    """The public trust page that `postmortem build --public` writes for customers and investors:
    uptime of the services named here, and the history of the incidents that are public."""

    title: Annotated[str, StringConstraints(min_length=1, max_length=80)] | None = Field(
        None, description="Its name (default: the site's title followed by \"status\").")
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+/$")] | None = Field(
        None, description="Where it is published, ending with /: the feed's and the API's links are then absolute.")
    colour: Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")] = Field(
        "#283593", description="The colour of its header, #rrggbb (white text must read on it).")
    logo: str | None = Field(None, description="An image file of the repository (SVG or PNG), shown in its header.")
    services: list[Id] = Field(
        default_factory=list, description="The services it shows, under their `name`, in this order; the others stay "
        "internal.")
    sla: float | None = Field(
        None, gt=0, le=100, description="The monthly availability promised to customers, in percent (default: each "
        "service's slo).")
    severities: list[str] = Field(
        default_factory=list, description="Besides post-mortems marked `visibility: public`, every published one of "
        "these severities that has a `## Customer summary` is public. Restricted ones never are.")
    output: str = Field("site-public", description="The folder it is written to, from the knowledge base's root.")


class Evidence(_Strict):
    """Where commits are evidence that actions were done: a commit whose message ends with the
    trailer `Postmortem-Action: <post-mortem id>/<action id>`; a revert of it withdraws it."""

    repositories: list[Annotated[str, StringConstraints(min_length=1)]] = Field(
        default_factory=list, description="Application repositories read besides the knowledge base's own, as paths "
        "from the knowledge base's root, e.g. [../payments-api].")


class Config(_Strict):
    """The knowledge base's configuration. Every key has a default except `services`."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    title: Annotated[str, StringConstraints(min_length=1, max_length=80)] = Field(
        "Post-mortems", description="The site's name, in its header and in every page's title.")
    currency: Annotated[str, StringConstraints(min_length=1, max_length=10)] = Field(
        "EUR", description="The currency of `impact.revenue_lost`.")
    timezone: str = Field("UTC", description="An IANA zone: months and days on the site are counted in it.")
    language: Literal["en", "fr"] = Field("en", description="The language of generated pages and of `new`.")
    country: str | None = Field(
        None, description="An ISO 3166 country code (FR, US, GB): phone numbers written in its national format "
        "(06 12 34 56 78) are found as personal data (PM603), as international ones always are. Default: the "
        "country of `timezone` (Europe/Paris: FR); none for UTC.")
    severities: list[SeverityLevel] = Field(
        default_factory=lambda: list(DEFAULT_SEVERITIES), min_length=1,
        description="Most severe first. Default: SEV1, SEV2, SEV3 as in postmortem.yml.")
    services: list[Service] = Field(min_length=1, description="The service catalog.")
    people: list[str] = Field(default_factory=list, description="Who may hold roles and own actions; empty: anyone.")
    teams: dict[str, list[str]] = Field(default_factory=dict, description="Team name to its people; teams may own actions.")
    github: dict[str, Annotated[str, StringConstraints(pattern=r"^@?[A-Za-z0-9][A-Za-z0-9-]*(/[A-Za-z0-9._-]+)?$")]] = Field(
        default_factory=dict, description="GitHub handles of people and teams (`alice: alice-martin`, "
        "`payments: acme/payments`): the weekly actions review mentions owners by them.")
    trackers: list[Tracker] = Field(
        default_factory=list, description="Issue trackers: actions' tickets that match one become links on the "
        "site and in the weekly review; with trackers set, a ticket matching none is a warning (PM207).")
    evidence: Evidence | None = Field(
        None, description="Commits as evidence that actions were done, read from this repository and those listed; "
        "with evidence set, every action needs an `id` (PM210).")
    root_causes: list[Id] = Field(
        default_factory=lambda: list(DEFAULT_ROOT_CAUSES), min_length=1,
        description="Categories for `root_cause`. Default: " + ", ".join(DEFAULT_ROOT_CAUSES) + ".")
    site_url: Annotated[str, StringConstraints(pattern=r"^https?://\S+/$")] | None = Field(
        None, description="Where the site is published, ending with /, e.g. https://incidents.acme.internal/: "
        "the feed's links are absolute, and MkDocs writes canonical links and a full sitemap.")
    edit_url: str | None = Field(
        None, description="Where a file of the repository is edited: the prefix of edit links on the site, "
        "e.g. https://github.com/acme/incidents/edit/main/")
    email_domains: list[Annotated[str, StringConstraints(pattern=r"^@?[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")]] = Field(
        default_factory=list, description="The company's own e-mail domains: addresses there (and in their "
        "subdomains) are not reported as customers' personal data (PM603).")
    engine: Literal["mkdocs", "zensical"] = Field(
        "mkdocs", description="What builds the site: MkDocs with Material, or Zensical (its successor; install "
        "`postmortem-kb[zensical]`). Both build the same pages.")
    sections: list[SectionSpec] = Field(
        default_factory=lambda: list(DEFAULT_SECTIONS),
        description="The required sections, in order. Default: the seven of the format, with French aliases.")
    public: PublicSite = Field(default_factory=PublicSite, description="The public trust page (`postmortem build "
                               "--public`): which services and incidents it shows, its name and colours.")
    #: The line of each top-level key of the file, for messages that send the reader there.
    _key_lines: dict[str, int] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _public_names_known(self) -> Config:
        unknown = [s for s in self.public.services if s not in self.service_ids]
        unknown += [s for s in self.public.severities if s not in {level.id for level in self.severities}]
        if unknown:
            raise ValueError(f"public: {', '.join(unknown)} not in `services` or `severities`")
        return self

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Europe/Paris or UTC") from None
        return value

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        if value is not None and value.upper() not in _countries():
            raise ValueError(f"unknown country {value!r}; use an ISO 3166 code such as FR, US or GB")
        return value.upper() if value else None

    @field_validator("people", mode="after")
    @classmethod
    def _strip_at(cls, value: list[str]) -> list[str]:
        return [person.lstrip("@") for person in value]

    def listed_at(self, *keys: str) -> str:
        """Where the values of top-level `keys` are written: `` `services` in postmortem.yml, line 4 ``."""
        lines = [str(self._key_lines[key]) for key in keys if key in self._key_lines]
        where = f"{' or '.join(f'`{key}`' for key in keys)} in {CONFIG_FILE}"
        return where + (f", line{'s' if len(lines) > 1 else ''} {' and '.join(lines)}" if lines else "")

    @cached_property
    def severity_ids(self) -> list[str]:
        return [s.id for s in self.severities]

    def severity(self, severity_id: str) -> SeverityLevel | None:
        return next((s for s in self.severities if s.id == severity_id), None)

    def section_spec(self, kind: str) -> SectionSpec | None:
        """The required section that the `kind` checks apply to: marked so, or named like the default."""
        marked = next((spec for spec in self.sections if spec.kind == kind), None)
        if marked:
            return marked
        default = next(spec for spec in DEFAULT_SECTIONS if spec.kind == kind)
        return next((spec for spec in self.sections if any(default.matches(n) for n in spec.names())), None)

    @cached_property
    def service_ids(self) -> set[str]:
        return {s.id for s in self.services}

    @cached_property
    def service_by_id(self) -> dict[str, Service]:
        return {s.id: s for s in self.services}

    @cached_property
    def services_by_team(self) -> dict[str, list[Service]]:
        """The services of each team that owns some, in the catalog's order."""
        found: dict[str, list[Service]] = {}
        for service in self.services:
            if service.team:
                found.setdefault(service.team, []).append(service)
        return found

    @cached_property
    def known_teams(self) -> list[str]:
        """Every team the config names, in `teams` or as a service's `team`, sorted."""
        return sorted(set(self.teams) | set(self.services_by_team))

    @cached_property
    def person_ids(self) -> frozenset[str]:
        """`people`, for lookups: a list of thousands is searched once a name otherwise."""
        return frozenset(self.people)

    @cached_property
    def owners(self) -> set[str]:
        """Handles accepted as action owners: people and teams. Empty means any handle."""
        return set(self.people) | set(self.teams) if self.people else set()

    def teams_of(self, owner: str) -> list[str]:
        """The teams an action's owner stands for: itself when it is a team, else those it belongs to."""
        if owner in self.teams:
            return [owner]
        return self._teams_by_member.get(owner, [])

    @cached_property
    def _teams_by_member(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for team in sorted(self.teams):
            for member in {m.lstrip("@") for m in self.teams[team]}:
                found.setdefault(member, []).append(team)
        return found

    def ticket_url(self, ticket: str) -> str | None:
        """Where a ticket is read: itself when it is a web address, else the first tracker's address
        for it; None when no tracker writes tickets so."""
        if re.match(r"^https?://", ticket):
            return ticket
        return next((url for tracker in self.trackers if (url := tracker.url_of(ticket))), None)

    def mention(self, owner: str) -> str:
        """How the weekly review names an owner: `@handle` on GitHub when known, else the owner."""
        handle = self.github.get(owner)
        return f"@{handle.lstrip('@')}" if handle else owner

    @cached_property
    def phone_country(self) -> str | None:
        """The country whose national phone format PM603 reads: `country`, else the time zone's."""
        return self.country or _zone_countries().get(self.timezone)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def today(self) -> dt.date:
        """Today in the knowledge base's time zone: the default day of every figure."""
        return dt.datetime.now(self.zone).date()


def _tzdata_table(name: str) -> list[list[str]]:
    """The rows of one of tzdata's tables (`zone.tab`, `iso3166.tab`), comments left out."""
    text = resources.files("tzdata").joinpath(f"zoneinfo/{name}").read_text("utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def _countries() -> frozenset[str]:
    return frozenset(row[0] for row in _tzdata_table("iso3166.tab"))


@cache
def _zone_countries() -> dict[str, str]:
    """Each time zone of tzdata's `zone.tab` with its country (Europe/Paris: FR)."""
    return {row[2]: row[0] for row in _tzdata_table("zone.tab")}
