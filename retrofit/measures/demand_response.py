"""Demand response: raise the zones' cooling set-points during events on the hottest weekdays.

A commercial building in a virtual power plant sheds load when the grid asks: the usual offer
is a cooling set-point raise (``setpoint_raise_k``, +2 K by default) for a few afternoon hours
(``event_start_hour`` to ``event_end_hour``, 13:00-17:00) on the days of highest demand,
optionally with pre-cooling before the event (``precool_k`` lower for ``precool_hours``).

Event days
----------
``event_days`` ("MM/DD" dates) when given; otherwise the ``event_day_count`` hottest weekdays of
the study's weather file (:attr:`~retrofit.measures.base.ApplyContext.weather_path`), ranked by
the daily **maximum** dry-bulb temperature (``event_day_metric = "max"``; ``"mean"`` ranks by the
daily mean): the afternoon peak is what drives a cooling event
(:func:`retrofit.demand.hottest_weekdays`). Weekdays are those of the project's annual run, on
which 1 January is a Sunday (:data:`retrofit.demand.ANNUAL_RUN_FIRST_WEEKDAY`). The weather file's
holidays are not excluded.

How the model changes (and why EMS)
-----------------------------------
EnergyPlus cannot add two schedules, and rewriting each cooling schedule by hand would mean
re-implementing every schedule type (``Schedule:Compact`` day types and holidays,
``Schedule:Year`` week schedules, ``Schedule:File``) in Python. The Energy Management System
lets EnergyPlus evaluate the original schedule itself; the measure only adds the offset:

* one ``Schedule:Compact`` "Demand Response Cooling Offset" (its ``ScheduleTypeLimits`` a
  temperature difference from ``-precool_k`` to ``+setpoint_raise_k``): 0 everywhere except on
  the event dates (``+setpoint_raise_k`` during the event hours, ``-precool_k`` during the
  pre-cooling hours); 0 on design days, so sizing is untouched;
* for every cooling set-point schedule ``S`` used by a ``ThermostatSetpoint:DualSetpoint`` or
  ``ThermostatSetpoint:SingleCooling`` that a ``ZoneControl:Thermostat`` uses: a wrapper ``S DR``,
  an exact copy of ``S`` under a new name; those thermostats now point to the wrapper. ``S``
  itself is untouched (other users of it see no change);
* ``EnergyManagementSystem:Sensor`` objects on the offset and on each ``S``, an
  ``EnergyManagementSystem:Actuator`` on each wrapper (``Schedule Value``), and one program
  called at ``BeginTimestepBeforePredictor`` (the calling point for set-point changes, before the
  zone loads are predicted)::

      IF DR_Offset <> 0,
        SET DR_Wrapped_1 = DR_Base_1 + DR_Offset,
      ELSE,
        SET DR_Wrapped_1 = Null,
      ENDIF

  Outside the events the actuator is released (``Null``), so the wrapper is its own copy of
  ``S``: the model runs exactly as before, hour for hour, until the first pre-cooling or event
  hour.

``ThermostatSetpoint:SingleHeatingOrCooling`` (one schedule for both modes) and
``ThermostatSetpoint:DualSetpoint`` heating schedules are left alone.

Quantities: ``controlled_zones`` (zones whose thermostats take the events, zone multipliers
applied) and ``floor_area_m2`` (their floor area, the cost basis: BAS/DR controls per m2).
Defaults and sources: ``measures/water_heating.toml`` (catalogue entry ``demand_response``).
"""

from __future__ import annotations

import datetime
import re

from retrofit import demand, model
from retrofit.errors import InputError
from retrofit.measures.base import (
    Applicability,
    ApplyContext,
    Measure,
    MeasureResult,
    Parameter,
    register,
)
from retrofit.measures.hvac import add_object

#: Setpoint objects whose cooling schedule takes the events, and the field holding it.
COOLING_SETPOINT_FIELDS = {
    "THERMOSTATSETPOINT:DUALSETPOINT": "Cooling_Setpoint_Temperature_Schedule_Name",
    "THERMOSTATSETPOINT:SINGLECOOLING": "Setpoint_Temperature_Schedule_Name",
}

#: Schedule objects a thermostat may reference (those EMS can actuate as "Schedule Value").
SCHEDULE_TYPES = ("SCHEDULE:COMPACT", "SCHEDULE:CONSTANT", "SCHEDULE:YEAR", "SCHEDULE:FILE")

#: Names of the objects the measure adds.
OFFSET_SCHEDULE = "Demand Response Cooling Offset"
PROGRAM = "DR_CoolingSetpoints"
CALLING_MANAGER = "Demand Response Cooling Setpoints"
OFFSET_SENSOR = "DR_Offset"
WRAPPER_SUFFIX = " DR"

