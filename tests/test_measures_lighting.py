"""LED lighting (with daylight dimming) and air sealing: parameters, model edits, engine effects."""

import math

import pytest
from numpy.testing import assert_allclose

import retrofit.measures.infiltration  # noqa: F401 - registers infiltration_reduction
import retrofit.measures.lighting  # noqa: F401 - registers led_lighting
from retrofit import geometry, model
from retrofit.errors import InputError
from retrofit.idf import idf_to_text, load_idf, write_idf
from retrofit.library import resolve_model
from retrofit.measures import NotApplicable, make_measure
from retrofit.measures.base import copy_model
from retrofit.measures.lighting import (
    from_world,
    matches_space_type,
    point_in_polygon_xy,
    to_world,
)
from retrofit.simulate import simulate

#: The DOE reference small office (2004): every Lights object is Watts/Area at 10.76 W/m²
#: (1.0 W/ft², ASHRAE 90.1-2004 office) on one schedule, and it has no daylighting controls.
SMALL_OFFICE_LPD_W_PER_M2 = 10.76


@pytest.fixture(scope="module")
def small_office():
    return load_idf(resolve_model("small-office"))


@pytest.fixture(scope="module")
def large_hotel():
    return load_idf(resolve_model("large-hotel"))


def floor_area_by_zone_m2(idf) -> dict[str, float]:
    """Floor polygons' area per zone, times the zone multiplier (by hand from the vertices)."""
    multipliers = {z.Name.upper(): float(z.Multiplier or 1) for z in idf.idfobjects["ZONE"]}
    areas: dict[str, float] = {}
    for s in idf.idfobjects["BUILDINGSURFACE:DETAILED"]:
        if s.Surface_Type.lower() != "floor":
            continue
        start = s.fieldnames.index("Number_of_Vertices") + 1
        verts = geometry.points([v for v in s.obj[start:] if v != ""])
        zone = s.Zone_Name.upper()
        areas[zone] = areas.get(zone, 0.0) + geometry.area_m2(verts) * multipliers[zone]
    return areas


def lights(idf) -> dict[str, object]:
    return {o.Name: o for o in idf.idfobjects["LIGHTS"]}


def interior_lighting_kwh(report) -> float:
    return float(report.results.end_uses.loc["interior_lighting"].sum())


def heating_kwh(report) -> float:
    return float(report.results.end_uses.loc["heating"].sum())


# --------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("measure", "params", "named"),
    [
        ("led_lighting", {"reduction_fraction": 1.5}, "reduction_fraction"),
        ("led_lighting", {"reduction_fraction": -0.1}, "reduction_fraction"),
        ("led_lighting", {"reduction_fraction": 1.0}, "reduction_fraction"),
        ("led_lighting", {"target_lpd_w_per_m2": -2}, "target_lpd_w_per_m2"),
        (
            "led_lighting",
            {"target_lpd_w_per_m2": 8, "reduction_fraction": 0.3},
            "reduction_fraction",
        ),
        ("led_lighting", {"target_lpd_w_per_m2": None}, "target_lpd_w_per_m2"),
        ("led_lighting", {"controlled_fraction": 1.2}, "controlled_fraction"),
        ("led_lighting", {"lpd": 8}, "lpd"),
        ("infiltration_reduction", {"reduction_fraction": 1.2}, "reduction_fraction"),
        ("infiltration_reduction", {"reduction_fraction": -0.1}, "reduction_fraction"),
        ("infiltration_reduction", {"reduction_fraction": 0}, "reduction_fraction"),
        ("infiltration_reduction", {"reduction_fraction": 1}, "reduction_fraction"),
        ("infiltration_reduction", {"fraction": 0.3}, "fraction"),
    ],
)
def test_invalid_parameters_name_the_parameter(measure, params, named):
    with pytest.raises(InputError, match=named):
        make_measure(measure, params)


