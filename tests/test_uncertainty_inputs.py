"""Model drivers of uncertain inputs on the DOE prototypes, read back; one real-engine check."""

from __future__ import annotations

from functools import cache

import pytest
from numpy.testing import assert_allclose

from retrofit import model
from retrofit.compliance.parameters import EQUIPMENT_METHOD_FIELDS
from retrofit.errors import InputError
from retrofit.idf import idf_from_text, idf_to_text, load_idf, read_text, write_idf
from retrofit.library import resolve_model
from retrofit.measures.lighting import (
    LIGHTS_METHOD_FIELDS,
    Spaces,
    design_people,
)
from retrofit.uncertainty import DRIVERS, UncertainInput, apply_model_inputs
from retrofit.uncertainty.inputs import MAX_COMBUSTION_EFFICIENCY, thermostat_setpoints


@cache
def _text(name: str) -> str:
    return read_text(resolve_model(name))


def fresh(name: str):
    """A fresh in-memory copy of a bundled model."""
    return idf_from_text(_text(name), name)


def design_power_w(idf, key: str, methods: dict[str, str], default: str) -> float:
    """Total design power of the ``key`` objects [W], zone multipliers applied, any method."""
    spaces = Spaces.of(idf)
    people = design_people(idf, spaces)
    total = 0.0
    for obj in idf.idfobjects[key]:
        method = str(obj.Design_Level_Calculation_Method or default).lower()
        value = model.number(obj[methods[method]], 0.0)
        for part in spaces.parts(obj.Zone_or_ZoneList_or_Space_or_SpaceList_Name):
            if method == "watts/area":
                total += value * part.area_m2 * part.multiplier
            elif method == "watts/person":
                total += value * people.get(part.key, 0.0) * part.multiplier
            else:
                total += value * part.share * part.multiplier
    return total


def total_people(idf) -> float:
    spaces = Spaces.of(idf)
    return sum(
        n * spaces.zone_multiplier.get(spaces.spaces.get(k, k), 1.0)
        for k, n in design_people(idf, spaces).items()
    )


def test_lighting_scale_multiplies_design_power_whatever_the_method():
    idf = fresh("medium-office")
    # Give two objects the other methods, so that every method is exercised.
    lights = idf.idfobjects["LIGHTS"]
    lights[0].Design_Level_Calculation_Method = "LightingLevel"
    lights[0].Lighting_Level = 1234.5
    lights[1].Design_Level_Calculation_Method = "Watts/Person"
    lights[1].Watts_per_Person = 55.0
    before = design_power_w(idf, "LIGHTS", LIGHTS_METHOD_FIELDS, "lightinglevel")
    fields_before = [
        model.number(o[LIGHTS_METHOD_FIELDS[o.Design_Level_Calculation_Method.lower()]])
        for o in lights
    ]
    notes = DRIVERS["lighting_scale"].apply(idf, 1.2)
    after = design_power_w(idf, "LIGHTS", LIGHTS_METHOD_FIELDS, "lightinglevel")
    assert before > 0
    assert_allclose(after, 1.2 * before, rtol=1e-12)
    fields_after = [
        model.number(o[LIGHTS_METHOD_FIELDS[o.Design_Level_Calculation_Method.lower()]])
        for o in lights
    ]
    assert_allclose(fields_after, [1.2 * v for v in fields_before], rtol=1e-12)
    assert notes == [f"{len(lights)} Lights objects scaled by 1.2"]


def test_equipment_scale_covers_every_plug_load():
    idf = fresh("medium-office")  # 15 Watts/Area objects and one EquipmentLevel (elevators)
    before = design_power_w(idf, "ELECTRICEQUIPMENT", EQUIPMENT_METHOD_FIELDS, "equipmentlevel")
    DRIVERS["equipment_scale"].apply(idf, 0.75)
    after = design_power_w(idf, "ELECTRICEQUIPMENT", EQUIPMENT_METHOD_FIELDS, "equipmentlevel")
    assert_allclose(after, 0.75 * before, rtol=1e-12)


def test_occupancy_scale_divides_area_per_person():
    idf = fresh("medium-office")  # People by Area/Person
    before = total_people(idf)
    area_per_person = [o.Floor_Area_per_Person for o in idf.idfobjects["PEOPLE"]]
    DRIVERS["occupancy_scale"].apply(idf, 1.3)
    assert_allclose(total_people(idf), 1.3 * before, rtol=1e-12)
    assert_allclose(
        [o.Floor_Area_per_Person for o in idf.idfobjects["PEOPLE"]],
        [a / 1.3 for a in area_per_person],
        rtol=1e-12,
    )


