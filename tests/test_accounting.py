"""Accounting: tce, CO2 and time-of-use cost against hand-computed values."""

from __future__ import annotations

import json

import numpy as np
import pytest
from numpy.testing import assert_allclose

from retrofit import accounting, tables
from retrofit.tables import CoalFactors, EmissionFactors, Provenance, Tariff

COAL = tables.coal_factors()  # equivalent: 0.1229 kgce/kWh, 1.2143 kgce/m3, 0.0341 tce/GJ
CO2 = tables.emission_factors()  # shanghai-2022: 0.42 kgCO2/kWh, 2.162 kgCO2/m3, 0.06 tCO2/GJ
TWO_PART = tables.tariff("shanghai-two-part")
SINGLE_PART = tables.tariff("shanghai-single-part")
FLAT = tables.tariff("flat")

# A hand-built day: 1 kWh in the hour starting 00:00, 2 kWh in 01:00, ..., 24 kWh in 23:00.
HOURS = np.arange(24)
DAY_KWH = HOURS + 1.0  # sums to 300 kWh


def day(month):
    return np.full(24, month), HOURS, DAY_KWH


# ------------------------------------------------------------------------------ coal and CO2


def test_natural_gas_m3():
    assert_allclose(accounting.natural_gas_m3(987.0, 9.87), 100.0, rtol=1e-12)
    assert_allclose(accounting.natural_gas_m3([0.0, 98.7], 9.87), [0.0, 10.0], rtol=1e-12)
    with pytest.raises(ValueError, match="heating_value_kwh_per_m3"):
        accounting.natural_gas_m3(1.0, 0.0)


def test_energy_tce_hand_computed():
    # (1000 * 0.1229 + 100 * 1.2143) / 1000 = 0.24433 t
    assert_allclose(accounting.energy_tce(1000.0, 100.0, coal=COAL), 0.24433, rtol=1e-12)
    # heat: 1000 kWh = 3.6 GJ * 0.0341 tce/GJ = 0.12276 tce
    assert_allclose(accounting.energy_tce(0.0, 0.0, 1000.0, coal=COAL), 0.12276, rtol=1e-12)
    # cooling: 1000 kWh * 0.1229 / 2.5 (ASSUMED plant COP) / 1000 = 0.04916 tce
    assert_allclose(accounting.energy_tce(0, 0, 0, 1000.0, coal=COAL), 0.04916, rtol=1e-12)
    equal = tables.coal_factors("equal-value-shanghai")
    # (1000 * 0.28078 + 100 * 1.29971) / 1000 = 0.410751 t
    assert_allclose(accounting.energy_tce(1000.0, 100.0, coal=equal), 0.410751, rtol=1e-12)


def test_emissions_hand_computed():
    # (1000 * 0.42 + 100 * 2.162) / 1000 = 0.6362 t
    assert_allclose(accounting.emissions_tco2(1000.0, 100.0, factors=CO2), 0.6362, rtol=1e-12)
    # heat: 1000 kWh = 3.6 GJ * 0.06 tCO2/GJ = 0.216 t
    assert_allclose(accounting.emissions_tco2(0, 0, 1000.0, factors=CO2), 0.216, rtol=1e-12)
    # cooling: 1000 kWh * 0.42 / 2.5 / 1000 = 0.168 t
    assert_allclose(accounting.emissions_tco2(0, 0, 0, 1000.0, factors=CO2), 0.168, rtol=1e-12)


def test_vectorised_over_variants():
    got = accounting.emissions_tco2([1000.0, 0.0, 2000.0], [0.0, 100.0, 50.0], factors=CO2)
    assert isinstance(got, np.ndarray)
    assert_allclose(got, [0.42, 0.2162, 0.84 + 0.1081], rtol=1e-12)
    assert isinstance(accounting.emissions_tco2(1.0, 1.0, factors=CO2), float)


