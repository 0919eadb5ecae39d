"""The dask backend on a real scheduler and workers (separate processes on 127.0.0.1), and the
Slurm / PBS job scripts of dask-jobqueue (there is no batch system here)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tarfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from retrofit.cli import main
from retrofit.cluster import INSTALL_HINT, JOB_NAME, cluster_config, job_script
from retrofit.errors import InputError
from retrofit.runner import RunOptions, run_study

#: Longest wait for the scheduler's file and the workers to connect [s].
STARTUP_TIMEOUT_S = 30.0
#: Longest a small study may take on 2 busy cores [s].
STUDY_TIMEOUT_S = 180.0

STUDY = """
schema_version = 1
name = "cluster"
[baseline]
model = "small-office"
weather = "{weather}"
period = "{period}"
[[measures]]
id = "led"
measure = "led_lighting"
[[measures]]
id = "pv"
measure = "rooftop_pv"
[[measures]]
id = "windows"
measure = "window_replacement"
{extra}
[outputs]
stacked = false
plots = false
"""

BROKEN = """
[[measures]]
id = "broken"
measure = "mine.py:break_it"
params = { lifetime_years = 5 }
"""

BROKEN_MEASURE = '''
def break_it(idf):
    """Remove every construction: EnergyPlus stops with severe errors."""
    for c in list(idf.idfobjects["CONSTRUCTION"]):
        idf.removeidfobject(c)
    return {"things": 1}
'''

#: Columns that must agree between the backends (the engine is deterministic).
COMPARED = ("site_energy_kwh", "electricity_kwh", "emissions_tco2", "energy_cost_rmb")


def write_study(folder: Path, weather, period="07/15-07/16", extra="") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "study.toml"
    text = STUDY.format(weather=weather, period=period, extra=extra)
    path.write_text(textwrap.dedent(text))
    return path


# --------------------------------------------------------------------------------------------
# A scheduler and workers as separate processes
# --------------------------------------------------------------------------------------------


def _dask_command(*args: str) -> list[str]:
    """``dask scheduler ...`` / ``dask worker ...`` of this Python's environment."""
    script = Path(sys.executable).parent / "dask"
    return [str(script), *args] if script.is_file() else [sys.executable, "-m", "dask", *args]