def test_given_cut_replaces_the_catalogue_target():
    led = make_measure("led_lighting", {"reduction_fraction": 0.4})
    assert led.params["target_lpd_w_per_m2"] is None and led.params["reduction_fraction"] == 0.4
    assert make_measure("led_lighting").params["target_lpd_w_per_m2"] == 8.0


def test_space_type_matching_ignores_case_and_separators():
    names = ["Office_WholeBuilding - Md Office Lights", "Office_WholeBuilding"]
    assert matches_space_type(names, ["whole building", "Kitchen"]) == ["whole building"]
    assert matches_space_type(["Room_1_Flr_3_Lights", "Room_1_Flr_3"], ["ROOM"]) == ["ROOM"]
    assert matches_space_type(["Corridor_Flr_3_Lights"], None) == ["*"]


# --------------------------------------------------------------------------------------------
# LED: what the model holds afterwards
# --------------------------------------------------------------------------------------------


def test_led_target_rewrites_lights_and_leaves_the_input_alone(small_office):
    before = idf_to_text(small_office)
    result = make_measure("led_lighting").apply(small_office)
    assert idf_to_text(small_office) == before
    assert result.model is not small_office
    for obj in lights(result.model).values():
        assert obj.Design_Level_Calculation_Method == "Watts/Area"
        assert_allclose(float(obj.Watts_per_Floor_Area), 8.0)
    lit = {
        o.Zone_or_ZoneList_or_Space_or_SpaceList_Name.upper() for o in lights(small_office).values()
    }
    area = sum(a for zone, a in floor_area_by_zone_m2(small_office).items() if zone in lit)
    assert "ATTIC" not in lit  # the attic has no lights and is not relamped
    assert_allclose(result.quantities["floor_area_m2"], area, rtol=1e-9)
    assert_allclose(
        result.quantities["lighting_power_removed_kw"],
        (SMALL_OFFICE_LPD_W_PER_M2 - 8.0) * area / 1000,
        rtol=1e-9,
    )
    core = result.details["lights"]["Core_ZN_Lights"]
    assert core["lpd_before_w_per_m2"] == SMALL_OFFICE_LPD_W_PER_M2
    assert core["lpd_after_w_per_m2"] == 8.0
    assert not result.model.idfobjects["DAYLIGHTING:CONTROLS"]


def test_lighting_level_and_watts_per_person_are_converted_to_watts_per_area(small_office):
    idf = copy_model(small_office)
    areas = floor_area_by_zone_m2(idf)
    people = {
        p.Zone_or_ZoneList_or_Space_or_SpaceList_Name.upper(): p for p in idf.idfobjects["PEOPLE"]
    }
    core, perimeter = lights(idf)["Core_ZN_Lights"], lights(idf)["Perimeter_ZN_1_Lights"]
    core.Design_Level_Calculation_Method = "LightingLevel"
    core.Lighting_Level = 10.0 * areas["CORE_ZN"]  # 10 W/m² as watts
    m2_per_person = float(people["PERIMETER_ZN_1"].Floor_Area_per_Person)
    perimeter.Design_Level_Calculation_Method = "Watts/Person"
    perimeter.Watts_per_Person = 12.0 * m2_per_person  # 12 W/m² as watts per person
    result = make_measure("led_lighting", {"reduction_fraction": 0.25}).apply(idf)
    details = result.details["lights"]
    assert_allclose(details["Core_ZN_Lights"]["lpd_before_w_per_m2"], 10.0, rtol=1e-9)
    assert_allclose(details["Perimeter_ZN_1_Lights"]["lpd_before_w_per_m2"], 12.0, rtol=1e-9)
    new = lights(result.model)
    for name, lpd in (("Core_ZN_Lights", 7.5), ("Perimeter_ZN_1_Lights", 9.0)):
        assert new[name].Design_Level_Calculation_Method == "Watts/Area"
        assert_allclose(float(new[name].Watts_per_Floor_Area), lpd, rtol=1e-9)
        assert new[name].Lighting_Level == "" and new[name].Watts_per_Person == ""


