"""Uncertain inputs: a range or distribution on a *driver*, the model field (or economic
quantity) it moves.

An :class:`UncertainInput` names a driver and gives its distribution::

    UncertainInput("lpd", "lighting_scale", "uniform", low=0.8, high=1.2,
                   source="audit: +-20 % on the surveyed fixtures")

Model drivers (:data:`DRIVERS`) edit an eppy model in place, each the EnergyPlus objects and
fields its :attr:`Driver.objects` names. A *scale* multiplies the one number each object's
calculation method reads (the same rule as :mod:`retrofit.measures.infiltration`), so it works on
any method: ``Lights`` Lighting Level, Watts per Zone Floor Area or Watts per Person all scale by
the factor (a ``Watts/Person`` object therefore also follows ``occupancy_scale``). An *offset*
shifts a set-point schedule by kelvins. Economic drivers (:data:`ECONOMIC_DRIVERS`) move prices,
factors and rates after the simulation; they edit no model and are applied by the accounting
layer, so economic-only uncertainty simulates nothing (issue 8).

Sampling and optimisation use each input's finite support :meth:`UncertainInput.bounds`: uniform
and triangular inputs their ``low`` and ``high``; normal and lognormal inputs are truncated at
:data:`NORMAL_SUPPORT_SD` standard deviations and clipped to the driver's physical range
(:attr:`Driver.minimum`, :attr:`Driver.maximum`); :meth:`UncertainInput.ppf` maps a probability
in [0, 1] into that support.

The drivers re-read nothing after editing: the same values always give the same model text.
Equipment sizes are not fixed here: an autosized model resizes with its loads, as EnergyPlus
sizes it (hard-size the baseline first to study an installed system, design.md).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from retrofit import model
from retrofit.compliance.parameters import EQUIPMENT_METHOD_FIELDS
from retrofit.errors import InputError
from retrofit.measures.infiltration import INFILTRATION_OBJECTS, scaled_field
from retrofit.measures.lighting import LIGHTS_METHOD_FIELDS, PEOPLE_METHOD_FIELDS

#: Distributions an uncertain input may take.
DISTRIBUTIONS = ("uniform", "normal", "triangular", "lognormal")

#: SALib's code of each distribution (``problem["dists"]``, SALib >= 1.4).
SALIB_DISTRIBUTIONS = {
    "uniform": "unif",
    "normal": "norm",
    "triangular": "triang",
    "lognormal": "lognorm",
}

#: The parameters each distribution takes (all required, no others allowed).
DISTRIBUTION_PARAMETERS = {
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
    "lognormal": ("mean", "sd"),
}

#: Numeric fields of an uncertain input.
NUMERIC_FIELDS = ("low", "high", "mode", "mean", "sd")

#: Keys an uncertain input may have in a study file.
INPUT_KEYS = ("name", "driver", "distribution", *NUMERIC_FIELDS, "source")

#: Normal and lognormal inputs are truncated this many standard deviations either side of the
#: mean (of the log for lognormal) to give a finite support: 99.73 % of the untruncated
#: probability (the three-sigma rule; the truncated normal's standard deviation is 1.3 % below
#: the untruncated one).
NORMAL_SUPPORT_SD = 3.0

#: Largest set-point offset either way [K]: an ASSUMPTION marking the physical range of the
#: set-point drivers (a 24 degC cooling set-point stays within 14-34 degC); set-points a
#: building really runs at differ from a model's by a few kelvins.
SETPOINT_OFFSET_LIMIT_K = 10.0

#: Cap on a scaled combustion efficiency (Boiler:HotWater Nominal Thermal Efficiency, "based on
#: the higher heating value of fuel" in the EnergyPlus 25.2 IDD; Coil:Heating:Fuel Burner
#: Efficiency, IDD maximum 1.0). An efficiency on the higher heating value cannot reach 1 (first
#: law); 0.99 is an ASSUMPTION leaving headroom above any condensing boiler.
MAX_COMBUSTION_EFFICIENCY = 0.99

#: Calculation method of a gain object whose method field is blank (EnergyPlus 25.2 IDD
#: defaults), lower case.
_DEFAULT_METHODS = {
    "LIGHTS": "lightinglevel",
    "ELECTRICEQUIPMENT": "equipmentlevel",
    "PEOPLE": "people",
}

#: Field of a ``People`` object holding floor area *per person*: scaling occupancy divides it.
_INVERSE_FIELDS = ("Floor_Area_per_Person",)

#: Set-point objects a ``ZoneControl:Thermostat`` names -> {role: field of the schedule}.
SETPOINT_SCHEDULE_FIELDS = {
    "THERMOSTATSETPOINT:DUALSETPOINT": {
        "heating": "Heating_Setpoint_Temperature_Schedule_Name",
        "cooling": "Cooling_Setpoint_Temperature_Schedule_Name",
    },
    "THERMOSTATSETPOINT:SINGLEHEATING": {"heating": "Setpoint_Temperature_Schedule_Name"},
    "THERMOSTATSETPOINT:SINGLECOOLING": {"cooling": "Setpoint_Temperature_Schedule_Name"},
}

#: Schedule types the set-point offsets can copy and shift.
SCHEDULE_TYPES = ("SCHEDULE:COMPACT", "SCHEDULE:CONSTANT", "SCHEDULE:YEAR", "SCHEDULE:FILE")
WEEK_TYPES = ("SCHEDULE:WEEK:DAILY", "SCHEDULE:WEEK:COMPACT")
DAY_TYPES = ("SCHEDULE:DAY:HOURLY", "SCHEDULE:DAY:INTERVAL", "SCHEDULE:DAY:LIST")

#: Where the values sit in a schedule object's field list (eppy ``obj.obj``: 0 the type, 1 the
#: name, 2 the type limits): (index of the first value, step). Compact: every field from 3 that
#: is a number (the ``Through:/For:/Until:/Interpolate:`` tokens are text); Constant: the value;
#: Day:Hourly: 24 values; Day:Interval: after Interpolate, (time, value) pairs; Day:List: after
#: Interpolate and Minutes per Item (EnergyPlus 25.2 IDD).
SCHEDULE_VALUE_LAYOUT = {
    "SCHEDULE:COMPACT": (3, 1),
    "SCHEDULE:CONSTANT": (3, 1),
    "SCHEDULE:DAY:HOURLY": (3, 1),
    "SCHEDULE:DAY:INTERVAL": (5, 2),
    "SCHEDULE:DAY:LIST": (5, 1),
}
#: Where the day-schedule names sit in a week schedule: Week:Daily 12 day types from 2;
#: Week:Compact (day-type list, day schedule) pairs from 2.
WEEK_DAY_LAYOUT = {"SCHEDULE:WEEK:DAILY": (2, 1), "SCHEDULE:WEEK:COMPACT": (3, 2)}
#: Where the week names sit in a Schedule:Year: (week, start month, start day, end month, end
#: day) groups after the type limits.
YEAR_WEEK_LAYOUT = (3, 5)

#: Efficiency objects of the efficiency drivers: eppy key -> the fields scaled (every speed).
CHILLER_COP_FIELDS = {
    "CHILLER:ELECTRIC:EIR": ("Reference_COP",),
    "CHILLER:ELECTRIC:REFORMULATEDEIR": ("Reference_COP",),
}
BOILER_EFFICIENCY_FIELDS = {"BOILER:HOTWATER": ("Nominal_Thermal_Efficiency",)}
FURNACE_EFFICIENCY_FIELDS = {"COIL:HEATING:FUEL": ("Burner_Efficiency",)}
_MULTISPEED_MAX = 4  # Coil:*:DX:MultiSpeed hold at most 4 speeds (EnergyPlus 25.2 IDD)
DX_COOLING_COP_FIELDS = {
    "COIL:COOLING:DX:SINGLESPEED": ("Gross_Rated_Cooling_COP",),
    "COIL:COOLING:DX:TWOSPEED": (
        "High_Speed_Gross_Rated_Cooling_COP",
        "Low_Speed_Gross_Rated_Cooling_COP",
    ),
    "COIL:COOLING:DX:MULTISPEED": tuple(
        f"Speed_{i}_Gross_Rated_Cooling_COP" for i in range(1, _MULTISPEED_MAX + 1)
    ),
    "COIL:COOLING:DX:CURVEFIT:SPEED": ("Gross_Cooling_COP",),
}
DX_HEATING_COP_FIELDS = {
    "COIL:HEATING:DX:SINGLESPEED": ("Gross_Rated_Heating_COP",),
    "COIL:HEATING:DX:MULTISPEED": tuple(
        f"Speed_{i}_Gross_Rated_Heating_COP" for i in range(1, _MULTISPEED_MAX + 1)
    ),
}


# --------------------------------------------------------------------------------------------
# Drivers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Driver:
    """What an uncertain input moves.

    Attributes
    ----------
    name : str
        The key in :data:`DRIVERS` or :data:`ECONOMIC_DRIVERS`.
    description : str
    unit : str
        ``"factor"`` for scales (1.0 = as built), ``"K"`` for set-point offsets, ``"-"`` for a
        rate.
    nominal : float
        The as-built value (1.0 for scales, 0.0 for offsets).
    minimum, maximum : float
        Physical range of the value; ``exclusive_minimum`` / ``exclusive_maximum`` make a bound
        strict (a COP scale of 0 is no chiller).
    objects : str
        The EnergyPlus objects and fields it edits (model drivers) or the quantity it scales
        (economic drivers).
    apply : callable or None
        ``apply(idf, value) -> notes``: edits the eppy model in place (model drivers). None for
        economic drivers.
    """

    name: str
    description: str
    unit: str
    nominal: float
    minimum: float
    maximum: float
    objects: str
    apply: Callable[[Any, float], list[str]] | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False

    def range_problem(self, value: float) -> str | None:
        """Why ``value`` is outside the physical range (or not a finite number), or None."""
        if not math.isfinite(value):
            return f"{value} is not a finite number ({self.name})"
        low = value <= self.minimum if self.exclusive_minimum else value < self.minimum
        high = value >= self.maximum if self.exclusive_maximum else value > self.maximum
        if low or high:
            return f"{value:g} is outside the range of {self.name}: {self.range_text()}"
        return None

    def range_text(self) -> str:
        left = "(" if self.exclusive_minimum else "["
        right = ")" if self.exclusive_maximum else "]"
        return f"{left}{self.minimum:g}, {self.maximum:g}{right} {self.unit}"


# --------------------------------------------------------------------------------------------
# Uncertain inputs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain input: a driver and its distribution.

    Attributes
    ----------
    name : str
        Unique id (``"lpd"``), the column name in samples and index tables.
    driver : str
        A key of :data:`DRIVERS` (model inputs) or :data:`ECONOMIC_DRIVERS`.
    distribution : {"uniform", "normal", "triangular", "lognormal"}
    low, high : float, optional
        Bounds of a uniform or triangular input, in the driver's unit.
    mode : float, optional
        Peak of a triangular input.
    mean, sd : float, optional
        Mean and standard deviation of a normal input; of the natural log of the value for a
        lognormal one.
    source : str
        Where the range comes from (free text), shown in reports.

    Raises
    ------
    InputError
        Every problem of the fields at once (:func:`input_problems`).
    """

    name: str
    driver: str
    distribution: str = "uniform"
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None
    source: str = ""

    def __post_init__(self) -> None:
        problems = input_problems({k: getattr(self, k) for k in INPUT_KEYS})
        if problems:
            raise InputError(
                "; ".join(f"uncertain input {self.name!r}: {key}: {msg}" for key, msg in problems)
            )

    @property
    def kind(self) -> str:
        """``"model"`` (edits the model, needs a simulation) or ``"economic"``."""
        return "model" if self.driver in DRIVERS else "economic"

    @property
    def driver_spec(self) -> Driver:
        """The :class:`Driver` this input moves."""
        return DRIVERS.get(self.driver) or ECONOMIC_DRIVERS[self.driver]

    def bounds(self) -> tuple[float, float]:
        """The finite support used for sampling and optimisation, in the driver's unit.

        ``(low, high)`` for uniform and triangular inputs; for normal ones ``mean`` plus and
        minus :data:`NORMAL_SUPPORT_SD` ``sd``, for lognormal ones ``exp`` of that on the log,
        clipped to the driver's physical range.
        """
        if self.distribution in ("uniform", "triangular"):
            return float(self.low), float(self.high)
        spec = self.driver_spec
        return truncation_bounds(
            self.distribution, self.mean, self.sd, spec.minimum, spec.maximum, NORMAL_SUPPORT_SD
        )

    def to_salib(self) -> tuple[list[float], str]:
        """This input as a SALib ``problem`` entry: its ``bounds`` item and ``dists`` code.

        SALib's conventions (``SALib.util._nonuniform_scale_samples``): ``unif`` [low, high];
        ``triang`` [low, high, peak fraction (mode - low) / (high - low)] (SALib refuses a
        fraction of 1, a peak at ``high``); ``norm`` [mean, sd]; ``lognorm`` [mean, sd] of the
        log. SALib's normal and lognormal are not truncated: :func:`retrofit.uncertainty.sample`
        samples the truncated ones of :meth:`ppf` instead.
        """
        code = SALIB_DISTRIBUTIONS[self.distribution]
        if self.distribution == "uniform":
            return [float(self.low), float(self.high)], code
        if self.distribution == "triangular":
            peak = (self.mode - self.low) / (self.high - self.low)
            return [float(self.low), float(self.high), float(peak)], code
        return [float(self.mean), float(self.sd)], code

    def ppf(self, probability: Any) -> np.ndarray:
        """Values with cumulative probability ``probability`` (in [0, 1]) of the distribution
        truncated to :meth:`bounds` (the inverse CDF); 0 and 1 give the bounds."""
        low, high = self.bounds()
        return truncated_ppf(
            self.distribution, probability, low=low, high=high, mode=self.mode,
            mean=self.mean, sd=self.sd,
        )  # fmt: skip

    def cdf(self, value: Any) -> np.ndarray:
        """Cumulative probability of ``value`` under the truncated distribution (:meth:`ppf`'s
        inverse)."""
        low, high = self.bounds()
        return truncated_cdf(
            self.distribution, value, low=low, high=high, mode=self.mode,
            mean=self.mean, sd=self.sd,
        )  # fmt: skip


