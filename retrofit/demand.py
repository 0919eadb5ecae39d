"""Demand response: event days from the weather, and the load a building sheds during events.

Pure functions: no files, no printing. The weather and simulation results come in as arrays, so
the same functions serve the measure (:mod:`retrofit.measures.demand_response`, which picks the
event days from the EPW), the tests, and a user's own analysis of a baseline/variant pair.

Conventions
-----------
* **Weekdays** are numbered as Python's :meth:`datetime.date.weekday`: Monday 0 ... Sunday 6.
* **Hours** are EnergyPlus's: ``hour`` 1-24 is the hour *ending* (the SQL ``Time.Hour`` and the
  ``hour`` column of :attr:`retrofit.results.Results.hourly`). An event from ``start_hour`` 13
  to ``end_hour`` 17 (13:00-17:00) covers the hours ending 14, 15, 16 and 17.
* **Event days** are ``(month, day)`` pairs of the weather file's calendar.
* **Clock and standard time.** The event window is clock time (the schedules'). EnergyPlus
  reports in standard time, so where the run keeps daylight saving (US and Canadian weather,
  :data:`retrofit.idf.DAYLIGHT_SAVING_COUNTRIES`; not China) a 13:00-17:00 event covers the
  reported hours ending 13-16 in summer: pass ``start_hour - 1, end_hour - 1`` to
  :func:`event_shed_kw` for such runs.

The calendar of a run
---------------------
An EPW row carries no weekday that EnergyPlus uses: a ``RunPeriod`` without a year starts on its
"Day of Week for Start Day", Sunday when blank (EnergyPlus 25.2 IDD, ``RunPeriod``), and
:func:`retrofit.idf.set_run_period` leaves it blank. So in the project's annual runs 1 January is a
Sunday (:data:`ANNUAL_RUN_FIRST_WEEKDAY`), and :func:`calendar_weekdays` gives the weekday of every
row on that calendar. A shorter run period also starts on a Sunday, so its weekdays agree with the
annual calendar only when it begins on a date that is a Sunday there.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = [
    "ANNUAL_RUN_FIRST_WEEKDAY",
    "DAILY_METRICS",
    "EventShed",
    "calendar_weekdays",
    "daily_dry_bulb_c",
    "event_hour_mask",
    "event_shed_kw",
    "hottest_weekdays",
]

#: Weekday of 1 January in the project's annual runs: Sunday (6), the EnergyPlus 25.2 default of
#: ``RunPeriod`` "Day of Week for Start Day" when no year is given ("If no year is input, this field
#: will default to Sunday", Energy+.idd), which :func:`retrofit.idf.set_run_period` leaves blank.
ANNUAL_RUN_FIRST_WEEKDAY = 6

#: How a day's heat is measured: its maximum or its mean hourly dry-bulb temperature.
DAILY_METRICS = ("max", "mean")

#: Saturday and Sunday (Python weekday numbers).
WEEKEND = (5, 6)


def _int_array(values: ArrayLike, name: str) -> np.ndarray:
    a = np.asarray(values)
    if a.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (got shape {a.shape})")
    if a.size and not np.all(np.asarray(a, dtype=float) == np.round(np.asarray(a, dtype=float))):
        raise ValueError(f"{name} must be whole numbers")
    return a.astype(int)


def _same_length(**arrays: np.ndarray) -> None:
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{name} {n}" for name, n in lengths.items())
        raise ValueError(f"arrays differ in length: {shown}")


def _ordinals(month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Day numbers of (month, day) on a leap calendar if 29 February occurs, else a common one."""
    leap = bool(np.any((month == 2) & (day == 29)))
    year = 2000 if leap else 2001
    try:
        return np.array(
            [
                datetime.date(year, int(m), int(d)).toordinal()
                for m, d in zip(month, day, strict=True)
            ]
        )
    except ValueError as exc:
        raise ValueError(f"not a calendar date: {exc}") from None


