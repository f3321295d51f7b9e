"""Business days (Monday to Friday) counted in the calendar of one time zone.

A day is a business day or not by its *local* date: Friday 20:00 in Los Angeles is already
Saturday in Berlin. Times of day are kept as wall-clock times, so adding a business day
across a daylight-saving change keeps 09:00 at 09:00 (the gap in hours is 23 or 25 times n).
Public holidays are not counted: they differ by country and would be a guess.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_WEEK = timedelta(days=7)
_DAY = timedelta(days=1)


def is_business_day(day: date) -> bool:
    return day.weekday() < 5


def add_business_days(start: datetime, days: int, tz: ZoneInfo) -> datetime:
    """`start` moved by `days` business days (backwards when negative), in `tz`.

    Starting on a weekend, the first business day forwards is Monday and backwards Friday.
    """
    local = _local(start, tz)
    if days == 0:
        return local
    step = _DAY if days > 0 else -_DAY
    remaining = abs(days)
    # Any seven consecutive days hold exactly five business days; jump whole weeks, but walk
    # the last one to five so a weekend start does not overshoot onto a weekend.
    weeks = (remaining - 1) // 5
    day = local.date() + (_WEEK if days > 0 else -_WEEK) * weeks
    remaining -= 5 * weeks
    while remaining:
        day += step
        if is_business_day(day):
            remaining -= 1
    return _at(day, local.time(), tz)


def business_days_between(start: datetime, end: datetime, tz: ZoneInfo) -> int:
    """How many whole business days have elapsed from `start` to `end`, counted in `tz`.

    From `start` onwards it is the largest n with ``add_business_days(start, n, tz) <= end``:
    Friday 17:00 to Monday 09:00 is 0, to Monday 17:00 is 1. It is negative when `end` comes
    before `start`.
    """
    local_start, local_end = _local(start, tz), _local(end, tz)
    if end < start:
        return -business_days_between(end, start, tz)
    first, last = local_start.date(), local_end.date()
    if last <= first:
        return 0
    # Business days strictly between the two dates, then the last date if its time has come.
    count = _business_days_in(first + _DAY, last)
    if is_business_day(last) and _at(last, local_start.time(), tz) <= end:
        count += 1
    return count


def _business_days_in(first: date, stop: date) -> int:
    """Business days in [first, stop)."""
    days = (stop - first).days
    weeks, rest = divmod(days, 7)
    return weeks * 5 + sum(is_business_day(first + timedelta(days=i)) for i in range(rest))


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Business days need an aware datetime (one with a time zone).")
    return moment.astimezone(tz)


def _at(day: date, wall: time, tz: ZoneInfo) -> datetime:
    # A wall time that does not exist (inside a spring-forward gap) comes out as the same
    # instant written in the new offset, e.g. 02:30 becomes 03:30.
    return datetime.combine(day, wall, tzinfo=tz).astimezone(UTC).astimezone(tz)
