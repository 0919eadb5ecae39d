"""The performance path's calculation parameters, written into a model.

GB 50189-2015 clause 3.4 / Appendix B (and GB 55015-2021 Appendix C) simulate the design and the
reference building with the *same* occupancy, plug loads, schedules, fresh air, set-points and HVAC
operating hours, so that the saving rate reflects only the envelope, the plant efficiency and the
lighting power (standards.md §1.4 and Part 2 "Appendix B reference building").
:func:`apply_calculation_parameters` edits a model in place (the caller passes a copy) for every
**conditioned zone**, a zone served by a ``ZoneControl:Thermostat`` (zone lists expanded); plenums,
attics and other zones without a thermostat are left alone:

* **People** — one object per space (a zone without ``Space`` objects is its own space) at
  ``People/Area`` = the occupant density, with the occupancy schedule. Zones without a ``People``
  object get one (radiant fraction 0.3; activity: the model's activity schedule, else a constant
  120 W/person: GB 55015-2021 App. C, standards.md §1.4).
* **ElectricEquipment** — the zone's objects are removed and replaced by one per zone at
  ``Watts/Area`` = the equipment density with the equipment schedule. Elevators, kitchen and
  other special electric loads inside conditioned zones go too (the path fixes the plug load):
  the notes list them with their power.
* **Lights** — every object gets the lighting schedule and keeps its design LPD, unless
  ``lighting_w_per_m2`` is given (the reference building, App. B Table B.0.4-3): then one
  object per space at ``Watts/Area`` = that LPD.
* **Outdoor air** — the ``DesignSpecification:OutdoorAir`` objects the conditioned zones use
  (``Sizing:Zone``, ``Controller:MechanicalVentilation``, terminals and zone equipment;
  ``DesignSpecification:OutdoorAir:SpaceList`` expanded) become ``Flow/Person`` at the fresh-air
  rate, the other rates 0, scheduled by the HVAC operation schedule.
* **Set-points** — the ``ThermostatSetpoint:DualSetpoint``, ``SingleHeating`` and
  ``SingleCooling`` objects of the conditioned zones get the standard's set-point schedules.
* **HVAC operating hours** — on every air loop: ``AvailabilityManager:Scheduled`` *Schedule*,
  ``AvailabilityManager:NightCycle`` / ``OptimumStart`` *Fan Schedule* (night cycling on the
  set-back set-points is kept), the supply fans' *Availability Schedule* (fans on the branches
  and inside unitary systems), unitary systems' *Supply Air Fan Operating Mode Schedule* (when set
  and the fan may cycle), ``Controller:OutdoorAir`` *Minimum Outdoor Air Schedule* and
  ``Controller:MechanicalVentilation`` *Availability Schedule*; and in conditioned zones the
  *Availability Schedule* of the zone equipment (``ZoneHVAC:*`` units, ``Fan:ZoneExhaust``).
  All get the HVAC operation schedule.

Gas, hot-water, steam and other equipment are process loads outside the parameters: kept, and
noted when in a conditioned zone.

Objects covering conditioned and unconditioned spaces at once (a ``ZoneList`` or ``SpaceList``
across both) are split first into one copy per space, absolute levels apportioned as EnergyPlus
does (:func:`retrofit.measures.lighting.covered_parts`), so that the unconditioned spaces keep
theirs. The new schedules are ``Schedule:Compact`` objects (:func:`compact_schedule_fields`)
created once; applying twice reuses them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from retrofit import model
from retrofit.compliance.rules import CalculationParameters, Schedule
from retrofit.measures.hvac import add_object
from retrofit.measures.lighting import (
    LIGHTS_METHOD_FIELDS,
    PEOPLE_METHOD_FIELDS,
    Part,
    Spaces,
    design_people,
)

#: Occupant activity [W/person] of a ``People`` object added where a conditioned zone has none
#: and the model has no activity schedule: GB 55015-2021 App. C (standards.md §1.4, GUDAO-PT).
ACTIVITY_W_PER_PERSON = 120.0

#: Radiant fraction of occupants' sensible heat, for added ``People`` (standards.md §1.4).
PEOPLE_FRACTION_RADIANT = 0.3

#: Radiant and visible fractions of added ``Lights`` (standards.md §1.4, GUDAO-PT).
LIGHTS_FRACTION_RADIANT = 0.32
LIGHTS_FRACTION_VISIBLE = 0.25

#: Latent, radiant and lost fractions of the ``ElectricEquipment`` that replaces a zone's plug
#: loads. ASSUMPTION: the DOE prototypes' plug loads (``*_MiscPlug_Equip``: 0 / 0.5 / 0);
#: GB 55015-2021 App. C gives the density only.
EQUIPMENT_FRACTIONS = {"latent": 0.0, "radiant": 0.5, "lost": 0.0}

#: Value of the occupancy, lighting and equipment schedules on the winter design day: no credit
#: for internal gains when sizing the heating (ASHRAE Handbook Fundamentals ch. 18; the DOE
#: prototypes' WinterDesignDay gains are 0). The set-point and operation schedules use the
#: weekday profile on both design days.
WINTER_DESIGN_DAY_GAIN_FRACTION = 0.0

#: ``ScheduleTypeLimits`` of the new schedules: name, lower, upper, numeric type, unit type.
#: An existing object of that name is reused when its limits hold the values.
TYPE_LIMITS = {
    "fraction": ("Fraction", 0.0, 1.0, "Continuous", ""),
    "temperature": ("Temperature", None, None, "Continuous", "Temperature"),
    "activity": ("Any Number", None, None, "Continuous", ""),
}

#: The schedules written, by role: (``CalculationParameters`` attribute, type limits, winter
#: design day value or None for the weekday profile, name suffix).
SCHEDULE_ROLES = {
    "occupancy": ("occupancy", "fraction", WINTER_DESIGN_DAY_GAIN_FRACTION, "occupancy"),
    "lighting": ("lighting", "fraction", WINTER_DESIGN_DAY_GAIN_FRACTION, "lighting"),
    "equipment": ("equipment", "fraction", WINTER_DESIGN_DAY_GAIN_FRACTION, "equipment"),
    "cooling_setpoint": ("cooling_setpoint_c", "temperature", None, "cooling setpoint"),
    "heating_setpoint": ("heating_setpoint_c", "temperature", None, "heating setpoint"),
    "hvac_operation": ("hvac_operation", "fraction", None, "HVAC operation"),
}

#: Schedule object types sharing one name space in EnergyPlus.
SCHEDULE_KEYS = ("Schedule:Compact", "Schedule:Constant", "Schedule:Year", "Schedule:File")

#: ``ElectricEquipment`` design level methods (EnergyPlus 25.2 IDD keys, lower case) -> field.
EQUIPMENT_METHOD_FIELDS = {
    "equipmentlevel": "Design_Level",
    "watts/area": "Watts_per_Floor_Area",
    "watts/person": "Watts_per_Person",
}

#: The field of a gain object naming its zone, zone list, space or space list.
GAIN_TARGET_FIELD = "Zone_or_ZoneList_or_Space_or_SpaceList_Name"

#: Gain objects handled: their calculation-method field, the field each method reads, and the
#: absolute-level method (split copies of an object covering several spaces get that level
#: times the space's share).
GAINS = {
    "PEOPLE": ("Number_of_People_Calculation_Method", PEOPLE_METHOD_FIELDS, "people"),
    "LIGHTS": ("Design_Level_Calculation_Method", LIGHTS_METHOD_FIELDS, "lightinglevel"),
    "ELECTRICEQUIPMENT": (
        "Design_Level_Calculation_Method",
        EQUIPMENT_METHOD_FIELDS,
        "equipmentlevel",
    ),
}

#: The per-area method a gain object is zeroed with when it cannot be removed.
ZERO_METHOD = {"PEOPLE": "People/Area", "LIGHTS": "Watts/Area", "ELECTRICEQUIPMENT": "Watts/Area"}

#: Object types that name gain objects (a removed one would leave them dangling).
GAIN_REFERRERS = (
    "METER:CUSTOM",
    "METER:CUSTOMDECREMENT",
    "ENERGYMANAGEMENTSYSTEM:ACTUATOR",
    "ENERGYMANAGEMENTSYSTEM:SENSOR",
    "DEMANDMANAGER:LIGHTS",
    "DEMANDMANAGER:ELECTRICEQUIPMENT",
)

#: Availability managers of an air loop -> the field holding the loop's operating schedule.
#: Others (ScheduledOn/Off, temperature turn-on/off, night ventilation) are kept and noted.
AVAILABILITY_MANAGER_FIELDS = {
    "AVAILABILITYMANAGER:SCHEDULED": "Schedule_Name",
    "AVAILABILITYMANAGER:NIGHTCYCLE": "Fan_Schedule_Name",
    "AVAILABILITYMANAGER:OPTIMUMSTART": "Fan_Schedule_Name",
}

#: Fans that must run continuously in a unitary system (a fan operating mode schedule of 0 is an
#: error with them), so the mode schedule is left alone.
CONTINUOUS_FANS = ("FAN:CONSTANTVOLUME",)

#: End-use subcategories of ordinary plug loads (the DOE prototypes' names); removing
#: electric equipment of any other subcategory (elevators, kitchen, laundry) is noted.
PLUG_LOAD_SUBCATEGORIES = ("general", "miscplug", "plugmisc")

#: Words in an ElectricEquipment's name or end-use subcategory that mark a process load (data
#: centres, IT rooms): not the occupants' plug load the standard fixes, and part of what the
#: HVAC is sized for (removing the DOE 2019 large office's 215-484 W/m2 data-centre load leaves
#: its fluid cooler unsizeable). Kept as designed, in design and reference alike.
PROCESS_LOAD_WORDS = ("datacenter", "data center", "data_center", "itequipment", "process")

#: Zone equipment whose availability is the air loop's (its terminal's schedule is left alone).
NOT_ZONE_UNITS = ("ZONEHVAC:AIRDISTRIBUTIONUNIT",)

#: Other internal gains, kept as designed (process loads outside the standard's parameters);
#: those in conditioned zones are noted.
OTHER_GAINS = ("GASEQUIPMENT", "HOTWATEREQUIPMENT", "STEAMEQUIPMENT", "OTHEREQUIPMENT")


# --------------------------------------------------------------------------------------------
# The record of what was edited
# --------------------------------------------------------------------------------------------


@dataclass
class ParameterChanges:
    """What :func:`apply_calculation_parameters` edited.

    Attributes
    ----------
    conditioned_zones : list of str
        Zones with a thermostat, the ones given the parameters.
    floor_area_m2 : float
        Their floor area, zone multipliers applied [m²].
    equipment_removed_w : float
        Design power of the electric equipment removed from conditioned zones, multipliers
        applied [W].
    equipment_added_w : float
        Design power of the replacement at the standard's density [W].
    lighting_w_per_m2 : float or None
        The LPD written (None: the design's LPD kept).
    availability : list of str
        ``"Type Name: Field"`` of every availability field set to the HVAC operation schedule.
    schedules : dict
        Role -> name of the schedule used (``occupancy``, ``lighting``, ``equipment``,
        ``cooling_setpoint``, ``heating_setpoint``, ``hvac_operation``, ``activity`` if added).
    """

    building_type: str
    conditioned_zones: list[str] = field(default_factory=list)
    floor_area_m2: float = 0.0
    occupancy_person_per_m2: float = 0.0
    equipment_w_per_m2: float = 0.0
    outdoor_air_m3_per_s_person: float = 0.0
    people_edited: list[str] = field(default_factory=list)
    people_added: list[str] = field(default_factory=list)
    people_removed: list[str] = field(default_factory=list)
    equipment_removed: list[str] = field(default_factory=list)
    equipment_removed_w: float = 0.0
    equipment_added: list[str] = field(default_factory=list)
    equipment_added_w: float = 0.0
    lights_edited: list[str] = field(default_factory=list)
    lights_added: list[str] = field(default_factory=list)
    lights_removed: list[str] = field(default_factory=list)
    lighting_w_per_m2: float | None = None
    outdoor_air: list[str] = field(default_factory=list)
    thermostats: list[str] = field(default_factory=list)
    availability: list[str] = field(default_factory=list)
    split: list[str] = field(default_factory=list)
    schedules: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def zones(self) -> int:
        return len(self.conditioned_zones)

    def to_rows(self) -> list[dict[str, Any]]:
        """One row per kind of edit (``item``, ``value``, ``unit``, ``detail``) for a report."""
        lpd = (
            f"{self.lighting_w_per_m2:g} W/m2 (Watts/Area)"
            if self.lighting_w_per_m2 is not None
            else "design LPD kept"
        )

        def row(item: str, value: Any, unit: str = "", detail: str = "") -> dict[str, Any]:
            return {"item": item, "value": value, "unit": unit, "detail": detail}

        return [
            row("building type", self.building_type),
            row("conditioned zones", self.zones, "", _names(self.conditioned_zones)),
            row("conditioned floor area", round(self.floor_area_m2, 1), "m2"),
            row(
                "People objects (occupancy density)",
                len(self.people_edited) + len(self.people_added),
                "",
                f"{self.occupancy_person_per_m2:g} person/m2, schedule "
                f"{self.schedules.get('occupancy', '')}; added: {_names(self.people_added)}; "
                f"removed: {_names(self.people_removed)}",
            ),
            row(
                "ElectricEquipment removed",
                len(self.equipment_removed),
                "",
                f"{self.equipment_removed_w / 1000.0:.1f} kW: {_names(self.equipment_removed)}",
            ),
            row(
                "ElectricEquipment added (equipment density)",
                len(self.equipment_added),
                "",
                f"{self.equipment_w_per_m2:g} W/m2, {self.equipment_added_w / 1000.0:.1f} kW, "
                f"schedule {self.schedules.get('equipment', '')}",
            ),
            row(
                "Lights objects (lighting schedule)",
                len(self.lights_edited) + len(self.lights_added),
                "",
                f"{lpd}, schedule {self.schedules.get('lighting', '')}; added: "
                f"{_names(self.lights_added)}; removed: {_names(self.lights_removed)}",
            ),
            row(
                "DesignSpecification:OutdoorAir (fresh air per person)",
                len(self.outdoor_air),
                "",
                f"{self.outdoor_air_m3_per_s_person:g} m3/s per person, schedule "
                f"{self.schedules.get('hvac_operation', '')}",
            ),
            row(
                "thermostat set-point objects",
                len(self.thermostats),
                "",
                f"cooling {self.schedules.get('cooling_setpoint', '')}, heating "
                f"{self.schedules.get('heating_setpoint', '')}",
            ),
            row(
                "availability fields (HVAC operating hours)",
                len(self.availability),
                "",
                _names(self.availability),
            ),
            row("objects split per space", len(self.split), "", _names(self.split)),
        ]


def _names(names: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names)} in all)" if len(names) > limit else "")


# --------------------------------------------------------------------------------------------
# Applying the parameters (edits the model)
# --------------------------------------------------------------------------------------------


def apply_calculation_parameters(
    idf, params: CalculationParameters, *, lighting_w_per_m2: float | None = None
) -> ParameterChanges:
    """Give a model's conditioned zones the performance path's calculation parameters.

    Edits ``idf`` in place (pass a copy); see the module docstring for what changes. Applying
    to two copies of one model gives identical models.

    Parameters
    ----------
    idf : eppy.modeleditor.IDF
    params : CalculationParameters
        One building type's parameters (GB 55015-2021 App. C / GB 50189-2015 App. B).
    lighting_w_per_m2 : float, optional
        Lighting power density for every conditioned space [W/m²]: the reference building's
        (``params.reference_lighting_w_per_m2.value``, App. B Table B.0.4-3). None keeps the
        design's LPD (the design model).

    Returns
    -------
    ParameterChanges
    """
    changes = ParameterChanges(
        building_type=params.building_type,
        occupancy_person_per_m2=params.occupancy_person_per_m2.value,
        equipment_w_per_m2=params.equipment_w_per_m2.value,
        outdoor_air_m3_per_s_person=params.outdoor_air_m3_per_s_person.value,
        lighting_w_per_m2=lighting_w_per_m2,
    )
    spaces = Spaces.of(idf)
    conditioned = conditioned_zones(idf)
    changes.conditioned_zones = [spaces.zones[z].name for z in conditioned]
    changes.floor_area_m2 = sum(
        spaces.zone_area_m2[z] * spaces.zone_multiplier.get(z, 1.0) for z in conditioned
    )
    if not conditioned:
        changes.notes.append("no zone has a ZoneControl:Thermostat: nothing conditioned, no edit")
        return changes
    schedules = {
        role: _schedule(
            idf, f"GB {params.building_type} {suffix}", getattr(params, attr), limits, winter
        )
        for role, (attr, limits, winter, suffix) in SCHEDULE_ROLES.items()
    }
    changes.schedules = dict(schedules)
    # Equipment first: its power before the edit may depend on the occupants (Watts/Person).
    _apply_equipment(idf, spaces, conditioned, params, schedules, changes)
    _apply_people(idf, spaces, conditioned, params, schedules, changes)
    _apply_lights(idf, spaces, conditioned, schedules, lighting_w_per_m2, changes)
    _apply_outdoor_air(idf, conditioned, params, schedules["hvac_operation"], changes)
    _apply_thermostats(idf, conditioned, schedules, changes)
    _apply_operation(idf, conditioned, schedules["hvac_operation"], changes)
    _note_other_gains(idf, spaces, conditioned, changes)
    return changes


def set_lighting_power_density(idf, lighting_w_per_m2: float) -> ParameterChanges:
    """Set every conditioned space's lighting to ``lighting_w_per_m2`` [W/m²], nothing else.

    For a retrofit study's reference building (:mod:`retrofit.compliance.study`): the App. B
    lighting power with the building's own lighting schedules. One Lights object per space is
    kept (the first; others covering the space are removed, shared ones split); spaces without
    lights stay without (noted).
    """
    changes = ParameterChanges(building_type="", lighting_w_per_m2=lighting_w_per_m2)
    spaces = Spaces.of(idf)
    conditioned = conditioned_zones(idf)
    owners, removed = _one_per_space(idf, "LIGHTS", spaces, conditioned, changes)
    changes.lights_removed += removed
    for obj in _distinct(owners.values()):
        obj.Design_Level_Calculation_Method = "Watts/Area"
        obj.Lighting_Level = ""
        obj.Watts_per_Floor_Area = lighting_w_per_m2
        obj.Watts_per_Person = ""
        changes.lights_edited.append(str(obj.Name))
    unlit = _uncovered(idf, spaces, conditioned, owners)
    if unlit:
        changes.notes.append(f"no lights, left so: {_names(unlit)}")
    return changes


def conditioned_zones(idf) -> list[str]:
    """Upper-case names of the zones served by a ``ZoneControl:Thermostat``, in model order.

    A thermostat naming a ``ZoneList`` conditions each zone of the list.
    """
    zones = model.zones(idf)
    named: dict[str, None] = {}
    for t in idf.idfobjects["ZONECONTROL:THERMOSTAT"]:
        for name in model.expand_list(idf, "ZoneList", t.Zone_or_ZoneList_Name):
            named[str(name).upper()] = None
    return [z for z in zones if z in named]


# -- schedules ---------------------------------------------------------------------------


def _schedule(idf, base: str, schedule: Schedule, limits: str, winter: float | None) -> str:
    """The name of a ``Schedule:Compact`` holding ``schedule``: ``base`` when it exists with the
    same content (a second application), else a new one under a free name."""
    values = [*schedule.weekday, *schedule.weekend] + ([winter] if winter is not None else [])
    limits_name = _type_limits(idf, limits, values)
    fields = compact_schedule_fields(base, schedule, limits_name, winter_design_day=winter)
    existing = model.by_name(idf, "Schedule:Compact", base)
    if existing is not None and _same_fields(existing.obj[1:], fields):
        return str(existing.Name)
    fields[0] = model.unique_name(idf, SCHEDULE_KEYS, base)
    add_object(idf, "Schedule:Compact", fields)
    return fields[0]


def _same_fields(a: Sequence, b: Sequence) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        nx, ny = model.number(x), model.number(y)
        if nx is not None and ny is not None:
            if not math.isclose(nx, ny, rel_tol=1e-12, abs_tol=1e-12):
                return False
        elif str(x).strip().lower() != str(y).strip().lower():
            return False
    return True


def _type_limits(idf, kind: str, values: Sequence[float]) -> str:
    """A ``ScheduleTypeLimits`` for ``values``: the model's one named as :data:`TYPE_LIMITS`
    says when it holds them, else a new one."""
    name, lower, upper, numeric, unit = TYPE_LIMITS[kind]
    existing = model.by_name(idf, "ScheduleTypeLimits", name)
    if existing is not None and _limits_hold(existing, values):
        return str(existing.Name)
    free = model.unique_name(idf, "ScheduleTypeLimits", name)
    blank = ""
    add_object(
        idf,
        "ScheduleTypeLimits",
        [
            free,
            blank if lower is None else lower,
            blank if upper is None else upper,
            numeric,
            unit,
        ],
    )
    return free


def _limits_hold(limits, values: Sequence[float]) -> bool:
    lower = model.number(limits.Lower_Limit_Value)
    upper = model.number(limits.Upper_Limit_Value)
    if str(limits.Numeric_Type).strip().lower() == "discrete":
        if any(float(v) != round(float(v)) for v in values):
            return False
    return all(
        (lower is None or v >= lower) and (upper is None or v <= upper) for v in map(float, values)
    )


# -- internal gains ----------------------------------------------------------------------


def _apply_people(idf, spaces, conditioned, params, schedules, changes) -> None:
    density = params.occupancy_person_per_m2.value
    owners, removed = _one_per_space(idf, "PEOPLE", spaces, conditioned, changes)
    changes.people_removed += removed
    for name in removed:
        changes.notes.append(f"People {name}: a second People object in its space, removed")
    for obj in _distinct(owners.values()):
        obj.Number_of_People_Schedule_Name = schedules["occupancy"]
        obj.Number_of_People_Calculation_Method = "People/Area"
        obj.Number_of_People = ""
        obj.People_per_Floor_Area = density
        obj.Floor_Area_per_Person = ""
        changes.people_edited.append(str(obj.Name))
    missing = _uncovered(idf, spaces, conditioned, owners)
    if not missing:
        return
    activity = _activity_schedule(idf, changes)
    for target in missing:
        name = model.unique_name(idf, "People", f"{target} GB People")
        add_object(
            idf,
            "People",
            [
                name,
                target,
                schedules["occupancy"],
                "People/Area",
                "",
                density,
                "",
                PEOPLE_FRACTION_RADIANT,
                "autocalculate",
                activity,
            ],
        )
        changes.people_added.append(name)
        changes.notes.append(f"People {name}: added ({target} had no occupants)")


def _activity_schedule(idf, changes: ParameterChanges) -> str:
    """The model's occupant activity schedule (the first People object's), else a constant
    :data:`ACTIVITY_W_PER_PERSON` schedule."""
    for p in idf.idfobjects["PEOPLE"]:
        name = str(p.Activity_Level_Schedule_Name).strip()
        if name:
            return name
    constant = (ACTIVITY_W_PER_PERSON,) * 24
    schedule = Schedule(constant, constant, source="standards.md 1.4 (GB 55015-2021 App. C)")
    name = _schedule(idf, "GB occupant activity", schedule, "activity", None)
    changes.schedules["activity"] = name
    return name


def _apply_equipment(idf, spaces, conditioned, params, schedules, changes) -> None:
    density = params.equipment_w_per_m2.value
    target_field, methods = GAIN_TARGET_FIELD, GAINS["ELECTRICEQUIPMENT"][1]
    _isolate(idf, "ELECTRICEQUIPMENT", spaces, conditioned, changes)
    people = design_people(idf, spaces)
    for obj in list(idf.idfobjects["ELECTRICEQUIPMENT"]):
        parts = spaces.parts(obj[target_field])
        if not parts or parts[0].zone not in conditioned:
            continue
        power_w = _design_power_w(obj, methods, parts, people)
        label = f"{obj.Name} {obj.EndUse_Subcategory}".lower()
        if any(word in label for word in PROCESS_LOAD_WORDS):
            changes.notes.append(
                f"ElectricEquipment {obj.Name} ({power_w / 1000.0:.1f} kW): a process load, "
                "kept as designed"
            )
            continue
        changes.equipment_removed.append(str(obj.Name))
        changes.equipment_removed_w += power_w
        category = str(obj.EndUse_Subcategory or "General")
        if category.lower() not in PLUG_LOAD_SUBCATEGORIES:
            changes.notes.append(
                f"ElectricEquipment {obj.Name} ({category}, {power_w / 1000.0:.1f} kW) in a "
                "conditioned zone: replaced by the standard's plug load like the others"
            )
        _retire(idf, "ELECTRICEQUIPMENT", obj, changes)
    for zone in conditioned:
        name = model.unique_name(
            idf, "ElectricEquipment", f"{spaces.zones[zone].name} GB Equipment"
        )
        add_object(
            idf,
            "ElectricEquipment",
            [
                name,
                spaces.zones[zone].name,
                schedules["equipment"],
                "Watts/Area",
                "",
                density,
                "",
                EQUIPMENT_FRACTIONS["latent"],
                EQUIPMENT_FRACTIONS["radiant"],
                EQUIPMENT_FRACTIONS["lost"],
            ],
        )
        changes.equipment_added.append(name)
        area = spaces.zone_area_m2[zone] * spaces.zone_multiplier.get(zone, 1.0)
        changes.equipment_added_w += density * area


def _apply_lights(idf, spaces, conditioned, schedules, lighting_w_per_m2, changes) -> None:
    target_field = GAIN_TARGET_FIELD
    if lighting_w_per_m2 is None:
        _isolate(idf, "LIGHTS", spaces, conditioned, changes)
        lights = [
            o
            for o in idf.idfobjects["LIGHTS"]
            if any(p.zone in conditioned for p in spaces.parts(o[target_field]))
        ]
    else:
        owners, removed = _one_per_space(idf, "LIGHTS", spaces, conditioned, changes)
        changes.lights_removed += removed
        lights = _distinct(owners.values())
    for obj in lights:
        obj.Schedule_Name = schedules["lighting"]
        if lighting_w_per_m2 is None:
            if str(obj.Design_Level_Calculation_Method).lower() == "watts/person":
                changes.notes.append(
                    f"Lights {obj.Name}: Watts/Person, its power follows the standard's occupancy"
                )
        else:
            obj.Design_Level_Calculation_Method = "Watts/Area"
            obj.Lighting_Level = ""
            obj.Watts_per_Floor_Area = lighting_w_per_m2
            obj.Watts_per_Person = ""
        changes.lights_edited.append(str(obj.Name))
    if lighting_w_per_m2 is None:
        return
    for target in _uncovered(idf, spaces, conditioned, owners):
        name = model.unique_name(idf, "Lights", f"{target} GB Lights")
        add_object(
            idf,
            "Lights",
            [
                name,
                target,
                schedules["lighting"],
                "Watts/Area",
                "",
                lighting_w_per_m2,
                "",
                0.0,
                LIGHTS_FRACTION_RADIANT,
                LIGHTS_FRACTION_VISIBLE,
            ],
        )
        changes.lights_added.append(name)
        changes.notes.append(f"Lights {name}: added ({target} had no lights)")


def _note_other_gains(idf, spaces: Spaces, conditioned, changes) -> None:
    for key in OTHER_GAINS:
        for obj in idf.idfobjects[key]:
            if any(p.zone in conditioned for p in spaces.parts(obj[GAIN_TARGET_FIELD])):
                changes.notes.append(
                    f"{model.type_name(obj)} {obj.Name} in a conditioned zone: kept as designed"
                )


def _isolate(idf, key: str, spaces: Spaces, conditioned, changes) -> None:
    """Split every ``key`` object covering conditioned and unconditioned spaces into one copy
    per space, so that the unconditioned ones can be left as they are."""
    target_field = GAIN_TARGET_FIELD
    for obj in list(idf.idfobjects[key]):
        parts = spaces.parts(obj[target_field])
        inside = {p.zone in conditioned for p in parts}
        if len(inside) > 1:
            _split(idf, key, obj, parts, changes)


def _one_per_space(idf, key: str, spaces: Spaces, conditioned, changes):
    """Leave one ``key`` object per conditioned space: the first in model order.

    Objects covering a conditioned space another object owns, or covering unconditioned spaces
    too, are split per space (:func:`_split`); copies for spaces owned by another object are
    removed.

    Returns
    -------
    owners : dict
        Upper-case space key -> the object left for it.
    removed : list of str
        Names of the objects (or per-space copies) removed.
    """
    target_field = GAIN_TARGET_FIELD
    owners: dict[str, Any] = {}
    for obj in idf.idfobjects[key]:
        for part in spaces.parts(obj[target_field]):
            if part.zone in conditioned:
                owners.setdefault(part.key, obj)
    removed: list[str] = []
    for obj in list(idf.idfobjects[key]):
        parts = spaces.parts(obj[target_field])
        if not any(p.zone in conditioned for p in parts):
            continue
        if all(p.zone in conditioned and owners[p.key] is obj for p in parts):
            continue
        if all(p.zone in conditioned and owners[p.key] is not obj for p in parts):
            removed.append(str(obj.Name))
            _retire(idf, key, obj, changes)
            continue
        for part, copy in _split(idf, key, obj, parts, changes):
            if part.zone not in conditioned:
                continue
            if owners[part.key] is obj:
                owners[part.key] = copy
            else:
                removed.append(str(copy.Name))
                _remove(idf, copy)
    return owners, removed


def _split(idf, key: str, obj, parts: list[Part], changes) -> list[tuple[Part, Any]]:
    """Replace ``obj`` by one copy per space it covers; an absolute level (W, people) becomes
    the space's share of it, as EnergyPlus apportions it. Returns (part, copy) pairs."""
    method_field, methods, absolute = GAINS[key]
    target_field = GAIN_TARGET_FIELD
    method = str(obj[method_field] or "").lower() or absolute
    copies = []
    for part in parts:
        target = _space_name(idf, part)
        copy = idf.copyidfobject(obj)
        copy.Name = model.unique_name(idf, key, f"{obj.Name} {target}")
        copy[target_field] = target
        if method == absolute:
            level = model.number(obj[methods[absolute]], 0.0) or 0.0
            copy[methods[absolute]] = level * part.share
        copies.append((part, copy))
    changes.split.append(str(obj.Name))
    changes.notes.append(
        f"{model.type_name(obj)} {obj.Name}: covered conditioned and unconditioned spaces (or "
        f"shared one), split into {len(parts)} per-space copies"
    )
    _retire(idf, key, obj, changes)
    return copies


