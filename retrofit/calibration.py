"""Calibration of a baseline model to monthly utility bills (ASHRAE Guideline 14-2014).

An auditor's baseline must match the building's bills before its savings mean anything. This
module reads the bills (:func:`read_bills`), measures the fit of a simulation with Guideline 14's
NMBE and CV(RMSE) (:func:`nmbe`, :func:`cv_rmse`, :func:`fit_report`), and adjusts the declared
uncertain model inputs (:mod:`retrofit.uncertainty.inputs`) until the simulated monthly
electricity and gas match the bills (:func:`calibrate`): a Latin hypercube of real EnergyPlus
runs over the inputs' bounds, then a bounded scipy search from the best sample, within a fixed
budget of runs. The calibrated model is the original model with the calibrated inputs applied,
written as an IDF a study can take as its baseline.

Layout: the edges (bills, parameter file, outputs) first, then the orchestrator, then the pure
functions (metrics, objective, period arithmetic, the budgeted search).
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from retrofit.engine import DEFAULT_TIMEOUT_S
from retrofit.errors import InputError, SimulationError
from retrofit.jsonready import json_ready

if TYPE_CHECKING:
    from retrofit.idf import RunPeriod
    from retrofit.uncertainty.inputs import UncertainInput

# --------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------

#: Guideline 14-2014 calibration criteria for monthly data (clause 4.3.2.4): |NMBE| within 5 %
#: and CV(RMSE) at most 15 % (fractions). Hourly data would be 10 % and 30 %.
G14_MONTHLY_NMBE_LIMIT = 0.05
G14_MONTHLY_CVRMSE_LIMIT = 0.15

#: Parameters subtracted from the number of months in the G14 denominators (``n - p``).
G14_DEFAULT_P = 1

#: The bill columns: month, electricity [kWh], natural gas [m3] (the glossary name; ``gas_m3``
#: is accepted as the header too).
MONTH_COLUMN = "month"
ELECTRICITY_COLUMN = "electricity_kwh"
GAS_COLUMN = "natural_gas_m3"
ELECTRICITY_HEADERS = ("electricity_kwh",)
GAS_HEADERS = ("gas_m3", "natural_gas_m3")

#: Fuels compared, each as (bill column, simulated monthly column, unit of the bills).
FUELS = {
    "electricity": (ELECTRICITY_COLUMN, "electricity_kwh", "kWh"),
    "gas": (GAS_COLUMN, "natural_gas_kwh", "m3"),
}

MONTHS_PER_YEAR = 12
#: Days of each month of the (non-leap) weather-file year, as EnergyPlus runs TMY files.
DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

#: Parallel EnergyPlus runs of the sampling phase (each run is one subprocess; design.md: two
#: runs side by side on the 2 cores take the wall time of one).
DEFAULT_JOBS = 2
#: Optimisers offered (scipy.optimize.minimize methods that take bounds). Powell is the default:
#: on a one-input quadratic objective it needed 8 distinct evaluations to the exact minimum where
#: Nelder-Mead needed 17, and Nelder-Mead's simplex collapses when the start lies on a bound
#: (measured here with scipy 1.17 on analytic functions).
METHODS = ("powell", "nelder-mead")
DEFAULT_METHOD = "powell"
#: Normalised coordinates are rounded to this many decimals before a run: the cache key, and a
#: resolution of 1e-4 of each input's range (finer than any bill can distinguish).
CACHE_DECIMALS = 4
#: Optimiser tolerances on the normalised inputs (a thousandth of each range) and on the
#: objective (a sum of squared fractions: 1e-8 is a 0.01 % metric).
X_TOLERANCE = 1e-3
F_TOLERANCE = 1e-8
#: Nelder-Mead's first simplex: the start plus this step along each normalised input.
SIMPLEX_STEP = 0.1

#: Output files written into ``out_dir``.
CALIBRATED_IDF = "calibrated.idf"
CALIBRATION_JSON = "calibration.json"
CALIBRATION_PNG = "calibration.png"
EVALUATIONS_CSV = "evaluations.csv"
RUNS_DIR = "runs"

_MONTH_NUMBER = re.compile(r"\d{1,2}")
_YEAR_MONTH = re.compile(r"(\d{4})[-/](\d{1,2})")
#: Words that mark a header as an electricity or gas column in some unit we do not take.
_ELECTRICITY_WORDS = ("elec",)
_GAS_WORDS = ("gas",)


# --------------------------------------------------------------------------------------------
# Edges: bills and the parameter file
# --------------------------------------------------------------------------------------------


def read_bills(path: str | os.PathLike) -> pd.DataFrame:
    """Read monthly utility bills from a CSV file.

    The header is ``month,electricity_kwh,gas_m3`` (``natural_gas_m3`` is accepted for the gas
    column; the gas column may be left out for an all-electric building; other columns, such as
    a cost, are ignored). ``month`` is a month number (1-12) or a calendar month ``YYYY-MM``;
    dated bills must be consecutive months, at most twelve (the weather file is one year).

    Parameters
    ----------
    path : path
        The CSV file.

    Returns
    -------
    DataFrame
        One row a month, in bill order: ``month`` (1-12), ``label`` (the month as written),
        ``electricity_kwh`` [kWh] and, when given, ``natural_gas_m3`` [m3]. ``attrs["source"]``
        is the file.

    Raises
    ------
    InputError
        One line naming the file, the line and the column: an empty file, no rows, a missing
        or wrongly-united column (``electricity_mwh``, ``gas_kwh``, ``electricity``), a month
        that is not 1-12 or YYYY-MM, a duplicate or missing month, a negative, empty or
        non-numeric value.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such bills file")
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    numbered = [
        (line_no, row)
        for line_no, line in enumerate(text.splitlines(), start=1)
        for row in csv.reader([line])
        if any(cell.strip() for cell in row)
    ]
    if not numbered:
        raise InputError(f"{path}: empty file; expected the header {_expected_header()}")
    header = [cell.strip().lower() for cell in numbered[0][1]]
    columns = _bill_columns(path, header)
    problems: list[str] = []
    records = []
    for line_no, row in numbered[1:]:
        record: dict[str, Any] = {"line": line_no}
        cells = {name: (row[i].strip() if i < len(row) else "") for name, i in columns.items()}
        record["label"] = cells[MONTH_COLUMN]
        month = _parse_month(cells[MONTH_COLUMN])
        if month is None:
            problems.append(
                f"line {line_no}, column month: {cells[MONTH_COLUMN]!r} is not a month "
                "(1-12 or YYYY-MM)"
            )
        else:
            record["year"], record[MONTH_COLUMN] = month
        for name in columns:
            if name == MONTH_COLUMN:
                continue
            value, problem = _parse_amount(cells[name])
            if problem:
                problems.append(f"line {line_no}, column {name}: {problem}")
            record[name] = value
        records.append(record)
    if not records:
        raise InputError(f"{path}: no bills below the header")
    if problems:
        raise InputError(f"{path}: {_join(problems)}")
    frame = pd.DataFrame.from_records(records)
    _check_months(path, frame)
    keep = [MONTH_COLUMN, "label", *(c for c in columns if c != MONTH_COLUMN)]
    frame = frame[keep].reset_index(drop=True)
    frame[MONTH_COLUMN] = frame[MONTH_COLUMN].astype(int)
    frame.attrs["source"] = str(path)
    return frame


