"""Prescriptive checks of a proposed model: one :class:`Check` per clause and component.

Actual values are read from EnergyPlus's reports of the design run (Envelope Summary, Equipment
Summary, Lighting Summary); limits come from the rule set (:mod:`retrofit.compliance.rules`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib


@dataclass(frozen=True)
class Check:
    """One prescriptive check.

    Attributes
    ----------
    clause : str
        Clause or table of the standard (``"GB 50189-2015 Table 3.3.1-4"``).
    item : str
        What is checked, naming the component (``"exterior wall PERIMETER_ZN_1_WALL_SOUTH"``,
        ``"window K, south façade (WWR 0.38)"``, ``"chiller COOLSYS1 CHILLER1 COP"``).
    required : str
        The requirement as text (``"<= 0.60"``).
    actual : float or None
        The value read from the run (None when it could not be read).
    unit : str
    passed : bool or None
        None when the check could not be made (the note says why).
    verified : bool
        False when the limit is an unverified value.
    source : str
        Source key of the limit.
    note : str
    """

    clause: str
    item: str
    required: str
    actual: float | None
    unit: str
    passed: bool | None
    verified: bool = True
    source: str = ""
    note: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


#: Fewest decimals a limit is compared to: a limit written as a whole number, or read without
#: its text, keeps one decimal.
MIN_COMPARISON_DECIMALS = 1


def written_decimals(rules, section: str | None = None) -> dict[float, int]:
    """Decimals each limit is written with in the rule set's file.

    The loader keeps numbers as floats, which drop trailing zeros (0.70 -> 0.7); the
    comparison of GB/T 8170-2008 clause 4.3.3 needs the digits as written. This reads the
    rule set's TOML (``rules.path``) again with decimal numbers and collects every ``value``
    (under the top-level table ``section`` if given: the same number may be written 2.6 in one
    table and 2.60 in another).

    Parameters
    ----------
    rules : RuleSet
        A rule set without a readable ``path`` (e.g. one built in code) gives ``{}``, and
        :func:`limit_decimals` then falls back to the float's shortest text.

    Returns
    -------
    dict of float to int
        Limit value -> decimals as written; a value written with different decimals in
        different places keeps the most (the stricter comparison).
    """
    path = str(getattr(rules, "path", "") or "")
    if not path:
        return {}
    return _written_decimals_of(path, section)


@functools.lru_cache(maxsize=16)
def _written_decimals_of(path: str, section: str | None) -> dict[float, int]:
    try:
        doc = tomllib.loads(Path(path).read_text(encoding="utf-8"), parse_float=Decimal)
    except (OSError, ValueError):  # tomllib.TOMLDecodeError is a ValueError
        return {}
    out: dict[float, int] = {}
    for number in _limit_values(doc if section is None else doc.get(section, {})):
        value = float(number)
        out[value] = max(out.get(value, 0), _decimals(number))
    return out


def _limit_values(node: Any) -> Iterator[Decimal]:
    """Every number held by a ``value`` key below ``node`` (tables and arrays of tables)."""
    if isinstance(node, dict):
        value = node.get("value")
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
            yield Decimal(value)
        for child in node.values():
            yield from _limit_values(child)
    elif isinstance(node, list):
        for child in node:
            yield from _limit_values(child)


def _decimals(number: Decimal) -> int:
    """Decimals of a number as written (``Decimal("0.70")`` -> 2, ``Decimal("3")`` -> 0)."""
    exponent = number.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def limit_decimals(value: float, written: Mapping[float, int] | None = None) -> int:
    """Decimals a limit is compared to: as written in the rule set, at least
    :data:`MIN_COMPARISON_DECIMALS`.

    Parameters
    ----------
    value : float
        The limit.
    written : mapping, optional
        :func:`written_decimals` of the rule set. Without it, or for a value it does not hold,
        the float's shortest text (``repr``) is taken, which has no trailing zeros.

    Examples
    --------
    >>> limit_decimals(2.6), limit_decimals(0.44), limit_decimals(0.7), limit_decimals(3.0)
    (1, 2, 1, 1)
    >>> limit_decimals(0.7, {0.7: 2})
    2
    """
    if written and value in written:
        decimals = written[value]
    else:
        decimals = _decimals(Decimal(repr(float(value))))
    return max(MIN_COMPARISON_DECIMALS, decimals)


def rounded(value: float, decimals: int) -> Decimal:
    """``value`` rounded to ``decimals`` by the rules of GB/T 8170-2008 chapter 3 (进舍规则).

    The digits dropped decide: below 5 down, above 5 up, exactly 5 to the even last digit
    ("四舍六入五成双"). The value is taken by its shortest text (``repr``), i.e. as read from the
    report, so 2.605 is a tie (-> 2.60), not the binary 2.60499...

    Examples
    --------
    >>> str(rounded(2.603, 1)), str(rounded(0.445, 2)), str(rounded(0.435, 2))
    ('2.6', '0.44', '0.44')
    """
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_EVEN)


def meets_limit(actual: float, limit: float, decimals: int, *, at_least: bool = False) -> bool:
    """GB/T 8170-2008 clause 4.3.3 (修约值比较法): ``actual`` rounded to ``decimals``
    (:func:`rounded`) against ``limit``; at most the limit, or at least it with ``at_least``.

    Examples
    --------
    >>> meets_limit(2.603, 2.6, 1), meets_limit(3.241, 3.0, 1), meets_limit(0.605, 0.60, 2)
    (True, False, True)
    >>> meets_limit(0.594, 0.60, 2, at_least=True)
    False
    """
    value, bound = rounded(actual, decimals), Decimal(repr(float(limit)))
    return value >= bound if at_least else value <= bound
