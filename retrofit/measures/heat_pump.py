"""Air-source heat pumps instead of gas boilers (hydronic part of ``air_source_heat_pump``).

What the measure does to a hot-water plant loop
-----------------------------------------------
Every natural-gas ``Boiler:HotWater`` on the supply side of a ``PlantLoop`` is replaced by one
``HeatPump:PlantLoop:EIR:Heating`` (air-to-water, ``Condenser Type = AirSource``):

* **on the boiler's branch, between the boiler's own nodes**, so the branch, the set-point
  manager on the equipment outlet node and the loop topology stay as they were; the source side
  is an ``OutdoorAir:Node`` (weather-file conditions) and a free outlet node;
* **in every** ``PlantEquipmentList`` **that names the boiler** (the loop's operation scheme
  names the list, so the scheme now dispatches the heat pump);
* **sized to the boiler it replaces**: reference capacity = the boiler's "Design Size Nominal
  Capacity" of the baseline sizing run (``context.component_sizes``; the final row, not the
  "Initial" one of the first plant-sizing pass) x ``capacity_ratio``, or the boiler's
  hard-sized capacity. Several boilers give one heat pump each, each with its boiler's
  capacity. ``Heat Pump Sizing Method = HeatingCapacity`` (no companion cooling heat pump).
  Without sizes the heat pump is autosized from the loop (a note says so);
* **performance** from the air-to-water heat pump of the EnergyPlus example file
  ``PlantLoopHeatPump_EIR_AirSource_Hospital_wSixPipeHeatRecovery.idf`` (EnergyPlus repository,
  ``testfiles/``, v24.1, object "AWHP 1 Heating Side"; its curves are "created from Trane
  quadratic curves", i.e. a manufacturer's air-to-water unit): capacity and EIR biquadratics
  in leaving hot-water temperature (x) and outdoor dry-bulb (y) (:data:`CAPACITY_CURVE`,
  :data:`EIR_CURVE`), the EIR part-load curve of that file (:data:`EIR_PLR_CURVE`, constant 1),
  its minimum part-load ratio 0.2 and its TimedEmpirical defrost curves;
* **controls**: ``Control Type = Load`` (dispatched by the loop's operation scheme, reading the
  loop set-point), ``Flow Mode = ConstantFlow`` (the IDD default: full design flow while
  running, as modular air-to-water units need through their condensers. With
  ``VariableSpeedPumping`` EnergyPlus 25.2 throttles the flow to PLR x design flow; on the
  prototypes' loops, which have a supply bypass, the supply then reached 45 degC on average
  instead of 50 in a January week of the large office);
* **minimum outdoor temperature** ``minimum_outdoor_temperature_c`` (``Minimum Source Inlet
  Temperature``: the heat pump is off below it); not set, :data:`MIN_OUTDOOR_C` (-17 degC, the
  lower end of the curves). The packaged part reads the same parameter for its DX coils and
  keeps EnergyPlus's default there when it is not set.

The hot-water temperature is reset to what a heat pump delivers (``supply_water_temperature_c``):

* each ``SetpointManager:Scheduled`` on a supply-side node of the loop is pointed at a new
  ``Schedule:Constant`` at that temperature (the old schedule may be shared: it is left alone);
  each ``SetpointManager:OutdoorAirReset`` there has its set-points capped at it. Other
  set-point manager types on the loop make the measure not applicable (the reason names them;
  e.g. the ``SetpointManager:Scheduled:DualSetpoint`` of the 90.1-2019 large office);
* ``Sizing:Plant``: design loop exit temperature = the supply temperature; loop design
  temperature difference = ``loop_delta_t_k``, or the model's when not set, as long as the
  design return stays at or above :data:`MIN_DESIGN_RETURN_C`;
* ``PlantLoop`` maximum loop temperature: raised to the supply temperature if it was lower
  (100 degC in the prototypes: nothing to do).

The coils: grown or installed size (``coil_sizing``)
----------------------------------------------------
Coils selected for 82 degC water deliver much less with 50 degC water. EnergyPlus sizes an
autosized ``Coil:Heating:Water`` (UA, water flow) and a reheat terminal's ``Maximum Hot Water
or Steam Flow Rate`` from ``Sizing:Plant``:

* ``"resize"``: they stay autosized, so EnergyPlus sizes them for the new water
  temperature: the retrofit includes hot-water coils re-selected for low-temperature water
  (larger; **their cost is not in the cost basis**, a note says so). A water coil cannot heat
  air to its water temperature (EnergyPlus stops: "Autosizing of heating coil UA failed"), so
  the heating design supply-air temperature of the zones reheated from the loop
  (``Sizing:Zone``) is capped at the supply temperature less :data:`REHEAT_APPROACH_K` (the
  large office's 50 degC becomes 40 degC, the large hotel's 40 degC stays);
* ``"keep"`` (default): the installed coils. Every autosized hot-water coil on the loop (UA, maximum
  water flow) and every reheat terminal's maximum hot-water flow is hard-sized to the baseline
  sizing run's value (design.md: retrofit variants keep the installed size), and the model
  shows what those coils still deliver with cooler water (unmet heating hours).

In the large office (Shanghai design days) "resize" grows the hot-water coils' total UA from
30 000 to 80 000 W/K at about the same water flow; air flows and fans do not change (cooling sets
them). In a January week in Shanghai the large office had 2.8 occupied unmet heating hours with
its boiler, 3.2 with the heat pump and resized coils and 19.5 with the installed coils at 50
degC (10.8 at 60 degC): the installed coils cannot carry the load at heat-pump temperatures.

Defrost
-------
``TimedEmpirical`` (default) with the example's Trane-derived curves
(:data:`TIMED_EMPIRICAL_CURVES`, x = outdoor dry-bulb, up to 10.6 degC): defrost cycles per hour
(0.716 - 0.0248 T) scaled by the operating part-load ratio, a heat-load penalty (0.0829 - 0.0078
T) that EnergyPlus 25.2 adds to the input power (``PlantLoopHeatPumpEIR.cc``, ``doDefrost``),
and a defrost input energy (rated input x (0.0342 - 0.0007 T) per cycle). At 4 degC this costs
about 5 % more input and 1-2 % defrost energy. ``Timed`` (the DOE-2.1E frost adjustment of the
DX heating coil: capacity x (0.909 - 107.33 dw), input x (0.90 - 36.45 dw), after the outdoor
humidity) is available, but in 25.2 its defrost energy (rated input x 0.058333 while running)
does not scale with load: in the January week it booked 16-20 kW of defrost in every running
hour against 4-10 kW of compressor input at the night loads. ``off`` turns defrost off.
``OnDemand`` is not offered: without a defrost EIR curve EnergyPlus books no defrost energy for
it, and no sourced curve for an air-to-water unit was found.

Backup boiler
-------------
With ``backup_cutoff_outdoor_c`` set, each boiler stays on the loop on a new parallel supply
branch (its own set-point manager at the supply temperature, hard-sized to its baseline
capacity), and the loop's heating-load operation scheme becomes a
``PlantEquipmentOperation:OutdoorDryBulb`` scheme: the boilers from -70 degC to the cut-off, the
heat pumps from the cut-off to 70 degC (the scheme's IDD limits). EnergyPlus picks the range
from the outdoor dry-bulb of each time step.

Models without a boiler
-----------------------
A model with no gas boiler on a plant loop but ``Coil:Heating:Fuel`` on its air loops (packaged
gas furnaces, e.g. the medium office) is handed to the packaged part,
:mod:`retrofit.measures.heat_pump_packaged`: ``applies_packaged(idf)`` for the check,
``convert_packaged(idf, params, context)`` for the conversion (a :class:`MeasureResult`; a
mapping of quantities is also accepted), and its ``EXTRA_PARAMETERS`` join this measure's
parameters. Without that module such models are not applicable ("packaged gas furnace
conversion not available"). A model with both boilers and gas coils gets the hydronic part
only (a note lists the gas coils left).

Defaults and sources: ``measures/heat_pump.toml`` (catalogue entry ``air_source_heat_pump``).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from retrofit import model
from retrofit.errors import InputError
from retrofit.iplv import Curve
from retrofit.measures.base import (
    Applicability,
    ApplyContext,
    Measure,
    MeasureResult,
    Parameter,
    register,
)
from retrofit.measures.hvac import (
    TEMPERATURE_UNIT_TYPES,
    add_curve,
    add_object,
    branch_components,
    branches,
    component_size,
    supply_nodes,
)

#: The EnergyPlus example the performance set comes from (EnergyPlus repository, testfiles/).
CURVE_SOURCE = (
    "EnergyPlus example PlantLoopHeatPump_EIR_AirSource_Hospital_wSixPipeHeatRecovery.idf "
    "(v24.1), 'AWHP 1 Heating Side', curves created from Trane quadratic curves"
)


#: Heating capacity modifier, x = leaving hot-water temperature [degC], y = outdoor dry-bulb
#: [degC] ("HeatCapCurveFuncTemp", :data:`CURVE_SOURCE`). Equals 1 (with :data:`EIR_CURVE`) at
#: 46.6 degC / 6.3 degC, close to the Chinese nominal heating condition (7 degC outdoor, 45 degC
#: leaving water); 0.80 at 50 / -2 degC.
CAPACITY_CURVE = Curve(
    "biquadratic",
    (
        0.794900878202383,
        0.00388524034840032,
        -0.0000575169230965453,
        0.0278109488428528,
        0.000318168,
        -0.000130572089253355,
    ),
    x_range=(15.0, 70.0),
    y_range=(-17.0, 37.22),
    output_range=(None, 1.55),
    name="ASHP Heating CapFT",
)

#: EIR modifier, same variables ("HeatEIRCurveFuncTemp", :data:`CURVE_SOURCE`): COP at 50 degC
#: leaving water is the reference COP / 1.05 at 7 degC outdoor and / 1.48 at -2 degC (the
#: curve's output cap, reached below about 0 degC; the polynomial alone gives 1.67).
EIR_CURVE = Curve(
    "biquadratic",
    (
        0.530730392560108,
        0.00655164780603528,
        0.000263599226028026,
        -0.03620668194737,
        0.00126617163409192,
        -0.000791224057761721,
    ),
    x_range=(15.0, 70.0),
    y_range=(-17.0, 37.22),
    output_range=(0.4, 1.48),
    name="ASHP Heating EIRFT",
)

#: EIR modifier in part-load ratio ("EIRCurveFuncPLR", :data:`CURVE_SOURCE`): constant 1, the
#: EIR of the example's unit does not change with load. EnergyPlus 25.2 multiplies
#: load / reference COP by it (an EIR ratio normalised at PLR = 1, not a DOE-2 power fraction);
#: below the minimum part-load ratio the unit cycles at that ratio's EIR.
EIR_PLR_CURVE = Curve("quadratic", (1.0, 0.0, 0.0), (0.0, 1.0), name="ASHP Heating EIRFPLR")

#: The TimedEmpirical defrost curves of the same example (x = outdoor dry-bulb [degC]):
#: defrost cycles per hour, heat-load penalty per cycle, defrost input energy fraction.
TIMED_EMPIRICAL_CURVES = tuple(
    Curve("quadratic", coefficients, (-30.0, 10.60675883), name=name)
    for name, coefficients in (
        ("ASHP Defrost Frequency", (0.71582, -0.024822, 0.0)),
        ("ASHP Defrost Heat Load", (0.08286, -0.007812, 0.0)),
        ("ASHP Defrost Heat Energy", (0.03423, -0.00072, 0.0)),
    )
)

#: Lowest outdoor dry-bulb the heat pump runs at when ``minimum_outdoor_temperature_c`` is not
#: set [degC]: the lower end of :data:`CAPACITY_CURVE` and :data:`EIR_CURVE` (their y range;
#: the example file itself sets -25). ASSUMPTION: below the curves' data the unit is off.
MIN_OUTDOOR_C = CAPACITY_CURVE.y_range[0]


def _minimum_outdoor_c(params: Mapping[str, Any]) -> float:
    value = params.get("minimum_outdoor_temperature_c")
    return MIN_OUTDOOR_C if value is None else float(value)


#: Defrost controls offered (``Heat Pump Defrost Control`` keys; see the module docstring).
DEFROST_CONTROLS = ("TimedEmpirical", "Timed", "off")

#: ``Heat Pump Defrost Time Period Fraction`` by control: TimedEmpirical 0.1166667 (7 min per
#: defrost cycle, :data:`CURVE_SOURCE`; EnergyPlus only reports with it), Timed 0.058333 (3.5 min
#: per hour, IDD 25.2 default, DOE-2.1E).
DEFROST_TIME_FRACTION = {"TimedEmpirical": 0.1166667, "Timed": 0.058333, "off": ""}

#: ``Maximum Outdoor Dry Bulb Temperature For Defrost Operation`` [degC] by control:
#: TimedEmpirical 10.60675883 (:data:`CURVE_SOURCE`, the upper end of its defrost curves), Timed
#: 10.0 (IDD 25.2 default: the outdoor coil, 0.82 T - 8.59 degC after DOE-2.1E, is below 0 degC up
#: to about 10 degC).
DEFROST_MAX_OUTDOOR_C = {"TimedEmpirical": 10.60675883, "Timed": 10.0, "off": ""}

#: EnergyPlus ``Heat Pump Defrost Control`` key of each ``defrost_control`` choice ("none" is
#: the catalogue's spelling of "not set", hence "off").
DEFROST_KEYS = {"TimedEmpirical": "TimedEmpirical", "Timed": "Timed", "off": "None"}

#: ``Minimum Part Load Ratio`` of the example's heat pump (:data:`CURVE_SOURCE`): below it the
#: unit cycles.
MINIMUM_PART_LOAD_RATIO = 0.2

#: ``PlantEquipmentOperation:OutdoorDryBulb`` range limits [degC] (IDD 25.2 minimum / maximum).
OUTDOOR_RANGE_C = (-70.0, 70.0)

#: Lowest design return temperature the measure accepts when it keeps the model's loop delta-T
#: [degC]. ASSUMPTION: 30 degC, a floor so a 82.2/11.1 design moved to a 35 degC supply does not
#: return at 24 degC (near the 21-24 degC rooms); give ``loop_delta_t_k`` to choose.
MIN_DESIGN_RETURN_C = 30.0

#: ``coil_sizing`` choices (module docstring).
COIL_SIZING = ("resize", "keep")

#: With ``coil_sizing = "resize"``, the heating design supply air of zones reheated from the
#: loop is capped at the supply water temperature less this [K]. ASSUMPTION: 10 K, the hot-end
#: approach of a counter-flow reheat coil (50 degC water -> 40 degC air, the large hotel's own
#: design value); not from a standard.
REHEAT_APPROACH_K = 10.0

#: The example unit's maximum leaving water temperature [degC] = a + b x outdoor dry-bulb,
#: at most ``MAX_SUPPLY_CAP_C`` ("MaxSWTvsOAT", :data:`CURVE_SOURCE`). Not given to EnergyPlus
#: (in 25.2 the curve only moves the point where the capacity curve is read); reported in a note.
MAX_SUPPLY_C_PER_OUTDOOR = (53.1666666666667, 0.85)
MAX_SUPPLY_CAP_C = 60.0

#: Gas fuel keys of ``Boiler:HotWater`` (IDD 25.2 ``Fuel Type``), compared case-insensitively.
GAS_FUELS = ("NATURALGAS",)

#: The packaged (gas furnace) part of the measure, imported when needed.
PACKAGED_MODULE = "retrofit.measures.heat_pump_packaged"


def _packaged_module():
    """The packaged-system part, or None while it does not exist."""
    try:
        return importlib.import_module(PACKAGED_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name == PACKAGED_MODULE:
            return None
        raise


def _packaged_parameters() -> tuple[Parameter, ...]:
    """The parameters the packaged part reads beyond the shared ones (its EXTRA_PARAMETERS)."""
    packaged = _packaged_module()
    return tuple(getattr(packaged, "EXTRA_PARAMETERS", ())) if packaged is not None else ()


def lowest_outdoor_for_supply_c(supply_c: float) -> float | None:
    """Lowest outdoor dry-bulb at which the example unit still delivers ``supply_c`` [degC].

    None when it never does (above its 60 degC maximum).
    """
    if supply_c > MAX_SUPPLY_CAP_C:
        return None
    a, b = MAX_SUPPLY_C_PER_OUTDOOR
    return (supply_c - a) / b


def _envelope_note(supply_c: float) -> str:
    lowest = lowest_outdoor_for_supply_c(supply_c)
    where = (
        f"it delivers {supply_c:g} degC down to {lowest:.1f} degC outdoor"
        if lowest is not None
        else f"{supply_c:g} degC is above its {MAX_SUPPLY_CAP_C:g} degC maximum"
    )
    return (
        "the example unit's maximum leaving water is 53.2 + 0.85 x outdoor degC (at most 60; "
        f"its MaxSWTvsOAT curve): {where}. EnergyPlus does not enforce it (the supply-water "
        "temperature limit curves of 25.2 only move the point where the capacity curve is read)"
    )


def cop_at(cop_rated: float, supply_c: float, outdoor_c: float) -> float:
    """Steady full-load COP of the heat pump at a leaving-water and outdoor temperature [-].

    ``cop_rated / EIR_CURVE(supply_c, outdoor_c)`` (the EIR-PLR curve is 1; defrost not
    included).
    """
    return cop_rated / EIR_CURVE(supply_c, outdoor_c)


def capacity_fraction_at(supply_c: float, outdoor_c: float) -> float:
    """Available capacity / reference capacity at a leaving-water and outdoor temperature [-]."""
    return CAPACITY_CURVE(supply_c, outdoor_c)


# --------------------------------------------------------------------------------------------
# Reading the plant
# --------------------------------------------------------------------------------------------


def _values(obj, start: int) -> list[str]:
    """Non-blank field values of ``obj`` after field ``start`` (1 = the name)."""
    return [str(v) for v in obj.obj[start + 1 :] if str(v).strip() != ""]


@dataclass
class BoilerSite:
    """A gas boiler on a plant loop's supply side: where it sits."""

    boiler: Any
    loop: Any
    branch: Any
    position: int  # 0-based component index on the branch


