"""Queries over an in-memory (eppy) EnergyPlus model, shared by the measures.

Everything here reads the model and returns plain records; nothing edits it. Geometry is pure
(:mod:`retrofit.geometry`); this module finds the objects and applies zone multipliers and
rotations.
"""

from __future__ import annotations

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


def _float(value, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def building_north_axis_deg(idf) -> float:
    buildings = idf.idfobjects["BUILDING"]
    return _float(buildings[0].North_Axis) if buildings else 0.0


def zones(idf) -> dict[str, Zone]:
    """Zones by upper-case name.

    With world coordinates (``GlobalGeometryRules``) the zones' relative north is ignored, as
    EnergyPlus ignores it; only the building's north axis rotates the model.
    """
    north = building_north_axis_deg(idf)
    world = geometry_rules(idf).world_coordinates
    out = {}
    for z in idf.idfobjects["ZONE"]:
        multiplier = _float(z.Multiplier, 1.0) or 1.0
        part = str(getattr(z, "Part_of_Total_Floor_Area", "") or "Yes").lower() != "no"
        out[z.Name.upper()] = Zone(
            name=z.Name,
            multiplier=multiplier,
            north_axis_deg=north + (0.0 if world else _float(z.Direction_of_Relative_North)),
            origin=(_float(z.X_Origin), _float(z.Y_Origin), _float(z.Z_Origin)),
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
            own = _float(w.Multiplier, 1.0) or 1.0
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
    target = name.upper()
    return next((c for c in idf.idfobjects["CONSTRUCTION"] if c.Name.upper() == target), None)


def construction_layers(obj) -> list[str]:
    """Layer names of a ``Construction``, outside first."""
    return [v for v in obj.obj[2:] if v != ""]


def unique_name(idf, key: str, base: str) -> str:
    """``base``, or ``base 2``, ``base 3``... : a name no ``key`` object has yet."""
    taken = {str(o.Name).upper() for o in idf.idfobjects[key.upper()]}
    name, n = base, 1
    while name.upper() in taken:
        n += 1
        name = f"{base} {n}"
    return name