class LocalDask:
    """A ``dask scheduler`` and ``dask worker`` processes, each in its own process group."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.processes: list[subprocess.Popen] = []
        self.address = ""

    def _start(self, name: str, args: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            _dask_command(*args),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # killpg reaches the nanny, its worker and EnergyPlus
            env={**os.environ, **(env or {})},
            cwd=self.folder,
        )
        log.close()
        self.processes.append(proc)
        return proc

    def start_scheduler(self) -> str:
        info = self.folder / "scheduler.json"
        self._start(
            "scheduler",
            ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(info)],
        )  # fmt: skip
        deadline = time.time() + STARTUP_TIMEOUT_S
        while time.time() < deadline:
            try:
                self.address = json.loads(info.read_text())["address"]
                return self.address
            except (OSError, ValueError, KeyError):
                time.sleep(0.1)
        raise RuntimeError(f"dask scheduler did not start: {self.log('scheduler')}")

    def start_worker(self, name: str) -> tuple[subprocess.Popen, Path]:
        """A worker with its own temporary folder (where its runs happen)."""
        tmp = self.folder / name
        tmp.mkdir()
        proc = self._start(
            name,
            ["worker", self.address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
             "--host", "127.0.0.1", "--name", name, "--local-directory", str(tmp)],
            env={"TMPDIR": str(tmp)},
        )  # fmt: skip
        return proc, tmp

    def wait_for_workers(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=STARTUP_TIMEOUT_S) as client:
            client.wait_for_workers(count, timeout=STARTUP_TIMEOUT_S)

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace")[-2000:] if path.is_file() else ""

    def kill_all(self) -> None:
        for proc in self.processes:
            kill_group(proc)


def kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


@pytest.fixture
def local_dask(tmp_path, request):
    """A scheduler and two single-threaded workers on 127.0.0.1, killed at teardown."""
    cluster = LocalDask(tmp_path / "dask")
    cluster.folder.mkdir()
    request.addfinalizer(cluster.kill_all)
    cluster.start_scheduler()
    workers = [cluster.start_worker(f"worker{i}") for i in (1, 2)]
    cluster.wait_for_workers(len(workers))
    cluster.workers = workers
    return cluster


def _runs_left_in(folder: Path) -> list[Path]:
    """Run folders a worker left in its temporary folder (its input cache aside)."""
    return [p for p in folder.glob("retrofit-*") if not p.name.startswith("retrofit-inputs-")]


def _processes_mentioning(text: str) -> list[str]:
    proc_root = Path("/proc")
    found = []
    for entry in proc_root.iterdir() if proc_root.is_dir() else []:
        try:
            if text.encode() in (entry / "cmdline").read_bytes():
                found.append(entry.name)
        except OSError:
            continue
    return found


# --------------------------------------------------------------------------------------------
# Real runs
# --------------------------------------------------------------------------------------------


@pytest.mark.energyplus
def test_scheduler_gives_the_local_results(tmp_path, site_epw, local_dask):
    (tmp_path / "study").mkdir()
    (tmp_path / "study" / "mine.py").write_text(BROKEN_MEASURE)
    path = write_study(tmp_path / "study", site_epw, extra=BROKEN)
    local = run_study(path, jobs=2, out_dir=tmp_path / "local", progress=False)
    remote = run_study(
        path, scheduler=local_dask.address, out_dir=tmp_path / "remote", progress=False
    )
    assert remote.simulated == local.simulated == 5
    assert remote.failed == local.failed == 1
    a = local.results.set_index("variant")
    b = remote.results.set_index("variant")
    assert list(a.index) == list(b.index) == ["b00", "m01", "m02", "m03", "m04"]
    assert list(a["hash"]) == list(b["hash"])
    assert list(a["status"]) == list(b["status"]) == ["ok"] * 4 + ["failed"]
    ok = a.index[a["status"] == "ok"]
    for column in COMPARED:
        np.testing.assert_allclose(b.loc[ok, column], a.loc[ok, column], rtol=1e-9, err_msg=column)
    # EnergyPlus rejecting m04 is a failed record with its excerpt, not a dask error
    assert "EnergyPlus failed" in b.loc["m04", "error"]
    assert "Severe" in b.loc["m04", "excerpt"]
    # the workers ran in their own temporary folders and cleaned up; the failed run's folder
    # came back compressed (keep_run_dirs = "failed"), the others did not
    store = remote.store
    records = [json.loads(p.read_text()) for p in (store / "records").glob("*.json")]
    assert {r["host"] for r in records}, "records say which machine ran them"
    assert sorted(p.name for p in (store / "variants").iterdir()) == ["m04.tar.gz", "sizing"]
    with tarfile.open(store / "variants" / "m04.tar.gz") as archive:
        assert "m04/eplusout.err" in archive.getnames()
    for _, tmp in local_dask.workers:
        assert _runs_left_in(tmp) == []


@pytest.mark.energyplus
def test_a_worker_killed_mid_batch(tmp_path, site_epw, local_dask):
    path = write_study(tmp_path / "study", site_epw, period="07/15-07/17")
    store = tmp_path / "store"
    (victim, victim_tmp), _ = local_dask.workers
    proc = subprocess.Popen(
        [sys.executable, "-m", "retrofit.cli", "run", str(path), "--scheduler",
         local_dask.address, "--out", str(store), "--json", "--keep-raw"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.time() + STUDY_TIMEOUT_S
        while time.time() < deadline and not _runs_left_in(victim_tmp) and proc.poll() is None:
            time.sleep(0.05)
        running = _runs_left_in(victim_tmp)
        assert running, "the victim worker never got a simulation"
        kill_group(victim)  # the worker, its nanny and its EnergyPlus, mid-run
        out, err = proc.communicate(timeout=STUDY_TIMEOUT_S)
    finally:
        kill_group(proc)
    assert proc.returncode == 0, err[-3000:]
    summary = json.loads(out)
    assert summary["simulated"] == 4 and summary["failed"] == 0  # each saved exactly once
    records = sorted((store / "records").glob("*.json"))
    manifest = json.loads((store / "manifest.json").read_text())
    assert [m["id"] for m in manifest] == ["b00", "m01", "m02", "m03"]
    assert {m["status"] for m in manifest} == {"ok"}
    assert sorted(f"{m['hash']}.json" for m in manifest) == [p.name for p in records]
    # --keep-raw: every run folder came back, once
    shipped = sorted(p.name for p in (store / "variants").glob("*.tar.gz"))
    assert shipped == [f"{m['id']}.tar.gz" for m in manifest]
    assert not _processes_mentioning(str(running[0])), "an EnergyPlus outlived its worker"


# --------------------------------------------------------------------------------------------
# Slurm and PBS (job scripts only)
# --------------------------------------------------------------------------------------------


def test_slurm_job_script():
    config = cluster_config(
        "slurm",
        workers=8,
        queue="short",
        walltime="00:30:00",
        memory="3GB",
        cores=2,
        account="proj-7",
        job_extra=["--qos=low"],
        prologue=["source /opt/retrofit/.venv/bin/activate"],
    )
    script = job_script(config)
    for line in (
        f"#SBATCH -J {JOB_NAME}",
        "#SBATCH -p short",
        "#SBATCH -t 00:30:00",
        "#SBATCH --mem=3G",
        "#SBATCH --cpus-per-task=2",
        "#SBATCH -A proj-7",
        "#SBATCH --qos=low",
        "source /opt/retrofit/.venv/bin/activate",
    ):
        assert line in script.splitlines(), (line, script)
    worker = next(line for line in script.splitlines() if "dask_worker" in line)
    assert worker.startswith(sys.executable)
    assert "--nthreads 1" in worker and "--nworkers 2" in worker  # one EnergyPlus per core


def test_pbs_job_script_with_worker_lifetime():
    config = cluster_config("pbs", queue="workq", walltime="01:00:00", memory="2GB", lifetime="55m")
    script = job_script(config)
    assert "#PBS -q workq" in script
    assert "#PBS -l walltime=01:00:00" in script
    assert "#PBS -l select=1:ncpus=1:mem=" in script
    worker = next(line for line in script.splitlines() if "dask_worker" in line)
    assert "--nthreads 1" in worker and "--lifetime 55m" in worker


def test_cluster_config_file_and_options(tmp_path, capsys):
    config = tmp_path / "slurm.toml"
    config.write_text('kind = "slurm"\nqueue = "normal"\nwalltime = "02:00:00"\nworkers = 4\n')
    code = main(["run", "study.toml", "--cluster-config", str(config), "--queue", "debug",
                 "--memory", "6GB", "--job-script"])  # fmt: skip
    script = capsys.readouterr().out
    assert code == 0
    assert "#SBATCH -p debug" in script  # the option wins over the file
    assert "#SBATCH -t 02:00:00" in script and "#SBATCH --mem=6G" in script


def test_cluster_settings_are_validated(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('kind = "slurm"\nqueues = "normal"\nwalltime = "2 hours"\nmemory = "lots"\n')
    with pytest.raises(InputError) as info:
        cluster_config(config_file=bad)
    lines = str(info.value).splitlines()
    assert len(lines) == 3
    assert f"{bad}: queues: unknown key" in lines
    assert any(line.startswith(f"{bad}: walltime:") for line in lines)
    assert any("'lots' is not a size" in line for line in lines)
    with pytest.raises(InputError, match="--queue: batch-cluster settings need --cluster"):
        cluster_config(queue="normal")
    assert cluster_config() is None


def test_without_dask_jobqueue_one_line_names_the_extra(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "dask_jobqueue", None)  # import fails as if not installed
    code = main(["run", "study.toml", "--cluster", "slurm", "--workers", "2"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "dask-jobqueue" in err and INSTALL_HINT in err
    config = cluster_config("pbs")
    with pytest.raises(InputError, match=r"pip install -e \.\[cluster\]"):
        RunOptions(cluster=config)


def test_scheduler_and_cluster_exclude_each_other():
    with pytest.raises(InputError, match="exclude each other"):
        RunOptions(scheduler="tcp://127.0.0.1:8786", cluster=cluster_config("slurm"))