def gas_boilers_on_plant_loops(idf) -> tuple[list[BoilerSite], list[str]]:
    """Gas ``Boiler:HotWater`` objects on plant-loop supply branches, and the boilers skipped.

    Returns
    -------
    sites : list of BoilerSite
    skipped : list of str
        One line per ``Boiler:HotWater`` not taken (another fuel, or on no plant loop's supply).
    """
    sites, seen = [], set()
    for loop in idf.idfobjects["PLANTLOOP"]:
        for branch in branches(idf, loop.Plant_Side_Branch_List_Name):
            for i, (kind, name, _, _) in enumerate(branch_components(branch)):
                if kind.upper() != "BOILER:HOTWATER":
                    continue
                boiler = model.by_name(idf, "Boiler:HotWater", name)
                if boiler is None:
                    continue
                seen.add(name.upper())
                if str(boiler.Fuel_Type).replace(" ", "").upper() in GAS_FUELS:
                    sites.append(BoilerSite(boiler, loop, branch, i))
    skipped = []
    for boiler in idf.idfobjects["BOILER:HOTWATER"]:
        name = str(boiler.Name)
        if name.upper() not in seen:
            skipped.append(f"boiler {name!r}: on no plant loop's supply side, left alone")
        elif str(boiler.Fuel_Type).replace(" ", "").upper() not in GAS_FUELS:
            skipped.append(f"boiler {name!r}: fuel {boiler.Fuel_Type}, not gas, left alone")
    return sites, skipped


