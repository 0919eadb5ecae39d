"""The dask backend's overhead: the same 8-variant study through ``retrofit run`` with local
joblib processes (``--jobs 2``) and with a dask LocalCluster of 2 workers (``--backend dask
--jobs 2``).

Each side starts from a fresh store, so both size the baseline, prepare and hash the 8 models,
simulate all 8 and write the tables; they differ only in who runs the simulations. Pairs
alternate which side goes first. dask's side includes starting the scheduler and its two
worker processes and shutting them down. The two stores must hold the same results (same
variant hashes, same annual kWh). Target: wall-time ratio dask/local <= 1.10 (issue 7).

Run ``python bench/dask_overhead.py --help``; ``make bench`` runs it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHANGHAI = ROOT / "weather" / "CHN_SH_Shanghai-Hongqiao.Intl.AP.583670_TMYx.epw"
TARGET_RATIO = 1.10
#: Relative agreement of the two backends' annual site energy (the engine is deterministic).
SAME_RESULT_RTOL = 1e-9

#: (id, measure, params): the baseline and these 7 make the 8 variants.
MEASURES = [
    ("wall-60", "wall_insulation", {"thickness_m": 0.06}),
    ("roof-80", "roof_insulation", {"thickness_m": 0.08}),
    ("led-8", "led_lighting", {"target_lpd_w_per_m2": 8.0}),
    ("windows", "window_replacement", {}),
    ("air-30", "infiltration_reduction", {"reduction_fraction": 0.3}),
    ("pv-50", "rooftop_pv", {"roof_fraction": 0.5}),
    ("wall-120", "wall_insulation", {"thickness_m": 0.12}),
]


def study_text(model: str, weather: Path, period: str) -> str:
    lines = [
        "schema_version = 1",
        'name = "bench-dask"',
        "[baseline]",
        f'model = "{model}"',
        f'weather = "{weather}"',
        f'period = "{period}"',
        "[outputs]",
        "stacked = false",
        "plots = false",
        'keep_run_dirs = "none"',
    ]
    for ident, measure, params in MEASURES:
        body = ", ".join(f"{k} = {v!r}" for k, v in params.items())
        lines += ["[[measures]]", f'id = "{ident}"', f'measure = "{measure}"']
        lines += [f"params = {{ {body} }}"] if body else []
    return "\n".join(lines) + "\n"


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"bench: failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    summary = json.loads(proc.stdout)
    if summary["simulated"] != len(MEASURES) + 1 or summary["failed"]:
        sys.exit(f"bench: {summary['simulated']} simulated, {summary['failed']} failed: {cmd}")
    return time.perf_counter() - start


def site_energy(store: Path) -> dict[str, float]:
    """Variant hash -> annual site energy [kWh] of a store's records."""
    return {
        p.stem: json.loads(p.read_text())["summary"]["site_energy_kwh"]
        for p in (store / "records").glob("*.json")
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="small-office")
    parser.add_argument(
        "--weather",
        default=str(SHANGHAI) if SHANGHAI.is_file() else "fresno",
        help="EPW path or bundled name (default: Shanghai in weather/, else Fresno)",
    )
    parser.add_argument("--period", default="annual")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="pairs of runs")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "dask_overhead.json"))
    args = parser.parse_args()

    from retrofit.weather import resolve_weather

    weather = resolve_weather(args.weather, ROOT / "weather").resolve()
    work = Path(tempfile.mkdtemp(prefix="retrofit-bench-dask-"))
    rows = []
    try:
        study = work / "study.toml"
        study.write_text(study_text(args.model, weather, args.period))
        base = [sys.executable, "-m", "retrofit.cli", "run", str(study), "--jobs", str(args.jobs)]
        sides = {"local": [], "dask": ["--backend", "dask"]}
        # warm the page cache and retrofit's user caches (parsed IDD, engine version)
        subprocess.run([sys.executable, "-c", "import retrofit.runner, distributed"], check=True)
        for i in range(args.repeat):
            order = ("local", "dask") if i % 2 == 0 else ("dask", "local")
            row = {}
            for side in order:
                store = work / f"{side}-{i}"
                row[f"{side}_s"] = timed([*base, *sides[side], "--out", str(store), "--json"])
            local, dask = site_energy(work / f"local-{i}"), site_energy(work / f"dask-{i}")
            if local.keys() != dask.keys() or any(
                abs(dask[h] - local[h]) > SAME_RESULT_RTOL * abs(local[h]) for h in local
            ):
                sys.exit("bench: the dask and local stores hold different results")
            for side in order:
                shutil.rmtree(work / f"{side}-{i}", ignore_errors=True)
            row["ratio"] = row["dask_s"] / row["local_s"]
            rows.append(row)
            print(
                f"pair {i + 1}: local (joblib, {args.jobs} jobs) {row['local_s']:6.1f} s, dask "
                f"LocalCluster ({args.jobs} workers) {row['dask_s']:6.1f} s, ratio "
                f"{row['ratio']:.3f}",
                flush=True,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ratio = statistics.median(r["ratio"] for r in rows)
    result = {
        "benchmark": "dask_overhead",
        "model": args.model,
        "period": args.period,
        "weather": str(weather),
        "variants": len(MEASURES) + 1,
        "jobs": args.jobs,
        "pairs": rows,
        "median_local_s": statistics.median(r["local_s"] for r in rows),
        "median_dask_s": statistics.median(r["dask_s"] for r in rows),
        "median_ratio": ratio,
        "target_ratio": TARGET_RATIO,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print(
        f"\n{len(MEASURES) + 1} variants ({args.model}, {args.period}): median ratio dask/local "
        f"{ratio:.3f} ({verdict} the target <= {TARGET_RATIO}); same results; wrote {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