@pytest.mark.parametrize(
    ("name", "grid_kgco2_per_kwh"),
    [
        ("shanghai-2022", 0.42),
        ("national-2022", 0.5366),
        ("national-2023", 0.5306),
        ("east-china-2022", 0.5617),
        ("east-china-2023", 0.5500),
        ("carbon-market-2022", 0.5703),
    ],
)
def test_emissions_are_electricity_times_factor_plus_gas_times_factor(name, grid_kgco2_per_kwh):
    rng = np.random.default_rng(7)
    electricity_kwh = rng.uniform(0, 5e6, 50)
    gas_m3 = rng.uniform(0, 2e5, 50)
    got = accounting.emissions_tco2(electricity_kwh, gas_m3, factors=tables.emission_factors(name))
    expected = (electricity_kwh * grid_kgco2_per_kwh + gas_m3 * 2.162) / 1000
    assert_allclose(got, expected, rtol=1e-12)
    # and the parts add up: electricity alone + gas alone = both
    parts = accounting.emissions_tco2(
        electricity_kwh, 0, factors=tables.emission_factors(name)
    ) + accounting.emissions_tco2(0, gas_m3, factors=tables.emission_factors(name))
    assert_allclose(got, parts, rtol=1e-12)


# ------------------------------------------------------------------------------ time of use


@pytest.mark.parametrize(
    ("month", "hour_start", "period"),
    [
        (7, 5, "valley"),
        (7, 6, "flat"),  # 06-08 flat
        (7, 8, "peak"),
        (7, 11, "peak"),  # summer peak runs 08-15
        (7, 12, "critical"),  # Jul & Aug 12-14
        (7, 13, "critical"),
        (7, 14, "peak"),
        (7, 15, "flat"),
        (7, 21, "flat"),
        (7, 22, "valley"),
        (8, 12, "critical"),
        (9, 12, "peak"),  # September: summer hours, no critical peak
        (4, 11, "flat"),  # other months: 11-18 flat
        (4, 12, "flat"),
        (4, 19, "peak"),
        (1, 19, "critical"),  # Jan & Dec 19-21
        (12, 20, "critical"),
        (1, 18, "peak"),
        (1, 21, "flat"),
        (2, 19, "peak"),
    ],
)
def test_tou_period_two_part(month, hour_start, period):
    assert accounting.tou_period(month, hour_start, TWO_PART) == period


def test_tou_period_is_vectorised_and_single_part_has_no_critical():
    labels = accounting.tou_period([7, 7, 7, 7], [5, 6, 12, 22], SINGLE_PART)
    assert labels.tolist() == ["valley", "peak", "peak", "valley"]


def test_energyplus_hour_24_is_refused():
    with pytest.raises(ValueError, match="hour_start must be 0-23"):
        accounting.tou_period(7, 24, TWO_PART)
    with pytest.raises(ValueError, match="month must be 1-12"):
        accounting.tou_period(0, 3, TWO_PART)


# Hand sums for DAY_KWH (kWh in hour h = h + 1):
#   valley 22-06: 23 + 24 + 1 + 2 + 3 + 4 + 5 + 6 = 68 in every month
#   July:  flat 06-08, 15-18, 21-22: 7 + 8 + 16 + 17 + 18 + 22 = 88
#          peak 08-12, 14-15, 18-21: 9 + 10 + 11 + 12 + 15 + 19 + 20 + 21 = 117
#          critical 12-14: 13 + 14 = 27
#   January: flat 06-08, 11-18, 21-22: 7 + 8 + 12 + ... + 18 + 22 = 142
#          peak 08-11, 18-19: 9 + 10 + 11 + 19 = 49 ; critical 19-21: 20 + 21 = 41
#   April: flat 142 ; peak 08-11, 18-21: 9 + 10 + 11 + 19 + 20 + 21 = 90
#   September: flat 88 ; peak 117 + 27 = 144
# Price multipliers of the base (flat) price: Jan, Jul-Sep, Dec valley 0.4, peak 1.8,
# critical 1.8 * 1.25 = 2.25; other months valley 0.5, peak 1.6.
TWO_PART_DAYS = {
    7: {"critical": (27, 2.25), "peak": (117, 1.8), "flat": (88, 1.0), "valley": (68, 0.4)},
    1: {"critical": (41, 2.25), "peak": (49, 1.8), "flat": (142, 1.0), "valley": (68, 0.4)},
    4: {"peak": (90, 1.6), "flat": (142, 1.0), "valley": (68, 0.5)},
    9: {"peak": (144, 1.8), "flat": (88, 1.0), "valley": (68, 0.4)},
}


