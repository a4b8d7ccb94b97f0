"""Reading `postmortem.yml` into its model (`schema`), every problem collected with its line: the
rules PM501-PM503 of `rules.configuration`."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from ...collector import collector_paused
from ...diagnostics import Diagnostic
from ...errors import ConfigError
from ...rules.configuration import INVALID_VALUE, UNKNOWN_KEY, UNREADABLE_CONFIG
from ...rules.registry import Rule
from ..model import field_names_at
from ..yamlsource import YamlSyntaxError, YamlTooComplex, dotted_path, load_yaml
from .nearest import nearest
from .schema import CONFIG_FILE, Config


def load_config(root: Path) -> Config:
    """Read `postmortem.yml` under `root`; the defaults (and no service catalog) without one.
    Raises ConfigError with every problem found."""
    path = root / CONFIG_FILE
    if not path.exists():
        return Config.model_construct(services=[])
    try:
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([_problem(UNREADABLE_CONFIG, None, None, f"cannot read the config: {error}")]) from None
    try:
        with collector_paused():
            document = load_yaml(text)
    except YamlSyntaxError as error:
        raise ConfigError([_problem(UNREADABLE_CONFIG, error.line, error.column, f"YAML syntax error: {error.message}")]) from None
    except YamlTooComplex as error:
        raise ConfigError([_problem(UNREADABLE_CONFIG, 1, 1, f"the config {error.reason}")]) from None
    data = {} if document.data is None else document.data
    if not isinstance(data, dict):
        raise ConfigError([_problem(UNREADABLE_CONFIG, 1, 1, "the config must be a mapping of keys to values")])
    problems = [
        _problem(UNREADABLE_CONFIG, *position, f"duplicate key {'.'.join(map(str, path))!r}: keep one")
        for path, position in document.duplicate_keys
    ]
    try:
        config = Config.model_validate(data)
    except ValidationError as error:
        for item in error.errors():
            loc = tuple(item["loc"])
            rule = UNKNOWN_KEY if item["type"] == "extra_forbidden" else INVALID_VALUE
            problems.append(_problem(rule, *document.position(loc), config_message(item)))
        raise ConfigError(problems) from None
    problems.extend(
        _problem(INVALID_VALUE, *document.position(loc), message) for loc, message in _cross_check(config)
    )
    if problems:
        raise ConfigError(problems)
    config._key_lines.update((key, document.positions[(key,)][0]) for key in data)
    return config


def _problem(rule: Rule, line: int | None, column: int | None, message: str) -> Diagnostic:
    return rule.at(CONFIG_FILE, line, column, message)


def config_message(item: dict) -> str:
    """A problem pydantic found in the config (an item of `ValidationError.errors()`), in words that
    name its key: what `validate` reports, and `init` before writing the file."""
    loc = tuple(item["loc"])
    dotted = dotted_path(loc)
    if item["type"] == "extra_forbidden":
        known = field_names_at(Config, loc[:-1])
        guess = nearest(str(loc[-1]), known)
        hint = f"; did you mean {guess!r}?" if guess else f"; known keys: {', '.join(sorted(known))}"
        return f"unknown key {dotted!r}{hint}"
    if item["type"] == "missing":
        return f"missing required key {dotted!r}" + (
            ": list the services of the catalog, each with an id" if loc == ("services",) else ""
        )
    message = item["msg"].removeprefix("Value error, ")
    message = message[0].lower() + message[1:]
    if item["type"] == "string_pattern_mismatch":  # the value, for a reader who does not read patterns
        message = f"{item['input']!r} {message.removeprefix('string ')}"
    return f"{dotted}: {message}"


def _cross_check(config: Config):
    """Checks that span keys: unique ids, teams that exist, members who are people."""
    for key, items in (("severities", config.severities), ("services", config.services)):
        seen = set()
        for index, item in enumerate(items):
            if item.id in seen:
                yield (key, index, "id"), f"duplicate {key[:-1] if key == 'services' else 'severity'} id {item.id!r}"
            seen.add(item.id)
    for index, service in enumerate(config.services):
        if service.team and config.teams and service.team not in config.teams:
            yield ("services", index, "team"), f"team {service.team!r} is not in `teams`: add it there or fix the name"
    if config.people:
        for team, members in config.teams.items():
            for index, member in enumerate(members):
                if member.lstrip("@") not in config.person_ids:
                    yield ("teams", team, index), f"{member!r} of team {team!r} is not in `people`: add them there"
    if config.owners:
        for owner in config.github:
            if owner not in config.owners:
                yield ("github", owner), f"{owner!r} is not in `people` or `teams`: add them there or fix the name"
