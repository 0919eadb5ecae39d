"""The SALib plumbing against known answers (pure: no EnergyPlus)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from retrofit.errors import InputError
from retrofit.uncertainty import (
    UncertainInput,
    analyze,
    parse_inputs,
    percentiles,
    plot_indices,
    rank_probability,
    salib_problem,
    sample,
)
from retrofit.uncertainty.inputs import NOMINAL_DISCOUNT_RATE, NORMAL_SUPPORT_SD

# Ishigami & Homma (1990): y = sin x1 + a sin^2 x2 + b x3^4 sin x1, x_i ~ U(-pi, pi).
ISHIGAMI_A = 7.0
ISHIGAMI_B = 0.1


def ishigami_indices(a: float = ISHIGAMI_A, b: float = ISHIGAMI_B):
    """Analytic first-order and total Sobol indices of the Ishigami function (Saltelli et al.
    2008, Global Sensitivity Analysis: The Primer, ch. 4; Sobol' & Levitan 1999)."""
    pi = math.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    total = v1 + v2 + v13
    s1 = np.array([v1, v2, 0.0]) / total
    st = np.array([v1 + v13, v2, v13]) / total
    return s1, st


def ishigami(X: np.ndarray) -> np.ndarray:
    from SALib.test_functions import Ishigami

    return Ishigami.evaluate(X, A=ISHIGAMI_A, B=ISHIGAMI_B)


def uniform_inputs(ranges: dict[str, tuple[float, float]]) -> list[UncertainInput]:
    # Economic drivers with unbounded physical ranges carry the analytic test functions.
    drivers = ("electricity_price_scale", "gas_price_scale", "capex_scale")
    out = []
    for (name, (low, high)), driver in zip(ranges.items(), drivers, strict=False):
        out.append(UncertainInput(name, driver, "uniform", low=low, high=high))
    return out


@pytest.fixture
def ishigami_inputs():
    # The physical range of the price scales is [0, inf): shift x by pi (x' = x + pi) and undo
    # it in the function, so the sampled inputs stay physical.
    return uniform_inputs({"x1": (0, 2 * math.pi), "x2": (0, 2 * math.pi), "x3": (0, 2 * math.pi)})


def test_ishigami_analytic_values_match_the_published_ones():
    s1, st = ishigami_indices()
    # Published (Saltelli et al. 2008; Ishigami & Homma 1990), to 3 decimals.
    assert_allclose(s1, [0.314, 0.442, 0.000], atol=6e-4)
    assert_allclose(st, [0.558, 0.442, 0.244], atol=6e-4)


def test_sobol_indices_of_ishigami(ishigami_inputs):
    n = 2048
    X = sample(ishigami_inputs, "sobol", n, seed=1)
    assert X.shape == (n * (3 + 2), 3)
    Y = ishigami(X - math.pi)
    table = analyze(ishigami_inputs, "sobol", X, Y, seed=1)
    assert list(table.columns) == ["S1", "S1_conf", "ST", "ST_conf"]
    assert list(table.index) == ["x1", "x2", "x3"]
    s1, st = ishigami_indices()
    # Tolerance 0.02: the largest error over seeds 0-4 at n = 2048 was 0.007 (scrambled Sobol'
    # points converge fast); SALib's bootstrap half-widths are wider still (0.02-0.07).
    assert_allclose(table["S1"], s1, atol=0.02)
    assert_allclose(table["ST"], st, atol=0.02)
    assert (table["S1_conf"] > 0).all() and (table["ST_conf"] > 0).all()


def test_morris_mu_star_of_a_linear_function_is_coefficient_times_range():
    inputs = uniform_inputs({"x1": (0.0, 2.0), "x2": (1.0, 4.0), "x3": (0.0, 5.0)})
    coefficients = np.array([3.0, -1.0, 0.0])
    X = sample(inputs, "morris", 20, seed=3)
    assert X.shape == (20 * (3 + 1), 3)
    Y = X @ coefficients
    table = analyze(inputs, "morris", X, Y)
    ranges = np.array([2.0, 3.0, 5.0])
    # An elementary effect is dy / (delta of the unit range): exactly c * range for y linear.
    assert_allclose(table["mu_star"], np.abs(coefficients) * ranges, rtol=1e-9, atol=1e-12)
    assert_allclose(table["mu"], coefficients * ranges, rtol=1e-9, atol=1e-12)
    assert_allclose(table["sigma"], 0.0, atol=1e-9)
    assert table["mu_star"].idxmax() == "x1"


def test_morris_levels_of_a_uniform_input_are_the_grid():
    inputs = uniform_inputs({"x1": (1.0, 4.0), "x2": (0.0, 3.0)})
    X = sample(inputs, "morris", 10, seed=0)
    assert set(np.round(X[:, 0], 9)) <= {1.0, 2.0, 3.0, 4.0}


def test_percentiles_of_a_known_sample():
    values = np.arange(101.0)
    assert percentiles(values) == {"p10": 10.0, "p50": 50.0, "p90": 90.0}
    with_gaps = np.append(values, [np.nan, np.nan])
    assert percentiles(with_gaps, q=(5, 95)) == {"p5": 5.0, "p95": 95.0}
    assert all(math.isnan(v) for v in percentiles(np.array([np.nan])).values())


def test_percentiles_of_paybacks_that_never_come():
    """An infinite payback is an ordered value: numpy's interpolation gives NaN between two."""
    inf = math.inf
    # n = 5: P10 at position 0.4 (1 + 0.4 x 1), P50 at 2 (inf), P90 at 3.6 (between infs)
    assert percentiles([1.0, 2.0, inf, inf, inf]) == {"p10": 1.4, "p50": inf, "p90": inf}
    # n = 4: P90 at position 2.7, between 3 and inf
    assert percentiles([1.0, 2.0, 3.0, inf]) == {"p10": 1.3, "p50": 2.5, "p90": inf}
    assert percentiles([-inf, 1.0, 2.0])["p10"] == -inf
    values = np.random.default_rng(1).normal(size=37)
    levels = (5, 10, 33, 50, 90, 99)
    np.testing.assert_allclose(
        list(percentiles(values, levels).values()), np.percentile(values, levels)
    )


def test_rank_probability_by_hand():
    scores = np.array(
        [
            [1.0, 2.0, 3.0, 4.0],  # in the top 2: m0, m1
            [4.0, 3.0, 2.0, 1.0],  # m3, m2
            [np.nan, 1.0, 2.0, 3.0],  # m0 not ranked: m1, m2
            [1.0, 1.0, 5.0, 5.0],  # m0 and m1 tie for first
        ]
    )
    assert_allclose(rank_probability(scores, top=2), [0.5, 0.75, 0.5, 0.25])
    # Ties at the edge share the place: with top 1 both tied measures count in sample 4.
    assert_allclose(rank_probability(scores, top=1), [0.5, 0.5, 0.0, 0.25])
    # Higher is better: the order reverses, NaN still out.
    assert_allclose(
        rank_probability(scores, top=2, higher_is_better=True), [0.25, 0.25, 0.75, 0.75]
    )
    with pytest.raises(ValueError, match="2-D"):
        rank_probability(np.array([1.0, 2.0]))


def test_sampling_honours_distributions():
    inputs = [
        UncertainInput("n", "equipment_scale", "normal", mean=1.0, sd=0.1),
        UncertainInput("t", "lighting_scale", "triangular", low=0.6, mode=0.8, high=1.4),
        UncertainInput("g", "infiltration_scale", "lognormal", mean=0.0, sd=0.25),
        UncertainInput("u", "cooling_setpoint_offset_k", "uniform", low=-1.0, high=2.0),
    ]
    X = sample(inputs, "lhs", 4000, seed=7)
    assert X.shape == (4000, 4)
    # Normal, truncated at 3 sd: mean unchanged, sd 1.3 % below the untruncated one.
    sd_truncated = 0.1 * stats.truncnorm(-NORMAL_SUPPORT_SD, NORMAL_SUPPORT_SD).std()
    assert_allclose(X[:, 0].mean(), 1.0, atol=2e-3)
    assert_allclose(X[:, 0].std(), sd_truncated, rtol=0.01)
    assert 0.7 - 1e-12 <= X[:, 0].min() and X[:, 0].max() <= 1.3 + 1e-12
    # Triangular: within its bounds, mean (low + mode + high) / 3.
    assert 0.6 <= X[:, 1].min() and X[:, 1].max() <= 1.4
    assert_allclose(X[:, 1].mean(), (0.6 + 0.8 + 1.4) / 3, atol=3e-3)
    # Lognormal: median exp(mean) = 1.
    assert_allclose(np.median(X[:, 2]), 1.0, atol=0.01)
    # Uniform: mean and range.
    assert_allclose(X[:, 3].mean(), 0.5, atol=0.01)
    assert -1.0 <= X[:, 3].min() and X[:, 3].max() <= 2.0
    # Monte Carlo draws the same distributions; each method is reproducible by its seed.
    mc = sample(inputs, "mc", 4000, seed=7)
    assert_allclose(mc[:, 0].mean(), 1.0, atol=0.01)
    for method in ("morris", "sobol", "lhs", "mc"):
        assert np.array_equal(sample(inputs, method, 8, seed=2), sample(inputs, method, 8, seed=2))


def test_normal_support_is_clipped_to_the_physical_range():
    inp = UncertainInput("lpd", "lighting_scale", "normal", mean=0.1, sd=0.1)
    assert inp.bounds() == pytest.approx((0.0, 0.4))
    X = sample([inp], "mc", 2000, seed=0)
    assert X.min() >= 0.0
    # Morris's extreme levels land on the support's ends.
    X = sample([inp], "morris", 10, seed=0)
    assert X.min() == pytest.approx(0.0) and X.max() == pytest.approx(0.4)


def test_salib_problem_follows_salib_conventions():
    from SALib.sample import latin

    inputs = [
        UncertainInput("t", "lighting_scale", "triangular", low=0.5, mode=1.0, high=1.5),
        UncertainInput("n", "equipment_scale", "normal", mean=1.0, sd=0.05),
        UncertainInput("g", "infiltration_scale", "lognormal", mean=0.0, sd=0.2),
        UncertainInput("u", "occupancy_scale", "uniform", low=0.8, high=1.2),
    ]
    problem = salib_problem(inputs)
    assert problem["names"] == ["t", "n", "g", "u"]
    assert problem["num_vars"] == 4
    assert problem["dists"] == ["triang", "norm", "lognorm", "unif"]
    assert problem["bounds"] == [[0.5, 1.5, 0.5], [1.0, 0.05], [0.0, 0.2], [0.8, 1.2]]
    # SALib itself, given this problem, draws the same distributions as ours.
    theirs = latin.sample(problem, 4000, seed=1)
    ours = sample(inputs, "lhs", 4000, seed=1)
    assert_allclose(theirs.mean(axis=0), ours.mean(axis=0), atol=5e-3)
    assert_allclose(np.median(theirs, axis=0), np.median(ours, axis=0), atol=5e-3)


def test_parse_inputs_reports_every_problem_at_once():
    items = [
        {"name": "lpd", "driver": "lighting_scale", "low": 0.8, "high": 1.2, "source": "audit"},
        {"name": "lpd", "driver": "lighting_scale", "low": 1.2, "high": 0.8},
        {"name": "x", "driver": "lpd_scale", "low": 0.8, "high": 1.2},
        {"name": "y", "driver": "equipment_scale", "distribution": "beta", "low": 0, "high": 1},
        {"name": "z", "driver": "occupancy_scale", "distribution": "normal", "mean": 1.0},
        {"name": "w", "driver": "chiller_cop_scale", "low": 0.8, "high": 1.2, "mode": 1.0},
        {"name": "v", "driver": "cooling_setpoint_offset_k", "low": -1, "high": 20, "colour": 1},
        "not a table",
    ]
    with pytest.raises(InputError) as info:
        parse_inputs(items, "study.toml: uncertain")
    message = str(info.value)
    for expected in (
        "study.toml: uncertain[1].name: 'lpd' is also the name of study.toml: uncertain[0]",
        "uncertain[1].low: low 1.2 >= high 0.8",
        "uncertain[1].driver: lighting_scale is already driven by",
        "uncertain[2].driver: unknown driver 'lpd_scale' (known: lighting_scale,",
        "uncertain[3].distribution: unknown distribution 'beta'",
        "uncertain[4].sd: missing (a normal distribution needs mean, sd)",
        "uncertain[5].mode: not used by a uniform distribution",
        "uncertain[6].high: 20 is outside the range of cooling_setpoint_offset_k",
        "uncertain[6].colour: unknown key",
        "uncertain[7]: must be a table",
    ):
        assert expected in message, expected
    assert len(message.splitlines()) == 10


def test_parse_inputs_builds_inputs():
    (lpd, cop, price) = parse_inputs(
        [
            {"name": "lpd", "driver": "lighting_scale", "low": 0.8, "high": 1.2, "source": "x"},
            {
                "name": "cop",
                "driver": "chiller_cop_scale",
                "distribution": "triangular",
                "low": 0.7,
                "mode": 0.9,
                "high": 1.0,
            },
            {"name": "price", "driver": "electricity_price_scale", "low": 1, "high": 2},
        ],
        "uncertain",
    )
    assert (lpd.kind, cop.kind, price.kind) == ("model", "model", "economic")
    assert lpd.bounds() == (0.8, 1.2) and lpd.source == "x"
    assert cop.to_salib() == (pytest.approx([0.7, 1.0, 2 / 3]), "triang")
    assert isinstance(price.low, float)


def test_strict_minimum_is_not_reached_by_a_normal_input():
    with pytest.raises(InputError, match="sd: mean - 3 sd reaches the minimum 0"):
        UncertainInput("cop", "chiller_cop_scale", "normal", mean=0.2, sd=0.1)
    with pytest.raises(InputError, match="low: 0 is outside the range of chiller_cop_scale"):
        UncertainInput("cop", "chiller_cop_scale", "uniform", low=0.0, high=1.0)


def test_analyze_refuses_failed_runs_and_wrong_shapes(ishigami_inputs):
    X = sample(ishigami_inputs, "sobol", 8)
    Y = ishigami(X - math.pi)
    Y[3] = np.nan
    with pytest.raises(ValueError, match="1 of 40 outputs are not finite"):
        analyze(ishigami_inputs, "sobol", X, Y)
    with pytest.raises(ValueError, match="expected"):
        analyze(ishigami_inputs, "sobol", X[:, :2], Y)
    with pytest.raises(InputError, match="method 'lhs'"):
        analyze(ishigami_inputs, "lhs", X, Y)
    with pytest.raises(InputError, match="method 'fast'"):
        sample(ishigami_inputs, "fast", 8)


def test_plot_indices_writes_png(tmp_path, ishigami_inputs):
    X = sample(ishigami_inputs, "sobol", 64)
    table = analyze(ishigami_inputs, "sobol", X, ishigami(X - math.pi))
    path = plot_indices(table, "sobol", tmp_path / "sobol.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    X = sample(ishigami_inputs, "morris", 10)
    table = analyze(ishigami_inputs, "morris", X, ishigami(X - math.pi))
    path = plot_indices(table, "morris", tmp_path / "morris.png")
    assert path.stat().st_size > 0


def test_nominal_discount_rate_is_the_study_default():
    from retrofit.study import DEFAULT_DISCOUNT_RATE

    assert NOMINAL_DISCOUNT_RATE == DEFAULT_DISCOUNT_RATE
