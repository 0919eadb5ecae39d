"""The compliance check: a proposed building against its GB 50189-2015 reference building.

The one orchestrator of :mod:`retrofit.compliance` (``retrofit comply``):

1. load the proposed model and give it the standard's calculation parameters for its building
   type (occupancy, plug loads, schedules, fresh air, set-points, HVAC hours: the same for design
   and reference, as the performance path asks; the design keeps its own lighting power);
2. size the design on the design days (the reference's equipment limits depend on capacity);
3. build the reference building (参照建筑) from it: envelope at the limit values with the WWR cut
   to the limit, HVAC efficiencies at the standard's values, lighting at the App. B values;
4. simulate both (in parallel) on the given weather and read the heating and cooling loads, the
   end uses and on-site generation;
5. compute the App. B HVAC saving rate, the whole-building and comprehensive rates, the carbon
   intensities, the verdicts against 20 / 50 / 60 %, and the prescriptive checks of the design
   (actual values read from EnergyPlus's reports of the design run);
6. write ``compliance.json`` and ``compliance.html`` (design vs reference inputs side by side,
   results, verdicts with clauses, warnings for unverified values).
"""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from retrofit import tables
from retrofit.compliance.checks import Check
from retrofit.compliance.rates import (
    Basis,
    BuildingEnergy,
    HvacEnergy,
    Verdict,
    building_energy,
    carbon_kgco2,
    hvac_energy,
    saving_rate,
    verdicts,
)
from retrofit.compliance.rules import DEFAULT_RULE_SET, RuleSet, load_rule_set
from retrofit.errors import InputError
from retrofit.jsonready import json_ready

#: Meters whose annual totals are the App. B cooling and heating loads: the energy the coils
#: (and baseboards) of each model's HVAC system deliver, the same system in design and reference.
COOLING_LOAD_METERS = ("CoolingCoils:EnergyTransfer",)
HEATING_LOAD_METERS = ("HeatingCoils:EnergyTransfer", "Baseboard:EnergyTransfer")
LOAD_METERS = COOLING_LOAD_METERS + HEATING_LOAD_METERS

#: Unmet hours above which a model's result is flagged (the study default, savings.py).
UNMET_HOURS_WARNING_H = 300.0

#: Name of the GB 50189-2015 trade-off verdict (design HVAC energy <= reference).
TRADEOFF_KEY = "gb50189-tradeoff"


@dataclass
class Side:
    """What one of the two simulations gave."""

    label: str
    idf_path: str
    run_dir: str
    summary: dict
    cooling_load_kwh: float
    heating_load_kwh: float
    hvac: HvacEnergy
    building: BuildingEnergy
    carbon_kgco2: float
    floor_area_m2: float

    @property
    def carbon_intensity_kgco2_per_m2(self) -> float:
        return self.carbon_kgco2 / self.floor_area_m2 if self.floor_area_m2 else float("nan")

    def to_dict(self) -> dict:
        s = self.summary
        return {
            "idf": self.idf_path,
            "run_dir": self.run_dir,
            "floor_area_m2": self.floor_area_m2,
            "cooling_load_kwh": self.cooling_load_kwh,
            "heating_load_kwh": self.heating_load_kwh,
            "hvac": asdict(self.hvac),
            "building": asdict(self.building),
            "carbon_kgco2": self.carbon_kgco2,
            "carbon_intensity_kgco2_per_m2": self.carbon_intensity_kgco2_per_m2,
            "electricity_kwh": s["electricity_kwh"],
            "natural_gas_kwh": s["natural_gas_kwh"],
            "end_uses_kwh": s["end_uses_kwh"],
            "pv_generation_kwh": s.get("electricity_produced_kwh", 0.0),
            "unmet_hours_heating": s["unmet_hours_heating"],
            "unmet_hours_cooling": s["unmet_hours_cooling"],
            "energyplus_runtime_s": s["energyplus_runtime_s"],
            "warnings": s["warnings"],
        }


