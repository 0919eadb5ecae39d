"""Heat-pump water heaters in place of gas water heaters.

What the measure does
---------------------
Every gas service water heater (``WaterHeater:Mixed`` with Heater Fuel Type ``NaturalGas`` and a
heater capacity above zero, on a service-water plant loop or stand-alone) becomes the tank of an
EnergyPlus ``WaterHeater:HeatPump:PumpedCondenser``:

* the **tank is kept** (same volume, insulation, ambient, use-side connections); its burner
  becomes an **electric backup element** (efficiency :data:`BACKUP_ELEMENT_EFFICIENCY`) of
  ``backup_capacity_fraction`` x the replaced capacity (0: no element), with its own set-point
  ``backup_setpoint_drop_k`` below the heat pump's, so that the heat pump is the primary heat
  source and the element only backs it up (when the compressor is locked out in cold air or
  cannot keep up). The gas pilot and flue parasitics go (set to 0, electricity);
* a **heat pump** ``Coil:WaterHeating:AirToWaterHeatPump:Pumped`` heats the tank through its
  source side (condenser water drawn from the tank and returned to it). Its rated heating
  capacity is ``capacity_fraction`` x the replaced heater's capacity (the heater's own field, or
  the baseline's ``ComponentSizes`` where the heater was autosized); its compressor follows the
  replaced heater's set-point schedule, with a ``heat_pump_deadband_k`` dead band;
* the heat pump draws **outdoor air** (``Inlet Air Configuration = OutdoorAirOnly``: a packaged
  commercial unit on the roof) through a blow-through ``Fan:OnOff``, with an ``OutdoorAir:Node``
  of its own; below ``min_compressor_inlet_air_c`` the compressor is locked out;
* on a plant loop, the ``Branch`` and ``PlantEquipmentList`` entries (any object's
  ``WaterHeater:Mixed, name`` pair) now name the heat pump water heater, whose tank use-side
  nodes are the tank's, as the Input-Output Reference asks; a stand-alone heater (scheduled use
  flow, no plant connection) stays stand-alone.

Why outdoor air and not a zone: a zone-air heat pump water heater must be added to the zone's
``ZoneHVAC:EquipmentList`` (first in sequence) and ``ZoneHVAC:EquipmentConnections`` with an
exhaust and an inlet node, and it cools the zone (in the DOE prototypes the tanks sit in offices
or schedule-defined rooms); a commercial unit of the replaced heater's size is an outdoor unit.

Performance (all from the EnergyPlus 25.2 Input-Output Reference, "Water Heaters",
``WaterHeater:HeatPump:PumpedCondenser`` example, a 25 kW plant heat-pump water heater on outdoor
air, also in the EnergyPlus example file ``HeatPumpWaterHeater.idf``): rated COP ``cop`` (3.2 in
the example) at 29.44 degC dry-bulb / 22.22 degC wet-bulb air and 55.72 degC inlet water, sensible
heat ratio 0.736, fan and pump power not included in the COP; capacity and COP modified by the
examples' biquadratic curves of evaporator inlet wet-bulb and condenser inlet water temperature
(:data:`CAPACITY_CURVE`, :data:`COP_CURVE`) and the part-load curve 0.75 + 0.25 PLR
(:data:`PART_LOAD_CURVE`); condenser pump 150 W, crankcase heater 100 W below 5 degC and the fan
(100 Pa, 0.7 total efficiency, 0.9 motor efficiency) of the 25 kW example, scaled with the
capacity. Air and water flows are the IDD's autocalculate ratios (:data:`AIR_FLOW_M3S_PER_W`,
:data:`WATER_FLOW_M3S_PER_W`), the same in the coil's rated fields, so no flow-fraction curve is
needed.

Skipped, with the reason in the notes: tanks heated through their source side (a boiler or solar
loop: the heat pump needs that side), tanks already used by a heat pump water heater, storage
tanks with no heater, instantaneous heaters (:data:`INSTANTANEOUS_MAX_VOLUME_M3`), heaters whose
set-point schedule is not a ``Schedule:Constant`` or ``Schedule:Compact`` (the backup set-point is
derived from its lowest value), and gas ``WaterHeater:Stratified`` tanks
(:data:`STRATIFIED_SKIP`: in a test conversion EnergyPlus's heat balance of a stratified tank
with this heat pump did not close, so the measure does not claim savings from it).

What the bundled prototypes do with it
--------------------------------------
* The DOE reference buildings (2004) give every water heater 845 kW, a placeholder (a 0.15 m3
  tank recovers in 32 s): sized to it, the heat pump runs seconds per timestep (part-load
  fraction 0.75, COP about 2.3 in a Shanghai July against 3.2 rated) and its crankcase heater
  (scaled with capacity) draws 3.4 kW whenever the air is below 5 degC. The measure notes such
  placeholder sizes (:data:`PLACEHOLDER_RECOVERY_H`); ``capacity_fraction`` sets a designed size.
* The ASHRAE 90.1-2019 prototypes model the gas heaters' standby losses as 1.9 kW of gas
  "parasitics", 80 % of it into the tank, which then floats up to its 82 degC limit; with the
  burner gone the tank stays near 60 degC and warms its zone less, and the zone's cooling falls
  too (medium-office-2019, Shanghai, 16-22 July: 102 kWh for the heat pump, 58 kWh less for
  cooling and fans, against 390 kWh of gas before).

Defaults and sources: ``measures/water_heating.toml`` (catalogue entry ``heat_pump_water_heater``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

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
from retrofit.measures.hvac import TEMPERATURE_UNIT_TYPES, add_curve, final_sizes, retype_references

#: Water heater tanks the measure converts.
TANK_TYPES = {
    "WATERHEATER:MIXED": "WaterHeater:Mixed",
    "WATERHEATER:STRATIFIED": "WaterHeater:Stratified",
}

#: Heat pump water heaters that may already use a tank.
HEAT_PUMP_TYPES = ("WATERHEATER:HEATPUMP:PUMPEDCONDENSER", "WATERHEATER:HEATPUMP:WRAPPEDCONDENSER")

HPWH_TYPE = "WaterHeater:HeatPump:PumpedCondenser"
COIL_TYPE = "Coil:WaterHeating:AirToWaterHeatPump:Pumped"
FAN_TYPE = "Fan:OnOff"

#: The Input-Output Reference example the component data are scaled from [W].
EXAMPLE_CAPACITY_W = 25000.0

#: Rated conditions of the example coil (IO Ref): evaporator inlet air dry-bulb and wet-bulb,
#: condenser inlet water [degC], and the rated sensible heat ratio [-].
RATED_AIR_DRY_BULB_C = 29.44
RATED_AIR_WET_BULB_C = 22.22
RATED_WATER_INLET_C = 55.72
RATED_SENSIBLE_HEAT_RATIO = 0.736

#: Condenser pump power of the example (150 W at 25 kW) per W of heating capacity, and the share
#: of its heat that reaches the water (0.1) (IO Ref).
CONDENSER_PUMP_W_PER_W = 150.0 / EXAMPLE_CAPACITY_W
PUMP_HEAT_TO_WATER_FRACTION = 0.1

#: Crankcase heater of the example (100 W at 25 kW) per W of capacity, on below 5 degC (IO Ref).
CRANKCASE_HEATER_W_PER_W = 100.0 / EXAMPLE_CAPACITY_W
CRANKCASE_HEATER_MAX_AMBIENT_C = 5.0

#: Evaporator air and condenser water flow per W of rated capacity when autocalculated
#: [m3/s per W] (EnergyPlus 25.2 IDD, Coil:WaterHeating:AirToWaterHeatPump:Pumped notes).
AIR_FLOW_M3S_PER_W = 5.035e-5
WATER_FLOW_M3S_PER_W = 4.487e-8

#: Evaporator fan of the example (IO Ref ``Fan:OnOff``): total efficiency, pressure rise [Pa],
#: motor efficiency, motor heat in the air stream.
FAN_TOTAL_EFFICIENCY = 0.7
FAN_PRESSURE_RISE_PA = 100.0
FAN_MOTOR_EFFICIENCY = 0.9
FAN_MOTOR_IN_AIRSTREAM_FRACTION = 1.0

#: Thermal efficiency of the backup element: the IO Ref example's electric tank (0.98).
BACKUP_ELEMENT_EFFICIENCY = 0.98

#: Performance curves of EnergyPlus's heat pump water heater examples, ``HPWHHeatingCapFTemp``,
#: ``HPWHHeatingCOPFTemp`` and ``HPWHPLFFPLR`` (the curves the IO Ref example coil names; the
#: coefficients read in EnergyPlus's own tst/EnergyPlus/unit/WaterThermalTanks.unit.cc HPWH
#: inputs) (x: evaporator inlet air wet-bulb [degC], 0-40;
#: y: condenser inlet water [degC], 20-90): coefficients c1..c6 of
#: c1 + c2 x + c3 x^2 + c4 y + c5 y^2 + c6 x y, normalised near the rated conditions.
CAPACITY_CURVE = (0.369827, 0.043341, -0.00023, 0.000466, 0.000026, -0.00027)
COP_CURVE = (1.19713, 0.077849, -0.0000016, -0.02675, 0.000296, -0.00112)
CURVE_X_RANGE_C = (0.0, 40.0)
CURVE_Y_RANGE_C = (20.0, 90.0)

#: Part-load fraction of the examples (``HPWHPLFFPLR``): 0.75 + 0.25 PLR (cycling losses), 0-1.
PART_LOAD_CURVE = (0.75, 0.25, 0.0)

#: Tanks smaller than this are instantaneous (tankless) heaters, which a heat pump cannot serve
#: without storage [m3]. ASSUMPTION: the IO Ref (WaterHeater:Mixed, Tank Volume) puts a tankless
#: heater's water content at about 0.00379 m3 (1 gallon); 10 litres leaves a margin.
INSTANTANEOUS_MAX_VOLUME_M3 = 0.01

#: Recovery as the IO Ref defines it for WaterHeater:Sizing: heating the whole tank from
#: 14.4 degC (58 F) to 57.2 degC (135 F) [degC].
RECOVERY_FROM_C = 14.4
RECOVERY_TO_C = 57.2

#: Water density [kg/m3] and specific heat [J/(kg K)] for the recovery time (round values of
#: water between 15 and 60 degC).
WATER_DENSITY_KG_PER_M3 = 1000.0
WATER_SPECIFIC_HEAT_J_PER_KG_K = 4186.0

#: A recovery faster than this marks a heater size that is a placeholder rather than a design
#: (the DOE reference buildings give every water heater 845 kW: a 0.15 m3 tank recovers in 30 s)
#: [h]. ASSUMPTION: storage water heaters recover in tens of minutes to hours; the note it
#: triggers asks the user to check capacity_fraction, nothing else changes.
PLACEHOLDER_RECOVERY_H = 0.25

#: The three curves as the measure adds them to the model (by role).
CURVES = {
    "capacity": Curve(
        "biquadratic",
        CAPACITY_CURVE,
        CURVE_X_RANGE_C,
        CURVE_Y_RANGE_C,
        name="HPWH Heating Capacity fTemp",
    ),
    "cop": Curve(
        "biquadratic", COP_CURVE, CURVE_X_RANGE_C, CURVE_Y_RANGE_C, name="HPWH Heating COP fTemp"
    ),
    "part_load": Curve(
        "quadratic", PART_LOAD_CURVE, (0.0, 1.0), name="HPWH Part Load Fraction fPLR"
    ),
}

#: Unit types written with each curve (the part-load curve keeps the IDD defaults).
CURVE_UNIT_TYPES = {
    "capacity": TEMPERATURE_UNIT_TYPES,
    "cop": TEMPERATURE_UNIT_TYPES,
    "part_load": None,
}

_KEYWORD = re.compile(r"^\s*(through|for|until|interpolate)\b", re.IGNORECASE)


def recovery_time_h(volume_m3: float, capacity_w: float) -> float:
    """Hours a heater of ``capacity_w`` takes to heat a full tank from 14.4 to 57.2 degC."""
    heat_j = (
        volume_m3
        * WATER_DENSITY_KG_PER_M3
        * WATER_SPECIFIC_HEAT_J_PER_KG_K
        * (RECOVERY_TO_C - RECOVERY_FROM_C)
    )
    return heat_j / capacity_w / 3600.0


def curve_value(coefficients: tuple, x: float, y: float) -> float:
    """A biquadratic of :data:`CAPACITY_CURVE` or :data:`COP_CURVE` form, inputs clamped to the
    curves' ranges as EnergyPlus clamps them."""
    return Curve("biquadratic", tuple(coefficients), CURVE_X_RANGE_C, CURVE_Y_RANGE_C)(x, y)


