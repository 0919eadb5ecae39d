"""Plant-loop, air-loop and curve helpers shared by the HVAC measures.

The measures that replace or re-control HVAC equipment (:mod:`~retrofit.measures.chiller`,
:mod:`~retrofit.measures.controls`, :mod:`~retrofit.measures.heat_pump`,
:mod:`~retrofit.measures.heat_pump_packaged`, :mod:`~retrofit.measures.water_heating`,
:mod:`~retrofit.measures.demand_response`) read and write the same EnergyPlus structures:

* **baseline sizes**: the final rows of a sizing run's ``ComponentSizes``
  (:attr:`~retrofit.measures.base.ApplyContext.component_sizes`), so that new equipment keeps
  the installed capacity (:func:`component_size`, :func:`final_sizes`);
* **performance curves**: ``Curve:Quadratic / Cubic / Biquadratic / Bicubic`` objects as
  :class:`retrofit.iplv.Curve` records, read (:func:`read_curve`) and added under a free name
  (:func:`add_curve`; curves and tables share one namespace in EnergyPlus);
* **plant loops**: branch lists, branches and the components on them (:func:`branches`,
  :func:`branch_components`, :func:`plant_loops`, :func:`supply_nodes`), the temperature
  set-point managers and the nodes they write (:func:`temperature_setpoint_managers`), and
  re-typing the references to a replaced component (:func:`retype_references`).

Generic model queries (numbers, objects by name, unique names, references) are in
:mod:`retrofit.model`. Unlike that module, some functions here edit the model
(:func:`add_object`, :func:`add_curve`, :func:`retype_references`); each says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import pandas as pd

from retrofit import model
from retrofit.iplv import CURVE_TYPES, Curve

# --------------------------------------------------------------------------------------------
# Objects
# --------------------------------------------------------------------------------------------


def add_object(idf, key: str, values: Sequence[Any]):
    """Add an object of type ``key`` from its field values after the type, in IDD order.

    Trailing blank values are dropped (EnergyPlus then applies the IDD defaults); fields after
    the last value are not written. Edits ``idf``; returns the new eppy object.
    """
    values = list(values)
    while values and values[-1] == "":
        values.pop()
    obj = idf.newidfobject(key.upper())
    del obj.obj[1:]
    obj.obj.extend(values)
    return obj


# --------------------------------------------------------------------------------------------
# Sizes from the baseline
# --------------------------------------------------------------------------------------------

#: Columns of a ``ComponentSizes`` table (:attr:`retrofit.results.Results.component_sizes`).
SIZE_COLUMNS = ("component_type", "component_name", "description", "value", "units")


def final_sizes(sizes: pd.DataFrame | None, component_type: str, name: str) -> pd.DataFrame:
    """The rows of one component in a baseline ``ComponentSizes`` table, final sizes only.

    Type and name are matched case-insensitively. The ``Initial Design Size ...`` rows (the
    first plant-sizing pass, before EnergyPlus resizes the plant) are dropped; the
    ``Design Size ...`` and ``User-Specified ...`` rows and those without a prefix (pumps:
    ``Design Power Consumption``; water heaters: ``Maximum Heater Capacity``) are kept.

    Returns
    -------
    DataFrame
        Columns :data:`SIZE_COLUMNS`, values in the ``units`` column's unit; empty without
        sizes.
    """
    if sizes is None or len(sizes) == 0:
        return pd.DataFrame(columns=list(SIZE_COLUMNS))
    rows = sizes[
        (sizes["component_type"].str.upper() == component_type.upper())
        & (sizes["component_name"].str.upper() == str(name).upper())
    ]
    return rows[~rows["description"].str.lower().str.startswith("initial")]


def component_size(
    sizes: pd.DataFrame | None, component_type: str, name: str, description: str
) -> float | None:
    """A component's final autosized value from a baseline ``ComponentSizes`` table.

    Parameters
    ----------
    sizes : DataFrame or None
        :attr:`~retrofit.measures.base.ApplyContext.component_sizes`.
    component_type, name : str
        The EnergyPlus object type and name (case-insensitive).
    description : str
        Matched exactly, e.g. ``"Design Size Reference Capacity"`` (chillers, [W]),
        ``"Design Size Nominal Capacity"`` (boilers, [W]), ``"Design Power Consumption"``
        (pumps, [W]).

    Returns
    -------
    float or None
        The last such row's value in its unit (EnergyPlus writes SI units); None if absent.
    """
    rows = final_sizes(sizes, component_type, name)
    rows = rows[rows["description"] == description]
    return float(rows["value"].iloc[-1]) if len(rows) else None


# --------------------------------------------------------------------------------------------
# Performance curves
# --------------------------------------------------------------------------------------------

#: Eppy key of each curve object :func:`read_curve` reads -> form of :class:`~retrofit.iplv.Curve`.
CURVE_FORMS = {object_type.upper(): form for form, object_type in CURVE_TYPES.items()}

_BIQUADRATIC_FIELDS = (
    "Coefficient1_Constant",
    "Coefficient2_x",
    "Coefficient3_x2",
    "Coefficient4_y",
    "Coefficient5_y2",
    "Coefficient6_xy",
)

#: EnergyPlus field names of the coefficients of each curve form (eppy spelling).
CURVE_COEFFICIENT_FIELDS = {
    "quadratic": _BIQUADRATIC_FIELDS[:3],
    "cubic": (*_BIQUADRATIC_FIELDS[:3], "Coefficient4_x3"),
    "biquadratic": _BIQUADRATIC_FIELDS,
    "bicubic": (
        *_BIQUADRATIC_FIELDS,
        "Coefficient7_x3",
        "Coefficient8_y3",
        "Coefficient9_x2y",
        "Coefficient10_xy2",
    ),
}

#: Object types whose names share one namespace with the curves (EnergyPlus checks curve and
#: table names for uniqueness together), as eppy key prefixes.
CURVE_NAMESPACE = ("CURVE:", "TABLE:")

#: ``Input Unit Type for X``, ``... for Y`` and ``Output Unit Type`` of a two-input curve of
#: temperatures [degC] whose output is a dimensionless modifier.
TEMPERATURE_UNIT_TYPES = ("Temperature", "Temperature", "Dimensionless")


def read_curve(idf, name: str) -> Curve | None:
    """A ``Curve:Quadratic / Cubic / Biquadratic / Bicubic`` as a :class:`~retrofit.iplv.Curve`.

    Blank coefficients are 0 (the IDD default). None for another curve type, a missing name
    or a missing input limit.
    """
    target = str(name).upper()
    for key, form in CURVE_FORMS.items():
        for obj in idf.idfobjects[key]:
            if str(obj.Name).upper() != target:
                continue
            number = model.number
            coefficients = tuple(number(obj[f]) or 0.0 for f in CURVE_COEFFICIENT_FIELDS[form])
            x_range = (number(obj.Minimum_Value_of_x), number(obj.Maximum_Value_of_x))
            two = form.startswith("bi")
            y_range = (
                (number(obj.Minimum_Value_of_y), number(obj.Maximum_Value_of_y)) if two else None
            )
            if None in x_range or (two and None in y_range):
                return None
            return Curve(
                form,
                coefficients,
                x_range,
                y_range,
                (number(obj.Minimum_Curve_Output), number(obj.Maximum_Curve_Output)),
                name=str(obj.Name),
            )
    return None


def unique_curve_name(idf, base: str) -> str:
    """``base``, or ``base 2``, ``base 3``...: a name no curve or table of any type has yet."""
    keys = [key for key in idf.idfobjects if key.upper().startswith(CURVE_NAMESPACE)]
    return model.unique_name(idf, keys, base)


def add_curve(
    idf, curve: Curve, name: str | None = None, unit_types: Sequence[str] | None = None
) -> str:
    """Add ``curve`` to the model as its EnergyPlus curve object; returns the name it got.

    Parameters
    ----------
    curve : Curve
        Coefficients, input limits and output limits are written as they are.
    name : str, optional
        Base name (default ``curve.name``); " 2", " 3"... is appended while a curve or table
        has it (:func:`unique_curve_name`).
    unit_types : sequence of str, optional
        ``Input Unit Type for X`` (and ``for Y``) and ``Output Unit Type``, e.g.
        :data:`TEMPERATURE_UNIT_TYPES`. None writes the IDD defaults (``Dimensionless``
        each); an empty sequence leaves the fields out (and blank output limits with them),
        which EnergyPlus reads as the same defaults.

    Edits ``idf``.
    """
    name = unique_curve_name(idf, curve.name if name is None else name)
    if unit_types is None:
        unit_types = ("Dimensionless",) * (3 if curve.two_inputs else 2)
    low, high = ("" if v is None else v for v in curve.output_range)
    add_object(idf, curve.key, [name, *curve.coefficients, *curve.limits, low, high, *unit_types])
    return name


# --------------------------------------------------------------------------------------------
# Plant loops
# --------------------------------------------------------------------------------------------


def branches(idf, branch_list_name: str) -> list:
    """The ``Branch`` objects of the ``BranchList`` called ``branch_list_name``, in its order
    (names it lists that no branch has are skipped; no such list gives [])."""
    listing = model.by_name(idf, "BranchList", branch_list_name)
    if listing is None:
        return []
    found = (model.by_name(idf, "Branch", n) for n in listing.obj[2:] if str(n).strip())
    return [branch for branch in found if branch is not None]


def branch_components(branch) -> list[tuple[str, str, str, str]]:
    """(object type, name, inlet node, outlet node) of each component of a ``Branch``, in the
    model's spelling (a last group cut short has blank nodes)."""
    values = [str(v) for v in branch.obj[3:]]  # after the name and the pressure drop curve
    out = []
    for i in range(0, len(values) - 1, 4):
        kind, name, inlet, outlet = (*values[i : i + 4], "", "")[:4]
        if kind.strip():
            out.append((kind, name, inlet, outlet))
    return out