def parse_inputs(items: list[dict], where: str) -> list[UncertainInput]:
    """Uncertain inputs from study-file tables, validated all at once.

    Parameters
    ----------
    items : list of dict
        One table per input, keys :data:`INPUT_KEYS` (``[[uncertain]]`` in a study file).
    where : str
        How the error lines name the list, e.g. ``"study.toml: uncertain"``; a problem reads
        ``where[i].key: what is wrong``.

    Raises
    ------
    InputError
        One error listing every problem: unknown keys, unknown driver (with the known ones), bad
        distribution, missing or extra parameters, ``low >= high``, a range outside the driver's
        physical range, duplicate names and two inputs driving one driver.
    """
    problems: list[str] = []
    inputs: list[UncertainInput] = []
    if not isinstance(items, list | tuple):
        raise InputError(f"{where}: must be a list of tables, not {type(items).__name__}")
    names: dict[str, int] = {}
    drivers: dict[str, int] = {}
    for i, item in enumerate(items):
        here = f"{where}[{i}]"
        if not isinstance(item, Mapping):
            problems.append(f"{here}: must be a table, not {type(item).__name__}")
            continue
        unknown = [k for k in item if k not in INPUT_KEYS]
        problems += [f"{here}.{k}: unknown key (known: {', '.join(INPUT_KEYS)})" for k in unknown]
        fields = {k: item.get(k) for k in INPUT_KEYS}
        if fields["distribution"] is None:
            fields["distribution"] = "uniform"
        if fields["source"] is None:
            fields["source"] = ""
        found = input_problems(fields)
        problems += [f"{here}.{key}: {msg}" for key, msg in found]
        name, driver = fields["name"], fields["driver"]
        if isinstance(name, str) and name:
            if name in names:
                problems.append(f"{here}.name: {name!r} is also the name of {where}[{names[name]}]")
            names.setdefault(name, i)
        if isinstance(driver, str) and driver in DRIVERS | ECONOMIC_DRIVERS:
            if driver in drivers:
                problems.append(
                    f"{here}.driver: {driver} is already driven by {where}[{drivers[driver]}]"
                )
            drivers.setdefault(driver, i)
        if not found and not unknown:
            numbers = {k: _float(fields[k]) for k in NUMERIC_FIELDS}
            inputs.append(
                UncertainInput(
                    name=name,
                    driver=driver,
                    distribution=fields["distribution"],
                    source=str(fields["source"]),
                    **numbers,
                )
            )
    if problems:
        raise InputError("\n".join(problems))
    return inputs