@pytest.mark.parametrize("month", sorted(TWO_PART_DAYS))
def test_two_part_day_against_hand_sums(month):
    base = TWO_PART.base_price_rmb_per_kwh
    cost, by_period = accounting.electricity_cost_rmb(*day(month), TWO_PART)
    expected = TWO_PART_DAYS[month]
    for period, (kwh, multiplier) in expected.items():
        assert_allclose(by_period[period]["electricity_kwh"], kwh, rtol=1e-12)
        assert_allclose(by_period[period]["electricity_cost_rmb"], kwh * multiplier * base)
    for period in set(by_period) - set(expected):
        assert by_period[period] == {"electricity_kwh": 0.0, "electricity_cost_rmb": 0.0}
    assert_allclose(cost, base * sum(k * m for k, m in expected.values()), rtol=1e-12)


def test_two_part_july_day_in_rmb():
    # base 0.70 RMB/kWh (ASSUMPTION): 0.70 * (68 * 0.4 + 88 + 117 * 1.8 + 27 * 2.25) = 270.585
    cost, _ = accounting.electricity_cost_rmb(*day(7), TWO_PART)
    assert_allclose(cost, 270.585, rtol=1e-12)


def test_single_part_and_flat_days():
    # single-part: peak 06-22 holds 7 + ... + 22 = 232 kWh, valley 68 kWh
    base = SINGLE_PART.base_price_rmb_per_kwh
    cost, by_period = accounting.electricity_cost_rmb(*day(7), SINGLE_PART)
    assert list(by_period) == ["peak", "valley"]
    assert_allclose(by_period["peak"]["electricity_kwh"], 232)
    assert_allclose(cost, base * (232 * 1.20 + 68 * 0.55), rtol=1e-12)
    cost, _ = accounting.electricity_cost_rmb(*day(4), SINGLE_PART)
    assert_allclose(cost, base * (232 * 1.17 + 68 * 0.55), rtol=1e-12)
    cost, by_period = accounting.electricity_cost_rmb(*day(4), FLAT)
    assert_allclose(cost, 300 * FLAT.base_price_rmb_per_kwh, rtol=1e-12)
    assert list(by_period) == ["flat"]


def test_several_days_add_up():
    months = np.concatenate([day(7)[0], day(1)[0], day(4)[0]])
    hours = np.tile(HOURS, 3)
    kwh = np.tile(DAY_KWH, 3)
    cost, by_period = accounting.electricity_cost_rmb(months, hours, kwh, TWO_PART)
    one = [accounting.electricity_cost_rmb(*day(m), TWO_PART)[0] for m in (7, 1, 4)]
    assert_allclose(cost, sum(one), rtol=1e-12)
    assert_allclose(sum(p["electricity_kwh"] for p in by_period.values()), 900.0)
    assert_allclose(by_period["critical"]["electricity_kwh"], 27 + 41)


def test_cost_shape_mismatch():
    with pytest.raises(ValueError, match="shape"):
        accounting.electricity_cost_rmb([7, 7], [1, 2], [1.0], TWO_PART)


def test_gas_cost():
    assert_allclose(accounting.gas_cost_rmb(100.0, TWO_PART), 100 * 4.21, rtol=1e-12)


# ------------------------------------------------------------------------------ account

NO_HOURS = ([], [], [])


def run_account(annual_kwh, hourly=NO_HOURS, coal=COAL, emissions=CO2, tariff=TWO_PART, hv=9.87):
    """``account`` with annual (electricity, gas, district heating, district cooling) kWh."""
    return accounting.account(
        *annual_kwh,
        *hourly,
        coal=coal,
        emissions=emissions,
        tariff=tariff,
        heating_value_kwh_per_m3=hv,
    )


