"""LED relamping to a target lighting power density, with optional daylight dimming.

The measure ``led_lighting`` edits ``Lights`` objects:

* **Which Lights.** All of them, or those whose name, or the name of the zone, zone list, space or
  space list they reference, contains one of ``space_types`` (:func:`matches_space_type`). The
  prototypes name Lights after their zone (``Core_bottom_Lights``, ``Room_1_Flr_3_Lights``,
  ``Retail_1_Flr_1_Lights``), OpenStudio models after the space type (``Office_WholeBuilding - Md
  Office Lights``); both are found by a substring such as ``"Room"``, ``"Corridor"``,
  ``"Office"``.
* **The new LPD.** Give *one* of ``target_lpd_w_per_m2`` (each matched object goes down to the
  target, never up) or ``reduction_fraction`` (each matched object's LPD times ``1 - f``). The one
  you give replaces the catalogue's default for the other (the package catalogue defaults the
  target, 8 W/m², GB 55015-2021 App. C office); giving both is an error.
* **Any calculation method.** ``LightingLevel`` [W] is converted with the floor area it covers,
  ``Watts/Person`` with the design number of people of the ``People`` objects there; a reduced
  object is rewritten as ``Watts/Area`` at the new LPD. The floor area and the allocation of an
  absolute level to the spaces of a zone list follow EnergyPlus (:func:`covered_parts`).
* **Daylight dimming** (``daylight_dimming = true``): in each matched zone that has an exterior
  window and no ``Daylighting:Controls`` yet, one ``Daylighting:ReferencePoint`` at work-plane
  height, ``reference_point_depth_m`` in from the centre of the zone's largest window along the
  window's inward normal (moved towards the window until it lies over the zone's floor), and a
  ``Daylighting:Controls`` (SplitFlux, continuous dimming) controlling ``controlled_fraction`` of
  the zone's lights to ``illuminance_setpoint_lux``. Coordinates honour ``GlobalGeometryRules``:
  the point is found in the surfaces' coordinate system and written in the daylighting one
  (:func:`to_world`, :func:`from_world`).

Quantities: ``floor_area_m2`` (floor relamped, zone multipliers applied; the cost basis),
``lighting_power_removed_kw`` (design power, multipliers applied) and ``daylit_floor_area_m2``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from retrofit import geometry, model
from retrofit.errors import InputError
from retrofit.measures.base import (
    Applicability,
    ApplyContext,
    Measure,
    MeasureResult,
    Parameter,
    register,
)
from retrofit.measures.catalogue import Catalogue

#: ``Lights`` design level calculation methods (EnergyPlus 25.2 IDD keys, lower case) -> the field
#: each one reads.
LIGHTS_METHOD_FIELDS = {
    "lightinglevel": "Lighting_Level",
    "watts/area": "Watts_per_Floor_Area",
    "watts/person": "Watts_per_Person",
}

#: ``People`` number calculation methods (EnergyPlus 25.2 IDD keys, lower case) -> field.
PEOPLE_METHOD_FIELDS = {
    "people": "Number_of_People",
    "people/area": "People_per_Floor_Area",
    "area/person": "Floor_Area_per_Person",
}

#: Shortest distance from the window [m] tried for a reference point before a zone is skipped
#: (the depth is halved from ``reference_point_depth_m`` down to this).
MINIMUM_REFERENCE_DEPTH_M = 0.1

#: Relative tolerance below which two LPDs are taken as equal (the target is not a cut).
_LPD_RTOL = 1e-9


# --------------------------------------------------------------------------------------------
# Pure helpers
# --------------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Lower case, letters and digits only: ``"Guest Room"`` and ``"GuestRoom"`` compare equal."""
    return re.sub(r"[^0-9a-z]", "", str(text).lower())


def matches_space_type(names: Iterable[str], space_types: Sequence[str] | None) -> list[str]:
    """The ``space_types`` found (as substrings, :func:`normalise`\\ d) in any of ``names``.

    ``None`` or an empty list matches everything (returns ``["*"]``).
    """
    if not space_types:
        return ["*"]
    haystack = [normalise(n) for n in names]
    return [s for s in space_types if normalise(s) and any(normalise(s) in h for h in haystack)]