def fuel_coils_on_air_loops(idf) -> list[str]:
    """Names of ``Coil:Heating:Fuel`` objects on air-loop branches or in unitary systems."""
    names = {str(c.Name).upper(): str(c.Name) for c in idf.idfobjects["COIL:HEATING:FUEL"]}
    found = set()
    for key, objects in idf.idfobjects.items():
        if key != "BRANCH" and not key.startswith("AIRLOOPHVAC:UNITARY"):
            continue
        for obj in objects:
            for value in obj.obj[1:]:
                if str(value).upper() in names:
                    found.add(names[str(value).upper()])
    return sorted(found)


def loop_setpoint_managers(idf, loop) -> list:
    """Set-point managers that name a node (or a ``NodeList`` with a node) on the loop's supply
    side in any field (``SetpointManager:ReturnTemperature:HotWater`` names the supply inlet and
    outlet nodes rather than a set-point node)."""
    nodes = supply_nodes(idf, loop)
    out = []
    for key, objects in idf.idfobjects.items():
        if not key.startswith("SETPOINTMANAGER:"):
            continue
        for spm in objects:
            targets = [
                n
                for v in spm.obj[2:]
                if str(v).strip()
                for n in model.expand_list(idf, "NodeList", v)
            ]
            if any(n.upper() in nodes for n in targets):
                out.append(spm)
    return out