#: Schedule types whose values the measure reads, in the order they are looked up.
READABLE_SCHEDULES = ("Schedule:Constant", "Schedule:Compact")


def schedule_values(idf, name: str) -> list[float] | None:
    """The values a ``Schedule:Constant`` or ``Schedule:Compact`` takes, or None (other types)."""
    obj = model.by_name(idf, READABLE_SCHEDULES, name)
    if obj is None:
        return None
    if obj.key.upper() == "SCHEDULE:CONSTANT":
        return [float(obj.Hourly_Value)]
    values = []
    for text in obj.obj[3:]:
        text = str(text).strip()
        if not text or _KEYWORD.match(text):
            continue
        try:
            values.append(float(text))
        except ValueError:
            return None
    return values or None


def schedule_type_limits(idf, name: str) -> str:
    """Schedule Type Limits Name of a ``Schedule:Constant`` or ``:Compact`` ("" if none)."""
    obj = model.by_name(idf, READABLE_SCHEDULES, name)
    return "" if obj is None else str(obj.Schedule_Type_Limits_Name)


def _blank(value) -> bool:
    return str(value or "").strip() == ""


def sized_capacity_w(sizes: pd.DataFrame | None, tank_type: str, name: str) -> float | None:
    """The heater capacity a sizing run gave ``name`` [W], or None: the last final row (not an
    "Initial ..." one) whose description names the heater's capacity (EnergyPlus 25.2 writes
    "Maximum Heater Capacity")."""
    rows = final_sizes(sizes, tank_type, name)
    description = rows["description"].str.lower()
    rows = rows[description.str.contains("heater") & description.str.contains("capacity")]
    return float(rows["value"].iloc[-1]) if len(rows) else None


