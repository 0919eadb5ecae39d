"""How sure the savings are: sensitivity and uncertainty of a study (issue 8, item 1).

A study file's ``[uncertainty]`` table (:class:`retrofit.study.UncertaintySpec`) declares
uncertain inputs (:mod:`retrofit.uncertainty.inputs`) and a design (``morris``, ``sobol`` or
``mc``). :func:`run_sensitivity` is the one orchestrator:

1. **Sample** every input at once (:func:`retrofit.uncertainty.sampling.sample`): one row of the
   design is one evaluation of the study.
2. **Model points.** The distinct values of the *model* inputs among the rows are the model
   points; each point is a set of variants, the baseline and each measure alone (and each package
   with ``packages = true``), ids ``u0007-b00``, ``u0007-m02``, with the point's values applied to
   the baseline after hard-sizing and before the measures
   (:class:`retrofit.runner.VariantSpec` ``inputs``). Hard-sizing uses the *nominal*
   baseline's design-day sizes: the installed equipment does not change with an uncertain plug
   load or set-point (design.md), only how hard it works. Rows that differ only in economic
   inputs share a point (a Morris step on a price moves no model). Without model inputs the one
   point is the study's nominal variants, ``b00``, ``m01``, ... with ``retrofit run``'s
   identities, so a study already run simulates nothing.
3. **Simulate** through :meth:`retrofit.runner.StudyRunner.run`: the store's cache, resume,
   failure records, progress bar and backend all apply; a second call simulates nothing.
4. **Economics per row.** Economic inputs act on the stored results, never on a model
   (:func:`apply_economics`): electricity cost times ``electricity_price_scale``, gas cost times
   ``gas_price_scale``, the grid electricity CO2 factor times ``emission_factor_scale``, every
   measure's capital cost times ``capex_scale``, and ``discount_rate`` instead of the study's.
   Each row's savings and economics (savings RMB and tCO2, NPV, payback, cost per tCO2) are then
   :func:`retrofit.report.results_table` of its point's records against *that point's*
   baseline, and its ranking :func:`retrofit.report.ranking_table`.
5. **Analyse**: indices per output and measure (Morris ``mu_star``/``sigma`` or Sobol
   ``S1``/``ST``, :func:`~retrofit.uncertainty.sampling.analyze`), P10/P50/P90
   (:func:`~retrofit.uncertainty.sampling.percentiles`) and the probability of ranking in the
   top 3 by cost per tCO2 (:func:`~retrofit.uncertainty.sampling.rank_probability`).

Written into ``runs/<study>/uncertainty/``: ``indices_<output>.csv`` and ``.png`` per output
(one CSV with a ``measure`` column; none for ``mc``), ``percentiles.csv``,
``rank_probability.csv``, ``samples.parquet`` (one row per design row and variant: the inputs,
the variant's totals, savings and economics) and ``sensitivity.json`` summarising it all.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from retrofit.errors import InputError
from retrofit.jsonready import json_ready
from retrofit.study import (
    UNCERTAINTY_BASELINE_OUTPUTS,
    UNCERTAINTY_MEASURE_OUTPUTS,
    Study,
)
from retrofit.uncertainty.inputs import ECONOMIC_DRIVERS, UncertainInput, parse_inputs
from retrofit.uncertainty.sampling import (
    ANALYZABLE,
    INDEX_COLUMNS,
    analyze,
    percentiles,
    plot_indices,
    rank_probability,
    sample,
)

#: Folder of the outputs inside the study's store.
UNCERTAINTY_DIR = "uncertainty"
SAMPLES_FILE = "samples.parquet"
PERCENTILES_FILE = "percentiles.csv"
RANKS_FILE = "rank_probability.csv"
SUMMARY_FILE = "sensitivity.json"

#: Percentiles reported (issue 8: P10 / P50 / P90).
PERCENTILE_LEVELS = (10, 50, 90)
#: Outputs of each measure whose percentiles are always reported (issue 8: savings, cost per
#: tCO2 and payback), besides those ``[uncertainty] outputs`` names.
PERCENTILE_OUTPUTS = ("saving_tco2", "saving_rmb", "cost_per_tco2_rmb", "payback_years")
#: The score of the rank probability, lower is better (the study's ranking, report.py).
RANK_SCORE = "cost_per_tco2_rmb"

#: Label of the baseline's rows in the tables (``measure`` column).
BASELINE_LABEL = "baseline"
#: Width of the point number in variant ids (``u0007-m02``); more points widen it.
POINT_ID_DIGITS = 4
#: Separator between the point and the study's variant id.
POINT_SEPARATOR = "-"

#: The index that orders inputs by influence, per method.
LEADING_INDEX = {"morris": "mu_star", "sobol": "ST"}

#: Economic drivers' nominal values where the study does not set them: scales of 1 (as the
#: tables give them). The discount rate's nominal is the study's ``economics.discount_rate``.
_SCALE_DRIVERS = (
    "electricity_price_scale",
    "gas_price_scale",
    "emission_factor_scale",
    "capex_scale",
)

#: Columns of the records a sensitivity run keeps (the hourly series are not needed).
_RECORD_KEYS = ("hash", "variant", "status", "summary", "error", "excerpt")


@dataclass
class SensitivityResult:
    """What :func:`run_sensitivity` returns (the tables it writes).

    Attributes
    ----------
    study : Study
    folder : Path
        ``runs/<study>/uncertainty``.
    method : str
    inputs : list of UncertainInput
    samples : DataFrame
        One row per design row and variant (``sample``, ``point``, ``variant``, ``hash``,
        ``measure``, ``kind``, the inputs' values, ``status``, ``comfort_ok``, the variant's
        totals, savings and economics, ``ranked``, ``error``).
    indices : dict of str to DataFrame
        Per output: one row per measure (``baseline`` for baseline outputs) and input, the
        method's index columns; empty for ``mc``.
    percentiles : DataFrame
        ``measure``, ``output``, ``p10``, ``p50``, ``p90``, ``mean``, ``valid``.
    rank_probability : DataFrame
        ``measure``, ``kind``, ``p_top`` (the probability of ranking in the top ``top`` by cost
        per tCO2), ``p_ranked`` (of being ranked at all: ok, comfortable, abating).
    top : int
    points : int
        Model points (distinct model-input values) simulated.
    variants : int
        Variants prepared (points times variants per point).
    simulated, failed : int
        Simulations run by this call, and how many failed.
    notes : list of str
    files : dict of str to Path
    """

    study: Study
    folder: Path
    method: str
    inputs: list[UncertainInput]
    samples: pd.DataFrame
    indices: dict[str, pd.DataFrame]
    percentiles: pd.DataFrame
    rank_probability: pd.DataFrame
    top: int
    points: int
    variants: int
    simulated: int = 0
    failed: int = 0
    notes: list[str] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        """Rows of the design (evaluations of the study)."""
        return int(self.samples["sample"].nunique()) if not self.samples.empty else 0

    def to_dict(self) -> dict:
        """The summary written to ``sensitivity.json`` (non-finite numbers as None)."""
        spec = self.study.spec.uncertainty
        return json_ready(
            {
                "study": self.study.name,
                "folder": str(self.folder),
                "method": self.method,
                "samples": spec.samples,
                "seed": spec.seed,
                "rows": self.rows,
                "points": self.points,
                "variants": self.variants,
                "simulated": self.simulated,
                "failed": self.failed,
                "outputs": list(spec.outputs),
                "inputs": [
                    {
                        "name": i.name,
                        "driver": i.driver,
                        "kind": i.kind,
                        "distribution": i.distribution,
                        "bounds": list(i.bounds()),
                        "source": i.source,
                    }
                    for i in self.inputs
                ],
                "top_inputs": top_inputs(self.indices, self.method),
                "indices": {
                    output: table.to_dict(orient="records")
                    for output, table in self.indices.items()
                },
                "percentiles": self.percentiles.to_dict(orient="records"),
                "rank_probability": {
                    "top": self.top,
                    "score": RANK_SCORE,
                    "measures": self.rank_probability.to_dict(orient="records"),
                },
                "notes": self.notes,
                "files": {name: str(path) for name, path in sorted(self.files.items())},
            }
        )


def run_sensitivity(
    path: str | os.PathLike,
    *,
    jobs: int | None = None,
    out_dir: str | os.PathLike | None = None,
    progress: bool = True,
    weather_dir: str | os.PathLike | None = "weather",
    timeout_s: float = 3600.0,
    **backend: Any,
) -> SensitivityResult:
    """Run a study's ``[uncertainty]``: sample, simulate, analyse, write (module docstring).

    Parameters
    ----------
    path : path
        The study TOML, with an ``[uncertainty]`` table.
    jobs : int, optional
        Parallel simulations (default: all cores).
    out_dir : path, optional
        The study's store (default ``runs/<study name>``); the outputs go into its
        ``uncertainty/`` folder. Simulations are cached there with ``retrofit run``'s: the
        nominal variants of a study already run are not simulated again.
    progress : bool
        Show the runner's progress bars.
    weather_dir : path
        The project's weather folder (fetched stations).
    timeout_s : float
        EnergyPlus limit per simulation [s].
    **backend
        Where the simulations run, as for :func:`retrofit.runner.run_study`: ``backend``
        (``"loky"`` or ``"dask"``), ``scheduler``, ``cluster``, ``retries``, ``keep_raw``.

    Returns
    -------
    SensitivityResult

    Raises
    ------
    InputError
        The study file is invalid (every error at once, before anything runs), or it has no
        ``[uncertainty]`` table.
    """
    from retrofit.runner import RunOptions, StudyRunner
    from retrofit.study import load_study

    study = load_study(path)
    spec = study.spec.uncertainty
    if spec is None:
        raise InputError(
            f"{study.path}: no [uncertainty] table: declare the uncertain inputs "
            "(see examples/uncertainty.toml)"
        )
    inputs = parse_inputs(spec.inputs, "uncertainty.inputs")
    design = sample(inputs, spec.method, spec.samples, seed=spec.seed)
    model_names = [i.name for i in inputs if i.kind == "model"]
    point_of_row, point_values = model_points(design, [i.name for i in inputs], model_names)

    runner = StudyRunner(
        study,
        RunOptions(
            jobs=jobs,
            out_dir=out_dir,
            weather_dir=weather_dir,
            timeout_s=timeout_s,
            progress=progress,
            **backend,
        ),
    )
    folder = runner.store.root / UNCERTAINTY_DIR
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(study.path, folder / "study.toml")
    digits = max(POINT_ID_DIGITS, len(str(len(point_values) - 1)))
    points = [
        point_variants(
            study,
            f"u{j:0{digits}d}" if model_names else None,
            values,
            packages=spec.packages,
        )
        for j, values in enumerate(point_values)
    ]
    try:
        prepared = runner.run([v for point in points for v in point], desc="sensitivity")
    finally:
        runner.close()
    records = {}
    for p in prepared.values():
        if p.variant_hash and p.variant_hash not in records:
            record = runner.store.record(p.variant_hash)
            if record is not None:
                records[p.variant_hash] = {k: record[k] for k in _RECORD_KEYS if k in record}

    samples = account_samples(
        design, inputs, point_of_row, points, prepared, records, study.spec.economics
    )
    notes = sizing_notes(study, model_names) + unchanged_notes(samples)
    indices: dict[str, pd.DataFrame] = {}
    if spec.method in ANALYZABLE:
        for output in spec.outputs:
            table, skipped = output_indices(samples, design, inputs, spec.method, output, spec.seed)
            indices[output] = table
            notes += skipped
    else:
        notes.append(f"method {spec.method}: percentiles and rank probabilities, no indices")
    measure_outputs = [o for o in spec.outputs if o in UNCERTAINTY_MEASURE_OUTPUTS]
    baseline_outputs = [o for o in spec.outputs if o in UNCERTAINTY_BASELINE_OUTPUTS]
    spread = percentile_table(
        samples, [*PERCENTILE_OUTPUTS, *measure_outputs], baseline_outputs, PERCENTILE_LEVELS
    )
    ranks = rank_table(samples, spec.rank_top)
    failed = samples[samples["emissions_tco2"].isna()]  # no record to account
    if not failed.empty:
        statuses = ", ".join(sorted(set(failed["status"])))
        notes.append(
            f"{failed['variant'].nunique()} variants have no result ({statuses}): their rows "
            "are NaN, left out of the percentiles and never ranked"
        )

    result = SensitivityResult(
        study=study,
        folder=folder,
        method=spec.method,
        inputs=inputs,
        samples=samples,
        indices=indices,
        percentiles=spread,
        rank_probability=ranks,
        top=spec.rank_top,
        points=len(points),
        variants=sum(len(p) for p in points),
        simulated=runner.simulated,
        failed=runner.failed,
        notes=notes,
    )
    result.files = write_outputs(result)
    return result


def account_samples(
    design: np.ndarray,
    inputs: Sequence[UncertainInput],
    point_of_row: Sequence[int],
    points: Sequence[Sequence[Any]],
    prepared: Mapping[str, Any],
    records: Mapping[str, dict],
    economics,
) -> pd.DataFrame:
    """Every design row's savings and economics against its point's baseline, under its
    economic inputs: the long table of ``samples.parquet`` (:func:`sample_rows`).

    ``points`` are the variants of each model point (:func:`point_variants`), ``prepared`` and
    ``records`` what the runner prepared and stored for them, ``economics`` the study's
    :class:`retrofit.study.EconomicsSpec`.
    """
    names = [i.name for i in inputs]
    rows = []
    for i, row in enumerate(np.asarray(design, dtype=float)):
        values = dict(zip(names, (float(x) for x in row), strict=True))
        point = points[point_of_row[i]]
        local = [local_variant(v) for v in point]
        chosen, unchanged = point_prepared(local, [prepared[g.id] for g in point])
        table = apply_economics(
            local,
            chosen,
            records,
            economic_values(values, inputs, economics.discount_rate),
            analysis_period_years=economics.analysis_period_years,
            unmet_hours_limit=economics.unmet_hours_limit,
            credit_exported_co2=economics.credit_exported_co2,
        )
        ids = {v.id: g.id for v, g in zip(local, point, strict=True)}
        rows.append(sample_rows(table, i, point_of_row[i], ids, values, unchanged))
    return pd.concat(rows, ignore_index=True)


def write_outputs(result: SensitivityResult) -> dict[str, Path]:
    """Write the tables, charts and ``sensitivity.json`` into ``result.folder``."""
    folder = result.folder
    files: dict[str, Path] = {}
    for output, table in result.indices.items():
        csv = folder / f"indices_{output}.csv"
        table.to_csv(csv, index=False)
        files[csv.name] = csv
        shown = table.dropna(subset=[LEADING_INDEX[result.method]])
        if not shown.empty and result.study.spec.outputs.plots:
            labelled = shown.set_index(
                shown["input"]
                if (shown["measure"] == shown["measure"].iloc[0]).all()
                else shown["measure"] + ": " + shown["input"]
            )
            png = plot_indices(labelled, result.method, folder / f"indices_{output}.png")
            files[png.name] = png
    files[PERCENTILES_FILE] = folder / PERCENTILES_FILE
    result.percentiles.to_csv(files[PERCENTILES_FILE], index=False)
    files[RANKS_FILE] = folder / RANKS_FILE
    result.rank_probability.to_csv(files[RANKS_FILE], index=False)
    files[SAMPLES_FILE] = folder / SAMPLES_FILE
    samples = result.samples
    samples.astype({c: str for c in samples.columns if samples[c].dtype == object}).to_parquet(
        files[SAMPLES_FILE], index=False
    )
    files[SUMMARY_FILE] = folder / SUMMARY_FILE
    result.files = files
    text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False, default=str)
    files[SUMMARY_FILE].write_text(text + "\n")
    return files


# --------------------------------------------------------------------------------------------
# Variants of the sample points
# --------------------------------------------------------------------------------------------


def point_variants(
    study: Study,
    point: str | None,
    values: Sequence[tuple[str, float]],
    *,
    packages: bool,
):
    """The variants of one model point: the study's baseline and each measure (and package),
    with ``values`` of the model inputs; ids ``<point>-b00``, ``<point>-m01``, ... (the study's
    own ids when ``point`` is None, the nominal point)."""
    from retrofit.runner import first_variants

    kinds = ("baseline", "measure", "package") if packages else ("baseline", "measure")
    return [
        dataclasses.replace(
            v,
            id=f"{point}{POINT_SEPARATOR}{v.id}" if point else v.id,
            inputs=tuple(values),
        )
        for v in first_variants(study)
        if v.kind in kinds
    ]


def local_variant(variant):
    """A point's variant under the study's own id (``u0007-m02`` -> ``m02``), as
    :func:`retrofit.report.results_table` expects (its baseline is ``b00``)."""
    local_id = variant.id.split(POINT_SEPARATOR, 1)[-1]
    return dataclasses.replace(variant, id=local_id)


def sizing_notes(study: Study, model_names: Sequence[str]) -> list[str]:
    """What the sizing means for the model inputs' sample points."""
    if not model_names:
        return ["economic inputs only: the study's nominal variants, nothing else simulated"]
    if study.spec.baseline.sizing == "baseline":
        return [
            "model inputs are applied after hard-sizing from the nominal baseline: the "
            "installed equipment keeps its size at every sample point"
        ]
    return ["sizing = autosize: the equipment is resized at every sample point"]