#: Set-point managers the measure can reset to the heat pump's supply temperature.
RESETTABLE_SPM = ("SETPOINTMANAGER:SCHEDULED", "SETPOINTMANAGER:OUTDOORAIRRESET")


def _key(obj) -> str:
    return str(obj.key).upper()


def _autosized(value) -> bool:
    return str(value).strip().lower() in ("autosize", "")


# --------------------------------------------------------------------------------------------
# Writing objects
# --------------------------------------------------------------------------------------------


def _append_field(obj, value: str) -> None:
    """Append a value after the last non-blank field of an extensible object."""
    values = list(obj.obj)
    while len(values) > 1 and str(values[-1]).strip() == "":
        values.pop()
    values.append(value)
    obj.obj[:] = values


def _schedule_type_limits(idf, name: str = "Temperature") -> str:
    return name if model.by_name(idf, "ScheduleTypeLimits", name) is not None else ""


@register
class AirSourceHeatPump(Measure):
    """Gas boilers on hot-water loops -> air-to-water heat pumps (or packaged furnaces -> HP).

    Quantities (hydronic part): ``heat_pump_capacity_kw`` [kW, reference capacity, the cost
    basis; autosized heat pumps count 0], ``boilers_replaced`` [-], ``backup_boilers_kept`` [-].
    Details: one record per heat pump (boiler, loop, capacities, COP at 7 and -2 degC outdoor at
    the supply temperature), the set-point managers and ``Sizing:Plant`` before and after per
    loop, the coils hard-sized (``keep``) or the zones whose heating design supply air was
    capped (``resize``), the curves and their source. The packaged part reports its own.
    """

    name = "air_source_heat_pump"
    objects = (
        "HeatPump:PlantLoop:EIR:Heating, OutdoorAir:Node, Curve:Biquadratic, Curve:Quadratic, "
        "Branch, PlantEquipmentList, Boiler:HotWater, SetpointManager:Scheduled, "
        "SetpointManager:OutdoorAirReset, Schedule:Constant, Sizing:Plant, PlantLoop, "
        "Coil:Heating:Water, AirTerminal:*:Reheat, Sizing:Zone, PlantEquipmentOperationSchemes, "
        "PlantEquipmentOperation:OutdoorDryBulb, BranchList, Connector:Splitter, Connector:Mixer, "
        "EnergyManagementSystem:Sensor/Actuator/Program/ProgramCallingManager (on a removed "
        "boiler); packaged part: see retrofit.measures.heat_pump_packaged"
    )
    parameters = (
        Parameter(
            "cop_rated",
            "heating COP at the curves' rating point (about 7 degC outdoor, 46-47 degC leaving "
            "water; the reference COP of HeatPump:PlantLoop:EIR:Heating)",
            minimum=1.0,
            maximum=8.0,
        ),
        Parameter(
            "supply_water_temperature_c",
            "hot-water supply set-point after the retrofit [degC]",
            minimum=30.0,
            maximum=65.0,
        ),
        Parameter(
            "loop_delta_t_k",
            "hot-water loop design temperature difference [K] (none: keep the model's)",
            minimum=0.0,
            maximum=20.0,
            exclusive_minimum=True,
            optional=True,
        ),
        Parameter(
            "capacity_ratio",
            "heat pump reference capacity / the replaced boiler's capacity [-]",
            minimum=0.0,
            maximum=3.0,
            exclusive_minimum=True,
        ),
        Parameter(
            "minimum_outdoor_temperature_c",
            "outdoor dry-bulb below which the heat pump is off [degC] (none: -17, the lower end "
            "of the air-to-water curves; the packaged part's own default for DX coils)",
            minimum=-30.0,
            maximum=15.0,
            optional=True,
        ),
        Parameter(
            "defrost_control",
            "EnergyPlus defrost control of the heat pump",
            kind="str",
            choices=DEFROST_CONTROLS,
        ),
        Parameter(
            "backup_cutoff_outdoor_c",
            "keep the boilers as backup below this outdoor dry-bulb [degC] (none: remove them)",
            minimum=-30.0,
            maximum=20.0,
            optional=True,
        ),
        Parameter(
            "coil_sizing",
            "hot-water coils: 'keep' the installed (baseline) size, or 'resize' for the new "
            "water temperature (autosized)",
            kind="str",
            choices=COIL_SIZING,
        ),
        *_packaged_parameters(),
    )

    def validate_together(self, params: dict[str, Any]) -> None:
        cutoff = params["backup_cutoff_outdoor_c"]
        lowest = _minimum_outdoor_c(params)
        if cutoff is not None and cutoff < lowest:
            raise InputError(
                f"measure {self.name}: parameters backup_cutoff_outdoor_c={cutoff:g} and "
                f"minimum_outdoor_temperature_c={lowest:g}: the cut-off must not be below the "
                "heat pump's minimum outdoor temperature (nothing would heat in between)"
            )
        delta = params["loop_delta_t_k"]
        if delta is not None and params["supply_water_temperature_c"] - delta < 20.0:
            raise InputError(
                f"measure {self.name}: parameters supply_water_temperature_c="
                f"{params['supply_water_temperature_c']:g} and loop_delta_t_k={delta:g}: the "
                "design return temperature would be below 20 degC"
            )

    # -- applicability ---------------------------------------------------------------------

    def check(self, idf, context: ApplyContext | None = None) -> Applicability:
        sites, _ = gas_boilers_on_plant_loops(idf)
        if not sites:
            return self._check_packaged(idf, context)
        for loop in {id(s.loop): s.loop for s in sites}.values():
            others = [
                f"{model.type_name(spm)} {spm.Name!r}"
                for spm in loop_setpoint_managers(idf, loop)
                if _key(spm) not in RESETTABLE_SPM
            ]
            if others:
                return Applicability(
                    False,
                    f"plant loop {loop.Name!r}: cannot reset the supply temperature set by "
                    f"{', '.join(others)} (handled: SetpointManager:Scheduled, "
                    "SetpointManager:OutdoorAirReset)",
                )
        return Applicability(True)

    def _check_packaged(self, idf, context) -> Applicability:
        coils = fuel_coils_on_air_loops(idf)
        if not coils:
            return Applicability(
                False,
                "no gas Boiler:HotWater on a plant loop and no Coil:Heating:Fuel on an air loop",
            )
        packaged = _packaged_module()
        if packaged is None or not callable(getattr(packaged, "convert_packaged", None)):
            return Applicability(False, "packaged gas furnace conversion not available")
        checker = getattr(packaged, "applies_packaged", None)
        return checker(idf) if callable(checker) else Applicability(True)

    # -- transformation --------------------------------------------------------------------

    def transform(self, idf, context: ApplyContext) -> MeasureResult:
        sites, skipped = gas_boilers_on_plant_loops(idf)
        if not sites:
            return self._transform_packaged(idf, context)
        p = self.params
        sizes = context.component_sizes
        notes = list(skipped)
        gas_coils = fuel_coils_on_air_loops(idf)
        if gas_coils:
            notes.append(
                f"{len(gas_coils)} Coil:Heating:Fuel on air loops left as they are (the packaged "
                f"part converts models without boilers only): {', '.join(gas_coils[:5])}"
                f"{' ...' if len(gas_coils) > 5 else ''}"
            )
        curves = self._add_curves(idf)
        heat_pumps = []
        for site in sites:
            heat_pumps.append(self._replace(idf, site, sizes, curves, notes))
        loops = {id(s.loop): s.loop for s in sites}
        coils, reheat, design = [], [], True
        if p["coil_sizing"] == "keep":
            coils, design = self._keep_coils(idf, list(loops.values()), sizes, notes)
        else:
            reheat = self._cap_reheat_design(idf, list(loops.values()), notes)
            notes.append(
                "coil_sizing=resize: hot-water coils and reheat terminals stay autosized and "
                f"EnergyPlus re-sizes them for {p['supply_water_temperature_c']:g} degC water "
                "(larger coils); their replacement is not in the cost basis"
            )
        loop_details = [self._reset_loop(idf, loop, design, notes) for loop in loops.values()]
        if p["backup_cutoff_outdoor_c"] is not None:
            schedules = {d["loop"].upper(): d["supply_schedule"] for d in loop_details}
            self._backup(idf, sites, sizes, schedules, notes)
        else:
            for site in sites:
                removed = _remove_ems_reading(idf, str(site.boiler.Name))
                if removed:
                    notes.append(
                        f"EMS code reading boiler {site.boiler.Name!r} removed with it: "
                        f"{', '.join(removed)}"
                    )
                idf.removeidfobject(site.boiler)
        capacities = [h["heat_pump_capacity_w"] for h in heat_pumps]
        if any(c is None for c in capacities):
            notes.append(
                "no baseline sizes for some boilers: their heat pumps are autosized from the "
                "loop's Sizing:Plant and heat_pump_capacity_kw counts only the sized ones (the "
                "cost is understated); run with sizes (retrofit apply --weather)"
            )
        notes.append(_envelope_note(p["supply_water_temperature_c"]))
        return MeasureResult(
            model=idf,
            quantities={
                "heat_pump_capacity_kw": sum(c for c in capacities if c is not None) / 1000.0,
                "boilers_replaced": float(len(sites)),
                "backup_boilers_kept": float(
                    len(sites) if p["backup_cutoff_outdoor_c"] is not None else 0
                ),
            },
            details={
                "heat_pumps": heat_pumps,
                "loops": loop_details,
                "coils_hard_sized": coils,
                "zone_heating_design_supply_air_c": reheat,
                "curves": {
                    "source": CURVE_SOURCE,
                    "capacity": CAPACITY_CURVE.coefficients,
                    "eir": EIR_CURVE.coefficients,
                    "eir_plr": EIR_PLR_CURVE.coefficients,
                },
            },
            notes=notes,
        )

    def _transform_packaged(self, idf, context) -> MeasureResult:
        packaged = _packaged_module()
        if packaged is None:  # pragma: no cover - check() refuses such models
            raise InputError(f"measure {self.name}: packaged gas furnace conversion not available")
        result = packaged.convert_packaged(idf, dict(self.params), context)
        if isinstance(result, MeasureResult):
            return result
        if isinstance(result, Mapping):
            return MeasureResult(idf, {k: float(v) for k, v in result.items()})
        raise InputError(
            f"measure {self.name}: {PACKAGED_MODULE}.convert_packaged returned "
            f"{type(result).__name__}, not a MeasureResult"
        )

    def _add_curves(self, idf) -> dict[str, Any]:
        def add(curve: Curve) -> str:
            # the biquadratics take temperatures; the quadratics keep the IDD's unit types
            units = TEMPERATURE_UNIT_TYPES if curve.two_inputs else ()
            return add_curve(idf, curve, unit_types=units)

        names = {
            "capacity": add(CAPACITY_CURVE),
            "eir": add(EIR_CURVE),
            "eir_plr": add(EIR_PLR_CURVE),
        }
        if self.params["defrost_control"] == "TimedEmpirical":
            names["timed_empirical"] = [add(c) for c in TIMED_EMPIRICAL_CURVES]
        return names

    def _replace(self, idf, site: BoilerSite, sizes, curves, notes) -> dict[str, Any]:
        """Put a heat pump where ``site.boiler`` is (branch and equipment lists)."""
        p = self.params
        boiler = site.boiler
        boiler_name = str(boiler.Name)
        inlet = str(boiler.Boiler_Water_Inlet_Node_Name)
        outlet = str(boiler.Boiler_Water_Outlet_Node_Name)
        hp_name = model.unique_name(
            idf, "HeatPump:PlantLoop:EIR:Heating", f"{boiler_name} Air Source Heat Pump"
        )
        if not _autosized(boiler.Nominal_Capacity):
            boiler_w = model.number(boiler.Nominal_Capacity)
            capacity_source = "the boiler's hard-sized Nominal Capacity"
        else:
            boiler_w = component_size(
                sizes, "Boiler:HotWater", boiler_name, "Design Size Nominal Capacity"
            )
            capacity_source = "baseline Design Size Nominal Capacity"
        hp_w = None if boiler_w is None else boiler_w * p["capacity_ratio"]
        source_in = f"{hp_name} Outdoor Air Inlet Node"
        source_out = f"{hp_name} Outdoor Air Outlet Node"
        add_object(idf, "OutdoorAir:Node", [source_in, -1.0])
        defrost = p["defrost_control"]
        empirical = curves.get("timed_empirical", ["", "", ""])
        add_object(
            idf,
            "HeatPump:PlantLoop:EIR:Heating",
            [
                hp_name,
                inlet,
                outlet,
                "AirSource",
                source_in,
                source_out,
                "",  # heat recovery inlet
                "",  # heat recovery outlet
                "",  # companion heat pump: none
                "Autosize",  # load side reference flow
                "Autosize",  # source side reference flow
                "Autosize",  # heat recovery reference flow
                "Autosize" if hp_w is None else hp_w,
                p["cop_rated"],
                1.0,  # sizing factor
                curves["capacity"],
                curves["eir"],
                curves["eir_plr"],
                1.0,  # heating to cooling capacity sizing ratio
                "HeatingCapacity",
                "Load",
                "ConstantFlow",
                MINIMUM_PART_LOAD_RATIO,
                _minimum_outdoor_c(p),
                "",  # maximum source inlet temperature: IDD default
                "",  # minimum supply water temperature curve
                "",  # maximum supply water temperature curve
                "",  # dry outdoor correction factor curve
                DEFROST_MAX_OUTDOOR_C[defrost],
                DEFROST_KEYS[defrost],
                DEFROST_TIME_FRACTION[defrost],
                "",  # defrost EIR curve: 1 / reference COP (Timed)
                *empirical,
            ],
        )
        # the branch
        values = site.branch.obj
        base = 3 + 4 * site.position
        values[base] = "HeatPump:PlantLoop:EIR:Heating"
        values[base + 1] = hp_name
        # every equipment list naming the boiler
        lists = []
        for listing in idf.idfobjects["PLANTEQUIPMENTLIST"]:
            for i in range(2, len(listing.obj) - 1, 2):
                if (
                    str(listing.obj[i]).upper() == "BOILER:HOTWATER"
                    and str(listing.obj[i + 1]).upper() == boiler_name.upper()
                ):
                    listing.obj[i] = "HeatPump:PlantLoop:EIR:Heating"
                    listing.obj[i + 1] = hp_name
                    lists.append(str(listing.Name))
        if hp_w is None:
            notes.append(f"{hp_name}: no baseline size of {boiler_name!r}, left autosized")
        return {
            "heat_pump": hp_name,
            "boiler": boiler_name,
            "loop": str(site.loop.Name),
            "branch": str(site.branch.Name),
            "equipment_lists": lists,
            "boiler_capacity_w": boiler_w,
            "boiler_capacity_source": capacity_source if boiler_w is not None else None,
            "heat_pump_capacity_w": hp_w,
            "cop_rated": p["cop_rated"],
            "cop_at_7c": cop_at(p["cop_rated"], p["supply_water_temperature_c"], 7.0),
            "cop_at_minus_2c": cop_at(p["cop_rated"], p["supply_water_temperature_c"], -2.0),
            "capacity_fraction_at_minus_2c": capacity_fraction_at(
                p["supply_water_temperature_c"], -2.0
            ),
        }

    def _reset_loop(self, idf, loop, design: bool, notes) -> dict[str, Any]:
        """Supply temperature: set-point managers, Sizing:Plant, maximum loop temperature.

        ``design`` False leaves ``Sizing:Plant`` at the original design (coils that must keep
        their installed size but have no baseline size are then autosized as before).
        """
        supply = self.params["supply_water_temperature_c"]
        loop_name = str(loop.Name)
        schedule = model.unique_name(
            idf, "Schedule:Constant", f"{loop_name} Heat Pump Supply Temperature"
        )
        add_object(idf, "Schedule:Constant", [schedule, _schedule_type_limits(idf), supply])
        changed = []
        for spm in loop_setpoint_managers(idf, loop):
            if _key(spm) == "SETPOINTMANAGER:SCHEDULED":
                changed.append(
                    {
                        "name": str(spm.Name),
                        "type": model.type_name(spm),
                        "before": str(spm.Schedule_Name),
                    }
                )
                spm.Schedule_Name = schedule
            elif _key(spm) == "SETPOINTMANAGER:OUTDOORAIRRESET":
                before = [
                    spm.Setpoint_at_Outdoor_Low_Temperature,
                    spm.Setpoint_at_Outdoor_High_Temperature,
                ]
                for field in (
                    "Setpoint_at_Outdoor_Low_Temperature",
                    "Setpoint_at_Outdoor_High_Temperature",
                    "Setpoint_at_Outdoor_Low_Temperature_2",
                    "Setpoint_at_Outdoor_High_Temperature_2",
                ):
                    value = model.number(spm[field]) if field in spm.fieldnames else None
                    if value is not None and value > supply:
                        spm[field] = supply
                changed.append(
                    {"name": str(spm.Name), "type": model.type_name(spm), "before": before}
                )
        sizing = next(
            (
                s
                for s in idf.idfobjects["SIZING:PLANT"]
                if str(s.Plant_or_Condenser_Loop_Name).upper() == loop_name.upper()
            ),
            None,
        )
        sizing_before = sizing_after = None
        if sizing is not None and not design:
            notes.append(
                f"Sizing:Plant {loop_name!r} left at its original design, so the coils without "
                "a baseline size are autosized as installed"
            )
        elif sizing is not None:
            exit_c = model.number(sizing.Design_Loop_Exit_Temperature)
            delta = model.number(sizing.Loop_Design_Temperature_Difference)
            sizing_before = (exit_c, delta)
            new_delta = self.params["loop_delta_t_k"]
            if new_delta is None:
                new_delta = delta
                if delta is None or supply - delta < MIN_DESIGN_RETURN_C:
                    new_delta = supply - MIN_DESIGN_RETURN_C
                    notes.append(
                        f"Sizing:Plant {loop_name!r}: loop delta-T {delta} K would return below "
                        f"{MIN_DESIGN_RETURN_C:g} degC at {supply:g} degC, set to {new_delta:g} K"
                    )
            sizing.Design_Loop_Exit_Temperature = supply
            sizing.Loop_Design_Temperature_Difference = new_delta
            sizing_after = (supply, new_delta)
        else:
            notes.append(f"plant loop {loop_name!r}: no Sizing:Plant, nothing to reset there")
        max_before = model.number(loop.Maximum_Loop_Temperature)
        if max_before is not None and max_before < supply:
            loop.Maximum_Loop_Temperature = supply
        return {
            "loop": loop_name,
            "supply_schedule": schedule,
            "supply_water_temperature_c": supply,
            "setpoint_managers": changed,
            "sizing_plant_before": sizing_before,
            "sizing_plant_after": sizing_after,
            "maximum_loop_temperature_c": model.number(loop.Maximum_Loop_Temperature),
        }

    def _keep_coils(self, idf, loops, sizes, notes) -> tuple[list[dict[str, Any]], bool]:
        """Hard-size the loops' autosized hot-water coils and reheat terminals (baseline).

        Returns the records and whether every autosized field got its baseline size (if not,
        ``Sizing:Plant`` keeps the original design so the rest autosize as installed).
        """
        coils = _loop_coils(idf, loops)
        done, missing = [], []
        for coil in idf.idfobjects["COIL:HEATING:WATER"]:
            if str(coil.Name).upper() not in coils:
                continue
            record = {"name": str(coil.Name)}
            for field, description in (
                ("UFactor_Times_Area_Value", "U-Factor Times Area Value"),
                ("Maximum_Water_Flow_Rate", "Maximum Water Flow Rate"),
            ):
                if not _autosized(coil[field]):
                    continue
                value = component_size(
                    sizes, "Coil:Heating:Water", coil.Name, f"Design Size {description}"
                )
                if value is None:
                    missing.append(f"{coil.Name} {description}")
                    continue
                coil[field] = value
                record[field] = value
            done.append(record)
        reheat_coils = {c.upper() for c in coils}
        for key, objects in idf.idfobjects.items():
            if not key.startswith("AIRTERMINAL:") or "REHEAT" not in key:
                continue
            for terminal in objects:
                if "Maximum_Hot_Water_or_Steam_Flow_Rate" not in terminal.fieldnames:
                    continue
                coil_name = str(getattr(terminal, "Reheat_Coil_Name", "")).upper()
                if coil_name not in reheat_coils:
                    continue
                if not _autosized(terminal.Maximum_Hot_Water_or_Steam_Flow_Rate):
                    continue
                value = component_size(
                    sizes, terminal.key, terminal.Name, "Design Size Maximum Reheat Water Flow Rate"
                )
                if value is None:
                    missing.append(f"{terminal.Name} Maximum Reheat Water Flow Rate")
                    continue
                terminal.Maximum_Hot_Water_or_Steam_Flow_Rate = value
                done.append({"name": str(terminal.Name), "maximum_reheat_water_flow_m3s": value})
        if missing:
            notes.append(
                f"coil_sizing=keep: no baseline size for {len(missing)} coil fields (left "
                f"autosized at the original Sizing:Plant design): "
                f"{', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}"
            )
        return done, not missing

    def _cap_reheat_design(self, idf, loops, notes) -> list[dict[str, Any]]:
        """Cap the heating design supply-air temperature of zones reheated from the loops.

        A hot-water coil cannot heat air to the water's temperature: EnergyPlus's UA sizing
        fails ("Autosizing of heating coil UA failed") when the zone's heating design supply
        air is at or above the supply water (the large office has 50 degC). The cap is the
        supply temperature less :data:`REHEAT_APPROACH_K`.
        """
        cap = self.params["supply_water_temperature_c"] - REHEAT_APPROACH_K
        coils = _loop_coils(idf, loops)
        zones = _zones_reheated_by(idf, coils)
        done = []
        for sizing in idf.idfobjects["SIZING:ZONE"]:
            zone = str(sizing.Zone_or_ZoneList_Name)
            if zone.upper() not in zones:
                continue
            method = str(sizing.Zone_Heating_Design_Supply_Air_Temperature_Input_Method)
            if method.lower() != "supplyairtemperature":
                notes.append(
                    f"Sizing:Zone {zone!r}: heating design by {method}, not capped (check that "
                    f"it stays below {cap:g} degC)"
                )
                continue
            value = model.number(sizing.Zone_Heating_Design_Supply_Air_Temperature)
            if value is not None and value > cap:
                sizing.Zone_Heating_Design_Supply_Air_Temperature = cap
                done.append({"zone": zone, "before_c": value, "after_c": cap})
        if done:
            notes.append(
                f"coil_sizing=resize: zone heating design supply air capped at {cap:g} degC "
                f"({len(done)} zones, was up to {max(d['before_c'] for d in done):g} degC), so "
                "the reheat coils can be sized for the new water temperature"
            )
        return done

    def _backup(self, idf, sites: list[BoilerSite], sizes, schedules, notes) -> None:
        """Keep each boiler on a parallel branch, dispatched below the outdoor cut-off."""
        cutoff = self.params["backup_cutoff_outdoor_c"]
        supply = self.params["supply_water_temperature_c"]
        by_loop: dict[int, list[BoilerSite]] = {}
        for site in sites:
            by_loop.setdefault(id(site.loop), []).append(site)
        for loop_sites in by_loop.values():
            loop = loop_sites[0].loop
            loop_name = str(loop.Name)
            branch_list = model.by_name(idf, "BranchList", loop.Plant_Side_Branch_List_Name)
            connectors = model.by_name(idf, "ConnectorList", loop.Plant_Side_Connector_List_Name)
            splitter = mixer = None
            if connectors is not None:
                values = _values(connectors, 1)
                for kind, name in zip(values[::2], values[1::2], strict=False):
                    if kind.upper() == "CONNECTOR:SPLITTER":
                        splitter = model.by_name(idf, "Connector:Splitter", name)
                    elif kind.upper() == "CONNECTOR:MIXER":
                        mixer = model.by_name(idf, "Connector:Mixer", name)
            if branch_list is None or splitter is None or mixer is None:
                raise InputError(
                    f"measure {self.name}: plant loop {loop_name!r}: no supply BranchList, "
                    "Connector:Splitter and Connector:Mixer to put a backup boiler on"
                )
            boiler_list = model.unique_name(
                idf, "PlantEquipmentList", f"{loop_name} Backup Boiler List"
            )
            boiler_entries = []
            for site in loop_sites:
                boiler = site.boiler
                name = str(boiler.Name)
                inlet = f"{name} Backup Inlet Node"
                outlet = f"{name} Backup Outlet Node"
                boiler.Boiler_Water_Inlet_Node_Name = inlet
                boiler.Boiler_Water_Outlet_Node_Name = outlet
                if _autosized(boiler.Nominal_Capacity):
                    size = component_size(
                        sizes, "Boiler:HotWater", name, "Design Size Nominal Capacity"
                    )
                    if size is not None:
                        boiler.Nominal_Capacity = size
                branch = model.unique_name(idf, "Branch", f"{name} Backup Branch")
                add_object(idf, "Branch", [branch, "", "Boiler:HotWater", name, inlet, outlet])
                names = _values(branch_list, 1)
                branch_list.obj[2:] = [*names[:-1], branch, *names[-1:]]
                _append_field(splitter, branch)
                _append_field(mixer, branch)
                spm = model.unique_name(
                    idf, "SetpointManager:Scheduled", f"{name} Backup Setpoint Manager"
                )
                add_object(
                    idf,
                    "SetpointManager:Scheduled",
                    [spm, "Temperature", schedules[loop_name.upper()], outlet],
                )
                boiler_entries += ["Boiler:HotWater", name]
            add_object(idf, "PlantEquipmentList", [boiler_list, *boiler_entries])
            self._outdoor_scheme(idf, loop, boiler_list, cutoff, notes)
            notes.append(
                f"plant loop {loop_name!r}: {len(loop_sites)} boiler(s) kept as backup below "
                f"{cutoff:g} degC outdoor (PlantEquipmentOperation:OutdoorDryBulb), supplying "
                f"{supply:g} degC"
            )

    def _outdoor_scheme(self, idf, loop, boiler_list: str, cutoff: float, notes) -> None:
        """Replace the loop's heating-load schemes by an outdoor dry-bulb scheme."""
        schemes = model.by_name(
            idf, "PlantEquipmentOperationSchemes", loop.Plant_Equipment_Operation_Scheme_Name
        )
        if schemes is None:
            raise InputError(
                f"measure {self.name}: plant loop {loop.Name!r}: no "
                "PlantEquipmentOperationSchemes to dispatch the backup boilers"
            )
        replaced = False
        for i in range(2, len(schemes.obj) - 1, 3):
            kind = str(schemes.obj[i]).upper()
            if kind != "PLANTEQUIPMENTOPERATION:HEATINGLOAD":
                continue
            scheme = model.by_name(idf, "PlantEquipmentOperation:HeatingLoad", schemes.obj[i + 1])
            lists = _values(scheme, 1)[2::3] if scheme is not None else []
            heat_pump_list = lists[0] if lists else None
            if heat_pump_list is None:
                continue
            name = model.unique_name(
                idf, "PlantEquipmentOperation:OutdoorDryBulb", f"{loop.Name} Outdoor Operation"
            )
            add_object(
                idf,
                "PlantEquipmentOperation:OutdoorDryBulb",
                [
                    name,
                    OUTDOOR_RANGE_C[0],
                    cutoff,
                    boiler_list,
                    cutoff,
                    OUTDOOR_RANGE_C[1],
                    heat_pump_list,
                ],
            )
            schemes.obj[i] = "PlantEquipmentOperation:OutdoorDryBulb"
            schemes.obj[i + 1] = name
            if len(lists) > 1:
                notes.append(
                    f"{scheme.Name}: {len(lists)} load ranges; the outdoor scheme uses the first "
                    f"list ({heat_pump_list!r}) for the heat pumps"
                )
            users = model.references(idf, str(scheme.Name), with_names=True)
            if all(user is scheme for user in users):
                idf.removeidfobject(scheme)
            replaced = True
        if not replaced:
            raise InputError(
                f"measure {self.name}: plant loop {loop.Name!r}: no "
                "PlantEquipmentOperation:HeatingLoad scheme to turn into an outdoor scheme"
            )


