"""Factor and tariff tables: read the package TOML (or a user's override) into typed records.

This is an edge module: it reads ``retrofit/data/factors.toml`` and ``retrofit/data/tariffs.toml``
(and, on request, a user's file that overrides them), checks them, and turns them into the frozen
records that the pure functions of :mod:`retrofit.accounting` take as arguments:

* :class:`CoalFactors` -- standard-coal conversion [kgce per kWh or m3], by set name
  (``"equivalent"``, the default, ``"equal-value-shanghai"``, ``"equal-value-shanghai-2017"``);
* :class:`EmissionFactors` -- CO2 factors [kgCO2 per kWh or m3], by set name
  (``"shanghai-2022"``, the default, ``"national-2022"``, ``"national-2023"``,
  ``"east-china-2022"``, ``"east-china-2023"``, ``"carbon-market-2022"``);
* :class:`Tariff` -- a time-of-use electricity tariff with the gas and district-energy prices, by
  name (``"shanghai-two-part"``, the default, ``"shanghai-single-part"``, ``"flat"``);
* :class:`ExportPrice` -- what electricity exported by on-site generation earns (one price for
  every tariff: under NDRC/NEA Doc 136 (2025) it is a market price, not part of the purchase
  tariff).

Every number carries its provenance (:class:`Provenance`: the source key of
``shared/docs/standards.md``, the confidence tag and a ``verified`` flag). The tariff price levels,
the gas price, the export price and the district-cooling factor are assumptions
(``verified = false``); see the
comments in the TOML files.

Examples
--------
>>> from retrofit import tables
>>> tables.emission_factors().electricity_kgco2_per_kwh
0.42
>>> mine = tables.load_tariffs("my_prices.toml")  # doctest: +SKIP
>>> tables.tariff("shanghai-two-part", table=mine).base_price_rmb_per_kwh  # doctest: +SKIP
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from retrofit.errors import InputError

__all__ = [
    "DEFAULT_COAL_SET",
    "DEFAULT_EMISSION_SET",
    "DEFAULT_TARIFF",
    "PERIODS",
    "CoalFactors",
    "EmissionFactors",
    "ExportPrice",
    "Provenance",
    "Tariff",
    "coal_factors",
    "coal_set_names",
    "emission_factors",
    "emission_set_names",
    "export_price",
    "load_factors",
    "load_tariffs",
    "natural_gas_heating_value_kwh_per_m3",
    "tariff",
    "tariff_names",
]

DEFAULT_COAL_SET = "equivalent"
DEFAULT_EMISSION_SET = "shanghai-2022"
DEFAULT_TARIFF = "shanghai-two-part"

#: Time-of-use period labels, most to least expensive: 尖峰, 峰, 平, 谷.
PERIODS = ("critical", "peak", "flat", "valley")

SCHEMA_VERSION = 1
FACTORS_FILE = "factors.toml"
TARIFFS_FILE = "tariffs.toml"

#: The energy quantities a factor set covers, and the unit each factor is per.
QUANTITIES = {
    "electricity": "kWh",
    "natural_gas": "m3",
    "district_heating": "kWh",
    "district_cooling": "kWh",
}

_GJ_PER_KWH = 0.0036  # exact: 1 kWh = 3.6 MJ

# Units a factor may be written in -> (what it is per, multiplier to kgce/kWh or kgce/m3).
_COAL_UNITS = {
    "kgce/kWh": ("kWh", 1.0),
    "kgce/GJ": ("kWh", _GJ_PER_KWH),
    "tce/GJ": ("kWh", 1000.0 * _GJ_PER_KWH),
    "kgce/m3": ("m3", 1.0),
}
# ... -> multiplier to kgCO2/kWh or kgCO2/m3.
_CO2_UNITS = {
    "kgCO2/kWh": ("kWh", 1.0),
    "tCO2/MWh": ("kWh", 1.0),
    "tCO2/10^4 kWh": ("kWh", 0.1),
    "kgCO2/GJ": ("kWh", _GJ_PER_KWH),
    "tCO2/GJ": ("kWh", 1000.0 * _GJ_PER_KWH),
    "kgCO2/m3": ("m3", 1.0),
}
_HEATING_VALUE_UNITS = {"kWh/m3": ("m3", 1.0), "MJ/m3": ("m3", 1.0 / 3.6)}
_COP_UNITS = {"W/W": ("-", 1.0), "-": ("-", 1.0)}
_ELECTRICITY_PRICE_UNITS = {"RMB/kWh": ("kWh", 1.0)}
_GAS_PRICE_UNITS = {"RMB/m3": ("m3", 1.0)}
_RATIO_UNITS = {"-": ("-", 1.0)}

#: Top-level entry of ``tariffs.toml`` with the export price (optional in a hand-built table).
EXPORT_PRICE_KEY = "electricity_export_price"

_ENTRY_FIELDS = ("value", "unit", "source", "tag", "verified", "note")
_STRUCTURE_FIELDS = ("source", "tag", "verified", "note")
_SET_SECTIONS = {
    "coal": ("coal", _COAL_UNITS, "kgce"),
    "emissions": ("emission", _CO2_UNITS, "kgCO2"),
}


# --------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Provenance:
    """Where one number comes from, as written in the data file.

    Parameters
    ----------
    value : float or None
        The number in the unit of the source (``None`` for a structure, e.g. TOU periods).
    unit : str
        Its unit as written (``"tCO2/GJ"``, ``"kgce/kWh"``, ...).
    source : str
        Source key of ``shared/docs/standards.md`` (``"XNY-SH"``, ``"KG"``, ...), ``"ASSUMPTION"``,
        or a user's own reference.
    tag : str
        Confidence tag as given there: ``[O]``, ``[S]``, ``[C]``, ``[D]``, ``T``, ``C2``, or
        ``"assumption"``.
    verified : bool
        True if the number was read in the named source; False for assumptions.
    note : str
        One line on what the number is.
    """

    value: float | None
    unit: str
    source: str
    tag: str
    verified: bool
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Return a plain, JSON-serialisable dict."""
        return asdict(self)


