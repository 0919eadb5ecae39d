"""Rooftop photovoltaics: PVWatts v5 arrays on a fraction of the exterior roof.

What the measure adds
---------------------
* ``Generator:PVWatts`` (PVWatts version 5) arrays, sized from the roof area:

  - **low-slope roofs** (tilt <= :data:`LOW_SLOPE_MAX_TILT_DEG`): rows of tilted racks,
    array type ``FixedOpenRack``, at ``tilt_deg`` and ``azimuth_deg``. The racks cover
    ``roof_fraction`` of the roof and the rows are spaced at ``ground_coverage_ratio``
    (module area / roof area under the rows), so
    ``module area = roof area x roof_fraction x ground_coverage_ratio``;
  - **pitched roofs**: modules flush on the roof plane, array type ``FixedRoofMounted``, at the
    face's own tilt and azimuth, with no row spacing
    (``module area = roof area x roof_fraction``). A pitched face turned away from
    ``azimuth_deg`` (outward normal within :data:`AWAY_FACING_HALF_ANGLE_DEG` of the opposite
    direction: the north faces of a hip roof in the northern hemisphere) gets no modules.

  Skylights are taken off the roof area first. Capacity at standard test conditions:
  ``kWp = module area x module_efficiency x 1 kW/m2`` (:func:`capacity_kwp`).
* one ``ElectricLoadCenter:Inverter:PVWatts`` (``dc_to_ac_ratio``, ``inverter_efficiency``),
  one ``ElectricLoadCenter:Generators`` list, and one ``ElectricLoadCenter:Distribution``
  (``Baseload``, ``DirectCurrentWithInverter``). PV output serves the building first; the
  rest is exported (EnergyPlus's ``ElectricitySurplusSold`` meter).

One generator per orientation, not per surface
----------------------------------------------
Surfaces that share an array geometry are aggregated into one generator (all low-slope roofs
into one rack array; pitched faces of the same tilt and azimuth into one). This is exact:

* PVWatts v5 output is proportional to the DC capacity for a given tilt, azimuth and module
  type (DC = capacity x transmitted plane-of-array irradiance / 1000 W/m2 x temperature
  correction x (1 - losses); EnergyPlus's ``PVWatts`` module), and with ``TiltAzimuth``
  geometry no surface shading enters;
* the PVWatts inverter is sized by EnergyPlus from the *total* DC capacity of the load
  center's PVWatts generators (AC rating = sum of DC / ``dc_to_ac_ratio``), so splitting or
  merging arrays leaves the inverter unchanged.

One generator per roof surface would multiply identical objects (a hotel prototype has 11 flat
roof surfaces) for the same result. Different orientations are *not* merged: output is not
linear in tilt and azimuth, and an "area-weighted tilt" of a hip roof's north and south faces
has no physical meaning.

What PVWatts v5 does not model here
-----------------------------------
Row-to-row shading of fixed racks: EnergyPlus's PVWatts uses the ground coverage ratio only
for one-axis trackers, so for racks it enters the sizing alone. With the defaults (tilt 20 deg,
ratio 0.4) a row of slant length L rises L sin 20 = 0.34 L and leaves a gap of
L / 0.4 - L cos 20 = 1.56 L to the next row, so rows do not shade each other when the sun's
profile angle exceeds atan(0.34 / 1.56) = 12.4 deg [D]; the 3 % shading allowance inside the
14 % PVWatts system losses covers the low-sun hours. Shading by parapets, plant and
neighbouring buildings is not modelled; the arrays do not shade the roof (no change to the
building's loads).

Defaults and sources: ``measures/pv.toml`` (catalogue entry ``rooftop_pv``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

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

#: Irradiance at standard test conditions [kW/m2] (the STC definition of a module's rating:
#: 1000 W/m2, 25 degC cell, AM 1.5); kWp = module area x efficiency x this.
STC_IRRADIANCE_KW_PER_M2 = 1.0

#: Steepest roof that takes tilted racks [deg]: a slope of 2 in 12 (9.46 deg), the ASHRAE 90.1
#: definition of a low-slope roof. ASSUMPTION: recollection of the ASHRAE definition, not in
#: standards.md; flat roofs (the prototypes' 0 deg, a 2 % drainage fall = 1.1 deg) are well below
#: it and the small office's 18.5 deg hip roof well above.
LOW_SLOPE_MAX_TILT_DEG = math.degrees(math.atan(2.0 / 12.0))

#: A pitched face whose outward normal lies within this angle of the direction opposite to
#: ``azimuth_deg`` gets no modules [deg]. 45 deg: the half-width of the cardinal bins of
#: :data:`retrofit.geometry.ORIENTATION_BINS_DEG`, so with south-facing arrays the faces the
#: project calls "north" are skipped and east and west faces are used.
AWAY_FACING_HALF_ANGLE_DEG = 45.0

#: PVWatts v5 module classes (IDD 25.2 ``Generator:PVWatts`` Module Type). EnergyPlus's PVWatts
#: module gives Standard a power temperature coefficient of -0.47 %/K, Premium -0.35 %/K with
#: anti-reflective glass, ThinFilm -0.20 %/K.
MODULE_TYPES = ("Standard", "Premium", "ThinFilm")

#: PVWatts array types used: tilted racks on low-slope roofs, flush modules on pitched roofs.
RACK_ARRAY_TYPE = "FixedOpenRack"
FLUSH_ARRAY_TYPE = "FixedRoofMounted"

#: Generators an ``ElectricLoadCenter:Generators`` list holds (IDD 25.2).
MAX_GENERATORS = 30


def module_area_m2(
    roof_area_m2: float, roof_fraction: float, ground_coverage_ratio: float = 1.0
) -> float:
    """Module area on a roof [m2].

    Parameters
    ----------
    roof_area_m2 : float
        Roof area available (net of skylights) [m2].
    roof_fraction : float
        Share of that roof the arrays occupy (0-1].
    ground_coverage_ratio : float
        Module area / roof area under the rows (racks); 1 for modules flush on a pitched roof.
    """
    return roof_area_m2 * roof_fraction * ground_coverage_ratio


def capacity_kwp(module_area_m2: float, module_efficiency: float) -> float:
    """DC capacity at standard test conditions [kWp]: area x efficiency x 1 kW/m2."""
    return module_area_m2 * module_efficiency * STC_IRRADIANCE_KW_PER_M2


def _angle_between_deg(a: float, b: float) -> float:
    """Smallest angle between two azimuths [deg, 0-180]."""
    d = abs(a - b) % 360.0
    return 360.0 - d if d > 180.0 else d


@dataclass(frozen=True)
class Array:
    """One PVWatts generator: its geometry, size and the roof surfaces it covers.

    Attributes
    ----------
    array_type : {"FixedOpenRack", "FixedRoofMounted"}
    tilt_deg, azimuth_deg : float
        Module plane [deg from horizontal; deg clockwise from true north].
    surfaces : tuple of str
        Roof surfaces covered.
    roof_area_m2 : float
        Their area net of skylights, zone multipliers applied [m2].
    module_area_m2 : float
        [m2]
    capacity_kwp : float
        DC capacity at STC [kWp].
    """

    name: str
    array_type: str
    tilt_deg: float
    azimuth_deg: float
    surfaces: tuple[str, ...]
    roof_area_m2: float
    module_area_m2: float
    capacity_kwp: float


@dataclass(frozen=True)
class RoofLayout:
    """The arrays a model's roofs take, and the roof surfaces left bare (with why)."""

    roof_area_m2: float
    arrays: tuple[Array, ...]
    skipped: tuple[tuple[str, str], ...]

    @property
    def capacity_kwp(self) -> float:
        return sum(a.capacity_kwp for a in self.arrays)

    @property
    def module_area_m2(self) -> float:
        return sum(a.module_area_m2 for a in self.arrays)


