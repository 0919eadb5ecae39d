"""Rule sets of the design standards as data: envelope limits, equipment efficiencies, lighting,
and the calculation parameters of the performance path.

A rule set is one TOML file read by :func:`load_rule_set` into the frozen records of this module:

* :class:`EnvelopeRules` -- opaque K limits by thermal inertia, the window table by single-façade
  window-to-wall ratio (K and SHGC by orientation), skylights, WWR / skylight-ratio / visible
  transmittance limits (GB 50189-2015 §3.2, Table 3.3.1-4);
* :class:`EquipmentRules` -- chiller COP / IPLV (Tables 4.2.10 / 4.2.11), boiler efficiency
  (Table 4.2.5), unitary air-conditioner EER (Table 4.2.14), with capacity-band look-ups;
* :class:`HvacCalculation` -- App. B.0.6: how heating and cooling loads become energy;
* :class:`CalculationParameters` -- densities and hourly schedules of the performance path, by
  building type (:data:`BUILDING_TYPES`);
* :class:`LightingLimit` -- LPD limits matched to zone names by keyword;
* :class:`Target` and :class:`CarbonRules` -- the saving-rate and carbon thresholds of the verdicts.

The bundled rule sets live in ``retrofit/data/standards/<name>.toml`` (:func:`rule_set_names`);
the default, :data:`DEFAULT_RULE_SET`, is GB 50189-2015 for the hot-summer-cold-winter zone
(Shanghai), Class A public buildings. A user's file with the same schema (another zone, Shanghai
DGJ08-107-2015, GB 55015-2021, ...) is loaded by passing its path. Files are checked strictly:
every problem (unknown or missing key, wrong type or unit, value out of range, bands that are not
contiguous and increasing, schedule days without 24 values) is reported at once in one
:class:`~retrofit.errors.InputError` naming the file and the dotted key.

Every number is a :class:`Sourced` value: the number, its unit, the source key of
``shared/docs/standards.md`` (or ``"ASSUMPTION"``), the standard and clause, and a ``verified``
flag (False for recollections and assumptions). Results that rest on an unverified value say so
(:meth:`RuleSet.unverified`). Band edges (WWR, capacity) are the row labels of the tables whose
values carry the source.

Examples
--------
>>> from retrofit.compliance.rules import load_rule_set
>>> rules = load_rule_set()
>>> rules.envelope.window_band(0.38).k.value
2.6
>>> limit = rules.equipment.chiller("water", 1000.0)
>>> limit.compressor, limit.cop.value, limit.iplv.value
('screw', 5.2, 5.9)
>>> rules.orientation(185.0)
'south'
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from retrofit.compliance.checks import decimals_written
from retrofit.errors import InputError

__all__ = [
    "BUILDING_TYPES",
    "COMPRESSORS",
    "CONDENSERS",
    "DEFAULT_RULE_SET",
    "FUELS",
    "ORIENTATIONS",
    "SCHEMA_VERSION",
    "TARGET_BASES",
    "BoilerLimit",
    "CalculationParameters",
    "CarbonRules",
    "ChillerLimit",
    "Citation",
    "EnvelopeRules",
    "EquipmentRules",
    "HvacCalculation",
    "LightingLimit",
    "OpaqueLimit",
    "RuleSet",
    "Schedule",
    "Sourced",
    "Target",
    "UnitaryLimit",
    "WindowBand",
    "load_rule_set",
    "rule_set_names",
]

#: The rule set used when none is named.
DEFAULT_RULE_SET = "gb50189-2015-hscw"

#: Standards a study may name (``reference = "gb50189-2015"``) and the rule set they stand for
#: (Shanghai is in the HSCW zone; other zones are further data files).
STANDARD_ALIASES = {"gb50189-2015": DEFAULT_RULE_SET}

#: Building types with calculation parameters (GB 55015-2021 App. C / GB 50189-2015 App. B).
BUILDING_TYPES = ("office", "hotel", "mall")

#: Façade orientations of the window table (GB 50189-2015 clause 3.2.6 bins, see
#: :attr:`RuleSet.orientation_bins_deg`).
ORIENTATIONS = ("north", "east", "south", "west")

#: Chiller condenser types of Table 4.2.10 (air includes evaporative cooling).
CONDENSERS = ("water", "air")

#: Chiller compressor types of Table 4.2.10 ("scroll" includes piston).
COMPRESSORS = ("scroll", "screw", "centrifugal")

#: Boiler fuels of Table 4.2.5.
FUELS = ("natural_gas", "oil")

#: What a saving-rate target is computed on (see :mod:`retrofit.compliance.rates`).
TARGET_BASES = ("whole_building", "comprehensive")

#: Version of the rule-set TOML schema this module reads.
SCHEMA_VERSION = 1

#: Folder of the bundled rule sets inside the package.
STANDARDS_FOLDER = ("data", "standards")

HOURS_PER_DAY = 24
FULL_CIRCLE_DEG = 360.0

# Floating-point noise allowed at a band edge (a WWR of 0.30000000000000004 is on the 0.3 edge);
# not a physical tolerance.
_EDGE_TOLERANCE = 1e-9


# ------------------------------------------------------------------------------------- records


class _Cited:
    """What :class:`Sourced`, :class:`Citation` and :class:`Schedule` share: a citation built from
    their ``standard`` and ``clause`` fields."""

    standard: str
    clause: str

    @property
    def citation(self) -> str:
        """Standard and clause, e.g. ``"GB 50189-2015 Table 3.3.1-4"`` ("" if neither)."""
        return " ".join(part for part in (self.standard, self.clause) if part)


@dataclass(frozen=True)
class Sourced(_Cited):
    """One number with its provenance.

    Attributes
    ----------
    value : float
    unit : str
        As written in the rule set (``"W/(m2.K)"``, ``"W/W"``, ``"-"`` for fractions, ...).
    source : str
        Source key of ``shared/docs/standards.md`` (``"KG"``, ``"GUDAO-PT"``, ...) or
        ``"ASSUMPTION"``.
    clause : str
        Clause or table of the standard (``"Table 3.3.1-4"``), "" if none.
    verified : bool
        False for recollections (standards.md section 9 / P2.6) and assumptions.
    note : str
    tag : str
        Confidence tag of standards.md (``"T"``, ``"S"``, ``"[C]"``, ``"[O]"``, ``"[S]"``,
        ``"recollection"``, ``"assumption"``), "" if not given.
    standard : str
        The standard the clause belongs to (``"GB 50189-2015"``); defaults to the rule set's.
    """

    value: float
    unit: str
    source: str
    clause: str = ""
    verified: bool = True
    note: str = ""
    tag: str = ""
    standard: str = ""
    #: Decimals the rule-set file writes the value with (0.70: 2); None when built in code.
    #: How the value is written, not what it is: left out of comparisons.
    decimals: int | None = field(default=None, compare=False)

    def describe(self) -> str:
        """The number with its unit, e.g. ``"0.6 W/(m2.K)"``."""
        unit = "" if self.unit in ("", "-") else f" {self.unit}"
        return f"{self.value:g}{unit}"


@dataclass(frozen=True)
class Citation(_Cited):
    """Provenance of a rule that is not one number (orientation bins, the compressor map).

    Attributes
    ----------
    source : str
        Source key of ``shared/docs/standards.md`` or ``"ASSUMPTION"``.
    verified : bool
    clause, note, tag, standard : str
        As for :class:`Sourced`.
    """

    source: str
    verified: bool = True
    clause: str = ""
    note: str = ""
    tag: str = ""
    standard: str = ""


@dataclass(frozen=True)
class OpaqueLimit:
    """Maximum heat-transfer coefficient K [W/(m2 K)] of one opaque component.

    ``light`` applies to thermal inertia D <= ``inertia_threshold`` (2.5 in GB 50189-2015
    Table 3.3.1-4), ``heavy`` above it (None: same as ``light``). ``inertia_threshold_provenance``
    carries the threshold's source when the rule set gives one.
    """

    component: str  # "roof" | "wall" | "floor_exposed"
    light: Sourced
    heavy: Sourced | None = None
    inertia_threshold: float = 2.5
    inertia_threshold_provenance: Sourced | None = None

    def limit(self, thermal_inertia: float | None) -> Sourced:
        """The limit for a construction of thermal inertia ``thermal_inertia`` (None: light)."""
        if self.heavy is not None and thermal_inertia is not None:
            if thermal_inertia > self.inertia_threshold:
                return self.heavy
        return self.light


@dataclass(frozen=True)
class WindowBand:
    """One row of the window table: single-façade WWR in (wwr_low, wwr_high].

    ``shgc`` maps orientation -> limit; an orientation missing (or the band's map empty) has no
    SHGC requirement.
    """

    wwr_low: float
    wwr_high: float
    k: Sourced
    shgc: dict[str, Sourced] = field(default_factory=dict)


@dataclass(frozen=True)
class EnvelopeRules:
    """Envelope limits (GB 50189-2015 §3.2 and Table 3.3.1-4 for the bundled rule set).

    Attributes
    ----------
    roof, wall, floor_exposed : OpaqueLimit
        K limits [W/(m2 K)]; ``floor_exposed`` is the floor over outdoor air.
    window_bands : tuple of WindowBand
        Contiguous and increasing from WWR 0 to 1.
    skylight_k : Sourced
        [W/(m2 K)].
    skylight_shgc, max_wwr, max_skylight_ratio, vt_min_below_040, vt_min_from_040 : Sourced
        Fractions: single-façade WWR limit (clause 3.2.2), skylight area / roof area (3.2.7),
        visible transmittance below / from WWR 0.40 (3.2.4).
    """

    roof: OpaqueLimit
    wall: OpaqueLimit
    floor_exposed: OpaqueLimit
    window_bands: tuple[WindowBand, ...]
    skylight_k: Sourced
    skylight_shgc: Sourced
    max_wwr: Sourced  # single façade (clause 3.2.2)
    max_skylight_ratio: Sourced  # of roof area (clause 3.2.7)
    vt_min_below_040: Sourced  # clause 3.2.4
    vt_min_from_040: Sourced

    def window_band(self, wwr: float) -> WindowBand:
        """The band containing ``wwr`` (0 falls in the first band, above the last in the last).

        Parameters
        ----------
        wwr : float
            Single-façade window-to-wall ratio [-], >= 0.

        Returns
        -------
        WindowBand
            The band with ``wwr_low < wwr <= wwr_high``.

        Raises
        ------
        InputError
            If ``wwr`` is negative or not a finite number.
        """
        ratio = _finite(wwr, "window-to-wall ratio")
        if ratio < 0:
            raise InputError(f"window-to-wall ratio must be >= 0 (got {wwr!r})")
        for band in self.window_bands:
            if ratio <= band.wwr_high + _EDGE_TOLERANCE:
                return band
        return self.window_bands[-1]


@dataclass(frozen=True)
class ChillerLimit:
    """Minimum COP and IPLV of one chiller class (GB 50189-2015 Tables 4.2.10 / 4.2.11)."""

    condenser: str  # "water" | "air"
    compressor: str  # "scroll" (incl. piston) | "screw" | "centrifugal"
    capacity_min_kw: float  # exclusive lower bound (0 for the first band)
    capacity_max_kw: float  # inclusive upper bound (inf for the last band)
    cop: Sourced
    iplv: Sourced


@dataclass(frozen=True)
class BoilerLimit:
    """Minimum boiler efficiency of one fuel and capacity band (Table 4.2.5).

    Capacities [kW] bound the band as (capacity_min_kw, capacity_max_kw].
    """

    fuel: str  # "natural_gas" | "oil"
    capacity_min_kw: float
    capacity_max_kw: float
    efficiency: Sourced  # fraction (0.88 not 88)


@dataclass(frozen=True)
class UnitaryLimit:
    """Minimum EER of a unitary / rooftop air conditioner > 7.1 kW (Table 4.2.14).

    Capacities [kW] bound the band as (capacity_min_kw, capacity_max_kw]. The bundled rule set
    starts the first band at 0 kW (GB's table starts at 7.1 kW; the value's note says so).
    """

    condenser: str  # "air" | "water"
    ducted: bool
    capacity_min_kw: float
    capacity_max_kw: float
    eer: Sourced


@dataclass(frozen=True)
class EquipmentRules:
    """Equipment efficiency limits with capacity-band look-ups.

    Attributes
    ----------
    chillers : tuple of ChillerLimit
    variable_speed_centrifugal_cop_factor, variable_speed_screw_cop_factor : Sourced
        A variable-speed chiller's COP limit is the table value times this factor.
    variable_speed_centrifugal_iplv_factor, variable_speed_screw_iplv_factor : Sourced
        Same for IPLV.
    boilers : tuple of BoilerLimit
    unitary : tuple of UnitaryLimit
    compressor_by_capacity : tuple of (condenser, capacity_max_kw, compressor)
        Which compressor a chiller of a given capacity is taken to have when the model does not
        say (EnergyPlus does not know): the first row of the condenser whose capacity_max_kw is
        >= the capacity. An assumption, configurable.
    compressor_by_capacity_citation : Citation or None
        Provenance of that map.
    """

    chillers: tuple[ChillerLimit, ...]
    variable_speed_centrifugal_cop_factor: Sourced  # 0.93
    variable_speed_screw_cop_factor: Sourced  # 0.95
    variable_speed_centrifugal_iplv_factor: Sourced  # 1.30
    variable_speed_screw_iplv_factor: Sourced  # 1.15
    boilers: tuple[BoilerLimit, ...]
    unitary: tuple[UnitaryLimit, ...]
    #: Which compressor a chiller of a given capacity is taken to have when the model does not
    #: say (EnergyPlus does not know): list of (condenser, capacity_max_kw, compressor), an
    #: assumption, configurable.
    compressor_by_capacity: tuple[tuple[str, float, str], ...]
    compressor_by_capacity_citation: Citation | None = None

    def compressor_for(self, condenser: str, capacity_kw: float) -> str:
        """The compressor assumed for a chiller (:attr:`compressor_by_capacity`).

        Raises
        ------
        InputError
            If no row of the map covers the condenser and capacity.
        """
        capacity = _capacity(capacity_kw, "chiller")
        for row_condenser, capacity_max_kw, compressor in self.compressor_by_capacity:
            if row_condenser == condenser and capacity <= capacity_max_kw + _EDGE_TOLERANCE:
                return compressor
        known = sorted({row[0] for row in self.compressor_by_capacity})
        raise InputError(
            f"no compressor assumed for a {condenser}-cooled chiller of {capacity:g} kW; "
            f"compressor_by_capacity covers condensers: {', '.join(known) or 'none'}"
        )

    def chiller(
        self, condenser: str, capacity_kw: float, compressor: str | None = None
    ) -> ChillerLimit:
        """The :class:`ChillerLimit` for a chiller (compressor from the capacity if None).

        Parameters
        ----------
        condenser : str
            ``"water"`` or ``"air"``.
        capacity_kw : float
            Rated cooling capacity [kW], > 0.
        compressor : str, optional
            ``"scroll"``, ``"screw"`` or ``"centrifugal"``; None: :meth:`compressor_for`.

        Raises
        ------
        InputError
            If no band of the rule set holds the chiller (the message names what was asked).
        """
        capacity = _capacity(capacity_kw, "chiller")
        if compressor is None:
            compressor = self.compressor_for(condenser, capacity)
        candidates = [
            c for c in self.chillers if c.condenser == condenser and c.compressor == compressor
        ]
        found = _in_band(candidates, capacity)
        if found is None:
            classes = sorted({f"{c.condenser}/{c.compressor}" for c in self.chillers})
            raise InputError(
                f"no chiller limit for a {condenser}-cooled {compressor} chiller of "
                f"{capacity:g} kW; the rule set has {_bands_text(candidates) or 'no such class'}"
                f" (classes: {', '.join(classes)})"
            )
        return found

    def boiler(self, capacity_kw: float, fuel: str = "natural_gas") -> BoilerLimit:
        """The :class:`BoilerLimit` for a boiler of rated output ``capacity_kw`` [kW].

        Raises
        ------
        InputError
            If no band holds the boiler.
        """
        capacity = _capacity(capacity_kw, "boiler")
        candidates = [b for b in self.boilers if b.fuel == fuel]
        found = _in_band(candidates, capacity)
        if found is None:
            fuels = sorted({b.fuel for b in self.boilers})
            raise InputError(
                f"no boiler limit for a {fuel} boiler of {capacity:g} kW; the rule set has "
                f"{_bands_text(candidates) or 'no such fuel'} (fuels: {', '.join(fuels)})"
            )
        return found

    def unitary_eer(self, condenser: str, ducted: bool, capacity_kw: float) -> UnitaryLimit:
        """The :class:`UnitaryLimit` for a unitary air conditioner of ``capacity_kw`` [kW].

        Raises
        ------
        InputError
            If no band holds the unit.
        """
        capacity = _capacity(capacity_kw, "unitary air conditioner")
        candidates = [u for u in self.unitary if u.condenser == condenser and u.ducted == ducted]
        found = _in_band(candidates, capacity)
        if found is None:
            kind = "ducted" if ducted else "not ducted"
            raise InputError(
                f"no unitary EER limit for a {condenser}-cooled, {kind} unit of {capacity:g} kW; "
                f"the rule set has {_bands_text(candidates) or 'no such class'}"
            )
        return found


@dataclass(frozen=True)
class Schedule(_Cited):
    """An hourly day profile: 24 values, hour 0 = 00:00-01:00, for weekdays and for the other
    days (weekends and holidays). Set-point schedules hold degC; the others fractions."""

    weekday: tuple[float, ...]
    weekend: tuple[float, ...]
    source: str
    verified: bool = True
    note: str = ""
    unit: str = ""
    clause: str = ""
    tag: str = ""
    standard: str = ""


@dataclass(frozen=True)
class CalculationParameters:
    """The performance path's fixed inputs for one building type (GB 55015-2021 App. C /
    GB 50189-2015 App. B): the same for design and reference.

    ``outdoor_air`` (optional) is the fraction of the design outdoor-air flow supplied each hour.
    """

    building_type: str
    occupancy_person_per_m2: Sourced
    equipment_w_per_m2: Sourced
    lighting_w_per_m2: Sourced  # App. C modelling value (informative; design keeps its own)
    reference_lighting_w_per_m2: Sourced  # App. B Table B.0.4-3: the reference building's LPD
    outdoor_air_m3_per_s_person: Sourced
    occupancy: Schedule
    lighting: Schedule
    equipment: Schedule
    cooling_setpoint_c: Schedule
    heating_setpoint_c: Schedule
    hvac_operation: Schedule  # 1 = HVAC on (App. B Table B.0.4-1), 0 = off
    outdoor_air: Schedule | None = None


@dataclass(frozen=True)
class LightingLimit:
    """GB 50034-2013 LPD limit for a space type (current value)."""

    space_type: str
    keywords: tuple[str, ...]  # matched against zone / space / lights names, case-insensitive
    lpd_w_per_m2: Sourced

    def matches(self, name: str) -> bool:
        """True if one of the keywords occurs in ``name`` (case-insensitive)."""
        lowered = name.lower()
        return any(keyword.lower() in lowered for keyword in self.keywords)


@dataclass(frozen=True)
class HvacCalculation:
    """GB 50189-2015 App. B.0.6: how heating and cooling loads become energy."""

    cooling_scop: Sourced  # SCOP_T 2.50
    heating_efficiency: Sourced  # gas boiler 0.75 (HSCW)
    gas_kwh_per_m3: Sourced  # 9.87
    gas_kgce_per_m3: Sourced  # 1.21
    electricity_kgce_per_kwh: Sourced  # 0.360 (power-plant coal use)


@dataclass(frozen=True)
class Target:
    """A saving-rate threshold checked by the verdicts."""

    key: str  # "gb55015-20", "huangpu-50", "nzeb-60"
    rate: Sourced  # fraction
    basis: str  # "whole_building" | "comprehensive"
    label: str
    renewable_share_min: Sourced | None = None  # nearly-zero: >= 10 % (unverified)


@dataclass(frozen=True)
class CarbonRules:
    """GB 55015-2021 carbon-intensity reduction against the 2016 standards."""

    reduction_min_kgco2_per_m2: Sourced  # GB 55015: >= 7
    reduction_min_fraction: Sourced  # 40 % on average


@dataclass(frozen=True)
class RuleSet:
    """One standard's rules for one climate zone and building class.

    Treat the dicts as read-only: bundled rule sets are cached and shared.

    Attributes
    ----------
    name, title, climate_zone, building_class : str
    orientation_bins_deg : dict of str to (float, float)
        Orientation -> [from, to) azimuth of the outward normal [deg clockwise from north]; a
        bin may wrap through 360 (north = (300, 60)).
    envelope, equipment, hvac_calculation, parameters, lighting_limits, targets, carbon
        See the record classes.
    standard : str
        Default standard of the values' citations (``"GB 50189-2015"``).
    orientation_bins_citation : Citation or None
    path : str
        The file the rule set was read from.
    """

    name: str
    title: str
    climate_zone: str
    building_class: str
    orientation_bins_deg: dict[str, tuple[float, float]]  # orientation -> [from, to) azimuth
    envelope: EnvelopeRules
    equipment: EquipmentRules
    hvac_calculation: HvacCalculation
    parameters: dict[str, CalculationParameters]  # by building type
    lighting_limits: tuple[LightingLimit, ...]
    targets: tuple[Target, ...]
    carbon: CarbonRules
    standard: str = ""
    orientation_bins_citation: Citation | None = None
    path: str = ""

    def orientation(self, azimuth_deg: float) -> str:
        """GB orientation bin of an outward normal's azimuth (degrees clockwise from north).

        Parameters
        ----------
        azimuth_deg : float
            Any finite angle [deg]; taken modulo 360.

        Returns
        -------
        str
            One of :data:`ORIENTATIONS` (the bins are [from, to): 60 is east, 300 north).
        """
        azimuth = _finite(azimuth_deg, "azimuth") % FULL_CIRCLE_DEG
        for orientation, (start, end) in self.orientation_bins_deg.items():
            if _in_sector(azimuth, start, end):
                return orientation
        raise InputError(f"azimuth {azimuth_deg!r} deg is in no orientation bin of {self.name}")

    def lighting_limit(self, name: str) -> LightingLimit | None:
        """The first :class:`LightingLimit` whose keywords occur in ``name`` (None if none)."""
        for limit in self.lighting_limits:
            if limit.matches(name):
                return limit
        return None

    def unverified(self) -> list[str]:
        """One line per unverified value used by this rule set ("path: value unit (source)").

        Walks every :class:`Sourced`, :class:`Schedule` and :class:`Citation` of the rule set, in
        field order, e.g. ``"lighting_limits[ordinary office].lpd_w_per_m2: 9 W/m2
        (ASSUMPTION)"``.
        """
        lines = []
        for path, item in _walk(self, ""):
            if item.verified:
                continue
            if isinstance(item, Sourced):
                text = item.describe()
            elif isinstance(item, Schedule):
                text = f"hourly schedule [{item.unit or '-'}]"
            else:
                text = self._citation_text(path)
            lines.append(f"{path.removesuffix('_citation')}: {text} ({item.source})")
        return lines

    def _citation_text(self, path: str) -> str:
        if path.startswith("equipment."):
            rows = self.equipment.compressor_by_capacity
            return "; ".join(
                f"{c} {'above' if math.isinf(cap) else f'<= {cap:g} kW'}: {comp}"
                for c, cap, comp in rows
            )
        return ", ".join(f"{o} [{a:g}, {b:g})" for o, (a, b) in self.orientation_bins_deg.items())


# ------------------------------------------------------------------------------ record helpers


def _finite(value: Any, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be a number (got {value!r})") from None
    if not math.isfinite(number):
        raise InputError(f"{what} must be finite (got {value!r})")
    return number


def _capacity(capacity_kw: Any, what: str) -> float:
    capacity = _finite(capacity_kw, f"{what} capacity [kW]")
    if capacity <= 0:
        raise InputError(f"{what} capacity must be > 0 kW (got {capacity_kw!r})")
    return capacity


def _in_band(candidates: Sequence[Any], capacity_kw: float) -> Any:
    """The first record with capacity_min_kw < capacity <= capacity_max_kw (edge noise allowed)."""
    for record in candidates:
        if (
            record.capacity_min_kw + _EDGE_TOLERANCE
            < capacity_kw
            <= record.capacity_max_kw + _EDGE_TOLERANCE
        ):
            return record
    return None


def _bands_text(candidates: Sequence[Any]) -> str:
    return ", ".join(f"({c.capacity_min_kw:g}, {c.capacity_max_kw:g}] kW" for c in candidates)


def _in_sector(azimuth: float, start: float, end: float) -> bool:
    if start < end:
        return start <= azimuth < end
    return azimuth >= start or azimuth < end  # wraps through north


def _join(path: str, part: str) -> str:
    return f"{path}.{part}" if path else part


def _row_label(item: Any, index: int) -> str:
    if isinstance(item, WindowBand):
        return f"wwr {item.wwr_low:g}-{item.wwr_high:g}"
    if isinstance(item, ChillerLimit | BoilerLimit | UnitaryLimit):
        span = f"{item.capacity_min_kw:g}-{item.capacity_max_kw:g} kW"
        if isinstance(item, ChillerLimit):
            return f"{item.condenser} {item.compressor} {span}"
        if isinstance(item, BoilerLimit):
            return f"{item.fuel} {span}"
        return f"{item.condenser} {'ducted' if item.ducted else 'not ducted'} {span}"
    if isinstance(item, LightingLimit):
        return item.space_type
    if isinstance(item, Target):
        return item.key
    return str(index)


def _walk(obj: Any, path: str) -> Iterator[tuple[str, Sourced | Schedule | Citation]]:
    """Every Sourced / Schedule / Citation below ``obj`` with its dotted path."""
    if isinstance(obj, Sourced | Schedule | Citation):
        yield path, obj
    elif is_dataclass(obj):
        for f in fields(obj):
            yield from _walk(getattr(obj, f.name), _join(path, f.name))
    elif isinstance(obj, Mapping):
        for key, value in obj.items():
            yield from _walk(value, _join(path, str(key)))
    elif isinstance(obj, tuple):
        for index, item in enumerate(obj):
            yield from _walk(item, f"{path}[{_row_label(item, index)}]")


# ------------------------------------------------------------------------------------- loading


def rule_set_names() -> list[str]:
    """Names of the bundled rule sets (``retrofit/data/standards/*.toml``), sorted."""
    folder = _standards_folder()
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in folder.iterdir()
        if entry.is_file() and entry.name.endswith(".toml")
    )


def load_rule_set(name_or_path: str = DEFAULT_RULE_SET) -> RuleSet:
    """Load a bundled rule set by name, or a user's TOML file (same schema).

    Parameters
    ----------
    name_or_path : str or path-like
        A name of :func:`rule_set_names` (default :data:`DEFAULT_RULE_SET`), or the path of a
        TOML file. Bundled rule sets are read once and cached (the same object is returned).

    Returns
    -------
    RuleSet

    Raises
    ------
    InputError
        Unknown name (the message lists the bundled ones), missing or unreadable file, invalid
        TOML, or a file that fails the checks (one error listing every problem with file and
        dotted key).
    """
    text = os.fspath(name_or_path)
    text = STANDARD_ALIASES.get(text.lower(), text)
    if text in rule_set_names():
        return _load_bundled(text)
    if os.path.isfile(text):
        return _load_file(text)
    looks_like_path = text.endswith(".toml") or os.sep in text or "/" in text
    if looks_like_path:
        raise InputError(f"{text}: rule-set file not found")
    raise InputError(
        f"unknown rule set {text!r}; bundled rule sets: {', '.join(rule_set_names())} "
        "(or give the path of a TOML file with the same schema)"
    )


def _standards_folder() -> Any:
    folder = resources.files("retrofit")
    for part in STANDARDS_FOLDER:
        folder = folder / part
    return folder


class _WrittenFloat(float):
    """A TOML float that remembers how many decimals the file writes it with (``0.70`` -> 2):
    the GB/T 8170 rounded comparison of the checks needs them (:attr:`Sourced.decimals`)."""

    decimals: int

    def __new__(cls, text: str) -> _WrittenFloat:
        number = super().__new__(cls, text)
        number.decimals = decimals_written(Decimal(text.replace("_", "")))
        return number


@cache
def _load_bundled(name: str) -> RuleSet:
    resource = _standards_folder() / f"{name}.toml"
    label = str(resource)
    try:
        doc = tomllib.loads(resource.read_text(encoding="utf-8"), parse_float=_WrittenFloat)
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{label}: not valid TOML: {e}") from None
    return _parse(doc, label, expected_name=name)


def _load_file(path: str) -> RuleSet:
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f, parse_float=_WrittenFloat)
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{path}: not valid TOML: {e}") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror}") from None
    return _parse(doc, path)


# ----------------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class _Spec:
    """What a number must be: its unit and range (``low``/``high`` open or closed)."""

    unit: str
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False

    def contains(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def describe(self) -> str:
        if math.isinf(self.high):
            return f"{'>' if self.low_open else '>='} {self.low:g}"
        left = "(" if self.low_open else "["
        right = ")" if self.high_open else "]"
        return f"in {left}{self.low:g}, {self.high:g}{right}"


_POSITIVE = {"low": 0.0, "low_open": True}
_K = _Spec("W/(m2.K)", **_POSITIVE)
_RATIO = _Spec("-", 0.0, 1.0)  # SHGC, VT, WWR, area ratios, schedule fractions
_EFFICIENCY = _Spec("-", 0.0, 1.0, low_open=True)  # boiler efficiency, saving rates
_FACTOR = _Spec("-", **_POSITIVE)  # multipliers, thermal inertia
_COP = _Spec("W/W", **_POSITIVE)
_LPD = _Spec("W/m2", **_POSITIVE)
_EPD = _Spec("W/m2", 0.0)
_DENSITY = _Spec("person/m2", **_POSITIVE)
_OUTDOOR_AIR = _Spec("m3/(s.person)", **_POSITIVE)
_GAS_ENERGY = _Spec("kWh/m3", **_POSITIVE)
_GAS_COAL = _Spec("kgce/m3", **_POSITIVE)
_ELECTRICITY_COAL = _Spec("kgce/kWh", **_POSITIVE)
_CARBON = _Spec("kgCO2/(m2.a)", **_POSITIVE)
# Plausibility bounds of a set-point schedule [degC] (not from a standard: sources write "off"
# as +-50 degC, so the bounds let those through and catch K-for-degC mistakes).
_SETPOINT = _Spec("degC", -50.0, 60.0)

_PROVENANCE_REQUIRED = ("source", "verified")
_PROVENANCE_OPTIONAL = ("tag", "standard", "clause", "note")
_SOURCED_REQUIRED = ("value", "unit", *_PROVENANCE_REQUIRED)

_TOP_REQUIRED = (
    "schema_version",
    "name",
    "title",
    "standard",
    "climate_zone",
    "building_class",
    "orientation_bins",
    "envelope",
    "equipment",
    "hvac_calculation",
    "parameters",
    "lighting_limits",
    "targets",
    "carbon",
)
_ENVELOPE_SOURCED = {
    "skylight_k": _K,
    "skylight_shgc": _RATIO,
    "max_wwr": _RATIO,
    "max_skylight_ratio": _RATIO,
    "vt_min_below_040": _RATIO,
    "vt_min_from_040": _RATIO,
}
_OPAQUE = ("roof", "wall", "floor_exposed")
_VARIABLE_SPEED = (
    "variable_speed_centrifugal_cop_factor",
    "variable_speed_screw_cop_factor",
    "variable_speed_centrifugal_iplv_factor",
    "variable_speed_screw_iplv_factor",
)
_HVAC_CALCULATION = {
    "cooling_scop": _Spec("W/W", **_POSITIVE),
    "heating_efficiency": _EFFICIENCY,
    "gas_kwh_per_m3": _GAS_ENERGY,
    "gas_kgce_per_m3": _GAS_COAL,
    "electricity_kgce_per_kwh": _ELECTRICITY_COAL,
}
_PARAMETER_VALUES = {
    "occupancy_person_per_m2": _DENSITY,
    "equipment_w_per_m2": _EPD,
    "lighting_w_per_m2": _LPD,
    "reference_lighting_w_per_m2": _LPD,
    "outdoor_air_m3_per_s_person": _OUTDOOR_AIR,
}
_PARAMETER_SCHEDULES = {
    "occupancy": _RATIO,
    "lighting": _RATIO,
    "equipment": _RATIO,
    "cooling_setpoint_c": _SETPOINT,
    "heating_setpoint_c": _SETPOINT,
    "hvac_operation": _RATIO,
}
_OPTIONAL_SCHEDULES = {"outdoor_air": _RATIO}
_CARBON_VALUES = {"reduction_min_kgco2_per_m2": _CARBON, "reduction_min_fraction": _EFFICIENCY}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _type_name(value: Any) -> str:
    return {dict: "table", list: "array", str: "string", bool: "boolean"}.get(
        type(value), type(value).__name__
    )


class _Parser:
    """Checks a rule-set document and builds the records, collecting every problem."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.problems: list[str] = []
        self.standard = ""

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{key}: {message}")

    # ---------------------------------------------------------------------------- primitives

    def table(
        self,
        node: Any,
        key: str,
        required: Sequence[str] = (),
        optional: Sequence[str] = (),
        *,
        open_keys: bool = False,
    ) -> dict[str, Any] | None:
        """``node`` as a dict after checking its keys (None if it is not a table)."""
        if not isinstance(node, Mapping):
            self.problem(key, f"must be a table (got {_type_name(node)})")
            return None
        if not open_keys:
            unknown = sorted(set(node) - set(required) - set(optional))
            if unknown:
                allowed = ", ".join((*required, *optional))
                self.problem(key, f"unknown key(s) {', '.join(unknown)}; allowed: {allowed}")
        missing = [name for name in required if name not in node]
        if missing:
            self.problem(key, f"missing key(s) {', '.join(missing)}")
        return dict(node)

    def array(self, node: Any, key: str, *, nonempty: bool = True) -> list[Any] | None:
        if not isinstance(node, list):
            self.problem(key, f"must be an array (got {_type_name(node)})")
            return None
        if nonempty and not node:
            self.problem(key, "must not be empty")
            return None
        return node

    def string(self, node: Mapping, name: str, key: str, choices: Sequence[str] = ()) -> str:
        value = node.get(name)
        if name not in node:
            return ""  # reported by table()
        if not isinstance(value, str) or not value:
            self.problem(_join(key, name), f"must be a non-empty string (got {value!r})")
            return ""
        if choices and value not in choices:
            self.problem(_join(key, name), f"must be one of {', '.join(choices)} (got {value!r})")
            return ""
        return value

    def boolean(self, node: Mapping, name: str, key: str) -> bool | None:
        if name not in node:
            return None
        value = node[name]
        if not isinstance(value, bool):
            self.problem(_join(key, name), f"must be true or false (got {value!r})")
            return None
        return value

    def number(self, node: Mapping, name: str, key: str, spec: _Spec) -> float | None:
        """A plain number (band edge, azimuth): finite unless the spec's range allows inf."""
        if name not in node:
            return None
        value = node[name]
        if not _is_number(value) or math.isnan(value):
            self.problem(_join(key, name), f"must be a number (got {value!r})")
            return None
        if not spec.contains(float(value)):
            self.problem(_join(key, name), f"must be {spec.describe()} (got {value!r})")
            return None
        return float(value)

    def provenance(self, node: Mapping, key: str) -> dict[str, Any] | None:
        """The provenance fields of an entry (source, verified, tag, standard, clause, note)."""
        before = len(self.problems)
        source = self.string(node, "source", key)
        verified = self.boolean(node, "verified", key)
        extra = {}
        for name in _PROVENANCE_OPTIONAL:
            if name in node and not isinstance(node[name], str):
                self.problem(_join(key, name), f"must be a string (got {node[name]!r})")
            extra[name] = node.get(name, "") if isinstance(node.get(name, ""), str) else ""
        if len(self.problems) > before or not source or verified is None:
            return None
        extra["standard"] = extra["standard"] or self.standard
        return {"source": source, "verified": verified, **extra}

    def sourced(self, node: Any, key: str, spec: _Spec) -> Sourced | None:
        """One ``{value, unit, source, verified[, tag, standard, clause, note]}`` entry."""
        before = len(self.problems)
        entry = self.table(node, key, _SOURCED_REQUIRED, _PROVENANCE_OPTIONAL)
        if entry is None:
            return None
        value = entry.get("value")
        if "value" in entry and (not _is_number(value) or not math.isfinite(value)):
            self.problem(_join(key, "value"), f"must be a finite number (got {value!r})")
        unit = entry.get("unit")
        if "unit" in entry and unit != spec.unit:
            self.problem(_join(key, "unit"), f"must be {spec.unit!r} (got {unit!r})")
        prov = self.provenance(entry, key)
        if len(self.problems) > before or prov is None:
            return None
        if not spec.contains(float(value)):
            self.problem(_join(key, "value"), f"must be {spec.describe()} (got {value!r})")
            return None
        decimals = getattr(value, "decimals", None)
        return Sourced(value=float(value), unit=unit, decimals=decimals, **prov)

    def citation(self, node: Mapping, key: str) -> Citation | None:
        prov = self.provenance(node, key)
        return None if prov is None else Citation(**prov)

    def schedule(self, node: Any, key: str, spec: _Spec) -> Schedule | None:
        """A ``{weekday, weekend, unit, source, verified[, ...]}`` schedule of 24 values a day."""
        before = len(self.problems)
        entry = self.table(
            node,
            key,
            ("weekday", "weekend", "unit", *_PROVENANCE_REQUIRED),
            _PROVENANCE_OPTIONAL,
        )
        if entry is None:
            return None
        unit = entry.get("unit")
        if "unit" in entry and unit != spec.unit:
            self.problem(_join(key, "unit"), f"must be {spec.unit!r} (got {unit!r})")
        days = {}
        for day in ("weekday", "weekend"):
            if day in entry:
                days[day] = self.day(entry[day], _join(key, day), spec)
        prov = self.provenance(entry, key)
        if len(self.problems) > before or prov is None:
            return None
        return Schedule(weekday=days["weekday"], weekend=days["weekend"], unit=unit, **prov)

    def day(self, values: Any, key: str, spec: _Spec) -> tuple[float, ...] | None:
        if not isinstance(values, list) or not all(
            _is_number(v) and math.isfinite(v) for v in values
        ):
            self.problem(key, f"must be an array of {HOURS_PER_DAY} finite numbers")
            return None
        if len(values) != HOURS_PER_DAY:
            self.problem(key, f"must have {HOURS_PER_DAY} hourly values (got {len(values)})")
            return None
        bad = [f"hour {h}: {v!r}" for h, v in enumerate(values) if not spec.contains(float(v))]
        if bad:
            self.problem(key, f"values must be {spec.describe()} {spec.unit} ({'; '.join(bad)})")
            return None
        return tuple(float(v) for v in values)

    # ------------------------------------------------------------------------------ sections

    def rule_set(self, doc: Mapping, expected_name: str | None) -> RuleSet | None:
        top = self.table(doc, "(top level)", _TOP_REQUIRED)
        if top is None:
            return None
        if "schema_version" in top and top["schema_version"] != SCHEMA_VERSION:
            self.problem(
                "schema_version", f"must be {SCHEMA_VERSION} (got {top['schema_version']!r})"
            )
        texts = {
            name: self.string(top, name, "")
            for name in ("name", "title", "standard", "climate_zone", "building_class")
        }
        if expected_name and texts["name"] and texts["name"] != expected_name:
            self.problem(
                "name", f"must be {expected_name!r}, the file's name (got {texts['name']!r})"
            )
        self.standard = texts["standard"]
        bins = self.orientation_bins(top.get("orientation_bins"))
        parts = {
            "envelope": self.envelope(top.get("envelope")),
            "equipment": self.equipment(top.get("equipment")),
            "hvac_calculation": self.hvac_calculation(top.get("hvac_calculation")),
            "parameters": self.parameters(top.get("parameters")),
            "lighting_limits": self.lighting_limits(top.get("lighting_limits")),
            "targets": self.targets(top.get("targets")),
            "carbon": self.carbon(top.get("carbon")),
        }
        if self.problems or bins is None or any(v is None for v in parts.values()):
            return None
        orientation_bins_deg, citation = bins
        return RuleSet(
            **texts,
            orientation_bins_deg=orientation_bins_deg,
            orientation_bins_citation=citation,
            path=self.label,
            **parts,
        )

    def orientation_bins(self, node: Any) -> tuple[dict, Citation] | None:
        key = "orientation_bins"
        if node is None:
            return None
        entry = self.table(node, key, ("bins_deg", *_PROVENANCE_REQUIRED), _PROVENANCE_OPTIONAL)
        if entry is None:
            return None
        citation = self.citation(entry, key)
        bins_key = _join(key, "bins_deg")
        if "bins_deg" not in entry:
            return None
        table = self.table(entry["bins_deg"], bins_key, ORIENTATIONS)
        if table is None or citation is None:
            return None
        azimuth = _Spec("deg", 0.0, FULL_CIRCLE_DEG, high_open=True)
        bins: dict[str, tuple[float, float]] = {}
        for orientation in ORIENTATIONS:
            pair = table.get(orientation)
            if pair is None:
                continue
            pair_key = _join(bins_key, orientation)
            ok = isinstance(pair, list) and len(pair) == len(("from", "to"))
            ok = ok and all(_is_number(v) and azimuth.contains(float(v)) for v in pair)
            if not ok or pair[0] == pair[1]:
                self.problem(pair_key, "must be [from, to] with two different angles in [0, 360)")
                continue
            bins[orientation] = (float(pair[0]), float(pair[1]))
        if len(bins) != len(ORIENTATIONS):
            return None
        span = sum((end - start) % FULL_CIRCLE_DEG for start, end in bins.values())
        starts = sorted(start for start, _ in bins.values())
        ends = sorted(end for _, end in bins.values())
        if not math.isclose(span, FULL_CIRCLE_DEG) or starts != ends:
            self.problem(bins_key, "bins must cover 0-360 deg once, each ending where one starts")
            return None
        return bins, citation

    def opaque(self, node: Any, key: str, component: str) -> OpaqueLimit | None:
        before = len(self.problems)
        entry = self.table(node, key, ("light",), ("heavy", "inertia_threshold"))
        if entry is None:
            return None
        light = (
            self.sourced(entry.get("light"), _join(key, "light"), _K) if "light" in entry else None
        )
        heavy = self.sourced(entry["heavy"], _join(key, "heavy"), _K) if "heavy" in entry else None
        threshold = None
        if "inertia_threshold" in entry:
            threshold = self.sourced(
                entry["inertia_threshold"], _join(key, "inertia_threshold"), _FACTOR
            )
        elif "heavy" in entry:
            self.problem(key, "has 'heavy' but no 'inertia_threshold'")
        if len(self.problems) > before or light is None:
            return None
        extra = {}
        if threshold is not None:
            extra = {
                "inertia_threshold": threshold.value,
                "inertia_threshold_provenance": threshold,
            }
        return OpaqueLimit(component=component, light=light, heavy=heavy, **extra)

    def envelope(self, node: Any) -> EnvelopeRules | None:
        key = "envelope"
        if node is None:
            return None
        before = len(self.problems)
        entry = self.table(node, key, (*_OPAQUE, "window_bands", *_ENVELOPE_SOURCED))
        if entry is None:
            return None
        values: dict[str, Any] = {}
        for name in _OPAQUE:
            if name in entry:
                values[name] = self.opaque(entry[name], _join(key, name), name)
        if "window_bands" in entry:
            values["window_bands"] = self.window_bands(
                entry["window_bands"], _join(key, "window_bands")
            )
        for name, spec in _ENVELOPE_SOURCED.items():
            if name in entry:
                values[name] = self.sourced(entry[name], _join(key, name), spec)
        if len(self.problems) > before:
            return None
        return EnvelopeRules(**values)

    def window_bands(self, node: Any, key: str) -> tuple[WindowBand, ...] | None:
        rows = self.array(node, key)
        if rows is None:
            return None
        before = len(self.problems)
        bands = []
        for index, row in enumerate(rows):
            row_key = f"{key}[{index}]"
            entry = self.table(row, row_key, ("wwr_low", "wwr_high", "k"), ("shgc",))
            if entry is None:
                continue
            low = self.number(entry, "wwr_low", row_key, _RATIO)
            high = self.number(entry, "wwr_high", row_key, _RATIO)
            k = self.sourced(entry["k"], _join(row_key, "k"), _K) if "k" in entry else None
            shgc: dict[str, Sourced] = {}
            shgc_key = _join(row_key, "shgc")
            table = self.table(entry.get("shgc", {}), shgc_key, (), ORIENTATIONS)
            for orientation, limit in (table or {}).items():
                if orientation in ORIENTATIONS:
                    value = self.sourced(limit, _join(shgc_key, orientation), _RATIO)
                    if value is not None:
                        shgc[orientation] = value
            if None not in (low, high, k):
                bands.append(WindowBand(wwr_low=low, wwr_high=high, k=k, shgc=shgc))
        if len(self.problems) > before:
            return None
        self.contiguous([(b.wwr_low, b.wwr_high) for b in bands], key, "wwr", start=0.0, end=1.0)
        return tuple(bands) if len(self.problems) == before else None

    def contiguous(
        self,
        edges: Sequence[tuple[float, float]],
        key: str,
        what: str,
        *,
        start: float,
        end: float | None = None,
    ) -> None:
        """Check bands (low, high] in file order: from ``start``, increasing, without gaps."""
        if not edges:
            return
        if edges[0][0] != start:
            self.problem(
                key, f"the first band must start at {what} {start:g} (got {edges[0][0]:g})"
            )
        for (low, high), nxt in zip(edges, [*edges[1:], None], strict=True):
            if high <= low:
                self.problem(
                    key, f"band ({low:g}, {high:g}]: the upper edge must be above the lower"
                )
            if nxt is not None and nxt[0] != high:
                self.problem(
                    key,
                    f"bands must be contiguous and increasing: ({low:g}, {high:g}] is followed by "
                    f"({nxt[0]:g}, {nxt[1]:g}]",
                )
        if end is not None and edges[-1][1] != end:
            self.problem(key, f"the last band must end at {what} {end:g} (got {edges[-1][1]:g})")

    def capacity_bands(
        self, node: Any, key: str, group_names: Sequence[str], value_specs: Mapping[str, _Spec]
    ) -> list[tuple[dict, dict, int]] | None:
        """Rows with capacity_min_kw / capacity_max_kw, checked per group (e.g. fuel)."""
        rows = self.array(node, key)
        if rows is None:
            return None
        before = len(self.problems)
        capacity_min = _Spec("kW", 0.0, math.inf, high_open=True)
        capacity_max = _Spec("kW", **_POSITIVE)
        parsed = []
        for index, row in enumerate(rows):
            row_key = f"{key}[{index}]"
            required = (*group_names, "capacity_min_kw", "capacity_max_kw", *value_specs)
            entry = self.table(row, row_key, required)
            if entry is None:
                continue
            values = {
                "capacity_min_kw": self.number(entry, "capacity_min_kw", row_key, capacity_min),
                "capacity_max_kw": self.number(entry, "capacity_max_kw", row_key, capacity_max),
            }
            for name, spec in value_specs.items():
                if name in entry:
                    values[name] = self.sourced(entry[name], _join(row_key, name), spec)
            parsed.append((entry, values, index))
        if len(self.problems) > before:
            return None
        groups: dict[tuple, list[tuple[float, float]]] = {}
        for entry, values, _ in parsed:
            group = tuple(str(entry[name]) for name in group_names)
            groups.setdefault(group, []).append(
                (values["capacity_min_kw"], values["capacity_max_kw"])
            )
        for group, edges in groups.items():
            label = f"{key} ({', '.join(map(str, group))})"
            self.contiguous(edges, label, "capacity [kW]", start=0.0)
        return parsed if len(self.problems) == before else None

    def equipment(self, node: Any) -> EquipmentRules | None:
        key = "equipment"
        if node is None:
            return None
        before = len(self.problems)
        names = ("chillers", *_VARIABLE_SPEED, "boilers", "unitary", "compressor_by_capacity")
        entry = self.table(node, key, names)
        if entry is None:
            return None
        chillers = self.chillers(entry.get("chillers"), _join(key, "chillers"))
        factors = {
            name: self.sourced(entry[name], _join(key, name), _FACTOR)
            for name in _VARIABLE_SPEED
            if name in entry
        }
        boilers = self.boilers(entry.get("boilers"), _join(key, "boilers"))
        unitary = self.unitary(entry.get("unitary"), _join(key, "unitary"))
        compressor_map = self.compressor_map(
            entry.get("compressor_by_capacity"), _join(key, "compressor_by_capacity"), chillers
        )
        if len(self.problems) > before or None in (chillers, boilers, unitary, compressor_map):
            return None
        rows, citation = compressor_map
        return EquipmentRules(
            chillers=chillers,
            boilers=boilers,
            unitary=unitary,
            compressor_by_capacity=rows,
            compressor_by_capacity_citation=citation,
            **factors,
        )

    def chillers(self, node: Any, key: str) -> tuple[ChillerLimit, ...] | None:
        if node is None:
            return None
        parsed = self.capacity_bands(
            node, key, ("condenser", "compressor"), {"cop": _COP, "iplv": _COP}
        )
        if parsed is None:
            return None
        out = []
        for entry, values, index in parsed:
            row_key = f"{key}[{index}]"
            condenser = self.string(entry, "condenser", row_key, CONDENSERS)
            compressor = self.string(entry, "compressor", row_key, COMPRESSORS)
            out.append(ChillerLimit(condenser=condenser, compressor=compressor, **values))
        return tuple(out)

    def boilers(self, node: Any, key: str) -> tuple[BoilerLimit, ...] | None:
        if node is None:
            return None
        parsed = self.capacity_bands(node, key, ("fuel",), {"efficiency": _EFFICIENCY})
        if parsed is None:
            return None
        out = []
        for entry, values, index in parsed:
            fuel = self.string(entry, "fuel", f"{key}[{index}]", FUELS)
            out.append(BoilerLimit(fuel=fuel, **values))
        return tuple(out)

    def unitary(self, node: Any, key: str) -> tuple[UnitaryLimit, ...] | None:
        if node is None:
            return None
        parsed = self.capacity_bands(node, key, ("condenser", "ducted"), {"eer": _COP})
        if parsed is None:
            return None
        out = []
        for entry, values, index in parsed:
            row_key = f"{key}[{index}]"
            condenser = self.string(entry, "condenser", row_key, CONDENSERS)
            ducted = self.boolean(entry, "ducted", row_key)
            out.append(UnitaryLimit(condenser=condenser, ducted=bool(ducted), **values))
        return tuple(out)

    def compressor_map(
        self, node: Any, key: str, chillers: tuple[ChillerLimit, ...] | None
    ) -> tuple[tuple[tuple[str, float, str], ...], Citation] | None:
        if node is None:
            return None
        entry = self.table(node, key, ("rows", *_PROVENANCE_REQUIRED), _PROVENANCE_OPTIONAL)
        if entry is None:
            return None
        before = len(self.problems)
        citation = self.citation(entry, key)
        rows_key = _join(key, "rows")
        rows = self.array(entry.get("rows"), rows_key) if "rows" in entry else None
        out = []
        for index, row in enumerate(rows or []):
            row_key = f"{rows_key}[{index}]"
            item = self.table(row, row_key, ("condenser", "capacity_max_kw", "compressor"))
            if item is None:
                continue
            condenser = self.string(item, "condenser", row_key, CONDENSERS)
            compressor = self.string(item, "compressor", row_key, COMPRESSORS)
            capacity = self.number(item, "capacity_max_kw", row_key, _Spec("kW", **_POSITIVE))
            if condenser and compressor and capacity is not None:
                out.append((condenser, capacity, compressor))
        if len(self.problems) > before or citation is None or rows is None:
            return None
        for condenser in sorted({row[0] for row in out}):
            capacities = [row[1] for row in out if row[0] == condenser]
            if capacities != sorted(capacities) or len(set(capacities)) != len(capacities):
                self.problem(rows_key, f"{condenser}: capacity_max_kw must increase row by row")
            if not math.isinf(capacities[-1]):
                self.problem(rows_key, f"{condenser}: the last row must have capacity_max_kw = inf")
        classes = {(c.condenser, c.compressor) for c in chillers or ()}
        for condenser, _, compressor in out:
            if chillers is not None and (condenser, compressor) not in classes:
                self.problem(rows_key, f"no chiller limits for {condenser}/{compressor}")
        return (tuple(out), citation) if len(self.problems) == before else None

    def hvac_calculation(self, node: Any) -> HvacCalculation | None:
        values = self.sourced_group(node, "hvac_calculation", _HVAC_CALCULATION)
        return None if values is None else HvacCalculation(**values)

    def carbon(self, node: Any) -> CarbonRules | None:
        values = self.sourced_group(node, "carbon", _CARBON_VALUES)
        return None if values is None else CarbonRules(**values)

    def sourced_group(self, node: Any, key: str, specs: Mapping[str, _Spec]) -> dict | None:
        if node is None:
            return None
        before = len(self.problems)
        entry = self.table(node, key, tuple(specs))
        if entry is None:
            return None
        values = {
            name: self.sourced(entry[name], _join(key, name), spec)
            for name, spec in specs.items()
            if name in entry
        }
        return values if len(self.problems) == before else None

    def parameters(self, node: Any) -> dict[str, CalculationParameters] | None:
        key = "parameters"
        if node is None:
            return None
        before = len(self.problems)
        entry = self.table(node, key, BUILDING_TYPES)
        if entry is None:
            return None
        out = {}
        required = (*_PARAMETER_VALUES, *_PARAMETER_SCHEDULES)
        for building_type in BUILDING_TYPES:
            if building_type not in entry:
                continue
            type_key = _join(key, building_type)
            item = self.table(entry[building_type], type_key, required, tuple(_OPTIONAL_SCHEDULES))
            if item is None:
                continue
            values: dict[str, Any] = {}
            for name, spec in _PARAMETER_VALUES.items():
                if name in item:
                    values[name] = self.sourced(item[name], _join(type_key, name), spec)
            for name, spec in (_PARAMETER_SCHEDULES | _OPTIONAL_SCHEDULES).items():
                if name in item:
                    values[name] = self.schedule(item[name], _join(type_key, name), spec)
            cooling, heating = values.get("cooling_setpoint_c"), values.get("heating_setpoint_c")
            if cooling is not None and heating is not None:
                self.setpoints_ordered(cooling, heating, type_key)
            if None not in values.values():
                out[building_type] = CalculationParameters(building_type=building_type, **values)
        return out if len(self.problems) == before else None

    def setpoints_ordered(self, cooling: Schedule, heating: Schedule, key: str) -> None:
        for day in ("weekday", "weekend"):
            hours = [
                h
                for h, (c, w) in enumerate(
                    zip(getattr(cooling, day), getattr(heating, day), strict=True)
                )
                if w > c
            ]
            if hours:
                self.problem(
                    _join(key, "heating_setpoint_c"),
                    f"{day}: above the cooling set-point at hour(s) {', '.join(map(str, hours))}",
                )

    def lighting_limits(self, node: Any) -> tuple[LightingLimit, ...] | None:
        key = "lighting_limits"
        rows = None if node is None else self.array(node, key)
        if rows is None:
            return None
        before = len(self.problems)
        out = []
        for index, row in enumerate(rows):
            row_key = f"{key}[{index}]"
            entry = self.table(row, row_key, ("space_type", "keywords", "lpd_w_per_m2"))
            if entry is None:
                continue
            space_type = self.string(entry, "space_type", row_key)
            keywords = entry.get("keywords")
            if "keywords" in entry and (
                not isinstance(keywords, list)
                or not keywords
                or not all(isinstance(k, str) and k.strip() for k in keywords)
            ):
                self.problem(_join(row_key, "keywords"), "must be a non-empty array of strings")
            lpd = None
            if "lpd_w_per_m2" in entry:
                lpd = self.sourced(entry["lpd_w_per_m2"], _join(row_key, "lpd_w_per_m2"), _LPD)
            if len(self.problems) == before:
                out.append(LightingLimit(space_type, tuple(keywords), lpd))
        names = [limit.space_type for limit in out]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            self.problem(key, f"space_type repeated: {', '.join(duplicates)}")
        return tuple(out) if len(self.problems) == before else None

    def targets(self, node: Any) -> tuple[Target, ...] | None:
        key = "targets"
        rows = None if node is None else self.array(node, key)
        if rows is None:
            return None
        before = len(self.problems)
        out = []
        for index, row in enumerate(rows):
            row_key = f"{key}[{index}]"
            entry = self.table(
                row, row_key, ("key", "rate", "basis", "label"), ("renewable_share_min",)
            )
            if entry is None:
                continue
            target_key = self.string(entry, "key", row_key)
            basis = self.string(entry, "basis", row_key, TARGET_BASES)
            label = self.string(entry, "label", row_key)
            rate = (
                self.sourced(entry["rate"], _join(row_key, "rate"), _EFFICIENCY)
                if "rate" in entry
                else None
            )
            share = None
            if "renewable_share_min" in entry:
                share_key = _join(row_key, "renewable_share_min")
                share = self.sourced(entry["renewable_share_min"], share_key, _EFFICIENCY)
            if len(self.problems) == before:
                out.append(Target(target_key, rate, basis, label, share))
        keys = [t.key for t in out]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            self.problem(key, f"key repeated: {', '.join(duplicates)}")
        return tuple(out) if len(self.problems) == before else None


def _parse(doc: Mapping, label: str, expected_name: str | None = None) -> RuleSet:
    """Check a rule-set document and build the :class:`RuleSet` (one InputError for all)."""
    parser = _Parser(label)
    rule_set = parser.rule_set(doc, expected_name)
    if parser.problems or rule_set is None:
        problems = parser.problems or ["incomplete rule set"]
        raise InputError(f"{label}: {'; '.join(problems)}")
    return rule_set
