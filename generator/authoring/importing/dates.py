"""Dates, times of day and time zones as post-mortems write them: `2017-01-31`, `January 31st, 2017`,
`31 janvier 2017`, `18:42`, `6:42 PM`, `22h06`, `UTC`, `CET`, `UTC+2`."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

MONTHS = {
    **{name: number for number, names in enumerate([
        ("january", "jan", "janvier", "janv"), ("february", "feb", "fevrier", "février", "fevr", "févr"),
        ("march", "mar", "mars"), ("april", "apr", "avril", "avr"), ("may", "mai"), ("june", "jun", "juin"),
        ("july", "jul", "juillet", "juil"), ("august", "aug", "aout", "août"),
        ("september", "sep", "sept", "septembre"), ("october", "oct", "octobre"),
        ("november", "nov", "novembre"), ("december", "dec", "decembre", "décembre", "déc")], start=1)
        for name in names},
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = (r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?|lundi|mardi|mercredi|jeudi|"
            r"vendredi|samedi|dimanche)\.?,?\s+")
#: A calendar date, in the forms of English and French write-ups.
DATE = (rf"(?:{_WEEKDAY})?(?:(?P<iso>\d{{4}}[-/]\d{{2}}[-/]\d{{2}})"
        rf"|(?P<month1>{_MONTH})\.?\s+(?P<day1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year1>\d{{4}}))?"
        rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th|er)?\.?\s+(?:of\s+)?(?P<month2>{_MONTH})\.?(?:,?\s+(?P<year2>\d{{4}}))?)")
DATE_PATTERN = re.compile(rf"(?<![\w-]){DATE}(?![\w-])", re.IGNORECASE)
#: A time of day: 18:42, 18:42:05, 6:42 PM, 22h06.
TIME = r"(?P<hour>\d{1,2})(?:[:h](?P<minute>\d{2}))(?::\d{2})?(?:\s*(?P<ampm>[ap]\.?\s?m\b\.?))?"
#: Fixed-offset zone names that write-ups use; anything else is read in the config's zone.
ZONE_OFFSETS = {"utc": 0, "gmt": 0, "z": 0, "cet": 60, "cest": 120, "bst": 60, "wet": 0, "west": 60, "eet": 120,
                "eest": 180, "pst": -480, "pdt": -420, "mst": -420, "mdt": -360, "cst": -360, "cdt": -300,
                "est": -300, "edt": -240, "ist": 330, "jst": 540, "aest": 600}
ZONE = (r"(?P<zone>(?:UTC|GMT)\s?[+-]\s?\d{1,2}(?::?\d{2})?|"
        + "|".join(name.upper() for name in sorted(ZONE_OFFSETS, key=len, reverse=True) if name != "z") + ")")
ZONE_PATTERN = re.compile(rf"(?<![\w]){ZONE}(?![\w])")
#: Named zones a write-up gives in words.
NAMED_ZONES = {"paris": "Europe/Paris", "london": "Europe/London", "berlin": "Europe/Berlin",
               "new york": "America/New_York", "pacific": "America/Los_Angeles", "eastern": "America/New_York"}


def date_of(match: re.Match) -> dt.date | None:
    """The date a DATE match names, or None when it names none (a day 31 of February, no year)."""
    try:
        if match["iso"]:
            year, month, day = (int(part) for part in re.split(r"[-/]", match["iso"]))
            return dt.date(year, month, day)
        month = MONTHS[(match["month1"] or match["month2"]).lower().rstrip(".")]
        day, year = int(match["day1"] or match["day2"]), match["year1"] or match["year2"]
        return dt.date(int(year), month, day) if year else None
    except (ValueError, KeyError):
        return None


def month_day(match: re.Match) -> tuple[int, int] | None:
    """The month and day of a DATE match written without a year (`February 1st`), or None."""
    month = match["month1"] or match["month2"]
    if not month or match["year1"] or match["year2"]:
        return None
    return MONTHS[month.lower().rstrip(".")], int(match["day1"] or match["day2"])


def first_date(text: str) -> dt.date | None:
    """The first full date in `text`."""
    for match in DATE_PATTERN.finditer(text):
        found = date_of(match)
        if found:
            return found
    return None


def time_of(match: re.Match) -> dt.time | None:
    hour, minute = int(match["hour"]), int(match["minute"])
    ampm = (match["ampm"] or "").lower().replace(".", "").replace(" ", "")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def zone_named(text: str) -> dt.tzinfo | None:
    """The zone a text names: `UTC`, `CET`, `UTC+2`, `Paris time`, or None."""
    match = ZONE_PATTERN.search(text)
    if match:
        return zone_of(match["zone"])
    lowered = text.lower()
    for name, key in NAMED_ZONES.items():
        if re.search(rf"\b{name}\b", lowered):
            return zoneinfo.ZoneInfo(key)
    return None


def zone_of(name: str) -> dt.tzinfo:
    offset = re.fullmatch(r"(?:UTC|GMT)\s?([+-])\s?(\d{1,2})(?::?(\d{2}))?", name.upper())
    if offset:
        minutes = int(offset[2]) * 60 + int(offset[3] or 0)
        return dt.timezone(dt.timedelta(minutes=minutes if offset[1] == "+" else -minutes))
    return dt.timezone(dt.timedelta(minutes=ZONE_OFFSETS[name.lower()]))
