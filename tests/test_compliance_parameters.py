"""The performance path's calculation parameters written into the DOE prototypes."""

from __future__ import annotations

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from retrofit import model
from retrofit.compliance.parameters import (
    apply_calculation_parameters,
    compact_schedule_fields,
    conditioned_zones,
    merge_hours,
)
from retrofit.compliance.rules import CalculationParameters, Schedule, Sourced
from retrofit.idf import idf_to_text, load_idf, write_idf
from retrofit.library import resolve_model
from retrofit.measures.base import copy_model
from retrofit.measures.hvac import add_object
from retrofit.measures.lighting import Spaces, design_people
from retrofit.results import read_table
from retrofit.simulate import simulate

HOURS = range(24)
#: Office working hours of the test parameters (07:00-18:00, GB 50189-2015 Table B.0.4-1).
OPEN, CLOSE = 7, 18


def _sourced(value: float, unit: str) -> Sourced:
    return Sourced(value, unit, "TEST", verified=False)


def _office() -> CalculationParameters:
    """Office parameters as the brief gives them (GB 55015-2021 App. C / GB 50189-2015 App. B):
    0.10 p/m2, 15 W/m2, App. B LPD 9 W/m2, 30 m3/(h p); weekends off."""
    occupancy = tuple(
        0.0
        if h < 7
        else 0.95
        if h < 10
        else 0.8
        if h < 12
        else 0.95
        if h < 16
        else 0.3
        if h < 18
        else 0.0
        for h in HOURS
    )
    on = tuple(1.0 if OPEN <= h < CLOSE else 0.0 for h in HOURS)
    off = (0.0,) * 24
    return CalculationParameters(
        building_type="office",
        occupancy_person_per_m2=_sourced(0.10, "person/m2"),
        equipment_w_per_m2=_sourced(15.0, "W/m2"),
        lighting_w_per_m2=_sourced(8.0, "W/m2"),
        reference_lighting_w_per_m2=_sourced(9.0, "W/m2"),
        outdoor_air_m3_per_s_person=_sourced(30.0 / 3600.0, "m3/s"),
        occupancy=Schedule(occupancy, off, "TEST"),
        lighting=Schedule(occupancy, off, "TEST"),
        equipment=Schedule(occupancy, off, "TEST"),
        cooling_setpoint_c=Schedule(tuple(26.0 if x else 37.0 for x in on), (37.0,) * 24, "T"),
        heating_setpoint_c=Schedule(tuple(20.0 if x else 5.0 for x in on), (5.0,) * 24, "T"),
        hvac_operation=Schedule(on, off, "TEST"),
    )


OFFICE = _office()


@pytest.fixture(scope="module")
def medium_office():
    return load_idf(resolve_model("medium-office"))


@pytest.fixture(scope="module")
def large_hotel():
    return load_idf(resolve_model("large-hotel"))


# --------------------------------------------------------------------------------------------
# Schedules (pure)
# --------------------------------------------------------------------------------------------


def test_merge_hours_joins_equal_neighbours():
    assert merge_hours(OFFICE.occupancy.weekday) == [
        (7, 0.0),
        (10, 0.95),
        (12, 0.8),
        (16, 0.95),
        (18, 0.3),
        (24, 0.0),
    ]
    assert merge_hours([0.5] * 24) == [(24, 0.5)]
    # A value that returns later is a new run, not merged with the first.
    assert merge_hours([1.0] + [0.0] * 22 + [1.0]) == [(1, 1.0), (23, 0.0), (24, 1.0)]
    with pytest.raises(ValueError, match="24 hourly values"):
        merge_hours([0.0] * 23)