def new_lpd_w_per_m2(
    lpd_w_per_m2: float, target_w_per_m2: float | None, reduction_fraction: float | None
) -> float:
    """The LPD after relamping [W/m²]: down to the target (never up), or cut by the fraction."""
    if target_w_per_m2 is not None:
        return min(lpd_w_per_m2, target_w_per_m2)
    return lpd_w_per_m2 * (1.0 - float(reduction_fraction or 0.0))


def rotate_xy(x: float, y: float, angle_deg: float) -> tuple[float, float]:
    """Rotate a point clockwise by ``angle_deg`` about the origin (EnergyPlus's north axes)."""
    a = math.radians(angle_deg)
    return x * math.cos(a) + y * math.sin(a), -x * math.sin(a) + y * math.cos(a)


def to_world(point, relative: bool, zone_north_deg: float, origin, building_north_deg: float):
    """A point of the surfaces' (or reference points') coordinate system in world coordinates.

    EnergyPlus (SurfaceGeometry / DaylightingManager): *relative* coordinates are rotated by the
    zone's relative north, shifted by the zone origin, then rotated by the building's north axis;
    *world* coordinates are used as entered (north axes and origins ignored).
    """
    x, y, z = point
    if not relative:
        return (x, y, z)
    xb, yb = rotate_xy(x, y, zone_north_deg)
    xb, yb = xb + origin[0], yb + origin[1]
    xw, yw = rotate_xy(xb, yb, building_north_deg)
    return (xw, yw, z + origin[2])


def from_world(point, relative: bool, zone_north_deg: float, origin, building_north_deg: float):
    """The inverse of :func:`to_world`."""
    x, y, z = point
    if not relative:
        return (x, y, z)
    xb, yb = rotate_xy(x, y, -building_north_deg)
    xz, yz = rotate_xy(xb - origin[0], yb - origin[1], -zone_north_deg)
    return (xz, yz, z - origin[2])


def point_in_polygon_xy(x: float, y: float, polygon: Sequence[geometry.Point]) -> bool:
    """Whether ``(x, y)`` lies inside the horizontal projection of ``polygon`` (ray casting)."""
    inside = False
    n = len(polygon)
    for i in range(n):
        x1, y1 = polygon[i][0], polygon[i][1]
        x2, y2 = polygon[(i + 1) % n][0], polygon[(i + 1) % n][1]
        if (y1 > y) != (y2 > y):
            x_cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < x_cross:
                inside = not inside
    return inside


def reference_point(
    window: Sequence[geometry.Point],
    floors: Sequence[Sequence[geometry.Point]],
    *,
    depth_m: float,
    work_plane_height_m: float,
    clockwise: bool = False,
) -> geometry.Point | None:
    """A daylighting reference point in front of ``window``, over one of ``floors``.

    The point lies ``depth_m`` in from the window's centre along its inward horizontal normal
    (straight below a skylight), at ``work_plane_height_m`` above the lowest floor. When that is
    not over a floor polygon the depth is halved until it is, down to
    :data:`MINIMUM_REFERENCE_DEPTH_M`; None when no depth works. All in one coordinate system.

    Parameters
    ----------
    window, floors : vertices [m]
    clockwise : bool
        ``GlobalGeometryRules`` vertex entry direction is Clockwise (the outward normal flips).
    """
    if not floors:
        return None
    cx, cy, _ = geometry.centroid(window)
    nx, ny, _ = geometry.newell_normal(window)
    if clockwise:
        nx, ny = -nx, -ny
    horizontal = math.hypot(nx, ny)
    hx, hy = (-nx / horizontal, -ny / horizontal) if horizontal > 1e-9 else (0.0, 0.0)
    z = min(v[2] for f in floors for v in f) + work_plane_height_m
    depth = depth_m if horizontal > 1e-9 else 0.0
    while True:
        x, y = cx + depth * hx, cy + depth * hy
        if any(point_in_polygon_xy(x, y, f) for f in floors):
            return (x, y, z)
        depth /= 2.0
        if depth < MINIMUM_REFERENCE_DEPTH_M:
            return None


