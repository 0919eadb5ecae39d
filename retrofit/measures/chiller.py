"""High-efficiency chillers: variable-speed chillers with a rated COP and a GB IPLV in place of
the model's electric chillers, and an optional chilled-water supply temperature reset.

What the measure does
---------------------
Every ``Chiller:Electric:EIR`` and ``Chiller:Electric:ReformulatedEIR`` is replaced, keeping its
name, nodes, branches, equipment lists, flows, operating limits (minimum, maximum and optimum
part-load ratio, minimum unloading ratio) and, when the baseline's sizes are known, its
capacity. Heat-recovery chillers (heat recovery nodes set, as in the ASHRAE 90.1-2019 hospital)
are a different product and are left alone, with a note.

* ``curves = "variable_speed"`` (default): the new chiller is a ``Chiller:Electric:EIR`` with
  the curve shapes of a cited variable-speed chiller (:data:`CURVE_SETS`), normalised to 1.0 at
  the GB rating point (7 degC leaving chilled water; 30 degC entering cooling water, or 35 degC
  outdoor air), so that its Reference COP *is* the rated COP ``cop_rated``. The part-load curve
  is then deformed so that the chiller's GB 50189-2015 IPLV equals ``iplv``
  (:func:`retrofit.iplv.fit_part_load_curve`: the full-load point and the temperature curves do
  not change).

  - Water-cooled chillers take the shapes of EnergyPlus ``DataSets/Chillers.idf``
    "ElectricEIRChiller Carrier 19XR 1407kW/6.04COP/VSD" (a centrifugal chiller with a
    variable-speed drive, CoolTools catalogue data). A ``ReformulatedEIR`` chiller becomes an
    ``EIR`` one (the references to it are re-typed): the EIR model's curves are functions of
    the *entering* condenser water temperature, the quantity the GB rating fixes (30 / 26 / 23 /
    19 degC), so the GB IPLV of the produced curves is exact, with no assumption about the
    condenser water flow. The reformulated dataset curves of the same chiller, renormalised at
    the GB point, turned out fragile (many extrapolate to zero or absurd part-load COPs), and the
    EIR curve of this unit covers the GB range (12.8-32.2 degC entering water, 4.4-10 degC
    chilled water).
  - Air-cooled (and evaporatively cooled) chillers stay air-cooled and take the ASHRAE 90.1-2022
    Appendix J "Path B" air-cooled curves of ``DataSets/CodeCompliantEquipment.idf`` (PNNL; the
    part-load path that variable-speed chillers meet), the set for the chiller's size
    (below or from 528 kW). Their rated COP includes the condenser fans, so the new chiller's
    Condenser Fan Power Ratio is 0 (its fans are inside ``air_cooled_cop_rated``).
* ``curves = "existing"``: each chiller keeps its object, curves and reference conditions; only
  the Reference COP is set to ``cop_rated`` (``air_cooled_cop_rated`` for air-cooled ones), and,
  when ``iplv`` is given, the part-load curve is fitted as above. This is the COP-only edit a
  modeller would make by hand.

Capacity
--------
The new chiller is hard-sized to the replaced chiller's capacity: the model's own Reference
Capacity when it is a number, else the baseline's ``ComponentSizes`` row "Design Size Reference
Capacity" (:attr:`ApplyContext.component_sizes`). Without either it stays autosized, and a note
says so (the cost basis ``chiller_capacity_kw`` then counts only the known capacities). The
reference point moves to the GB rating point; the replaced chillers of the prototypes were sized
at 6.67 degC / 35 degC leaving condenser water (about 29.4 degC entering), within 0.3 K of it.

Chilled-water reset
-------------------
``chw_reset = true`` replaces the scheduled set point of each chilled-water loop the chillers
serve (the loop's supply outlet and the chillers' outlet nodes, which the prototypes set from
the same schedule) with one ``SetpointManager:OutdoorAirReset`` on a ``NodeList`` of those
nodes: ``chw_reset_supply_at_high_oat_c`` at and above ``chw_reset_high_oat_c`` outdoor dry-bulb,
``chw_reset_supply_at_low_oat_c`` at and below ``chw_reset_low_oat_c``, linear between (defaults:
ASHRAE 90.1-2019 Appendix G G3.1.3.9, 44 degF at 80 degF and above, 54 degF at 60 degF and
below). A loop whose set point is not a plain ``SetpointManager:Scheduled`` is left alone, with
a note.

Defaults and sources: ``measures/chiller.toml`` (catalogue entry ``chiller_upgrade``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from retrofit import iplv as iplv_lib
from retrofit.errors import InputError
from retrofit.iplv import Chiller, Curve
from retrofit.measures.base import (
    Applicability,
    ApplyContext,
    Measure,
    MeasureResult,
    Parameter,
    register,
)
from retrofit.measures.hvac import (
    add_curve,
    add_object,
    component_size,
    plant_loops,
    read_curve,
    retype_references,
    temperature_setpoint_managers,
)
from retrofit.model import number, unique_name

EIR = "Chiller:Electric:EIR"
REFORMULATED = "Chiller:Electric:ReformulatedEIR"
CHILLER_TYPES = (EIR, REFORMULATED)

#: Choices of the ``curves`` parameter.
CURVE_CHOICES = ("variable_speed", "existing")


@dataclass(frozen=True)
class CurveSet:
    """A cited set of chiller curves for ``Chiller:Electric:EIR``.

    Attributes
    ----------
    source : str
        The EnergyPlus object names and the dataset file they are copied from.
    cap_ft, eir_ft : Curve
        Biquadratics of (leaving chilled water, entering condenser) [degC], as in the file.
    eir_fplr : Curve
        Part-load curve (quadratic or cubic in PLR), as in the file.
    """

    source: str
    cap_ft: Curve
    eir_ft: Curve
    eir_fplr: Curve


_CARRIER_VSD = "ElectricEIRChiller Carrier 19XR 1407kW/6.04COP/VSD"
_APPJ_AIR_L = "ASHRAE901_AppJ_air_L_gte528kW_2.84COP_4.72IPLV.SI"
_APPJ_AIR_K = "ASHRAE901_AppJ_air_K_lt528kW_2.84COP_4.63IPLV.SI"

#: The curve shapes of the new chillers, copied from the datasets shipped with EnergyPlus 25.2
#: (``DataSets/Chillers.idf`` and ``DataSets/CodeCompliantEquipment.idf``; a test checks every
#: number against the files). The measure renormalises them at the GB rating point.
CURVE_SETS = {
    "water_cooled": CurveSet(
        source=f"EnergyPlus DataSets/Chillers.idf: {_CARRIER_VSD} (CAPFT, EIRFT, EIRFPLR)",
        cap_ft=Curve(
            "biquadratic",
            (1.042261e00, 2.644821e-03, -1.468026e-03, 1.366256e-02, -8.302334e-04, 1.573579e-03),
            (4.44, 10.00),
            (12.78, 32.22),
            name=f"{_CARRIER_VSD} CAPFT",
        ),
        eir_ft=Curve(
            "biquadratic",
            (1.026340e00, -1.612819e-02, -1.092591e-03, -1.784393e-02, 7.961842e-04, -9.586049e-05),
            (4.44, 10.00),
            (12.78, 32.22),
            name=f"{_CARRIER_VSD} EIRFT",
        ),
        eir_fplr=Curve(
            "quadratic",
            (1.188880e-01, 6.723542e-01, 2.068754e-01),
            (0.20, 1.04),
            name=f"{_CARRIER_VSD} EIRFPLR",
        ),
    ),
    "air_cooled_gte528kW": CurveSet(
        source=(
            f"EnergyPlus DataSets/CodeCompliantEquipment.idf: {_APPJ_AIR_L}_cap-f-t, _eir-f-t, "
            "_eir-f-plr (ASHRAE 90.1-2022 Appendix J, Path B, air-cooled >= 528 kW)"
        ),
        cap_ft=Curve(
            "biquadratic",
            (
                0.879844416630538,
                0.0604150176709789,
                -0.00199418747324271,
                0.000936561770301372,
                -0.000155628648906122,
                -0.00015518502663619,
            ),
            (4.0, 16.0),
            (12.8, 52.0),
            name=f"{_APPJ_AIR_L}_cap-f-t",
        ),
        eir_ft=Curve(
            "biquadratic",
            (
                0.711588903409163,
                -0.0295197355608497,
                0.00139048310597048,
                0.00155404341313681,
                0.000353132388220981,
                -0.000272144039845811,
            ),
            (4.0, 16.0),
            (12.8, 52.0),
            name=f"{_APPJ_AIR_L}_eir-f-t",
        ),
        eir_fplr=Curve(
            "cubic",
            (0.0957110065782636, 0.00990268145861235, 1.54339631880243, -0.646736895539313),
            (0.0, 1.0),
            name=f"{_APPJ_AIR_L}_eir-f-plr",
        ),
    ),
    "air_cooled_lt528kW": CurveSet(
        source=(
            f"EnergyPlus DataSets/CodeCompliantEquipment.idf: {_APPJ_AIR_K}_cap-f-t, _eir-f-t, "
            "_eir-f-plr (ASHRAE 90.1-2022 Appendix J, Path B, air-cooled < 528 kW)"
        ),
        cap_ft=Curve(
            "biquadratic",
            (
                0.709194642668237,
                0.0595655564873425,
                -0.0019678469748782,
                0.0108990663829302,
                -0.000284484985147474,
                -0.000222414965753283,
            ),
            (4.0, 16.0),
            (12.8, 52.0),
            name=f"{_APPJ_AIR_K}_cap-f-t",
        ),
        eir_ft=Curve(
            "biquadratic",
            (
                0.891871942369466,
                -0.0298207516864359,
                0.00145949711826254,
                -0.00692888799504811,
                0.000453300718733124,
                -0.000302768261242289,
            ),
            (4.0, 16.0),
            (12.8, 52.0),
            name=f"{_APPJ_AIR_K}_eir-f-t",
        ),
        eir_fplr=Curve(
            "cubic",
            (0.0368488259755917, 0.100792200135822, 1.61414212172688, -0.748013205238294),
            (0.0, 1.0),
            name=f"{_APPJ_AIR_K}_eir-f-plr",
        ),
    ),
}

#: Capacity that splits the two air-cooled Appendix J sets [kW] (the sets' names: < / >= 528 kW).
AIR_COOLED_SET_SPLIT_KW = 528.0

#: GB 50189-2015 Table 4.2.10 / 4.2.11 limits, hot-summer-cold-winter column (standards.md Part 2,
#: P2.2, source KG): water-cooled centrifugal chillers by capacity, (upper bound of the capacity
#: class [kW], minimum COP, minimum IPLV) for fixed-speed chillers.
GB_WATER_COOLED_CENTRIFUGAL_LIMITS = (
    (1163.0, 5.30, 5.45),
    (2110.0, 5.60, 5.75),
    (math.inf, 5.90, 6.20),
)

#: GB 50189-2015 clause text (KG, P2.2): a variable-speed water-cooled centrifugal chiller's COP
#: may be 0.93 x the table value and its IPLV must be >= 1.30 x the table value.
GB_VARIABLE_SPEED_CENTRIFUGAL_COP_FACTOR = 0.93
GB_VARIABLE_SPEED_CENTRIFUGAL_IPLV_FACTOR = 1.30

#: GB 50189-2015 Table 4.2.10 / 4.2.11 air- or evaporatively-cooled screw chillers (KG, P2.2):
#: (upper bound of the capacity class [kW], minimum COP, minimum IPLV).
GB_AIR_COOLED_SCREW_LIMITS = ((50.0, 2.90, 3.10), (math.inf, 3.00, 3.20))


def gb_50189_limits(air_cooled: bool, capacity_kw: float) -> dict[str, float]:
    """GB 50189-2015 minimum COP and IPLV for the new chiller's class (HSCW column).

    Water-cooled: variable-speed centrifugal (fixed-speed limits x 0.93 for COP, x 1.30 for
    IPLV); air-cooled: screw chillers (the table has no variable-speed factor for them).
    """
    if air_cooled:
        table, cop_factor, iplv_factor = GB_AIR_COOLED_SCREW_LIMITS, 1.0, 1.0
        kind = "air-cooled screw"
    else:
        table = GB_WATER_COOLED_CENTRIFUGAL_LIMITS
        cop_factor = GB_VARIABLE_SPEED_CENTRIFUGAL_COP_FACTOR
        iplv_factor = GB_VARIABLE_SPEED_CENTRIFUGAL_IPLV_FACTOR
        kind = "water-cooled variable-speed centrifugal"
    for upper_kw, cop_min, iplv_min in table:
        if capacity_kw <= upper_kw:
            return {
                "class": kind,
                "cop_min": cop_min * cop_factor,
                "iplv_min": iplv_min * iplv_factor,
            }
    raise AssertionError("unreachable: the last class has no upper bound")  # pragma: no cover


# --------------------------------------------------------------------------------------------
# The chillers of a model
# --------------------------------------------------------------------------------------------


def chillers(idf) -> list[tuple[str, Any]]:
    """The model's EIR and reformulated EIR chillers as (EnergyPlus type, eppy object)."""
    return [(t, obj) for t in CHILLER_TYPES for obj in idf.idfobjects[t.upper()]]


