"""The SQL reader, on real EnergyPlus output: totals, meters, areas and their consistency."""

import pytest
from numpy.testing import assert_allclose

from retrofit.library import resolve_model, summarize_model
from retrofit.results import MAIN_FUELS, read_results

pytestmark = pytest.mark.energyplus


def test_week_totals_match_end_uses_and_meters(small_office_week):
    r = small_office_week.results
    assert r.weather_run
    assert set(MAIN_FUELS) <= set(r.totals_kwh)
    # ABUPS totals equal the sum of their end uses (both from the same table)
    for fuel in ("electricity_kwh", "natural_gas_kwh"):
        assert_allclose(r.end_uses[fuel].sum(), r.totals_kwh[fuel], rtol=1e-9)
    # the hourly and monthly meters add up to the same totals; ABUPS is printed with two
    # decimals, so agreement is to 0.01 kWh per end-use row
    assert len(r.hourly) == 7 * 24
    assert_allclose(r.hourly["electricity_kwh"].sum(), r.totals_kwh["electricity_kwh"], atol=0.2)
    assert_allclose(r.monthly["electricity_kwh"].sum(), r.totals_kwh["electricity_kwh"], atol=0.2)
    assert_allclose(r.hourly["natural_gas_kwh"].sum(), r.totals_kwh["natural_gas_kwh"], atol=0.2)
    assert set(r.hourly["hour"]) == set(range(1, 25))
    assert set(r.hourly["month"]) == {7}
    # a July week in a small office: cooling is the biggest electric end use after equipment,
    # and there is no space heating
    assert r.end_uses.loc["cooling", "electricity_kwh"] > 0
    assert r.end_uses.loc["heating", "natural_gas_kwh"] == 0


def test_week_peak_area_unmet_and_sizes(small_office_week):
    r = small_office_week.results
    # the timestep peak is at least the largest hourly mean
    assert r.peak_demand_kw >= r.hourly["electricity_kwh"].max() - 1e-6
    # EnergyPlus's floor area equals our polygon scan of the same model (511.16 m2)
    scanned = summarize_model(resolve_model("small-office")).floor_area_m2
    assert_allclose(r.floor_area_m2, scanned, rtol=1e-3)
    assert_allclose(r.floor_area_m2, 511.16, atol=0.01)
    assert 0 <= r.unmet_hours_cooling <= 7 * 24
    sizes = r.component_sizes
    assert {"component_type", "component_name", "description", "value", "units"} <= set(sizes)
    coils = sizes[sizes["component_type"].str.startswith("Coil:Cooling:DX")]
    assert len(coils["component_name"].unique()) == 5


def test_design_day_run_reads_meters(small_office_design_days):
    r = small_office_design_days.results
    assert not r.weather_run
    assert len(r.environments) == 2
    assert r.end_uses.empty
    assert len(r.hourly) == 2 * 24
    assert_allclose(r.hourly["electricity_kwh"].sum(), r.totals_kwh["electricity_kwh"])
    # the winter design day burns gas in the furnaces
    winter = r.hourly[r.hourly["month"] == 1]
    assert winter["natural_gas_kwh"].sum() > 0


def test_read_results_missing_file(tmp_path):
    from retrofit.errors import SimulationError

    with pytest.raises(SimulationError, match="no EnergyPlus SQLite output"):
        read_results(tmp_path / "eplusout.sql")
