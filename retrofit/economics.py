"""Retrofit economics: capital recovery, NPV, payback, IRR, cost per tonne of CO2 and the MACC.

Pure functions: no files, no printing. Every rate, lifetime, price and cost comes in as an
argument. Sign conventions, the same in every function:

* ``capex_rmb`` -- capital cost of the measure at year 0 [RMB] (positive = money spent);
* ``annual_saving_rmb`` / ``energy_cost_saving_rmb`` -- energy-cost saving [RMB/a]
  (baseline cost - variant cost; positive = the measure saves money);
* ``om_change_rmb_per_year`` -- change in operation and maintenance cost [RMB/a]
  (positive = the measure costs more to run; as
  :meth:`retrofit.measures.base.Measure.om_change_rmb_per_year`);
* ``discount_rate`` -- a *real* annual rate (a fraction, 0.08 = 8 %), with every cash flow in
  constant year-0 prices (the constant-dollar method of NIST Handbook 135, Fuller & Petersen
  1995, ch. 4): no escalation of energy prices or of replacement costs;
* cash flows fall at the end of each year (year 1 .. N), the capital cost at year 0 (the
  end-of-year convention of NIST Handbook 135 and of standard engineering-economics texts, e.g.
  Newnan, Eschenbach & Lavelle, *Engineering Economic Analysis*).

Inputs broadcast like numpy arrays; a scalar call returns a float. ``NaN`` in any input gives
``NaN`` out (a failed variant stays a gap, not an error); values that are never valid (a
lifetime <= 0, a discount rate <= -100 %, a non-integer analysis period) raise ``ValueError``.

Levelised cost per tonne (the glossary's ``cost_per_tco2_rmb``)::

    cost_per_tco2_rmb = (capex_rmb * CRF(discount_rate, lifetime_years)
                         + om_change_rmb_per_year - energy_cost_saving_rmb) / annual_tco2_abated

negative means the measure pays for itself. Measures with different lifetimes compare on these
annualised terms (issue 5, item 6).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import brentq

__all__ = [
    "IRR_GRID_POINTS",
    "IRR_RATE_MAX",
    "IRR_RATE_MIN",
    "TIME_TOLERANCE_YEARS",
    "annualised_capex_rmb",
    "capital_recovery_factor",
    "cash_flows_rmb",
    "cost_per_tce_rmb",
    "cost_per_tco2_rmb",
    "economics_table",
    "equivalent_annual_cost_rmb",
    "irr",
    "macc",
    "npv_rmb",
    "present_value_rmb",
    "simple_payback_years",
    "uniform_present_value_factor",
]

#: Lowest and highest annual rate :func:`irr` searches [fraction]: -99 % to +100 000 %. A rate
#: outside this range is not a useful answer for a building retrofit (a measure that pays back
#: in well under a day, or loses 99 % of its value each year); :func:`irr` returns NaN then.
IRR_RATE_MIN = -0.99
IRR_RATE_MAX = 1000.0

#: Points of the grid, uniform in ``log(1 + rate)``, on which :func:`irr` looks for sign changes
#: of the NPV before refining each one with Brent's method. 2000 points put about 0.6 % of
#: ``1 + rate`` between neighbours: two roots closer than that are missed (and the IRR of such
#: a cash flow is ambiguous anyway).
IRR_GRID_POINTS = 2000

#: Two times closer than this are the same time [years] (about 0.03 s): replacements that fall
#: on the end of the analysis period, or on a whole year, despite floating-point rounding.
TIME_TOLERANCE_YEARS = 1e-9

# Required columns of economics_table and the columns of macc.
_TABLE_COLUMNS = (
    "capex_rmb",
    "lifetime_years",
    "energy_cost_saving_rmb",
    "om_change_rmb_per_year",
    "emissions_saving_tco2",
)
_MACC_INPUT_COLUMNS = ("name", "annual_tco2_abated", "cost_per_tco2_rmb")


# ------------------------------------------------------------------------------------ checks


def _result(x: np.ndarray) -> Any:
    """A float for a scalar result, the array otherwise."""
    return float(x) if np.ndim(x) == 0 else x


def _array(value: Any, name: str) -> np.ndarray:
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric (got {value!r})") from exc


def _discount_rate(discount_rate: Any) -> np.ndarray:
    r = _array(discount_rate, "discount_rate")
    bad = ~np.isnan(r) & ~(np.isfinite(r) & (r > -1.0))
    if np.any(bad):
        raise ValueError(
            f"discount_rate must be a finite fraction > -1 (0.08 = 8 %), got {r[bad].tolist()}"
        )
    return r


def _positive_years(years: Any, name: str) -> np.ndarray:
    y = _array(years, name)
    bad = ~np.isnan(y) & ~(np.isfinite(y) & (y > 0))
    if np.any(bad):
        raise ValueError(f"{name} must be finite and > 0 [years], got {y[bad].tolist()}")
    return y


def _whole_years(years: Any, name: str) -> np.ndarray:
    y = _positive_years(years, name)
    bad = ~np.isnan(y) & (np.abs(y - np.round(y)) > TIME_TOLERANCE_YEARS)
    if np.any(bad):
        raise ValueError(f"{name} must be a whole number of years, got {y[bad].tolist()}")
    return np.round(y)


def _log_growth(r: np.ndarray) -> np.ndarray:
    """``log(1 + r)``: discounting ``t`` years is ``exp(-t * log(1 + r))``."""
    return np.log1p(r)


# -------------------------------------------------------------------------- annuity factors


def capital_recovery_factor(discount_rate: Any, lifetime_years: Any) -> Any:
    """Capital recovery factor: the uniform annual payment that repays 1 RMB over a lifetime.

    ``CRF = r (1 + r)^n / ((1 + r)^n - 1) = r / (1 - (1 + r)^-n)``, and ``1 / n`` at ``r = 0``
    (its limit). Standard engineering-economics formula (e.g. Newnan et al., *Engineering
    Economic Analysis*, the (A/P, i, n) factor); it is the reciprocal of the uniform present
    value factor (UPV) of NIST Handbook 135 (Fuller & Petersen 1995, ch. 4).

    Parameters
    ----------
    discount_rate : float or array_like
        Real annual discount rate [fraction], > -1.
    lifetime_years : float or array_like
        Service life [years], > 0 (need not be whole: the formula holds for real ``n``).

    Returns
    -------
    float or numpy.ndarray
        CRF [1/year]. E.g. 0.149029... at 8 % over 10 years.

    Raises
    ------
    ValueError
        A discount rate <= -1 or not finite; a lifetime <= 0 or not finite.
    """
    r = _discount_rate(discount_rate)
    n = _positive_years(lifetime_years, "lifetime_years")
    r, n = np.broadcast_arrays(r, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        # -expm1(-n log1p r) = 1 - (1 + r)^-n, accurate for small r
        crf = np.where(r == 0.0, 1.0 / n, r / -np.expm1(-n * _log_growth(r)))
    return _result(crf)


def uniform_present_value_factor(discount_rate: Any, years: Any) -> Any:
    """Present value of 1 RMB a year at the end of each of ``years`` years.

    ``UPV = (1 - (1 + r)^-n) / r`` and ``n`` at ``r = 0``: the UPV factor of NIST Handbook 135
    (Fuller & Petersen 1995, ch. 4), the (P/A, i, n) factor of engineering-economics texts,
    ``1 / CRF``.

    Parameters
    ----------
    discount_rate : float or array_like
        Real annual discount rate [fraction], > -1.
    years : float or array_like
        Number of annual payments [years], > 0.

    Returns
    -------
    float or numpy.ndarray
        UPV [years]. E.g. 7.721735 at 5 % over 10 years.
    """
    return _result(1.0 / np.asarray(capital_recovery_factor(discount_rate, years)))


def annualised_capex_rmb(capex_rmb: Any, discount_rate: Any, lifetime_years: Any) -> Any:
    """Capital cost spread evenly over the lifetime: ``capex_rmb * CRF(discount_rate, lifetime)``.

    Parameters
    ----------
    capex_rmb : float or array_like
        Capital cost at year 0 [RMB].
    discount_rate : float or array_like
        Real annual discount rate [fraction], > -1.
    lifetime_years : float or array_like
        Service life [years], > 0.

    Returns
    -------
    float or numpy.ndarray
        Annualised capital cost [RMB/a] (the sign of ``capex_rmb``).
    """
    capex = _array(capex_rmb, "capex_rmb")
    return _result(capex * np.asarray(capital_recovery_factor(discount_rate, lifetime_years)))


# ------------------------------------------------------------------------------------ NPV


def npv_rmb(
    capex_rmb: Any,
    annual_saving_rmb: Any,
    om_change_rmb_per_year: Any,
    discount_rate: Any,
    analysis_period_years: Any,
    lifetime_years: Any,
) -> Any:
    """Net present value of a measure over an analysis period, with replacements and salvage.

    Convention (NIST Handbook 135, Fuller & Petersen 1995, ch. 4-5: constant prices, real rate,
    replacements at end of life, residual value at the end of the study period):

    * the measure is bought at year 0 for ``capex_rmb`` and bought again, at the same real cost,
      at the end of each lifetime that ends *before* the analysis period does (years ``L``,
      ``2L``, ... < ``N``; a lifetime that ends exactly at ``N`` is not replaced);
    * the net saving ``annual_saving_rmb - om_change_rmb_per_year`` falls at the end of each
      year 1 .. ``N``;
    * at year ``N`` the last installation is credited with a straight-line residual value,
      ``capex_rmb * (remaining life at N) / L`` -- the linear proration of initial cost that
      NIST Handbook 135 gives as the usual approximation of residual value. It is 0 when ``N``
      is a whole number of lifetimes.

    ``NPV = -C * sum_{k: kL < N} (1 + r)^-kL + (S - OM) * UPV(r, N)
    + C * (m L - N) / L * (1 + r)^-N`` with ``m`` the number of installations.

    Parameters
    ----------
    capex_rmb : float or array_like
        Capital cost of one installation [RMB].
    annual_saving_rmb : float or array_like
        Annual energy-cost saving [RMB/a] (positive = saving).
    om_change_rmb_per_year : float or array_like
        Change in annual O&M cost [RMB/a] (positive = more cost).
    discount_rate : float or array_like
        Real annual discount rate [fraction], > -1; 0 gives the undiscounted sum.
    analysis_period_years : int or array_like
        Study period ``N`` [years], a whole number > 0.
    lifetime_years : float or array_like
        Service life ``L`` [years], > 0 (need not be whole: a replacement then falls between
        year ends and is discounted at its own time).

    Returns
    -------
    float or numpy.ndarray
        NPV [RMB]; positive = the savings are worth more than the costs.

    Raises
    ------
    ValueError
        An invalid discount rate, lifetime or analysis period (see the module notes).

    See Also
    --------
    cash_flows_rmb : the same convention as a list of dated cash flows (for :func:`irr`).
    """
    capex = _array(capex_rmb, "capex_rmb")
    saving = _array(annual_saving_rmb, "annual_saving_rmb")
    om = _array(om_change_rmb_per_year, "om_change_rmb_per_year")
    r = _discount_rate(discount_rate)
    n = _whole_years(analysis_period_years, "analysis_period_years")
    life = _positive_years(lifetime_years, "lifetime_years")
    capex, saving, om, r, n, life = np.broadcast_arrays(capex, saving, om, r, n, life)

    g = _log_growth(r)
    installations = np.ceil((n - TIME_TOLERANCE_YEARS) / life)
    remaining_years = np.maximum(installations * life - n, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        # sum_{k=0}^{m-1} q^k with q = (1 + r)^-L: (1 - q^m) / (1 - q), or m when r = 0
        purchases = np.where(
            r == 0.0, installations, np.expm1(-installations * life * g) / np.expm1(-life * g)
        )
    upv = np.asarray(uniform_present_value_factor(r, n))
    residual_rmb = capex * remaining_years / life
    npv = -capex * purchases + (saving - om) * upv + residual_rmb * np.exp(-n * g)
    return _result(npv)


def cash_flows_rmb(
    capex_rmb: float,
    annual_saving_rmb: float,
    om_change_rmb_per_year: float,
    analysis_period_years: int,
    lifetime_years: float,
) -> tuple[np.ndarray, np.ndarray]:
    """The dated cash flows behind :func:`npv_rmb` (same convention), for one measure.

    Parameters
    ----------
    capex_rmb, annual_saving_rmb, om_change_rmb_per_year : float
        As in :func:`npv_rmb` [RMB, RMB/a, RMB/a].
    analysis_period_years : int
        Study period ``N`` [years], a whole number > 0.
    lifetime_years : float
        Service life ``L`` [years], > 0.

    Returns
    -------
    times_years : numpy.ndarray
        Times of the cash flows [years], ascending: 0, 1, ..., N, and any replacement that falls
        between year ends.
    flows_rmb : numpy.ndarray
        Net cash flow at each time [RMB] (positive = money in): ``-capex`` at 0; the net saving
        each year; ``-capex`` added at each replacement; the residual value added at ``N``.

    Examples
    --------
    >>> t, f = cash_flows_rmb(1000.0, 300.0, 50.0, 3, 2.0)
    >>> t.tolist(), f.tolist()
    ([0.0, 1.0, 2.0, 3.0], [-1000.0, 250.0, -750.0, 750.0])
    """
    values = (capex_rmb, annual_saving_rmb, om_change_rmb_per_year)
    if any(np.ndim(v) for v in (*values, analysis_period_years, lifetime_years)):
        raise ValueError("cash_flows_rmb takes scalars (one measure)")
    capex, saving, om = (float(v) for v in values)
    period = float(_whole_years(analysis_period_years, "analysis_period_years"))
    life = float(_positive_years(lifetime_years, "lifetime_years"))
    if math.isnan(period) or math.isnan(life):
        raise ValueError("cash_flows_rmb: analysis_period_years and lifetime_years are NaN")
    n = int(period)

    flows = np.full(n + 1, saving - om)
    flows[0] = -capex
    off_grid: dict[float, float] = {}
    k = 1
    while k * life < n - TIME_TOLERANCE_YEARS:
        t = k * life
        year = round(t)
        if abs(t - year) <= TIME_TOLERANCE_YEARS:
            flows[year] -= capex
        else:
            off_grid[t] = off_grid.get(t, 0.0) - capex
        k += 1
    remaining_years = max(k * life - n, 0.0)  # k = number of installations
    flows[n] += capex * remaining_years / life

    times = np.concatenate([np.arange(n + 1, dtype=float), np.fromiter(off_grid, float)])
    flows = np.concatenate([flows, np.fromiter(off_grid.values(), float)])
    order = np.argsort(times, kind="stable")
    return times[order], flows[order]


def present_value_rmb(cash_flows_rmb: Any, discount_rate: float, times_years: Any = None) -> float:
    """Present value of dated cash flows: ``sum_i CF_i (1 + r)^-t_i``.

    Parameters
    ----------
    cash_flows_rmb : array_like
        Cash flows [RMB] (positive = money in).
    discount_rate : float
        Real annual discount rate [fraction], > -1.
    times_years : array_like, optional
        Time of each flow [years]; default 0, 1, 2, ... (the first flow undiscounted).

    Returns
    -------
    float
        Present value at time 0 [RMB]; NaN if any flow is NaN.
    """
    flows = _array(cash_flows_rmb, "cash_flows_rmb").ravel()
    times = _times(flows, times_years)
    r = float(_discount_rate(discount_rate))
    return float(np.sum(flows * np.exp(-times * math.log1p(r))))


def _times(flows: np.ndarray, times_years: Any) -> np.ndarray:
    if times_years is None:
        return np.arange(flows.size, dtype=float)
    times = _array(times_years, "times_years").ravel()
    if times.shape != flows.shape:
        raise ValueError(
            f"times_years has {times.size} values for {flows.size} cash flows: give one a flow"
        )
    if not np.all(np.isfinite(times)):
        raise ValueError("times_years must be finite")
    return times


def irr(cash_flows: Any, times_years: Any = None) -> float:
    """Internal rate of return: the discount rate at which the cash flows' NPV is zero.

    The NPV is evaluated on a grid of rates (:data:`IRR_GRID_POINTS` points uniform in
    ``log(1 + r)`` from :data:`IRR_RATE_MIN` to :data:`IRR_RATE_MAX`); each sign change brackets
    a root, refined with Brent's method (:func:`scipy.optimize.brentq`). The IRR is defined only
    when there is exactly one root (the textbook condition; NIST Handbook 135 ch. 5 and
    engineering-economics texts note that cash flows changing sign more than once -- e.g. a
    replacement in mid-study -- can have several).

    Parameters
    ----------
    cash_flows : array_like
        Net cash flows [RMB] (positive = money in), the first usually the negative capex.
    times_years : array_like, optional
        Time of each flow [years]; default 0, 1, 2, ... (as from :func:`cash_flows_rmb`).

    Returns
    -------
    float
        IRR [fraction per year]; NaN when it is not defined: any flow NaN, no sign change in the
        flows (all costs, or all savings -- e.g. zero capex: the IRR is infinite), no root in
        the searched range, or more than one root.

    Examples
    --------
    >>> round(irr([-100.0, 60.0, 60.0]), 6)  # 60/(1+i) + 60/(1+i)^2 = 100
    0.130662
    """
    flows = _array(cash_flows, "cash_flows").ravel()
    times = _times(flows, times_years)
    if flows.size == 0 or not np.all(np.isfinite(flows)):
        return math.nan
    if not (np.any(flows > 0) and np.any(flows < 0)):
        return math.nan

    def npv_at(log_growth: float) -> float:
        return float(np.sum(flows * np.exp(-times * log_growth)))

    grid = np.linspace(math.log1p(IRR_RATE_MIN), math.log1p(IRR_RATE_MAX), IRR_GRID_POINTS)
    with np.errstate(over="ignore", invalid="ignore"):
        values = np.array([npv_at(g) for g in grid])
    roots: list[float] = []
    for i in range(grid.size - 1):
        a, b = values[i], values[i + 1]
        if not (np.isfinite(a) and np.isfinite(b)):
            continue
        if a == 0.0:
            roots.append(grid[i])
        elif a * b < 0.0:
            roots.append(brentq(npv_at, grid[i], grid[i + 1], xtol=1e-14, rtol=1e-14))
    if np.isfinite(values[-1]) and values[-1] == 0.0:
        roots.append(grid[-1])
    if len(roots) != 1:
        return math.nan
    return math.expm1(roots[0])


def simple_payback_years(capex_rmb: Any, annual_net_saving_rmb: Any) -> Any:
    """Simple (undiscounted) payback: ``capex_rmb / annual_net_saving_rmb``.

    Parameters
    ----------
    capex_rmb : float or array_like
        Capital cost [RMB].
    annual_net_saving_rmb : float or array_like
        Energy-cost saving less the O&M increase [RMB/a].

    Returns
    -------
    float or numpy.ndarray
        Payback [years]: ``inf`` when the net saving is <= 0 (never pays back, zero capex
        included); 0 when the capex is <= 0 and the saving positive (nothing to recover); NaN
        when either input is NaN.
    """
    capex = _array(capex_rmb, "capex_rmb")
    saving = _array(annual_net_saving_rmb, "annual_net_saving_rmb")
    capex, saving = np.broadcast_arrays(capex, saving)
    with np.errstate(divide="ignore", invalid="ignore"):
        payback = np.where(saving > 0, np.maximum(capex, 0.0) / saving, np.inf)
    payback = np.where(np.isnan(capex) | np.isnan(saving), np.nan, payback)
    return _result(payback)


def equivalent_annual_cost_rmb(
    capex_rmb: Any,
    annual_saving_rmb: Any,
    om_change_rmb_per_year: Any,
    discount_rate: Any,
    analysis_period_years: Any,
    lifetime_years: Any,
) -> Any:
    """Net equivalent annual cost: the NPV turned into a level annual amount over the period.

    ``EAC = -NPV * CRF(discount_rate, analysis_period_years)`` (the annual-value method of
    engineering-economics texts; NIST Handbook 135 ch. 5 on comparing alternatives of different
    lives on an annual basis), with the NPV of :func:`npv_rmb` (replacements and straight-line
    residual value). When the period is a whole number of lifetimes it equals
    ``annualised_capex_rmb + om_change_rmb_per_year - annual_saving_rmb``, the numerator of
    :func:`cost_per_tco2_rmb`.

    Parameters
    ----------
    capex_rmb, annual_saving_rmb, om_change_rmb_per_year, discount_rate, analysis_period_years,
    lifetime_years
        As in :func:`npv_rmb`.

    Returns
    -------
    float or numpy.ndarray
        Equivalent annual cost [RMB/a]; positive = a net cost each year, negative = a net gain.
    """
    npv = np.asarray(
        npv_rmb(
            capex_rmb,
            annual_saving_rmb,
            om_change_rmb_per_year,
            discount_rate,
            analysis_period_years,
            lifetime_years,
        )
    )
    crf = np.asarray(capital_recovery_factor(discount_rate, analysis_period_years))
    return _result(-npv * crf)


# -------------------------------------------------------------------------- cost per tonne


def _levelised_cost_per_unit(
    annualised_capex: Any, om_change: Any, energy_cost_saving: Any, annual_units_saved: Any
) -> Any:
    capex = _array(annualised_capex, "annualised_capex_rmb")
    om = _array(om_change, "om_change_rmb_per_year")
    saving = _array(energy_cost_saving, "annual_energy_cost_saving_rmb")
    units = _array(annual_units_saved, "annual saving")
    net_cost = capex + om - saving
    with np.errstate(divide="ignore", invalid="ignore"):
        cost = np.where(units > 0, net_cost / units, np.nan)
    return _result(cost)


def cost_per_tco2_rmb(
    annualised_capex_rmb: Any,
    om_change_rmb_per_year: Any,
    annual_energy_cost_saving_rmb: Any,
    annual_tco2_abated: Any,
) -> Any:
    """Levelised cost of abatement (the glossary's ``cost_per_tco2_rmb``).

    ``(annualised_capex_rmb + om_change_rmb_per_year - annual_energy_cost_saving_rmb) /
    annual_tco2_abated`` -- the usual definition of a marginal-abatement-cost-curve entry
    (annualised net cost of the measure over the emissions it avoids in a year; e.g. McKinsey
    & Company, *Pathways to a Low-Carbon Economy*, 2009, and issue 5 item 6).

    Parameters
    ----------
    annualised_capex_rmb : float or array_like
        Capital cost times the capital recovery factor [RMB/a] (:func:`annualised_capex_rmb`).
    om_change_rmb_per_year : float or array_like
        Change in O&M cost [RMB/a] (positive = more cost).
    annual_energy_cost_saving_rmb : float or array_like
        Energy-cost saving [RMB/a] (positive = saving).
    annual_tco2_abated : float or array_like
        Emissions avoided [tCO2/a] (baseline - variant).

    Returns
    -------
    float or numpy.ndarray
        Cost per tonne [RMB/tCO2]; negative = the measure pays for itself. NaN when the
        abatement is <= 0 or NaN: with nothing abated the ratio is not a cost of abatement
        (it would be +-inf), and with emissions *increased* its sign would mislead (a costly
        measure that raises emissions would look like one that pays for itself). Such measures
        are left out of the MACC by :func:`macc`.
    """
    return _levelised_cost_per_unit(
        annualised_capex_rmb,
        om_change_rmb_per_year,
        annual_energy_cost_saving_rmb,
        annual_tco2_abated,
    )


def cost_per_tce_rmb(
    annualised_capex_rmb: Any,
    om_change_rmb_per_year: Any,
    annual_energy_cost_saving_rmb: Any,
    annual_tce_saved: Any,
) -> Any:
    """Levelised cost of energy saved per tonne of standard coal (issue 5 item 6).

    The same formula and conventions as :func:`cost_per_tco2_rmb`, divided by the energy saved
    [tce/a] instead of the CO2 abated.

    Returns
    -------
    float or numpy.ndarray
        Cost per tce saved [RMB/tce]; negative = pays for itself; NaN when the saving is <= 0.
    """
    return _levelised_cost_per_unit(
        annualised_capex_rmb,
        om_change_rmb_per_year,
        annual_energy_cost_saving_rmb,
        annual_tce_saved,
    )


# -------------------------------------------------------------------------------------- MACC


def macc(items: pd.DataFrame | Iterable[tuple] | Iterable[Mapping]) -> pd.DataFrame:
    """Marginal abatement cost curve: measures ordered by cost per tonne, with bar edges.

    The usual MACC construction (bars of width = annual abatement and height = cost per tonne,
    cheapest first; McKinsey & Company 2009; issue 5 item 7). For the incremental steps of a
    stacked sequence the abatement of a step is its saving over the previous step.

    Parameters
    ----------
    items : DataFrame or iterable
        One entry per measure (or per step): a DataFrame with columns ``name``,
        ``annual_tco2_abated`` [tCO2/a] and ``cost_per_tco2_rmb`` [RMB/tCO2], and optionally
        ``comfort_ok`` (bool, from :func:`retrofit.savings.savings`); or an iterable of
        ``(name, annual_tco2_abated, cost_per_tco2_rmb)`` tuples or of mappings with those keys.

    Returns
    -------
    pandas.DataFrame
        The input columns plus:

        * ``included`` -- on the curve;
        * ``excluded_reason`` -- why not (empty when included): ``"abatement <= 0"`` (nothing
          abated, or emissions increased: not an abatement option), ``"cost per tCO2 not
          finite"`` (NaN or inf), ``"breaks comfort"`` (``comfort_ok`` False);
        * ``cumulative_start_tco2``, ``cumulative_end_tco2`` -- the bar's left and right edges,
          cumulative abatement [tCO2/a];
        * ``annual_cost_rmb`` -- bar area, ``cost_per_tco2_rmb * annual_tco2_abated`` [RMB/a];
        * ``cumulative_annual_cost_rmb`` [RMB/a].

        Included rows come first, by ``cost_per_tco2_rmb`` ascending (ties keep the input
        order); excluded rows follow in input order with NaN edges and costs.
    """
    table = _macc_frame(items)
    abated = pd.to_numeric(table["annual_tco2_abated"], errors="coerce").astype(float)
    cost = pd.to_numeric(table["cost_per_tco2_rmb"], errors="coerce").astype(float)
    table["annual_tco2_abated"] = abated
    table["cost_per_tco2_rmb"] = cost

    reason = pd.Series("", index=table.index, dtype=object)
    if "comfort_ok" in table:
        comfort_ok = table["comfort_ok"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        reason[~comfort_ok] = "breaks comfort"
    reason[~np.isfinite(cost.to_numpy())] = "cost per tCO2 not finite"
    reason[~(abated > 0)] = "abatement <= 0"
    table["included"] = reason == ""
    table["excluded_reason"] = reason

    on_curve = table[table["included"]].sort_values("cost_per_tco2_rmb", kind="mergesort")
    off_curve = table[~table["included"]]
    on_curve = on_curve.assign(
        cumulative_end_tco2=on_curve["annual_tco2_abated"].cumsum(),
        annual_cost_rmb=on_curve["cost_per_tco2_rmb"] * on_curve["annual_tco2_abated"],
    )
    on_curve["cumulative_start_tco2"] = (
        on_curve["cumulative_end_tco2"] - on_curve["annual_tco2_abated"]
    )
    on_curve["cumulative_annual_cost_rmb"] = on_curve["annual_cost_rmb"].cumsum()
    off_curve = off_curve.assign(
        cumulative_start_tco2=np.nan,
        cumulative_end_tco2=np.nan,
        annual_cost_rmb=np.nan,
        cumulative_annual_cost_rmb=np.nan,
    )
    columns = [
        *table.columns,
        "cumulative_start_tco2",
        "cumulative_end_tco2",
        "annual_cost_rmb",
        "cumulative_annual_cost_rmb",
    ]
    parts = [p[columns] for p in (on_curve, off_curve) if not p.empty]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)


def _macc_frame(items: Any) -> pd.DataFrame:
    if isinstance(items, pd.DataFrame):
        table = items.copy()
    else:
        rows = list(items)
        if rows and all(isinstance(row, Mapping) for row in rows):
            table = pd.DataFrame(rows)
        else:
            bad = [row for row in rows if isinstance(row, Mapping) or len(row) != 3]
            if bad:
                raise ValueError(
                    "macc items must be (name, annual_tco2_abated, cost_per_tco2_rmb) tuples "
                    f"or mappings with those keys; got {bad[0]!r}"
                )
            table = pd.DataFrame(rows, columns=list(_MACC_INPUT_COLUMNS))
    missing = [c for c in _MACC_INPUT_COLUMNS if c not in table]
    if missing:
        raise ValueError(f"macc items lack {', '.join(missing)}")
    return table.reset_index(drop=True)


# ------------------------------------------------------------------------------------ table


def economics_table(
    df: pd.DataFrame, discount_rate: float, analysis_period_years: int
) -> pd.DataFrame:
    """Add the economic indicators to a table of measures or variants (one row each).

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``capex_rmb`` [RMB], ``lifetime_years`` [years], ``energy_cost_saving_rmb``
        [RMB/a], ``om_change_rmb_per_year`` [RMB/a] and ``emissions_saving_tco2`` [tCO2/a];
        optionally ``energy_saving_tce`` [tce/a]. Other columns are carried through. Not
        modified.
    discount_rate : float
        Real annual discount rate [fraction].
    analysis_period_years : int
        Study period [years], a whole number.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` with ``annualised_capex_rmb`` (over each row's lifetime), ``npv_rmb``,
        ``simple_payback_years`` (on the net saving, energy less O&M), ``irr`` (of
        :func:`cash_flows_rmb`; NaN where undefined), ``equivalent_annual_cost_rmb`` and
        ``cost_per_tco2_rmb`` (and ``cost_per_tce_rmb`` when ``energy_saving_tce`` is given),
        with the conventions of the functions of the same names. A row with a NaN input gets
        NaN indicators (``simple_payback_years`` stays defined when its own inputs are).

    Raises
    ------
    ValueError
        A required column is missing, or an invalid rate, period or lifetime.
    """
    missing = [c for c in _TABLE_COLUMNS if c not in df]
    if missing:
        raise ValueError(f"economics_table: missing columns {', '.join(missing)}")
    if np.ndim(discount_rate) or np.ndim(analysis_period_years):
        raise ValueError("economics_table takes one discount_rate and one analysis period")
    out = df.copy()
    capex = out["capex_rmb"].to_numpy(dtype=float)
    life = out["lifetime_years"].to_numpy(dtype=float)
    saving = out["energy_cost_saving_rmb"].to_numpy(dtype=float)
    om = out["om_change_rmb_per_year"].to_numpy(dtype=float)
    abated = out["emissions_saving_tco2"].to_numpy(dtype=float)

    annualised = np.asarray(annualised_capex_rmb(capex, discount_rate, life))
    out["annualised_capex_rmb"] = annualised
    out["npv_rmb"] = npv_rmb(capex, saving, om, discount_rate, analysis_period_years, life)
    out["simple_payback_years"] = simple_payback_years(capex, saving - om)
    out["irr"] = [
        _irr_of_measure(c, s, o, analysis_period_years, n)
        for c, s, o, n in zip(capex, saving, om, life, strict=True)
    ]
    out["equivalent_annual_cost_rmb"] = equivalent_annual_cost_rmb(
        capex, saving, om, discount_rate, analysis_period_years, life
    )
    out["cost_per_tco2_rmb"] = cost_per_tco2_rmb(annualised, om, saving, abated)
    if "energy_saving_tce" in out:
        tce = out["energy_saving_tce"].to_numpy(dtype=float)
        out["cost_per_tce_rmb"] = cost_per_tce_rmb(annualised, om, saving, tce)
    return out


def _irr_of_measure(
    capex_rmb: float, saving_rmb: float, om_rmb: float, period_years: int, lifetime_years: float
) -> float:
    """:func:`irr` of :func:`cash_flows_rmb`; NaN when an input is NaN."""
    if np.isnan([capex_rmb, saving_rmb, om_rmb, lifetime_years]).any():
        return math.nan
    times, flows = cash_flows_rmb(capex_rmb, saving_rmb, om_rmb, period_years, lifetime_years)
    return irr(flows, times)