def test_account_july_day():
    month, hour, kwh = day(7)
    result = run_account((300.0, 987.0, 0.0, 0.0), (month, hour, kwh))
    assert_allclose(result["natural_gas_m3"], 100.0, rtol=1e-12)
    assert_allclose(result["energy_tce"], (300 * 0.1229 + 100 * 1.2143) / 1000, rtol=1e-12)
    assert_allclose(result["emissions_tco2"], (300 * 0.42 + 100 * 2.162) / 1000, rtol=1e-12)
    assert_allclose(result["electricity_cost_rmb"], 270.585, rtol=1e-12)
    assert_allclose(result["natural_gas_cost_rmb"], 421.0, rtol=1e-12)
    assert_allclose(result["energy_cost_rmb"], 270.585 + 421.0, rtol=1e-12)
    assert result["electricity_cost_by_period"]["critical"]["electricity_kwh"] == 27.0
    assert result["emission_factors"]["electricity_kgco2_per_kwh"] == 0.42
    assert result["emission_factors"]["provenance"]["electricity"]["source"] == "XNY-SH"
    assert result["emission_factors"]["provenance"]["electricity"]["verified"] is True
    json.dumps(result)  # plain data only
    text = " | ".join(result["assumptions"])
    assert "electricity base price 0.7 RMB/kWh" in text
    assert "natural gas price 4.21 RMB/m3" in text
    assert "no hourly electricity series" not in text
    assert "district" not in text  # no district energy used, so its assumptions did not enter
    assert all("\n" not in line for line in result["assumptions"])


def test_account_without_hourly_series_uses_the_flat_price():
    result = run_account((1000.0, 0.0, 0.0, 0.0))
    assert_allclose(result["electricity_cost_rmb"], 1000 * 0.70, rtol=1e-12)
    assert result["natural_gas_cost_rmb"] == 0.0
    assert any("no hourly electricity series" in a for a in result["assumptions"])
    assert not any("natural gas price" in a for a in result["assumptions"])


def test_account_district_energy_assumptions():
    result = run_account((0.0, 0.0, 1000.0, 1000.0))
    assert_allclose(result["emissions_tco2"], 0.216 + 0.168, rtol=1e-12)
    assert_allclose(result["energy_tce"], 0.12276 + 0.04916, rtol=1e-12)
    assert result["energy_cost_rmb"] == 0.0  # district prices are 0 by assumption
    text = " | ".join(result["assumptions"])
    assert "CO2 factor for district_cooling 0.168 kgCO2/kWh" in text
    assert "district heating price 0 RMB/kWh" in text
    assert "district cooling price 0 RMB/kWh" in text
    assert "CO2 factor for district_heating" not in text  # 0.06 tCO2/GJ is verified


def test_account_refuses_an_hourly_series_that_does_not_add_up():
    with pytest.raises(ValueError, match="hourly electricity sums to 300 kWh"):
        run_account((310.0, 0.0, 0.0, 0.0), day(7))


def _verified(value, unit):
    return Provenance(value, unit, "test", "T", True)


def test_account_with_verified_inputs_lists_no_assumption():
    quantities = ("electricity", "natural_gas", "district_heating", "district_cooling")
    coal = CoalFactors(
        "c", 0.1, 1.0, 0.1, 0.05, provenance=dict.fromkeys(quantities, _verified(1, "-"))
    )
    co2 = EmissionFactors(
        "e", 0.5, 2.0, 0.2, 0.1, provenance=dict.fromkeys(quantities, _verified(1, "-"))
    )
    keys = ("structure", "electricity_price", "natural_gas_price", "district_heating_price")
    tariff = Tariff(
        "t",
        period_by_month_hour=(("flat",) * 24,) * 12,
        price_by_month_hour_rmb_per_kwh=((2.0,) * 24,) * 12,
        base_price_rmb_per_kwh=2.0,
        natural_gas_price_rmb_per_m3=3.0,
        district_heating_price_rmb_per_kwh=0.5,
        provenance={k: _verified(1, "-") for k in keys},
    )
    result = run_account(
        (24.0, 10.0, 4.0, 0.0), (np.full(24, 3), HOURS, np.ones(24)), coal, co2, tariff, hv=10.0
    )
    assert result["assumptions"] == []
    assert_allclose(result["energy_tce"], (24 * 0.1 + 1 * 1.0 + 4 * 0.1) / 1000, rtol=1e-12)
    assert_allclose(result["emissions_tco2"], (24 * 0.5 + 1 * 2.0 + 4 * 0.2) / 1000, rtol=1e-12)
    assert_allclose(result["energy_cost_rmb"], 24 * 2.0 + 1 * 3.0 + 4 * 0.5, rtol=1e-12)