def apply_model_inputs(
    idf, values: Mapping[str, float], inputs: Sequence[UncertainInput]
) -> list[str]:
    """Apply the model inputs' values to an eppy model, in place, in the order of ``inputs``.

    Parameters
    ----------
    idf : eppy IDF
        Edited in place.
    values : mapping
        Input name -> value in its driver's unit (a row of a sample).
    inputs : sequence of UncertainInput
        Economic inputs are skipped (they edit no model).

    Returns
    -------
    list of str
        The drivers' notes, each prefixed with ``name=value``.

    Raises
    ------
    InputError
        A model input without a value, or a value outside its driver's physical range (all such
        problems at once; nothing is edited then).
    """
    chosen = [inp for inp in inputs if inp.kind == "model"]
    problems = []
    for inp in chosen:
        if inp.name not in values:
            problems.append(f"uncertain input {inp.name}: no value given")
            continue
        why = DRIVERS[inp.driver].range_problem(float(values[inp.name]))
        if why:
            problems.append(f"uncertain input {inp.name}: {why}")
    if problems:
        raise InputError("\n".join(problems))
    notes = []
    for inp in chosen:
        value = float(values[inp.name])
        label = f"{inp.name}={value:g}"
        notes += [f"{label}: {note}" for note in DRIVERS[inp.driver].apply(idf, value)]
    return notes


