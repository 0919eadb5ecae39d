"""``retrofit report``: the page a building owner reads, one self-contained HTML file.

The page is built from a finished study store (``runs/<study>/``) and simulates nothing: it reads
``study.toml``, ``results.csv``, ``ranking.csv``, ``macc.csv``, ``variants.json``, the baseline's
record in ``records/`` and, where present, ``uncertainty/percentiles.csv``. It does not call
:func:`retrofit.runner.rank_store`, which rewrites the store's tables; run ``retrofit rank`` first
if they are out of date.

Sections: building summary; baseline end uses (table and chart); monthly electricity and gas of
the baseline; the measures (savings in kWh, tce, tCO2 and RMB, capital, payback, RMB/tCO2); the
MACC; the packages; the uncertainty bands (P10/P50/P90) where the study has them; the position
against the reference building where the results have ``saving_rate_vs_reference``; the
assumptions with their sources, unverified ones flagged.

Everything is inline: the CSS, and every chart a base64 PNG data URI drawn with matplotlib's Agg
backend. No scripts, no external fetches. Labels come in Chinese or English (:data:`LABELS`);
numbers and units are written the same way in both (``1,234.5 kWh``). Charts use the chosen
language only when matplotlib finds a CJK font (:data:`CJK_FONTS`); without one their labels are
English, since Chinese would draw as empty boxes. A PDF where cheap: ``--pdf`` prints the page
with headless Chromium when it is installed (:func:`print_pdf`), no PDF library is added.
"""

from __future__ import annotations

import base64
import io
import json
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from retrofit.compliance.html import PAGE_CSS, escape_html, number_text
from retrofit.errors import InputError

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: Languages of the page.
LANGUAGES = ("zh", "en")
#: Default language (the owner's).
DEFAULT_LANGUAGE = "zh"

