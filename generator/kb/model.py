"""The post-mortem: its front matter (a pydantic model that also yields the JSON Schema) and the
parsed document that the rules check and the site renders."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic.fields import FieldInfo

from .yamlsource import KeyPath, Position, nearest_position

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
TAG_PATTERN = r"^[a-z0-9-]+$"
ID_PATTERN = r"^\d{4}-\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$"
MAX_SLUG_LENGTH = 60
#: An action's id: a slug, short enough to type in a commit trailer.
MAX_ACTION_ID_LENGTH = 40


def slugify(title: str) -> str:
    """`Payment API: 47 min down!` -> `payment-api-47-min-down`, cut at a word to 60 characters."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    while len(slug) > MAX_SLUG_LENGTH:
        cut = slug.rfind("-", 0, MAX_SLUG_LENGTH + 1)
        slug = slug[:cut] if cut > 0 else slug[:MAX_SLUG_LENGTH]
    return slug


def _iso_text(value: Any) -> Any:
    # YAML numbers would otherwise be read as Unix timestamps; only ISO 8601 text is a time here.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError("write it in ISO 8601, e.g. 2026-03-13T18:42:00+01:00")
    return value


def _handle(value: Any) -> Any:
    return value[1:] if isinstance(value, str) and value.startswith("@") else value


Timestamp = Annotated[AwareDatetime, BeforeValidator(_iso_text)]
Day = Annotated[dt.date, BeforeValidator(_iso_text)]
Handle = Annotated[
    str,
    BeforeValidator(_handle),
    StringConstraints(min_length=1, max_length=100),
    Field(description="A person or team, written `alice` or `@alice`."),
]
ServiceId = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Tag = Annotated[str, StringConstraints(pattern=TAG_PATTERN)]
PostmortemId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]


class Status(StrEnum):
    draft = "draft"
    review = "review"
    published = "published"


class Detection(StrEnum):
    alert = "alert"
    customer = "customer"
    employee = "employee"
    automated_test = "automated-test"
    other = "other"


class Visibility(StrEnum):
    internal = "internal"
    restricted = "restricted"
    public = "public"


class ActionStatus(StrEnum):
    open = "open"
    in_progress = "in-progress"
    done = "done"
    wont_do = "wont-do"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Roles(_Strict):
    """Who ran the incident. Required where the severity's `roles_required` is true."""

    incident_commander: Handle | None = Field(None, description="Who led the response and made the calls.")
    technical_owner: Handle | None = Field(None, description="Who led the diagnosis and the fix.")
    communications_owner: Handle | None = Field(None, description="Who kept customers and the company informed.")


class Impact(_Strict):
    """Impact in figures. A severity with `impact_required` (SEV1 by default) needs at least one."""

    users_affected: int | None = Field(None, ge=0, description="Users who saw the failure.")
    failed_requests_pct: float | None = Field(None, ge=0, le=100, description="Share of requests that failed, in percent.")
    revenue_lost: float | None = Field(None, ge=0, description="In the config's currency.")
    support_tickets: int | None = Field(None, ge=0, description="Tickets opened about the incident.")
    sla_breached: bool | None = Field(None, description="Whether a customer SLA was breached.")
    downtime_minutes: float | None = Field(
        None, ge=0, description="Minutes counted against the services' SLO; default: resolved_at - started_at."
    )

    def has_figures(self) -> bool:
        return any(value is not None for value in self.__dict__.values())


class Verification(_Strict):
    """How a done action's effect was checked: that the fix works, not only that it shipped."""

    date: Day = Field(description="When it was checked (YYYY-MM-DD).")
    by: Handle = Field(description="Who checked it.")
    how: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="How, in a few words: \"load test at 3x peak\", \"failover drill\", \"a month without the alert\".")


