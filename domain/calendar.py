"""Business calendars: weekends and holidays per region, in the region's time zone.

A business day is a whole local calendar day (local midnight to local midnight) that is
neither a weekend day nor a holiday, and it counts as one day of business time however
long it really is. So adding one business day across a DST change lands on the same local
wall-clock time, although 23 or 25 real hours passed. On the day of a DST change itself
(a Sunday in New York and Berlin, so never a default business day) business time runs
evenly over the 23 or 25 real hours: there is no skipped or repeated hour to trip over,
and business time stays strictly monotonic and additive everywhere. Results are aware
UTC datetimes; inputs may be in any time zone but must be aware.

Determinism (Temporal's sandbox): nothing here reads the clock or a file. Validating a
calendar constructs ``zoneinfo.ZoneInfo(timezone)``, which reads the tz database once per
name and is cached by ``zoneinfo`` afterwards; the sandbox allows it. Build calendars
outside the workflow (``config.loader.load_calendars`` at worker start) and pass them in
with the workflow's input, so a replay uses the calendar the complaint started with.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ConfigDict, Field, PrivateAttr, field_validator

from domain.base import StrictModel

DAY = timedelta(days=1)


class Weekday(StrEnum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"

    @property
    def number(self) -> int:
        """``date.weekday()`` of this day (Monday is 0)."""
        return list(Weekday).index(self)


class BusinessCalendar(StrictModel):
    model_config = ConfigDict(frozen=True)

    region: str = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_-]+$")
    timezone: str = Field(description="IANA time zone name, e.g. America/New_York")
    weekend: tuple[Weekday, ...] = (Weekday.SATURDAY, Weekday.SUNDAY)
    holidays: tuple[date, ...] = ()

    _zone: ZoneInfo = PrivateAttr()
    _weekend: frozenset[int] = PrivateAttr()
    _holidays: frozenset[date] = PrivateAttr()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {name!r}") from error
        return name

    @field_validator("weekend")
    @classmethod
    def _some_workdays(cls, days: tuple[Weekday, ...]) -> tuple[Weekday, ...]:
        unique = sorted(set(days), key=lambda day: day.number)
        if len(unique) == len(Weekday):
            raise ValueError("a calendar needs at least one working weekday")
        return tuple(unique)

    @field_validator("holidays")
    @classmethod
    def _sorted_holidays(cls, days: tuple[date, ...]) -> tuple[date, ...]:
        return tuple(sorted(set(days)))

    def model_post_init(self, context: Any, /) -> None:
        self._zone = ZoneInfo(self.timezone)
        self._weekend = frozenset(day.number for day in self.weekend)
        self._holidays = frozenset(self.holidays)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() not in self._weekend and day not in self._holidays

    def local(self, moment: datetime) -> datetime:
        """``moment`` as naive local wall-clock time in this calendar's zone."""
        if moment.tzinfo is None:
            raise ValueError("business time needs an aware datetime")
        return moment.astimezone(self._zone).replace(tzinfo=None)

    def to_utc(self, local: datetime) -> datetime:
        """Naive local wall-clock time as aware UTC (an ambiguous time takes its first use)."""
        return local.replace(tzinfo=self._zone).astimezone(UTC)

    def add_business_days(self, start: datetime, days: float | timedelta) -> datetime:
        """The earliest moment by which ``days`` of business time have elapsed since ``start``.

        Fractions are allowed (0.75 of a day is 18 hours of business time). Time on
        non-business days does not count, so from a Saturday the count begins on Monday
        at 00:00. Negative ``days`` count backwards. Zero returns ``start`` itself.
        """
        amount = days if isinstance(days, timedelta) else timedelta(days=days)
        if not amount:
            return start.astimezone(UTC)
        if amount < timedelta():
            return self._back(start, -amount)
        day, offset = self._position(start)
        while True:
            if self.is_business_day(day):
                if offset + amount <= DAY:
                    return self._instant(day, offset + amount)
                amount -= DAY - offset
            day, offset = day + DAY, timedelta()

    def _back(self, start: datetime, amount: timedelta) -> datetime:
        day, offset = self._position(start)
        while True:
            if self.is_business_day(day):
                if amount <= offset:
                    return self._instant(day, offset - amount)
                amount -= offset
            day, offset = day - DAY, DAY

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Business time from ``start`` to ``end``; negative when ``end`` is earlier."""
        if end < start:
            return -self.business_time_between(end, start)
        (first, since), (last, until) = self._position(start), self._position(end)
        if first == last:
            return until - since if self.is_business_day(first) else timedelta()
        total = DAY - since if self.is_business_day(first) else timedelta()
        day = first + DAY
        while day < last:
            total += DAY if self.is_business_day(day) else timedelta()
            day += DAY
        return total + (until if self.is_business_day(last) else timedelta())

    def _span(self, day: date) -> tuple[datetime, timedelta]:
        """When local ``day`` begins (UTC) and how long it really is (23 to 25 hours)."""
        begin = self.to_utc(datetime.combine(day, time()))
        return begin, self.to_utc(datetime.combine(day + DAY, time())) - begin

    def _position(self, moment: datetime) -> tuple[date, timedelta]:
        """The local day of ``moment`` and the business time from that day's start."""
        day = self.local(moment).date()
        begin, length = self._span(day)
        return day, _rescale(moment.astimezone(UTC) - begin, to=DAY, of=length)

    def _instant(self, day: date, offset: timedelta) -> datetime:
        begin, length = self._span(day)
        return begin + _rescale(offset, to=length, of=DAY, up=True)

    def business_days_between(self, start: datetime, end: datetime) -> float:
        return self.business_time_between(start, end) / DAY

    def work_day_deadline(self, start: datetime, days: int) -> datetime:
        """The end (local midnight) of the ``days``-th business day after the day of ``start``.

        This is how FDA counts "within 5 work days after the day you become aware"
        (21 CFR 803.53): the awareness day itself is not counted.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        day, counted = self.local(start).date(), 0
        while counted < days:
            day += DAY
            if self.is_business_day(day):
                counted += 1
        return self.to_utc(datetime.combine(day + DAY, time()))

    def calendar_day_deadline(self, start: datetime, days: int) -> datetime:
        """The end (local midnight) of the ``days``-th calendar day after the day of ``start``.

        "No later than 30 calendar days after the day you become aware" (803.50): weekends
        and holidays count, the awareness day does not.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        day = self.local(start).date() + timedelta(days=days)
        return self.to_utc(datetime.combine(day + DAY, time()))