# --------------------------------------------------------------------------------------------
# Pure functions
# --------------------------------------------------------------------------------------------


def model_points(
    design: np.ndarray, names: Sequence[str], model_names: Sequence[str]
) -> tuple[list[int], list[tuple[tuple[str, float], ...]]]:
    """The distinct model-input values among the design's rows, in order of first appearance.

    Returns
    -------
    point_of_row : list of int
        The point of each row.
    points : list of tuple
        Each point's ``((name, value), ...)`` in the order of ``model_names``; one empty point
        when there are no model inputs.
    """
    columns = [list(names).index(n) for n in model_names]
    index: dict[tuple, int] = {}
    point_of_row = []
    for row in np.asarray(design, dtype=float):
        key = tuple(float(row[c]) for c in columns)
        point_of_row.append(index.setdefault(key, len(index)))
    points = [tuple(zip(model_names, key, strict=True)) for key in index]
    return point_of_row, points or [()]


def economic_values(
    values: Mapping[str, float], inputs: Sequence[UncertainInput], discount_rate: float
) -> dict[str, float]:
    """The economic drivers' values of one design row: the uncertain ones from ``values`` (by
    input name), the others nominal (scales of 1, the study's ``discount_rate``)."""
    out = dict.fromkeys(_SCALE_DRIVERS, 1.0)
    out["discount_rate"] = float(discount_rate)
    for inp in inputs:
        if inp.driver in ECONOMIC_DRIVERS:
            out[inp.driver] = float(values[inp.name])
    return out


