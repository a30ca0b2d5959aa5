"""Business-time arithmetic for SLA clocks.

Pure: standard library only. Imports nothing from Django and reads no clock,
settings or database, so views, tasks and benchmarks share the same maths.

A :class:`BusinessCalendar` states, in local wall-clock time of an IANA zone,
when work happens: intervals per weekday plus per-date overrides. Each local
interval becomes a half-open interval of real instants ``[start, end)`` on its
date. A local time in a spring-forward gap moves to the first valid instant; an
ambiguous fall-back time takes its first occurrence (fold=0). 24x7 calendars
count plain UTC elapsed time. For speed, each calendar lazily builds, per local
year, sorted arrays of working spans with cumulative business time, and answers
queries with :mod:`bisect`; equal calendars share them.

Contract: datetimes passed in must be timezone-aware (naive -> ValueError);
datetimes returned are UTC-aware (``tzinfo=datetime.timezone.utc``), so call
``.astimezone(zone)`` for display. Supported local years: 1900..9998.
"""

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "BusinessCalendar",
    "add_business_minutes",
    "business_seconds_between",
    "is_24x7",
    "is_open",
    "next_open",
]

Interval = tuple[int, int]
Pause = tuple[datetime, datetime | None]

_US = 1_000_000  # internal instants: integer microseconds since the Unix epoch
_MINUTE_US = 60 * _US
_ONE_US = timedelta(microseconds=1)
_DAY = timedelta(days=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_FULL_DAY: tuple[Interval, ...] = ((0, 1440),)
_NEXT_OPEN_HORIZON_US = 400 * 86_400 * _US
_MIN_YEAR, _MAX_YEAR = 1900, 9998  # 9998: "next January 1st" must still exist
_CACHED_YEARS = 64  # per calendar; bounds memory if stray dates touch far years


def _check_intervals(what: str, intervals: Any) -> tuple[Interval, ...]:
    """Validate one day's intervals and return them as a tuple of int pairs."""
    try:
        pairs = tuple((a, b) for a, b in intervals)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what}: intervals must be (start, end) pairs") from exc
    prev_end = 0
    for a, b in pairs:
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in (a, b)):
            raise ValueError(f"{what}: bounds must be integers, got {(a, b)!r}")
        if not 0 <= a < b <= 1440:
            raise ValueError(f"{what}: need 0 <= start < end <= 1440, got {(a, b)!r}")
        if a < prev_end:
            raise ValueError(f"{what}: intervals must be sorted and non-overlapping")
        prev_end = b
    return pairs


