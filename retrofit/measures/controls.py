"""HVAC controls: variable-speed drives on the pumps of the heating and cooling plant.

Why this measure
----------------
Variable-frequency drives on chilled-water, hot-water and condenser-water pumps (水泵变频改造)
are among the retrofits energy audits of Chinese public buildings recommend most, and they can
be modelled faithfully in every bundled model with a water plant: EnergyPlus's
``Pump:VariableSpeed`` takes the flow the plant asks for and draws power along a cubic part-load
curve of the flow fraction, so the saving has one sign and a size set by the flows. (A
supply-air temperature reset was the other candidate: it trades fan energy against reheat and
chiller energy, so its sign depends on the season and on which zone is warmest, and it needs a
warmest-zone set-point manager tuned per air loop. It is left for a later measure.)

What the measure does
---------------------
On every plant or condenser loop that serves space heating or cooling (its supply side holds a
chiller, boiler, cooling tower, fluid cooler, heat pump, heat exchanger or district
heating/cooling; service hot-water loops are left alone):

* ``Pump:ConstantSpeed`` becomes ``Pump:VariableSpeed`` with the same name, nodes, rated flow,
  head, power, motor efficiency and control type; branches are re-typed;
* ``Pump:VariableSpeed`` whose part-load curve is linear (coefficients 0, 1, 0, 0: power in
  proportion to flow, EnergyPlus's default, which the DOE reference buildings keep and
  openstudio-standards labels "Constant Flow") is taken as a pump without a drive when
  ``linear_curve_pumps`` is true (the default), and gets the drive's curve too;
* the drive's part-load curve is openstudio-standards' "VSD No Reset" (fixed differential
  pressure) or, with ``pressure_reset``, "VSD DP Reset" (:data:`VSD_PART_LOAD_CURVES`);
* a converted constant-speed pump gets a minimum flow of ``minimum_flow_fraction`` of its rated
  flow (it used to run at full flow). A pump that was already variable-flow keeps its flows: a
  drive changes the power drawn at a given flow, not the flow the coils ask for. (Imposing the
  minimum on those too would raise their power at the very low flows where the linear baseline
  draws almost nothing: in a January week of the large office pump electricity then rose
  3.7-fold, an artefact of the baseline curve, not of the drive.)

Pump power is ``P = P_rated * (c1 + c2 f + c3 f^2 + c4 f^3)`` with ``f`` the flow fraction
(EnergyPlus Engineering Reference, variable-speed pump). At half flow the linear curve gives 0.50,
"VSD No Reset" 0.30, "VSD DP Reset" 0.18 of the rated power.

What it does not change: the plant's flow. A chiller with constant condenser flow (EnergyPlus's
default Condenser Flow Control) asks for its full condenser flow whenever it runs, so a drive on
a condenser pump saves only while fewer chillers run than the pump was sized for; the
prototypes' two chillers share every load (UniformLoad), so there it saves nothing until the
chillers' condenser flow is made variable as well. The constant-speed primary pumps of a
primary/secondary loop with a common pipe keep their constant speed: the drives of such a plant
belong on its secondary pumps (which the ASHRAE 90.1-2019 prototypes already model with
drives), and EnergyPlus's common-pipe model failed with a variable-speed primary pump in the
large-hotel-2019 prototype (``SetActuatedBranchFlowRate`` severe errors). ``HeaderedPumps:*``
are not handled.

Defaults and sources: ``measures/chiller.toml`` (catalogue entry ``variable_speed_pumps``).
"""

from __future__ import annotations

from typing import Any

from retrofit.measures.base import (
    Applicability,
    ApplyContext,
    Measure,
    MeasureResult,
    Parameter,
    register,
)
from retrofit.measures.hvac import PlantLoop, component_size, plant_loops, retype_references
from retrofit.model import number

CONSTANT_SPEED = "Pump:ConstantSpeed"
VARIABLE_SPEED = "Pump:VariableSpeed"

#: Part-load curves of a variable-speed pump, fraction of rated power as a cubic of the flow
#: fraction (c1, c2, c3, c4). Source: NREL openstudio-standards,
#: ``lib/openstudio-standards/standards/Standards.PumpVariableSpeed.rb``
#: (``pump_variable_speed_set_control_type``: "VSD No Reset" and "VSD DP Reset"), the curves it
#: applies to the ASHRAE 90.1 prototype and Appendix G baseline pumps (its ASHRAE 90.1-2010 rules
#: pick "VSD DP Reset" for chilled-water pumps above 5 hp, section 6.5.4.1). Not in
#: standards.md.
VSD_PART_LOAD_CURVES = {
    "no_reset": (0.0, 0.5726, -0.301, 0.7347),
    "dp_reset": (0.0, 0.0205, 0.4101, 0.5753),
}