def _expected_header() -> str:
    return f"{MONTH_COLUMN},{ELECTRICITY_HEADERS[0]},{GAS_HEADERS[0]}"


def _bill_columns(path: Path, header: list[str]) -> dict[str, int]:
    """Map the glossary column names to their position in ``header``."""
    columns: dict[str, int] = {}
    for i, name in enumerate(header):
        if name == MONTH_COLUMN:
            target = MONTH_COLUMN
        elif name in ELECTRICITY_HEADERS:
            target = ELECTRICITY_COLUMN
        elif name in GAS_HEADERS:
            target = GAS_COLUMN
        elif any(word in name for word in _GAS_WORDS):
            raise InputError(
                f"{path}: column {name!r}: gas bills must be in m3, header "
                f"{' or '.join(GAS_HEADERS)} (convert other units to m3 first)"
            )
        elif any(word in name for word in _ELECTRICITY_WORDS):
            raise InputError(
                f"{path}: column {name!r}: electricity bills must be in kWh, header "
                f"{ELECTRICITY_HEADERS[0]} (convert other units to kWh first)"
            )
        else:
            continue  # a cost or a note: not compared
        if target in columns:
            raise InputError(f"{path}: column {name!r}: a second {target} column")
        columns[target] = i
    if MONTH_COLUMN not in columns:
        raise InputError(f"{path}: no 'month' column; expected the header {_expected_header()}")
    if ELECTRICITY_COLUMN not in columns:
        raise InputError(
            f"{path}: no electricity column; expected the header {_expected_header()} "
            f"(electricity in kWh, gas in m3; the gas column is optional)"
        )
    return columns


def _parse_month(text: str) -> tuple[int | None, int] | None:
    """``(year or None, month)`` of ``"3"`` or ``"2023-03"``; None when it is neither."""
    if _MONTH_NUMBER.fullmatch(text):
        month = int(text)
        return (None, month) if 1 <= month <= MONTHS_PER_YEAR else None
    match = _YEAR_MONTH.fullmatch(text)
    if match:
        month = int(match.group(2))
        return (int(match.group(1)), month) if 1 <= month <= MONTHS_PER_YEAR else None
    return None


def _parse_amount(text: str) -> tuple[float, str | None]:
    """A metered amount and, when it is not one, the problem."""
    if not text:
        return math.nan, "empty (every month needs a reading)"
    try:
        value = float(text)
    except ValueError:
        return math.nan, f"{text!r} is not a number"
    if not math.isfinite(value):
        return math.nan, f"{text!r} is not a finite number"
    if value < 0:
        return value, f"{text} is negative"
    return value, None


def _check_months(path: Path, frame: pd.DataFrame) -> None:
    """No duplicate month; dated bills are consecutive calendar months, at most twelve."""
    years = frame["year"]
    if years.isna().any() and years.notna().any():
        raise InputError(
            f"{path}: column month mixes month numbers and YYYY-MM; use one form throughout"
        )
    dated = years.notna().all()
    if dated:
        index = (years.astype(int) * MONTHS_PER_YEAR + frame[MONTH_COLUMN] - 1).to_numpy()
        seen: dict[int, int] = {}
        for line, label, key in zip(frame["line"], frame["label"], index, strict=True):
            if key in seen:
                raise InputError(
                    f"{path}: line {line}, column month: {label} appears twice "
                    f"(first on line {seen[key]})"
                )
            seen[key] = line
        ordered = np.sort(index)
        gaps = [
            _month_label(k)
            for a, b in zip(ordered[:-1], ordered[1:], strict=True)
            for k in range(a + 1, b)
        ]
        if gaps:
            raise InputError(f"{path}: missing month(s) {', '.join(gaps)} between the bills")
        if len(ordered) > MONTHS_PER_YEAR:
            raise InputError(
                f"{path}: {len(ordered)} months from {_month_label(ordered[0])} to "
                f"{_month_label(ordered[-1])}; give at most {MONTHS_PER_YEAR} (the weather file "
                "is one year)"
            )
        return
    seen = {}
    for line, month in zip(frame["line"], frame[MONTH_COLUMN], strict=True):
        if month in seen:
            raise InputError(
                f"{path}: line {line}, column month: month {month} appears twice "
                f"(first on line {seen[month]})"
            )
        seen[month] = line
    gaps = missing_months(seen)
    if gaps:
        raise InputError(
            f"{path}: missing month(s) {', '.join(map(str, gaps))} between the bills; the bills "
            "must be consecutive months"
        )


def _month_label(index: int) -> str:
    year, month0 = divmod(int(index), MONTHS_PER_YEAR)
    return f"{year:04d}-{month0 + 1:02d}"