def _retire(idf, key: str, obj, changes) -> None:
    """Remove a gain object, or set it to zero when other objects name it (custom meters, EMS,
    demand managers: removing it would leave them dangling, an EnergyPlus severe error)."""
    users = _referrers(idf, obj.Name)
    if not users:
        _remove(idf, obj)
        return
    method_field, methods, _ = GAINS[key]
    for fname in methods.values():
        obj[fname] = ""
    obj[method_field] = ZERO_METHOD[key]
    obj[methods[ZERO_METHOD[key].lower()]] = 0.0
    changes.notes.append(
        f"{model.type_name(obj)} {obj.Name}: kept at zero, not removed ({', '.join(users)} name it)"
    )


def _referrers(idf, name: str) -> list[str]:
    """``"Type Name"`` of the objects of :data:`GAIN_REFERRERS` with a field equal to ``name``."""
    target = str(name).strip().upper()
    return [
        f"{model.type_name(o)} {o.Name}"
        for key in GAIN_REFERRERS
        for o in idf.idfobjects[key]
        if any(str(v).strip().upper() == target for v in o.obj[2:])
    ]


def _remove(idf, obj) -> None:
    """Remove ``obj`` itself (eppy's ``removeidfobject`` removes the first *equal* object)."""
    objects = idf.idfobjects[obj.key.upper()]
    del objects[next(i for i, o in enumerate(objects) if o is obj)]


