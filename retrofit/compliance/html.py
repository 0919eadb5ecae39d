"""``compliance.html``: the reviewer's page, one self-contained file (no scripts, no fetches).

Sections: the verdicts with their clauses; the saving rates and the energy of design and
reference side by side (by end use, on the stated basis); carbon intensity; the inputs of both
models side by side (calculation parameters, envelope, lighting, equipment); the prescriptive
checks; warnings, with every unverified value the result rests on.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from retrofit.compliance.comply import ComplianceResult

PAGE_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC",sans-serif;margin:2rem;
color:#1b1f24;max-width:1200px}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#116329;font-weight:600}.fail{color:#a40e26;font-weight:600}
.na{color:#6e7781}.unverified{background:#fff8c5}.warn{background:#fff8c5;padding:.5rem 1rem;
border-left:4px solid #d4a72c}.small{font-size:.8rem;color:#57606a}
"""


def escape_html(value: Any) -> str:
    """``value`` as HTML text ("" for None)."""
    return html.escape("" if value is None else str(value))


def number_text(value: Any, digits: int = 1) -> str:
    """A number with thousands separators and ``digits`` decimals ("–" when missing)."""
    if value is None:
        return "–"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return escape_html(value)
    if math.isnan(number):
        return "–"
    return f"{number:,.{digits}f}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def _status(passed: bool | None) -> str:
    if passed is None:
        return '<span class="na">n/a</span>'
    if passed:
        return '<span class="pass">PASS 合格</span>'
    return '<span class="fail">FAIL 不合格</span>'


