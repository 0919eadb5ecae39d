"""Prescriptive checks of a proposed model: one :class:`Check` per clause and component.

Actual values are read from EnergyPlus's reports of the design run (Envelope Summary, Equipment
Summary, Lighting Summary); limits come from the rule set (:mod:`retrofit.compliance.rules`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any


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


def decimals_written(number: Decimal) -> int:
    """Decimals of a number as written (``Decimal("0.70")`` -> 2, ``Decimal("3")`` -> 0)."""
    exponent = number.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def limit_decimals(limit: Any) -> int:
    """Decimals a limit is compared to: as the rule set writes it, at least
    :data:`MIN_COMPARISON_DECIMALS`.

    Parameters
    ----------
    limit : Sourced or float
        A rule-set value (its ``decimals``, recorded by the loader from the TOML text: 0.70 has
        two) or a bare number (its shortest text, which has lost trailing zeros).

    Examples
    --------
    >>> limit_decimals(2.6), limit_decimals(0.44), limit_decimals(0.7), limit_decimals(3.0)
    (1, 2, 1, 1)
    """
    decimals = getattr(limit, "decimals", None)
    if decimals is None:
        decimals = decimals_written(Decimal(repr(float(getattr(limit, "value", limit)))))
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
