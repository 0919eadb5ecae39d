"""Air-source heat pump, packaged part: gas furnace coils on air loops become DX heat pumps.

The measure ``air_source_heat_pump`` (:mod:`retrofit.measures.heat_pump`) converts hot-water
boiler plants; for a model with no boilers but with ``Coil:Heating:Fuel`` on its air loops it
delegates here: :func:`applies_packaged` says whether (and why not), :func:`convert_packaged`
does it.

What each gas coil becomes
--------------------------
Four arrangements are converted; everything else is left as it is and listed in the notes.

``branch``
    A ``Coil:Heating:Fuel`` directly on an ``AirLoopHVAC`` branch, controlled to the set-point
    of its outlet node (the DOE reference medium and small offices: packaged VAV and PSZ
    systems built from ``CoilSystem:Cooling:DX`` + gas coil + fan). It becomes a
    ``CoilSystem:Heating:DX`` wrapping a ``Coil:Heating:DX:SingleSpeed`` followed by a
    ``Coil:Heating:Electric`` backup, both on the branch where the gas coil was, the heat pump
    first. This is the arrangement of EnergyPlus's example file ``DXCoilSystemAuto.idf``
    (``CoilSystem:Cooling:DX`` -> ``CoilSystem:Heating:DX`` -> supplemental coil, one
    set-point manager writing a ``NodeList`` of the coils' outlet nodes). Here every set-point
    manager that wrote the gas coil's set-point node now also writes the heat pump's outlet
    node (through a ``NodeList``), so the heat pump heats the air towards the same set-point
    and the backup tops up only what the heat pump cannot deliver.
``furnace``
    The gas coil of an ``AirLoopHVAC:UnitaryHeatCool`` (or ``AirLoopHVAC:Unitary:Furnace:
    HeatCool``) with a single-speed DX cooling coil (the DOE reference retail and strip-mall
    PSZ units). The furnace becomes an ``AirLoopHVAC:UnitaryHeatPump:AirToAir`` of the same
    name, fan, cooling coil, air flows and thermostat zone, with a DX heating coil and an
    electric supplemental heater.
``unitary_system``
    The gas heating coil of a load-controlled ``AirLoopHVAC:UnitarySystem`` without a
    supplemental coil (the ASHRAE 90.1-2019 retail, strip-mall and school prototypes). The
    heating coil becomes a ``Coil:Heating:DX:SingleSpeed`` and an electric supplemental coil
    is added. A ``UnitarySystemPerformance:Multispeed`` it points to gets one heating speed
    (the DX coil is single-speed); the cooling speeds are kept.
``supplemental``
    A gas coil that already is the supplemental heater of a heat pump
    (``AirLoopHVAC:UnitaryHeatPump:AirToAir``, ``...:MultiSpeed`` or a ``UnitarySystem`` with
    DX heating: the ASHRAE 90.1-2019 small office) becomes a ``Coil:Heating:Electric`` of the
    same capacity and nodes. No heat pump is added, so it adds nothing to
    ``heat_pump_capacity_kw``.

In the ``furnace`` and ``unitary_system`` arrangements the unit's fan and coils are re-chained in
the heat-pump order EnergyPlus expects, the supplemental heater last: blow-through fan ->
cooling coil -> DX heating coil -> supplemental heater, or cooling coil -> DX heating coil ->
draw-through fan -> supplemental heater (several ASHRAE 90.1-2019 prototypes hold the gas coil
before the cooling coil). The unit keeps its inlet and outlet nodes; a
``SetpointManager:MixedAir`` that named a moved fan's nodes follows the fan. Zone equipment
with gas coils (``ZoneHVAC:UnitHeater`` in the retail and warehouse prototypes, gas reheat in
terminals) is not converted: it is listed in the notes and its gas use stays.

Sizes
-----
* Electric backup (supplemental) capacity = the replaced gas coil's capacity: its
  ``Nominal Capacity`` field when a number, else the baseline's ``Design Size Nominal
  Capacity`` (:attr:`ApplyContext.component_sizes`). Resistance heat at efficiency 1.0 (the
  ``Coil:Heating:Electric`` IDD default) can then carry the whole design load the furnace
  carried, when the heat pump is locked out or short of capacity.
* Heat-pump rated heating capacity (at 8.33 degC outdoors, 21.11 degC indoors, the AHRI
  rating point the ``Coil:Heating:DX:SingleSpeed`` IDD names), chosen by the parameter
  ``packaged_sizing_basis``:

  - ``cooling_coil``: the rated total capacity of the DX cooling coil of the same unit or
    branch. A packaged heat pump has one compressor for both modes, so a reversible unit that
    replaces the installed cooling unit brings the heating capacity of that size; EnergyPlus
    sizes heat pumps the same way (``AirLoopHVAC:UnitarySystem`` field "DX Heating Coil
    Sizing Ratio", default 1.0: heating capacity = cooling capacity x ratio). The rated
    heating capacity of packaged rooftop heat pumps is 0.84-0.98 times their rated cooling
    capacity in EnergyPlus's ``DataSets/RooftopPackagedHeatPump.idf`` (12 units, 5-20 tons).
    Falls back to ``gas_coil`` where the unit has no DX cooling coil (a note says so).
  - ``gas_coil``: the gas coil's capacity (the heating the furnace was sized for).

  In the DOE medium office the central gas coil only tempers the mixed air of a VAV system
  with electric reheat: about 21 kW against 160-180 kW of cooling per air loop on Shanghai's
  design days. ``cooling_coil`` models the heat pump of the size that would be installed,
  ``gas_coil`` a heat pump sized to the furnace's duty.
* Without component sizes the heat pump and backup stay autosized (EnergyPlus then sizes a DX
  heating coil from the cooling coil on the loop, or from the heating load) and a note says so;
  ``heat_pump_capacity_kw`` is then 0 (unknown before the run).
* Rated air flow of the DX heating coil: autosized by EnergyPlus (the unit's or air loop's
  design flow) when the coil is sized like the cooling coil; capacity x
  :data:`RATED_AIR_FLOW_M3_S_PER_W` (400 cfm/ton) when it is sized to a gas coil, so that a
  small coil on a large air loop is not rated at the loop's flow. In a VAV system the air flow
  through the coil still spans the boxes' minimum to maximum, which is wider than the
  0.00002684-0.00008056 m3/s/W EnergyPlus accepts without warning: the VAV medium office earns
  "Air volume flow rate per watt of rated total heating capacity is out of range" warnings
  with either basis (capacity and EIR f(flow) are then held at their curve limits).
* Every new DX coil earns one warning at input: the defrost EIR curve (the prototype's
  ``HPACCOOLEIRFT``) gives 0.79, not 1.0 +- 10 %, at the heating rating point. It is used only
  for defrost energy; the prototype has the same warning.

Performance curves and settings
-------------------------------
All from the PSZ-HP heating coil of the ASHRAE 90.1-2019 small office prototype bundled with the
project (``ASHRAE901_OfficeSmall_STD2019_Denver.idf``, PNNL; ``retrofit models``:
``small-office-2019``); the heating curves are the same coefficients as EnergyPlus's example
``DXCoilSystemAuto.idf`` (``HPACHeatCapFT``, ``HPACHeatCapFFF``, ``HPACHeatEIRFT``,
``HPACHeatEIRFFF``, ``HPACCOOLPLFFPLR``). See :data:`CURVES`. Defrost: reverse cycle, on
demand, with ``HPACCOOLEIRFT`` as defrost EIR f(T) (as in the prototype). The maximum outdoor
dry-bulb for defrost is the EnergyPlus default 5.0 degC (IDD 25.2; also
``DXCoilSystemAuto.idf``) rather than the prototype's 1.67 degC: Shanghai's winter is humid and
mostly between 0 and 8 degC (January mean daily minimum about 1 degC, maximum 8.1 degC;
standards.md 8), where frost forms. The crankcase heater is not modelled (IDD
default 0 W; the prototype has 50 W per unit).

Parameters read (the measure validates them; :func:`convert_packaged` checks them again)
------------------------------------------------------------------------------------------
``cop_rated``
    The measure's heating COP at its rating point. Used for the DX coils only when
    ``packaged_cop_rated`` is not set: the hydronic part rates an air-to-water unit at about
    7 degC outdoors and 47 degC leaving water, a different machine and rating point.
``packaged_cop_rated`` (optional)
    Gross rated heating COP of the DX heat pumps at the AHRI rating point (8.33 degC outdoors,
    21.11 degC indoors): EnergyPlus's "Gross Rated Heating COP", compressor and outdoor fan (the
    indoor fan is the unit's own fan object). A catalogue COP that includes the indoor fan,
    used here, understates the compressor's efficiency slightly (conservative).
    :func:`cop_at` gives the steady-state COP at another outdoor temperature.
``minimum_outdoor_temperature_c`` (optional)
    Outdoor dry-bulb below which the heat pump is off [degC]: the DX coil's "Minimum Outdoor
    Dry-Bulb Temperature for Compressor Operation"; the electric backup then carries the load.
    None: the EnergyPlus default, -8.0 degC (IDD 25.2).
``backup_cutoff_outdoor_c`` (optional)
    As in the hydronic part, the outdoor dry-bulb below which the backup heats instead of the
    heat pump [degC]; when set it is the compressor lockout instead of
    ``minimum_outdoor_temperature_c`` (the measure keeps it at or above that). The electric
    backup is there either way: below the lockout, and whenever the heat pump falls short.
``packaged_sizing_basis``
    ``cooling_coil`` or ``gas_coil`` (above).

:data:`EXTRA_PARAMETERS` declares ``packaged_sizing_basis`` and ``packaged_cop_rated`` for the
measure's parameter list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from retrofit import model
from retrofit.errors import InputError
from retrofit.iplv import Curve
from retrofit.measures.base import (
    Applicability,
    ApplyContext,
    MeasureResult,
    NotApplicable,
    Parameter,
)
from retrofit.measures.hvac import (
    add_curve,
    add_object,
    branch_components,
    final_sizes,
    retype_references,
    temperature_setpoint_managers,
)

#: The measure this module serves (for messages).
MEASURE_NAME = "air_source_heat_pump"

#: Choices of ``packaged_sizing_basis`` (see the module docstring).
SIZING_BASES = ("cooling_coil", "gas_coil")

#: Parameters this module reads beyond the hydronic part's ``cop_rated``,
#: ``minimum_outdoor_temperature_c`` and ``backup_cutoff_outdoor_c``; the
#: ``air_source_heat_pump`` measure adds them to its list.
EXTRA_PARAMETERS = (
    Parameter(
        "packaged_sizing_basis",
        "packaged units: rated heating capacity of the new DX heat pump from the unit's DX "
        "cooling coil ('cooling_coil') or from the replaced gas coil ('gas_coil')",
        kind="str",
        choices=SIZING_BASES,
    ),
    Parameter(
        "packaged_cop_rated",
        "packaged units: gross heating COP of the DX heat pump at the AHRI rating point "
        "(8.33 degC outdoors, 21.11 degC indoors) (none: cop_rated)",
        minimum=1.0,
        maximum=8.0,
        optional=True,
    ),
)

#: How this module checks the parameters it reads when called directly.
_CHECKS = (
    Parameter("cop_rated", "heating COP at the rating point", minimum=1.0, maximum=8.0),
    Parameter(
        "minimum_outdoor_temperature_c",
        "outdoor dry-bulb below which the heat pump is off [degC]",
        minimum=-30.0,
        maximum=15.0,
        optional=True,
    ),
    Parameter(
        "backup_cutoff_outdoor_c",
        "outdoor dry-bulb below which the backup heats instead of the heat pump [degC]",
        minimum=-30.0,
        maximum=20.0,
        optional=True,
    ),
    *EXTRA_PARAMETERS,
)


#: Curves of the new DX heating coils: the PSZ-HP heating coil of the ASHRAE 90.1-2019 small
#: office prototype (bundled ``ASHRAE901_OfficeSmall_STD2019_Denver.idf``, curve names there in
#: the comments); the heating ones equal EnergyPlus's example ``DXCoilSystemAuto.idf``.
#: Capacity and EIR f(T) take the outdoor dry-bulb [degC], valid -20 to 20 degC; f(flow) the
#: air flow fraction; PLF f(PLR) the part-load ratio; defrost EIR f(T) the indoor coil's
#: entering wet-bulb and the outdoor dry-bulb [degC] (inputs are clamped to the limits).
CURVES = {
    # HPACHeatCapFT: 1.00 at the 8.33 degC rating point, 0.76 at 0 degC, 0.62 at -5 degC
    "capacity_f_temperature": Curve(
        "cubic",
        (0.758746, 0.027626, 0.000148716, 0.0000034992),
        (-20.0, 20.0),
        name="HP Heat CapFT",
    ),
    # HPACHeatCapFFF
    "capacity_f_flow": Curve("cubic", (0.84, 0.16, 0.0, 0.0), (0.5, 1.5), name="HP Heat CapFFF"),
    # HPACHeatEIRFT: 1.00 at 8.33 degC, 1.19 at 0 degC, 1.37 at -5 degC
    "eir_f_temperature": Curve(
        "cubic",
        (1.19248, -0.0300438, 0.00103745, -0.000023328),
        (-20.0, 20.0),
        name="HP Heat EIRFT",
    ),
    # HPACHeatEIRFFF
    "eir_f_flow": Curve("quadratic", (1.3824, -0.4336, 0.0512), (0.0, 1.0), name="HP Heat EIRFFF"),
    # HPACCOOLPLFFPLR: PLF = 0.85 + 0.15 PLR (the generic curve of the Input-Output Reference)
    "plf_f_plr": Curve("quadratic", (0.85, 0.15, 0.0), (0.0, 1.0), name="HP Heat PLFFPLR"),
    # HPACCOOLEIRFT, used by the prototype as the reverse-cycle defrost EIR f(T)
    "defrost_eir_f_temperature": Curve(
        "biquadratic",
        (0.297145, 0.0430933, -0.000748766, 0.00597727, 0.000482112, -0.000956448),
        (12.77778, 23.88889),
        (21.11111, 46.11111),
        name="HP Defrost EIRFT",
    ),
}

#: Prefix of the names the curves get in the model.
CURVE_NAME_PREFIX = "Retrofit "


def cop_at(cop_rated: float, outdoor_c: float) -> float:
    """Steady-state gross COP of the new DX coils at an outdoor dry-bulb [W/W].

    ``cop_rated / EIR f(T)`` (:data:`CURVES` ``eir_f_temperature``, outdoor dry-bulb clamped to
    the curve's limits) at rated air flow and full load: no defrost, part-load or air-flow
    penalty. With GB 50189-2015 4.2.15 (air-to-air heat pump COP >= 1.8 at the winter design
    condition; standards.md P2.2, KG) and Shanghai's -2.0 degC heating design dry-bulb
    (standards.md 8), a unit that just meets the standard has ``cop_rated`` = 1.8 x 1.257 = 2.26.
    """
    return cop_rated / CURVES["eir_f_temperature"](outdoor_c)


#: Defrost of the new DX heating coils: reverse cycle on demand (ASHRAE 90.1-2019 small office
#: prototype, PSZ-HP); defrost below 5.0 degC outdoors (EnergyPlus 25.2 IDD default and
#: ``DXCoilSystemAuto.idf``; the prototype's 1.67 degC ignores the frost of Shanghai's humid
#: 0-5 degC winter days).
DEFROST = {
    "Defrost_Strategy": "ReverseCycle",
    "Defrost_Control": "OnDemand",
    "Maximum_Outdoor_DryBulb_Temperature_for_Defrost_Operation": 5.0,
}

#: Rated air flow per watt of rated heating capacity of a DX heating coil sized to a gas coil
#: [m3/s per W]: 400 cfm per ton, the AHRI rating air flow named in EnergyPlus's
#: ``DataSets/RooftopPackagedHeatPump.idf`` ("air flow rate around 400 cfm/Ton"); inside the
#: 0.00004027-0.00006041 m3/s/W range of the ``Coil:Heating:DX:SingleSpeed`` IDD note.
#: (1 cfm = 0.00047194745 m3/s; 1 ton = 12000 Btu/h = 3516.85284 W.)
RATED_AIR_FLOW_M3_S_PER_W = 400.0 * 0.00047194745 / 3516.85284

#: Efficiency of the electric backup (resistance heat; ``Coil:Heating:Electric`` IDD default).
BACKUP_EFFICIENCY = 1.0

FUEL_COIL = "Coil:Heating:Fuel"
DX_COIL = "Coil:Heating:DX:SingleSpeed"
DX_SYSTEM = "CoilSystem:Heating:DX"
ELECTRIC_COIL = "Coil:Heating:Electric"
HEAT_PUMP = "AirLoopHVAC:UnitaryHeatPump:AirToAir"

#: Furnaces converted to ``AirLoopHVAC:UnitaryHeatPump:AirToAir`` (same field layout).
FURNACE_TYPES = ("AirLoopHVAC:UnitaryHeatCool", "AirLoopHVAC:Unitary:Furnace:HeatCool")

#: Cooling coils ``AirLoopHVAC:UnitaryHeatPump:AirToAir`` accepts that a furnace may hold
#: (IDD 25.2).
HEAT_PUMP_COOLING_COILS = ("Coil:Cooling:DX:SingleSpeed", "Coil:Cooling:DX:VariableSpeed")

#: Fans ``AirLoopHVAC:UnitaryHeatPump:AirToAir`` accepts (IDD 25.2).
HEAT_PUMP_FANS = ("Fan:OnOff", "Fan:ConstantVolume")

#: Objects whose supplemental heating coil may be a gas coil of a heat pump.
SUPPLEMENTAL_PARENTS = (
    "AirLoopHVAC:UnitaryHeatPump:AirToAir",
    "AirLoopHVAC:UnitaryHeatPump:AirToAir:MultiSpeed",
    "AirLoopHVAC:UnitarySystem",
)

#: Inlet and outlet air-node fields of the fans and coils a unit chains (IDD 25.2 names).
AIR_NODE_FIELDS = (
    ("Air_Inlet_Node_Name", "Air_Outlet_Node_Name"),
    ("Indoor_Air_Inlet_Node_Name", "Indoor_Air_Outlet_Node_Name"),
    ("Evaporator_Inlet_Node_Name", "Evaporator_Outlet_Node_Name"),
)


#: Object types that only name a coil for reporting or control; a coil named by one of these is
#: left alone (the reference would dangle).
BLOCKING_REFERENCES = ("EnergyManagementSystem:", "AirflowNetwork:")

#: Reference types ignored when looking for a coil's parent (outputs the run drops anyway).
IGNORED_REFERENCES = ("Output:",)


# ---------------------------------------------------------------------------------------------
# Finding the gas coils
# ---------------------------------------------------------------------------------------------


@dataclass
class GasCoil:
    """A ``Coil:Heating:Fuel`` and how it can be converted.

    Attributes
    ----------
    arrangement : {"branch", "furnace", "unitary_system", "supplemental"} or None
        None: not converted (``reason`` says why).
    parent : eppy object or None
        The ``Branch`` or unitary object holding the coil.
    parent_type : str
        Its EnergyPlus type.
    """

    obj: Any
    arrangement: str | None
    parent: Any = None
    parent_type: str = ""
    reason: str = ""
    setpoint_managers: list = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.obj.Name)


def _same(a: Any, b: Any) -> bool:
    return str(a).strip().upper() == str(b).strip().upper()


def _field(obj, *names: str) -> Any:
    """The first of ``names`` that the object has (layouts differ between similar types)."""
    for name in names:
        if name in obj.fieldnames:
            return obj[name]
    raise KeyError(names[0])


def _setpoint_managers(idf, node: str) -> list[Any]:
    """Set-point managers (any type) that write a temperature set-point on ``node``."""
    return [m.obj for m in temperature_setpoint_managers(idf) if node.upper() in m.nodes]


def _classify(idf, coil) -> GasCoil:
    """How ``coil`` can be converted, or why not."""
    refs = [(model.type_name(o), o) for o in model.references(idf, coil.Name)]
    refs = [(t, o) for t, o in refs if not t.startswith(IGNORED_REFERENCES)]
    blocking = [t for t, _ in refs if t.startswith(BLOCKING_REFERENCES)]
    if blocking:
        return GasCoil(coil, None, reason=f"named by {blocking[0]}: convert it by hand")
    for parent_type, parent in refs:
        names = parent.fieldnames
        if parent_type == "Branch":
            if not _on_branch(parent, coil.Name):
                continue
            node = str(coil.Temperature_Setpoint_Node_Name).strip()
            if not node:
                return GasCoil(coil, None, parent, parent_type, "no temperature set-point node")
            managers = _setpoint_managers(idf, node)
            if not managers:
                return GasCoil(
                    coil,
                    None,
                    parent,
                    parent_type,
                    f"no set-point manager writes its set-point node {node!r}",
                )
            return GasCoil(coil, "branch", parent, parent_type, setpoint_managers=managers)
        if parent_type in SUPPLEMENTAL_PARENTS and "Supplemental_Heating_Coil_Name" in names:
            if _same(parent.Supplemental_Heating_Coil_Name, coil.Name) and _same(
                parent.Supplemental_Heating_Coil_Object_Type, FUEL_COIL
            ):
                heating = str(_field(parent, "Heating_Coil_Object_Type"))
                if not heating.upper().startswith("COIL:HEATING:DX"):
                    return GasCoil(
                        coil,
                        None,
                        parent,
                        parent_type,
                        f"supplemental coil of a unit heated by {heating or 'nothing'}",
                    )
                return GasCoil(coil, "supplemental", parent, parent_type)
        if "Heating_Coil_Name" not in names or not _same(parent.Heating_Coil_Name, coil.Name):
            continue
        if parent_type in FURNACE_TYPES:
            return _classify_furnace(idf, coil, parent, parent_type)
        if parent_type == "AirLoopHVAC:UnitarySystem":
            return _classify_unitary_system(idf, coil, parent, parent_type)
    if refs:
        kinds = ", ".join(sorted({t for t, _ in refs}))
        return GasCoil(coil, None, reason=f"held by {kinds}: not an air-loop unit this converts")
    return GasCoil(coil, None, reason="not used by any branch or unit")


@dataclass
class _Link:
    """A fan or coil of a unit: its role, object and air-node fields."""

    role: str
    obj: Any
    inlet_field: str
    outlet_field: str

    @property
    def inlet(self) -> str:
        return str(self.obj[self.inlet_field])

    @property
    def outlet(self) -> str:
        return str(self.obj[self.outlet_field])


def _unit_nodes(parent) -> tuple[str, str]:
    inlet = _field(
        parent,
        "Air_Inlet_Node_Name",
        "Unitary_System_Air_Inlet_Node_Name",
        "Furnace_Air_Inlet_Node_Name",
    )
    outlet = _field(
        parent,
        "Air_Outlet_Node_Name",
        "Unitary_System_Air_Outlet_Node_Name",
        "Furnace_Air_Outlet_Node_Name",
    )
    return str(inlet), str(outlet)


def _member(idf, parent, type_fields: tuple[str, ...], name_fields: tuple[str, ...]):
    kind = str(_field(parent, *type_fields)).strip()
    name = str(_field(parent, *name_fields)).strip()
    if not kind or not name:
        return None
    return model.by_name(idf, kind, name)


def _link(role: str, obj) -> _Link | None:
    for inlet, outlet in AIR_NODE_FIELDS:
        if inlet in obj.fieldnames and outlet in obj.fieldnames:
            return _Link(role, obj, inlet, outlet)
    return None


def _unit_chain(idf, coil, parent) -> list[_Link] | str:
    """The unit's fan and coils in air-flow order, or why they cannot be followed."""
    members = [("heating", coil)]
    fan = _member(
        idf,
        parent,
        ("Supply_Fan_Object_Type", "Supply_Air_Fan_Object_Type"),
        ("Supply_Fan_Name", "Supply_Air_Fan_Name"),
    )
    cooling = _member(idf, parent, ("Cooling_Coil_Object_Type",), ("Cooling_Coil_Name",))
    if fan is not None:
        members.append(("fan", fan))
    if cooling is not None:
        members.append(("cooling", cooling))
    links = [_link(role, obj) for role, obj in members]
    if any(link is None for link in links):
        bad = next(role for (role, _), link in zip(members, links, strict=True) if link is None)
        return f"the {bad} object's air nodes cannot be read"
    inlet, outlet = _unit_nodes(parent)
    chain, node = [], inlet
    while links:
        following = next((k for k in links if _same(k.inlet, node)), None)
        if following is None:
            return f"no fan or coil of the unit takes its air from node {node!r}"
        chain.append(following)
        links.remove(following)
        node = following.outlet
    if not _same(node, outlet):
        return f"the unit's fan and coils end at node {node!r}, not at its outlet {outlet!r}"
    return chain


def _classify_furnace(idf, coil, parent, parent_type) -> GasCoil:
    cooling = str(parent.Cooling_Coil_Object_Type)
    fan_type = str(parent.Supply_Fan_Object_Type)
    why = None
    if cooling.upper() not in {c.upper() for c in HEAT_PUMP_COOLING_COILS}:
        why = f"its cooling coil is a {cooling}, which a heat pump unit does not take"
    elif fan_type.upper() not in {f.upper() for f in HEAT_PUMP_FANS}:
        why = f"its fan is a {fan_type}, which a heat pump unit does not take"
    elif str(parent.Dehumidification_Control_Type or "None").lower() != "none":
        why = "dehumidification control with a reheat coil: convert it by hand"
    else:
        chain = _unit_chain(idf, coil, parent)
        why = chain if isinstance(chain, str) else None
    if why:
        return GasCoil(coil, None, parent, parent_type, why)
    return GasCoil(coil, "furnace", parent, parent_type)


def _classify_unitary_system(idf, coil, parent, parent_type) -> GasCoil:
    control = str(parent.Control_Type or "Load")
    why = None
    if control.lower() == "setpoint":
        why = "set-point controlled unitary system: convert it by hand"
    elif str(parent.Supplemental_Heating_Coil_Name).strip():
        why = "the unit already has a supplemental heating coil"
    else:
        chain = _unit_chain(idf, coil, parent)
        why = chain if isinstance(chain, str) else None
    if why:
        return GasCoil(coil, None, parent, parent_type, why)
    return GasCoil(coil, "unitary_system", parent, parent_type)


def gas_coils(idf) -> list[GasCoil]:
    """Every ``Coil:Heating:Fuel`` of the model, with how it would be converted."""
    return [_classify(idf, c) for c in idf.idfobjects[FUEL_COIL.upper()]]


def applies_packaged(idf) -> Applicability:
    """Whether the model has gas coils on air loops this module converts, and if not why."""
    found = gas_coils(idf)
    if not found:
        return Applicability(False, "no Coil:Heating:Fuel in the model (no gas furnace coils)")
    if not any(g.arrangement for g in found):
        why = "; ".join(f"{g.name}: {g.reason}" for g in found)
        return Applicability(False, f"no Coil:Heating:Fuel this measure converts ({why})")
    return Applicability(True)


# ---------------------------------------------------------------------------------------------
# Sizes
# ---------------------------------------------------------------------------------------------


def _design_size_w(sizes, coil_type: str, coil_name: str, what: str) -> float | None:
    """Largest final "Design Size ... <what>" [W] of a component in ``ComponentSizes`` (a
    two-speed coil reports its high and low speed; the high speed is its rating)."""
    rows = final_sizes(sizes, coil_type, coil_name)
    description = rows["description"]
    rows = rows[
        description.str.startswith("Design Size")
        & description.str.contains(what, regex=False)
        & (rows["units"] == "W")
    ]
    return float(rows["value"].max()) if len(rows) else None


def _gas_capacity_w(coil, sizes) -> float | None:
    return model.number(coil.Nominal_Capacity, positive=True) or _design_size_w(
        sizes, FUEL_COIL, coil.Name, "Nominal Capacity"
    )


def _cooling_coil(idf, found: GasCoil) -> tuple[str, str] | None:
    """(type, name) of the DX cooling coil serving the same air as the gas coil, if any."""
    parent = found.parent
    if found.arrangement in ("furnace", "unitary_system"):
        kind = str(parent.Cooling_Coil_Object_Type)
        return (kind, str(parent.Cooling_Coil_Name)) if kind.strip() else None
    for kind, name, _, _ in branch_components(parent):
        if kind.upper() == "COILSYSTEM:COOLING:DX":
            system = model.by_name(idf, kind, name)
            if system is not None:
                return str(system.Cooling_Coil_Object_Type), str(system.Cooling_Coil_Name)
        if kind.upper().startswith("COIL:COOLING:DX"):
            return kind, name
    return None


def _cooling_capacity_w(idf, coil_type: str, coil_name: str, sizes) -> float | None:
    sized = _design_size_w(sizes, coil_type, coil_name, "Total Cooling Capacity")
    if sized:
        return sized
    obj = model.by_name(idf, coil_type, coil_name)
    if obj is None:
        return None
    values = [
        model.number(obj[n], positive=True) for n in obj.fieldnames if "Total_Cooling_Capacity" in n
    ]
    values = [v for v in values if v]
    return max(values) if values else None


# ---------------------------------------------------------------------------------------------
# Building the new objects
# ---------------------------------------------------------------------------------------------


def _add_curves(idf) -> dict[str, str]:
    """Add :data:`CURVES` under names no curve or table of the model has; their names."""
    return {
        role: add_curve(idf, curve, f"{CURVE_NAME_PREFIX}{curve.name}", unit_types=())
        for role, curve in CURVES.items()
    }


def _add_dx_coil(idf, name, schedule, size, inlet, outlet, p, curves) -> str:
    """A ``Coil:Heating:DX:SingleSpeed``; its rated air flow is the unit's (autosized) when the
    coil is sized like the unit's cooling coil, :data:`RATED_AIR_FLOW_M3_S_PER_W` x capacity
    when it is sized to a gas coil (which is often far smaller than the unit's air flow)."""
    capacity_w = size.heat_pump_w
    name = model.unique_name(idf, DX_COIL, name)
    coil = idf.newidfobject(DX_COIL.upper(), Name=name)
    coil.Availability_Schedule_Name = schedule
    coil.Gross_Rated_Heating_Capacity = capacity_w if capacity_w else "Autosize"
    coil.Gross_Rated_Heating_COP = _cop(p)
    coil.Rated_Air_Flow_Rate = (
        capacity_w * RATED_AIR_FLOW_M3_S_PER_W
        if capacity_w and size.basis == "gas_coil"
        else "Autosize"
    )
    coil.Air_Inlet_Node_Name = inlet
    coil.Air_Outlet_Node_Name = outlet
    coil.Heating_Capacity_Function_of_Temperature_Curve_Name = curves["capacity_f_temperature"]
    coil.Heating_Capacity_Function_of_Flow_Fraction_Curve_Name = curves["capacity_f_flow"]
    coil.Energy_Input_Ratio_Function_of_Temperature_Curve_Name = curves["eir_f_temperature"]
    coil.Energy_Input_Ratio_Function_of_Flow_Fraction_Curve_Name = curves["eir_f_flow"]
    coil.Part_Load_Fraction_Correlation_Curve_Name = curves["plf_f_plr"]
    coil.Defrost_Energy_Input_Ratio_Function_of_Temperature_Curve_Name = curves[
        "defrost_eir_f_temperature"
    ]
    lockout = _lockout_c(p)
    coil.Minimum_Outdoor_DryBulb_Temperature_for_Compressor_Operation = (
        "" if lockout is None else lockout
    )
    for key, value in DEFROST.items():
        coil[key] = value
    # Keep the fields up to the defrost heater (IDD defaults beyond); drop the secondary-coil
    # fields eppy filled in, which EnergyPlus would read as an evaporator placed in a zone.
    last = coil.fieldnames.index("Resistive_Defrost_Heater_Capacity")
    coil.obj = coil.obj[: last + 1]
    return name


def _add_electric_coil(idf, name, schedule, capacity_w, inlet, outlet, setpoint_node="") -> str:
    name = model.unique_name(idf, ELECTRIC_COIL, name)
    idf.newidfobject(
        ELECTRIC_COIL.upper(),
        Name=name,
        Availability_Schedule_Name=schedule,
        Efficiency=BACKUP_EFFICIENCY,
        Nominal_Capacity=capacity_w if capacity_w else "Autosize",
        Air_Inlet_Node_Name=inlet,
        Air_Outlet_Node_Name=outlet,
        Temperature_Setpoint_Node_Name=setpoint_node,
    )
    return name


def _add_setpoint_node(idf, found: GasCoil, node: str) -> None:
    """Make every manager that writes the gas coil's set-point node also write ``node``."""
    setpoint = str(found.obj.Temperature_Setpoint_Node_Name).strip()
    created = None
    for spm in found.setpoint_managers:
        target = str(spm.Setpoint_Node_or_NodeList_Name)
        listing = model.by_name(idf, "NodeList", target)
        if listing is not None:
            if node.upper() not in map(str.upper, model.expand_list(idf, "NodeList", target)):
                listing.obj.append(node)
            continue
        if created is None:
            created = model.unique_name(idf, "NodeList", f"{found.name} Setpoint Nodes")
            add_object(idf, "NodeList", [created, node, setpoint])
        spm.Setpoint_Node_or_NodeList_Name = created


def _on_branch(branch, coil_name: str) -> bool:
    """Whether a branch lists the gas coil ``coil_name`` as one of its components."""
    return any(
        _same(kind, FUEL_COIL) and _same(name, coil_name)
        for kind, name, _, _ in branch_components(branch)
    )


def _replace_on_branch(branch, coil_name: str, components: list[tuple[str, str, str, str]]):
    """Replace the gas coil's (type, name, inlet, outlet) group on a branch by ``components``."""
    values = branch.obj
    for i in range(3, len(values) - 3, 4):
        if _same(values[i], FUEL_COIL) and _same(values[i + 1], coil_name):
            group = [v for c in components for v in c]
            branch.obj = [*values[:i], *group, *values[i + 4 :]]
            return
    raise InputError(f"measure {MEASURE_NAME}: {coil_name} not found on branch {branch.Name}")


# ---------------------------------------------------------------------------------------------
# The conversion
# ---------------------------------------------------------------------------------------------


@dataclass
class _Sizes:
    gas_w: float | None
    heat_pump_w: float | None
    cooling_w: float | None
    basis: str


def _sizes(idf, found: GasCoil, sizes, basis: str, notes: list[str]) -> _Sizes:
    gas_w = _gas_capacity_w(found.obj, sizes)
    if found.arrangement == "supplemental":
        return _Sizes(gas_w, None, None, "")
    cooling = _cooling_coil(idf, found)
    cooling_w = _cooling_capacity_w(idf, *cooling, sizes) if cooling else None
    used = basis
    if basis == "cooling_coil" and not cooling_w:
        used = "gas_coil"
        if sizes is not None:
            notes.append(
                f"{found.name}: no DX cooling coil capacity on its unit or branch; the heat "
                "pump is sized to the gas coil"
            )
    heat_pump_w = cooling_w if used == "cooling_coil" else gas_w
    return _Sizes(gas_w, heat_pump_w, cooling_w, used)


def _convert_branch(idf, found, size, p, curves) -> dict:
    coil = found.obj
    inlet, outlet = str(coil.Air_Inlet_Node_Name), str(coil.Air_Outlet_Node_Name)
    schedule = coil.Availability_Schedule_Name
    middle = f"{found.name} HP Outlet Node"
    dx = _add_dx_coil(
        idf,
        f"{found.name} HP Coil",
        schedule,
        size,
        inlet,
        middle,
        p,
        curves,
    )
    system = model.unique_name(idf, DX_SYSTEM, f"{found.name} HP")
    idf.newidfobject(
        DX_SYSTEM.upper(),
        Name=system,
        Availability_Schedule_Name=schedule,
        Heating_Coil_Object_Type=DX_COIL,
        Heating_Coil_Name=dx,
    )
    backup = _add_electric_coil(
        idf,
        f"{found.name} Backup",
        schedule,
        size.gas_w,
        middle,
        outlet,
        str(coil.Temperature_Setpoint_Node_Name),
    )
    _replace_on_branch(
        found.parent,
        found.name,
        [(DX_SYSTEM, system, inlet, middle), (ELECTRIC_COIL, backup, middle, outlet)],
    )
    _add_setpoint_node(idf, found, middle)
    return {"heat_pump": f"{DX_SYSTEM} {system} ({DX_COIL} {dx})", "backup": backup}


def _rewire(idf, chain: list[_Link], order: list[str], inlet: str, outlet: str, extra: str) -> dict:
    """Chain the unit's links in ``order`` from ``inlet`` to ``outlet``.

    The intermediate nodes are the old ones in their old order plus ``extra`` before the last
    link (the supplemental heater, always last). Existing fans and coils get their new nodes;
    the nodes of the new links (``heating``, the DX coil, and ``supplemental``) are returned by
    role.
    """
    nodes = [inlet, *(link.outlet for link in chain[:-1]), extra, outlet]
    by_role = {link.role: link for link in chain}
    new = {}
    for i, role in enumerate(order):
        pair = (nodes[i], nodes[i + 1])
        if role in ("heating", "supplemental"):
            new[role] = pair
            continue
        link = by_role[role]
        before = (link.inlet, link.outlet)
        link.obj[link.inlet_field], link.obj[link.outlet_field] = pair
        if role == "fan" and before != pair:
            _move_fan_nodes(idf, before, pair)
    return new


def _move_fan_nodes(idf, before: tuple[str, str], after: tuple[str, str]) -> None:
    """Point ``SetpointManager:MixedAir`` fan-node fields at a moved fan's new nodes."""
    for spm in idf.idfobjects["SETPOINTMANAGER:MIXEDAIR"]:
        for fieldname, old, new in (
            ("Fan_Inlet_Node_Name", before[0], after[0]),
            ("Fan_Outlet_Node_Name", before[1], after[1]),
        ):
            if _same(spm[fieldname], old):
                spm[fieldname] = new


def _unit_order(found: GasCoil, chain: list[_Link]) -> list[str]:
    """New air-flow order of a unit's links: the heat-pump order, supplemental heater last.

    Blow-through: fan -> cooling -> DX heating -> supplemental; draw-through: cooling -> DX
    heating -> fan -> supplemental. ``AirLoopHVAC:UnitaryHeatPump:AirToAir`` requires it
    (Input-Output Reference), and EnergyPlus 25.2 refuses a blow-through
    ``AirLoopHVAC:UnitarySystem`` whose supplemental coil follows a cooling coil placed after
    the heating coil. Furnaces and unitary systems may hold the heating coil before the
    cooling coil (the ASHRAE 90.1-2019 retail, small hotel and mid-rise apartment
    prototypes); they are reordered.
    """
    draw = str(found.parent.Fan_Placement or "BlowThrough").lower() == "drawthrough"
    order = ["cooling", "heating", "fan"] if draw else ["fan", "cooling", "heating"]
    present = {link.role for link in chain}
    return [r for r in order if r in present] + ["supplemental"]


def _convert_unit(idf, found, size, p, curves) -> dict:
    """``furnace`` and ``unitary_system``: DX heating coil + electric supplemental heater."""
    coil, parent = found.obj, found.parent
    schedule = coil.Availability_Schedule_Name
    chain = _unit_chain(idf, coil, parent)
    inlet, outlet = _unit_nodes(parent)
    nodes = _rewire(
        idf, chain, _unit_order(found, chain), inlet, outlet, f"{found.name} HP Outlet Node"
    )
    dx = _add_dx_coil(
        idf,
        f"{found.name} HP Coil",
        schedule,
        size,
        *nodes["heating"],
        p,
        curves,
    )
    backup = _add_electric_coil(
        idf, f"{found.name} Backup", schedule, size.gas_w, *nodes["supplemental"]
    )
    if found.arrangement == "unitary_system":
        parent.Heating_Coil_Object_Type = DX_COIL
        parent.Heating_Coil_Name = dx
        parent.Supplemental_Heating_Coil_Object_Type = ELECTRIC_COIL
        parent.Supplemental_Heating_Coil_Name = backup
        _one_heating_speed(idf, parent)
        return {
            "heat_pump": f"{DX_COIL} {dx} in {found.parent_type} {parent.Name}",
            "backup": backup,
        }
    name = str(parent.Name)
    values = dict(zip(parent.fieldnames, parent.obj, strict=False))
    idf.removeidfobject(parent)
    unit = idf.newidfobject(HEAT_PUMP.upper(), Name=name)
    unit.Availability_Schedule_Name = values["Availability_Schedule_Name"]
    unit.Air_Inlet_Node_Name = inlet
    unit.Air_Outlet_Node_Name = outlet
    for target, source in (
        ("Cooling_Supply_Air_Flow_Rate", "Cooling_Supply_Air_Flow_Rate"),
        ("Heating_Supply_Air_Flow_Rate", "Heating_Supply_Air_Flow_Rate"),
        ("No_Load_Supply_Air_Flow_Rate", "No_Load_Supply_Air_Flow_Rate"),
        ("Controlling_Zone_or_Thermostat_Location", "Controlling_Zone_or_Thermostat_Location"),
        ("Supply_Air_Fan_Object_Type", "Supply_Fan_Object_Type"),
        ("Supply_Air_Fan_Name", "Supply_Fan_Name"),
        ("Cooling_Coil_Object_Type", "Cooling_Coil_Object_Type"),
        ("Cooling_Coil_Name", "Cooling_Coil_Name"),
        (
            "Maximum_Supply_Air_Temperature_from_Supplemental_Heater",
            "Maximum_Supply_Air_Temperature",
        ),
        ("Fan_Placement", "Fan_Placement"),
        (
            "Supply_Air_Fan_Operating_Mode_Schedule_Name",
            "Supply_Air_Fan_Operating_Mode_Schedule_Name",
        ),
    ):
        unit[target] = values.get(source, "")
    unit.Heating_Coil_Object_Type = DX_COIL
    unit.Heating_Coil_Name = dx
    unit.Supplemental_Heating_Coil_Object_Type = ELECTRIC_COIL
    unit.Supplemental_Heating_Coil_Name = backup
    unit.Dehumidification_Control_Type = "None"
    retype_references(idf, name, found.parent_type, HEAT_PUMP)
    return {"heat_pump": f"{HEAT_PUMP} {name} ({DX_COIL} {dx})", "backup": backup}


def _one_heating_speed(idf, unit) -> None:
    """A single-speed DX heating coil: its multispeed performance object gets one heating speed."""
    if "Design_Specification_Multispeed_Object_Name" not in unit.fieldnames:
        return
    name = str(unit.Design_Specification_Multispeed_Object_Name).strip()
    kind = str(unit.Design_Specification_Multispeed_Object_Type).strip()
    if not name or kind.upper() != "UNITARYSYSTEMPERFORMANCE:MULTISPEED":
        return
    perf = model.by_name(idf, kind, name)
    if perf is None:
        return
    users = [
        u
        for u in idf.idfobjects["AIRLOOPHVAC:UNITARYSYSTEM"]
        if _same(u.Design_Specification_Multispeed_Object_Name, name)
    ]
    if len(users) > 1:
        copy = idf.copyidfobject(perf)
        copy.Name = model.unique_name(idf, kind, f"{name} HP")
        unit.Design_Specification_Multispeed_Object_Name = copy.Name
        perf = copy
    perf.Number_of_Speeds_for_Heating = 1


def _convert_supplemental(idf, found, size) -> dict:
    coil, parent = found.obj, found.parent
    backup = _add_electric_coil(
        idf,
        f"{found.name} Electric",
        coil.Availability_Schedule_Name,
        size.gas_w,
        coil.Air_Inlet_Node_Name,
        coil.Air_Outlet_Node_Name,
        coil.Temperature_Setpoint_Node_Name,
    )
    parent.Supplemental_Heating_Coil_Object_Type = ELECTRIC_COIL
    parent.Supplemental_Heating_Coil_Name = backup
    return {"heat_pump": f"(existing) {found.parent_type} {parent.Name}", "backup": backup}


def _cop(p: dict) -> float:
    """Gross rated COP of the DX coils: ``packaged_cop_rated``, else ``cop_rated``."""
    return p["packaged_cop_rated"] if p["packaged_cop_rated"] is not None else p["cop_rated"]


def _lockout_c(p: dict) -> float | None:
    """Compressor lockout: ``backup_cutoff_outdoor_c``, else ``minimum_outdoor_temperature_c``."""
    if p["backup_cutoff_outdoor_c"] is not None:
        return p["backup_cutoff_outdoor_c"]
    return p["minimum_outdoor_temperature_c"]


def _checked(params: dict) -> dict:
    """The parameters this module reads, validated (an InputError names the parameter)."""
    return {p.name: p.validate(params.get(p.name), MEASURE_NAME) for p in _CHECKS}


def convert_packaged(idf, params: dict, context: ApplyContext | None) -> MeasureResult:
    """Replace the gas coils of air loops and packaged units by DX heat pumps (in place).

    Parameters
    ----------
    idf : eppy IDF
        The model copy to edit.
    params : dict
        ``cop_rated``, ``packaged_sizing_basis``; optional (None or absent):
        ``packaged_cop_rated``, ``minimum_outdoor_temperature_c``, ``backup_cutoff_outdoor_c``.
        Other keys are ignored.
    context : ApplyContext
        ``component_sizes`` of the baseline sizing run; without them the new coils stay
        autosized.

    Returns
    -------
    MeasureResult
        Quantities: ``heat_pump_capacity_kw`` (rated heating capacity of the new heat pumps at
        8.33 degC, the cost basis), ``gas_coils_replaced``, ``gas_coil_capacity_kw`` (their
        capacity), ``electric_backup_capacity_kw``. Details: one record per converted coil
        and the coils left alone. Notes: what was skipped, and autosizing.

    Raises
    ------
    InputError
        An invalid parameter (named), or nothing to convert.
    """
    p = _checked(params)
    sizes = context.component_sizes if context is not None else None
    found = gas_coils(idf)
    todo = [g for g in found if g.arrangement]
    if not todo:
        raise NotApplicable(
            f"measure {MEASURE_NAME} does not apply: {applies_packaged(idf).reason}"
        )
    notes: list[str] = []
    curves = _add_curves(idf) if any(g.arrangement != "supplemental" for g in todo) else {}
    converted = []
    for g in todo:
        size = _sizes(idf, g, sizes, p["packaged_sizing_basis"], notes)
        if g.arrangement == "branch":
            made = _convert_branch(idf, g, size, p, curves)
        elif g.arrangement in ("furnace", "unitary_system"):
            made = _convert_unit(idf, g, size, p, curves)
        else:
            made = _convert_supplemental(idf, g, size)
        fuel = str(g.obj.Fuel_Type)
        idf.removeidfobject(g.obj)
        converted.append(
            {
                "gas_coil": g.name,
                "fuel": fuel,
                "arrangement": g.arrangement,
                "unit": f"{g.parent_type} {g.parent.Name}",
                "gas_coil_capacity_kw": _kw(size.gas_w),
                "cooling_capacity_kw": _kw(size.cooling_w),
                "heat_pump_capacity_kw": _kw(size.heat_pump_w),
                "sizing_basis": size.basis,
                "electric_backup_capacity_kw": _kw(size.gas_w),
                **made,
            }
        )
    skipped = [{"gas_coil": g.name, "reason": g.reason} for g in found if not g.arrangement]
    notes.extend(
        f"{s['gas_coil']} not converted: {s['reason']}; its gas use stays" for s in skipped
    )
    unknown = [c["gas_coil"] for c in converted if c["electric_backup_capacity_kw"] is None]
    if unknown:
        notes.append(
            f"no component sizes for {', '.join(unknown)}: the new coils are autosized by "
            "EnergyPlus and heat_pump_capacity_kw counts only known sizes (run `retrofit apply "
            "--weather` to size from the baseline)"
        )
    supplemental = [c["gas_coil"] for c in converted if c["arrangement"] == "supplemental"]
    if supplemental:
        notes.append(
            f"{', '.join(supplemental)}: supplemental gas heater of an existing heat pump, "
            "replaced by an electric one (no heat pump added)"
        )
    quantities = {
        "heat_pump_capacity_kw": sum(c["heat_pump_capacity_kw"] or 0.0 for c in converted),
        "gas_coils_replaced": float(len(converted)),
        "gas_coil_capacity_kw": sum(c["gas_coil_capacity_kw"] or 0.0 for c in converted),
        "electric_backup_capacity_kw": sum(
            c["electric_backup_capacity_kw"] or 0.0 for c in converted
        ),
    }
    details = {
        "converted": converted,
        "skipped": skipped,
        "curves": curves,
        "cop_rated": _cop(p),
        "cop_at_minus_2c": cop_at(_cop(p), -2.0),
        "compressor_lockout_c": _lockout_c(p),
    }
    return MeasureResult(idf, quantities, details, notes)


def _kw(watts: float | None) -> float | None:
    return None if watts is None else watts / 1000.0
