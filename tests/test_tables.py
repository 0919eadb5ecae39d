"""Factor and tariff tables: package values pinned to standards.md, overrides, and errors."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from retrofit import tables
from retrofit.errors import InputError

# Values typed from shared/docs/standards.md (source key in the comment), not read from the TOML.
ELECTRICITY_KGCO2_PER_KWH = {
    "shanghai-2022": 0.42,  # XNY-SH [O], 沪环气〔2022〕34号
    "national-2022": 0.5366,  # DDN-2022 [S]
    "national-2023": 0.5306,  # RPT-2023 [S]
    "east-china-2022": 0.5617,  # DDN-2022 [S]
    "east-china-2023": 0.5500,  # RPT-2023 [S]
    "carbon-market-2022": 0.5703,  # TPF-5703 [O]
}
# District heating: Shanghai 0.06 tCO2/GJ (XNY-SH); other sets coal-fired 0.11 tCO2/GJ (SH-DB31).
# 1 kWh = 0.0036 GJ, so 0.06 tCO2/GJ = 0.216 kgCO2/kWh and 0.11 tCO2/GJ = 0.396 kgCO2/kWh.
HEAT_KGCO2_PER_KWH = {name: 0.396 for name in ELECTRICITY_KGCO2_PER_KWH} | {"shanghai-2022": 0.216}


@pytest.mark.parametrize("name", sorted(ELECTRICITY_KGCO2_PER_KWH))
def test_emission_sets_match_standards(name):
    f = tables.emission_factors(name)
    assert f.name == name
    assert_allclose(f.electricity_kgco2_per_kwh, ELECTRICITY_KGCO2_PER_KWH[name], rtol=1e-12)
    assert_allclose(f.natural_gas_kgco2_per_m3, 2.162, rtol=1e-12)  # CODE-CF [C]
    assert_allclose(f.district_heating_kgco2_per_kwh, HEAT_KGCO2_PER_KWH[name], rtol=1e-12)
    # District cooling: ASSUMED electric chiller plant at SCOP_T 2.50 -> grid factor / 2.5.
    assert_allclose(
        f.district_cooling_kgco2_per_kwh, ELECTRICITY_KGCO2_PER_KWH[name] / 2.5, rtol=1e-12
    )
    assert f.verified == {
        "electricity": True,
        "natural_gas": True,
        "district_heating": True,
        "district_cooling": False,
    }


def test_emission_set_names_and_default():
    assert tables.emission_set_names() == sorted(ELECTRICITY_KGCO2_PER_KWH)
    assert tables.emission_factors().name == "shanghai-2022"
    assert tables.emission_factors().sources["electricity"] == "XNY-SH [O]"


def test_coal_sets_match_standards():
    eq = tables.coal_factors()
    assert eq.name == "equivalent"
    assert_allclose(eq.electricity_kgce_per_kwh, 0.1229, rtol=1e-12)  # GB/T 2589, NIMONIK
    assert_allclose(eq.natural_gas_kgce_per_m3, 1.2143, rtol=1e-12)  # HUATUO
    assert_allclose(eq.district_heating_kgce_per_kwh, 0.0341 * 3.6, rtol=1e-12)  # 0.0341 tce/GJ
    assert_allclose(eq.district_cooling_kgce_per_kwh, 0.1229 / 2.5, rtol=1e-12)
    sh = tables.coal_factors("equal-value-shanghai")
    assert_allclose(sh.electricity_kgce_per_kwh, 0.28078, rtol=1e-12)  # DB31/T 783-2026
    assert_allclose(sh.natural_gas_kgce_per_m3, 1.29971, rtol=1e-12)  # SH-DB31
    assert_allclose(sh.district_heating_kgce_per_kwh, 34.12 * 0.0036, rtol=1e-12)  # 34.12 kgce/GJ
    sh17 = tables.coal_factors("equal-value-shanghai-2017")
    assert_allclose(sh17.electricity_kgce_per_kwh, 0.28232, rtol=1e-12)  # DB31/T 552-2017
    assert tables.coal_set_names() == [
        "equal-value-shanghai",
        "equal-value-shanghai-2017",
        "equivalent",
    ]


def test_natural_gas_heating_value():
    assert_allclose(tables.natural_gas_heating_value_kwh_per_m3(), 9.87, rtol=1e-12)  # KG, T


def test_package_tariff_levels_are_flagged_assumptions():
    two = tables.tariff()
    assert two.name == "shanghai-two-part"
    assert_allclose(two.base_price_rmb_per_kwh, 0.70)
    assert_allclose(two.natural_gas_price_rmb_per_m3, 4.21)
    assert two.district_heating_price_rmb_per_kwh == 0.0
    assert two.district_cooling_price_rmb_per_kwh == 0.0
    assert two.verified == {
        "structure": True,
        "electricity_price": False,
        "critical_peak_over_peak": True,
        "natural_gas_price": False,
        "district_heating_price": False,
        "district_cooling_price": False,
    }
    assert_allclose(tables.tariff("shanghai-single-part").base_price_rmb_per_kwh, 0.80)
    assert_allclose(tables.tariff("flat").base_price_rmb_per_kwh, 0.80)
    assert tables.tariff_names() == ["flat", "shanghai-single-part", "shanghai-two-part"]


# Price / base price, by month, per 沪发改价管〔2022〕50号 (standards.md P2.3).
HIGH = {"valley": 0.40, "flat": 1.0, "peak": 1.80}  # Jul-Sep, Jan, Dec: +80 % / -60 %
OTHER = {"valley": 0.50, "flat": 1.0, "peak": 1.60}  # other months: +60 % / -50 %


@pytest.mark.parametrize("month", range(1, 13))
def test_two_part_prices_by_month(month):
    t = tables.tariff("shanghai-two-part")
    expected = dict(HIGH if month in (1, 7, 8, 9, 12) else OTHER)
    if month in (1, 7, 8, 12):
        expected["critical"] = expected["peak"] * 1.25  # = 2.25
    got = t.prices_by_month()[month]
    assert sorted(got) == sorted(expected)
    for period, multiplier in expected.items():
        assert_allclose(got[period], 0.70 * multiplier, rtol=1e-12)


@pytest.mark.parametrize(
    ("month", "counts"),
    [
        (7, {"critical": 2, "peak": 8, "flat": 6, "valley": 8}),
        (8, {"critical": 2, "peak": 8, "flat": 6, "valley": 8}),
        (9, {"peak": 10, "flat": 6, "valley": 8}),
        (1, {"critical": 2, "peak": 4, "flat": 10, "valley": 8}),
        (12, {"critical": 2, "peak": 4, "flat": 10, "valley": 8}),
        (4, {"peak": 6, "flat": 10, "valley": 8}),
    ],
)
def test_two_part_hours_per_period(month, counts):
    row = tables.tariff().period_by_month_hour[month - 1]
    assert {p: row.count(p) for p in set(row)} == counts


def test_single_part_prices():
    t = tables.tariff("shanghai-single-part")
    assert t.period_by_month_hour[6][5:7] == ("valley", "peak")  # 05-06 valley, 06-07 peak
    assert t.period_by_month_hour[6][21:23] == ("peak", "valley")  # 21-22 peak, 22-23 valley
    assert_allclose(t.prices_by_month()[7]["peak"], 0.80 * 1.20, rtol=1e-12)
    assert_allclose(t.prices_by_month()[1]["peak"], 0.80 * 1.20, rtol=1e-12)
    assert_allclose(t.prices_by_month()[4]["peak"], 0.80 * 1.17, rtol=1e-12)
    assert_allclose(t.prices_by_month()[4]["valley"], 0.80 * 0.55, rtol=1e-12)


@pytest.mark.parametrize(
    ("function", "what"),
    [
        (tables.emission_factors, "emission set"),
        (tables.coal_factors, "coal set"),
        (tables.tariff, "tariff"),
    ],
)
def test_unknown_name_lists_valid_names(function, what):
    with pytest.raises(InputError) as err:
        function("no-such-name")
    message = str(err.value)
    assert f"unknown {what} 'no-such-name'" in message
    assert "valid names:" in message
    assert "\n" not in message


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(InputError, match="national-2022, national-2023, shanghai-2022"):
        tables.emission_factors("shanghai-2023")


def test_load_returns_a_fresh_copy():
    doc = tables.load_factors()
    doc["emissions"]["factors"]["electricity_shanghai_2022"]["value"] = 99.0
    assert tables.emission_factors().electricity_kgco2_per_kwh == 0.42
    assert tables.load_factors()["emissions"]["factors"]["electricity_shanghai_2022"]["value"] == (
        0.42
    )


# ----------------------------------------------------------------------------------- overrides

MY_GRID = """
[emissions.factors.my_grid]
value = 5.0
unit = "tCO2/10^4 kWh"
source = "my utility 2024"
tag = "user"
verified = true