def heat_recovery(obj) -> bool:
    """True for a chiller with a heat-recovery condenser (its heat recovery nodes are set)."""
    return bool(str(obj.Heat_Recovery_Inlet_Node_Name or "").strip())


def condenser(chiller_type: str, obj) -> str:
    """ "water", "air" or "evaporative"."""
    if chiller_type == REFORMULATED:
        return "water"
    kind = str(obj.Condenser_Type or "AirCooled").lower()
    return {"watercooled": "water", "evaporativelycooled": "evaporative"}.get(kind, "air")


def reference_condenser_c(chiller_type: str, obj) -> float:
    if chiller_type == REFORMULATED:
        return number(obj.Reference_Leaving_Condenser_Water_Temperature) or 35.0
    return number(obj.Reference_Entering_Condenser_Fluid_Temperature) or 29.4


def performance(idf, chiller_type: str, obj) -> Chiller | None:
    """The chiller's performance record for :mod:`retrofit.iplv` (None if a curve is of a type
    it does not read, or a field is missing)."""
    plr_field = "Electric_Input_to_Cooling_Output_Ratio_Function_of_Part_Load_Ratio_Curve_Name"
    curves = [
        read_curve(idf, obj[f])
        for f in (
            "Cooling_Capacity_Function_of_Temperature_Curve_Name",
            "Electric_Input_to_Cooling_Output_Ratio_Function_of_Temperature_Curve_Name",
            plr_field,
        )
    ]
    cop = number(obj.Reference_COP)
    if None in curves or cop is None or cop <= 0:
        return None
    if chiller_type == REFORMULATED:
        curve_type = str(
            obj.Electric_Input_to_Cooling_Output_Ratio_Function_of_Part_Load_Ratio_Curve_Type
        ).lower()
        if curve_type == "lift":
            return None
    try:
        return Chiller(
            "reformulated" if chiller_type == REFORMULATED else "eir",
            cop,
            *curves,
            min_plr=number(obj.Minimum_Part_Load_Ratio) or 0.1,
            max_plr=number(obj.Maximum_Part_Load_Ratio) or 1.0,
            min_unloading_ratio=number(obj.Minimum_Unloading_Ratio) or 0.2,
        )
    except ValueError:
        return None


