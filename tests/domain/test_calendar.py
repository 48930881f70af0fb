"""Business calendars: weekends, holidays, month and year ends, time zones and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from config.loader import load_calendars
from domain.calendar import (
    DAY,
    EU_COMMON_HOLIDAYS,
    US_FEDERAL_HOLIDAYS,
    BusinessCalendar,
    Weekday,
    calendars_from_mapping,
    default_calendars,
)

CALENDARS = default_calendars()
US, EU = CALENDARS["us"], CALENDARS["eu"]
NEW_YORK, BERLIN = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")
#: Works on Sundays, so DST changes (always on a Sunday in NY and Berlin) fall on a workday.
SIX_DAY = BusinessCalendar(region="sixday", timezone="America/New_York", weekend=("saturday",))
#: Chile changes its clocks at midnight: some local days begin at 01:00.
SANTIAGO = BusinessCalendar(region="cl", timezone="America/Santiago", weekend=("saturday",))
MICROSECOND = timedelta(microseconds=1)


def close[T: (datetime, timedelta)](calendar: BusinessCalendar, got: T, want: T) -> bool:
    """Exact for the defaults; on a business day of 23 real hours, business time has finer
    steps than real microseconds, so a round trip may come back 1 µs off."""
    if calendar in (US, EU):
        return got == want
    return abs(got - want) <= MICROSECOND


def ny(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def real(start: datetime, end: datetime) -> timedelta:
    """Elapsed physical time (subtracting in one zone would give wall-clock time)."""
    return end.astimezone(UTC) - start.astimezone(UTC)


# --- adding business days --------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (ny(2026, 12, 1, 10), 1, ny(2026, 12, 2, 10)),  # Tuesday -> Wednesday
        (ny(2026, 12, 4, 10), 1, ny(2026, 12, 7, 10)),  # Friday -> Monday
        (ny(2026, 12, 4, 10), 5, ny(2026, 12, 11, 10)),  # a whole week
        (ny(2026, 11, 25, 10), 1, ny(2026, 11, 27, 10)),  # over Thanksgiving
        (ny(2026, 1, 30, 10), 1, ny(2026, 2, 2, 10)),  # month end on a Friday
        (ny(2026, 12, 31, 10), 1, ny(2027, 1, 4, 10)),  # year end, New Year's Day
        (ny(2027, 12, 30, 10), 1, ny(2028, 1, 3, 10)),  # New Year 2028 observed 2027-12-31
        (ny(2026, 12, 1, 9), 0.75, ny(2026, 12, 2, 3)),  # 18 hours
        (ny(2026, 12, 5, 12), 1, ny(2026, 12, 8, 0)),  # from Saturday: all of Monday
        (ny(2026, 12, 4, 0), 1, ny(2026, 12, 5, 0)),  # all of Friday ends at midnight
        (ny(2026, 12, 7, 10), -1, ny(2026, 12, 4, 10)),  # backwards over a weekend
        (ny(2026, 11, 27, 10), -1, ny(2026, 11, 25, 10)),  # backwards over Thanksgiving
        (berlin(2026, 4, 2, 10), 1, berlin(2026, 4, 7, 10)),  # over Good Friday and Easter
        (berlin(2026, 12, 24, 10), 1, berlin(2026, 12, 28, 10)),  # over Christmas
    ],
)
def test_add_business_days(start: datetime, days: float, expected: datetime) -> None:
    calendar = US if start.tzinfo is NEW_YORK else EU
    assert calendar.add_business_days(start, days) == expected


def test_results_are_utc() -> None:
    result = US.add_business_days(ny(2026, 12, 1, 10), 1)
    assert result.tzinfo is UTC
    assert result == datetime(2026, 12, 2, 15, tzinfo=UTC)


def test_zero_days_is_the_start_itself_even_on_a_weekend() -> None:
    saturday = ny(2026, 12, 5, 12)
    assert US.add_business_days(saturday, 0) == saturday
    assert US.add_business_days(saturday, timedelta()) == saturday


def test_a_timedelta_works_like_days() -> None:
    start = ny(2026, 12, 1, 10)
    assert US.add_business_days(start, timedelta(hours=36)) == US.add_business_days(start, 1.5)


@pytest.mark.parametrize(
    ("calendar", "before", "after"),
    [
        (US, ny(2026, 3, 6, 10), ny(2026, 3, 9, 10)),  # spring forward, Sunday 2026-03-08
        (US, ny(2026, 10, 30, 10), ny(2026, 11, 2, 10)),  # fall back, Sunday 2026-11-01
        (EU, berlin(2026, 3, 27, 10), berlin(2026, 3, 30, 10)),  # Sunday 2026-03-29
        (EU, berlin(2026, 10, 23, 10), berlin(2026, 10, 26, 10)),  # Sunday 2026-10-25
    ],
)
def test_one_day_across_dst_keeps_the_wall_clock_time(
    calendar: BusinessCalendar, before: datetime, after: datetime
) -> None:
    result = calendar.add_business_days(before, 1)
    assert result == after
    assert calendar.local(result).time() == time(10)
    assert real(before, result) != 3 * DAY  # the real elapsed time differs by the DST hour


def test_a_day_that_starts_at_one_oclock_still_counts_as_one_day() -> None:
    zone = ZoneInfo("America/Santiago")  # 2026-09-06 00:00 does not exist: 01:00 -03
    sunday, monday = datetime(2026, 9, 6, 1, tzinfo=zone), datetime(2026, 9, 7, tzinfo=zone)
    assert SANTIAGO.business_time_between(sunday, monday) == DAY
    assert SANTIAGO.add_business_days(datetime(2026, 9, 5, 12, tzinfo=zone), 1) == monday


def test_a_dst_day_that_is_a_business_day_counts_as_one_day() -> None:
    sunday, monday = ny(2026, 3, 8), ny(2026, 3, 9)  # 23 real hours apart
    assert real(sunday, monday) == timedelta(hours=23)
    assert SIX_DAY.business_time_between(sunday, monday) == DAY
    assert SIX_DAY.add_business_days(sunday, 1) == monday
    fall_sunday, fall_monday = ny(2026, 11, 1), ny(2026, 11, 2)  # 25 real hours
    assert SIX_DAY.add_business_days(fall_sunday, 1) == fall_monday
    # Within that day business time runs evenly: half a day is 12.5 real hours in.
    half = SIX_DAY.add_business_days(fall_sunday, 0.5)
    assert real(fall_sunday, half) == timedelta(hours=12.5)


# --- business time elapsed -------------------------------------------------------------


def test_business_time_between_skips_weekends_and_holidays() -> None:
    assert US.business_time_between(ny(2026, 12, 4, 12), ny(2026, 12, 7, 12)) == DAY
    assert US.business_time_between(ny(2026, 12, 5, 1), ny(2026, 12, 6, 23)) == timedelta()
    wednesday, friday = ny(2026, 11, 25, 12), ny(2026, 11, 27, 12)
    assert US.business_time_between(wednesday, friday) == DAY  # Thanksgiving skipped
    assert US.business_days_between(wednesday, friday) == 1.0


def test_business_time_between_is_negative_backwards() -> None:
    a, b = ny(2026, 12, 1, 10), ny(2026, 12, 3, 16)
    assert US.business_time_between(b, a) == -US.business_time_between(a, b)


def test_time_zone_decides_the_day() -> None:
    # Friday 22:00 in New York is already Saturday 04:00 in Berlin; Sunday 18:00 in New
    # York is Monday 00:00 in Berlin.
    friday_night = ny(2026, 12, 4, 22)
    sunday_evening = ny(2026, 12, 6, 18)
    assert US.business_time_between(friday_night, sunday_evening) == timedelta(hours=2)
    assert EU.business_time_between(friday_night, sunday_evening) == timedelta()
    monday = ny(2026, 12, 7, 0)
    assert EU.business_time_between(friday_night, monday) == timedelta(hours=6)


# --- regulatory deadlines --------------------------------------------------------------


def test_work_day_deadline_counts_from_the_day_after() -> None:
    monday = ny(2026, 11, 30, 9)  # work days: Dec 1, 2, 3, 4, 7 -> end of Monday Dec 7
    assert US.work_day_deadline(monday, 5) == ny(2026, 12, 8, 0)
    friday = ny(2026, 12, 18, 16)  # Dec 21, 22, 23, 24, (25 holiday), 28
    assert US.work_day_deadline(friday, 5) == ny(2026, 12, 29, 0)
    assert US.work_day_deadline(monday, 0) == ny(2026, 12, 1, 0)


def test_calendar_day_deadline_is_the_end_of_the_nth_day() -> None:
    aware = ny(2026, 11, 30, 9)
    assert US.calendar_day_deadline(aware, 30) == ny(2026, 12, 31, 0)
    late_evening = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # Dec 1 in Berlin
    assert EU.calendar_day_deadline(late_evening, 2) == berlin(2026, 12, 4, 0)
    over_dst = ny(2026, 3, 1, 9)
    assert US.calendar_day_deadline(over_dst, 30) == ny(2026, 4, 1, 0)


def test_negative_day_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        US.work_day_deadline(ny(2026, 12, 1), -1)
    with pytest.raises(ValueError, match="negative"):
        US.calendar_day_deadline(ny(2026, 12, 1), -1)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        US.add_business_days(datetime(2026, 12, 1, 10), 1)


# --- the model and its config ----------------------------------------------------------


def test_calendar_validation() -> None:
    with pytest.raises(ValidationError, match="unknown time zone"):
        BusinessCalendar(region="x", timezone="Mars/Olympus_Mons")
    with pytest.raises(ValidationError, match="working weekday"):
        BusinessCalendar(region="x", timezone="UTC", weekend=tuple(Weekday))
    calendar = BusinessCalendar(
        region="x",
        timezone="UTC",
        weekend=("sunday", "saturday", "sunday"),
        holidays=(date(2026, 2, 1), date(2026, 1, 1)),
    )
    assert calendar.weekend == ("saturday", "sunday")
    assert calendar.holidays == (date(2026, 1, 1), date(2026, 2, 1))


def test_calendar_round_trips_through_json() -> None:
    again = BusinessCalendar.model_validate_json(US.model_dump_json())
    assert again == US
    assert again.add_business_days(ny(2026, 11, 25, 10), 1) == ny(2026, 11, 27, 10)


def test_config_overrides_only_what_it_names() -> None:
    calendars = calendars_from_mapping(
        {
            "regions": {
                "us": {"timezone": "America/Chicago"},
                "apac": {"timezone": "Asia/Singapore", "weekend": ["saturday", "sunday"]},
            }
        }
    )
    assert calendars["us"].timezone == "America/Chicago"
    assert calendars["us"].holidays == US_FEDERAL_HOLIDAYS
    assert calendars["eu"] == EU
    assert calendars["apac"].region == "apac"
    assert calendars["apac"].holidays == ()
    assert calendars_from_mapping({}) == CALENDARS


def test_config_refuses_unknown_settings() -> None:
    with pytest.raises(ValueError, match="unknown calendar settings"):
        calendars_from_mapping({"region": {}})
    with pytest.raises(ValidationError):
        calendars_from_mapping({"regions": {"us": {"weekends": ["friday"]}}})


def test_shipped_toml_matches_the_built_in_defaults() -> None:
    assert load_calendars() == CALENDARS


def test_loader_reads_another_file(tmp_path: Path) -> None:
    path = tmp_path / "calendars.toml"
    path.write_text('[regions.eu]\ntimezone = "Europe/Paris"\nholidays = [2026-07-14]\n')
    calendars = load_calendars(path)
    assert calendars["eu"].timezone == "Europe/Paris"
    assert calendars["eu"].holidays == (date(2026, 7, 14),)
    assert calendars["us"] == US


# --- the default holiday lists, checked against the rules that define them ------------


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def last_weekday(year: int, month: int, weekday: int) -> date:
    day = nth_weekday(year, month, weekday, 4)
    return day + timedelta(days=7) if (day + timedelta(days=7)).month == month else day


def observed(day: date) -> date:
    shift = {5: -1, 6: 1}.get(day.weekday(), 0)
    return day + timedelta(days=shift)


def us_federal(year: int) -> set[date]:
    monday, thursday = 0, 3
    fixed = [(1, 1), (6, 19), (7, 4), (11, 11), (12, 25)]
    days = {observed(date(year, month, day)) for month, day in fixed}
    days |= {
        nth_weekday(year, 1, monday, 3),
        nth_weekday(year, 2, monday, 3),
        last_weekday(year, 5, monday),
        nth_weekday(year, 9, monday, 1),
        nth_weekday(year, 10, monday, 2),
        nth_weekday(year, 11, thursday, 4),
    }
    return days


def easter(year: int) -> date:
    """Anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def german(year: int) -> set[date]:
    sunday = easter(year)
    offsets = (-2, 1, 39, 50)  # Good Friday, Easter Monday, Ascension, Whit Monday
    fixed = [(1, 1), (5, 1), (10, 3), (12, 25), (12, 26)]
    return {sunday + timedelta(days=n) for n in offsets} | {date(year, m, d) for m, d in fixed}


