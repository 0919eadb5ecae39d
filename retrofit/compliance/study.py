"""The reference building inside a retrofit study (``reference = "gb50189-2015"``).

The study's reference variant is the baseline with the standard's envelope, equipment
efficiencies and App. B lighting power, and *the building's own operation* (its schedules,
loads and set-points, as in every other variant): each variant's whole-building saving rate
against it then shows how far a retrofit package brings an existing building towards the 2016
standard and the 50 % target, like for like. (``retrofit comply`` instead gives design and
reference the standard's calculation parameters, as the performance path of a new design asks.)

Only the whole-building and comprehensive rates are reported here (from the end uses every
variant already records); the App. B heating + cooling rate needs the coil loads of each run
and is ``retrofit comply``'s.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from retrofit.compliance.rates import Basis, building_energy, saving_rate, verdicts
from retrofit.compliance.rules import RuleSet

#: Id and label of the reference variant in a study.
REFERENCE_VARIANT_ID = "r00"


def apply_reference_building(idf, rules: RuleSet, building_type: str, component_sizes) -> list:
    """Turn the baseline ``idf`` (edited in place) into the study's reference building.

    Returns notes on what changed (for the variant's notes).
    """
    from retrofit.compliance.envelope import apply_reference_envelope
    from retrofit.compliance.equipment import apply_reference_equipment
    from retrofit.compliance.parameters import set_lighting_power_density

    lpd = rules.parameters[building_type].reference_lighting_w_per_m2.value
    envelope = apply_reference_envelope(idf, rules)
    equipment = apply_reference_equipment(idf, rules, component_sizes)
    lights = set_lighting_power_density(idf, lpd)
    notes = [f"reference: {rules.title}, {building_type}; lighting {lpd:g} W/m2 (App. B)"]
    for changes in (envelope, equipment, lights):
        notes += [f"reference: {n}" for n in getattr(changes, "notes", [])]
    return notes


def reference_rate_columns(
    results: pd.DataFrame,
    summaries: Mapping[str, Mapping],
    rules: RuleSet,
    reference_id: str = REFERENCE_VARIANT_ID,
) -> pd.DataFrame:
    """Add each variant's saving rates against the reference and the targets it meets.

    Parameters
    ----------
    results : DataFrame
        The study's results table (column ``variant``).
    summaries : mapping
        ``{variant id: run summary}`` of the variants that ran.

    Returns
    -------
    DataFrame
        ``results`` with ``saving_rate_vs_reference`` (whole building),
        ``saving_rate_comprehensive_vs_reference`` and ``meets_<target>`` (True/False/None)
        columns; all None when the reference did not run.
    """
    basis = Basis.from_rules(rules.hvac_calculation)
    reference = summaries.get(reference_id)
    whole, comprehensive = [], []
    meets: dict[str, list] = {t.key: [] for t in rules.targets}
    reference_kgce = None
    if reference is not None:
        reference_kgce = building_energy(reference["end_uses_kwh"], basis).kgce
    for variant in results["variant"]:
        summary = summaries.get(variant)
        if summary is None or not reference_kgce:
            whole.append(None)
            comprehensive.append(None)
            for key in meets:
                meets[key].append(None)
            continue
        energy = building_energy(
            summary["end_uses_kwh"],
            basis,
            renewable_electricity_kwh=summary.get("electricity_produced_kwh", 0.0) or 0.0,
        )
        rates = {
            "whole_building": saving_rate(energy.kgce, reference_kgce),
            "comprehensive": saving_rate(energy.comprehensive_kgce, reference_kgce),
        }
        share = energy.renewable_kgce / energy.kgce if energy.kgce else None
        whole.append(rates["whole_building"])
        comprehensive.append(rates["comprehensive"])
        for v in verdicts(rules, rates, share):
            meets[v.key].append(v.passed)
    out = results.copy()
    out["saving_rate_vs_reference"] = whole
    out["saving_rate_comprehensive_vs_reference"] = comprehensive
    for key, values in meets.items():
        out[f"meets_{key.replace('-', '_')}"] = values
    return out
