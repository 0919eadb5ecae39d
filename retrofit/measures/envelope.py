"""Envelope measures: external insulation of walls and roofs, window replacement.

Every measure here leaves the model's existing constructions untouched: it creates a new
``Construction`` and re-points only the surfaces it targets. A construction shared with
interior surfaces, floors or other surface types is thereby split, not changed for both.

The U-values in :attr:`MeasureResult.details` are computed from the layers with the film
resistances EnergyPlus uses in its ``EnvelopeSummary`` report ("U-Factor with Film"),
:mod:`retrofit.envelope`; the tests check them against EnergyPlus's own report.

Only ``BuildingSurface:Detailed`` and ``FenestrationSurface:Detailed`` are handled (what the
bundled prototypes use, :mod:`retrofit.model`); the simple-geometry surface objects
(``Wall:Exterior``, ``Window``, ...) are not.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from retrofit import envelope, geometry, model
from retrofit.errors import InputError
from retrofit.measures.base import (
    Applicability,
    ApplyContext,
    Measure,
    MeasureResult,
    Parameter,
    register,
)

#: Layer objects whose resistance the measures can read (by eppy key).
OPAQUE_LAYER_KEYS = {
    "MATERIAL": "Material",
    "MATERIAL:NOMASS": "Material:NoMass",
    "MATERIAL:AIRGAP": "Material:AirGap",
}

#: Most layers an EnergyPlus ``Construction`` takes (outside layer + layers 2-10, IDD 25.2).
MAX_CONSTRUCTION_LAYERS = 10

#: A thickness computed from a target U is rounded up to this step [m], so the target is met.
#: ASSUMPTION: whole millimetres; commercial boards come in coarser steps (often 10 mm), which a
#: user gets by giving ``thickness_m`` instead.
THICKNESS_STEP_M = 0.001

#: The orientations ``window_replacement`` understands
#: (:data:`retrofit.geometry.ORIENTATION_BINS_DEG`).
ORIENTATIONS = tuple(geometry.ORIENTATION_BINS_DEG)


def _given(params) -> frozenset[str]:
    """Names of the parameters the caller actually set (None and "none" mean "not set")."""
    return frozenset(
        k
        for k, v in dict(params or {}).items()
        if v is not None and not (isinstance(v, str) and v.strip().lower() == "none")
    )


class _Unsupported(Exception):
    """A layer whose thermal resistance cannot be read (the message names it)."""


def _material(idf, name: str) -> tuple[str, Any]:
    """The opaque layer object called ``name``: (EnergyPlus type, eppy object)."""
    target = name.upper()
    for key, object_type in OPAQUE_LAYER_KEYS.items():
        for obj in idf.idfobjects[key]:
            if str(obj.Name).upper() == target:
                return object_type, obj
    raise _Unsupported(
        f"layer {name!r} is not a {', '.join(OPAQUE_LAYER_KEYS.values())} (U-value not computed)"
    )


def _layer_resistances(idf, construction) -> list[float]:
    """Thermal resistance of each layer of a ``Construction``, outside first [m²K/W]."""
    out = []
    for name in model.construction_layers(construction):
        object_type, obj = _material(idf, name)
        if object_type == "Material":
            out.append(
                envelope.layer_resistance_m2k_per_w(
                    object_type,
                    thickness_m=float(obj.Thickness),
                    conductivity_w_per_m_k=float(obj.Conductivity),
                )
            )
        else:
            out.append(
                envelope.layer_resistance_m2k_per_w(
                    object_type, resistance_m2k_per_w=float(obj.Thermal_Resistance)
                )
            )
    return out


def _unique_material_name(idf, base: str) -> str:
    """``base``, or ``base 2``, ...: a name no opaque layer object has yet.

    EnergyPlus wants material names unique across the material types, not only within one.
    """
    n, name = 1, base
    while any(
        name.upper() != model.unique_name(idf, key, name).upper() for key in OPAQUE_LAYER_KEYS
    ):
        n += 1
        name = f"{base} {n}"
    return name


def _subsurface_area_m2(idf) -> dict[str, float]:
    """Area of the openings in each surface (upper-case name), own multipliers applied [m²].

    Every ``FenestrationSurface:Detailed`` counts (windows, glass doors, doors): none of them is
    insulated.
    """
    out: dict[str, float] = defaultdict(float)
    for key in model.WINDOW_TYPES:
        for obj in idf.idfobjects[key]:
            vertices = model.vertices(obj)
            if len(vertices) < 3:
                continue
            try:
                own = float(obj.Multiplier) or 1.0
            except (TypeError, ValueError):
                own = 1.0
            out[str(obj.Building_Surface_Name).upper()] += geometry.area_m2(vertices) * own
    return out


class _ExteriorInsulation(Measure):
    """Insulation added on the outside of exterior walls or roofs (shared implementation)."""

    surface_type: str = ""
    area_quantity: str = ""
    parameters = (
        Parameter(
            "thickness_m",
            "insulation thickness [m]; replaced by the thickness that reaches "
            "target_u_w_per_m2_k when that is given",
            minimum=0.0,
            exclusive_minimum=True,
            optional=True,
        ),
        Parameter(
            "target_u_w_per_m2_k",
            "U-value with films to reach [W/(m²K)]: each construction gets the thickness that "
            "reaches it; constructions already at or below it are left alone",
            minimum=0.0,
            exclusive_minimum=True,
            optional=True,
        ),
        Parameter(
            "conductivity_w_per_m_k",
            "thermal conductivity of the insulation [W/(m K)]",
            minimum=0.0,
            exclusive_minimum=True,
        ),
        Parameter(
            "density_kg_per_m3",
            "density of the insulation [kg/m³]",
            minimum=0.0,
            exclusive_minimum=True,
        ),
        Parameter(
            "specific_heat_j_per_kg_k",
            "specific heat of the insulation [J/(kg K)]",
            minimum=100.0,  # EnergyPlus 25.2 IDD, Material Specific Heat minimum
        ),
    )

    def __init__(self, params=None, *, catalogue=None):
        self._given = _given(params)
        super().__init__(params, catalogue=catalogue)

    def validate_together(self, params: dict[str, Any]) -> None:
        """Exactly one of ``thickness_m`` and ``target_u_w_per_m2_k`` takes effect.

        A value the caller gives wins over a catalogue default (so a given target U replaces the
        catalogue's thickness); giving both, or having neither, is an error.
        """
        pair = ("thickness_m", "target_u_w_per_m2_k")
        names = " and ".join(pair)
        given = [p for p in pair if p in self._given]
        if len(given) == 2:
            raise InputError(f"measure {self.name}: parameters {names}: give one, not both")
        if len(given) == 1:
            params[pair[1] if given[0] == pair[0] else pair[0]] = None
        in_effect = [p for p in pair if params[p] is not None]
        if not in_effect:
            raise InputError(f"measure {self.name}: parameters {names}: give one (neither is set)")
        if len(in_effect) == 2:
            raise InputError(
                f"measure {self.name}: parameters {names}: the catalogue sets both; give one"
            )

    # -- what is targeted -------------------------------------------------------------------

    def _targets(self, idf) -> dict[str, list[model.Surface]]:
        """Targeted surfaces by the (upper-case) name of their construction."""
        by_construction: dict[str, list[model.Surface]] = defaultdict(list)
        for s in model.exterior_surfaces(idf, self.surface_type):
            by_construction[str(s.construction).upper()].append(s)
        return dict(by_construction)

    def _films(self) -> tuple[float, float]:
        return envelope.film_resistances_m2k_per_w(self.surface_type, outdoors=True)

    def _u_with_films(self, resistances: list[float]) -> float:
        return envelope.u_value_w_per_m2_k(resistances, *self._films())

    def _what(self) -> str:
        return f"exterior {self.surface_type}s (BuildingSurface:Detailed, Outdoors)"

    def check(self, idf, context: ApplyContext | None = None) -> Applicability:
        targets = self._targets(idf)
        if not targets:
            return Applicability(False, f"no {self._what()} in this model")
        target_u = self.params["target_u_w_per_m2_k"]
        if target_u is None:
            return Applicability(True)
        for name in targets:
            obj = model.construction(idf, name)
            try:
                u = self._u_with_films(_layer_resistances(idf, obj)) if obj else None
            except _Unsupported:
                u = None
            if u is None or u > target_u:
                return Applicability(True)
        return Applicability(
            False, f"every construction of the {self._what()} already has U <= {target_u:g} W/(m²K)"
        )

    # -- the transformation -----------------------------------------------------------------

    def transform(self, idf, context: ApplyContext) -> MeasureResult:
        p = self.params
        films = self._films()
        users = model.construction_users(idf)
        openings = _subsurface_area_m2(idf) if self.surface_type == "wall" else {}
        area_total = volume_total = 0.0
        details: dict[str, dict[str, Any]] = {}
        notes: list[str] = []
        for name, targeted in self._targets(idf).items():
            original = model.construction(idf, name)
            if original is None:
                notes.append(f"construction {name!r} not found: {len(targeted)} surfaces skipped")
                continue
            label = original.Name
            layers = model.construction_layers(original)
            try:
                resistances = _layer_resistances(idf, original)
                u_before = envelope.u_value_w_per_m2_k(resistances, *films)
            except _Unsupported as exc:
                resistances, u_before = None, None
                if p["target_u_w_per_m2_k"] is not None:
                    notes.append(f"construction {label!r} left alone: {exc}")
                    continue
                notes.append(f"construction {label!r}: {exc}")
            if len(layers) >= MAX_CONSTRUCTION_LAYERS:
                notes.append(
                    f"construction {label!r} left alone: it has {len(layers)} layers, the most "
                    "an EnergyPlus Construction takes"
                )
                continue
            try:
                outer_type, outer = _material(idf, layers[0])
            except _Unsupported:
                outer_type, outer = "", None
            if outer_type not in ("Material", "Material:NoMass"):
                notes.append(
                    f"construction {label!r} left alone: its outside layer {layers[0]!r} has no "
                    "surface properties to copy"
                )
                continue

            if p["target_u_w_per_m2_k"] is not None:
                thickness = envelope.insulation_thickness_for_u_m(
                    p["target_u_w_per_m2_k"],
                    resistances,
                    p["conductivity_w_per_m_k"],
                    *films,
                    step_m=THICKNESS_STEP_M,
                )
                if thickness <= 0.0:
                    notes.append(
                        f"construction {label!r} already has U = {u_before:.3f} W/(m²K) <= "
                        f"{p['target_u_w_per_m2_k']:g}: left alone"
                    )
                    continue
            else:
                thickness = p["thickness_m"]

            mm = f"{thickness * 1000:.0f} mm"
            insulation = idf.newidfobject(
                "MATERIAL",
                Name=_unique_material_name(idf, f"{label} insulation {mm}"),
                Roughness=outer.Roughness,
                Thickness=thickness,
                Conductivity=p["conductivity_w_per_m_k"],
                Density=p["density_kg_per_m3"],
                Specific_Heat=p["specific_heat_j_per_kg_k"],
                Thermal_Absorptance=outer.Thermal_Absorptance,
                Solar_Absorptance=outer.Solar_Absorptance,
                Visible_Absorptance=outer.Visible_Absorptance,
            )
            new_layers = [insulation.Name, *layers]
            fields = dict(zip(original.fieldnames[2:], new_layers, strict=False))
            new = idf.newidfobject(
                "CONSTRUCTION",
                Name=model.unique_name(idf, "CONSTRUCTION", f"{label} + {mm} insulation"),
                **fields,
            )
            for s in targeted:
                s.obj.Construction_Name = new.Name

            area = sum(
                (s.area_m2 - openings.get(s.name.upper(), 0.0)) * s.multiplier for s in targeted
            )
            area_total += area
            volume_total += area * thickness
            u_after = None
            if resistances is not None:
                extra = envelope.material_resistance_m2k_per_w(
                    thickness, p["conductivity_w_per_m_k"]
                )
                u_after = envelope.u_value_w_per_m2_k([extra, *resistances], *films)
            others = len(users.get(name, [])) - len(targeted)
            if others > 0:
                notes.append(
                    f"construction {label!r} is also used by {others} other surfaces; they keep it"
                )
            details[label] = {
                "new_construction": new.Name,
                "insulation_material": insulation.Name,
                "surfaces": [s.name for s in targeted],
                "area_m2": area,
                "thickness_m": thickness,
                "u_before_w_per_m2_k": u_before,
                "u_after_w_per_m2_k": u_after,
            }
        quantities = {self.area_quantity: area_total, "insulation_volume_m3": volume_total}
        return MeasureResult(idf, quantities, {"constructions": details}, notes)


@register
class WallInsulation(_ExteriorInsulation):
    """External wall insulation (ETICS): an insulation layer on the outside of exterior walls.

    Targets ``BuildingSurface:Detailed`` with Surface Type ``Wall`` and Outside Boundary
    Condition ``Outdoors``. For each of their constructions a new ``Material`` (the insulation;
    roughness and thermal, solar and visible absorptance copied from the original outermost
    layer, so the finish stays) and a new ``Construction`` (insulation outside, then the
    original layers) are added, and only the targeted surfaces are re-pointed to it.

    Parameters (defaults from ``measures/envelope.toml``)
    -----------------------------------------------------
    thickness_m : float, optional
        Insulation thickness [m]. Default 0.08 (ASSUMPTION, a common ETICS board; unverified).
    target_u_w_per_m2_k : float, optional
        U-value with films to reach instead [W/(m²K)]; given, it replaces the catalogue's
        thickness (giving both is an error). Each construction gets the thickness that reaches
        it, rounded up to :data:`THICKNESS_STEP_M`; one already at or below it is left alone and
        noted. GB 50189-2015 Table 3.3.1-4 (HSCW, Class A): wall K <= 0.60 (D <= 2.5) / 0.80
        (D > 2.5) [standards.md P2.1, KG]; that limit is on the average K, which App. A corrects
        by phi = 1.10 for external insulation (thermal bridges), so aim lower than the limit.
    conductivity_w_per_m_k, density_kg_per_m3, specific_heat_j_per_kg_k : float
        Insulation properties. Defaults are a rock-wool ETICS board (rock wool is Shanghai's usual
        ETICS insulation for fire safety): lambda 0.040 W/(m K), rho 140 kg/m³, cp 840 J/(kg K),
        all ASSUMPTIONS (standards.md has no material properties).

    Quantities
    ----------
    wall_area_m2
        Opaque wall area insulated: gross minus windows and doors, times zone multipliers [m²]
        (ETICS is priced per m² of wall).
    insulation_volume_m3
        Opaque area times thickness [m³].

    Details: ``constructions``: for each original construction, the new construction, surfaces,
    area, thickness and U with films before and after [W/(m²K)].
    """

    name = "wall_insulation"
    objects = "Material, Construction (new); BuildingSurface:Detailed (Wall, Outdoors)"
    surface_type = "wall"
    area_quantity = "wall_area_m2"


@register
class RoofInsulation(_ExteriorInsulation):
    """Roof insulation: an insulation layer on the outside of exterior roofs.

    Targets ``BuildingSurface:Detailed`` with Surface Type ``Roof`` and Outside Boundary
    Condition ``Outdoors``, the same way as ``wall_insulation`` (new ``Material`` with the
    original outer layer's surface properties, new ``Construction``, only the targeted surfaces
    re-pointed). In an attic model (the small office) the roof is the attic's, not the
    ceiling of the occupied zones.

    Parameters (defaults from ``measures/envelope.toml``)
    -----------------------------------------------------
    thickness_m : float, optional
        Default 0.08 m (ASSUMPTION; unverified).
    target_u_w_per_m2_k : float, optional
        As for ``wall_insulation``. GB 50189-2015 Table 3.3.1-4 (HSCW, Class A): roof K <= 0.40
        (D <= 2.5) / 0.50 (D > 2.5) [standards.md P2.1, KG].
    conductivity_w_per_m_k, density_kg_per_m3, specific_heat_j_per_kg_k : float
        Default: an XPS board, the usual board over a roof membrane (an inverted roof):
        lambda 0.030 W/(m K), rho 35 kg/m³, cp 1400 J/(kg K), all ASSUMPTIONS.

    Quantities
    ----------
    roof_area_m2
        Gross roof area insulated, times zone multipliers [m²] (skylights are not subtracted).
    insulation_volume_m3
        Area times thickness [m³].
    """

    name = "roof_insulation"
    objects = "Material, Construction (new); BuildingSurface:Detailed (Roof, Outdoors)"
    surface_type = "roof"
    area_quantity = "roof_area_m2"


def _simple_glazing(idf, construction_name: str) -> dict[str, float] | None:
    """U, SHGC and VT of a one-layer ``WindowMaterial:SimpleGlazingSystem`` construction."""
    obj = model.construction(idf, construction_name)
    if obj is None:
        return None
    layers = model.construction_layers(obj)
    if len(layers) != 1:
        return None
    target = layers[0].upper()
    for g in idf.idfobjects["WINDOWMATERIAL:SIMPLEGLAZINGSYSTEM"]:
        if str(g.Name).upper() == target:
            vt = g.Visible_Transmittance
            return {
                "u_w_per_m2_k": float(g.UFactor),
                "shgc": float(g.Solar_Heat_Gain_Coefficient),
                "visible_transmittance": float(vt) if vt != "" else None,
            }
    return None


@register
class WindowReplacement(Measure):
    """Window replacement: new glazing on the exterior windows, optionally by orientation.

    Adds a ``WindowMaterial:SimpleGlazingSystem`` (U-factor, SHGC, visible transmittance) and a
    one-layer ``Construction`` of it, and re-points the targeted ``FenestrationSurface:Detailed``
    objects (Surface Type ``Window`` or ``GlassDoor`` in an outdoor-facing surface) to it.
    Windows of other orientations, interior windows and doors keep their constructions.

    Parameters (defaults from ``measures/envelope.toml``)
    -----------------------------------------------------
    u_w_per_m2_k : float
        U-factor of the new windows [W/(m²K)]. Default 2.0: meets GB 50189-2015 Table 3.3.1-4
        (HSCW, Class A) for every single-facade WWR band up to 0.80 (K <= 2.0 at 0.70-0.80)
        [standards.md P2.1, KG].
    shgc : float
        Solar heat gain coefficient. Default 0.35: meets the same table for E/S/W up to WWR 0.60
        and for N up to 0.80 [standards.md P2.1, KG].
    visible_transmittance : float
        Default 0.60: the GB 50189-2015 clause 3.2.4 minimum for WWR < 0.40 [standards.md P2.1,
        JBK].
    orientations : list of {"north", "east", "south", "west"}
        Facades whose windows are replaced (:data:`retrofit.geometry.ORIENTATION_BINS_DEG`).
        Default all four.

    A ``WindowShadingControl`` keeps its own shaded construction (with the old glass) and a
    ``WindowProperty:FrameAndDivider`` keeps its frame: the notes say when targeted windows have
    either.

    Quantities
    ----------
    window_area_m2
        Area of the replaced windows, times window and zone multipliers [m²].
    """

    name = "window_replacement"
    objects = (
        "WindowMaterial:SimpleGlazingSystem, Construction (new); "
        "FenestrationSurface:Detailed (Window, GlassDoor)"
    )
    parameters = (
        Parameter(
            "u_w_per_m2_k",
            "U-factor of the new windows [W/(m²K)]",
            minimum=0.0,
            exclusive_minimum=True,
        ),
        Parameter(
            "shgc",
            "solar heat gain coefficient of the new windows [-] (0 < SHGC < 1, EnergyPlus IDD)",
            minimum=0.0,
            maximum=1.0,
            exclusive_minimum=True,
        ),
        Parameter(
            "visible_transmittance",
            "visible transmittance of the new windows [-] (0 < VT < 1)",
            minimum=0.0,
            maximum=1.0,
            exclusive_minimum=True,
        ),
        Parameter(
            "orientations",
            "facades whose windows are replaced",
            kind="list",
            choices=ORIENTATIONS,
        ),
    )

    def validate_together(self, params: dict[str, Any]) -> None:
        """SHGC and VT strictly below 1 (EnergyPlus), and at least one orientation."""
        for key in ("shgc", "visible_transmittance"):
            if params[key] >= 1.0:
                raise InputError(
                    f"measure {self.name}: parameter {key}={params[key]!r}: must be < 1"
                )
        if not params["orientations"]:
            raise InputError(
                f"measure {self.name}: parameter orientations: give at least one of "
                f"{', '.join(ORIENTATIONS)}"
            )

    def _targets(self, idf) -> list[model.Surface]:
        wanted = set(self.params["orientations"])
        return [w for w in model.windows(idf) if w.orientation in wanted]

    def check(self, idf, context: ApplyContext | None = None) -> Applicability:
        if not model.windows(idf):
            return Applicability(False, "no exterior windows in this model")
        if not self._targets(idf):
            facing = ", ".join(self.params["orientations"])
            return Applicability(False, f"no exterior windows facing {facing}")
        return Applicability(True)

    def transform(self, idf, context: ApplyContext) -> MeasureResult:
        p = self.params
        targets = self._targets(idf)
        label = f"U{p['u_w_per_m2_k']:g} SHGC{p['shgc']:g} VT{p['visible_transmittance']:g}"
        glazing = idf.newidfobject(
            "WINDOWMATERIAL:SIMPLEGLAZINGSYSTEM",
            Name=model.unique_name(idf, "WINDOWMATERIAL:SIMPLEGLAZINGSYSTEM", f"Glazing {label}"),
            UFactor=p["u_w_per_m2_k"],
            Solar_Heat_Gain_Coefficient=p["shgc"],
            Visible_Transmittance=p["visible_transmittance"],
        )
        new = idf.newidfobject(
            "CONSTRUCTION",
            Name=model.unique_name(idf, "CONSTRUCTION", f"Window {label}"),
            Outside_Layer=glazing.Name,
        )
        after = {
            "u_w_per_m2_k": p["u_w_per_m2_k"],
            "shgc": p["shgc"],
            "visible_transmittance": p["visible_transmittance"],
        }
        details: dict[str, dict[str, Any]] = {}
        by_construction: dict[str, list[model.Surface]] = defaultdict(list)
        for w in targets:
            by_construction[str(w.construction)].append(w)
        for name, windows in by_construction.items():
            details[name] = {
                "new_construction": new.Name,
                "windows": [w.name for w in windows],
                "area_m2": sum(w.total_area_m2 for w in windows),
                "before": _simple_glazing(idf, name),
                "after": after,
            }
        for w in targets:
            w.obj.Construction_Name = new.Name

        notes = []
        names = {w.name.upper() for w in targets}
        framed = [w.name for w in targets if str(w.obj.Frame_and_Divider_Name).strip()]
        if framed:
            notes.append(
                f"{len(framed)} replaced windows keep their WindowProperty:FrameAndDivider: the "
                "frame adds to the glazing U and SHGC given"
            )
        for control in idf.idfobjects["WINDOWSHADINGCONTROL"]:
            start = control.fieldnames.index("Multiple_Surface_Control_Type") + 1
            controlled = {str(v).upper() for v in control.obj[start:] if v != ""}
            if controlled & names:
                notes.append(
                    f"WindowShadingControl {control.Name!r} keeps its shaded construction "
                    f"{control.Construction_with_Shading_Name!r} (the old glazing)"
                )
        area = sum(w.total_area_m2 for w in targets)
        return MeasureResult(idf, {"window_area_m2": area}, {"constructions": details}, notes)