def _loop_coils(idf, loops) -> set[str]:
    """Upper-case names of the ``Coil:Heating:Water`` objects on the loops' demand sides."""
    coils = set()
    for loop in loops:
        for branch in branches(idf, loop.Demand_Side_Branch_List_Name):
            for kind, name, _, _ in branch_components(branch):
                if kind.upper() == "COIL:HEATING:WATER":
                    coils.add(name.upper())
    return coils


def _zones_reheated_by(idf, coils: set[str]) -> set[str]:
    """Upper-case names of zones whose air terminal reheats with one of ``coils``.

    Zone -> ``ZoneHVAC:EquipmentConnections`` -> ``ZoneHVAC:EquipmentList`` ->
    ``ZoneHVAC:AirDistributionUnit`` -> ``AirTerminal:*`` (its ``Reheat Coil Name``).
    """
    terminals = set()
    for key, objects in idf.idfobjects.items():
        if key.startswith("AIRTERMINAL:"):
            for terminal in objects:
                coil = str(getattr(terminal, "Reheat_Coil_Name", "") or "").upper()
                if coil in coils:
                    terminals.add(str(terminal.Name).upper())
    units = {
        str(u.Name).upper()
        for u in idf.idfobjects["ZONEHVAC:AIRDISTRIBUTIONUNIT"]
        if str(u.Air_Terminal_Name).upper() in terminals
    }
    lists = {
        str(e.Name).upper()
        for e in idf.idfobjects["ZONEHVAC:EQUIPMENTLIST"]
        if any(str(v).upper() in units for v in e.obj[2:])
    }
    return {
        str(c.Zone_Name).upper()
        for c in idf.idfobjects["ZONEHVAC:EQUIPMENTCONNECTIONS"]
        if str(c.Zone_Conditioning_Equipment_List_Name).upper() in lists
    }