def rescale_summary(
    summary: Mapping[str, Any],
    *,
    electricity_price_scale: float = 1.0,
    gas_price_scale: float = 1.0,
    emission_factor_scale: float = 1.0,
    credit_exported_co2: bool = False,
) -> dict[str, Any]:
    """A result summary with its prices and grid CO2 factor scaled, the energy unchanged.

    Every hour's electricity price times ``electricity_price_scale`` scales the time-of-use
    cost of the purchased electricity by the same factor (:func:`retrofit.accounting.account`
    is linear in the prices); the gas cost scales with ``gas_price_scale``; district heating and
    cooling costs and the export credit (the export price is not an electricity price of the
    tariff) are unchanged. The grid factor times ``emission_factor_scale`` moves the CO2 of the
    purchased electricity (less the exports when ``credit_exported_co2``): ``emissions_tco2 +
    (s - 1) E f_e / 1000``, ``f_e`` the factor the summary was accounted with
    (``emission_factors.electricity_kgco2_per_kwh``); gas, heat and district cooling factors
    are unchanged.

    Parameters
    ----------
    summary : mapping
        A record's summary (:meth:`retrofit.simulate.SimulationReport.summary`).
    electricity_price_scale, gas_price_scale, emission_factor_scale : float
        The economic drivers (1 = as accounted).
    credit_exported_co2 : bool
        As the study accounted (``economics.credit_exported_co2``).

    Returns
    -------
    dict
        A copy with ``electricity_cost_rmb``, ``natural_gas_cost_rmb``, ``energy_cost_rmb``
        [RMB] and ``emissions_tco2`` [tCO2] recomputed.
    """
    from retrofit.accounting import KG_PER_TONNE

    out = dict(summary)
    electricity_cost = float(summary["electricity_cost_rmb"])
    gas_cost = float(summary["natural_gas_cost_rmb"])
    out["electricity_cost_rmb"] = electricity_cost * electricity_price_scale
    out["natural_gas_cost_rmb"] = gas_cost * gas_price_scale
    out["energy_cost_rmb"] = (
        float(summary["energy_cost_rmb"])
        + electricity_cost * (electricity_price_scale - 1.0)
        + gas_cost * (gas_price_scale - 1.0)
    )
    if emission_factor_scale != 1.0:
        factor = float(summary["emission_factors"]["electricity_kgco2_per_kwh"])
        grid_kwh = float(summary["electricity_purchased_kwh"])
        if credit_exported_co2:
            grid_kwh -= float(summary["electricity_exported_kwh"])
        out["emissions_tco2"] = (
            float(summary["emissions_tco2"])
            + (emission_factor_scale - 1.0) * grid_kwh * factor / KG_PER_TONNE
        )
    return out