def _space_name(idf, part: Part) -> str:
    """The model's spelling of a space key (a ``Space`` name, or a zone's)."""
    obj = model.by_name(idf, ("Space", "Zone"), part.key)
    return str(obj.Name) if obj is not None else part.key


def _uncovered(idf, spaces: Spaces, conditioned, owners: dict[str, Any]) -> list[str]:
    """Targets for new objects: each conditioned zone none of whose spaces has an owner (the
    zone), else each of its spaces without one."""
    out = []
    for zone in conditioned:
        keys = [k for k, _ in spaces.zone_spaces[zone]]
        if not any(k in owners for k in keys):
            out.append(spaces.zones[zone].name)
        else:
            out.extend(_space_name(idf, Part(k, zone, 0.0, 1.0)) for k in keys if k not in owners)
    return out


def _distinct(objects: Iterable) -> list:
    seen: dict[int, Any] = {}
    for obj in objects:
        seen.setdefault(id(obj), obj)
    return list(seen.values())


def _design_power_w(obj, methods: dict[str, str], parts: list[Part], people) -> float:
    """Design power of a gain object over ``parts`` [W], multipliers applied."""
    method = str(obj.Design_Level_Calculation_Method or "").lower()
    value = model.number(obj[methods.get(method, methods["equipmentlevel"])], 0.0) or 0.0
    power = 0.0
    for part in parts:
        if method == "watts/area":
            power += value * part.area_m2 * part.multiplier
        elif method == "watts/person":
            power += value * people.get(part.key, 0.0) * part.multiplier
        else:
            power += value * part.share * part.multiplier
    return power