def test_us_holidays_follow_the_federal_rules() -> None:
    expected = set().union(*(us_federal(year) for year in (2026, 2027, 2028)))
    assert set(US_FEDERAL_HOLIDAYS) == {day for day in expected if day.year <= 2028}
    assert all(day.weekday() < 5 for day in US_FEDERAL_HOLIDAYS)


def test_eu_holidays_follow_the_german_rules() -> None:
    assert easter(2026) == date(2026, 4, 5)
    expected = set().union(*(german(year) for year in (2026, 2027, 2028)))
    assert set(EU_COMMON_HOLIDAYS) == expected


# --- properties ------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2028, 10, 1), timezones=st.just(UTC)
)
amounts = st.integers(min_value=0, max_value=40 * 24 * 60).map(lambda m: timedelta(minutes=m))
calendars = st.sampled_from([US, EU, SIX_DAY, SANTIAGO])
quick = settings(max_examples=80, deadline=None)


@quick
@given(calendar=calendars, start=instants, amount=amounts)
def test_add_then_elapsed_round_trips(
    calendar: BusinessCalendar, start: datetime, amount: timedelta
) -> None:
    end = calendar.add_business_days(start, amount)
    assert close(calendar, calendar.business_time_between(start, end), amount)


@quick
@given(calendar=calendars, start=instants, days=st.floats(min_value=0, max_value=40))
def test_fractional_days_round_trip(
    calendar: BusinessCalendar, start: datetime, days: float
) -> None:
    end = calendar.add_business_days(start, days)
    assert close(calendar, calendar.business_time_between(start, end), timedelta(days=days))


