"""One simulation end to end on the real engine: the summary's numbers agree with each other."""

import hashlib
import shutil

import pytest
from conftest import REQUIRED_KEYS
from numpy.testing import assert_allclose

from retrofit import tables
from retrofit.library import resolve_model
from retrofit.simulate import simulate

pytestmark = pytest.mark.energyplus


def check_consistency(summary: dict, hourly) -> None:
    """Emissions, coal, EUI and cost recomputed by hand from the summary's own factors."""
    f = summary["emission_factors"]
    c = summary["coal_factors"]
    gas_m3 = summary["natural_gas_kwh"] / 9.87  # GB 50189-2015 App. B.0.6
    assert_allclose(summary["natural_gas_m3"], gas_m3, rtol=1e-12)
    assert_allclose(
        summary["emissions_tco2"],
        (
            summary["electricity_kwh"] * f["electricity_kgco2_per_kwh"]
            + gas_m3 * f["natural_gas_kgco2_per_m3"]
        )
        / 1000,
        rtol=1e-9,
    )
    assert_allclose(
        summary["energy_tce"],
        (
            summary["electricity_kwh"] * c["electricity_kgce_per_kwh"]
            + gas_m3 * c["natural_gas_kgce_per_m3"]
        )
        / 1000,
        rtol=1e-9,
    )
    site = sum(
        summary[k]
        for k in (
            "electricity_kwh",
            "natural_gas_kwh",
            "district_heating_kwh",
            "district_cooling_kwh",
        )
    )
    assert_allclose(summary["site_energy_kwh"], site, rtol=1e-12)
    assert_allclose(summary["eui_kwh_per_m2"], site / summary["floor_area_m2"], rtol=1e-12)
    tariff = tables.tariff(summary["tariff"]["name"])
    prices = tariff.price_by_month_hour_rmb_per_kwh
    by_hand = sum(
        kwh * prices[m - 1][h - 1]
        for m, h, kwh in zip(
            hourly["month"], hourly["hour"], hourly["electricity_kwh"], strict=True
        )
    )
    assert_allclose(summary["electricity_cost_rmb"], by_hand, rtol=1e-9)
    assert_allclose(
        summary["energy_cost_rmb"],
        by_hand + gas_m3 * tariff.natural_gas_price_rmb_per_m3,
        rtol=1e-9,
    )


def test_week_summary_is_consistent(small_office_week):
    summary = small_office_week.summary()
    assert REQUIRED_KEYS <= set(summary)
    assert summary["energyplus_version"].startswith("25.2")
    assert summary["severe_errors"] == 0
    assert summary["emission_factors"]["name"] == "shanghai-2022"
    assert summary["emission_factors"]["electricity_kgco2_per_kwh"] == 0.42
    check_consistency(summary, small_office_week.results.hourly)
    run_dir = small_office_week.run_dir
    for name in ("in.idf", "eplusout.sql", "eplusout.err", "eplustbl.htm"):
        assert (run_dir / name).is_file(), name


def test_design_days_summary_is_consistent(small_office_design_days):
    summary = small_office_design_days.summary()
    assert REQUIRED_KEYS <= set(summary)
    assert summary["period"] == "design-days"
    assert summary["end_uses_kwh"] == {}
    check_consistency(summary, small_office_design_days.results.hourly)


def test_input_model_is_never_modified(tmp_path, site_epw):
    model = tmp_path / "mine.idf"
    shutil.copy(resolve_model("small-office"), model)
    before = hashlib.sha256(model.read_bytes()).hexdigest()
    report = simulate(model, site_epw, period="design-days", out_dir=tmp_path / "run")
    assert hashlib.sha256(model.read_bytes()).hexdigest() == before
    assert (tmp_path / "run" / "in.idf").read_text() != model.read_text()
    assert report.model_path == model


def test_design_days_come_from_the_ddy_beside_the_epw(small_office_design_days, site_epw):
    report = small_office_design_days
    assert report.design_days_source == str(site_epw.with_suffix(".ddy"))
    prepared = (report.run_dir / "in.idf").read_text()
    assert "Ann Htg 99.6% Condns DB" in prepared
    assert "Ann Clg .4% Condns DB=>MWB" in prepared
    # the prototype's own Chicago design days are gone
    assert "CHICAGO Ann Htg" not in prepared


def test_without_ddy_design_days_come_from_the_epw_header(tmp_path):
    from retrofit.weather import resolve_weather

    epw = tmp_path / "fresno.epw"  # copied alone: no DDY beside it
    shutil.copy(resolve_weather("fresno"), epw)
    report = simulate("small-office", epw, period="design-days", out_dir=tmp_path / "run")
    assert report.design_days_source.endswith("DESIGN CONDITIONS")
    assert report.results.environments and len(report.results.environments) == 2
    assert report.summary()["severe_errors"] == 0


def test_other_emission_set_changes_only_carbon(tmp_path, small_office_design_days, site_epw):
    from retrofit.simulate import Accounting

    other = simulate(
        "small-office",
        site_epw,
        period="design-days",
        out_dir=tmp_path / "run",
        accounting=Accounting(emissions="national-2023"),
    )
    base = small_office_design_days.summary()
    summary = other.summary()
    assert summary["emission_factors"]["electricity_kgco2_per_kwh"] == 0.5306
    assert_allclose(summary["electricity_kwh"], base["electricity_kwh"], rtol=1e-9)
    assert summary["emissions_tco2"] > base["emissions_tco2"]
    check_consistency(summary, other.results.hourly)


@pytest.mark.annual
def test_annual_small_office_on_shanghai(tmp_path, shanghai_epw):
    report = simulate("small-office", shanghai_epw, out_dir=tmp_path / "run")
    summary = report.summary()
    r = report.results
    assert len(r.hourly) == 8760
    assert list(r.monthly["month"]) == list(range(1, 13))
    check_consistency(summary, r.hourly)
    # A small office in Shanghai: cooling electricity exceeds heating gas+electricity in July,
    # and the whole-building EUI sits in the usual range of small offices (80-250 kWh/m2 a).
    assert 80 < summary["eui_kwh_per_m2"] < 250
    monthly = r.monthly.set_index("month")["electricity_kwh"]
    assert monthly[7] > monthly[4]
    assert r.end_uses.loc["cooling", "electricity_kwh"] > 0
    assert r.end_uses.loc["heating"].sum() > 0
    assert summary["unmet_hours_heating"] + summary["unmet_hours_cooling"] < 300


@pytest.mark.parametrize(
    ("model", "plant"),
    [
        ("medium-office-2019", "natural_gas_kwh"),  # ASHRAE 90.1-2019: Jan/Jul periods shipped
        ("large-hotel", "natural_gas_kwh"),  # boilers and chillers
    ],
)
def test_prototypes_run_on_the_site_design_days(tmp_path, site_epw, model, plant):
    report = simulate(model, site_epw, period="design-days", out_dir=tmp_path / "run")
    summary = report.summary()
    assert summary["severe_errors"] == 0
    assert len(report.results.environments) == 2
    winter = report.results.hourly[report.results.hourly["month"] == 1]
    assert winter[plant].sum() > 0  # the winter design day needs heat
    prepared = (report.run_dir / "in.idf").read_text()
    assert prepared.count("SizingPeriod:DesignDay,") == 2
    assert prepared.count("RunPeriod,") == 0  # design days only