class _Provenanced:
    """Helpers shared by the factor records (they all have a ``provenance`` mapping)."""

    provenance: Mapping[str, Provenance]

    @property
    def sources(self) -> dict[str, str]:
        """Source key and tag of each quantity, e.g. ``{"electricity": "XNY-SH [O]"}``."""
        return {q: f"{p.source} {p.tag}" for q, p in self.provenance.items()}

    @property
    def verified(self) -> dict[str, bool]:
        """Whether each quantity's number was read in its source (False if no provenance)."""
        return {q: bool(q in self.provenance and self.provenance[q].verified) for q in QUANTITIES}


@dataclass(frozen=True)
class CoalFactors(_Provenanced):
    """Conversion of delivered energy to standard coal equivalent.

    Parameters
    ----------
    name : str
        Set name (``"equivalent"``, ``"equal-value-shanghai"``, or a user's).
    electricity_kgce_per_kwh : float
        [kgce/kWh]; default set: 0.1229, the equivalent value of GB/T 2589 (NIMONIK [S]).
    natural_gas_kgce_per_m3 : float
        [kgce/m3]; default set: 1.2143 (HUATUO [S]).
    district_heating_kgce_per_kwh : float
        [kgce/kWh] of heat delivered; default set: 0.0341 tce/GJ = 0.12276 kgce/kWh (HUATUO [S]).
    district_cooling_kgce_per_kwh : float
        [kgce/kWh] of cooling delivered; default sets: electricity factor / 2.50, an ASSUMPTION
        (no source; see ``district_cooling_plant_cop`` in ``factors.toml``).
    description : str
        One line.
    provenance : mapping of str to Provenance
        Keyed by quantity (``"electricity"``, ``"natural_gas"``, ``"district_heating"``,
        ``"district_cooling"``).
    """

    name: str
    electricity_kgce_per_kwh: float
    natural_gas_kgce_per_m3: float
    district_heating_kgce_per_kwh: float
    district_cooling_kgce_per_kwh: float
    description: str = ""
    provenance: Mapping[str, Provenance] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_finite(self)

    def as_dict(self) -> dict[str, Any]:
        """Return a plain, JSON-serialisable dict (values, units of the source, provenance)."""
        return _record_dict(self, "kgce")


@dataclass(frozen=True)
class EmissionFactors(_Provenanced):
    """CO2 emission factors of delivered energy.

    Parameters
    ----------
    name : str
        Set name (``"shanghai-2022"``, ``"national-2022"``, ..., or a user's).
    electricity_kgco2_per_kwh : float
        [kgCO2/kWh]; default set: 0.42, Shanghai 沪环气〔2022〕34号 (XNY-SH [O]).
    natural_gas_kgco2_per_m3 : float
        [kgCO2/m3]; every package set: 2.162 (CODE-CF [C]).
    district_heating_kgco2_per_kwh : float
        [kgCO2/kWh] of heat delivered; default set: 0.06 tCO2/GJ = 0.216 kgCO2/kWh (XNY-SH [O]).
    district_cooling_kgco2_per_kwh : float
        [kgCO2/kWh] of cooling delivered; package sets: electricity factor / 2.50, an ASSUMPTION.
    description : str
        One line.
    provenance : mapping of str to Provenance
        Keyed by quantity, as for :class:`CoalFactors`.
    """

    name: str
    electricity_kgco2_per_kwh: float
    natural_gas_kgco2_per_m3: float
    district_heating_kgco2_per_kwh: float
    district_cooling_kgco2_per_kwh: float
    description: str = ""
    provenance: Mapping[str, Provenance] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_finite(self)

    def as_dict(self) -> dict[str, Any]:
        """Return a plain, JSON-serialisable dict (values, units of the source, provenance)."""
        return _record_dict(self, "kgco2")


