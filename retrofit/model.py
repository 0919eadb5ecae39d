"""Queries over an in-memory (eppy) EnergyPlus model, shared by the measures.

Everything here reads the model and returns plain records; nothing edits it. Geometry is pure
(:mod:`retrofit.geometry`); this module finds the objects and applies zone multipliers and
rotations. The generic queries (:func:`number`, :func:`by_name`, :func:`type_name`,
:func:`expand_list`, :func:`references`, :func:`unique_name`) serve every measure; the plant and
curve helpers of the HVAC measures are in :mod:`retrofit.measures.hvac`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from retrofit import geometry

#: Surface object types with explicit vertices (BuildingSurface:Detailed and the detailed
#: wall/roof/floor objects share the field layout up to the vertices).
DETAILED_SURFACE_TYPES = ("BUILDINGSURFACE:DETAILED",)
WINDOW_TYPES = ("FENESTRATIONSURFACE:DETAILED",)


@dataclass(frozen=True)
class Zone:
    """A thermal zone.

    Attributes
    ----------
    multiplier : float
        Zone multiplier (identical floors modelled once). ``ZoneGroup`` multipliers are not
        applied.
    north_axis_deg : float
        Building north axis plus the zone's direction of relative north [deg].
    origin : tuple
        Zone origin [m] (surfaces are relative to it when GlobalGeometryRules says so).
    """

    name: str
    multiplier: float
    north_axis_deg: float
    origin: tuple[float, float, float]
    part_of_floor_area: bool


@dataclass(frozen=True)
class Surface:
    """An opaque surface or a window, with its geometry.

    Attributes
    ----------
    area_m2 : float
        Area of one instance [m²]; :attr:`total_area_m2` applies the multipliers.
    multiplier : float
        Zone multiplier (times the window's own multiplier for windows).
    """

    obj: object
    name: str
    surface_type: str
    zone: str
    construction: str
    boundary: str
    area_m2: float
    azimuth_deg: float
    tilt_deg: float
    multiplier: float
    vertices: tuple
    parent: str = ""

    @property
    def total_area_m2(self) -> float:
        return self.area_m2 * self.multiplier

    @property
    def orientation(self) -> str:
        return geometry.orientation(self.azimuth_deg)


# --------------------------------------------------------------------------------------------
# Fields, objects and names
# --------------------------------------------------------------------------------------------


def number(value, default: float | None = None, *, positive: bool = False) -> float | None:
    """A field's value as a finite number, else ``default``.

    Parameters
    ----------
    value : str or float
        An eppy field value (numbers come as floats, text as str).
    default : float, optional
        Returned for a blank field, ``autosize`` / ``autocalculate``, other text and
        non-finite values (None unless given).
    positive : bool
        Also return ``default`` for values <= 0 (a capacity of 0 means "not given").

    Returns
    -------
    float or None
        In the field's own unit (EnergyPlus fields are SI: W, m3/s, degC ...).
    """
    try:
        result = float(value)
    except (TypeError, ValueError):
        return default
    if not math.isfinite(result) or (positive and result <= 0):
        return default
    return result


def by_name(idf, key: str | Iterable[str], name: str):
    """The first object of type ``key`` (or of the first of several types) called ``name``.

    Names are compared case-insensitively and without surrounding blanks, as EnergyPlus
    compares them. Returns None when there is none.
    """
    keys = (key,) if isinstance(key, str) else tuple(key)
    target = str(name).strip().upper()
    for k in keys:
        for obj in idf.idfobjects[k.upper()]:
            if str(obj.Name).strip().upper() == target:
                return obj
    return None


def type_name(obj) -> str:
    """The object's type as the IDD spells it (``Coil:Heating:Fuel``; eppy keys are upper case)."""
    return str(obj.objidd[0].get("idfobj", obj.key)) if obj.objidd else str(obj.key)


def expand_list(idf, list_key: str, name: str) -> list[str]:
    """The names in the ``list_key`` object (``NodeList``, ``ZoneList``) called ``name``, or
    ``[name]`` when there is no such list (a field may name either a node or a node list)."""
    listing = by_name(idf, list_key, name)
    if listing is None:
        return [str(name)]
    return [str(v) for v in listing.obj[2:] if str(v).strip()]


def references(idf, name: str, *, with_names: bool = False) -> Iterator:
    """The objects with a field equal to ``name`` (case-insensitive), in model order.

    Parameters
    ----------
    with_names : bool
        Also look at each object's first field (its name): an object *called* ``name`` counts.
        Node names need it (an ``OutdoorAir:Node`` is named after its node); references to an
        object by name do not.
    """
    target = str(name).strip().upper()
    start = 1 if with_names else 2
    for objects in idf.idfobjects.values():
        for obj in objects:
            if any(str(v).strip().upper() == target for v in obj.obj[start:]):
                yield obj


def free_name(base: str, taken: Callable[[str], bool]) -> str:
    """``base``, or ``base 2``, ``base 3``...: the first name that ``taken`` says is free."""
    name, n = base, 1
    while taken(name):
        n += 1
        name = f"{base} {n}"
    return name


def unique_name(idf, key: str | Iterable[str], base: str) -> str:
    """``base``, or ``base 2``, ``base 3``...: a name no object of type ``key`` (or of any of
    several types sharing a namespace) has yet."""
    keys = (key,) if isinstance(key, str) else tuple(key)
    taken = {str(o.Name).upper() for k in keys for o in idf.idfobjects[k.upper()]}
    return free_name(base, lambda name: name.upper() in taken)


# --------------------------------------------------------------------------------------------
# Zones, surfaces and constructions
# --------------------------------------------------------------------------------------------


def building_north_axis_deg(idf) -> float:
    buildings = idf.idfobjects["BUILDING"]
    return number(buildings[0].North_Axis, 0.0) if buildings else 0.0


def zones(idf) -> dict[str, Zone]:
    """Zones by upper-case name.

    With world coordinates (``GlobalGeometryRules``) the zones' relative north is ignored, as
    EnergyPlus ignores it; only the building's north axis rotates the model.
    """
    north = building_north_axis_deg(idf)
    world = geometry_rules(idf).world_coordinates
    out = {}
    for z in idf.idfobjects["ZONE"]:
        multiplier = number(z.Multiplier, 1.0) or 1.0
        part = str(getattr(z, "Part_of_Total_Floor_Area", "") or "Yes").lower() != "no"
        out[z.Name.upper()] = Zone(
            name=z.Name,
            multiplier=multiplier,
            north_axis_deg=north + (0.0 if world else number(z.Direction_of_Relative_North, 0.0)),
            origin=(number(z.X_Origin, 0.0), number(z.Y_Origin, 0.0), number(z.Z_Origin, 0.0)),
            part_of_floor_area=part,
        )
    return out


@dataclass(frozen=True)
class GeometryRules:
    """``GlobalGeometryRules``: how vertices are ordered and which coordinates they use."""

    clockwise: bool = False
    world_coordinates: bool = False


def geometry_rules(idf) -> GeometryRules:
    rules = idf.idfobjects["GLOBALGEOMETRYRULES"]
    if not rules:
        return GeometryRules()
    rule = rules[0]
    return GeometryRules(
        clockwise=str(rule.Vertex_Entry_Direction).lower() == "clockwise",
        world_coordinates=str(rule.Coordinate_System).lower() in ("world", "absolute"),
    )


def vertices(obj, rules: GeometryRules = GeometryRules()) -> tuple:
    """Vertex coordinates of a detailed surface (fields after Number of Vertices), in
    counter-clockwise order seen from outside (so the right-hand normal points outward)."""
    names = obj.fieldnames
    start = names.index("Number_of_Vertices") + 1
    coords = [v for v in obj.obj[start:] if v != ""]
    points = geometry.points(coords)
    if rules.clockwise:
        points = points[::-1]
    return tuple(points)


def surfaces(idf) -> list[Surface]:
    """Every ``BuildingSurface:Detailed``, with area, orientation and zone multiplier."""
    zone_map = zones(idf)
    rules = geometry_rules(idf)
    out = []
    for key in DETAILED_SURFACE_TYPES:
        for s in idf.idfobjects[key]:
            zone = zone_map.get(str(s.Zone_Name).upper())
            verts = vertices(s, rules)
            if len(verts) < 3:
                continue
            out.append(
                Surface(
                    obj=s,
                    name=s.Name,
                    surface_type=str(s.Surface_Type).lower(),
                    zone=s.Zone_Name,
                    construction=s.Construction_Name,
                    boundary=str(s.Outside_Boundary_Condition).lower(),
                    area_m2=geometry.area_m2(verts),
                    azimuth_deg=geometry.azimuth_deg(verts, zone.north_axis_deg if zone else 0.0),
                    tilt_deg=geometry.tilt_deg(verts),
                    multiplier=zone.multiplier if zone else 1.0,
                    vertices=verts,
                )
            )
    return out


def exterior_surfaces(idf, surface_type: str) -> list[Surface]:
    """Surfaces of ``surface_type`` (``wall``, ``roof``, ``floor``) facing outdoors."""
    return [s for s in surfaces(idf) if s.surface_type == surface_type and s.boundary == "outdoors"]


def windows(idf) -> list[Surface]:
    """Every ``FenestrationSurface:Detailed`` of type Window or GlassDoor on an exterior surface.

    The multiplier is the zone's times the window's own.
    """
    parents = {s.name.upper(): s for s in surfaces(idf)}
    rules = geometry_rules(idf)
    out = []
    for key in WINDOW_TYPES:
        for w in idf.idfobjects[key]:
            if str(w.Surface_Type).lower() not in ("window", "glassdoor"):
                continue
            parent = parents.get(str(w.Building_Surface_Name).upper())
            if parent is None or parent.boundary != "outdoors":
                continue
            verts = vertices(w, rules)
            if len(verts) < 3:
                continue
            own = number(w.Multiplier, 1.0) or 1.0
            out.append(
                Surface(
                    obj=w,
                    name=w.Name,
                    surface_type=str(w.Surface_Type).lower(),
                    zone=parent.zone,
                    construction=w.Construction_Name,
                    boundary="outdoors",
                    area_m2=geometry.area_m2(verts),
                    azimuth_deg=parent.azimuth_deg,
                    tilt_deg=parent.tilt_deg,
                    multiplier=parent.multiplier * own,
                    vertices=verts,
                    parent=parent.name,
                )
            )
    return out


def construction_users(idf) -> dict[str, list[str]]:
    """Construction name (upper case) -> names of the surfaces and windows that use it."""
    users: dict[str, list[str]] = {}
    for key in (*DETAILED_SURFACE_TYPES, *WINDOW_TYPES):
        for s in idf.idfobjects[key]:
            users.setdefault(str(s.Construction_Name).upper(), []).append(s.Name)
    return users


def construction(idf, name: str):
    """The ``Construction`` object called ``name`` (case-insensitive), or None."""
    return by_name(idf, "Construction", name)


def construction_layers(obj) -> list[str]:
    """Layer names of a ``Construction``, outside first."""
    return [v for v in obj.obj[2:] if v != ""]