@dataclass
class ComplianceResult:
    """Everything ``retrofit comply`` reports (see :meth:`to_dict` for the JSON)."""

    model: str
    weather: str
    building_type: str
    rules: RuleSet
    period: str
    design: Side
    reference: Side
    rates: dict[str, float | None]
    renewable_share: float | None
    verdicts: list[Verdict]
    checks: list[Check]
    inputs: dict[str, list[dict]]
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    runtime_s: float = 0.0

    @property
    def carbon_reduction_kgco2_per_m2(self) -> float:
        return (
            self.reference.carbon_intensity_kgco2_per_m2 - self.design.carbon_intensity_kgco2_per_m2
        )

    def failed(self, keys: list[str] | None = None) -> list[str]:
        """What fails: verdict keys (all, or ``keys``) and failing checks' items."""
        bad = [
            v.key for v in self.verdicts if v.passed is False and (keys is None or v.key in keys)
        ]
        if keys is None:
            bad += [c.item for c in self.checks if c.passed is False]
        return bad

    def to_dict(self) -> dict[str, Any]:
        carbon = self.rules.carbon
        reduction = self.carbon_reduction_kgco2_per_m2
        reference_ci = self.reference.carbon_intensity_kgco2_per_m2
        return {
            "model": self.model,
            "weather": self.weather,
            "building_type": self.building_type,
            "rule_set": self.rules.name,
            "rule_set_title": self.rules.title,
            "period": self.period,
            "saving_rate_hvac": self.rates["hvac"],
            "saving_rate_whole_building": self.rates["whole_building"],
            "saving_rate_comprehensive": self.rates["comprehensive"],
            "renewable_share": self.renewable_share,
            "energy_basis": "kgce (electricity 0.360 kgce/kWh, gas 1.21 kgce/m3; GB 50189-2015 "
            "App. B.0.6); electricity-equivalent = kgce / 0.360",
            "carbon_intensity_design_kgco2_per_m2": self.design.carbon_intensity_kgco2_per_m2,
            "carbon_intensity_reference_kgco2_per_m2": reference_ci,
            "carbon_reduction_kgco2_per_m2": reduction,
            "carbon_reduction_fraction": reduction / reference_ci if reference_ci else None,
            "carbon_reduction_required_kgco2_per_m2": carbon.reduction_min_kgco2_per_m2.value,
            "carbon_reduction_required_fraction": carbon.reduction_min_fraction.value,
            "verdicts": [v.to_dict() for v in self.verdicts],
            "checks": [c.to_dict() for c in self.checks],
            "design": self.design.to_dict(),
            "reference": self.reference.to_dict(),
            "inputs": self.inputs,
            "warnings": self.warnings,
            "notes": self.notes,
            "unverified_values": self.unverified,
            "files": self.files,
            "runtime_s": self.runtime_s,
        }


def tradeoff_verdict(rate: float | None) -> Verdict:
    """GB 50189-2015 clause 3.4 trade-off: design HVAC energy no more than the reference's."""
    return Verdict(
        key=TRADEOFF_KEY,
        label="GB 50189-2015 trade-off (权衡判断): design heating + cooling energy <= reference",
        basis="hvac",
        required_rate=0.0,
        rate=rate,
        passed=None if rate is None else rate >= -1e-12,
        verified=True,
        source="KG",
    )


def _sides_energy(
    label: str,
    report,
    idf_path: Path,
    rules: RuleSet,
    basis: Basis,
    emission_factors: dict[str, float],
) -> Side:
    from retrofit.results import meter_totals_kwh

    summary = report.summary()
    loads = meter_totals_kwh(Path(report.run_dir) / "eplusout.sql", LOAD_METERS)
    cooling = sum(loads[m] for m in COOLING_LOAD_METERS)
    heating = sum(loads[m] for m in HEATING_LOAD_METERS)
    generation = summary.get("electricity_produced_kwh", 0.0) or 0.0
    calc = rules.hvac_calculation
    return Side(
        label=label,
        idf_path=str(idf_path),
        run_dir=str(report.run_dir),
        summary=summary,
        cooling_load_kwh=cooling,
        heating_load_kwh=heating,
        hvac=hvac_energy(cooling, heating, calc),
        building=building_energy(
            summary["end_uses_kwh"], basis, renewable_electricity_kwh=generation
        ),
        carbon_kgco2=carbon_kgco2(
            summary["end_uses_kwh"],
            emission_factors,
            renewable_electricity_kwh=generation,
            gas_kwh_per_m3=calc.gas_kwh_per_m3.value,
        ),
        floor_area_m2=summary["floor_area_m2"] or 0.0,
    )


