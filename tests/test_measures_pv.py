"""Rooftop PV: sizing by hand from the prototypes' roof geometry, the EnergyPlus objects, the
applicability rules, and a July week on the real engine (generation, self-consumption, and the
CO2, coal and cost it saves)."""

from __future__ import annotations

import math

import pytest
from numpy.testing import assert_allclose

import retrofit.measures.pv  # noqa: F401 - registers rooftop_pv
from retrofit import tables
from retrofit.accounting import split_generation
from retrofit.errors import InputError
from retrofit.idf import load_idf, write_idf
from retrofit.library import resolve_model
from retrofit.measures import NotApplicable, make_measure
from retrofit.measures.pv import RooftopPV, capacity_kwp, module_area_m2
from retrofit.simulate import simulate
from retrofit.weather import read_epw

# Catalogue defaults (measures/pv.toml).
ROOF_FRACTION = 0.5
EFFICIENCY = 0.22
GCR = 0.4

# Medium office (DOE reference, new 2004): one flat roof, 49.911 m x 33.2738 m (its vertices).
MEDIUM_ROOF_M2 = 49.911 * 33.2738

# Small office: a hip roof over eaves 28.89 m x 19.66 m (0.6 m overhangs), ridge 3.28 m above the
# eaves and 9.83 m in from them, so every face slopes at atan(3.28 / 9.83) = 18.45 deg. South face:
# trapezoid on plan with bases 28.89 and 9.23 m (the ridge), depth 9.83 m; east and west faces:
# triangles with base 19.66 m and depth 9.83 m. Slope area = plan area / cos(tilt).
SMALL_TILT_DEG = math.degrees(math.atan(3.28 / 9.83))
_SLOPE = 1.0 / math.cos(math.radians(SMALL_TILT_DEG))
SMALL_SOUTH_M2 = (28.89 + 9.23) / 2 * 9.83 * _SLOPE
SMALL_EAST_M2 = 19.66 * 9.83 / 2 * _SLOPE
SMALL_ROOF_M2 = 2 * SMALL_SOUTH_M2 + 2 * SMALL_EAST_M2  # the north face equals the south one

WEEK = "07/15-07/21"
WEEK_DAYS = 7


def medium_office():
    return load_idf(resolve_model("medium-office"))


def small_office():
    return load_idf(resolve_model("small-office"))


# ------------------------------------------------------------------------------ sizing, no engine


def test_sizing_functions():
    # 100 m2 of roof, half of it under racks at ground coverage 0.4: 20 m2 of modules
    assert_allclose(module_area_m2(100.0, 0.5, 0.4), 20.0, rtol=1e-12)
    assert_allclose(module_area_m2(100.0, 0.5), 50.0, rtol=1e-12)  # flush: no row spacing
    # 20 m2 x 22 % x 1 kW/m2 (STC) = 4.4 kWp
    assert_allclose(capacity_kwp(20.0, 0.22), 4.4, rtol=1e-12)


def test_defaults_costs_and_lifetime_come_from_the_catalogue():
    m = RooftopPV()
    assert m.params == {
        "roof_fraction": ROOF_FRACTION,
        "module_efficiency": EFFICIENCY,
        "ground_coverage_ratio": GCR,
        "tilt_deg": 20.0,
        "azimuth_deg": 180.0,
        "system_losses_fraction": 0.14,
        "dc_to_ac_ratio": 1.10,
        "inverter_efficiency": 0.96,
        "module_type": "Premium",
    }
    assert set(m.sources) == set(m.params)
    # PVWatts v5 defaults are cited, but they are not in standards.md: flagged, not verified
    assert "PVWatts v5" in m.sources["system_losses_fraction"].source
    assert not any(s.verified for s in m.sources.values())
    # GB 55015-2021: PV module design life > 25 years (HLJNY), verified
    assert m.lifetime_years == 25 and m.entry.lifetime_years.verified
    # 2024 national EPC bid average 3.304 RMB/W = 3304 RMB/kWp, flagged (all segments)
    assert m.cost_model.basis == "pv_capacity_kwp"
    assert_allclose(m.capex_rmb({"pv_capacity_kwp": 10.0}), 33040.0, rtol=1e-12)
    assert not m.cost_model.unit_cost_rmb.verified
    assert "3.304" in m.cost_model.unit_cost_rmb.source
    # 2017 Zhejiang O&M 0.07 RMB/W a, outdated: a flagged assumption
    assert_allclose(m.om_change_rmb_per_year({"pv_capacity_kwp": 10.0}), 700.0, rtol=1e-12)
    text = " | ".join(m.assumptions())
    assert "rooftop_pv unit cost = 3304.0 RMB/kWp" in text
    assert "rooftop_pv O&M" in text
    assert "rooftop_pv lifetime" not in text