def facing_azimuth_deg(window: Sequence[geometry.Point], clockwise: bool = False) -> float:
    """Direction a window faces, clockwise from the y-axis of its coordinates [deg, 0-360).

    A daylighting glare view looking out of this window uses it (EnergyPlus measures the glare
    view direction clockwise from the zone's y-axis; with relative coordinates the window's
    coordinates are the zone's, with world coordinates EnergyPlus ignores zone rotation).
    """
    nx, ny, _ = geometry.newell_normal(window)
    if clockwise:
        nx, ny = -nx, -ny
    if abs(nx) < 1e-12 and abs(ny) < 1e-12:
        return 0.0
    return math.degrees(math.atan2(nx, ny)) % 360.0


def largest_window(windows: Sequence[model.Surface]) -> model.Surface:
    """The largest of a zone's windows (glass doors only when there is no window).

    Among windows of equal area (to 0.01 m²) the one nearest the area-weighted centre of all of
    them: a representative spot on a façade of identical windows rather than one at a corner.
    """
    pool = [w for w in windows if w.surface_type == "window"] or list(windows)
    total = sum(w.area_m2 for w in pool)
    centres = [(w, geometry.centroid(w.vertices)) for w in pool]
    mid = [sum(c[i] * w.area_m2 for w, c in centres) / total for i in range(3)]
    return min(
        centres,
        key=lambda wc: (-round(wc[0].area_m2, 2), math.dist(wc[1], mid), wc[0].name),
    )[0]


