"""retrofit: building energy simulation and retrofit evaluation on the real EnergyPlus engine.

Layers (imports go one way, lower never imports higher):

1. pure functions: :mod:`retrofit.accounting`, :mod:`retrofit.climate`
2. model and engine edges: :mod:`retrofit.engine`, :mod:`retrofit.idf`, :mod:`retrofit.weather`,
   :mod:`retrofit.results`, :mod:`retrofit.library`
3. domain objects: :mod:`retrofit.measures`, :mod:`retrofit.study`
4. orchestration: :mod:`retrofit.simulate` (one run), :mod:`retrofit.runner` (a study)
5. interfaces: :mod:`retrofit.cli`, :func:`run_study`; reports :mod:`retrofit.report`
"""

from retrofit.errors import InputError, RetrofitError, SimulationError

__version__ = "0.1.0"

__all__ = ["InputError", "RetrofitError", "SimulationError", "__version__", "run_study"]


def run_study(path, **kwargs):
    """Run a study file and return its tables (see :func:`retrofit.runner.run_study`)."""
    from retrofit.runner import run_study as _run_study

    return _run_study(path, **kwargs)