def apply_economics(
    variants,
    prepared: Mapping[str, Any],
    records: Mapping[str, dict],
    economics: Mapping[str, float],
    *,
    analysis_period_years: int,
    unmet_hours_limit: float,
    credit_exported_co2: bool = False,
) -> pd.DataFrame:
    """:func:`retrofit.report.results_table` of one sample point under one row's economics.

    Parameters
    ----------
    variants : list of VariantSpec
        The point's variants under the study's ids (the baseline is ``b00``).
    prepared : mapping
        Variant id -> :class:`retrofit.runner.Prepared`.
    records : mapping
        Variant hash -> stored record (``status``, ``summary``).
    economics : mapping
        :func:`economic_values`: the price, factor and capex scales and the discount rate.
    analysis_period_years, unmet_hours_limit, credit_exported_co2
        The study's ``[economics]``.

    Returns
    -------
    DataFrame
        One row per variant: totals, savings against the point's baseline, economics.
    """
    from retrofit.report import results_table

    scaled = {
        h: {
            **r,
            "summary": rescale_summary(
                r["summary"],
                electricity_price_scale=economics["electricity_price_scale"],
                gas_price_scale=economics["gas_price_scale"],
                emission_factor_scale=economics["emission_factor_scale"],
                credit_exported_co2=credit_exported_co2,
            ),
        }
        if r.get("status") == "ok"
        else r
        for h, r in records.items()
    }
    capex_scale = economics["capex_scale"]
    costed = {
        k: dataclasses.replace(p, capex_rmb={m: c * capex_scale for m, c in p.capex_rmb.items()})
        for k, p in prepared.items()
    }
    return results_table(
        variants,
        costed,
        scaled,
        discount_rate=economics["discount_rate"],
        analysis_period_years=analysis_period_years,
        unmet_hours_limit=unmet_hours_limit,
    )