def test_account_flags_factors_without_provenance():
    bare = EmissionFactors("bare", 0.5, 2.0, 0.2, 0.1)
    result = run_account((1.0, 0.0, 0.0, 0.0), emissions=bare, tariff=FLAT)
    expected = "CO2 factor for electricity 0.5 kgCO2/kWh (set 'bare') has no recorded source"
    assert expected in result["assumptions"]


# ------------------------------------------------------------------------------ on-site generation


def test_split_generation_hand_computed():
    # hour 1: no sun; hour 2: 4 kWh made, all used; hour 3: 15 made, 10 used, 5 exported
    purchased, self_consumed = accounting.split_generation([10, 10, 10], [0, 4, 15], [0, 0, 5])
    assert_allclose(self_consumed, [0, 4, 10], rtol=1e-12)
    assert_allclose(purchased, [10, 6, 0], rtol=1e-12)


@pytest.mark.parametrize(
    ("produced", "exported", "message"),
    [
        ([5.0, 5.0], [6.0, 0.0], "hour 0 exports more than it produces"),
        ([5.0, 15.0], [0.0, 0.0], "hour 1 self-consumes more than it uses"),
        ([5.0, -1.0], [0.0, 0.0], "produced_kwh is negative in hour 1"),
        ([5.0], [0.0], "differ in shape"),
    ],
)
def test_split_generation_refuses_inconsistent_series(produced, exported, message):
    with pytest.raises(ValueError, match=message):
        accounting.split_generation([10.0, 10.0], produced, exported)


# A July day (DAY_KWH: 1 kWh in the hour starting 00:00 ... 24 kWh in 23:00, 300 kWh) with PV
# making 20 kWh in each hour 08-16 (160 kWh). In those hours the building uses 9 ... 16 kWh, all of
# it from the PV: self-consumed 9 + ... + 16 = 100 kWh, exported 11 + 10 + ... + 4 = 60 kWh,
# purchased 300 - 100 = 200 kWh.
# July prices / base: 08-12 peak 1.8, 12-14 critical 2.25, 14-15 peak 1.8, 15-16 flat 1.0, so the
# self-consumption displaces 0.70 x ((9 + 10 + 11 + 12 + 15) x 1.8 + (13 + 14) x 2.25 + 16)
# = 0.70 x 179.35 = 125.545 RMB of the day's 270.585: purchases cost 145.04 RMB. Check by period:
# peak 117 - 57 = 60, flat 88 - 16 = 72, valley 68, critical 0:
# 0.70 x (60 x 1.8 + 72 + 68 x 0.4) = 145.04.
PV_DAY_KWH = np.where((HOURS >= 8) & (HOURS < 16), 20.0, 0.0)
EXPORT_DAY_KWH = np.maximum(PV_DAY_KWH - DAY_KWH, 0.0)


def run_with_pv(**kwargs):
    month, hour, kwh = day(7)
    return accounting.account(
        300.0,
        0.0,
        0.0,
        0.0,
        month,
        hour,
        kwh,
        coal=COAL,
        emissions=CO2,
        tariff=TWO_PART,
        heating_value_kwh_per_m3=9.87,
        hourly_produced_kwh=PV_DAY_KWH,
        hourly_exported_kwh=EXPORT_DAY_KWH,
        **kwargs,
    )


