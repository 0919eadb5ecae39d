"""Sensitivity of a study end to end (issue 8): [uncertainty] in the study file, model points
simulated through the runner, economic inputs on the stored results, indices, percentiles,
rank probabilities, the files and the CLI."""

import json
import textwrap

import numpy as np
import pandas as pd
import pytest

from retrofit.cli import main
from retrofit.errors import InputError
from retrofit.runner import run_study
from retrofit.study import StudyError, load_study
from retrofit.uncertainty.study import (
    model_points,
    rescale_summary,
    run_sensitivity,
)

STUDY = """
schema_version = 1
name = "{name}"
[baseline]
model = "small-office"
weather = "{weather}"
period = "07/15-07/17"
[[measures]]
id = "led"
measure = "led_lighting"
[[measures]]
id = "windows"
measure = "window_replacement"
[outputs]
stacked = false
"""

MODEL_INPUTS = """
[uncertainty]
method = "morris"
samples = 2
seed = 1
[[uncertainty.inputs]]
name = "lighting_scale"
driver = "lighting_scale"
low = 0.7
high = 1.3
[[uncertainty.inputs]]
name = "equipment_scale"
driver = "equipment_scale"
low = 0.7
high = 1.3
"""

PRICE_LOW, PRICE_HIGH = 0.8, 1.2
ECONOMIC_INPUTS = f"""
[uncertainty]
method = "morris"
samples = 2
seed = 5
[[uncertainty.inputs]]
name = "price"
driver = "electricity_price_scale"
low = {PRICE_LOW}
high = {PRICE_HIGH}
[[uncertainty.inputs]]
name = "capex"
driver = "capex_scale"
low = 0.8
high = 1.5
"""

BAD_INPUTS = """
[uncertainty]
method = "mc"
samples = 3
[[uncertainty.inputs]]
name = "plugs"
driver = "plug_scale"
low = 0.8
high = 1.2
[[uncertainty.inputs]]
name = "lights"
driver = "lighting_scale"
low = 1.2
high = 0.8
"""

#: The small office's lighting power density [W/m2] (DOE RefBldgSmallOfficeNew2004: 10.76 W/m2,
#: ASHRAE 90.1-2004 office) and the LED measure's catalogue target (GB 55015-2021 App. C).
SMALL_OFFICE_LPD_W_PER_M2 = 10.76
LED_TARGET_W_PER_M2 = 8.0

DEFAULT_OUTPUTS = ("saving_tco2", "saving_rmb", "cost_per_tco2_rmb", "payback_years")


def write_study(folder, name, weather, uncertainty):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "study.toml"
    text = textwrap.dedent(STUDY.format(name=name, weather=weather)) + textwrap.dedent(uncertainty)
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def model_run(tmp_path_factory, site_epw):
    folder = tmp_path_factory.mktemp("sens-model")
    path = write_study(folder, "sens-model", site_epw, MODEL_INPUTS)
    store = folder / "store"
    return path, store, run_sensitivity(path, jobs=2, out_dir=store, progress=False)


@pytest.fixture(scope="module")
def economic_run(tmp_path_factory, site_epw):
    folder = tmp_path_factory.mktemp("sens-econ")
    path = write_study(folder, "sens-econ", site_epw, ECONOMIC_INPUTS)
    store = folder / "store"
    return path, store, run_sensitivity(path, jobs=2, out_dir=store, progress=False)


# -- model inputs -----------------------------------------------------------------------------


