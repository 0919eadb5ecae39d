"""Prescriptive checks of a proposed model: one :class:`Check` per clause and component.

Actual values are read from EnergyPlus's reports of the design run (Envelope Summary, Equipment
Summary, Lighting Summary); limits come from the rule set (:mod:`retrofit.compliance.rules`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


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
