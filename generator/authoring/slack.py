"""A post-mortem's timeline from the incident channel (`postmortem timeline --slack`): the messages
of a Slack workspace export that were pinned or marked with a reaction, as timeline bullets.

A Slack export is a folder: `users.json` (`org_users.json` from an Enterprise Grid org),
`channels.json` and `groups.json` (public and private channels, with their pins), and one folder
per channel holding a JSON file a day (`2026-03-13.json`), each an array of messages with `ts`
(seconds since the epoch, as text), `user`, `text`, and `reactions` and `pinned_to` when they have
some."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError

#: Slack's markup: `<@U123>`, `<#C123|name>`, `<!here>`, `<!subteam^S1|@team>`, `<https://x|label>`.
SLACK_MARKUP = re.compile(r"<([@#!]?)([^<>|]*)(?:\|([^<>]*))?>")
#: Messages that are not what people said: joins, leaves, topic changes, bots' housekeeping.
SKIPPED_SUBTYPES = {"channel_join", "channel_leave", "channel_topic", "channel_purpose", "channel_name",
                    "group_join", "group_leave", "pinned_item", "reminder_add", "bot_add", "bot_remove"}


@dataclass(frozen=True)
class Message:
    """A message of the channel, in the export's words."""

    when: dt.datetime
    user: str
    text: str
    reactions: frozenset[str]
    pinned: bool


def slack_timeline(export: Path, channel: str, start: dt.datetime, end: dt.datetime, zone: zoneinfo.ZoneInfo,
                   reactions: tuple[str, ...] = (), keep_all: bool = False) -> list[str]:
    """Timeline bullets from the messages of `channel` between `start` and `end`: those pinned or
    marked with a reaction; with `reactions`, those marked with one of them; with `keep_all`, all.
    Raises UsageError when the folder is not a Slack export or has no such channel."""
    messages = read_channel(export, channel, start, end)
    if not keep_all:
        messages = [message for message in messages
                    if (message.reactions & set(reactions) if reactions else message.pinned or message.reactions)]
    return timeline_lines(messages, _user_names(export), zone)


def read_channel(export: Path, channel: str, start: dt.datetime, end: dt.datetime) -> list[Message]:
    """The messages of `channel` (its name, with or without `#`) from `start` to `end` included,
    in order."""
    channel = channel.lstrip("#")
    if not export.is_dir():
        raise UsageError(f"{export} is not a folder: unzip the Slack export and give its folder")
    channels = {**_by_name(export / "channels.json"), **_by_name(export / "groups.json")}
    folder = export / channel
    if not folder.is_dir():
        known = ", ".join(sorted(channels)) or "none (no channels.json)"
        raise UsageError(f"no channel {channel!r} in the export {export}: its channels are {known}")
    pins = {pin.get("id") for pin in channels.get(channel, {}).get("pins", []) if isinstance(pin, dict)}
    messages = []
    day, last = start.astimezone(dt.UTC).date(), end.astimezone(dt.UTC).date()
    while day <= last:
        for item in _json(folder / f"{day.isoformat()}.json", []):
            message = _message(item, pins)
            if message and start <= message.when <= end:
                messages.append(message)
        day += dt.timedelta(days=1)
    return sorted(messages, key=lambda message: message.when)


def timeline_lines(messages: list[Message], users: dict[str, str], zone: zoneinfo.ZoneInfo) -> list[str]:
    """Timeline bullets (`- 18:42 — text (author)`), in `zone`; the first entry and each new day
    carry the date, as the timeline check reads them."""
    lines, previous_day = [], None
    for message in messages:
        local = message.when.astimezone(zone)
        stamp = local.strftime("%H:%M") if local.date() == previous_day else local.strftime("%Y-%m-%d %H:%M")
        previous_day = local.date()
        author = users.get(message.user, message.user)
        lines.append(f"- {stamp} — {readable(message.text, users)}" + (f" ({author})" if author else ""))
    return lines


def readable(text: str, users: dict[str, str]) -> str:
    """A message's text on one line, with Slack's markup made readable: mentions by display name,
    channels by name, links as their label and address."""
    def replace(match: re.Match) -> str:
        kind, target, label = match[1], match[2], match[3]
        if kind == "@":
            return "@" + users.get(target, label or target)
        if kind == "#":
            return "#" + (label or target)
        if kind == "!":
            return label or "@" + target.split("^")[0]
        return f"{label} ({target})" if label and label != target.removeprefix("mailto:") else target.removeprefix("mailto:")

    return html.unescape(" ".join(SLACK_MARKUP.sub(replace, text).split()))


def _message(item, pins: set) -> Message | None:
    if not isinstance(item, dict) or item.get("subtype") in SKIPPED_SUBTYPES or not item.get("text"):
        return None
    try:
        when = dt.datetime.fromtimestamp(float(item["ts"]), dt.UTC)
    except (KeyError, TypeError, ValueError):
        return None
    reactions = frozenset(reaction.get("name", "") for reaction in item.get("reactions", []) if isinstance(reaction, dict))
    pinned = bool(item.get("pinned_to")) or item.get("ts") in pins
    return Message(when, str(item.get("user") or item.get("username") or ""), str(item["text"]), reactions, pinned)


def _user_names(export: Path) -> dict[str, str]:
    names = {}
    for user in [*_json(export / "users.json", []), *_json(export / "org_users.json", [])]:
        if isinstance(user, dict) and "id" in user:
            profile = user.get("profile") or {}
            names[user["id"]] = (profile.get("display_name") or profile.get("real_name") or user.get("real_name")
                                 or user.get("name") or user["id"])
    return names


def _by_name(path: Path) -> dict[str, dict]:
    return {channel["name"]: channel for channel in _json(path, []) if isinstance(channel, dict) and "name" in channel}


def _json(path: Path, default):
    if not path.is_file():
        return default
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"{path} cannot be read as Slack's JSON: {error}") from None
