"""HVAC equipment and lighting of the GB 50189-2015 reference building, and the prescriptive
equipment and lighting checks of a proposed design.

The reference building's equipment
----------------------------------
:func:`apply_reference_equipment` keeps the design's systems and gives each piece of equipment
the rule set has a limit for the standard's efficiency (the reference building, 参照建筑, has the
design's HVAC system at the standard's efficiencies):

* **electric chillers** (``Chiller:Electric:EIR`` / ``ReformulatedEIR``): the limit of GB
  50189-2015 Table 4.2.10 (COP) and Table 4.2.11 (IPLV) for the chiller's condenser (water;
  air and evaporative cooling share the "air" rows) and capacity, the compressor taken from
  the rule set's capacity map (EnergyPlus does not know it). The Reference COP becomes the
  table COP and the part-load curve is deformed so that the GB IPLV computed from the curves
  (clause 4.2.13, :func:`retrofit.iplv.iplv`) equals the table IPLV
  (:func:`retrofit.iplv.fit_part_load_curve`: rated point and temperature curves untouched). The
  chiller keeps its curves, reference conditions, operating limits and capacity field: the same
  chiller at the standard's efficiency. (:class:`~retrofit.measures.chiller.ChillerUpgrade` with
  ``curves = "existing"`` makes the same edit, but gives every chiller of one condenser type one
  COP and hard-sizes autosized chillers; here each chiller has the limit of its own band and
  keeps its autosizing, so that the reference meets its own loads.)
* **hot-water boilers** burning natural gas (fuel oil No. 1 / 2: the "oil" rows): Nominal Thermal
  Efficiency = Table 4.2.5 for the boiler's rated output; the normalised efficiency curve is
  kept. GB efficiencies are on the lower heating value, as is the 9.87 kWh/m3 of natural gas the
  accounting converts with (GB 50189-2015 App. B.0.6); EnergyPlus's efficiency is fuel energy
  over heat delivered with no basis of its own, so the number is written as it is.
* **DX cooling coils** (``Coil:Cooling:DX:SingleSpeed`` and ``TwoSpeed``) of unitary and
  packaged systems whose rated (net) cooling capacity is above 7.1 kW: the gross rated COP such
  that the coil's *net* rated COP - what EnergyPlus's Equipment Summary reports as "Standard
  Rating Net COP" - equals the EER of Table 4.2.14 (air-cooled; ducted for coils on air loops,
  not ducted for zone equipment). A two-speed coil's low-speed COP moves in proportion. Smaller
  coils have no GB limit and are left alone, with a note.
* anything else (plant heat pumps, DX heating coils, VRF, absorption, district energy, furnaces,
  multi-speed / variable-speed DX and the ``Coil:Cooling:DX`` performance objects): unchanged,
  with a note "no limit applied: not in the rule set".

The capacity that picks the band is the model's when it is a number, else the design's sizing
run (``ComponentSizes``). Autosized fields stay autosized.

Net and gross rated COP of a DX coil
------------------------------------
EnergyPlus rates a DX coil at the AHRI 210/240 and 340/360 "A" conditions (air entering the coil
at 19.44 degC wet-bulb, 35 degC entering the condenser, rated air flow): EnergyPlus Engineering
Reference, "Coils: Standard Rating of Single-Speed DX Cooling Coils" (EnergyPlus 25.2). With

    Q = Q_gross * CapFT(19.44, 35) * CapFFlow(1)       gross capacity at rating [W]
    e = EIRFT(19.44, 35) * EIRFFlow(1)                  energy input ratio modifier [-]
    P, H                                                supply fan power and fan heat [W]

the net capacity is ``Q - H``, the power ``Q e / COP_gross + P`` and

    COP_net = (1 - h) / (e / COP_gross + p),        h = H / Q, p = P / Q,

so the gross COP that gives a wanted net COP is

    COP_gross = e / ((1 - h) / COP_net - p)

(:func:`net_rated_cop`, :func:`gross_cop_for_net_cop`). ``P`` and ``H`` do not depend on the
coil's COP. For a single-speed coil EnergyPlus takes ``P = H = f * V``: ``V`` the rated air
flow and ``f`` the coil's "2017 Rated Evaporator Fan Power Per Volume Flow Rate", default 773.3
W/(m3/s) (365 W per 1000 cfm, AHRI 210/240 and 340/360). A two-speed coil with a "Unit Internal
Static Air Pressure" (a field used only for the ratings, Input-Output Reference) is rated with
its supply fan object at that pressure plus the AHRI 340/360 external static pressure for its
size (EnergyPlus ``CalcTwoSpeedDXCoilStandardRating``): ``P`` and ``H`` are then those of the
fan. For the medium office's packaged VAV coils (450 Pa) the 773.3 W/(m3/s) shortcut
underrates the fan and the reference's rated net COP comes out 3 % short (2.48 for 2.55).
Given the design run's EnergyPlus output (``design_sql``: the sizing run's will do), ``h`` and
``p`` are taken from EnergyPlus's own rating of the design coil,

    h = 1 - Q_net / Q,   p = Q_net / (COP_net Q) - e / COP_gross,

which is exact for either coil type (COP_net from the reported EER [Btu/W-h] over 3.412, the
more precise of the two reported figures). Without it the 2017 fan power per flow is used, which
for a two-speed coil with an internal static pressure is an approximation, and a note says so.

GB/T 17758 rates unitary air conditioners at 27 degC dry-bulb / 19 degC wet-bulb indoors and
35 degC outdoors (a recollection, not in standards.md): about the AHRI "A" point, so the AHRI
2017 rating EnergyPlus reports is taken as the GB EER.

The checks
----------
:func:`equipment_checks` and :func:`lighting_checks` read the actual values from EnergyPlus's
reports of the design run (Equipment Summary: Central Plant, Boilers, DX Cooling Coil Standard
Ratings 2017; Lighting Summary: Interior Lighting). The one exception is the GB IPLV, which
EnergyPlus does not report (its IPLV is AHRI 550/590's weights and conditions): it is computed
from the model's curves by :mod:`retrofit.iplv`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import pandas as pd

from retrofit import iplv as iplv_lib
from retrofit.compliance.checks import (
    Check,
    limit_decimals,
    meets_limit,
)
from retrofit.compliance.rules import LightingLimit, RuleSet, Sourced
from retrofit.measures.chiller import (
    CHILLER_TYPES,
    chillers,
    condenser,
    gb_performance,
    gb_rating,
    performance,
)
from retrofit.measures.hvac import add_curve, component_size, read_curve
from retrofit.model import number, references, type_name
from retrofit.results import read_table

# --------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------

#: Clauses of the checks when the rule set's value gives none (GB 50189-2015, standards.md P2.2).
CHILLER_COP_CLAUSE = "GB 50189-2015 Table 4.2.10"
CHILLER_IPLV_CLAUSE = "GB 50189-2015 Table 4.2.11"
BOILER_CLAUSE = "GB 50189-2015 Table 4.2.5"
UNITARY_CLAUSE = "GB 50189-2015 Table 4.2.14"
LIGHTING_CLAUSE = "GB 50034-2013"

#: GB 50189-2015 clause 4.2.14 / Table 4.2.14 covers unitary, ducted and rooftop air
#: conditioners with a rated cooling capacity above 7.1 kW [kW] (standards.md P2.2, KG). The
#: rule set's first band starts at 0 kW, so the threshold is kept here; pass another to the
#: functions to override it.
UNITARY_MIN_CAPACITY_KW = 7.1

#: A zone whose names match no lighting keyword is taken to be this space type (an ordinary
#: office: the performance path's building types are office, hotel and mall; ASSUMPTION).
DEFAULT_SPACE_KEYWORD = "office"

#: Air entering the coil at the AHRI "A" rating point, wet-bulb [degC] (EnergyPlus
#: ``CoolingCoilInletAirWetBulbTempRated``, 67 degF).
RATED_COIL_INLET_WET_BULB_C = 19.44

#: Air entering the condenser at the AHRI "A" rating point [degC] (EnergyPlus
#: ``OutdoorUnitInletAirDryBulbTempRated``, 95 degF).
RATED_OUTDOOR_DRY_BULB_C = 35.0

#: Air flow fraction of the rating (the rated flow) [-].
RATED_FLOW_FRACTION = 1.0

#: Supply fan power per rated air flow when the coil gives none [W/(m3/s)]: 365 W per
#: 1000 cfm of ANSI/AHRI 210/240 and 340/360, EnergyPlus ``DefaultFanPowerPerEvapAirFlowRate``.
DEFAULT_FAN_POWER_W_PER_M3S = 773.3

#: Btu/h per W (EnergyPlus ``ConvFromSIToIP``), to read an EER in Btu/W-h as W/W.
BTU_PER_H_PER_W = 3.412141633

#: Equipment Summary table of the DX coil ratings used (AHRI 2017 conditions; the 2023 table
#: uses the higher external static pressures of AHRI 340/360-2022).
DX_RATINGS_TABLE = "DX Cooling Coil Standard Ratings 2017"

#: EnergyPlus boiler fuels -> rule-set fuels (GB 50189-2015 Table 4.2.5: gas- and oil-fired).
BOILER_FUELS = {"naturalgas": "natural_gas", "fueloilno1": "oil", "fueloilno2": "oil"}

BOILER = "Boiler:HotWater"


#: A chiller's COP at the GB rating point (from its curves) further than this from its
#: Reference COP gets a note: its curves are not normalised at its reference point [-].
_COP_BASIS_NOTE_FRACTION = 0.02


@dataclass(frozen=True)
class DxCoilFields:
    """Where a DX coil type keeps what the rating needs (eppy field names, ComponentSizes
    descriptions)."""

    capacity: str
    cop: str
    flow: str
    fan_power: str
    curves: tuple[str, str, str, str]  # CapFT, CapFFlow, EIRFT, EIRFFlow
    capacity_size: str
    flow_size: str
    condenser_type: str | None = None
    low_speed_cop: str | None = None
    internal_static: str | None = None


_CURVES = (
    "Total_Cooling_Capacity_Function_of_Temperature_Curve_Name",
    "Total_Cooling_Capacity_Function_of_Flow_Fraction_Curve_Name",
    "Energy_Input_Ratio_Function_of_Temperature_Curve_Name",
    "Energy_Input_Ratio_Function_of_Flow_Fraction_Curve_Name",
)

#: The DX cooling coils whose gross COP is set to the GB EER.
DX_COILS = {
    "Coil:Cooling:DX:SingleSpeed": DxCoilFields(
        capacity="Gross_Rated_Total_Cooling_Capacity",
        cop="Gross_Rated_Cooling_COP",
        flow="Rated_Air_Flow_Rate",
        fan_power="2017_Rated_Evaporator_Fan_Power_Per_Volume_Flow_Rate",
        curves=_CURVES,
        capacity_size="Design Size Gross Rated Total Cooling Capacity",
        flow_size="Design Size Rated Air Flow Rate",
        condenser_type="Condenser_Type",
    ),
    "Coil:Cooling:DX:TwoSpeed": DxCoilFields(
        capacity="High_Speed_Gross_Rated_Total_Cooling_Capacity",
        cop="High_Speed_Gross_Rated_Cooling_COP",
        flow="High_Speed_Rated_Air_Flow_Rate",
        fan_power="High_Speed_2017_Rated_Evaporator_Fan_Power_Per_Volume_Flow_Rate",
        curves=_CURVES,
        capacity_size="Design Size High Speed Gross Rated Total Cooling Capacity",
        flow_size="Design Size High Speed Rated Air Flow Rate",
        condenser_type="Condenser_Type",
        low_speed_cop="Low_Speed_Gross_Rated_Cooling_COP",
        internal_static="Unit_Internal_Static_Air_Pressure",
    ),
}

#: Heating and cooling equipment the rule set has no limit for: left unchanged, with a note.
UNLIMITED_EQUIPMENT = (
    "HeatPump:PlantLoop:EIR:Heating",
    "HeatPump:PlantLoop:EIR:Cooling",
    "HeatPump:AirToWater",
    "HeatPump:WaterToWater:EquationFit:Heating",
    "HeatPump:WaterToWater:EquationFit:Cooling",
    "AirConditioner:VariableRefrigerantFlow",
    "AirConditioner:VariableRefrigerantFlow:FluidTemperatureControl",
    "Chiller:Absorption",
    "Chiller:Absorption:Indirect",
    "ChillerHeater:Absorption:DirectFired",
    "ChillerHeater:Absorption:DoubleEffect",
    "Chiller:ConstantCOP",
    "Chiller:EngineDriven",
    "Chiller:CombustionTurbine",
    "DistrictCooling",
    "DistrictHeating:Water",
    "DistrictHeating:Steam",
    "Boiler:Steam",
    "Coil:Cooling:DX",
    "Coil:Cooling:DX:MultiSpeed",
    "Coil:Cooling:DX:VariableSpeed",
    "Coil:Cooling:DX:TwoStageWithHumidityControlMode",
    "Coil:Heating:DX:SingleSpeed",
    "Coil:Heating:DX:MultiSpeed",
    "Coil:Heating:DX:VariableSpeed",
    "Coil:Heating:Fuel",
    "Coil:Heating:Electric",
)

_PLR_CURVE_FIELD = "Electric_Input_to_Cooling_Output_Ratio_Function_of_Part_Load_Ratio_Curve_Name"


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EquipmentChange:
    """One efficiency of one component, design vs reference.

    Attributes
    ----------
    component_type, name : str
        The EnergyPlus object.
    quantity : str
        What is compared (``"Reference COP"``, ``"IPLV (GB 50189-2015 4.2.13)"``, ...).
    design, reference : float or None
        The design's and the reference's value (None where unknown).
    unit : str
    capacity_kw : float or None
        The capacity that picked the band [kW] (net rated capacity for DX coils).
    capacity_source : str
        Where the (gross) capacity came from: ``"model"`` or ``"sizing run"``.
    clause, source : str
        Citation and source key of the limit ("" for a value that follows from another).
    verified : bool
    note : str
    """

    component_type: str
    name: str
    quantity: str
    design: float | None
    reference: float | None
    unit: str
    capacity_kw: float | None
    capacity_source: str
    clause: str
    source: str
    verified: bool = True
    note: str = ""


@dataclass
class EquipmentChanges:
    """What :func:`apply_reference_equipment` changed, and what it left alone and why."""

    changes: list[EquipmentChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_rows(self) -> list[dict[str, Any]]:
        """One dict per component and quantity: the design vs reference table."""
        return [asdict(change) for change in self.changes]


# --------------------------------------------------------------------------------------------
# The reference building's equipment (edits the model)
# --------------------------------------------------------------------------------------------


def apply_reference_equipment(
    idf,
    rules: RuleSet,
    component_sizes: pd.DataFrame | None,
    *,
    design_sql: str | os.PathLike | None = None,
    unitary_min_capacity_kw: float = UNITARY_MIN_CAPACITY_KW,
) -> EquipmentChanges:
    """Give the model's chillers, boilers and DX cooling coils the standard's efficiencies.

    Edits ``idf`` in place (the caller passes a copy of the design). The method, and what is
    left alone, is in the module docstring.

    Parameters
    ----------
    idf : eppy IDF
        The design model (a copy), before :func:`retrofit.idf.prepare_model` or after.
    rules : RuleSet
        Its :attr:`~RuleSet.equipment` gives the limits.
    component_sizes : DataFrame or None
        The design's ``ComponentSizes`` from a sizing run
        (:attr:`retrofit.results.Results.component_sizes`): the capacities of autosized
        equipment, which pick the capacity bands.
    design_sql : path, optional
        The design run's ``eplusout.sql`` (the sizing run's will do): the DX coils' supply-fan
        terms are then taken from EnergyPlus's own ratings of the design coils (exact for
        two-speed coils rated with their supply fan). Without it, from each coil's 2017 fan
        power per flow (default 773.3 W/(m3/s)).
    unitary_min_capacity_kw : float
        DX coils at or below this net rated capacity have no GB limit [kW]; default 7.1
        (GB 50189-2015 clause 4.2.14).

    Returns
    -------
    EquipmentChanges
        Design vs reference per component (:meth:`EquipmentChanges.to_rows`) and notes.

    Raises
    ------
    InputError
        A component's capacity falls in no band of the rule set.
    """
    out = EquipmentChanges()
    for chiller_type, obj in chillers(idf):
        _reference_chiller(idf, chiller_type, obj, rules, component_sizes, out)
    for obj in idf.idfobjects[BOILER.upper()]:
        _reference_boiler(obj, rules, component_sizes, out)
    ratings = _dx_ratings(design_sql) if design_sql is not None else {}
    for coil_type, fields in DX_COILS.items():
        for obj in idf.idfobjects[coil_type.upper()]:
            _reference_dx_coil(
                idf,
                coil_type,
                fields,
                obj,
                rules,
                component_sizes,
                ratings,
                unitary_min_capacity_kw,
                out,
            )
    out.notes.extend(unlimited_equipment_notes(idf))
    return out


def _reference_chiller(idf, chiller_type, obj, rules, sizes, out: EquipmentChanges) -> None:
    name = str(obj.Name)
    kind = condenser(chiller_type, obj)
    air = kind != "water"
    capacity_w, capacity_source = _capacity(
        obj.Reference_Capacity, sizes, chiller_type, name, "Design Size Reference Capacity"
    )
    if capacity_w is None:
        out.notes.append(
            f"{chiller_type} {name}: capacity unknown (autosized, no sizing run): unchanged"
        )
        return
    capacity_kw = capacity_w / 1000.0
    limit = rules.equipment.chiller("air" if air else "water", capacity_kw)
    design_cop = number(obj.Reference_COP)
    design = performance(idf, chiller_type, obj)
    design_gb = gb_performance(design, air)

    # The table's COP is at the GB rating point (7 degC chilled water, 30 degC cooling water);
    # a model's Reference COP is at its curves' reference conditions, which differ (the DOE
    # large office's curves give 6.10 at the GB point for a Reference COP of 5.50). COP at a
    # fixed point is proportional to the Reference COP, so scale it to put the GB-point COP at
    # the limit; where the curves cannot be read, the Reference COP itself is set to it.
    reference_cop = limit.cop.value
    if design is not None and design_gb["cop_rated"]:
        reference_cop = limit.cop.value * design.cop_ref / design_gb["cop_rated"]
    obj.Reference_COP = reference_cop
    iplv_note = ""
    reference = None if design is None else replace(design, cop_ref=reference_cop)
    if reference is None:
        iplv_note = "the curves cannot be read (curve type or Lift curve): IPLV not fitted"
    else:
        try:
            fit = iplv_lib.fit_part_load_curve(reference, limit.iplv.value, **gb_rating(air))
        except ValueError as exc:
            iplv_note = f"the design's part-load curve is kept: {exc}"
        else:
            reference = fit.chiller
            obj[_PLR_CURVE_FIELD] = add_curve(
                idf, reference.eir_fplr, f"{name} EIRFPLR GB 50189 reference"
            )
            iplv_note = f"part-load curve deformed by {fit.lam:+.3f} PLR (1 - PLR)"
    reference_gb = gb_performance(reference, air)
    if iplv_note.startswith(("the curves", "the design's")):
        out.notes.append(f"{chiller_type} {name}: {iplv_note}")

    cls = f"{limit.condenser}-cooled {limit.compressor}"
    if kind == "evaporative":
        cls += " (evaporatively cooled: the air-cooled rows)"
    basis = _cop_basis_note(design_cop, design_gb["cop_rated"])
    common = dict(
        component_type=chiller_type,
        name=name,
        unit="W/W",
        capacity_kw=capacity_kw,
        capacity_source=capacity_source,
    )
    out.changes.append(
        EquipmentChange(
            quantity="Reference COP",
            design=design_cop,
            reference=reference_cop,
            clause=_citation(limit.cop, CHILLER_COP_CLAUSE),
            source=limit.cop.source,
            verified=limit.cop.verified,
            note="; ".join(
                part
                for part in (
                    cls,
                    _gb_cop_text(design_gb["cop_rated"], reference_gb["cop_rated"]),
                    basis,
                )
                if part
            ),
            **common,
        )
    )
    out.changes.append(
        EquipmentChange(
            quantity="IPLV (GB 50189-2015 4.2.13, from the curves)",
            design=design_gb["iplv"],
            reference=reference_gb["iplv"],
            clause=_citation(limit.iplv, CHILLER_IPLV_CLAUSE),
            source=limit.iplv.source,
            verified=limit.iplv.verified,
            note=f"{cls}; {iplv_note}",
            **common,
        )
    )


def _reference_boiler(obj, rules, sizes, out: EquipmentChanges) -> None:
    name = str(obj.Name)
    fuel_type = str(obj.Fuel_Type or "").strip()
    fuel = BOILER_FUELS.get(fuel_type.lower())
    if fuel is None:
        out.notes.append(
            f"{BOILER} {name}: fuel {fuel_type or '(blank)'}: no limit applied: not in the rule "
            "set (GB 50189-2015 Table 4.2.5 covers gas- and oil-fired boilers)"
        )
        return
    capacity_w, capacity_source = _capacity(
        obj.Nominal_Capacity, sizes, BOILER, name, "Design Size Nominal Capacity"
    )
    if capacity_w is None:
        out.notes.append(f"{BOILER} {name}: capacity unknown (autosized, no sizing run): unchanged")
        return
    limit = rules.equipment.boiler(capacity_w / 1000.0, fuel)
    design = number(obj.Nominal_Thermal_Efficiency)
    obj.Nominal_Thermal_Efficiency = limit.efficiency.value
    out.changes.append(
        EquipmentChange(
            component_type=BOILER,
            name=name,
            quantity="Nominal Thermal Efficiency",
            design=design,
            reference=limit.efficiency.value,
            unit="-",
            capacity_kw=capacity_w / 1000.0,
            capacity_source=capacity_source,
            clause=_citation(limit.efficiency, BOILER_CLAUSE),
            source=limit.efficiency.source,
            verified=limit.efficiency.verified,
            note=(
                f"{fuel_type}; lower heating value basis (GB), as the accounting's gas "
                "conversion; the normalised efficiency curve is kept"
            ),
        )
    )


def _reference_dx_coil(
    idf, coil_type, fields, obj, rules, sizes, ratings, min_capacity_kw, out: EquipmentChanges
) -> None:
    name = str(obj.Name)
    label = f"{coil_type} {name}"
    rating = _dx_rating_terms(idf, coil_type, fields, obj, sizes, ratings.get(name.upper()))
    if isinstance(rating, str):
        out.notes.append(f"{label}: {rating}: unchanged")
        return
    net_capacity_kw = rating.net_capacity_w / 1000.0
    if net_capacity_kw <= min_capacity_kw:
        out.notes.append(
            f"{label}: net rated capacity {net_capacity_kw:.1f} kW, not above "
            f"{min_capacity_kw:g} kW: no GB 50189-2015 Table 4.2.14 limit, unchanged"
        )
        return
    ducted = _ducted(idf, name)
    limit = rules.equipment.unitary_eer("air", ducted, net_capacity_kw)
    target = limit.eer.value
    try:
        gross = gross_cop_for_net_cop(
            target, rating.eir_factor, rating.fan_power_fraction, rating.fan_heat_fraction
        )
    except ValueError as exc:
        out.notes.append(f"{label}: {exc}: unchanged")
        return
    obj[fields.cop] = gross
    notes = [f"air-cooled, {'ducted' if ducted else 'not ducted'}", rating.note]
    if fields.low_speed_cop is not None:
        low = number(obj[fields.low_speed_cop])
        if low is not None and rating.gross_cop > 0:
            obj[fields.low_speed_cop] = low * gross / rating.gross_cop
            notes.append(f"low-speed COP {low:.3f} -> {low * gross / rating.gross_cop:.3f}")
    condenser_kind = str(obj[fields.condenser_type] or "") if fields.condenser_type else ""
    if condenser_kind.lower() == "evaporativelycooled":
        notes.append("evaporatively cooled condenser: rated as air-cooled")
    common = dict(
        component_type=coil_type,
        name=name,
        unit="W/W",
        capacity_kw=net_capacity_kw,
        capacity_source=rating.capacity_source,
    )
    out.changes.append(
        EquipmentChange(
            quantity="net rated COP (EER)",
            design=rating.net_cop,
            reference=target,
            clause=_citation(limit.eer, UNITARY_CLAUSE),
            source=limit.eer.source,
            verified=limit.eer.verified,
            note="; ".join(n for n in notes if n),
            **common,
        )
    )
    out.changes.append(
        EquipmentChange(
            quantity="gross rated COP",
            design=rating.gross_cop,
            reference=gross,
            clause="",
            source="",
            note="the model input that gives the net rated COP (module docstring)",
            **common,
        )
    )


def unlimited_equipment_notes(idf) -> list[str]:
    """One note per type of heating or cooling equipment in the model that the rule set has no
    limit for (:data:`UNLIMITED_EQUIPMENT`), with its count."""
    notes = []
    for key in UNLIMITED_EQUIPMENT:
        found = idf.idfobjects.get(key.upper(), [])
        if found:
            notes.append(f"{key} x{len(found)}: no limit applied: not in the rule set")
    return notes


# --------------------------------------------------------------------------------------------
# Prescriptive checks of the design run (read EnergyPlus's reports)
# --------------------------------------------------------------------------------------------


def equipment_checks(
    sql_path: str | os.PathLike,
    idf,
    rules: RuleSet,
    *,
    unitary_min_capacity_kw: float = UNITARY_MIN_CAPACITY_KW,
) -> list[Check]:
    """Chiller COP and IPLV, boiler efficiency and unitary EER of the design against the rule set.

    Parameters
    ----------
    sql_path : path
        The design run's ``eplusout.sql`` (Equipment Summary requested; any run period).
    idf : eppy IDF
        The design model as simulated: condenser types, fuels, the systems a DX coil sits in,
        and the chiller curves for the GB IPLV.
    rules : RuleSet
    unitary_min_capacity_kw : float
        DX coils at or below this net rated capacity are not checked [kW] (GB 50189-2015
        clause 4.2.14: 7.1).

    Returns
    -------
    list of Check
        Per chiller: COP (Equipment Summary, Central Plant: Reference Capacity and Reference
        Efficiency) vs Table 4.2.10, and the GB IPLV computed from the curves vs Table 4.2.11;
        per gas- or oil-fired ``Boiler:HotWater``: Reference Efficiency vs Table 4.2.5; per
        DX cooling coil above 7.1 kW: Standard Rating Net COP (DX Cooling Coil Standard Ratings
        2017) vs Table 4.2.14.
    """
    plant = read_table(sql_path, "EquipmentSummary", "Central Plant")
    boilers = read_table(sql_path, "EquipmentSummary", "Boilers")
    dx = read_table(sql_path, "EquipmentSummary", DX_RATINGS_TABLE)
    found = {str(obj.Name).upper(): (t, obj) for t, obj in chillers(idf)}
    checks: list[Check] = []
    types = _column(plant, "Type")
    for row_name, row in plant.iterrows():
        kind = str(row.get(types, "") if types else "")
        if kind.upper() in (t.upper() for t in CHILLER_TYPES):
            checks.extend(_chiller_checks(idf, str(row_name), row, plant, found, rules))
        elif kind.upper() == BOILER.upper():
            checks.append(_boiler_check(idf, str(row_name), row, plant, boilers, rules))
    for row_name, row in dx.iterrows():
        check = _dx_check(idf, str(row_name), row, dx, rules, unitary_min_capacity_kw)
        if check is not None:
            checks.append(check)
    return checks


def _chiller_checks(idf, name, row, plant, found, rules) -> list[Check]:
    capacity_w = _cell(row, plant, "Reference Capacity")
    cop = _cell(row, plant, "Reference Efficiency")
    ahri_cop = _cell(row, plant, "Rated Efficiency")
    ahri_iplv = _cell(row, plant, "IPLV in SI Units")
    chiller_type, obj = found.get(name.upper(), (None, None))
    if obj is None or capacity_w is None:
        why = "not in the model" if obj is None else "no reference capacity in the report"
        return [
            Check(
                CHILLER_COP_CLAUSE,
                f"chiller {name} COP",
                "",
                cop,
                "W/W",
                None,
                note=f"not checked: {why}",
            )
        ]
    air = condenser(chiller_type, obj) != "water"
    limit = rules.equipment.chiller("air" if air else "water", capacity_w / 1000.0)
    cls = f"{limit.condenser}-cooled {limit.compressor}, {capacity_w / 1000.0:.0f} kW"
    gb = gb_performance(performance(idf, chiller_type, obj), air)
    cop_note = (
        "COP at the GB rating point (7 degC chilled water, 30 degC cooling water) from the "
        f"model's curves; EnergyPlus reports Reference COP {_fmt(cop)} at the curves' reference "
        f"conditions and AHRI 550/590 rated efficiency {_fmt(ahri_cop)}"
    )
    if gb["cop_rated"] is not None:
        cop = gb["cop_rated"]
    else:
        cop_note = "curves cannot be read: the Reference COP as EnergyPlus reports it"
    iplv_note = (
        "GB 50189-2015 clause 4.2.13 weights and cooling-water temperatures, computed from the "
        f"model's curves (retrofit.iplv); EnergyPlus reports the AHRI 550/590 IPLV "
        f"({_fmt(ahri_iplv)}), not the GB one"
    )
    return [
        _limit_check(
            CHILLER_COP_CLAUSE,
            f"chiller {name} COP ({cls})",
            cop,
            "W/W",
            limit.cop,
            cop_note,
        ),
        _limit_check(
            CHILLER_IPLV_CLAUSE,
            f"chiller {name} IPLV ({cls})",
            gb["iplv"],
            "W/W",
            limit.iplv,
            iplv_note if gb["iplv"] is not None else "curves cannot be read: " + iplv_note,
        ),
    ]


def _boiler_check(idf, name, row, plant, boilers, rules) -> Check:
    capacity_w = _cell(row, plant, "Reference Capacity")
    efficiency = _cell(row, plant, "Reference Efficiency")
    fuel_type = ""
    fuel_column = _column(boilers, "Fuel Type")
    if fuel_column and name in boilers.index:
        fuel_type = str(boilers.loc[name, fuel_column])
    if not fuel_type:
        obj = next((o for o in idf.idfobjects[BOILER.upper()] if _same(o.Name, name)), None)
        fuel_type = str(obj.Fuel_Type) if obj is not None else ""
    fuel = BOILER_FUELS.get(fuel_type.strip().lower())
    item = f"boiler {name} efficiency"
    if fuel is None or capacity_w is None:
        why = f"fuel {fuel_type or 'unknown'} has no limit" if fuel is None else "no capacity"
        return Check(BOILER_CLAUSE, item, "", efficiency, "-", None, note=f"not checked: {why}")
    limit = rules.equipment.boiler(capacity_w / 1000.0, fuel)
    return _limit_check(
        BOILER_CLAUSE,
        f"{item} ({fuel_type}, {capacity_w / 1000.0:.0f} kW)",
        efficiency,
        "-",
        limit.efficiency,
        "Reference Efficiency as EnergyPlus reports it; GB efficiencies are on the lower "
        "heating value",
    )


def _dx_check(idf, name, row, dx, rules, min_capacity_kw) -> Check | None:
    capacity_w = _cell(row, dx, "Standard Rating Net Cooling Capacity")
    net_cop = _cell(row, dx, "Standard Rating Net COP")
    if capacity_w is None or capacity_w / 1000.0 <= min_capacity_kw:
        return None
    ducted = _ducted(idf, name)
    limit = rules.equipment.unitary_eer("air", ducted, capacity_w / 1000.0)
    kind = "ducted" if ducted else "not ducted"
    return _limit_check(
        UNITARY_CLAUSE,
        f"DX cooling coil {name} EER (air-cooled, {kind}, {capacity_w / 1000.0:.1f} kW)",
        net_cop,
        "W/W",
        limit.eer,
        "Standard Rating Net COP at the AHRI 2017 rating point (19.44 degC wet-bulb entering "
        "the coil, 35 degC outdoors, supply fan included), taken as the GB EER",
    )


def lighting_checks(sql_path: str | os.PathLike, idf, rules: RuleSet) -> list[Check]:
    """Lighting power density of each conditioned zone against GB 50034-2013.

    Parameters
    ----------
    sql_path : path
        The design run's ``eplusout.sql`` (Lighting Summary requested).
    idf : eppy IDF
        Not read (the report holds everything); kept for the common signature of the checks.
    rules : RuleSet
        :attr:`~RuleSet.lighting_limits`: the first limit whose keyword occurs in the zone's
        name (or its spaces', space types' or lights' names) applies; with none, the ordinary
        office's limit (the one a zone called "office" gets), and
        the note says so (:func:`default_lighting_limit`).

    Returns
    -------
    list of Check
        One per zone with lights: installed power over floor area (Lighting Summary, Interior
        Lighting: Total Power and Space Area), unverified when the limit is. Zones the report
        marks unconditioned are not checked.
    """
    del idf  # the report has the zones, areas and powers
    table = read_table(sql_path, "LightingSummary", "Interior Lighting")
    if table.empty:
        return []
    zones = zone_lighting(table)
    default = default_lighting_limit(rules.lighting_limits)
    checks = []
    for zone in zones:
        if not zone["conditioned"]:
            continue
        limit, matched = lighting_limit_for(
            (zone["zone"], *zone["names"]), rules.lighting_limits, default
        )
        if limit is None:
            continue
        if matched:
            note = f"{limit.space_type} limit (keyword {matched!r})"
        else:
            note = f"no keyword matched the zone: the {limit.space_type} limit applies"
        checks.append(
            _limit_check(
                _citation(limit.lpd_w_per_m2, LIGHTING_CLAUSE),
                f"lighting power density, zone {zone['zone']}",
                zone["lpd_w_per_m2"],
                "W/m2",
                limit.lpd_w_per_m2,
                note,
                maximum=True,
            )
        )
    return checks


# --------------------------------------------------------------------------------------------
# Reading the model and the reports
# --------------------------------------------------------------------------------------------


def _capacity(value, sizes, component_type: str, name: str, description: str):
    """(capacity [W], where from): the model's number, else the sizing run's, else (None, "")."""
    capacity = number(value, positive=True)
    if capacity is not None:
        return capacity, "model"
    capacity = component_size(sizes, component_type, name, description)
    return (capacity, "sizing run") if capacity is not None else (None, "")


@dataclass(frozen=True)
class DxRatingTerms:
    """What the rated net COP of a DX coil depends on besides its gross COP.

    Attributes
    ----------
    gross_capacity_w : float
        Gross capacity at the rating point, ``Q`` [W].
    eir_factor : float
        ``e`` [-].
    fan_power_fraction, fan_heat_fraction : float
        ``p = P / Q`` and ``h = H / Q`` [-].
    gross_cop : float
        The design's gross rated COP [W/W].
    capacity_source : str
    note : str
    """

    gross_capacity_w: float
    eir_factor: float
    fan_power_fraction: float
    fan_heat_fraction: float
    gross_cop: float
    capacity_source: str
    note: str = ""

    @property
    def net_capacity_w(self) -> float:
        return self.gross_capacity_w * (1.0 - self.fan_heat_fraction)

    @property
    def net_cop(self) -> float:
        return net_rated_cop(
            self.gross_cop, self.eir_factor, self.fan_power_fraction, self.fan_heat_fraction
        )


def _dx_rating_terms(idf, coil_type, fields, obj, sizes, reported) -> DxRatingTerms | str:
    """The coil's rating terms, or a string saying why they cannot be had."""
    name = str(obj.Name)
    gross_cop = number(obj[fields.cop], positive=True)
    if gross_cop is None:
        return "no gross rated COP"
    capacity_w, capacity_source = _capacity(
        obj[fields.capacity], sizes, coil_type, name, fields.capacity_size
    )
    flow_m3s, _ = _capacity(obj[fields.flow], sizes, coil_type, name, fields.flow_size)
    if capacity_w is None or flow_m3s is None:
        return "capacity or air flow unknown (autosized, no sizing run)"
    curves = [read_curve(idf, obj[f]) for f in fields.curves]
    if None in curves:
        return "a performance curve cannot be read (not a quadratic, cubic or biquadratic)"
    cap_ft, cap_fflow, eir_ft, eir_fflow = curves
    at = (RATED_COIL_INLET_WET_BULB_C, RATED_OUTDOOR_DRY_BULB_C)
    gross_at_rating_w = capacity_w * cap_ft(*at) * cap_fflow(RATED_FLOW_FRACTION)
    eir = eir_ft(*at) * eir_fflow(RATED_FLOW_FRACTION)
    if reported is not None:
        net_capacity_w, net_cop = reported
        power, heat = fan_fractions_from_rating(
            gross_at_rating_w, gross_cop, eir, net_capacity_w, net_cop
        )
        note = "supply fan terms from EnergyPlus's rating of the design coil"
    else:
        fan = number(obj[fields.fan_power], DEFAULT_FAN_POWER_W_PER_M3S, positive=True)
        power = heat = fan * flow_m3s / gross_at_rating_w
        note = f"supply fan {fan:g} W/(m3/s) at the rated flow"
        static = number(obj[fields.internal_static]) if fields.internal_static else None
        if static:
            note += (
                f" (approximate: EnergyPlus rates this coil with its supply fan at "
                f"{static:g} Pa internal static; give the design run for an exact match)"
            )
    return DxRatingTerms(gross_at_rating_w, eir, power, heat, gross_cop, capacity_source, note)


def _dx_ratings(sql_path) -> dict[str, tuple[float, float]]:
    """{coil name upper: (net rated capacity [W], net rated COP [W/W])} of a run's 2017 DX
    ratings; the COP from the EER [Btu/W-h] where reported (more digits than the COP)."""
    table = read_table(sql_path, "EquipmentSummary", DX_RATINGS_TABLE)
    out = {}
    for name, row in table.iterrows():
        capacity = _cell(row, table, "Standard Rating Net Cooling Capacity")
        eer = _cell(row, table, "EER")
        cop = eer / BTU_PER_H_PER_W if eer else _cell(row, table, "Standard Rating Net COP")
        if capacity and cop:
            out[str(name).upper()] = (capacity, cop)
    return out


def _ducted(idf, coil_name: str) -> bool:
    """True when the coil serves an air loop (through a coil system or unitary system), False
    when it belongs to zone equipment (a PTAC, a window unit: not ducted)."""
    for parent in references(idf, coil_name):
        if type_name(parent).upper().startswith("ZONEHVAC:"):
            return False
    return True


def _column(frame: pd.DataFrame, name: str) -> str | None:
    """The frame's column called ``name``, or the one it was cut to / extended from (EnergyPlus
    25.2 writes "Reference Efficienc" in the Boilers table), or None."""
    if name in frame.columns:
        return name
    for column in frame.columns:
        if name.startswith(column) or column.startswith(name):
            return column
    return None


def _cell(row: Mapping, frame: pd.DataFrame, name: str) -> float | None:
    column = _column(frame, name)
    if column is None:
        return None
    return number(row.get(column))


def _same(a, b) -> bool:
    return str(a).strip().upper() == str(b).strip().upper()


def _citation(value: Sourced, default: str) -> str:
    return getattr(value, "citation", "") or default


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _gb_cop_text(design: float | None, reference: float | None) -> str:
    if design is None or reference is None:
        return ""
    return f"COP at the GB rating point from the curves {design:.2f} -> {reference:.2f}"


def _cop_basis_note(reference_cop: float | None, gb_cop: float | None) -> str:
    if reference_cop is None or gb_cop is None or reference_cop <= 0:
        return ""
    if abs(gb_cop / reference_cop - 1.0) <= _COP_BASIS_NOTE_FRACTION:
        return ""
    return (
        "the curves are not normalised at the reference point (COP at the GB point "
        f"{gb_cop / reference_cop - 1.0:+.0%} off the Reference COP); the same holds for the "
        "reference chiller"
    )


def _limit_check(
    clause: str,
    item: str,
    actual: float | None,
    unit: str,
    limit: Sourced,
    note: str,
    *,
    maximum: bool = False,
) -> Check:
    sign = "<=" if maximum else ">="
    passed = None if actual is None else meets(actual, limit, maximum=maximum)
    return Check(
        clause=_citation(limit, clause),
        item=item,
        required=f"{sign} {limit.value:g}",
        actual=actual,
        unit=unit,
        passed=passed,
        verified=limit.verified,
        source=limit.source,
        note=note if actual is not None else f"not read from the run; {note}",
    )


# --------------------------------------------------------------------------------------------
# Pure functions
# --------------------------------------------------------------------------------------------


def net_rated_cop(
    gross_cop: float, eir_factor: float, fan_power_fraction: float, fan_heat_fraction: float
) -> float:
    """Net rated COP of a DX coil [W/W]: ``(1 - h) / (e / COP_gross + p)``.

    Parameters
    ----------
    gross_cop : float
        Gross rated cooling COP (the EnergyPlus input) [W/W].
    eir_factor : float
        ``EIRFT(19.44, 35) * EIRFFlow(1)`` [-].
    fan_power_fraction, fan_heat_fraction : float
        Supply fan power and fan heat at the rating over the gross capacity at the rating [-].

    References
    ----------
    EnergyPlus Engineering Reference, Coils, "Standard Rating of Single-Speed DX Cooling Coils"
    (EER and Standard Rating Cooling Capacity).

    Examples
    --------
    EnergyPlus 25.2 rated the small office's PSZ-AC:1 coil (gross 10 770.95 W, COP 3.6667,
    0.463564 m3/s, curves 1.0 at the rating point) at EER 10.78 Btu/W-h = 3.159 W/W:

    >>> fan = 773.3 * 0.463564 / 10770.95
    >>> round(net_rated_cop(3.66668, 1.0, fan, fan), 3)
    3.159
    """
    return (1.0 - fan_heat_fraction) / (eir_factor / gross_cop + fan_power_fraction)


def gross_cop_for_net_cop(
    net_cop: float, eir_factor: float, fan_power_fraction: float, fan_heat_fraction: float
) -> float:
    """The gross rated COP that gives the net rated COP ``net_cop`` [W/W] (inverse of
    :func:`net_rated_cop`): ``e / ((1 - h) / COP_net - p)``.

    Raises
    ------
    ValueError
        No gross COP reaches ``net_cop``: the fan alone takes more power than the net COP
        allows.
    """
    compressor = (1.0 - fan_heat_fraction) / net_cop - fan_power_fraction
    if compressor <= 0 or eir_factor <= 0:
        raise ValueError(
            f"net rated COP {net_cop:g} is out of reach: the supply fan alone needs "
            f"{fan_power_fraction:.3f} of the capacity"
        )
    return eir_factor / compressor


def fan_fractions_from_rating(
    gross_capacity_w: float,
    gross_cop: float,
    eir_factor: float,
    net_capacity_w: float,
    net_cop: float,
) -> tuple[float, float]:
    """Supply fan power and heat fractions ``(p, h)`` behind a rating EnergyPlus reported.

    ``h = 1 - Q_net / Q`` and ``p = Q_net / (COP_net Q) - e / COP_gross``, with ``Q`` the gross
    capacity at the rating point [W] (see the module docstring).
    """
    heat = 1.0 - net_capacity_w / gross_capacity_w
    power = net_capacity_w / (net_cop * gross_capacity_w) - eir_factor / gross_cop
    return power, heat


def meets(actual: float, limit: Sourced | float, *, maximum: bool = False) -> bool:
    """True if ``actual`` is at or above ``limit`` (at or below with ``maximum``), compared as
    GB/T 8170-2008 4.3.3 asks: rounded to the decimals the rule set writes the limit with
    (:func:`retrofit.compliance.checks.limit_decimals`; a bare number: its own digits)."""
    value = float(getattr(limit, "value", limit))
    return meets_limit(actual, value, limit_decimals(limit), at_least=not maximum)


def zone_lighting(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Lighting power density per zone from the Lighting Summary's Interior Lighting table.

    The power of every lights object of the zone over the floor area of the zone's spaces
    (each space counted once). Rows without a zone (the total) are skipped.

    Returns
    -------
    list of dict
        ``zone``, ``lpd_w_per_m2``, ``power_w``, ``area_m2``, ``conditioned`` (False only when
        the report says "N"), ``names`` (space, space type and lights names), in report order.
    """
    zone_col = _column(table, "Zone Name") or _column(table, "Zone")
    space_col = _column(table, "Space Name")
    type_col = _column(table, "Space Type")
    area_col = _column(table, "Space Area") or _column(table, "Zone Area")
    power_col = _column(table, "Total Power")
    conditioned_col = _column(table, "Conditioned (Y/N)")
    if zone_col is None or area_col is None or power_col is None:
        return []
    zones: dict[str, dict[str, Any]] = {}
    for lights, row in table.iterrows():
        zone = str(row.get(zone_col) or "").strip()
        if not zone:
            continue
        entry = zones.setdefault(
            zone.upper(),
            {"zone": zone, "power_w": 0.0, "areas": {}, "conditioned": True, "names": []},
        )
        entry["power_w"] += number(row.get(power_col), 0.0)
        space = str(row.get(space_col) or zone) if space_col else zone
        entry["areas"][space.upper()] = number(row.get(area_col), 0.0)
        if conditioned_col and str(row.get(conditioned_col)).strip().upper() == "N":
            entry["conditioned"] = False
        entry["names"].extend(
            str(v) for v in (space, row.get(type_col) if type_col else "", lights) if v
        )
    out = []
    for entry in zones.values():
        area = sum(entry.pop("areas").values())
        entry["area_m2"] = area
        entry["lpd_w_per_m2"] = entry["power_w"] / area if area > 0 else math.nan
        out.append(entry)
    return [e for e in out if math.isfinite(e["lpd_w_per_m2"])]


def default_lighting_limit(limits: Iterable[LightingLimit]) -> LightingLimit | None:
    """The limit used when no keyword matches: the one a zone called "office" would get (the
    ordinary office of GB 50034-2013), else the first whose space type names an office, else the
    first limit (None without limits)."""
    limits = list(limits)
    by_keyword, _ = lighting_limit_for([DEFAULT_SPACE_KEYWORD], limits, None)
    office = next((lim for lim in limits if DEFAULT_SPACE_KEYWORD in lim.space_type.lower()), None)
    return by_keyword or office or (limits[0] if limits else None)


def lighting_limit_for(
    names: Iterable[str], limits: Iterable[LightingLimit], default: LightingLimit | None
) -> tuple[LightingLimit | None, str]:
    """The first limit (in rule-set order) with a keyword in one of ``names``, and the keyword;
    ``(default, "")`` when none matches."""
    lowered = [str(n).lower() for n in names if n]
    for limit in limits:
        for keyword in limit.keywords:
            if any(keyword.lower() in name for name in lowered):
                return limit, keyword
    return default, ""
