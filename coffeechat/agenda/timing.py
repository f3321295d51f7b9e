"""Time in the user's zone, for the agenda.

"The day before", "the same day" and "this week" start at local midnight, and a week starts on
Monday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coffeechat.accounts.models import Profile

RELATIVE_DAYS = {-1: "yesterday", 0: "today", 1: "tomorrow"}


def time_zone_of(profile: Profile) -> ZoneInfo:
    try:
        return ZoneInfo(profile.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


# Items of one agenda fall on a few dozen days, and each asks for its midnight.
@lru_cache(maxsize=1024)
def midnight(day: date, tz: ZoneInfo) -> datetime:
    # Where the clocks change at midnight, 00:00 does not exist: take the instant it became.
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC).astimezone(tz)


def start_of_day(moment: datetime, tz: ZoneInfo, days: int = 0) -> datetime:
    return midnight(moment.astimezone(tz).date() + timedelta(days=days), tz)


def week_start(moment: datetime, tz: ZoneInfo) -> datetime:
    day = moment.astimezone(tz).date()
    return midnight(day - timedelta(days=day.weekday()), tz)


def when_text(moment: datetime, *, now: datetime, tz: ZoneInfo) -> str:
    """A moment in words, in the user's zone: 'yesterday at 10:00', 'on Thursday 12 June at
    09:30'."""
    local = moment.astimezone(tz)
    return f"{_day_words(local, now, tz)} at {local.hour:02d}:{local.minute:02d}"


def day_text(moment: datetime, *, now: datetime, tz: ZoneInfo) -> str:
    return _day_words(moment.astimezone(tz), now, tz)


def _day_words(local: datetime, now: datetime, tz: ZoneInfo) -> str:
    days = (local.date() - now.astimezone(tz).date()).days
    if days in RELATIVE_DAYS:
        return RELATIVE_DAYS[days]
    return _date_words(local.date())


# Thousands of items name a few hundred days; strftime costs as much as the rest of an item.
@lru_cache(maxsize=4096)
def _date_words(day: date) -> str:
    return f"on {day:%A} {day.day} {day:%B}"


def date_words(moment: datetime, *, now: datetime, tz: ZoneInfo, at: bool = False) -> str:
    """A day with its date and how far off it is, in the user's zone: 'Monday 7 December
    (today)', 'Thursday 10 December at 09:30 (in 3 days)', 'Monday 23 November (2 weeks ago)';
    the year when it is not this one; with `at`, the time of day."""
    local = moment.astimezone(tz)
    day, today = local.date(), now.astimezone(tz).date()
    words = f"{day:%A} {day.day} {day:%B}" + (f" {day.year}" if day.year != today.year else "")
    if at:
        words += f" at {local.hour:02d}:{local.minute:02d}"
    days = (day - today).days
    if days in RELATIVE_DAYS:
        return f"{words} ({RELATIVE_DAYS[days]})"
    count, unit = (abs(days), "day") if abs(days) < 14 else (abs(days) // 7, "week")
    span = f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{words} (in {span})" if days > 0 else f"{words} ({span} ago)"


def slot(moment: datetime) -> str:
    """A booked time in a key: '20250610T0900Z'."""
    moment = moment.astimezone(UTC)
    return (
        f"{moment.year:04d}{moment.month:02d}{moment.day:02d}T{moment.hour:02d}{moment.minute:02d}Z"
    )


def iso_week(moment: datetime, tz: ZoneInfo) -> str:
    year, week, _ = moment.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"