@quick
@given(calendar=calendars, start=instants, amount=amounts.filter(bool))
def test_the_result_ends_business_time(
    calendar: BusinessCalendar, start: datetime, amount: timedelta
) -> None:
    end = calendar.local(calendar.add_business_days(start, amount))
    day = end.date() if end.time() != time() else end.date() - DAY
    assert calendar.is_business_day(day)


@quick
@given(calendar=calendars, start=instants, a=amounts, b=amounts)
def test_adding_is_monotonic_and_additive(
    calendar: BusinessCalendar, start: datetime, a: timedelta, b: timedelta
) -> None:
    low, high = sorted((a, b))
    assert calendar.add_business_days(start, low) <= calendar.add_business_days(start, high)
    stepwise = calendar.add_business_days(calendar.add_business_days(start, a), b)
    assert close(calendar, stepwise, calendar.add_business_days(start, a + b))


@quick
@given(calendar=calendars, x=instants, y=instants, amount=amounts)
def test_later_starts_never_end_earlier(
    calendar: BusinessCalendar, x: datetime, y: datetime, amount: timedelta
) -> None:
    early, late = sorted((x, y))
    assert calendar.add_business_days(early, amount) <= calendar.add_business_days(late, amount)


@quick
@given(calendar=calendars, x=instants, y=instants, z=instants)
def test_elapsed_is_additive_and_bounded(
    calendar: BusinessCalendar, x: datetime, y: datetime, z: datetime
) -> None:
    a, b, c = sorted((x, y, z))
    ab, bc = calendar.business_time_between(a, b), calendar.business_time_between(b, c)
    assert calendar.business_time_between(a, c) == ab + bc
    assert ab >= timedelta()
    if calendar in (US, EU):  # no DST day is a business day: business time <= real time
        assert ab <= b - a