class Action(_Strict):
    """A corrective action. An action without an owner does not exist."""

    id: Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=MAX_ACTION_ID_LENGTH)] | None = Field(
        None, description="A slug that names the action for good, unique within the post-mortem, e.g. pool-alert: "
        "commits name it as `Postmortem-Action: <post-mortem id>/<action id>`. `postmortem actions ids` adds the "
        "missing ones.")
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(description="What will change.")
    owner: Handle
    due: Day = Field(description="The date by which it is done (YYYY-MM-DD).")
    status: ActionStatus = Field(ActionStatus.open, description="Where the action stands.")
    ticket: str | None = Field(None, description="A tracker key or URL.")
    closed_on: Day | None = Field(None, description="Required when status is done or wont-do.")
    internal: bool = Field(False, description="Left out of the customer report (`postmortem export --audience customer`).")
    verify_by: Day | None = Field(None, description="The date by which the fix's effect is checked once the action is "
                                  "done; the weekly review lists it from then until `verified` says how.")
    verified: Verification | None = Field(None, description="When, by whom and how the fix's effect was checked.")


def action_key(postmortem_id: str, action_id: str) -> str:
    """An action's id in the whole knowledge base, as commit trailers write it: `<post-mortem id>/<action id>`."""
    return f"{postmortem_id}/{action_id}"


class FrontMatter(_Strict):
    """The front matter of a post-mortem (format v1)."""

    model_config = ConfigDict(
        title="Post-mortem front matter",
        json_schema_extra={"$id": "https://postmortem-kb.dev/schema/postmortem.schema.json"},
    )

    title: Annotated[str, StringConstraints(min_length=1, max_length=120)] = Field(
        description="One line that says what broke and for how long."
    )
    status: Status = Field(description="draft, review or published: drafts are checked leniently.")
    severity: str = Field(description="An id from the config's severities, e.g. SEV1.")
    services: list[ServiceId] = Field(min_length=1, description="The ids of the affected services, from the config's "
                                      "catalog: lowercase a-z, 0-9 and single dashes, e.g. [payments-api].")
    tags: list[Tag] = Field(default_factory=list, description="Lowercase a-z, 0-9 and -.")
    started_at: Timestamp = Field(description="When impact began, ISO 8601 with a UTC offset, e.g. "
                                           "2026-03-13T18:42:00+01:00.")
    detected_at: Timestamp = Field(description="When someone or something noticed, e.g. 2026-03-13T18:42:00+01:00.")
    declared_at: Timestamp | None = Field(None, description="When the incident was declared.")
    mitigated_at: Timestamp | None = Field(None, description="When customer impact stopped growing.")
    resolved_at: Timestamp | None = Field(None, description="When it was resolved; required unless status is draft.")
    detection: Detection = Field(description="How the incident was first noticed: alert, customer, employee, "
                                          "automated-test or other.")
    root_cause: str = Field(description="A category from the config's root_causes, e.g. capacity.")
    contributing_factors: list[str] = Field(
        default_factory=list, description="Other categories from the config's root_causes that made the incident "
        "possible or worse, e.g. [process, change]; counted beside the root cause.")
    roles: Roles | None = Field(None, description="Required where the severity's roles_required is true.")
    impact: Impact | None = Field(None, description="Figures; required where the severity's impact_required is true.")
    related: list[PostmortemId] = Field(default_factory=list, description="Ids of earlier post-mortems: "
                                         "YYYY-MM-DD-slug, the file name without .md.")
    actions: list[Action] = Field(default_factory=list, description="Corrective actions; a published post-mortem has one at least.")
    visibility: Visibility = Field(
        Visibility.internal, description="restricted: counted in every figure, but the site shows only its id, date, "
        "severity, services and duration (security incidents, incidents that name a customer). public: once "
        "published, its customer report is on the public trust page (`postmortem build --public`).")


#: The order in which incident times must fall.
TIME_FIELDS = ("started_at", "detected_at", "declared_at", "mitigated_at", "resolved_at")


def normalize_title(title: str) -> str:
    """Titles match whatever their case, spacing or trailing colon."""
    return " ".join(title.strip().rstrip(":").split()).casefold()


@dataclass
class Section:
    """A `##` section of the body. Lines are 1-based in the whole file."""

    title: str
    line: int
    end_line: int
    #: Its content as `kb.body.Block`s (HTML comments left out), made once when the body is parsed: the rules
    #: read them often.
    blocks: list = field(repr=False, default_factory=list)

    def __post_init__(self) -> None:
        self.normalized_title = normalize_title(self.title)


