"""Retrofit measures: the API (:mod:`retrofit.measures.base`), the catalogue, and the built-ins.

Importing this package registers the built-in measures.
"""

# The built-in measures register themselves on import.
from retrofit.measures import (  # noqa: F401
    chiller,
    controls,
    demand_response,
    envelope,
    heat_pump,
    infiltration,
    lighting,
    pv,
    water_heating,
)
from retrofit.measures.base import (
    MEASURES,
    Applicability,
    ApplyContext,
    Measure,
    MeasureResult,
    NotApplicable,
    Parameter,
    get_measure,
    load_user_measure,
    make_measure,
    register,
)

__all__ = [
    "MEASURES",
    "Applicability",
    "ApplyContext",
    "Measure",
    "MeasureResult",
    "NotApplicable",
    "Parameter",
    "get_measure",
    "load_user_measure",
    "make_measure",
    "register",
]
