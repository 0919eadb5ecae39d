"""A 16-variant study through ``retrofit run --jobs 2`` against the same 16 prepared IDFs run by
raw ``energyplus`` two at a time, and by eppy's ``runIDFs`` (2 processes); then a cached re-run.

The study: the baseline and 15 single-measure variants (insulation thicknesses, lighting power
densities, window glazing, air sealing, PV fractions). retrofit's time includes everything a
user's command does: validation, the baseline sizing run, preparing and hashing 16 models,
simulating, reading and accounting, tables and plots. The raw reference runs only EnergyPlus on
the prepared ``in.idf`` files retrofit wrote. Target: ratio <= 1.05 (issue 5); cached re-run:
0 simulations, under 5 s.

Run ``python bench/batch.py --help``; ``make bench`` runs both benches.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHANGHAI = ROOT / "weather" / "CHN_SH_Shanghai-Hongqiao.Intl.AP.583670_TMYx.epw"
TARGET_RATIO = 1.05
CACHED_TARGET_S = 5.0

#: (id, measure, params): 15 single-measure variants.
VARIANTS = [
    *[(f"wall-{mm}", "wall_insulation", {"thickness_m": mm / 1000}) for mm in (30, 60, 90, 120)],
    *[(f"roof-{mm}", "roof_insulation", {"thickness_m": mm / 1000}) for mm in (40, 80, 120)],
    *[(f"led-{w}", "led_lighting", {"target_lpd_w_per_m2": float(w)}) for w in (6, 8, 10)],
    ("windows", "window_replacement", {}),
    *[(f"air-{p}", "infiltration_reduction", {"reduction_fraction": p / 100}) for p in (20, 40)],
    *[(f"pv-{p}", "rooftop_pv", {"roof_fraction": p / 100}) for p in (30, 60)],
]


def study_text(model: str, weather: Path, period: str) -> str:
    lines = [
        "schema_version = 1",
        'name = "bench-batch"',
        "[baseline]",
        f'model = "{model}"',
        f'weather = "{weather}"',
        f'period = "{period}"',
        "[outputs]",
        "stacked = false",
        'keep_run_dirs = "none"',
    ]
    for ident, measure, params in VARIANTS:
        body = ", ".join(f"{k} = {v!r}" for k, v in params.items())
        lines += [
            "[[measures]]",
            f'id = "{ident}"',
            f'measure = "{measure}"',
            f"params = {{ {body} }}",
        ]
    return "\n".join(lines) + "\n"


def timed(cmd: list[str], **kwargs) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        sys.exit(f"bench: failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return time.perf_counter() - start


def run_raw(binary: str, weather: Path, idfs: list[Path], work: Path, jobs: int) -> float:
    def one(i_idf):
        i, idf = i_idf
        out = work / f"raw-{i}"
        subprocess.run(
            [binary, "-w", str(weather), "-d", str(out), str(idf)], capture_output=True, check=True
        )

    start = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, enumerate(idfs)))
    return time.perf_counter() - start


def run_eppy(weather: Path, idfs: list[Path], work: Path, jobs: int) -> float | str:
    """eppy's runIDFs on the same files; returns the wall time, or why it could not run."""
    try:
        from eppy.modeleditor import IDF
        from eppy.runner.run_functions import runIDFs

        from retrofit.engine import idd_path
        from retrofit.idf import _eppy_idf_class

        _eppy_idf_class()
        models = [IDF(str(p), str(weather)) for p in idfs]
        options = {"ep_version": "25-2-0", "idd": str(idd_path())}  # the engine beside the IDD
        runs = [
            (m, {**options, "output_directory": str(work / f"eppy-{i}")})
            for i, m in enumerate(models)
        ]
        cwd = os.getcwd()
        os.chdir(work)  # runIDFs works in ./multi_runs
        try:
            start = time.perf_counter()
            runIDFs(runs, processors=jobs)
            return time.perf_counter() - start
        finally:
            os.chdir(cwd)
    except Exception as exc:  # eppy's runner depends on an EnergyPlus install layout
        return f"eppy runIDFs failed: {type(exc).__name__}: {exc}"


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
    parser.add_argument("--skip-eppy", action="store_true")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "batch.json"))
    args = parser.parse_args()

    from retrofit.engine import energyplus_binary
    from retrofit.weather import resolve_weather

    weather = resolve_weather(args.weather, ROOT / "weather").resolve()
    work = Path(tempfile.mkdtemp(prefix="retrofit-bench-batch-"))
    try:
        study = work / "study.toml"
        study.write_text(study_text(args.model, weather, args.period))
        store = work / "store"
        cli = [
            sys.executable,
            "-m",
            "retrofit.cli",
            "run",
            str(study),
            "--jobs",
            str(args.jobs),
            "--out",
            str(store),
            "--json",
        ]
        timed([sys.executable, "-c", "import retrofit.runner"])  # warm the page cache
        retrofit_s = timed(cli)
        cached_s = timed(cli)
        prepared = sorted((store / "prepared").glob("*.idf"))
        raw_s = run_raw(str(energyplus_binary()), weather, prepared, work, args.jobs)
        eppy = "skipped" if args.skip_eppy else run_eppy(weather, prepared, work, args.jobs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "benchmark": "batch",
        "model": args.model,
        "period": args.period,
        "variants": len(prepared),
        "jobs": args.jobs,
        "retrofit_run_s": retrofit_s,
        "raw_energyplus_s": raw_s,
        "ratio_vs_raw": retrofit_s / raw_s,
        "eppy_runidfs_s": eppy,
        "ratio_vs_eppy": retrofit_s / eppy if isinstance(eppy, float) else None,
        "cached_rerun_s": cached_s,
        "target_ratio": TARGET_RATIO,
        "cached_target_s": CACHED_TARGET_S,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    eppy_text = f"{eppy:.1f} s" if isinstance(eppy, float) else eppy
    print(
        f"{len(prepared)} variants ({args.model}, {args.period}), {args.jobs} at a time:\n"
        f"  retrofit run      {retrofit_s:7.1f} s (sizing, preparation, runs, tables, plots)\n"
        f"  raw energyplus    {raw_s:7.1f} s  -> ratio {retrofit_s / raw_s:.3f} "
        f"(target <= {TARGET_RATIO})\n"
        f"  eppy runIDFs      {eppy_text}\n"
        f"  cached re-run     {cached_s:7.1f} s (target < {CACHED_TARGET_S} s, 0 simulations)\n"
        f"wrote {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
