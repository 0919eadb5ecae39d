"""Compliance rule set: the bundled GB 50189-2015 HSCW values, the look-ups and the file checks.

Expected numbers are typed from shared/docs/standards.md (source key and section in the comments),
not read from the TOML, so that a wrong data file fails here.
"""

from __future__ import annotations

import json
import math
import re
from importlib import resources

import pytest
from numpy.testing import assert_allclose

from retrofit.compliance import rules
from retrofit.compliance.rules import (
    BUILDING_TYPES,
    DEFAULT_RULE_SET,
    Schedule,
    Sourced,
    load_rule_set,
    rule_set_names,
)
from retrofit.errors import InputError

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

#: Source keys of standards.md a bundled value may cite (plus ASSUMPTION).
SOURCE_KEYS = {
    "KG",
    "GUDAO-PT",
    "GUDAO-CON",
    "JBK",
    "SH-NOTE",
    "HLJNY",
    "TPF-55015",
    "TOPEN",
    "ASSUMPTION",
}
SCHEDULES = (
    "occupancy",
    "lighting",
    "equipment",
    "cooling_setpoint_c",
    "heating_setpoint_c",
    "hvac_operation",
    "outdoor_air",
)


@pytest.fixture(scope="module")
def rs():
    return load_rule_set()


def bundled_doc() -> dict:
    path = resources.files("retrofit") / "data" / "standards" / f"{DEFAULT_RULE_SET}.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def toml_value(value) -> str:
    """A minimal TOML writer for the tests: everything as inline tables and arrays."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "inf" if value == math.inf else repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    items = ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items())
    return "{" + items + "}"


def write_toml(path, doc: dict) -> str:
    path.write_text("\n".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in doc.items()))
    return str(path)


# ------------------------------------------------------------------------------ loading basics


def test_bundled_rule_set_is_named_and_cached(rs):
    assert DEFAULT_RULE_SET in rule_set_names()
    assert load_rule_set(DEFAULT_RULE_SET) is rs  # functools.cache: read once
    assert (rs.name, rs.climate_zone, rs.building_class) == ("gb50189-2015-hscw", "HSCW", "A")
    assert rs.standard == "GB 50189-2015"


def test_unknown_name_lists_bundled_choices():
    with pytest.raises(InputError, match="nonexistent.*gb50189-2015-hscw"):
        load_rule_set("nonexistent")


def test_missing_and_invalid_files(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_rule_set(str(tmp_path / "missing.toml"))
    bad = tmp_path / "bad.toml"
    bad.write_text("envelope = [")
    with pytest.raises(InputError, match=r"bad\.toml: not valid TOML"):
        load_rule_set(str(bad))


def test_user_copy_of_the_bundled_file_loads_the_same(tmp_path, rs):
    path = write_toml(tmp_path / "copy.toml", bundled_doc())
    mine = load_rule_set(path)
    assert mine.path == path
    assert mine.envelope == rs.envelope
    assert mine.equipment == rs.equipment
    assert mine.parameters == rs.parameters
    assert mine.unverified() == rs.unverified()


# ------------------------------------------------------------------------------------ envelope


@pytest.mark.parametrize(
    ("wwr", "k", "shgc_south", "shgc_north"),
    [
        # GB 50189-2015 Table 3.3.1-4, HSCW Class A (standards.md P2.1, KG, T)
        (0.0, 3.5, None, None),
        (0.2, 3.5, None, None),  # (low, high]: 0.2 is in the first band
        (0.2001, 3.0, 0.44, 0.48),
        (0.3 + 1e-16, 3.0, 0.44, 0.48),  # floating-point noise on an edge stays on the edge
        (0.38, 2.6, 0.40, 0.44),
        (0.45, 2.4, 0.35, 0.40),
        (0.55, 2.2, 0.35, 0.40),
        (0.65, 2.2, 0.30, 0.35),
        (0.75, 2.0, 0.26, 0.35),
        (0.95, 1.8, 0.24, 0.30),
        (1.0, 1.8, 0.24, 0.30),
        (1.2, 1.8, 0.24, 0.30),  # above the last band: the last band
    ],
)
def test_window_band_lookup(rs, wwr, k, shgc_south, shgc_north):
    band = rs.envelope.window_band(wwr)
    assert_allclose(band.k.value, k, rtol=1e-12)
    if shgc_south is None:
        assert band.shgc == {}
    else:
        for orientation in ("east", "south", "west"):
            assert_allclose(band.shgc[orientation].value, shgc_south, rtol=1e-12)
        assert_allclose(band.shgc["north"].value, shgc_north, rtol=1e-12)


def test_window_band_rejects_negative_ratio(rs):
    with pytest.raises(InputError, match="window-to-wall ratio"):
        rs.envelope.window_band(-0.1)


@pytest.mark.parametrize(
    ("component", "inertia", "k"),
    [
        # Table 3.3.1-4 (KG, T): light D <= 2.5, heavy D > 2.5
        ("roof", 2.5, 0.40),
        ("roof", 2.6, 0.50),
        ("roof", None, 0.40),
        ("wall", 2.5, 0.60),
        ("wall", 2.6, 0.80),
        ("floor_exposed", 4.0, 0.70),  # one value for every D
    ],
)
def test_opaque_limit_by_thermal_inertia(rs, component, inertia, k):
    limit = getattr(rs.envelope, component).limit(inertia)
    assert_allclose(limit.value, k, rtol=1e-12)
    assert limit.unit == "W/(m2.K)"
    assert limit.verified and limit.source == "KG"
    assert limit.citation == "GB 50189-2015 Table 3.3.1-4"


def test_other_envelope_limits(rs):
    env = rs.envelope
    assert_allclose(env.skylight_k.value, 2.6, rtol=1e-12)  # KG, T
    assert_allclose(env.skylight_shgc.value, 0.30, rtol=1e-12)  # KG, T
    assert_allclose(env.max_wwr.value, 0.70, rtol=1e-12)  # clause 3.2.2, JBK, S
    assert_allclose(env.max_skylight_ratio.value, 0.20, rtol=1e-12)  # clause 3.2.7
    assert_allclose(env.vt_min_below_040.value, 0.60, rtol=1e-12)  # clause 3.2.4, JBK, S
    assert_allclose(env.vt_min_from_040.value, 0.40, rtol=1e-12)
    assert all(v.verified for v in (env.max_wwr, env.vt_min_below_040, env.vt_min_from_040))


# ----------------------------------------------------------------------------------- equipment


@pytest.mark.parametrize(
    ("condenser", "capacity_kw", "compressor", "expected_compressor", "cop", "iplv"),
    [
        # Tables 4.2.10 / 4.2.11, HSCW column (standards.md P2.2, KG, T); compressor from the
        # capacity (assumption: water <= 1163 kW screw, above centrifugal; air <= 50 scroll)
        ("water", 1000.0, None, "screw", 5.20, 5.90),
        ("water", 1500.0, None, "centrifugal", 5.60, 5.75),
        ("water", 3000.0, None, "centrifugal", 5.90, 6.20),
        ("water", 528.0, None, "screw", 4.80, 5.55),  # (low, high]: 528 is in the lower band
        ("air", 40.0, None, "scroll", 2.70, 3.20),
        ("air", 60.0, None, "screw", 3.00, 3.20),
        ("water", 400.0, "scroll", "scroll", 4.20, 5.05),
        ("water", 1000.0, "centrifugal", "centrifugal", 5.30, 5.45),
        ("water", 1200.0, "screw", "screw", 5.60, 6.30),
        ("air", 40.0, "screw", "screw", 2.90, 3.10),
        ("air", 80.0, "scroll", "scroll", 2.90, 3.40),
    ],
)
def test_chiller_lookup(rs, condenser, capacity_kw, compressor, expected_compressor, cop, iplv):
    limit = rs.equipment.chiller(condenser, capacity_kw, compressor)
    assert limit.compressor == expected_compressor
    assert_allclose((limit.cop.value, limit.iplv.value), (cop, iplv), rtol=1e-12)
    assert limit.capacity_min_kw < capacity_kw <= limit.capacity_max_kw


def test_chiller_without_a_band_names_what_was_asked(rs):
    with pytest.raises(InputError, match=r"water-cooled scroll chiller of 1000 kW"):
        rs.equipment.chiller("water", 1000.0, "scroll")  # scroll rows stop at 528 kW
    with pytest.raises(InputError, match="no compressor assumed for a steam-cooled"):
        rs.equipment.chiller("steam", 100.0)
    with pytest.raises(InputError, match="> 0 kW"):
        rs.equipment.chiller("water", 0.0)


def test_variable_speed_factors(rs):
    eq = rs.equipment  # clause text of 4.2.10 / 4.2.11 (KG, T)
    assert_allclose(eq.variable_speed_centrifugal_cop_factor.value, 0.93, rtol=1e-12)
    assert_allclose(eq.variable_speed_screw_cop_factor.value, 0.95, rtol=1e-12)
    assert_allclose(eq.variable_speed_centrifugal_iplv_factor.value, 1.30, rtol=1e-12)
    assert_allclose(eq.variable_speed_screw_iplv_factor.value, 1.15, rtol=1e-12)


@pytest.mark.parametrize(
    ("capacity_kw", "fuel", "efficiency"),
    [
        # Table 4.2.5 (KG, T): < 0.7 / 0.7-1.4 MW 88 %, 1.4 MW and above 90 %
        (500.0, "natural_gas", 0.88),
        (1000.0, "natural_gas", 0.88),
        (1400.0, "natural_gas", 0.88),
        (2000.0, "natural_gas", 0.90),
        (20000.0, "natural_gas", 0.90),
        (1000.0, "oil", 0.88),
        (6000.0, "oil", 0.90),
    ],
)
def test_boiler_lookup(rs, capacity_kw, fuel, efficiency):
    assert_allclose(rs.equipment.boiler(capacity_kw, fuel).efficiency.value, efficiency, rtol=1e-12)


def test_boiler_unknown_fuel(rs):
    with pytest.raises(InputError, match="coal boiler of 1000 kW.*fuels: natural_gas, oil"):
        rs.equipment.boiler(1000.0, "coal")


@pytest.mark.parametrize(
    ("condenser", "ducted", "capacity_kw", "eer"),
    [
        # Table 4.2.14, HSCW (KG, T): 7.1-14 kW / > 14 kW
        ("air", False, 10.0, 2.80),
        ("air", False, 20.0, 2.75),
        ("air", True, 10.0, 2.60),
        ("air", True, 20.0, 2.55),
        ("water", False, 10.0, 3.55),
        ("water", False, 20.0, 3.40),
        ("water", True, 10.0, 3.25),
        ("water", True, 20.0, 3.15),
        ("air", False, 5.0, 2.80),  # below GB's 7.1 kW: the first band, and its note says so
    ],
)
def test_unitary_lookup(rs, condenser, ducted, capacity_kw, eer):
    limit = rs.equipment.unitary_eer(condenser, ducted, capacity_kw)
    assert_allclose(limit.eer.value, eer, rtol=1e-12)
    if capacity_kw < 7.1:
        assert "7.1" in limit.eer.note


# --------------------------------------------------------------------------------- orientation


@pytest.mark.parametrize(
    ("azimuth", "orientation"),
    [
        # clause 3.2.6 (JBK): N = N60W-N60E, E = E30N-E60S, S = S30W-S30E, W = W30N-W60S
        (0.0, "north"),
        (59.9, "north"),
        (60.0, "east"),
        (149.9, "east"),
        (150.0, "south"),
        (180.0, "south"),
        (209.9, "south"),
        (210.0, "west"),
        (299.0, "west"),
        (300.0, "north"),
        (359.9, "north"),
        (360.0, "north"),
        (-90.0, "west"),
        (450.0, "east"),
    ],
)
def test_orientation_bins(rs, azimuth, orientation):
    assert rs.orientation(azimuth) == orientation


# ---------------------------------------------------------------------- calculation parameters


@pytest.mark.parametrize(
    ("building_type", "density", "epd", "lpd", "reference_lpd"),
    [
        # GB 55015-2021 App. C via GUDAO-PT [C] (standards.md §1.4); reference LPD GB 50189-2015
        # Table B.0.4-3 (KG, T, P2.1)
        ("office", 0.10, 15.0, 8.0, 9.0),
        ("hotel", 0.04, 15.0, 6.0, 7.0),
        ("mall", 0.125, 13.0, 9.0, 10.0),
    ],
)
def test_calculation_parameters(rs, building_type, density, epd, lpd, reference_lpd):
    p = rs.parameters[building_type]
    assert p.building_type == building_type
    assert_allclose(p.occupancy_person_per_m2.value, density, rtol=1e-12)
    assert_allclose(p.equipment_w_per_m2.value, epd, rtol=1e-12)
    assert_allclose(p.lighting_w_per_m2.value, lpd, rtol=1e-12)
    assert_allclose(p.reference_lighting_w_per_m2.value, reference_lpd, rtol=1e-12)
    # 30 m3/(h.person) stored to 4 significant figures
    assert_allclose(p.outdoor_air_m3_per_s_person.value, 30.0 / 3600.0, rtol=1e-4)


@pytest.mark.parametrize("building_type", BUILDING_TYPES)
def test_schedules_have_24_hours_and_heating_below_cooling(rs, building_type):
    p = rs.parameters[building_type]
    for name in SCHEDULES:
        schedule = getattr(p, name)
        assert isinstance(schedule, Schedule), name
        assert len(schedule.weekday) == len(schedule.weekend) == 24, name
    for day in ("weekday", "weekend"):
        heating = getattr(p.heating_setpoint_c, day)
        cooling = getattr(p.cooling_setpoint_c, day)
        assert all(h <= c for h, c in zip(heating, cooling, strict=True))


def test_schedule_values_from_the_source_rows(rs):
    office, hotel, mall = (rs.parameters[t] for t in BUILDING_TYPES)
    # office occupancy rows 00->0, 05->0.1, 06->0.5, 07->0.95, 10->0.8, 12->0.95, 16->0.3, 18->0
    expected = [0.0] * 5 + [0.1, 0.5] + [0.95] * 3 + [0.8] * 2 + [0.95] * 4 + [0.3] * 2
    assert office.occupancy.weekday == tuple(expected + [0.0] * 6)
    assert office.occupancy.weekend == (0.0,) * 24
    assert office.equipment.weekday[10:12] == (0.5, 0.5)  # as occupancy but 10->0.5
    # App. B Table B.0.4-1 (KG, T): office workdays 07:00-18:00, hotel all day, mall 08:00-21:00
    assert office.hvac_operation.weekday == tuple(1.0 if 7 <= h < 18 else 0.0 for h in range(24))
    assert office.hvac_operation.weekend == (0.0,) * 24
    assert hotel.hvac_operation.weekday == hotel.hvac_operation.weekend == (1.0,) * 24
    assert mall.hvac_operation.weekend == tuple(1.0 if 8 <= h < 21 else 0.0 for h in range(24))
    # hotel and mall: every day the same
    for name in SCHEDULES:
        for p in (hotel, mall):
            assert getattr(p, name).weekday == getattr(p, name).weekend, name
    # mall heating 18 occupied, 16 at 06-07, 12 shoulder, 5 off; cooling 06->28, 07->26, 19->off
    assert mall.heating_setpoint_c.weekday[5:8] == (12.0, 16.0, 18.0)
    assert mall.heating_setpoint_c.weekday[19:21] == (12.0, 5.0)
    assert mall.cooling_setpoint_c.weekday[6:8] == (28.0, 26.0)
    assert hotel.cooling_setpoint_c.weekday == (26.0,) * 24


def test_hvac_calculation(rs):
    calc = rs.hvac_calculation  # App. B.0.6 (KG, T, standards.md P2.1)
    values = (
        calc.cooling_scop.value,
        calc.heating_efficiency.value,
        calc.gas_kwh_per_m3.value,
        calc.gas_kgce_per_m3.value,
        calc.electricity_kgce_per_kwh.value,
    )
    assert_allclose(values, (2.50, 0.75, 9.87, 1.21, 0.360), rtol=1e-12)


# ---------------------------------------------------------------------------- lighting limits


@pytest.mark.parametrize(
    ("zone", "space_type", "lpd"),
    [
        # GB 50034-2013 current values, recollection (standards.md §9.3)
        ("Perimeter_bot_ZN_1", "ordinary office", 9.0),
        ("Core_mid", "ordinary office", 9.0),
        ("Room_1_Flr_3", "hotel guest room", 7.0),
        ("Corridor_Flr_3", "corridor", 4.0),
        ("Lobby_Flr_1", "lobby", 9.0),
        ("Banquet_Flr_6", "multi-function hall", 13.5),
        ("Dining_Flr_6", "Chinese restaurant", 9.0),
        ("Cafe_Flr_1", "Chinese restaurant", 9.0),
        ("Core_Retail", "shop sales floor", 10.0),  # retail before office although "core"
        ("Front_Retail", "shop sales floor", 10.0),
        ("Point_Of_Sale", "shop sales floor", 10.0),
        ("Front_Entry", "lobby", 9.0),
        ("Conference_Room", "conference room", 9.0),
        ("Supermarket_1", "supermarket", 11.0),
        ("Kitchen_Flr_6", None, None),
        ("Storage_Flr_1", None, None),
        ("Restroom", None, None),
    ],
)
def test_lighting_limit_matching(rs, zone, space_type, lpd):
    limit = rs.lighting_limit(zone)
    if space_type is None:
        assert limit is None
    else:
        assert limit.space_type == space_type
        assert_allclose(limit.lpd_w_per_m2.value, lpd, rtol=1e-12)
        assert not limit.lpd_w_per_m2.verified


# ----------------------------------------------------------------------------- targets, carbon


def test_targets_and_carbon(rs):
    targets = {t.key: t for t in rs.targets}
    assert list(targets) == ["gb55015-20", "huangpu-50", "nzeb-60"]
    # GB 55015-2021 -20 % (TPF-55015 [O]); Huangpu 50 % (recollection); nZEB 60 % (TOPEN [S])
    expected = {"gb55015-20": (0.20, True), "huangpu-50": (0.50, False), "nzeb-60": (0.60, True)}
    for key, (rate, verified) in expected.items():
        assert_allclose(targets[key].rate.value, rate, rtol=1e-12)
        assert targets[key].rate.verified is verified
    assert targets["gb55015-20"].basis == "whole_building"
    assert targets["nzeb-60"].basis == targets["huangpu-50"].basis == "comprehensive"
    share = targets["nzeb-60"].renewable_share_min
    assert_allclose(share.value, 0.10, rtol=1e-12)  # §9.4 recollection
    assert not share.verified
    # GB 55015-2021 carbon (HLJNY [S]): >= 7 kgCO2/(m2.a) and 40 % on average
    assert_allclose(rs.carbon.reduction_min_kgco2_per_m2.value, 7.0, rtol=1e-12)
    assert_allclose(rs.carbon.reduction_min_fraction.value, 0.40, rtol=1e-12)


# ---------------------------------------------------------------------------------- provenance


def test_every_value_cites_a_known_source(rs):
    items = list(rules._walk(rs, ""))
    assert len(items) > 100
    for path, item in items:
        assert item.source in SOURCE_KEYS, path
        if item.source == "ASSUMPTION":
            assert not item.verified, path
        if isinstance(item, Sourced):
            assert item.standard, path


def test_verified_flags_follow_the_sources(rs):
    office, hotel, mall = (rs.parameters[t] for t in BUILDING_TYPES)
    assert rs.envelope.wall.light.verified
    assert not office.occupancy.verified  # looks shifted 1-2 h early (standards.md §1.4)
    assert office.hvac_operation.verified  # App. B Table B.0.4-1 (KG, T)
    assert hotel.occupancy.verified and mall.heating_setpoint_c.verified
    assert not hotel.heating_setpoint_c.verified  # the office's, at night too (§9.10)
    assert office.occupancy_person_per_m2.verified


def test_unverified_lists_recollections_and_assumptions(rs):
    lines = rs.unverified()
    assert "lighting_limits[ordinary office].lpd_w_per_m2: 9 W/m2 (ASSUMPTION)" in lines
    assert "parameters.office.occupancy: hourly schedule [-] (GUDAO-PT)" in lines
    assert any(line.startswith("equipment.compressor_by_capacity: ") for line in lines)
    assert any(line.startswith("targets[huangpu-50].rate: 0.5 ") for line in lines)
    assert not any(line.startswith("envelope.wall") for line in lines)
    assert not any(line.startswith("parameters.hotel.occupancy") for line in lines)
    assert all(re.fullmatch(r"\S.*: .+ \([A-Z0-9-]+\)", line) for line in lines)


# ------------------------------------------------------------------------------- file checks


def test_user_file_problems_are_reported_together(tmp_path):
    doc = bundled_doc()
    light = doc["envelope"]["roof"]["light"]
    light["verifed"] = light.pop("verified")  # typo'd key
    doc["envelope"]["wall"]["light"]["value"] = -1.0  # K must be > 0
    occupancy = doc["parameters"]["office"]["occupancy"]
    occupancy["weekday"] = occupancy["weekday"][:23]  # one hour short
    path = write_toml(tmp_path / "mine.toml", doc)
    with pytest.raises(InputError) as raised:
        load_rule_set(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ")
    assert "envelope.roof.light: unknown key(s) verifed" in message
    assert "envelope.roof.light: missing key(s) verified" in message
    assert "envelope.wall.light.value: must be > 0 (got -1.0)" in message
    assert "parameters.office.occupancy.weekday: must have 24 hourly values (got 23)" in message


def test_semantic_checks(tmp_path):
    doc = bundled_doc()
    doc["equipment"]["chillers"][2]["capacity_min_kw"] = 600.0  # gap after the 528 kW band
    doc["envelope"]["window_bands"][0]["k"]["unit"] = "W/m2K"
    doc["orientation_bins"]["bins_deg"]["east"] = [70.0, 150.0]  # 60-70 deg in no bin
    doc["parameters"]["mall"]["heating_setpoint_c"]["weekday"][12] = 30.0  # above 26 cooling
    doc["targets"][0]["basis"] = "site"
    doc["equipment"]["compressor_by_capacity"]["rows"][0]["compressor"] = "piston"
    path = write_toml(tmp_path / "semantic.toml", doc)
    with pytest.raises(InputError) as raised:
        load_rule_set(path)
    message = str(raised.value)
    assert "equipment.chillers (water, screw): bands must be contiguous" in message
    assert "envelope.window_bands[0].k.unit: must be 'W/(m2.K)'" in message
    assert "orientation_bins.bins_deg: bins must cover 0-360 deg once" in message
    assert "parameters.mall.heating_setpoint_c: weekday: above the cooling set-point" in message
    assert "targets[0].basis: must be one of whole_building, comprehensive" in message
    assert "equipment.compressor_by_capacity.rows[0].compressor: must be one of" in message


def test_missing_sections_are_named(tmp_path):
    doc = bundled_doc()
    del doc["carbon"]
    del doc["parameters"]["hotel"]
    path = write_toml(tmp_path / "short.toml", doc)
    with pytest.raises(InputError, match=r"missing key\(s\) carbon.*parameters: missing key"):
        load_rule_set(path)