def test_medium_office_flat_roof_takes_one_rack_array():
    idf = medium_office()
    result = RooftopPV().apply(idf)
    # the input model is untouched
    assert not idf.idfobjects["GENERATOR:PVWATTS"]
    assert not idf.idfobjects["ELECTRICLOADCENTER:DISTRIBUTION"]

    modules = MEDIUM_ROOF_M2 * ROOF_FRACTION * GCR  # 332.15 m2
    kwp = modules * EFFICIENCY * 1.0  # 73.07 kWp
    q = result.quantities
    assert_allclose(q["roof_area_m2"], MEDIUM_ROOF_M2, rtol=1e-9)
    assert_allclose(q["pv_module_area_m2"], modules, rtol=1e-9)
    assert_allclose(q["pv_capacity_kwp"], kwp, rtol=1e-9)
    assert_allclose(q["pv_capacity_kwp"], 73.07, atol=0.005)

    out = result.model
    (gen,) = out.idfobjects["GENERATOR:PVWATTS"]
    assert str(gen.PVWatts_Version) == "5"
    assert_allclose(float(gen.DC_System_Capacity), kwp * 1000.0, rtol=1e-9)  # W
    assert gen.Module_Type == "Premium"
    assert gen.Array_Type == "FixedOpenRack"
    assert gen.Array_Geometry_Type == "TiltAzimuth"
    assert (float(gen.Tilt_Angle), float(gen.Azimuth_Angle)) == (20.0, 180.0)
    assert float(gen.System_Losses) == 0.14
    assert float(gen.Ground_Coverage_Ratio) == GCR
    (inverter,) = out.idfobjects["ELECTRICLOADCENTER:INVERTER:PVWATTS"]
    assert (float(inverter.DC_to_AC_Size_Ratio), float(inverter.Inverter_Efficiency)) == (
        1.10,
        0.96,
    )
    (listing,) = out.idfobjects["ELECTRICLOADCENTER:GENERATORS"]
    assert listing.Generator_1_Name == gen.Name
    assert listing.Generator_1_Object_Type == "Generator:PVWatts"
    assert listing.Generator_2_Name == ""
    (center,) = out.idfobjects["ELECTRICLOADCENTER:DISTRIBUTION"]
    assert center.Generator_List_Name == listing.Name
    assert center.Generator_Operation_Scheme_Type == "Baseload"
    assert center.Electrical_Buss_Type == "DirectCurrentWithInverter"
    assert center.Inverter_Name == inverter.Name
    details = result.details
    assert_allclose(details["inverter_ac_capacity_kw"], kwp / 1.10, rtol=1e-9)
    assert details["arrays"][0]["surfaces"] == ("Building_Roof",)
    assert any("row-to-row shading" in n for n in result.notes)


def test_small_office_hip_roof_takes_flush_arrays_on_three_faces():
    result = RooftopPV().apply(small_office())
    q = result.quantities
    assert_allclose(q["roof_area_m2"], SMALL_ROOF_M2, rtol=1e-3)  # eaves read to 0.01 m
    # flush modules (no row spacing) on the south, east and west faces; none on the north one
    used = SMALL_SOUTH_M2 + 2 * SMALL_EAST_M2
    assert_allclose(q["pv_module_area_m2"], used * ROOF_FRACTION, rtol=1e-3)
    assert_allclose(q["pv_capacity_kwp"], used * ROOF_FRACTION * EFFICIENCY, rtol=1e-3)
    gens = {g.Name: g for g in result.model.idfobjects["GENERATOR:PVWATTS"]}
    assert len(gens) == 3
    assert {g.Array_Type for g in gens.values()} == {"FixedRoofMounted"}
    assert sorted(float(g.Azimuth_Angle) for g in gens.values()) == [90.0, 180.0, 270.0]
    for g in gens.values():
        assert_allclose(float(g.Tilt_Angle), SMALL_TILT_DEG, atol=0.06)  # rounded to 0.1 deg
    (listing,) = result.model.idfobjects["ELECTRICLOADCENTER:GENERATORS"]
    assert {listing[f"Generator_{i}_Name"] for i in (1, 2, 3)} == set(gens)
    assert_allclose(
        sum(float(g.DC_System_Capacity) for g in gens.values()), q["pv_capacity_kwp"] * 1000
    )
    assert any(n.startswith("Attic_roof_north: no modules") for n in result.notes)


