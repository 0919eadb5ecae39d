"""Exceptions. Every message is one line naming the file, object or key and what is wrong.

The CLI maps :class:`InputError` to exit code 2 and :class:`SimulationError` to exit code 1.
"""

from __future__ import annotations


class RetrofitError(Exception):
    """Base class of every error retrofit raises on purpose."""

    exit_code = 1


class InputError(RetrofitError):
    """Bad user input: a missing path, a malformed file, an unknown name (exit code 2)."""

    exit_code = 2


class SimulationError(RetrofitError):
    """EnergyPlus failed or timed out; carries the ``eplusout.err`` excerpt (exit code 1).

    Parameters
    ----------
    message : str
        One-line summary.
    excerpt : str
        The severe and fatal lines of ``eplusout.err`` (may be empty).
    run_dir : str or None
        The folder the run was made in.
    """

    exit_code = 1

    def __init__(self, message: str, excerpt: str = "", run_dir: str | None = None):
        super().__init__(message)
        self.excerpt = excerpt
        self.run_dir = run_dir