def test_compact_schedule_fields_day_types():
    fields = compact_schedule_fields("occ", OFFICE.occupancy, "Fraction")
    # Weekdays and both design days share the weekday profile; weekends the other.
    assert fields == [
        "occ",
        "Fraction",
        "Through: 12/31",
        "For: Weekdays SummerDesignDay WinterDesignDay",
        "Until: 07:00",
        0.0,
        "Until: 10:00",
        0.95,
        "Until: 12:00",
        0.8,
        "Until: 16:00",
        0.95,
        "Until: 18:00",
        0.3,
        "Until: 24:00",
        0.0,
        "For: AllOtherDays",
        "Until: 24:00",
        0.0,
    ]
    # Gains: nothing on the winter design day; that equals the weekend, so AllOtherDays holds it.
    gains = compact_schedule_fields("occ", OFFICE.occupancy, "Fraction", winter_design_day=0.0)
    assert gains[3] == "For: Weekdays SummerDesignDay"
    assert gains[-3:] == ["For: AllOtherDays", "Until: 24:00", 0.0]
    # A constant winter value that differs from both profiles gets its own line.
    warm = compact_schedule_fields("h", OFFICE.heating_setpoint_c, "T", winter_design_day=20.0)
    assert "For: WinterDesignDay" in warm
    assert warm[warm.index("For: WinterDesignDay") + 1 : warm.index("For: AllOtherDays")] == [
        "Until: 24:00",
        20.0,
    ]
    # Every day alike (a hotel running all day): one line for all days.
    always = Schedule((1.0,) * 24, (1.0,) * 24, "TEST")
    assert compact_schedule_fields("on", always, "Fraction") == [
        "on",
        "Fraction",
        "Through: 12/31",
        "For: AllDays",
        "Until: 24:00",
        1.0,
    ]


# --------------------------------------------------------------------------------------------
# The model edits, read back from the objects
# --------------------------------------------------------------------------------------------


def _per_zone(idf) -> dict[str, dict[str, float]]:
    """People per m2 and equipment and lighting W/m2 of each zone, from the objects."""
    spaces = Spaces.of(idf)
    out = {z: {"people": 0.0, "equipment_w": 0.0, "lights_w": 0.0} for z in spaces.zones}
    for key, people in design_people(idf, spaces).items():
        out[spaces.spaces.get(key, key)]["people"] += people
    for kind, level_field, column in (
        ("ELECTRICEQUIPMENT", "Design_Level", "equipment_w"),
        ("LIGHTS", "Lighting_Level", "lights_w"),
    ):
        for obj in idf.idfobjects[kind]:
            per_area = str(obj.Design_Level_Calculation_Method).lower() == "watts/area"
            value = float(obj["Watts_per_Floor_Area" if per_area else level_field] or 0.0)
            for part in spaces.parts(obj.Zone_or_ZoneList_or_Space_or_SpaceList_Name):
                out[part.zone][column] += value * (part.area_m2 if per_area else part.share)
    return {
        z: {k: v / spaces.zone_area_m2[z] for k, v in values.items()}
        for z, values in out.items()
        if spaces.zone_area_m2[z] > 0
    }


def _objects_naming(idf, zones: set[str]) -> list[str]:
    """The text of every object with a field naming one of ``zones`` (upper case)."""
    out = []
    for objects in idf.idfobjects.values():
        for obj in objects:
            if any(str(v).strip().upper() in zones for v in obj.obj[1:]):
                out.append(str(obj.obj))
    return out


def _schedule_values(idf, name: str) -> list:
    return list(model.by_name(idf, "Schedule:Compact", name).obj[2:])