def test_parameters_reach_the_sizing_and_the_objects():
    m = RooftopPV(
        {
            "roof_fraction": 1.0,
            "module_efficiency": 0.20,
            "ground_coverage_ratio": 0.5,
            "tilt_deg": 10,
            "azimuth_deg": 170,
            "module_type": "Standard",
        }
    )
    result = m.apply(medium_office())
    assert_allclose(result.quantities["pv_capacity_kwp"], MEDIUM_ROOF_M2 * 0.5 * 0.20, rtol=1e-9)
    (gen,) = result.model.idfobjects["GENERATOR:PVWATTS"]
    assert (float(gen.Tilt_Angle), float(gen.Azimuth_Angle)) == (10.0, 170.0)
    assert gen.Module_Type == "Standard"


def test_skylights_are_taken_off_the_roof():
    idf = medium_office()
    construction = idf.idfobjects["FENESTRATIONSURFACE:DETAILED"][0].Construction_Name
    idf.newidfobject(
        "FENESTRATIONSURFACE:DETAILED",
        Name="Skylight",
        Surface_Type="Window",
        Construction_Name=construction,
        Building_Surface_Name="Building_Roof",
        Number_of_Vertices=4,
        **{
            f"Vertex_{i}_{axis}coordinate": value
            for i, point in enumerate(((22, 12), (27, 12), (27, 14), (22, 14)), 1)
            for axis, value in zip("XYZ", (*point, 11.8872), strict=True)
        },
    )
    result = RooftopPV().apply(idf)
    assert_allclose(result.details["usable_roof_area_m2"], MEDIUM_ROOF_M2 - 10.0, rtol=1e-9)
    assert_allclose(result.quantities["roof_area_m2"], MEDIUM_ROOF_M2, rtol=1e-9)


# ------------------------------------------------------------------------------ applicability


def test_not_applicable_without_exterior_roofs():
    idf = medium_office()
    for surface in idf.idfobjects["BUILDINGSURFACE:DETAILED"]:
        if surface.Surface_Type.lower() == "roof":
            surface.Outside_Boundary_Condition = "Adiabatic"
    m = RooftopPV()
    verdict = m.check(idf)
    assert not verdict
    assert verdict.reason == "no exterior roof surfaces in this model"
    with pytest.raises(NotApplicable, match="rooftop_pv does not apply: no exterior roof"):
        m.apply(idf)


def test_not_applicable_where_a_load_center_exists():
    once = RooftopPV().apply(medium_office()).model
    verdict = RooftopPV().check(once)
    assert not verdict
    assert "already has an ElectricLoadCenter:Distribution ('Rooftop PV')" in verdict.reason


def test_not_applicable_when_the_only_roof_faces_away():
    idf = small_office()
    for surface in idf.idfobjects["BUILDINGSURFACE:DETAILED"]:
        if surface.Name in ("Attic_roof_east", "Attic_roof_south", "Attic_roof_west"):
            surface.Outside_Boundary_Condition = "Adiabatic"
    verdict = RooftopPV().check(idf)
    assert not verdict
    assert verdict.reason.startswith("no exterior roof surface takes PV (Attic_roof_north:")
    # arrays facing north would use it (a southern-hemisphere site)
    assert RooftopPV({"azimuth_deg": 0}).check(idf)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"roof_fraction": 1.5}, "parameter roof_fraction=1.5: must be <= 1"),
        ({"roof_fraction": 0}, "parameter roof_fraction=0: must be > 0"),
        ({"module_efficiency": -0.2}, "parameter module_efficiency=-0.2: must be > 0"),
        ({"ground_coverage_ratio": "lots"}, "parameter ground_coverage_ratio='lots': not a number"),
        ({"tilt_deg": 95}, "parameter tilt_deg=95: must be <= 90"),
        ({"module_type": "TOPCon"}, "parameter module_type='TOPCon': must be one of"),
        ({"tilt": 10}, "unknown parameter 'tilt'"),
    ],
)
def test_invalid_parameters_name_the_parameter(params, message):
    with pytest.raises(InputError, match=f"measure rooftop_pv: {message}"):
        make_measure("rooftop_pv", params)