def test_account_with_pv_charges_purchases_hour_by_hour():
    assert EXPORT_DAY_KWH.sum() == 60.0
    result = run_with_pv(export_price=tables.export_price())
    assert_allclose(result["pv_generation_kwh"], 160.0, rtol=1e-12)
    assert_allclose(result["electricity_self_consumed_kwh"], 100.0, rtol=1e-12)
    assert_allclose(result["electricity_exported_kwh"], 60.0, rtol=1e-12)
    assert_allclose(result["electricity_purchased_kwh"], 200.0, rtol=1e-12)
    assert_allclose(result["energy_tce"], 200 * 0.1229 / 1000, rtol=1e-12)
    assert_allclose(result["emissions_tco2"], 200 * 0.42 / 1000, rtol=1e-12)  # no export credit
    assert_allclose(result["electricity_cost_rmb"], 145.04, rtol=1e-12)
    assert_allclose(result["energy_cost_rmb"], 145.04, rtol=1e-12)  # exports earn 0 RMB/kWh
    assert result["export_credit_rmb"] == 0.0
    by_period = result["electricity_cost_by_period"]
    assert by_period["critical"]["electricity_kwh"] == 0.0
    assert_allclose(by_period["peak"]["electricity_kwh"], 60.0)
    assert_allclose(by_period["flat"]["electricity_kwh"], 72.0)
    text = " | ".join(result["assumptions"])
    assert "electricity export price 0 RMB/kWh is not verified: ASSUMPTION" in text
    assert "Doc 136" in text
    assert "exported electricity 60 kWh earns no CO2 credit" in text
    assert result["export_price"]["provenance"]["verified"] is False
    json.dumps(result)


def test_account_with_pv_export_price_and_co2_credit():
    paid = tables.ExportPrice(0.35, _verified(0.35, "RMB/kWh"))
    result = run_with_pv(export_price=paid, credit_exported_co2=True)
    assert_allclose(result["export_credit_rmb"], 60 * 0.35, rtol=1e-12)
    assert_allclose(result["energy_cost_rmb"], 145.04 - 21.0, rtol=1e-12)
    # 200 kWh bought less 60 kWh exported, at 0.42 kgCO2/kWh: 0.0588 t
    assert_allclose(result["export_co2_credit_tco2"], 60 * 0.42 / 1000, rtol=1e-12)
    assert_allclose(result["emissions_tco2"], (200 - 60) * 0.42 / 1000, rtol=1e-12)
    assert_allclose(result["energy_tce"], 200 * 0.1229 / 1000, rtol=1e-12)  # never credited
    text = " | ".join(result["assumptions"])
    assert "export price" not in text  # verified here
    assert "credited at the grid factor 0.42 kgCO2/kWh (choice: credit_exported_co2)" in text


def test_account_without_generation_reports_zeros_and_purchases_equal_use():
    result = run_account((300.0, 0.0, 0.0, 0.0), day(7))
    assert result["electricity_purchased_kwh"] == 300.0
    for key in (
        "electricity_self_consumed_kwh",
        "electricity_exported_kwh",
        "pv_generation_kwh",
        "export_credit_rmb",
        "export_co2_credit_tco2",
    ):
        assert result[key] == 0.0
    assert result["export_price"] is None
    assert not any("export" in a for a in result["assumptions"])


def test_account_generation_needs_both_series_and_the_hourly_use():
    common = {"coal": COAL, "emissions": CO2, "tariff": TWO_PART, "heating_value_kwh_per_m3": 9.87}
    with pytest.raises(ValueError, match="give both"):
        accounting.account(300.0, 0.0, 0.0, 0.0, *day(7), hourly_produced_kwh=PV_DAY_KWH, **common)
    with pytest.raises(ValueError, match="needs the hourly electricity series"):
        accounting.account(
            300.0,
            0.0,
            0.0,
            0.0,
            *NO_HOURS,
            hourly_produced_kwh=[],
            hourly_exported_kwh=[],
            **common,
        )