def comply(
    model: str | os.PathLike,
    weather: str | os.PathLike,
    *,
    building_type: str = "office",
    rules: str | os.PathLike = DEFAULT_RULE_SET,
    out_dir: str | os.PathLike | None = None,
    ddy: str | os.PathLike | None = None,
    period: str = "annual",
    emissions: str = tables.DEFAULT_EMISSION_SET,
    weather_dir: str | os.PathLike | None = "weather",
    progress: bool = True,
    timeout_s: float = 3600.0,
) -> ComplianceResult:
    """Check a proposed model against its GB 50189-2015 reference building.

    Parameters
    ----------
    model : str or path
        The proposed design: an IDF or a bundled model name.
    weather : str or path
        EPW path, bundled TMY3 name or fetched station (``shanghai``).
    building_type : {"office", "hotel", "mall"}
        Selects the calculation parameters (GB 55015-2021 App. C) and the reference LPD
        (GB 50189-2015 App. B: 9 / 7 / 10 W/m2).
    rules : str or path
        A bundled rule set (``gb50189-2015-hscw``) or a user's TOML of the same schema.
    out_dir : path, optional
        Where the two models, their runs and the reports go; default
        ``runs/comply-<model stem>``.
    period : str
        ``annual`` (the standard's comparison); a shorter period is for tests and says so.
    emissions : str
        CO2 factor set for the carbon intensities (default Shanghai 2022).

    Returns
    -------
    ComplianceResult
    """
    from tqdm import tqdm

    from retrofit.compliance.envelope import apply_reference_envelope
    from retrofit.compliance.equipment import apply_reference_equipment
    from retrofit.compliance.parameters import apply_calculation_parameters
    from retrofit.idf import (
        idf_from_text,
        idf_to_text,
        load_idf,
        parse_period,
        prepare_model,
        write_idf,
    )
    from retrofit.library import resolve_model
    from retrofit.simulate import Accounting, run_prepared
    from retrofit.weather import design_days_for, read_epw, resolve_weather

    start = time.perf_counter()
    rule_set = load_rule_set(str(rules))
    if building_type not in rule_set.parameters:
        raise InputError(
            f"building type {building_type!r}: the rule set {rule_set.name} has calculation "
            f"parameters for {', '.join(sorted(rule_set.parameters))}"
        )
    params = rule_set.parameters[building_type]
    run_period = parse_period(period)
    model_path = resolve_model(model)
    weather_path = resolve_weather(weather, weather_dir)
    epw = read_epw(weather_path)
    site = design_days_for(epw, ddy)
    accounting = Accounting(emissions=emissions)
    factors = tables.emission_factors(emissions)
    emission_factors = {
        "electricity_kgco2_per_kwh": factors.electricity_kgco2_per_kwh,
        "natural_gas_kgco2_per_m3": factors.natural_gas_kgco2_per_m3,
        "district_heating_kgco2_per_kwh": factors.district_heating_kgco2_per_kwh,
        "district_cooling_kgco2_per_kwh": factors.district_cooling_kgco2_per_kwh,
    }
    out = Path(out_dir) if out_dir is not None else Path("runs") / f"comply-{model_path.stem}"
    out.mkdir(parents=True, exist_ok=True)

    def prepared_text(idf, run: Any) -> str:
        prepare_model(
            idf,
            period=run,
            location_fields=site.site_location,
            design_days=site.design_days,
            country=epw.location.country,
            extra_meters=LOAD_METERS,
        )
        return idf_to_text(idf)

    def run(text: str, label: str, run: Any):
        return run_prepared(
            text,
            weather_path,
            out / label,
            accounting=accounting,
            model_label=f"{model} ({label})",
            design_days_source=site.source,
            period=run,
            timeout_s=timeout_s,
        )

    with tqdm(total=3, desc="comply", unit="run", disable=not progress) as bar:
        bar.set_postfix_str("sizing the design")
        design = load_idf(model_path)
        parameter_changes = apply_calculation_parameters(design, params)
        design_text = idf_to_text(design)
        design_path = write_idf(design, out / "design.idf")
        sizing = run(
            prepared_text(idf_from_text(design_text, model_path), parse_period("design-days")),
            "sizing",
            parse_period("design-days"),
        )
        bar.update()
        reference = idf_from_text(design_text, model_path)
        envelope_changes = apply_reference_envelope(reference, rule_set)
        lighting_changes = apply_calculation_parameters(
            reference, params, lighting_w_per_m2=params.reference_lighting_w_per_m2.value
        )
        equipment_changes = apply_reference_equipment(
            reference,
            rule_set,
            sizing.results.component_sizes,
            design_sql=Path(sizing.run_dir) / "eplusout.sql",
        )
        reference_path = write_idf(reference, out / "reference.idf")
        texts = {
            "design": prepared_text(idf_from_text(design_text, model_path), run_period),
            "reference": prepared_text(reference, run_period),
        }
        bar.set_postfix_str("design and reference")
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {k: pool.submit(run, t, k, run_period) for k, t in texts.items()}
            reports = {}
            for key, future in futures.items():
                reports[key] = future.result()
                bar.update()

    basis = Basis.from_rules(rule_set.hvac_calculation)
    sides = {
        "design": _sides_energy(
            "design", reports["design"], design_path, rule_set, basis, emission_factors
        ),
        "reference": _sides_energy(
            "reference", reports["reference"], reference_path, rule_set, basis, emission_factors
        ),
    }
    d, r = sides["design"], sides["reference"]
    rates = {
        "hvac": saving_rate(d.hvac.kgce, r.hvac.kgce) if r.hvac.kgce > 0 else None,
        "whole_building": saving_rate(d.building.kgce, r.building.kgce)
        if r.building.kgce > 0
        else None,
        "comprehensive": saving_rate(d.building.comprehensive_kgce, r.building.kgce)
        if r.building.kgce > 0
        else None,
    }
    renewable_share = d.building.renewable_kgce / d.building.kgce if d.building.kgce else None
    result_verdicts = [tradeoff_verdict(rates["hvac"])] + verdicts(rule_set, rates, renewable_share)
    checks = design_checks(Path(reports["design"].run_dir) / "eplusout.sql", design, rule_set)
    warnings, notes = _warnings(sides, run_period, checks, result_verdicts)
    for changes in (parameter_changes, envelope_changes, lighting_changes, equipment_changes):
        notes += list(getattr(changes, "notes", []))
    result = ComplianceResult(
        model=str(model),
        weather=str(weather_path),
        building_type=building_type,
        rules=rule_set,
        period=run_period.label,
        design=d,
        reference=r,
        rates=rates,
        renewable_share=renewable_share,
        verdicts=result_verdicts,
        checks=checks,
        inputs={
            "calculation_parameters": parameter_changes.to_rows(),
            "envelope": envelope_changes.to_rows(),
            "lighting": lighting_changes.to_rows(),
            "equipment": equipment_changes.to_rows(),
        },
        warnings=warnings,
        notes=notes,
        unverified=rule_set.unverified(),
        runtime_s=time.perf_counter() - start,
    )
    write_outputs(result, out)
    return result