# --------------------------------------------------------------------------------------------
# Model drivers: internal gains and infiltration
# --------------------------------------------------------------------------------------------


def _scale_gains(idf, key: str, methods: Mapping[str, str], factor: float, what: str) -> list[str]:
    """Multiply the design level of every ``key`` object by ``factor`` (divide an area per
    person), whatever its calculation method."""
    objects = idf.idfobjects[key]
    if not objects:
        return [f"no {what} in the model"]
    notes = []
    done = 0
    for obj in objects:
        method_field = next(f for f in obj.fieldnames if f.endswith("Calculation_Method"))
        method = str(obj[method_field] or "").strip().lower() or _DEFAULT_METHODS[key]
        field = methods.get(method)
        if field is None:
            notes.append(f"{model.type_name(obj)} {obj.Name}: unknown method {method!r}, unchanged")
            continue
        value = model.number(obj[field])
        if value is None:
            notes.append(f"{model.type_name(obj)} {obj.Name}: {field} is {obj[field]!r}, unchanged")
            continue
        obj[field] = value / factor if field in _INVERSE_FIELDS else value * factor
        done += 1
    return [f"{done} {what} objects scaled by {factor:g}", *notes]


def scale_lighting(idf, factor: float) -> list[str]:
    """``lighting_scale``: every ``Lights`` object's design level times ``factor``."""
    return _scale_gains(idf, "LIGHTS", LIGHTS_METHOD_FIELDS, factor, "Lights")


def scale_equipment(idf, factor: float) -> list[str]:
    """``equipment_scale``: every ``ElectricEquipment`` object's design level times ``factor``."""
    return _scale_gains(
        idf, "ELECTRICEQUIPMENT", EQUIPMENT_METHOD_FIELDS, factor, "ElectricEquipment"
    )


def scale_occupancy(idf, factor: float) -> list[str]:
    """``occupancy_scale``: every ``People`` object's number of people times ``factor``
    (Number of People and People per Floor Area multiplied, Floor Area per Person divided)."""
    return _scale_gains(idf, "PEOPLE", PEOPLE_METHOD_FIELDS, factor, "People")


def scale_infiltration(idf, factor: float) -> list[str]:
    """``infiltration_scale``: the field each infiltration object is linear in times ``factor``
    (:func:`retrofit.measures.infiltration.scaled_field`)."""
    objects = [o for key in INFILTRATION_OBJECTS for o in idf.idfobjects[key]]
    if not objects:
        return ["no infiltration objects in the model"]
    notes = []
    done = 0
    for obj in objects:
        field = scaled_field(obj)
        value = model.number(obj[field]) if field else None
        if value is None:
            what = f"{field} is {obj[field]!r}" if field else "unknown calculation method"
            notes.append(f"{model.type_name(obj)} {obj.Name}: {what}, unchanged")
            continue
        obj[field] = value * factor
        done += 1
    return [f"{done} infiltration objects scaled by {factor:g}", *notes]


# --------------------------------------------------------------------------------------------
# Model drivers: efficiencies
# --------------------------------------------------------------------------------------------


def _scale_fields(
    idf,
    fields_by_key: Mapping[str, Sequence[str]],
    factor: float,
    what: str,
    cap: float | None = None,
) -> list[str]:
    """Multiply the named fields of every object of the given types by ``factor``.

    A blank field takes its IDD default first (a DX coil's Gross Rated COP defaults to 3.0);
    a field past the object's last value, or of a speed above its Number of Speeds, is skipped.
    With ``cap`` the result is clipped to it, with a note.
    """
    objects = [o for key in fields_by_key for o in idf.idfobjects[key]]
    if not objects:
        return [f"no {what} in the model"]
    notes = []
    done = 0
    for obj in objects:
        speeds = (
            model.number(obj["Number_of_Speeds"]) if "Number_of_Speeds" in obj.fieldnames else None
        )
        for field in fields_by_key[obj.key.upper()]:
            index = obj.fieldnames.index(field)
            if index >= len(obj.obj) or (speeds is not None and _speed(field) > speeds):
                continue
            value = model.number(obj.obj[index])
            if value is None:
                value = _idd_default(obj, field)
            if value is None:
                notes.append(f"{model.type_name(obj)} {obj.Name}: {field} is blank, unchanged")
                continue
            new = value * factor
            if cap is not None and new > cap:
                notes.append(
                    f"{model.type_name(obj)} {obj.Name}: {field} {value:g} x {factor:g} = "
                    f"{new:g} clipped to {cap:g}"
                )
                new = cap
            obj[field] = new
            done += 1
    return [f"{done} {what} fields scaled by {factor:g}", *notes]


def _idd_default(obj, field: str) -> float | None:
    default = obj.getfieldidd(field).get("default")
    if isinstance(default, list | tuple):
        default = default[0] if default else None
    return model.number(default)