def test_lighting_level_on_a_zone_list_goes_to_each_zone(small_office):
    """EnergyPlus gives every zone of a ZoneList the whole Lighting Level (one space each)."""
    idf = copy_model(small_office)
    for name in ("Perimeter_ZN_1_Lights", "Perimeter_ZN_3_Lights"):
        idf.removeidfobject(lights(idf)[name])
    zone_list = idf.newidfobject("ZONELIST", Name="South and north")
    zone_list.Zone_1_Name, zone_list.Zone_2_Name = "Perimeter_ZN_1", "Perimeter_ZN_3"
    listed = idf.newidfobject("LIGHTS", Name="Listed lights", Schedule_Name="BLDG_LIGHT_SCH")
    listed.Zone_or_ZoneList_or_Space_or_SpaceList_Name = "South and north"
    listed.Design_Level_Calculation_Method = "LightingLevel"
    listed.Lighting_Level = 1000.0
    areas = floor_area_by_zone_m2(idf)
    result = make_measure("led_lighting", {"reduction_fraction": 0.5}).apply(idf)
    listed = result.details["lights"]["Listed lights"]
    assert_allclose(listed["floor_area_m2"], areas["PERIMETER_ZN_1"] + areas["PERIMETER_ZN_3"])
    assert_allclose(listed["lpd_before_w_per_m2"], 2 * 1000.0 / listed["floor_area_m2"])


def test_space_types_select_lights_and_zone_multipliers_count(large_hotel):
    result = make_measure("led_lighting", {"space_types": ["Room"]}).apply(large_hotel)
    changed = result.details["lights"]
    assert changed and all("Room" in name for name in changed)
    assert {"Corridor_Flr_3_Lights", "Lobby_Flr_1_Lights"}.isdisjoint(changed)
    areas = floor_area_by_zone_m2(large_hotel)
    rooms = sum(a for zone, a in areas.items() if "ROOM" in zone)
    assert_allclose(result.quantities["floor_area_m2"], rooms, rtol=1e-9)
    multiplied = [z for z in large_hotel.idfobjects["ZONE"] if float(z.Multiplier) > 1]
    assert any("Room" in z.Name for z in multiplied)  # the multipliers are exercised
    kept = lights(result.model)["Lobby_Flr_1_Lights"]
    assert float(kept.Watts_per_Floor_Area) == float(
        lights(large_hotel)["Lobby_Flr_1_Lights"].Watts_per_Floor_Area
    )


def test_target_never_raises_an_lpd(large_hotel):
    result = make_measure("led_lighting").apply(large_hotel)
    corridor = lights(result.model)["Corridor_Flr_3_Lights"]
    assert float(corridor.Watts_per_Floor_Area) == pytest.approx(5.38)
    assert any("Corridor_Flr_3_Lights" in note and "unchanged" in note for note in result.notes)
    floors = floor_area_by_zone_m2(large_hotel)
    relamped = sum(
        a for zone, a in floors.items() if "CORRIDOR" not in zone and "LAUNDRY" not in zone
    )
    assert_allclose(result.quantities["floor_area_m2"], relamped, rtol=1e-9)


# --------------------------------------------------------------------------------------------
# Daylight dimming: where the reference points go
# --------------------------------------------------------------------------------------------


