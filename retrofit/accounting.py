"""Energy accounting: delivered energy to standard coal, CO2 and cost.

Pure functions: no files, no printing. Every factor and price comes in as an argument, as a
record from :mod:`retrofit.tables` (:class:`~retrofit.tables.CoalFactors`,
:class:`~retrofit.tables.EmissionFactors`, :class:`~retrofit.tables.Tariff`), so a user can swap
any of them. The package defaults and their sources:

* standard coal, set ``"equivalent"``: electricity 0.1229 kgce/kWh (GB/T 2589 equivalent value,
  NIMONIK [S]), natural gas 1.2143 kgce/m3 (HUATUO [S]), heat 0.0341 tce/GJ (HUATUO [S]);
* CO2, set ``"shanghai-2022"``: electricity 0.42 kgCO2/kWh and heat 0.06 tCO2/GJ
  (沪环气〔2022〕34号, XNY-SH [O]), natural gas 2.162 kgCO2/m3 (CODE-CF [C]);
* district cooling (both): electricity factor / 2.50 -- an ASSUMPTION (no source);
* gas volume: 9.87 kWh/m3 (GB 50189-2015 App. B.0.6, KG, T);
* tariff ``"shanghai-two-part"``: periods and ratios of 沪发改价管〔2022〕50号 (EDS, GRID, C2);
  the price levels (flat 0.70 RMB/kWh, gas 4.21 RMB/m3) are ASSUMPTIONS.

On-site generation (rooftop PV): coal, CO2 and cost apply to the electricity *purchased*, hour
by hour (:func:`split_generation`): what the building uses of its own generation displaces
purchases in that hour, at that hour's price. Exported electricity earns the export price
(:class:`~retrofit.tables.ExportPrice`, package 0 RMB/kWh, an ASSUMPTION citing NDRC/NEA Doc 136,
standards.md P3.3) and, by default, no CO2 credit: the Shanghai factor is the one for purchased
electricity (沪环气〔2022〕34号, XNY-SH [O]), and crediting exports would count the same renewable
electricity again for whoever buys it. ``credit_exported_co2=True`` credits exports at the grid
factor instead. Exports are never deducted from ``energy_tce`` (GB 55015 asks for renewable
energy to be metered separately, HLJNY [S]: the PV output is reported as ``pv_generation_kwh``).

Hours: ``hour_start`` 0-23 is the hour *beginning*, local standard time. EnergyPlus reports hourly
values at the hour's end (``Hour`` 1-24 in ``eplusout.sql``), so EnergyPlus hour ``h`` is
``hour_start = h - 1``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from retrofit.tables import CoalFactors, EmissionFactors, ExportPrice, Tariff

__all__ = [
    "account",
    "electricity_cost_rmb",
    "emissions_tco2",
    "energy_tce",
    "gas_cost_rmb",
    "natural_gas_m3",
    "split_generation",
    "tou_period",
]

KG_PER_TONNE = 1000.0

#: Relative tolerance within which the hourly electricity series must sum to the annual total
#: in :func:`account` (the two come from the same EnergyPlus meter, so they agree to rounding).
HOURLY_TOTAL_RTOL = 1e-3

#: Tolerance of the hourly generation balance in :func:`split_generation` [kWh], plus the same
#: fraction of the hour's consumption and production: the meters come from one EnergyPlus run
#: and balance to rounding; anything larger is an inconsistent series.
GENERATION_BALANCE_TOL_KWH = 1e-6

_QUANTITY_UNITS = {
    "electricity": "kWh",
    "natural_gas": "m3",
    "district_heating": "kWh",
    "district_cooling": "kWh",
}


def _result(x: np.ndarray) -> Any:
    """A float for a scalar result, the array otherwise."""
    return float(x) if np.ndim(x) == 0 else x


def _positive(value: float, name: str) -> float:
    value = float(value)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0 (got {value!r})")
    return value


def natural_gas_m3(natural_gas_kwh: ArrayLike, heating_value_kwh_per_m3: float) -> Any:
    """Volume of natural gas from its energy.

    Parameters
    ----------
    natural_gas_kwh : float or array_like
        Gas energy [kWh], e.g. the EnergyPlus ``NaturalGas:Facility`` meter.
    heating_value_kwh_per_m3 : float
        Heating value [kWh/m3]. Package value 9.87 kWh/m3, GB 50189-2015 App. B.0.6 (KG, T), a
        lower-heating-value basis: if a model's boiler efficiencies are on a higher-heating-value
        basis, the volume comes out about 10 % high.

    Returns
    -------
    float or numpy.ndarray
        Gas volume [m3].
    """
    hv = _positive(heating_value_kwh_per_m3, "heating_value_kwh_per_m3")
    return _result(np.asarray(natural_gas_kwh, dtype=float) / hv)


def energy_tce(
    electricity_kwh: ArrayLike,
    natural_gas_m3: ArrayLike,
    district_heating_kwh: ArrayLike = 0.0,
    district_cooling_kwh: ArrayLike = 0.0,
    *,
    coal: CoalFactors,
) -> Any:
    """Energy use in tonnes of standard coal equivalent.

    ``energy_tce = (E * f_e + G * f_g + H * f_h + C * f_c) / 1000``.

    Parameters
    ----------
    electricity_kwh : float or array_like
        Electricity [kWh].
    natural_gas_m3 : float or array_like
        Natural gas [m3] (see :func:`natural_gas_m3`).
    district_heating_kwh, district_cooling_kwh : float or array_like, optional
        Purchased heat and cooling delivered [kWh]; default 0.
    coal : CoalFactors
        Conversion factors [kgce/kWh, kgce/m3], e.g. ``retrofit.tables.coal_factors()``:
        electricity 0.1229 (GB/T 2589 equivalent value, NIMONIK [S]), gas 1.2143 (HUATUO [S]),
        heat 0.12276 (0.0341 tce/GJ, HUATUO [S]), cooling 0.04916 (electricity / assumed plant
        COP 2.50, ASSUMPTION).

    Returns
    -------
    float or numpy.ndarray
        Energy [tce].
    """
    kgce = (
        np.asarray(electricity_kwh, dtype=float) * coal.electricity_kgce_per_kwh
        + np.asarray(natural_gas_m3, dtype=float) * coal.natural_gas_kgce_per_m3
        + np.asarray(district_heating_kwh, dtype=float) * coal.district_heating_kgce_per_kwh
        + np.asarray(district_cooling_kwh, dtype=float) * coal.district_cooling_kgce_per_kwh
    )
    return _result(kgce / KG_PER_TONNE)


def emissions_tco2(
    electricity_kwh: ArrayLike,
    natural_gas_m3: ArrayLike,
    district_heating_kwh: ArrayLike = 0.0,
    district_cooling_kwh: ArrayLike = 0.0,
    *,
    factors: EmissionFactors,
) -> Any:
    """CO2 emissions of delivered energy.

    ``emissions_tco2 = (E * f_e + G * f_g + H * f_h + C * f_c) / 1000``.

    Parameters
    ----------
    electricity_kwh : float or array_like
        Electricity [kWh].
    natural_gas_m3 : float or array_like
        Natural gas [m3].
    district_heating_kwh, district_cooling_kwh : float or array_like, optional
        Purchased heat and cooling delivered [kWh]; default 0.
    factors : EmissionFactors
        [kgCO2/kWh, kgCO2/m3], e.g. ``retrofit.tables.emission_factors()``: electricity 0.42 and
        heat 0.216 (0.06 tCO2/GJ), 沪环气〔2022〕34号 (XNY-SH [O]); gas 2.162 (CODE-CF [C]);
        cooling 0.168 (electricity / assumed plant COP 2.50, ASSUMPTION).

    Returns
    -------
    float or numpy.ndarray
        Emissions [tCO2].
    """
    kgco2 = (
        np.asarray(electricity_kwh, dtype=float) * factors.electricity_kgco2_per_kwh
        + np.asarray(natural_gas_m3, dtype=float) * factors.natural_gas_kgco2_per_m3
        + np.asarray(district_heating_kwh, dtype=float) * factors.district_heating_kgco2_per_kwh
        + np.asarray(district_cooling_kwh, dtype=float) * factors.district_cooling_kgco2_per_kwh
    )
    return _result(kgco2 / KG_PER_TONNE)


def _whole(values: ArrayLike, name: str) -> np.ndarray:
    a = np.asarray(values)
    if a.dtype.kind in "iu":
        return a.astype(np.int64)
    if a.dtype.kind == "f" and np.all(np.isfinite(a)) and np.all(a == np.round(a)):
        return a.astype(np.int64)
    raise ValueError(f"{name} must be whole numbers")


def _month_hour_index(month: ArrayLike, hour_start: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    m = _whole(month, "month")
    h = _whole(hour_start, "hour_start")
    if m.shape != h.shape:
        raise ValueError(f"month and hour_start differ in shape: {m.shape} vs {h.shape}")
    if m.size and (m.min() < 1 or m.max() > 12):
        raise ValueError(f"month must be 1-12 (got {m.min()} to {m.max()})")
    if h.size and (h.min() < 0 or h.max() > 23):
        raise ValueError(
            f"hour_start must be 0-23, the hour beginning (got {h.min()} to {h.max()}); "
            "EnergyPlus hour-ending h is hour_start h - 1"
        )
    return m - 1, h


def tou_period(month: ArrayLike, hour_start: ArrayLike, tariff: Tariff) -> Any:
    """Time-of-use period of each hour.

    Parameters
    ----------
    month : int or array_like of int
        Month 1-12.
    hour_start : int or array_like of int
        Hour beginning 0-23 (local standard time); EnergyPlus hour-ending ``h`` is ``h - 1``.
    tariff : Tariff
        E.g. ``retrofit.tables.tariff("shanghai-two-part")``: 沪发改价管〔2022〕50号 (EDS, GRID,
        C2) -- Jul-Sep peak 08-15 & 18-21, flat 06-08, 15-18, 21-22, valley 22-06, critical
        12-14 in Jul and Aug; other months peak 08-11 & 18-21, flat 06-08, 11-18, 21-22, valley
        22-06, critical 19-21 in Jan and Dec.

    Returns
    -------
    str or numpy.ndarray of str
        Period labels (``"critical"``, ``"peak"``, ``"flat"``, ``"valley"``), shaped like the
        inputs.

    Raises
    ------
    ValueError
        Month outside 1-12, hour outside 0-23 (an unshifted EnergyPlus hour 24 lands here), or
        shapes that differ.
    """
    mi, hi = _month_hour_index(month, hour_start)
    labels = np.asarray(tariff.period_by_month_hour)[mi, hi]
    return str(labels) if labels.ndim == 0 else labels


def electricity_cost_rmb(
    month: ArrayLike,
    hour_start: ArrayLike,
    electricity_kwh: ArrayLike,
    tariff: Tariff,
) -> tuple[float, dict[str, dict[str, float]]]:
    """Electricity cost of an hourly series under a time-of-use tariff.

    Parameters
    ----------
    month : array_like of int
        Month 1-12 of each hour.
    hour_start : array_like of int
        Hour beginning 0-23 of each hour; EnergyPlus hour-ending ``h`` is ``h - 1``.
    electricity_kwh : array_like of float
        Electricity in each hour [kWh]; same shape as ``month``.
    tariff : Tariff
        Prices by month and hour [RMB/kWh]. Package tariffs: periods and ratios from
        沪发改价管〔2022〕50号 (C2); base price an ASSUMPTION (two-part flat 0.70 RMB/kWh). The
        same periods apply every day of the week. Energy charge only: a two-part tariff's capacity
        or demand charge is not included.

    Returns
    -------
    cost_rmb : float
        Total cost [RMB].
    by_period : dict
        ``{period: {"electricity_kwh": kWh, "electricity_cost_rmb": RMB}}`` for every period of
        the tariff (most expensive first), zeros where no hour falls in it.
    """
    mi, hi = _month_hour_index(month, hour_start)
    kwh = np.asarray(electricity_kwh, dtype=float)
    if kwh.shape != mi.shape:
        raise ValueError(f"electricity_kwh has shape {kwh.shape}, month has {mi.shape}")
    if not np.all(np.isfinite(kwh)):
        raise ValueError("electricity_kwh has non-finite values")
    labels = np.asarray(tariff.period_by_month_hour)[mi, hi]
    cost = kwh * np.asarray(tariff.price_by_month_hour_rmb_per_kwh, dtype=float)[mi, hi]
    by_period = {}
    for period in tariff.periods:
        mask = labels == period
        by_period[period] = {
            "electricity_kwh": float(kwh[mask].sum()),
            "electricity_cost_rmb": float(cost[mask].sum()),
        }
    return float(cost.sum()), by_period


def split_generation(
    consumption_kwh: ArrayLike, produced_kwh: ArrayLike, exported_kwh: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Purchased and self-consumed electricity of each hour with on-site generation.

    ``self_consumed = produced - exported`` and ``purchased = consumption - self_consumed``
    (EnergyPlus balances each timestep the same way: purchased - surplus sold = consumption -
    produced).

    Parameters
    ----------
    consumption_kwh : array_like
        The building's electricity use in each hour [kWh] (``Electricity:Facility``).
    produced_kwh : array_like
        On-site generation after the inverter [kWh] (``ElectricityProduced:Facility``).
    exported_kwh : array_like
        Generation sent to the grid [kWh] (``ElectricitySurplusSold:Facility``).

    Returns
    -------
    purchased_kwh, self_consumed_kwh : numpy.ndarray
        [kWh], shaped like the inputs.

    Raises
    ------
    ValueError
        Shapes differ, a value is negative or not finite, an hour exports more than it produces
        or self-consumes more than it uses (beyond :data:`GENERATION_BALANCE_TOL_KWH`).
    """
    series = {}
    for name, values in (
        ("consumption_kwh", consumption_kwh),
        ("produced_kwh", produced_kwh),
        ("exported_kwh", exported_kwh),
    ):
        a = np.asarray(values, dtype=float)
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name} has non-finite values")
        series[name] = a
    use, made, sold = series.values()
    if not use.shape == made.shape == sold.shape:
        raise ValueError(
            f"consumption, produced and exported differ in shape: {use.shape}, {made.shape}, "
            f"{sold.shape}"
        )
    tol = GENERATION_BALANCE_TOL_KWH * (1.0 + np.abs(use) + np.abs(made))
    for name, a in series.items():
        if np.any(a < -tol):
            i = int(np.argmax(a < -tol))
            raise ValueError(f"{name} is negative in hour {i}: {a[i]:.6g} kWh")
    self_consumed = made - sold
    purchased = use - self_consumed
    for what, a in (
        ("exports more than it produces", self_consumed),
        ("self-consumes more than it uses", purchased),
    ):
        if np.any(a < -tol):
            i = int(np.argmax(a < -tol))
            raise ValueError(
                f"hour {i} {what}: consumption {use[i]:.6g}, produced {made[i]:.6g}, "
                f"exported {sold[i]:.6g} kWh"
            )
    return np.clip(purchased, 0.0, None), np.clip(self_consumed, 0.0, None)