#: A ``Pump:VariableSpeed`` with this curve draws power in proportion to flow: EnergyPlus's
#: default coefficients, openstudio-standards' "Constant Flow" control type.
LINEAR_PART_LOAD_CURVE = (0.0, 1.0, 0.0, 0.0)

#: Supply-side components (eppy key prefixes) that make a loop a space heating or cooling loop.
HVAC_SUPPLY_PREFIXES = (
    "CHILLER:",
    "CHILLERHEATER:",
    "BOILER:",
    "COOLINGTOWER:",
    "FLUIDCOOLER:",
    "EVAPORATIVEFLUIDCOOLER:",
    "HEATPUMP:",
    "HEATEXCHANGER:",
    "DISTRICTCOOLING",
    "DISTRICTHEATING",
    "GROUNDHEATEXCHANGER:",
    "CENTRALHEATPUMPSYSTEM",
    "THERMALSTORAGE:",
)

_COEFFICIENT_FIELDS = tuple(
    f"Coefficient_{i}_of_the_Part_Load_Performance_Curve" for i in range(1, 5)
)

#: Constant-speed pump fields copied to the new variable-speed pump under another name.
_RENAMED_FIELDS = {"Design_Flow_Rate": "Design_Maximum_Flow_Rate"}


def hvac_loop(loop: PlantLoop) -> bool:
    """True for a loop whose supply side heats or cools space (not service hot water)."""
    return any(t.startswith(HVAC_SUPPLY_PREFIXES) for t, _ in loop.supply_components)


def _curve(obj) -> tuple[float, ...]:
    """The four part-load coefficients of a ``Pump:VariableSpeed`` (blank = the IDD default)."""
    defaults = LINEAR_PART_LOAD_CURVE
    values = []
    for field, default in zip(_COEFFICIENT_FIELDS, defaults, strict=True):
        value = number(obj[field])
        values.append(default if value is None else value)
    return tuple(values)


def _loop_of(loops: list[PlantLoop], pump_type: str, name: str) -> PlantLoop | None:
    for loop in loops:
        if loop.holds(pump_type, name, "supply") or loop.holds(pump_type, name, "demand"):
            return loop
    return None


def candidate_pumps(idf, linear_curve_pumps: bool) -> dict[str, list]:
    """The pumps on heating/cooling loops, sorted: ``"convert"`` (constant speed), ``"recurve"``
    (variable speed with the linear curve, when ``linear_curve_pumps``), ``"linear"`` (those
    same pumps when it is false), ``"drive"`` (variable speed with another curve) and
    ``"primary"`` (constant-speed primary pumps of a common-pipe primary/secondary loop): the
    last three are left alone. Each entry is (eppy object, EnergyPlus type, loop)."""
    loops = [loop for loop in plant_loops(idf) if hvac_loop(loop)]
    out: dict[str, list] = {"convert": [], "recurve": [], "linear": [], "drive": [], "primary": []}
    for pump_type in (CONSTANT_SPEED, VARIABLE_SPEED):
        for obj in idf.idfobjects[pump_type.upper()]:
            loop = _loop_of(loops, pump_type, str(obj.Name))
            if loop is None:
                continue
            if pump_type == CONSTANT_SPEED:
                primary = loop.common_pipe and loop.holds(pump_type, str(obj.Name), "supply")
                out["primary" if primary else "convert"].append((obj, pump_type, loop))
            elif _curve(obj) == LINEAR_PART_LOAD_CURVE:
                out["recurve" if linear_curve_pumps else "linear"].append((obj, pump_type, loop))
            else:
                out["drive"].append((obj, pump_type, loop))
    return out


