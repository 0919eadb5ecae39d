"""The results edge: read ``eplusout.sql`` into pandas, translated once into glossary names.

What is read (all from the SQLite output that :func:`retrofit.idf.set_outputs` requests):

* annual end uses by fuel and category: ``AnnualBuildingUtilityPerformanceSummary`` / ``End Uses``
  (weather-file runs only: EnergyPlus fills the tabular reports for weather-file periods);
* hourly and monthly facility meters (``ReportData`` joined with ``ReportDataDictionary`` and
  ``Time``), which also give the fuel totals of design-day runs;
* on-site generation, where the model has generators: the produced, purchased and surplus-sold
  electricity meters (:data:`GENERATION_KEYS`), kept apart from the fuel totals (the building's
  consumption stays ``electricity_kwh``, the ``Electricity:Facility`` meter);
* peak electric demand: ``DemandEndUseComponentsSummary`` (the timestep peak), or the largest
  hourly value where the table is empty;
* unmet occupied heating and cooling hours: ``SystemSummary`` / ``Time Setpoint Not Met``;
* total and conditioned floor area: ``AnnualBuildingUtilityPerformanceSummary`` /
  ``Building Area``;
* the autosized values of every component: the ``ComponentSizes`` table.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from retrofit.errors import SimulationError

#: kWh per unit of the energy units EnergyPlus writes to SQLite.
KWH_PER_UNIT = {"J": 1 / 3.6e6, "kJ": 1 / 3.6e3, "MJ": 1 / 3.6, "GJ": 1e3 / 3.6, "kWh": 1.0}

#: kW per unit of the power units EnergyPlus writes.
KW_PER_UNIT = {"W": 1e-3, "kW": 1.0}

#: EnergyPlus ABUPS fuel columns -> glossary names.
FUEL_MAP = {
    "Electricity": "electricity_kwh",
    "Natural Gas": "natural_gas_kwh",
    "Gasoline": "gasoline_kwh",
    "Diesel": "diesel_kwh",
    "Coal": "coal_kwh",
    "Fuel Oil No 1": "fuel_oil_1_kwh",
    "Fuel Oil No 2": "fuel_oil_2_kwh",
    "Propane": "propane_kwh",
    "Other Fuel 1": "other_fuel_1_kwh",
    "Other Fuel 2": "other_fuel_2_kwh",
    "District Cooling": "district_cooling_kwh",
    "District Heating Water": "district_heating_water_kwh",
    "District Heating Steam": "district_heating_steam_kwh",
}

#: EnergyPlus ABUPS end-use rows -> glossary names.
END_USE_MAP = {
    "Heating": "heating",
    "Cooling": "cooling",
    "Interior Lighting": "interior_lighting",
    "Exterior Lighting": "exterior_lighting",
    "Interior Equipment": "interior_equipment",
    "Exterior Equipment": "exterior_equipment",
    "Fans": "fans",
    "Pumps": "pumps",
    "Heat Rejection": "heat_rejection",
    "Humidification": "humidification",
    "Heat Recovery": "heat_recovery",
    "Water Systems": "water_systems",
    "Refrigeration": "refrigeration",
    "Generators": "generators",
}

#: EnergyPlus facility meters -> glossary names (hourly and monthly tables).
METER_MAP = {
    "Electricity:Facility": "electricity_kwh",
    "NaturalGas:Facility": "natural_gas_kwh",
    "DistrictHeatingWater:Facility": "district_heating_water_kwh",
    "DistrictHeatingSteam:Facility": "district_heating_steam_kwh",
    "DistrictCooling:Facility": "district_cooling_kwh",
    "ElectricityProduced:Facility": "electricity_produced_kwh",
    "ElectricityPurchased:Facility": "electricity_purchased_kwh",
    "ElectricitySurplusSold:Facility": "electricity_exported_kwh",
}

#: Glossary names of the on-site generation meters (not fuels: never in ``totals_kwh``).
#: ``electricity_self_consumed_kwh`` = produced - exported is derived from them.
GENERATION_KEYS = (
    "electricity_produced_kwh",
    "electricity_purchased_kwh",
    "electricity_exported_kwh",
)

#: The fuels every result reports, even when zero.
MAIN_FUELS = (
    "electricity_kwh",
    "natural_gas_kwh",
    "district_heating_kwh",
    "district_cooling_kwh",
)

# EnergyPlus EnvironmentPeriods.EnvironmentType codes.
_ENV_DESIGN_DAY = 1
_ENV_WEATHER_RUN = 3


@dataclass
class Results:
    """What one EnergyPlus run produced, in glossary names.

    Attributes
    ----------
    totals_kwh : dict
        Site energy by fuel [kWh]: ``electricity_kwh``, ``natural_gas_kwh``,
        ``district_heating_kwh`` (water + steam), ``district_cooling_kwh``, and any other fuel
        the model burns.
    end_uses : DataFrame
        End use (rows, glossary names) by fuel (columns) [kWh]; empty for design-day runs.
    hourly : DataFrame
        Columns ``month``, ``day``, ``hour`` (hour ending, 1..24), ``environment`` and one
        column per metered fuel [kWh]; with on-site generation also
        ``electricity_produced_kwh``, ``electricity_purchased_kwh``,
        ``electricity_exported_kwh`` and ``electricity_self_consumed_kwh`` (produced -
        exported) [kWh].
    monthly : DataFrame
        Columns ``month`` and one per metered fuel [kWh] (and the generation columns).
    peak_demand_kw : float
        Peak electric demand [kW] (timestep peak from the demand report when available).
    unmet_hours_heating, unmet_hours_cooling : float
        Occupied hours with the zone temperature outside its set-point [h] (facility total).
    floor_area_m2, conditioned_floor_area_m2 : float
        Total and net conditioned building area [m²].
    component_sizes : DataFrame
        ``component_type``, ``component_name``, ``description``, ``value``, ``units``.
    environments : list of str
        Names of the simulated environments (design days or the run period).
    weather_run : bool
        True when a weather-file period was simulated (the end-use table is then filled).
    generation_kwh : dict
        On-site generation over the run [kWh], from the hourly meters:
        ``electricity_produced_kwh`` (after the inverter), ``electricity_purchased_kwh``,
        ``electricity_exported_kwh`` and ``electricity_self_consumed_kwh``; empty when the model
        has no generator.
    """

    totals_kwh: dict
    end_uses: pd.DataFrame
    hourly: pd.DataFrame
    monthly: pd.DataFrame
    peak_demand_kw: float
    unmet_hours_heating: float
    unmet_hours_cooling: float
    floor_area_m2: float
    conditioned_floor_area_m2: float
    component_sizes: pd.DataFrame
    environments: list = field(default_factory=list)
    weather_run: bool = True
    generation_kwh: dict = field(default_factory=dict)

    @property
    def site_energy_kwh(self) -> float:
        """Site energy, all fuels [kWh]."""
        return float(sum(self.totals_kwh.values()))


def read_results(sql_path: str | os.PathLike) -> Results:
    """Read an ``eplusout.sql`` written by a model prepared with :func:`retrofit.idf.prepare_model`.

    Raises
    ------
    SimulationError
        The file is missing or is not an EnergyPlus SQLite output.
    """
    sql_path = Path(sql_path)
    if not sql_path.is_file():
        raise SimulationError(f"{sql_path}: no EnergyPlus SQLite output")
    try:
        with closing(sqlite3.connect(f"file:{sql_path}?mode=ro", uri=True)) as con:
            return _read(con)
    except sqlite3.DatabaseError as exc:
        raise SimulationError(f"{sql_path}: unreadable EnergyPlus SQLite output: {exc}") from exc


def _read(con: sqlite3.Connection) -> Results:
    envs = pd.read_sql_query(
        "SELECT EnvironmentPeriodIndex AS idx, EnvironmentName AS name, "
        "EnvironmentType AS type FROM EnvironmentPeriods",
        con,
    )
    weather_run = bool((envs["type"] == _ENV_WEATHER_RUN).any())
    kept = envs[envs["type"] == (_ENV_WEATHER_RUN if weather_run else _ENV_DESIGN_DAY)]
    hourly = _with_self_consumption(_meters(con, "Hourly", tuple(kept["idx"])))
    monthly = _with_self_consumption(_meters(con, "Monthly", tuple(kept["idx"])))
    end_uses = _end_uses(con) if weather_run else pd.DataFrame()
    if weather_run and not end_uses.empty:
        totals = {fuel: float(end_uses[fuel].sum()) for fuel in end_uses.columns}
    else:
        fuels = [c for c in hourly.columns if c in METER_MAP.values()]
        totals = {fuel: float(hourly[fuel].sum()) for fuel in fuels}
    for key in GENERATION_KEYS:
        totals.pop(key, None)
    generation = {}
    if "electricity_produced_kwh" in hourly:
        keys = (*GENERATION_KEYS, "electricity_self_consumed_kwh")
        generation = {key: float(hourly[key].sum()) for key in keys if key in hourly}
    totals = _merge_district_heating(totals)
    for fuel in MAIN_FUELS:
        totals.setdefault(fuel, 0.0)
    totals = {k: v for k, v in totals.items() if k in MAIN_FUELS or v != 0.0}

    peak_kw = _tabular_value(
        con, "DemandEndUseComponentsSummary", "End Uses", "Total End Uses", "Electricity"
    )
    peak_kw = peak_kw * KW_PER_UNIT.get(peak_kw.units, 1.0) if peak_kw is not None else 0.0
    if (not peak_kw) and "electricity_kwh" in hourly:
        peak_kw = float(hourly["electricity_kwh"].max())  # hourly mean of the peak hour [kW]
    unmet_heat = _tabular_value(
        con, "SystemSummary", "Time Setpoint Not Met", "Facility", "During Occupied Heating"
    )
    unmet_cool = _tabular_value(
        con, "SystemSummary", "Time Setpoint Not Met", "Facility", "During Occupied Cooling"
    )
    area = _tabular_value(
        con,
        "AnnualBuildingUtilityPerformanceSummary",
        "Building Area",
        "Total Building Area",
        "Area",
    )
    cond = _tabular_value(
        con,
        "AnnualBuildingUtilityPerformanceSummary",
        "Building Area",
        "Net Conditioned Building Area",
        "Area",
    )
    sizes = pd.read_sql_query(
        "SELECT CompType AS component_type, CompName AS component_name, "
        "Description AS description, Value AS value, Units AS units FROM ComponentSizes",
        con,
    )
    return Results(
        totals_kwh=totals,
        end_uses=end_uses,
        hourly=hourly,
        monthly=monthly,
        peak_demand_kw=float(peak_kw),
        unmet_hours_heating=float(unmet_heat or 0.0),
        unmet_hours_cooling=float(unmet_cool or 0.0),
        floor_area_m2=float(area or 0.0),
        conditioned_floor_area_m2=float(cond or 0.0),
        component_sizes=sizes,
        environments=list(kept["name"]),
        weather_run=weather_run,
        generation_kwh=generation,
    )


class _Value(float):
    """A float that remembers the units EnergyPlus gave it."""

    units: str = ""


def _tabular_value(con, report: str, table: str, row: str, column: str) -> _Value | None:
    found = con.execute(
        "SELECT Value, Units FROM TabularDataWithStrings WHERE ReportName=? AND TableName=? "
        "AND RowName=? AND ColumnName=? AND ReportForString='Entire Facility'",
        (report, table, row, column),
    ).fetchone()
    if found is None:
        return None
    try:
        value = _Value(float(found[0]))
    except ValueError:
        return None
    value.units = found[1] or ""
    return value


def _end_uses(con) -> pd.DataFrame:
    rows = con.execute(
        "SELECT RowName, ColumnName, Units, Value FROM TabularDataWithStrings "
        "WHERE ReportName='AnnualBuildingUtilityPerformanceSummary' AND TableName='End Uses' "
        "AND ReportForString='Entire Facility'"
    ).fetchall()
    data: dict[str, dict[str, float]] = {}
    for row, column, units, value in rows:
        if row not in END_USE_MAP or column not in FUEL_MAP:
            continue
        try:
            kwh = float(value) * KWH_PER_UNIT[units]
        except (ValueError, KeyError):
            continue
        data.setdefault(FUEL_MAP[column], {})[END_USE_MAP[row]] = kwh
    frame = pd.DataFrame(data).reindex(list(END_USE_MAP.values())).fillna(0.0)
    water = frame.pop("district_heating_water_kwh") if "district_heating_water_kwh" in frame else 0
    steam = frame.pop("district_heating_steam_kwh") if "district_heating_steam_kwh" in frame else 0
    frame["district_heating_kwh"] = water + steam
    frame = frame.loc[:, (frame != 0).any(axis=0) | frame.columns.isin(MAIN_FUELS)]
    frame.index.name = "end_use"
    return frame


#: EnergyPlus ``Time.IntervalType`` codes of the reporting frequencies read here.
_INTERVAL_TYPE = {"Hourly": 1, "Monthly": 3}


def _meters(con, frequency: str, environments: tuple) -> pd.DataFrame:
    """Facility meters at ``frequency`` as one column per fuel [kWh].

    Read meter by meter in time order with plain SQL (a pandas pivot of the joined table took
    four times as long on an annual run).
    """
    if not environments:
        return pd.DataFrame()
    marks = ",".join("?" * len(environments))
    times = con.execute(
        "SELECT TimeIndex, EnvironmentPeriodIndex, Month, Day, Hour FROM Time "
        f"WHERE IntervalType = ? AND EnvironmentPeriodIndex IN ({marks}) "
        "AND (WarmupFlag IS NULL OR WarmupFlag = 0) ORDER BY TimeIndex",
        (_INTERVAL_TYPE[frequency], *environments),
    ).fetchall()
    if not times:
        return pd.DataFrame()
    index, environment, month, day, hour = (np.asarray(c) for c in zip(*times, strict=True))
    if frequency == "Hourly":
        frame = pd.DataFrame({"environment": environment, "month": month, "day": day, "hour": hour})
    else:
        frame = pd.DataFrame({"month": month})
    meters = con.execute(
        "SELECT ReportDataDictionaryIndex, Name, Units FROM ReportDataDictionary "
        "WHERE ReportingFrequency = ? AND IsMeter = 1",
        (frequency,),
    ).fetchall()
    for dictionary_index, name, units in meters:
        if name not in METER_MAP:
            continue
        rows = con.execute(
            "SELECT TimeIndex, Value FROM ReportData WHERE ReportDataDictionaryIndex = ?",
            (dictionary_index,),
        ).fetchall()
        values = np.zeros(len(index))
        if rows:
            when, value = (np.asarray(c) for c in zip(*rows, strict=True))
            position = np.searchsorted(index, when)
            inside = (position < len(index)) & (index[np.minimum(position, len(index) - 1)] == when)
            values[position[inside]] = value[inside] * KWH_PER_UNIT.get(units, 1.0)
        frame[METER_MAP[name]] = frame.get(METER_MAP[name], 0.0) + values
    if frequency == "Monthly":
        frame = frame.groupby("month", as_index=False).sum()
    return frame


def _with_self_consumption(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``electricity_self_consumed_kwh`` = produced - exported where both meters are read."""
    if "electricity_produced_kwh" in frame and "electricity_exported_kwh" in frame:
        frame["electricity_self_consumed_kwh"] = (
            frame["electricity_produced_kwh"] - frame["electricity_exported_kwh"]
        )
    return frame


