"""Climate metrics from hourly weather: daily and monthly means, degree-days, standard pressure.

Pure functions: arrays in, numbers out. Nothing here opens a file; :mod:`retrofit.weather` reads
the EPW and passes its columns in.

References
----------
.. [1] GB 50176-2016 民用建筑热工设计规范 (Code for thermal design of civil building), Section 2.1
   (terms): 供暖度日数 HDD18 and 空调度日数 CDD26.
.. [2] ASHRAE Handbook -- Fundamentals (2017 and 2021), Chapter 1 Psychrometrics, Equation (3)
   (U.S. Standard Atmosphere, 1976).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

if TYPE_CHECKING:
    import pandas as pd

#: Base temperature of heating degree-days, HDD18 [°C]. GB 50176-2016, Section 2.1 [1]_.
HDD_BASE_C = 18.0

#: Base temperature of cooling degree-days, CDD26 [°C]. GB 50176-2016, Section 2.1 [1]_.
CDD_BASE_C = 26.0

#: Standard atmospheric pressure at sea level [Pa]. ASHRAE Fundamentals Ch. 1, Eq. (3) [2]_.
STANDARD_SEA_LEVEL_PRESSURE_PA = 101325.0

#: Lapse coefficient of the standard-atmosphere pressure equation [1/m]. ASHRAE Fundamentals
#: Ch. 1, Eq. (3) [2]_.
STANDARD_ATMOSPHERE_COEFFICIENT_PER_M = 2.25577e-5

#: Exponent of the standard-atmosphere pressure equation [-]. ASHRAE Fundamentals Ch. 1,
#: Eq. (3) [2]_.
STANDARD_ATMOSPHERE_EXPONENT = 5.2559

#: Elevation range in which ASHRAE states Eq. (3) is accurate [m]: -5000 to 11 000 m [2]_.
STANDARD_ATMOSPHERE_ELEVATION_RANGE_M = (-5000.0, 11000.0)

#: Calendar months, for monthly tables.
MONTHS = tuple(range(1, 13))


def daily_mean_dry_bulb_c(month: ArrayLike, day: ArrayLike, dry_bulb_c: ArrayLike) -> pd.Series:
    """Mean dry-bulb temperature of each calendar day.

    The daily mean is the arithmetic mean of all values on that (month, day); for an hourly EPW
    that is the mean of its 24 hourly values, the daily mean GB 50176-2016 [1]_ degree-days are
    summed over. (The mean of the daily maximum and minimum gives other degree-days: 1550/224
    instead of 1580/202 °C·d for the Shanghai-Hongqiao TMYx file.)

    Parameters
    ----------
    month : array-like of int
        Month of each value, 1..12.
    day : array-like of int
        Day of month of each value, 1..31.
    dry_bulb_c : array-like of float
        Dry-bulb temperature. [°C]

    Returns
    -------
    pandas.Series
        Daily mean dry-bulb temperature [°C], indexed by ``(month, day)`` in order of first
        appearance, named ``daily_mean_dry_bulb_c``.

    Raises
    ------
    ValueError
        If the three inputs differ in length.
    """
    month_arr, day_arr, dry_bulb_arr = (np.asarray(a) for a in (month, day, dry_bulb_c))
    if not (len(month_arr) == len(day_arr) == len(dry_bulb_arr)):
        raise ValueError(
            f"month, day and dry_bulb_c differ in length: "
            f"{len(month_arr)}, {len(day_arr)}, {len(dry_bulb_arr)}"
        )
    import pandas as pd  # imported on use: the engine starts before pandas loads

    frame = pd.DataFrame(
        {"month": month_arr, "day": day_arr, "dry_bulb_c": dry_bulb_arr.astype(float)}
    )
    daily = frame.groupby(["month", "day"], sort=False)["dry_bulb_c"].mean()
    return daily.rename("daily_mean_dry_bulb_c")


def _degree_days(excess_c: np.ndarray, what: str) -> float:
    if np.isnan(excess_c).any():
        raise ValueError(f"{what}: daily mean temperatures contain NaN")
    return float(np.clip(excess_c, 0.0, None).sum())


def heating_degree_days(daily_mean_c: ArrayLike, base_c: float = HDD_BASE_C) -> float:
    """Heating degree-days: sum over days of ``max(0, base_c - daily mean)``.

    GB 50176-2016, Section 2.1 [1]_: for each day of the year whose mean outdoor temperature is
    below 18 °C, the difference from 18 °C times 1 d; summed over the year gives HDD18.

    Parameters
    ----------
    daily_mean_c : array-like of float
        Daily mean outdoor dry-bulb temperature, one value a day (see
        :func:`daily_mean_dry_bulb_c`). [°C]
    base_c : float, default :data:`HDD_BASE_C` (18 °C, GB 50176-2016)
        Base temperature. [°C]

    Returns
    -------
    float
        Heating degree-days. [°C·d]

    Raises
    ------
    ValueError
        If ``daily_mean_c`` contains NaN.

    Examples
    --------
    >>> heating_degree_days([10.0, 20.0, 17.5])
    8.5
    """
    return _degree_days(base_c - np.asarray(daily_mean_c, dtype=float), "heating_degree_days")


def cooling_degree_days(daily_mean_c: ArrayLike, base_c: float = CDD_BASE_C) -> float:
    """Cooling degree-days: sum over days of ``max(0, daily mean - base_c)``.

    GB 50176-2016, Section 2.1 [1]_: for each day of the year whose mean outdoor temperature is
    above 26 °C, the difference from 26 °C times 1 d; summed over the year gives CDD26.

    Parameters
    ----------
    daily_mean_c : array-like of float
        Daily mean outdoor dry-bulb temperature, one value a day (see
        :func:`daily_mean_dry_bulb_c`). [°C]
    base_c : float, default :data:`CDD_BASE_C` (26 °C, GB 50176-2016)
        Base temperature. [°C]

    Returns
    -------
    float
        Cooling degree-days. [°C·d]

    Raises
    ------
    ValueError
        If ``daily_mean_c`` contains NaN.

    Examples
    --------
    >>> cooling_degree_days([25.0, 28.0, 30.5])
    6.5
    """
    return _degree_days(np.asarray(daily_mean_c, dtype=float) - base_c, "cooling_degree_days")


def monthly_mean_dry_bulb_c(month: ArrayLike, dry_bulb_c: ArrayLike) -> pd.Series:
    """Mean dry-bulb temperature of each calendar month.

    Parameters
    ----------
    month : array-like of int
        Month of each value, 1..12.
    dry_bulb_c : array-like of float
        Dry-bulb temperature (hourly values from an EPW, for instance). [°C]

    Returns
    -------
    pandas.Series
        Mean of all values in each month [°C], indexed by month 1..12 (NaN for a month with no
        values), named ``monthly_mean_dry_bulb_c``.

    Raises
    ------
    ValueError
        If the inputs differ in length.
    """
    month_arr, dry_bulb_arr = np.asarray(month), np.asarray(dry_bulb_c, dtype=float)
    if len(month_arr) != len(dry_bulb_arr):
        raise ValueError(
            f"month and dry_bulb_c differ in length: {len(month_arr)}, {len(dry_bulb_arr)}"
        )
    import pandas as pd

    monthly = pd.Series(dry_bulb_arr).groupby(month_arr).mean()
    return monthly.reindex(MONTHS).rename("monthly_mean_dry_bulb_c")


def atmospheric_pressure_pa(elevation_m: ArrayLike) -> float | np.ndarray:
    """Standard atmospheric pressure at an elevation.

    ASHRAE Handbook -- Fundamentals, Chapter 1, Eq. (3) [2]_::

        p = 101 325 (1 - 2.25577e-5 Z) ** 5.2559

    The barometric pressure the EnergyPlus weather converter writes into ``SizingPeriod:DesignDay``
    objects of DDY files (101 289 Pa at Shanghai-Hongqiao, 3 m).

    Parameters
    ----------
    elevation_m : numeric
        Elevation above sea level, within -5000..11000 m where ASHRAE states the equation is
        accurate. [m]

    Returns
    -------
    float or numpy.ndarray
        Atmospheric pressure. [Pa]

    Raises
    ------
    ValueError
        If an elevation is outside -5000..11000 m.

    Examples
    --------
    >>> round(atmospheric_pressure_pa(0.0))
    101325
    """
    z_m = np.asarray(elevation_m, dtype=float)
    low_m, high_m = STANDARD_ATMOSPHERE_ELEVATION_RANGE_M
    if np.any((z_m < low_m) | (z_m > high_m)) or np.isnan(z_m).any():
        raise ValueError(f"elevation {elevation_m} m outside {low_m:g}..{high_m:g} m")
    p_pa = STANDARD_SEA_LEVEL_PRESSURE_PA * (1.0 - STANDARD_ATMOSPHERE_COEFFICIENT_PER_M * z_m) ** (
        STANDARD_ATMOSPHERE_EXPONENT
    )
    return float(p_pa) if p_pa.ndim == 0 else p_pa