#: The EMS calling point: before the predictor, so the zone loads see the new set-point
#: (EnergyPlus Application Guide for EMS, "EMS Calling Points").
CALLING_POINT = "BeginTimestepBeforePredictor"

_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})\s*$")


def parse_event_days(texts: list[str], measure: str = "demand_response") -> tuple:
    """``["07/16", "7/17"]`` -> ``((7, 16), (7, 17))``, sorted, duplicates removed.

    Raises
    ------
    InputError
        A text that is not ``MM/DD`` or not a date of a common year, naming the parameter.
    """
    days = set()
    for text in texts:
        match = _DATE.match(str(text))
        if not match:
            raise InputError(f"measure {measure}: parameter event_days: {text!r} is not MM/DD")
        month, day = int(match.group(1)), int(match.group(2))
        try:
            datetime.date(2001, month, day)
        except ValueError:
            raise InputError(
                f"measure {measure}: parameter event_days: {text!r} is not a date"
            ) from None
        days.add((month, day))
    return tuple(sorted(days))


def offset_schedule_fields(
    event_days: tuple,
    start_hour: int,
    end_hour: int,
    raise_k: float,
    precool_k: float = 0.0,
    precool_hours: int = 0,
) -> list[str]:
    """The ``Schedule:Compact`` fields (after the name and type limits) of the offset schedule.

    0 outside the events; on each event date ``-precool_k`` from ``start_hour - precool_hours``
    to ``start_hour`` and ``+raise_k`` from ``start_hour`` to ``end_hour``; 0 on design days.
    """
    fields: list[str] = []
    previous = None
    for month, day in sorted(event_days):
        date = datetime.date(2001, month, day)
        if (
            previous is None
            and (month, day) != (1, 1)
            or (previous is not None and (date - previous).days > 1)
        ):
            before = date - datetime.timedelta(days=1)
            fields += [f"Through: {before.month:02d}/{before.day:02d}", "For: AllDays"]
            fields += ["Until: 24:00", "0"]
        fields += [f"Through: {month:02d}/{day:02d}", "For: SummerDesignDay WinterDesignDay"]
        fields += ["Until: 24:00", "0", "For: AllOtherDays"]
        segments = []
        precool_start = start_hour - precool_hours if precool_k > 0 else start_hour
        if precool_start > 0:
            segments.append((precool_start, 0.0))
        if precool_start < start_hour:
            segments.append((start_hour, -precool_k))
        segments.append((end_hour, raise_k))
        if end_hour < 24:
            segments.append((24, 0.0))
        for hour, value in segments:
            fields += [f"Until: {hour:02d}:00", f"{value:g}"]
        previous = date
    if previous is None or (previous.month, previous.day) != (12, 31):
        fields += ["Through: 12/31", "For: AllDays", "Until: 24:00", "0"]
    return fields


def _unique_schedule_name(idf, base: str) -> str:
    """A name no schedule of any type has yet (schedules share one namespace)."""
    keys = [key for key in idf.idfobjects if key.upper().startswith("SCHEDULE:")]
    return model.unique_name(idf, keys, base)


def cooling_thermostats(idf) -> dict:
    """Cooling set-point schedules used by the zones' thermostats.

    Returns
    -------
    dict
        Upper-case schedule name -> ``{"name", "setpoints": [setpoint objects], "zones": [...]}``.
    """
    setpoints = {
        (key, str(o.Name).upper()): o
        for key in COOLING_SETPOINT_FIELDS
        for o in idf.idfobjects[key]
    }
    found: dict[str, dict] = {}
    for thermostat in idf.idfobjects["ZONECONTROL:THERMOSTAT"]:
        zones = model.expand_list(idf, "ZoneList", str(thermostat.Zone_or_ZoneList_Name))
        for i in range(1, 5):
            kind = str(getattr(thermostat, f"Control_{i}_Object_Type", "") or "").upper()
            name = str(getattr(thermostat, f"Control_{i}_Name", "") or "").upper()
            setpoint = setpoints.get((kind, name))
            if setpoint is None:
                continue
            schedule = str(setpoint[COOLING_SETPOINT_FIELDS[kind]])
            if not schedule:
                continue
            entry = found.setdefault(
                schedule.upper(), {"name": schedule, "setpoints": [], "zones": []}
            )
            if all(s is not setpoint for s in entry["setpoints"]):
                entry["setpoints"].append((kind, setpoint))
            entry["zones"] += [z for z in zones if z.upper() not in map(str.upper, entry["zones"])]
    return found