@register
class VariableSpeedPumps(Measure):
    """Variable-speed drives on the heating, cooling and condenser water pumps.

    Quantities: ``pump_power_kw`` [kW, the cost basis: rated electric power of the pumps given
    drives, where known], ``pumps_converted`` [-]. Details: per pump, its loop, type and curve
    before and after, rated power and where it came from.
    """

    name = "variable_speed_pumps"
    objects = "Pump:ConstantSpeed (replaced), Pump:VariableSpeed, Branch (component types)"
    parameters = (
        Parameter(
            "pressure_reset",
            "the drives reset the loop differential pressure (VSD DP Reset curve) instead of "
            "holding it fixed (VSD No Reset)",
            "bool",
        ),
        Parameter(
            "minimum_flow_fraction",
            "lowest flow of a constant-speed pump given a drive, fraction of its rated flow "
            "(variable-flow pumps keep their own)",
            minimum=0.0,
            maximum=1.0,
        ),
        Parameter(
            "linear_curve_pumps",
            "also give drives to Pump:VariableSpeed pumps whose power is proportional to flow "
            "(part-load coefficients 0, 1, 0, 0)",
            "bool",
        ),
    )

    def check(self, idf, context: ApplyContext | None = None) -> Applicability:
        pumps = candidate_pumps(idf, self.params["linear_curve_pumps"])
        if pumps["convert"] or pumps["recurve"]:
            return Applicability(True)
        if not any(pumps.values()):
            return Applicability(
                False,
                "no pumps on heating or cooling plant loops in this model (service hot-water "
                "loops are not counted; HeaderedPumps are not handled)",
            )
        reason = "the heating and cooling pumps already have variable-speed drives"
        if pumps["primary"]:
            names = ", ".join(str(o.Name) for o, _, _ in pumps["primary"])
            reason += f" or are primary pumps of common-pipe loops ({names})"
        if pumps["linear"]:
            names = ", ".join(str(o.Name) for o, _, _ in pumps["linear"])
            reason += (
                f"; {names} draw power in proportion to flow (linear part-load curve): set "
                "linear_curve_pumps=true to treat them as pumps without drives"
            )
        return Applicability(False, reason)

    def transform(self, idf, context: ApplyContext) -> MeasureResult:
        p = self.params
        curve = VSD_PART_LOAD_CURVES["dp_reset" if p["pressure_reset"] else "no_reset"]
        pumps = candidate_pumps(idf, p["linear_curve_pumps"])
        details, notes = [], []
        power_kw = 0.0
        for obj, pump_type, loop in pumps["convert"] + pumps["recurve"]:
            name = str(obj.Name)
            rated_w = number(obj.Design_Power_Consumption)
            source = "model" if rated_w is not None else None
            if rated_w is None:
                rated_w = component_size(
                    context.component_sizes, pump_type, name, "Design Power Consumption"
                )
                source = "ComponentSizes" if rated_w is not None else None
            if rated_w is None:
                notes.append(
                    f"{name}: rated power unknown (autosized, no baseline sizes): not in "
                    "pump_power_kw"
                )
            else:
                power_kw += rated_w / 1000.0
            before = "constant speed" if pump_type == CONSTANT_SPEED else _curve(obj)
            target = self._convert(idf, obj) if pump_type == CONSTANT_SPEED else obj
            for field, value in zip(_COEFFICIENT_FIELDS, curve, strict=True):
                target[field] = value
            if pump_type == CONSTANT_SPEED:
                target.Design_Minimum_Flow_Rate = "Autosize"
                target.Design_Minimum_Flow_Rate_Fraction = p["minimum_flow_fraction"]
            details.append(
                {
                    "name": name,
                    "loop": loop.name,
                    "type_before": pump_type,
                    "curve_before": before,
                    "curve_after": curve,
                    "rated_power_kw": None if rated_w is None else rated_w / 1000.0,
                    "rated_power_source": source,
                }
            )
            if loop.kind == "CondenserLoop" and pump_type == CONSTANT_SPEED:
                notes.append(
                    f"{name}: condenser pump; chillers with constant condenser flow ask for "
                    "their full flow while they run, so the drive saves only while fewer "
                    "chillers run than the pump serves"
                )
        for obj, _, _ in pumps["drive"]:
            notes.append(f"{obj.Name}: already variable speed with a drive's curve; unchanged")
        for obj, _, loop in pumps["primary"]:
            notes.append(
                f"{obj.Name}: primary pump of the common-pipe loop {loop.name}; kept at constant "
                "speed (the drives of a primary/secondary plant belong on its secondary pumps)"
            )
        return MeasureResult(
            model=idf,
            quantities={"pump_power_kw": power_kw, "pumps_converted": float(len(details))},
            details={"pumps": details},
            notes=notes,
        )

    @staticmethod
    def _convert(idf, obj) -> Any:
        """A ``Pump:VariableSpeed`` in place of the constant-speed pump ``obj``."""
        name = str(obj.Name)
        new = idf.newidfobject(VARIABLE_SPEED.upper(), Name=name)
        for field in obj.fieldnames[2:]:
            target = _RENAMED_FIELDS.get(field, field)
            if target in new.fieldnames:
                new[target] = obj[field]
        idf.removeidfobject(obj)
        retype_references(idf, name, CONSTANT_SPEED, VARIABLE_SPEED)
        return new