@dataclass(frozen=True)
class Tariff:
    """Energy prices: a time-of-use electricity tariff plus gas and district-energy prices.

    Parameters
    ----------
    name : str
        Tariff name (``"shanghai-two-part"``, ``"shanghai-single-part"``, ``"flat"``, or a user's).
    period_by_month_hour : tuple of 12 tuples of 24 str
        ``[month - 1][hour_start]`` -> period label (``"critical"``, ``"peak"``, ``"flat"``,
        ``"valley"``); ``hour_start`` 0-23 is the hour beginning, local standard time.
    price_by_month_hour_rmb_per_kwh : tuple of 12 tuples of 24 float
        Electricity price of each month and hour [RMB/kWh].
    base_price_rmb_per_kwh : float
        The price the TOU ratios refer to [RMB/kWh]: the flat-period (平段) price, or for
        single-part TOU the non-TOU price. Package values are ASSUMPTIONS (no verified level).
    natural_gas_price_rmb_per_m3 : float
        [RMB/m3]; package: 4.21, an ASSUMPTION (unverified code file).
    district_heating_price_rmb_per_kwh, district_cooling_price_rmb_per_kwh : float
        [RMB/kWh]; package: 0, an ASSUMPTION (no source; cost not counted).
    description : str
        One line.
    provenance : mapping of str to Provenance
        Keys ``"structure"`` (periods and ratios), ``"electricity_price"``,
        ``"critical_peak_over_peak"`` (if used), ``"natural_gas_price"``,
        ``"district_heating_price"``, ``"district_cooling_price"``.
    """

    name: str
    period_by_month_hour: tuple[tuple[str, ...], ...]
    price_by_month_hour_rmb_per_kwh: tuple[tuple[float, ...], ...]
    base_price_rmb_per_kwh: float
    natural_gas_price_rmb_per_m3: float
    district_heating_price_rmb_per_kwh: float = 0.0
    district_cooling_price_rmb_per_kwh: float = 0.0
    description: str = ""
    provenance: Mapping[str, Provenance] = field(default_factory=dict)

    def __post_init__(self) -> None:
        shape_ok = len(self.period_by_month_hour) == 12 and all(
            len(row) == 24 for row in self.period_by_month_hour
        )
        shape_ok &= len(self.price_by_month_hour_rmb_per_kwh) == 12 and all(
            len(row) == 24 for row in self.price_by_month_hour_rmb_per_kwh
        )
        if not shape_ok:
            raise ValueError(f"tariff {self.name!r}: period and price tables must be 12 x 24")
        prices = [p for row in self.price_by_month_hour_rmb_per_kwh for p in row]
        prices += [
            self.base_price_rmb_per_kwh,
            self.natural_gas_price_rmb_per_m3,
            self.district_heating_price_rmb_per_kwh,
            self.district_cooling_price_rmb_per_kwh,
        ]
        if not all(math.isfinite(p) and p >= 0 for p in prices):
            raise ValueError(f"tariff {self.name!r}: prices must be finite and >= 0")

    @property
    def periods(self) -> tuple[str, ...]:
        """Period labels this tariff uses, most expensive first (:data:`PERIODS` order)."""
        used = {label for row in self.period_by_month_hour for label in row}
        known = [p for p in PERIODS if p in used]
        return tuple(known + sorted(used - set(PERIODS)))

    @property
    def verified(self) -> dict[str, bool]:
        """Whether each provenance item was read in its source."""
        return {k: p.verified for k, p in self.provenance.items()}

    def prices_by_month(self) -> dict[int, dict[str, float]]:
        """Price of each period in each month, ``{month: {period: RMB/kWh}}``."""
        out: dict[int, dict[str, float]] = {}
        for m, (labels, prices) in enumerate(
            zip(self.period_by_month_hour, self.price_by_month_hour_rmb_per_kwh, strict=True), 1
        ):
            out[m] = {}
            for label, price in zip(labels, prices, strict=True):
                out[m].setdefault(label, float(price))
        return out

    def as_dict(self) -> dict[str, Any]:
        """Return a plain, JSON-serialisable summary (prices by month and period, provenance)."""
        return {
            "name": self.name,
            "description": self.description,
            "base_price_rmb_per_kwh": float(self.base_price_rmb_per_kwh),
            "natural_gas_price_rmb_per_m3": float(self.natural_gas_price_rmb_per_m3),
            "district_heating_price_rmb_per_kwh": float(self.district_heating_price_rmb_per_kwh),
            "district_cooling_price_rmb_per_kwh": float(self.district_cooling_price_rmb_per_kwh),
            "periods": list(self.periods),
            "prices_by_month_rmb_per_kwh": {str(m): v for m, v in self.prices_by_month().items()},
            "provenance": {k: p.as_dict() for k, p in self.provenance.items()},
        }