def zone_floor_areas_m2(idf) -> dict[str, float]:
    """Floor area of each zone (upper-case name) from its floor surfaces, multiplier applied."""
    areas: dict[str, float] = {}
    for surface in model.surfaces(idf):
        if surface.surface_type == "floor":
            key = str(surface.zone).upper()
            areas[key] = areas.get(key, 0.0) + surface.total_area_m2
    return areas


@register
class DemandResponse(Measure):
    """Cooling set-point raise during events on the hottest weekdays (EMS on wrapped schedules).

    Quantities: ``controlled_zones`` [-, multipliers applied], ``floor_area_m2`` [m2, their
    floor area; the cost basis]. Details: the event days (with their daily dry-bulb), hours,
    offsets, the wrapped schedules and the zones.
    """

    name = "demand_response"
    objects = (
        "Schedule:Compact (offset), copies of the cooling set-point schedules, "
        "ThermostatSetpoint:DualSetpoint / :SingleCooling (repointed), "
        "EnergyManagementSystem:Sensor, :Actuator, :Program, :ProgramCallingManager"
    )
    parameters = (
        Parameter(
            "setpoint_raise_k",
            "cooling set-point raise during the event hours [K]",
            minimum=0.0,
            maximum=10.0,
            exclusive_minimum=True,
        ),
        Parameter("event_start_hour", "event start, hour of the day (13 = 13:00)", "int", 0, 23),
        Parameter("event_end_hour", "event end, hour of the day (17 = 17:00)", "int", 1, 24),
        Parameter(
            "event_day_count",
            "number of event days: the hottest weekdays of the weather file",
            "int",
            1,
            260,
        ),
        Parameter(
            "event_day_metric",
            "rank days by their maximum or mean dry-bulb temperature",
            kind="str",
            choices=demand.DAILY_METRICS,
        ),
        Parameter(
            "event_days",
            "explicit event dates MM/DD (instead of the hottest weekdays)",
            kind="list",
            optional=True,
        ),
        Parameter(
            "precool_k",
            "cooling set-point drop before the event [K] (0: no pre-cooling)",
            minimum=0.0,
            maximum=5.0,
        ),
        Parameter("precool_hours", "pre-cooling hours before the event start", "int", 0, 12),
    )

    def validate_together(self, params: dict) -> None:
        if params["event_end_hour"] <= params["event_start_hour"]:
            raise InputError(
                f"measure {self.name}: parameters event_start_hour={params['event_start_hour']} "
                f"and event_end_hour={params['event_end_hour']}: the end must be after the start"
            )
        if params["precool_k"] > 0 and params["precool_hours"] > params["event_start_hour"]:
            raise InputError(
                f"measure {self.name}: parameter precool_hours={params['precool_hours']}: "
                f"pre-cooling would start before midnight (event_start_hour="
                f"{params['event_start_hour']})"
            )
        if params["event_days"] is not None:
            if not params["event_days"]:
                raise InputError(f"measure {self.name}: parameter event_days: no date given")
            parse_event_days(params["event_days"], self.name)

    def check(self, idf, context: ApplyContext | None = None) -> Applicability:
        if any(str(p.Name).upper() == PROGRAM.upper() for p in _programs(idf)):
            return Applicability(
                False, f"demand response is applied already (EMS program {PROGRAM})"
            )
        if not cooling_thermostats(idf):
            return Applicability(False, "no cooling thermostats in this model")
        return Applicability(True)

    def choose_event_days(self, context: ApplyContext) -> tuple[tuple, dict, str]:
        """The event days, their daily dry-bulb [degC] (if chosen from weather), and where from."""
        p = self.params
        if p["event_days"] is not None:
            return parse_event_days(p["event_days"], self.name), {}, "event_days parameter"
        if context.weather_path is None:
            raise InputError(
                f"measure {self.name}: no weather file to choose the {p['event_day_count']} "
                "hottest weekdays from: apply with a weather file (retrofit apply --weather) or "
                "give event_days"
            )
        from retrofit.weather import read_epw

        data = read_epw(context.weather_path).data
        month, day = data["month"].to_numpy(), data["day"].to_numpy()
        weekday = demand.calendar_weekdays(month, day)
        days = demand.hottest_weekdays(
            month,
            day,
            data["dry_bulb_c"].to_numpy(),
            weekday,
            p["event_day_count"],
            metric=p["event_day_metric"],
        )
        daily = demand.daily_dry_bulb_c(month, day, data["dry_bulb_c"], p["event_day_metric"])
        values = {f"{m:02d}/{d:02d}": daily[(m, d)] for m, d in days}
        return days, values, str(context.weather_path)

    def transform(self, idf, context: ApplyContext) -> MeasureResult:
        p = self.params
        days, daily_values, chosen_from = self.choose_event_days(context)
        found = cooling_thermostats(idf)

        offset = _unique_schedule_name(idf, OFFSET_SCHEDULE)
        limits = model.unique_name(idf, "ScheduleTypeLimits", OFFSET_SCHEDULE)
        add_object(
            idf,
            "ScheduleTypeLimits",
            [limits, -p["precool_k"], p["setpoint_raise_k"], "Continuous", "DeltaTemperature"],
        )
        add_object(
            idf,
            "Schedule:Compact",
            [
                offset,
                limits,
                *offset_schedule_fields(
                    days,
                    p["event_start_hour"],
                    p["event_end_hour"],
                    p["setpoint_raise_k"],
                    p["precool_k"],
                    p["precool_hours"],
                ),
            ],
        )
        add_object(idf, "EnergyManagementSystem:Sensor", [OFFSET_SENSOR, offset, "Schedule Value"])

        wrapped, set_lines, release_lines, notes = {}, [], [], []
        for i, entry in enumerate(found.values(), 1):
            original = model.by_name(idf, SCHEDULE_TYPES, entry["name"])
            if original is None:
                notes.append(
                    f"{entry['name']}: no Schedule:Compact/Constant/Year/File of that name; its "
                    "thermostats are left alone"
                )
                continue
            wrapper_name = _unique_schedule_name(idf, f"{original.Name}{WRAPPER_SUFFIX}")
            wrapper = idf.copyidfobject(original)
            wrapper.Name = wrapper_name
            for kind, setpoint in entry["setpoints"]:
                setpoint[COOLING_SETPOINT_FIELDS[kind]] = wrapper_name
            schedule_type = model.type_name(original)
            base, act = f"DR_Base_{i}", f"DR_Wrapped_{i}"
            add_object(
                idf, "EnergyManagementSystem:Sensor", [base, original.Name, "Schedule Value"]
            )
            add_object(
                idf,
                "EnergyManagementSystem:Actuator",
                [act, wrapper_name, schedule_type, "Schedule Value"],
            )
            set_lines.append(f"SET {act} = {base} + {OFFSET_SENSOR}")
            release_lines.append(f"SET {act} = Null")
            wrapped[str(original.Name)] = {"wrapper": wrapper_name, "zones": entry["zones"]}
        if not wrapped:  # pragma: no cover - a model whose thermostats name missing schedules
            raise InputError(f"measure {self.name}: no cooling set-point schedule found")
        add_object(
            idf,
            "EnergyManagementSystem:Program",
            [
                PROGRAM,
                f"IF {OFFSET_SENSOR} <> 0",
                *set_lines,
                "ELSE",
                *release_lines,
                "ENDIF",
            ],
        )
        add_object(
            idf,
            "EnergyManagementSystem:ProgramCallingManager",
            [CALLING_MANAGER, CALLING_POINT, PROGRAM],
        )

        zone_map = model.zones(idf)
        areas = zone_floor_areas_m2(idf)
        zones = sorted({z.upper() for w in wrapped.values() for z in w["zones"]})
        controlled = sum(zone_map[z].multiplier if z in zone_map else 1.0 for z in zones)
        area = sum(areas.get(z, 0.0) for z in zones)
        start, end = p["event_start_hour"], p["event_end_hour"]
        details = {
            "event_days": [f"{m:02d}/{d:02d}" for m, d in days],
            "event_days_from": chosen_from,
            "event_day_metric": p["event_day_metric"],
            "event_day_dry_bulb_c": daily_values,
            "event_hours": f"{start:02d}:00-{end:02d}:00",
            "setpoint_raise_k": p["setpoint_raise_k"],
            "precool": (
                f"{p['precool_k']:g} K lower {start - p['precool_hours']:02d}:00-{start:02d}:00"
                if p["precool_k"] > 0 and p["precool_hours"] > 0
                else "none"
            ),
            "schedules": wrapped,
            "calendar": "weekdays of the annual run (1 January a Sunday, EnergyPlus RunPeriod "
            "default); the events apply on these dates whatever day a shorter run puts them on; "
            "event hours are clock time (one hour earlier in EnergyPlus's standard-time reports "
            "under daylight saving)",
        }
        if daily_values:
            notes.append(
                f"event days: the {len(days)} hottest weekdays by daily {p['event_day_metric']} "
                f"dry-bulb of {chosen_from}; weather-file holidays are not excluded"
            )
        return MeasureResult(
            model=idf,
            quantities={"controlled_zones": float(controlled), "floor_area_m2": area},
            details=details,
            notes=notes,
        )


def _programs(idf):
    return idf.idfobjects["ENERGYMANAGEMENTSYSTEM:PROGRAM"]