def test_daylighting_goes_to_perimeter_zones_over_their_floor(small_office):
    params = {"daylight_dimming": True, "reduction_fraction": 0.2}
    led = make_measure("led_lighting", params)
    result = led.apply(small_office)
    idf = result.model
    controls = {c.Zone_or_Space_Name: c for c in idf.idfobjects["DAYLIGHTING:CONTROLS"]}
    assert sorted(controls) == [f"Perimeter_ZN_{i}" for i in range(1, 5)]  # not Core_ZN
    points = {p.Name: p for p in idf.idfobjects["DAYLIGHTING:REFERENCEPOINT"]}
    surfaces = model.surfaces(small_office)
    for zone, control in controls.items():
        assert control.Daylighting_Method == "SplitFlux"
        assert control.Lighting_Control_Type == "Continuous"
        assert float(control.Illuminance_Setpoint_at_Reference_Point_1) == 300.0
        assert float(control.Fraction_of_Lights_Controlled_by_Reference_Point_1) == 0.5
        ref = points[control.Daylighting_Reference_Point_1_Name]
        x, y, z = (float(ref[f"{c}Coordinate_of_Reference_Point"]) for c in "XYZ")
        floor = [s for s in surfaces if s.zone == zone and s.surface_type == "floor"]
        assert any(point_in_polygon_xy(x, y, f.vertices) for f in floor)
        assert_allclose(z, min(v[2] for f in floor for v in f.vertices) + 0.75)
        # 1.5 m in from the plane of the window named in the details
        window = next(d["window"] for d in result.details["daylit_zones"] if d["zone"] == zone)
        verts = next(w.vertices for w in model.windows(small_office) if w.name == window)
        n = geometry.newell_normal(verts)
        c = geometry.centroid(verts)
        distance = -((x - c[0]) * n[0] + (y - c[1]) * n[1]) / math.hypot(n[0], n[1])
        assert_allclose(distance, 1.5, atol=1e-3)
    daylit = sum(
        a for zone, a in floor_area_by_zone_m2(small_office).items() if "PERIMETER" in zone
    )
    assert_allclose(result.quantities["daylit_floor_area_m2"], daylit, rtol=1e-9)


def test_zones_with_daylighting_keep_theirs():
    idf = load_idf(resolve_model("small-office-2019"))
    result = make_measure(
        "led_lighting", {"daylight_dimming": True, "reduction_fraction": 0.2}
    ).apply(idf)
    assert len(result.model.idfobjects["DAYLIGHTING:CONTROLS"]) == 4  # the prototype's own
    assert sum("has Daylighting:Controls already" in n for n in result.notes) == 4


def _reference_point(idf, zone: str) -> tuple[float, float, float]:
    ref = next(
        p for p in idf.idfobjects["DAYLIGHTING:REFERENCEPOINT"] if p.Zone_or_Space_Name == zone
    )
    return tuple(float(ref[f"{c}Coordinate_of_Reference_Point"]) for c in "XYZ")


def test_reference_points_follow_the_daylighting_coordinate_system():
    """Retail zones have non-zero origins; surfaces are zone-relative."""
    retail = load_idf(resolve_model("retail"))
    led = make_measure("led_lighting", {"daylight_dimming": True})
    relative = _reference_point(led.apply(retail).model, "Front_Retail")
    world_rules = copy_model(retail)
    world_rules.idfobjects["GLOBALGEOMETRYRULES"][
        0
    ].Daylighting_Reference_Point_Coordinate_System = "World"
    world = _reference_point(led.apply(world_rules).model, "Front_Retail")
    origin = (29.135, 0.0, 0.0)  # Zone Front_Retail, X/Y/Z Origin
    assert_allclose(world, [r + o for r, o in zip(relative, origin, strict=True)], atol=1e-3)

    # Rotate the zone and the building: world = building rotation of (zone rotation + origin),
    # EnergyPlus's x cos(-a) - y sin(-a), x sin(-a) + y cos(-a) for a clockwise angle a.
    rotated = copy_model(world_rules)
    rotated.idfobjects["BUILDING"][0].North_Axis = 30.0
    front = next(z for z in rotated.idfobjects["ZONE"] if z.Name == "Front_Retail")
    front.Direction_of_Relative_North = 90.0
    got = _reference_point(led.apply(rotated).model, "Front_Retail")

    def rot(x, y, a):
        a = math.radians(-a)
        return x * math.cos(a) - y * math.sin(a), x * math.sin(a) + y * math.cos(a)

    xb, yb = rot(relative[0], relative[1], 90.0)
    xw, yw = rot(xb + origin[0], yb + origin[1], 30.0)
    assert_allclose(got, (xw, yw, relative[2]), atol=1e-3)