def _remove_ems_reading(idf, component: str) -> list[str]:
    """Remove the EMS sensors and actuators on ``component`` and the programs that use them.

    The 90.1-2019 prototypes model the boiler's part-load efficiency with EMS (a sensor on the
    boiler's "Boiler Part Load Ratio" and a program writing its efficiency curve); without the
    boiler EnergyPlus stops ("Output:Variable Name not found"). Programs are removed from their
    calling managers, and a manager left empty is removed. Returns ``type name`` of each object
    removed.
    """
    target = component.upper()
    hooks = [
        s
        for s in idf.idfobjects["ENERGYMANAGEMENTSYSTEM:SENSOR"]
        if str(s.OutputVariable_or_OutputMeter_Index_Key_Name).upper() == target
    ] + [
        a
        for a in idf.idfobjects["ENERGYMANAGEMENTSYSTEM:ACTUATOR"]
        if str(a.Actuated_Component_Unique_Name).upper() == target
    ]
    if not hooks:
        return []
    words = {str(h.Name).upper() for h in hooks}
    programs = [
        prog
        for key in ("ENERGYMANAGEMENTSYSTEM:PROGRAM", "ENERGYMANAGEMENTSYSTEM:SUBROUTINE")
        for prog in idf.idfobjects[key]
        if any(
            token.upper() in words
            for line in prog.obj[2:]
            for token in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", str(line))
        )
    ]
    dropped = {str(p.Name).upper() for p in programs}
    removed = [f"{model.type_name(o)} {o.Name}" for o in hooks + programs]
    for manager in list(idf.idfobjects["ENERGYMANAGEMENTSYSTEM:PROGRAMCALLINGMANAGER"]):
        kept = [n for n in _values(manager, 2) if n.upper() not in dropped]
        if len(kept) == len(_values(manager, 2)):
            continue
        if kept:
            manager.obj[3:] = kept
        else:
            removed.append(f"{model.type_name(manager)} {manager.Name}")
            idf.removeidfobject(manager)
    for obj in hooks + programs:
        idf.removeidfobject(obj)
    return removed