@dataclass(frozen=True)
class ExportPrice:
    """What on-site generation earns for the electricity it exports to the grid.

    Parameters
    ----------
    price_rmb_per_kwh : float
        [RMB/kWh]; package: 0, an ASSUMPTION. Under NDRC/NEA Doc 136 (2025-02-09) new-energy
        output enters the market and projects connected after 2025-06-01 get market or
        competitive prices (standards.md P3.3, nengpower.com, Q B); no Shanghai distributed-PV
        export price was read. Zero credits exports with nothing.
    provenance : Provenance or None
        None when the table has no export-price entry.
    """

    price_rmb_per_kwh: float = 0.0
    provenance: Provenance | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.price_rmb_per_kwh) and self.price_rmb_per_kwh >= 0):
            raise ValueError("export price must be finite and >= 0")

    def as_dict(self) -> dict[str, Any]:
        """Return a plain, JSON-serialisable dict."""
        prov = self.provenance.as_dict() if self.provenance is not None else None
        return {"price_rmb_per_kwh": float(self.price_rmb_per_kwh), "provenance": prov}


def _check_finite(record: Any) -> None:
    for name, value in vars(record).items():
        if name.endswith(("_per_kwh", "_per_m3")) and not math.isfinite(value):
            raise ValueError(f"{type(record).__name__} {record.name!r}: {name} is not finite")


def _record_dict(record: Any, mass: str) -> dict[str, Any]:
    out: dict[str, Any] = {"name": record.name, "description": record.description}
    for quantity, per in QUANTITIES.items():
        key = f"{quantity}_{mass}_per_{per.lower()}"
        out[key] = float(getattr(record, key))
    out["provenance"] = {q: p.as_dict() for q, p in record.provenance.items()}
    return out


# --------------------------------------------------------------------------------------- loading