# -- outdoor air -------------------------------------------------------------------------


def _apply_outdoor_air(idf, conditioned, params, schedule: str, changes) -> None:
    rate = params.outdoor_air_m3_per_s_person.value
    names = dict.fromkeys(_outdoor_air_names(idf, conditioned))
    for name in names:
        obj = model.by_name(idf, "DesignSpecification:OutdoorAir", name)
        if obj is None:
            changes.notes.append(f"DesignSpecification:OutdoorAir {name}: not in the model")
            continue
        obj.Outdoor_Air_Method = "Flow/Person"
        obj.Outdoor_Air_Flow_per_Person = rate
        obj.Outdoor_Air_Flow_per_Zone_Floor_Area = 0.0
        obj.Outdoor_Air_Flow_per_Zone = 0.0
        obj.Outdoor_Air_Flow_Air_Changes_per_Hour = 0.0
        obj.Outdoor_Air_Schedule_Name = schedule
        changes.outdoor_air.append(str(obj.Name))
    if not changes.outdoor_air:
        changes.notes.append(
            "no DesignSpecification:OutdoorAir serves a conditioned zone: fresh air unchanged"
        )
    for oac in idf.idfobjects["CONTROLLER:OUTDOORAIR"]:
        fixed = model.number(oac.Minimum_Outdoor_Air_Flow_Rate, positive=True)
        if fixed is not None:
            changes.notes.append(
                f"Controller:OutdoorAir {oac.Name}: hard-sized minimum outdoor air {fixed:g} m3/s "
                "kept (the air loop's fresh air does not follow the per-person rate)"
            )


