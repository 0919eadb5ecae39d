"""Tests of retrofit.climate: daily/monthly means, GB 50176-2016 degree-days, ASHRAE pressure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from retrofit import climate

HOURS = np.arange(24)


def _synthetic_year() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """365 days of hourly dry-bulb: 100 days at 8 °C, 165 at 22 °C, 100 at 29 °C (daily means).

    Each day swings ±6 K sinusoidally around its mean, so 22 °C days have hours below 18 °C and
    above 26 °C: only degree-days from daily means (GB 50176-2016) give exactly
    HDD18 = 100 × 10 = 1000 and CDD26 = 100 × 3 = 300 °C·d.
    """
    dates = pd.date_range("2021-01-01", periods=365, freq="D")
    daily_mean_c = np.repeat([8.0, 22.0, 29.0], [100, 165, 100])
    swing_c = 6.0 * np.sin(2 * np.pi * HOURS / 24)
    dry_bulb_c = (daily_mean_c[:, None] + swing_c[None, :]).ravel()
    month = np.repeat(dates.month.to_numpy(), 24)
    day = np.repeat(dates.day.to_numpy(), 24)
    return month, day, dry_bulb_c


def test_daily_mean_of_hand_values():
    month = [1] * 24 + [1] * 24
    day = [1] * 24 + [2] * 24
    dry_bulb_c = [0.0] * 12 + [12.0] * 12 + list(range(24))
    daily = climate.daily_mean_dry_bulb_c(month, day, dry_bulb_c)
    assert list(daily.index) == [(1, 1), (1, 2)]
    assert_allclose(daily.to_numpy(), [6.0, 11.5])


def test_degree_days_of_synthetic_year_by_hand():
    month, day, dry_bulb_c = _synthetic_year()
    daily = climate.daily_mean_dry_bulb_c(month, day, dry_bulb_c)
    assert len(daily) == 365
    assert_allclose(climate.heating_degree_days(daily), 1000.0, atol=1e-9)
    assert_allclose(climate.cooling_degree_days(daily), 300.0, atol=1e-9)
    # summed hour by hour instead, the 22 °C days would add degree-days: the method matters
    assert np.maximum(0, 18.0 - dry_bulb_c).sum() / 24 > 1000.0 + 1.0


def test_degree_days_hand_examples_and_bases():
    assert climate.heating_degree_days([10.0, 20.0, 17.5]) == pytest.approx(8.5)
    assert climate.cooling_degree_days([25.0, 28.0, 30.5]) == pytest.approx(6.5)
    assert climate.heating_degree_days([10.0, 20.0], base_c=21.0) == pytest.approx(12.0)
    assert climate.cooling_degree_days([10.0, 20.0], base_c=15.0) == pytest.approx(5.0)
    assert climate.HDD_BASE_C == 18.0 and climate.CDD_BASE_C == 26.0  # GB 50176-2016


def test_degree_days_reject_nan():
    with pytest.raises(ValueError, match="NaN"):
        climate.heating_degree_days([1.0, np.nan])
    with pytest.raises(ValueError, match="NaN"):
        climate.cooling_degree_days([np.nan])


def test_monthly_mean_by_hand_and_missing_months():
    monthly = climate.monthly_mean_dry_bulb_c([1, 1, 2, 12], [1.0, 3.0, 5.0, -4.0])
    assert list(monthly.index) == list(range(1, 13))
    assert_allclose(monthly[[1, 2, 12]].to_numpy(), [2.0, 5.0, -4.0])
    assert monthly[3:11].isna().all()


def test_length_mismatch_raises():
    with pytest.raises(ValueError, match="differ in length"):
        climate.daily_mean_dry_bulb_c([1, 1], [1], [0.0, 1.0])
    with pytest.raises(ValueError, match="differ in length"):
        climate.monthly_mean_dry_bulb_c([1], [0.0, 1.0])


@pytest.mark.parametrize(
    ("elevation_m", "pressure_kpa"),
    # ASHRAE Handbook -- Fundamentals 2017, Ch. 1, Table 1 (standard atmospheric data)
    [(-500, 107.478), (0, 101.325), (500, 95.461), (1000, 89.875), (5000, 54.020)],
)
def test_pressure_matches_ashrae_table_1(elevation_m, pressure_kpa):
    # the table is printed to 1 Pa
    assert_allclose(climate.atmospheric_pressure_pa(elevation_m), pressure_kpa * 1000, atol=1.0)


def test_pressure_matches_ddy_and_accepts_arrays():
    # the Shanghai-Hongqiao DDY (3 m) writes 101289. Pa in its design days
    assert round(climate.atmospheric_pressure_pa(3.0)) == 101289
    pressures_pa = climate.atmospheric_pressure_pa(np.array([0.0, 1000.0]))
    assert_allclose(pressures_pa, [101325.0, 89874.5], atol=1.0)


def test_pressure_outside_valid_range():
    with pytest.raises(ValueError, match="outside -5000..11000"):
        climate.atmospheric_pressure_pa(12000.0)