@pytest.mark.energyplus
def test_model_points_are_simulated_through_the_runner(model_run):
    _, store, result = model_run
    # Morris: 2 trajectories x (2 inputs + 1) rows; every row moves a model input (seed 1: the
    # trajectories share no point); each point is the baseline and the two measures
    assert result.rows == result.points == 6
    assert result.variants == 3 * 6
    # identical models run once: relamping to a fixed LPD gives one LED model per plug load
    assert result.simulated == result.samples["hash"].nunique() < result.variants
    assert result.failed == 0
    # relamping to 8 W/m2 does not apply where the sampled lighting power is below it: the
    # measure is not installed there and saves nothing
    samples = result.samples
    skipped = samples[samples["status"] != "ok"]
    assert set(skipped["status"]) == {"not applicable"}
    assert set(skipped["measure"]) == {"led"}
    assert (skipped["lighting_scale"] * SMALL_OFFICE_LPD_W_PER_M2 < LED_TARGET_W_PER_M2).all()
    assert (skipped["saving_tco2"] == 0).all() and (skipped["capex_rmb"] == 0).all()
    assert not skipped["ranked"].any()
    assert any("led does not apply at" in note for note in result.notes)
    variants = sorted(set(result.samples["variant"]))
    assert variants[:3] == ["u0000-b00", "u0000-m01", "u0000-m02"]
    assert not samples.loc[samples["status"] == "ok", "saving_tco2"].isna().any()
    assert {p.name for p in (store / "variants").iterdir()} <= {*variants, "sizing"}
    folder = store / "uncertainty"
    outputs = (*DEFAULT_OUTPUTS, "emissions_tco2")
    names = [f"indices_{o}.{ext}" for o in outputs for ext in ("csv", "png")]
    names += ["percentiles.csv", "rank_probability.csv", "samples.parquet", "sensitivity.json"]
    for name in names:
        assert (folder / name).is_file(), name
    stored = pd.read_parquet(folder / "samples.parquet")
    assert len(stored) == 6 * 3
    assert {"lighting_scale", "equipment_scale", "saving_tco2", "measure"} <= set(stored)


@pytest.mark.energyplus
def test_savings_are_against_the_points_own_baseline(model_run):
    samples = model_run[2].samples
    for _, row in samples.groupby("sample"):
        base = row[row["kind"] == "baseline"].iloc[0]
        for _, measure in row[row["kind"] == "measure"].iterrows():
            np.testing.assert_allclose(
                measure["saving_tco2"], base["emissions_tco2"] - measure["emissions_tco2"]
            )
            np.testing.assert_allclose(
                measure["saving_rmb"], base["energy_cost_rmb"] - measure["energy_cost_rmb"]
            )


@pytest.mark.energyplus
def test_led_saving_grows_with_lighting_power(model_run):
    """Physics: relamping to a fixed LPD saves more where more lighting power was installed.
    Morris moves one input per step: every step up in lighting_scale raises the LED saving."""
    result = model_run[2]
    led = result.samples[result.samples["measure"] == "led"].set_index("sample").sort_index()
    rows_per_trajectory = 3
    steps = 0
    for first in range(0, result.rows, rows_per_trajectory):
        block = led.iloc[first : first + rows_per_trajectory]
        moved = block[["lighting_scale", "equipment_scale"]].diff().iloc[1:]
        change = block["saving_tco2"].diff().iloc[1:]
        for (_, step), delta in zip(moved.iterrows(), change, strict=True):
            if step["lighting_scale"] != 0:
                assert np.sign(delta) == np.sign(step["lighting_scale"]), block
                steps += 1
    assert steps == 2  # one lighting step per trajectory
    indices = result.indices["saving_tco2"].set_index(["measure", "input"])
    assert indices.loc[("led", "lighting_scale"), "mu"] > 0
    assert (
        indices.loc[("led", "lighting_scale"), "mu_star"]
        > 10 * indices.loc[("led", "equipment_scale"), "mu_star"]
    )