def _outdoor_air_names(idf, conditioned) -> Iterator[str]:
    """Names of the ``DesignSpecification:OutdoorAir`` objects the conditioned zones use, in
    model order, ``DesignSpecification:OutdoorAir:SpaceList`` expanded."""
    cond = set(conditioned)
    for sizing in idf.idfobjects["SIZING:ZONE"]:
        if _zones_of(idf, sizing.Zone_or_ZoneList_Name) & cond:
            yield from _expand_oa(idf, sizing.Design_Specification_Outdoor_Air_Object_Name)
    for mv in idf.idfobjects["CONTROLLER:MECHANICALVENTILATION"]:
        names = mv.fieldnames
        for i, fname in enumerate(names):
            if not (fname.startswith("Zone_or_ZoneList_") and fname.endswith("_Name")):
                continue
            n = fname[len("Zone_or_ZoneList_") : -len("_Name")]
            zone = _value(mv, i)
            if zone and _zones_of(idf, zone) & cond:
                yield from _expand_oa(idf, mv[f"Design_Specification_Outdoor_Air_Object_Name_{n}"])
    for zone in conditioned:
        for obj in _zone_units(idf, zone, with_terminals=True):
            for i, fname in enumerate(obj.fieldnames):
                if fname == "Design_Specification_Outdoor_Air_Object_Name":
                    yield from _expand_oa(idf, _value(obj, i))


