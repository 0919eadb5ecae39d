"""Hard-sizing: write a baseline's autosized equipment sizes into a model (issue 5, item 4).

In a retrofit the chillers, boilers, coils, fans, pumps and terminals that stay are the ones
already installed. A variant that autosizes them again silently resizes the building: an
envelope measure shrinks the chillers, a 50 °C heat pump enlarges the heating coils, and the
savings are wrong in both directions (design.md, "Modelling notes"). :func:`hard_size` takes the
``ComponentSizes`` table of the baseline's sizing run
(:func:`retrofit.simulate.sizing_context`, :attr:`retrofit.results.Results.component_sizes`)
and writes each autosized value into the matching field of a model, so every variant runs with
the baseline's equipment.

What is hard-sized
------------------
Every field of every object whose value is ``autosize`` or ``autocalculate`` (any case), or is
blank (or absent at the end of the object) with ``autosize`` / ``autocalculate`` as its IDD
default, and for which the baseline's ``ComponentSizes`` holds a row of the same component
(``CompType`` equal to the object type and ``CompName`` equal to its name, case-insensitive)
whose description names that field. The description is looked up, in this order
(case-insensitive, surrounding blanks ignored):

1. :data:`DESCRIPTION_MAP`, for the fields EnergyPlus reports under another name (pumps'
   "Design Maximum Flow Rate" is reported as "Design Flow Rate", a cooling tower's "Design Fan
   Power" as "Fan Power at Design Air Flow Rate", a VAV terminal's "Maximum Hot Water or Steam
   Flow Rate" as "Design Size Maximum Reheat Water Flow Rate", ...);
2. ``"Design Size <field name>"``, the convention of EnergyPlus's sizers (chillers' "Design Size
   Reference Capacity", coils' "Design Size Rated Capacity" and "Design Size Gross Rated Total
   Cooling Capacity", fans' "Design Size Maximum Flow Rate", terminals' "Design Size Maximum Air
   Flow Rate", "Design Size U-Factor Times Area Value", ...);
3. ``"<field name>"``, the older convention of the loop, pump, controller, cooling-tower and
   water-heater sizing ("Maximum Loop Flow Rate", "Plant Loop Volume", "Design Power
   Consumption", "Maximum Outdoor Air Flow Rate", "Maximum Actuated Flow", "Design Supply Air
   Flow Rate" of an ``AirLoopHVAC``, "Use Side Design Flow Rate", ...).

The value written is the *final* one. Plant components are sized in several passes and report
"Initial Design Size ..." (or "Initial ...") rows before the final ones; those rows are never
used. When a description occurs more than once for a component the last row (EnergyPlus writes
them in order) is used. "User-Specified ..." rows report values a user typed and are not used,
with one verified exception listed in :data:`DESCRIPTION_MAP` (the high-temperature radiant
heater, whose autosized capacity EnergyPlus 25.2 labels "User-Specified"). The mapping and the
rules were learnt by sizing all 32 bundled prototypes on the Shanghai design days and comparing
the IDD field names of their autosized fields with the descriptions EnergyPlus wrote.

So after hard-sizing, the baseline's equipment is fixed: ``AirLoopHVAC`` design supply air flow,
terminal maximum and reheat flows, coil capacities, UA values, air and water flows and design
conditions, fan flows (and ``Fan:SystemModel`` power), pump flows and powers, chiller and boiler
capacities and flows, cooling-tower flows, fan powers and UA values, plant- and condenser-loop
maximum flows and volumes, outdoor-air controller flows, water-coil controller maximum flows and
tolerances, unitary system and furnace flows, water-heater use-side flows.

What stays autosized
--------------------
* Object types in :data:`NEVER_HARD_SIZED`, whatever their fields: the sizing inputs themselves
  (``Sizing:Zone``, ``Sizing:System``, ``Sizing:Plant``, ``Sizing:Parameters``, design days,
  ``DesignSpecification:*``), geometry EnergyPlus calculates from the surfaces (zone floor area,
  volume and ceiling height; surfaces' view factor to ground and number of vertices),
  run-time correlations that are not sizes (``People`` sensible heat fraction, wind-and-stack
  ventilation coefficients), and plant operation schemes, whose autosized component flow rates
  mean "the component's design flow" at run time (so they follow the hard-sized component; their
  ``ComponentSizes`` rows carry the scheme's name, not the component's).
* Autosizable fields EnergyPlus never sized in the baseline, so that no row exists (kind
  :data:`NO_ROW`): fields the configuration does not use (the hot-water flow of a terminal or
  unit heater with an electric or gas coil, a water heater's use- or source-side flow with no
  loop on that side, a VAV terminal's fixed minimum flow or constant minimum fraction under
  another minimum-flow input method, a DX heating
  coil's resistive defrost capacity with reverse-cycle defrost, a refrigeration rack's
  evaporative-condenser air flow with an air-cooled condenser, the fan-coil and PTAC supply-air
  temperature limits of the ASHRAE90VariableFan / SingleZoneVAV capacity controls), and design
  temperatures EnergyPlus sets without reporting them: a cooling tower's design approach and
  range (fixed defaults of 3.9 K and 5.5 K, IDD notes), a detailed cooling coil's or a fluid
  cooler's design entering water temperature. Across the 32 bundled prototypes hard-sizing
  sets 7499 fields and leaves only the kinds listed here. New objects a measure added under
  new names have no row either, so they keep their own sizing without being named in ``skip``.
* Fields EnergyPlus ignores under the object's other settings (:data:`IGNORED_INPUTS`, kind
  :data:`UNUSED`): the reheat-flow limits of a VAV terminal with ``Damper Heating Action =
  Normal``. Written as numbers they earn one "will be ignored" warning each.
* Objects named in ``skip``: equipment a measure replaced (under the old name) or created, which
  keeps its own sizing (the measure sizes it to the capacity it replaces).
* A value outside the field's IDD limits is not written (kind :data:`OUT_OF_RANGE`): unit
  heaters of zones without a heating load size to a zero air flow where the IDD asks for more
  than zero (midrise-apartment, small-hotel); left autosized, they size to zero again.

How EnergyPlus runs a hard-sized model
--------------------------------------
The ``Sizing:*`` objects and the design days stay, and ``SimulationControl`` keeps its sizing
switches, so EnergyPlus still runs the zone, system and plant sizing calculations on the design
days (and the HVAC sizing pass of coincident plant sizing). A component uses the numbers in its
fields. Chillers, boilers, fans, terminals and DX, electric and fuel coils report a
"User-Specified X" row, most also the "Design Size X" they would have chosen (a difference is
only warned of with ``Output:Diagnostics, DisplayExtraWarnings``); water coils, pumps, loops,
cooling towers and controllers whose every size is given skip their sizing and report nothing
(a service-water loop may report its flow and volume again, unchanged). The sizing results then
feed only what is still autosized (above) and the reports (the system's "Adjusted ... Design Air
Flow Rate" rows, ``eplusout.eio``, the HVAC sizing summary), which show what a new design would
need: with an envelope measure the boiler's "Design Size" falls while its "User-Specified"
capacity, the one simulated, stays.

Known limits
------------
A hard-sized model reproduces the baseline's sizes exactly, and the medium office (packaged DX,
furnaces, electric reheat) runs identically to the last digit. Models with chilled- and hot-water
plant do not quite: the large office on the Shanghai design days uses 0.4 % more electricity and
0.8 % less gas hard-sized than autosized (Chicago's: 2.6 % less gas), 0.08 % more electricity
over a year (cooling +0.5 %). Two causes were isolated. An air-loop ``Coil:Heating:Water`` gets
the design air flow of its UA-versus-flow correction only while EnergyPlus sizes its UA or water
flow (``WaterCoils.cc``, ``SizeWaterCoil``: the design air flow is set inside the autosizing
branch), and no IDD field carries it; left autosized, these coils take the whole gas
difference and a tenth of the electricity difference with them. Most of the rest disappears
when either the plant loops' or the variable-speed pumps' sizes are left to EnergyPlus (the
large office sizes its loops coincidently); it was not traced further. So a study compares
every variant with the baseline hard-sized from its own sizes (``hard_size`` on the baseline
too), which runs the same code paths as the variants.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: Field values that ask EnergyPlus to size a field (compared case-insensitively).
AUTOSIZE_WORDS = ("autosize", "autocalculate")

#: Columns :func:`hard_size` reads from a ``ComponentSizes`` table
#: (:attr:`retrofit.results.Results.component_sizes`).
COMPONENT_SIZES_COLUMNS = ("component_type", "component_name", "description", "value", "units")

#: Object types never hard-sized, with the reason. A key ending in ``:`` is a prefix.
NEVER_HARD_SIZED: dict[str, str] = {
    "Sizing:": "sizing input (the design calculation itself stays)",
    "SizingPeriod:": "design day",
    "DesignSpecification:": "sizing input",
    "Zone": "geometry calculated from the surfaces",
    "Space": "geometry calculated from the surfaces",
    "BuildingSurface:Detailed": "geometry calculated from the surfaces",
    "FenestrationSurface:Detailed": "geometry calculated from the surfaces",
    "Wall:": "geometry calculated from the surfaces",
    "RoofCeiling:": "geometry calculated from the surfaces",
    "Floor:": "geometry calculated from the surfaces",
    "Window": "geometry calculated from the surfaces",
    "Door": "geometry calculated from the surfaces",
    "GlazedDoor": "geometry calculated from the surfaces",
    "Window:Interzone": "geometry calculated from the surfaces",
    "Door:Interzone": "geometry calculated from the surfaces",
    "GlazedDoor:Interzone": "geometry calculated from the surfaces",
    "Shading:": "geometry calculated from the surfaces",
    "People": "run-time correlation (sensible heat fraction), not a size",
    "ZoneVentilation:": "run-time correlation (wind and stack coefficients), not a size",
    "PlantEquipmentOperation:": (
        "run time: an autosized component flow is the component's design flow, which is "
        "hard-sized on the component"
    ),
}

#: Fields whose ``ComponentSizes`` description is not ``"Design Size <field>"`` nor
#: ``"<field>"``: ``(object type, IDD field name) -> description`` written by EnergyPlus 25.2.
#: Each entry was seen in the sizing runs of the bundled prototypes (models in parentheses).
DESCRIPTION_MAP: dict[tuple[str, str], str] = {
    # Pumps (all plant models): the IDD's "Design Maximum Flow Rate" is reported without
    # "Maximum"; headered pumps likewise drop "Total" (large-office-2019, hospital-2019).
    ("Pump:VariableSpeed", "Design Maximum Flow Rate"): "Design Flow Rate",
    ("HeaderedPumps:VariableSpeed", "Total Design Flow Rate"): "Design Flow Rate",
    # Cooling towers (large-office, hospital).
    ("CoolingTower:SingleSpeed", "Design Fan Power"): "Fan Power at Design Air Flow Rate",
    (
        "CoolingTower:SingleSpeed",
        "Design U-Factor Times Area Value",
    ): "U-Factor Times Area Value at Design Air Flow Rate",
    (
        "CoolingTower:SingleSpeed",
        "Free Convection Regime U-Factor Times Area Value",
    ): "Free Convection U-Factor Times Area Value",
    # Two-speed fluid coolers (highrise-apartment-2019, large-office-2019).
    ("EvaporativeFluidCooler:TwoSpeed", "High Fan Speed Air Flow Rate"): (
        "Air Flow Rate at High Fan Speed"
    ),
    ("EvaporativeFluidCooler:TwoSpeed", "High Fan Speed Fan Power"): "Fan Power at High Fan Speed",
    ("EvaporativeFluidCooler:TwoSpeed", "High Fan Speed U-factor Times Area Value"): (
        "U-Factor Times Area Value at High Fan Speed"
    ),
    ("EvaporativeFluidCooler:TwoSpeed", "Low Fan Speed Air Flow Rate"): (
        "Air Flow Rate at Low Fan Speed"
    ),
    ("EvaporativeFluidCooler:TwoSpeed", "Low Fan Speed Fan Power"): "Fan Power at Low Fan Speed",
    ("EvaporativeFluidCooler:TwoSpeed", "Low Fan Speed U-factor Times Area Value"): (
        "U-Factor Times Area Value at Low Fan Speed"
    ),
    ("FluidCooler:TwoSpeed", "High Fan Speed Air Flow Rate"): "Air Flow Rate at High Fan Speed",
    ("FluidCooler:TwoSpeed", "Low Fan Speed Air Flow Rate"): "Air Flow Rate at Low Fan Speed",
    ("FluidCooler:TwoSpeed", "Low Fan Speed Fan Power"): "Fan Power at Low Fan Speed",
    ("FluidCooler:TwoSpeed", "Low Fan Speed U-factor Times Area Value"): (
        "U-factor Times Area Value at Low Fan Speed"
    ),
    # Plant heat exchangers (large-office-2019, hospital-2019).
    ("HeatExchanger:FluidToFluid", "Loop Demand Side Design Flow Rate"): (
        "Loop Demand Side Design Fluid Flow Rate"
    ),
    ("HeatExchanger:FluidToFluid", "Loop Supply Side Design Flow Rate"): (
        "Loop Supply Side Design Fluid Flow Rate"
    ),
    # Chillers with heat recovery (hospital-2019).
    ("Chiller:Electric:EIR", "Design Heat Recovery Water Flow Rate"): (
        "Design Size Heat Recovery Water Flow Rate"
    ),
    # VAV terminals (large-office, hospital, large-hotel).
    ("AirTerminal:SingleDuct:VAV:Reheat", "Maximum Hot Water or Steam Flow Rate"): (
        "Design Size Maximum Reheat Water Flow Rate"
    ),
    # Water-to-air heat pump coils: "Gross" is dropped (large-office-2019).
    ("Coil:Cooling:WaterToAirHeatPump:EquationFit", "Gross Rated Total Cooling Capacity"): (
        "Design Size Rated Total Cooling Capacity"
    ),
    ("Coil:Cooling:WaterToAirHeatPump:EquationFit", "Gross Rated Sensible Cooling Capacity"): (
        "Design Size Rated Sensible Cooling Capacity"
    ),
    ("Coil:Heating:WaterToAirHeatPump:EquationFit", "Gross Rated Heating Capacity"): (
        "Design Size Rated Heating Capacity"
    ),
    # Fan coils (large-hotel): "Rate" is dropped.
    ("ZoneHVAC:FourPipeFanCoil", "Maximum Cold Water Flow Rate"): (
        "Design Size Maximum Cold Water Flow"
    ),
    ("ZoneHVAC:FourPipeFanCoil", "Maximum Hot Water Flow Rate"): (
        "Design Size Maximum Hot Water Flow"
    ),
    # PTAC outdoor air (small-hotel).
    ("ZoneHVAC:PackagedTerminalAirConditioner", "Cooling Outdoor Air Flow Rate"): (
        "Design Size Outdoor Air Flow Rate During Cooling Operation"
    ),
    ("ZoneHVAC:PackagedTerminalAirConditioner", "Heating Outdoor Air Flow Rate"): (
        "Design Size Outdoor Air Flow Rate During Heating Operation"
    ),
    ("ZoneHVAC:PackagedTerminalAirConditioner", "No Load Outdoor Air Flow Rate"): (
        "Design Size Outdoor Air Flow Rate When No Cooling or Heating is Needed"
    ),
    # High-temperature radiant heaters (warehouse-2019): EnergyPlus 25.2 reports the autosized
    # capacity only as "User-Specified Heating Design Capacity".
    ("ZoneHVAC:HighTemperatureRadiant", "Heating Design Capacity"): (
        "User-Specified Heating Design Capacity"
    ),
}

# Furnaces and unitary heat-cool / air-to-air heat-pump systems (retail, strip-mall, warehouse,
# midrise-apartment, small-office-2019): supply-air flows are reported by operating mode.
_UNITARY_FLOWS = {
    "Cooling Supply Air Flow Rate": "Supply Air Flow Rate During Cooling Operation",
    "Heating Supply Air Flow Rate": "Supply Air Flow Rate During Heating Operation",
    "No Load Supply Air Flow Rate": "Supply Air Flow Rate When No Cooling or Heating is Needed",
}
for _unitary in (
    "AirLoopHVAC:UnitaryHeatCool",
    "AirLoopHVAC:Unitary:Furnace:HeatCool",
    "AirLoopHVAC:UnitaryHeatPump:AirToAir",
):
    DESCRIPTION_MAP.update({(_unitary, f): d for f, d in _UNITARY_FLOWS.items()})
for _unitary in ("AirLoopHVAC:UnitaryHeatCool", "AirLoopHVAC:Unitary:Furnace:HeatCool"):
    DESCRIPTION_MAP[(_unitary, "Maximum Supply Air Temperature")] = (
        "Maximum Supply Air Temperature from Supplemental Heater"
    )
del _unitary

#: Autosized fields EnergyPlus ignores under some setting of another field of the object, and
#: warns about when they hold a number: ``(object type, IDD field) -> (controlling field, its
#: values that make EnergyPlus ignore the field)``. They stay autosized under those values. The
#: DOE prototypes' VAV terminals autocalculate both reheat limits with ``Damper Heating Action =
#: Normal``; hard-sizing them earned 32 "input ... will be ignored" warnings on the large office.
IGNORED_INPUTS: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("AirTerminal:SingleDuct:VAV:Reheat", "Maximum Flow per Zone Floor Area During Reheat"): (
        "Damper Heating Action",
        ("Normal",),
    ),
    ("AirTerminal:SingleDuct:VAV:Reheat", "Maximum Flow Fraction During Reheat"): (
        "Damper Heating Action",
        ("Normal",),
    ),
}

#: Why a field stays autosized (:attr:`AutosizedField.kind`).
NEVER = "never hard-sized"
NO_ROW = "no ComponentSizes row"
UNUSED = "input EnergyPlus ignores here"
OUT_OF_RANGE = "sized value outside the IDD limits"


@dataclass(frozen=True)
class SizedField:
    """A field :func:`hard_size` set.

    Attributes
    ----------
    object_type, name : str
        The object (type as the IDD spells it).
    field : str
        The IDD field name.
    value : float
        The value written, in the units of ``units`` (SI, as EnergyPlus reports it).
    units : str
        ``W``, ``m3/s``, ``W/K``, ``C``, ... ("" for ratios).
    description : str
        The ``ComponentSizes`` description it came from.
    was : str
        ``autosize`` or ``autocalculate`` as written in the model, or ``autosize (IDD
        default)`` for a blank field.
    """

    object_type: str
    name: str
    field: str
    value: float
    units: str
    description: str
    was: str


@dataclass(frozen=True)
class AutosizedField:
    """A field :func:`hard_size` left autosized, and why.

    Attributes
    ----------
    object_type, name, field : str
    kind : str
        :data:`NEVER`, :data:`NO_ROW`, :data:`UNUSED` or :data:`OUT_OF_RANGE`.
    reason : str
        One line for a report.
    """

    object_type: str
    name: str
    field: str
    kind: str
    reason: str


@dataclass
class HardSizing:
    """What :func:`hard_size` did to a model.

    Attributes
    ----------
    sized : list of SizedField
        Fields set from the baseline's sizes.
    left_autosized : list of AutosizedField
        Autosized fields left as they were, with the reason (objects in ``skip`` excluded).
    skipped : list of (str, str)
        ``(object type, name)`` of the objects named in ``skip`` that have autosized fields
        (left as they are).
    skip_not_found : list of str
        Names in ``skip`` no object in the model carries.
    """

    sized: list[SizedField] = field(default_factory=list)
    left_autosized: list[AutosizedField] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    skip_not_found: list[str] = field(default_factory=list)

    def left(self, kind: str) -> list[AutosizedField]:
        """The fields left autosized for one reason (:data:`NEVER`, :data:`NO_ROW`, ...)."""
        return [f for f in self.left_autosized if f.kind == kind]

    def summary(self) -> dict:
        """Counts for a report: fields sized, left autosized by reason, objects skipped."""
        kinds: dict[str, int] = {}
        for f in self.left_autosized:
            kinds[f.kind] = kinds.get(f.kind, 0) + 1
        return {
            "fields_sized": len(self.sized),
            "objects_sized": len({(f.object_type.upper(), f.name.upper()) for f in self.sized}),
            "left_autosized": kinds,
            "objects_skipped": len(self.skipped),
            "skip_not_found": list(self.skip_not_found),
        }


def hard_size(
    idf,
    component_sizes: pd.DataFrame,
    *,
    skip: Iterable[str] = (),
    description_map: Mapping[tuple[str, str], str] | None = None,
) -> HardSizing:
    """Write a baseline's autosized values into the autosized fields of ``idf`` (in place).

    Parameters
    ----------
    idf : eppy.modeleditor.IDF
        The model to edit (a variant, before or after its measures are applied). Its objects
        must carry the names the baseline had.
    component_sizes : DataFrame
        The baseline's ``ComponentSizes`` (columns :data:`COMPONENT_SIZES_COLUMNS`; values in
        SI units as EnergyPlus reports them), e.g. ``sizing_context(...).component_sizes``.
    skip : iterable of str
        Names of objects a measure replaced or created (case-insensitive): they keep their own
        sizing and are listed in :attr:`HardSizing.skipped`.
    description_map : mapping, optional
        ``(object type, IDD field name) -> description`` for fields reported under another
        name; default :data:`DESCRIPTION_MAP`.

    Returns
    -------
    HardSizing
        The fields set, the autosized fields left and why, and the objects skipped.

    Raises
    ------
    ValueError
        ``component_sizes`` lacks one of the columns.

    Notes
    -----
    See the module docstring for the matching rules and for what stays autosized.
    """
    missing = [c for c in COMPONENT_SIZES_COLUMNS if c not in component_sizes.columns]
    if missing:
        raise ValueError(f"component_sizes lacks the column(s) {', '.join(missing)}")
    renamed = {
        (t.upper(), f.upper()): d.strip().lower()
        for (t, f), d in (DESCRIPTION_MAP if description_map is None else description_map).items()
    }
    rows = _index_rows(component_sizes)
    skip_names = {str(name).strip().upper() for name in skip}
    found: set[str] = set()
    record = HardSizing()
    for objects in idf.idfobjects.values():
        for obj in objects:
            if not obj.objidd or len(obj.obj) < 2:
                continue
            object_type = obj.objidd[0].get("idfobj", obj.obj[0])
            name = str(obj.obj[1]).strip()
            autosized = list(_autosized_fields(obj))
            never = _never_reason(object_type)
            if name.upper() in skip_names:
                found.add(name.upper())
                if autosized and never is None:
                    record.skipped.append((object_type, name))
                continue
            if not autosized:
                continue
            sizes = rows.get((object_type.upper(), name.upper()), {})
            for index, field_name, was in autosized:
                if never is not None:
                    record.left_autosized.append(
                        AutosizedField(object_type, name, field_name, NEVER, never)
                    )
                    continue
                ignored = _ignored_because(obj, object_type, field_name)
                if ignored:
                    record.left_autosized.append(
                        AutosizedField(object_type, name, field_name, UNUSED, ignored)
                    )
                    continue
                row = _find_row(sizes, object_type, field_name, renamed)
                if row is None:
                    record.left_autosized.append(
                        AutosizedField(
                            object_type,
                            name,
                            field_name,
                            NO_ROW,
                            "EnergyPlus reported no final size for this field in the "
                            "baseline (not used by this configuration, or not reported)",
                        )
                    )
                    continue
                description, value, units = row
                problem = _idd_limit_problem(obj.objidd[index], value)
                if problem:
                    record.left_autosized.append(
                        AutosizedField(
                            object_type,
                            name,
                            field_name,
                            OUT_OF_RANGE,
                            f"{description} = {value!r}: {problem}",
                        )
                    )
                    continue
                written = _set_field(obj, index, value)
                record.sized.append(
                    SizedField(object_type, name, field_name, written, units, description, was)
                )
    record.skip_not_found = sorted(
        str(n).strip() for n in skip if str(n).strip().upper() not in found
    )
    return record


def autosized_fields(idf) -> list[tuple[str, str, str]]:
    """``(object type, name, IDD field name)`` of every autosized field of a model.

    The same test :func:`hard_size` applies: ``autosize`` / ``autocalculate`` written, or a
    blank field whose IDD default is one of them.
    """
    out = []
    for objects in idf.idfobjects.values():
        for obj in objects:
            if not obj.objidd or len(obj.obj) < 2:
                continue
            object_type = obj.objidd[0].get("idfobj", obj.obj[0])
            for _, field_name, _ in _autosized_fields(obj):
                out.append((object_type, str(obj.obj[1]).strip(), field_name))
    return out


def _never_reason(object_type: str) -> str | None:
    upper = object_type.upper()
    for key, reason in NEVER_HARD_SIZED.items():
        k = key.upper()
        if (k.endswith(":") and upper.startswith(k)) or upper == k:
            return reason
    return None


def _autosized_fields(obj):
    """``(index, IDD field name, how)`` of the autosized fields of an eppy object."""
    values = obj.obj
    for index, name, default in _autosizable(obj.objidd[0].get("idfobj", obj.obj[0]), obj.objidd):
        text = str(values[index]).strip().lower() if index < len(values) else ""
        if text in AUTOSIZE_WORDS:
            yield index, name, text
        elif text == "" and default in AUTOSIZE_WORDS:
            yield index, name, f"{default} (IDD default)"


_AUTOSIZABLE: dict[str, tuple[tuple[int, str, str], ...]] = {}


def _autosizable(object_type: str, objidd) -> tuple[tuple[int, str, str], ...]:
    """``(index, IDD field name, IDD default lower-cased)`` of the fields the IDD lets be
    autosized or autocalculated (cached by object type: the IDD is the engine's, fixed)."""
    found = _AUTOSIZABLE.get(object_type)
    if found is None:
        found = tuple(
            (index, info["field"][0], str((info.get("default") or [""])[0]).strip().lower())
            for index, info in enumerate(objidd)
            if index > 0
            and info.get("field")
            and ("autosizable" in info or "autocalculatable" in info)
        )
        _AUTOSIZABLE[object_type] = found
    return found


def _ignored_because(obj, object_type: str, field_name: str) -> str:
    """Why EnergyPlus ignores this field of ``obj`` ("" when it uses it): :data:`IGNORED_INPUTS`."""
    rule = IGNORED_INPUTS.get((object_type, field_name))
    if rule is None:
        return ""
    control, values = rule
    for index, info in enumerate(obj.objidd):
        if info.get("field", [None])[0] == control:
            value = str(obj.obj[index]).strip() if index < len(obj.obj) else ""
            value = value or str((info.get("default") or [""])[0])
            if value.lower() in {v.lower() for v in values}:
                return f"{control} = {value}: EnergyPlus ignores this input (and warns if set)"
            return ""
    return ""


def _index_rows(sizes: pd.DataFrame) -> dict[tuple[str, str], dict[str, tuple]]:
    """``(TYPE, NAME) -> {description (lower, stripped): (description, value, units)}``.

    "Initial ..." rows (the first plant sizing pass) are dropped; a later row of the same
    description replaces an earlier one.
    """
    index: dict[tuple[str, str], dict[str, tuple]] = {}
    for comp_type, comp_name, description, value, units in sizes[
        list(COMPONENT_SIZES_COLUMNS)
    ].itertuples(index=False, name=None):
        desc = str(description).strip()
        if desc.lower().startswith("initial "):
            continue
        key = (str(comp_type).strip().upper(), str(comp_name).strip().upper())
        units = "" if units is None or (isinstance(units, float) and math.isnan(units)) else units
        index.setdefault(key, {})[desc.lower()] = (desc, value, str(units))
    return index


def _find_row(sizes: dict, object_type: str, field_name: str, renamed: dict):
    """The final row for one field: ``(description, value, units)``, or None."""
    candidates = []
    mapped = renamed.get((object_type.upper(), field_name.upper()))
    if mapped:
        candidates.append(mapped)
    candidates += [f"design size {field_name}".lower(), field_name.lower()]
    for candidate in candidates:
        row = sizes.get(candidate)
        if row is None:
            continue
        try:
            value = float(row[1])
        except (TypeError, ValueError):
            continue
        if math.isfinite(value):
            return row[0], value, row[2]
    return None


def _idd_limit_problem(info: dict, value: float) -> str:
    """Why ``value`` breaks the field's IDD limits ("" when it does not)."""
    checks = (
        ("minimum", lambda lim: value < lim, "below the IDD minimum"),
        ("minimum>", lambda lim: value <= lim, "not above the IDD minimum"),
        ("maximum", lambda lim: value > lim, "above the IDD maximum"),
        ("maximum<", lambda lim: value >= lim, "not below the IDD maximum"),
    )
    for key, broken, words in checks:
        for limit in info.get(key, []):
            try:
                number = float(limit)
            except (TypeError, ValueError):
                continue
            if broken(number):
                return f"{words} {limit}"
    return ""


def _set_field(obj, index: int, value: float) -> float | int:
    """Write ``value`` into field ``index`` (extending a short object); return what was written."""
    if index >= len(obj.obj):
        obj.obj.extend([""] * (index + 1 - len(obj.obj)))
    kind = (obj.objidd[index].get("type") or [""])[0]
    written = int(round(value)) if kind == "integer" else float(value)
    obj.obj[index] = written
    return written
