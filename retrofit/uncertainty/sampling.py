"""The SALib plumbing: problems, samples, sensitivity indices, percentiles and rank
probabilities. Pure: no EnergyPlus, no files (but :func:`plot_indices`, which writes its PNG).

Every sample is drawn in the unit hypercube by SALib (Morris trajectories, Saltelli/Sobol'
sequences, Latin hypercube) or numpy (plain Monte Carlo), then each column is mapped through its
input's inverse CDF truncated to its finite support (:meth:`UncertainInput.ppf
<retrofit.uncertainty.inputs.UncertainInput.ppf>`): one code path honours every distribution,
keeps every value in the driver's physical range, and gives Morris its grid of levels on the
quantiles of non-uniform inputs (SALib's own non-uniform sampling maps unit samples through the
inverse CDF the same way, ``SALib.util._nonuniform_scale_samples``, but without truncation).

Methods (:data:`METHODS`):

* ``"morris"`` — ``n`` trajectories of Morris's elementary-effects design on
  :data:`MORRIS_LEVELS` levels (``SALib.sample.morris``): ``n * (D + 1)`` rows for ``D`` inputs;
  indices ``mu``, ``mu_star``, ``sigma``, ``mu_star_conf`` (Morris 1991; Campolongo, Cariboni &
  Saltelli 2007). An elementary effect is the change of the output per unit change of the
  input's *probability*: for a uniform input, output change times the input's range over the
  step, so ``mu_star`` of ``y = c x`` is ``|c| (high - low)``.
* ``"sobol"`` — Saltelli's extension of the Sobol' sequence without second-order terms
  (``SALib.sample.sobol``, ``calc_second_order=False``): ``n`` base samples give
  ``n * (D + 2)`` rows (``n`` a power of 2 keeps the sequence balanced; SALib warns otherwise);
  indices ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (Saltelli et al. 2010 estimators, bootstrap
  confidence at :data:`CONFIDENCE_LEVEL`).
* ``"lhs"`` — a Latin hypercube of ``n`` rows (``SALib.sample.latin``; McKay, Beckman & Conover
  1979), for calibration and uncertainty propagation.
* ``"mc"`` — ``n`` rows of plain Monte Carlo (numpy's default generator).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from retrofit.errors import InputError
from retrofit.uncertainty.inputs import UncertainInput

#: Sampling methods :func:`sample` knows; :func:`analyze` computes indices of the first two.
METHODS = ("morris", "sobol", "lhs", "mc")
ANALYZABLE = ("morris", "sobol")

#: Levels of the Morris grid: 4 levels with a jump of delta = 4 / (2 (4 - 1)) = 2/3, SALib's
#: default and the design of Saltelli et al. (2008), *Global Sensitivity Analysis: The Primer*,
#: ch. 3.
MORRIS_LEVELS = 4

#: Confidence level of the bootstrap intervals (``*_conf`` columns) and bootstrap resamples
#: (SALib's defaults).
CONFIDENCE_LEVEL = 0.95
BOOTSTRAP_RESAMPLES = 100

#: Columns of :func:`analyze`'s table by method.
INDEX_COLUMNS = {
    "morris": ("mu", "mu_star", "sigma", "mu_star_conf"),
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
}

#: Figure size of :func:`plot_indices` [in]: width, and height per input plus margin.
_FIGURE_WIDTH_IN = 8.0
_HEIGHT_PER_INPUT_IN = 0.45
_HEIGHT_MARGIN_IN = 1.5
_DPI = 120


def salib_problem(inputs: Sequence[UncertainInput]) -> dict:
    """The SALib ``problem`` dict of ``inputs``: ``num_vars``, ``names``, ``bounds``, ``dists``.

    ``bounds`` and ``dists`` follow SALib's conventions
    (:meth:`~retrofit.uncertainty.inputs.UncertainInput.to_salib`), for use with SALib directly;
    :func:`sample` draws the truncated distributions instead.
    """
    _check_inputs(inputs)
    entries = [inp.to_salib() for inp in inputs]
    return {
        "num_vars": len(inputs),
        "names": [inp.name for inp in inputs],
        "bounds": [bounds for bounds, _ in entries],
        "dists": [code for _, code in entries],
    }


def sample(inputs: Sequence[UncertainInput], method: str, n: int, *, seed: int = 0) -> np.ndarray:
    """Draw a sample of ``inputs`` for ``method``.

    Parameters
    ----------
    inputs : sequence of UncertainInput
    method : {"morris", "sobol", "lhs", "mc"}
        See the module docstring.
    n : int
        Morris trajectories, Sobol base samples, or rows (lhs, mc).
    seed : int
        Seed of the generator: the same seed gives the same sample.

    Returns
    -------
    ndarray
        One row a model evaluation, one column an input (in the order of ``inputs``), values in
        each driver's unit; ``n * (D + 1)`` rows for Morris, ``n * (D + 2)`` for Sobol, ``n``
        otherwise.
    """
    _check_inputs(inputs)
    _check_method(method, METHODS)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise InputError(f"sample size n={n!r}: must be a whole number >= 1")
    unit = _unit_problem(inputs)
    if method == "morris":
        from SALib.sample import morris

        probabilities = morris.sample(unit, int(n), num_levels=MORRIS_LEVELS, seed=seed)
    elif method == "sobol":
        from SALib.sample import sobol

        probabilities = sobol.sample(unit, int(n), calc_second_order=False, seed=seed)
    elif method == "lhs":
        from SALib.sample import latin

        probabilities = latin.sample(unit, int(n), seed=seed)
    else:
        probabilities = np.random.default_rng(seed).random((int(n), len(inputs)))
    return to_values(inputs, probabilities)


def to_values(inputs: Sequence[UncertainInput], probabilities: np.ndarray) -> np.ndarray:
    """Map a unit-hypercube sample (rows of probabilities) to input values, column by column."""
    probabilities = np.asarray(probabilities, dtype=float)
    columns = [inp.ppf(probabilities[:, j]) for j, inp in enumerate(inputs)]
    return np.column_stack(columns) if columns else probabilities


def analyze(
    inputs: Sequence[UncertainInput],
    method: str,
    X: np.ndarray,
    Y: np.ndarray,
    *,
    seed: int = 0,
) -> pd.DataFrame:
    """Sensitivity indices of the output ``Y`` of the sample ``X`` (from :func:`sample`).

    Parameters
    ----------
    inputs : sequence of UncertainInput
        As given to :func:`sample`.
    method : {"morris", "sobol"}
    X : ndarray
        The sample, rows in the order :func:`sample` returned them.
    Y : ndarray
        One output per row (e.g. a measure's saving [tCO2/a]); every value finite (a failed run
        leaves a gap that the estimators cannot take: rerun it).
    seed : int
        Seed of the bootstrap resampling of the confidence intervals.

    Returns
    -------
    DataFrame
        One row per input (index: input names, named ``input``); Morris: ``mu``, ``mu_star``,
        ``sigma``, ``mu_star_conf`` in the output's unit; Sobol: ``S1``, ``S1_conf``, ``ST``,
        ``ST_conf`` (fractions of the output variance; ``*_conf`` the half-width of the
        :data:`CONFIDENCE_LEVEL` bootstrap interval).
    """
    _check_inputs(inputs)
    _check_method(method, ANALYZABLE)
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float).ravel()
    d = len(inputs)
    if X.ndim != 2 or X.shape[1] != d or X.shape[0] != Y.size:
        raise ValueError(
            f"X has shape {X.shape} and Y {Y.size} values: expected ({Y.size}, {d}) for {d} inputs"
        )
    missing = int(np.count_nonzero(~np.isfinite(Y)))
    if missing:
        raise ValueError(
            f"{missing} of {Y.size} outputs are not finite (failed runs?): {method} needs them all"
        )
    rows_per_base = d + 1 if method == "morris" else d + 2
    if Y.size == 0 or Y.size % rows_per_base:
        raise ValueError(
            f"{Y.size} rows is not a {method} sample of {d} inputs (a multiple of {rows_per_base})"
        )
    problem = {"num_vars": d, "names": [inp.name for inp in inputs], "bounds": [[0.0, 1.0]] * d}
    if method == "morris":
        from SALib.analyze import morris

        # Morris reads from X only which input moved up or down between consecutive rows (the
        # step is the grid's delta), so the values X or their probabilities give the same effects.
        result = morris.analyze(
            problem,
            X,
            Y,
            num_resamples=BOOTSTRAP_RESAMPLES,
            conf_level=CONFIDENCE_LEVEL,
            num_levels=MORRIS_LEVELS,
            seed=seed,
        )
    else:
        from SALib.analyze import sobol

        result = sobol.analyze(
            problem,
            Y,
            calc_second_order=False,
            num_resamples=BOOTSTRAP_RESAMPLES,
            conf_level=CONFIDENCE_LEVEL,
            seed=seed,
        )
    columns = INDEX_COLUMNS[method]
    table = pd.DataFrame(
        {c: np.asarray(result[c], dtype=float) for c in columns},
        index=pd.Index([inp.name for inp in inputs], name="input"),
    )
    return table


def plot_indices(table: pd.DataFrame, method: str, path: str | os.PathLike) -> Path:
    """Horizontal bar chart of sensitivity indices, most influential input on top.

    Sobol: ``ST`` and ``S1`` side by side with their confidence intervals; Morris: ``mu_star``
    (with its confidence interval) and ``sigma``. Writes a PNG at ``path``; returns the path.
    """
    from matplotlib.figure import Figure

    _check_method(method, ANALYZABLE)
    if method == "sobol":
        first, second = ("ST", "ST_conf", "total order ST"), ("S1", "S1_conf", "first order S1")
        xlabel = "Sobol index (fraction of output variance)"
    else:
        first, second = ("mu_star", "mu_star_conf", "mu*"), ("sigma", None, "sigma")
        xlabel = "Morris elementary effect (output unit)"
    shown = table.sort_values(first[0], ascending=True)
    y = np.arange(len(shown))
    bar_height = 0.4
    height_in = _HEIGHT_MARGIN_IN + _HEIGHT_PER_INPUT_IN * max(len(shown), 1)
    fig = Figure(figsize=(_FIGURE_WIDTH_IN, height_in))
    ax = fig.subplots()
    for offset, (column, conf, label), colour in (
        (bar_height / 2, first, "#264653"),
        (-bar_height / 2, second, "#e9c46a"),
    ):
        errors = shown[conf].to_numpy() if conf and conf in shown else None
        ax.barh(
            y + offset,
            shown[column].to_numpy(),
            height=bar_height,
            xerr=errors,
            color=colour,
            label=label,
            capsize=2,
        )
    ax.set_yticks(y, [str(name) for name in shown.index])
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.set_xlabel(xlabel)
    ax.legend(loc="lower right")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=_DPI)
    return path


# --------------------------------------------------------------------------------------------
# Pure functions
# --------------------------------------------------------------------------------------------


def percentiles(values: np.ndarray, q: Sequence[float] = (10, 50, 90)) -> dict[str, float]:
    """Percentiles of a sample, keyed ``"p10"``, ``"p50"``, ``"p90"`` (``f"p{q:g}"``).

    NaN values (failed runs) are left out; with none left every percentile is NaN. Linear
    interpolation between order statistics (numpy's default, Hyndman & Fan 1996 type 7).
    Infinite values are ordered values (a payback of ``inf``: never pays back): a percentile
    between two of them, or at one, is that infinity (numpy's interpolation gives NaN there).
    """
    data = np.asarray(values, dtype=float).ravel()
    data = data[~np.isnan(data)]
    if data.size == 0:
        return {f"p{p:g}": float("nan") for p in q}
    below = np.percentile(data, q, method="lower")
    above = np.percentile(data, q, method="higher")
    position = (data.size - 1) * np.asarray(q, dtype=float) / 100.0
    fraction = position - np.floor(position)
    with np.errstate(invalid="ignore"):
        linear = below + fraction * (above - below)
    between = np.where(
        below == above,
        below,
        np.where(np.isinf(below), below, np.where(np.isinf(above), above, linear)),
    )
    return {f"p{p:g}": float(v) for p, v in zip(q, between, strict=True)}


def rank_probability(
    scores: np.ndarray, top: int = 3, *, higher_is_better: bool = False
) -> np.ndarray:
    """Probability that each measure ranks in the ``top`` best, over the samples.

    Parameters
    ----------
    scores : ndarray
        Samples x measures, e.g. cost per tCO2 [RMB/tCO2] (lower is better); NaN means the
        measure is not ranked in that sample (it failed or abates nothing).
    top : int
        How many places count.
    higher_is_better : bool
        Rank the highest score first (e.g. tCO2 saved).

    Returns
    -------
    ndarray
        One probability per measure: the fraction of samples in which fewer than ``top``
        ranked measures score strictly better (ties share the better place, "competition"
        ranking 1-2-2-4, so tied measures at the edge are all in). A NaN score is never in.
    """
    s = np.asarray(scores, dtype=float)
    if s.ndim != 2:
        raise ValueError(f"scores must be samples x measures (2-D), not shape {s.shape}")
    if isinstance(top, bool) or int(top) != top or top < 1:
        raise ValueError(f"top={top!r}: must be a whole number >= 1")
    if s.shape[0] == 0:
        return np.full(s.shape[1], np.nan)
    if higher_is_better:
        s = -s
    # better[i, j] = how many measures score strictly better than measure j in sample i
    # (comparisons with NaN are False, so unranked measures push no one down).
    better = (s[:, None, :] < s[:, :, None]).sum(axis=2)
    in_top = ~np.isnan(s) & (better < top)
    return in_top.mean(axis=0)


def _unit_problem(inputs: Sequence[UncertainInput]) -> dict:
    d = len(inputs)
    return {"num_vars": d, "names": [inp.name for inp in inputs], "bounds": [[0.0, 1.0]] * d}


def _check_inputs(inputs: Sequence[UncertainInput]) -> None:
    if not inputs:
        raise InputError("no uncertain inputs given")
    names = [inp.name for inp in inputs]
    if len(set(names)) != len(names):
        raise InputError(f"uncertain inputs: duplicate names in {names}")


def _check_method(method: str, allowed: Sequence[str]) -> None:
    if method not in allowed:
        raise InputError(f"method {method!r}: one of {', '.join(allowed)}")