def _expand_oa(idf, name) -> list[str]:
    name = str(name or "").strip()
    if not name:
        return []
    listing = model.by_name(idf, "DesignSpecification:OutdoorAir:SpaceList", name)
    if listing is None:
        return [name]
    out = []
    for i, fname in enumerate(listing.fieldnames):
        if fname.endswith("_Design_Specification_Outdoor_Air_Object_Name"):
            value = _value(listing, i)
            if value:
                out.append(value)
    return out


def _zones_of(idf, name) -> set[str]:
    return {str(z).upper() for z in model.expand_list(idf, "ZoneList", name)}


# -- thermostats -------------------------------------------------------------------------


def _apply_thermostats(idf, conditioned, schedules, changes) -> None:
    cond = set(conditioned)
    done: dict[int, None] = {}
    for t in idf.idfobjects["ZONECONTROL:THERMOSTAT"]:
        if not _zones_of(idf, t.Zone_or_ZoneList_Name) & cond:
            continue
        for kind, name in _typed_pairs(t):
            obj = model.by_name(idf, kind, name)
            if obj is None or id(obj) in done:
                continue
            done[id(obj)] = None
            key = obj.key.upper()
            if key == "THERMOSTATSETPOINT:DUALSETPOINT":
                obj.Heating_Setpoint_Temperature_Schedule_Name = schedules["heating_setpoint"]
                obj.Cooling_Setpoint_Temperature_Schedule_Name = schedules["cooling_setpoint"]
            elif key == "THERMOSTATSETPOINT:SINGLEHEATING":
                obj.Setpoint_Temperature_Schedule_Name = schedules["heating_setpoint"]
            elif key == "THERMOSTATSETPOINT:SINGLECOOLING":
                obj.Setpoint_Temperature_Schedule_Name = schedules["cooling_setpoint"]
            else:
                changes.notes.append(
                    f"{model.type_name(obj)} {obj.Name}: one set-point for heating and cooling, "
                    "kept"
                )
                continue
            changes.thermostats.append(f"{model.type_name(obj)} {obj.Name}")


