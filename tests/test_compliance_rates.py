"""Saving rates, the App. B HVAC energy, carbon intensity and verdicts: hand-checked values."""

import math

import pytest

from retrofit.compliance.rates import (
    Basis,
    building_energy,
    carbon_kgco2,
    hvac_energy,
    saving_rate,
    verdicts,
)
from retrofit.compliance.rules import load_rule_set


@pytest.fixture(scope="module")
def rules():
    return load_rule_set()


def test_app_b_hvac_energy_by_hand(rules):
    # 250 MWh of cooling through SCOP_T 2.50 -> 100 MWh electricity; 75 MWh of heat through a
    # 0.75 gas boiler -> 100 MWh gas = 10,131.7 m3 at 9.87 kWh/m3.
    e = hvac_energy(250_000.0, 75_000.0, rules.hvac_calculation)
    assert e.cooling_electricity_kwh == pytest.approx(100_000.0)
    assert e.heating_gas_m3 == pytest.approx(100_000.0 / 9.87)
    kgce = 100_000.0 * 0.360 + 100_000.0 / 9.87 * 1.21
    assert e.kgce == pytest.approx(kgce)
    assert e.electricity_equivalent_kwh == pytest.approx(kgce / 0.360)


def test_saving_rate_and_its_basis_independence(rules):
    assert saving_rate(80.0, 100.0) == pytest.approx(0.20)
    assert saving_rate(100.0, 100.0) == 0.0
    with pytest.raises(ValueError):
        saving_rate(1.0, 0.0)
    design = hvac_energy(200_000.0, 50_000.0, rules.hvac_calculation)
    reference = hvac_energy(250_000.0, 75_000.0, rules.hvac_calculation)
    rate_kgce = saving_rate(design.kgce, reference.kgce)
    rate_eq = saving_rate(design.electricity_equivalent_kwh, reference.electricity_equivalent_kwh)
    assert rate_kgce == pytest.approx(rate_eq)


def test_whole_building_energy_counts_the_standard_end_uses_only(rules):
    basis = Basis.from_rules(rules.hvac_calculation)
    end_uses = {
        "cooling": {"electricity_kwh": 100.0},
        "heating": {"natural_gas_kwh": 987.0},
        "interior_lighting": {"electricity_kwh": 50.0},
        "interior_equipment": {"electricity_kwh": 1_000_000.0},  # plug loads: not compared
        "water_systems": {"natural_gas_kwh": 98.7},
    }
    e = building_energy(end_uses, basis, renewable_electricity_kwh=10.0)
    expected = 150.0 * 0.360 + (987.0 + 98.7) / 9.87 * 1.21
    assert e.kgce == pytest.approx(expected)
    assert e.renewable_kgce == pytest.approx(3.6)
    assert e.comprehensive_kgce == pytest.approx(expected - 3.6)
    assert "interior_equipment" not in e.by_end_use_kgce


def test_carbon_net_of_renewables():
    factors = {
        "electricity_kgco2_per_kwh": 0.42,
        "natural_gas_kgco2_per_m3": 2.162,
        "district_heating_kgco2_per_kwh": 0.216,
        "district_cooling_kgco2_per_kwh": 0.168,
    }
    end_uses = {"cooling": {"electricity_kwh": 1000.0}, "heating": {"natural_gas_kwh": 987.0}}
    kg = carbon_kgco2(end_uses, factors, renewable_electricity_kwh=100.0, gas_kwh_per_m3=9.87)
    assert kg == pytest.approx(1000 * 0.42 + 100 * 2.162 - 100 * 0.42)


def test_verdicts_against_the_targets(rules):
    keys = [t.key for t in rules.targets]
    assert keys == ["gb55015-20", "huangpu-50", "nzeb-60"]
    result = {
        v.key: v
        for v in verdicts(
            rules, {"whole_building": 0.55, "comprehensive": 0.62}, renewable_share=0.05
        )
    }
    assert result["gb55015-20"].passed is True
    assert result["huangpu-50"].passed is True
    # 62 % >= 60 % but the renewable share 5 % < 10 %: not nearly zero
    assert result["nzeb-60"].passed is False
    assert result["nzeb-60"].conditions
    assert not result["nzeb-60"].verified  # the 10 % share is a recollection
    low = {v.key: v for v in verdicts(rules, {"whole_building": 0.1, "comprehensive": 0.1}, 0.2)}
    assert [low[k].passed for k in keys] == [False, False, False]
    unknown = {v.key: v for v in verdicts(rules, {"whole_building": None}, None)}
    assert unknown["gb55015-20"].passed is None
    assert not math.isnan(result["gb55015-20"].required_rate)
