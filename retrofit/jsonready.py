"""Values made ready for JSON: one function every JSON writer of the package uses."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import Any


def json_ready(value: Any) -> Any:
    """``value`` with numpy scalars as Python numbers, paths as strings and non-finite floats as
    None (JSON has no NaN or infinity), recursively through mappings, lists and tuples.

    Examples
    --------
    >>> json_ready({"a": float("nan"), "b": [1.5, float("inf")]})
    {'a': None, 'b': [1.5, None]}
    """
    if hasattr(value, "item") and not isinstance(value, Mapping | list | tuple | str):
        try:
            value = value.item()  # numpy scalar
        except (TypeError, ValueError):
            pass
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, Mapping):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    return value