def check_coverage(bills: pd.DataFrame, months: Sequence[int], *, period: str = "") -> None:
    """Check that ``bills`` cover every month of the calibration period.

    Parameters
    ----------
    bills : DataFrame
        From :func:`read_bills`.
    months : sequence of int
        The months (1-12) the calibration compares.
    period : str, optional
        The period's label, for the message.

    Raises
    ------
    InputError
        Naming the bills file and the missing months.
    """
    missing = [m for m in months if m not in set(bills[MONTH_COLUMN])]
    if missing:
        where = bills.attrs.get("source", "bills")
        during = f" of the calibration period {period}" if period else ""
        raise InputError(
            f"{where}: no bill for month(s) {', '.join(str(m) for m in missing)}{during}; "
            "the bills must cover every month compared"
        )


def read_params(path: str | os.PathLike) -> list[UncertainInput]:
    """Read the calibration parameters: a TOML file of ``[[inputs]]`` tables.

    Each table is an uncertain model input (``name``, ``driver``, ``distribution``, ``low``,
    ``high``, ...) as :func:`retrofit.uncertainty.inputs.parse_inputs` takes them.

    Raises
    ------
    InputError
        An unreadable file, no ``[[inputs]]``, or the inputs' problems (all at once).
    """
    from retrofit.uncertainty.inputs import parse_inputs

    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such parameter file")
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from exc
    items = doc.get("inputs")
    if not isinstance(items, list) or not items:
        raise InputError(f"{path}: no [[inputs]] tables (name, driver, low, high, ...)")
    return parse_inputs(items, where=str(path))


def _check_inputs(inputs: Sequence[UncertainInput], where: str) -> None:
    if not inputs:
        raise InputError(f"{where}: no inputs to calibrate")
    economic = [i.name for i in inputs if i.kind != "model"]
    if economic:
        raise InputError(
            f"{where}: input(s) {', '.join(economic)} are economic; calibration adjusts model "
            "inputs only"
        )


# --------------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------------