@pytest.mark.parametrize("fixture", ["medium_office", "large_hotel"])
def test_conditioned_zones_get_the_parameters(fixture, request):
    original = request.getfixturevalue(fixture)
    idf = copy_model(original)
    conditioned = conditioned_zones(idf)
    unconditioned = set(model.zones(idf)) - set(conditioned)
    before = _objects_naming(original, unconditioned)
    changes = apply_calculation_parameters(idf, OFFICE, lighting_w_per_m2=9.0)
    assert changes.zones == len(conditioned) > 0
    per_zone = _per_zone(idf)
    for zone in conditioned:
        assert_allclose(per_zone[zone]["people"], 0.10, rtol=1e-9, err_msg=zone)
        assert_allclose(per_zone[zone]["equipment_w"], 15.0, rtol=1e-9, err_msg=zone)
        assert_allclose(per_zone[zone]["lights_w"], 9.0, rtol=1e-9, err_msg=zone)
    # Outdoor air per person, through each conditioned zone's Sizing:Zone.
    schedules = changes.schedules
    for sizing in idf.idfobjects["SIZING:ZONE"]:
        if str(sizing.Zone_or_ZoneList_Name).upper() not in conditioned:
            continue
        name = sizing.Design_Specification_Outdoor_Air_Object_Name
        oa = model.by_name(idf, "DesignSpecification:OutdoorAir", name)
        assert oa.Outdoor_Air_Method == "Flow/Person"
        assert_allclose(float(oa.Outdoor_Air_Flow_per_Person), 30.0 / 3600.0)
        assert float(oa.Outdoor_Air_Flow_per_Zone_Floor_Area) == 0.0
        assert oa.Outdoor_Air_Schedule_Name == schedules["hvac_operation"]
    # Thermostats point to the new set-point schedules, which hold the parameters.
    for t in idf.idfobjects["THERMOSTATSETPOINT:DUALSETPOINT"]:
        assert t.Heating_Setpoint_Temperature_Schedule_Name == schedules["heating_setpoint"]
        assert t.Cooling_Setpoint_Temperature_Schedule_Name == schedules["cooling_setpoint"]
    cooling = compact_schedule_fields(
        schedules["cooling_setpoint"], OFFICE.cooling_setpoint_c, "Temperature"
    )
    assert _schedule_values(idf, schedules["cooling_setpoint"]) == cooling[1:]
    # The air loops run on the HVAC operation schedule; the night cycle still watches.
    for manager in idf.idfobjects["AVAILABILITYMANAGER:NIGHTCYCLE"]:
        assert manager.Fan_Schedule_Name == schedules["hvac_operation"]
        assert manager.Control_Type == "CycleOnAny"
    for fan in idf.idfobjects["FAN:VARIABLEVOLUME"]:
        assert fan.Availability_Schedule_Name == schedules["hvac_operation"]
    # Zones without a thermostat: every object naming them is as it was.
    assert _objects_naming(idf, unconditioned) == before


def test_medium_office_record(medium_office):
    idf = copy_model(medium_office)
    changes = apply_calculation_parameters(idf, OFFICE)
    assert changes.zones == 15  # the three plenums have no thermostat
    assert sorted(set(model.zones(idf)) - set(conditioned_zones(idf))) == [
        "FIRSTFLOOR_PLENUM",
        "MIDFLOOR_PLENUM",
        "TOPFLOOR_PLENUM",
    ]
    # 15 plug loads at 10.76 W/m2 plus the 32.1 kW elevators (in Core_bottom) were replaced.
    area = changes.floor_area_m2
    assert_allclose(changes.equipment_removed_w, 10.76 * area + 32109.8901098901, rtol=1e-6)
    assert_allclose(changes.equipment_added_w, 15.0 * area, rtol=1e-9)
    assert len(changes.equipment_removed) == 16 and len(changes.equipment_added) == 15
    assert any("Elevators" in n for n in changes.notes)
    # The design keeps its LPD (10.76 W/m2) and takes the lighting schedule.
    for lights in idf.idfobjects["LIGHTS"]:
        assert float(lights.Watts_per_Floor_Area) == 10.76
        assert lights.Schedule_Name == changes.schedules["lighting"]
    # Three VAV loops: the night-cycle fan schedule, the minimum-OA schedule, the supply fan.
    assert len(changes.availability) == 9
    rows = pd.DataFrame(changes.to_rows())
    assert list(rows.columns) == ["item", "value", "unit", "detail"]
    assert rows.set_index("item").loc["conditioned zones", "value"] == 15