[emissions.factors.my_heat]
value = 50.0
unit = "kgCO2/GJ"
source = "my supplier"
tag = "user"
verified = false

[emissions.sets.mine]
electricity = "my_grid"
natural_gas = "natural_gas_combustion"
district_heating = "my_heat"
"""


def test_override_adds_a_set_and_converts_units(tmp_path):
    path = tmp_path / "factors.toml"
    path.write_text(MY_GRID, encoding="utf-8")
    table = tables.load_factors(path)
    mine = tables.emission_factors("mine", table=table)
    assert_allclose(mine.electricity_kgco2_per_kwh, 0.5, rtol=1e-12)  # 5 t / 10^4 kWh
    assert_allclose(mine.district_heating_kgco2_per_kwh, 50.0 * 0.0036, rtol=1e-12)
    assert_allclose(mine.district_cooling_kgco2_per_kwh, 0.5 / 2.5, rtol=1e-12)
    assert mine.verified["district_heating"] is False
    # the package sets are still there, unchanged
    assert tables.emission_factors("shanghai-2022", table=table).electricity_kgco2_per_kwh == 0.42


def test_override_of_a_tariff_price(tmp_path):
    path = tmp_path / "tariffs.toml"
    path.write_text(
        """
[tariffs.shanghai-two-part.base_price]
value = 0.60
unit = "RMB/kWh"
source = "bill 2024-05"
tag = "user"
verified = true
""",
        encoding="utf-8",
    )
    t = tables.tariff(table=tables.load_tariffs(path))
    assert_allclose(t.prices_by_month()[7]["critical"], 0.60 * 1.8 * 1.25, rtol=1e-12)
    assert_allclose(t.prices_by_month()[4]["valley"], 0.60 * 0.5, rtol=1e-12)
    assert t.verified["electricity_price"] is True
    assert t.provenance["electricity_price"].source == "bill 2024-05"


def _error(tmp_path, text, loader=tables.load_factors):
    path = tmp_path / "override.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        loader(path)
    message = str(err.value)
    assert str(path) in message
    assert "\n" not in message
    return message


def test_entry_missing_a_field_names_file_and_key(tmp_path):
    message = _error(tmp_path, MY_GRID.replace('source = "my utility 2024"\n', ""))
    assert "emissions.factors.my_grid.source" in message


def test_unknown_unit_names_the_key(tmp_path):
    message = _error(tmp_path, MY_GRID.replace('"tCO2/10^4 kWh"', '"lbCO2/kWh"'))
    assert "emissions.factors.my_grid.unit" in message
    assert "lbCO2/kWh" in message


def test_reference_to_unknown_factor(tmp_path):
    message = _error(tmp_path, MY_GRID.replace('electricity = "my_grid"', 'electricity = "grid"'))
    assert "emissions.sets.mine.electricity: unknown factor 'grid'" in message


def test_factor_with_the_wrong_dimension(tmp_path):
    text = MY_GRID.replace('electricity = "my_grid"', 'electricity = "natural_gas_combustion"')
    message = _error(tmp_path, text)
    assert "emissions.sets.mine.electricity" in message
    assert "per m3" in message


def test_partial_entry_is_not_merged_into_the_package_entry(tmp_path):
    # Replacing only `value` would keep the package's source and tag: refused.
    message = _error(
        tmp_path,
        "[tariffs.shanghai-two-part.base_price]\nvalue = 0.6\n",
        loader=tables.load_tariffs,
    )
    assert "tariffs.shanghai-two-part.base_price.unit" in message
    assert "tariffs.shanghai-two-part.base_price.source" in message


def test_not_toml(tmp_path):
    message = _error(tmp_path, "[emissions.sets.mine\nelectricity = 1\n")
    assert "not valid TOML" in message


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        tables.load_factors(tmp_path / "nope.toml")


def test_wrong_schema_version_and_typo_in_a_top_level_key(tmp_path):
    message = _error(tmp_path, "schema_version = 2\n[emission.sets.x]\n")
    assert "schema_version: must be 1" in message
    assert "unknown key(s) emission" in message


NEW_TARIFF = """
[tariffs.night.structure]
source = "me"
tag = "user"
verified = true