def test_world_and_relative_transforms_invert_each_other():
    point, origin = (3.0, -2.0, 0.75), (10.0, 5.0, 4.0)
    for relative in (True, False):
        world = to_world(point, relative, 35.0, origin, 120.0)
        assert_allclose(from_world(world, relative, 35.0, origin, 120.0), point, atol=1e-12)
    assert to_world(point, False, 35.0, origin, 120.0) == point  # world is taken as entered


# --------------------------------------------------------------------------------------------
# Applicability
# --------------------------------------------------------------------------------------------


def test_led_does_not_apply_without_matching_or_reducible_lights(small_office):
    with pytest.raises(NotApplicable, match="no Lights object matches space_types"):
        make_measure("led_lighting", {"space_types": ["Kitchen"]}).apply(small_office)
    office_2019 = load_idf(resolve_model("small-office-2019"))  # 6.89 W/m², daylit already
    verdict = make_measure("led_lighting", {"daylight_dimming": True}).check(office_2019)
    assert not verdict and "already at or below 8 W/m2" in verdict.reason


def test_infiltration_does_not_apply_without_infiltration(small_office):
    idf = copy_model(small_office)
    for obj in list(idf.idfobjects["ZONEINFILTRATION:DESIGNFLOWRATE"]):
        idf.removeidfobject(obj)
    with pytest.raises(NotApplicable, match="no infiltration objects in this model"):
        make_measure("infiltration_reduction").apply(idf)


def test_infiltration_does_not_apply_under_a_multizone_airflow_network(small_office):
    idf = copy_model(small_office)
    idf.newidfobject(
        "AIRFLOWNETWORK:SIMULATIONCONTROL",
        Name="AFN",
        AirflowNetwork_Control="MultizoneWithoutDistribution",
    )
    verdict = make_measure("infiltration_reduction").check(idf)
    assert not verdict and "AirflowNetwork" in verdict.reason


# --------------------------------------------------------------------------------------------
# Infiltration: every model scaled in the field it uses
# --------------------------------------------------------------------------------------------


def test_infiltration_scales_the_field_each_method_uses(small_office):
    idf = copy_model(small_office)
    zone = "Core_ZN"
    added = {
        "Flow/Zone": "Design_Flow_Rate",
        "Flow/Area": "Flow_Rate_per_Floor_Area",
        "Flow/ExteriorWallArea": "Flow_Rate_per_Exterior_Surface_Area",
        "": "Design_Flow_Rate",  # blank method: the IDD default, Flow/Zone
    }
    for i, (method, fld) in enumerate(added.items()):
        obj = idf.newidfobject(
            "ZONEINFILTRATION:DESIGNFLOWRATE",
            Name=f"test {i}",
            Zone_or_ZoneList_or_Space_or_SpaceList_Name=zone,
            Schedule_Name="INFIL_QUARTER_ON_SCH",
        )
        obj.Design_Flow_Rate_Calculation_Method = method
        obj[fld] = 0.04
    idf.newidfobject(
        "ZONEINFILTRATION:EFFECTIVELEAKAGEAREA",
        Name="ela",
        Zone_or_Space_Name=zone,
        Schedule_Name="INFIL_QUARTER_ON_SCH",
        Effective_Air_Leakage_Area=500.0,
        Stack_Coefficient=0.000145,
        Wind_Coefficient=0.000174,
    )
    idf.newidfobject(
        "ZONEINFILTRATION:FLOWCOEFFICIENT",
        Name="fc",
        Zone_or_Space_Name=zone,
        Schedule_Name="INFIL_QUARTER_ON_SCH",
        Flow_Coefficient=0.05,
        Stack_Coefficient=0.089,
        Pressure_Exponent=0.67,
        Wind_Coefficient=0.156,
        Shelter_Factor=0.64,
    )
    result = make_measure("infiltration_reduction", {"reduction_fraction": 0.25}).apply(idf)
    out = result.model
    by_name = {
        o.Name: o
        for key in ("DESIGNFLOWRATE", "EFFECTIVELEAKAGEAREA", "FLOWCOEFFICIENT")
        for o in out.idfobjects[f"ZONEINFILTRATION:{key}"]
    }
    for i, fld in enumerate(added.values()):
        assert_allclose(float(by_name[f"test {i}"][fld]), 0.03)
    ach = by_name["Core_ZN_Infiltration"]  # the prototype's AirChanges/Hour object
    assert_allclose(float(ach.Air_Changes_per_Hour), 0.36 * 0.75)
    per_area = by_name["Perimeter_ZN_1_Infiltration"]  # Flow/ExteriorArea
    assert_allclose(float(per_area.Flow_Rate_per_Exterior_Surface_Area), 0.000302 * 0.75)
    assert float(per_area.Constant_Term_Coefficient) == 1.0  # the coefficients are kept
    assert_allclose(float(by_name["ela"].Effective_Air_Leakage_Area), 375.0)
    assert float(by_name["ela"].Stack_Coefficient) == 0.000145
    assert_allclose(float(by_name["fc"].Flow_Coefficient), 0.0375)
    assert float(by_name["fc"].Pressure_Exponent) == 0.67
    envelope = sum(
        s.area_m2
        for s in model.surfaces(small_office)
        if s.boundary == "outdoors" and s.surface_type in ("wall", "roof")
    )
    assert_allclose(result.quantities["envelope_area_m2"], envelope, rtol=1e-9)