def _merge_district_heating(totals: dict) -> dict:
    totals = dict(totals)
    water = totals.pop("district_heating_water_kwh", 0.0)
    steam = totals.pop("district_heating_steam_kwh", 0.0)
    totals["district_heating_kwh"] = water + steam
    return totals


def read_table(
    sql_path: str | os.PathLike, report: str, table: str, *, report_for: str = "Entire Facility"
) -> pd.DataFrame:
    """One tabular report table of ``eplusout.sql`` as strings: rows x columns.

    ``frame.attrs["units"]`` maps each column to the units EnergyPlus gave it. The caller converts
    the cells it needs (``pd.to_numeric``). An empty frame when the table is absent.

    Examples
    --------
    >>> opaque = read_table(sql, "EnvelopeSummary", "Opaque Exterior")  # doctest: +SKIP
    >>> opaque.loc["PERIMETER_ZN_1_WALL_SOUTH", "U-Factor with Film"]  # doctest: +SKIP
    '0.531'
    """
    path = Path(sql_path)
    if not path.is_file():
        raise SimulationError(f"{path}: no EnergyPlus SQLite output")
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        rows = con.execute(
            "SELECT RowName, ColumnName, Units, Value FROM TabularDataWithStrings "
            "WHERE ReportName=? AND TableName=? AND ReportForString=? ORDER BY TabularDataIndex",
            (report, table, report_for),
        ).fetchall()
    data: dict[str, dict[str, str]] = {}
    units: dict[str, str] = {}
    row_order: list[str] = []
    for row, column, unit, value in rows:
        if row not in data:
            data[row] = {}
            row_order.append(row)
        data[row][column] = value.strip() if isinstance(value, str) else value
        units.setdefault(column, unit or "")
    frame = pd.DataFrame.from_dict(data, orient="index").reindex(row_order)
    frame.attrs["units"] = units
    return frame