#: Every label on the page, by key: ``{"zh": ..., "en": ...}``.
LABELS: dict[str, dict[str, str]] = {
    "title": {"zh": "建筑节能改造评估报告", "en": "Building retrofit report"},
    "summary": {"zh": "建筑概况", "en": "Building summary"},
    "study": {"zh": "研究", "en": "Study"},
    "description": {"zh": "说明", "en": "Description"},
    "model": {"zh": "模型", "en": "Model"},
    "floor_area": {"zh": "建筑面积", "en": "Floor area"},
    "weather": {"zh": "气象数据", "en": "Weather"},
    "period": {"zh": "模拟时段", "en": "Run period"},
    "reference": {"zh": "参照建筑标准", "en": "Reference building"},
    "generated": {"zh": "生成时间", "en": "Generated"},
    "baseline_totals": {"zh": "基准能耗", "en": "Baseline totals"},
    "site_energy": {"zh": "总能耗", "en": "Site energy"},
    "electricity": {"zh": "电", "en": "Electricity"},
    "natural_gas": {"zh": "天然气", "en": "Natural gas"},
    "energy_tce": {"zh": "标准煤", "en": "Energy"},
    "emissions": {"zh": "碳排放", "en": "Emissions"},
    "energy_cost": {"zh": "能源费用", "en": "Energy cost"},
    "eui": {"zh": "单位面积能耗", "en": "Energy use intensity"},
    "end_uses": {"zh": "基准分项能耗", "en": "Baseline end uses"},
    "end_use": {"zh": "分项", "en": "End use"},
    "total": {"zh": "合计", "en": "Total"},
    "monthly": {"zh": "逐月能耗", "en": "Monthly energy"},
    "month": {"zh": "月份", "en": "Month"},
    "measures": {"zh": "节能措施", "en": "Measures"},
    "measure": {"zh": "措施", "en": "Measure"},
    "rank": {"zh": "排序", "en": "Rank"},
    "saving_kwh": {"zh": "节能量", "en": "Saving"},
    "saving_tce": {"zh": "节约标煤", "en": "Saving"},
    "saving_tco2": {"zh": "减碳量", "en": "CO2 saving"},
    "saving_rmb": {"zh": "节约费用", "en": "Cost saving"},
    "capex": {"zh": "投资", "en": "Capital cost"},
    "payback": {"zh": "静态回收期", "en": "Simple payback"},
    "cost_per_tco2": {"zh": "减碳成本", "en": "Cost per tCO2"},
    "note": {"zh": "备注", "en": "Note"},
    "macc": {"zh": "边际减排成本曲线", "en": "Marginal abatement cost curve"},
    "macc_note": {
        "zh": "按减碳成本由低到高逐项叠加（含措施间相互影响）。",
        "en": "Measures stacked cheapest tonne first, interactions included.",
    },
    "packages": {"zh": "措施组合", "en": "Packages"},
    "package": {"zh": "组合", "en": "Package"},
    "contents": {"zh": "包含措施", "en": "Measures in it"},
    "uncertainty": {"zh": "不确定性分析", "en": "Uncertainty"},
    "output": {"zh": "指标", "en": "Output"},
    "uncertainty_note": {
        "zh": "P10 / P50 / P90：输入参数抽样得到的第10、50、90百分位数。",
        "en": "P10 / P50 / P90: the 10th, 50th and 90th percentiles over the sampled inputs.",
    },
    "compliance": {"zh": "与参照建筑对比（节能率）", "en": "Against the reference building"},
    "compliance_note": {
        "zh": "节能率 = 1 − 能耗/参照建筑能耗；综合节能率计入可再生能源。",
        "en": "Saving rate = 1 − energy / reference energy; comprehensive counts renewables.",
    },
    "variant": {"zh": "方案", "en": "Variant"},
    "kind": {"zh": "类型", "en": "Kind"},
    "saving_rate": {"zh": "节能率", "en": "Saving rate"},
    "saving_rate_comprehensive": {"zh": "综合节能率", "en": "Comprehensive rate"},
    "met": {"zh": "达标", "en": "met"},
    "not_met": {"zh": "未达标", "en": "not met"},
    "targets_met": {"zh": "已达到的目标", "en": "Targets met"},
    "none": {"zh": "无", "en": "none"},
    "baseline": {"zh": "基准", "en": "baseline"},
    "stacked": {"zh": "逐项叠加", "en": "stacked"},
    "assumptions": {"zh": "假设与数据来源", "en": "Assumptions and sources"},
    "assumption": {"zh": "假设", "en": "Assumption"},
    "source": {"zh": "来源", "en": "Source"},
    "verified": {"zh": "核验", "en": "Verified"},
    "unverified": {"zh": "未核验", "en": "unverified"},
    "verified_yes": {"zh": "已核验", "en": "verified"},
    "assumptions_note": {
        "zh": "黄色行为未核验数值，结论依赖于这些数值。",
        "en": "Yellow rows are unverified values the results rest on.",
    },
    "chart_end_uses": {"zh": "基准分项能耗 [kWh]", "en": "Baseline end uses [kWh]"},
    "chart_energy_kwh": {"zh": "能耗 [kWh]", "en": "energy [kWh]"},
    "chart_monthly": {"zh": "基准逐月能耗", "en": "Baseline energy by month"},
    "chart_uncertainty": {"zh": "减碳量 P10–P90", "en": "CO2 saving, P10–P90"},
    "chart_rate": {"zh": "相对参照建筑节能率 [%]", "en": "saving rate vs reference [%]"},
    "generator": {"zh": "由 retrofit 生成", "en": "by retrofit"},
}

#: Font families matplotlib may find for Chinese chart labels, first match wins.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "SimHei",
    "Microsoft YaHei",
)

