"""Studies end to end on the real engine: variants, store, cache, resume, failures, tables."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from retrofit.runner import run_study

pytestmark = pytest.mark.energyplus

STUDY = """
schema_version = 1
name = "tiny"
[baseline]
model = "small-office"
weather = "{weather}"
period = "07/15-07/17"
[[measures]]
id = "led"
measure = "led_lighting"
[[measures]]
id = "pv"
measure = "rooftop_pv"
[[measures]]
id = "windows"
measure = "window_replacement"
[[packages]]
name = "led-pv"
measures = ["led", "pv"]
[economics]
discount_rate = 0.05
analysis_period_years = 20
"""

BROKEN_MEASURE = '''
def break_it(idf):
    """Remove every construction: EnergyPlus stops with severe errors."""
    for c in list(idf.idfobjects["CONSTRUCTION"]):
        idf.removeidfobject(c)
    return {"things": 1}
'''


def write_study(folder, weather, extra=""):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "study.toml"
    path.write_text(textwrap.dedent(STUDY.format(weather=weather)) + textwrap.dedent(extra))
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory, site_epw):
    folder = tmp_path_factory.mktemp("tiny")
    path = write_study(folder, site_epw)
    return path, run_study(path, jobs=2, out_dir=folder / "store", progress=False)


def test_tables_and_files(tiny):
    _, result = tiny
    results = result.results.set_index("variant")
    assert list(results.index[:5]) == ["b00", "m01", "m02", "m03", "p01"]
    assert (results["status"] == "ok").all(), results[["status", "error"]]
    for column in (
        "emissions_tco2",
        "saving_tco2",
        "capex_rmb",
        "npv_rmb",
        "payback_years",
        "cost_per_tco2_rmb",
        "saving_kwh",
        "saving_rmb",
        "comfort_ok",
    ):
        assert column in results, column
    # the baseline saves nothing; each measure's savings are baseline - variant
    assert results.loc["b00", "saving_tco2"] == 0
    np.testing.assert_allclose(
        results.loc["m02", "saving_tco2"],
        results.loc["b00", "emissions_tco2"] - results.loc["m02", "emissions_tco2"],
    )
    for name in (
        "results.csv",
        "results.parquet",
        "ranking.csv",
        "macc.png",
        "savings.png",
        "manifest.json",
    ):
        assert (result.store / name).is_file(), name
    manifest = json.loads((result.store / "manifest.json").read_text())
    assert {m["status"] for m in manifest} == {"ok"}


def test_ranking_is_by_cost_per_tonne(tiny):
    _, result = tiny
    ranked = result.ranking.dropna(subset=["rank"])
    costs = list(ranked["cost_per_tco2_rmb"])
    assert costs == sorted(costs)
    assert set(ranked["label"]) <= {"led", "pv", "windows", "led-pv"}


def test_stacked_sequence_and_macc(tiny):
    _, result = tiny
    results = result.results.set_index("variant")
    stacked = results[results["kind"] == "stacked"]
    singles = result.ranking[(result.ranking["kind"] == "measure") & result.ranking["rank"].notna()]
    assert len(stacked) == len(singles)
    # the first step is the cheapest measure alone: the same prepared model, no new simulation
    first = singles.sort_values("rank").iloc[0]
    first_variant = results[results["label"] == first["label"]].index[0]
    assert stacked.iloc[0]["hash"] == results.loc[first_variant, "hash"]
    # the MACC's incremental abatements add up to the last step's saving (interactions included)
    macc = result.macc
    np.testing.assert_allclose(
        macc["incremental_tco2"].sum(), stacked.sort_index().iloc[-1]["saving_tco2"], rtol=1e-9
    )
    # bars of the plotted curve: cheapest first, edge to edge
    bars = macc[macc["included"]]
    assert list(bars["cost_per_tco2_rmb"]) == sorted(bars["cost_per_tco2_rmb"])
    np.testing.assert_allclose(
        bars["cumulative_start_tco2"].iloc[1:], bars["cumulative_end_tco2"].iloc[:-1]
    )


def test_an_unchanged_rerun_simulates_nothing(tiny):
    path, first = tiny
    start = time.perf_counter()
    again = run_study(path, jobs=2, out_dir=first.store, progress=False)
    assert again.simulated == 0
    assert time.perf_counter() - start < 10
    assert again.results["saving_tco2"].equals(first.results["saving_tco2"])


def test_a_failed_variant_is_recorded_and_the_others_go_on(tmp_path, site_epw):
    (tmp_path / "mine.py").write_text(BROKEN_MEASURE)
    extra = """
    [[measures]]
    id = "broken"
    measure = "mine.py:break_it"
    params = { lifetime_years = 5 }
    [outputs]
    stacked = false
    """
    path = write_study(tmp_path, site_epw, extra)
    result = run_study(path, jobs=2, out_dir=tmp_path / "store", progress=False)
    results = result.results.set_index("variant")
    assert results.loc["m04", "status"] == "failed"
    assert "EnergyPlus failed" in results.loc["m04", "error"]
    assert "Severe" in results.loc["m04", "excerpt"]
    assert (results.drop(index="m04")["status"] == "ok").all()
    assert result.failed == 1
    # the failed run's folder is kept for inspection (keep_run_dirs = "failed")
    assert (result.store / "variants" / "m04" / "eplusout.err").is_file()


def _wait_until_no_process_mentions(folder, timeout_s=1.0) -> bool:
    """True once no process's command line names ``folder`` (Linux /proc; True elsewhere)."""
    proc_root = Path("/proc")
    if not proc_root.is_dir():
        return True
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        alive = []
        for entry in proc_root.iterdir():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if str(folder).encode() in cmdline:
                alive.append(entry.name)
        if not alive:
            return True
        time.sleep(0.2)
    return False


def test_killed_run_resumes_without_redoing_finished_variants(tmp_path, site_epw):
    path = write_study(tmp_path, site_epw, "[outputs]\nstacked = false\n")
    store = tmp_path / "store"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "retrofit.cli",
            "run",
            str(path),
            "--jobs",
            "1",
            "--out",
            str(store),
            "--json",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    records = store / "records"
    deadline = time.time() + 120
    while time.time() < deadline and len(list(records.glob("*.json"))) < 2:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # the runner and its workers; EnergyPlus dies with them
    proc.wait()
    assert _wait_until_no_process_mentions(store), "an EnergyPlus outlived the killed runner"
    finished = {p.name: p.stat().st_mtime_ns for p in records.glob("*.json")}
    assert 2 <= len(finished) < 5
    result = run_study(path, jobs=2, out_dir=store, progress=False)
    assert result.simulated == 5 - len(finished)
    assert (result.results["status"] == "ok").all(), result.results[["status", "error"]]
    for name, mtime in finished.items():
        assert (records / name).stat().st_mtime_ns == mtime  # not redone


def test_bad_study_simulates_nothing(tmp_path, site_epw):
    path = write_study(tmp_path, site_epw, '[[measures]]\nmeasure = "teleport"\n')
    proc = subprocess.run(
        [sys.executable, "-m", "retrofit.cli", "run", str(path), "--out", str(tmp_path / "s")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "measures[3]: measure 'teleport': unknown" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "s").exists()
