"""The ``retrofit`` command line: a thin layer over the library.

Errors a user can fix are one line on stderr, exit code 2 for bad input and 1 for a failed
simulation; ``--debug`` shows the traceback. Logging is configured here and nowhere else.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from retrofit import __version__
from retrofit.errors import InputError, RetrofitError, SimulationError
from retrofit.jsonready import json_ready

log = logging.getLogger("retrofit")

#: Where ``retrofit weather fetch`` writes and where station names are looked up.
PROJECT_WEATHER_DIR = Path("weather")

#: The demo: the office-tower example study (the DOE large office) on Shanghai weather.
DEMO_STUDY = Path("examples") / "office-tower.toml"
DEMO_STATION = "shanghai"
#: Short timeout of the demo's weather download [s]: the demo must not hang offline.
DEMO_FETCH_TIMEOUT_S = 5.0
#: Bundled TMY3 closest to Shanghai's climate (HDD18 / CDD26 measured here: Shanghai
#: 1580 / 202, Fresno 1275 / 195, Oklahoma City 1967 / 162 °C·d; design.md).
DEMO_FALLBACK_WEATHER = "fresno"

EXAMPLES = """\
examples:
  retrofit models
  retrofit weather shanghai
  retrofit weather fetch shanghai
  retrofit simulate medium-office --weather shanghai
  retrofit simulate large-office --weather fresno --period 07/15-07/21 --json
  retrofit simulate my_building.idf --weather site.epw --ddy site.ddy --out runs/mine
  retrofit measures
  retrofit apply medium-office wall_insulation --param thickness_m=0.1 --out mo-wall.idf
  retrofit comply large-office --weather shanghai --building-type office
  retrofit sensitivity examples/uncertainty.toml
  retrofit report runs/office-tower --lang en
  retrofit demo
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="retrofit",
        description="Building energy simulation and retrofit evaluation on EnergyPlus.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"retrofit {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sim = sub.add_parser(
        "simulate",
        help="simulate one model on one weather file; print end uses, carbon and cost",
        description=(
            "Prepare MODEL for the weather's site (location, design days, run period, slim "
            "outputs), run EnergyPlus, and account energy (kWh, tce), CO2 and cost (RMB). "
            "The input model is never modified; the prepared in.idf and EnergyPlus's outputs "
            "stay in --out."
        ),
    )
    sim.add_argument("model", help="an .idf path or a bundled model name (retrofit models)")
    sim.add_argument(
        "--weather",
        required=True,
        help="an .epw path, a bundled TMY3 name (fresno, chicago, ...) or a fetched station "
        "(shanghai)",
    )
    sim.add_argument(
        "--ddy", help="design days (default: the .ddy beside the EPW, else the EPW header)"
    )
    sim.add_argument(
        "--period", default="annual", help="annual (default), design-days, or MM/DD-MM/DD"
    )
    sim.add_argument("--out", help="run folder (default runs/simulate/<model>-<period>)")
    sim.add_argument("--json", action="store_true", help="print one JSON object")
    _add_accounting_options(sim)
    sim.add_argument("--timeout", type=float, default=3600.0, help="EnergyPlus limit [s]")

    models = sub.add_parser("models", help="list the bundled prototype models")
    models.add_argument("--json", action="store_true", help="print JSON")

    weather = sub.add_parser(
        "weather",
        help="summarise an EPW, or fetch a station's weather",
        description=(
            "`retrofit weather EPW` checks an EPW and prints its location, monthly mean "
            "dry-bulb, HDD18 and CDD26 (GB 50176-2016). `retrofit weather fetch STATION` "
            "downloads a TMYx EPW, DDY and STAT from Climate.OneBuilding.org into weather/ "
            "(STATION: shanghai or a WMO number)."
        ),
    )
    weather.add_argument("target", help="an EPW path or name, or the word fetch")
    weather.add_argument("station", nargs="?", help="with fetch: shanghai or a WMO number")
    weather.add_argument("--dest", default=str(PROJECT_WEATHER_DIR), help="fetch into here")
    weather.add_argument("--timeout", type=float, default=20.0, help="download timeout [s]")
    weather.add_argument("--json", action="store_true", help="print JSON")

    run = sub.add_parser(
        "run",
        help="run a study: baseline, measures, packages, stacked sequence; rank by RMB/tCO2",
        description=(
            "Run STUDY.toml: size the baseline, prepare every variant (each measure alone, each "
            "package, then the stacked sequence in order of cost per tonne), simulate what is "
            "not already in the store, and write results.csv/.parquet, ranking.csv, macc.png "
            "and savings.png into the store (default runs/<study name>). Re-running an "
            "unchanged study simulates nothing; a killed run resumes."
        ),
        epilog=RUN_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("study", help="the study TOML (see examples/)")
    run.add_argument(
        "--jobs", type=int, help="parallel simulations (default: all cores; LocalCluster workers)"
    )
    run.add_argument("--out", help="the store (default runs/<study name>)")
    run.add_argument("--json", action="store_true", help="print the ranking as JSON")
    run.add_argument("--timeout", type=float, default=3600.0, help="EnergyPlus limit [s]")
    _add_cluster_options(run)

    rank = sub.add_parser("rank", help="reprint a finished study's ranking from its store")
    rank.add_argument("store", help="the study's store, e.g. runs/office-tower")
    rank.add_argument("--json", action="store_true", help="print JSON")

    report = sub.add_parser(
        "report",
        help="write the owner's report of a finished study: one self-contained HTML file",
        description=(
            "One HTML file (CSS and charts inline, no scripts, no fetches) from a finished "
            "study store: building summary, baseline end uses and months, the measures and "
            "packages, the MACC, uncertainty bands and the position against the reference "
            "building where the study has them, and the assumptions with their sources."
        ),
    )
    report.add_argument("store", help="the study's store, e.g. runs/office-tower")
    report.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="language of the labels (zh)"
    )
    report.add_argument("--out", help="the HTML file (default STORE/report-<lang>.html)")
    report.add_argument(
        "--pdf", action="store_true", help="also print a PDF beside it (headless Chromium)"
    )

    measures = sub.add_parser(
        "measures",
        help="list the retrofit measures: parameters, defaults, cost basis, lifetime, sources",
    )
    measures.add_argument("name", nargs="?", help="show one measure only")
    measures.add_argument("--catalogue", help="TOML overriding catalogue entries")
    measures.add_argument("--json", action="store_true", help="print JSON")

    apply = sub.add_parser(
        "apply",
        help="apply one measure to a model and write the new IDF",
        description=(
            "Apply MEASURE to MODEL and write the transformed model to --out (the input is "
            "untouched). Prints the quantities touched, the capital cost from the catalogue "
            "and the lifetime. Parameters not given take the catalogue defaults "
            "(`retrofit measures NAME`). MEASURE may be 'file.py:function' for your own."
        ),
    )
    apply.add_argument("model", help="an .idf path or a bundled model name")
    apply.add_argument("measure", help="a measure name (retrofit measures) or file.py:function")
    apply.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="K=V",
        help="a parameter value, e.g. --param thickness_m=0.1 (repeatable)",
    )
    apply.add_argument("--out", required=True, help="the new .idf")
    apply.add_argument(
        "--weather",
        help="size the model on this weather's design days first, so that replaced equipment "
        "keeps the installed capacity (heat pumps, chillers) and weather-driven measures "
        "(demand response) know the climate; an EPW path or name",
    )
    apply.add_argument("--ddy", help="design days for --weather (default: beside the EPW)")
    apply.add_argument("--catalogue", help="TOML overriding catalogue entries")
    apply.add_argument("--json", action="store_true", help="print JSON")

    demo = sub.add_parser(
        "demo",
        help="run the office-tower example study on Shanghai weather (the main job)",
        description=(
            "Run examples/office-tower.toml (DOE large office, 9 measures, 2 packages and the "
            "stacked sequence, annual runs) on Shanghai weather from weather/, else a short "
            "download, else the bundled TMY3 closest to Shanghai's climate (Fresno)."
        ),
    )
    demo.add_argument("--out", default="runs/demo", help="the store")
    demo.add_argument("--jobs", type=int, help="parallel simulations (default: all cores)")
    demo.add_argument("--json", action="store_true", help="print the ranking as JSON")

    comply = sub.add_parser(
        "comply",
        help="check a new building against its GB 50189-2015 reference building",
        description=(
            "Build the reference building (参照建筑) from MODEL: envelope at the GB 50189-2015 "
            "limits, HVAC efficiencies at the standard's values, App. B lighting; give both the "
            "standard's calculation parameters; simulate both; report the energy saving rates "
            "against the 20 % (GB 55015-2021), 50 % (Huangpu / ultra-low) and 60 % (nearly "
            "zero) targets, the carbon intensities and the prescriptive checks. Writes "
            "compliance.json and compliance.html into --out."
        ),
    )
    comply.add_argument("model", help="the proposed design: IDF path or bundled name")
    comply.add_argument("--weather", required=True, help="EPW path, bundled name or station")
    comply.add_argument("--ddy", help="design days (default: beside the EPW)")
    comply.add_argument(
        "--building-type",
        default="office",
        help="office | hotel | mall: the calculation parameters (default office)",
    )
    comply.add_argument(
        "--rules", default="gb50189-2015-hscw", help="rule set name or TOML (default HSCW)"
    )
    comply.add_argument("--period", default="annual", help="annual (default) or MM/DD-MM/DD")
    comply.add_argument("--out", help="output folder (default runs/comply-<model>)")
    comply.add_argument("--emissions", default=None, help="CO2 factor set (default Shanghai)")
    comply.add_argument("--json", action="store_true", help="print compliance.json")
    comply.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when a threshold (see --target) or a prescriptive check fails",
    )
    comply.add_argument(
        "--target",
        action="append",
        metavar="KEY",
        help="with --strict: only these thresholds count (e.g. gb55015-20); repeatable",
    )
    comply.add_argument("--timeout", type=float, default=3600.0, help="EnergyPlus limit [s]")
    _add_calibrate_parser(sub)
    _add_sensitivity_parser(sub)
    return parser


