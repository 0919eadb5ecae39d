"""GB 50189-2015 envelope: the reference building's envelope and the prescriptive envelope checks.

Three things, from the pure to the edges:

* **thermal inertia** D of a layer stack (GB 50176-2016), which selects the opaque limit of
  GB 50189-2015 Table 3.3.1-4 (D <= 2.5 or D > 2.5);
* **the reference building's envelope** (参照建筑, GB 50189-2015 clause 3.4 and Appendix B):
  the proposed model's geometry with every exterior wall, roof and floor over outdoor air at
  the limit K of Table 3.3.1-4 for its thermal inertia, keeping the design's thermal mass (a
  no-mass layer added, or the insulation thinned), every window at the K and SHGC of its
  façade's window-to-wall-ratio band, and the façades above the largest allowed WWR
  (clause 3.2.2) and the roofs above the largest skylight ratio (clause 3.2.7) cut back to it
  (:func:`apply_reference_envelope`);
* **the prescriptive checks** of the proposed design, the actual values read from EnergyPlus's
  ``EnvelopeSummary`` report of the design run and compared rounded to the limit's decimals
  (GB/T 8170-2008 clause 4.3.3; :func:`envelope_checks`).

Components are told apart by tilt, as EnergyPlus's report gives it: roof below
:data:`ROOF_MAX_TILT_DEG`, floor above :data:`FLOOR_MIN_TILT_DEG`, wall between. Only surfaces
with the ``Outdoors`` boundary count (ground floors and walls have no limit in the HSCW table,
standards.md P2.1). The U-values with films are those :mod:`retrofit.envelope` computes, which
reproduce EnergyPlus's "U-Factor with Film" (films chosen by the surface's type, as EnergyPlus
chooses them).

Orientations are the rule set's GB 50189-2015 clause 3.2.6 bins (:meth:`RuleSet.orientation`),
not the ±45° bins of :mod:`retrofit.geometry`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from retrofit import envelope, geometry, model
from retrofit.compliance.checks import (
    Check,
    limit_decimals,
    meets_limit,
)
from retrofit.compliance.rules import RuleSet, Sourced
from retrofit.measures.envelope import (
    OPAQUE_LAYER_KEYS,
    _material,
    _simple_glazing,
    _Unsupported,
)
from retrofit.results import read_table

#: Period of the heat storage coefficient S [s]: 24 h (GB 50176-2016, definition of the
#: material's heat storage coefficient, "周期为24h").
INERTIA_PERIOD_S = 24 * 3600.0

#: Largest tilt of a roof (and of a skylight) from straight up [deg]; walls run from here to
#: :data:`FLOOR_MIN_TILT_DEG`. ASHRAE 90.1-2019 section 3.2 definitions ("roof: ... slope less
#: than 60° from horizontal"; "wall: ... 60° or greater"); the brief of this module.
ROOF_MAX_TILT_DEG = 60.0

#: Smallest tilt of a floor [deg] (180° - 60°, the ASHRAE 90.1 roof limit turned upside down).
FLOOR_MIN_TILT_DEG = 120.0

#: The components of GB 50189-2015 Table 3.3.1-4 (the attribute names of
#: :class:`retrofit.compliance.rules.EnvelopeRules`) and how the report names them.
COMPONENT_LABELS = {
    "roof": "roof",
    "wall": "exterior wall",
    "floor_exposed": "floor over outdoor air",
}

#: Film class of each EnergyPlus surface type (EnergyPlus reports the films of the surface's
#: class, ``ComputeNominalUwithConvCoeffs``; a ceiling facing outdoors is taken as a roof).
FILM_CLASS = {"wall": "wall", "roof": "roof", "ceiling": "roof", "floor": "floor"}

#: Every object the reference adds ends in this.
REFERENCE_SUFFIX = " GB50189 Ref"

#: A ``Material`` thinner than this [m] is replaced by a ``Material:NoMass`` of the resistance
#: it needs. ASSUMPTION (this module's brief): below 1 mm a massive layer stands for no real
#: product, and EnergyPlus's conduction solution gains nothing from it.
MIN_MATERIAL_THICKNESS_M = 0.001

#: Smallest thermal resistance of a ``Material:NoMass`` [m²K/W] (EnergyPlus 25.2 IDD,
#: ``\\minimum .001``). An insulating layer that would need less gets this.
MIN_NOMASS_RESISTANCE_M2K_PER_W = 0.001

#: Largest conductivity of a ``Material`` taken for thermal insulation [W/(m K)]. ASSUMPTION
#: (this module's brief, a stated reason rather than a standard's definition): insulation
#: products (mineral wool, EPS, XPS, polyurethane) are 0.02-0.05 W/(m K); masonry and concrete
#: are above 0.5, aerated concrete and timber about 0.1-0.3; 0.1 separates the two groups.
INSULATION_MAX_CONDUCTIVITY_W_PER_M_K = 0.1

#: Position of the no-mass layer the reference adds to a construction whose U must improve
#: (0: outside layer): directly inside the outside layer, so that the exterior surface keeps
#: its material and the inside layers their order.
ADDED_LAYER_POSITION = 1

#: Index of the first layer field of an eppy ``Construction`` (``key``, ``Name``, then
#: ``Outside_Layer``, ``Layer_2`` ... ``Layer_10``).
CONSTRUCTION_LAYER_FIELD_START = 2

#: Roughness of an added no-mass layer when the outside layer has none (a
#: ``Material:AirGap``); it is then an inner layer, whose roughness EnergyPlus does not use.
DEFAULT_ROUGHNESS = "MediumSmooth"

#: Relative mismatch of the reference U and the limit below which the limit counts as reached.
U_MATCH_RTOL = 1e-6

#: The standard the rule set's clauses belong to, and the clause of a limit that names none.
STANDARD = "GB 50189-2015"
DEFAULT_CLAUSE = "GB 50189-2015 Table 3.3.1-4"

#: WWR from which clause 3.2.4's smaller visible transmittance minimum applies
#: (GB 50189-2015 clause 3.2.4: "WWR < 0.40: VT >= 0.60; WWR >= 0.40: VT >= 0.40").
VT_WWR_THRESHOLD = 0.40

#: Label of the skylights in the façade records (they are not a façade).
SKYLIGHTS = "skylights"

#: How far above its input EnergyPlus may report the glass U-factor and SHGC of a
#: ``WindowMaterial:SimpleGlazingSystem`` (relative). EnergyPlus fits a glazing layer to the
#: inputs and reports that layer's values at its own rating conditions; measured with 25.2.0 on
#: the small office: U 3.0 -> 3.004, 3.5 -> 3.504, 3.23646 -> 3.241; SHGC 0.44 -> 0.441,
#: 0.39 -> 0.391 to 0.392; VT 0.60 -> 0.602 (+0.1 to +0.5 %). Rounded to the limit's decimals
#: (:data:`ROUNDING_CLAUSE`) these read at the limit; a window check that still fails by less
#: than this says so in its note.
SIMPLE_GLAZING_REPORT_RTOL = 0.01

#: Units of the report's values.
U_UNIT = "W/(m2 K)"

#: How the checks compare: the actual value rounded to the decimals of the limit as the rule
#: set writes it, then compared with the limit (GB/T 8170-2008 clause 4.3.3, 修约值比较法;
#: rounded by the standard's chapter 3 rules, half to even). Decided by the project's lead:
#: the standards write their limits to the digits they mean (K 2.6, SHGC 0.44, WWR 0.70), and
#: a window entered at 2.6 reads 2.603 in EnergyPlus's report
#: (:data:`SIMPLE_GLAZING_REPORT_RTOL`).
ROUNDING_CLAUSE = "GB/T 8170-2008 4.3.3"


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layer:
    """One layer of an opaque construction, as thermal inertia needs it.

    Attributes
    ----------
    name : str
    resistance_m2k_per_w : float
        R = d / λ for a massive layer, the given resistance for a no-mass layer or air gap.
    heat_storage_w_per_m2_k : float
        Heat storage coefficient S of the material [W/(m²K)]; 0 for no-mass layers and air gaps
        (GB 50176-2016: an air layer's S is taken as 0).
    """

    name: str
    resistance_m2k_per_w: float
    heat_storage_w_per_m2_k: float = 0.0

    @classmethod
    def massive(
        cls,
        name: str,
        thickness_m: float,
        conductivity_w_per_m_k: float,
        density_kg_per_m3: float,
        specific_heat_j_per_kg_k: float,
    ) -> Layer:
        """A homogeneous layer (EnergyPlus ``Material``)."""
        return cls(
            name,
            envelope.material_resistance_m2k_per_w(thickness_m, conductivity_w_per_m_k),
            heat_storage_coefficient_w_per_m2_k(
                conductivity_w_per_m_k, density_kg_per_m3, specific_heat_j_per_kg_k
            ),
        )

    @property
    def thermal_inertia(self) -> float:
        """D = R · S of this layer [-]."""
        return self.resistance_m2k_per_w * self.heat_storage_w_per_m2_k


@dataclass(frozen=True)
class Glazing:
    """Centre-of-glass (or assembly) properties of a window construction."""

    u_w_per_m2_k: float
    shgc: float
    visible_transmittance: float | None = None


@dataclass(frozen=True)
class Facade:
    """Gross exterior wall and window areas of one GB orientation, zone multipliers applied.

    The wall area includes the openings in it; the window area is the opening area (glazing
    plus frame) of the windows and glass doors in those walls, window multipliers applied.
    """

    orientation: str
    wall_area_m2: float
    window_area_m2: float

    @property
    def wwr(self) -> float:
        """Single-façade window-to-wall ratio (GB 50189-2015 clause 3.2.2) [-]."""
        return self.window_area_m2 / self.wall_area_m2 if self.wall_area_m2 > 0 else 0.0


@dataclass(frozen=True)
class EnvelopeAreas:
    """What :func:`facades` measures: the façades by orientation and the roof."""

    facades: dict[str, Facade]
    roof_area_m2: float
    skylight_area_m2: float

    @property
    def skylight_ratio(self) -> float:
        """Skylight area over gross roof area (GB 50189-2015 clause 3.2.7) [-]."""
        return self.skylight_area_m2 / self.roof_area_m2 if self.roof_area_m2 > 0 else 0.0


@dataclass(frozen=True)
class ComponentChange:
    """One design construction of one opaque component, and what the reference made of it.

    Attributes
    ----------
    component : {"roof", "wall", "floor_exposed"}
    design_construction, reference_construction : str
        ``reference_construction`` is "" when the construction was left alone (the note says
        why).
    surfaces : tuple of str
    area_m2 : float
        Gross area of the surfaces, zone multipliers applied [m²].
    design_u_w_per_m2_k, reference_u_w_per_m2_k : float or None
        U with films [W/(m²K)].
    thermal_inertia, reference_thermal_inertia : float or None
        D of the design's and of the reference's layers; the limit is chosen by the design's.
        Equal where the reference adds a no-mass layer; lower by the insulation's share where
        it thins the insulation.
    limit : Sourced or None
    reached : bool
        The reference's U equals the limit.
    """

    component: str
    design_construction: str
    reference_construction: str
    surfaces: tuple[str, ...]
    area_m2: float
    design_u_w_per_m2_k: float | None
    reference_u_w_per_m2_k: float | None
    thermal_inertia: float | None
    reference_thermal_inertia: float | None
    limit: Sourced | None
    reached: bool
    note: str = ""


@dataclass(frozen=True)
class FacadeChange:
    """The windows of one façade (or the skylights), design vs reference.

    Attributes
    ----------
    orientation : str
        GB orientation, or :data:`SKYLIGHTS`.
    wall_area_m2 : float
        Gross wall (or, for skylights, roof) area [m²].
    design_wwr, reference_wwr : float
        Window-to-wall ratio (skylight ratio) of the design (openings with frames) and of the
        reference (after frames are removed and any cut).
    scale : float
        Linear factor the reference's windows were shrunk by (1.0: not cut).
    ratio_limit : Sourced
        The largest WWR (clause 3.2.2) or skylight ratio (clause 3.2.7).
    k : Sourced
        The reference's window U-factor (limit of the band of ``reference_wwr``).
    shgc_limit : Sourced or None
        The band's SHGC limit for this orientation; None: no requirement (the windows keep the
        design's SHGC).
    shgc : tuple of float
        SHGC values given to the reference's windows.
    visible_transmittance : tuple of float
    design_k_w_per_m2_k, design_shgc : float or None
        Area-weighted design values where the model gives them (simple glazing systems).
    windows : int
    constructions : tuple of str
    """

    orientation: str
    wall_area_m2: float
    design_wwr: float
    reference_wwr: float
    scale: float
    ratio_limit: Sourced
    k: Sourced
    shgc_limit: Sourced | None
    shgc: tuple[float, ...]
    visible_transmittance: tuple[float, ...]
    design_k_w_per_m2_k: float | None
    design_shgc: float | None
    windows: int
    constructions: tuple[str, ...]


@dataclass
class ReferenceEnvelope:
    """What :func:`apply_reference_envelope` changed."""

    components: list[ComponentChange] = field(default_factory=list)
    facades: list[FacadeChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_rows(self) -> list[dict[str, Any]]:
        """Rows of the report's "design vs reference" envelope table.

        Keys: ``element``, ``name``, ``quantity``, ``unit``, ``design``, ``reference``,
        ``requirement``, ``clause``, ``source``, ``verified``, ``note``. Numbers stay numbers.
        """
        rows = []
        for c in self.components:
            limit = c.limit
            inertia = "" if c.thermal_inertia is None else f"D = {c.thermal_inertia:.2f}"
            rows.append(
                _row(
                    element=COMPONENT_LABELS.get(c.component, c.component),
                    name=c.design_construction,
                    quantity="K",
                    unit=U_UNIT,
                    design=c.design_u_w_per_m2_k,
                    reference=c.reference_u_w_per_m2_k,
                    requirement=_at_most(limit) + (f" ({inertia})" if inertia else ""),
                    limit=limit,
                    note=c.note,
                )
            )
        for f in self.facades:
            element = "skylights" if f.orientation == SKYLIGHTS else f"{f.orientation} façade"
            ratio = "skylight ratio" if f.orientation == SKYLIGHTS else "WWR"
            cut = f" (cut, windows scaled by {f.scale:.3f})" if f.scale < 1.0 else ""
            rows.append(
                _row(
                    element=element,
                    name=f"{f.windows} windows",
                    quantity=ratio,
                    unit="-",
                    design=f.design_wwr,
                    reference=f.reference_wwr,
                    requirement=_at_most(f.ratio_limit),
                    limit=f.ratio_limit,
                    note=cut.strip(" ()"),
                )
            )
            rows.append(
                _row(
                    element=element,
                    name=", ".join(f.constructions),
                    quantity="K",
                    unit=U_UNIT,
                    design=f.design_k_w_per_m2_k,
                    reference=f.k.value,
                    requirement=_at_most(f.k),
                    limit=f.k,
                )
            )
            shgc = f.shgc[0] if len(f.shgc) == 1 else None
            rows.append(
                _row(
                    element=element,
                    name=", ".join(f.constructions),
                    quantity="SHGC",
                    unit="-",
                    design=f.design_shgc,
                    reference=shgc,
                    requirement=_at_most(f.shgc_limit) if f.shgc_limit else "no requirement",
                    limit=f.shgc_limit,
                    note="" if shgc is not None else "several: " + ", ".join(map(str, f.shgc)),
                )
            )
        return rows


def _row(
    *,
    element: str,
    name: str,
    quantity: str,
    unit: str,
    design: float | None,
    reference: float | None,
    requirement: str = "",
    limit: Sourced | None = None,
    note: str = "",
) -> dict[str, Any]:
    return {
        "element": element,
        "name": name,
        "quantity": quantity,
        "unit": unit,
        "design": design,
        "reference": reference,
        "requirement": requirement,
        "clause": clause_of(limit) if limit is not None else "",
        "source": limit.source if limit is not None else "",
        "verified": limit.verified if limit is not None else True,
        "note": note,
    }


# --------------------------------------------------------------------------------------------
# Façades and roofs (model edge)
# --------------------------------------------------------------------------------------------


def facades(idf, rules: RuleSet) -> EnvelopeAreas:
    """Gross wall, window and roof areas of the model by GB orientation.

    Exterior walls are ``BuildingSurface:Detailed`` with the ``Outdoors`` boundary and a tilt
    between :data:`ROOF_MAX_TILT_DEG` and :data:`FLOOR_MIN_TILT_DEG`; windows (and glass doors)
    count on the façade of their parent wall, skylights on the roofs (tilt below
    :data:`ROOF_MAX_TILT_DEG`). Zone multipliers (``Zone`` Multiplier field) and window
    multipliers are applied; a window's area includes its frame
    (``WindowProperty:FrameAndDivider``).

    Parameters
    ----------
    idf : eppy IDF
    rules : RuleSet
        Gives the orientation bins (GB 50189-2015 clause 3.2.6).

    Returns
    -------
    EnvelopeAreas
        ``facades`` holds the orientations that have exterior walls.
    """
    wall_m2: dict[str, float] = defaultdict(float)
    window_m2: dict[str, float] = defaultdict(float)
    roof_m2 = skylight_m2 = 0.0
    for s in model.surfaces(idf):
        if s.boundary != "outdoors":
            continue
        kind = component(s.tilt_deg)
        if kind == "wall":
            wall_m2[rules.orientation(s.azimuth_deg)] += s.total_area_m2
        elif kind == "roof":
            roof_m2 += s.total_area_m2
    frames = _frame_widths_m(idf)
    for w in model.windows(idf):
        kind = component(w.tilt_deg)
        frame = frames.get(str(w.obj.Frame_and_Divider_Name).strip().upper(), 0.0)
        area = opening_area_m2(w.vertices, frame) * w.multiplier
        if kind == "wall":
            window_m2[rules.orientation(w.azimuth_deg)] += area
        elif kind == "roof":
            skylight_m2 += area
    return EnvelopeAreas(
        facades={o: Facade(o, wall_m2[o], window_m2[o]) for o in wall_m2},
        roof_area_m2=roof_m2,
        skylight_area_m2=skylight_m2,
    )


def _frame_widths_m(idf) -> dict[str, float]:
    """Frame width of each ``WindowProperty:FrameAndDivider`` (upper-case name) [m]."""
    return {
        str(f.Name).upper(): model.number(f.Frame_Width, 0.0)
        for f in idf.idfobjects["WINDOWPROPERTY:FRAMEANDDIVIDER"]
    }


# --------------------------------------------------------------------------------------------
# The reference building's envelope (model edge: edits the model)
# --------------------------------------------------------------------------------------------


def apply_reference_envelope(
    idf, rules: RuleSet, *, design_glazing: Mapping[str, Glazing] | None = None
) -> ReferenceEnvelope:
    """Turn the proposed model's envelope into the GB 50189-2015 reference building's.

    Edits ``idf`` in place (pass a copy). The geometry stays the design's but for windows cut
    back to the largest WWR. Existing objects are never changed for other users: every new
    construction and layer is a new object (name ending in :data:`REFERENCE_SUFFIX`), and only
    the targeted surfaces are re-pointed to it, so a construction shared with interior surfaces
    or between components of different limits is split.

    Opaque components (exterior walls, roofs, floors over outdoor air; ``Outdoors`` boundary):
    each design construction, per component, gets a copy whose U with films equals the limit
    of GB 50189-2015 Table 3.3.1-4 for the design construction's thermal inertia D, keeping
    the design's thermal mass:

    * U to improve (design U above the limit): every design layer stays and one
      ``Material:NoMass`` of exactly the missing resistance, 1/K_limit − 1/U_design, is added
      directly inside the outside layer (:data:`ADDED_LAYER_POSITION`), so the exterior surface
      keeps its material; a no-mass layer stores no heat (S = 0), so D is the design's.
    * U to worsen (design U below the limit): the insulation layer (:func:`insulation_index`:
      the ``Material`` of lowest conductivity below
      :data:`INSULATION_MAX_CONDUCTIVITY_W_PER_M_K`, or the ``Material:NoMass`` that holds the
      insulation) is thinned to the resistance that gives the limit; a ``Material`` changes its
      thickness (below :data:`MIN_MATERIAL_THICKNESS_M` it becomes a ``Material:NoMass``), a
      ``Material:NoMass`` its resistance. D drops by the insulation's share only.
    * An improvement smaller than :data:`MIN_NOMASS_RESISTANCE_M2K_PER_W`, or one in a
      construction without a free layer field, thickens the insulation layer instead.

    When there is no insulation layer, or the other layers alone already give a U below the
    limit (the insulation then shrinks to :data:`MIN_NOMASS_RESISTANCE_M2K_PER_W`), the
    closest U is kept and a note says the limit was not reached. The limit stays the one for
    the design's D; a note says so where the reference's D lies on the other side of the
    table's threshold. Doors keep their constructions (no limit in the table).

    Windows: frames and dividers are removed (the window U is then the glazing system's); on a
    façade whose WWR exceeds ``max_wwr`` (clause 3.2.2) every window is shrunk about its
    centroid by sqrt(max_wwr / WWR), so the façade's WWR equals the limit; skylights likewise to
    ``max_skylight_ratio`` of the roof (clause 3.2.7). Each window then gets a
    ``WindowMaterial:SimpleGlazingSystem`` construction with the K and SHGC of its façade's WWR
    band (Table 3.3.1-4; skylights: the roof's transparent part), one construction per
    (orientation, K, SHGC, VT). Where the band has no SHGC requirement the design's SHGC is
    kept. The visible transmittance is the design's where readable, else the clause 3.2.4
    minimum for the façade's WWR.

    Parameters
    ----------
    idf : eppy IDF
    rules : RuleSet
    design_glazing : mapping, optional
        Upper-case window construction name -> :class:`Glazing`: the design's SHGC and VT where
        the model does not give them as a simple glazing system (e.g. from
        :func:`read_design_glazing` of a design run). Without it, an unreadable design SHGC in
        a band without requirement becomes the loosest SHGC limit of the table for that
        orientation (ASSUMPTION, noted).

    Returns
    -------
    ReferenceEnvelope
    """
    result = ReferenceEnvelope()
    reference_opaque(idf, rules, result)
    _reference_windows(idf, rules, result, dict(design_glazing or {}))
    return result


def reference_opaque(idf, rules: RuleSet, result: ReferenceEnvelope) -> None:
    groups: dict[tuple[str, str, str], list[model.Surface]] = defaultdict(list)
    for s in model.surfaces(idf):
        if s.boundary == "outdoors":
            key = (str(s.construction).upper(), component(s.tilt_deg), _film_class(s))
            groups[key].append(s)
    components_of = defaultdict(set)
    for name, kind, _ in groups:
        components_of[name].add(kind)
    for (name, kind, films), targeted in groups.items():
        change = _reference_component(
            idf, rules, name, kind, films, targeted, split=len(components_of[name]) > 1
        )
        result.components.append(change)
        if change.note:
            result.notes.append(
                f"{COMPONENT_LABELS[kind]} construction {change.design_construction!r}: "
                f"{change.note}"
            )


def _reference_component(
    idf, rules: RuleSet, name: str, kind: str, films: str, targeted, *, split: bool
) -> ComponentChange:
    """Give the surfaces ``targeted`` (one design construction, one component) a new
    construction at the limit; the record of what was done.

    U to improve: the design's layers plus one ``Material:NoMass`` of the missing resistance
    second from outside (:func:`_added_layer`). U to worsen (or an improvement too small for a
    no-mass layer, or no free layer field): the insulation layer (:func:`insulation_index`)
    resized (:func:`_resized_layer`).
    """
    area = sum(s.total_area_m2 for s in targeted)
    surfaces = tuple(s.name for s in targeted)
    original = model.construction(idf, name)
    skipped = {
        "reference_construction": "",
        "surfaces": surfaces,
        "area_m2": area,
        "design_u_w_per_m2_k": None,
        "reference_u_w_per_m2_k": None,
        "thermal_inertia": None,
        "reference_thermal_inertia": None,
        "limit": None,
        "reached": False,
    }
    if original is None:
        note = f"not a layered Construction: {len(targeted)} surfaces keep it"
        return ComponentChange(kind, design_construction=name, note=note, **skipped)
    try:
        model_layers = _read_layers(idf, original)
    except _Unsupported as exc:
        note = f"left alone: {exc}"
        return ComponentChange(kind, design_construction=original.Name, note=note, **skipped)
    layers = [layer for _, _, layer in model_layers]
    inertia = thermal_inertia(layers)
    limits = getattr(rules.envelope, kind)
    limit = limits.limit(inertia)
    inside, outside = envelope.film_resistances_m2k_per_w(films, outdoors=True)
    resistances = [layer.resistance_m2k_per_w for layer in layers]
    design_u = envelope.u_value_w_per_m2_k(resistances, inside, outside)
    layer_names = model.construction_layers(original)
    new_layers = list(layers)
    missing = missing_resistance_m2k_per_w(limit.value, design_u)
    free_fields = len(original.fieldnames) - CONSTRUCTION_LAYER_FIELD_START - len(layer_names)
    stem = f"{original.Name} {kind}" if split else original.Name
    unreached = ""  # why the limit is not reached
    resized = None  # (design layer, new layer) of the insulation resized
    if math.isclose(design_u, limit.value, rel_tol=U_MATCH_RTOL):
        pass  # at the limit already: the design's layers
    elif missing >= MIN_NOMASS_RESISTANCE_M2K_PER_W and free_fields > 0:
        added = _added_layer(idf, stem, model_layers[0][1], missing)
        layer_names.insert(ADDED_LAYER_POSITION, added.name)
        new_layers.insert(ADDED_LAYER_POSITION, added)
    else:
        index = insulation_index(
            [
                (object_type, _conductivity(object_type, obj), layer.resistance_m2k_per_w)
                for object_type, obj, layer in model_layers
            ]
        )
        # U to worsen past what thinning one insulation layer allows (an added insulation on
        # top of the original one): drop that layer and thin the next one. A near-zero
        # resistance layer left outside a massive one breaks EnergyPlus's CTF calculation.
        while index is not None and missing <= 0 and len(model_layers) > 1:
            needed = insulation_resistance_for_u_m2k_per_w(
                limit.value, resistances, index, inside, outside
            )
            rest = [
                (object_type, _conductivity(object_type, obj), layer.resistance_m2k_per_w)
                for i, (object_type, obj, layer) in enumerate(model_layers)
                if i != index
            ]
            if needed >= MIN_NOMASS_RESISTANCE_M2K_PER_W or insulation_index(rest) is None:
                break
            for parallel in (model_layers, layer_names, new_layers, resistances, layers):
                del parallel[index]
            index = insulation_index(rest)
        if missing > 0:  # an improvement no added layer can make
            unreached = (
                "the missing resistance is below the smallest no-mass layer"
                if missing < MIN_NOMASS_RESISTANCE_M2K_PER_W
                else "the construction has no free layer field"
            )
        if index is None:
            unreached = "; ".join(
                x
                for x in (
                    unreached,
                    f"no insulation layer (a Material of conductivity below "
                    f"{INSULATION_MAX_CONDUCTIVITY_W_PER_M_K:g} W/(m K) or a Material:NoMass) "
                    "to resize; the design's layers are kept",
                )
                if x
            )
        else:
            needed = insulation_resistance_for_u_m2k_per_w(
                limit.value, resistances, index, inside, outside
            )
            object_type, obj, _ = model_layers[index]
            new_name, layer = _resized_layer(idf, object_type, obj, needed)
            layer_names[index] = new_name
            new_layers[index] = layer
            resized = (layers[index], layer)
            if needed < MIN_NOMASS_RESISTANCE_M2K_PER_W:
                unreached = (
                    f"the other layers alone give a lower U; the insulation layer "
                    f"{layers[index].name!r} is cut to the smallest no-mass layer "
                    f"({MIN_NOMASS_RESISTANCE_M2K_PER_W:g} m2K/W)"
                )
    reference_u = envelope.u_value_w_per_m2_k(
        [x.resistance_m2k_per_w for x in new_layers], inside, outside
    )
    reached = math.isclose(reference_u, limit.value, rel_tol=U_MATCH_RTOL)
    notes = []
    if not reached:
        reason = unreached or "no layer change reaches it exactly"
        notes.append(
            f"limit {limit.value:g} {U_UNIT} not reached: {reason}; U = {reference_u:.3f} (closest)"
        )
    reference_inertia = thermal_inertia(new_layers)
    if limits.heavy is not None and (
        (inertia > limits.inertia_threshold) != (reference_inertia > limits.inertia_threshold)
    ):
        what = (
            f"resizing {resized[0].name!r} to R = {resized[1].resistance_m2k_per_w:.3f} m2K/W"
            if resized
            else "the reference's layers"
        )
        notes.append(
            f"{what} moves D from {inertia:.2f} to {reference_inertia:.2f}, across "
            f"{limits.inertia_threshold:g}; the limit stays the design's"
        )
    new = idf.newidfobject(
        "CONSTRUCTION",
        Name=_reference_name(idf, "CONSTRUCTION", stem),
        **dict(
            zip(original.fieldnames[CONSTRUCTION_LAYER_FIELD_START:], layer_names, strict=False)
        ),
    )
    for s in targeted:
        s.obj.Construction_Name = new.Name
    return ComponentChange(
        component=kind,
        design_construction=original.Name,
        reference_construction=new.Name,
        surfaces=surfaces,
        area_m2=area,
        design_u_w_per_m2_k=design_u,
        reference_u_w_per_m2_k=reference_u,
        thermal_inertia=inertia,
        reference_thermal_inertia=reference_inertia,
        limit=limit,
        reached=reached,
        note="; ".join(notes),
    )


def _conductivity(object_type: str, obj) -> float | None:
    """Conductivity of a ``Material`` [W/(m K)]; None for no-mass layers and air gaps."""
    return float(obj.Conductivity) if object_type == "Material" else None


#: Surface fields of a material layer the added no-mass layer takes from the outside layer.
_SURFACE_FIELDS = ("Roughness", "Thermal_Absorptance", "Solar_Absorptance", "Visible_Absorptance")


def _added_layer(idf, stem: str, outside_obj, resistance_m2k_per_w: float) -> Layer:
    """A new ``Material:NoMass`` of ``resistance`` for the construction ``stem``.

    Its surface properties are the outside layer's (they matter only when the construction
    has one layer, where the added layer becomes the inside face of the same material).
    """
    name = _reference_name(idf, _MATERIAL_NAMESPACE, f"{stem} added insulation")
    surface = {
        field_name: getattr(outside_obj, field_name)
        for field_name in _SURFACE_FIELDS
        if field_name in outside_obj.fieldnames and str(getattr(outside_obj, field_name)) != ""
    }
    surface.setdefault("Roughness", DEFAULT_ROUGHNESS)
    idf.newidfobject(
        "MATERIAL:NOMASS", Name=name, Thermal_Resistance=resistance_m2k_per_w, **surface
    )
    return Layer(name, resistance_m2k_per_w)


def _resized_layer(idf, object_type: str, obj, needed_m2k_per_w: float) -> tuple[str, Layer]:
    """A new layer object standing for ``obj`` with thermal resistance ``needed``.

    A ``Material`` keeps its properties and takes the thickness R · λ; below
    :data:`MIN_MATERIAL_THICKNESS_M` (or for a ``Material:NoMass``) it becomes a
    ``Material:NoMass`` of resistance ``needed``, at least
    :data:`MIN_NOMASS_RESISTANCE_M2K_PER_W`. Returns the new object's name and its
    :class:`Layer`.
    """
    resistance = max(needed_m2k_per_w, MIN_NOMASS_RESISTANCE_M2K_PER_W)
    name = _reference_name(idf, _MATERIAL_NAMESPACE, str(obj.Name))
    if object_type == "Material:AirGap":
        idf.newidfobject("MATERIAL:AIRGAP", Name=name, Thermal_Resistance=resistance)
        return name, Layer(name, resistance)
    if object_type == "Material":
        conductivity = float(obj.Conductivity)
        thickness = needed_m2k_per_w * conductivity
        if thickness >= MIN_MATERIAL_THICKNESS_M:
            new = idf.copyidfobject(obj)
            new.Name = name
            new.Thickness = thickness
            layer = Layer.massive(
                name,
                thickness,
                conductivity,
                float(obj.Density),
                float(obj.Specific_Heat),
            )
            return name, layer
    idf.newidfobject(
        "MATERIAL:NOMASS",
        Name=name,
        Roughness=obj.Roughness,
        Thermal_Resistance=resistance,
        Thermal_Absorptance=obj.Thermal_Absorptance,
        Solar_Absorptance=obj.Solar_Absorptance,
        Visible_Absorptance=obj.Visible_Absorptance,
    )
    return name, Layer(name, resistance)


def _reference_windows(
    idf, rules: RuleSet, result: ReferenceEnvelope, design_glazing: dict[str, Glazing]
) -> None:
    rules_env = rules.envelope
    design_areas = facades(idf, rules)
    design_windows = model.windows(idf)
    design_props = {
        w.name.upper(): _glazing_of(idf, w.construction)
        or design_glazing.get(str(w.construction).upper())
        for w in design_windows
    }
    frames = _frame_widths_m(idf)
    framed = [w for w in design_windows if str(w.obj.Frame_and_Divider_Name).strip()]
    for w in framed:
        width = frames.get(str(w.obj.Frame_and_Divider_Name).strip().upper(), 0.0)
        if width > 0:
            _set_vertices(w.obj, offset_polygon(_raw_vertices(w.obj), width))
        w.obj.Frame_and_Divider_Name = ""
    if framed:
        result.notes.append(
            f"{len(framed)} reference windows lose their WindowProperty:FrameAndDivider (the "
            "window K is the glazing system's); their glazing is grown over the frame, so the "
            "opening area stays"
        )
    glass_areas = facades(idf, rules) if framed else design_areas

    # cut the façades above the largest WWR and the roofs above the largest skylight ratio
    scales = {
        o: window_scale(f.wwr, rules_env.max_wwr.value) for o, f in glass_areas.facades.items()
    }
    scales[SKYLIGHTS] = window_scale(glass_areas.skylight_ratio, rules_env.max_skylight_ratio.value)
    for w in design_windows:
        group = _window_group(w, rules)
        scale = scales.get(group, 1.0) if group else 1.0
        if scale < 1.0:
            _scale_window(w.obj, scale)
    reference_areas = facades(idf, rules)
    for o, s in scales.items():
        if s < 1.0:
            which = "skylight ratio" if o == SKYLIGHTS else f"{o} façade WWR"
            limit = rules_env.max_skylight_ratio if o == SKYLIGHTS else rules_env.max_wwr
            result.notes.append(
                f"{which} above {limit.value:g} ({clause_of(limit)}): the reference's windows "
                f"there are shrunk about their centroids by {s:.4f} (linear)"
            )

    # one glazing construction per (orientation, K, SHGC, VT)
    made: dict[tuple, str] = {}
    by_group: dict[str, list[tuple[model.Surface, str, float, float]]] = defaultdict(list)
    for w in model.windows(idf):
        group = _window_group(w, rules)
        if group is None:
            result.notes.append(
                f"window {w.name!r} is in a floor (tilt {w.tilt_deg:.0f}°): no limit, kept"
            )
            continue
        if group == SKYLIGHTS:
            ratio = reference_areas.skylight_ratio
            k, shgc_limit = rules_env.skylight_k, rules_env.skylight_shgc
        else:
            ratio = reference_areas.facades[group].wwr
            band = rules_env.window_band(ratio)
            k, shgc_limit = band.k, band.shgc.get(group)
        design = design_props.get(w.name.upper())
        if shgc_limit is not None:
            shgc = shgc_limit.value
        elif design is not None:
            shgc = design.shgc
        else:
            shgc = _loosest_shgc(rules, group)
            result.notes.append(
                f"window {w.name!r}: design SHGC unknown and no requirement at WWR {ratio:.2f}; "
                f"the reference takes {shgc:g}, the loosest SHGC limit for {group} (ASSUMPTION)"
            )
        if design is not None and design.visible_transmittance is not None:
            vt = design.visible_transmittance
        else:
            vt = minimum_visible_transmittance(rules, ratio).value
        key = (group, k.value, shgc, vt)
        if key not in made:
            made[key] = _glazing_construction(idf, group, k.value, shgc, vt)
        w.obj.Construction_Name = made[key]
        by_group[group].append((w, made[key], shgc, vt))

    _shading_notes(idf, [w for items in by_group.values() for w, *_ in items], result)
    for group, items in by_group.items():
        windows = [w for w, *_ in items]
        if group == SKYLIGHTS:
            wall_m2 = design_areas.roof_area_m2
            design_ratio, reference_ratio = (
                design_areas.skylight_ratio,
                reference_areas.skylight_ratio,
            )
            k, shgc_limit = rules_env.skylight_k, rules_env.skylight_shgc
        else:
            wall_m2 = design_areas.facades[group].wall_area_m2
            design_ratio = design_areas.facades[group].wwr
            reference_ratio = reference_areas.facades[group].wwr
            band = rules_env.window_band(reference_ratio)
            k, shgc_limit = band.k, band.shgc.get(group)
        props = [design_props.get(w.name.upper()) for w in windows]
        weights = [w.total_area_m2 for w in windows]
        known = all(p is not None for p in props)
        result.facades.append(
            FacadeChange(
                orientation=group,
                wall_area_m2=wall_m2,
                design_wwr=design_ratio,
                reference_wwr=reference_ratio,
                scale=scales.get(group, 1.0),
                ratio_limit=rules_env.max_skylight_ratio
                if group == SKYLIGHTS
                else rules_env.max_wwr,
                k=k,
                shgc_limit=shgc_limit,
                shgc=tuple(sorted({s for *_, s, _ in items})),
                visible_transmittance=tuple(sorted({v for *_, v in items})),
                design_k_w_per_m2_k=area_weighted_mean([p.u_w_per_m2_k for p in props], weights)
                if known
                else None,
                design_shgc=area_weighted_mean([p.shgc for p in props], weights) if known else None,
                windows=len(windows),
                constructions=tuple(sorted({c for _, c, *_ in items})),
            )
        )
    order = {o: i for i, o in enumerate((*rules.orientation_bins_deg, SKYLIGHTS))}
    result.facades.sort(key=lambda f: order.get(f.orientation, len(order)))


def _window_group(w: model.Surface, rules: RuleSet) -> str | None:
    """The façade orientation of a window, :data:`SKYLIGHTS`, or None (a window in a floor)."""
    kind = component(w.tilt_deg)
    if kind == "wall":
        return rules.orientation(w.azimuth_deg)
    return SKYLIGHTS if kind == "roof" else None


def _glazing_of(idf, construction: str) -> Glazing | None:
    """The design's glazing where its construction is one simple glazing system."""
    simple = _simple_glazing(idf, construction)
    if simple is None:
        return None
    return Glazing(simple["u_w_per_m2_k"], simple["shgc"], simple["visible_transmittance"])


def _scale_window(obj, factor: float) -> None:
    """Scale a fenestration surface's vertices about their centroid, in place."""
    _set_vertices(obj, scale_about_centroid(_raw_vertices(obj), factor))


def _raw_vertices(obj) -> list[geometry.Point]:
    """The vertices as the object lists them (no reordering)."""
    start = obj.fieldnames.index("Number_of_Vertices") + 1
    count = len([v for v in obj.obj[start:] if v != ""]) // 3 * 3
    return geometry.points(obj.obj[start : start + count])


def _set_vertices(obj, points: Sequence[geometry.Point]) -> None:
    start = obj.fieldnames.index("Number_of_Vertices") + 1
    for i, point in enumerate(points):
        for j, value in enumerate(point):
            setattr(obj, obj.fieldnames[start + 3 * i + j], value)


def _glazing_construction(idf, group: str, k: float, shgc: float, vt: float) -> str:
    label = f"{group} U{k:g} SHGC{shgc:g} VT{vt:g}"
    glazing = idf.newidfobject(
        "WINDOWMATERIAL:SIMPLEGLAZINGSYSTEM",
        Name=_reference_name(idf, _MATERIAL_NAMESPACE, f"Glazing {label}"),
        UFactor=k,
        Solar_Heat_Gain_Coefficient=shgc,
        Visible_Transmittance=vt,
    )
    new = idf.newidfobject(
        "CONSTRUCTION",
        Name=_reference_name(idf, "CONSTRUCTION", f"Window {label}"),
        Outside_Layer=glazing.Name,
    )
    return new.Name


def _shading_notes(idf, windows: Iterable[model.Surface], result: ReferenceEnvelope) -> None:
    names = {w.name.upper() for w in windows}
    for control in idf.idfobjects["WINDOWSHADINGCONTROL"]:
        start = control.fieldnames.index("Multiple_Surface_Control_Type") + 1
        controlled = {str(v).upper() for v in control.obj[start:] if v != ""}
        shaded = str(control.Construction_with_Shading_Name).strip()
        if controlled & names and shaded:
            result.notes.append(
                f"WindowShadingControl {control.Name!r} keeps its shaded construction "
                f"{shaded!r} (the design's glazing) for {len(controlled & names)} reference windows"
            )


def _loosest_shgc(rules: RuleSet, orientation: str) -> float:
    values = [
        b.shgc[orientation].value for b in rules.envelope.window_bands if orientation in b.shgc
    ]
    if orientation == SKYLIGHTS or not values:
        return rules.envelope.skylight_shgc.value
    return max(values)


#: Object types sharing EnergyPlus's material namespace.
_MATERIAL_NAMESPACE = (
    *OPAQUE_LAYER_KEYS,
    "MATERIAL:INFRAREDTRANSPARENT",
    "MATERIAL:ROOFVEGETATION",
    "WINDOWMATERIAL:SIMPLEGLAZINGSYSTEM",
    "WINDOWMATERIAL:GLAZING",
    "WINDOWMATERIAL:GAS",
    "WINDOWMATERIAL:SHADE",
    "WINDOWMATERIAL:BLIND",
)


def _reference_name(idf, keys: str | Sequence[str], stem: str) -> str:
    """``stem + REFERENCE_SUFFIX``, or ``stem 2 + REFERENCE_SUFFIX``...: a free name."""
    keys = (keys,) if isinstance(keys, str) else tuple(keys)
    taken = {str(o.Name).upper() for k in keys for o in idf.idfobjects[k.upper()]}
    free = model.free_name(stem, lambda n: f"{n}{REFERENCE_SUFFIX}".upper() in taken)
    return f"{free}{REFERENCE_SUFFIX}"


def _film_class(s: model.Surface) -> str:
    """The film class of a surface: by its type, else by its tilt."""
    by_tilt = {"roof": "roof", "wall": "wall", "floor_exposed": "floor"}
    return FILM_CLASS.get(s.surface_type, by_tilt[component(s.tilt_deg)])


def _read_layers(idf, construction) -> list[tuple[str, Any, Layer]]:
    """(EnergyPlus type, object, :class:`Layer`) of each layer of a ``Construction``."""
    out = []
    for name in model.construction_layers(construction):
        object_type, obj = _material(idf, name)
        if object_type == "Material":
            layer = Layer.massive(
                obj.Name,
                float(obj.Thickness),
                float(obj.Conductivity),
                float(obj.Density),
                float(obj.Specific_Heat),
            )
        else:
            layer = Layer(obj.Name, float(obj.Thermal_Resistance))
        out.append((object_type, obj, layer))
    return out


def construction_thermal_inertia(idf, name: str) -> float | None:
    """Thermal inertia D of the ``Construction`` called ``name``; None when it is not a layered
    construction of ``Material``, ``Material:NoMass`` and ``Material:AirGap`` layers."""
    obj = model.construction(idf, name)
    if obj is None:
        return None
    try:
        return thermal_inertia(layer for *_, layer in _read_layers(idf, obj))
    except _Unsupported:
        return None


# --------------------------------------------------------------------------------------------
# Prescriptive checks (results edge, then pure)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpaqueRow:
    """One surface of EnergyPlus's ``EnvelopeSummary`` / ``Opaque Exterior`` table."""

    surface: str
    construction: str
    u_w_per_m2_k: float
    area_m2: float
    azimuth_deg: float
    tilt_deg: float
    outdoors: bool
    thermal_inertia: float | None


@dataclass(frozen=True)
class WindowRow:
    """One window of ``EnvelopeSummary`` / ``Exterior Fenestration``.

    ``area_m2`` is the opening area, window and zone multipliers applied ("Area of Multiplied
    Openings"); ``u_w_per_m2_k`` and ``shgc`` are the assembly values where EnergyPlus gives
    them (frames), else the glass values.
    """

    window: str
    construction: str
    parent: str
    area_m2: float
    u_w_per_m2_k: float
    shgc: float
    visible_transmittance: float | None
    azimuth_deg: float
    tilt_deg: float


def envelope_checks(sql_path, idf, rules: RuleSet) -> list[Check]:
    """GB 50189-2015 prescriptive envelope checks of a design run.

    The actual values are EnergyPlus's (``EnvelopeSummary`` of ``sql_path``); the model ``idf``
    (the one that was run) tells which surfaces face outdoors and gives the layers whose
    thermal inertia selects the opaque limits.

    Checks, in order:

    * one per opaque construction and component (exterior wall, roof, floor over outdoor air):
      U with films, area-weighted over its surfaces, against Table 3.3.1-4 for its D;
    * per façade: WWR <= ``max_wwr`` (clause 3.2.2); the windows' area-weighted K (assembly
      U-factor where reported, else glass) and SHGC against the band of the façade's WWR
      (Table 3.3.1-4, E/S/W vs N); the visible transmittance against clause 3.2.4;
    * the skylight ratio <= ``max_skylight_ratio`` (clause 3.2.7) where there is a roof, and
      the skylights' K and SHGC where there are skylights.

    Every check compares the actual value rounded to the decimals the rule set writes the
    limit with (GB/T 8170-2008 clause 4.3.3, :func:`meets_limit`; the loader records
    the decimals as :attr:`Sourced.decimals`);
    the Check's ``actual`` is the unrounded value and its note names the decimals.

    Parameters
    ----------
    sql_path : path
        ``eplusout.sql`` of the design run.
    idf : eppy IDF
    rules : RuleSet

    Returns
    -------
    list of Check
    """
    opaque, windows = read_envelope(sql_path, idf)
    return opaque_checks(opaque, rules) + fenestration_checks(opaque, windows, rules)


def read_envelope(sql_path, idf) -> tuple[list[OpaqueRow], list[WindowRow]]:
    """EnergyPlus's opaque exterior surfaces and exterior windows, as records.

    Surfaces the model does not have are left out (the totals rows, a model other than the one
    run); the thermal inertia comes from the model's layers.
    """
    surfaces = {s.name.upper(): s for s in model.surfaces(idf)}
    inertia: dict[str, float | None] = {}
    opaque = []
    table = read_table(sql_path, "EnvelopeSummary", "Opaque Exterior")
    for name, row in table.iterrows():
        s = surfaces.get(str(name).upper())
        u = _number(row.get("U-Factor with Film"))
        if s is None or u is None:
            continue
        reported = str(row.get("Construction") or s.construction)
        obj = model.construction(idf, reported)
        construction = str(obj.Name) if obj is not None else reported
        if construction.upper() not in inertia:
            inertia[construction.upper()] = construction_thermal_inertia(idf, construction)
        area = _number(row.get("Gross Area"))
        opaque.append(
            OpaqueRow(
                surface=s.name,
                construction=construction,
                u_w_per_m2_k=u,
                area_m2=area if area is not None else s.total_area_m2,
                azimuth_deg=_number(row.get("Azimuth"), s.azimuth_deg),
                tilt_deg=_number(row.get("Tilt"), s.tilt_deg),
                outdoors=s.boundary == "outdoors",
                thermal_inertia=inertia[construction.upper()],
            )
        )
    windows = []
    table = read_table(sql_path, "EnvelopeSummary", "Exterior Fenestration")
    for name, row in table.iterrows():
        parent = str(row.get("Parent Surface") or "")
        u = _number(row.get("Assembly U-Factor"), _number(row.get("Glass U-Factor")))
        shgc = _number(row.get("Assembly SHGC"), _number(row.get("Glass SHGC")))
        area = _number(row.get("Area of Multiplied Openings"), _number(row.get("Glass Area")))
        s = surfaces.get(parent.upper())
        if s is None or s.boundary != "outdoors" or None in (u, shgc, area):
            continue
        windows.append(
            WindowRow(
                window=str(name),
                construction=str(row.get("Construction", "")),
                parent=s.name,
                area_m2=area,
                u_w_per_m2_k=u,
                shgc=shgc,
                visible_transmittance=_number(
                    row.get("Assembly Visible Transmittance"),
                    _number(row.get("Glass Visible Transmittance")),
                ),
                azimuth_deg=_number(row.get("Azimuth"), s.azimuth_deg),
                tilt_deg=_number(row.get("Tilt"), s.tilt_deg),
            )
        )
    return opaque, windows


def read_design_glazing(sql_path) -> dict[str, Glazing]:
    """Glass U, SHGC and VT of each exterior window construction of a run (upper-case name),
    for :func:`apply_reference_envelope` ``design_glazing``."""
    out = {}
    table = read_table(sql_path, "EnvelopeSummary", "Exterior Fenestration")
    for _, row in table.iterrows():
        name = str(row.get("Construction") or "").upper()
        u, shgc = _number(row.get("Glass U-Factor")), _number(row.get("Glass SHGC"))
        if name and u is not None and shgc is not None:
            out[name] = Glazing(u, shgc, _number(row.get("Glass Visible Transmittance")))
    return out


def _number(value, default: float | None = None) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return default
    return model.number(str(value).strip() or None, default)


def opaque_checks(rows: Iterable[OpaqueRow], rules: RuleSet) -> list[Check]:
    """One check per (component, construction) of the surfaces facing outdoors.

    The actual value is the U with films area-weighted over the construction's surfaces; the
    limit is Table 3.3.1-4's for the construction's thermal inertia (D unknown: the D <= 2.5
    limit, noted).
    """
    groups: dict[tuple[str, str], list[OpaqueRow]] = defaultdict(list)
    for r in rows:
        if r.outdoors:
            groups[(component(r.tilt_deg), r.construction.upper())].append(r)
    checks = []
    order = list(COMPONENT_LABELS)
    for (kind, _), members in sorted(
        groups.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1])
    ):
        inertia = members[0].thermal_inertia
        limit = getattr(rules.envelope, kind).limit(inertia)
        actual = area_weighted_mean([r.u_w_per_m2_k for r in members], [r.area_m2 for r in members])
        d_text = "D unknown" if inertia is None else f"D = {inertia:.2f}"
        checks.append(
            _check(
                limit,
                f"{COMPONENT_LABELS[kind]} {members[0].construction} ({d_text})",
                actual,
                U_UNIT,
                note=f"{len(members)} surfaces, {sum(r.area_m2 for r in members):.1f} m2"
                + ("; layers unreadable: the D <= 2.5 limit applied" if inertia is None else ""),
            )
        )
    return checks