def gb_rating(air_cooled: bool) -> dict[str, Any]:
    """Keyword arguments of :func:`retrofit.iplv.iplv` for the GB 50189-2015 rating."""
    return {
        "weights": iplv_lib.GB_IPLV_WEIGHTS,
        "condenser_entering_c": (
            iplv_lib.GB_AIR_COOLED_CONDENSER_C
            if air_cooled
            else iplv_lib.GB_WATER_COOLED_CONDENSER_C
        ),
        "chilled_water_c": iplv_lib.GB_CHILLED_WATER_C,
        "condenser_rise_k": iplv_lib.GB_CONDENSER_RISE_K,
    }


def gb_performance(chiller: Chiller | None, air_cooled: bool) -> dict[str, float | None]:
    """Rated COP and IPLV at the GB conditions [W/W] (None where the curves do not allow it)."""
    if chiller is None:
        return {"cop_rated": None, "iplv": None}
    rating = gb_rating(air_cooled)
    try:
        cop = iplv_lib.rated_cop(
            chiller,
            rating["condenser_entering_c"][0],
            rating["chilled_water_c"],
            rating["condenser_rise_k"],
        )
        value = iplv_lib.iplv(chiller, **rating)
    except ValueError:
        return {"cop_rated": None, "iplv": None}
    return {"cop_rated": cop, "iplv": value}