# -- HVAC operating hours ----------------------------------------------------------------


def _apply_operation(idf, conditioned, schedule: str, changes) -> None:
    done: dict[tuple[int, str], None] = {}

    def set_field(obj, fname: str) -> None:
        if (id(obj), fname) in done or fname not in obj.fieldnames:
            return
        done[(id(obj), fname)] = None
        obj[fname] = schedule
        changes.availability.append(f"{model.type_name(obj)} {obj.Name}: {fname}")

    for loop in idf.idfobjects["AIRLOOPHVAC"]:
        managers = model.by_name(
            idf, "AvailabilityManagerAssignmentList", loop.Availability_Manager_List_Name
        )
        for kind, name in _typed_pairs(managers) if managers is not None else []:
            fname = AVAILABILITY_MANAGER_FIELDS.get(kind.upper())
            obj = model.by_name(idf, kind, name)
            if obj is None:
                continue
            if fname is None:
                changes.notes.append(f"{model.type_name(obj)} {obj.Name} on {loop.Name}: kept")
                continue
            set_field(obj, fname)
        for component in _loop_components(idf, loop):
            key = component.key.upper()
            if key.startswith("FAN:"):
                set_field(component, "Availability_Schedule_Name")
            elif key.startswith("AIRLOOPHVAC:UNITARY"):
                fans = [model.by_name(idf, k, n) for k, n in _typed_pairs(component)]
                fans = [f for f in fans if f is not None and f.key.upper().startswith("FAN:")]
                for fan in fans:
                    set_field(fan, "Availability_Schedule_Name")
                mode = "Supply_Air_Fan_Operating_Mode_Schedule_Name"
                continuous = any(f.key.upper() in CONTINUOUS_FANS for f in fans)
                if mode in component.fieldnames and str(component[mode]).strip():
                    if continuous:
                        changes.notes.append(
                            f"{model.type_name(component)} {component.Name}: constant-volume "
                            "fan, its operating mode schedule kept"
                        )
                    else:
                        set_field(component, mode)
            elif key == "AIRLOOPHVAC:OUTDOORAIRSYSTEM":
                for oac in _oa_controllers(idf, component):
                    set_field(oac, "Minimum_Outdoor_Air_Schedule_Name")
                    mv = model.by_name(
                        idf,
                        "Controller:MechanicalVentilation",
                        oac.Mechanical_Ventilation_Controller_Name,
                    )
                    if mv is not None:
                        set_field(mv, "Availability_Schedule_Name")
    for zone in conditioned:
        for unit in _zone_units(idf, zone, with_terminals=False):
            if unit.key.upper() not in NOT_ZONE_UNITS:
                set_field(unit, "Availability_Schedule_Name")