def test_infiltration_scale_uses_the_field_of_each_method():
    idf = fresh("small-office")  # Flow/ExteriorArea and AirChanges/Hour objects
    objects = idf.idfobjects["ZONEINFILTRATION:DESIGNFLOWRATE"]
    fields = {
        "flow/exteriorarea": "Flow_Rate_per_Exterior_Surface_Area",
        "airchanges/hour": "Air_Changes_per_Hour",
    }
    before = [o[fields[o.Design_Flow_Rate_Calculation_Method.lower()]] for o in objects]
    DRIVERS["infiltration_scale"].apply(idf, 0.5)
    after = [o[fields[o.Design_Flow_Rate_Calculation_Method.lower()]] for o in objects]
    assert_allclose(after, [0.5 * b for b in before], rtol=1e-12)


def _values(obj) -> list:
    return list(obj.obj[3:])


def test_setpoint_offsets_shift_copies_and_repoint_thermostats():
    idf = fresh("large-office")
    originals = [str(o.obj[1]) for o in idf.idfobjects["SCHEDULE:COMPACT"]]
    before = {str(o.Name).upper(): _values(o) for o in idf.idfobjects["SCHEDULE:COMPACT"]}
    notes = DRIVERS["cooling_setpoint_offset_k"].apply(idf, 1.5)
    notes += DRIVERS["heating_setpoint_offset_k"].apply(idf, -2.0)
    dual = idf.idfobjects["THERMOSTATSETPOINT:DUALSETPOINT"]
    assert {d.Cooling_Setpoint_Temperature_Schedule_Name for d in dual} == {
        "CLGSETP_SCH cooling +1.5K"
    }
    assert {d.Heating_Setpoint_Temperature_Schedule_Name for d in dual} == {
        "HTGSETP_SCH heating -2K"
    }
    for copy_name, original, offset in (
        ("CLGSETP_SCH cooling +1.5K", "CLGSETP_SCH", 1.5),
        ("HTGSETP_SCH heating -2K", "HTGSETP_SCH", -2.0),
    ):
        copy = model.by_name(idf, "Schedule:Compact", copy_name)
        assert copy.Schedule_Type_Limits_Name == "Temperature"
        old = before[original]
        new = _values(copy)
        assert len(new) == len(old)
        shifted = 0
        for a, b in zip(old, new, strict=True):
            number = model.number(a)
            if number is None:  # Through / For / Until tokens are kept as they were
                assert b == a
            else:
                assert_allclose(b, number + offset, rtol=0, atol=1e-12)
                shifted += 1
        assert shifted >= 5
    # The originals are untouched (other users of them see no change).
    for o in idf.idfobjects["SCHEDULE:COMPACT"]:
        if str(o.obj[1]) in originals:
            assert _values(o) == before[str(o.Name).upper()]
    assert notes[0].startswith(f"{len(dual)} cooling set-point objects point to shifted copies")


