"""Shared fixtures: weather files (Shanghai where present, else skipped) and small runs."""

from __future__ import annotations

from pathlib import Path

import pytest

#: Keys `retrofit simulate --json` must carry (issue 2).
REQUIRED_KEYS = {
    "electricity_kwh",
    "natural_gas_kwh",
    "district_heating_kwh",
    "district_cooling_kwh",
    "site_energy_kwh",
    "floor_area_m2",
    "eui_kwh_per_m2",
    "energy_tce",
    "emissions_tco2",
    "energy_cost_rmb",
    "peak_demand_kw",
    "unmet_hours_heating",
    "unmet_hours_cooling",
    "runtime_s",
    "energyplus_version",
    "warnings",
    "severe_errors",
    "emission_factors",
}

ROOT = Path(__file__).resolve().parents[1]
SHANGHAI_STEM = "CHN_SH_Shanghai-Hongqiao.Intl.AP.583670_TMYx"
SHANGHAI_DIRS = (ROOT / "weather", ROOT.parent / "shared" / "data" / "weather")


def shanghai_path(suffix: str = ".epw") -> Path | None:
    """The Shanghai TMYx file in weather/ or ../shared/data/weather, or None."""
    for folder in SHANGHAI_DIRS:
        path = folder / f"{SHANGHAI_STEM}{suffix}"
        if path.is_file():
            return path
    return None


@pytest.fixture(scope="session")
def shanghai_epw() -> Path:
    path = shanghai_path()
    if path is None:
        pytest.skip("Shanghai TMYx weather not present (weather/ or ../shared/data/weather)")
    return path


@pytest.fixture(scope="session")
def chicago_epw() -> Path:
    """A TMY3 EPW with its DDY beside it, shipped with the engine (always present)."""
    from retrofit.engine import energyplus_binary

    path = (
        energyplus_binary().parent / "WeatherData" / "USA_IL_Chicago-OHare.Intl.AP.725300_TMY3.epw"
    )
    assert path.is_file() and path.with_suffix(".ddy").is_file()
    return path


@pytest.fixture(scope="session")
def site_epw(chicago_epw) -> Path:
    """Shanghai where present, else Chicago: for tests that check consistency, not climate."""
    return shanghai_path() or chicago_epw


@pytest.fixture(scope="session")
def small_office_week(tmp_path_factory, site_epw):
    """The small office simulated for a July week (shared by tests)."""
    from retrofit.simulate import simulate

    out = tmp_path_factory.mktemp("small-office-week")
    return simulate("small-office", site_epw, period="07/15-07/21", out_dir=out)


@pytest.fixture(scope="session")
def small_office_design_days(tmp_path_factory, site_epw):
    """The small office simulated on its two design days (shared by tests)."""
    from retrofit.simulate import simulate

    out = tmp_path_factory.mktemp("small-office-dd")
    return simulate("small-office", site_epw, period="design-days", out_dir=out)
