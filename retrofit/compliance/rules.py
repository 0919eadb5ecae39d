"""Rule sets of the design standards as data: envelope limits, equipment efficiencies, lighting,
and the calculation parameters of the performance path.

CONTRACT (written first so that the reference-building and check modules can be built in
parallel; the loader below fills these records from ``retrofit/data/standards/<name>.toml``).

Every number is a :class:`Sourced` value: the number, its unit, the source key of
``shared/docs/standards.md`` and a ``verified`` flag. Results that rest on an unverified value
say so (:meth:`RuleSet.unverified`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The rule set used when none is named.
DEFAULT_RULE_SET = "gb50189-2015-hscw"

#: Building types with calculation parameters (GB 55015-2021 App. C / GB 50189-2015 App. B).
BUILDING_TYPES = ("office", "hotel", "mall")

#: Façade orientations of the window table (GB 50189-2015 clause 3.2.6 bins, see
#: :attr:`RuleSet.orientation_bins_deg`).
ORIENTATIONS = ("north", "east", "south", "west")


@dataclass(frozen=True)
class Sourced:
    """One number with its provenance.

    Attributes
    ----------
    value : float
    unit : str
    source : str
        Source key of ``shared/docs/standards.md`` (``"KG"``, ``"GUDAO-PT"``, ...) or
        ``"ASSUMPTION"``.
    clause : str
        Clause or table of the standard (``"Table 3.3.1-4"``), "" if none.
    verified : bool
        False for recollections (standards.md section 9 / P2.6) and assumptions.
    note : str
    """

    value: float
    unit: str
    source: str
    clause: str = ""
    verified: bool = True
    note: str = ""


@dataclass(frozen=True)
class OpaqueLimit:
    """Maximum heat-transfer coefficient K [W/(m2 K)] of one opaque component.

    ``light`` applies to thermal inertia D <= ``inertia_threshold`` (2.5), ``heavy`` above it
    (None: same as ``light``).
    """

    component: str  # "roof" | "wall" | "floor_exposed"
    light: Sourced
    heavy: Sourced | None = None
    inertia_threshold: float = 2.5

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
        """The band containing ``wwr`` (0 falls in the first band)."""
        raise NotImplementedError


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
    fuel: str  # "natural_gas" | "oil"
    capacity_min_kw: float
    capacity_max_kw: float
    efficiency: Sourced  # fraction (0.88 not 88)


@dataclass(frozen=True)
class UnitaryLimit:
    """Minimum EER of a unitary / rooftop air conditioner > 7.1 kW (Table 4.2.14)."""

    condenser: str  # "air" | "water"
    ducted: bool
    capacity_min_kw: float
    capacity_max_kw: float
    eer: Sourced


@dataclass(frozen=True)
class EquipmentRules:
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

    def chiller(self, condenser: str, capacity_kw: float, compressor: str | None = None):
        """The :class:`ChillerLimit` for a chiller (compressor from the capacity if None)."""
        raise NotImplementedError

    def boiler(self, capacity_kw: float, fuel: str = "natural_gas") -> BoilerLimit:
        raise NotImplementedError

    def unitary_eer(self, condenser: str, ducted: bool, capacity_kw: float) -> UnitaryLimit:
        raise NotImplementedError


@dataclass(frozen=True)
class Schedule:
    """An hourly day profile: 24 values, hour 0 = 00:00-01:00, for weekdays and for the other
    days (weekends and holidays). Set-point schedules hold degC; the others fractions."""

    weekday: tuple[float, ...]
    weekend: tuple[float, ...]
    source: str
    verified: bool = True
    note: str = ""


@dataclass(frozen=True)
class CalculationParameters:
    """The performance path's fixed inputs for one building type (GB 55015-2021 App. C /
    GB 50189-2015 App. B): the same for design and reference."""

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


@dataclass(frozen=True)
class LightingLimit:
    """GB 50034-2013 LPD limit for a space type (current value)."""

    space_type: str
    keywords: tuple[str, ...]  # matched against zone / space / lights names, case-insensitive
    lpd_w_per_m2: Sourced


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
    reduction_min_kgco2_per_m2: Sourced  # GB 55015: >= 7
    reduction_min_fraction: Sourced  # 40 % on average


@dataclass(frozen=True)
class RuleSet:
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

    def orientation(self, azimuth_deg: float) -> str:
        """GB orientation bin of an outward normal's azimuth (degrees clockwise from north)."""
        raise NotImplementedError

    def unverified(self) -> list[str]:
        """One line per unverified value used by this rule set ("path: value unit (source)")."""
        raise NotImplementedError


def load_rule_set(name_or_path: str = DEFAULT_RULE_SET) -> RuleSet:
    """Load a bundled rule set by name, or a user's TOML file (same schema)."""
    raise NotImplementedError