def gas_cost_rmb(natural_gas_m3: ArrayLike, tariff: Tariff) -> Any:
    """Natural-gas cost.

    Parameters
    ----------
    natural_gas_m3 : float or array_like
        Gas volume [m3].
    tariff : Tariff
        Its ``natural_gas_price_rmb_per_m3`` [RMB/m3]; package value 4.21, an ASSUMPTION (an
        unverified code file citing 沪发改价管〔2024〕17号).

    Returns
    -------
    float or numpy.ndarray
        Cost [RMB].
    """
    return _result(np.asarray(natural_gas_m3, dtype=float) * tariff.natural_gas_price_rmb_per_m3)


def _annual(value: float, name: str) -> float:
    if np.ndim(value) != 0 or not math.isfinite(float(value)):
        raise ValueError(f"{name} must be one finite number (the annual total)")
    return float(value)


def _factor_assumptions(record: Any, kind: str, mass: str, used: list[str]) -> list[str]:
    """One line for each used quantity whose factor is unverified or has no provenance."""
    out = []
    for quantity in used:
        per = _QUANTITY_UNITS[quantity]
        value = getattr(record, f"{quantity}_{mass.lower()}_per_{per.lower()}")
        what = f"{kind} factor for {quantity} {value:.6g} {mass}/{per} (set {record.name!r})"
        prov = record.provenance.get(quantity)
        if prov is None:
            out.append(f"{what} has no recorded source")
        elif not prov.verified:
            out.append(f"{what} is not verified: {prov.note or prov.source}")
    return out