def fenestration_checks(
    opaque: Iterable[OpaqueRow], windows: Iterable[WindowRow], rules: RuleSet
) -> list[Check]:
    """WWR, K, SHGC and VT per façade; skylight ratio, K and SHGC (see :func:`envelope_checks`)."""
    env = rules.envelope
    wall_m2: dict[str, float] = defaultdict(float)
    roof_m2 = 0.0
    for r in opaque:
        if not r.outdoors:
            continue
        kind = component(r.tilt_deg)
        if kind == "wall":
            wall_m2[rules.orientation(r.azimuth_deg)] += r.area_m2
        elif kind == "roof":
            roof_m2 += r.area_m2
    by_facade: dict[str, list[WindowRow]] = defaultdict(list)
    skylights: list[WindowRow] = []
    for w in windows:
        kind = component(w.tilt_deg)
        if kind == "wall":
            by_facade[rules.orientation(w.azimuth_deg)].append(w)
        elif kind == "roof":
            skylights.append(w)

    checks = []
    for orientation in rules.orientation_bins_deg:
        if wall_m2.get(orientation, 0.0) <= 0:
            continue
        members = by_facade.get(orientation, [])
        window_m2 = sum(w.area_m2 for w in members)
        wwr = window_m2 / wall_m2[orientation]
        where = f"{orientation} façade"
        checks.append(
            _check(
                env.max_wwr,
                f"window-to-wall ratio, {where}",
                wwr,
                "-",
                note=f"windows {window_m2:.1f} m2 / walls {wall_m2[orientation]:.1f} m2",
            )
        )
        if not members:
            continue
        band = env.window_band(wwr)
        checks += _window_checks(
            members, f"{where} (WWR {wwr:.2f})", band.k, band.shgc.get(orientation)
        )
        vt_min = minimum_visible_transmittance(rules, wwr)
        checks.append(_vt_check(members, where, vt_min, wwr))
    if roof_m2 > 0:
        sky_m2 = sum(w.area_m2 for w in skylights)
        checks.append(
            _check(
                env.max_skylight_ratio,
                "skylight area / roof area",
                sky_m2 / roof_m2,
                "-",
                note=f"skylights {sky_m2:.1f} m2 / roofs {roof_m2:.1f} m2",
            )
        )
    if skylights:
        checks += _window_checks(skylights, "skylights", env.skylight_k, env.skylight_shgc)
    return checks