def test_large_hotel_zone_without_people_and_zone_units(large_hotel):
    idf = copy_model(large_hotel)
    changes = apply_calculation_parameters(idf, OFFICE)
    # Mech_Flr_1 has a thermostat and no People: it gets one, with the model's activity.
    assert changes.people_added == ["Mech_Flr_1 GB People"]
    added = model.by_name(idf, "People", "Mech_Flr_1 GB People")
    assert added.Activity_Level_Schedule_Name == "ACTIVITY_SCH"
    assert "activity" not in changes.schedules
    # Fan coils and the unit heater follow the operating hours.
    for key in ("ZONEHVAC:FOURPIPEFANCOIL", "ZONEHVAC:UNITHEATER"):
        for unit in idf.idfobjects[key]:
            assert unit.Availability_Schedule_Name == changes.schedules["hvac_operation"]
    # The DOAS loops' scheduled managers too; gas equipment stays and is noted.
    for manager in idf.idfobjects["AVAILABILITYMANAGER:SCHEDULED"]:
        assert manager.Schedule_Name == changes.schedules["hvac_operation"]
    assert len(idf.idfobjects["GASEQUIPMENT"]) == 2
    assert sum("GasEquipment" in n for n in changes.notes) == 2


def test_lists_across_conditioned_and_unconditioned_zones(medium_office):
    """Objects naming a ZoneList across a plenum and an office are split: the plenum keeps its
    share; a second People object in an office goes; the plenum's own lights stay."""
    idf = copy_model(medium_office)
    add_object(idf, "ZoneList", ["Mixed", "FirstFloor_Plenum", "Core_bottom"])
    add_object(
        idf,
        "ElectricEquipment",
        ["Mixed Equipment", "Mixed", "ALWAYS_ON", "EquipmentLevel", 1000.0],
    )
    add_object(
        idf,
        "People",
        ["Mixed People", "Mixed", "BLDG_OCC_SCH", "People", 10.0, "", "", 0.3, "", "ACTIVITY_SCH"],
    )
    add_object(
        idf,
        "Lights",
        ["Plenum Lights", "FirstFloor_Plenum", "ALWAYS_ON", "Watts/Area", "", 2.0],
    )
    changes = apply_calculation_parameters(idf, OFFICE, lighting_w_per_m2=9.0)
    assert sorted(changes.split) == ["Mixed Equipment", "Mixed People"]
    plenum_equipment = model.by_name(idf, "ElectricEquipment", "Mixed Equipment FirstFloor_Plenum")
    # Each zone of a zone list receives the full absolute level (EnergyPlus).
    assert float(plenum_equipment.Design_Level) == 1000.0
    assert plenum_equipment.Schedule_Name == "ALWAYS_ON"
    plenum_people = model.by_name(idf, "People", "Mixed People FirstFloor_Plenum")
    assert float(plenum_people.Number_of_People) == 10.0
    # Core_bottom had its own People first: the list's copy for it is removed.
    assert changes.people_removed == ["Mixed People Core_bottom"]
    assert model.by_name(idf, "Lights", "Plenum Lights").obj[3:] == [
        "ALWAYS_ON",
        "Watts/Area",
        "",
        2.0,
    ]
    per_zone = _per_zone(idf)
    assert_allclose(per_zone["CORE_BOTTOM"]["people"], 0.10, rtol=1e-9)
    assert_allclose(per_zone["CORE_BOTTOM"]["equipment_w"], 15.0, rtol=1e-9)