def roof_layout(idf, params: dict) -> RoofLayout:
    """Group the exterior roofs into arrays (see the module docstring for the rules).

    Parameters
    ----------
    params : dict
        The measure's validated parameters.
    """
    roofs = model.exterior_surfaces(idf, "roof")
    skylights: dict[str, float] = {}
    for window in model.windows(idf):
        key = window.parent.upper()
        skylights[key] = skylights.get(key, 0.0) + window.total_area_m2
    groups: dict[tuple, dict] = {}
    skipped = []
    for roof in roofs:
        net = roof.total_area_m2 - skylights.get(roof.name.upper(), 0.0)
        if net <= 0.0:
            skipped.append((roof.name, "covered by skylights"))
            continue
        if roof.tilt_deg <= LOW_SLOPE_MAX_TILT_DEG:
            key = (RACK_ARRAY_TYPE, params["tilt_deg"], params["azimuth_deg"] % 360.0)
            coverage = params["ground_coverage_ratio"]
        else:
            away = _angle_between_deg(roof.azimuth_deg, params["azimuth_deg"] + 180.0)
            if away < AWAY_FACING_HALF_ANGLE_DEG:
                skipped.append(
                    (
                        roof.name,
                        f"pitched face ({roof.tilt_deg:.1f} deg) facing {roof.azimuth_deg:.0f} "
                        f"deg, turned away from azimuth_deg={params['azimuth_deg']:g}",
                    )
                )
                continue
            key = (FLUSH_ARRAY_TYPE, round(roof.tilt_deg, 1), round(roof.azimuth_deg, 1) % 360.0)
            coverage = 1.0
        group = groups.setdefault(key, {"surfaces": [], "roof": 0.0, "coverage": coverage})
        group["surfaces"].append(roof.name)
        group["roof"] += net
    arrays = []
    for (array_type, tilt, azimuth), group in groups.items():
        area = module_area_m2(group["roof"], params["roof_fraction"], group["coverage"])
        label = "racks" if array_type == RACK_ARRAY_TYPE else group["surfaces"][0]
        arrays.append(
            Array(
                name=f"Rooftop PV {label}",
                array_type=array_type,
                tilt_deg=float(tilt),
                azimuth_deg=float(azimuth),
                surfaces=tuple(group["surfaces"]),
                roof_area_m2=group["roof"],
                module_area_m2=area,
                capacity_kwp=capacity_kwp(area, params["module_efficiency"]),
            )
        )
    return RoofLayout(
        roof_area_m2=sum(r.total_area_m2 for r in roofs),
        arrays=tuple(arrays),
        skipped=tuple(skipped),
    )