def _rescale(amount: timedelta, *, to: timedelta, of: timedelta, up: bool = False) -> timedelta:
    """``amount * to / of`` to the microsecond (rounded down, or up); exact when equal."""
    if to == of:
        return amount
    micro = timedelta(microseconds=1)
    scaled, rest = divmod((amount // micro) * (to // micro), of // micro)
    return timedelta(microseconds=scaled + (1 if up and rest else 0))


def _dates(text: str) -> tuple[date, ...]:
    return tuple(date.fromisoformat(word) for word in text.split())


#: US federal holidays as observed (a Saturday holiday is kept on the Friday before, a
#: Sunday one on the Monday after; New Year's Day 2028 is observed on 2027-12-31).
US_FEDERAL_HOLIDAYS = _dates(
    """
    2026-01-01 2026-01-19 2026-02-16 2026-05-25 2026-06-19 2026-07-03
    2026-09-07 2026-10-12 2026-11-11 2026-11-26 2026-12-25
    2027-01-01 2027-01-18 2027-02-15 2027-05-31 2027-06-18 2027-07-05
    2027-09-06 2027-10-11 2027-11-11 2027-11-25 2027-12-24 2027-12-31
    2028-01-17 2028-02-21 2028-05-29 2028-06-19 2028-07-04
    2028-09-04 2028-10-09 2028-11-10 2028-11-23 2028-12-25
    """
)

#: Holidays common to all of Germany (the EU reference site): New Year, Good Friday,
#: Easter Monday, Labour Day, Ascension, Whit Monday, German Unity Day, Christmas (2 days).
EU_COMMON_HOLIDAYS = _dates(
    """
    2026-01-01 2026-04-03 2026-04-06 2026-05-01 2026-05-14 2026-05-25
    2026-10-03 2026-12-25 2026-12-26
    2027-01-01 2027-03-26 2027-03-29 2027-05-01 2027-05-06 2027-05-17
    2027-10-03 2027-12-25 2027-12-26
    2028-01-01 2028-04-14 2028-04-17 2028-05-01 2028-05-25 2028-06-05
    2028-10-03 2028-12-25 2028-12-26
    """
)

_DEFAULT_REGIONS: dict[str, dict[str, Any]] = {
    "us": {"timezone": "America/New_York", "holidays": US_FEDERAL_HOLIDAYS},
    "eu": {"timezone": "Europe/Berlin", "holidays": EU_COMMON_HOLIDAYS},
}


def default_calendars() -> dict[str, BusinessCalendar]:
    """The built-in regions: ``us`` (New York, federal holidays) and ``eu`` (Berlin)."""
    return {
        region: BusinessCalendar(region=region, **fields)
        for region, fields in _DEFAULT_REGIONS.items()
    }


def calendars_from_mapping(data: Mapping[str, Any]) -> dict[str, BusinessCalendar]:
    """Calendars from parsed config: ``{"regions": {"us": {"timezone": ..., ...}}}``.

    A region named in the config replaces only the fields it gives, so ``[regions.us]``
    with just ``timezone = "America/Chicago"`` keeps the federal holidays. Regions the
    config does not name keep their defaults; new regions need at least a ``timezone``.
    """
    unknown = set(data) - {"regions"}
    if unknown:
        raise ValueError(f"unknown calendar settings: {', '.join(sorted(unknown))}")
    calendars = default_calendars()
    for region, fields in dict(data.get("regions", {})).items():
        base = calendars[region].model_dump() if region in calendars else {"region": region}
        calendars[region] = BusinessCalendar.model_validate({**base, **fields, "region": region})
    return calendars
