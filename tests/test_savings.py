"""Savings of a variant against the baseline from two hand-made summaries, and the comfort flag."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from retrofit import savings as sv

# A gas-heated baseline and a variant with a heat pump for the boiler and LED lighting. The
# numbers are hand-made (not an accounting of each other); only the differences matter.
BASELINE = {
    "electricity_kwh": 1000.0,
    "natural_gas_kwh": 500.0,
    "natural_gas_m3": 50.0,
    "district_heating_kwh": 0.0,
    "district_cooling_kwh": 0.0,
    "other_fuels_kwh": {"propane_kwh": 40.0},
    "site_energy_kwh": 1540.0,
    "eui_kwh_per_m2": 15.4,
    "energy_tce": 0.2,
    "emissions_tco2": 0.5,
    "energy_cost_rmb": 900.0,
    "electricity_cost_rmb": 700.0,
    "natural_gas_cost_rmb": 200.0,
    "peak_demand_kw": 10.0,
    "unmet_hours_heating": 10.0,
    "unmet_hours_cooling": 20.0,
    "end_uses_kwh": {
        "heating": {"natural_gas_kwh": 500.0},
        "cooling": {"electricity_kwh": 400.0},
        "interior_lighting": {"electricity_kwh": 600.0},
        "water_systems": {"propane_kwh": 40.0},
    },
}
VARIANT = {
    "electricity_kwh": 900.0,
    "natural_gas_kwh": 0.0,
    "natural_gas_m3": 0.0,
    "district_heating_kwh": 0.0,
    "district_cooling_kwh": 0.0,
    "other_fuels_kwh": {"propane_kwh": 40.0},
    "site_energy_kwh": 940.0,
    "eui_kwh_per_m2": 9.4,
    "energy_tce": 0.15,
    "emissions_tco2": 0.4,
    "energy_cost_rmb": 630.0,
    "electricity_cost_rmb": 630.0,
    "natural_gas_cost_rmb": 0.0,
    "peak_demand_kw": 12.5,
    "unmet_hours_heating": 250.0,
    "unmet_hours_cooling": 60.0,
    "end_uses_kwh": {
        "heating": {"electricity_kwh": 200.0},  # gas gone, electricity new
        "cooling": {"electricity_kwh": 400.0},
        "interior_lighting": {"electricity_kwh": 300.0},
        "water_systems": {"propane_kwh": 40.0},
    },
}


def test_savings_totals():
    s = sv.savings(BASELINE, VARIANT)
    # baseline - variant
    assert_allclose(s["electricity_saving_kwh"], 100.0)
    assert_allclose(s["natural_gas_saving_kwh"], 500.0)
    assert_allclose(s["natural_gas_saving_m3"], 50.0)
    assert_allclose(s["site_energy_saving_kwh"], 600.0)
    assert_allclose(s["eui_saving_kwh_per_m2"], 6.0)
    assert_allclose(s["energy_saving_tce"], 0.05)
    assert_allclose(s["emissions_saving_tco2"], 0.1)
    assert_allclose(s["energy_cost_saving_rmb"], 270.0)
    assert_allclose(s["natural_gas_cost_saving_rmb"], 200.0)
    # the heat pump raises the peak: a negative saving
    assert_allclose(s["peak_demand_saving_kw"], -2.5)
    assert s["propane_saving_kwh"] == 0.0
    # keys absent from both summaries are left out
    assert "electricity_purchased_saving_kwh" not in s


def test_savings_by_end_use_and_fuel():
    s = sv.savings(BASELINE, VARIANT)
    assert_allclose(s["heating__natural_gas_saving_kwh"], 500.0)
    assert_allclose(s["heating__electricity_saving_kwh"], -200.0)  # absent in the baseline
    assert_allclose(s["cooling__electricity_saving_kwh"], 0.0)
    assert_allclose(s["interior_lighting__electricity_saving_kwh"], 300.0)
    assert_allclose(s["water_systems__propane_saving_kwh"], 0.0)
    end_use_keys = [k for k in s if sv.END_USE_SEPARATOR in k]
    assert len(end_use_keys) == 5
    # the end uses add up to the site-energy saving: 500 - 200 + 0 + 300 + 0 = 600
    assert_allclose(sum(s[k] for k in end_use_keys), s["site_energy_saving_kwh"])


def test_saving_rates():
    s = sv.savings(BASELINE, VARIANT)
    # (1540 - 940) / 1540 = 0.3896104; (0.5 - 0.4) / 0.5 = 0.2; (900 - 630) / 900 = 0.3
    assert_allclose(s["site_energy_saving_rate"], 600.0 / 1540.0)
    assert_allclose(s["emissions_saving_rate"], 0.2)
    assert_allclose(s["energy_cost_saving_rate"], 0.3)
    assert_allclose(s["energy_saving_rate"], 0.25)


def test_comfort_flag():
    s = sv.savings(BASELINE, VARIANT)
    # variant 250 + 60 = 310 h > 300 h: breaks comfort
    assert s["unmet_hours_total"] == 310.0
    assert s["baseline_unmet_hours_total"] == 30.0
    assert s["unmet_hours_increase"] == 280.0
    assert s["unmet_hours_limit"] == 300.0
    assert s["comfort_ok"] is False
    assert sv.savings(BASELINE, VARIANT, unmet_hours_limit=400.0)["comfort_ok"] is True
    # at the limit is within it ("shall not exceed")
    at_limit = dict(VARIANT, unmet_hours_heating=240.0)
    assert sv.savings(BASELINE, at_limit)["comfort_ok"] is True
    unknown = dict(VARIANT, unmet_hours_heating=math.nan)
    assert sv.savings(BASELINE, unknown)["comfort_ok"] is False


def test_baseline_against_itself_saves_nothing():
    s = sv.savings(BASELINE, BASELINE)
    assert all(v == 0.0 for k, v in s.items() if k.endswith(("_kwh", "_tce", "_tco2", "_rmb")))
    assert s["comfort_ok"] is True


def test_savings_none_is_nan():
    s = sv.savings(dict(BASELINE, eui_kwh_per_m2=None), dict(VARIANT, eui_kwh_per_m2=None))
    assert math.isnan(s["eui_saving_kwh_per_m2"])


def test_savings_rejects_inconsistent_summaries():
    missing = {k: v for k, v in VARIANT.items() if k != "emissions_tco2"}
    with pytest.raises(ValueError, match="variant summary lacks 'emissions_tco2'"):
        sv.savings(BASELINE, missing)
    with pytest.raises(ValueError, match="'electricity_purchased_kwh' is in the baseline"):
        sv.savings(dict(BASELINE, electricity_purchased_kwh=1.0), VARIANT)
    with pytest.raises(ValueError, match="unmet_hours_limit"):
        sv.savings(BASELINE, VARIANT, unmet_hours_limit=-1.0)
    bad_fuel = dict(VARIANT, end_uses_kwh={"heating": {"natural_gas": 1.0}})
    with pytest.raises(ValueError, match="natural_gas"):
        sv.savings(BASELINE, bad_fuel)


def test_saving_rate():
    # (100 - 60) / 100 = 0.4
    assert_allclose(sv.saving_rate(100.0, 60.0), 0.4)
    assert_allclose(
        sv.saving_rate([100.0, 100.0, 0.0, -5.0], [60.0, 120.0, 1.0, -1.0]),
        [0.4, -0.2, np.nan, np.nan],
    )


def test_savings_table():
    summaries = {"b00": BASELINE, "m01": VARIANT}
    table = sv.savings_table(summaries, "b00")
    assert table.index.tolist() == ["b00", "m01"]
    assert table.index.name == "variant"
    assert table.loc["b00", "site_energy_saving_kwh"] == 0.0
    assert table.loc["m01", "site_energy_saving_kwh"] == 600.0
    # heating electricity: absent from the baseline's own row, filled with 0 kWh there
    assert table.loc["b00", "heating__electricity_saving_kwh"] == 0.0
    assert table["comfort_ok"].tolist() == [True, False]
    with pytest.raises(KeyError, match="baseline"):
        sv.savings_table(summaries, "nope")