@dataclass
class GasWaterHeater:
    """A gas water heater found in the model, and what the measure makes of it.

    Attributes
    ----------
    capacity_w : float or None
        The replaced heater's capacity [W] (None: autosized and not in the sizes given).
    capacity_source : str
    setpoint_schedule : str
        The heater's set-point schedule (the heat pump's compressor set-point).
    setpoint_values_c : list of float
        Values it takes [degC].
    skip : str
        Why it is not converted ("" if it is).
    """

    obj: object
    tank_type: str
    name: str
    volume_m3: float | None
    capacity_w: float | None
    capacity_source: str
    setpoint_schedule: str
    setpoint_values_c: list[float] = field(default_factory=list)
    on_plant: bool = False
    skip: str = ""


#: Why ``WaterHeater:Stratified`` tanks are left alone (found by a test conversion of the small
#: office's tank into a six-node stratified tank with a pumped-condenser heat pump, July week,
#: EnergyPlus 25.2): the tank's heat balance did not close (4 kWh from the heat pump against
#: 16 kWh of draws and skin losses at a steady tank temperature), and a heat pump sized to the
#: prototypes' 845 kW heaters turns a 0.15 m3 tank over in 4 s, which EnergyPlus's stratified model
#: refuses ("Change over rate is too fast").
STRATIFIED_SKIP = (
    "WaterHeater:Stratified is not converted: EnergyPlus 25.2's heat balance of a stratified "
    "tank with a pumped-condenser heat pump did not close in our checks; model it as "
    "WaterHeater:Mixed or convert it by hand"
)


