"""The measure catalogue: default parameters, unit costs and lifetimes, each with its source.

The catalogue is data (``measures/*.toml`` at the top of the repository, installed as
``retrofit.catalogue``); a user overrides any entry with a TOML file of the same layout. One
table per measure::

    [wall_insulation]
    title = "External wall insulation (ETICS, rock wool)"
    applies_to = "exterior walls (BuildingSurface:Detailed, Wall, Outdoors)"

    [wall_insulation.defaults.thickness_m]      # one entry per parameter
    value = 0.08
    source = "ASSUMPTION: ..."                   # a standards.md source key, or ASSUMPTION
    verified = false

    [wall_insulation.cost]
    basis = "wall_area_m2"                       # a quantity the measure reports
    unit_cost_rmb = 250.0                        # RMB per unit of the basis
    unit = "RMB/m2 wall"
    fixed_cost_rmb = 0.0                         # optional, RMB per application
    source = "ASSUMPTION: ..."
    verified = false

    [wall_insulation.lifetime]
    years = 25
    source = "..."
    verified = true

    [wall_insulation.om]                         # optional: change in annual O&M
    annual_rmb_per_unit = 0.0
    source = "..."
    verified = false

A parameter default may be ``"none"`` (the string) for "not set"; TOML has no null.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from retrofit.errors import InputError

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: The TOML spelling of "no value" for a parameter default.
NONE = "none"


@dataclass(frozen=True)
class Sourced:
    """A number (or value) with where it comes from.

    Attributes
    ----------
    value : Any
    source : str
        A source key of the project's standards notes with the clause, or ``ASSUMPTION: why``.
    verified : bool
        False for assumptions and recollections; reports list every unverified value used.
    unit : str
    """

    value: Any
    source: str
    verified: bool
    unit: str = ""

    def describe(self, what: str) -> str:
        unit = f" {self.unit}" if self.unit else ""
        flag = "" if self.verified else " [unverified]"
        return f"{what} = {self.value}{unit} ({self.source}){flag}"


@dataclass(frozen=True)
class CostModel:
    """Capital cost = ``unit_cost_rmb`` x quantity[``basis``] + ``fixed_cost_rmb`` [RMB]."""

    basis: str
    unit_cost_rmb: Sourced
    fixed_cost_rmb: float = 0.0

    def capex_rmb(self, quantities: Mapping[str, float]) -> float:
        """Capital cost of one application [RMB]; 0 when the measure touched nothing."""
        quantity = float(quantities.get(self.basis, 0.0))
        if quantity <= 0.0:
            return 0.0
        return self.unit_cost_rmb.value * quantity + self.fixed_cost_rmb


@dataclass(frozen=True)
class CatalogueEntry:
    """Everything the catalogue says about one measure."""

    name: str
    title: str
    applies_to: str
    defaults: Mapping[str, Sourced]
    cost: CostModel
    lifetime_years: Sourced
    om_rmb_per_unit: Sourced | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def unverified(self, exclude: frozenset[str] = frozenset()) -> list[str]:
        """One line per unverified value of this entry (defaults, cost, lifetime, O&M).

        ``exclude``: parameters the user set, whose catalogue defaults are not used.
        """
        lines = [
            s.describe(f"{self.name}.{k}")
            for k, s in self.defaults.items()
            if not s.verified and k not in exclude
        ]
        for what, sourced in (
            ("unit cost", self.cost.unit_cost_rmb),
            ("lifetime", self.lifetime_years),
            ("O&M", self.om_rmb_per_unit),
        ):
            if sourced is not None and not sourced.verified:
                lines.append(sourced.describe(f"{self.name} {what}"))
        return lines


class Catalogue:
    """All catalogue entries by measure name (package files, then a user's overrides)."""

    def __init__(self, entries: Mapping[str, CatalogueEntry], files: tuple[str, ...] = ()):
        self.entries = dict(entries)
        self.files = files

    def entry(self, name: str) -> CatalogueEntry:
        try:
            return self.entries[name]
        except KeyError:
            raise InputError(
                f"measure {name!r}: no catalogue entry (files: {', '.join(self.files)})"
            ) from None

    def __contains__(self, name: str) -> bool:
        return name in self.entries


def catalogue_files() -> list[Path]:
    """The package catalogue files (``measures/*.toml``), sorted."""
    root = resources.files("retrofit.catalogue")
    return sorted(Path(str(p)) for p in root.iterdir() if str(p).endswith(".toml"))


@cache
def default_catalogue() -> Catalogue:
    """The package catalogue."""
    return load_catalogue()


def load_catalogue(override: str | os.PathLike | None = None) -> Catalogue:
    """Read the package catalogue and, optionally, a user's file overriding entries.

    An override entry replaces the package's entry table by table (``defaults``, ``cost``,
    ``lifetime``, ``om``): give a whole table to change it.

    Raises
    ------
    InputError
        A malformed file or entry, naming the file and key.
    """
    docs: dict[str, tuple[str, dict]] = {}
    files = [*catalogue_files(), *([Path(override)] if override else [])]
    for path in files:
        doc = _read(path)
        for name, table in doc.items():
            if not isinstance(table, dict):
                raise InputError(f"{path}: [{name}] must be a table")
            if name in docs and path.name != docs[name][0]:
                base = dict(docs[name][1])
                base.update(table)
                table = base
            docs[name] = (path.name, table)
    entries = {name: _entry(name, table, source) for name, (source, table) in docs.items()}
    return Catalogue(entries, tuple(str(f) for f in files))


def _read(path: Path) -> dict:
    if not path.is_file():
        raise InputError(f"{path}: no such catalogue file")
    try:
        return tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from exc


def _sourced(table: Any, where: str, value_key: str = "value") -> Sourced:
    if not isinstance(table, dict):
        raise InputError(f"{where}: must be a table with {value_key}, source and verified")
    missing = [k for k in (value_key, "source", "verified") if k not in table]
    if missing:
        raise InputError(f"{where}: missing {', '.join(missing)}")
    if not isinstance(table["verified"], bool):
        raise InputError(f"{where}.verified: must be true or false")
    value = table[value_key]
    return Sourced(
        value=None if value == NONE else value,
        source=str(table["source"]),
        verified=table["verified"],
        unit=str(table.get("unit", "")),
    )


def _entry(name: str, table: dict, file: str) -> CatalogueEntry:
    where = f"{file} [{name}]"
    for key in ("title", "cost", "lifetime"):
        if key not in table:
            raise InputError(f"{where}: missing {key}")
    defaults = {
        key: _sourced(value, f"{where}.defaults.{key}")
        for key, value in table.get("defaults", {}).items()
    }
    cost = table["cost"]
    if "basis" not in cost:
        raise InputError(f"{where}.cost: missing basis (the quantity the cost is per)")
    unit_cost = _sourced(cost, f"{where}.cost", "unit_cost_rmb")
    if not isinstance(unit_cost.value, int | float) or unit_cost.value < 0:
        raise InputError(f"{where}.cost.unit_cost_rmb: must be a number >= 0")
    lifetime = _sourced(table["lifetime"], f"{where}.lifetime", "years")
    if not isinstance(lifetime.value, int | float) or lifetime.value <= 0:
        raise InputError(f"{where}.lifetime.years: must be a number > 0")
    om = table.get("om")
    return CatalogueEntry(
        name=name,
        title=str(table["title"]),
        applies_to=str(table.get("applies_to", "")),
        defaults=defaults,
        cost=CostModel(
            basis=str(cost["basis"]),
            unit_cost_rmb=unit_cost,
            fixed_cost_rmb=float(cost.get("fixed_cost_rmb", 0.0)),
        ),
        lifetime_years=lifetime,
        om_rmb_per_unit=_sourced(om, f"{where}.om", "annual_rmb_per_unit") if om else None,
        notes=tuple(table.get("notes", ())),
    )
