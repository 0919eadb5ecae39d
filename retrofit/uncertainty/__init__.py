"""Uncertain inputs, sensitivity and uncertainty (issue 8).

* :mod:`~retrofit.uncertainty.inputs` — uncertain inputs (a range or distribution on a driver)
  and the drivers that move model fields or economic quantities;
* :mod:`~retrofit.uncertainty.sampling` — the SALib plumbing: problems, samples (Morris, Sobol,
  Latin hypercube, Monte Carlo), indices, percentiles, rank probabilities and the index chart;
* :mod:`~retrofit.uncertainty.study` — a study's ``[uncertainty]`` end to end
  (:func:`~retrofit.uncertainty.study.run_sensitivity`, ``retrofit sensitivity``); import it
  from there (it runs studies, a layer above this package's pure parts).
"""

from retrofit.uncertainty.inputs import (
    DISTRIBUTIONS,
    DRIVERS,
    ECONOMIC_DRIVERS,
    Driver,
    UncertainInput,
    apply_model_inputs,
    parse_inputs,
)
from retrofit.uncertainty.sampling import (
    METHODS,
    analyze,
    percentiles,
    plot_indices,
    rank_probability,
    salib_problem,
    sample,
)

__all__ = [
    "DISTRIBUTIONS",
    "DRIVERS",
    "ECONOMIC_DRIVERS",
    "METHODS",
    "Driver",
    "UncertainInput",
    "analyze",
    "apply_model_inputs",
    "parse_inputs",
    "percentiles",
    "plot_indices",
    "rank_probability",
    "salib_problem",
    "sample",
]