def new_performance(
    curve_set: CurveSet, cop_rated: float, air_cooled: bool, old: Chiller | None, obj
) -> Chiller:
    """The new chiller before its IPLV fit: the set's shapes normalised at the GB rating point,
    the replaced chiller's operating limits."""
    chilled = iplv_lib.GB_CHILLED_WATER_C
    entering = gb_rating(air_cooled)["condenser_entering_c"][0]
    return Chiller(
        "eir",
        cop_rated,
        curve_set.cap_ft.normalised(chilled, entering),
        curve_set.eir_ft.normalised(chilled, entering),
        curve_set.eir_fplr.normalised(1.0),
        min_plr=old.min_plr if old else number(obj.Minimum_Part_Load_Ratio) or 0.1,
        max_plr=old.max_plr if old else number(obj.Maximum_Part_Load_Ratio) or 1.0,
        min_unloading_ratio=(
            old.min_unloading_ratio if old else number(obj.Minimum_Unloading_Ratio) or 0.2
        ),
    )


# --------------------------------------------------------------------------------------------
# Chilled-water reset
# --------------------------------------------------------------------------------------------


def add_chilled_water_reset(idf, chiller_objects, params) -> tuple[list[dict], list[str]]:
    """Replace the chilled-water loops' scheduled set points by an outdoor-air reset.

    Returns the details (one dict per loop reset) and notes (loops left alone and why).
    """
    details, notes = [], []
    loops = [loop for loop in plant_loops(idf) if loop.kind == "PlantLoop"]
    for loop in loops:
        served = [(t, obj) for t, obj in chiller_objects if loop.holds(t, str(obj.Name), "supply")]
        if not served:
            continue
        nodes = [loop.supply_outlet_node.upper()] + [
            str(obj.Chilled_Water_Outlet_Node_Name).upper() for _, obj in served
        ]
        managers = [m for m in temperature_setpoint_managers(idf) if set(m.nodes) & set(nodes)]
        if not any(loop.supply_outlet_node.upper() in m.nodes for m in managers):
            notes.append(
                f"chilled-water loop {loop.name}: no set point on its supply outlet; not reset"
            )
            continue
        others = [m for m in managers if m.key != "SETPOINTMANAGER:SCHEDULED"]
        wider = [m for m in managers if not set(m.nodes) <= set(nodes)]
        if others or wider:
            what = ", ".join(f"{m.obj.Name} ({m.key.title()})" for m in others) or ", ".join(
                str(m.obj.Name) for m in wider
            )
            notes.append(
                f"chilled-water loop {loop.name}: set by {what}, not a scheduled set point of "
                "its own; not reset"
            )
            continue
        controlled = sorted({node for m in managers for node in m.nodes if node in nodes})
        removed = [str(m.obj.Name) for m in managers]
        for m in managers:
            idf.removeidfobject(m.obj)
        base = f"{loop.name} CHW Reset"
        list_name = unique_name(idf, "NodeList", f"{base} Nodes")
        node_list = add_object(
            idf, "NodeList", [list_name, *_original_case(controlled, loop, served)]
        )
        manager = idf.newidfobject(
            "SETPOINTMANAGER:OUTDOORAIRRESET",
            Name=unique_name(idf, "SetpointManager:OutdoorAirReset", base),
            Control_Variable="Temperature",
            Setpoint_at_Outdoor_Low_Temperature=params["chw_reset_supply_at_low_oat_c"],
            Outdoor_Low_Temperature=params["chw_reset_low_oat_c"],
            Setpoint_at_Outdoor_High_Temperature=params["chw_reset_supply_at_high_oat_c"],
            Outdoor_High_Temperature=params["chw_reset_high_oat_c"],
            Setpoint_Node_or_NodeList_Name=list_name,
        )
        details.append(
            {
                "loop": loop.name,
                "setpoint_manager": str(manager.Name),
                "nodes": list(node_list.obj[2:]),
                "replaced": removed,
            }
        )
    return details, notes


