"""Overhead of ``retrofit simulate`` over the raw ``energyplus`` command on the same prepared model.

Both sides run the same prepared annual model (the ``in.idf`` that retrofit writes) on the same
weather, one after the other, alternating which goes first, as separate processes timed from the
outside. The reference is the bare engine: ``energyplus -w EPW -d DIR in.idf``. The retrofit side
does everything a user's command does: start Python, resolve and check the inputs, load and
prepare the model with eppy, run the engine, validate the weather, read the SQL and account
energy, carbon and cost.

Run ``make bench`` (or ``python bench/overhead.py --help``). Target: ratio <= 1.05 (issue 2).
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
TARGET_RATIO = 1.05


def timed(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"bench: command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    return elapsed, proc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="medium-office", help="bundled name or IDF path")
    parser.add_argument(
        "--weather",
        default=str(SHANGHAI) if SHANGHAI.is_file() else "fresno",
        help="EPW path or bundled name (default: Shanghai in weather/, else Fresno)",
    )
    parser.add_argument("--period", default="annual")
    parser.add_argument("--repeat", type=int, default=3, help="pairs of runs")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "overhead.json"))
    args = parser.parse_args()

    from retrofit.engine import energyplus_binary
    from retrofit.weather import resolve_weather

    epw = resolve_weather(args.weather, ROOT / "weather")
    retrofit_cmd = [sys.executable, "-m", "retrofit.cli", "simulate", args.model,
                    "--weather", str(epw), "--period", args.period, "--json"]  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="retrofit-bench-"))
    try:
        # Warm-up: fills the user caches (parsed IDD, engine version) and the page cache, and
        # writes the prepared model both sides run.
        timed([*retrofit_cmd, "--out", str(work / "prepared")])
        prepared = work / "prepared" / "in.idf"
        raw_cmd = [str(energyplus_binary()), "-w", str(epw)]
        rows = []
        for i in range(args.repeat):
            order = ("retrofit", "raw") if i % 2 == 0 else ("raw", "retrofit")
            row = {}
            for side in order:
                out = work / f"{side}-{i}"
                if side == "retrofit":
                    wall, proc = timed([*retrofit_cmd, "--out", str(out)])
                    row["engine_in_retrofit_s"] = json.loads(proc.stdout)["energyplus_runtime_s"]
                else:
                    wall, _ = timed([*raw_cmd, "-d", str(out), str(prepared)])
                row[f"{side}_s"] = wall
                shutil.rmtree(out, ignore_errors=True)
            row["ratio"] = row["retrofit_s"] / row["raw_s"]
            row["overhead_s"] = row["retrofit_s"] - row["engine_in_retrofit_s"]
            rows.append(row)
            print(
                f"pair {i + 1}: raw energyplus {row['raw_s']:6.2f} s, retrofit simulate "
                f"{row['retrofit_s']:6.2f} s (engine {row['engine_in_retrofit_s']:6.2f} s), "
                f"ratio {row['ratio']:.3f}, overhead {row['overhead_s']:.2f} s",
                flush=True,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    raw = statistics.median(r["raw_s"] for r in rows)
    ours = statistics.median(r["retrofit_s"] for r in rows)
    ratio = statistics.median(r["ratio"] for r in rows)
    overhead = statistics.median(r["overhead_s"] for r in rows)
    # The engine's own run-to-run spread here is several per cent, larger than the overhead, so
    # the Python work around the engine (wall time minus the engine process) is also reported.
    overhead_ratio = (raw + overhead) / raw
    result = {
        "benchmark": "overhead",
        "model": args.model,
        "weather": str(epw),
        "period": args.period,
        "pairs": rows,
        "median_raw_s": raw,
        "median_retrofit_s": ours,
        "median_ratio": ratio,
        "median_overhead_s": overhead,
        "overhead_ratio": overhead_ratio,
        "target_ratio": TARGET_RATIO,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print(
        f"\n{args.model}, {args.period}, {epw.name}: median raw {raw:.2f} s, retrofit "
        f"{ours:.2f} s, median paired ratio {ratio:.3f} ({verdict} the target <= "
        f"{TARGET_RATIO}); Python work around the engine {overhead:.2f} s = ratio "
        f"{overhead_ratio:.3f} on the raw run; wrote {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