# ------------------------------------------------------------------------------ engine


@pytest.fixture(scope="module")
def small_office_pv_week(tmp_path_factory, site_epw):
    """The small office with the default rooftop PV, the July week of ``small_office_week``."""
    out = tmp_path_factory.mktemp("small-office-pv")
    result = RooftopPV().apply(small_office())
    path = write_idf(result.model, out / "small-office-pv.idf")
    return result, simulate(path, site_epw, period=WEEK, out_dir=out / "run")


def week_ghi_kwh_per_m2_day(epw_path) -> float:
    """Mean daily global horizontal irradiation of 15-21 July in the weather file [kWh/m2 d]."""
    data = read_epw(epw_path).data
    week = data[(data["month"] == 7) & data["day"].between(15, 21)]
    return float(week["global_horizontal_wh_per_m2"].sum()) / 1000.0 / WEEK_DAYS


def check_specific_yield(kwh: float, kwp: float, epw_path) -> float:
    """kWh/kWp per day, checked against the week's sunshine; returns it.

    Performance ratio on horizontal irradiation, yield / GHI, between 0.60 and 0.85: the
    PVWatts chain at the defaults is 0.86 (system losses) x 0.96 (inverter) x about 0.97
    (reflection) = 0.80 at 25 degC cells, less 0.35 %/K over the 25-35 K a July cell runs above
    25 degC (9-12 %), so about 0.70-0.73; an array tilted 18-20 deg collects within a few % of the
    horizontal in July at 31 N. The band allows for that and for other sites' weather; a unit
    slip (W for kW) or a dead array falls far outside it.
    """
    per_day = kwh / kwp / WEEK_DAYS
    ratio = per_day / week_ghi_kwh_per_m2_day(epw_path)
    assert 0.60 < ratio < 0.85, (per_day, ratio)
    return per_day


@pytest.mark.energyplus
def test_pv_week_meters_balance_hour_by_hour(small_office_pv_week, small_office_week):
    result, report = small_office_pv_week
    assert report.err.severe == 0
    pv, base = report.results, small_office_week.results
    # the arrays do not change the building: same consumption as without PV, hour by hour
    assert_allclose(pv.totals_kwh["electricity_kwh"], base.totals_kwh["electricity_kwh"])
    assert_allclose(pv.hourly["electricity_kwh"], base.hourly["electricity_kwh"], atol=1e-9)
    assert "electricity_produced_kwh" not in pv.totals_kwh
    h = pv.hourly
    assert h["electricity_produced_kwh"].sum() > 0
    assert h["electricity_produced_kwh"].min() >= 0
    # nothing at night (hour ending 1-5 and 21-24 in Shanghai in July)
    night = h["hour"].isin([1, 2, 3, 4, 5, 21, 22, 23, 24])
    assert h.loc[night, "electricity_produced_kwh"].max() == 0
    # purchased = consumption - self-consumed, self-consumed = produced - exported (EnergyPlus's
    # own meters, each hour)
    assert_allclose(
        h["electricity_purchased_kwh"],
        h["electricity_kwh"] - h["electricity_self_consumed_kwh"],
        atol=1e-6,
    )
    assert_allclose(
        h["electricity_self_consumed_kwh"],
        h["electricity_produced_kwh"] - h["electricity_exported_kwh"],
        atol=1e-12,
    )
    # an hour either buys or sells, up to the timesteps inside it
    assert (h["electricity_self_consumed_kwh"] <= h["electricity_kwh"] + 1e-6).all()
    g = pv.generation_kwh
    assert_allclose(g["electricity_produced_kwh"], h["electricity_produced_kwh"].sum())
    assert_allclose(
        g["electricity_self_consumed_kwh"] + g["electricity_exported_kwh"],
        g["electricity_produced_kwh"],
    )
    # the prepared model asked for the generation meters, hourly and monthly
    prepared = (report.run_dir / "in.idf").read_text()
    for meter in ("Produced", "Purchased", "SurplusSold"):
        for frequency in ("Hourly", "Monthly"):
            assert f"Electricity{meter}:Facility,  !- Key Name\n    {frequency};" in prepared
    assert_allclose(
        pv.monthly["electricity_produced_kwh"].sum(), g["electricity_produced_kwh"], rtol=1e-9
    )
    # kWp from the measure, output from EnergyPlus: a plausible July week
    check_specific_yield(
        g["electricity_produced_kwh"], result.quantities["pv_capacity_kwp"], report.weather_path
    )