def page_path(postmortem_id: str) -> str:
    """Where a post-mortem's page is, below the docs folder and the site's root, without its suffix:
    `postmortems/2026/2026-03-13-payment-api-outage`."""
    return f"postmortems/{postmortem_id[:4]}/{postmortem_id}"


#: What the site and the exports show of a restricted post-mortem, beside its id.
RESTRICTED_SHOWN = ("status", "severity", "services", "started_at", "resolved_at", "visibility")


@dataclass
class PostMortem:
    """One post-mortem file as read: its front-matter values (those that are valid) and its body."""

    path: str
    id: str
    values: dict[str, Any]
    positions: dict[KeyPath, Position]
    sections: list[Section]
    body: str
    body_line: int
    line_count: int
    #: The whole file, for the rules that scan every line (secrets, personal data); dropped after checking.
    text: str = field(default="", repr=False)
    placeholders: set[KeyPath] = field(default_factory=set)
    #: Top-level fields present in the file whose value failed the model (already reported).
    invalid_fields: set[str] = field(default_factory=set)
    #: The valid actions with their index in the file's `actions` list (an invalid one is left out).
    actions: list[tuple[int, Action]] = field(default_factory=list)
    front_matter: FrontMatter | None = None
    #: Derived data that several rules share (e.g. the parsed timeline), dropped after checking.
    cache: dict = field(default_factory=dict, repr=False)

    @property
    def is_draft(self) -> bool:
        return self.values.get("status") == Status.draft

    @property
    def is_restricted(self) -> bool:
        return self.values.get("visibility") == Visibility.restricted

    def chronological_key(self) -> tuple[str, str]:
        """Sorts post-mortems by when they started (in UTC), then by id; by the id's date where
        `started_at` is missing or invalid."""
        started = self.values.get("started_at")
        return (started.astimezone(dt.UTC).isoformat() if started else self.id[:10], self.id)

    def position(self, path: KeyPath) -> Position:
        """Where `path` (or its nearest existing ancestor) is; the opening `---` otherwise."""
        return nearest_position(self.positions, path, self.positions.get((), (1, 1)))

    def release_parse_data(self) -> None:
        """Drop what only the rules need (blocks, positions), keeping memory flat on large bases."""
        self.cache.clear()
        self.positions = {}
        self.text = ""
        for section in self.sections:
            section.blocks = []

    def redacted(self, title: str) -> PostMortem:
        """A restricted post-mortem as the site and the exports may show it: id, status, severity,
        services, start and end, and `title`. Its front matter stays whole for the figures, which
        count it like any other."""
        shown = {name: self.values[name] for name in RESTRICTED_SHOWN if name in self.values}
        return replace(self, values={**shown, "title": title}, body="", sections=[], actions=[], text="", positions={},
                       placeholders=set(), cache={})

    def value(self, name: str) -> Any:
        """A front-matter value that was present and valid, else None."""
        return self.values.get(name)

    def section(self, spec) -> Section | None:
        """The first section whose title matches `spec` (a config SectionSpec)."""
        return next((s for s in self.sections if s.normalized_title in spec.normalized_names), None)

    def section_texts(self) -> list[tuple[Section, str]]:
        """Each section with its Markdown, the heading left out."""
        lines = self.body.split("\n")
        return [(s, "\n".join(lines[s.line - self.body_line + 1: s.end_line - self.body_line + 1])) for s in self.sections]


def field_at(model: type[BaseModel], path: tuple) -> FieldInfo | None:
    """The field of `model` at `path` (list indexes skipped), or None when there is none."""
    *parents, name = [part for part in path if not isinstance(part, int)] or [None]
    for part in parents:
        info = model.model_fields.get(part)
        model = _model_in(info.annotation) if info else None
        if model is None:
            return None
    return model.model_fields.get(name)


def field_names_at(model: type[BaseModel], path: tuple) -> list[str]:
    """The field names of the model that sits at `path` inside `model` (list indexes skipped);
    empty when `path` leads to no model."""
    for part in path:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        model = _model_in(info.annotation) if info else None
        if model is None:
            return []
    return list(model.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for arg in getattr(annotation, "__args__", ()) if (m := _model_in(arg))), None)


def front_matter_schema() -> dict:
    """The JSON Schema (draft 2020-12) of the front matter, for editors and other tools."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **FrontMatter.model_json_schema()}
