"""retrofit: building energy simulation and retrofit evaluation on the real EnergyPlus engine.

Layers (imports go one way, lower never imports higher):

1. pure functions: :mod:`retrofit.accounting`, :mod:`retrofit.climate`
2. model and engine edges: :mod:`retrofit.engine`, :mod:`retrofit.idf`, :mod:`retrofit.weather`,
   :mod:`retrofit.results`, :mod:`retrofit.library`
3. orchestration: :mod:`retrofit.simulate`
4. interfaces: :mod:`retrofit.cli`
"""

from retrofit.errors import InputError, RetrofitError, SimulationError

__version__ = "0.1.0"

__all__ = ["InputError", "RetrofitError", "SimulationError", "__version__"]