# --------------------------------------------------------------------------------------------
# Floor areas, spaces and people as EnergyPlus allocates them
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One space an internal-gain object applies to.

    Attributes
    ----------
    key : str
        Upper-case space name (a zone without ``Space`` objects is its own space, keyed by the
        zone's name).
    zone : str
        Upper-case zone name.
    area_m2 : float
        Floor area of one instance (no multiplier) [m²].
    share : float
        Fraction of an absolute level (W, people) this space receives (EnergyPlus: 1 when the
        object covers one space, else the space's share of its zone's floor area).
    multiplier : float
        Zone multiplier times the multipliers of the ``ZoneGroup`` objects holding the zone.
    """

    key: str
    zone: str
    area_m2: float
    share: float
    multiplier: float = 1.0


@dataclass
class Spaces:
    """Zones, spaces and lists of a model with their floor areas and multipliers."""

    zones: dict[str, model.Zone]
    zone_area_m2: dict[str, float]
    zone_multiplier: dict[str, float]
    zone_spaces: dict[str, list[tuple[str, float]]]
    zone_lists: dict[str, list[str]]
    spaces: dict[str, str]
    space_lists: dict[str, list[str]]

    @classmethod
    def of(cls, idf) -> Spaces:
        zones = model.zones(idf)
        floors = [s for s in model.surfaces(idf) if s.surface_type == "floor"]
        zone_area = {}
        for name in zones:
            entered = model.number(_zone_obj(idf, name).Floor_Area, None)
            computed = sum(s.area_m2 for s in floors if str(s.zone).upper() == name)
            zone_area[name] = entered if entered and entered > 0 else computed
        zone_lists = {
            str(zl.Name).upper(): [str(v).upper() for v in zl.obj[2:] if str(v).strip()]
            for zl in idf.idfobjects["ZONELIST"]
        }
        multiplier = {name: z.multiplier for name, z in zones.items()}
        for group in idf.idfobjects["ZONEGROUP"]:
            factor = model.number(group.Zone_List_Multiplier, 1.0) or 1.0
            for zone in zone_lists.get(str(group.Zone_List_Name).upper(), []):
                if zone in multiplier:
                    multiplier[zone] *= factor
        spaces: dict[str, str] = {}
        zone_spaces: dict[str, list[tuple[str, float]]] = {}
        space_floor: dict[str, float] = {}
        for s in floors:
            space = str(getattr(s.obj, "Space_Name", "") or "").upper()
            if space:
                space_floor[space] = space_floor.get(space, 0.0) + s.area_m2
        for sp in idf.idfobjects["SPACE"]:
            name, zone = str(sp.Name).upper(), str(sp.Zone_Name).upper()
            entered = model.number(sp.Floor_Area, None)
            area = entered if entered and entered > 0 else space_floor.get(name, 0.0)
            spaces[name] = zone
            zone_spaces.setdefault(zone, []).append((name, area))
        for name in zones:
            if name not in zone_spaces or not sum(a for _, a in zone_spaces[name]):
                zone_spaces[name] = [(name, zone_area[name])]
                spaces.setdefault(name, name)
        space_lists = {
            str(sl.Name).upper(): [str(v).upper() for v in sl.obj[2:] if str(v).strip()]
            for sl in idf.idfobjects["SPACELIST"]
        }
        return cls(zones, zone_area, multiplier, zone_spaces, zone_lists, spaces, space_lists)

    def parts(self, name: str) -> list[Part]:
        """The spaces an object naming ``name`` (zone, zone list, space, space list) covers."""
        return covered_parts(name, self)

    def space_area_m2(self, key: str) -> float:
        zone = self.spaces.get(key, key)
        return dict(self.zone_spaces.get(zone, [])).get(key, 0.0)


def _zone_obj(idf, upper_name: str):
    return next(z for z in idf.idfobjects["ZONE"] if str(z.Name).upper() == upper_name)


def covered_parts(name: str, spaces: Spaces) -> list[Part]:
    """The spaces an internal-gain object covers, with EnergyPlus's share of absolute levels.

    EnergyPlus 25.2 (InternalHeatGains): an object naming a zone, zone list, space or space list
    applies to each of its spaces; a ``LightingLevel`` [W] (and a ``People`` number) goes whole
    to a lone space, else each space gets the level times its floor area over its zone's floor
    area (so each zone of a zone list receives the full level). Empty for an unknown name.
    """
    target = str(name).upper()
    if target in spaces.zones:
        keys = [(k, target) for k, _ in spaces.zone_spaces[target]]
    elif target in spaces.zone_lists:
        keys = [(k, z) for z in spaces.zone_lists[target] for k, _ in spaces.zone_spaces.get(z, [])]
    elif target in spaces.spaces:
        keys = [(target, spaces.spaces[target])]
    elif target in spaces.space_lists:
        keys = [(k, spaces.spaces[k]) for k in spaces.space_lists[target] if k in spaces.spaces]
    else:
        return []
    parts = []
    for key, zone in keys:
        area = spaces.space_area_m2(key)
        zone_area = spaces.zone_area_m2.get(zone, 0.0)
        share = 1.0 if len(keys) == 1 else (area / zone_area if zone_area > 0 else 0.0)
        parts.append(Part(key, zone, area, share, spaces.zone_multiplier.get(zone, 1.0)))
    return parts


def design_people(idf, spaces: Spaces) -> dict[str, float]:
    """Design number of people by space key (one zone instance, no multiplier)."""
    people: dict[str, float] = {}
    for p in idf.idfobjects["PEOPLE"]:
        method = str(p.Number_of_People_Calculation_Method or "People").lower()
        value = model.number(p[PEOPLE_METHOD_FIELDS.get(method, "Number_of_People")], 0.0) or 0.0
        for part in spaces.parts(p.Zone_or_ZoneList_or_Space_or_SpaceList_Name):
            if method == "people/area":
                n = value * part.area_m2
            elif method == "area/person":
                n = part.area_m2 / value if value > 0 else 0.0
            else:
                n = value * part.share
            people[part.key] = people.get(part.key, 0.0) + n
    return people


# --------------------------------------------------------------------------------------------
# The plan: what the measure would change
# --------------------------------------------------------------------------------------------


@dataclass
class LightsChange:
    """One ``Lights`` object before and after (areas and powers with zone multipliers)."""

    obj: Any
    name: str
    method: str
    parts: list[Part]
    floor_area_m2: float
    power_before_w: float
    lpd_before_w_per_m2: float
    lpd_after_w_per_m2: float

    @property
    def reduced(self) -> bool:
        return self.lpd_after_w_per_m2 < self.lpd_before_w_per_m2 * (1.0 - _LPD_RTOL)

    @property
    def power_after_w(self) -> float:
        return self.lpd_after_w_per_m2 * self.floor_area_m2


@dataclass
class DaylightZone:
    """A zone to receive a daylighting control, its reference point in the daylighting system."""

    zone: str
    point: tuple[float, float, float]
    window: str
    floor_area_m2: float
    view_azimuth_deg: float = 0.0


@dataclass
class Plan:
    matched: list[LightsChange] = field(default_factory=list)
    daylight: list[DaylightZone] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unmatched_space_types: list[str] = field(default_factory=list)

    @property
    def reduced(self) -> list[LightsChange]:
        return [c for c in self.matched if c.reduced]


def _geometry_rules(idf) -> tuple[bool, bool, bool]:
    """GlobalGeometryRules: (surfaces relative, reference points relative, vertices clockwise)."""
    rules = idf.idfobjects["GLOBALGEOMETRYRULES"]
    if not rules:
        return True, True, False
    r = rules[0]

    def relative(value) -> bool:
        text = str(value or "Relative").strip().lower()
        return not (text.startswith("world") or text.startswith("abs") or text == "wcs")

    clockwise = str(r.Vertex_Entry_Direction or "").strip().lower() == "clockwise"
    return (
        relative(r.Coordinate_System),
        relative(r.Daylighting_Reference_Point_Coordinate_System),
        clockwise,
    )


def _daylit_zones(idf, spaces: Spaces) -> set[str]:
    """Upper-case zones that already have a ``Daylighting:Controls`` (on the zone or a space)."""
    done = set()
    for control in idf.idfobjects["DAYLIGHTING:CONTROLS"]:
        name = str(control.Zone_or_Space_Name).upper()
        done.add(spaces.spaces.get(name, name))
    return done


# --------------------------------------------------------------------------------------------
# The measure
# --------------------------------------------------------------------------------------------


@register
class LedLighting(Measure):
    """LED relamping to a lighting power density, optionally with daylight dimming.

    See the module docstring for the rules; the catalogue entry ``[led_lighting]`` holds the
    defaults with their sources.
    """

    name = "led_lighting"
    objects = "Lights; Daylighting:Controls and Daylighting:ReferencePoint (added)"
    parameters = (
        Parameter(
            "target_lpd_w_per_m2",
            "Lighting power density after relamping [W/m²]; objects already below keep theirs",
            minimum=0.0,
            exclusive_minimum=True,
            optional=True,
        ),
        Parameter(
            "reduction_fraction",
            "Fractional cut of each matched object's LPD (0 < f < 1), instead of a target",
            minimum=0.0,
            maximum=1.0,
            exclusive_minimum=True,
            optional=True,
        ),
        Parameter(
            "space_types",
            "Substrings of the Lights name or of the zone/space/list it names; none = all",
            kind="list",
            optional=True,
        ),
        Parameter("daylight_dimming", "Add daylight dimming in perimeter zones", kind="bool"),
        Parameter(
            "illuminance_setpoint_lux",
            "Illuminance set-point at the reference point [lx]",
            minimum=0.0,
            exclusive_minimum=True,
        ),
        Parameter(
            "controlled_fraction",
            "Fraction of a daylit zone's lights the reference point controls",
            minimum=0.0,
            maximum=1.0,
            exclusive_minimum=True,
        ),
        Parameter(
            "dimming_min_power_fraction",
            "Input power fraction at the lowest dimming level (EnergyPlus allows 0-0.6)",
            minimum=0.0,
            maximum=0.6,
        ),
        Parameter(
            "dimming_min_light_fraction",
            "Light output fraction at the lowest dimming level (EnergyPlus allows 0-0.6)",
            minimum=0.0,
            maximum=0.6,
        ),
        Parameter(
            "work_plane_height_m",
            "Height of the reference point above the floor [m]",
            minimum=0.0,
        ),
        Parameter(
            "reference_point_depth_m",
            "Distance of the reference point in from the largest window [m]",
            minimum=0.0,
            exclusive_minimum=True,
        ),
    )

    def __init__(
        self, params: Mapping[str, Any] | None = None, *, catalogue: Catalogue | None = None
    ):
        params = dict(params or {})
        # The one of target / cut the user gives replaces the catalogue's default for the other.
        given = {k for k in ("target_lpd_w_per_m2", "reduction_fraction") if _is_set(params.get(k))}
        if given == {"reduction_fraction"}:
            params.setdefault("target_lpd_w_per_m2", None)
        elif given == {"target_lpd_w_per_m2"}:
            params.setdefault("reduction_fraction", None)
        super().__init__(params, catalogue=catalogue)

    def validate_together(self, params: dict[str, Any]) -> None:
        target, cut = params["target_lpd_w_per_m2"], params["reduction_fraction"]
        if target is not None and cut is not None:
            raise InputError(
                f"measure {self.name}: parameters target_lpd_w_per_m2={target!r} and "
                f"reduction_fraction={cut!r}: give one of the two, not both"
            )
        if target is None and cut is None:
            raise InputError(
                f"measure {self.name}: parameters target_lpd_w_per_m2 and reduction_fraction are "
                "both unset: give one of the two"
            )
        if cut is not None and cut >= 1.0:
            raise InputError(
                f"measure {self.name}: parameter reduction_fraction={cut!r}: must be < 1 "
                "(1 would switch the lights off)"
            )

    # -- planning (shared by check and transform) ------------------------------------------

    def plan(self, idf) -> Plan:
        """What :meth:`transform` would change in ``idf`` (nothing is edited)."""
        p = self.params
        spaces = Spaces.of(idf)
        people: dict[str, float] | None = None
        out = Plan()
        found: set[str] = set()
        for obj in idf.idfobjects["LIGHTS"]:
            target = obj.Zone_or_ZoneList_or_Space_or_SpaceList_Name
            hits = matches_space_type([obj.Name, target], p["space_types"])
            if not hits:
                continue
            found.update(hits)
            method = str(obj.Design_Level_Calculation_Method or "LightingLevel").lower()
            if method not in LIGHTS_METHOD_FIELDS:
                out.notes.append(f"Lights {obj.Name}: unknown method {method!r}, skipped")
                continue
            parts = spaces.parts(target)
            if not parts:
                out.notes.append(f"Lights {obj.Name}: {target!r} is no zone, space or list")
                continue
            value = model.number(obj[LIGHTS_METHOD_FIELDS[method]], 0.0) or 0.0
            if method == "watts/person" and people is None:
                people = design_people(idf, spaces)
            area = power = 0.0
            for part in parts:
                m = part.multiplier
                area += part.area_m2 * m
                if method == "lightinglevel":
                    power += value * part.share * m
                elif method == "watts/area":
                    power += value * part.area_m2 * m
                else:
                    power += value * (people or {}).get(part.key, 0.0) * m
            if area <= 0.0 or power <= 0.0:
                what = "no floor area" if area <= 0.0 else "a zero design level"
                out.notes.append(f"Lights {obj.Name}: {what}, skipped")
                continue
            lpd = value if method == "watts/area" else power / area
            after = new_lpd_w_per_m2(lpd, p["target_lpd_w_per_m2"], p["reduction_fraction"])
            change = LightsChange(obj, obj.Name, method, parts, area, power, lpd, after)
            out.matched.append(change)
            if not change.reduced:
                out.notes.append(
                    f"Lights {obj.Name}: {lpd:.2f} W/m2 is at or below the target, unchanged"
                )
        if p["space_types"]:
            out.unmatched_space_types = [s for s in p["space_types"] if s not in found]
            for s in out.unmatched_space_types:
                out.notes.append(f"space type {s!r} matched no Lights object")
        if p["daylight_dimming"]:
            self._plan_daylight(idf, spaces, out)
        return out

    def _plan_daylight(self, idf, spaces: Spaces, out: Plan) -> None:
        p = self.params
        surfaces_relative, points_relative, clockwise = _geometry_rules(idf)
        building_north = model.building_north_axis_deg(idf)
        lit = {part.zone for c in out.matched for part in c.parts}
        done = _daylit_zones(idf, spaces)
        by_zone: dict[str, list[model.Surface]] = {}
        for w in model.windows(idf):
            by_zone.setdefault(str(w.zone).upper(), []).append(w)
        floors: dict[str, list] = {}
        for s in model.surfaces(idf):
            if s.surface_type == "floor":
                floors.setdefault(str(s.zone).upper(), []).append(s.vertices)
        for zone in sorted(lit):
            z = spaces.zones[zone]
            if zone not in by_zone:
                continue
            if zone in done:
                out.notes.append(f"zone {z.name}: has Daylighting:Controls already, kept")
                continue
            window = largest_window(by_zone[zone])
            point = reference_point(
                window.vertices,
                floors.get(zone, []),
                depth_m=p["reference_point_depth_m"],
                work_plane_height_m=p["work_plane_height_m"],
                clockwise=clockwise,
            )
            if point is None:
                out.notes.append(f"zone {z.name}: no reference point over the floor, not daylit")
                continue
            zobj = _zone_obj(idf, zone)
            zone_north = model.number(zobj.Direction_of_Relative_North, 0.0) or 0.0
            world = to_world(point, surfaces_relative, zone_north, z.origin, building_north)
            point = from_world(world, points_relative, zone_north, z.origin, building_north)
            area = spaces.zone_area_m2[zone] * spaces.zone_multiplier.get(zone, 1.0)
            view = facing_azimuth_deg(window.vertices, clockwise)
            out.daylight.append(DaylightZone(z.name, point, window.name, area, view))

    # -- the Measure API -------------------------------------------------------------------

    def check(self, idf, context: ApplyContext | None = None) -> Applicability:
        if not idf.idfobjects["LIGHTS"]:
            return Applicability(False, "no Lights objects in this model")
        plan = self.plan(idf)
        if not plan.matched:
            if self.params["space_types"] and plan.unmatched_space_types == list(
                self.params["space_types"]
            ):
                names = ", ".join(str(o.Name) for o in idf.idfobjects["LIGHTS"][:4])
                return Applicability(
                    False,
                    f"no Lights object matches space_types {self.params['space_types']} "
                    f"(Lights here: {names}, ...)",
                )
            return Applicability(
                False, "no matched Lights object to relamp: " + "; ".join(plan.notes)
            )
        if not plan.reduced and not plan.daylight:
            target = self.params["target_lpd_w_per_m2"]
            why = "every matched Lights object is already at or below"
            why += f" {target:g} W/m2" if target is not None else " its new LPD"
            if self.params["daylight_dimming"]:
                why += " and no matched zone can take daylight dimming"
            return Applicability(False, why)
        return Applicability(True)

    def transform(self, idf, context: ApplyContext) -> MeasureResult:
        plan = self.plan(idf)
        p = self.params
        relamped: dict[str, float] = {}
        details: dict[str, Any] = {"lights": {}, "daylit_zones": []}
        for change in plan.matched:
            details["lights"][change.name] = {
                "method_before": change.obj.Design_Level_Calculation_Method or "LightingLevel",
                "lpd_before_w_per_m2": change.lpd_before_w_per_m2,
                "lpd_after_w_per_m2": change.lpd_after_w_per_m2,
                "floor_area_m2": change.floor_area_m2,
            }
            if not change.reduced:
                continue
            obj = change.obj
            obj.Design_Level_Calculation_Method = "Watts/Area"
            obj.Watts_per_Floor_Area = change.lpd_after_w_per_m2
            obj.Lighting_Level = ""
            obj.Watts_per_Person = ""
            for part in change.parts:
                relamped[part.key] = part.area_m2 * part.multiplier
        removed_w = sum(c.power_before_w - c.power_after_w for c in plan.reduced)
        daylit_area = 0.0
        for d in plan.daylight:
            self._add_daylighting(idf, d)
            daylit_area += d.floor_area_m2
            details["daylit_zones"].append(
                {"zone": d.zone, "window": d.window, "reference_point_m": d.point}
            )
        notes = list(plan.notes)
        if plan.daylight:
            notes.extend(_make_dimmable(plan))
        details["unmatched_space_types"] = plan.unmatched_space_types
        details["new_lpd_rule"] = (
            f"target {p['target_lpd_w_per_m2']:g} W/m2"
            if p["target_lpd_w_per_m2"] is not None
            else f"cut by {p['reduction_fraction']:g}"
        )
        quantities = {
            "floor_area_m2": sum(relamped.values()),
            "lighting_power_removed_kw": removed_w / 1000.0,
            "daylit_floor_area_m2": daylit_area,
        }
        return MeasureResult(idf, quantities, details, notes)

    def _add_daylighting(self, idf, d: DaylightZone) -> None:
        p = self.params
        point_name = model.unique_name(idf, "Daylighting:ReferencePoint", f"{d.zone} LED RefPt")
        ref = idf.newidfobject("DAYLIGHTING:REFERENCEPOINT")
        ref.Name = point_name
        ref.Zone_or_Space_Name = d.zone
        ref.XCoordinate_of_Reference_Point = round(d.point[0], 4)
        ref.YCoordinate_of_Reference_Point = round(d.point[1], 4)
        ref.ZCoordinate_of_Reference_Point = round(d.point[2], 4)
        ctrl = idf.newidfobject("DAYLIGHTING:CONTROLS")
        ctrl.Name = model.unique_name(idf, "Daylighting:Controls", f"{d.zone} LED Daylighting")
        ctrl.Zone_or_Space_Name = d.zone
        ctrl.Daylighting_Method = "SplitFlux"
        ctrl.Lighting_Control_Type = "Continuous"
        # Glare at the same point, looking out of the window (as the ASHRAE 90.1 prototypes do).
        ctrl.Glare_Calculation_Daylighting_Reference_Point_Name = point_name
        ctrl.Glare_Calculation_Azimuth_Angle_of_View_Direction_Clockwise_from_Zone_yAxis = round(
            d.view_azimuth_deg, 1
        )
        ctrl.Minimum_Input_Power_Fraction_for_Continuous_or_ContinuousOff_Dimming_Control = p[
            "dimming_min_power_fraction"
        ]
        ctrl.Minimum_Light_Output_Fraction_for_Continuous_or_ContinuousOff_Dimming_Control = p[
            "dimming_min_light_fraction"
        ]
        ctrl.Daylighting_Reference_Point_1_Name = point_name
        ctrl.Fraction_of_Lights_Controlled_by_Reference_Point_1 = p["controlled_fraction"]
        ctrl.Illuminance_Setpoint_at_Reference_Point_1 = p["illuminance_setpoint_lux"]
        # eppy fills every extensible group with its defaults; EnergyPlus then wants a reference
        # point in each: keep the first group only.
        last = ctrl.fieldnames.index("Illuminance_Setpoint_at_Reference_Point_1")
        del ctrl.obj[last + 1 :]


def _make_dimmable(plan: Plan) -> list[str]:
    """Matched Lights in daylit zones with Fraction Replaceable 0 would ignore the dimming:
    the relamped fittings are dimmable, so set it to 1 (EnergyPlus dims a Lights object only
    when its Fraction Replaceable is above 0 and expects 0 or 1)."""
    daylit = {d.zone.upper() for d in plan.daylight}
    notes = []
    for change in plan.matched:
        if not any(part.zone in daylit for part in change.parts):
            continue
        fraction = model.number(change.obj.Fraction_Replaceable, 0.0) or 0.0
        if fraction < 1.0:
            change.obj.Fraction_Replaceable = 1.0
            notes.append(f"Lights {change.name}: Fraction Replaceable {fraction:g} -> 1 (dimmable)")
    return notes


def _is_set(value) -> bool:
    return value is not None and not (isinstance(value, str) and value.strip().lower() == "none")
