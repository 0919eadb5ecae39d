"""Pure geometry of EnergyPlus surfaces: areas, normals, azimuths and tilts of planar polygons.

Vertices are ``(x, y, z)`` in metres, in the order EnergyPlus reads them (counter-clockwise seen
from outside by default, ``GlobalGeometryRules``), so the right-hand normal points outward.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Point = tuple[float, float, float]

#: Orientation bins of a vertical surface by the azimuth of its outward normal [deg, clockwise
#: from true north]: each cardinal direction takes ±45°. (GB 50189-2015 3.2.6 defines
#: overlapping bins for its window limits; the compliance rule set applies its own.)
ORIENTATION_BINS_DEG = {"north": (315.0, 45.0), "east": (45.0, 135.0),
                        "south": (135.0, 225.0), "west": (225.0, 315.0)}  # fmt: skip


def points(coordinates: Sequence[float]) -> list[Point]:
    """Group a flat ``x1, y1, z1, x2, ...`` list into points."""
    values = [float(v) for v in coordinates]
    return [(values[i], values[i + 1], values[i + 2]) for i in range(0, len(values) - 2, 3)]


def newell_normal(vertices: Sequence[Point]) -> Point:
    """Newell's (unnormalised) normal of a planar polygon; its length is twice the area."""
    nx = ny = nz = 0.0
    for (x1, y1, z1), (x2, y2, z2) in zip(vertices, [*vertices[1:], vertices[0]], strict=True):
        nx += (y1 - y2) * (z1 + z2)
        ny += (z1 - z2) * (x1 + x2)
        nz += (x1 - x2) * (y1 + y2)
    return nx, ny, nz


def area_m2(vertices: Sequence[Point]) -> float:
    """Area of a planar polygon [m²]."""
    nx, ny, nz = newell_normal(vertices)
    return 0.5 * math.sqrt(nx * nx + ny * ny + nz * nz)


def centroid(vertices: Sequence[Point]) -> Point:
    """Vertex average (the centroid of a convex polygon's vertices) [m]."""
    n = len(vertices)
    return (
        sum(v[0] for v in vertices) / n,
        sum(v[1] for v in vertices) / n,
        sum(v[2] for v in vertices) / n,
    )


def tilt_deg(vertices: Sequence[Point]) -> float:
    """Tilt of the outward normal from straight up [deg]: 0 roof, 90 wall, 180 floor."""
    nx, ny, nz = newell_normal(vertices)
    length = math.sqrt(nx * nx + ny * ny + nz * nz)
    return math.degrees(math.acos(max(-1.0, min(1.0, nz / length)))) if length else 0.0


def azimuth_deg(vertices: Sequence[Point], north_axis_deg: float = 0.0) -> float:
    """Azimuth of the outward normal, clockwise from true north [deg, 0-360).

    Parameters
    ----------
    north_axis_deg : float
        Building and zone rotation (``Building`` north axis plus the zone's direction of relative
        north) [deg]: model coordinates are rotated clockwise by this angle.
    """
    nx, ny, _ = newell_normal(vertices)
    if nx == 0.0 and ny == 0.0:
        return 0.0
    return (math.degrees(math.atan2(nx, ny)) + north_axis_deg) % 360.0


def orientation(azimuth: float) -> str:
    """The cardinal bin of an azimuth (:data:`ORIENTATION_BINS_DEG`)."""
    a = azimuth % 360.0
    for name, (low, high) in ORIENTATION_BINS_DEG.items():
        if low > high and (a >= low or a < high):
            return name
        if low <= a < high:
            return name
    return "north"  # pragma: no cover - the bins cover the circle