@dataclass(frozen=True)
class PlantLoop:
    """A ``PlantLoop`` or ``CondenserLoop`` and what its branches hold.

    Attributes
    ----------
    kind : {"PlantLoop", "CondenserLoop"}
    supply_outlet_node : str
    supply_components, demand_components : tuple of (type, name)
        Components of the supply (plant / condenser) side and the demand side, upper case.
    common_pipe : bool
        A primary/secondary plant loop with a common pipe (``Common Pipe Simulation`` set).
    """

    name: str
    kind: str
    supply_outlet_node: str
    supply_components: tuple[tuple[str, str], ...]
    demand_components: tuple[tuple[str, str], ...]
    common_pipe: bool = False

    def holds(self, object_type: str, name: str, side: str = "supply") -> bool:
        components = self.supply_components if side == "supply" else self.demand_components
        return (object_type.upper(), name.upper()) in components


#: The loop objects :func:`plant_loops` reads: (eppy key, kind, supply outlet node field,
#: supply branch list field, demand branch list field).
LOOP_FIELDS = (
    (
        "PLANTLOOP",
        "PlantLoop",
        "Plant_Side_Outlet_Node_Name",
        "Plant_Side_Branch_List_Name",
        "Demand_Side_Branch_List_Name",
    ),
    (
        "CONDENSERLOOP",
        "CondenserLoop",
        "Condenser_Side_Outlet_Node_Name",
        "Condenser_Side_Branch_List_Name",
        "Condenser_Demand_Side_Branch_List_Name",
    ),
)