@pytest.mark.energyplus
def test_pv_week_saves_self_consumed_electricity_at_the_factors(
    small_office_pv_week, small_office_week
):
    _, report = small_office_pv_week
    pv, base = report.summary(), small_office_week.summary()
    self_kwh = pv["electricity_self_consumed_kwh"]
    assert 0 < self_kwh < pv["pv_generation_kwh"]
    assert pv["pv_generation_kwh"] == pv["electricity_produced_kwh"]
    assert_allclose(pv["electricity_exported_kwh"], pv["pv_generation_kwh"] - self_kwh)
    assert_allclose(pv["electricity_purchased_kwh"], pv["electricity_kwh"] - self_kwh, rtol=1e-12)
    # CO2 and coal fall by self-consumed x factor (0.42 kgCO2/kWh, 0.1229 kgce/kWh); exports earn
    # no CO2 credit by default
    f_co2 = pv["emission_factors"]["electricity_kgco2_per_kwh"]
    f_ce = pv["coal_factors"]["electricity_kgce_per_kwh"]
    assert_allclose(
        base["emissions_tco2"] - pv["emissions_tco2"], self_kwh * f_co2 / 1000, rtol=1e-9
    )
    assert_allclose(base["energy_tce"] - pv["energy_tce"], self_kwh * f_ce / 1000, rtol=1e-9)
    # cost falls by each hour's self-consumption at that hour's price (and exports earn 0)
    prices = tables.tariff(pv["tariff"]["name"]).price_by_month_hour_rmb_per_kwh
    h = report.results.hourly
    saved = sum(
        kwh * prices[m - 1][hour - 1]
        for m, hour, kwh in zip(
            h["month"], h["hour"], h["electricity_self_consumed_kwh"], strict=True
        )
    )
    assert saved > 0
    assert_allclose(base["energy_cost_rmb"] - pv["energy_cost_rmb"], saved, rtol=1e-9)
    assert pv["export_credit_rmb"] == 0.0
    assert_allclose(pv["natural_gas_cost_rmb"], base["natural_gas_cost_rmb"])
    text = " | ".join(pv["assumptions"])
    assert "electricity export price 0 RMB/kWh is not verified" in text
    assert "earns no CO2 credit" in text
    # without generation the new keys are zeros and purchased is the consumption
    assert base["pv_generation_kwh"] == 0.0 and base["export_credit_rmb"] == 0.0
    assert base["electricity_purchased_kwh"] == base["electricity_kwh"]


@pytest.mark.energyplus
def test_medium_office_racks_week(tmp_path, site_epw):
    result = RooftopPV().apply(medium_office())
    path = write_idf(result.model, tmp_path / "medium-office-pv.idf")
    report = simulate(path, site_epw, period=WEEK, out_dir=tmp_path / "run")
    assert report.err.severe == 0
    s = report.summary()
    per_day = check_specific_yield(
        s["pv_generation_kwh"], result.quantities["pv_capacity_kwp"], report.weather_path
    )
    assert per_day > 0
    # 73 kWp on a 5000 m2 office: nearly all of it is used in the building
    assert s["electricity_self_consumed_kwh"] > 0.9 * s["pv_generation_kwh"]
    # the accounting's split of EnergyPlus's consumption and generation gives its purchases
    h = report.results.hourly
    purchased, _ = split_generation(
        h["electricity_kwh"], h["electricity_produced_kwh"], h["electricity_exported_kwh"]
    )
    assert_allclose(purchased, h["electricity_purchased_kwh"], atol=1e-6)