def design_checks(sql_path, idf, rules: RuleSet) -> list[Check]:
    """Every prescriptive check of the design run (envelope, equipment, lighting)."""
    from retrofit.compliance.envelope import envelope_checks
    from retrofit.compliance.equipment import equipment_checks, lighting_checks

    return (
        envelope_checks(sql_path, idf, rules)
        + equipment_checks(sql_path, idf, rules)
        + lighting_checks(sql_path, idf, rules)
    )


def _warnings(sides: dict[str, Side], run_period, checks, result_verdicts):
    warnings: list[str] = []
    notes: list[str] = []
    if run_period.label != "annual":
        warnings.append(
            f"period {run_period.label}: the standard compares annual energy; this result is "
            "for the period only"
        )
    for side in sides.values():
        s = side.summary
        for kind in ("heating", "cooling"):
            hours = s[f"unmet_hours_{kind}"] or 0.0
            if hours > UNMET_HOURS_WARNING_H:
                warnings.append(
                    f"{side.label}: {hours:.0f} unmet {kind} hours (> {UNMET_HOURS_WARNING_H:.0f})"
                )
    if any(not v.verified for v in result_verdicts):
        unverified = ", ".join(v.key for v in result_verdicts if not v.verified)
        warnings.append(f"verdicts resting on unverified values: {unverified}")
    if any(not c.verified for c in checks):
        count = sum(not c.verified for c in checks)
        warnings.append(f"{count} prescriptive checks use unverified limits (marked in the table)")
    return warnings, notes


def write_outputs(result: ComplianceResult, out: Path) -> None:
    """``compliance.json`` and ``compliance.html`` in ``out``."""
    from retrofit.compliance.html import render_html

    json_path = out / "compliance.json"
    html_path = out / "compliance.html"
    result.files = {"json": str(json_path), "html": str(html_path)}
    json_path.write_text(json.dumps(json_ready(result.to_dict()), indent=2, default=str) + "\n")
    html_path.write_text(render_html(result))