def _window_checks(
    members: Sequence[WindowRow],
    where: str,
    k: Sourced,
    shgc: Sourced | None,
) -> list[Check]:
    weights = [w.area_m2 for w in members]
    note = f"{len(members)} windows, area-weighted"
    out = [
        _check(
            k,
            f"window K, {where}",
            area_weighted_mean([w.u_w_per_m2_k for w in members], weights),
            U_UNIT,
            note=note,
        )
    ]
    actual_shgc = area_weighted_mean([w.shgc for w in members], weights)
    out[0] = _near_limit(out[0], k)
    if shgc is None:
        out.append(
            Check(
                clause=clause_of(k),
                item=f"window SHGC, {where}",
                required="no requirement",
                actual=actual_shgc,
                unit="-",
                passed=True,
                source=k.source,
                verified=k.verified,
                note=note + "; the table sets no SHGC limit for this WWR band",
            )
        )
    else:
        out.append(
            _near_limit(
                _check(shgc, f"window SHGC, {where}", actual_shgc, "-", note=note),
                shgc,
            )
        )
    return out


def _near_limit(check: Check, limit: Sourced) -> Check:
    """A failing window check within :data:`SIMPLE_GLAZING_REPORT_RTOL` of its limit, with a
    note on EnergyPlus's simple glazing fit."""
    if check.passed is not False or check.actual is None:
        return check
    if check.actual > limit.value * (1.0 + SIMPLE_GLAZING_REPORT_RTOL):
        return check
    note = (
        f"within {SIMPLE_GLAZING_REPORT_RTOL:.0%} of the limit: EnergyPlus reports a simple "
        "glazing system's U and SHGC up to 0.5 % above the input, so a window entered at the "
        "limit can read above it even when rounded"
    )
    return replace(check, note="; ".join(x for x in (check.note, note) if x))


