"""Energy saving rates, carbon intensity and verdicts of a design against its reference building.

Pure functions: numbers in, numbers out. The orchestrator (:mod:`retrofit.compliance.comply`)
reads the two EnergyPlus runs and calls these.

Two rates are computed, as the issue and the standards ask:

(a) **HVAC rate** (GB 50189-2015 Appendix B, the trade-off 权衡判断): the annual cooling and
    heating loads of each model become energy through the *same* notional system in both,
    cooling electricity = cooling load / SCOP_T (2.50) and heating gas = heating load / 0.75
    (HSCW gas boiler, B.0.6), and the two fuels are put on one basis (kgce; electricity at
    0.360 kgce/kWh, gas at 1.21 kgce/m3 and 9.87 kWh/m3: B.0.6, standards.md P2.1).
(b) **Whole-building rate** (GB 55015-2021 / GB/T 51350-2019 compare whole-building design
    energy): heating, cooling, fans, pumps, heat rejection, humidification, heat recovery,
    interior lighting and domestic hot water, as simulated with each model's own systems and
    efficiencies, on the same kgce basis; the **comprehensive rate** deducts on-site renewable
    generation from the design.

``electricity-equivalent`` = kgce / 0.360 kgce/kWh is reported beside kgce: the rates are the
same on either basis (one is a constant multiple of the other).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from retrofit.compliance.rules import HvacCalculation, RuleSet, Target

#: End uses (glossary names of :data:`retrofit.results.END_USE_MAP`) that design energy
#: comprises for the whole-building comparison. Plug loads (interior equipment), exterior
#: lighting and equipment, refrigeration and generators are outside the design standard's scope
#: (GB 55015-2021 counts heating, cooling, ventilation, lighting and hot water).
COMPARED_END_USES = (
    "heating",
    "cooling",
    "fans",
    "pumps",
    "heat_rejection",
    "humidification",
    "heat_recovery",
    "interior_lighting",
    "water_systems",
)

#: Fuel keys of the end-use table (glossary) handled by :class:`Basis`.
FUEL_KEYS = ("electricity_kwh", "natural_gas_kwh", "district_heating_kwh", "district_cooling_kwh")


@dataclass(frozen=True)
class Basis:
    """One stated basis for all fuels: kgce per kWh delivered.

    Built from the rule set's App. B.0.6 values (:meth:`from_rules`): electricity 0.360
    kgce/kWh; natural gas 1.21 kgce/m3 / 9.87 kWh/m3; district heat as if from the App. B gas
    boiler (heat / 0.75 of gas); district cooling as if from the App. B cooling system
    (cooling / SCOP_T of electricity).
    """

    electricity_kgce_per_kwh: float
    natural_gas_kgce_per_kwh: float
    district_heating_kgce_per_kwh: float
    district_cooling_kgce_per_kwh: float

    @classmethod
    def from_rules(cls, calc: HvacCalculation) -> Basis:
        gas = calc.gas_kgce_per_m3.value / calc.gas_kwh_per_m3.value
        electricity = calc.electricity_kgce_per_kwh.value
        return cls(
            electricity_kgce_per_kwh=electricity,
            natural_gas_kgce_per_kwh=gas,
            district_heating_kgce_per_kwh=gas / calc.heating_efficiency.value,
            district_cooling_kgce_per_kwh=electricity / calc.cooling_scop.value,
        )

    def kgce(self, fuel_key: str, kwh: float) -> float:
        """``kwh`` of fuel ``fuel_key`` in kgce (an unknown fuel raises KeyError)."""
        factor = {
            "electricity_kwh": self.electricity_kgce_per_kwh,
            "natural_gas_kwh": self.natural_gas_kgce_per_kwh,
            "district_heating_kwh": self.district_heating_kgce_per_kwh,
            "district_cooling_kwh": self.district_cooling_kgce_per_kwh,
        }[fuel_key]
        return kwh * factor

    def electricity_equivalent_kwh(self, kgce: float) -> float:
        return kgce / self.electricity_kgce_per_kwh


@dataclass(frozen=True)
class HvacEnergy:
    """App. B heating and cooling energy of one model (notional system)."""

    cooling_load_kwh: float
    heating_load_kwh: float
    cooling_electricity_kwh: float
    heating_gas_kwh: float
    heating_gas_m3: float
    kgce: float
    electricity_equivalent_kwh: float


def hvac_energy(cooling_load_kwh: float, heating_load_kwh: float, calc: HvacCalculation):
    """GB 50189-2015 App. B.0.6: loads to energy through the notional system.

    ``E_c = Q_c / SCOP_T``; ``E_h = Q_h / eta`` (gas); kgce = E_c * 0.360 + E_h / 9.87 * 1.21.

    Examples
    --------
    >>> from retrofit.compliance.rules import load_rule_set
    >>> e = hvac_energy(250_000.0, 75_000.0, load_rule_set().hvac_calculation)
    >>> round(e.cooling_electricity_kwh), round(e.heating_gas_m3, 1)
    (100000, 10131.7)
    """
    if cooling_load_kwh < 0 or heating_load_kwh < 0:
        raise ValueError("loads must be >= 0")
    cooling_electricity = cooling_load_kwh / calc.cooling_scop.value
    heating_gas = heating_load_kwh / calc.heating_efficiency.value
    gas_m3 = heating_gas / calc.gas_kwh_per_m3.value
    kgce = (
        cooling_electricity * calc.electricity_kgce_per_kwh.value
        + gas_m3 * calc.gas_kgce_per_m3.value
    )
    return HvacEnergy(
        cooling_load_kwh=cooling_load_kwh,
        heating_load_kwh=heating_load_kwh,
        cooling_electricity_kwh=cooling_electricity,
        heating_gas_kwh=heating_gas,
        heating_gas_m3=gas_m3,
        kgce=kgce,
        electricity_equivalent_kwh=kgce / calc.electricity_kgce_per_kwh.value,
    )


@dataclass(frozen=True)
class BuildingEnergy:
    """Whole-building design energy of one model on one basis."""

    by_end_use_kgce: dict[str, float]
    kgce: float  # before renewables
    renewable_kgce: float
    comprehensive_kgce: float  # kgce - renewable_kgce
    electricity_equivalent_kwh: float
    comprehensive_electricity_equivalent_kwh: float


def building_energy(
    end_uses_kwh: Mapping[str, Mapping[str, float]],
    basis: Basis,
    *,
    renewable_electricity_kwh: float = 0.0,
    end_uses: tuple[str, ...] = COMPARED_END_USES,
) -> BuildingEnergy:
    """Design energy (kgce) of the compared end uses, and net of on-site renewables.

    Parameters
    ----------
    end_uses_kwh : mapping
        ``{end use: {fuel key: kWh}}`` as in ``SimulationReport.summary()["end_uses_kwh"]``.
    renewable_electricity_kwh : float
        On-site renewable generation [kWh] (PV), credited at the electricity factor.
    """
    by_use: dict[str, float] = {}
    for use in end_uses:
        fuels = end_uses_kwh.get(use, {})
        by_use[use] = sum(basis.kgce(fuel, kwh) for fuel, kwh in fuels.items() if kwh)
    total = sum(by_use.values())
    renewable = basis.kgce("electricity_kwh", renewable_electricity_kwh)
    return BuildingEnergy(
        by_end_use_kgce=by_use,
        kgce=total,
        renewable_kgce=renewable,
        comprehensive_kgce=total - renewable,
        electricity_equivalent_kwh=basis.electricity_equivalent_kwh(total),
        comprehensive_electricity_equivalent_kwh=basis.electricity_equivalent_kwh(
            total - renewable
        ),
    )


def saving_rate(design: float, reference: float) -> float:
    """``1 - design / reference`` (GB 50189 / GB 55015 energy saving rate).

    Examples
    --------
    >>> saving_rate(80.0, 100.0)
    0.2
    """
    if reference <= 0:
        raise ValueError(f"reference energy must be positive, got {reference}")
    return 1.0 - design / reference


def carbon_kgco2(
    end_uses_kwh: Mapping[str, Mapping[str, float]],
    factors: Mapping[str, float],
    *,
    renewable_electricity_kwh: float = 0.0,
    gas_kwh_per_m3: float,
    end_uses: tuple[str, ...] = COMPARED_END_USES,
) -> float:
    """Operational CO2 of the compared end uses, net of on-site renewables [kgCO2].

    ``factors`` holds ``electricity_kgco2_per_kwh``, ``natural_gas_kgco2_per_m3``,
    ``district_heating_kgco2_per_kwh``, ``district_cooling_kgco2_per_kwh`` (a
    :class:`retrofit.tables.EmissionFactors` as a dict).
    """
    per_kwh = {
        "electricity_kwh": factors["electricity_kgco2_per_kwh"],
        "natural_gas_kwh": factors["natural_gas_kgco2_per_m3"] / gas_kwh_per_m3,
        "district_heating_kwh": factors["district_heating_kgco2_per_kwh"],
        "district_cooling_kwh": factors["district_cooling_kgco2_per_kwh"],
    }
    total = 0.0
    for use in end_uses:
        for fuel, kwh in end_uses_kwh.get(use, {}).items():
            total += kwh * per_kwh[fuel]
    return total - renewable_electricity_kwh * factors["electricity_kgco2_per_kwh"]


@dataclass(frozen=True)
class Verdict:
    """One threshold checked."""

    key: str
    label: str
    basis: str
    required_rate: float
    rate: float | None
    passed: bool | None
    verified: bool
    source: str
    conditions: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        data = asdict(self)
        data["conditions"] = list(self.conditions)
        return data


def verdict(target: Target, rates: Mapping[str, float | None], renewable_share: float | None):
    """Check one :class:`Target` against the rates (``{"whole_building": r, ...}``)."""
    rate = rates.get(target.basis)
    conditions: list[str] = []
    passed = None if rate is None else rate >= target.rate.value - 1e-12
    verified = target.rate.verified
    if target.renewable_share_min is not None:
        need = target.renewable_share_min.value
        verified = verified and target.renewable_share_min.verified
        if renewable_share is None:
            conditions.append(f"renewable share >= {need:.0%}: not known")
            passed = None if passed else passed
        else:
            ok = renewable_share >= need - 1e-12
            conditions.append(
                f"renewable share {renewable_share:.1%} {'>=' if ok else '<'} {need:.0%}"
            )
            passed = None if passed is None else (passed and ok)
    return Verdict(
        key=target.key,
        label=target.label,
        basis=target.basis,
        required_rate=target.rate.value,
        rate=rate,
        passed=passed,
        verified=verified,
        source=target.rate.source,
        conditions=tuple(conditions),
    )


def verdicts(rules: RuleSet, rates: Mapping[str, float | None], renewable_share: float | None):
    """One :class:`Verdict` per target of the rule set, in its order."""
    return [verdict(t, rates, renewable_share) for t in rules.targets]
