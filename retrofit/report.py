"""Gather a study's records into tables and plots: results, ranking, MACC.

Pure table-building (:func:`results_table`, :func:`ranking_table`, :func:`macc_table`) on the
records and preparations; the writers at the end put them on disk.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from retrofit import economics
from retrofit.savings import savings as savings_of

#: Columns of ``results.csv`` first, in this order (the rest follow).
LEADING_COLUMNS = (
    "variant",
    "kind",
    "label",
    "measures",
    "status",
    "comfort_ok",
    "site_energy_kwh",
    "electricity_kwh",
    "natural_gas_kwh",
    "energy_tce",
    "emissions_tco2",
    "energy_cost_rmb",
    "saving_kwh",
    "saving_tce",
    "saving_tco2",
    "saving_rmb",
    "capex_rmb",
    "annualised_capex_rmb",
    "om_change_rmb_per_year",
    "npv_rmb",
    "payback_years",
    "irr",
    "equivalent_annual_cost_rmb",
    "cost_per_tco2_rmb",
    "cost_per_tce_rmb",
    "peak_demand_kw",
    "unmet_hours_heating",
    "unmet_hours_cooling",
    "error",
)


def variant_economics(
    capex_rmb: dict[str, float],
    lifetime_years: dict[str, float],
    om_rmb_per_year: float,
    saving_rmb: float,
    saving_tco2: float,
    saving_tce: float,
    *,
    discount_rate: float,
    analysis_period_years: int,
) -> dict[str, float]:
    """Economics of one variant whose measures may have different lifetimes.

    Each measure's capital is annualised over its own lifetime and the annual amounts summed,
    so measures and packages with different lifetimes compare on annualised terms. NPV over the
    analysis period replaces each measure at the end of its life and credits its residual value
    (:func:`retrofit.economics.npv_rmb`). The equivalent annual cost is the levelised numerator
    of the cost per tonne: annualised capital + O&M change - energy-cost saving [RMB/a]; the IRR
    is that of the first installation's cash flow over the analysis period (NaN where undefined).
    """
    capex = float(sum(capex_rmb.values()))
    annualised = float(
        sum(
            economics.annualised_capex_rmb(c, discount_rate, lifetime_years[k])
            for k, c in capex_rmb.items()
        )
    )
    npv = float(
        sum(
            economics.npv_rmb(c, 0.0, 0.0, discount_rate, analysis_period_years, lifetime_years[k])
            for k, c in capex_rmb.items()
        )
    )
    npv += float(
        economics.npv_rmb(
            0.0,
            saving_rmb,
            om_rmb_per_year,
            discount_rate,
            analysis_period_years,
            analysis_period_years,
        )
    )
    net = saving_rmb - om_rmb_per_year
    flows = [-capex] + [net] * analysis_period_years
    irr = economics.irr(flows) if capex > 0 else float("nan")
    return {
        "capex_rmb": capex,
        "annualised_capex_rmb": annualised,
        "om_change_rmb_per_year": om_rmb_per_year,
        "npv_rmb": npv,
        "payback_years": float(economics.simple_payback_years(capex, net)),
        "irr": float("nan") if irr is None else float(irr),
        "equivalent_annual_cost_rmb": annualised + om_rmb_per_year - saving_rmb,
        "cost_per_tco2_rmb": float(
            economics.cost_per_tco2_rmb(annualised, om_rmb_per_year, saving_rmb, saving_tco2)
        ),
        "cost_per_tce_rmb": float(
            economics.cost_per_tce_rmb(annualised, om_rmb_per_year, saving_rmb, saving_tce)
        ),
    }


def results_table(
    variants, prepared, records, *, discount_rate, analysis_period_years, unmet_hours_limit
) -> pd.DataFrame:
    """One row per variant: its totals, savings against the baseline, and economics."""
    base_record = records.get(prepared["b00"].variant_hash) if "b00" in prepared else None
    baseline = base_record["summary"] if base_record and base_record["status"] == "ok" else None
    rows = []
    for variant in variants:
        p = prepared[variant.id]
        row = {
            "variant": variant.id,
            "kind": variant.kind,
            "label": variant.label,
            "measures": "+".join(variant.measures),
            "hash": p.variant_hash,
            "error": p.error,
        }
        record = records.get(p.variant_hash) if p.variant_hash else None
        if p.error:
            row["status"] = "not applicable"
        elif record is None:
            row["status"] = "missing"
        elif record["status"] != "ok":
            row["status"] = "failed"
            row["error"] = record.get("error", "")
            row["excerpt"] = record.get("excerpt", "")
        else:
            row["status"] = "ok"
            summary = record["summary"]
            for key, value in summary.items():
                if isinstance(value, int | float) and not isinstance(value, bool):
                    row[key] = value
            if baseline is not None:
                saved = savings_of(baseline, summary, unmet_hours_limit=unmet_hours_limit)
                row.update(saved)
                row["saving_kwh"] = saved["site_energy_saving_kwh"]
                row["saving_tce"] = saved["energy_saving_tce"]
                row["saving_tco2"] = saved["emissions_saving_tco2"]
                row["saving_rmb"] = saved["energy_cost_saving_rmb"]
                if variant.measures:
                    row.update(
                        variant_economics(
                            p.capex_rmb,
                            p.lifetime_years,
                            float(sum(p.om_rmb_per_year.values())),
                            row["saving_rmb"],
                            row["saving_tco2"],
                            row["saving_tce"],
                            discount_rate=discount_rate,
                            analysis_period_years=analysis_period_years,
                        )
                    )
        rows.append(row)
    table = pd.DataFrame(rows)
    leading = [c for c in LEADING_COLUMNS if c in table.columns]
    return table[leading + [c for c in table.columns if c not in leading]]


def ranking_table(results: pd.DataFrame) -> pd.DataFrame:
    """Measures and packages by cost per tCO2 (cheapest first); comfort breakers last, flagged."""
    cols = [
        "variant",
        "kind",
        "label",
        "saving_tco2",
        "saving_rmb",
        "capex_rmb",
        "npv_rmb",
        "payback_years",
        "cost_per_tco2_rmb",
        "cost_per_tce_rmb",
        "comfort_ok",
        "status",
    ]
    ranked = results[results["kind"].isin(["measure", "package"])].copy()
    for col in cols:
        if col not in ranked:
            ranked[col] = np.nan
    ranked = ranked[cols]
    ok = (ranked["status"] == "ok") & (ranked["comfort_ok"] == True)  # noqa: E712
    abating = ok & (ranked["saving_tco2"] > 0)
    ranked["rank"] = np.nan
    order = ranked[abating].sort_values("cost_per_tco2_rmb").index
    ranked.loc[order, "rank"] = range(1, len(order) + 1)
    ranked["note"] = np.where(
        ranked["status"] != "ok",
        ranked["status"],
        np.where(
            ranked["comfort_ok"] != True,  # noqa: E712
            "breaks comfort (unmet hours over the limit)",
            np.where(ranked["saving_tco2"] > 0, "", "no CO2 saving"),
        ),
    )
    return ranked.sort_values(["rank", "label"], na_position="last").reset_index(drop=True)


def stack_order(ranking: pd.DataFrame) -> list[str]:
    """Measure ids for the stacked sequence: ranked single measures, cheapest tonne first."""
    singles = ranking[(ranking["kind"] == "measure") & ranking["rank"].notna()]
    return list(singles.sort_values("rank")["label"])


def macc_table(
    results: pd.DataFrame, *, discount_rate: float, analysis_period_years: int, prepared
) -> pd.DataFrame:
    """The MACC from the stacked sequence: each step's incremental tCO2 and cost per tonne.

    Step k's abatement is what it saves beyond step k-1 (so interactions between measures are
    in it); its cost is the added measure's annualised capital and O&M minus the incremental
    energy-cost saving.
    """
    steps = results[results["kind"] == "stacked"].sort_values("variant")
    rows = []
    previous_tco2 = 0.0
    previous_rmb = 0.0
    for _, step in steps.iterrows():
        if step["status"] != "ok":
            continue
        key = step["label"].lstrip("+")
        p = prepared[step["variant"]]
        tco2 = float(step["saving_tco2"]) - previous_tco2
        rmb = float(step["saving_rmb"]) - previous_rmb
        annualised = (
            economics.annualised_capex_rmb(p.capex_rmb[key], discount_rate, p.lifetime_years[key])
            if key in p.capex_rmb
            else 0.0
        )
        om = p.om_rmb_per_year.get(key, 0.0)
        cost = economics.cost_per_tco2_rmb(annualised, om, rmb, tco2)
        rows.append(
            {
                "step": step["variant"],
                "measure": key,
                "incremental_tco2": tco2,
                "incremental_saving_rmb": rmb,
                "annualised_capex_rmb": annualised,
                "cost_per_tco2_rmb": float(cost),
                "cumulative_tco2": float(step["saving_tco2"]),
                "comfort_ok": bool(step.get("comfort_ok", True)),
            }
        )
        previous_tco2 = float(step["saving_tco2"])
        previous_rmb = float(step["saving_rmb"])
    if not rows:
        return pd.DataFrame()
    curve = economics.macc(
        pd.DataFrame(rows).rename(
            columns={"measure": "name", "incremental_tco2": "annual_tco2_abated"}
        )
    )
    return curve.rename(columns={"name": "measure", "annual_tco2_abated": "incremental_tco2"})


# --------------------------------------------------------------------------------------------
# Plots and console
# --------------------------------------------------------------------------------------------


#: MACC bar colours: measures that save money (negative RMB/tCO2) and those that cost.
MACC_COLOURS = {"saves": "#2a9d8f", "costs": "#e76f51"}


def draw_macc(ax, macc: pd.DataFrame) -> None:
    """Draw the MACC's bars on ``ax``: width = tCO2/a abated, height = RMB/tCO2, each bar labelled
    with its measure; the steps the ``included`` column keeps."""
    shown = macc[macc["included"].astype(bool)] if "included" in macc else macc.iloc[0:0]
    for _, row in shown.iterrows():
        left, width = row["cumulative_start_tco2"], row["incremental_tco2"]
        height = row["cost_per_tco2_rmb"]
        colour = MACC_COLOURS["saves"] if height < 0 else MACC_COLOURS["costs"]
        ax.bar(left, height, width=width, align="edge", color=colour, edgecolor="black")
        ax.text(
            left + width / 2,
            height,
            str(row["measure"]),
            ha="center",
            va="bottom" if height >= 0 else "top",
            fontsize=8,
            rotation=90,
        )
    ax.axhline(0, color="black", linewidth=0.8)


def plot_macc(macc: pd.DataFrame, path: Path, title: str) -> Path:
    """Marginal abatement cost curve: width = tCO2/a abated, height = RMB/tCO2."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 5))
    draw_macc(ax, macc)
    ax.set_xlabel("CO2 abated [tCO2/a] (stacked, with interactions)")
    ax.set_ylabel("levelised cost [RMB/tCO2]")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_savings(results: pd.DataFrame, path: Path, title: str) -> Path:
    """CO2 saving of every measure and package (red: breaks comfort)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = results[results["kind"].isin(["measure", "package"]) & (results["status"] == "ok")]
    fig, ax = plt.subplots(figsize=(9, 0.4 * max(len(shown), 3) + 1.5))
    colours = ["#2a9d8f" if ok else "#d62828" for ok in shown.get("comfort_ok", [])]
    ax.barh(shown["label"], shown["saving_tco2"], color=colours)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("CO2 saving against the baseline [tCO2/a]")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def format_ranking(ranking: pd.DataFrame) -> str:
    """The console table of the ranking."""
    lines = [
        f"{'rank':>4}  {'measure / package':24s} {'tCO2/a':>9} {'RMB/a':>11} {'capex RMB':>12} "
        f"{'payback a':>9} {'RMB/tCO2':>10}  note"
    ]
    for _, r in ranking.iterrows():
        rank = "" if pd.isna(r["rank"]) else f"{int(r['rank'])}"
        lines.append(
            f"{rank:>4}  {str(r['label'])[:24]:24s} {_num(r['saving_tco2'], 9, 1)} "
            f"{_num(r['saving_rmb'], 11, 0)} {_num(r['capex_rmb'], 12, 0)} "
            f"{_num(r['payback_years'], 9, 1)} {_num(r['cost_per_tco2_rmb'], 10, 0)}  {r['note']}"
        )
    return "\n".join(lines)


def _num(value, width: int, digits: int) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return " " * (width - 1) + "-"
    if math.isnan(v):
        return " " * (width - 1) + "-"
    if math.isinf(v):
        return f"{'inf' if v > 0 else '-inf':>{width}}"
    return f"{v:{width},.{digits}f}"