#: Resolution of the embedded charts [dots per inch]; 100 keeps the page small and sharp.
CHART_DPI = 100
#: Size of a wide chart [inch].
CHART_SIZE_IN = (9.0, 4.5)
#: Colours of electricity and natural gas in the charts.
FUEL_COLOURS = {"electricity_kwh": "#2a6f97", "natural_gas_kwh": "#e76f51"}
#: Fallback colour of other fuels.
OTHER_FUEL_COLOUR = "#8d99ae"
#: kWh per MWh, for the chart axes.
KWH_PER_MWH = 1000.0
#: Output of ``percentiles.csv`` drawn as error bars.
UNCERTAINTY_CHART_OUTPUT = "saving_tco2"
#: Kinds of result rows shown against the reference, in this order.
COMPLIANCE_KINDS = ("reference", "baseline", "package", "stacked")
#: Marker of an unverified value in an assumption text.
UNVERIFIED_MARKERS = ("[unverified]", "not verified", "ASSUMPTION")

# Files of a study store (retrofit.runner and retrofit.uncertainty.study write them).
STUDY_FILE = "study.toml"
RESULTS_FILE = "results.csv"
RANKING_FILE = "ranking.csv"
MACC_FILE = "macc.csv"
VARIANTS_FILE = "variants.json"
RECORDS_DIR = "records"
UNCERTAINTY_PERCENTILES = Path("uncertainty") / "percentiles.csv"

_EXTRA_CSS = """
.unverified td{background:#fff8c5}span.num{display:block;text-align:right;
font-variant-numeric:tabular-nums}img{max-width:100%;height:auto;display:block;margin:.5rem 0}
.cards{display:flex;flex-wrap:wrap;gap:.75rem}.card{border:1px solid #d0d7de;border-radius:6px;
padding:.5rem .9rem;min-width:10rem}.card b{display:block;font-size:1.2rem}
"""


def label(key: str, lang: str) -> str:
    """The label ``key`` in ``lang`` (``zh`` or ``en``)."""
    return LABELS[key][lang]


def cjk_font() -> str | None:
    """The first of :data:`CJK_FONTS` matplotlib knows, or None."""
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in known), None)


# --------------------------------------------------------------------------------------------
# Reading the store
# --------------------------------------------------------------------------------------------


def read_store(store_dir: str | os.PathLike) -> dict[str, Any]:
    """Everything the page needs from a finished study store, read-only.

    Returns
    -------
    dict
        ``study`` (the parsed study file), ``results``, ``ranking``, ``macc`` and
        ``percentiles`` (DataFrames; ``macc`` and ``percentiles`` may be empty), ``baseline``
        (the baseline record: ``summary`` and ``monthly``) and ``assumptions`` (texts, first
        occurrence order, de-duplicated).
    """
    root = Path(store_dir)
    results_path = root / RESULTS_FILE
    if not (root / STUDY_FILE).is_file() or not results_path.is_file():
        raise InputError(f"{root}: not a finished study store (no {STUDY_FILE} / {RESULTS_FILE})")
    study = tomllib.loads((root / STUDY_FILE).read_text())
    results = pd.read_csv(results_path)
    ranking = _read_csv(root / RANKING_FILE)
    macc = _read_csv(root / MACC_FILE)
    percentiles = _read_csv(root / UNCERTAINTY_PERCENTILES)
    records = {}
    for hash_ in results.get("hash", pd.Series(dtype=object)).dropna():
        path = root / RECORDS_DIR / f"{hash_}.json"
        if path.is_file():
            records[hash_] = json.loads(path.read_text())
    base = results[results["kind"] == "baseline"]
    baseline = records.get(base["hash"].iloc[0]) if len(base) and "hash" in base else None
    if baseline is None or baseline.get("status") != "ok":
        raise InputError(f"{root}: the baseline has no successful record; run the study")
    texts: list[str] = []
    for record in records.values():
        texts.extend(record.get("summary", {}).get("assumptions", []) or [])
    variants_path = root / VARIANTS_FILE
    if variants_path.is_file():
        for item in json.loads(variants_path.read_text()):
            texts.extend(item.get("prepared", {}).get("assumptions", []) or [])
    return {
        "study": study,
        "results": results,
        "ranking": ranking,
        "macc": macc,
        "percentiles": percentiles,
        "baseline": baseline,
        "assumptions": list(dict.fromkeys(texts)),
    }


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file() or path.stat().st_size == 0:
        return pd.DataFrame()
    try:
        return pd.read_csv(path)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()