def _vt_check(
    members: Sequence[WindowRow],
    where: str,
    minimum: Sourced,
    wwr: float,
) -> Check:
    known = [w for w in members if w.visible_transmittance is not None]
    actual = (
        area_weighted_mean([w.visible_transmittance for w in known], [w.area_m2 for w in known])
        if known
        else None
    )
    return _check(
        minimum,
        f"window visible transmittance, {where} (WWR {wwr:.2f})",
        actual,
        "-",
        at_least=True,
        note=f"{len(known)} windows, area-weighted" if known else "not reported",
    )


def _check(
    limit: Sourced,
    item: str,
    actual: float | None,
    unit: str,
    *,
    at_least: bool = False,
    note: str = "",
) -> Check:
    """One check of ``actual`` against ``limit``, both rounded as GB/T 8170-2008 4.3.3 asks
    (:func:`meets_limit`, at the decimals the rule set writes the limit with)."""
    if actual is None:
        passed = None
    else:
        decimals = limit_decimals(limit)
        passed = meets_limit(actual, limit.value, decimals, at_least=at_least)
        rounding = (
            f"compared rounded to {decimals} decimal{'' if decimals == 1 else 's'} "
            f"({ROUNDING_CLAUSE})"
        )
        note = "; ".join(x for x in (note, rounding) if x)
    return Check(
        clause=clause_of(limit),
        item=item,
        required=(_at_least if at_least else _at_most)(limit),
        actual=actual,
        unit=unit,
        passed=passed,
        verified=limit.verified,
        source=limit.source,
        note="; ".join(x for x in (note, limit.note) if x),
    )