# --------------------------------------------------------------------------------------------
# The engine: direction and size of the change (small office, one week)
# --------------------------------------------------------------------------------------------


def _run(idf, tmp_path, tag, weather, period):
    path = write_idf(idf, tmp_path / f"{tag}.idf")
    return simulate(path, weather, period=period, out_dir=tmp_path / tag)


@pytest.mark.energyplus
def test_led_and_daylighting_cut_interior_lighting(
    small_office, small_office_week, site_epw, tmp_path
):
    base = interior_lighting_kwh(small_office_week)
    relamped = _run(
        make_measure("led_lighting").apply(small_office).model,
        tmp_path,
        "led",
        site_epw,
        "07/15-07/21",
    )
    # Lighting energy is LPD x area x schedule, one schedule for all Lights and no daylighting:
    # the ratio is the LPD ratio; 0.2 % covers the end-use table's rounding.
    assert_allclose(
        interior_lighting_kwh(relamped) / base, 8.0 / SMALL_OFFICE_LPD_W_PER_M2, rtol=2e-3
    )
    # Less heat from the lights: less cooling in a July week.
    assert (
        relamped.results.end_uses.loc["cooling"].sum()
        < small_office_week.results.end_uses.loc["cooling"].sum()
    )

    led = make_measure("led_lighting", {"daylight_dimming": True})
    applied = led.apply(small_office)
    dimmed = _run(applied.model, tmp_path, "led-daylight", site_epw, "07/15-07/21")
    assert dimmed.err.severe == 0
    cut = 1 - interior_lighting_kwh(dimmed) / interior_lighting_kwh(relamped)
    # Upper bound: every daylit zone dimmed to its minimum power all week.
    q = applied.quantities
    bound = (
        q["daylit_floor_area_m2"]
        / q["floor_area_m2"]
        * led.params["controlled_fraction"]
        * (1 - led.params["dimming_min_power_fraction"])
    )
    assert 0.05 < cut < bound


@pytest.mark.energyplus
def test_air_sealing_lowers_january_heating(small_office, site_epw, tmp_path):
    measure = make_measure("infiltration_reduction")
    before = _run(small_office, tmp_path, "jan", site_epw, "01/15-01/21")
    after = _run(measure.apply(small_office).model, tmp_path, "jan-sealed", site_epw, "01/15-01/21")
    drop = 1 - heating_kwh(after) / heating_kwh(before)
    # Infiltration is one of several heat losses (conduction, ventilation air), so heating falls by
    # less than the cut in infiltration.
    assert 0.01 < drop < measure.params["reduction_fraction"]