@dataclass
class CalibrationResult:
    """What :func:`calibrate` found and wrote.

    Attributes
    ----------
    model, weather : str
        The model and weather files used.
    period : str
        The simulated period (``annual`` or ``MM/DD-MM/DD``).
    months : list of int
        The months compared with the bills.
    inputs : list of dict
        Each calibrated input: name, driver, bounds.
    nominal_values, calibrated_values : dict
        Input name -> value: the drivers' nominal values (the model as given) and the best found.
    before, after : dict
        :func:`fit_report` of the nominal and the calibrated runs.
    objective_before, objective_after : float
        :func:`objective` of both (a sum of squared fractions; ``inf`` for a failed run).
    evaluations : DataFrame
        One row an EnergyPlus run: ``evaluation``, ``phase`` (nominal, sample, optimiser), the
        input values, ``objective``, ``status`` (ok, failed), ``error``, the metrics per fuel,
        ``runtime_s``.
    files : dict
        ``calibrated_idf``, ``json``, ``plot``, ``evaluations``: the paths written.
    runtime_s : float
        Wall time [s].
    notes : list of str
        What a reader should know (short period, a skipped fuel, failed runs, the budget).
    """

    model: str
    weather: str
    period: str
    months: list
    inputs: list
    nominal_values: dict
    calibrated_values: dict
    before: dict
    after: dict
    objective_before: float
    objective_after: float
    evaluations: pd.DataFrame
    files: dict = field(default_factory=dict)
    runtime_s: float = 0.0
    notes: list = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when every fuel passes the G14 monthly criteria after calibration."""
        return bool(self.after) and all(f["passed"] for f in self.after.values())

    def to_dict(self) -> dict:
        """JSON-ready summary (``calibration.json``; non-finite numbers become None)."""
        evaluations = self.evaluations.astype(object).where(self.evaluations.notna(), None)
        return json_ready(
            {
                "model": self.model,
                "weather": self.weather,
                "period": self.period,
                "months": self.months,
                "inputs": self.inputs,
                "nominal_values": self.nominal_values,
                "calibrated_values": self.calibrated_values,
                "limits": {
                    "nmbe": G14_MONTHLY_NMBE_LIMIT,
                    "cv_rmse": G14_MONTHLY_CVRMSE_LIMIT,
                    "source": "ASHRAE Guideline 14-2014, calibration criteria for monthly data",
                },
                "before": self.before,
                "after": self.after,
                "passed": self.passed,
                "objective_before": self.objective_before,
                "objective_after": self.objective_after,
                "evaluations_used": int(len(self.evaluations)),
                "evaluations_failed": int((self.evaluations["status"] != "ok").sum())
                if len(self.evaluations)
                else 0,
                "evaluations": evaluations.to_dict(orient="records"),
                "files": self.files,
                "runtime_s": self.runtime_s,
                "notes": self.notes,
            }
        )


# --------------------------------------------------------------------------------------------
# The orchestrator
# --------------------------------------------------------------------------------------------


def calibrate(
    model: str | os.PathLike,
    weather: str | os.PathLike,
    bills: pd.DataFrame | str | os.PathLike,
    inputs: Sequence[UncertainInput],
    *,
    period: str | None = None,
    out_dir: str | os.PathLike,
    samples: int = 16,
    max_evaluations: int = 40,
    seed: int = 0,
    progress: bool = True,
    ddy: str | os.PathLike | None = None,
    weather_dir: str | os.PathLike | None = "weather",
    jobs: int = DEFAULT_JOBS,
    method: str = DEFAULT_METHOD,
    keep_runs: bool = False,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> CalibrationResult:
    """Adjust ``inputs`` of ``model`` until its monthly electricity and gas match ``bills``.

    The objective is the sum over the billed fuels of CV(RMSE)² + NMBE² (Guideline 14-2014
    metrics, :func:`objective`) on the monthly totals; simulated gas [kWh] is turned into m3
    with the factor table's heating value (9.87 kWh/m3, GB 50189-2015 App. B.0.6). The search:

    1. the model as given (every input at its driver's nominal value: the "before" fit) and a
       Latin hypercube of ``samples`` points uniform over the inputs' bounds, run ``jobs`` at a
       time;
    2. :func:`scipy.optimize.minimize` (``method``, bounded, on inputs normalised to [0, 1])
       from the best sample, until ``max_evaluations`` EnergyPlus runs in all (the nominal run
       and the samples count). Evaluations are cached by the rounded normalised vector
       (:data:`CACHE_DECIMALS`); a failed run scores ``inf`` and the search goes on.

    Parameters
    ----------
    model : str or path
        An IDF path or a bundled model name.
    weather : str or path
        An EPW path, bundled name or fetched station: the weather of the billed year where one
        is available (a typical year calibrates the model to typical weather).
    bills : DataFrame or path
        :func:`read_bills` output or the CSV path.
    inputs : sequence of UncertainInput
        Model inputs (:func:`retrofit.uncertainty.inputs.parse_inputs`) with their bounds.
    period : str, optional
        ``annual`` or ``MM/DD-MM/DD`` of whole months; default the bills' months (all twelve:
        annual; a consecutive run such as months 1-2: ``01/01-02/28``; a run across the new
        year: annual, comparing the billed months only).
    out_dir : path
        Where the runs and the outputs go.
    samples : int
        Latin-hypercube points (default 16).
    max_evaluations : int
        EnergyPlus runs in all (default 40); at least ``samples + 1``.
    seed : int
        Seed of the Latin hypercube.
    progress : bool
        Show a progress bar (runs done and failed, time left) on stderr.
    ddy, weather_dir : optional
        As :func:`retrofit.simulate.simulate`.
    jobs : int
        EnergyPlus runs at once in the sampling phase (default 2).
    method : {"powell", "nelder-mead"}
        The optimiser (see :data:`METHODS`).
    keep_runs : bool
        Keep every run folder under ``out_dir/runs`` (default: only failed ones).
    timeout_s : float
        EnergyPlus wall-clock limit of one run [s].

    Returns
    -------
    CalibrationResult
        Also written: ``calibrated.idf`` (the original model with the calibrated inputs applied,
        loadable with :func:`retrofit.idf.load_idf` and runnable with ``retrofit simulate``),
        ``calibration.json``, ``evaluations.csv`` and ``calibration.png``.

    Raises
    ------
    InputError
        Bad bills, inputs, period, budget, model or weather (before any run).
    SimulationError
        Every run failed.

    References
    ----------
    ASHRAE Guideline 14-2014, Measurement of Energy, Demand, and Water Savings: clause 5.2.11.3
    (NMBE and CV(RMSE)) and clause 4.3.2.4 (calibration criteria for monthly data).
    """
    from tqdm import tqdm

    from retrofit import tables
    from retrofit.idf import idf_from_text, idf_to_text, load_idf, write_idf
    from retrofit.library import resolve_model
    from retrofit.simulate import Accounting
    from retrofit.uncertainty.inputs import DRIVERS, apply_model_inputs
    from retrofit.weather import design_days_for, read_epw, resolve_weather

    start = time.perf_counter()
    if not isinstance(bills, pd.DataFrame):
        bills = read_bills(bills)
    where = bills.attrs.get("source", "bills")
    _check_inputs(inputs, "calibration inputs")
    if method not in METHODS:
        raise InputError(f"method {method!r}: expected one of {', '.join(METHODS)}")
    if samples < 1:
        raise InputError(f"samples {samples}: at least 1")
    if max_evaluations < samples + 1:
        raise InputError(
            f"max evaluations {max_evaluations}: at least samples + 1 = {samples + 1} (the "
            "model as given is run too)"
        )
    if jobs < 1:
        raise InputError(f"jobs {jobs}: at least 1")
    run_period, months = calibration_period(bills[MONTH_COLUMN].tolist(), period, source=where)
    check_coverage(bills, months, period=run_period.label)
    compared = bills[bills[MONTH_COLUMN].isin(months)].reset_index(drop=True)
    compared.attrs = dict(bills.attrs)
    if len(compared) <= G14_DEFAULT_P:
        raise InputError(
            f"{where}: {len(compared)} month(s) compared; Guideline 14's metrics need at least "
            f"{G14_DEFAULT_P + 1}"
        )

    model_path = resolve_model(model)
    weather_path = resolve_weather(weather, weather_dir)
    epw = read_epw(weather_path)
    site = design_days_for(epw, ddy)
    heating_value = tables.natural_gas_heating_value_kwh_per_m3()
    base_text = idf_to_text(load_idf(model_path))
    out = Path(out_dir)
    (out / RUNS_DIR).mkdir(parents=True, exist_ok=True)

    names = [i.name for i in inputs]
    bounds = np.array([i.bounds() for i in inputs], dtype=float)
    nominal = {i.name: float(DRIVERS[i.driver].nominal) for i in inputs}
    nominal_x = normalise(np.array([nominal[n] for n in names]), bounds)
    sample_x = _latin_hypercube(inputs, bounds, samples, seed)

    accounting = Accounting()
    rows: list[dict] = []
    monthly_by_evaluation: dict[int, pd.DataFrame] = {}
    lock = threading.Lock()
    bar = tqdm(total=max_evaluations, desc="calibrating", unit="run", disable=not progress)
    bar.set_postfix(ok=0, failed=0)

    def prepared_text(values: dict[str, float]) -> str:
        from retrofit.idf import prepare_model

        idf = idf_from_text(base_text, model_path)
        apply_model_inputs(idf, values, inputs)
        prepare_model(
            idf,
            period=run_period,
            location_fields=site.site_location,
            design_days=site.design_days,
            country=epw.location.country,
        )
        return idf_to_text(idf)

    def run_one(index: int, phase: str, values: dict[str, float], text: str) -> float:
        run_dir = out / RUNS_DIR / f"e{index:03d}"
        row: dict[str, Any] = {"evaluation": index, "phase": phase, **values}
        t0 = time.perf_counter()
        try:
            report = _run(
                text, weather_path, run_dir, accounting, model_path, site, run_period, timeout_s
            )
            monthly = report.results.monthly
            fit = fit_report(compared, monthly, heating_value_kwh_per_m3=heating_value)
            row.update(objective=objective(fit), status="ok", error="")
            for fuel, metrics in fit.items():
                row[f"{fuel}_nmbe"] = metrics["nmbe"]
                row[f"{fuel}_cv_rmse"] = metrics["cv_rmse"]
            if not keep_runs:
                shutil.rmtree(run_dir, ignore_errors=True)
        except (SimulationError, InputError) as exc:  # recorded; the search goes on
            monthly = None
            row.update(objective=math.inf, status="failed", error=str(exc)[:300])
        row["runtime_s"] = time.perf_counter() - t0
        with lock:
            rows.append(row)
            if monthly is not None:
                monthly_by_evaluation[index] = monthly
            failed = sum(r["status"] != "ok" for r in rows)
            bar.set_postfix(ok=len(rows) - failed, failed=failed, refresh=False)
            bar.update()
        return row["objective"]

    def evaluate_batch(points: list[np.ndarray], phases: list[str]) -> list[float]:
        first = len(rows)
        work = []
        for offset, (x, phase) in enumerate(zip(points, phases, strict=True)):
            values = dict(zip(names, denormalise(x, bounds).tolist(), strict=True))
            work.append((first + offset, phase, values, prepared_text(values)))
        if len(work) == 1:
            return [run_one(*work[0])]
        with ThreadPoolExecutor(max_workers=min(jobs, len(work))) as pool:
            futures = [pool.submit(run_one, *item) for item in work]
            return [f.result() for f in futures]

    try:
        trials = budgeted_search(
            evaluate_batch,
            [(nominal_x, "nominal"), *((x, "sample") for x in sample_x)],
            max_evaluations=max_evaluations,
            method=method,
        )
    finally:
        bar.close()

    evaluations = pd.DataFrame(rows).sort_values("evaluation").reset_index(drop=True)
    ok = evaluations[evaluations["status"] == "ok"]
    if ok.empty:
        raise SimulationError(
            f"every calibration run failed ({len(evaluations)}); first error: "
            f"{evaluations['error'].iloc[0]}",
            run_dir=str(out / RUNS_DIR),
        )
    best = trials.best_index
    notes = _notes(compared, evaluations, trials, months, max_evaluations)
    if best is None:  # only the nominal run (outside the bounds) succeeded
        best = int(ok["evaluation"].iloc[0])
        notes.append("no run inside the bounds succeeded: the calibrated values are nominal")
    best_row = evaluations.set_index("evaluation").loc[best]
    calibrated = {n: float(best_row[n]) for n in names}
    before = (
        fit_report(compared, monthly_by_evaluation[0], heating_value_kwh_per_m3=heating_value)
        if 0 in monthly_by_evaluation
        else {}
    )
    after = fit_report(
        compared, monthly_by_evaluation[best], heating_value_kwh_per_m3=heating_value
    )

    calibrated_model = load_idf(model_path)
    apply_model_inputs(calibrated_model, calibrated, inputs)
    files = {
        "calibrated_idf": str(write_idf(calibrated_model, out / CALIBRATED_IDF)),
        "evaluations": str(out / EVALUATIONS_CSV),
        "json": str(out / CALIBRATION_JSON),
        "plot": str(out / CALIBRATION_PNG),
    }
    evaluations.to_csv(out / EVALUATIONS_CSV, index=False)
    result = CalibrationResult(
        model=str(model_path),
        weather=str(weather_path),
        period=run_period.label,
        months=list(months),
        inputs=[
            {"name": i.name, "driver": i.driver, "low": float(lo), "high": float(hi)}
            for i, (lo, hi) in zip(inputs, bounds, strict=True)
        ],
        nominal_values=nominal,
        calibrated_values=calibrated,
        before=before,
        after=after,
        objective_before=float(evaluations["objective"].iloc[0]),
        objective_after=float(best_row["objective"]),
        evaluations=evaluations,
        files=files,
        runtime_s=time.perf_counter() - start,
        notes=notes,
    )
    plot_calibration(before, after, out / CALIBRATION_PNG, title=f"{model_path.stem}")
    (out / CALIBRATION_JSON).write_text(
        json.dumps(result.to_dict(), indent=2, ensure_ascii=False, default=str)
    )
    return result


def _run(text, weather_path, run_dir, accounting, model_path, site, run_period, timeout_s):
    """One prepared run (a thread's work: EnergyPlus is a subprocess)."""
    from retrofit.simulate import run_prepared

    return run_prepared(
        text,
        weather_path,
        run_dir,
        accounting=accounting,
        model_label=f"{model_path} (calibration run {Path(run_dir).name})",
        design_days_source=site.source,
        period=run_period,
        timeout_s=timeout_s,
    )


def _latin_hypercube(
    inputs: Sequence[UncertainInput], bounds: np.ndarray, n: int, seed: int
) -> np.ndarray:
    """``n`` Latin-hypercube points uniform over the inputs' bounds, normalised to [0, 1].

    Calibration searches the bounds, not the inputs' prior distributions: every input is
    sampled as uniform between its bounds (:func:`retrofit.uncertainty.sampling.sample`).
    """
    from dataclasses import replace

    from retrofit.uncertainty.sampling import sample

    uniform = [
        replace(
            i, distribution="uniform", low=float(lo), high=float(hi), mode=None, mean=None, sd=None
        )
        for i, (lo, hi) in zip(inputs, bounds, strict=True)
    ]
    points = np.asarray(sample(uniform, "lhs", n, seed=seed), dtype=float)
    return np.clip(normalise(points, bounds), 0.0, 1.0)


def _notes(
    bills: pd.DataFrame,
    evaluations: pd.DataFrame,
    trials: SearchLog,
    months: Sequence[int],
    max_evaluations: int,
) -> list[str]:
    notes = []
    if len(months) < MONTHS_PER_YEAR:
        notes.append(
            f"{len(months)} month(s) compared: Guideline 14's criteria assume a year of monthly "
            "bills; the pass is indicative only"
        )
    failed = int((evaluations["status"] != "ok").sum())
    if failed:
        notes.append(f"{failed} of {len(evaluations)} runs failed (objective inf); see errors")
    if trials.budget_spent:
        notes.append(
            f"the budget of {max_evaluations} runs ended the search before the optimiser "
            "converged; more evaluations may improve the fit"
        )
    for fuel, (column, _, _) in FUELS.items():
        if column in bills and not bills[column].sum() > 0:
            notes.append(f"{fuel}: the bills are all zero; the fuel is not in the objective")
    return notes


def plot_calibration(before: dict, after: dict, path: str | os.PathLike, *, title: str) -> Path:
    """Monthly metered against simulated (before and after) per fuel, one panel a fuel."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fuels = list(after)
    fig, axes = plt.subplots(len(fuels), 1, figsize=(8, 3.2 * len(fuels)), squeeze=False)
    for ax, fuel in zip(axes[:, 0], fuels, strict=True):
        a = after[fuel]
        x = np.arange(len(a["months"]))
        ax.bar(x, a["metered"], color="0.75", label="metered")
        if fuel in before:
            b = before[fuel]
            ax.plot(
                x,
                b["simulated"],
                "o--",
                color="tab:red",
                label=f"before (NMBE {_pct(b['nmbe'], True)}, CV(RMSE) {_pct(b['cv_rmse'])})",
            )
        ax.plot(
            x,
            a["simulated"],
            "s-",
            color="tab:blue",
            label=f"after (NMBE {_pct(a['nmbe'], True)}, CV(RMSE) {_pct(a['cv_rmse'])})",
        )
        ax.set_xticks(x, [str(m) for m in a["months"]])
        ax.set_xlabel("month")
        ax.set_ylabel(f"{fuel} [{a['unit']}]")
        ax.legend(fontsize="small", loc="best")
    axes[0, 0].set_title(
        f"{title}: bills against simulation\nASHRAE Guideline 14 monthly: |NMBE| <= "
        f"{G14_MONTHLY_NMBE_LIMIT:.0%}, CV(RMSE) <= {G14_MONTHLY_CVRMSE_LIMIT:.0%}",
        fontsize="medium",
    )
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _pct(value, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    percent = round(value * 100, 1) + 0.0  # no "-0.0"
    return f"{percent:+.1f} %" if signed else f"{percent:.1f} %"


# --------------------------------------------------------------------------------------------
# Pure functions: Guideline 14 metrics and the objective
# --------------------------------------------------------------------------------------------


def nmbe(measured: Sequence[float], simulated: Sequence[float], p: int = G14_DEFAULT_P) -> float:
    """Normalised mean bias error, ASHRAE Guideline 14-2014 [fraction].

    .. math:: NMBE = \\frac{\\sum_i (m_i - s_i)}{(n - p) \\, \\bar m}

    (G14 writes it times 100 %; the fraction here compares with
    :data:`G14_MONTHLY_NMBE_LIMIT`). Sign convention (G14's): measured minus simulated, so a
    positive NMBE means the model *under*-predicts the bills. Some tools report the opposite
    sign; the pass test uses the absolute value.

    Parameters
    ----------
    measured, simulated : sequence of float
        Same-length series of the same quantity (monthly bills and the simulation) [any unit].
    p : int
        Parameters subtracted from the number of points ``n`` (default 1). G14 defines ``p`` as
        the number of model parameters; tools use 0 or 1 for calibrated simulation, so say which.

    Returns
    -------
    float
        NaN when the mean measured value is zero.

    Raises
    ------
    ValueError
        Series of different lengths, or ``n <= p``.

    References
    ----------
    ASHRAE Guideline 14-2014, clause 5.2.11.3; limits in clause 4.3.2.4.
    """
    m, s = _series(measured, simulated, p)
    mean = m.mean()
    if mean == 0:
        return math.nan
    return float(np.sum(m - s) / ((len(m) - p) * mean))


def cv_rmse(measured: Sequence[float], simulated: Sequence[float], p: int = G14_DEFAULT_P) -> float:
    """Coefficient of variation of the root-mean-square error, ASHRAE Guideline 14-2014
    [fraction].

    .. math:: CV(RMSE) = \\frac{\\sqrt{\\sum_i (m_i - s_i)^2 / (n - p)}}{\\bar m}

    Always non-negative; compare with :data:`G14_MONTHLY_CVRMSE_LIMIT`. Parameters, returns and
    errors as :func:`nmbe`.

    References
    ----------
    ASHRAE Guideline 14-2014, clause 5.2.11.3; limits in clause 4.3.2.4.
    """
    m, s = _series(measured, simulated, p)
    mean = m.mean()
    if mean == 0:
        return math.nan
    return float(math.sqrt(np.sum((m - s) ** 2) / (len(m) - p)) / mean)


def _series(measured, simulated, p: int) -> tuple[np.ndarray, np.ndarray]:
    m = np.asarray(measured, dtype=float)
    s = np.asarray(simulated, dtype=float)
    if m.shape != s.shape or m.ndim != 1:
        raise ValueError(f"measured {m.shape} and simulated {s.shape}: two series of one length")
    if len(m) <= p:
        raise ValueError(f"{len(m)} points with p = {p}: G14's metrics need n > p")
    return m, s


def passes_g14(
    nmbe_value: float,
    cv_rmse_value: float,
    *,
    nmbe_limit: float = G14_MONTHLY_NMBE_LIMIT,
    cv_rmse_limit: float = G14_MONTHLY_CVRMSE_LIMIT,
) -> bool:
    """True when |NMBE| <= the NMBE limit and CV(RMSE) <= its limit (monthly by default)."""
    if not (math.isfinite(nmbe_value) and math.isfinite(cv_rmse_value)):
        return False
    return abs(nmbe_value) <= nmbe_limit and cv_rmse_value <= cv_rmse_limit


def fit_report(
    bills: pd.DataFrame,
    simulated_monthly: pd.DataFrame,
    *,
    heating_value_kwh_per_m3: float | None = None,
    p: int = G14_DEFAULT_P,
) -> dict:
    """Guideline 14 fit of a simulation to the bills, per fuel.

    Parameters
    ----------
    bills : DataFrame
        ``month``, ``electricity_kwh`` [kWh] and optionally ``natural_gas_m3`` [m3]
        (:func:`read_bills`); every row is compared.
    simulated_monthly : DataFrame
        ``month`` and the simulated monthly totals [kWh] (:attr:`retrofit.results.Results.monthly`:
        ``electricity_kwh``, ``natural_gas_kwh``); a fuel the model does not burn may be absent
        (zero).
    heating_value_kwh_per_m3 : float, optional
        Turns simulated gas [kWh] into m3; default the package factor table's value
        (9.87 kWh/m3, GB 50189-2015 App. B.0.6;
        :func:`retrofit.tables.natural_gas_heating_value_kwh_per_m3`).
    p : int
        As :func:`nmbe`.

    Returns
    -------
    dict
        ``{"electricity": {...}, "gas": {...}}`` (gas only when billed), each with ``unit``,
        ``months``, ``metered``, ``simulated``, ``nmbe``, ``cv_rmse`` (fractions; None when the
        bills are all zero), ``nmbe_limit``, ``cv_rmse_limit`` and ``passed``.

    Raises
    ------
    ValueError
        The simulation lacks a billed month.
    """
    if heating_value_kwh_per_m3 is None:
        from retrofit import tables

        heating_value_kwh_per_m3 = tables.natural_gas_heating_value_kwh_per_m3()
    months = [int(m) for m in bills[MONTH_COLUMN]]
    sim = simulated_monthly.set_index(MONTH_COLUMN) if len(simulated_monthly) else None
    missing = [m for m in months if sim is None or m not in sim.index]
    if missing:
        raise ValueError(f"the simulation has no month(s) {missing} of the bills")
    report = {}
    for fuel, (bill_column, sim_column, unit) in FUELS.items():
        if bill_column not in bills:
            continue
        metered = bills[bill_column].to_numpy(dtype=float)
        simulated = (
            sim[sim_column].reindex(months).to_numpy(dtype=float)
            if sim_column in sim
            else np.zeros(len(months))
        )
        if fuel == "gas":
            simulated = simulated / heating_value_kwh_per_m3
        bias = nmbe(metered, simulated, p)
        spread = cv_rmse(metered, simulated, p)
        report[fuel] = {
            "unit": unit,
            "months": months,
            "metered": metered.tolist(),
            "simulated": simulated.tolist(),
            "nmbe": None if math.isnan(bias) else bias,
            "cv_rmse": None if math.isnan(spread) else spread,
            "nmbe_limit": G14_MONTHLY_NMBE_LIMIT,
            "cv_rmse_limit": G14_MONTHLY_CVRMSE_LIMIT,
            "passed": passes_g14(bias, spread),
        }
    return report


def objective(fit: Mapping[str, Mapping]) -> float:
    """The calibration objective: Σ over fuels of CV(RMSE)² + NMBE² [fraction²].

    A fuel whose metrics are undefined (bills all zero) is left out.
    """
    total = 0.0
    for metrics in fit.values():
        if metrics["nmbe"] is None or metrics["cv_rmse"] is None:
            continue
        total += metrics["cv_rmse"] ** 2 + metrics["nmbe"] ** 2
    return float(total)


# --------------------------------------------------------------------------------------------
# Pure functions: the calibration period
# --------------------------------------------------------------------------------------------


def calibration_period(
    bill_months: Sequence[int], period: str | None = None, *, source: str = "bills"
) -> tuple[RunPeriod, list[int]]:
    """The run period to simulate and the months to compare.

    Parameters
    ----------
    bill_months : sequence of int
        The billed months (1-12).
    period : str, optional
        ``annual`` or ``MM/DD-MM/DD`` covering whole months. Default: from the bills: all twelve
        months -> annual; consecutive months ``a..b`` -> ``a/01-b/<last day>``; consecutive
        months across the new year (11, 12, 1) -> annual, comparing those months.
    source : str
        The bills file, for the messages.

    Returns
    -------
    (RunPeriod, list of int)
        The period and the months compared, in calendar order.

    Raises
    ------
    InputError
        A period that does not start on the 1st or end on a month's last day, a design-day
        period, or bills with gaps (naming the missing months).
    """
    from retrofit.idf import RunPeriod, parse_period

    if period is not None:
        run = parse_period(period)
        if run.kind == "design-days":
            raise InputError(f"--period {period!r}: calibration compares weather-file months")
        if run.kind == "annual":
            return run, list(range(1, MONTHS_PER_YEAR + 1))
        if run.begin_day != 1 or run.end_day != DAYS_IN_MONTH[run.end_month - 1]:
            raise InputError(
                f"--period {period!r}: calibration compares whole months; start on the 1st and "
                f"end on a month's last day (e.g. {run.begin_month:02d}/01-{run.end_month:02d}/"
                f"{DAYS_IN_MONTH[run.end_month - 1]})"
            )
        return run, list(range(run.begin_month, run.end_month + 1))
    months = sorted(set(int(m) for m in bill_months))
    gaps = missing_months(months)
    if gaps:
        raise InputError(
            f"{source}: no bill for month(s) {', '.join(map(str, gaps))}; the bills must be "
            "consecutive months"
        )
    if len(months) == MONTHS_PER_YEAR:
        return RunPeriod("annual"), months
    first, last = months[0], months[-1]
    if months == list(range(first, last + 1)):
        return RunPeriod("custom", first, 1, last, DAYS_IN_MONTH[last - 1]), months
    return RunPeriod("annual"), months  # a run across the new year: compare its months


def missing_months(months: Iterable[int]) -> list[int]:
    """The months missing *between* bills given as month numbers (1-12), cyclically.

    Months not billed form blocks on the year's circle; the longest block is taken as the time
    outside the billed run (a run may cross the new year: 11, 12, 1) and the other blocks are
    gaps. ``[1, 2, 4]`` -> ``[3]``; ``[11, 12, 1]`` -> ``[]``; ``[]`` -> ``[]``.
    """
    billed = {int(m) for m in months}
    if not billed or len(billed) == MONTHS_PER_YEAR:
        return []
    # walk the circle from a billed month, collecting the blocks of unbilled months
    start = min(billed)
    blocks: list[list[int]] = []
    current: list[int] = []
    for step in range(1, MONTHS_PER_YEAR + 1):
        month = (start - 1 + step) % MONTHS_PER_YEAR + 1
        if month in billed:
            if current:
                blocks.append(current)
            current = []
        else:
            current.append(month)
    longest = max(blocks, key=len)
    return sorted(m for block in blocks if block is not longest for m in block)


# --------------------------------------------------------------------------------------------
# Pure functions: normalisation and the budgeted search
# --------------------------------------------------------------------------------------------


def normalise(values: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Map values to [0, 1] over ``bounds`` (rows ``(low, high)``, one per input)."""
    low, high = bounds[:, 0], bounds[:, 1]
    return (np.asarray(values, dtype=float) - low) / (high - low)


def denormalise(x: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Inverse of :func:`normalise`."""
    low, high = bounds[:, 0], bounds[:, 1]
    return low + np.asarray(x, dtype=float) * (high - low)


class _BudgetSpent(Exception):
    """Raised inside the optimiser's objective when no run is left."""


@dataclass
class SearchLog:
    """What :func:`budgeted_search` did.

    Attributes
    ----------
    points : list of ndarray
        Every point evaluated, normalised, in order (index = evaluation number).
    objectives : list of float
        Their objective (``inf`` for a failure).
    phases : list of str
    cache_hits : int
        Optimiser calls answered from the cache.
    budget_spent : bool
        True when the budget stopped the optimiser.
    optimiser_message : str
    """

    points: list = field(default_factory=list)
    objectives: list = field(default_factory=list)
    phases: list = field(default_factory=list)
    cache_hits: int = 0
    budget_spent: bool = False
    optimiser_message: str = ""

    @property
    def best_index(self) -> int | None:
        """The evaluation with the lowest finite objective inside [0, 1]^d, or None."""
        best, best_value = None, math.inf
        for i, (x, value) in enumerate(zip(self.points, self.objectives, strict=True)):
            inside = bool(np.all((x >= 0.0) & (x <= 1.0)))
            if inside and value < best_value:
                best, best_value = i, value
        return best


def budgeted_search(
    evaluate_batch: Callable[[list[np.ndarray], list[str]], list[float]],
    initial: Sequence[tuple[np.ndarray, str]],
    *,
    max_evaluations: int,
    method: str = DEFAULT_METHOD,
    decimals: int = CACHE_DECIMALS,
) -> SearchLog:
    """Evaluate ``initial`` points as one batch, then minimise from the best of them.

    Works on the unit cube: bounds ``[0, 1]`` on every coordinate. Points are rounded to
    ``decimals`` before evaluation and cached by that rounded vector; only new points count
    against ``max_evaluations``. A non-finite objective (a failed run) is kept as ``inf``.

    Parameters
    ----------
    evaluate_batch : callable
        ``(points, phases) -> objectives``; may evaluate the points in parallel.
    initial : sequence of (ndarray, str)
        Points and their phase label (``nominal``, ``sample``); a point outside the cube is
        evaluated but never chosen as the start or the best.
    max_evaluations : int
        New evaluations in all, including the initial ones.
    method : {"powell", "nelder-mead"}
    decimals : int
        Rounding of the normalised coordinates (the cache key).

    Returns
    -------
    SearchLog
    """
    from scipy.optimize import minimize

    log = SearchLog()
    cache: dict[tuple, float] = {}

    def key(x: np.ndarray) -> tuple:
        return tuple(np.round(np.asarray(x, dtype=float), decimals).tolist())

    batch, phases = [], []
    for x, phase in initial:
        k = key(x)
        if k in cache or k in {key(b) for b in batch}:
            continue
        if len(batch) >= max_evaluations:
            break
        batch.append(np.array(k))
        phases.append(phase)
    for x, phase, value in zip(batch, phases, evaluate_batch(batch, phases), strict=True):
        _record(log, cache, key(x), x, phase, value)
    start = log.best_index
    if start is None:
        return log
    dims = len(log.points[start])

    def f(x: np.ndarray) -> float:
        k = key(np.clip(x, 0.0, 1.0))
        if k in cache:
            log.cache_hits += 1
            return cache[k]
        if len(log.points) >= max_evaluations:
            raise _BudgetSpent
        point = np.array(k)
        value = evaluate_batch([point], ["optimiser"])[0]
        _record(log, cache, k, point, "optimiser", value)
        return value

    x0 = log.points[start]
    bounds = [(0.0, 1.0)] * dims
    if method == "powell":
        options = {"xtol": X_TOLERANCE, "ftol": F_TOLERANCE}
    else:
        steps = np.where(x0 + SIMPLEX_STEP <= 1.0, SIMPLEX_STEP, -SIMPLEX_STEP)
        simplex = np.vstack([x0, x0 + np.diag(steps)])
        options = {"xatol": X_TOLERANCE, "fatol": F_TOLERANCE, "initial_simplex": simplex}
    try:
        outcome = minimize(f, x0, method=method, bounds=bounds, options=options)
        log.optimiser_message = str(outcome.message)
    except _BudgetSpent:
        log.budget_spent = True
        log.optimiser_message = f"stopped at the budget of {max_evaluations} evaluations"
    return log


def _record(log: SearchLog, cache: dict, k: tuple, x: np.ndarray, phase: str, value) -> None:
    value = float(value) if value is not None and math.isfinite(value) else math.inf
    cache[k] = value
    log.points.append(np.asarray(x, dtype=float))
    log.objectives.append(value)
    log.phases.append(phase)


def _join(problems: list[str], shown: int = 5) -> str:
    """``a; b; c`` with at most ``shown`` items and the count of the rest."""
    text = "; ".join(problems[:shown])
    if len(problems) > shown:
        text += f"; and {len(problems) - shown} more"
    return text


__all__ = [
    "CalibrationResult",
    "G14_MONTHLY_CVRMSE_LIMIT",
    "G14_MONTHLY_NMBE_LIMIT",
    "SearchLog",
    "budgeted_search",
    "calibrate",
    "calibration_period",
    "check_coverage",
    "cv_rmse",
    "fit_report",
    "nmbe",
    "objective",
    "passes_g14",
    "plot_calibration",
    "read_bills",
    "read_params",
]