def load_factors(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Read the factor tables, optionally overridden by a user's file.

    Parameters
    ----------
    path : str or path-like, optional
        A TOML file laid out like the package's ``retrofit/data/factors.toml``. It is merged over
        the package file key by key; a factor entry is replaced as a whole (so it carries its own
        ``value``, ``unit``, ``source``, ``tag`` and ``verified``).

    Returns
    -------
    dict
        The checked tables, to pass as ``table=`` to :func:`coal_factors`,
        :func:`emission_factors` and :func:`natural_gas_heating_value_kwh_per_m3`.

    Raises
    ------
    InputError
        The file is missing, is not TOML, or an entry is malformed; the message names the file
        and the key.
    """
    return _load(FACTORS_FILE, path, _parse_factors)


def load_tariffs(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Read the tariff tables, optionally overridden by a user's file.

    Parameters
    ----------
    path : str or path-like, optional
        A TOML file laid out like the package's ``retrofit/data/tariffs.toml``, merged over it key
        by key; a price entry and a list of ``hours`` or ``ratios`` blocks are replaced as a whole.
        Typical use: your own ``[tariffs.shanghai-two-part.base_price]`` from a bill.

    Returns
    -------
    dict
        The checked tables, to pass as ``table=`` to :func:`tariff`.

    Raises
    ------
    InputError
        As for :func:`load_factors`.
    """
    return _load(TARIFFS_FILE, path, _parse_tariffs)


def coal_factors(name: str = DEFAULT_COAL_SET, *, table: Mapping | None = None) -> CoalFactors:
    """Return a named set of standard-coal factors.

    Parameters
    ----------
    name : str
        ``"equivalent"`` (default; electricity at 0.1229 kgce/kWh, GB/T 2589),
        ``"equal-value-shanghai"`` (0.28078 kgce/kWh, DB31/T 783-2026) or
        ``"equal-value-shanghai-2017"`` (0.28232 kgce/kWh, DB31/T 552-2017), or a user's set.
    table : mapping, optional
        Tables from :func:`load_factors`; default the package tables.

    Raises
    ------
    InputError
        Unknown name (the message lists the valid ones).
    """
    sets = _factors(table)["coal"]
    return _pick(sets, name, "coal set", "coal.sets")


def emission_factors(
    name: str = DEFAULT_EMISSION_SET, *, table: Mapping | None = None
) -> EmissionFactors:
    """Return a named set of CO2 emission factors.

    Parameters
    ----------
    name : str
        ``"shanghai-2022"`` (default; 0.42 kgCO2/kWh and 0.06 tCO2/GJ, 沪环气〔2022〕34号),
        ``"national-2022"``, ``"national-2023"``, ``"east-china-2022"``, ``"east-china-2023"``,
        ``"carbon-market-2022"``, or a user's set.
    table : mapping, optional
        Tables from :func:`load_factors`; default the package tables.

    Raises
    ------
    InputError
        Unknown name (the message lists the valid ones).
    """
    sets = _factors(table)["emissions"]
    return _pick(sets, name, "emission set", "emissions.sets")


def tariff(name: str = DEFAULT_TARIFF, *, table: Mapping | None = None) -> Tariff:
    """Return a named tariff.

    Parameters
    ----------
    name : str
        ``"shanghai-two-part"`` (default), ``"shanghai-single-part"``, ``"flat"``, or a user's.
        Periods and ratios: 沪发改价管〔2022〕50号 (EDS, GRID, C2); price levels: ASSUMPTIONS.
    table : mapping, optional
        Tables from :func:`load_tariffs`; default the package tables.

    Raises
    ------
    InputError
        Unknown name (the message lists the valid ones).
    """
    return _pick(_tariffs(table), name, "tariff", "tariffs")


def export_price(*, table: Mapping | None = None) -> ExportPrice:
    """Return the price exported electricity earns (``electricity_export_price`` in the tariffs).

    Parameters
    ----------
    table : mapping, optional
        Tables from :func:`load_tariffs`; default the package tables (0 RMB/kWh, an ASSUMPTION
        citing NDRC/NEA Doc 136, standards.md P3.3). A table without the entry gives 0 RMB/kWh
        with no provenance.
    """
    doc = _package(TARIFFS_FILE)[0] if table is None else table
    errors = _Errors()
    price = _parse_export_price(doc, errors)
    _raise(errors, "tariffs table", None, None)
    return price


def natural_gas_heating_value_kwh_per_m3(*, table: Mapping | None = None) -> float:
    """Heating value that turns EnergyPlus gas energy into volume [kWh/m3].

    Package value 9.87 kWh/m3, GB 50189-2015 App. B.0.6 (KG, T).
    """
    return _factors(table)["heating_value"][1]


def coal_set_names(*, table: Mapping | None = None) -> list[str]:
    """Names of the coal sets, sorted."""
    return sorted(_factors(table)["coal"])


def emission_set_names(*, table: Mapping | None = None) -> list[str]:
    """Names of the emission sets, sorted."""
    return sorted(_factors(table)["emissions"])


def tariff_names(*, table: Mapping | None = None) -> list[str]:
    """Names of the tariffs, sorted."""
    return sorted(_tariffs(table))


def _pick(records: Mapping[str, Any], name: str, what: str, key: str) -> Any:
    if name not in records:
        raise InputError(
            f"{key}: unknown {what} {name!r}; valid names: {', '.join(sorted(records))}"
        )
    return records[name]


def _factors(table: Mapping | None) -> dict[str, Any]:
    if table is None:
        return _package(FACTORS_FILE)[1]
    return _parse_checked(table, _parse_factors, "factors table")


def _tariffs(table: Mapping | None) -> dict[str, Tariff]:
    if table is None:
        return _package(TARIFFS_FILE)[1]
    return _parse_checked(table, _parse_tariffs, "tariffs table")


def _parser(filename: str) -> Any:
    return _parse_factors if filename == FACTORS_FILE else _parse_tariffs


def _parse_checked(doc: Mapping, parse: Any, label: str) -> Any:
    errors = _Errors()
    parsed = parse(doc, errors)
    _raise(errors, label, None, None)
    return parsed


@cache
def _package(filename: str) -> tuple[dict[str, Any], Any]:
    """The package file: its checked tables and the records built from them (read once)."""
    resource = resources.files("retrofit") / "data" / filename
    label = str(resource)
    try:
        doc = tomllib.loads(resource.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{label}: not valid TOML: {e}") from None
    return doc, _parse_checked(doc, _parser(filename), label)


def _load(filename: str, path: str | os.PathLike[str] | None, parse: Any) -> dict[str, Any]:
    base = copy.deepcopy(_package(filename)[0])
    if path is None:
        return base
    override = _read_toml(path)
    merged = _merge(base, override)
    errors = _Errors()
    parse(merged, errors)
    _raise(errors, str(resources.files("retrofit") / "data" / filename), os.fspath(path), override)
    return merged


def _read_toml(path: str | os.PathLike[str]) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise InputError(f"{os.fspath(path)}: file not found") from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{os.fspath(path)}: not valid TOML: {e}") from None
    except OSError as e:
        raise InputError(f"{os.fspath(path)}: cannot read: {e.strerror}") from None


def _is_entry(node: Any) -> bool:
    return isinstance(node, dict) and ("value" in node or "source" in node)


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        old = out.get(key)
        if (
            isinstance(value, dict)
            and isinstance(old, dict)
            and not _is_entry(value)
            and not _is_entry(old)
        ):
            out[key] = _merge(old, value)
        else:
            out[key] = copy.deepcopy(value)
    return out


# ------------------------------------------------------------------------------------ validation

_Key = tuple[Any, ...]


class _Errors:
    def __init__(self) -> None:
        self.items: list[tuple[_Key, str]] = []

    def add(self, key: _Key, message: str) -> None:
        self.items.append((key, message))


def _fmt_key(key: _Key) -> str:
    text = ""
    for part in key:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _raise(
    errors: _Errors, package: str, override_path: str | None, override: Mapping | None
) -> None:
    """Raise one InputError naming, for each problem, the file it comes from and the key."""
    if not errors.items:
        return
    by_file: dict[str, list[str]] = {}
    for key, message in errors.items:
        node: Any = override
        from_override = override is not None
        for part in key[:2]:
            if isinstance(node, Mapping) and part in node:
                node = node[part]
            else:
                from_override = False
                break
        if from_override:
            path = override_path
        elif override is not None:  # a package entry broken by something the override changed
            path = f"{package} (merged with {override_path})"
        else:
            path = package
        by_file.setdefault(str(path), []).append(f"{_fmt_key(key)}: {message}")
    raise InputError("; ".join(f"{path}: {'; '.join(lines)}" for path, lines in by_file.items()))


def _table(doc: Any, key: _Key, errors: _Errors, allowed: tuple[str, ...] | None = None) -> dict:
    if not isinstance(doc, Mapping):
        errors.add(key, "must be a table")
        return {}
    if allowed is not None:
        unknown = sorted(set(doc) - set(allowed))
        if unknown:
            errors.add(key, f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(allowed)}")
    return dict(doc)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _provenance_fields(node: Mapping, key: _Key, errors: _Errors) -> bool:
    ok = True
    for name in ("source", "tag"):
        if not isinstance(node.get(name), str) or not node.get(name):
            errors.add(key + (name,), "missing or not a non-empty string")
            ok = False
    if not isinstance(node.get("verified"), bool):
        errors.add(key + ("verified",), "missing or not true/false")
        ok = False
    if "note" in node and not isinstance(node["note"], str):
        errors.add(key + ("note",), "must be a string")
        ok = False
    return ok


def _entry(
    node: Any,
    key: _Key,
    errors: _Errors,
    units: Mapping[str, tuple[str, float]],
    minimum: float,
    *,
    strict: bool = False,
) -> tuple[Provenance, str, float] | None:
    """Check one ``{value, unit, source, tag, verified[, note]}`` entry.

    Returns the provenance, what the number is per, and the value converted to the code's unit.
    """
    if not isinstance(node, Mapping):
        errors.add(key, "must be a table with value, unit, source, tag and verified")
        return None
    n_before = len(errors.items)
    _table(node, key, errors, _ENTRY_FIELDS)
    value, unit = node.get("value"), node.get("unit")
    if not _is_number(value):
        errors.add(key + ("value",), "missing or not a finite number")
    if not isinstance(unit, str) or unit not in units:
        got = "missing" if unit is None else f"unit {unit!r} not accepted here"
        errors.add(key + ("unit",), f"{got}; use one of: {', '.join(units)}")
    _provenance_fields(node, key, errors)
    if len(errors.items) > n_before:
        return None
    per, multiplier = units[unit]
    converted = float(value) * multiplier
    if converted < minimum or (strict and converted <= minimum):
        relation = ">" if strict else ">="
        errors.add(key + ("value",), f"must be {relation} {minimum:g} (got {value!r})")
        return None
    prov = Provenance(
        value=float(value),
        unit=unit,
        source=node["source"],
        tag=node["tag"],
        verified=node["verified"],
        note=node.get("note", ""),
    )
    return prov, per, converted


def _schema_version(doc: Mapping, errors: _Errors) -> None:
    if "schema_version" in doc and doc["schema_version"] != SCHEMA_VERSION:
        errors.add(("schema_version",), f"must be {SCHEMA_VERSION} (got {doc['schema_version']!r})")


def _parse_factors(doc: Mapping, errors: _Errors) -> dict[str, Any]:
    """Check the factor tables and build every set (collecting all problems in ``errors``)."""
    top = ("schema_version", "natural_gas_heating_value", "district_cooling_plant_cop")
    doc = _table(doc, (), errors, top + tuple(_SET_SECTIONS))
    _schema_version(doc, errors)
    out: dict[str, Any] = {"heating_value": None, "coal": {}, "emissions": {}}
    key = ("natural_gas_heating_value",)
    if key[0] not in doc:
        errors.add(key, "missing")
    else:
        checked = _entry(doc[key[0]], key, errors, _HEATING_VALUE_UNITS, 0.0, strict=True)
        if checked:
            out["heating_value"] = (checked[0], checked[2])
    key = ("district_cooling_plant_cop",)
    cop = None
    if key[0] not in doc:
        errors.add(key, "missing")
    else:
        checked = _entry(doc[key[0]], key, errors, _COP_UNITS, 0.0, strict=True)
        if checked:
            cop = (checked[0], checked[2])
    for section, (what, units, mass) in _SET_SECTIONS.items():
        if section not in doc:
            errors.add((section,), "missing")
            continue
        out[section] = _parse_sets(doc[section], (section,), errors, units, mass, what, cop)
    return out


def _parse_sets(
    doc: Any,
    key: _Key,
    errors: _Errors,
    units: Mapping[str, tuple[str, float]],
    mass: str,
    what: str,
    cop: tuple[Provenance, float] | None,
) -> dict[str, Any]:
    doc = _table(doc, key, errors, ("factors", "sets"))
    factors = {}
    declared = _table(doc.get("factors", {}), key + ("factors",), errors)
    for name, node in declared.items():
        checked = _entry(node, key + ("factors", name), errors, units, 0.0)
        if checked:
            factors[name] = checked
    sets = _table(doc.get("sets", {}), key + ("sets",), errors)
    if not sets:
        errors.add(key + ("sets",), f"no {what} set defined")
    allowed = ("description", *QUANTITIES)
    record_type = CoalFactors if mass == "kgce" else EmissionFactors
    out = {}
    for name, node in sets.items():
        skey = key + ("sets", name)
        node = _table(node, skey, errors, allowed)
        if "description" in node and not isinstance(node["description"], str):
            errors.add(skey + ("description",), "must be a string")
        values: dict[str, float] = {}
        provenance: dict[str, Provenance] = {}
        for quantity, per in QUANTITIES.items():
            if quantity not in node:
                if quantity != "district_cooling":
                    errors.add(skey + (quantity,), "missing (name of a factor)")
                continue
            ref = node[quantity]
            if not isinstance(ref, str) or ref not in factors:
                if not (isinstance(ref, str) and ref in declared):
                    defined = ", ".join(sorted(declared)) or "none"
                    errors.add(
                        skey + (quantity,), f"unknown factor {ref!r}; defined factors: {defined}"
                    )
                continue
            prov, factor_per, value = factors[ref]
            if factor_per != per:
                errors.add(
                    skey + (quantity,),
                    f"factor {ref!r} is per {factor_per} ({prov.unit}) but {quantity} needs a "
                    f"factor per {per}",
                )
                continue
            values[quantity] = value
            provenance[quantity] = prov
        if "district_cooling" not in node and "electricity" in values and cop is not None:
            values["district_cooling"] = values["electricity"] / cop[1]
            elec = provenance["electricity"]
            provenance["district_cooling"] = Provenance(
                value=values["district_cooling"],
                unit=f"{mass.replace('kgco2', 'kgCO2')}/kWh",
                source=f"{elec.source} / {cop[0].source}",
                tag="[D]",
                verified=elec.verified and cop[0].verified,
                note=f"derived: electricity factor / district_cooling_plant_cop {cop[0].value:g}; "
                + cop[0].note,
            )
        if len(values) == len(QUANTITIES):
            out[name] = record_type(
                name,
                *(values[q] for q in QUANTITIES),
                description=node.get("description", ""),
                provenance=provenance,
            )
    return out


def _months(value: Any, key: _Key, errors: _Errors) -> list[int]:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12 for m in value)
    ):
        errors.add(key, "must be a non-empty list of months 1-12")
        return []
    return value