def split_assumption(text: str) -> tuple[str, str, bool]:
    """An assumption text as (value, source, unverified).

    The measures write ``name = value unit (source) [unverified]``; the tariffs and emission
    factors ``name value is not verified: source``.
    """
    unverified = any(marker in text for marker in UNVERIFIED_MARKERS)
    body = text.replace("[unverified]", "").strip()
    if " is not verified: " in body:
        value, source = body.split(" is not verified: ", 1)
        return value.strip(), source.strip(), True
    match = re.match(r"^(.*?)\s\((.*)\)$", body, flags=re.DOTALL)
    if match:
        return match.group(1).strip(), match.group(2).strip(), unverified
    return body, "", unverified


# --------------------------------------------------------------------------------------------
# Charts (matplotlib Agg → PNG data URI)
# --------------------------------------------------------------------------------------------


def _figure(size_in: Sequence[float] = CHART_SIZE_IN):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = cjk_font()
    if font:
        plt.rcParams["font.sans-serif"] = [font, *plt.rcParams["font.sans-serif"]]
        plt.rcParams["axes.unicode_minus"] = False
    return plt.subplots(figsize=tuple(size_in))


def _data_uri(fig) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=CHART_DPI)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _img(uri: str, alt: str) -> str:
    return f'<img src="{uri}" alt="{escape_html(alt)}">'


def chart_end_uses(end_uses_kwh: Mapping[str, Mapping[str, float]], lang: str) -> str:
    """Horizontal bars of the baseline's end uses by fuel [MWh], as a data URI."""
    fig, ax = _figure((CHART_SIZE_IN[0], 0.4 * max(len(end_uses_kwh), 4) + 1.2))
    uses = [u for u, fuels in end_uses_kwh.items() if sum(fuels.values())]
    left = [0.0] * len(uses)
    fuels = list(dict.fromkeys(f for u in uses for f in end_uses_kwh[u]))
    for fuel in fuels:
        widths = [end_uses_kwh[u].get(fuel, 0.0) / KWH_PER_MWH for u in uses]
        colour = FUEL_COLOURS.get(fuel, OTHER_FUEL_COLOUR)
        ax.barh(uses, widths, left=left, color=colour, label=fuel.removesuffix("_kwh"))
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.invert_yaxis()
    ax.set_xlabel("MWh")
    ax.set_title(label("chart_end_uses", lang).replace("[kWh]", "[MWh]"))
    ax.legend()
    return _data_uri(fig)


def chart_monthly(monthly: Mapping[str, Sequence[float]], lang: str) -> str:
    """Grouped bars of the baseline's electricity and gas by month [MWh], as a data URI."""
    fig, ax = _figure()
    months = list(monthly["month"])
    series = [k for k in ("electricity_kwh", "natural_gas_kwh") if k in monthly]
    width = 1.0 / (len(series) + 1)
    for i, key in enumerate(series):
        values = [v / KWH_PER_MWH for v in monthly[key]]
        positions = [m + (i - (len(series) - 1) / 2) * width for m in months]
        ax.bar(positions, values, width=width, color=FUEL_COLOURS[key], label=key[:-4])
    ax.set_xticks(months)
    ax.set_xlabel(label("month", lang))
    ax.set_ylabel("MWh")
    ax.set_title(label("chart_monthly", lang))
    ax.legend()
    return _data_uri(fig)


def chart_macc(macc: pd.DataFrame, lang: str) -> str:
    """The MACC (width tCO2/a, height RMB/tCO2), as a data URI."""
    from retrofit.report import draw_macc

    fig, ax = _figure()
    draw_macc(ax, macc)
    ax.set_xlabel("tCO2/a")
    ax.set_ylabel("RMB/tCO2")
    ax.set_title(label("macc", lang))
    return _data_uri(fig)