[tariffs.night.base_price]
value = 1.0
unit = "RMB/kWh"
source = "me"
tag = "user"
verified = true

[[tariffs.night.hours]]
months = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
valley = [[23, 7]]
flat = [[7, 23]]

[[tariffs.night.ratios]]
months = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
valley = -0.5
flat = 0.0
"""


def test_a_users_tariff_with_a_wrapping_range(tmp_path):
    path = tmp_path / "tariffs.toml"
    path.write_text(NEW_TARIFF, encoding="utf-8")
    t = tables.tariff("night", table=tables.load_tariffs(path))
    row = t.period_by_month_hour[0]
    assert row[:7] == ("valley",) * 7
    assert row[7:23] == ("flat",) * 16
    assert row[23] == "valley"
    assert_allclose(t.price_by_month_hour_rmb_per_kwh[5][3], 0.5)


def test_tariff_hours_must_cover_the_day(tmp_path):
    message = _error(
        tmp_path, NEW_TARIFF.replace("flat = [[7, 23]]", "flat = [[8, 23]]"), tables.load_tariffs
    )
    assert "tariffs.night.hours" in message
    assert "first month 1 hour_start 7" in message


def test_tariff_unknown_period_and_bad_range(tmp_path):
    text = NEW_TARIFF.replace("flat = [[7, 23]]", "shoulder = [[7, 23]]\nflat = [[7, 25]]")
    message = _error(tmp_path, text, tables.load_tariffs)
    assert "tariffs.night.hours[0]: unknown key(s) shoulder" in message
    assert "tariffs.night.hours[0].flat" in message


def test_tariff_period_without_a_ratio(tmp_path):
    text = NEW_TARIFF.replace("flat = [[7, 23]]", "flat = [[7, 18]]\npeak = [[18, 23]]")
    message = _error(tmp_path, text, tables.load_tariffs)
    assert "tariffs.night.ratios: no peak ratio for month 1" in message


def test_critical_needs_its_multiplier(tmp_path):
    text = NEW_TARIFF.replace(
        "flat = [[7, 23]]", "flat = [[7, 18]]\ncritical = [[18, 23]]"
    ).replace("flat = 0.0", "flat = 0.0\npeak = 0.6")
    message = _error(tmp_path, text, tables.load_tariffs)
    assert "tariffs.night.critical_peak_over_peak: missing" in message


def test_hand_built_table_is_checked():
    doc = tables.load_factors()
    del doc["coal"]["sets"]["equivalent"]["natural_gas"]
    with pytest.raises(InputError, match=r"coal\.sets\.equivalent\.natural_gas: missing"):
        tables.coal_factors(table=doc)


def test_package_set_broken_by_an_override_names_both_files(tmp_path):
    text = MY_GRID.split("[emissions.factors.my_heat]")[0].replace(
        "my_grid", "natural_gas_combustion"
    )
    message = _error(tmp_path, text)  # a per-kWh factor where the sets need one per m3
    assert "factors.toml (merged with " in message
    assert "emissions.sets.shanghai-2022.natural_gas" in message
    assert "needs a factor per m3" in message


EXPORT_PRICE = """
[electricity_export_price]
value = {value}
unit = "RMB/kWh"
source = "grid-connection agreement 2025"
tag = "user"
verified = true
"""


def test_export_price_is_a_flagged_assumption_a_user_overrides(tmp_path):
    price = tables.export_price()
    assert price.price_rmb_per_kwh == 0.0
    assert price.provenance.verified is False
    assert "Doc 136" in price.provenance.note  # standards.md P3.3
    path = tmp_path / "tariffs.toml"
    path.write_text(EXPORT_PRICE.format(value=0.3), encoding="utf-8")
    table = tables.load_tariffs(path)
    mine = tables.export_price(table=table)
    assert mine.price_rmb_per_kwh == 0.3 and mine.provenance.verified
    assert tables.tariff(table=table).base_price_rmb_per_kwh == 0.70  # tariffs untouched
    message = _error(tmp_path, EXPORT_PRICE.format(value=-0.1), tables.load_tariffs)
    assert "electricity_export_price.value: must be >= 0" in message