# --------------------------------------------------------------------------------------------
# Pure functions
# --------------------------------------------------------------------------------------------


def heat_storage_coefficient_w_per_m2_k(
    conductivity_w_per_m_k: float,
    density_kg_per_m3: float,
    specific_heat_j_per_kg_k: float,
    period_s: float = INERTIA_PERIOD_S,
) -> float:
    """Heat storage coefficient of a material, S = sqrt(2π λ ρ c / T) [W/(m²K)].

    GB 50176-2016 (民用建筑热工设计规范), definition of the material's heat storage coefficient
    for a period T of 24 h (:data:`INERTIA_PERIOD_S`); its Appendix B lists 17.20 W/(m²K) for
    reinforced concrete (λ 1.74 W/(m K), ρ 2500 kg/m³, c 0.92 kJ/(kg K)), which this gives to
    within 1 % (17.06).
    """
    if min(conductivity_w_per_m_k, density_kg_per_m3, specific_heat_j_per_kg_k, period_s) <= 0:
        raise ValueError("conductivity, density, specific heat and period must be > 0")
    return math.sqrt(
        2.0
        * math.pi
        * conductivity_w_per_m_k
        * density_kg_per_m3
        * specific_heat_j_per_kg_k
        / period_s
    )


def thermal_inertia(layers: Iterable[Layer]) -> float:
    """Thermal inertia index of a layer stack, D = Σ R_i · S_i [-].

    GB 50176-2016, thermal inertia index of a multi-layer envelope (no-mass layers and air
    layers: S = 0). GB 50189-2015 Table 3.3.1-4 takes the lighter limits for D <= 2.5.

    Examples
    --------
    200 mm of reinforced concrete: R = 0.2 / 1.74 = 0.115 m²K/W, S = 17.06 W/(m²K), D = 1.96.

    >>> round(thermal_inertia([Layer.massive("concrete", 0.2, 1.74, 2500, 920)]), 2)
    1.96
    """
    return sum(layer.thermal_inertia for layer in layers)