def test_setpoint_offset_copies_year_week_day_and_constant_schedules():
    idf = fresh("small-office")
    idf.newidfobject(
        "SCHEDULETYPELIMITS", Name="Narrow", Lower_Limit_Value=10, Upper_Limit_Value=27
    )
    day = idf.newidfobject(
        "SCHEDULE:DAY:HOURLY", Name="Clg Day", Schedule_Type_Limits_Name="Narrow"
    )
    for hour in range(1, 25):
        day[f"Hour_{hour}"] = 24.0 if 8 <= hour <= 18 else 26.5
    interval = idf.newidfobject("SCHEDULE:DAY:INTERVAL", Name="Clg Design Day")
    interval.obj[2:] = ["", "No", "08:00", 26.0, "24:00", 23.0]
    week = idf.newidfobject("SCHEDULE:WEEK:DAILY", Name="Clg Week")
    for field in week.fieldnames[2:]:
        week[field] = "Clg Day"
    week.SummerDesignDay_ScheduleDay_Name = "Clg Design Day"
    year = idf.newidfobject("SCHEDULE:YEAR", Name="Clg Year", Schedule_Type_Limits_Name="")
    year.obj[3:] = ["Clg Week", 1, 1, 12, 31]
    idf.newidfobject("SCHEDULE:CONSTANT", Name="Htg Const", Hourly_Value=21.0)
    dual = idf.idfobjects["THERMOSTATSETPOINT:DUALSETPOINT"]
    dual[0].Cooling_Setpoint_Temperature_Schedule_Name = "Clg Year"
    dual[0].Heating_Setpoint_Temperature_Schedule_Name = "Htg Const"

    notes = DRIVERS["cooling_setpoint_offset_k"].apply(idf, 1.0)
    notes += DRIVERS["heating_setpoint_offset_k"].apply(idf, 0.5)

    year_copy = model.by_name(
        idf, "Schedule:Year", dual[0].Cooling_Setpoint_Temperature_Schedule_Name
    )
    assert year_copy is not None and year_copy.Name == "Clg Year cooling +1K"
    assert year_copy.obj[4:8] == [1, 1, 12, 31]
    week_copy = model.by_name(idf, "Schedule:Week:Daily", year_copy.obj[3])
    assert week_copy.Monday_ScheduleDay_Name == "Clg Day cooling +1K"
    assert week_copy.SummerDesignDay_ScheduleDay_Name == "Clg Design Day cooling +1K"
    day_copy = model.by_name(idf, "Schedule:Day:Hourly", "Clg Day cooling +1K")
    assert [day_copy[f"Hour_{h}"] for h in (1, 12)] == [27.5, 25.0]
    # 27.5 leaves the day's ScheduleTypeLimits (upper 27): the copy has none, with a note.
    assert day_copy.Schedule_Type_Limits_Name == ""
    assert any("leave ScheduleTypeLimits Narrow" in n for n in notes)
    interval_copy = model.by_name(idf, "Schedule:Day:Interval", "Clg Design Day cooling +1K")
    assert interval_copy.obj[4:] == ["08:00", 27.0, "24:00", 24.0]
    constant = model.by_name(
        idf, "Schedule:Constant", dual[0].Heating_Setpoint_Temperature_Schedule_Name
    )
    assert constant.Hourly_Value == 21.5
    # The other thermostats keep sharing one shifted copy of the prototype's schedule.
    others = {d.Cooling_Setpoint_Temperature_Schedule_Name for d in dual[1:]}
    assert others == {"CLGSETP_SCH cooling +1K"}
    # Originals untouched.
    assert (
        day.Hour_1 == 26.5
        and model.by_name(idf, "Schedule:Constant", "Htg Const").Hourly_Value == 21.0
    )


def test_zero_offset_changes_nothing():
    idf = fresh("small-office")
    text = idf_to_text(idf)
    notes = DRIVERS["cooling_setpoint_offset_k"].apply(idf, 0.0)
    assert idf_to_text(idf) == text
    assert notes == ["cooling set-points unchanged (offset 0 K)"]
    assert len(thermostat_setpoints(idf, "cooling")) == 5


def test_chiller_cop_and_boiler_efficiency():
    idf = fresh("large-office")  # two ReformulatedEIR chillers, one gas boiler at 0.78
    chillers = idf.idfobjects["CHILLER:ELECTRIC:REFORMULATEDEIR"]
    cops = [c.Reference_COP for c in chillers]
    boiler = idf.idfobjects["BOILER:HOTWATER"][0]
    efficiency = boiler.Nominal_Thermal_Efficiency
    DRIVERS["chiller_cop_scale"].apply(idf, 0.9)
    DRIVERS["boiler_efficiency_scale"].apply(idf, 1.1)
    assert_allclose([c.Reference_COP for c in chillers], [0.9 * c for c in cops], rtol=1e-12)
    assert_allclose(boiler.Nominal_Thermal_Efficiency, 1.1 * efficiency, rtol=1e-12)
    notes = DRIVERS["boiler_efficiency_scale"].apply(idf, 1.2)  # 0.858 x 1.2 = 1.03
    assert boiler.Nominal_Thermal_Efficiency == MAX_COMBUSTION_EFFICIENCY
    assert any("clipped to 0.99" in n for n in notes)


def test_dx_cop_scales_both_speeds_and_absent_objects_give_a_note():
    idf = fresh("medium-office")  # three Coil:Cooling:DX:TwoSpeed
    coils = idf.idfobjects["COIL:COOLING:DX:TWOSPEED"]
    high = [c.High_Speed_Gross_Rated_Cooling_COP for c in coils]
    low = [c.Low_Speed_Gross_Rated_Cooling_COP for c in coils]
    DRIVERS["dx_cop_scale"].apply(idf, 1.1)
    assert_allclose([c.High_Speed_Gross_Rated_Cooling_COP for c in coils], [1.1 * h for h in high])
    assert_allclose([c.Low_Speed_Gross_Rated_Cooling_COP for c in coils], [1.1 * v for v in low])
    assert DRIVERS["chiller_cop_scale"].apply(idf, 1.1) == [
        "no electric chiller (Chiller:Electric:*EIR) in the model"
    ]
    assert DRIVERS["boiler_efficiency_scale"].apply(idf, 1.1) == ["no Boiler:HotWater in the model"]