def _add_sensitivity_parser(sub) -> None:
    """``retrofit sensitivity``: the study's [uncertainty] table (issue 8)."""
    sens = sub.add_parser(
        "sensitivity",
        help="how sure the savings are: sensitivity indices, P10/P50/P90, P(top 3)",
        description=(
            "Sample the uncertain inputs of STUDY's [uncertainty] table (Morris, Sobol or plain "
            "Monte Carlo), simulate the baseline and each measure at every sample of the model "
            "inputs (hard-sized from the nominal baseline; cached in the study's store with "
            "`retrofit run`), apply the economic inputs (prices, discount rate, emission factor, "
            "capital cost) to the stored results, and write into <store>/uncertainty/: the "
            "indices per output (CSV and bar chart), percentiles.csv (P10/P50/P90 of each "
            "measure's savings, cost per tCO2 and payback), rank_probability.csv (the "
            "probability of ranking in the top 3 by cost per tCO2), samples.parquet and "
            "sensitivity.json. Economic-only uncertainty simulates nothing beyond the study's "
            "own variants. See examples/uncertainty.toml."
        ),
        epilog=SENSITIVITY_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sens.add_argument("study", help="a study TOML with an [uncertainty] table")
    sens.add_argument("--jobs", type=int, help="parallel simulations (default: all cores)")
    sens.add_argument("--out", help="the study's store (default runs/<study name>)")
    sens.add_argument("--json", action="store_true", help="print sensitivity.json")
    sens.add_argument("--timeout", type=float, default=3600.0, help="EnergyPlus limit [s]")
    _add_cluster_options(sens)


SENSITIVITY_EXAMPLES = """\
examples:
  retrofit sensitivity examples/uncertainty.toml --jobs 2
  retrofit sensitivity examples/uncertainty.toml --json > sensitivity.json
  retrofit sensitivity examples/uncertainty.toml --scheduler tcp://head-node:8786
"""


def _add_calibrate_parser(sub) -> None:
    """``retrofit calibrate``: fit a model's declared inputs to monthly bills (ASHRAE G14)."""
    cal = sub.add_parser(
        "calibrate",
        help="calibrate a model's inputs to monthly utility bills (ASHRAE Guideline 14)",
        description=(
            "Adjust the model inputs declared in PARAMS.toml ([[inputs]]: name, driver, low, "
            "high) until the simulated monthly electricity (kWh) and gas (m3) match BILLS.csv "
            "(month,electricity_kwh,gas_m3): a Latin hypercube of EnergyPlus runs over the "
            "bounds, then a bounded optimiser from the best sample, within --max-evaluations "
            "runs. Prints NMBE and CV(RMSE) per fuel before and after against the Guideline "
            "14-2014 monthly limits (|NMBE| <= 5 %, CV(RMSE) <= 15 %), and writes "
            "calibrated.idf (usable as a study baseline), calibration.json, evaluations.csv and "
            "calibration.png into --out. See examples/calibration/README.md."
        ),
        epilog=CALIBRATE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cal.add_argument("model", help="an .idf path or a bundled model name")
    cal.add_argument("--weather", required=True, help="EPW path, bundled name or station")
    cal.add_argument("--bills", required=True, help="CSV: month,electricity_kwh,gas_m3")
    cal.add_argument("--params", required=True, help="TOML of [[inputs]] to adjust")
    cal.add_argument("--ddy", help="design days (default: beside the EPW)")
    cal.add_argument(
        "--period",
        help="annual or MM/DD-MM/DD of whole months (default: the bills' months)",
    )
    cal.add_argument("--out", help="output folder (default runs/calibrate-<model>)")
    cal.add_argument("--samples", type=int, default=16, help="Latin-hypercube runs (16)")
    cal.add_argument(
        "--max-evaluations",
        type=int,
        default=40,
        help="EnergyPlus runs in all, samples and the model as given included (40)",
    )
    cal.add_argument("--seed", type=int, default=0, help="seed of the Latin hypercube")
    cal.add_argument("--jobs", type=int, default=2, help="runs at once while sampling (2)")
    cal.add_argument(
        "--method", default="powell", help="optimiser: powell (default) or nelder-mead"
    )
    cal.add_argument("--keep-runs", action="store_true", help="keep every EnergyPlus folder")
    cal.add_argument("--timeout", type=float, default=3600.0, help="EnergyPlus limit [s]")
    cal.add_argument("--json", action="store_true", help="print calibration.json")


CALIBRATE_EXAMPLES = """\
examples:
  retrofit calibrate small-office --weather shanghai --bills bills.csv \\
      --params examples/calibration/params.toml
  retrofit calibrate my_building.idf --weather site.epw --bills bills.csv \\
      --params params.toml --samples 8 --max-evaluations 20 --out runs/cal-mine --json
"""


RUN_EXAMPLES = """\
examples:
  retrofit run examples/office-tower.toml --jobs 2
  retrofit run examples/office-tower.toml --backend dask --jobs 2
  retrofit run examples/office-tower.toml --scheduler tcp://head-node:8786
  retrofit run examples/office-tower.toml --cluster slurm --workers 32 --queue normal \\
      --walltime 04:00:00 --memory 2GB --account my-project
  retrofit run examples/office-tower.toml --cluster-config examples/cluster/slurm.toml
  retrofit run examples/office-tower.toml --cluster-config examples/cluster/slurm.toml --job-script
"""


def _add_cluster_options(parser: argparse.ArgumentParser) -> None:
    """``retrofit run``'s dask options (docs/cluster.md)."""
    group = parser.add_argument_group(
        "cluster (dask)",
        "Run the simulations on dask workers. The store, cache and resume work as locally; "
        "workers reached by --scheduler or --cluster need retrofit installed, not the study "
        "folder (inputs are sent to them).",
    )
    group.add_argument(
        "--backend",
        choices=("loky", "dask"),
        help="loky: local processes (default); dask: a dask LocalCluster of --jobs workers, "
        "or the cluster of --scheduler / --cluster",
    )
    group.add_argument("--scheduler", metavar="ADDRESS", help="a running dask scheduler")
    group.add_argument(
        "--cluster", choices=("slurm", "pbs"), help="start workers as batch jobs (dask-jobqueue)"
    )
    group.add_argument(
        "--cluster-config", metavar="FILE", help="TOML of the --cluster settings below"
    )
    group.add_argument("--workers", type=int, help="batch-job workers (simulations at once)")
    group.add_argument("--queue", help="partition / queue")
    group.add_argument("--walltime", metavar="HH:MM:SS", help="per batch job")
    group.add_argument("--memory", help="per batch job, e.g. 2GB")
    group.add_argument("--cores", type=int, help="per batch job (one worker each; default 1)")
    group.add_argument("--account", help="account / project to charge")
    group.add_argument(
        "--job-extra",
        action="append",
        metavar="DIRECTIVE",
        help="another #SBATCH / #PBS directive (repeatable), e.g. --job-extra=--qos=low",
    )
    group.add_argument(
        "--job-script", action="store_true", help="print the batch job script and exit"
    )
    group.add_argument(
        "--retries",
        type=int,
        help="dask re-runs of a task that raised (default: retrofit.cluster.DEFAULT_RETRIES); a "
        "simulation EnergyPlus rejects is a failed record, not retried",
    )
    group.add_argument(
        "--keep-raw",
        action="store_true",
        help="keep every raw EnergyPlus folder (from remote workers: variants/<id>.tar.gz)",
    )


def _add_accounting_options(parser: argparse.ArgumentParser) -> None:
    from retrofit import tables

    parser.add_argument(
        "--emissions",
        default=tables.DEFAULT_EMISSION_SET,
        help=f"CO2 factor set (default {tables.DEFAULT_EMISSION_SET})",
    )
    parser.add_argument(
        "--coal",
        default=tables.DEFAULT_COAL_SET,
        help=f"standard-coal factor set (default {tables.DEFAULT_COAL_SET})",
    )
    parser.add_argument(
        "--tariff",
        default=tables.DEFAULT_TARIFF,
        help=f"electricity/gas tariff (default {tables.DEFAULT_TARIFF})",
    )
    parser.add_argument(
        "--credit-exported-co2",
        action="store_true",
        help="credit electricity exported by on-site PV at the grid CO2 factor (default: no)",
    )
    parser.add_argument("--factors-file", help="TOML overriding the factor tables")
    parser.add_argument("--tariffs-file", help="TOML overriding the tariff tables")


# --------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------


def cmd_simulate(args) -> int:
    from retrofit.simulate import Accounting, simulate

    report = simulate(
        args.model,
        args.weather,
        ddy=args.ddy,
        period=args.period,
        out_dir=args.out,
        accounting=Accounting(
            emissions=args.emissions,
            coal=args.coal,
            tariff=args.tariff,
            factors_file=args.factors_file,
            tariffs_file=args.tariffs_file,
            credit_exported_co2=args.credit_exported_co2,
        ),
        timeout_s=args.timeout,
        weather_dir=PROJECT_WEATHER_DIR,
    )
    _print_report(report, args.json)
    return 0


def cmd_models(args) -> int:
    from retrofit.library import archetype_summaries, bundled_summaries

    summaries = bundled_summaries()
    archetypes = archetype_summaries()
    if args.json:
        rows = [
            {
                "name": s.name,
                "file": s.path.name,
                "floor_area_m2": round(s.floor_area_m2, 1),
                "zones": s.zones,
                "heating": s.heating,
                "cooling": s.cooling,
            }
            for s in summaries
        ]
        rows += [
            {
                "name": s.name,
                "prototype": prototype,
                "vintage": vintage,
                "floor_area_m2": round(s.floor_area_m2, 1),
            }
            for s, prototype, vintage in archetypes
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    print(f"{'name':30s} {'floor m2':>9s} {'zones':>5s}  heating / cooling")
    for s in summaries:
        print(f"{s.name:30s} {s.floor_area_m2:9.0f} {s.zones:5d}  {s.heating} / {s.cooling}")
    print(
        "\nDOE reference buildings (new 2004, Chicago) and ASHRAE 90.1-2019 prototypes "
        "(-2019, Denver), from pyenergyplus-lbnl; `retrofit simulate NAME` moves them to the "
        "weather's site."
    )
    print("\nShanghai archetypes (models/*.toml; `retrofit simulate NAME`)")
    print(f"{'name':30s} {'prototype':14s} {'vintage':9s} {'floor m2':>9s}")
    for s, prototype, vintage in archetypes:
        print(f"{s.name:30s} {prototype:14s} {vintage:9s} {s.floor_area_m2:9.0f}")
    return 0


def cmd_weather(args) -> int:
    from retrofit import weather

    if args.target == "fetch":
        if not args.station:
            raise InputError("weather fetch: name a station (shanghai or a WMO number)")
        paths = weather.fetch_weather(args.station, args.dest, timeout_s=args.timeout)
        if args.json:
            print(json.dumps([str(p) for p in paths]))
        else:
            for path in paths:
                print(f"wrote {path}")
        return 0
    if args.station:
        raise InputError(f"weather {args.target} {args.station}: one EPW at a time")
    path = weather.resolve_weather(args.target, PROJECT_WEATHER_DIR)
    summary = weather.summarize_weather(weather.read_epw(path))
    if args.json:
        print(json.dumps(summary, indent=2, default=str, ensure_ascii=False))
    else:
        print(weather.format_weather_summary(summary))
    return 0


def _backend_options(args) -> dict | None:
    """``retrofit run`` / ``retrofit sensitivity``'s backend options as ``run_study`` keywords;
    None after printing the job script (``--job-script``)."""
    from retrofit.cluster import cluster_config, job_script, jobqueue_class

    if args.jobs is not None and args.jobs < 1:
        raise InputError(f"--jobs {args.jobs}: must be 1 or more")
    cluster = cluster_config(
        args.cluster,
        args.cluster_config,
        workers=args.workers,
        queue=args.queue,
        walltime=args.walltime,
        memory=args.memory,
        cores=args.cores,
        account=args.account,
        job_extra=args.job_extra,
    )
    if cluster is not None:
        jobqueue_class(cluster.kind)  # installed? say so before the study is prepared
    dask_given = args.scheduler is not None or cluster is not None
    if args.backend == "loky" and dask_given:
        raise InputError("--backend loky: --scheduler and --cluster run on dask")
    if dask_given or args.backend == "dask":
        import distributed  # noqa: F401 - configures its loggers on import; then quieten them

        # dask logs every worker's comings and goings at INFO: only its warnings beside the bar
        logging.getLogger("distributed").setLevel(logging.DEBUG if args.debug else logging.WARNING)
    if args.job_script:
        if cluster is None:
            raise InputError("--job-script: give --cluster slurm|pbs or --cluster-config")
        print(job_script(cluster))
        return None
    retries = {} if args.retries is None else {"retries": args.retries}
    return {
        "backend": args.backend or ("dask" if dask_given else "loky"),
        "scheduler": args.scheduler,
        "cluster": cluster,
        "keep_raw": args.keep_raw,
        **retries,
    }


def cmd_run(args) -> int:
    from retrofit.runner import run_study

    backend = _backend_options(args)
    if backend is None:
        return 0
    result = run_study(
        args.study,
        jobs=args.jobs,
        out_dir=args.out,
        progress=not args.json,
        weather_dir=PROJECT_WEATHER_DIR,
        timeout_s=args.timeout,
        **backend,
    )
    _print_study(result, args.json)
    return 1 if result.failed else 0


def cmd_rank(args) -> int:
    from retrofit.runner import rank_store

    _print_study(rank_store(args.store), args.json)
    return 0


def cmd_report(args) -> int:
    from retrofit.owner_report import write_owner_report

    path = write_owner_report(args.store, lang=args.lang, out=args.out)
    print(path)
    if args.pdf:
        from retrofit.owner_report import print_pdf

        print(print_pdf(path))
    return 0


def _print_study(result, as_json: bool) -> None:
    from retrofit.report import format_ranking

    if as_json:
        payload = {
            "study": result.study.name,
            "store": str(result.store),
            "simulated": result.simulated,
            "failed": result.failed,
            "ranking": result.ranking.to_dict(orient="records"),
            "macc": result.macc.to_dict(orient="records"),
        }
        print(json.dumps(json_ready(payload), indent=2, default=str, ensure_ascii=False))
        return
    results = result.results
    base = results[results["variant"] == "b00"]
    print(
        f"study {result.study.name}: {len(results)} variants, {result.simulated} simulated "
        f"now, {result.failed} failed; store {result.store}"
    )
    if not base.empty and base.iloc[0]["status"] == "ok":
        b = base.iloc[0]
        print(
            f"baseline: {b['site_energy_kwh']:,.0f} kWh site, {b['emissions_tco2']:,.1f} tCO2, "
            f"{b['energy_cost_rmb']:,.0f} RMB over the run period "
            f"({result.study.spec.baseline.period})"
        )
    print()
    print(format_ranking(result.ranking))
    failed = results[results["status"].isin(["failed", "not applicable"])]
    for _, row in failed.iterrows():
        print(f"  {row['variant']} {row['label']}: {row['status']}: {row['error']}")
    for line in _reference_lines(results, result.study.spec.reference):
        print(line)
    print(f"\nwrote: {', '.join(sorted(result.files))} in {result.store}")


def _reference_lines(results, reference: str | None) -> list[str]:
    """How far the baseline, the best package and the stacked sequence get against the study's
    reference building (whole building / comprehensive saving rate)."""
    column, net = "saving_rate_vs_reference", "saving_rate_comprehensive_vs_reference"
    if reference is None or column not in results:
        return []
    ok = results[(results["status"] == "ok") & results[column].notna()]

    def rate(row) -> str:
        return f"{row[column] * 100:+.1f} % / {row[net] * 100:+.1f} %"

    lines = [f"\nagainst the {reference} reference building (whole building / with renewables):"]
    for kind, label in (("baseline", "baseline"), ("package", None), ("stacked", None)):
        rows = ok[ok["kind"] == kind]
        if rows.empty:
            continue
        row = rows.loc[rows[column].idxmax()] if kind == "package" else rows.iloc[-1]
        name = label or (
            f"best package {row['label']}" if kind == "package" else "all stacked measures"
        )
        meets = [
            c.removeprefix("meets_") for c in results.columns if c.startswith("meets_") and row[c]
        ]
        lines.append(f"  {name:30s} {rate(row)}" + (f"  meets {', '.join(meets)}" if meets else ""))
    return lines


def cmd_measures(args) -> int:
    from retrofit.measures import MEASURES, get_measure
    from retrofit.measures.catalogue import default_catalogue, load_catalogue

    catalogue = load_catalogue(args.catalogue) if args.catalogue else default_catalogue()
    names = [args.name] if args.name else sorted(MEASURES)
    listing = [describe_measure(get_measure(name), catalogue) for name in names]
    if args.json:
        print(json.dumps(listing, indent=2, ensure_ascii=False))
        return 0
    for item in listing:
        print(format_measure(item))
    return 0


def describe_measure(cls, catalogue) -> dict:
    """What ``retrofit measures`` shows of one measure, as data."""
    entry = catalogue.entry(cls.name)
    params = []
    for p in cls.parameters:
        default = entry.defaults.get(p.name)
        params.append(
            {
                "name": p.name,
                "description": p.description,
                "default": default.value if default else None,
                "source": default.source if default else "",
                "verified": default.verified if default else True,
                "minimum": p.minimum,
                "maximum": p.maximum,
                "choices": list(p.choices),
            }
        )
    cost = entry.cost
    return {
        "name": cls.name,
        "title": entry.title,
        "applies_to": entry.applies_to,
        "energyplus_objects": cls.objects,
        "parameters": params,
        "cost": {
            "basis": cost.basis,
            "unit_cost_rmb": cost.unit_cost_rmb.value,
            "unit": cost.unit_cost_rmb.unit,
            "source": cost.unit_cost_rmb.source,
            "verified": cost.unit_cost_rmb.verified,
        },
        "lifetime_years": entry.lifetime_years.value,
        "lifetime_source": entry.lifetime_years.source,
        "lifetime_verified": entry.lifetime_years.verified,
    }


def format_measure(item: dict) -> str:
    lines = [f"{item['name']}: {item['title']}"]
    if item["applies_to"]:
        lines.append(f"  applies to   {item['applies_to']}")
    if item["energyplus_objects"]:
        lines.append(f"  EnergyPlus   {item['energyplus_objects']}")
    for p in item["parameters"]:
        bounds = ""
        if p["minimum"] is not None or p["maximum"] is not None:
            low = "" if p["minimum"] is None else f"{p['minimum']:g}"
            high = "" if p["maximum"] is None else f"{p['maximum']:g}"
            bounds = f" [{low}..{high}]"
        if p["choices"]:
            bounds = f" [{'|'.join(p['choices'])}]"
        lines.append(
            f"  --param {p['name']}={p['default']}{bounds}  {p['description']}"
            + (f"  (default: {p['source']})" if p["source"] else "")
            + _flag(p["verified"])
        )
    cost = item["cost"]
    lines.append(
        f"  cost         {cost['unit_cost_rmb']:g} {cost['unit']} x {cost['basis']} "
        f"({cost['source']}){_flag(cost['verified'])}"
    )
    lines.append(
        f"  lifetime     {item['lifetime_years']:g} years ({item['lifetime_source']})"
        f"{_flag(item['lifetime_verified'])}"
    )
    return "\n".join(lines) + "\n"


def _flag(verified: bool) -> str:
    return "" if verified else "  [unverified]"


def cmd_apply(args) -> int:
    from retrofit.idf import load_idf, write_idf
    from retrofit.library import resolve_model
    from retrofit.measures import make_measure
    from retrofit.measures.catalogue import load_catalogue

    params = parse_params(args.param)
    catalogue = load_catalogue(args.catalogue) if args.catalogue else None
    measure = make_measure(args.measure, params, catalogue=catalogue, base_dir=Path.cwd())
    model_path = resolve_model(args.model)
    context = None
    if args.weather:
        from retrofit.simulate import sizing_context

        sizing_dir = Path(args.out).with_suffix(".sizing")
        context = sizing_context(
            model_path,
            args.weather,
            ddy=args.ddy,
            out_dir=sizing_dir,
            weather_dir=PROJECT_WEATHER_DIR,
        )
    result = measure.apply(load_idf(model_path), context)
    out = write_idf(result.model, args.out)
    capex = measure.capex_rmb(result.quantities)
    summary = {
        "model": str(model_path),
        "measure": measure.name,
        "parameters": measure.params,
        "out": str(out),
        "quantities": result.quantities,
        "capex_rmb": capex,
        "lifetime_years": measure.lifetime_years,
        "notes": result.notes,
        "details": result.details,
        "assumptions": measure.assumptions(),
    }
    if args.json:
        print(json.dumps(json_ready(summary), indent=2, default=str, ensure_ascii=False))
        return 0
    print(f"{measure.name} applied to {model_path.name} -> {out}")
    for key, value in result.quantities.items():
        print(f"  {key:28s} {value:14,.2f}")
    print(f"  {'capex_rmb':28s} {capex:14,.0f}")
    print(f"  {'lifetime_years':28s} {measure.lifetime_years:14,.0f}")
    for note in result.notes:
        print(f"  note: {note}")
    for line in measure.assumptions():
        print(f"  assumption: {line}")
    return 0


def parse_params(pairs: list[str]) -> dict[str, str]:
    """``["k=v", ...]`` -> dict; a malformed pair is an InputError naming it."""
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--param {pair!r}: expected NAME=VALUE")
        params[key.strip()] = value.strip()
    return params


def cmd_comply(args) -> int:
    from retrofit import tables
    from retrofit.compliance.comply import comply

    result = comply(
        args.model,
        args.weather,
        building_type=args.building_type,
        rules=args.rules,
        out_dir=args.out,
        ddy=args.ddy,
        period=args.period,
        emissions=args.emissions or tables.DEFAULT_EMISSION_SET,
        weather_dir=PROJECT_WEATHER_DIR,
        progress=not args.json,
        timeout_s=args.timeout,
    )
    data = result.to_dict()
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    else:
        print(_format_compliance(data))
    if args.strict:
        known = {v["key"] for v in data["verdicts"]}
        unknown = sorted(set(args.target or ()) - known)
        if unknown:
            raise InputError(f"--target {', '.join(unknown)}: known thresholds {sorted(known)}")
        failed = [v["key"] for v in data["verdicts"] if v["passed"] is False]
        if args.target:
            failed = [key for key in failed if key in args.target]
        failed += [c["item"] for c in data["checks"] if c["passed"] is False]
        if failed:
            print(
                f"retrofit: strict: {len(failed)} failed: {', '.join(failed[:5])}"
                + (" ..." if len(failed) > 5 else ""),
                file=sys.stderr,
            )
            return 1
    return 0


def _format_compliance(data: dict) -> str:
    def pct(value):
        return "–" if value is None else f"{value * 100:.1f} %"

    lines = [
        f"{data['model']} against {data['rule_set_title']} ({data['building_type']}, "
        f"{data['period']})",
        f"saving rate, heating + cooling (App. B)  {pct(data['saving_rate_hvac'])}",
        f"saving rate, whole building             {pct(data['saving_rate_whole_building'])}",
        f"saving rate, comprehensive (renewables) {pct(data['saving_rate_comprehensive'])}",
        f"carbon intensity design / reference      "
        f"{data['carbon_intensity_design_kgco2_per_m2']:.1f} / "
        f"{data['carbon_intensity_reference_kgco2_per_m2']:.1f} kgCO2/(m2 a)",
        "",
        "verdicts:",
    ]
    for v in data["verdicts"]:
        status = {True: "PASS", False: "FAIL", None: "n/a "}[v["passed"]]
        flag = "" if v["verified"] else "  (rests on unverified values)"
        extra = f"; {'; '.join(v['conditions'])}" if v["conditions"] else ""
        lines.append(
            f"  {status}  {v['key']:18s} {pct(v['rate']):>8s} >= {pct(v['required_rate'])}"
            f"{extra}{flag}"
        )
    checks = data["checks"]
    failed = [c for c in checks if c["passed"] is False]
    lines += ["", f"prescriptive checks: {len(checks) - len(failed)} of {len(checks)} pass"]
    for c in failed:
        actual = "–" if c["actual"] is None else f"{c['actual']:.3g}"
        lines.append(
            f"  FAIL  {c['clause']}: {c['item']}: {actual} {c['unit']} (required {c['required']})"
        )
    for w in data["warnings"]:
        lines.append(f"warning: {w}")
    lines.append(f"report: {data['files'].get('html', '')}")
    return "\n".join(lines)


def cmd_calibrate(args) -> int:
    from retrofit.calibration import calibrate, read_bills, read_params

    bills = read_bills(args.bills)  # the bills first: their errors need no parameter file
    inputs = read_params(args.params)
    out = args.out or str(Path("runs") / f"calibrate-{Path(str(args.model)).stem}")
    result = calibrate(
        args.model,
        args.weather,
        bills,
        inputs,
        period=args.period,
        out_dir=out,
        samples=args.samples,
        max_evaluations=args.max_evaluations,
        seed=args.seed,
        progress=not args.json,
        ddy=args.ddy,
        weather_dir=PROJECT_WEATHER_DIR,
        jobs=args.jobs,
        method=args.method,
        keep_runs=args.keep_runs,
        timeout_s=args.timeout,
    )
    data = result.to_dict()
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    else:
        print(format_calibration(data))
    return 0


def format_calibration(data: dict) -> str:
    """Human-readable summary of :meth:`retrofit.calibration.CalibrationResult.to_dict`."""

    def pct(value, signed: bool = False):
        if value is None:
            return "–"
        percent = round(value * 100, 1) + 0.0  # no "-0.0"
        return f"{percent:+.1f} %" if signed else f"{percent:.1f} %"

    def cells(fit):
        if fit is None:
            return f"{'–':>9s}{'–':>10s}  {'–':4s}"
        verdict = "PASS" if fit["passed"] else "FAIL"
        return f"{pct(fit['nmbe'], True):>9s}{pct(fit['cv_rmse']):>10s}  {verdict}"

    limits = data["limits"]
    lines = [
        f"{data['model']} calibrated to bills ({data['period']}, months "
        f"{', '.join(map(str, data['months']))})",
        f"weather  {data['weather']}",
        "",
        f"fit: {limits['source']}",
        f"     |NMBE| <= {pct(limits['nmbe'])}, CV(RMSE) <= {pct(limits['cv_rmse'])}",
        f"  {'':12s}{'before':^25s}   {'after':^25s}",
        f"  {'fuel':12s}{'NMBE':>9s}{'CV(RMSE)':>10s}  pass   {'NMBE':>9s}{'CV(RMSE)':>10s}  pass",
    ]
    for fuel, after in data["after"].items():
        lines.append(f"  {fuel:12s}{cells(data['before'].get(fuel))}   {cells(after)}")
    lines += ["", "calibrated inputs (nominal -> calibrated, bounds)"]
    for item in data["inputs"]:
        name = item["name"]
        lines.append(
            f"  {name:28s}{data['nominal_values'][name]:9.3f} -> "
            f"{data['calibrated_values'][name]:<9.3f} [{item['low']:g}, {item['high']:g}]"
        )
    lines += [
        "",
        f"runs     {data['evaluations_used']} EnergyPlus runs ({data['evaluations_failed']} "
        f"failed), {data['runtime_s']:.1f} s; objective {data['objective_before']:.4g} -> "
        f"{data['objective_after']:.4g}",
    ]
    lines += [f"note     {note}" for note in data["notes"]]
    files = data["files"]
    lines += [
        "",
        f"calibrated model  {files['calibrated_idf']}",
        f"summary           {files['json']}",
        f"evaluations       {files['evaluations']}",
        f"plot              {files['plot']}",
    ]
    return "\n".join(line.rstrip() for line in lines)


def cmd_sensitivity(args) -> int:
    from retrofit.uncertainty.study import run_sensitivity

    backend = _backend_options(args)
    if backend is None:
        return 0
    result = run_sensitivity(
        args.study,
        jobs=args.jobs,
        out_dir=args.out,
        progress=not args.json,
        weather_dir=PROJECT_WEATHER_DIR,
        timeout_s=args.timeout,
        **backend,
    )
    data = result.to_dict()
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(format_sensitivity(data))
    return 1 if result.failed else 0


#: Inputs shown per output and measure by ``retrofit sensitivity``.
TOP_INPUTS_SHOWN = 3
#: Index named in the heading of the top inputs, per method.
INDEX_LABELS = {
    "morris": "Morris mu* (in the output's unit)",
    "sobol": "Sobol total-order ST (fraction of variance)",
}


def format_sensitivity(data: dict) -> str:
    """Human-readable summary of :meth:`retrofit.uncertainty.study.SensitivityResult.to_dict`."""

    def num(value) -> str:
        return f"{'-':>11s}" if value is None else f"{value:>11.4g}"

    kinds = {}
    for item in data["inputs"]:
        kinds[item["kind"]] = kinds.get(item["kind"], 0) + 1
    mix = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    lines = [
        f"study {data['study']}: {data['method']}, {data['rows']} samples of "
        f"{len(data['inputs'])} inputs ({mix}); {data['points']} model points, "
        f"{data['variants']} variants, {data['simulated']} simulated now, "
        f"{data['failed']} failed",
    ]
    if data["top_inputs"]:
        lines += ["", f"most influential inputs, {INDEX_LABELS[data['method']]}:"]
        for output, measures in data["top_inputs"].items():
            for i, (measure, ranked) in enumerate(measures.items()):
                shown = ", ".join(
                    f"{name} {'-' if value is None else f'{value:.3g}'}"
                    for name, value in ranked[:TOP_INPUTS_SHOWN]
                )
                lines.append(f"  {output if i == 0 else '':20s}{measure:16s}{shown or '-'}")
    top = data["rank_probability"]["top"]
    p_top = {r["measure"]: r["p_top"] for r in data["rank_probability"]["measures"]}
    lines += [
        "",
        f"  {'measure':16s}{'output':20s}{'P10':>11s}{'P50':>11s}{'P90':>11s}  P(top {top})",
    ]
    seen = set()
    for row in data["percentiles"]:
        measure = row["measure"]
        first = measure not in seen
        seen.add(measure)
        share = p_top.get(measure) if first else None
        lines.append(
            f"  {measure if first else '':16s}{row['output']:20s}{num(row['p10'])}"
            f"{num(row['p50'])}{num(row['p90'])}  {'' if share is None else f'{share:.2f}'}"
        )
    lines += ["", f"P(top {top}): probability of ranking among the {top} cheapest by RMB/tCO2"]
    lines += [f"note  {note}" for note in data["notes"]]
    lines += ["", f"wrote {len(data['files'])} files in {data['folder']}"]
    return "\n".join(line.rstrip() for line in lines)


def cmd_demo(args) -> int:
    from retrofit.runner import run_study

    if not DEMO_STUDY.is_file():
        raise InputError(f"{DEMO_STUDY}: the demo study is missing (run from the repository)")
    epw, note = demo_weather()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    study = out / "demo-study.toml"
    text = DEMO_STUDY.read_text()
    if 'weather = "shanghai"' not in text:
        raise InputError(f'{DEMO_STUDY}: expected weather = "shanghai" to replace')
    study.write_text(text.replace('weather = "shanghai"', f'weather = "{epw.resolve()}"', 1))
    print(
        f"demo: {DEMO_STUDY} (DOE large office, annual runs), weather {epw.name} ({note}); "
        f"results in {out}/",
        file=sys.stderr,
    )
    result = run_study(study, jobs=args.jobs, out_dir=out, weather_dir=PROJECT_WEATHER_DIR)
    _print_study(result, args.json)
    return 1 if result.failed else 0


def demo_weather() -> tuple[Path, str]:
    """The demo's weather: ``weather/`` if it holds Shanghai, else a short fetch, else Fresno.

    Returns the EPW path and a note saying which it is and why.
    """
    from retrofit import weather

    try:
        return weather.resolve_weather(DEMO_STATION, PROJECT_WEATHER_DIR), (
            "Shanghai Hongqiao TMYx, from weather/"
        )
    except InputError:
        pass
    try:
        paths = weather.fetch_weather(
            DEMO_STATION, PROJECT_WEATHER_DIR, timeout_s=DEMO_FETCH_TIMEOUT_S
        )
        epw = next(p for p in paths if p.suffix.lower() == ".epw")
        return epw, "Shanghai Hongqiao TMYx, just downloaded into weather/"
    except (InputError, StopIteration) as exc:
        reason = str(exc).split(";")[0]
    fallback = weather.resolve_weather(DEMO_FALLBACK_WEATHER)
    return fallback, (
        f"Shanghai weather unavailable ({reason}); using the bundled TMY3 closest to "
        "Shanghai's climate: Fresno HDD18/CDD26 1275/195 vs Shanghai 1580/202"
    )


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def _print_report(report, as_json: bool) -> None:
    summary = report.summary()
    if as_json:
        print(json.dumps(json_ready(summary), indent=2, ensure_ascii=False))
        return
    print(format_report(summary))


FUEL_LABELS = {
    "electricity_kwh": "electricity",
    "natural_gas_kwh": "natural gas",
    "district_heating_kwh": "district heat",
    "district_cooling_kwh": "district cool",
}


def format_report(s: dict) -> str:
    """Human-readable summary of :meth:`SimulationReport.summary`."""
    lines = [
        f"model    {s['model']}  ({s['floor_area_m2']:,.0f} m2, "
        f"{s['conditioned_floor_area_m2']:,.0f} m2 conditioned)",
        f"weather  {s['weather']}",
        f"design   {s['design_days']}",
        f"period   {s['period']}  ({', '.join(s['environments'])})",
        "",
    ]
    end_uses = s["end_uses_kwh"]
    fuels = [f for f in FUEL_LABELS if any(f in row for row in end_uses.values())]
    if end_uses:
        header = f"{'end use [kWh]':22s}" + "".join(f"{FUEL_LABELS[f]:>15s}" for f in fuels)
        lines.append(header)
        lines.append("-" * len(header))
        for use, row in end_uses.items():
            cells = "".join(f"{row.get(f, 0.0):15,.0f}" for f in fuels)
            lines.append(f"{use.replace('_', ' '):22s}{cells}")
        lines.append("-" * len(header))
        lines.append(f"{'total':22s}" + "".join(f"{s[f]:15,.0f}" for f in fuels))
    else:
        lines.append("end uses: not reported for design-day runs (fuel totals below)")
    eui = s["eui_kwh_per_m2"]
    factors = s["emission_factors"]
    lines += [
        "",
        f"electricity         {s['electricity_kwh']:14,.0f} kWh",
        f"natural gas         {s['natural_gas_kwh']:14,.0f} kWh  ({s['natural_gas_m3']:,.0f} m3)",
        f"district heating    {s['district_heating_kwh']:14,.0f} kWh",
        f"district cooling    {s['district_cooling_kwh']:14,.0f} kWh",
        f"site energy         {s['site_energy_kwh']:14,.0f} kWh  (EUI {eui:,.1f} kWh/m2)"
        if eui is not None
        else "",
        f"standard coal       {s['energy_tce']:14,.2f} tce  ({s['coal_factors']['name']})",
        f"CO2                 {s['emissions_tco2']:14,.2f} tCO2 ({factors['name']}: "
        f"{factors['electricity_kgco2_per_kwh']} kgCO2/kWh, "
        f"{factors['natural_gas_kgco2_per_m3']} kgCO2/m3)",
        f"energy cost         {s['energy_cost_rmb']:14,.0f} RMB  ({s['tariff']['name']})",
        *(
            [
                f"PV generation       {s['pv_generation_kwh']:14,.0f} kWh  "
                f"({s['electricity_self_consumed_kwh']:,.0f} self-consumed, "
                f"{s['electricity_exported_kwh']:,.0f} exported; "
                f"{s['electricity_purchased_kwh']:,.0f} kWh purchased)"
            ]
            if s.get("pv_generation_kwh")
            else []
        ),
        f"peak demand         {s['peak_demand_kw']:14,.1f} kW",
        f"unmet hours         {s['unmet_hours_heating']:8,.0f} heating, "
        f"{s['unmet_hours_cooling']:,.0f} cooling (occupied)",
        f"EnergyPlus          {s['energyplus_version']}: {s['warnings']} warnings, "
        f"{s['severe_errors']} severe; {s['energyplus_runtime_s']:.1f} s "
        f"(total {s['runtime_s']:.1f} s)",
        f"outputs             {s['run_dir']}",
    ]
    if s["assumptions"]:
        lines.append("")
        lines.append(
            "assumptions (unverified values; override with --factors-file/--tariffs-file):"
        )
        lines += [f"  - {a}" for a in s["assumptions"]]
    return "\n".join(line for line in lines if line is not None)


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------

COMMANDS = {
    "simulate": cmd_simulate,
    "models": cmd_models,
    "weather": cmd_weather,
    "run": cmd_run,
    "rank": cmd_rank,
    "report": cmd_report,
    "measures": cmd_measures,
    "apply": cmd_apply,
    "demo": cmd_demo,
    "comply": cmd_comply,
    "calibrate": cmd_calibrate,
    "sensitivity": cmd_sensitivity,
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return COMMANDS[args.command](args)
    except RetrofitError as exc:
        if args.debug:
            raise
        print(f"retrofit: error: {exc}", file=sys.stderr)
        if isinstance(exc, SimulationError) and exc.excerpt:
            for line in exc.excerpt.splitlines()[:10]:
                print(f"  {line}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("retrofit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        return 0
    except Exception as exc:  # a bug: one line, the traceback with --debug
        if args.debug:
            raise
        print(
            f"retrofit: internal error: {type(exc).__name__}: {exc} (rerun with --debug)",
            file=sys.stderr,
        )
        return 1


def run() -> None:  # pragma: no cover - exercised by the tests through `python -m`
    """Console-script entry: :func:`main`, then exit without the interpreter's teardown.

    Tearing down eppy's parsed IDD (millions of small objects) took 0.26 s of a 0.9 s overhead
    per ``retrofit simulate`` (measured here); every output is flushed and logging shut down
    first, and no command leaves work for ``atexit``.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