def component(tilt_deg: float) -> str:
    """``roof``, ``wall`` or ``floor_exposed`` by the tilt of the outward normal [deg]
    (:data:`ROOF_MAX_TILT_DEG`, :data:`FLOOR_MIN_TILT_DEG`)."""
    if tilt_deg < ROOF_MAX_TILT_DEG:
        return "roof"
    if tilt_deg > FLOOR_MIN_TILT_DEG:
        return "floor_exposed"
    return "wall"


def insulation_resistance_for_u_m2k_per_w(
    target_u_w_per_m2_k: float,
    layer_resistances_m2k_per_w: Sequence[float],
    index: int,
    inside_film_m2k_per_w: float,
    outside_film_m2k_per_w: float,
) -> float:
    """Resistance layer ``index`` needs for the stack to have U = target [m²K/W].

    R = 1 / U − R_si − R_se − Σ_(j ≠ index) R_j; zero or negative when the other layers alone
    already give a U at or below the target.
    """
    if target_u_w_per_m2_k <= 0:
        raise ValueError("the target U must be > 0")
    others = sum(r for j, r in enumerate(layer_resistances_m2k_per_w) if j != index)
    return 1.0 / target_u_w_per_m2_k - inside_film_m2k_per_w - outside_film_m2k_per_w - others


