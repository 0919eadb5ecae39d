"""Air sealing: cut a model's infiltration by a fraction.

The measure ``infiltration_reduction`` scales, by ``1 - reduction_fraction``, the one number each
EnergyPlus infiltration model is linear in:

* ``ZoneInfiltration:DesignFlowRate``: the field its calculation method reads
  (:data:`DESIGN_FLOW_RATE_FIELDS`: Flow/Zone, Flow/Area, Flow/ExteriorArea,
  Flow/ExteriorWallArea, AirChanges/Hour); the temperature and wind coefficients are kept;
* ``ZoneInfiltration:EffectiveLeakageArea``: the effective air leakage area;
* ``ZoneInfiltration:FlowCoefficient``: the flow coefficient.

With the same weather and zone temperatures each object's infiltration then falls by the fraction.
An AirflowNetwork in multizone mode ignores these objects, so the measure does not apply there.

Quantity: ``envelope_area_m2``, exterior walls and roofs (gross, zone multipliers applied), the
basis of the cost of air sealing.
"""

from __future__ import annotations

from typing import Any

from retrofit import model
from retrofit.errors import InputError
from retrofit.measures.base import (
    Applicability,
    ApplyContext,
    Measure,
    MeasureResult,
    Parameter,
    register,
)

#: ``ZoneInfiltration:DesignFlowRate`` calculation methods (EnergyPlus 25.2 IDD keys, lower case)
#: -> the field the method reads. A blank method is the IDD default, Flow/Zone.
DESIGN_FLOW_RATE_FIELDS = {
    "flow/zone": "Design_Flow_Rate",
    "flow/area": "Flow_Rate_per_Floor_Area",
    "flow/exteriorarea": "Flow_Rate_per_Exterior_Surface_Area",
    "flow/exteriorwallarea": "Flow_Rate_per_Exterior_Surface_Area",
    "airchanges/hour": "Air_Changes_per_Hour",
}

#: Object type -> the field scaled (for the two models that have one).
LEAKAGE_FIELDS = {
    "ZONEINFILTRATION:EFFECTIVELEAKAGEAREA": "Effective_Air_Leakage_Area",
    "ZONEINFILTRATION:FLOWCOEFFICIENT": "Flow_Coefficient",
}

INFILTRATION_OBJECTS = ("ZONEINFILTRATION:DESIGNFLOWRATE", *LEAKAGE_FIELDS)

#: AirflowNetwork controls under which EnergyPlus ignores the ZoneInfiltration objects (IDD
#: notes of ``AirflowNetwork:SimulationControl``); with
#: ``MultizoneWithDistributionOnlyDuringFanOperation`` they act only while the fans are off.
AIRFLOW_NETWORK_IGNORES = ("multizonewithdistribution", "multizonewithoutdistribution")


def scaled_field(obj) -> str | None:
    """The field of an infiltration object that its infiltration is proportional to, or None."""
    key = obj.key.upper()
    if key in LEAKAGE_FIELDS:
        return LEAKAGE_FIELDS[key]
    method = str(obj.Design_Flow_Rate_Calculation_Method or "Flow/Zone").strip().lower()
    return DESIGN_FLOW_RATE_FIELDS.get(method)


def _airflow_network_control(idf) -> str:
    controls = idf.idfobjects["AIRFLOWNETWORK:SIMULATIONCONTROL"]
    return str(controls[0].AirflowNetwork_Control or "").strip().lower() if controls else ""


def envelope_area_m2(idf) -> float:
    """Exterior walls and roofs facing outdoors, gross, zone multipliers applied [m²]."""
    return sum(
        s.total_area_m2 for kind in ("wall", "roof") for s in model.exterior_surfaces(idf, kind)
    )


@register
class InfiltrationReduction(Measure):
    """Air sealing as a fractional cut of every infiltration object (module docstring)."""

    name = "infiltration_reduction"
    objects = (
        "ZoneInfiltration:DesignFlowRate, ZoneInfiltration:EffectiveLeakageArea, "
        "ZoneInfiltration:FlowCoefficient"
    )
    parameters = (
        Parameter(
            "reduction_fraction",
            "Fractional cut of infiltration (0 < f < 1)",
            minimum=0.0,
            maximum=1.0,
            exclusive_minimum=True,
        ),
    )

    def validate_together(self, params: dict[str, Any]) -> None:
        if params["reduction_fraction"] >= 1.0:
            raise InputError(
                f"measure {self.name}: parameter reduction_fraction="
                f"{params['reduction_fraction']!r}: must be < 1 (an airtight building)"
            )

    def _objects(self, idf) -> list:
        return [o for key in INFILTRATION_OBJECTS for o in idf.idfobjects[key]]

    def check(self, idf, context: ApplyContext | None = None) -> Applicability:
        objects = self._objects(idf)
        if not objects:
            return Applicability(False, "no infiltration objects in this model")
        control = _airflow_network_control(idf)
        if control in AIRFLOW_NETWORK_IGNORES:
            return Applicability(
                False,
                f"the AirflowNetwork ({control}) models infiltration and EnergyPlus ignores the "
                "ZoneInfiltration objects; scale its crack and leakage objects instead",
            )
        if not any((model.number(o[f]) or 0.0) > 0.0 for o in objects if (f := scaled_field(o))):
            return Applicability(False, "every infiltration object has a zero or blank rate")
        return Applicability(True)

    def transform(self, idf, context: ApplyContext) -> MeasureResult:
        factor = 1.0 - self.params["reduction_fraction"]
        details: dict[str, Any] = {"objects": {}}
        notes: list[str] = []
        if _airflow_network_control(idf) == "multizonewithdistributiononlyduringfanoperation":
            notes.append(
                "AirflowNetwork MultizoneWithDistributionOnlyDuringFanOperation: the "
                "ZoneInfiltration objects act only while the fans are off"
            )
        for obj in self._objects(idf):
            field = scaled_field(obj)
            if field is None:
                notes.append(
                    f"{obj.key} {obj.Name}: unknown method "
                    f"{obj.Design_Flow_Rate_Calculation_Method!r}, unchanged"
                )
                continue
            before = model.number(obj[field])
            if before is None:
                notes.append(f"{obj.key} {obj.Name}: {field} is {obj[field]!r}, unchanged")
                continue
            obj[field] = before * factor
            details["objects"][obj.Name] = {
                "type": obj.key,
                "field": field.replace("_", " "),
                "before": before,
                "after": before * factor,
            }
        return MeasureResult(idf, {"envelope_area_m2": envelope_area_m2(idf)}, details, notes)