def scale_chiller_cop(idf, factor: float) -> list[str]:
    """``chiller_cop_scale``: the Reference COP of every electric EIR chiller times ``factor``."""
    return _scale_fields(
        idf, CHILLER_COP_FIELDS, factor, "electric chiller (Chiller:Electric:*EIR)"
    )


def scale_boiler_efficiency(idf, factor: float) -> list[str]:
    """``boiler_efficiency_scale``: every ``Boiler:HotWater`` Nominal Thermal Efficiency times
    ``factor``, clipped at :data:`MAX_COMBUSTION_EFFICIENCY`."""
    return _scale_fields(
        idf, BOILER_EFFICIENCY_FIELDS, factor, "Boiler:HotWater", cap=MAX_COMBUSTION_EFFICIENCY
    )


def scale_furnace_efficiency(idf, factor: float) -> list[str]:
    """``furnace_efficiency_scale``: every ``Coil:Heating:Fuel`` Burner Efficiency times
    ``factor``, clipped at :data:`MAX_COMBUSTION_EFFICIENCY`."""
    return _scale_fields(
        idf, FURNACE_EFFICIENCY_FIELDS, factor, "Coil:Heating:Fuel", cap=MAX_COMBUSTION_EFFICIENCY
    )


def scale_dx_cooling_cop(idf, factor: float) -> list[str]:
    """``dx_cop_scale``: the gross rated cooling COP of every DX cooling coil (every speed)
    times ``factor``."""
    return _scale_fields(idf, DX_COOLING_COP_FIELDS, factor, "DX cooling coil")


def scale_dx_heating_cop(idf, factor: float) -> list[str]:
    """``heating_dx_cop_scale``: the gross rated heating COP of every DX heating coil (every
    speed) times ``factor``."""
    return _scale_fields(idf, DX_HEATING_COP_FIELDS, factor, "DX heating coil")


# --------------------------------------------------------------------------------------------
# Model drivers: set-point offsets
# --------------------------------------------------------------------------------------------


def thermostat_setpoints(idf, role: str) -> list[tuple[Any, str]]:
    """(set-point object, schedule field) pairs of ``role`` (``"heating"``, ``"cooling"``)
    named by the model's ``ZoneControl:Thermostat`` objects, each once, in model order."""
    found: dict[int, tuple[Any, str]] = {}
    for thermostat in idf.idfobjects["ZONECONTROL:THERMOSTAT"]:
        for i in range(1, 5):
            kind = str(getattr(thermostat, f"Control_{i}_Object_Type", "") or "").strip().upper()
            name = str(getattr(thermostat, f"Control_{i}_Name", "") or "").strip()
            field = SETPOINT_SCHEDULE_FIELDS.get(kind, {}).get(role)
            if not field or not name:
                continue
            obj = model.by_name(idf, kind, name)
            if obj is not None and str(obj[field]).strip():
                found.setdefault(id(obj), (obj, field))
    return list(found.values())


def _unique_schedule_name(idf, base: str) -> str:
    keys = [key for key in idf.idfobjects if key.upper().startswith("SCHEDULE:")]
    return model.unique_name(idf, keys, base)


class _Shifter:
    """Shifted copies of schedules, each original copied once per call.

    ``Schedule:Year`` copies point to copies of their week schedules, which point to shifted
    copies of their day schedules; every copy gets a free name in the schedules' name space.
    """

    def __init__(self, idf, offset_k: float, label: str):
        self.idf = idf
        self.offset_k = offset_k
        self.label = label
        self.copies: dict[tuple[str, str], str] = {}
        self.values: dict[str, list[float]] = {}
        self.notes: list[str] = []

    def _copy(self, obj):
        name = f"{obj.Name} {self.label} {self.offset_k:+g}K"
        new = self.idf.copyidfobject(obj)
        new.Name = _unique_schedule_name(self.idf, name)
        return new

    def _shift_values(self, obj) -> None:
        """Shift the value fields of a compact, constant or day schedule copy in place."""
        first, step = SCHEDULE_VALUE_LAYOUT[obj.key.upper()]
        values = obj.obj
        for i in range(first, len(values), step):
            value = _schedule_number(values[i])
            if value is not None:
                values[i] = value + self.offset_k
        self.values[str(obj.Name).upper()] = _schedule_values(obj)

    def schedule(self, name: str) -> str | None:
        """The name of the shifted copy of schedule ``name`` (None: cannot be shifted)."""
        memo = ("schedule", name.upper())
        if memo in self.copies:
            return self.copies[memo]
        obj = _find(self.idf, SCHEDULE_TYPES, name)
        if obj is None:
            self.notes.append(f"schedule {name}: not a Schedule:Compact/Constant/Year, unchanged")
            return None
        key = obj.key.upper()
        if key == "SCHEDULE:FILE":
            self.notes.append(f"Schedule:File {name}: values in a file, not shifted")
            return None
        new = self._copy(obj)
        if key == "SCHEDULE:YEAR":  # -> its week schedules -> their day schedules
            first, step = YEAR_WEEK_LAYOUT
            weeks = []
            for i in range(first, len(new.obj), step):
                if str(new.obj[i]).strip():
                    new.obj[i] = self.week(str(new.obj[i]).strip())
                    weeks.append(new.obj[i])
            self.values[str(new.Name).upper()] = [
                v for w in weeks for v in self.values.get(str(w).upper(), [])
            ]
        else:
            self._shift_values(new)
        self._check_limits(new)
        self.copies[memo] = str(new.Name)
        return str(new.Name)

    def week(self, name: str) -> str:
        memo = ("week", name.upper())
        if memo not in self.copies:
            obj = _find(self.idf, WEEK_TYPES, name)
            if obj is None:
                raise InputError(f"week schedule {name}: not in the model")
            new = self._copy(obj)
            first, step = WEEK_DAY_LAYOUT[obj.key.upper()]
            days = []
            for i in range(first, len(new.obj), step):
                if str(new.obj[i]).strip():
                    new.obj[i] = self.day(str(new.obj[i]).strip())
                    days.append(new.obj[i])
            self.values[str(new.Name).upper()] = [
                v for d in days for v in self.values.get(str(d).upper(), [])
            ]
            self.copies[memo] = str(new.Name)
        return self.copies[memo]

    def day(self, name: str) -> str:
        memo = ("day", name.upper())
        if memo not in self.copies:
            obj = _find(self.idf, DAY_TYPES, name)
            if obj is None:
                raise InputError(f"day schedule {name}: not in the model")
            new = self._copy(obj)
            self._shift_values(new)
            self._check_limits(new)
            self.copies[memo] = str(new.Name)
        return self.copies[memo]

    def _check_limits(self, obj) -> None:
        """Blank the copy's ScheduleTypeLimits when the shifted values break them."""
        limits_name = str(obj.Schedule_Type_Limits_Name or "").strip()
        limits = model.by_name(self.idf, "ScheduleTypeLimits", limits_name) if limits_name else None
        if limits is None:
            return
        lower = model.number(limits.Lower_Limit_Value)
        upper = model.number(limits.Upper_Limit_Value)
        values = self.values.get(str(obj.Name).upper(), [])
        if any(
            (lower is not None and v < lower) or (upper is not None and v > upper) for v in values
        ):
            obj.Schedule_Type_Limits_Name = ""
            self.notes.append(
                f"{model.type_name(obj)} {obj.Name}: shifted values leave ScheduleTypeLimits "
                f"{limits_name}; the copy has no limits"
            )