def _hour_ranges(value: Any, key: _Key, errors: _Errors) -> list[int]:
    """Expand ``[[start, end], ...]`` (end exclusive, may wrap past midnight) into hours."""
    ok = isinstance(value, list) and all(
        isinstance(r, list)
        and len(r) == 2
        and all(isinstance(h, int) and not isinstance(h, bool) for h in r)
        and 0 <= r[0] <= 23
        and 0 <= r[1] <= 24
        and r[0] != r[1]
        for r in value
    )
    if not ok:
        errors.add(
            key,
            "must be a list of [start, end] hour pairs, 0 <= start <= 23, 0 <= end <= 24, "
            "start != end",
        )
        return []
    hours: list[int] = []
    for start, end in value:
        hours += list(range(start, end)) if start < end else [*range(start, 24), *range(0, end)]
    return hours


def _parse_tariffs(doc: Mapping, errors: _Errors) -> dict[str, Tariff]:
    """Check the tariff tables and build every tariff (collecting all problems in ``errors``)."""
    prices = {
        "natural_gas_price": _GAS_PRICE_UNITS,
        "district_heating_price": _ELECTRICITY_PRICE_UNITS,
        "district_cooling_price": _ELECTRICITY_PRICE_UNITS,
    }
    doc = _table(doc, (), errors, ("schema_version", *prices, EXPORT_PRICE_KEY, "tariffs"))
    _schema_version(doc, errors)
    _parse_export_price(doc, errors)  # checked with the rest; read by export_price()
    shared: dict[str, tuple[Provenance, float]] = {}
    for name, units in prices.items():
        if name not in doc:
            errors.add((name,), "missing")
            continue
        checked = _entry(doc[name], (name,), errors, units, 0.0)
        if checked:
            shared[name] = (checked[0], checked[2])
    tariffs = _table(doc.get("tariffs", {}), ("tariffs",), errors)
    if not tariffs:
        errors.add(("tariffs",), "no tariff defined")
    out = {}
    for name, node in tariffs.items():
        built = _parse_tariff(name, node, ("tariffs", name), errors, shared)
        if built is not None and len(shared) == len(prices):
            out[name] = built
    return out