def chart_uncertainty(percentiles: pd.DataFrame, output: str, lang: str) -> str:
    """P50 of ``output`` per measure with P10–P90 error bars, as a data URI."""
    rows = percentiles[percentiles["output"] == output]
    fig, ax = _figure((CHART_SIZE_IN[0], 0.45 * max(len(rows), 3) + 1.2))
    names = [str(m) for m in rows["measure"]]
    p10, p50, p90 = (rows[c].astype(float).tolist() for c in ("p10", "p50", "p90"))
    low = [max(b - a, 0.0) for a, b in zip(p10, p50, strict=True)]
    high = [max(c - b, 0.0) for b, c in zip(p50, p90, strict=True)]
    ax.errorbar(p50, names, xerr=[low, high], fmt="o", color="#2a6f97", capsize=4)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.invert_yaxis()
    ax.set_xlabel(output)
    ax.set_title(label("chart_uncertainty", lang) if output == "saving_tco2" else output)
    return _data_uri(fig)


def chart_rates(rows: pd.DataFrame, targets: Mapping[str, float], lang: str) -> str:
    """Saving rate against the reference per variant [%], target lines dashed, as a data URI."""
    fig, ax = _figure((CHART_SIZE_IN[0], 0.4 * max(len(rows), 4) + 1.2))
    names = [str(v) for v in rows["label"]]
    rates = [100 * float(r) for r in rows["saving_rate_vs_reference"]]
    ax.barh(names, rates, color=["#2a9d8f" if r > 0 else "#d62828" for r in rates])
    for name, rate in targets.items():
        ax.axvline(100 * rate, linestyle="--", color="#6e7781", linewidth=1)
        ax.text(100 * rate, -0.6, name, fontsize=7, rotation=90, va="bottom")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.invert_yaxis()
    ax.set_xlabel(label("chart_rate", lang))
    return _data_uri(fig)


# --------------------------------------------------------------------------------------------
# HTML pieces
# --------------------------------------------------------------------------------------------


def _grid(header: Sequence[str], rows: Iterable[Sequence[Any]], classes: Sequence[str] = ()) -> str:
    """A table: ``header`` cells, then rows of pre-rendered HTML cells (row classes optional)."""
    head = "".join(f"<th>{escape_html(h)}</th>" for h in header)
    head = f"<tr>{head}</tr>" if any(header) else ""
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{classes[i]}"' if i < len(classes) and classes[i] else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    return f"<table>{head}{''.join(body)}</table>"