def gas_water_heaters(idf, sizes: pd.DataFrame | None = None) -> list[GasWaterHeater]:
    """Every gas-fired water heater tank, with the reason it is skipped where it is."""
    used_by_heat_pumps = {
        str(h.Tank_Name).upper() for key in HEAT_PUMP_TYPES for h in idf.idfobjects[key]
    }
    found = []
    for key, tank_type in TANK_TYPES.items():
        for obj in idf.idfobjects[key]:
            if str(obj.Heater_Fuel_Type).strip().lower() != "naturalgas":
                continue
            name = str(obj.Name)
            if tank_type == "WaterHeater:Stratified":
                found.append(
                    GasWaterHeater(
                        obj=obj,
                        tank_type=tank_type,
                        name=name,
                        volume_m3=model.number(obj.Tank_Volume),
                        capacity_w=None,
                        capacity_source="",
                        setpoint_schedule=str(obj.Heater_1_Setpoint_Temperature_Schedule_Name),
                        skip=STRATIFIED_SKIP,
                    )
                )
                continue
            setpoint = str(obj.Setpoint_Temperature_Schedule_Name)
            raw = obj.Heater_Maximum_Capacity
            if str(raw).strip().lower() == "autosize":
                capacity = sized_capacity_w(sizes, tank_type, name)
                source = "ComponentSizes of the baseline sizing run" if capacity else ""
            else:
                capacity = model.number(raw) or 0.0
                source = "WaterHeater:Mixed Heater Maximum Capacity field"
            values = schedule_values(idf, setpoint) if setpoint else None
            heater = GasWaterHeater(
                obj=obj,
                tank_type=tank_type,
                name=name,
                volume_m3=model.number(obj.Tank_Volume),
                capacity_w=capacity,
                capacity_source=source,
                setpoint_schedule=setpoint,
                setpoint_values_c=values or [],
                on_plant=not _blank(obj.Use_Side_Inlet_Node_Name),
            )
            if name.upper() in used_by_heat_pumps:
                heater.skip = "already the tank of a heat pump water heater"
            elif not (
                _blank(obj.Source_Side_Inlet_Node_Name) and _blank(obj.Source_Side_Outlet_Node_Name)
            ):
                heater.skip = "heated through its source side (indirect): the heat pump needs it"
            elif capacity is not None and capacity <= 0.0:
                heater.skip = "a storage tank with no heater (capacity 0)"
            elif heater.volume_m3 is not None and heater.volume_m3 < INSTANTANEOUS_MAX_VOLUME_M3:
                heater.skip = (
                    f"an instantaneous heater ({heater.volume_m3:g} m3): a heat pump needs a tank"
                )
            elif not values:
                heater.skip = (
                    f"its set-point schedule {setpoint!r} is not a Schedule:Constant or "
                    "Schedule:Compact with numbers (the backup set-point is derived from it)"
                )
            found.append(heater)
    return found