def test_apply_model_inputs_is_deterministic_and_skips_economic_inputs():
    inputs = [
        UncertainInput("lpd", "lighting_scale", low=0.8, high=1.2),
        UncertainInput("epd", "equipment_scale", "normal", mean=1.0, sd=0.1),
        UncertainInput("occ", "occupancy_scale", low=0.8, high=1.2),
        UncertainInput("inf", "infiltration_scale", "lognormal", mean=0.0, sd=0.3),
        UncertainInput("clg", "cooling_setpoint_offset_k", low=-2, high=2),
        UncertainInput("htg", "heating_setpoint_offset_k", low=-2, high=2),
        UncertainInput("cop", "chiller_cop_scale", low=0.7, high=1.1),
        UncertainInput("boiler", "boiler_efficiency_scale", low=0.8, high=1.1),
        UncertainInput("price", "electricity_price_scale", low=0.8, high=1.2),
    ]
    values = {
        "lpd": 1.13,
        "epd": 0.91,
        "occ": 1.05,
        "inf": 1.7,
        "clg": 0.7,
        "htg": -1.3,
        "cop": 0.85,
        "boiler": 1.02,
    }  # no value for the economic input: it is not applied
    texts = []
    for _ in range(2):
        idf = fresh("large-office")
        notes = apply_model_inputs(idf, values, inputs)
        texts.append(idf_to_text(idf))
    assert texts[0] == texts[1]
    assert texts[0] != idf_to_text(fresh("large-office"))
    assert not any(n.startswith("price") for n in notes)
    assert notes[0] == "lpd=1.13: 16 Lights objects scaled by 1.13"
    changed = dict(values, lpd=1.14)
    idf = fresh("large-office")
    apply_model_inputs(idf, changed, inputs)
    assert idf_to_text(idf) != texts[0]


def test_apply_model_inputs_refuses_bad_values_before_editing():
    inputs = [
        UncertainInput("lpd", "lighting_scale", low=0.8, high=1.2),
        UncertainInput("cop", "chiller_cop_scale", low=0.7, high=1.1),
        UncertainInput("clg", "cooling_setpoint_offset_k", low=-2, high=2),
        UncertainInput("inf", "infiltration_scale", low=0.5, high=2),
    ]
    idf = fresh("large-office")
    text = idf_to_text(idf)
    with pytest.raises(InputError) as info:
        apply_model_inputs(idf, {"lpd": -0.1, "cop": 0.0, "inf": float("nan")}, inputs)
    message = str(info.value)
    assert "lpd: -0.1 is outside the range of lighting_scale: [0, inf] factor" in message
    assert "cop: 0 is outside the range of chiller_cop_scale: (0, inf] factor" in message
    assert "clg: no value given" in message
    assert "inf: nan is not a finite number" in message
    assert idf_to_text(idf) == text


@pytest.mark.energyplus
def test_lighting_scale_raises_interior_lighting_energy_by_its_factor(tmp_path, site_epw):
    """Real engine, small office, three July days: interior lighting electricity x 1.2."""
    from retrofit.simulate import simulate

    idf = load_idf(resolve_model("small-office"))
    apply_model_inputs(idf, {"lpd": 1.2}, [UncertainInput("lpd", "lighting_scale", low=1, high=2)])
    scaled_path = write_idf(idf, tmp_path / "scaled.idf")
    period = "07/15-07/17"
    base = simulate("small-office", site_epw, period=period, out_dir=tmp_path / "base")
    scaled = simulate(scaled_path, site_epw, period=period, out_dir=tmp_path / "scaled")
    lighting = [
        r.results.end_uses.loc["interior_lighting", "electricity_kwh"] for r in (base, scaled)
    ]
    assert lighting[0] > 0
    # 0.5 %: the tabular end uses are written to 0.01 kWh; the lights' electricity is linear in
    # their design level (no daylighting controls in this model).
    assert_allclose(lighting[1] / lighting[0], 1.2, rtol=0.005)