def _table(rows: Iterable[Mapping[str, Any]], columns: list[str] | None = None) -> str:
    rows = list(rows)
    if not rows:
        return '<p class="na">none</p>'
    columns = columns or list(dict.fromkeys(k for row in rows for k in row))
    head = "".join(f"<th>{escape_html(c)}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for c in columns:
            value = row.get(c)
            if isinstance(value, float):
                cells.append(f'<td class="num">{number_text(value, 3)}</td>')
            else:
                cells.append(f"<td>{escape_html(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _verdicts(result: ComplianceResult) -> str:
    rows = []
    for v in result.verdicts:
        cls = "" if v.verified else ' class="unverified"'
        conditions = "; ".join(v.conditions)
        rows.append(
            f"<tr{cls}><td>{escape_html(v.label)}</td><td>{escape_html(v.basis)}</td>"
            f'<td class="num">{_pct(v.required_rate)}</td><td class="num">{_pct(v.rate)}</td>'
            f"<td>{_status(v.passed)}</td><td>{escape_html(conditions)}</td><td>{escape_html(v.source)}"
            f"{'' if v.verified else ' (unverified)'}</td></tr>"
        )
    return (
        "<table><tr><th>threshold 目标</th><th>basis</th><th>required</th><th>rate 节能率</th>"
        "<th>verdict</th><th>conditions</th><th>source</th></tr>" + "".join(rows) + "</table>"
    )


def _energy(result: ComplianceResult) -> str:
    d, r = result.design, result.reference
    uses = list(d.building.by_end_use_kgce)
    rows = ["<tr><th>end use</th><th>design kgce</th><th>reference kgce</th><th>saving</th></tr>"]
    for use in uses:
        a, b = d.building.by_end_use_kgce[use], r.building.by_end_use_kgce.get(use, 0.0)
        if not a and not b:
            continue
        rows.append(
            f"<tr><td>{escape_html(use)}</td><td class='num'>{number_text(a)}</td>"
            f"<td class='num'>{number_text(b)}</td>"
            f"<td class='num'>{_pct(1 - a / b) if b else '–'}</td></tr>"
        )
    rows.append(
        f"<tr><th>total (before renewables)</th><td class='num'>{number_text(d.building.kgce)}</td>"
        f"<td class='num'>{number_text(r.building.kgce)}</td>"
        f"<td class='num'>{_pct(result.rates['whole_building'])}</td></tr>"
        f"<tr><td>on-site renewables</td>"
        f"<td class='num'>-{number_text(d.building.renewable_kgce)}</td>"
        f"<td></td><td></td></tr>"
        f"<tr><th>comprehensive 综合</th>"
        f"<td class='num'>{number_text(d.building.comprehensive_kgce)}"
        f"</td><td class='num'>{number_text(r.building.kgce)}</td>"
        f"<td class='num'>{_pct(result.rates['comprehensive'])}</td></tr>"
    )
    hvac = [
        "<tr><th>App. B heating + cooling</th><th>design</th><th>reference</th></tr>",
        f"<tr><td>cooling load [kWh]</td><td class='num'>{number_text(d.cooling_load_kwh, 0)}</td>"
        f"<td class='num'>{number_text(r.cooling_load_kwh, 0)}</td></tr>",
        f"<tr><td>heating load [kWh]</td><td class='num'>{number_text(d.heating_load_kwh, 0)}</td>"
        f"<td class='num'>{number_text(r.heating_load_kwh, 0)}</td></tr>",
        f"<tr><td>cooling electricity = load / SCOP_T [kWh]</td>"
        f"<td class='num'>{number_text(d.hvac.cooling_electricity_kwh, 0)}</td>"
        f"<td class='num'>{number_text(r.hvac.cooling_electricity_kwh, 0)}</td></tr>",
        f"<tr><td>heating gas = load / 0.75 [m³]</td>"
        f"<td class='num'>{number_text(d.hvac.heating_gas_m3, 0)}</td>"
        f"<td class='num'>{number_text(r.hvac.heating_gas_m3, 0)}</td></tr>",
        f"<tr><td>total [kgce]</td><td class='num'>{number_text(d.hvac.kgce)}</td>"
        f"<td class='num'>{number_text(r.hvac.kgce)}</td></tr>",
        f"<tr><td>total, electricity-equivalent [kWh]</td>"
        f"<td class='num'>{number_text(d.hvac.electricity_equivalent_kwh, 0)}</td>"
        f"<td class='num'>{number_text(r.hvac.electricity_equivalent_kwh, 0)}</td></tr>",
        f"<tr><th>HVAC saving rate</th><td colspan=2 class='num'>{_pct(result.rates['hvac'])}"
        "</td></tr>",
    ]
    return (
        "<h3>Whole building 全楼 (heating, cooling, fans, pumps, lighting, hot water)</h3>"
        f"<table>{''.join(rows)}</table>"
        "<h3>GB 50189-2015 App. B heating and cooling 供暖空调 (same notional system)</h3>"
        f"<table>{''.join(hvac)}</table>"
    )


def _carbon(result: ComplianceResult) -> str:
    data = result.to_dict()
    need = data["carbon_reduction_required_kgco2_per_m2"]
    fraction = data["carbon_reduction_fraction"]
    reduction = data["carbon_reduction_kgco2_per_m2"]
    ok = reduction >= need if reduction == reduction else None
    need_fraction = _pct(data["carbon_reduction_required_fraction"])
    return (
        "<table><tr><th></th><th>kgCO₂/(m²·a)</th></tr>"
        f"<tr><td>design 设计建筑</td><td class='num'>"
        f"{number_text(data['carbon_intensity_design_kgco2_per_m2'], 2)}</td></tr>"
        f"<tr><td>reference 参照建筑</td><td class='num'>"
        f"{number_text(data['carbon_intensity_reference_kgco2_per_m2'], 2)}</td></tr>"
        f"<tr><td>reduction (GB 55015-2021: ≥ {need:g} and {need_fraction} on average)</td>"
        f"<td class='num'>{number_text(reduction, 2)} ({_pct(fraction)}) {_status(ok)}</td>"
        "</tr></table>"
    )


def _checks(result: ComplianceResult) -> str:
    rows = []
    for c in result.checks:
        cls = "" if c.verified else ' class="unverified"'
        rows.append(
            f"<tr{cls}><td>{escape_html(c.clause)}</td><td>{escape_html(c.item)}</td><td>{escape_html(c.required)}</td>"
            f"<td class='num'>{number_text(c.actual, 3)}</td><td>{escape_html(c.unit)}</td>"
            f"<td>{_status(c.passed)}</td><td>{escape_html(c.source)}"
            f"{'' if c.verified else ' (unverified)'}</td><td>{escape_html(c.note)}</td></tr>"
        )
    return (
        "<table><tr><th>clause 条文</th><th>item</th><th>required</th><th>actual</th>"
        "<th>unit</th><th>result</th><th>source</th><th>note</th></tr>" + "".join(rows) + "</table>"
    )


def render_html(result: ComplianceResult) -> str:
    """The whole page as a string."""
    d = result.to_dict()
    warnings = "".join(f"<li>{escape_html(w)}</li>" for w in result.warnings)
    unverified = "".join(f"<li>{escape_html(u)}</li>" for u in result.unverified)
    notes = "".join(f"<li>{escape_html(n)}</li>" for n in result.notes)
    inputs = "".join(
        f"<h3>{escape_html(name.replace('_', ' '))}</h3>{_table(rows)}"
        for name, rows in result.inputs.items()
    )
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    basis = escape_html(d["energy_basis"])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Compliance 节能审查: {escape_html(result.model)}</title>
<style>{PAGE_CSS}</style></head><body>
<h1>Energy compliance 建筑节能审查 — {escape_html(result.model)}</h1>
<p>{escape_html(result.rules.title)} · building type {escape_html(result.building_type)} · weather
{escape_html(result.weather)} · period {escape_html(result.period)} · floor area
{number_text(result.design.floor_area_m2, 0)} m² · generated {generated} by retrofit</p>
{f'<div class="warn"><b>Warnings</b><ul>{warnings}</ul></div>' if warnings else ""}
<h2>Verdicts 结论</h2>{_verdicts(result)}
<p class="small">Rates: 1 − E<sub>design</sub> / E<sub>reference</sub>. Basis: {basis}.
Yellow rows rest on unverified values.</p>
<h2>Energy 能耗</h2>{_energy(result)}
<h2>Carbon 碳排放强度</h2>{_carbon(result)}
<h2>Inputs: design vs reference 设计建筑与参照建筑</h2>{inputs}
<h2>Prescriptive checks 规定性指标</h2>{_checks(result)}
<h2>Unverified values 未核验数值</h2><ul>{unverified or "<li>none</li>"}</ul>
{f"<h2>Notes</h2><ul>{notes}</ul>" if notes else ""}
</body></html>
"""
