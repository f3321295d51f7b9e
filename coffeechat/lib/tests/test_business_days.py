from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coffeechat.lib.business_days import add_business_days, business_days_between

LONDON = ZoneInfo("Europe/London")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")

# 2025-06-09 is a Monday.
MONDAY = datetime(2025, 6, 9, 10, 0, tzinfo=LONDON)
WEDNESDAY = MONDAY + timedelta(days=2)
FRIDAY = MONDAY + timedelta(days=4)
SATURDAY = MONDAY + timedelta(days=5)
SUNDAY = MONDAY + timedelta(days=6)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (MONDAY, 0, MONDAY),
        (MONDAY, 1, MONDAY + timedelta(days=1)),
        (FRIDAY, 1, MONDAY + timedelta(days=7)),
        (FRIDAY, 5, FRIDAY + timedelta(days=7)),
        (WEDNESDAY, 10, WEDNESDAY + timedelta(days=14)),
        (WEDNESDAY, 3, MONDAY + timedelta(days=7)),
        (SATURDAY, 1, MONDAY + timedelta(days=7)),
        (SUNDAY, 5, FRIDAY + timedelta(days=7)),
        (SATURDAY, 5, FRIDAY + timedelta(days=7)),
        (MONDAY, -1, FRIDAY - timedelta(days=7)),
        (WEDNESDAY, -3, FRIDAY - timedelta(days=7)),
        (SATURDAY, -1, FRIDAY),
        (SUNDAY, -5, MONDAY),
        (MONDAY, -10, MONDAY - timedelta(days=14)),
    ],
)
def test_it_skips_weekends(start, days, expected):
    assert add_business_days(start, days, LONDON) == expected


def test_it_keeps_the_local_time_of_day_and_returns_the_time_zone_asked_for():
    start = datetime(2025, 6, 13, 15, 45, tzinfo=UTC)  # Friday 16:45 in London
    result = add_business_days(start, 1, LONDON)
    assert result.tzinfo == LONDON
    assert (result.weekday(), result.hour, result.minute) == (0, 16, 45)


def test_it_keeps_wall_time_across_the_spring_change_in_berlin():
    friday = datetime(2025, 3, 28, 9, 0, tzinfo=BERLIN)  # clocks go forward on Sunday 30th
    monday = add_business_days(friday, 1, BERLIN)
    assert monday == datetime(2025, 3, 31, 9, 0, tzinfo=BERLIN)
    assert monday.utcoffset() == timedelta(hours=2)
    # Same-zone subtraction is wall-clock; the real gap is measured in UTC.
    assert monday.astimezone(UTC) - friday.astimezone(UTC) == timedelta(hours=71)
    assert add_business_days(monday, -1, BERLIN) == friday


def test_it_keeps_wall_time_across_the_autumn_change_in_new_york():
    friday = datetime(2025, 10, 31, 9, 0, tzinfo=NEW_YORK)  # clocks go back on Sunday 2nd
    monday = add_business_days(friday, 1, NEW_YORK)
    assert monday == datetime(2025, 11, 3, 9, 0, tzinfo=NEW_YORK)
    assert monday.astimezone(UTC) - friday.astimezone(UTC) == timedelta(hours=73)
    assert business_days_between(friday, monday, NEW_YORK) == 1
    assert business_days_between(friday, monday - timedelta(minutes=1), NEW_YORK) == 0


def test_it_counts_by_the_calendar_of_the_time_zone_given():
    # Friday 20:00 in Los Angeles is Saturday 05:00 in Berlin.
    start = datetime(2025, 6, 13, 20, 0, tzinfo=LOS_ANGELES)
    assert add_business_days(start, 1, LOS_ANGELES) == datetime(
        2025, 6, 16, 20, 0, tzinfo=LOS_ANGELES
    )
    assert add_business_days(start, 1, BERLIN) == datetime(2025, 6, 16, 5, 0, tzinfo=BERLIN)
    assert add_business_days(start, -1, LOS_ANGELES) == datetime(
        2025, 6, 12, 20, 0, tzinfo=LOS_ANGELES
    )
    assert add_business_days(start, -1, BERLIN) == datetime(2025, 6, 13, 5, 0, tzinfo=BERLIN)
    monday_noon_utc = datetime(2025, 6, 16, 12, 0, tzinfo=UTC)
    assert business_days_between(start, monday_noon_utc, BERLIN) == 1
    assert business_days_between(start, monday_noon_utc, LOS_ANGELES) == 0


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (MONDAY, MONDAY, 0),
        (MONDAY, MONDAY + timedelta(hours=23), 0),
        (MONDAY, MONDAY + timedelta(days=1), 1),
        (FRIDAY, SUNDAY + timedelta(hours=12), 0),
        (FRIDAY.replace(hour=17), MONDAY.replace(hour=9) + timedelta(days=7), 0),
        (FRIDAY.replace(hour=17), MONDAY.replace(hour=17) + timedelta(days=7), 1),
        (SATURDAY, MONDAY + timedelta(days=7, hours=1), 1),
        (MONDAY, MONDAY + timedelta(days=14), 10),
        (WEDNESDAY, MONDAY + timedelta(days=7), 3),
        (MONDAY + timedelta(days=1), MONDAY, -1),
        (MONDAY + timedelta(days=14), MONDAY, -10),
    ],
)
def test_it_counts_whole_business_days_elapsed(start, end, expected):
    assert business_days_between(start, end, LONDON) == expected


@pytest.mark.parametrize("tz", [LONDON, BERLIN, NEW_YORK, LOS_ANGELES])
def test_counting_undoes_adding_from_any_weekday(tz):
    start = datetime(2025, 3, 3, 9, 30, tzinfo=tz)  # a Monday; the range spans a DST change
    for offset in range(5):
        day = start + timedelta(days=offset)
        for days in range(0, 40):
            assert business_days_between(day, add_business_days(day, days, tz), tz) == days


def test_it_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="aware"):
        add_business_days(datetime(2025, 6, 9, 10, 0), 1, LONDON)
    with pytest.raises(ValueError, match="aware"):
        business_days_between(MONDAY, datetime(2025, 6, 10, 10, 0), LONDON)