def meter_totals_kwh(sql_path: str | os.PathLike, names: Iterable[str]) -> dict[str, float]:
    """Totals [kWh] of named meters over the run's weather-file periods (design days if none).

    The meters must have been requested monthly (``prepare_model(..., extra_meters=...)``); a
    meter the model does not have (no such component) totals 0.

    Examples
    --------
    >>> meter_totals_kwh(sql, ["CoolingCoils:EnergyTransfer"])  # doctest: +SKIP
    {'CoolingCoils:EnergyTransfer': 212345.6}
    """
    wanted = list(names)
    path = Path(sql_path)
    if not path.is_file():
        raise SimulationError(f"{path}: no EnergyPlus SQLite output")
    totals = dict.fromkeys(wanted, 0.0)
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        envs = con.execute("SELECT EnvironmentPeriodIndex, EnvironmentType FROM EnvironmentPeriods")
        envs = envs.fetchall()
        weather = [i for i, kind in envs if kind == _ENV_WEATHER_RUN]
        kept = weather or [i for i, kind in envs if kind == _ENV_DESIGN_DAY]
        if not kept:
            return totals
        marks = ",".join("?" * len(kept))
        for name in wanted:
            rows = con.execute(
                "SELECT SUM(d.Value), k.Units FROM ReportData d "
                "JOIN ReportDataDictionary k USING (ReportDataDictionaryIndex) "
                "JOIN Time t USING (TimeIndex) "
                "WHERE k.Name = ? COLLATE NOCASE AND k.IsMeter = 1 "
                "AND k.ReportingFrequency = 'Monthly' "
                f"AND t.EnvironmentPeriodIndex IN ({marks}) "
                "AND (t.WarmupFlag IS NULL OR t.WarmupFlag = 0) GROUP BY k.Units",
                (name, *kept),
            ).fetchall()
            totals[name] = float(
                sum((value or 0.0) * KWH_PER_UNIT.get(units, 1.0) for value, units in rows)
            )
    return totals