def _n(value: Any, digits: int = 1) -> str:
    """A number right-aligned (``–`` for missing or infinite)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    text = "–" if math.isinf(number) else number_text(value, digits)
    return f'<span class="num">{text}</span>'


def _pct(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    return "–" if math.isnan(number) else f"{100 * number:.1f} %"


def _summary(data: dict, lang: str, generated: str) -> str:
    study, base = data["study"], data["baseline"]["summary"]
    spec = study.get("baseline", {})
    rows = [
        (label("study", lang), escape_html(study.get("name", ""))),
        (label("description", lang), escape_html(study.get("description", ""))),
        (label("model", lang), escape_html(spec.get("model", base.get("model", "")))),
        (label("floor_area", lang), f"{number_text(base.get('floor_area_m2'), 0)} m²"),
        (
            label("weather", lang),
            escape_html(Path(str(spec.get("weather", base.get("weather", "")))).name),
        ),
        (label("period", lang), escape_html(spec.get("period", base.get("period", "")))),
        (label("reference", lang), escape_html(study.get("reference") or label("none", lang))),
        (label("generated", lang), escape_html(generated)),
    ]
    cards = [
        ("site_energy", base.get("site_energy_kwh"), 0, "kWh"),
        ("electricity", base.get("electricity_kwh"), 0, "kWh"),
        ("natural_gas", base.get("natural_gas_kwh"), 0, "kWh"),
        ("energy_tce", base.get("energy_tce"), 1, "tce"),
        ("emissions", base.get("emissions_tco2"), 1, "tCO2"),
        ("energy_cost", base.get("energy_cost_rmb"), 0, "RMB"),
        ("eui", base.get("eui_kwh_per_m2"), 1, "kWh/m²"),
    ]
    card_html = "".join(
        f'<div class="card">{escape_html(label(k, lang))}<b>{number_text(v, d)} {u}</b></div>'
        for k, v, d, u in cards
    )
    return (
        f"<h2>{label('summary', lang)}</h2>"
        + _grid(["", ""], [(f"<b>{k}</b>", v) for k, v in rows])
        + f"<h3>{label('baseline_totals', lang)}</h3><div class='cards'>{card_html}</div>"
    )


def _end_uses(data: dict, lang: str, chart_lang: str) -> str:
    end_uses = data["baseline"]["summary"].get("end_uses_kwh") or {}
    if not end_uses:
        return ""
    fuels = list(dict.fromkeys(f for use in end_uses.values() for f in use))
    rows, totals = [], dict.fromkeys(fuels, 0.0)
    for use, by_fuel in end_uses.items():
        if not sum(by_fuel.values()):
            continue
        rows.append([escape_html(use)] + [_n(by_fuel.get(f, 0.0), 0) for f in fuels])
        for f in fuels:
            totals[f] += by_fuel.get(f, 0.0)
    rows.append([f"<b>{label('total', lang)}</b>"] + [_n(totals[f], 0) for f in fuels])
    header = [label("end_use", lang)] + [f"{f.removesuffix('_kwh')} [kWh]" for f in fuels]
    return (
        f"<h2>{label('end_uses', lang)}</h2>"
        + _grid(header, rows)
        + _img(chart_end_uses(end_uses, chart_lang), label("end_uses", lang))
    )


def _monthly(data: dict, lang: str, chart_lang: str) -> str:
    monthly = data["baseline"].get("monthly") or {}
    if not monthly.get("month"):
        return ""
    keys = [k for k in ("electricity_kwh", "natural_gas_kwh") if k in monthly]
    rows = [[str(m)] + [_n(monthly[k][i], 0) for k in keys] for i, m in enumerate(monthly["month"])]
    header = [label("month", lang)] + [f"{label(k[:-4], lang)} [kWh]" for k in keys]
    return (
        f"<h2>{label('monthly', lang)}</h2>"
        + _img(chart_monthly(monthly, chart_lang), label("monthly", lang))
        + _grid(header, rows)
    )


#: Columns of the measure and package tables: (results column, label key, unit, digits).
MEASURE_COLUMNS = (
    ("saving_kwh", "saving_kwh", "kWh/a", 0),
    ("saving_tce", "saving_tce", "tce/a", 1),
    ("saving_tco2", "saving_tco2", "tCO2/a", 1),
    ("saving_rmb", "saving_rmb", "RMB/a", 0),
    ("capex_rmb", "capex", "RMB", 0),
    ("payback_years", "payback", "a", 1),
    ("cost_per_tco2_rmb", "cost_per_tco2", "RMB/tCO2", 0),
)


def _measure_rows(data: dict, kind: str) -> pd.DataFrame:
    ranking, results = data["ranking"], data["results"]
    if ranking.empty:
        table = results[results["kind"] == kind].copy()
        table["rank"], table["note"] = math.nan, ""
    else:
        table = ranking[ranking["kind"] == kind][["variant", "rank", "note"]]
        table = table.merge(results, on="variant", how="left")
    return table


def _measures_table(data: dict, lang: str, kind: str) -> str:
    table = _measure_rows(data, kind)
    if table.empty:
        return f"<p class='na'>{label('none', lang)}</p>"
    first = label("measure" if kind == "measure" else "package", lang)
    header = [label("rank", lang), first]
    if kind == "package":
        header.append(label("contents", lang))
    header += [f"{label(key, lang)} [{unit}]" for _, key, unit, _ in MEASURE_COLUMNS]
    header.append(label("note", lang))
    rows = []
    for _, r in table.iterrows():
        rank = "" if pd.isna(r.get("rank")) else str(int(r["rank"]))
        row = [rank, escape_html(r["label"])]
        if kind == "package":
            row.append(escape_html(str(r.get("measures", "")).replace("+", " + ")))
        row += [_n(r.get(col), digits) for col, _, _, digits in MEASURE_COLUMNS]
        note = r.get("note")
        row.append(escape_html("" if pd.isna(note) else note))
        rows.append(row)
    return _grid(header, rows)


def _macc(data: dict, lang: str, chart_lang: str) -> str:
    macc = data["macc"]
    if macc.empty:
        return ""
    return f"<h2>{label('macc', lang)}</h2><p class='small'>{label('macc_note', lang)}</p>" + _img(
        chart_macc(macc, chart_lang), label("macc", lang)
    )


def _uncertainty(data: dict, lang: str, chart_lang: str) -> str:
    spread = data["percentiles"]
    if spread.empty:
        return ""
    header = [label("measure", lang), label("output", lang), "P10", "P50", "P90"]
    rows = [
        [escape_html(r["measure"]), escape_html(r["output"])]
        + [_n(r[c], 1) for c in ("p10", "p50", "p90")]
        for _, r in spread.iterrows()
    ]
    output = (
        UNCERTAINTY_CHART_OUTPUT
        if (spread["output"] == UNCERTAINTY_CHART_OUTPUT).any()
        else str(spread["output"].iloc[0])
    )
    return (
        f"<h2>{label('uncertainty', lang)}</h2><p class='small'>"
        f"{label('uncertainty_note', lang)}</p>"
        + _img(chart_uncertainty(spread, output, chart_lang), label("uncertainty", lang))
        + _grid(header, rows)
    )


def _targets(results: pd.DataFrame) -> dict[str, float]:
    """Target names from the ``meets_<name>_<percent>`` columns, with their rate (fraction)."""
    targets = {}
    for column in results.columns:
        if column.startswith("meets_"):
            name = column.removeprefix("meets_")
            match = re.search(r"_(\d+)$", name)
            targets[name] = int(match.group(1)) / 100 if match else math.nan
    return targets


def _compliance(data: dict, lang: str, chart_lang: str) -> str:
    results = data["results"]
    if "saving_rate_vs_reference" not in results:
        return ""
    rows = results[results["kind"].isin(COMPLIANCE_KINDS) & (results["status"] == "ok")].copy()
    rows["order"] = rows["kind"].map({k: i for i, k in enumerate(COMPLIANCE_KINDS)})
    rows = rows.sort_values(["order", "variant"])
    targets = _targets(results)
    header = [
        label("variant", lang),
        label("kind", lang),
        f"{label('saving_rate', lang)} [%]",
        f"{label('saving_rate_comprehensive', lang)} [%]",
    ] + list(targets)
    body = []
    for _, r in rows.iterrows():
        met = [
            f"<span class='pass'>✓ {label('met', lang)}</span>"
            if bool(r.get(f"meets_{t}"))
            else f"<span class='fail'>✗ {label('not_met', lang)}</span>"
            for t in targets
        ]
        kind = label(r["kind"], lang) if r["kind"] in LABELS else r["kind"]
        body.append(
            [
                escape_html(r["label"]),
                escape_html(kind),
                _pct(r["saving_rate_vs_reference"]),
                _pct(r.get("saving_rate_comprehensive_vs_reference")),
            ]
            + met
        )
    reached = [
        t
        for t in targets
        if f"meets_{t}" in rows and rows[f"meets_{t}"].fillna(False).astype(bool).any()
    ]
    finite = {k: v for k, v in targets.items() if not math.isnan(v)}
    shown = rows[rows["kind"] != "reference"]
    return (
        f"<h2>{label('compliance', lang)}</h2><p class='small'>{label('compliance_note', lang)}"
        f"</p><p><b>{label('targets_met', lang)}:</b> "
        f"{escape_html(', '.join(reached) or label('none', lang))}</p>"
        + _grid(header, body)
        + _img(chart_rates(shown, finite, chart_lang), label("compliance", lang))
    )


def _assumptions(data: dict, lang: str) -> str:
    texts = data["assumptions"]
    if not texts:
        return ""
    header = [label("assumption", lang), label("source", lang), label("verified", lang)]
    rows, classes = [], []
    for text in texts:
        value, source, unverified = split_assumption(text)
        flag = label("unverified" if unverified else "verified_yes", lang)
        rows.append([escape_html(value), escape_html(source), flag])
        classes.append("unverified" if unverified else "")
    return (
        f"<h2>{label('assumptions', lang)}</h2><p class='small'>"
        f"{label('assumptions_note', lang)}</p>" + _grid(header, rows, classes)
    )


def render_owner_report(data: dict, lang: str = DEFAULT_LANGUAGE) -> str:
    """The whole page as a string, from :func:`read_store`'s ``data``.

    Parameters
    ----------
    data : dict
        What :func:`read_store` returns.
    lang : {"zh", "en"}
        Language of the labels; numbers and units are the same in both.
    """
    if lang not in LANGUAGES:
        raise InputError(f"language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    chart_lang = lang if cjk_font() else "en"
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    name = data["study"].get("name", "")
    sections = [
        _summary(data, lang, generated),
        _end_uses(data, lang, chart_lang),
        _monthly(data, lang, chart_lang),
        f"<h2>{label('measures', lang)}</h2>" + _measures_table(data, lang, "measure"),
        _macc(data, lang, chart_lang),
        f"<h2>{label('packages', lang)}</h2>" + _measures_table(data, lang, "package"),
        _uncertainty(data, lang, chart_lang),
        _compliance(data, lang, chart_lang),
        _assumptions(data, lang),
    ]
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8">'
        f"<title>{label('title', lang)}: {escape_html(name)}</title>"
        f"<style>{PAGE_CSS}{_EXTRA_CSS}</style></head><body>"
        f"<h1>{label('title', lang)} — {escape_html(name)}</h1>"
        + "\n".join(s for s in sections if s)
        + f"<p class='small'>{label('generator', lang)} · {escape_html(generated)}</p>"
        + "</body></html>\n"
    )


def write_owner_report(
    store_dir: str | os.PathLike,
    lang: str = DEFAULT_LANGUAGE,
    out: str | os.PathLike | None = None,
) -> Path:
    """Write the owner's report of a finished study store.

    Parameters
    ----------
    store_dir : path
        The study's store, ``runs/<study>``.
    lang : {"zh", "en"}
        Language of the labels.
    out : path, optional
        The HTML file; default ``<store>/report-<lang>.html``.

    Returns
    -------
    Path
        The file written.
    """
    data = read_store(store_dir)
    path = Path(out) if out else Path(store_dir) / f"report-{lang}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_owner_report(data, lang), encoding="utf-8")
    return path


#: Headless Chromium flags for a closed network (no background fetches, no sandbox as root).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

#: Wall-clock limit of one Chromium print [s].
PDF_TIMEOUT_S = 120.0


def print_pdf(html_path: str | os.PathLike, pdf_path: str | os.PathLike | None = None) -> Path:
    """Print the report to PDF with headless Chromium (Debian's ``chromium``).

    Raises
    ------
    InputError
        Chromium is not installed (``make browser`` installs it), or it printed nothing.
    """
    import shutil
    import subprocess
    import tempfile

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise InputError("--pdf needs Chromium: install Debian's chromium package (make browser)")
    html = Path(html_path).resolve()
    pdf = Path(pdf_path) if pdf_path else html.with_suffix(".pdf")
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf.resolve()}",
                html.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=PDF_TIMEOUT_S,
        )
    if done.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        reason = (done.stderr or "").strip().splitlines()[-1:] or ["no output"]
        raise InputError(f"{html}: Chromium could not print a PDF: {reason[0]}")
    return pdf