def calendar_weekdays(
    month: ArrayLike, day: ArrayLike, first_weekday: int = ANNUAL_RUN_FIRST_WEEKDAY
) -> np.ndarray:
    """Weekday of every row (Monday 0 ... Sunday 6), the first row's date being ``first_weekday``.

    Parameters
    ----------
    month, day : array of int
        The rows' dates, in calendar order (hourly EPW rows repeat a date 24 times).
    first_weekday : int
        Weekday of the first row's date; default Sunday (:data:`ANNUAL_RUN_FIRST_WEEKDAY`, the
        annual run's calendar when the first row is 1 January).

    Raises
    ------
    ValueError
        Arrays of different lengths, a date that does not exist, dates out of order, or a
        weekday outside 0-6.
    """
    m, d = _int_array(month, "month"), _int_array(day, "day")
    _same_length(month=m, day=d)
    if not 0 <= int(first_weekday) <= 6:
        raise ValueError(f"first_weekday must be 0 (Monday) to 6 (Sunday), got {first_weekday}")
    if m.size == 0:
        return m
    ordinal = _ordinals(m, d)
    if np.any(np.diff(ordinal) < 0):
        raise ValueError("dates must be in calendar order")
    return (int(first_weekday) + ordinal - ordinal[0]) % 7


def daily_dry_bulb_c(
    month: ArrayLike, day: ArrayLike, dry_bulb_c: ArrayLike, metric: str = "max"
) -> dict[tuple[int, int], float]:
    """Each day's maximum or mean dry-bulb temperature [degC], by ``(month, day)``.

    Parameters
    ----------
    month, day : array of int
    dry_bulb_c : array of float
        Hourly dry-bulb temperature [degC] (EPW field 6).
    metric : {"max", "mean"}
    """
    if metric not in DAILY_METRICS:
        raise ValueError(f"metric must be one of {', '.join(DAILY_METRICS)} (got {metric!r})")
    m, d = _int_array(month, "month"), _int_array(day, "day")
    t = np.asarray(dry_bulb_c, dtype=float)
    _same_length(month=m, day=d, dry_bulb_c=t)
    if not np.all(np.isfinite(t)):
        raise ValueError("dry_bulb_c has non-finite values")
    out: dict[tuple[int, int], list[float]] = {}
    for key_m, key_d, value in zip(m, d, t, strict=True):
        out.setdefault((int(key_m), int(key_d)), []).append(float(value))
    reduce = max if metric == "max" else (lambda v: sum(v) / len(v))
    return {key: float(reduce(values)) for key, values in out.items()}


def hottest_weekdays(
    month: ArrayLike,
    day: ArrayLike,
    dry_bulb_c: ArrayLike,
    weekday: ArrayLike,
    count: int,
    *,
    metric: str = "max",
) -> tuple[tuple[int, int], ...]:
    """The ``count`` hottest weekdays (Monday-Friday), in calendar order.

    Days are ranked by their daily maximum (``metric="max"``, the default: the afternoon peak
    is what a cooling demand-response event targets) or mean dry-bulb temperature; ties go to
    the earlier date.

    Parameters
    ----------
    month, day : array of int
        Dates of the hourly rows.
    dry_bulb_c : array of float
        Hourly dry-bulb temperature [degC].
    weekday : array of int
        Weekday of each row, Monday 0 ... Sunday 6 (:func:`calendar_weekdays`).
    count : int
        Number of event days (>= 1); fewer are returned if the data hold fewer weekdays.
    metric : {"max", "mean"}

    Returns
    -------
    tuple of (month, day)
    """
    if int(count) != count or count < 1:
        raise ValueError(f"count must be a whole number >= 1 (got {count!r})")
    w = _int_array(weekday, "weekday")
    daily = daily_dry_bulb_c(month, day, dry_bulb_c, metric)
    _same_length(month=np.asarray(month), weekday=w)
    day_weekday: dict[tuple[int, int], int] = {}
    for m, d, wd in zip(np.asarray(month, dtype=int), np.asarray(day, dtype=int), w, strict=True):
        key = (int(m), int(d))
        if day_weekday.setdefault(key, int(wd)) != int(wd):
            raise ValueError(f"day {m:02d}/{d:02d} has rows on different weekdays")
    order = {key: i for i, key in enumerate(daily)}
    candidates = [key for key in daily if day_weekday[key] not in WEEKEND]
    ranked = sorted(candidates, key=lambda key: (-daily[key], order[key]))
    return tuple(sorted(ranked[: int(count)], key=order.__getitem__))


