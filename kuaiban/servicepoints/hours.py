"""A point's opening hours, as its data file writes them, read as periods of a given day.

The data files (packs/servicepoints/*.yaml) write hours as a bureau publishes them:
``工作日 9:00—12:00，13:30—17:00`` or ``每日 9:00—17:00``, and the 延时/错时 hours beside them:
``午间不间断服务`` (no lunch break), ``周二、周四延时至 18:30`` (the day's last period ends later),
``周六 9:00—12:00 错时服务`` (opening on a rest day). Appointment slots follow these periods.
A clause this reader does not understand (e.g. a market day by the lunar calendar) is reported
by `hours_read` and opens nothing, so no slot is ever offered when the point may be closed.
Pure: no database.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum

Period = tuple[dt.time, dt.time]

_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_TIME = r"(\d{1,2})[:：](\d{2})"
_RANGE = re.compile(_TIME + r"\s*[—\-–~至到]+\s*" + _TIME)
_DAYS = r"((?:周[一二三四五六日天][、，,和]?)+)"
_BASE = re.compile(r"^(工作日|每日|每天)\s*(.+)$")
_LATER = re.compile(r"^" + _DAYS + r"\s*延时至\s*" + _TIME + r"$")
_EXTRA = re.compile(r"^" + _DAYS + r"\s*(" + _TIME + r"\s*[—\-–~至到]+\s*" + _TIME + r")")
_NO_LUNCH = re.compile(r"^午间不间断")


class DayKind(StrEnum):
    WORKING = "working"  # a working day of the official calendar
    REST = "rest"  # a weekend day that is not a working day
    HOLIDAY = "holiday"  # a statutory holiday


@dataclass(frozen=True)
class Hours:
    every_day: bool  # 每日: also on rest days and holidays
    periods: tuple[Period, ...]
    no_lunch_break: bool = False
    later_until: dict[int, dt.time] = field(default_factory=dict)  # weekday → 延时 end
    extra: dict[int, tuple[Period, ...]] = field(default_factory=dict)  # weekday → 错时
    unread: tuple[str, ...] = ()  # clauses not understood: they open nothing

    def periods_on(self, day: dt.date, kind: DayKind) -> list[Period]:
        """The periods the point is open on ``day`` (of ``kind``), in order, not overlapping."""
        found: list[Period] = []
        if kind == DayKind.WORKING or self.every_day:
            found = list(self.periods)
            if found and self.no_lunch_break:
                found = [(found[0][0], found[-1][1])]
            later = self.later_until.get(day.weekday())
            if found and later is not None and later > found[-1][1]:
                found[-1] = (found[-1][0], later)
        if kind != DayKind.HOLIDAY:
            found += self.extra.get(day.weekday(), ())
        return _merged(found)


def _t(hour: str, minute: str) -> dt.time:
    return dt.time(int(hour), int(minute))


def _ranges(text: str) -> tuple[Period, ...]:
    return tuple((_t(a, b), _t(c, d)) for a, b, c, d in _RANGE.findall(text) if _t(a, b) < _t(c, d))


def _weekdays(text: str) -> list[int]:
    return [_WEEKDAYS[ch] for ch in re.findall(r"周([一二三四五六日天])", text)]


def _merged(periods: list[Period]) -> list[Period]:
    out: list[Period] = []
    for start, end in sorted(periods):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def hours_read(opening_hours: str, extended_hours: str = "") -> Hours:
    """The hours as written on a point (``opening_hours``, ``extended_hours``)."""
    unread: list[str] = []
    base = _BASE.match(opening_hours.strip())
    periods = _ranges(base.group(2)) if base else ()
    if not base or not periods:
        unread.append(opening_hours.strip())
    no_lunch = False
    later: dict[int, dt.time] = {}
    extra: dict[int, list[Period]] = {}
    for clause in (c.strip() for c in re.split(r"[；;]", extended_hours) if c.strip()):
        if _NO_LUNCH.match(clause):
            no_lunch = True
        elif (m := _LATER.match(clause)) is not None:
            for weekday in _weekdays(m.group(1)):
                later[weekday] = _t(m.group(2), m.group(3))
        elif (m := _EXTRA.match(clause)) is not None:
            for weekday in _weekdays(m.group(1)):
                extra.setdefault(weekday, []).extend(_ranges(m.group(2)))
        else:
            unread.append(clause)
    return Hours(
        every_day=bool(base and base.group(1) in ("每日", "每天")),
        periods=periods,
        no_lunch_break=no_lunch,
        later_until=later,
        extra={k: tuple(v) for k, v in extra.items()},
        unread=tuple(unread),
    )


def half_hours(periods: list[Period], minutes: int = 30) -> list[Period]:
    """Slots of ``minutes`` inside each period; a remainder shorter than a slot is left out."""
    step = dt.timedelta(minutes=minutes)
    out: list[Period] = []
    for start, end in periods:
        at = dt.datetime.combine(dt.date.min, start)
        stop = dt.datetime.combine(dt.date.min, end)
        while at + step <= stop:
            out.append((at.time(), (at + step).time()))
            at += step
    return out
