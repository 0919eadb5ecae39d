"""Economics: capital recovery, NPV with replacements and residual value, IRR, payback, cost per
tonne and the MACC, against hand-computed values (working in the comments)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from retrofit import economics as econ

# ------------------------------------------------------------------------- annuity factors


def test_capital_recovery_factor_8_percent_10_years():
    # 1.08^10 = 2.158924997; CRF = 0.08 * 2.158924997 / (2.158924997 - 1) = 0.1490294887
    assert_allclose(econ.capital_recovery_factor(0.08, 10), 0.1490294887, rtol=1e-9)
    # 10 % over 4 years: 1.1^4 = 1.4641; 0.1 * 1.4641 / 0.4641 = 0.3154708037
    assert_allclose(econ.capital_recovery_factor(0.10, 4), 0.3154708037, rtol=1e-9)


def test_capital_recovery_factor_zero_rate_is_straight_line():
    # limit r -> 0: 1 / n
    assert econ.capital_recovery_factor(0.0, 10) == 0.1
    # continuous through 0: CRF ~ 1/n + r (n + 1) / (2 n) for small r
    assert_allclose(econ.capital_recovery_factor(1e-9, 10), 0.1 + 1e-9 * 11 / 20, rtol=1e-12)


def test_capital_recovery_factor_vectorised_and_nan():
    crf = econ.capital_recovery_factor([0.0, 0.08, np.nan], [10, 10, 10])
    assert_allclose(crf, [0.1, 0.1490294887, np.nan], rtol=1e-9)


@pytest.mark.parametrize(
    ("rate", "years", "match"),
    [(-1.0, 10, "discount_rate"), (np.inf, 10, "discount_rate"), (0.05, 0, "lifetime_years")],
)
def test_capital_recovery_factor_rejects_invalid(rate, years, match):
    with pytest.raises(ValueError, match=match):
        econ.capital_recovery_factor(rate, years)


def test_uniform_present_value_factor_and_annualised_capex():
    # (1 - 1.05^-10) / 0.05 = (1 - 0.6139132535) / 0.05 = 7.721734929
    assert_allclose(econ.uniform_present_value_factor(0.05, 10), 7.721734929, rtol=1e-9)
    # 100 000 RMB * 0.1490294887 = 14 902.94887 RMB/a
    assert_allclose(econ.annualised_capex_rmb(100_000.0, 0.08, 10), 14_902.94887, rtol=1e-9)


# ------------------------------------------------------------------------------------- NPV


def test_npv_textbook_measure():
    # 100 000 RMB, saving 20 000 RMB/a for 10 years at 5 %, life = period:
    # -100 000 + 20 000 * 7.721734929 = 54 434.69858
    assert_allclose(econ.npv_rmb(100_000.0, 20_000.0, 0.0, 0.05, 10, 10), 54_434.69858, rtol=1e-9)
    # with 5 000 RMB/a more O&M: -100 000 + 15 000 * 7.721734929 = 15 826.02394
    assert_allclose(
        econ.npv_rmb(100_000.0, 20_000.0, 5_000.0, 0.05, 10, 10), 15_826.02394, rtol=1e-9
    )
    # undiscounted: -100 000 + 10 * 20 000 = 100 000
    assert_allclose(econ.npv_rmb(100_000.0, 20_000.0, 0.0, 0.0, 10, 10), 100_000.0, rtol=1e-12)


def test_npv_with_replacements_and_residual_value():
    # capex 1000, net saving 300 - 50 = 250 RMB/a, 10 %, period 10 years, life 4 years:
    # bought at 0, 4, 8 (three installations); the last ends at 12, 2 of its 4 years left at 10:
    # residual = 1000 * 2 / 4 = 500 RMB at year 10.
    #   purchases: -1000 * (1 + 1.1^-4 + 1.1^-8) = -1000 * (1 + 0.6830134554 + 0.4665073802)
    #            = -2149.520836
    #   savings:   250 * (1 - 1.1^-10) / 0.1 = 250 * 6.144567106 = 1536.141777
    #   residual:  500 * 1.1^-10 = 500 * 0.3855432894 = 192.7716447
    #   NPV = -420.6074143
    assert_allclose(econ.npv_rmb(1000.0, 300.0, 50.0, 0.10, 10, 4), -420.6074143, rtol=1e-9)
    times, flows = econ.cash_flows_rmb(1000.0, 300.0, 50.0, 10, 4)
    assert_allclose(times, np.arange(11.0))
    assert_allclose(flows, [-1000, 250, 250, 250, -750, 250, 250, 250, -750, 250, 750])


def test_npv_life_longer_than_period_credits_residual():
    # life 20 > period 10, undiscounted: -1000 + 10 * 100 + 1000 * (20 - 10) / 20 = 500
    assert_allclose(econ.npv_rmb(1000.0, 100.0, 0.0, 0.0, 10, 20), 500.0, rtol=1e-12)


def test_npv_replacement_on_the_last_year_is_not_bought():
    # life 5, period 10: bought at 0 and 5 only (the second life ends at 10: no residual);
    # undiscounted: -2 * 1000 + 10 * 250 = 500
    assert_allclose(econ.npv_rmb(1000.0, 250.0, 0.0, 0.0, 10, 5), 500.0, rtol=1e-12)
    times, flows = econ.cash_flows_rmb(1000.0, 250.0, 0.0, 10, 5)
    assert flows[-1] == 250.0 and flows[5] == -750.0


def test_npv_fractional_lifetime():
    # life 3.5, period 10, undiscounted: bought at 0, 3.5, 7; the last ends at 10.5, residual
    # 1000 * 0.5 / 3.5 = 142.857143; -3000 + 10 * 250 + 142.857143 = -357.142857
    assert_allclose(econ.npv_rmb(1000.0, 250.0, 0.0, 0.0, 10, 3.5), -357.1428571, rtol=1e-9)
    times, flows = econ.cash_flows_rmb(1000.0, 250.0, 0.0, 10, 3.5)
    assert 3.5 in times and 7.0 in times and 0.5 not in times


@pytest.mark.parametrize(("period", "life", "rate"), [(10, 4, 0.1), (10, 3.5, 0.07), (25, 15, 0.0)])
def test_cash_flows_discount_to_the_npv(period, life, rate):
    times, flows = econ.cash_flows_rmb(5000.0, 900.0, 120.0, period, life)
    assert_allclose(
        econ.present_value_rmb(flows, rate, times),
        econ.npv_rmb(5000.0, 900.0, 120.0, rate, period, life),
        rtol=1e-12,
    )


def test_npv_vectorised_over_lifetimes():
    npv = econ.npv_rmb(
        [100_000.0, 1000.0], [20_000.0, 300.0], [0.0, 50.0], [0.05, 0.10], 10, [10, 4]
    )
    assert_allclose(npv, [54_434.69858, -420.6074143], rtol=1e-9)


@pytest.mark.parametrize("period", [0, 10.5, -3])
def test_npv_rejects_a_bad_analysis_period(period):
    with pytest.raises(ValueError, match="analysis_period_years"):
        econ.npv_rmb(1000.0, 100.0, 0.0, 0.05, period, 10)


def test_npv_negative_cash_flows_and_nan():
    # a measure that costs more to run than it saves: -1000 + 10 * (-100) = -2000 at 0 %
    assert_allclose(econ.npv_rmb(1000.0, 0.0, 100.0, 0.0, 10, 10), -2000.0, rtol=1e-12)
    assert math.isnan(econ.npv_rmb(np.nan, 100.0, 0.0, 0.05, 10, 10))


# ------------------------------------------------------------------------------------- IRR


def test_irr_two_period_quadratic():
    # -100 + 60 x + 60 x^2 = 0 with x = 1 / (1 + i): x = (-60 + sqrt(3600 + 24000)) / 120
    # = 0.8844373105, i = 0.1306623863
    assert_allclose(econ.irr([-100.0, 60.0, 60.0]), 0.1306623863, rtol=1e-8)


def test_irr_textbook_measure():
    # -100 000 + 20 000 (P/A, i, 10) = 0, i.e. (P/A, i, 10) = 5: tables give 5.0188 at 15 % and
    # 4.8332 at 16 %, so i is just above 15 %; solved: 15.0984 %.
    rate = econ.irr([-100_000.0] + [20_000.0] * 10)
    assert 0.15 < rate < 0.16
    assert_allclose(econ.uniform_present_value_factor(rate, 10), 5.0, rtol=1e-10)
    assert_allclose(rate, 0.150984, atol=1e-6)


def test_irr_with_times_and_at_zero():
    # -100 + 121 / (1 + i)^2 = 0: i = 10 %
    assert_allclose(econ.irr([-100.0, 121.0], times_years=[0.0, 2.0]), 0.10, rtol=1e-10)
    # flows that just repay the capex: i = 0
    assert_allclose(econ.irr([-100.0, 50.0, 50.0]), 0.0, atol=1e-10)


@pytest.mark.parametrize(
    "flows",
    [
        [100.0, 50.0],  # no cost: no sign change
        [-100.0, -5.0],  # never a saving
        [0.0, 0.0],
        [-100.0, np.nan, 50.0],
        [-100.0, 0.5],  # root at -99.5 %, outside the searched range
        # -100 + 230 x - 132 x^2 = 0: x = 10/11 and 5/6, i = 10 % and 20 %: ambiguous
        [-100.0, 230.0, -132.0],
    ],
)
def test_irr_undefined_is_nan(flows):
    assert math.isnan(econ.irr(flows))


def test_irr_times_must_match():
    with pytest.raises(ValueError, match="times_years"):
        econ.irr([-100.0, 60.0, 60.0], times_years=[0.0, 1.0])


# ------------------------------------------------------------------------ payback and EAC


def test_simple_payback():
    # 100 000 / 20 000 = 5 years; 100 000 / (20 000 - 5 000) = 6.6667 years
    assert_allclose(econ.simple_payback_years(100_000.0, 20_000.0), 5.0, rtol=1e-12)
    assert_allclose(econ.simple_payback_years(100_000.0, 15_000.0), 20.0 / 3.0, rtol=1e-12)
    payback = econ.simple_payback_years(
        [1000.0, 1000.0, 0.0, -50.0, 0.0, np.nan], [0, -10, 10, 10, 0, 5]
    )
    assert_allclose(payback, [np.inf, np.inf, 0.0, 0.0, np.inf, np.nan])


def test_equivalent_annual_cost_whole_lifetimes():
    # period 12 = 3 lifetimes of 4: EAC = 1000 * CRF(10 %, 4) + 50 - 300
    # = 315.4708037 - 250 = 65.4708037 RMB/a
    assert_allclose(
        econ.equivalent_annual_cost_rmb(1000.0, 300.0, 50.0, 0.10, 12, 4), 65.4708037, rtol=1e-9
    )


def test_equivalent_annual_cost_with_residual():
    # CRF(10 %, 10) = 0.1 / (1 - 0.3855432894) = 0.1627453949
    # -NPV * CRF = 420.6074143 * 0.1627453949 = 68.45191973 RMB/a
    assert_allclose(
        econ.equivalent_annual_cost_rmb(1000.0, 300.0, 50.0, 0.10, 10, 4), 68.45191973, rtol=1e-9
    )
    # zero rate: -NPV / N = -500 / 10 = -50 RMB/a (a net gain)
    assert_allclose(
        econ.equivalent_annual_cost_rmb(1000.0, 100.0, 0.0, 0.0, 10, 20), -50.0, rtol=1e-12
    )


# ------------------------------------------------------------------------- cost per tonne


def test_cost_per_tco2_positive():
    # (14 902.94887 + 1 000 - 10 000) / 50 = 118.0589774 RMB/tCO2
    assert_allclose(
        econ.cost_per_tco2_rmb(14_902.94887, 1_000.0, 10_000.0, 50.0), 118.0589774, rtol=1e-9
    )


def test_cost_per_tco2_negative_pays_for_itself():
    # (1 000 + 0 - 5 000) / 20 = -200 RMB/tCO2
    assert_allclose(econ.cost_per_tco2_rmb(1_000.0, 0.0, 5_000.0, 20.0), -200.0, rtol=1e-12)


def test_cost_per_tco2_without_abatement_is_nan():
    cost = econ.cost_per_tco2_rmb(
        1_000.0, 0.0, [5_000.0, 5_000.0, 0.0, 0.0], [0.0, -2.0, 10.0, np.nan]
    )
    # nothing abated, emissions up: NaN; (1000 - 0) / 10 = 100; NaN abatement: NaN
    assert_allclose(cost, [np.nan, np.nan, 100.0, np.nan])


def test_cost_per_tce():
    # (1 000 + 200 - 700) / 2.5 tce = 200 RMB/tce; 0 tce: NaN
    assert_allclose(econ.cost_per_tce_rmb(1_000.0, 200.0, 700.0, [2.5, 0.0]), [200.0, np.nan])


# -------------------------------------------------------------------------------------- MACC


def test_macc_ordering_and_widths():
    curve = econ.macc(
        [
            ("chiller", 40.0, 150.0),
            ("led", 20.0, -300.0),
            ("walls", 10.0, 600.0),
            ("pv", 30.0, -50.0),
        ]
    )
    assert curve["name"].tolist() == ["led", "pv", "chiller", "walls"]
    assert curve["included"].all()
    # widths 20, 30, 40, 10: edges 0|20|50|90|100
    assert_allclose(curve["cumulative_start_tco2"], [0.0, 20.0, 50.0, 90.0])
    assert_allclose(curve["cumulative_end_tco2"], [20.0, 50.0, 90.0, 100.0])
    # areas: -300*20 = -6000, -50*30 = -1500, 150*40 = 6000, 600*10 = 6000
    assert_allclose(curve["annual_cost_rmb"], [-6000.0, -1500.0, 6000.0, 6000.0])
    assert_allclose(curve["cumulative_annual_cost_rmb"], [-6000.0, -7500.0, -1500.0, 4500.0])


def test_macc_excludes_and_flags():
    items = pd.DataFrame(
        {
            "name": ["a", "zero", "up", "nan-cost", "hot", "b"],
            "annual_tco2_abated": [5.0, 0.0, -3.0, 4.0, 8.0, 5.0],
            "cost_per_tco2_rmb": [100.0, -1e6, 50.0, np.nan, -400.0, 100.0],
            "comfort_ok": [True, True, True, True, False, True],
        }
    )
    curve = econ.macc(items)
    # the tie a / b keeps the input order; excluded rows follow in input order
    assert curve["name"].tolist() == ["a", "b", "zero", "up", "nan-cost", "hot"]
    assert curve["included"].tolist() == [True, True, False, False, False, False]
    assert curve["excluded_reason"].tolist() == [
        "",
        "",
        "abatement <= 0",
        "abatement <= 0",
        "cost per tCO2 not finite",
        "breaks comfort",
    ]
    assert_allclose(curve["cumulative_end_tco2"], [5.0, 10.0, np.nan, np.nan, np.nan, np.nan])
    assert items["name"].tolist()[0] == "a" and "included" not in items  # input untouched


def test_macc_empty_and_bad_items():
    assert econ.macc([]).empty
    assert econ.macc([("only", 0.0, 10.0)])["included"].tolist() == [False]
    with pytest.raises(ValueError, match="macc items"):
        econ.macc([("a", 1.0)])


# ------------------------------------------------------------------------------------ table


def test_economics_table():
    df = pd.DataFrame(
        {
            "variant": ["m01", "m02", "baseline"],
            "capex_rmb": [100_000.0, 1000.0, 0.0],
            "lifetime_years": [10.0, 4.0, 10.0],
            "energy_cost_saving_rmb": [20_000.0, 300.0, 0.0],
            "om_change_rmb_per_year": [0.0, 50.0, 0.0],
            "emissions_saving_tco2": [50.0, 2.0, 0.0],
        }
    )
    out = econ.economics_table(df, discount_rate=0.05, analysis_period_years=10)
    assert "npv_rmb" not in df  # input untouched
    # m01: values of the textbook measure above
    assert_allclose(out.loc[0, "npv_rmb"], 54_434.69858, rtol=1e-9)
    assert_allclose(out.loc[0, "simple_payback_years"], 5.0)
    assert_allclose(out.loc[0, "irr"], 0.150984, atol=1e-6)
    # CRF(5 %, 10) = 0.1295045750: annualised 12 950.45750; EAC = -NPV * CRF = -7049.5425
    assert_allclose(out.loc[0, "annualised_capex_rmb"], 12_950.45750, rtol=1e-9)
    assert_allclose(out.loc[0, "equivalent_annual_cost_rmb"], -7049.542499, rtol=1e-9)
    # (12 950.45750 - 20 000) / 50 = -140.99085 RMB/tCO2
    assert_allclose(out.loc[0, "cost_per_tco2_rmb"], -140.990850, rtol=1e-8)
    # m02: net 250 RMB/a, payback 4 years; CRF(5 %, 4) = 0.2820118326:
    # (282.0118326 + 50 - 300) / 2 = 16.0059163 RMB/tCO2
    assert_allclose(out.loc[1, "simple_payback_years"], 4.0)
    assert_allclose(out.loc[1, "cost_per_tco2_rmb"], 16.0059163, rtol=1e-8)
    assert_allclose(
        out.loc[1, "npv_rmb"], econ.npv_rmb(1000.0, 300.0, 50.0, 0.05, 10, 4), rtol=1e-12
    )
    # baseline: nothing spent, nothing saved
    assert out.loc[2, "npv_rmb"] == 0.0
    assert out.loc[2, "simple_payback_years"] == np.inf
    assert math.isnan(out.loc[2, "irr"]) and math.isnan(out.loc[2, "cost_per_tco2_rmb"])
    assert "cost_per_tce_rmb" not in out


def test_economics_table_nan_row_and_tce():
    df = pd.DataFrame(
        {
            "capex_rmb": [1000.0, 1000.0],
            "lifetime_years": [np.nan, 10.0],
            "energy_cost_saving_rmb": [300.0, 300.0],
            "om_change_rmb_per_year": [0.0, 0.0],
            "emissions_saving_tco2": [1.0, 1.0],
            "energy_saving_tce": [0.5, 0.5],
        }
    )
    out = econ.economics_table(df, discount_rate=0.0, analysis_period_years=10)
    assert out.loc[0, ["npv_rmb", "irr", "cost_per_tco2_rmb"]].isna().all()
    # 0 %: (1000 / 10 - 300) / 0.5 = -400 RMB/tce
    assert_allclose(out.loc[1, "cost_per_tce_rmb"], -400.0, rtol=1e-12)


def test_economics_table_missing_columns():
    with pytest.raises(ValueError, match="lifetime_years"):
        econ.economics_table(pd.DataFrame({"capex_rmb": [1.0]}), 0.05, 10)