@quick
@given(calendar=calendars, start=instants, amount=amounts)
def test_going_back_undoes_going_forward(
    calendar: BusinessCalendar, start: datetime, amount: timedelta
) -> None:
    if not calendar.is_business_day(calendar.local(start).date()):
        start = calendar.add_business_days(start, MICROSECOND)
    end = calendar.add_business_days(start, amount)
    assert close(calendar, calendar.add_business_days(end, -amount), start)


@quick
@given(
    calendar=st.sampled_from([US, EU]),
    day=st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 10, 1)),
    clock=st.times(min_value=time(0, 0, 1)),
    days=st.integers(min_value=1, max_value=30),
)
def test_whole_days_keep_the_local_wall_clock_time(
    calendar: BusinessCalendar, day: date, clock: time, days: int
) -> None:
    """Across DST changes, month and year ends: N business days later, same local time."""
    if not calendar.is_business_day(day):
        return
    start = calendar.to_utc(datetime.combine(day, clock))
    end = calendar.local(calendar.add_business_days(start, days))
    assert end.time() == clock
    assert calendar.is_business_day(end.date())
    assert sum(map(calendar.is_business_day, _days(day, end.date()))) == days


def _days(first: date, last: date) -> list[date]:
    """The days after ``first`` up to and including ``last``."""
    return [first + timedelta(days=n) for n in range(1, (last - first).days + 1)]