def _loop_components(idf, loop) -> Iterator:
    """The objects on an air loop's supply branches, in branch order."""
    branch_list = model.by_name(idf, "BranchList", loop.Branch_List_Name)
    if branch_list is None:
        return
    for name in [v for v in branch_list.obj[2:] if str(v).strip()]:
        branch = model.by_name(idf, "Branch", name)
        if branch is None:
            continue
        for kind, cname in _typed_pairs(branch):
            obj = model.by_name(idf, kind, cname)
            if obj is not None:
                yield obj


def _oa_controllers(idf, oa_system) -> list:
    controllers = model.by_name(idf, "AirLoopHVAC:ControllerList", oa_system.Controller_List_Name)
    if controllers is None:
        return []
    found = [model.by_name(idf, k, n) for k, n in _typed_pairs(controllers)]
    return [c for c in found if c is not None and c.key.upper() == "CONTROLLER:OUTDOORAIR"]


def _zone_units(idf, zone: str, *, with_terminals: bool) -> list:
    """The zone equipment of a zone (upper-case name): the objects of its
    ``ZoneHVAC:EquipmentList`` and, with ``with_terminals``, the air terminals of its air
    distribution units."""
    out = []
    for conn in idf.idfobjects["ZONEHVAC:EQUIPMENTCONNECTIONS"]:
        if str(conn.Zone_Name).upper() != zone:
            continue
        listing = model.by_name(
            idf, "ZoneHVAC:EquipmentList", conn.Zone_Conditioning_Equipment_List_Name
        )
        for kind, name in _typed_pairs(listing) if listing is not None else []:
            obj = model.by_name(idf, kind, name)
            if obj is None:
                continue
            out.append(obj)
            if with_terminals and obj.key.upper() == "ZONEHVAC:AIRDISTRIBUTIONUNIT":
                terminal = model.by_name(idf, obj.Air_Terminal_Object_Type, obj.Air_Terminal_Name)
                if terminal is not None:
                    out.append(terminal)
    return out


def _typed_pairs(obj) -> list[tuple[str, str]]:
    """(object type, name) pairs of an object's ``..._Object_Type`` / ``..._Name`` fields."""
    names = obj.fieldnames
    pairs = []
    for i, fname in enumerate(names):
        if not fname.endswith("Object_Type"):
            continue
        partner = fname[: -len("Object_Type")] + "Name"
        if partner not in names:
            continue
        kind, name = _value(obj, i), _value(obj, names.index(partner))
        if kind and name:
            pairs.append((kind, name))
    return pairs


def _value(obj, index: int) -> str:
    return str(obj.obj[index]).strip() if index < len(obj.obj) else ""


# --------------------------------------------------------------------------------------------
# Pure helpers
# --------------------------------------------------------------------------------------------

#: Hours in a day profile.
HOURS_PER_DAY = 24


def merge_hours(values: Sequence[float]) -> list[tuple[int, float]]:
    """Runs of equal hourly values as ``(end hour, value)`` pairs.

    Parameters
    ----------
    values : sequence of 24 floats
        Hour 0 is 00:00-01:00.

    Returns
    -------
    list of (int, float)
        The end hour (1-24) of each run and its value: ``Until: HH:00`` entries.

    Examples
    --------
    >>> merge_hours([0.0] * 7 + [1.0] * 11 + [0.0] * 6)
    [(7, 0.0), (18, 1.0), (24, 0.0)]
    """
    profile = [float(v) for v in values]
    if len(profile) != HOURS_PER_DAY:
        raise ValueError(f"a day profile has {HOURS_PER_DAY} hourly values, got {len(profile)}")
    if not all(math.isfinite(v) for v in profile):
        raise ValueError(f"a day profile holds a non-finite value: {profile}")
    runs: list[tuple[int, float]] = []
    for hour, value in enumerate(profile, start=1):
        if runs and runs[-1][1] == value:
            runs[-1] = (hour, value)
        else:
            runs.append((hour, value))
    return runs


def compact_schedule_fields(
    name: str,
    schedule: Schedule,
    type_limits: str,
    *,
    winter_design_day: float | None = None,
) -> list:
    """The fields of a ``Schedule:Compact`` (after the object type) holding an hourly schedule.

    One period through 12/31. Weekdays and the summer design day take the weekday profile; the
    winter design day the weekday profile too (set-points and operating hours: heating is sized
    for the occupied set-point and its morning start) or the constant ``winter_design_day``
    (internal gains: 0, no credit in heating design); every other day (weekends, holidays,
    custom days) the weekend profile. Day types with the same profile share one ``For:`` line
    (``AllDays`` when all do); consecutive equal hours merge into one ``Until: HH:00`` entry.

    Parameters
    ----------
    name : str
        The schedule's name.
    schedule : Schedule
        24 weekday and 24 weekend values, hour 0 = 00:00-01:00.
    type_limits : str
        Name of the ``ScheduleTypeLimits``.
    winter_design_day : float, optional
        Constant value on the winter design day; None for the weekday profile.

    Returns
    -------
    list
        ``[name, type_limits, "Through: 12/31", "For: ...", "Until: HH:00", value, ...]``.
    """
    weekday = tuple(float(v) for v in schedule.weekday)
    weekend = tuple(float(v) for v in schedule.weekend)
    winter = weekday if winter_design_day is None else (float(winter_design_day),) * HOURS_PER_DAY
    days = (
        ("Weekdays", weekday),
        ("SummerDesignDay", weekday),
        ("WinterDesignDay", winter),
        ("AllOtherDays", weekend),
    )
    groups: dict[tuple[float, ...], list[str]] = {}
    for day, profile in days:
        groups.setdefault(profile, []).append(day)
    fields: list = [name, type_limits, "Through: 12/31"]
    # AllOtherDays must come last; its group's other day types are then covered by it.
    ordered = sorted(groups.items(), key=lambda item: "AllOtherDays" in item[1])
    for profile, members in ordered:
        if "AllOtherDays" in members:
            label = "AllDays" if len(members) == len(days) else "AllOtherDays"
        else:
            label = " ".join(members)
        fields.append(f"For: {label}")
        for end_hour, value in merge_hours(profile):
            fields += [f"Until: {end_hour:02d}:00", value]
    return fields