def missing_resistance_m2k_per_w(target_u_w_per_m2_k: float, design_u_w_per_m2_k: float) -> float:
    """Resistance to add to a stack of U = design for U = target [m²K/W].

    ΔR = 1 / U_target − 1 / U_design (films and layers unchanged); negative when the design is
    already below the target.

    Examples
    --------
    A roof at 5.0 W/(m²K) against a 0.40 limit needs 2.5 − 0.2 = 2.3 m²K/W more.

    >>> round(missing_resistance_m2k_per_w(0.40, 5.0), 6)
    2.3
    """
    if min(target_u_w_per_m2_k, design_u_w_per_m2_k) <= 0:
        raise ValueError("U-values must be > 0")
    return 1.0 / target_u_w_per_m2_k - 1.0 / design_u_w_per_m2_k


def insulation_index(layers: Sequence[tuple[str, float | None, float]]) -> int | None:
    """Index of the layer holding a construction's thermal insulation, or None.

    Parameters
    ----------
    layers : sequence of (str, float or None, float)
        Per layer, outside first: EnergyPlus object type (``"Material"``,
        ``"Material:NoMass"``, ``"Material:AirGap"``), conductivity [W/(m K)] (None for
        no-mass layers and air gaps) and thermal resistance [m²K/W].

    Returns
    -------
    int or None
        Among the ``Material`` layers of conductivity below
        :data:`INSULATION_MAX_CONDUCTIVITY_W_PER_M_K`, the one of lowest conductivity (ties:
        the larger resistance, then the outer); among the ``Material:NoMass`` layers, the one
        of largest resistance; where there are both, the one of the two with the larger
        resistance holds the insulation. Air gaps are never insulation. None when no layer
        qualifies.
    """
    materials = [
        i
        for i, (kind, conductivity, _) in enumerate(layers)
        if kind == "Material"
        and conductivity is not None
        and conductivity < INSULATION_MAX_CONDUCTIVITY_W_PER_M_K
    ]
    no_mass = [i for i, (kind, *_) in enumerate(layers) if kind == "Material:NoMass"]
    candidates = []
    if materials:
        candidates.append(min(materials, key=lambda i: (layers[i][1], -layers[i][2], i)))
    if no_mass:
        candidates.append(min(no_mass, key=lambda i: (-layers[i][2], i)))
    if not candidates:
        return None
    return min(candidates, key=lambda i: (-layers[i][2], i))