def event_hour_mask(
    month: ArrayLike,
    day: ArrayLike,
    hour: ArrayLike,
    event_days: Iterable[tuple[int, int]],
    start_hour: int,
    end_hour: int,
) -> np.ndarray:
    """True for the hours inside an event window.

    An hour ending ``h`` (EnergyPlus, 1-24) is inside when its day is an event day and
    ``start_hour < h <= end_hour``.
    """
    m, d, h = _int_array(month, "month"), _int_array(day, "day"), _int_array(hour, "hour")
    _same_length(month=m, day=d, hour=h)
    if not 0 <= start_hour < end_hour <= 24:
        raise ValueError(f"need 0 <= start_hour < end_hour <= 24 (got {start_hour}, {end_hour})")
    days = {(int(a), int(b)) for a, b in event_days}
    on_day = np.array([(int(a), int(b)) in days for a, b in zip(m, d, strict=True)], dtype=bool)
    return on_day & (h > start_hour) & (h <= end_hour)


@dataclass(frozen=True)
class EventShed:
    """The load a variant sheds against its baseline during demand-response events.

    Attributes
    ----------
    average_shed_kw : float
        Mean over the event hours of baseline - variant demand [kW]: the capacity a virtual
        power plant can offer for such events.
    peak_shed_kw : float
        Largest hourly shed in an event hour [kW].
    min_shed_kw : float
        Smallest hourly shed in an event hour [kW] (negative: an hour where demand rose).
    event_hours : int
        Hours inside the event windows found in the data.
    event_energy_shed_kwh : float
        Energy not used during the events [kWh] (sum of the hourly sheds x 1 h).
    energy_change_kwh : float
        Variant - baseline energy over the whole period [kWh]: positive when pre-cooling and the
        rebound after the events use more than the events saved.
    """

    average_shed_kw: float
    peak_shed_kw: float
    min_shed_kw: float
    event_hours: int
    event_energy_shed_kwh: float
    energy_change_kwh: float


def event_shed_kw(
    baseline_hourly_kw: ArrayLike,
    variant_hourly_kw: ArrayLike,
    month: ArrayLike,
    day: ArrayLike,
    hour: ArrayLike,
    event_days: Iterable[tuple[int, int]],
    start_hour: int,
    end_hour: int,
) -> EventShed:
    """Average and peak load shed in the event windows, and the energy change over the period.

    Parameters
    ----------
    baseline_hourly_kw, variant_hourly_kw : array of float
        Hourly mean demand [kW] (an hourly meter in kWh per hour is the same number), on the
        same hours.
    month, day, hour : array of int
        The hours: date and hour *ending* (1-24), as in
        :attr:`retrofit.results.Results.hourly`.
    event_days : iterable of (month, day)
    start_hour, end_hour : int
        Event window, 0 <= start_hour < end_hour <= 24 (13 and 17: 13:00-17:00).

    Raises
    ------
    ValueError
        Arrays of different lengths, non-finite demand, or no event hour in the data.
    """
    base = np.asarray(baseline_hourly_kw, dtype=float)
    variant = np.asarray(variant_hourly_kw, dtype=float)
    _same_length(baseline_hourly_kw=base, variant_hourly_kw=variant, hour=np.asarray(hour))
    for name, a in (("baseline_hourly_kw", base), ("variant_hourly_kw", variant)):
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name} has non-finite values")
    inside = event_hour_mask(month, day, hour, event_days, start_hour, end_hour)
    if not inside.any():
        raise ValueError("no event hour in the data (check event_days and the hours' dates)")
    shed = (base - variant)[inside]
    return EventShed(
        average_shed_kw=float(shed.mean()),
        peak_shed_kw=float(shed.max()),
        min_shed_kw=float(shed.min()),
        event_hours=int(inside.sum()),
        event_energy_shed_kwh=float(shed.sum()),
        energy_change_kwh=float(variant.sum() - base.sum()),
    )
