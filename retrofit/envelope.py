"""Pure envelope physics: layer resistances, U-values of a layer stack, insulation for a target U.

No models and no files here: numbers in, numbers out. The measures in
:mod:`retrofit.measures.envelope` read the layers from the model and call these functions.

Film resistances
----------------
The U-values with films are those EnergyPlus reports in ``EnvelopeSummary`` ("U-Factor with
Film"): the nominal layer resistance plus fixed inside and outside film resistances that
EnergyPlus takes from ASHRAE 90.1-2004 Section A9.4.1 (EnergyPlus source
``DataHeatBalance.cc``, ``ComputeNominalUwithConvCoeffs``). They are reporting conventions, not
the convection coefficients of the simulation. Checked against EnergyPlus 25.2.0 runs of the
small and medium office prototypes: walls, roofs, exposed floors and ground slabs reproduce the
reported "U-Factor with Film" and "U-Factor no Film" to the three decimals EnergyPlus prints.

GB 50176 / GB 50189 K-values use R_i + R_e = 0.11 + 0.04 = 0.15 m²K/W for walls (the
back-computation in the project's standards notes, key GUDAO-CON, uses the same 0.15); the
EnergyPlus wall films sum to 0.1497 m²K/W, so wall U-values agree to within 0.1 %. For roofs
EnergyPlus uses 0.1374 m²K/W (heat flow up), which gives a U about 1 % higher than 0.15 would
for a roof near the GB 50189 limit of 0.40 W/(m²K).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

#: Outside film resistance of every surface exposed to outdoor air [m²K/W]
#: (ASHRAE 90.1-2004 A9.4.1 "all exterior conditions", R 0.17 IP; the value EnergyPlus uses).
OUTSIDE_FILM_M2K_PER_W = 0.0299387

#: Inside film resistance by surface class [m²K/W] (ASHRAE 90.1-2004 A9.4.1 as coded in
#: EnergyPlus ``ComputeNominalUwithConvCoeffs``): vertical surfaces (walls, windows, doors)
#: R 0.68 IP, roofs (horizontal, heat flow up) R 0.61 IP, floors (heat flow down) R 0.92 IP.
INSIDE_FILM_M2K_PER_W = {
    "wall": 0.1197548,
    "roof": 0.1074271,
    "floor": 0.1620212,
}

#: Layer object types whose thermal resistance :func:`layer_resistance_m2k_per_w` computes.
OPAQUE_LAYER_TYPES = ("Material", "Material:NoMass", "Material:AirGap")


def film_resistances_m2k_per_w(surface_type: str, outdoors: bool = True) -> tuple[float, float]:
    """Inside and outside film resistances EnergyPlus reports with [m²K/W].

    Parameters
    ----------
    surface_type : {"wall", "roof", "floor"}
        The surface's type (``Surface Type`` of ``BuildingSurface:Detailed``).
    outdoors : bool
        True for a surface facing outdoor air; False for one on the ground or another boundary
        without an outside film (EnergyPlus then reports no outside film).

    Returns
    -------
    inside, outside : float
    """
    try:
        inside = INSIDE_FILM_M2K_PER_W[surface_type.lower()]
    except KeyError:
        raise ValueError(
            f"surface type {surface_type!r}: one of {', '.join(INSIDE_FILM_M2K_PER_W)}"
        ) from None
    return inside, OUTSIDE_FILM_M2K_PER_W if outdoors else 0.0


def material_resistance_m2k_per_w(thickness_m: float, conductivity_w_per_m_k: float) -> float:
    """Thermal resistance of a homogeneous layer, R = d / λ [m²K/W]."""
    if thickness_m <= 0 or conductivity_w_per_m_k <= 0:
        raise ValueError(
            f"thickness {thickness_m} m and conductivity {conductivity_w_per_m_k} W/(m K) "
            "must be > 0"
        )
    return thickness_m / conductivity_w_per_m_k


def layer_resistance_m2k_per_w(
    object_type: str,
    *,
    thickness_m: float | None = None,
    conductivity_w_per_m_k: float | None = None,
    resistance_m2k_per_w: float | None = None,
) -> float:
    """Thermal resistance of one layer of an opaque construction [m²K/W].

    Parameters
    ----------
    object_type : {"Material", "Material:NoMass", "Material:AirGap"}
        ``Material`` takes ``thickness_m`` and ``conductivity_w_per_m_k`` (R = d / λ); the
        other two take their ``resistance_m2k_per_w`` as given in the model.
    """
    kind = object_type.lower()
    if kind == "material":
        if thickness_m is None or conductivity_w_per_m_k is None:
            raise ValueError("Material: thickness and conductivity are required")
        return material_resistance_m2k_per_w(thickness_m, conductivity_w_per_m_k)
    if kind in ("material:nomass", "material:airgap"):
        if resistance_m2k_per_w is None or resistance_m2k_per_w <= 0:
            raise ValueError(f"{object_type}: thermal resistance must be > 0")
        return float(resistance_m2k_per_w)
    raise ValueError(f"{object_type}: not an opaque layer type ({', '.join(OPAQUE_LAYER_TYPES)})")


def u_value_w_per_m2_k(
    layer_resistances_m2k_per_w: Iterable[float],
    inside_film_m2k_per_w: float,
    outside_film_m2k_per_w: float,
) -> float:
    """U-value of a layer stack, U = 1 / (R_si + Σ R_layer + R_se) [W/(m²K)].

    Give zero films for the "no film" U (EnergyPlus's ``NominalU``); give
    :func:`film_resistances_m2k_per_w` for the "with film" U EnergyPlus reports.
    """
    total = inside_film_m2k_per_w + sum(layer_resistances_m2k_per_w) + outside_film_m2k_per_w
    if total <= 0:
        raise ValueError("the total resistance must be > 0")
    return 1.0 / total


def insulation_thickness_for_u_m(
    target_u_w_per_m2_k: float,
    layer_resistances_m2k_per_w: Iterable[float],
    conductivity_w_per_m_k: float,
    inside_film_m2k_per_w: float,
    outside_film_m2k_per_w: float,
    step_m: float = 0.0,
) -> float:
    """Insulation thickness that brings a layer stack to a target U [m].

    t = λ · (1 / U_target − R_si − Σ R_layer − R_se), rounded up to a multiple of ``step_m``
    when it is > 0 (boards come in steps), so the target is met, not missed.

    Returns
    -------
    float
        0.0 when the stack already has U ≤ ``target_u_w_per_m2_k``.
    """
    if target_u_w_per_m2_k <= 0 or conductivity_w_per_m_k <= 0:
        raise ValueError("target U and conductivity must be > 0")
    existing = inside_film_m2k_per_w + sum(layer_resistances_m2k_per_w) + outside_film_m2k_per_w
    missing = 1.0 / target_u_w_per_m2_k - existing
    if missing <= 0:
        return 0.0
    thickness = conductivity_w_per_m_k * missing
    if step_m > 0:
        # the small tolerance keeps an exact multiple (0.08 / 0.001) from rounding up a step
        thickness = math.ceil(thickness / step_m - 1e-9) * step_m
    return thickness