def _find(idf, keys: Sequence[str], name: str):
    """The first object of one of ``keys`` called ``name``, or None."""
    return next((o for k in keys if (o := model.by_name(idf, k, name)) is not None), None)


def _offset_setpoints(idf, offset_k: float, role: str) -> list[str]:
    """Point the ``role`` set-points of the thermostats at copies of their schedules shifted by
    ``offset_k``; the originals (and any other user of them) are untouched."""
    pairs = thermostat_setpoints(idf, role)
    shared = [
        f"ThermostatSetpoint:SingleHeatingOrCooling {o.Name}: one schedule for heating and "
        "cooling, not shifted"
        for o in idf.idfobjects["THERMOSTATSETPOINT:SINGLEHEATINGORCOOLING"]
    ]
    if not pairs:
        return [f"no {role} set-point schedules on the thermostats (ThermostatSetpoint:*)", *shared]
    if offset_k == 0.0:
        return [f"{role} set-points unchanged (offset 0 K)"]
    shifter = _Shifter(idf, offset_k, role)
    pointed = 0
    for obj, field in pairs:
        copy = shifter.schedule(str(obj[field]).strip())
        if copy is not None:
            obj[field] = copy
            pointed += 1
    originals = len({k for k in shifter.copies if k[0] == "schedule"})
    summary = (
        f"{pointed} {role} set-point objects point to shifted copies ({offset_k:+g} K) "
        f"of {originals} schedules"
    )
    return [summary, *shifter.notes, *shared]


def offset_cooling_setpoints(idf, offset_k: float) -> list[str]:
    """``cooling_setpoint_offset_k``: the thermostats' cooling set-point schedules (of
    ``ThermostatSetpoint:DualSetpoint`` and ``:SingleCooling``) shifted by ``offset_k``."""
    return _offset_setpoints(idf, offset_k, "cooling")


def offset_heating_setpoints(idf, offset_k: float) -> list[str]:
    """``heating_setpoint_offset_k``: the thermostats' heating set-point schedules (of
    ``ThermostatSetpoint:DualSetpoint`` and ``:SingleHeating``) shifted by ``offset_k``."""
    return _offset_setpoints(idf, offset_k, "heating")


# --------------------------------------------------------------------------------------------
# The driver tables
# --------------------------------------------------------------------------------------------

_INF = math.inf