@register
class RooftopPV(Measure):
    """PV on a fraction of the exterior roof (PVWatts v5; racks on flat roofs, flush on pitched).

    Quantities: ``pv_capacity_kwp`` [kWp, the cost basis], ``pv_module_area_m2`` [m2],
    ``roof_area_m2`` [m2, all exterior roofs, skylights included]. Details: the arrays (type,
    tilt, azimuth, surfaces, areas, kWp), the inverter's AC rating, the bare surfaces.
    """

    name = "rooftop_pv"
    objects = (
        "Generator:PVWatts, ElectricLoadCenter:Inverter:PVWatts, "
        "ElectricLoadCenter:Generators, ElectricLoadCenter:Distribution"
    )
    parameters = (
        Parameter(
            "roof_fraction",
            "share of the exterior roof area the arrays occupy (setbacks, plant, access excluded)",
            minimum=0.0,
            maximum=1.0,
            exclusive_minimum=True,
        ),
        Parameter(
            "module_efficiency",
            "module efficiency at STC (module rating / (module area x 1000 W/m2))",
            minimum=0.0,
            maximum=1.0,
            exclusive_minimum=True,
        ),
        Parameter(
            "ground_coverage_ratio",
            "module area / roof area under the rack rows (racks on low-slope roofs only)",
            minimum=0.0,
            maximum=1.0,
            exclusive_minimum=True,
        ),
        Parameter("tilt_deg", "rack tilt from horizontal [deg]", minimum=0.0, maximum=90.0),
        Parameter(
            "azimuth_deg",
            "direction the racks face, clockwise from true north [deg] (180 = south)",
            minimum=0.0,
            maximum=360.0,
        ),
        Parameter(
            "system_losses_fraction",
            "PVWatts system losses (soiling, shading, mismatch, wiring, LID, availability...)",
            minimum=0.0,
            maximum=1.0,
        ),
        Parameter(
            "dc_to_ac_ratio",
            "array DC rating / inverter AC rating",
            minimum=0.0,
            exclusive_minimum=True,
        ),
        Parameter(
            "inverter_efficiency",
            "nominal inverter efficiency",
            minimum=0.0,
            maximum=1.0,
            exclusive_minimum=True,
        ),
        Parameter(
            "module_type",
            "PVWatts v5 module class (temperature coefficient, anti-reflective glass)",
            kind="str",
            choices=MODULE_TYPES,
        ),
    )

    def check(self, idf, context: ApplyContext | None = None) -> Applicability:
        distributions = idf.idfobjects["ELECTRICLOADCENTER:DISTRIBUTION"]
        if distributions:
            names = ", ".join(repr(str(d.Name)) for d in distributions)
            return Applicability(
                False,
                f"the model already has an ElectricLoadCenter:Distribution ({names}): it models "
                "on-site generation already; add PV to that load center by hand",
            )
        if not model.exterior_surfaces(idf, "roof"):
            return Applicability(False, "no exterior roof surfaces in this model")
        layout = roof_layout(idf, self.params)
        if not layout.arrays:
            why = "; ".join(f"{name}: {reason}" for name, reason in layout.skipped)
            return Applicability(False, f"no exterior roof surface takes PV ({why})")
        if len(layout.arrays) > MAX_GENERATORS:
            return Applicability(
                False,
                f"the roofs need {len(layout.arrays)} arrays of different orientation; an "
                f"ElectricLoadCenter:Generators list holds {MAX_GENERATORS}",
            )
        return Applicability(True)

    def transform(self, idf, context: ApplyContext) -> MeasureResult:
        p = self.params
        layout = roof_layout(idf, p)
        if not layout.arrays:  # pragma: no cover - check() refuses such models
            raise InputError(f"measure {self.name}: no roof takes PV")
        names = []
        for array in layout.arrays:
            name = model.unique_name(idf, "Generator:PVWatts", array.name)
            names.append(name)
            idf.newidfobject(
                "GENERATOR:PVWATTS",
                Name=name,
                PVWatts_Version="5",
                DC_System_Capacity=array.capacity_kwp * 1000.0,
                Module_Type=p["module_type"],
                Array_Type=array.array_type,
                System_Losses=p["system_losses_fraction"],
                Array_Geometry_Type="TiltAzimuth",
                Tilt_Angle=array.tilt_deg,
                Azimuth_Angle=array.azimuth_deg,
                Ground_Coverage_Ratio=(
                    p["ground_coverage_ratio"] if array.array_type == RACK_ARRAY_TYPE else 1.0
                ),
            )
        inverter = model.unique_name(idf, "ElectricLoadCenter:Inverter:PVWatts", "Rooftop PV")
        idf.newidfobject(
            "ELECTRICLOADCENTER:INVERTER:PVWATTS",
            Name=inverter,
            DC_to_AC_Size_Ratio=p["dc_to_ac_ratio"],
            Inverter_Efficiency=p["inverter_efficiency"],
        )
        generators = model.unique_name(idf, "ElectricLoadCenter:Generators", "Rooftop PV")
        listing = idf.newidfobject("ELECTRICLOADCENTER:GENERATORS", Name=generators)
        for i, (name, array) in enumerate(zip(names, layout.arrays, strict=True), 1):
            listing[f"Generator_{i}_Name"] = name
            listing[f"Generator_{i}_Object_Type"] = "Generator:PVWatts"
            listing[f"Generator_{i}_Rated_Electric_Power_Output"] = array.capacity_kwp * 1000.0
        idf.newidfobject(
            "ELECTRICLOADCENTER:DISTRIBUTION",
            Name=model.unique_name(idf, "ElectricLoadCenter:Distribution", "Rooftop PV"),
            Generator_List_Name=generators,
            Generator_Operation_Scheme_Type="Baseload",
            Electrical_Buss_Type="DirectCurrentWithInverter",
            Inverter_Name=inverter,
        )

        kwp = layout.capacity_kwp
        notes = [f"{name}: no modules ({reason})" for name, reason in layout.skipped]
        if any(a.array_type == RACK_ARRAY_TYPE for a in layout.arrays):
            notes.append(
                "row-to-row shading of the racks is not simulated (PVWatts v5 uses the ground "
                "coverage ratio for trackers only); it is inside the system losses"
            )
        arrays = [dict(asdict(a), name=n) for a, n in zip(layout.arrays, names, strict=True)]
        return MeasureResult(
            model=idf,
            quantities={
                "pv_capacity_kwp": kwp,
                "pv_module_area_m2": layout.module_area_m2,
                "roof_area_m2": layout.roof_area_m2,
            },
            details={
                "arrays": arrays,
                "usable_roof_area_m2": sum(a.roof_area_m2 for a in layout.arrays),
                "inverter_ac_capacity_kw": kwp / p["dc_to_ac_ratio"],
                "low_slope_max_tilt_deg": LOW_SLOPE_MAX_TILT_DEG,
            },
            notes=notes,
        )
