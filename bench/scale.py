"""Orchestrator time per variant for studies of 1,000 and 10,000 variants: is it linear?

Everything ``retrofit run`` does around the simulations is timed, on the real code: validating
the study file, preparing every variant (a fresh copy of the model, the measure applied, the
site and outputs set, the text hashed and written), checking the store for a finished record,
saving each record as it arrives, and gathering the results table, ranking, MACC, manifest and
``variants.json``. Then the same study again: everything cached, nothing to run.

**The simulations are faked.** EnergyPlus would take hours for 10,000 variants and is not what
is measured here, so inside this bench only ``retrofit.runner.run_task`` is replaced by
:func:`fake_run_task`, which returns a plausible record at once (joblib with one job runs it in
this process). The model is a few-object IDF written here, and the variants are a sweep of a
user measure (the building's north axis, one value per variant), so every variant is a
distinct prepared model with its own hash, record and store files. The tests never fake the
engine.

If the orchestrator is linear, the time per variant at 10,000 is about the one at 1,000:
the ratio is reported (target <= 1.5, allowing for file-system caches filling up).

Run ``python bench/scale.py --help``; ``make bench`` runs it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHANGHAI = ROOT / "weather" / "CHN_SH_Shanghai-Hongqiao.Intl.AP.583670_TMYx.epw"
SIZES = (1_000, 10_000)
TARGET_RATIO = 1.5
#: North-axis step between variants [deg]: distinct values, hence distinct prepared models.
AXIS_STEP_DEG = 0.001

#: The smallest model the preparation accepts: preparation adds the rest (site, run period,
#: design days, outputs).
TINY_MODEL = """\
Version, 25.2;
Building, Tiny, 0, Suburbs, 0.04, 0.4, FullInteriorAndExterior, 25, 6;
Timestep, 4;
"""

SWEEP_MEASURE = '''\
def rotate(idf, north_axis_deg):
    """Turn the building (a cheap edit that makes every variant's model distinct)."""
    idf.idfobjects["BUILDING"][0].North_Axis = north_axis_deg
    return {"rotation_deg": north_axis_deg}
'''


def study_text(variants: int, weather: Path) -> str:
    lines = [
        "schema_version = 1",
        f'name = "scale-{variants}"',
        "[baseline]",
        'model = "tiny.idf"',
        f'weather = "{weather}"',
        'period = "annual"',
        'sizing = "autosize"',
        "[outputs]",
        "stacked = false",
        "plots = false",
        'keep_run_dirs = "none"',
    ]
    for i in range(1, variants):
        lines += [
            "[[measures]]",
            f'id = "r{i:05d}"',
            'measure = "sweep.py:rotate"',
            f"params = {{ north_axis_deg = {i * AXIS_STEP_DEG:.3f}, lifetime_years = 20 }}",
        ]
    return "\n".join(lines) + "\n"


def fake_run_task(task) -> dict:
    """BENCH ONLY: a record shaped like :func:`retrofit.runner.run_task`'s, with no simulation.

    Values vary with the variant's hash so the savings and ranking have something to sort.
    """
    spread = int(hashlib.sha256(task.variant_hash.encode()).hexdigest()[:6], 16) / 0xFFFFFF
    site_kwh = 100_000.0 * (1.0 - 0.1 * spread)
    summary = {
        "electricity_kwh": site_kwh,
        "natural_gas_kwh": 0.0,
        "district_heating_kwh": 0.0,
        "district_cooling_kwh": 0.0,
        "site_energy_kwh": site_kwh,
        "floor_area_m2": 500.0,
        "eui_kwh_per_m2": site_kwh / 500.0,
        "energy_tce": site_kwh * 0.1229e-3,
        "emissions_tco2": site_kwh * 0.42e-3,
        "energy_cost_rmb": site_kwh * 0.8,
        "electricity_cost_rmb": site_kwh * 0.8,
        "natural_gas_cost_rmb": 0.0,
        "peak_demand_kw": 50.0,
        "unmet_hours_heating": 0.0,
        "unmet_hours_cooling": 0.0,
    }
    return {
        "hash": task.variant_hash,
        "variant": task.variant_id,
        "status": "ok",
        "runtime_s": 0.0,
        "summary": summary,
        "hourly": {},
        "monthly": {},
    }


def timed_run(study: Path, store: Path) -> tuple[float, int]:
    from retrofit.runner import run_study

    start = time.perf_counter()
    result = run_study(study, jobs=1, out_dir=store, progress=False)
    elapsed = time.perf_counter() - start
    if len(result.results) == 0 or (result.results["status"] != "ok").any():
        sys.exit(f"bench: {study.name}: not every variant ended ok")
    return elapsed, result.simulated


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--weather",
        default=str(SHANGHAI) if SHANGHAI.is_file() else "fresno",
        help="EPW path or bundled name (default: Shanghai in weather/, else Fresno)",
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "scale.json"))
    args = parser.parse_args()

    import retrofit.runner
    from retrofit.weather import resolve_weather

    retrofit.runner.run_task = fake_run_task  # BENCH ONLY: no EnergyPlus (see the docstring)
    weather = resolve_weather(args.weather, ROOT / "weather").resolve()
    work = Path(tempfile.mkdtemp(prefix="retrofit-bench-scale-"))
    rows = []
    try:
        (work / "tiny.idf").write_text(TINY_MODEL)
        (work / "sweep.py").write_text(SWEEP_MEASURE)
        for size in args.sizes:
            study = work / f"scale-{size}.toml"
            study.write_text(study_text(size, weather))
            store = work / f"store-{size}"
            first_s, simulated = timed_run(study, store)
            cached_s, again = timed_run(study, store)
            if simulated != size or again != 0:
                sys.exit(f"bench: {size} variants: {simulated} then {again} runs")
            row = {
                "variants": size,
                "first_run_s": first_s,
                "first_run_ms_per_variant": 1e3 * first_s / size,
                "cached_run_s": cached_s,
                "cached_run_ms_per_variant": 1e3 * cached_s / size,
            }
            rows.append(row)
            print(
                f"{size:6d} variants: first run {first_s:7.1f} s "
                f"({row['first_run_ms_per_variant']:.2f} ms/variant), cached re-run "
                f"{cached_s:6.1f} s ({row['cached_run_ms_per_variant']:.2f} ms/variant)",
                flush=True,
            )
            shutil.rmtree(store, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    small, large = rows[0], rows[-1]
    ratios = {
        key: large[f"{key}_ms_per_variant"] / small[f"{key}_ms_per_variant"]
        for key in ("first_run", "cached_run")
    }
    result = {
        "benchmark": "scale",
        "note": "simulations faked inside the bench (fake_run_task); orchestrator time only",
        "rows": rows,
        "ratio_per_variant_first_run": ratios["first_run"],
        "ratio_per_variant_cached_run": ratios["cached_run"],
        "target_ratio": TARGET_RATIO,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    verdict = "linear" if max(ratios.values()) <= TARGET_RATIO else "NOT linear"
    print(
        f"time per variant, {large['variants']} against {small['variants']} variants: first run "
        f"x{ratios['first_run']:.2f}, cached re-run x{ratios['cached_run']:.2f} ({verdict}; "
        f"target <= {TARGET_RATIO}); wrote {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