#: Model drivers: each edits the model in place (``Driver.apply``).
DRIVERS: dict[str, Driver] = {
    d.name: d
    for d in (
        Driver(
            "lighting_scale",
            "Interior lighting power: every Lights object's design level times the factor",
            "factor", 1.0, 0.0, _INF,
            "Lights: Lighting Level / Watts per Zone Floor Area / Watts per Person "
            "(the field of its calculation method)",
            scale_lighting,
        ),
        Driver(
            "equipment_scale",
            "Plug and process loads: every ElectricEquipment object's design level times the "
            "factor",
            "factor", 1.0, 0.0, _INF,
            "ElectricEquipment: Design Level / Watts per Zone Floor Area / Watts per Person",
            scale_equipment,
        ),
        Driver(
            "occupancy_scale",
            "Occupant density: every People object's number of people times the factor",
            "factor", 1.0, 0.0, _INF,
            "People: Number of People / People per Floor Area (times), Floor Area per Person "
            "(divided)",
            scale_occupancy,
            exclusive_minimum=True,
        ),
        Driver(
            "infiltration_scale",
            "Infiltration: every ZoneInfiltration object's rate times the factor",
            "factor", 1.0, 0.0, _INF,
            "ZoneInfiltration:DesignFlowRate (the field of its method), "
            ":EffectiveLeakageArea (leakage area), :FlowCoefficient (flow coefficient)",
            scale_infiltration,
        ),
        Driver(
            "cooling_setpoint_offset_k",
            "Cooling set-point shift of every thermostat (a shifted copy of its schedule)",
            "K", 0.0, -SETPOINT_OFFSET_LIMIT_K, SETPOINT_OFFSET_LIMIT_K,
            "ThermostatSetpoint:DualSetpoint Cooling / :SingleCooling schedule -> shifted copy "
            "(Schedule:Compact / Constant / Year with its Week and Day schedules)",
            offset_cooling_setpoints,
        ),
        Driver(
            "heating_setpoint_offset_k",
            "Heating set-point shift of every thermostat (a shifted copy of its schedule)",
            "K", 0.0, -SETPOINT_OFFSET_LIMIT_K, SETPOINT_OFFSET_LIMIT_K,
            "ThermostatSetpoint:DualSetpoint Heating / :SingleHeating schedule -> shifted copy "
            "(Schedule:Compact / Constant / Year with its Week and Day schedules)",
            offset_heating_setpoints,
        ),
        Driver(
            "chiller_cop_scale",
            "Chiller efficiency: every electric chiller's Reference COP times the factor",
            "factor", 1.0, 0.0, _INF,
            "Chiller:Electric:EIR, Chiller:Electric:ReformulatedEIR: Reference COP",
            scale_chiller_cop,
            exclusive_minimum=True,
        ),
        Driver(
            "boiler_efficiency_scale",
            "Boiler efficiency: every hot-water boiler's nominal efficiency times the factor "
            f"(at most {MAX_COMBUSTION_EFFICIENCY:g})",
            "factor", 1.0, 0.0, _INF,
            "Boiler:HotWater: Nominal Thermal Efficiency",
            scale_boiler_efficiency,
            exclusive_minimum=True,
        ),
        Driver(
            "furnace_efficiency_scale",
            "Fuel-fired heating coil efficiency (furnaces, gas coils in air loops) times the "
            f"factor (at most {MAX_COMBUSTION_EFFICIENCY:g})",
            "factor", 1.0, 0.0, _INF,
            "Coil:Heating:Fuel: Burner Efficiency",
            scale_furnace_efficiency,
            exclusive_minimum=True,
        ),
        Driver(
            "dx_cop_scale",
            "DX cooling efficiency: every DX cooling coil's gross rated COP times the factor",
            "factor", 1.0, 0.0, _INF,
            "Coil:Cooling:DX:SingleSpeed Gross Rated Cooling COP; :TwoSpeed High and Low Speed "
            "Gross Rated Cooling COP; :MultiSpeed every speed; :CurveFit:Speed Gross Cooling COP",
            scale_dx_cooling_cop,
            exclusive_minimum=True,
        ),
        Driver(
            "heating_dx_cop_scale",
            "DX heating efficiency: every DX heating coil's gross rated COP times the factor",
            "factor", 1.0, 0.0, _INF,
            "Coil:Heating:DX:SingleSpeed Gross Rated Heating COP; :MultiSpeed every speed",
            scale_dx_heating_cop,
            exclusive_minimum=True,
        ),
    )
}  # fmt: skip

#: Nominal discount rate of :data:`ECONOMIC_DRIVERS` ``discount_rate`` [-]: the study default,
#: ``retrofit.study.DEFAULT_DISCOUNT_RATE`` (an ASSUMPTION there; a test keeps the two equal).
NOMINAL_DISCOUNT_RATE = 0.06

#: Economic drivers: they move the accounting of stored results, not the model (no ``apply``).
ECONOMIC_DRIVERS: dict[str, Driver] = {
    d.name: d
    for d in (
        Driver(
            "electricity_price_scale",
            "Electricity prices: every hour's price of the tariff times the factor",
            "factor", 1.0, 0.0, _INF,
            "Tariff.price_by_month_hour_rmb_per_kwh and base_price_rmb_per_kwh",
        ),
        Driver(
            "gas_price_scale",
            "Natural gas price times the factor",
            "factor", 1.0, 0.0, _INF,
            "Tariff.natural_gas_price_rmb_per_m3",
        ),
        Driver(
            "discount_rate",
            "Real discount rate (replaces the study's economics.discount_rate)",
            "-", NOMINAL_DISCOUNT_RATE, 0.0, 1.0,
            "economics.discount_rate",
            exclusive_maximum=True,
        ),
        Driver(
            "emission_factor_scale",
            "Grid electricity CO2 factor times the factor",
            "factor", 1.0, 0.0, _INF,
            "EmissionFactors.electricity_kgco2_per_kwh",
        ),
        Driver(
            "capex_scale",
            "Capital cost of every measure (its unit costs) times the factor",
            "factor", 1.0, 0.0, _INF,
            "each measure's capex_rmb",
        ),
    )
}  # fmt: skip


