"""Savings of a variant against the baseline, from two result summaries, with a comfort check.

Pure functions: no files, no printing. The inputs are the glossary summaries of
:meth:`retrofit.simulate.SimulationReport.summary` (plain dicts: ``electricity_kwh``,
``natural_gas_kwh``, ``natural_gas_m3``, ``district_*_kwh``, ``site_energy_kwh``, ``energy_tce``,
``emissions_tco2``, ``energy_cost_rmb``, ``peak_demand_kw``, ``unmet_hours_heating``,
``unmet_hours_cooling``, ``end_uses_kwh`` as ``{end_use: {fuel_kwh: kWh}}``, ...).

A saving is always ``baseline - variant``: positive = the variant uses, emits or costs less.
The output is a *flat* dict (one key per quantity, units in the name) so that the savings of
many variants stack into one results table, one row a variant (:func:`savings_table`). Names:

* a summary key ``<quantity>_<unit>`` gives ``<quantity>_saving_<unit>`` (:data:`SAVING_KEYS`:
  ``electricity_saving_kwh``, ``energy_saving_tce``, ``emissions_saving_tco2``,
  ``energy_cost_saving_rmb``, ``peak_demand_saving_kw``, ...);
* other fuels (``other_fuels_kwh``) give ``<fuel>_saving_kwh``;
* each end use and fuel gives ``<end_use>__<fuel>_saving_kwh`` (double underscore between the
  end use and the fuel, e.g. ``heating__natural_gas_saving_kwh``); an end use or fuel absent
  from one summary (EnergyPlus reports only non-zero cells) counts as 0 kWh there.

Comfort: a variant whose unmet hours exceed ``unmet_hours_limit`` (default
:data:`UNMET_HOURS_LIMIT_H`, 300 h) gets ``comfort_ok = False``: its "savings" come from not
conditioning the building and must be flagged, not ranked (issue 5 item 5;
:func:`retrofit.economics.macc` leaves such rows off the curve).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "END_USE_SEPARATOR",
    "RATE_KEYS",
    "REQUIRED_KEYS",
    "SAVING_KEYS",
    "UNMET_HOURS_LIMIT_H",
    "saving_rate",
    "savings",
    "savings_table",
]

#: Unmet-hours limit [h]: ANSI/ASHRAE/IES Standard 90.1 Appendix G (Performance Rating Method),
#: G3.1.2.3 in the 2010 edition -- unmet load hours of the proposed or baseline design "shall not
#: exceed 300 (of the 8760 hours simulated)". It is the common 90.1 criterion, not a Chinese
#: standard, so for this project an ASSUMPTION; it is meant for annual runs (for a shorter run
#: period pass a limit scaled to it).
UNMET_HOURS_LIMIT_H = 300.0

#: Summary key -> saving key. Keys present in neither summary are skipped.
SAVING_KEYS: dict[str, str] = {
    "electricity_kwh": "electricity_saving_kwh",
    "electricity_purchased_kwh": "electricity_purchased_saving_kwh",
    "natural_gas_kwh": "natural_gas_saving_kwh",
    "natural_gas_m3": "natural_gas_saving_m3",
    "district_heating_kwh": "district_heating_saving_kwh",
    "district_cooling_kwh": "district_cooling_saving_kwh",
    "site_energy_kwh": "site_energy_saving_kwh",
    "eui_kwh_per_m2": "eui_saving_kwh_per_m2",
    "energy_tce": "energy_saving_tce",
    "emissions_tco2": "emissions_saving_tco2",
    "energy_cost_rmb": "energy_cost_saving_rmb",
    "electricity_cost_rmb": "electricity_cost_saving_rmb",
    "natural_gas_cost_rmb": "natural_gas_cost_saving_rmb",
    "peak_demand_kw": "peak_demand_saving_kw",
}

#: Summary key -> saving-rate key (:func:`saving_rate`, a fraction, 0.5 = 50 %).
RATE_KEYS: dict[str, str] = {
    "site_energy_kwh": "site_energy_saving_rate",
    "energy_tce": "energy_saving_rate",
    "emissions_tco2": "emissions_saving_rate",
    "energy_cost_rmb": "energy_cost_saving_rate",
}

#: Keys every summary must carry.
REQUIRED_KEYS = (
    "site_energy_kwh",
    "energy_tce",
    "emissions_tco2",
    "energy_cost_rmb",
    "unmet_hours_heating",
    "unmet_hours_cooling",
)

#: Between the end use and the fuel in an end-use saving key.
END_USE_SEPARATOR = "__"

_KWH = "_kwh"


def saving_rate(baseline_value: Any, variant_value: Any) -> Any:
    """Fractional saving of the variant against the baseline: ``(baseline - variant) / baseline``.

    The glossary's ``saving_rate`` (GB 55015-2021 and GB 50189-2015 express energy saving rates
    this way, against the reference or baseline value).

    Parameters
    ----------
    baseline_value, variant_value : float or array_like
        The same quantity (energy, tce, tCO2, RMB, ...) for baseline and variant, in one unit.

    Returns
    -------
    float or numpy.ndarray
        Saving rate [fraction] (0.5 = 50 %; negative = the variant uses more). NaN when the
        baseline is <= 0 or NaN: a rate against nothing, or against a negative (net-exporting)
        baseline, has no meaning.
    """
    base = np.asarray(baseline_value, dtype=float)
    variant = np.asarray(variant_value, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(base > 0, (base - variant) / base, np.nan)
    return float(rate) if np.ndim(rate) == 0 else rate


def _number(summary: Mapping, key: str) -> float:
    value = summary[key]
    return math.nan if value is None else float(value)


def _fuel_stem(fuel_key: str) -> str:
    if not fuel_key.endswith(_KWH):
        raise ValueError(f"fuel {fuel_key!r}: expected a glossary name ending in '{_KWH}'")
    return fuel_key[: -len(_KWH)]


def _check(baseline: Mapping, variant: Mapping) -> None:
    errors = [
        f"{label} summary lacks {key!r}"
        for label, summary in (("baseline", baseline), ("variant", variant))
        for key in REQUIRED_KEYS
        if key not in summary
    ]
    errors += [
        f"{key!r} is in the {'baseline' if key in baseline else 'variant'} summary only"
        for key in SAVING_KEYS
        if (key in baseline) != (key in variant)
    ]
    if errors:
        raise ValueError("savings: " + "; ".join(errors))


def savings(
    baseline: Mapping[str, Any],
    variant: Mapping[str, Any],
    *,
    unmet_hours_limit: float = UNMET_HOURS_LIMIT_H,
) -> dict[str, Any]:
    """Savings of ``variant`` against ``baseline`` (baseline - variant) as one flat dict.

    Parameters
    ----------
    baseline, variant : mapping
        Result summaries (:meth:`retrofit.simulate.SimulationReport.summary`). Both must carry
        :data:`REQUIRED_KEYS`; every key of :data:`SAVING_KEYS` must be in both or in neither.
        ``None`` (e.g. ``eui_kwh_per_m2`` without a floor area) counts as NaN.
    unmet_hours_limit : float
        Comfort limit on the variant's occupied unmet hours, heating plus cooling [h]; default
        :data:`UNMET_HOURS_LIMIT_H` (300 h, ASHRAE 90.1 Appendix G, an assumption here).

    Returns
    -------
    dict
        * ``<quantity>_saving_<unit>`` for each key of :data:`SAVING_KEYS` present [kWh, m3,
          kWh/m2, tce, tCO2, RMB, kW -- per year for an annual run];
        * ``<fuel>_saving_kwh`` for each fuel in ``other_fuels_kwh`` [kWh];
        * ``<end_use>__<fuel>_saving_kwh`` for each end use and fuel in either summary's
          ``end_uses_kwh`` [kWh] (e.g. ``cooling__electricity_saving_kwh``);
        * ``site_energy_saving_rate``, ``energy_saving_rate`` (tce), ``emissions_saving_rate``,
          ``energy_cost_saving_rate`` [fraction] (:func:`saving_rate`);
        * ``unmet_hours_heating``, ``unmet_hours_cooling`` and ``unmet_hours_total`` of the
          variant [h]; ``baseline_unmet_hours_total`` [h]; ``unmet_hours_increase`` (variant -
          baseline) [h]; ``unmet_hours_limit`` [h];
        * ``comfort_ok`` -- ``unmet_hours_total <= unmet_hours_limit`` (False if it is NaN).

        ``unmet_hours_total`` adds the facility's occupied heating and cooling unmet hours
        (EnergyPlus ``SystemSummary`` / ``Time Setpoint Not Met``, facility row). An hour in
        which one zone is too cold and another too warm counts twice, so the total is an upper
        bound of the hours with any set-point unmet: the comfort check errs on the strict side.

    Raises
    ------
    ValueError
        A required key missing, a saving key in one summary only, a fuel name not ending in
        ``_kwh``, or a negative or NaN ``unmet_hours_limit``.
    """
    limit = float(unmet_hours_limit)
    if not limit >= 0:
        raise ValueError(f"unmet_hours_limit must be >= 0 [h] (got {unmet_hours_limit!r})")
    _check(baseline, variant)

    out: dict[str, Any] = {}
    for key, saving_key in SAVING_KEYS.items():
        if key in baseline:
            out[saving_key] = _number(baseline, key) - _number(variant, key)

    base_other = baseline.get("other_fuels_kwh") or {}
    variant_other = variant.get("other_fuels_kwh") or {}
    for fuel in sorted(set(base_other) | set(variant_other)):
        saving = float(base_other.get(fuel, 0.0)) - float(variant_other.get(fuel, 0.0))
        out[f"{_fuel_stem(fuel)}_saving_kwh"] = saving

    base_uses = baseline.get("end_uses_kwh") or {}
    variant_uses = variant.get("end_uses_kwh") or {}
    for use in sorted(set(base_uses) | set(variant_uses)):
        base_row = base_uses.get(use) or {}
        variant_row = variant_uses.get(use) or {}
        for fuel in sorted(set(base_row) | set(variant_row)):
            saving = float(base_row.get(fuel, 0.0)) - float(variant_row.get(fuel, 0.0))
            out[f"{use}{END_USE_SEPARATOR}{_fuel_stem(fuel)}_saving_kwh"] = saving

    for key, rate_key in RATE_KEYS.items():
        out[rate_key] = saving_rate(_number(baseline, key), _number(variant, key))

    heating_h = _number(variant, "unmet_hours_heating")
    cooling_h = _number(variant, "unmet_hours_cooling")
    total_h = heating_h + cooling_h
    base_total_h = _number(baseline, "unmet_hours_heating") + _number(
        baseline, "unmet_hours_cooling"
    )
    out["unmet_hours_heating"] = heating_h
    out["unmet_hours_cooling"] = cooling_h
    out["unmet_hours_total"] = total_h
    out["baseline_unmet_hours_total"] = base_total_h
    out["unmet_hours_increase"] = total_h - base_total_h
    out["unmet_hours_limit"] = limit
    out["comfort_ok"] = bool(total_h <= limit)  # False for NaN
    return out


def savings_table(
    summaries: Mapping[str, Mapping[str, Any]],
    baseline: str,
    *,
    unmet_hours_limit: float = UNMET_HOURS_LIMIT_H,
) -> pd.DataFrame:
    """:func:`savings` of every variant against one baseline, one row a variant.

    Parameters
    ----------
    summaries : mapping
        Variant id -> result summary; must contain ``baseline``.
    baseline : str
        Id of the baseline variant (its own row has zero savings).
    unmet_hours_limit : float
        As in :func:`savings` [h].

    Returns
    -------
    pandas.DataFrame
        Index ``variant`` (the ids, in the input order), columns the keys of :func:`savings`.
        End-use and other-fuel columns that a variant lacks (zero in both its summary and the
        baseline's) are 0 kWh; nothing else is filled.

    Raises
    ------
    KeyError
        ``baseline`` is not in ``summaries``.
    """
    if baseline not in summaries:
        raise KeyError(f"baseline {baseline!r} is not among the summaries")
    base = summaries[baseline]
    rows = {
        name: savings(base, summary, unmet_hours_limit=unmet_hours_limit)
        for name, summary in summaries.items()
    }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "variant"
    fixed = {*SAVING_KEYS.values(), *RATE_KEYS.values()}
    zero_filled = [c for c in table.columns if c.endswith("_saving_kwh") and c not in fixed]
    table[zero_filled] = table[zero_filled].fillna(0.0)
    return table