def point_prepared(local, prepared: Sequence[Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The preparations of one point's variants under the study's ids, with a measure that does
    not apply there standing for the point's baseline.

    A measure can stop applying at a sample point (relamping to 8 W/m2 where the sampled
    lighting power is already below it): it is then not installed, so it changes nothing, saves
    nothing and costs nothing. Such a variant takes the baseline's record with no capital, O&M
    or lifetime; :func:`sample_rows` marks it ``not applicable``. If the baseline itself did
    not apply, nothing is substituted.

    Parameters
    ----------
    local : list of VariantSpec
        The point's variants under the study's ids (:func:`local_variant`).
    prepared : sequence of Prepared
        Their preparations, in the same order.

    Returns
    -------
    chosen : dict
        Local id -> the Prepared to account.
    unchanged : dict
        Local id -> why the measure does not apply, for the substituted variants.
    """
    base = next((p for v, p in zip(local, prepared, strict=True) if v.kind == "baseline"), None)
    chosen, unchanged = {}, {}
    for variant, p in zip(local, prepared, strict=True):
        if p.error and variant.kind != "baseline" and base is not None and not base.error:
            unchanged[variant.id] = p.error
            p = dataclasses.replace(
                base, quantities={}, capex_rmb={}, lifetime_years={}, om_rmb_per_year={}
            )
        chosen[variant.id] = dataclasses.replace(p, spec=variant)
    return chosen, unchanged


def unchanged_notes(samples: pd.DataFrame) -> list[str]:
    """One note per measure that did not apply at some sample points."""
    notes = []
    missing = samples[samples["status"] == "not applicable"]
    for measure, rows in missing.groupby("measure", sort=False):
        points = samples.loc[samples["measure"] == measure, "point"].nunique()
        reason = rows["error"].iloc[0]
        notes.append(
            f"{measure} does not apply at {rows['point'].nunique()} of {points} model points "
            f"({reason}): there it saves and costs nothing (payback and cost per tCO2 undefined)"
        )
    return notes


def sample_rows(
    table: pd.DataFrame,
    sample_index: int,
    point: int,
    ids: Mapping[str, str],
    values: Mapping[str, float],
    unchanged: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One design row's results in the long layout of ``samples.parquet``.

    ``ranked`` follows the study's ranking (:func:`retrofit.report.ranking_table`: ok, comfort
    kept, CO2 abated); the baseline is never ranked. Variants in ``unchanged`` (local id ->
    reason, :func:`point_prepared`) are marked ``not applicable``, with zero savings and capital
    and no payback.
    """
    from retrofit.report import ranking_table

    ranking = ranking_table(table)
    ranked = set(ranking.loc[ranking["rank"].notna(), "variant"])
    columns = [
        "status",
        "comfort_ok",
        *UNCERTAINTY_MEASURE_OUTPUTS,
        "capex_rmb",
        *UNCERTAINTY_BASELINE_OUTPUTS,
    ]
    out = pd.DataFrame(
        {
            "sample": sample_index,
            "point": point,
            "variant": [ids[v] for v in table["variant"]],
            "hash": table["hash"].to_numpy(),
            "measure": np.where(table["kind"] == "baseline", BASELINE_LABEL, table["label"]),
            "kind": table["kind"].to_numpy(),
        }
    )
    for name, value in values.items():
        out[name] = value
    for column in columns:
        out[column] = table[column].to_numpy() if column in table else np.nan
    out["ranked"] = table["variant"].isin(ranked).to_numpy()
    out["error"] = table["error"].fillna("").to_numpy() if "error" in table else ""
    for local_id, reason in (unchanged or {}).items():
        row = (table["variant"] == local_id).to_numpy()
        out.loc[row, ["status", "error"]] = ["not applicable", reason]
        out.loc[row, "payback_years"] = np.nan
    return out


def output_matrix(samples: pd.DataFrame, output: str) -> pd.DataFrame:
    """Design rows x measures of one output (the baseline's column for a baseline output)."""
    if output in UNCERTAINTY_BASELINE_OUTPUTS:
        chosen = samples[samples["kind"] == "baseline"]
    else:
        chosen = samples[samples["kind"] != "baseline"]
    matrix = chosen.pivot(index="sample", columns="measure", values=output).sort_index()
    order = list(dict.fromkeys(chosen["measure"]))
    return matrix[order].astype(float)


def output_indices(
    samples: pd.DataFrame,
    design: np.ndarray,
    inputs: Sequence[UncertainInput],
    method: str,
    output: str,
    seed: int,
) -> tuple[pd.DataFrame, list[str]]:
    """Sensitivity indices of ``output`` for each measure (or the baseline).

    A constant output (an economic input cannot move a tCO2 saving) has all indices 0: no
    input explains any of its (zero) variance. An output with a non-finite value (a failed run,
    a payback that never comes, a cost per tonne of a measure that abates nothing) gets NaN
    indices and a note: the estimators need every row.

    Returns
    -------
    table : DataFrame
        ``measure``, ``input``, ``driver``, then the method's index columns.
    notes : list of str
    """
    matrix = output_matrix(samples, output)
    columns = INDEX_COLUMNS[method]
    drivers = {i.name: i.driver for i in inputs}
    tables, notes = [], []
    for measure in matrix.columns:
        y = matrix[measure].to_numpy()
        if not np.isfinite(y).all():
            bad = int((~np.isfinite(y)).sum())
            notes.append(
                f"{output} of {measure}: {bad} of {y.size} values not finite (failed run, no "
                "payback or no abatement): no indices"
            )
            table = pd.DataFrame(np.nan, index=[i.name for i in inputs], columns=list(columns))
        elif np.ptp(y) == 0:
            table = pd.DataFrame(0.0, index=[i.name for i in inputs], columns=list(columns))
        else:
            table = analyze(inputs, method, design, y, seed=seed)
        table = table.rename_axis("input").reset_index()
        table.insert(0, "measure", measure)
        table.insert(2, "driver", table["input"].map(drivers))
        tables.append(table)
    return pd.concat(tables, ignore_index=True), notes


def percentile_table(
    samples: pd.DataFrame,
    measure_outputs: Sequence[str],
    baseline_outputs: Sequence[str],
    levels: Sequence[float] = PERCENTILE_LEVELS,
) -> pd.DataFrame:
    """Percentiles, mean and the count of valid values of each measure's outputs and the
    baseline's, one row per (measure, output)."""
    rows = []
    wanted = [
        *dict.fromkeys(o for o in measure_outputs if o in UNCERTAINTY_MEASURE_OUTPUTS),
        *dict.fromkeys(baseline_outputs),
    ]
    for output in wanted:
        matrix = output_matrix(samples, output)
        for measure in matrix.columns:
            values = matrix[measure].to_numpy()
            valid = values[~np.isnan(values)]
            with np.errstate(invalid="ignore"):
                mean = float(np.mean(valid)) if valid.size else math.nan
            rows.append(
                {
                    "measure": measure,
                    "output": output,
                    **percentiles(values, levels),
                    "mean": mean,
                    "valid": int(valid.size),
                }
            )
    # each measure's outputs together, in the measures' order; the baseline's last
    order = {m: i for i, m in enumerate(dict.fromkeys(samples["measure"]))}
    order[BASELINE_LABEL] = len(order)
    rows.sort(key=lambda row: order[row["measure"]])
    return pd.DataFrame(rows)


def rank_table(samples: pd.DataFrame, top: int) -> pd.DataFrame:
    """The probability that each measure ranks in the ``top`` by cost per tCO2, and that it is
    ranked at all, over the design's rows."""
    chosen = samples[samples["kind"] != "baseline"]
    if chosen.empty:
        return pd.DataFrame(columns=["measure", "kind", "p_top", "p_ranked"])
    scores = chosen.assign(score=np.where(chosen["ranked"], chosen[RANK_SCORE], np.nan))
    matrix = scores.pivot(index="sample", columns="measure", values="score").sort_index()
    order = list(dict.fromkeys(chosen["measure"]))
    matrix = matrix[order].astype(float)
    kinds = chosen.drop_duplicates("measure").set_index("measure")["kind"]
    return pd.DataFrame(
        {
            "measure": order,
            "kind": [kinds[m] for m in order],
            "p_top": rank_probability(matrix.to_numpy(), top),
            "p_ranked": (~np.isnan(matrix.to_numpy())).mean(axis=0),
        }
    )


def top_inputs(indices: Mapping[str, pd.DataFrame], method: str) -> dict[str, dict[str, list]]:
    """Per output and measure, the inputs from most to least influential, as ``[name,
    index]`` pairs (Morris ``mu_star``, Sobol ``ST``)."""
    if method not in LEADING_INDEX:
        return {}
    key = LEADING_INDEX[method]
    out: dict[str, dict[str, list]] = {}
    for output, table in indices.items():
        out[output] = {}
        for measure, group in table.groupby("measure", sort=False):
            ordered = group.dropna(subset=[key]).sort_values(key, ascending=False)
            out[output][measure] = [[r["input"], float(r[key])] for _, r in ordered.iterrows()]
    return out