@pytest.mark.energyplus
def test_percentiles_and_rank_probabilities(model_run):
    result = model_run[2]
    spread = result.percentiles
    for output in DEFAULT_OUTPUTS:
        assert set(spread.loc[spread["output"] == output, "measure"]) == {"led", "windows"}
    assert (spread["p10"] <= spread["p50"]).all() and (spread["p50"] <= spread["p90"]).all()
    savings = spread["output"].isin(["saving_tco2", "saving_rmb", "emissions_tco2"])
    assert (spread.loc[savings, "valid"] == result.rows).all()
    ranks = result.rank_probability.set_index("measure")
    assert ((ranks["p_top"] >= 0) & (ranks["p_top"] <= 1)).all()
    # the probabilities add up to the measures in the top 3 per sample, on average
    ranked = result.samples[result.samples["ranked"]].groupby("sample").size()
    in_top = np.minimum(ranked.reindex(range(result.rows), fill_value=0), result.top)
    np.testing.assert_allclose(ranks["p_top"].sum(), in_top.mean())
    # with two measures both are in the top 3 wherever they are ranked: the windows always
    # (they abate in July), the LED where it applies (lighting_scale above 8 / 10.76)
    assert ranks.loc["windows", "p_ranked"] == 1
    applies = result.samples.query("measure == 'led'")["status"].eq("ok").mean()
    assert 0 < applies < 1
    np.testing.assert_allclose(ranks["p_top"].to_numpy(), [applies, 1.0])
    np.testing.assert_allclose(ranks["p_top"].sum(), min(3, 2) - (1 - applies))
    indices = result.indices["emissions_tco2"]
    assert set(indices["measure"]) == {"baseline"}
    assert list(indices.columns) == [
        "measure", "input", "driver", "mu", "mu_star", "sigma", "mu_star_conf",
    ]  # fmt: skip


@pytest.mark.energyplus
def test_rerun_simulates_nothing(model_run):
    path, store, first = model_run
    again = run_sensitivity(path, jobs=2, out_dir=store, progress=False)
    assert again.simulated == 0
    pd.testing.assert_frame_equal(again.percentiles, first.percentiles)