def _components(idf, branch_list_name: str) -> tuple[tuple[str, str], ...]:
    return tuple(
        (kind.upper(), name.upper())
        for branch in branches(idf, branch_list_name)
        for kind, name, _, _ in branch_components(branch)
    )


def plant_loops(idf) -> list[PlantLoop]:
    """Every ``PlantLoop`` and ``CondenserLoop`` with its components (plant loops first)."""
    out = []
    for key, kind, outlet, supply, demand in LOOP_FIELDS:
        for loop in idf.idfobjects[key]:
            pipe = getattr(loop, "Common_Pipe_Simulation", "")  # condenser loops have none
            out.append(
                PlantLoop(
                    name=str(loop.Name),
                    kind=kind,
                    supply_outlet_node=str(loop[outlet]),
                    supply_components=_components(idf, loop[supply]),
                    demand_components=_components(idf, loop[demand]),
                    common_pipe=str(pipe or "").strip().lower() not in ("", "none"),
                )
            )
    return out


def supply_nodes(idf, loop) -> set[str]:
    """Upper-case names of the nodes on the supply side of a ``PlantLoop`` (eppy object): its
    outlet and set-point nodes and the inlet and outlet of every supply component."""
    nodes = {str(loop.Plant_Side_Outlet_Node_Name).upper()}
    nodes.add(str(loop.Loop_Temperature_Setpoint_Node_Name).upper())
    for branch in branches(idf, loop.Plant_Side_Branch_List_Name):
        for _, _, inlet, outlet in branch_components(branch):
            nodes.update((inlet.upper(), outlet.upper()))
    return nodes


