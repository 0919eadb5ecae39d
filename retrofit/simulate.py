"""One simulation, end to end: resolve the inputs, prepare the model, run EnergyPlus, read and
account the results.

This is the single-run orchestrator that the CLI's ``simulate`` and ``demo`` call; study runners
fan out over the same steps.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from retrofit import tables
from retrofit.engine import DEFAULT_TIMEOUT_S, ErrSummary, energyplus_version, start_energyplus
from retrofit.idf import (
    EXPAND_OBJECT_PREFIXES,
    RunPeriod,
    load_idf,
    needs_expand_objects,
    parse_period,
    prepare_model,
    write_idf,
)
from retrofit.library import resolve_model
from retrofit.weather import design_days_for, read_epw, resolve_weather

if TYPE_CHECKING:
    from retrofit.results import Results

#: Name of the prepared model written into the run folder.
PREPARED_IDF = "in.idf"


@dataclass(frozen=True)
class Accounting:
    """Which factor and price tables to account with (names from ``retrofit/data``).

    Attributes
    ----------
    emissions : str
        CO2 factor set; default ``shanghai-2022`` (沪环气〔2022〕34号: 0.42 kgCO2/kWh).
    coal : str
        Standard-coal set; default ``equivalent`` (GB/T 2589: 0.1229 kgce/kWh).
    tariff : str
        Electricity and gas prices; default ``shanghai-two-part`` (沪发改价管〔2022〕50号 periods,
        price levels are labelled assumptions).
    factors_file, tariffs_file : path, optional
        A user's TOML overriding the package tables (the export price of on-site generation is
        ``[electricity_export_price]`` in the tariffs).
    credit_exported_co2 : bool
        Credit electricity exported by on-site generation at the grid CO2 factor; default False
        (no credit, :mod:`retrofit.accounting`).
    """

    emissions: str = tables.DEFAULT_EMISSION_SET
    coal: str = tables.DEFAULT_COAL_SET
    tariff: str = tables.DEFAULT_TARIFF
    factors_file: str | None = None
    tariffs_file: str | None = None
    credit_exported_co2: bool = False


@dataclass
class SimulationReport:
    """Everything one run produced.

    Attributes
    ----------
    model, weather : str
        What the user asked for (a name or a path).
    model_path, weather_path : Path
        The files used.
    design_days_source : str
        The DDY the design days came from, or the EPW header.
    period : RunPeriod
    run_dir : Path
        EnergyPlus's folder (``in.idf``, ``eplusout.sql``, ``eplusout.err``, ``eplustbl.htm``).
    results : Results
    accounting : dict
        The output of :func:`retrofit.accounting.account`.
    err : ErrSummary
    runtime_s, energyplus_runtime_s : float
        Wall time of the whole call and of the EnergyPlus process [s].
    """

    model: str
    weather: str
    model_path: Path
    weather_path: Path
    design_days_source: str
    period: RunPeriod
    run_dir: Path
    results: Results
    accounting: dict
    err: ErrSummary
    runtime_s: float
    energyplus_runtime_s: float
    energyplus_version: str = field(default_factory=energyplus_version)

    def summary(self) -> dict:
        """The glossary summary (what ``retrofit simulate --json`` prints)."""
        r = self.results
        totals = r.totals_kwh
        site = r.site_energy_kwh
        a = self.accounting
        return {
            "model": self.model,
            "model_path": str(self.model_path),
            "weather": str(self.weather_path),
            "design_days": self.design_days_source,
            "period": self.period.label,
            "environments": r.environments,
            "electricity_kwh": totals["electricity_kwh"],
            "natural_gas_kwh": totals["natural_gas_kwh"],
            "natural_gas_m3": a["natural_gas_m3"],
            "district_heating_kwh": totals["district_heating_kwh"],
            "district_cooling_kwh": totals["district_cooling_kwh"],
            "other_fuels_kwh": {k: v for k, v in totals.items() if k not in _MAIN_FUEL_KEYS},
            "site_energy_kwh": site,
            "floor_area_m2": r.floor_area_m2,
            "conditioned_floor_area_m2": r.conditioned_floor_area_m2,
            "eui_kwh_per_m2": site / r.floor_area_m2 if r.floor_area_m2 else None,
            "energy_tce": a["energy_tce"],
            "emissions_tco2": a["emissions_tco2"],
            "energy_cost_rmb": a["energy_cost_rmb"],
            "electricity_cost_rmb": a["electricity_cost_rmb"],
            "natural_gas_cost_rmb": a["natural_gas_cost_rmb"],
            # on-site generation (zeros without it; electricity_kwh stays the consumption)
            "electricity_produced_kwh": r.generation_kwh.get("electricity_produced_kwh", 0.0),
            "pv_generation_kwh": a["pv_generation_kwh"],
            "electricity_purchased_kwh": a["electricity_purchased_kwh"],
            "electricity_self_consumed_kwh": a["electricity_self_consumed_kwh"],
            "electricity_exported_kwh": a["electricity_exported_kwh"],
            "export_credit_rmb": a["export_credit_rmb"],
            "peak_demand_kw": r.peak_demand_kw,
            "unmet_hours_heating": r.unmet_hours_heating,
            "unmet_hours_cooling": r.unmet_hours_cooling,
            "end_uses_kwh": {
                use: {fuel: float(v) for fuel, v in row.items() if v}
                for use, row in r.end_uses.to_dict(orient="index").items()
                if any(row.values())
            },
            "runtime_s": self.runtime_s,
            "energyplus_runtime_s": self.energyplus_runtime_s,
            "energyplus_version": self.energyplus_version,
            "warnings": self.err.warnings,
            "severe_errors": self.err.severe,
            "emission_factors": a["emission_factors"],
            "coal_factors": a["coal_factors"],
            "tariff": a["tariff"],
            "export_price": a["export_price"],
            "natural_gas_heating_value_kwh_per_m3": a["natural_gas_heating_value_kwh_per_m3"],
            "assumptions": a["assumptions"],
            "run_dir": str(self.run_dir),
        }


_MAIN_FUEL_KEYS = (
    "electricity_kwh",
    "natural_gas_kwh",
    "district_heating_kwh",
    "district_cooling_kwh",
)


@dataclass(frozen=True)
class _Booking:
    """The factor and price tables of an :class:`Accounting`, loaded and checked."""

    coal: tables.CoalFactors
    emissions: tables.EmissionFactors
    tariff: tables.Tariff
    heating_value_kwh_per_m3: float
    export_price: tables.ExportPrice = field(default_factory=tables.ExportPrice)
    credit_exported_co2: bool = False

    @classmethod
    def load(cls, accounting: Accounting) -> _Booking:
        factor_table = tables.load_factors(accounting.factors_file)
        tariff_table = tables.load_tariffs(accounting.tariffs_file)
        return cls(
            coal=tables.coal_factors(accounting.coal, table=factor_table),
            emissions=tables.emission_factors(accounting.emissions, table=factor_table),
            tariff=tables.tariff(accounting.tariff, table=tariff_table),
            heating_value_kwh_per_m3=tables.natural_gas_heating_value_kwh_per_m3(
                table=factor_table
            ),
            export_price=tables.export_price(table=tariff_table),
            credit_exported_co2=accounting.credit_exported_co2,
        )

    def account(self, results: Results) -> dict:
        """Coal, CO2 and cost of ``results`` (time-of-use on the hourly electricity meter; with
        on-site generation, on the electricity purchased hour by hour)."""
        from retrofit.accounting import account

        hourly = results.hourly
        has_hourly = not hourly.empty and "electricity_kwh" in hourly
        produced = exported = None
        if has_hourly and "electricity_produced_kwh" in hourly:
            produced = hourly["electricity_produced_kwh"].to_numpy()
            exported = (
                hourly["electricity_exported_kwh"].to_numpy()
                if "electricity_exported_kwh" in hourly
                else produced * 0.0
            )
        totals = results.totals_kwh
        return account(
            totals["electricity_kwh"],
            totals["natural_gas_kwh"],
            totals["district_heating_kwh"],
            totals["district_cooling_kwh"],
            hourly["month"].to_numpy() if has_hourly else [],
            # EnergyPlus hours end at 1..24; the tariff takes the hour beginning, 0..23
            hourly["hour"].to_numpy() - 1 if has_hourly else [],
            hourly["electricity_kwh"].to_numpy() if has_hourly else [],
            coal=self.coal,
            emissions=self.emissions,
            tariff=self.tariff,
            heating_value_kwh_per_m3=self.heating_value_kwh_per_m3,
            hourly_produced_kwh=produced,
            hourly_exported_kwh=exported,
            export_price=self.export_price,
            credit_exported_co2=self.credit_exported_co2,
        )


def default_run_dir(model: str, period: RunPeriod) -> Path:
    """``runs/simulate/<model>-<period>`` under the working folder."""
    stem = Path(str(model)).stem if os.sep in str(model) else str(model)
    label = period.label.replace("/", "")
    return Path("runs") / "simulate" / f"{stem}-{label}"


def simulate(
    model: str | os.PathLike,
    weather: str | os.PathLike,
    *,
    ddy: str | os.PathLike | None = None,
    period: str | RunPeriod = "annual",
    out_dir: str | os.PathLike | None = None,
    accounting: Accounting | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    weather_dir: str | os.PathLike | None = None,
) -> SimulationReport:
    """Simulate one model on one weather file and account its energy, carbon and cost.

    Parameters
    ----------
    model : str or path
        An IDF path or a bundled model name (``retrofit models``).
    weather : str or path
        An EPW path, a bundled TMY3 name, or a fetched station (``shanghai``).
    ddy : path, optional
        Design days; default the DDY beside the EPW, else the EPW header's design conditions.
    period : str or RunPeriod
        ``annual`` (default), ``design-days`` or ``MM/DD-MM/DD``.
    out_dir : path, optional
        Run folder; default :func:`default_run_dir`. EnergyPlus's files stay there.
    accounting : Accounting, optional
        Factor and tariff tables to use.
    timeout_s : float
        EnergyPlus wall-clock limit [s].
    weather_dir : path, optional
        The project's weather folder (where ``retrofit weather fetch`` puts files).

    Raises
    ------
    InputError
        Bad model, weather, DDY, period or table names (before anything runs).
    SimulationError
        EnergyPlus failed; the error carries the ``eplusout.err`` excerpt.
    """
    start = time.perf_counter()
    accounting = accounting or Accounting()
    run_period = parse_period(period) if isinstance(period, str) else period
    model_path = resolve_model(model)
    weather_path = resolve_weather(weather, weather_dir)
    # The header is all a model's preparation needs; the 8760 data rows are checked while the
    # engine starts (below), which keeps pandas and the tables off the critical path.
    header = read_epw(weather_path, header_only=True)
    site = design_days_for(header, ddy)
    idf = load_idf(model_path)
    prepare_model(
        idf,
        period=run_period,
        location_fields=site.site_location,
        design_days=site.design_days,
        country=header.location.country,
    )
    run_dir = Path(out_dir) if out_dir is not None else default_run_dir(str(model), run_period)
    run_dir.mkdir(parents=True, exist_ok=True)
    prepared = write_idf(idf, run_dir / PREPARED_IDF)
    running = start_energyplus(
        prepared,
        weather_path,
        run_dir,
        timeout_s=timeout_s,
        expand_objects=needs_expand_objects(idf),
        label=f"{model_path} (run in {run_dir})",
    )
    try:
        read_epw(weather_path)  # every data row, range and date: an InputError stops the run
        booking = _Booking.load(accounting)
    except BaseException:
        running.kill()
        raise
    record = running.wait()

    from retrofit.results import read_results

    results = read_results(record.sql_path)
    booked = booking.account(results)
    return SimulationReport(
        model=str(model),
        weather=str(weather),
        model_path=model_path,
        weather_path=weather_path,
        design_days_source=site.source,
        period=run_period,
        run_dir=run_dir,
        results=results,
        accounting=booked,
        err=record.err,
        runtime_s=time.perf_counter() - start,
        energyplus_runtime_s=record.runtime_s,
    )


def sizing_context(
    model: str | os.PathLike,
    weather: str | os.PathLike,
    *,
    ddy: str | os.PathLike | None = None,
    out_dir: str | os.PathLike,
    weather_dir: str | os.PathLike | None = None,
):
    """Size ``model`` on the site's design days and return an :class:`ApplyContext` for measures.

    Measures that replace equipment (heat pumps for boilers, new chillers) size the new
    equipment to the capacity it replaces, read from the ``ComponentSizes`` of this run.
    """
    from retrofit.measures.base import ApplyContext

    report = simulate(
        model, weather, ddy=ddy, period="design-days", out_dir=out_dir, weather_dir=weather_dir
    )
    return ApplyContext(
        component_sizes=report.results.component_sizes, weather_path=report.weather_path
    )


def run_prepared(
    idf_text: str,
    weather_path: str | os.PathLike,
    run_dir: str | os.PathLike,
    *,
    accounting: Accounting,
    model_label: str,
    design_days_source: str,
    period: RunPeriod,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> SimulationReport:
    """Run an already prepared model (:func:`retrofit.idf.prepare_model` text) and account it.

    The study runner prepares every variant once (measures, hard-sizing, site), hashes the text,
    and calls this in its workers; the weather file was validated when the study was loaded.

    Raises
    ------
    SimulationError
        EnergyPlus failed; the error carries the ``eplusout.err`` excerpt.
    """
    from retrofit.results import read_results

    start = time.perf_counter()
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    prepared = run_dir / PREPARED_IDF
    prepared.write_text(idf_text)
    expand = any(prefix in idf_text for prefix in EXPAND_OBJECT_PREFIXES)
    running = start_energyplus(
        prepared,
        weather_path,
        run_dir,
        timeout_s=timeout_s,
        expand_objects=expand,
        label=f"{model_label} (run in {run_dir})",
    )
    try:
        booking = _Booking.load(accounting)
    except BaseException:
        running.kill()
        raise
    record = running.wait()
    results = read_results(record.sql_path)
    return SimulationReport(
        model=model_label,
        weather=str(weather_path),
        model_path=prepared,
        weather_path=Path(weather_path),
        design_days_source=design_days_source,
        period=period,
        run_dir=run_dir,
        results=results,
        accounting=booking.account(results),
        err=record.err,
        runtime_s=time.perf_counter() - start,
        energyplus_runtime_s=record.runtime_s,
    )