@pytest.mark.energyplus
def test_cli_prints_inputs_and_percentiles(model_run, capsys):
    path, store, _ = model_run
    assert main(["sensitivity", str(path), "--out", str(store), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["simulated"] == 0
    assert data["top_inputs"]["saving_tco2"]["led"][0][0] == "lighting_scale"
    assert {r["measure"] for r in data["rank_probability"]["measures"]} == {"led", "windows"}
    assert main(["sensitivity", str(path), "--out", str(store)]) == 0
    text = capsys.readouterr().out
    assert "most influential inputs" in text and "P(top 3)" in text and "P90" in text


# -- economic inputs only -----------------------------------------------------------------------


@pytest.mark.energyplus
def test_economic_inputs_simulate_only_the_nominal_variants(economic_run):
    path, store, result = economic_run
    assert result.points == 1
    assert result.simulated == 3
    assert sorted(set(result.samples["variant"])) == ["b00", "m01", "m02"]
    # the nominal study shares them: nothing more to simulate, and neither on a second call
    nominal = run_study(path, jobs=2, out_dir=store, progress=False)
    assert nominal.simulated == 0
    assert run_sensitivity(path, jobs=2, out_dir=store, progress=False).simulated == 0


@pytest.mark.energyplus
def test_sensitivity_on_dask_workers_gives_the_local_results(economic_run, tmp_path):
    """The same study on a dask LocalCluster (2 workers): the same runs and percentiles."""
    path, _, local = economic_run
    remote = run_sensitivity(
        path, jobs=2, out_dir=tmp_path / "store", progress=False, backend="dask"
    )
    assert remote.simulated == local.simulated == 3
    pd.testing.assert_frame_equal(
        remote.percentiles.reset_index(drop=True),
        local.percentiles.reset_index(drop=True),
        rtol=1e-9,
    )


@pytest.mark.energyplus
def test_economic_inputs_move_money_not_carbon(economic_run):
    path, store, result = economic_run
    nominal = run_study(path, jobs=2, out_dir=store, progress=False).results.set_index("label")
    samples = result.samples[result.samples["kind"] == "measure"]
    for measure, rows in samples.groupby("measure"):
        base = nominal.loc[measure]
        assert np.ptp(rows["saving_tco2"]) == 0
        np.testing.assert_allclose(rows["saving_tco2"], base["saving_tco2"])
        # saving RMB = the electricity-cost saving at the scaled price + the gas-cost saving
        expected = (
            base["electricity_cost_saving_rmb"] * rows["price"]
            + base["natural_gas_cost_saving_rmb"]
        )
        np.testing.assert_allclose(rows["saving_rmb"], expected, rtol=1e-9)
        np.testing.assert_allclose(
            np.ptp(rows["saving_rmb"]),
            abs(base["electricity_cost_saving_rmb"]) * np.ptp(rows["price"]),
            rtol=1e-9,
        )
        np.testing.assert_allclose(rows["capex_rmb"], base["capex_rmb"] * rows["capex"])
    # a constant output: no input explains any of it
    indices = result.indices["saving_tco2"]
    assert (indices["mu_star"] == 0).all()
    price = result.indices["saving_rmb"].set_index(["measure", "input"])
    assert price.loc[("led", "price"), "mu_star"] > 0
    assert price.loc[("led", "capex"), "mu_star"] == 0


# -- validation and pure functions ------------------------------------------------------------


def test_bad_uncertainty_is_refused_before_anything_runs(tmp_path, site_epw, capsys):
    path = write_study(tmp_path / "bad", "bad", site_epw, BAD_INPUTS)
    store = tmp_path / "store"
    with pytest.raises(StudyError) as caught:
        run_sensitivity(path, out_dir=store, progress=False)
    errors = caught.value.errors
    assert any("uncertainty.inputs[0].driver" in e and "plug_scale" in e for e in errors)
    assert any("uncertainty.inputs[1].low" in e for e in errors)
    assert all(e.startswith(str(path)) for e in errors)
    assert not store.exists()
    assert main(["sensitivity", str(path), "--out", str(store)]) == 2
    assert "uncertainty.inputs[0].driver" in capsys.readouterr().err


def test_uncertainty_schema(tmp_path, site_epw):
    path = write_study(tmp_path, "schema", site_epw, MODEL_INPUTS)
    spec = load_study(path).spec.uncertainty
    assert spec.method == "morris" and spec.samples == 2 and spec.rank_top == 3
    assert spec.outputs == [*DEFAULT_OUTPUTS, "emissions_tco2"]
    path.write_text(
        path.read_text().replace("seed = 1", 'seed = 1\nmethod_x = 1\noutputs = ["nope"]')
    )
    with pytest.raises(StudyError, match="uncertainty.method_x: unknown key"):
        load_study(path)
    path.write_text(path.read_text().replace("method_x = 1\n", ""))
    with pytest.raises(StudyError, match=r"uncertainty.outputs\[0\]: unknown output 'nope'"):
        load_study(path)
    no_table = write_study(tmp_path / "plain", "plain", site_epw, "")
    with pytest.raises(InputError, match="no \\[uncertainty\\] table"):
        run_sensitivity(no_table, out_dir=tmp_path / "s", progress=False)


def test_model_points_share_rows_that_move_only_economic_inputs():
    design = np.array([[1.0, 0.5], [1.0, 0.7], [1.2, 0.7], [1.0, 0.9]])
    rows, points = model_points(design, ["lights", "price"], ["lights"])
    assert rows == [0, 0, 1, 0]
    assert points == [(("lights", 1.0),), (("lights", 1.2),)]
    assert model_points(design, ["lights", "price"], []) == ([0, 0, 0, 0], [()])


def test_rescale_summary_by_hand():
    summary = {
        "electricity_cost_rmb": 100.0,
        "natural_gas_cost_rmb": 50.0,
        "energy_cost_rmb": 160.0,  # 10 RMB of district heat, not scaled
        "emissions_tco2": 1.0,
        "electricity_purchased_kwh": 1000.0,
        "electricity_exported_kwh": 200.0,
        "emission_factors": {"electricity_kgco2_per_kwh": 0.42},
    }
    out = rescale_summary(
        summary, electricity_price_scale=1.5, gas_price_scale=0.5, emission_factor_scale=2.0
    )
    assert out["electricity_cost_rmb"] == pytest.approx(150.0)
    assert out["natural_gas_cost_rmb"] == pytest.approx(25.0)
    assert out["energy_cost_rmb"] == pytest.approx(150.0 + 25.0 + 10.0)
    assert out["emissions_tco2"] == pytest.approx(1.0 + 1000.0 * 0.42 / 1000.0)
    credited = rescale_summary(summary, emission_factor_scale=2.0, credit_exported_co2=True)
    assert credited["emissions_tco2"] == pytest.approx(1.0 + 800.0 * 0.42 / 1000.0)
    assert rescale_summary(summary) == summary