class SetpointManager(NamedTuple):
    """A set-point manager and the nodes it writes.

    Attributes
    ----------
    key : str
        Its eppy key (upper case, ``SETPOINTMANAGER:SCHEDULED``).
    obj : eppy object
    nodes : list of str
        Its set-point node, or the nodes of its ``NodeList``, upper case.
    """

    key: str
    obj: Any
    nodes: list[str]


def temperature_setpoint_managers(idf) -> list[SetpointManager]:
    """Every set-point manager that writes a temperature set-point on nodes (its ``Setpoint
    Node or NodeList Name``; a blank ``Control Variable`` is a temperature), in model order."""
    out = []
    for key, objects in idf.idfobjects.items():
        if not key.upper().startswith("SETPOINTMANAGER:"):
            continue
        for obj in objects:
            if "Setpoint_Node_or_NodeList_Name" not in obj.fieldnames:
                continue
            variable = obj["Control_Variable"] if "Control_Variable" in obj.fieldnames else ""
            if str(variable or "Temperature").lower() != "temperature":
                continue
            target = obj.Setpoint_Node_or_NodeList_Name
            nodes = [n.upper() for n in model.expand_list(idf, "NodeList", target)]
            out.append(SetpointManager(key.upper(), obj, nodes))
    return out


def retype_references(
    idf,
    name: str,
    old_type: str,
    new_type: str,
    *,
    new_name: str | None = None,
    ems_actuators: bool = True,
) -> int:
    """Re-point every reference that names ``name`` as an ``old_type`` object.

    Branches, equipment lists and operation schemes list a component as a type field followed
    by a name field: the type becomes ``new_type`` (and the name ``new_name`` when given). EMS
    actuators give the name, then "Plant Component <type>": with ``ems_actuators`` that type is
    rewritten too (the name is kept). Edits ``idf``; returns how many references changed.
    """
    count = 0
    target, old = str(name).strip().upper(), old_type.upper()
    plant_component = f"PLANT COMPONENT {old}"
    for objects in idf.idfobjects.values():
        for obj in objects:
            values = obj.obj
            for i in range(2, len(values)):
                if str(values[i]).strip().upper() != target:
                    continue
                if str(values[i - 1]).strip().upper() == old:
                    values[i - 1] = new_type
                    if new_name is not None:
                        values[i] = new_name
                    count += 1
                elif (
                    ems_actuators
                    and i + 1 < len(values)
                    and str(values[i + 1]).strip().upper() == plant_component
                ):
                    values[i + 1] = f"Plant Component {new_type}"
                    count += 1
    return count