def _unique_node(idf, base: str) -> str:
    """``base`` or ``base 2``...: a name no field of the model holds yet (nodes have no object
    of their own, so every name and reference counts)."""
    return model.free_name(base, lambda name: any(model.references(idf, name, with_names=True)))


def _add_curves(idf) -> dict[str, str]:
    """The example's three curves (once per model); their names by role."""
    return {
        role: add_curve(idf, curve, unit_types=CURVE_UNIT_TYPES[role])
        for role, curve in CURVES.items()
    }


@register
class HeatPumpWaterHeater(Measure):
    """Gas water heaters -> outdoor-air heat-pump water heaters (tank kept, electric backup).

    Quantities: ``hpwh_capacity_kw`` [kW of rated heating, the cost basis],
    ``water_heaters_replaced`` [-], ``tank_volume_m3`` [m3, the tanks kept]. Details: per heater,
    the replaced capacity and where it came from, the heat pump's capacity, set-points, flows and
    whether it is on a plant loop.
    """

    name = "heat_pump_water_heater"
    objects = (
        "WaterHeater:HeatPump:PumpedCondenser, Coil:WaterHeating:AirToWaterHeatPump:Pumped, "
        "Fan:OnOff, OutdoorAir:Node, Curve:Biquadratic, Curve:Quadratic, Schedule:Constant; "
        "WaterHeater:Mixed (fuel, capacity, set-point, parasitics, source side), Branch, "
        "PlantEquipmentList"
    )
    parameters = (
        Parameter(
            "capacity_fraction",
            "heat pump rated heating capacity / replaced heater capacity",
            minimum=0.0,
            maximum=2.0,
            exclusive_minimum=True,
        ),
        Parameter(
            "cop",
            "rated COP at 29.44 degC DB / 22.22 degC WB air, 55.72 degC inlet water [W/W]",
            minimum=1.0,
            maximum=8.0,
        ),
        Parameter(
            "min_compressor_inlet_air_c",
            "outdoor air below which the compressor is locked out (backup element heats) [degC]",
            minimum=-5.0,
            maximum=25.0,
        ),
        Parameter(
            "heat_pump_deadband_k",
            "heat pump cut-in below its set-point [K]",
            minimum=0.0,
            maximum=20.0,
            exclusive_minimum=True,
        ),
        Parameter(
            "backup_capacity_fraction",
            "backup element capacity / replaced heater capacity (0: no element)",
            minimum=0.0,
            maximum=2.0,
        ),
        Parameter(
            "backup_setpoint_drop_k",
            "backup element set-point below the heat pump's set-point [K]",
            minimum=0.0,
            maximum=40.0,
            exclusive_minimum=True,
        ),
    )

    def validate_together(self, params: dict) -> None:
        if params["backup_setpoint_drop_k"] <= params["heat_pump_deadband_k"]:
            raise InputError(
                f"measure {self.name}: parameters backup_setpoint_drop_k="
                f"{params['backup_setpoint_drop_k']:g} and heat_pump_deadband_k="
                f"{params['heat_pump_deadband_k']:g}: the backup set-point must be below the heat "
                "pump's cut-in (EnergyPlus disables the compressor otherwise)"
            )

    def check(self, idf, context: ApplyContext | None = None) -> Applicability:
        heaters = gas_water_heaters(idf)
        if not heaters:
            return Applicability(False, "no gas water heaters in this model")
        if all(h.skip for h in heaters):
            why = "; ".join(f"{h.name}: {h.skip}" for h in heaters)
            return Applicability(False, f"no gas water heater a heat pump can replace ({why})")
        return Applicability(True)

    def transform(self, idf, context: ApplyContext) -> MeasureResult:
        p = self.params
        heaters = gas_water_heaters(idf, context.component_sizes)
        notes = [f"{h.name}: kept as it is ({h.skip})" for h in heaters if h.skip]
        converted = [h for h in heaters if not h.skip]
        for h in converted:
            if h.capacity_w is None:
                raise InputError(
                    f"measure {self.name}: {h.tank_type} {h.name!r} has an autosized heater and "
                    "no sizing results were given; apply with a weather file (retrofit apply "
                    "--weather) so the heat pump can be sized to it"
                )
        curves = _add_curves(idf)
        details, total_w, volume = [], 0.0, 0.0
        for h in converted:
            details.append(self._convert(idf, h, curves))
            total_w += details[-1]["hpwh_capacity_w"]
            volume += h.volume_m3 or 0.0
        notes.append(
            "heat pumps on outdoor air (OutdoorAirOnly): performance curves of the EnergyPlus "
            "example HPWH; the compressor is locked out below "
            f"{p['min_compressor_inlet_air_c']:g} degC (no defrost model) and the backup element "
            "heats"
        )
        for d in details:
            hours = d["recovery_time_h"]
            if hours is not None and hours < PLACEHOLDER_RECOVERY_H:
                notes.append(
                    f"{d['tank']}: the replaced heater ({d['replaced_capacity_w'] / 1000:.0f} kW) "
                    f"recovers its {d['tank_volume_m3']:g} m3 tank in {hours * 3600:.0f} s, a "
                    "placeholder size rather than a design; the heat pump, its fan, pump and "
                    "crankcase heater scale with it (set capacity_fraction for a designed size)"
                )
        if any(h.volume_m3 is None for h in converted):
            notes.append("an autosized tank volume is not counted in tank_volume_m3")
        return MeasureResult(
            model=idf,
            quantities={
                "hpwh_capacity_kw": total_w / 1000.0,
                "water_heaters_replaced": float(len(converted)),
                "tank_volume_m3": volume,
            },
            details={"water_heaters": details},
            notes=notes,
        )

    def _convert(self, idf, h: GasWaterHeater, curves: dict[str, str]) -> dict:
        p = self.params
        capacity_w = p["capacity_fraction"] * h.capacity_w
        backup_w = p["backup_capacity_fraction"] * h.capacity_w
        setpoint_min_c = min(h.setpoint_values_c)
        backup_setpoint_c = setpoint_min_c - p["backup_setpoint_drop_k"]
        air_m3s = capacity_w * AIR_FLOW_M3S_PER_W
        water_m3s = capacity_w * WATER_FLOW_M3S_PER_W

        hpwh = model.unique_name(idf, HEAT_PUMP_TYPES, f"{h.name} HPWH")
        coil = model.unique_name(idf, COIL_TYPE, f"{h.name} HPWH Coil")
        fan = model.unique_name(idf, (FAN_TYPE, "FAN:SYSTEMMODEL"), f"{h.name} HPWH Fan")
        backup_schedule = model.unique_name(idf, READABLE_SCHEDULES, f"{h.name} Backup Setpoint")
        outdoor = _unique_node(idf, f"{h.name} HPWH Outdoor Air Node")
        fan_outlet = _unique_node(idf, f"{h.name} HPWH Fan Outlet Node")
        exhaust = _unique_node(idf, f"{h.name} HPWH Exhaust Node")
        water_in = _unique_node(idf, f"{h.name} HPWH Condenser Inlet Node")
        water_out = _unique_node(idf, f"{h.name} HPWH Condenser Outlet Node")

        # the heat pump water heater takes the tank's place on the plant loop
        retype_references(idf, h.name, h.tank_type, HPWH_TYPE, new_name=hpwh, ems_actuators=False)

        tank = h.obj
        idf.newidfobject(
            "SCHEDULE:CONSTANT",
            Name=backup_schedule,
            Schedule_Type_Limits_Name=schedule_type_limits(idf, h.setpoint_schedule),
            Hourly_Value=backup_setpoint_c,
        )
        tank.Heater_Fuel_Type = "Electricity"
        tank.Heater_Thermal_Efficiency = BACKUP_ELEMENT_EFFICIENCY
        for prefix in ("Off", "On"):
            tank[f"{prefix}_Cycle_Parasitic_Fuel_Consumption_Rate"] = 0.0
            tank[f"{prefix}_Cycle_Parasitic_Fuel_Type"] = "Electricity"
            tank[f"{prefix}_Cycle_Parasitic_Heat_Fraction_to_Tank"] = 0.0
        tank.Setpoint_Temperature_Schedule_Name = backup_schedule
        tank.Heater_Maximum_Capacity = backup_w
        minimum = model.number(tank.Heater_Minimum_Capacity)
        if minimum is not None and minimum > backup_w:
            tank.Heater_Minimum_Capacity = backup_w
        tank.Part_Load_Factor_Curve_Name = ""
        tank.Source_Side_Inlet_Node_Name = water_out
        tank.Source_Side_Outlet_Node_Name = water_in
        tank.Source_Side_Design_Flow_Rate = water_m3s

        idf.newidfobject("OUTDOORAIR:NODE", Name=outdoor)
        idf.newidfobject(
            "FAN:ONOFF",
            Name=fan,
            Availability_Schedule_Name="",
            Fan_Total_Efficiency=FAN_TOTAL_EFFICIENCY,
            Pressure_Rise=FAN_PRESSURE_RISE_PA,
            Maximum_Flow_Rate=air_m3s,
            Motor_Efficiency=FAN_MOTOR_EFFICIENCY,
            Motor_In_Airstream_Fraction=FAN_MOTOR_IN_AIRSTREAM_FRACTION,
            Air_Inlet_Node_Name=outdoor,
            Air_Outlet_Node_Name=fan_outlet,
            EndUse_Subcategory="Heat Pump Water Heater",
        )
        idf.newidfobject(
            COIL_TYPE.upper(),
            Name=coil,
            Rated_Heating_Capacity=capacity_w,
            Rated_COP=p["cop"],
            Rated_Sensible_Heat_Ratio=RATED_SENSIBLE_HEAT_RATIO,
            Rated_Evaporator_Inlet_Air_DryBulb_Temperature=RATED_AIR_DRY_BULB_C,
            Rated_Evaporator_Inlet_Air_WetBulb_Temperature=RATED_AIR_WET_BULB_C,
            Rated_Condenser_Inlet_Water_Temperature=RATED_WATER_INLET_C,
            Rated_Evaporator_Air_Flow_Rate=air_m3s,
            Rated_Condenser_Water_Flow_Rate=water_m3s,
            Evaporator_Fan_Power_Included_in_Rated_COP="No",
            Condenser_Pump_Power_Included_in_Rated_COP="No",
            Condenser_Pump_Heat_Included_in_Rated_Heating_Capacity_and_Rated_COP="No",
            Condenser_Water_Pump_Power=capacity_w * CONDENSER_PUMP_W_PER_W,
            Fraction_of_Condenser_Pump_Heat_to_Water=PUMP_HEAT_TO_WATER_FRACTION,
            Evaporator_Air_Inlet_Node_Name=fan_outlet,
            Evaporator_Air_Outlet_Node_Name=exhaust,
            Condenser_Water_Inlet_Node_Name=water_in,
            Condenser_Water_Outlet_Node_Name=water_out,
            Crankcase_Heater_Capacity=capacity_w * CRANKCASE_HEATER_W_PER_W,
            Maximum_Ambient_Temperature_for_Crankcase_Heater_Operation=(
                CRANKCASE_HEATER_MAX_AMBIENT_C
            ),
            Evaporator_Air_Temperature_Type_for_Curve_Objects="WetBulbTemperature",
            Heating_Capacity_Function_of_Temperature_Curve_Name=curves["capacity"],
            Heating_COP_Function_of_Temperature_Curve_Name=curves["cop"],
            Part_Load_Fraction_Correlation_Curve_Name=curves["part_load"],
        )
        idf.newidfobject(
            HPWH_TYPE.upper(),
            Name=hpwh,
            Availability_Schedule_Name="",
            Compressor_Setpoint_Temperature_Schedule_Name=h.setpoint_schedule,
            Dead_Band_Temperature_Difference=p["heat_pump_deadband_k"],
            Condenser_Water_Inlet_Node_Name=water_in,
            Condenser_Water_Outlet_Node_Name=water_out,
            Condenser_Water_Flow_Rate=water_m3s,
            Evaporator_Air_Flow_Rate=air_m3s,
            Inlet_Air_Configuration="OutdoorAirOnly",
            Outdoor_Air_Node_Name=outdoor,
            Exhaust_Air_Node_Name=exhaust,
            Tank_Object_Type=h.tank_type,
            Tank_Name=h.name,
            Tank_Use_Side_Inlet_Node_Name=tank.Use_Side_Inlet_Node_Name,
            Tank_Use_Side_Outlet_Node_Name=tank.Use_Side_Outlet_Node_Name,
            DX_Coil_Object_Type=COIL_TYPE,
            DX_Coil_Name=coil,
            Minimum_Inlet_Air_Temperature_for_Compressor_Operation=p["min_compressor_inlet_air_c"],
            Compressor_Location="Outdoors",
            Fan_Object_Type=FAN_TYPE,
            Fan_Name=fan,
            Fan_Placement="BlowThrough",
            On_Cycle_Parasitic_Electric_Load=0.0,
            Off_Cycle_Parasitic_Electric_Load=0.0,
            Parasitic_Heat_Rejection_Location="Outdoors",
        )
        return {
            "tank": h.name,
            "tank_type": h.tank_type,
            "heat_pump_water_heater": hpwh,
            "tank_volume_m3": h.volume_m3,
            "replaced_capacity_w": h.capacity_w,
            "replaced_capacity_from": h.capacity_source,
            "hpwh_capacity_w": capacity_w,
            "recovery_time_h": (recovery_time_h(h.volume_m3, capacity_w) if h.volume_m3 else None),
            "backup_capacity_w": backup_w,
            "setpoint_schedule": h.setpoint_schedule,
            "setpoint_min_c": setpoint_min_c,
            "backup_setpoint_c": backup_setpoint_c,
            "evaporator_air_flow_m3_per_s": air_m3s,
            "condenser_water_flow_m3_per_s": water_m3s,
            "on_plant_loop": h.on_plant,
        }