# --------------------------------------------------------------------------------------------
# Pure functions
# --------------------------------------------------------------------------------------------


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def input_problems(fields: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every problem of one uncertain input's fields, as ``(key, message)`` pairs.

    Checks: ``name`` a non-empty string; ``driver`` known; ``distribution`` one of
    :data:`DISTRIBUTIONS` with exactly its parameters (:data:`DISTRIBUTION_PARAMETERS`), each a
    finite number; ``low < high``, ``low <= mode <= high``, ``sd > 0``; the range within the
    driver's physical range (for normal and lognormal inputs: the mean, or ``exp(mean)``, inside
    it, and a strict lower bound not reached by :data:`NORMAL_SUPPORT_SD` sd).
    """
    problems: list[tuple[str, str]] = []
    name, driver, dist = fields.get("name"), fields.get("driver"), fields.get("distribution")
    if not isinstance(name, str) or not name.strip():
        problems.append(("name", "missing (a non-empty string)"))
    spec = None
    if not isinstance(driver, str) or not driver:
        problems.append(("driver", f"missing (one of {', '.join(_known_drivers())})"))
    else:
        spec = DRIVERS.get(driver) or ECONOMIC_DRIVERS.get(driver)
        if spec is None:
            problems.append(
                ("driver", f"unknown driver {driver!r} (known: {', '.join(_known_drivers())})")
            )
    if not isinstance(fields.get("source", ""), str):
        problems.append(("source", "must be a string"))
    if dist not in DISTRIBUTIONS:
        problems.append(
            ("distribution", f"unknown distribution {dist!r} (one of {', '.join(DISTRIBUTIONS)})")
        )
        return problems
    wanted = DISTRIBUTION_PARAMETERS[dist]
    bad = False
    for key in NUMERIC_FIELDS:
        value = fields.get(key)
        if key in wanted and value is None:
            problems.append((key, f"missing (a {dist} distribution needs {', '.join(wanted)})"))
            bad = True
        elif key not in wanted and value is not None:
            problems.append(
                (key, f"not used by a {dist} distribution (it takes {', '.join(wanted)})")
            )
        elif value is not None and not _is_number(value):
            problems.append((key, f"must be a finite number, not {value!r}"))
            bad = True
    if bad:
        return problems
    v = {key: float(fields[key]) for key in wanted}
    if dist in ("uniform", "triangular"):
        if v["low"] >= v["high"]:
            problems.append(("low", f"low {v['low']:g} >= high {v['high']:g}"))
        elif dist == "triangular" and not v["low"] <= v["mode"] <= v["high"]:
            problems.append(("mode", f"mode {v['mode']:g} outside [{v['low']:g}, {v['high']:g}]"))
        if spec is not None:
            for key in ("low", "high"):
                why = spec.range_problem(v[key])
                if why:
                    problems.append((key, why))
        return problems
    if v["sd"] <= 0:
        problems.append(("sd", f"sd {v['sd']:g} must be > 0"))
        return problems
    if spec is None:
        return problems
    centre = v["mean"] if dist == "normal" else math.exp(v["mean"])
    why = spec.range_problem(centre)
    if why:
        what = "mean" if dist == "normal" else f"exp(mean) = {centre:g}:"
        problems.append(("mean", f"{what} {why}" if dist == "lognormal" else why))
        return problems
    low, _ = truncation_bounds(
        dist, v["mean"], v["sd"], spec.minimum, spec.maximum, NORMAL_SUPPORT_SD
    )
    if spec.exclusive_minimum and low <= spec.minimum:
        problems.append(
            (
                "sd",
                f"mean - {NORMAL_SUPPORT_SD:g} sd reaches the minimum {spec.minimum:g} of "
                f"{spec.name} (excluded): narrow sd",
            )
        )
    return problems


def _known_drivers() -> list[str]:
    return [*DRIVERS, *ECONOMIC_DRIVERS]


def truncation_bounds(
    distribution: str, mean: float, sd: float, minimum: float, maximum: float, n_sd: float
) -> tuple[float, float]:
    """Finite support of a normal (``mean +- n_sd sd``) or lognormal (``exp`` of that on the
    log) distribution, clipped to ``[minimum, maximum]``."""
    low, high = mean - n_sd * sd, mean + n_sd * sd
    if distribution == "lognormal":
        low, high = math.exp(low), math.exp(high)
    return max(low, minimum), min(high, maximum)


def _frozen(distribution: str, low: float, high: float, mode, mean, sd):
    """The scipy distribution of an input (normal and lognormal truncated to [low, high]; a
    lognormal as the normal of its log)."""
    if distribution == "triangular":
        width = high - low
        return stats.triang(c=(mode - low) / width, loc=low, scale=width)
    if distribution == "normal":
        return stats.truncnorm((low - mean) / sd, (high - mean) / sd, loc=mean, scale=sd)
    log_low, log_high = math.log(low), math.log(high)
    return stats.truncnorm((log_low - mean) / sd, (log_high - mean) / sd, loc=mean, scale=sd)


def truncated_ppf(
    distribution: str,
    probability: Any,
    *,
    low: float,
    high: float,
    mode: float | None = None,
    mean: float | None = None,
    sd: float | None = None,
) -> np.ndarray:
    """Inverse CDF of a distribution truncated to ``[low, high]`` (uniform and triangular are
    already bounded there): probability 0 gives ``low``, 1 gives ``high``."""
    p = np.clip(np.asarray(probability, dtype=float), 0.0, 1.0)
    if distribution == "uniform":
        return low + p * (high - low)
    x = _frozen(distribution, low, high, mode, mean, sd).ppf(p)
    if distribution == "lognormal":
        x = np.exp(x)
    return np.clip(x, low, high)


def truncated_cdf(
    distribution: str,
    value: Any,
    *,
    low: float,
    high: float,
    mode: float | None = None,
    mean: float | None = None,
    sd: float | None = None,
) -> np.ndarray:
    """CDF of the distribution :func:`truncated_ppf` inverts."""
    x = np.clip(np.asarray(value, dtype=float), low, high)
    if distribution == "uniform":
        return (x - low) / (high - low)
    if distribution == "lognormal":
        x = np.log(x)
    return _frozen(distribution, low, high, mode, mean, sd).cdf(x)


def _speed(field: str) -> int:
    """The speed a ``Speed_<n>_...`` field belongs to (0 for other fields)."""
    match = re.match(r"Speed_(\d+)_", field)
    return int(match.group(1)) if match else 0


def _schedule_number(value: Any) -> float | None:
    """A value field of a ``Schedule:Compact`` as a number; None for the ``Through:``,
    ``For:``, ``Until:`` and ``Interpolate:`` tokens and other text."""
    if isinstance(value, str) and ":" in value:
        return None
    return model.number(value)


def _schedule_values(obj) -> list[float]:
    """The numeric values of a compact, constant or day schedule (:data:`SCHEDULE_VALUE_LAYOUT`)."""
    first, step = SCHEDULE_VALUE_LAYOUT[obj.key.upper()]
    return [v for x in obj.obj[first::step] if (v := _schedule_number(x)) is not None]