def test_equipment_named_by_a_custom_meter_is_zeroed_not_removed():
    """The 90.1-2019 medium office meters its elevators with a Meter:CustomDecrement: removing
    them would be an EnergyPlus severe error, so they stay at 0 W/m2."""
    idf = load_idf(resolve_model("medium-office-2019"))
    changes = apply_calculation_parameters(idf, OFFICE)
    elevators = model.by_name(idf, "ElectricEquipment", "Core_bottom_Elevators_Equip")
    assert elevators.Design_Level_Calculation_Method == "Watts/Area"
    assert float(elevators.Watts_per_Floor_Area) == 0.0 and elevators.Design_Level == ""
    assert "Core_bottom_Elevators_Equip" in changes.equipment_removed
    assert any("kept at zero" in n and "Meter:CustomDecrement" in n for n in changes.notes)
    assert_allclose(_per_zone(idf)["CORE_BOTTOM"]["equipment_w"], 15.0, rtol=1e-9)


def test_deterministic_and_a_fixed_point(medium_office):
    """Two copies give the same model; applying again changes nothing (no new schedules)."""
    first, second = copy_model(medium_office), copy_model(medium_office)
    apply_calculation_parameters(first, OFFICE, lighting_w_per_m2=9.0)
    apply_calculation_parameters(second, OFFICE, lighting_w_per_m2=9.0)
    text = idf_to_text(first)
    assert text == idf_to_text(second)
    apply_calculation_parameters(second, OFFICE, lighting_w_per_m2=9.0)
    assert idf_to_text(second) == text


def test_model_without_people_gets_the_standard_activity():
    idf = load_idf(resolve_model("small-office"))
    for person in list(idf.idfobjects["PEOPLE"]):
        idf.removeidfobject(person)
    changes = apply_calculation_parameters(idf, OFFICE)
    assert len(changes.people_added) == 5
    activity = model.by_name(idf, "Schedule:Compact", changes.schedules["activity"])
    # GB 55015-2021 App. C: 120 W per person all day (standards.md 1.4).
    assert activity.obj[2:] == [
        "Any Number",
        "Through: 12/31",
        "For: AllDays",
        "Until: 24:00",
        120.0,
    ]
    for person in idf.idfobjects["PEOPLE"]:
        assert person.Activity_Level_Schedule_Name == activity.Name
        assert float(person.Fraction_Radiant) == 0.3
    assert_allclose(_per_zone(idf)["CORE_ZN"]["people"], 0.10, rtol=1e-9)


def test_no_thermostat_no_edit():
    idf = load_idf(resolve_model("small-office"))
    for t in list(idf.idfobjects["ZONECONTROL:THERMOSTAT"]):
        idf.removeidfobject(t)
    text = idf_to_text(idf)
    changes = apply_calculation_parameters(idf, OFFICE)
    assert changes.zones == 0 and changes.notes
    assert idf_to_text(idf) == text


# --------------------------------------------------------------------------------------------
# The engine (small office, one January week)
# --------------------------------------------------------------------------------------------


@pytest.mark.energyplus
def test_small_office_runs_with_the_reference_lighting(site_epw, tmp_path):
    idf = load_idf(resolve_model("small-office"))
    apply_calculation_parameters(idf, OFFICE, lighting_w_per_m2=9.0)
    path = write_idf(idf, tmp_path / "reference.idf")
    report = simulate(path, site_epw, period="01/14-01/20", out_dir=tmp_path / "run")
    assert report.err.severe == 0
    sql = report.run_dir / "eplusout.sql"
    lighting = read_table(sql, "LightingSummary", "Interior Lighting")
    lpd = pd.to_numeric(lighting["Lighting Power Density"].drop("Interior Lighting Total"))
    assert len(lpd) == 5
    assert_allclose(lpd.to_numpy(), 9.0, atol=0.005)  # the table prints two decimals
    # EnergyPlus's own zone summary: 10 m2 per person and 15 W/m2 plug load in each office zone.
    zones = read_table(sql, "InputVerificationandResultsSummary", "Zone Summary")
    offices = zones.loc[[z for z in zones.index if z.startswith(("CORE", "PERIMETER"))]]
    assert_allclose(pd.to_numeric(offices["People"]).to_numpy(), 10.0, atol=0.005)
    assert_allclose(pd.to_numeric(offices["Plug and Process"]).to_numpy(), 15.0, atol=0.005)
