"""The study runner: expand variants, prepare and hash them, skip cached ones, fan out, gather.

One orchestrator, four steps:

1. **Size** the baseline once on the site's design days (``sizing = "baseline"``); every variant
   is hard-sized from those sizes (:mod:`retrofit.sizing`) before its measures are applied, so an
   envelope measure does not shrink the chillers and only equipment a measure replaces is sized.
2. **Prepare** each variant (baseline, each measure alone, each package; then the stacked
   sequence): apply the measures, move the model to the site, request the outputs; the prepared
   text's hash, with the weather, the engine version and the run settings, is the variant's
   identity. Preparations are cached by their inputs, so an unchanged study prepares nothing.
3. **Run** the variants whose identity has no stored result, one picklable worker
   (:func:`run_task`) per simulation, on a joblib backend, with a progress bar; each finished
   record is written at once, so a killed run resumes where it stopped, and a failed variant is
   recorded with its EnergyPlus error excerpt while the others go on.
4. **Gather** the records into the results table, savings, economics, ranking and MACC
   (:mod:`retrofit.report`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from retrofit import __version__
from retrofit.cluster import DEFAULT_RETRIES, ClusterConfig
from retrofit.engine import energyplus_version
from retrofit.errors import InputError, RetrofitError
from retrofit.idf import RunPeriod, idf_from_text, idf_to_text, load_idf, parse_period
from retrofit.simulate import Accounting, run_prepared
from retrofit.study import Study

#: Store layout under ``runs/<study>/``.
RECORDS_DIR = "records"
PREPARED_DIR = "prepared"
RUNS_DIR = "variants"
MANIFEST = "manifest.json"

#: Bump when the preparation changes what it writes: cached preparations are then redone.
PREPARATION_VERSION = 2


@dataclass(frozen=True)
class VariantSpec:
    """One variant of a study.

    Attributes
    ----------
    id : str
        Deterministic and readable: ``b00`` baseline, ``m01``... measures, ``p01``... packages,
        ``s01``... steps of the stacked sequence.
    kind : {"baseline", "measure", "package", "stacked", "reference"}
    label : str
        The measure id, the package name, or ``+<measure>`` for a stacked step.
    measures : tuple of str
        Measure ids, applied in this order.
    inputs : tuple of (str, float)
        Values of the study's uncertain model inputs (``[uncertainty]``, by input name), applied
        to the baseline after hard-sizing and before the measures: the installed equipment keeps
        the nominal baseline's sizes whatever the input (an uncertain plug load does not change
        the chillers that are there). Sensitivity variants are ``u0007-m02`` and the like.
    """

    id: str
    kind: str
    label: str
    measures: tuple[str, ...] = ()
    inputs: tuple[tuple[str, float], ...] = ()


@dataclass
class Prepared:
    """A prepared variant (cached by ``input_key``)."""

    spec: VariantSpec
    input_key: str
    variant_hash: str = ""
    idf_path: str = ""
    quantities: dict[str, dict[str, float]] = field(default_factory=dict)
    capex_rmb: dict[str, float] = field(default_factory=dict)
    lifetime_years: dict[str, float] = field(default_factory=dict)
    om_rmb_per_year: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    error: str = ""


@dataclass(frozen=True)
class Task:
    """Everything one simulation needs; picklable, for any backend."""

    variant_id: str
    variant_hash: str
    idf_path: str
    weather_path: str
    run_dir: str
    accounting: Accounting
    label: str
    design_days_source: str
    period: RunPeriod
    timeout_s: float


def run_task(task: Task) -> dict:
    """The worker: simulate one prepared variant and return a compact, JSON-ready record.

    Never raises for a failed simulation: the record says ``status = "failed"`` with the
    EnergyPlus error excerpt, and the batch goes on.
    """
    start = time.perf_counter()
    record: dict[str, Any] = {"hash": task.variant_hash, "variant": task.variant_id}
    try:
        report = run_prepared(
            Path(task.idf_path).read_text(),
            task.weather_path,
            task.run_dir,
            accounting=task.accounting,
            model_label=task.label,
            design_days_source=task.design_days_source,
            period=task.period,
            timeout_s=task.timeout_s,
        )
    except RetrofitError as exc:
        record.update(
            status="failed",
            error=str(exc).splitlines()[0],
            excerpt=getattr(exc, "excerpt", ""),
            runtime_s=time.perf_counter() - start,
        )
        return record
    summary = report.summary()
    hourly = report.results.hourly
    record.update(
        status="ok",
        runtime_s=time.perf_counter() - start,
        summary=summary,
        hourly={c: hourly[c].tolist() for c in hourly.columns} if not hourly.empty else {},
        monthly=report.results.monthly.to_dict(orient="list"),
    )
    return record


# --------------------------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------------------------


class Store:
    """``runs/<study>/``: prepared models, one record per finished variant, the manifest."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        for sub in (RECORDS_DIR, PREPARED_DIR, RUNS_DIR):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    def record_path(self, variant_hash: str) -> Path:
        return self.root / RECORDS_DIR / f"{variant_hash}.json"

    def record(self, variant_hash: str) -> dict | None:
        path = self.record_path(variant_hash)
        if not path.is_file():
            return None
        try:
            return json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):  # a write cut short: simulate again
            return None

    def save_record(self, record: dict) -> None:
        _atomic_write(self.record_path(record["hash"]), json.dumps(record))

    def prepared_meta(self, input_key: str) -> Path:
        return self.root / PREPARED_DIR / f"{input_key}.json"

    def prepared_idf(self, variant_hash: str) -> Path:
        return self.root / PREPARED_DIR / f"{variant_hash}.idf"

    def run_dir(self, variant_id: str) -> Path:
        return self.root / RUNS_DIR / variant_id

    def write_manifest(self, rows: list[dict]) -> None:
        _atomic_write(self.root / MANIFEST, json.dumps(rows, indent=2))


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_suffix(f"{path.suffix}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def sha256_file(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sha(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()


# --------------------------------------------------------------------------------------------
# The runner
# --------------------------------------------------------------------------------------------


@dataclass
class RunOptions:
    """How to run a study.

    Attributes
    ----------
    jobs : int or None
        Parallel simulations; None = all cores.
    out_dir : path or None
        The store; default ``runs/<study name>``.
    weather_dir : path
        The project's weather folder (fetched stations).
    timeout_s : float
        EnergyPlus limit per simulation [s].
    progress : bool
        Show progress bars (on stderr).
    backend : str
        ``dask`` (:mod:`retrofit.cluster`), or a joblib backend (``loky``: processes).
    scheduler : str or None
        Address of a running dask scheduler (``tcp://HOST:PORT``): run on its workers, which
        need not share a filesystem with this machine.
    cluster : ClusterConfig or None
        Start dask workers as Slurm or PBS jobs (dask-jobqueue, ``pip install -e .[cluster]``).
        Without ``scheduler`` or ``cluster``, ``backend = "dask"`` starts a LocalCluster of
        ``jobs`` single-threaded workers.
    retries : int
        dask re-runs of a task that raised (a lost worker's tasks are rescheduled anyway).
    keep_raw : bool
        Keep every raw EnergyPlus folder (dask workers elsewhere send them back as
        ``variants/<id>.tar.gz``); otherwise the study's ``outputs.keep_run_dirs`` decides.
    """

    jobs: int | None = None
    out_dir: str | os.PathLike | None = None
    weather_dir: str | os.PathLike | None = "weather"
    timeout_s: float = 3600.0
    progress: bool = True
    backend: str = "loky"
    scheduler: str | None = None
    cluster: ClusterConfig | None = None
    retries: int = DEFAULT_RETRIES
    keep_raw: bool = False

    def __post_init__(self) -> None:
        """Refuse what cannot run before anything runs."""
        if self.scheduler is not None and self.cluster is not None:
            raise InputError("--scheduler and --cluster exclude each other: give one")
        if self.retries < 0:
            raise InputError(f"retries {self.retries}: must be 0 or more")
        if self.cluster is not None:
            from retrofit.cluster import jobqueue_class

            jobqueue_class(self.cluster.kind)  # dask-jobqueue installed?

    @property
    def uses_dask(self) -> bool:
        """True when the simulations go to dask workers."""
        return self.backend == "dask" or self.scheduler is not None or self.cluster is not None


class StudyRunner:
    """Runs one study into its store (see the module docstring for the steps)."""

    def __init__(self, study: Study, options: RunOptions | None = None):
        from retrofit.library import resolve_model
        from retrofit.weather import design_days_for, read_epw, resolve_weather

        self.study = study
        self.options = options or RunOptions()
        spec = study.spec
        self.store = Store(self.options.out_dir or Path("runs") / spec.name)
        self.model_path = resolve_model(study.resolve(spec.baseline.model))
        self.weather_path = resolve_weather(
            study.resolve(spec.baseline.weather), self.options.weather_dir
        )
        epw = read_epw(self.weather_path)  # every row checked once, before anything runs
        ddy = study.resolve(spec.baseline.ddy)
        self.site = design_days_for(epw, ddy)
        self.country = epw.location.country
        self.period = parse_period(spec.baseline.period)
        econ = spec.economics
        self.accounting = Accounting(
            **{
                k: v
                for k, v in {
                    "emissions": econ.emissions,
                    "coal": econ.coal,
                    "tariff": econ.tariff,
                }.items()
                if v
            },
            factors_file=study.resolve(econ.factors_file),
            tariffs_file=study.resolve(econ.tariffs_file),
            credit_exported_co2=econ.credit_exported_co2,
        )
        from retrofit.measures.catalogue import default_catalogue, load_catalogue

        self.catalogue = (
            load_catalogue(study.resolve(econ.catalogue)) if econ.catalogue else default_catalogue()
        )
        self.simulated = 0
        self.failed = 0
        self._dask = None  # retrofit.cluster.DaskSession, opened by the first dask batch
        self._sizes = None
        self._baseline_idf = None
        self._common: dict | None = None
        self._weather_sha = sha256_file(self.weather_path)

    # -- identity ------------------------------------------------------------------------

    def _common_key(self) -> dict:
        if self._common is not None:
            return self._common
        spec = self.study.spec
        files = {"model": sha256_file(self.model_path), "weather": self._weather_sha}
        if self.site.source.endswith(".ddy"):
            files["ddy"] = sha256_file(self.site.source)
        catalogue_files = {Path(f).name: sha256_file(f) for f in self.catalogue.files}
        self._common = {
            "retrofit": __version__,
            "preparation": PREPARATION_VERSION,
            "energyplus": energyplus_version(),
            "files": files,
            "catalogue": catalogue_files,
            "period": self.period.label,
            "sizing": spec.baseline.sizing,
        }
        return self._common

    @functools.cached_property
    def _measures(self) -> dict:
        """The study's measures by key (a dict: ``Study.measure`` scans the list, which made
        preparing 10,000 variants quadratic)."""
        return {m.key: m for m in self.study.spec.measures}

    def input_key(self, variant: VariantSpec) -> str:
        measures = [
            {"measure": self._measures[k].measure, "params": self._measures[k].params}
            for k in variant.measures
        ]
        user_files = {
            m["measure"]: sha256_file(self.study.resolve(m["measure"].split(":")[0]))
            for m in measures
            if ".py:" in m["measure"]
        }
        key = {"common": self._common_key(), "measures": measures, "user": user_files}
        if variant.inputs:
            drivers = self._uncertain_inputs
            key["inputs"] = [[n, drivers[n].driver, float(v)] for n, v in variant.inputs]
        if variant.kind == "reference":
            rules = self.reference_rules()
            key["reference"] = {
                "rules": sha256_file(rules.path) if rules.path else rules.name,
                "building_type": self.study.spec.baseline.building_type,
            }
        return _sha(key)

    @functools.cached_property
    def _uncertain_inputs(self) -> dict:
        """The study's uncertain inputs (``[uncertainty] inputs``) by name."""
        from retrofit.uncertainty.inputs import parse_inputs

        spec = self.study.spec.uncertainty
        if spec is None:
            return {}
        return {i.name: i for i in parse_inputs(spec.inputs, "uncertainty.inputs")}

    def reference_rules(self):
        """The study's reference rule set (``reference = ...``), or None."""
        if self.study.spec.reference is None:
            return None
        from retrofit.compliance.rules import load_rule_set

        return load_rule_set(self.study.resolve(self.study.spec.reference))

    # -- sizing ----------------------------------------------------------------------------

    def baseline_sizes(self):
        """The baseline's component sizes from a design-day run (cached in the store)."""
        if self._sizes is not None:
            return self._sizes
        import pandas as pd

        key = _sha({"common": self._common_key(), "what": "sizing"})
        cached = self.store.root / PREPARED_DIR / f"sizes-{key}.json"
        if cached.is_file():
            self._sizes = pd.read_json(cached, orient="records")
            return self._sizes
        from retrofit.simulate import simulate

        report = simulate(
            self.model_path,
            self.weather_path,
            ddy=self.site.source if self.site.source.endswith(".ddy") else None,
            period="design-days",
            out_dir=self.store.run_dir("sizing"),
            accounting=self.accounting,
            timeout_s=self.options.timeout_s,
        )
        self._sizes = report.results.component_sizes
        _atomic_write(cached, self._sizes.to_json(orient="records"))
        return self._sizes

    # -- preparation -----------------------------------------------------------------------

    def prepare(self, variant: VariantSpec) -> Prepared:
        """Prepare (or fetch from the cache) one variant."""
        key = self.input_key(variant)
        meta = self.store.prepared_meta(key)
        if meta.is_file():
            data = json.loads(meta.read_text())
            data["spec"] = variant
            prepared = Prepared(**data)
            if prepared.error or Path(prepared.idf_path).is_file():
                return prepared
        prepared = self._prepare(variant, key)
        stored = asdict(prepared)
        stored.pop("spec")
        _atomic_write(meta, json.dumps(stored))
        return prepared

    def _baseline_model(self):
        if self._baseline_idf is None:
            self._baseline_idf = idf_to_text(load_idf(self.model_path))
        return idf_from_text(self._baseline_idf, self.model_path)

    def _prepare(self, variant: VariantSpec, key: str) -> Prepared:
        from retrofit.idf import prepare_model
        from retrofit.measures import ApplyContext, make_measure

        prepared = Prepared(spec=variant, input_key=key)
        idf = self._baseline_model()
        context = ApplyContext(weather_path=self.weather_path)
        if self.study.spec.baseline.sizing == "baseline":
            from retrofit.sizing import hard_size

            sizes = self.baseline_sizes()
            context.component_sizes = sizes
            hard_size(idf, sizes)
        if variant.inputs:
            from retrofit.uncertainty.inputs import apply_model_inputs

            try:
                prepared.notes += apply_model_inputs(
                    idf, dict(variant.inputs), list(self._uncertain_inputs.values())
                )
            except InputError as exc:
                prepared.error = f"uncertain inputs: {exc}"
                return prepared
        if variant.kind == "reference":
            from retrofit.compliance.study import apply_reference_building

            try:
                prepared.notes += apply_reference_building(
                    idf,
                    self.reference_rules(),
                    self.study.spec.baseline.building_type,
                    self.baseline_sizes(),
                )
            except InputError as exc:
                prepared.error = f"reference: {exc}"
                return prepared
        for measure_key in variant.measures:
            spec = self._measures[measure_key]
            measure = make_measure(
                spec.measure, spec.params, catalogue=self.catalogue, base_dir=self.study.folder
            )
            try:
                result = measure.apply(idf, context, inplace=True)
            except InputError as exc:
                prepared.error = f"{measure_key}: {exc}"
                return prepared
            idf = result.model
            prepared.quantities[measure_key] = dict(result.quantities)
            prepared.capex_rmb[measure_key] = measure.capex_rmb(result.quantities)
            prepared.lifetime_years[measure_key] = measure.lifetime_years
            prepared.om_rmb_per_year[measure_key] = measure.om_change_rmb_per_year(
                result.quantities
            )
            prepared.notes += [f"{measure_key}: {n}" for n in result.notes]
            prepared.assumptions += measure.assumptions()
        prepare_model(
            idf,
            period=self.period,
            location_fields=self.site.site_location,
            design_days=self.site.design_days,
            country=self.country,
        )
        text = idf_to_text(idf)
        prepared.variant_hash = _sha(
            {
                "idf": hashlib.sha256(text.encode()).hexdigest(),
                "weather": self._weather_sha,
                "energyplus": energyplus_version(),
                "period": self.period.label,
            }
        )
        path = self.store.prepared_idf(prepared.variant_hash)
        if not path.is_file():
            _atomic_write(path, text)
        prepared.idf_path = str(path)
        return prepared

    # -- execution -------------------------------------------------------------------------

    def run(self, variants: list[VariantSpec], desc: str = "simulating") -> dict[str, Prepared]:
        """Prepare ``variants`` and simulate those without a stored result."""
        from tqdm import tqdm

        prepared: dict[str, Prepared] = {}
        bar = tqdm(
            variants,
            desc="preparing",
            unit="variant",
            disable=not self.options.progress,
            leave=False,
        )
        for variant in bar:
            prepared[variant.id] = self.prepare(variant)
        todo: dict[str, Task] = {}
        for p in prepared.values():
            if p.error or p.variant_hash in todo:
                continue
            record = self.store.record(p.variant_hash)
            if record is not None and record["status"] == "ok":
                continue  # finished runs are never redone; failed ones are tried again
            todo[p.variant_hash] = Task(
                variant_id=p.spec.id,
                variant_hash=p.variant_hash,
                idf_path=p.idf_path,
                weather_path=str(self.weather_path),
                run_dir=str(self.store.run_dir(p.spec.id)),
                accounting=self.accounting,
                label=f"{self.study.name}/{p.spec.id} ({p.spec.label})",
                design_days_source=self.site.source,
                period=self.period,
                timeout_s=self.options.timeout_s,
            )
        if todo:
            self._execute(list(todo.values()), desc)
        return prepared

    def _execute(self, tasks: list[Task], desc: str) -> None:
        """Run ``tasks`` on the backend; save each record (and a shipped run folder) as it
        arrives, so Ctrl-C or a kill keeps every finished run."""
        from contextlib import closing

        from tqdm import tqdm

        from retrofit.cluster import save_raw

        failed = 0
        with (
            tqdm(total=len(tasks), desc=desc, unit="run", disable=not self.options.progress) as bar,
            closing(self._records(tasks)) as results,
        ):
            bar.set_postfix(done=0, failed=0, remaining=len(tasks))
            for done, record in enumerate(results, start=1):
                save_raw(record, self.store.root / RUNS_DIR)
                self.store.save_record(record)
                self.simulated += 1
                if record["status"] != "ok":
                    failed += 1
                bar.set_postfix(done=done - failed, failed=failed, remaining=len(tasks) - done)
                bar.update()
                if not self.options.keep_raw:
                    self._prune(record)
        self.failed += failed

    def _records(self, tasks: list[Task]):
        """The backend's records, one per task, in the order they finish."""
        if self.options.uses_dask:
            from retrofit.cluster import DaskSession, dask_records

            if self._dask is None:
                self._dask = DaskSession(
                    scheduler=self.options.scheduler,
                    cluster=self.options.cluster,
                    local_workers=self.options.jobs or os.cpu_count() or 1,
                )
            keep = self.study.spec.outputs.keep_run_dirs
            return dask_records(
                self._dask,
                tasks,
                retries=self.options.retries,
                keep_run_dirs="all" if self.options.keep_raw else keep,
            )
        from joblib import Parallel, delayed

        jobs = self.options.jobs or os.cpu_count() or 1
        return Parallel(
            n_jobs=min(jobs, len(tasks)),
            backend=self.options.backend,
            return_as="generator_unordered",
            max_nbytes=None,  # tasks are small: no memory-mapped temporary folders
        )(delayed(run_task)(task) for task in tasks)

    def close(self) -> None:
        """Stop the workers this runner started: its dask client and cluster, or joblib's."""
        if self._dask is not None:
            self._dask.close()
            self._dask = None
        elif self.simulated:
            _shutdown_workers()

    def _prune(self, record: dict) -> None:
        keep = self.study.spec.outputs.keep_run_dirs
        if keep == "all" or (keep == "failed" and record["status"] != "ok"):
            return
        shutil.rmtree(self.store.run_dir(record["variant"]), ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Variants
# --------------------------------------------------------------------------------------------


def first_variants(study: Study) -> list[VariantSpec]:
    """The baseline, each measure alone, each package, and the reference building if named."""
    spec = study.spec
    variants = [VariantSpec("b00", "baseline", "baseline")]
    for i, m in enumerate(spec.measures, start=1):
        variants.append(VariantSpec(f"m{i:02d}", "measure", m.key, (m.key,)))
    for i, p in enumerate(spec.packages, start=1):
        variants.append(VariantSpec(f"p{i:02d}", "package", p.name, tuple(p.measures)))
    if spec.reference is not None:
        from retrofit.compliance.study import REFERENCE_VARIANT_ID

        variants.append(
            VariantSpec(REFERENCE_VARIANT_ID, "reference", f"{spec.reference} reference")
        )
    return variants


def stacked_variants(order: list[str]) -> list[VariantSpec]:
    """Measures added one at a time in ``order`` (each step keeps the ones before)."""
    return [
        VariantSpec(f"s{i:02d}", "stacked", f"+{key}", tuple(order[:i]))
        for i, key in enumerate(order, start=1)
    ]


# --------------------------------------------------------------------------------------------
# The whole study
# --------------------------------------------------------------------------------------------

VARIANTS_FILE = "variants.json"


@dataclass
class StudyResult:
    """What :func:`run_study` returns (the same tables it writes into the store)."""

    study: Study
    store: Path
    results: Any
    ranking: Any
    macc: Any
    simulated: int = 0
    failed: int = 0
    files: dict[str, Path] = field(default_factory=dict)


def run_study(
    path: str | os.PathLike,
    *,
    jobs: int | None = None,
    out_dir: str | os.PathLike | None = None,
    progress: bool = True,
    weather_dir: str | os.PathLike | None = "weather",
    timeout_s: float = 3600.0,
    backend: str = "loky",
    scheduler: str | None = None,
    cluster: ClusterConfig | None = None,
    retries: int = DEFAULT_RETRIES,
    keep_raw: bool = False,
) -> StudyResult:
    """Run a study file end to end and return its tables (the Python API for notebooks).

    Parameters
    ----------
    path : path
        The study TOML (:mod:`retrofit.study`).
    jobs : int, optional
        Parallel simulations (default: all cores).
    out_dir : path, optional
        The store (default ``runs/<study name>``). Re-running an unchanged study simulates
        nothing; a run killed half-way resumes without redoing finished variants.
    backend, scheduler, cluster, retries, keep_raw
        Where the simulations run (:class:`RunOptions`): ``scheduler="tcp://HOST:PORT"`` on a
        running dask cluster, ``backend="dask"`` on a LocalCluster of ``jobs`` workers,
        ``cluster=ClusterConfig(kind="slurm", ...)`` on Slurm or PBS jobs; by default local
        joblib processes.

    Returns
    -------
    StudyResult
        ``results`` (one row per variant), ``ranking`` (by cost per tCO2) and ``macc`` (the
        stacked sequence) as DataFrames.
    """
    from retrofit.study import load_study

    study = load_study(path)
    runner = StudyRunner(
        study,
        RunOptions(
            jobs=jobs,
            out_dir=out_dir,
            weather_dir=weather_dir,
            timeout_s=timeout_s,
            progress=progress,
            backend=backend,
            scheduler=scheduler,
            cluster=cluster,
            retries=retries,
            keep_raw=keep_raw,
        ),
    )
    shutil.copyfile(study.path, runner.store.root / "study.toml")
    try:
        variants = first_variants(study)
        prepared = runner.run(variants)
        result = _gather(study, runner.store, variants, prepared)
        if study.spec.outputs.stacked:
            from retrofit.report import stack_order

            stacked = stacked_variants(stack_order(result.ranking))
            if stacked:
                prepared.update(runner.run(stacked, desc="stacked sequence"))
                variants = variants + stacked
                result = _gather(study, runner.store, variants, prepared)
    finally:
        runner.close()
    result.simulated = runner.simulated
    result.failed = runner.failed
    return result


def _shutdown_workers() -> None:
    """Stop joblib's reusable worker processes: left idle they outlive the command by minutes
    (holding its output pipes open)."""
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True)


def rank_store(store_dir: str | os.PathLike) -> StudyResult:
    """Rebuild the tables of a finished study from its store, simulating nothing."""
    from retrofit.study import load_study

    root = Path(store_dir)
    study_file = root / "study.toml"
    variants_file = root / VARIANTS_FILE
    if not study_file.is_file() or not variants_file.is_file():
        raise InputError(f"{root}: not a study store (no study.toml / {VARIANTS_FILE}); run it")
    study = load_study(study_file)
    saved = json.loads(variants_file.read_text())
    variants = [
        VariantSpec(
            **{
                **v["spec"],
                "measures": tuple(v["spec"]["measures"]),
                "inputs": tuple((n, x) for n, x in v["spec"].get("inputs", ())),
            }
        )
        for v in saved
    ]
    prepared = {}
    for v, item in zip(variants, saved, strict=True):
        data = dict(item["prepared"])
        prepared[v.id] = Prepared(spec=v, **data)
    return _gather(study, Store(root), variants, prepared)


def _gather(study: Study, store: Store, variants, prepared) -> StudyResult:
    from retrofit.report import (
        format_ranking,
        macc_table,
        plot_macc,
        plot_savings,
        ranking_table,
        results_table,
    )

    records = {}
    for p in prepared.values():
        if p.variant_hash and p.variant_hash not in records:
            record = store.record(p.variant_hash)
            if record is not None:
                records[p.variant_hash] = record
    econ = study.spec.economics
    results = results_table(
        variants,
        prepared,
        records,
        discount_rate=econ.discount_rate,
        analysis_period_years=econ.analysis_period_years,
        unmet_hours_limit=econ.unmet_hours_limit,
    )
    if study.spec.reference is not None:
        from retrofit.compliance.rules import load_rule_set
        from retrofit.compliance.study import reference_rate_columns

        summaries = {
            v.id: records[prepared[v.id].variant_hash]["summary"]
            for v in variants
            if prepared[v.id].variant_hash in records
            and records[prepared[v.id].variant_hash]["status"] == "ok"
        }
        rules = load_rule_set(study.resolve(study.spec.reference))
        results = reference_rate_columns(results, summaries, rules)
    ranking = ranking_table(results)
    macc = macc_table(
        results,
        discount_rate=econ.discount_rate,
        analysis_period_years=econ.analysis_period_years,
        prepared=prepared,
    )
    root = store.root
    files = {
        "results.csv": root / "results.csv",
        "results.parquet": root / "results.parquet",
        "ranking.csv": root / "ranking.csv",
        "macc.csv": root / "macc.csv",
    }
    results.to_csv(files["results.csv"], index=False)
    results.astype({c: str for c in results.columns if results[c].dtype == object}).to_parquet(
        files["results.parquet"], index=False
    )
    ranking.to_csv(files["ranking.csv"], index=False)
    macc.to_csv(files["macc.csv"], index=False)
    (root / "ranking.txt").write_text(format_ranking(ranking) + "\n")
    if study.spec.outputs.plots:
        files["macc.png"] = plot_macc(macc, root / "macc.png", f"{study.name}: MACC")
        files["savings.png"] = plot_savings(results, root / "savings.png", study.name)
    manifest = []
    for v in variants:
        p = prepared[v.id]
        record = records.get(p.variant_hash, {})
        manifest.append(
            {
                "id": v.id,
                "label": v.label,
                "measures": list(v.measures),
                "hash": p.variant_hash,
                "status": "not applicable" if p.error else record.get("status", "missing"),
                "runtime_s": record.get("runtime_s"),
                "error": p.error or record.get("error", ""),
                "excerpt": record.get("excerpt", ""),
            }
        )
    store.write_manifest(manifest)
    saved = []
    for v in variants:
        data = asdict(prepared[v.id])
        data.pop("spec")
        saved.append({"spec": asdict(v), "prepared": data})
    _atomic_write(root / VARIANTS_FILE, json.dumps(saved))
    return StudyResult(
        study=study, store=root, results=results, ranking=ranking, macc=macc, files=files
    )