def _original_case(nodes_upper, loop, served) -> list[str]:
    """The node names in the model's own spelling."""
    spelled = {loop.supply_outlet_node.upper(): loop.supply_outlet_node}
    for _, obj in served:
        node = str(obj.Chilled_Water_Outlet_Node_Name)
        spelled[node.upper()] = node
    return [spelled.get(n, n) for n in nodes_upper]


# --------------------------------------------------------------------------------------------
# The measure
# --------------------------------------------------------------------------------------------

_PLR_CURVE_FIELD = "Electric_Input_to_Cooling_Output_Ratio_Function_of_Part_Load_Ratio_Curve_Name"
_CAPFT_FIELD = "Cooling_Capacity_Function_of_Temperature_Curve_Name"
_EIRFT_FIELD = "Electric_Input_to_Cooling_Output_Ratio_Function_of_Temperature_Curve_Name"

#: Reformulated-EIR fields copied to a new EIR chiller under another name.
_REFORMULATED_TO_EIR_FIELDS = {
    "Reference_Condenser_Water_Flow_Rate": "Reference_Condenser_Fluid_Flow_Rate",
    "Chiller_Flow_Mode_Type": "Chiller_Flow_Mode",
}


@register
class ChillerUpgrade(Measure):
    """Variable-speed high-efficiency chillers (rated COP and GB IPLV) in place of the
    model's electric EIR chillers; optional chilled-water reset.

    Quantities: ``chiller_capacity_kw`` [kW, the cost basis: the replaced capacity that is
    known], ``chillers_replaced`` [-]. Details: per chiller, the type before and after, the
    capacity and where it came from, the rated COP and GB IPLV before and after (computed from
    the curves, :mod:`retrofit.iplv`), the curve source, the fitted bump coefficient and the GB
    50189-2015 limits of its class; the chilled-water resets.
    """

    name = "chiller_upgrade"
    objects = (
        "Chiller:Electric:EIR, Chiller:Electric:ReformulatedEIR (replaced by EIR), "
        "Curve:Biquadratic, Curve:Quadratic, Curve:Cubic, Branch / PlantEquipmentList (types), "
        "SetpointManager:OutdoorAirReset, NodeList (chw_reset)"
    )
    parameters = (
        Parameter(
            "cop_rated",
            "water-cooled: COP at the GB rating point (7 degC chilled water, 30 degC cooling "
            "water in), written as the Reference COP [W/W]",
            minimum=1.0,
            maximum=15.0,
        ),
        Parameter(
            "iplv",
            "water-cooled: GB 50189-2015 IPLV the part-load curve is fitted to [W/W]; none "
            "keeps the source curve's shape",
            minimum=1.0,
            maximum=30.0,
            optional=True,
        ),
        Parameter(
            "air_cooled_cop_rated",
            "air-cooled: COP at the GB rating point (7 degC chilled water, 35 degC outdoor air), "
            "condenser fans included [W/W]",
            minimum=1.0,
            maximum=8.0,
        ),
        Parameter(
            "air_cooled_iplv",
            "air-cooled: GB 50189-2015 IPLV the part-load curve is fitted to [W/W]; none keeps "
            "the source curve's shape",
            minimum=1.0,
            maximum=20.0,
            optional=True,
        ),
        Parameter(
            "curves",
            "variable_speed: new chillers with cited variable-speed curve shapes; existing: keep "
            "each chiller's curves and reference point, change its Reference COP (and fit its "
            "part-load curve when an IPLV is given)",
            kind="str",
            choices=CURVE_CHOICES,
        ),
        Parameter("chw_reset", "reset the chilled-water supply temperature on outdoor air", "bool"),
        Parameter(
            "chw_reset_supply_at_high_oat_c",
            "chilled-water supply at and above chw_reset_high_oat_c [degC]",
            minimum=1.0,
            maximum=20.0,
        ),
        Parameter(
            "chw_reset_high_oat_c",
            "outdoor dry-bulb from which the supply is at its lowest [degC]",
            minimum=-20.0,
            maximum=50.0,
        ),
        Parameter(
            "chw_reset_supply_at_low_oat_c",
            "chilled-water supply at and below chw_reset_low_oat_c [degC]",
            minimum=1.0,
            maximum=20.0,
        ),
        Parameter(
            "chw_reset_low_oat_c",
            "outdoor dry-bulb up to which the supply is at its warmest [degC]",
            minimum=-20.0,
            maximum=50.0,
        ),
    )

    def validate_together(self, params: dict[str, Any]) -> None:
        if params["chw_reset_low_oat_c"] >= params["chw_reset_high_oat_c"]:
            raise InputError(
                f"measure {self.name}: parameters chw_reset_low_oat_c="
                f"{params['chw_reset_low_oat_c']:g} and chw_reset_high_oat_c="
                f"{params['chw_reset_high_oat_c']:g}: the low temperature must be below the "
                "high one"
            )
        if params["chw_reset_supply_at_high_oat_c"] > params["chw_reset_supply_at_low_oat_c"]:
            raise InputError(
                f"measure {self.name}: parameters chw_reset_supply_at_high_oat_c="
                f"{params['chw_reset_supply_at_high_oat_c']:g} and chw_reset_supply_at_low_oat_c="
                f"{params['chw_reset_supply_at_low_oat_c']:g}: the supply is colder in hot weather"
            )

    def check(self, idf, context: ApplyContext | None = None) -> Applicability:
        found = chillers(idf)
        if not found:
            return Applicability(
                False,
                "no electric chillers in this model (Chiller:Electric:EIR or "
                "Chiller:Electric:ReformulatedEIR)",
            )
        if all(heat_recovery(obj) for _, obj in found):
            names = ", ".join(str(obj.Name) for _, obj in found)
            return Applicability(
                False, f"the model's only chillers recover condenser heat ({names}); not replaced"
            )
        return Applicability(True)

    def transform(self, idf, context: ApplyContext) -> MeasureResult:
        p = self.params
        sizes = context.component_sizes
        details, notes = [], []
        found = []
        for chiller_type, obj in chillers(idf):
            if heat_recovery(obj):
                notes.append(
                    f"{obj.Name}: a heat-recovery chiller (heat recovery nodes set); left alone"
                )
            else:
                found.append((chiller_type, obj))
        capacity_kw_total = 0.0
        for chiller_type, obj in found:
            record = self._replace(idf, chiller_type, obj, sizes, notes)
            details.append(record)
            if record["capacity_kw"] is not None:
                capacity_kw_total += record["capacity_kw"]
        resets = []
        if p["chw_reset"]:
            replaced = chillers(idf)
            names = {d["name"].upper() for d in details}
            resets, reset_notes = add_chilled_water_reset(
                idf, [(t, o) for t, o in replaced if str(o.Name).upper() in names], p
            )
            notes.extend(reset_notes)
        return MeasureResult(
            model=idf,
            quantities={
                "chiller_capacity_kw": capacity_kw_total,
                "chillers_replaced": float(len(details)),
            },
            details={"chillers": details, "chilled_water_resets": resets},
            notes=notes,
        )

    # -- one chiller ------------------------------------------------------------------------

    def _replace(self, idf, chiller_type: str, obj, sizes, notes: list[str]) -> dict:
        p = self.params
        name = str(obj.Name)
        kind = condenser(chiller_type, obj)
        air = kind != "water"
        cop = p["air_cooled_cop_rated"] if air else p["cop_rated"]
        target = p["air_cooled_iplv"] if air else p["iplv"]
        target_name = "air_cooled_iplv" if air else "iplv"
        old = performance(idf, chiller_type, obj)
        before = gb_performance(old, air)

        capacity_w = number(obj.Reference_Capacity)
        capacity_source = "model" if capacity_w is not None else None
        if capacity_w is None:
            capacity_w = component_size(sizes, chiller_type, name, "Design Size Reference Capacity")
            capacity_source = "ComponentSizes" if capacity_w is not None else None
        if capacity_w is None:
            notes.append(
                f"{name}: capacity unknown (autosized, no baseline sizes): the new chiller stays "
                "autosized and its capacity is not in chiller_capacity_kw"
            )
        capacity_kw = None if capacity_w is None else capacity_w / 1000.0

        if p["curves"] == "existing":
            new_type = chiller_type
            obj.Reference_COP = cop
            source = "the chiller's own curves"
            new = replace(old, cop_ref=cop) if old is not None else None
            if target is not None:
                if new is None:
                    raise InputError(
                        f"measure {self.name}: parameter {target_name}={target:g}: chiller "
                        f"{name}'s curves cannot be read (a curve type other than quadratic, "
                        "cubic, biquadratic or bicubic, or a Lift part-load curve)"
                    )
                new, lam = self._fit(new, target, target_name, air, name)
                obj[_PLR_CURVE_FIELD] = add_curve(
                    idf, new.eir_fplr, f"{name} EIRFPLR IPLV {target:g}"
                )
            else:
                lam = 0.0
            if capacity_source == "ComponentSizes":
                obj.Reference_Capacity = capacity_w
        else:
            new_type = EIR
            set_key = "water_cooled"
            if air:
                big = capacity_kw is None or capacity_kw >= AIR_COOLED_SET_SPLIT_KW
                set_key = "air_cooled_gte528kW" if big else "air_cooled_lt528kW"
            curve_set = CURVE_SETS[set_key]
            source = curve_set.source
            new = new_performance(curve_set, cop, air, old, obj)
            lam = 0.0
            if target is not None:
                new, lam = self._fit(new, target, target_name, air, name)
            obj = self._write_eir(idf, chiller_type, obj, new, air, kind, capacity_w)
        after = gb_performance(new, air)
        if before["cop_rated"] is not None and after["cop_rated"] is not None:
            if after["cop_rated"] < before["cop_rated"]:
                notes.append(
                    f"{name}: the new rated COP {after['cop_rated']:.2f} is below the replaced "
                    f"chiller's {before['cop_rated']:.2f} at the same GB rating point (from its "
                    "curves): full-load efficiency falls"
                )
        if kind == "evaporative":
            notes.append(
                f"{name}: evaporatively cooled; given the air-cooled defaults and curves "
                "(GB 50189-2015 rates air- and evaporatively cooled chillers together)"
            )
        if air and p["curves"] == "variable_speed":
            notes.append(
                f"{name}: air-cooled; the rated COP includes the condenser fans, so the new "
                "chiller's Condenser Fan Power Ratio is 0 (fan energy moves from heat rejection "
                "to cooling)"
            )
        record = {
            "name": name,
            "type_before": chiller_type,
            "type_after": new_type,
            "condenser": kind,
            "capacity_kw": capacity_kw,
            "capacity_source": capacity_source,
            "curves": source,
            "part_load_bump": lam,
            "cop_rated_before": before["cop_rated"],
            "iplv_before": before["iplv"],
            "cop_rated_after": after["cop_rated"],
            "iplv_after": after["iplv"],
            "reference_cop_after": cop,
        }
        if capacity_kw is not None:
            limits = gb_50189_limits(air, capacity_kw)
            limits["meets"] = bool(
                after["cop_rated"] is not None
                and after["iplv"] is not None
                and after["cop_rated"] >= limits["cop_min"] - 1e-9
                and after["iplv"] >= limits["iplv_min"] - 1e-9
            )
            record["gb_50189_limits"] = limits
        return record

    def _fit(self, chiller: Chiller, target: float, target_name: str, air: bool, name: str):
        rating = gb_rating(air)
        try:
            fit = iplv_lib.fit_part_load_curve(chiller, target, **rating)
        except ValueError as exc:
            raise InputError(
                f"measure {self.name}: parameter {target_name}={target:g}: {name}: {exc}"
            ) from None
        return fit.chiller, fit.lam

    def _write_eir(
        self, idf, chiller_type: str, obj, new: Chiller, air: bool, kind: str, capacity_w
    ):
        """Write ``new`` as a ``Chiller:Electric:EIR`` in place of ``obj``; returns it."""
        name = str(obj.Name)
        names = {}
        for label, curve in (
            ("CapFT", new.cap_ft),
            ("EIRFT", new.eir_ft),
            ("EIRFPLR", new.eir_fplr),
        ):
            names[label] = add_curve(idf, curve, f"{name} VSD {label}")
        if chiller_type == REFORMULATED:
            target = idf.newidfobject(EIR.upper(), Name=name)
            for field in target.fieldnames[2:]:
                source_field = next(
                    (k for k, v in _REFORMULATED_TO_EIR_FIELDS.items() if v == field), field
                )
                if source_field in obj.fieldnames:
                    target[field] = obj[source_field]
            idf.removeidfobject(obj)
            retype_references(idf, name, REFORMULATED, EIR)
        else:
            target = obj
        entering = gb_rating(air)["condenser_entering_c"][0]
        if capacity_w is not None:
            target.Reference_Capacity = capacity_w
        target.Reference_COP = new.cop_ref
        target.Reference_Leaving_Chilled_Water_Temperature = iplv_lib.GB_CHILLED_WATER_C
        target.Reference_Entering_Condenser_Fluid_Temperature = entering
        target[_CAPFT_FIELD] = names["CapFT"]
        target[_EIRFT_FIELD] = names["EIRFT"]
        target[_PLR_CURVE_FIELD] = names["EIRFPLR"]
        target.Condenser_Type = {
            "water": "WaterCooled",
            "air": "AirCooled",
            "evaporative": "EvaporativelyCooled",
        }[kind]
        if air:
            target.Condenser_Fan_Power_Ratio = 0.0
        return target