def _price_assumption(tariff: Any, key: str, what: str) -> list[str]:
    prov = tariff.provenance.get(key)
    if prov is None:
        return [f"{what} (tariff {tariff.name!r}) has no recorded source"]
    if not prov.verified:
        return [f"{what} (tariff {tariff.name!r}) is not verified: {prov.note or prov.source}"]
    return []


def account(
    electricity_kwh: float,
    natural_gas_kwh: float,
    district_heating_kwh: float,
    district_cooling_kwh: float,
    hourly_month: ArrayLike,
    hourly_hour_start: ArrayLike,
    hourly_electricity_kwh: ArrayLike,
    *,
    coal: CoalFactors,
    emissions: EmissionFactors,
    tariff: Tariff,
    heating_value_kwh_per_m3: float,
    hourly_produced_kwh: ArrayLike | None = None,
    hourly_exported_kwh: ArrayLike | None = None,
    export_price: ExportPrice | None = None,
    credit_exported_co2: bool = False,
) -> dict[str, Any]:
    """Standard coal, CO2 and cost of one building-year, with the factors and assumptions used.

    Parameters
    ----------
    electricity_kwh, natural_gas_kwh, district_heating_kwh, district_cooling_kwh : float
        Annual delivered energy by fuel [kWh].
    hourly_month, hourly_hour_start, hourly_electricity_kwh : array_like
        The hourly electricity series for time-of-use costing: month 1-12, hour beginning 0-23
        (EnergyPlus hour-ending ``h`` is ``h - 1``), electricity [kWh]. It must sum to
        ``electricity_kwh`` within :data:`HOURLY_TOTAL_RTOL`. Empty arrays: the annual total is
        costed at the tariff's base (flat) price, and ``assumptions`` says so.
    coal : CoalFactors
        Standard-coal factors (package default ``"equivalent"``, GB/T 2589).
    emissions : EmissionFactors
        CO2 factors (package default ``"shanghai-2022"``, 沪环气〔2022〕34号).
    tariff : Tariff
        Prices (package default ``"shanghai-two-part"``; price levels are ASSUMPTIONS; district
        heating and cooling prices 0 by ASSUMPTION, i.e. those costs are not counted).
    heating_value_kwh_per_m3 : float
        Gas heating value [kWh/m3]; package 9.87, GB 50189-2015 App. B.0.6 (KG, T).
    hourly_produced_kwh, hourly_exported_kwh : array_like, optional
        On-site generation after the inverter and the part of it exported, in the hours of
        ``hourly_electricity_kwh`` [kWh]. Give both or neither; they need the hourly series.
        With them, ``electricity_kwh`` and the hourly series stay the building's consumption, and
        coal, CO2 and cost apply to the purchased electricity (:func:`split_generation`).
    export_price : ExportPrice, optional
        What exports earn (``retrofit.tables.export_price()``: 0 RMB/kWh, an ASSUMPTION);
        None: 0 RMB/kWh, and ``assumptions`` says so when there are exports.
    credit_exported_co2 : bool
        Subtract exports x the electricity CO2 factor from ``emissions_tco2``. Default False:
        exports earn no CO2 credit (see the module docstring).

    Returns
    -------
    dict
        JSON-serialisable: ``natural_gas_m3`` [m3], ``energy_tce`` [tce], ``emissions_tco2``
        [tCO2], ``energy_cost_rmb`` (the sum of the four costs below less
        ``export_credit_rmb``) [RMB], ``electricity_cost_rmb`` (of the purchased electricity),
        ``natural_gas_cost_rmb``, ``district_heating_cost_rmb``, ``district_cooling_cost_rmb``
        [RMB], ``electricity_cost_by_period`` (see :func:`electricity_cost_rmb`),
        ``electricity_purchased_kwh`` (``electricity_kwh`` - self-consumed),
        ``electricity_self_consumed_kwh``, ``electricity_exported_kwh``, ``pv_generation_kwh``
        (all on-site generation after the inverter) [kWh], ``export_credit_rmb`` [RMB],
        ``export_co2_credit_tco2`` [tCO2] (all 0, and purchased = ``electricity_kwh``, without
        generation), ``credit_exported_co2``, ``emission_factors``, ``coal_factors``, ``tariff``
        and ``export_price`` (the records used, with sources and verified flags; ``export_price``
        None when not given),
        ``natural_gas_heating_value_kwh_per_m3``, and ``assumptions``: one line for every
        unverified value or choice that entered a non-zero result.

    Raises
    ------
    ValueError
        The hourly series does not sum to ``electricity_kwh``, or its arrays are malformed, or
        the generation series are inconsistent (:func:`split_generation`).
    """
    generation = hourly_produced_kwh is not None or hourly_exported_kwh is not None
    if generation and (hourly_produced_kwh is None or hourly_exported_kwh is None):
        raise ValueError("give both hourly_produced_kwh and hourly_exported_kwh, or neither")
    electricity = _annual(electricity_kwh, "electricity_kwh")
    gas_kwh = _annual(natural_gas_kwh, "natural_gas_kwh")
    heat = _annual(district_heating_kwh, "district_heating_kwh")
    cool = _annual(district_cooling_kwh, "district_cooling_kwh")
    gas_m3 = natural_gas_m3(gas_kwh, heating_value_kwh_per_m3)
    assumptions: list[str] = []

    hourly = np.asarray(hourly_electricity_kwh, dtype=float)
    purchased, self_consumed, produced, exported = electricity, 0.0, 0.0, 0.0
    if hourly.size == 0:
        if generation:
            raise ValueError("on-site generation needs the hourly electricity series")
        base = tariff.base_price_rmb_per_kwh
        elec_cost = electricity * base
        by_period = {"flat": {"electricity_kwh": electricity, "electricity_cost_rmb": elec_cost}}
        if electricity != 0:
            assumptions.append(
                f"no hourly electricity series: {electricity:.6g} kWh costed at the base price "
                f"{base:.6g} RMB/kWh of tariff {tariff.name!r}, without time-of-use"
            )
    else:
        total = float(hourly.sum())
        if not math.isclose(total, electricity, rel_tol=HOURLY_TOTAL_RTOL, abs_tol=1e-6):
            raise ValueError(
                f"hourly electricity sums to {total:.6g} kWh but electricity_kwh is "
                f"{electricity:.6g} kWh (they must agree within {HOURLY_TOTAL_RTOL:.1%})"
            )
        bought = hourly
        if generation:
            made = np.asarray(hourly_produced_kwh, dtype=float)
            sold = np.asarray(hourly_exported_kwh, dtype=float)
            bought, self_hourly = split_generation(hourly, made, sold)
            produced, exported = float(made.sum()), float(sold.sum())
            self_consumed = float(self_hourly.sum())
            # the annual total less self-consumption: savings are exactly self-consumed x factor
            purchased = max(electricity - self_consumed, 0.0)
        elec_cost, by_period = electricity_cost_rmb(hourly_month, hourly_hour_start, bought, tariff)

    gas_cost = gas_cost_rmb(gas_m3, tariff)
    heat_cost = heat * tariff.district_heating_price_rmb_per_kwh
    cool_cost = cool * tariff.district_cooling_price_rmb_per_kwh

    export_rmb_per_kwh = export_price.price_rmb_per_kwh if export_price is not None else 0.0
    export_credit = exported * export_rmb_per_kwh
    co2_credit = 0.0
    if credit_exported_co2:
        co2_credit = exported * emissions.electricity_kgco2_per_kwh / KG_PER_TONNE

    amounts = {"electricity": purchased + (exported if credit_exported_co2 else 0.0)}
    amounts |= {"natural_gas": gas_m3}
    amounts |= {"district_heating": heat, "district_cooling": cool}
    used = [q for q, amount in amounts.items() if amount != 0]
    assumptions += _factor_assumptions(coal, "standard-coal", "kgce", used)
    assumptions += _factor_assumptions(emissions, "CO2", "kgCO2", used)
    if electricity != 0 or hourly.size:
        base = tariff.base_price_rmb_per_kwh
        assumptions += _price_assumption(
            tariff, "electricity_price", f"electricity base price {base:.6g} RMB/kWh"
        )
        assumptions += _price_assumption(tariff, "structure", "time-of-use periods and ratios")
        if "critical" in by_period:
            assumptions += _price_assumption(
                tariff, "critical_peak_over_peak", "critical-peak multiplier"
            )
    prices = {
        "natural_gas": ("natural_gas_price", tariff.natural_gas_price_rmb_per_m3, "RMB/m3"),
        "district_heating": (
            "district_heating_price",
            tariff.district_heating_price_rmb_per_kwh,
            "RMB/kWh",
        ),
        "district_cooling": (
            "district_cooling_price",
            tariff.district_cooling_price_rmb_per_kwh,
            "RMB/kWh",
        ),
    }
    for quantity, (key, price, unit) in prices.items():
        if quantity in used:
            what = f"{quantity.replace('_', ' ')} price {price:.6g} {unit}"
            assumptions += _price_assumption(tariff, key, what)
    if exported != 0:
        assumptions += _export_assumptions(exported, export_price, credit_exported_co2, emissions)

    co2 = emissions_tco2(purchased, gas_m3, heat, cool, factors=emissions)
    return {
        "natural_gas_m3": float(gas_m3),
        "energy_tce": float(energy_tce(purchased, gas_m3, heat, cool, coal=coal)),
        "emissions_tco2": float(co2 - co2_credit),
        "energy_cost_rmb": float(elec_cost + gas_cost + heat_cost + cool_cost - export_credit),
        "electricity_cost_rmb": float(elec_cost),
        "natural_gas_cost_rmb": float(gas_cost),
        "district_heating_cost_rmb": float(heat_cost),
        "district_cooling_cost_rmb": float(cool_cost),
        "electricity_cost_by_period": by_period,
        "electricity_purchased_kwh": float(purchased),
        "electricity_self_consumed_kwh": self_consumed,
        "electricity_exported_kwh": exported,
        "pv_generation_kwh": produced,
        "export_credit_rmb": float(export_credit),
        "export_co2_credit_tco2": float(co2_credit),
        "credit_exported_co2": bool(credit_exported_co2),
        "emission_factors": emissions.as_dict(),
        "coal_factors": coal.as_dict(),
        "tariff": tariff.as_dict(),
        "export_price": export_price.as_dict() if export_price is not None else None,
        "natural_gas_heating_value_kwh_per_m3": float(heating_value_kwh_per_m3),
        "assumptions": assumptions,
    }


def _export_assumptions(
    exported_kwh: float, price: ExportPrice | None, credit_co2: bool, emissions: EmissionFactors
) -> list[str]:
    """The export price's provenance and the CO2-credit choice, one line each."""
    value = price.price_rmb_per_kwh if price is not None else 0.0
    what = f"electricity export price {value:.6g} RMB/kWh"
    out = []
    if price is None:
        out.append(f"{what}: no export price given")
    elif price.provenance is None:
        out.append(f"{what} has no recorded source")
    elif not price.provenance.verified:
        out.append(f"{what} is not verified: {price.provenance.note or price.provenance.source}")
    factor = emissions.electricity_kgco2_per_kwh
    if credit_co2:
        out.append(
            f"exported electricity {exported_kwh:.6g} kWh is credited at the grid factor "
            f"{factor:.6g} kgCO2/kWh (choice: credit_exported_co2) and not deducted from energy_tce"
        )
    else:
        out.append(
            f"exported electricity {exported_kwh:.6g} kWh earns no CO2 credit and is not deducted "
            f"from energy_tce (choice: the {factor:.6g} kgCO2/kWh factor is for purchased "
            "electricity; set credit_exported_co2 to credit exports)"
        )
    return out