def _parse_export_price(doc: Mapping, errors: _Errors) -> ExportPrice:
    if not isinstance(doc, Mapping) or EXPORT_PRICE_KEY not in doc:
        return ExportPrice()
    key = (EXPORT_PRICE_KEY,)
    checked = _entry(doc[EXPORT_PRICE_KEY], key, errors, _ELECTRICITY_PRICE_UNITS, 0.0)
    if not checked:
        return ExportPrice()
    return ExportPrice(price_rmb_per_kwh=checked[2], provenance=checked[0])


def _parse_tariff(
    name: str,
    node: Any,
    key: _Key,
    errors: _Errors,
    shared: Mapping[str, tuple[Provenance, float]],
) -> Tariff | None:
    allowed = ("description", "structure", "base_price", "critical_peak_over_peak")
    node = _table(node, key, errors, (*allowed, "hours", "ratios"))
    n_before = len(errors.items)
    for required in ("structure", "base_price", "hours", "ratios"):
        if required not in node:
            errors.add(key + (required,), "missing")
    if "description" in node and not isinstance(node["description"], str):
        errors.add(key + ("description",), "must be a string")
    provenance: dict[str, Provenance] = {}
    structure = _table(node.get("structure", {}), key + ("structure",), errors, _STRUCTURE_FIELDS)
    if structure and _provenance_fields(structure, key + ("structure",), errors):
        provenance["structure"] = Provenance(
            value=None,
            unit="",
            source=structure["source"],
            tag=structure["tag"],
            verified=structure["verified"],
            note=structure.get("note", ""),
        )
    base = None
    if "base_price" in node:
        checked = _entry(
            node["base_price"], key + ("base_price",), errors, _ELECTRICITY_PRICE_UNITS, 0.0
        )
        if checked:
            provenance["electricity_price"], base = checked[0], checked[2]
    critical = None
    if "critical_peak_over_peak" in node:
        ckey = key + ("critical_peak_over_peak",)
        checked = _entry(node[ckey[-1]], ckey, errors, _RATIO_UNITS, 0.0, strict=True)
        if checked:
            provenance["critical_peak_over_peak"], critical = checked[0], checked[2]

    period: list[list[str | None]] = [[None] * 24 for _ in range(12)]
    blocks = node.get("hours", [])
    if not isinstance(blocks, list) or not blocks:
        errors.add(key + ("hours",), "must be a non-empty list of [[...hours]] blocks")
        blocks = []
    for i, block in enumerate(blocks):
        bkey = key + ("hours", i)
        block = _table(block, bkey, errors, ("months", *PERIODS))
        months = _months(block.get("months"), bkey + ("months",), errors)
        for label in PERIODS:
            if label in block:
                for hour in _hour_ranges(block[label], bkey + (label,), errors):
                    for month in months:
                        period[month - 1][hour] = label
    missing = [(m + 1, h) for m in range(12) for h in range(24) if period[m][h] is None]
    if blocks and missing:
        errors.add(
            key + ("hours",),
            f"{len(missing)} month-hours have no period, first month {missing[0][0]} "
            f"hour_start {missing[0][1]}",
        )

    ratios: list[dict[str, float]] = [{} for _ in range(12)]
    blocks = node.get("ratios", [])
    if not isinstance(blocks, list) or not blocks:
        errors.add(key + ("ratios",), "must be a non-empty list of [[...ratios]] blocks")
        blocks = []
    for i, block in enumerate(blocks):
        bkey = key + ("ratios", i)
        block = _table(block, bkey, errors, ("months", "peak", "flat", "valley"))
        months = _months(block.get("months"), bkey + ("months",), errors)
        for label in ("peak", "flat", "valley"):
            if label not in block:
                continue
            ratio = block[label]
            if not _is_number(ratio) or ratio <= -1:
                errors.add(bkey + (label,), f"must be a number > -1 (got {ratio!r})")
                continue
            for month in months:
                ratios[month - 1][label] = float(ratio)
    if len(errors.items) > n_before:
        return None

    prices: list[list[float]] = [[0.0] * 24 for _ in range(12)]
    for m in range(12):
        for h in range(24):
            label = period[m][h]
            needed = "peak" if label == "critical" else label
            if needed not in ratios[m]:
                errors.add(key + ("ratios",), f"no {needed} ratio for month {m + 1}")
                return None
            if label == "critical" and critical is None:
                errors.add(
                    key + ("critical_peak_over_peak",),
                    "missing: needed because the hours use 'critical'",
                )
                return None
            price = base * (1.0 + ratios[m][needed])
            prices[m][h] = price * critical if label == "critical" else price
    for name_, (prov, _value) in shared.items():
        provenance[name_] = prov
    return Tariff(
        name=name,
        period_by_month_hour=tuple(tuple(row) for row in period),  # type: ignore[arg-type]
        price_by_month_hour_rmb_per_kwh=tuple(tuple(row) for row in prices),
        base_price_rmb_per_kwh=base,
        natural_gas_price_rmb_per_m3=shared.get("natural_gas_price", (None, 0.0))[1],
        district_heating_price_rmb_per_kwh=shared.get("district_heating_price", (None, 0.0))[1],
        district_cooling_price_rmb_per_kwh=shared.get("district_cooling_price", (None, 0.0))[1],
        description=node.get("description", ""),
        provenance=provenance,
    )