@dataclass(frozen=True, eq=False)
class BusinessCalendar:
    """Working time of one team, in local wall-clock minutes of ``timezone``.

    ``weekly`` maps weekday (0 = Monday) to intervals ``(start, end)`` in minutes
    since local midnight, ``0 <= start < end <= 1440``, sorted, non-overlapping;
    1440 is the following midnight. ``overrides`` maps a date to that date's own
    intervals: ``()`` closes it (holiday), anything else replaces the weekday's
    intervals (e.g. an adjusted working Saturday). Invalid input: ValueError.

    Both mappings are copied into read-only views, so mutating the dicts passed
    in cannot make the cached precomputation stale. Equality and hashing use a
    canonical form (a weekday without intervals equals a missing weekday).
    """

    timezone: str
    weekly: Mapping[int, Sequence[tuple[int, int]]]
    overrides: Mapping[date, Sequence[tuple[int, int]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        try:
            zone = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ValueError(f"unknown timezone {self.timezone!r}") from exc
        weekly: dict[int, tuple[Interval, ...]] = {}
        for day, ivs in dict(self.weekly).items():
            if not isinstance(day, int) or isinstance(day, bool) or not 0 <= day <= 6:
                raise ValueError(f"weekday must be 0 (Monday)..6, got {day!r}")
            weekly[day] = _check_intervals(f"weekday {day}", ivs)
        overrides: dict[date, tuple[Interval, ...]] = {}
        for when, ivs in dict(self.overrides).items():
            if not isinstance(when, date) or isinstance(when, datetime):
                raise ValueError(f"override keys must be dates, got {when!r}")
            overrides[when] = _check_intervals(f"override {when}", ivs)
        key = (
            self.timezone,
            tuple(sorted((k, v) for k, v in weekly.items() if v)),
            tuple(sorted(overrides.items())),
        )
        # Frozen dataclass: object.__setattr__ is the sanctioned escape hatch. The
        # hash is computed once because every public call looks the calendar up.
        object.__setattr__(self, "weekly", MappingProxyType(weekly))
        object.__setattr__(self, "overrides", MappingProxyType(overrides))
        object.__setattr__(self, "_zone", zone)
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_hash", hash(key))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BusinessCalendar):
            return NotImplemented
        return self is other or self.__dict__["_key"] == other.__dict__["_key"]

    def __hash__(self) -> int:
        return self.__dict__["_hash"]

    def __reduce__(self) -> tuple[Any, ...]:
        # mappingproxy and the memoised timeline do not pickle; rebuild instead.
        return (type(self), (self.timezone, dict(self.weekly), dict(self.overrides)))


class _Linear:
    """24x7: business time is plain elapsed (UTC) time."""

    def between(self, a: int, b: int) -> int:
        return b - a

    def advance(self, t: int, amount: int) -> int | None:
        return t + amount

    def next_open_us(self, t: int, limit: int | None) -> int | None:
        return t

    def is_open_us(self, t: int) -> bool:
        return True


class _Year:
    """One local year ``[lo, hi)`` (UTC microseconds): working spans ``starts[i]..ends[i]``,
    business time from ``lo`` to each (``cum[i]``, ``cend[i]``) and the year's ``total``."""

    __slots__ = ("lo", "hi", "starts", "ends", "cum", "cend", "total")

    def __init__(self, lo: int, hi: int, spans: list[Interval]) -> None:
        self.lo, self.hi = lo, hi
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]
        self.cum: list[int] = []
        self.cend: list[int] = []
        total = 0
        for s, e in spans:
            self.cum.append(total)
            total += e - s
            self.cend.append(total)
        self.total = total

    def offset(self, t: int) -> int:
        """Business time in ``[lo, t)``; precondition ``lo <= t <= hi``."""
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return 0
        end = self.ends[i]
        return self.cum[i] + (t if t < end else end) - self.starts[i]


class _Timeline:
    """Business-time queries for a calendar that is not 24x7."""

    def __init__(self, calendar: BusinessCalendar) -> None:
        self._zone: ZoneInfo = calendar.__dict__["_zone"]
        self._weekly = calendar.weekly
        self._overrides = calendar.overrides
        self._weekly_open = any(self._weekly.values())
        self._last_override_year = max(
            (d.year for d, ivs in self._overrides.items() if ivs), default=_MIN_YEAR
        )
        self._years: dict[int, _Year] = {}
        self._lock = threading.Lock()

    def _local_us(self, day: date, minute: int) -> int:
        """Instant of local ``minute`` (0..1440) of ``day``; see module docstring."""
        if minute == 1440:
            day, minute = day + _DAY, 0
        h, m = divmod(minute, 60)
        wall = datetime(day.year, day.month, day.day, h, m, tzinfo=self._zone)
        u = int(wall.timestamp())  # fold=0: for an ambiguous time, the first one
        back = datetime.fromtimestamp(u, self._zone)
        if (back.day, back.hour, back.minute) == (day.day, h, m):
            return u * _US
        # Nonexistent (spring-forward gap): fold=0 and fold=1 give instants either
        # side of the transition, and the first valid instant is the transition
        # itself. Bisect whole seconds (tz transitions are whole seconds) for the
        # first instant whose UTC offset differs from the earlier candidate's.
        lo, hi = sorted((u, int(wall.replace(fold=1).timestamp())))
        before = datetime.fromtimestamp(lo, self._zone).utcoffset()
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if datetime.fromtimestamp(mid, self._zone).utcoffset() == before:
                lo = mid
            else:
                hi = mid
        return hi * _US

    def _build(self, year: int) -> _Year:
        spans: list[Interval] = []
        day, stop = date(year, 1, 1), date(year + 1, 1, 1)
        while day < stop:
            ivs = self._overrides.get(day)
            if ivs is None:
                ivs = self._weekly.get(day.weekday(), ())
            for a, b in ivs:
                s, e = self._local_us(day, a), self._local_us(day, b)
                if e <= s:
                    continue  # swallowed by a DST gap
                if spans and s <= spans[-1][1]:  # 24:00 touching next day's 00:00
                    spans[-1] = (spans[-1][0], max(spans[-1][1], e))
                else:
                    spans.append((s, e))
            day += _DAY
        return _Year(self._local_us(date(year, 1, 1), 0), self._local_us(stop, 0), spans)

    def _year(self, year: int) -> _Year:
        built = self._years.get(year)
        if built is not None:
            return built
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            raise ValueError(f"year {year} outside {_MIN_YEAR}..{_MAX_YEAR}")
        built = self._build(year)  # outside the lock: a racing rebuild is harmless
        with self._lock:
            if len(self._years) >= _CACHED_YEARS:
                del self._years[next(iter(self._years))]  # oldest built
            self._years[year] = built
        return built

    def _locate(self, t: int) -> tuple[int, _Year]:
        """The local year containing instant ``t`` (within one of its UTC year)."""
        year = (_EPOCH + timedelta(microseconds=t)).year
        yr = self._year(year)
        if t < yr.lo:
            return year - 1, self._year(year - 1)
        if t >= yr.hi:
            return year + 1, self._year(year + 1)
        return year, yr

    def _may_open(self, year: int) -> bool:
        """False once no later year can have working time (avoids endless search)."""
        return year <= _MAX_YEAR and (self._weekly_open or year <= self._last_override_year)

    def between(self, a: int, b: int) -> int:
        """Business time in ``[a, b)``; precondition ``a <= b``."""
        ya, yra = self._locate(a)
        yb, yrb = self._locate(b)
        if ya == yb:
            return yra.offset(b) - yra.offset(a)
        middle = sum(self._year(y).total for y in range(ya + 1, yb))
        return yra.total - yra.offset(a) + middle + yrb.offset(b)

    def advance(self, t: int, amount: int) -> int | None:
        """Smallest instant with ``amount`` (> 0) business time since ``t``."""
        year, yr = self._locate(t)
        need = yr.offset(t) + amount  # business time needed since yr.lo
        while need > yr.total:
            need -= yr.total
            year += 1
            if not self._may_open(year):
                return None
            yr = self._year(year)
        i = bisect_left(yr.cend, need)  # first span whose end reaches the target
        return yr.starts[i] + need - yr.cum[i]

    def next_open_us(self, t: int, limit: int | None) -> int | None:
        """First open instant >= ``t`` and <= ``limit`` (if given)."""
        year, yr = self._locate(t)
        while True:
            i = bisect_right(yr.starts, t) - 1
            if i >= 0 and t < yr.ends[i]:
                return t
            if i + 1 < len(yr.starts):
                found = yr.starts[i + 1]
                return found if limit is None or found <= limit else None
            year += 1
            if (limit is not None and yr.hi > limit) or not self._may_open(year):
                return None
            yr = self._year(year)
            t = yr.lo

    def is_open_us(self, t: int) -> bool:
        yr = self._locate(t)[1]
        i = bisect_right(yr.starts, t) - 1
        return i >= 0 and t < yr.ends[i]


_LINEAR = _Linear()


@lru_cache(maxsize=256)
def _shared_timeline(calendar: BusinessCalendar) -> _Linear | _Timeline:
    # Equal calendars built separately (e.g. reloaded rows) share one timeline.
    return _LINEAR if is_24x7(calendar) else _Timeline(calendar)


def _timeline(calendar: BusinessCalendar) -> _Linear | _Timeline:
    if not isinstance(calendar, BusinessCalendar):
        raise TypeError(f"expected a BusinessCalendar, got {calendar!r}")
    try:
        return calendar.__dict__["_timeline"]  # per-instance memo: the hot path
    except KeyError:
        tl = _shared_timeline(calendar)
        object.__setattr__(calendar, "_timeline", tl)
        return tl


def _to_us(value: datetime, name: str) -> int:
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")
    return (value - _EPOCH) // _ONE_US


def _from_us(t: int) -> datetime:
    return _EPOCH + timedelta(microseconds=t)


def _merge_pauses(pauses: Sequence[Pause], start: int, end: int | None) -> list[tuple[int, int | None]]:
    """Pauses clipped to ``[start, end)``, sorted, overlapping/touching ones merged.

    An open pause (end None) runs to ``end``, or stays open (None) if ``end`` is.
    """
    spans: list[tuple[int, int | None]] = []
    for p_start, p_end in pauses:
        p0 = _to_us(p_start, "pause start")
        p1 = end
        if p_end is not None:
            p1 = _to_us(p_end, "pause end")
            if p1 < p0:
                raise ValueError("a pause must not end before it starts")
            if end is not None and p1 > end:
                p1 = end
        p0 = max(p0, start)
        if p1 is None or p1 > p0:  # else: over before the clock started, or empty
            spans.append((p0, p1))
    spans.sort(key=lambda span: span[0])
    merged: list[tuple[int, int | None]] = []
    for p0, p1 in spans:
        if merged and (merged[-1][1] is None or p0 <= merged[-1][1]):
            last0, last1 = merged[-1]
            if last1 is not None:  # an open pause swallows everything after it
                merged[-1] = (last0, None if p1 is None else max(last1, p1))
        else:
            merged.append((p0, p1))
    return merged


def is_24x7(calendar: BusinessCalendar) -> bool:
    """True if every weekday is (0, 1440) and no override differs from that."""
    weekly, overrides = calendar.weekly, calendar.overrides
    return all(tuple(weekly.get(d, ())) == _FULL_DAY for d in range(7)) and all(
        tuple(ivs) == _FULL_DAY for ivs in overrides.values()
    )


def is_open(calendar: BusinessCalendar, at: datetime) -> bool:
    """Whether aware ``at`` is inside a working interval (start in, end out)."""
    return _timeline(calendar).is_open_us(_to_us(at, "at"))


def next_open(calendar: BusinessCalendar, at: datetime) -> datetime | None:
    """First open moment at or after aware ``at``, in UTC.

    None if the calendar does not open within about 400 days.
    """
    t = _to_us(at, "at")
    found = _timeline(calendar).next_open_us(t, t + _NEXT_OPEN_HORIZON_US)
    return None if found is None else _from_us(found)


def add_business_minutes(
    calendar: BusinessCalendar, start: datetime, minutes: int, pauses: Sequence[Pause] = ()
) -> datetime | None:
    """Due time of a clock started at ``start`` with ``minutes`` of business time.

    Preconditions (else ValueError): ``start`` and all pause bounds are aware,
    ``minutes >= 0``, no pause ends before it starts.

    The due time is the earliest instant by which the budget is used up, so a
    budget running out exactly at an interval's end yields that end. With
    ``minutes == 0`` it is the first working, unpaused instant at or after
    ``start``. Pauses remove only the business time they cover; pauses that
    ended before ``start`` are ignored. Returns a UTC-aware datetime, or None
    if a still-open pause starts before the due time, or if the calendar never
    has enough working time again.
    """
    s = _to_us(start, "start")
    if minutes < 0:
        raise ValueError(f"minutes must be >= 0, got {minutes}")
    tl = _timeline(calendar)
    spans = _merge_pauses(pauses, s, None) if pauses else []
    if minutes == 0:
        t = tl.next_open_us(s, None)
        for p0, p1 in spans:  # sorted, disjoint: step t past any pause it is in
            if t is None or t < p0:
                break
            if p1 is None:
                return None
            if t < p1:
                t = tl.next_open_us(p1, None)
        return None if t is None else _from_us(t)
    cur, remaining = s, minutes * _MINUTE_US
    for p0, p1 in spans:
        due = tl.advance(cur, remaining)
        if due is None or due <= p0:  # the budget runs out before this pause
            return None if due is None else _from_us(due)
        remaining -= tl.between(cur, p0)  # < remaining, since p0 < due
        if p1 is None:
            return None
        cur = p1
    due = tl.advance(cur, remaining)
    return None if due is None else _from_us(due)


def business_seconds_between(
    calendar: BusinessCalendar, start: datetime, end: datetime, pauses: Sequence[Pause] = ()
) -> int:
    """Whole business seconds in ``[start, end)`` minus paused time.

    Preconditions as for :func:`add_business_minutes`. Returns 0 if
    ``end <= start``. A still-open pause runs to ``end``, so the count stops
    at the pause's start.
    """
    s, e = _to_us(start, "start"), _to_us(end, "end")
    spans = _merge_pauses(pauses, s, e) if pauses else []
    if e <= s:
        return 0
    tl = _timeline(calendar)
    total = tl.between(s, e)
    for p0, p1 in spans:
        total -= tl.between(p0, e if p1 is None else p1)
    return total // _US