def window_scale(ratio: float, max_ratio: float) -> float:
    """Linear factor that brings a window-to-wall (or skylight) ratio down to ``max_ratio``:
    sqrt(max / ratio) above it, else 1."""
    return math.sqrt(max_ratio / ratio) if ratio > max_ratio > 0 else 1.0


def scale_about_centroid(vertices: Sequence[geometry.Point], factor: float) -> list[geometry.Point]:
    """Vertices scaled by ``factor`` about their centroid (in their own plane; the area scales
    by factor²)."""
    cx, cy, cz = geometry.centroid(vertices)
    return [
        (cx + factor * (x - cx), cy + factor * (y - cy), cz + factor * (z - cz))
        for x, y, z in vertices
    ]


def offset_polygon(vertices: Sequence[geometry.Point], distance_m: float) -> list[geometry.Point]:
    """A planar polygon grown outward by ``distance_m`` in its own plane (mitred corners).

    Each edge moves out by the distance; a vertex moves to where its two moved edges meet,
    v + d (n1 + n2) / (1 + n1 · n2) with n1, n2 the in-plane outward normals of its edges. For
    a rectangle this is the footprint of a frame of that width (EnergyPlus's frame area,
    :func:`opening_area_m2`). Works in either vertex order.
    """
    nx, ny, nz = geometry.newell_normal(vertices)
    length = math.sqrt(nx * nx + ny * ny + nz * nz)
    if length == 0:
        raise ValueError("degenerate polygon: no normal")
    normal = (nx / length, ny / length, nz / length)
    count = len(vertices)
    outward = []
    for i in range(count):
        a, b = vertices[i], vertices[(i + 1) % count]
        edge = tuple(q - p for p, q in zip(a, b, strict=True))
        size = math.sqrt(sum(c * c for c in edge))
        e = tuple(c / size for c in edge)
        outward.append(
            (
                e[1] * normal[2] - e[2] * normal[1],
                e[2] * normal[0] - e[0] * normal[2],
                e[0] * normal[1] - e[1] * normal[0],
            )
        )
    out = []
    for i, v in enumerate(vertices):
        n1, n2 = outward[i - 1], outward[i]
        factor = distance_m / (1.0 + sum(p * q for p, q in zip(n1, n2, strict=True)))
        out.append(tuple(c + factor * (p + q) for c, p, q in zip(v, n1, n2, strict=True)))
    return out


def perimeter_m(vertices: Sequence[geometry.Point]) -> float:
    """Perimeter of a polygon [m]."""
    return sum(math.dist(a, b) for a, b in zip(vertices, [*vertices[1:], vertices[0]], strict=True))


def opening_area_m2(vertices: Sequence[geometry.Point], frame_width_m: float = 0.0) -> float:
    """Area of a window opening: the glazing (its vertices) plus a frame of ``frame_width_m``
    around it, A = A_glass + w · P + 4 w² (EnergyPlus Engineering Reference, "Window Frame
    and Divider": the frame projects outward from the glazed area; exact for rectangles)."""
    area = geometry.area_m2(vertices)
    if frame_width_m <= 0:
        return area
    return area + frame_width_m * perimeter_m(vertices) + 4.0 * frame_width_m**2


def area_weighted_mean(values: Sequence[float], weights: Sequence[float]) -> float | None:
    """Σ v·w / Σ w, or None when there is no weight."""
    total = sum(weights)
    if total <= 0:
        return None
    return sum(v * w for v, w in zip(values, weights, strict=True)) / total


def minimum_visible_transmittance(rules: RuleSet, wwr: float) -> Sourced:
    """GB 50189-2015 clause 3.2.4: the smallest VT for a façade of ``wwr``
    (WWR < 0.40 and WWR >= 0.40 rows)."""
    env = rules.envelope
    return env.vt_min_below_040 if wwr < VT_WWR_THRESHOLD else env.vt_min_from_040


def clause_of(limit: Sourced) -> str:
    """The check's clause text: ``<standard> <clause>``, the standard :data:`STANDARD` where the
    limit names none (:data:`DEFAULT_CLAUSE` for a limit without a clause)."""
    clause = (limit.clause or "").strip()
    if not clause:
        return DEFAULT_CLAUSE
    if clause.upper().startswith("GB"):
        return clause
    return f"{limit.standard or STANDARD} {clause}"


def _at_most(limit: Sourced | None) -> str:
    return "" if limit is None else f"<= {limit.value:.2f}"


def _at_least(limit: Sourced) -> str:
    return f">= {limit.value:.2f}"
