"""Batch runs on a dask.distributed cluster: a running scheduler, a LocalCluster, Slurm or PBS.

The study runner (:mod:`retrofit.runner`) hands this module the simulations to do as
:class:`~retrofit.runner.Task` objects and gets back one result record per task, in the order
they finish, to save in its store at once (so the cache and resume logic is the runner's, the
same for every backend). Three ways to get workers, one way to use them (:class:`DaskSession`):

* ``scheduler="tcp://HOST:PORT"``: a dask scheduler someone started, with workers anywhere;
* ``backend="dask"`` without an address: a :class:`distributed.LocalCluster` on this machine
  (``jobs`` worker processes);
* ``cluster=ClusterConfig(kind="slurm" | "pbs", ...)``: batch jobs through dask-jobqueue (the
  optional extra ``pip install -e .[cluster]``), each job running dask workers that connect back
  to a scheduler in this process.

Every worker has one thread: EnergyPlus runs single-threaded, one simulation per worker process.

**No shared filesystem.** A worker reached through a scheduler address or a batch system may be on
another machine, without the study folder or the store. Its task then carries the prepared
model's text; the weather file (and any user factor or tariff tables) travel once per batch as
one dask dependency that each worker fetches once and writes into its local temporary folder
(:class:`ShippedInputs`); the simulation runs in a temporary folder that is deleted once the
record is made (:func:`run_shipped_task`). The raw EnergyPlus folder travels back as ``.tar.gz``
bytes when the study's ``outputs.keep_run_dirs`` asks for it (``failed`` by default), or for
every run with ``keep_raw``; the runner writes it to ``variants/<variant>.tar.gz`` in the store.
LocalCluster workers share this machine's files and get paths, as joblib's do.

**Failures.** A simulation EnergyPlus rejects is a normal ``failed`` record, never an exception.
dask reschedules the task of a worker that died (up to ``distributed.scheduler.allowed-failures``
deaths) and re-runs a task that raised, ``retries`` times; what still fails becomes a ``failed``
record naming the exception, and a later run of the study tries it again.

**Scale.** Tasks are submitted in a window of a few per worker thread, refilled as results
arrive, so neither this process nor the scheduler holds thousands of model texts at once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import logging
import os
import shutil
import signal
import socket
import sys
import tarfile
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from retrofit.errors import InputError, RetrofitError

if TYPE_CHECKING:  # pragma: no cover
    from retrofit.runner import Task

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: Re-runs of a task that raised (not of a simulation EnergyPlus rejected: that is a record).
#: Two: a transient fault (a full temporary disk, a node going down) gets two more chances, a
#: deterministic one fails three times within seconds.
DEFAULT_RETRIES = 2
#: Threads per dask worker: EnergyPlus is single-threaded, one simulation per worker process.
THREADS_PER_WORKER = 1
#: Tasks kept submitted per worker thread: enough that a worker finds its next task waiting when
#: one finishes, few enough that the scheduler holds a bounded number of model texts.
IN_FLIGHT_PER_THREAD = 2
#: Tasks kept submitted while the cluster has few or no workers yet (batch jobs still queued).
MIN_IN_FLIGHT = 8
#: How long to wait for a scheduler given by address [s] (dask's own default connect timeout).
SCHEDULER_TIMEOUT_S = 30.0
#: dask's housekeeping intervals, lengthened for the clusters this module starts (their
#: scheduler, nannies and workers): simulations take seconds to hours, while the defaults (a 20 ms
#: event-loop tick, 100 ms memory monitor and work stealing, 500 ms system monitor, a 10 ms
#: profiler) kept an idle 2-worker LocalCluster at 1.2 s of CPU per 10 s here, taken from
#: EnergyPlus on busy cores; with these, 0.17 s. Coarser only: event-loop diagnostics, the
#: dashboard's plots, the memory limit's reaction time (EnergyPlus's memory is outside it).
QUIET_CONFIG = {
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.work-stealing-interval": "1s",
    "distributed.worker.profile.enabled": False,
}
#: What to install for ``--cluster slurm|pbs``.
INSTALL_HINT = "pip install -e .[cluster]"
#: Name of the batch jobs (what ``squeue`` / ``qstat`` show).
JOB_NAME = "retrofit-worker"
#: dask-jobqueue's cluster class for each batch system.
JOBQUEUE_CLASSES = {"slurm": "SLURMCluster", "pbs": "PBSCluster"}
#: Memory per batch-job worker: an ASSUMPTION, about 8 times the 230-250 MB an EnergyPlus run
#: of the prototypes takes here (design.md), for the worker's Python (pandas, eppy) and large
#: models. Set ``memory`` to your models' need.
DEFAULT_WORKER_MEMORY = "2GB"
#: Spread of the workers' retirement times when ``lifetime`` is set (dask's
#: ``--lifetime-stagger``), so they do not all restart at once.
LIFETIME_STAGGER = "4m"
#: Where a raw run folder travels in a record (popped by the runner before saving it).
RAW_KEY = "raw_tar_gz"
#: gzip level of shipped run folders: zlib's default speed/size trade-off.
RAW_COMPRESSLEVEL = 6
#: File name of a shipped run folder in the store's ``variants/`` folder.
RAW_SUFFIX = ".tar.gz"
#: Innermost traceback entries kept in the record of a task that raised on a worker.
TRACEBACK_ENTRIES = 3
#: Which run folders to keep, as in the study's ``outputs.keep_run_dirs``.
KEEP_RUN_DIRS = ("all", "failed", "none")


# --------------------------------------------------------------------------------------------
# Batch systems (dask-jobqueue)
# --------------------------------------------------------------------------------------------


class ClusterConfig(BaseModel):
    """A Slurm or PBS cluster of dask workers, one single-threaded worker per core.

    Read from a TOML file with :func:`cluster_config` (keys as these attributes), and from the
    ``retrofit run`` options of the same names. See ``docs/cluster.md``.

    Attributes
    ----------
    kind : {"slurm", "pbs"}
        The batch system.
    workers : int
        Worker processes to keep running, i.e. simulations at once. Jobs that end (walltime)
        are replaced while the batch runs.
    cores : int
        Cores per batch job; each runs one single-threaded worker, so a job holds ``cores``
        workers.
    memory : str
        Memory per job (``2GB``, ``4GiB``); split between its workers.
    queue, account, walltime : str, optional
        Partition or queue; account or project to charge; ``HH:MM:SS`` (``D-HH:MM:SS`` too).
        None: the batch system's (or ``~/.config/dask/jobqueue.yaml``'s) default.
    job_extra : list of str
        More scheduler directives, e.g. ``["--qos=low"]`` (written after ``#SBATCH``/``#PBS``).
    prologue : list of str
        Shell lines run before the worker starts, e.g. loading modules and activating the
        virtual environment that has retrofit installed.
    python : str, optional
        The Python on the compute nodes (default: this one, ``sys.executable``).
    local_directory : str, optional
        Node-local scratch for the workers (e.g. ``$TMPDIR``).
    interface : str, optional
        Network interface the workers and scheduler talk on (e.g. ``ib0``).
    log_directory : str, optional
        Where the batch jobs write their logs.
    lifetime : str, optional
        Retire each worker after this long (``55m``), a little under the walltime, so jobs end
        between simulations rather than in one; their replacements take over.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["slurm", "pbs"]
    workers: int = Field(1, ge=1)
    cores: int = Field(1, ge=1)
    memory: str = DEFAULT_WORKER_MEMORY
    queue: str | None = None
    account: str | None = None
    walltime: str | None = Field(None, pattern=r"^(\d+-)?\d{1,3}:\d{2}:\d{2}$")
    job_extra: list[str] = Field(default_factory=list)
    prologue: list[str] = Field(default_factory=list)
    python: str | None = None
    local_directory: str | None = None
    interface: str | None = None
    log_directory: str | None = None
    lifetime: str | None = None

    @field_validator("memory")
    @classmethod
    def _memory(cls, value: str) -> str:
        from dask.utils import parse_bytes

        try:
            parse_bytes(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a size such as 2GB or 4GiB") from None
        return value

    @field_validator("lifetime")
    @classmethod
    def _lifetime(cls, value: str | None) -> str | None:
        from dask.utils import parse_timedelta

        if value is not None:
            try:
                parse_timedelta(value)
            except (ValueError, KeyError):
                raise ValueError(f"{value!r} is not a duration such as 55m or 3h") from None
        return value


def cluster_config(
    kind: str | None = None, config_file: str | os.PathLike | None = None, **settings: Any
) -> ClusterConfig | None:
    """A :class:`ClusterConfig` from a TOML file and/or settings (settings win).

    Parameters
    ----------
    kind : {"slurm", "pbs"}, optional
        The batch system (else the file's ``kind``).
    config_file : path, optional
        A TOML file with :class:`ClusterConfig`'s keys (``examples/cluster/slurm.toml``).
    **settings
        Any of its attributes; None (and empty lists) mean "not given".

    Returns
    -------
    ClusterConfig or None
        None when neither a kind, a file nor a setting is given.

    Raises
    ------
    InputError
        Settings without a batch system, an unreadable file, or invalid values (all at once,
        each with its key).
    """
    given = {k: v for k, v in settings.items() if v is not None and v != []}
    data: dict[str, Any] = {}
    where = "cluster settings"
    if config_file is not None:
        path = Path(config_file)
        where = str(path)
        if not path.is_file():
            raise InputError(f"{path}: no such cluster configuration file")
        try:
            data = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{path}: not valid TOML: {exc}") from None
    if kind is not None:
        data["kind"] = kind
    data.update(given)
    if not data:
        return None
    if "kind" not in data:
        options = ", ".join(f"--{k.replace('_', '-')}" for k in sorted(given))
        raise InputError(f"{options}: batch-cluster settings need --cluster slurm|pbs")
    try:
        return ClusterConfig.model_validate(data)
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            key = ".".join(str(part) for part in err["loc"]) or "(top level)"
            message = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
            errors.append(f"{where}: {key}: {message}")
        raise InputError("\n".join(errors)) from None


def jobqueue_class(kind: str):
    """dask-jobqueue's cluster class for ``kind``; a one-line :class:`InputError` without it."""
    try:
        import dask_jobqueue
    except ImportError:
        raise InputError(
            f"--cluster {kind} needs dask-jobqueue, which is not installed: {INSTALL_HINT}"
        ) from None
    return getattr(dask_jobqueue, JOBQUEUE_CLASSES[kind])


def jobqueue_arguments(config: ClusterConfig) -> dict[str, Any]:
    """Keyword arguments of the dask-jobqueue cluster for ``config`` (unset ones left out, so
    ``~/.config/dask/jobqueue.yaml`` can supply them)."""
    arguments: dict[str, Any] = {
        "job_name": JOB_NAME,
        "cores": config.cores,
        "processes": config.cores // THREADS_PER_WORKER,
        "memory": config.memory,
        "queue": config.queue,
        "account": config.account,
        "walltime": config.walltime,
        "job_extra_directives": list(config.job_extra) or None,
        "job_script_prologue": list(config.prologue) or None,
        "python": config.python or sys.executable,
        "local_directory": config.local_directory,
        "interface": config.interface,
        "log_directory": config.log_directory,
    }
    if config.lifetime is not None:
        arguments["worker_extra_args"] = [
            "--lifetime",
            config.lifetime,
            "--lifetime-stagger",
            LIFETIME_STAGGER,
        ]
    return {k: v for k, v in arguments.items() if v is not None}


def job_script(config: ClusterConfig) -> str:
    """The batch script one job of ``config`` would run (nothing is submitted)."""
    cluster = jobqueue_class(config.kind)(**jobqueue_arguments(config))
    try:
        return cluster.job_script()
    finally:
        cluster.close()


# --------------------------------------------------------------------------------------------
# The client and its cluster
# --------------------------------------------------------------------------------------------


class DaskSession:
    """A dask client and the cluster it started; opened on first use, closed by :meth:`close`.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``tcp://HOST:PORT``).
    cluster : ClusterConfig, optional
        A batch cluster to start (exclusive with ``scheduler``).
    local_workers : int
        Workers of the LocalCluster started when neither is given.
    """

    def __init__(
        self,
        *,
        scheduler: str | None = None,
        cluster: ClusterConfig | None = None,
        local_workers: int = 1,
    ):
        if scheduler is not None and cluster is not None:
            raise InputError("a scheduler address and a batch cluster exclude each other")
        self.scheduler = scheduler
        self.cluster_config = cluster
        self.local_workers = local_workers
        self.client = None
        self._cluster = None

    @property
    def ships_inputs(self) -> bool:
        """True when workers may be on other machines: tasks then carry their inputs."""
        return self.scheduler is not None or self.cluster_config is not None

    def open(self):
        """The :class:`distributed.Client` (connecting or starting the cluster the first time)."""
        if self.client is not None:
            return self.client
        import dask
        from distributed import Client, LocalCluster

        try:
            if self.scheduler is not None:
                try:
                    self.client = Client(self.scheduler, timeout=SCHEDULER_TIMEOUT_S)
                except (OSError, TimeoutError, ValueError) as exc:
                    raise InputError(
                        f"--scheduler {self.scheduler}: cannot connect: {exc}".splitlines()[0]
                    ) from None
            elif self.cluster_config is not None:
                config = self.cluster_config
                with dask.config.set(QUIET_CONFIG):  # this process's scheduler
                    self._cluster = jobqueue_class(config.kind)(**jobqueue_arguments(config))
                # adapt, not scale: jobs that end at their walltime are replaced
                self._cluster.adapt(minimum=config.workers, maximum=config.workers)
                self.client = Client(self._cluster)
            else:
                with _sigint_ignored(), dask.config.set(QUIET_CONFIG):
                    # workers ignore Ctrl-C: it is for this process, which then stops them
                    self._cluster = LocalCluster(
                        n_workers=self.local_workers,
                        threads_per_worker=THREADS_PER_WORKER,
                        processes=True,
                        # any free port: several studies may run side by side (a dashboard
                        # needs bokeh; without it this serves dask's health routes only)
                        dashboard_address=":0",
                        # the workers' own chatter (a cancelled task on Ctrl-C, ...): errors only
                        silence_logs=logging.ERROR,
                    )
                self.client = Client(self._cluster)
        except BaseException:
            self.close()
            raise
        return self.client

    def threads(self) -> int:
        """Worker threads connected now, or those this session asked for if more (batch jobs
        still in the queue will want tasks the moment they connect)."""
        connected = sum(self.open().nthreads().values())
        if self.cluster_config is not None:
            return max(connected, self.cluster_config.workers * THREADS_PER_WORKER)
        if self.scheduler is None:
            return max(connected, self.local_workers * THREADS_PER_WORKER)
        return connected

    def close(self) -> None:
        """Close the client, then stop the cluster this session started (never a scheduler
        given by address); safe to call twice."""
        client, cluster = self.client, self._cluster
        self.client = self._cluster = None
        for thing in (client, cluster):
            if thing is not None:
                try:
                    thing.close()
                except Exception:  # closing while a connection is already gone
                    pass


@contextlib.contextmanager
def _sigint_ignored():
    """Ignore SIGINT while worker processes start, so they inherit that: a Ctrl-C in the
    terminal (sent to the whole process group) then interrupts only the orchestrator, which
    cancels the tasks and stops its cluster, instead of every worker printing a traceback."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


# --------------------------------------------------------------------------------------------
# Inputs shipped to workers on other machines
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ShippedInputs:
    """The files every task of a batch reads besides its model: sent once, cached per machine.

    Attributes
    ----------
    digest : str
        SHA-256 of the names and contents (the cache folder's name on the worker).
    files : dict
        Role (``weather``, ``factors``, ``tariffs``) -> (file name, content bytes).
    """

    digest: str
    files: dict[str, tuple[str, bytes]]

    @classmethod
    def of(cls, task: Task) -> ShippedInputs:
        """Read the weather file and the task's user accounting tables."""
        paths = {
            "weather": task.weather_path,
            "factors": task.accounting.factors_file,
            "tariffs": task.accounting.tariffs_file,
        }
        files = {}
        digest = hashlib.sha256()
        for role, path in paths.items():
            if path:
                files[role] = (Path(path).name, Path(path).read_bytes())
                digest.update(f"{role}\0{files[role][0]}\0".encode())
                digest.update(files[role][1])
        return cls(digest.hexdigest(), files)

    def materialise(self) -> dict[str, Path]:
        """Write the files into this machine's temporary folder (once) and return their paths."""
        folder = Path(tempfile.gettempdir()) / f"retrofit-inputs-{self.digest[:16]}"
        folder.mkdir(parents=True, exist_ok=True)
        paths = {}
        for role, (name, content) in self.files.items():
            path = folder / f"{role}-{name}"
            if not path.is_file() or path.stat().st_size != len(content):
                tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
                tmp.write_bytes(content)
                os.replace(tmp, path)  # workers sharing the machine may write it at once
            paths[role] = path
        return paths


def _hold(inputs: ShippedInputs) -> ShippedInputs:
    """Identity: makes the shared inputs a task result, which dask recomputes if the worker
    holding it dies (scattered data would be lost with it)."""
    return inputs


def run_shipped_task(
    task: Task, idf_text: str, inputs: ShippedInputs, keep_run_dirs: str = "failed"
) -> dict:
    """The worker on a machine without the study's files: :func:`retrofit.runner.run_task` in a
    temporary folder.

    Parameters
    ----------
    task : Task
        As the runner made it; its paths are this function's to replace.
    idf_text : str
        The prepared model.
    inputs : ShippedInputs
        The weather file and user accounting tables.
    keep_run_dirs : {"all", "failed", "none"}
        Which run folders to send back, as ``.tar.gz`` bytes under :data:`RAW_KEY`.

    Returns
    -------
    dict
        The record of :func:`~retrofit.runner.run_task`, with ``host``; the temporary folder
        is gone.
    """
    from retrofit.runner import run_task

    local = inputs.materialise()
    work = Path(tempfile.mkdtemp(prefix=f"retrofit-{task.variant_id}-"))
    try:
        model = work / "prepared.idf"
        model.write_text(idf_text)
        run_dir = work / task.variant_id
        accounting = dataclasses.replace(
            task.accounting,
            factors_file=str(local["factors"]) if "factors" in local else None,
            tariffs_file=str(local["tariffs"]) if "tariffs" in local else None,
        )
        here = dataclasses.replace(
            task,
            idf_path=str(model),
            weather_path=str(local["weather"]),
            run_dir=str(run_dir),
            accounting=accounting,
        )
        record = run_task(here)
        record["host"] = socket.gethostname()
        if wants_run_dir(keep_run_dirs, record["status"]) and run_dir.is_dir():
            record[RAW_KEY] = tar_gz(run_dir)
        return record
    finally:
        shutil.rmtree(work, ignore_errors=True)


def wants_run_dir(keep_run_dirs: str, status: str) -> bool:
    """Whether a run folder is kept under the policy ``keep_run_dirs`` (:data:`KEEP_RUN_DIRS`)."""
    return keep_run_dirs == "all" or (keep_run_dirs == "failed" and status != "ok")


def tar_gz(folder: Path) -> bytes:
    """``folder`` as a gzip-compressed tar (members under the folder's name)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=RAW_COMPRESSLEVEL) as archive:
        archive.add(folder, arcname=folder.name)
    return buffer.getvalue()


def save_raw(record: dict, variants_dir: Path) -> Path | None:
    """Pop a shipped run folder from ``record`` into ``variants_dir/<variant>.tar.gz``."""
    content = record.pop(RAW_KEY, None)
    if content is None:
        return None
    path = Path(variants_dir) / f"{record['variant']}{RAW_SUFFIX}"
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)
    return path


# --------------------------------------------------------------------------------------------
# Running a batch
# --------------------------------------------------------------------------------------------


def dask_records(
    session: DaskSession,
    tasks: list[Task],
    *,
    retries: int = DEFAULT_RETRIES,
    keep_run_dirs: str = "failed",
) -> Iterator[dict]:
    """Run ``tasks`` on the session's cluster; yield one record per task as each finishes.

    Tasks are submitted with their variant hash as the key, ``retries`` re-runs and
    ``pure=False``, in a window of :data:`IN_FLIGHT_PER_THREAD` per worker thread (at least
    :data:`MIN_IN_FLIGHT`), refilled as results arrive. Closing the generator early (an
    exception in the consumer, Ctrl-C) cancels the tasks not yet finished; the records already
    yielded stay the consumer's.

    Parameters
    ----------
    session : DaskSession
    tasks : list of Task
        Distinct variant hashes.
    retries : int
        Re-runs of a task that raised.
    keep_run_dirs : {"all", "failed", "none"}
        Which run folders shipped workers send back (:func:`run_shipped_task`).

    Yields
    ------
    dict
        A :func:`~retrofit.runner.run_task` record; a task that still raised after its retries,
        or whose workers kept dying, gives a ``failed`` record naming the exception.

    Raises
    ------
    RetrofitError
        The scheduler cancelled the tasks (its connection was lost); the records yielded
        before are saved, and running the study again resumes.
    """
    from distributed import as_completed

    from retrofit.runner import run_task

    if keep_run_dirs not in KEEP_RUN_DIRS:
        raise InputError(f"keep_run_dirs {keep_run_dirs!r}: one of {', '.join(KEEP_RUN_DIRS)}")
    client = session.open()
    shared: dict[tuple, Any] = {}  # (weather, factors, tariffs) -> future of ShippedInputs
    waiting = iter(tasks)
    pending: dict[str, tuple[Any, Task]] = {}
    finished = as_completed()

    def submit(task: Task):
        key = f"retrofit-run-{task.variant_hash}"
        if not session.ships_inputs:
            return client.submit(run_task, task, key=key, retries=retries, pure=False)
        files = (task.weather_path, task.accounting.factors_file, task.accounting.tariffs_file)
        if files not in shared:
            inputs = ShippedInputs.of(task)
            shared[files] = client.submit(
                _hold, inputs, key=f"retrofit-inputs-{inputs.digest}", pure=False
            )
        return client.submit(
            run_shipped_task,
            task,
            Path(task.idf_path).read_text(),
            shared[files],
            keep_run_dirs,
            key=key,
            retries=retries,
            pure=False,
        )

    def refill() -> None:
        window = max(MIN_IN_FLIGHT, IN_FLIGHT_PER_THREAD * session.threads())
        while len(pending) < window:
            task = next(waiting, None)
            if task is None:
                return
            future = submit(task)
            pending[future.key] = (future, task)
            finished.add(future)

    try:
        refill()
        for future in finished:
            _, task = pending.pop(future.key)
            record = _record_of(future, task, retries)
            del future
            refill()
            yield record
    finally:
        if pending:
            try:
                client.cancel([future for future, _ in pending.values()])
            except Exception:  # the scheduler is gone already: nothing left to cancel
                pass
        pending.clear()
        shared.clear()


def _record_of(future, task: Task, retries: int) -> dict:
    """The record a finished future stands for."""
    if future.status == "finished":
        return future.result()
    if future.status == "cancelled":
        raise RetrofitError(
            f"dask cancelled {task.variant_id} (connection to the scheduler lost?); the records "
            "finished so far are saved: run the study again to resume"
        )
    import traceback

    exc = future.exception()
    lines = traceback.format_tb(future.traceback()) if future.traceback() else []
    message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return {
        "hash": task.variant_hash,
        "variant": task.variant_id,
        "status": "failed",
        "error": f"on dask, after {retries} retries: {message.splitlines()[0]}",
        "excerpt": "".join(lines[-TRACEBACK_ENTRIES:]),
    }
