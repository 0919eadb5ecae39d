"""Shanghai archetypes: bundled prototypes rebuilt with Shanghai vintages from TOML recipes.

A recipe (``models/shanghai-*.toml``, installed as ``retrofit.archetypes_data``) names a bundled
prototype (:data:`retrofit.library.BUNDLED_MODELS`), a GB 55015-2021 App. C building type and
three vintages (``pre-2005``, ``2005``: GB 50189-2005, ``2016``: GB 50189-2015). Each vintage
value carries its source key of ``shared/docs/standards.md`` and a ``verified`` flag. Archetype
names are ``<recipe>-<vintage without dash>``, e.g. ``shanghai-office-2005``.

:func:`build_archetype` applies a vintage with the existing editors (no re-implementation):
opaque U with :func:`retrofit.compliance.envelope.reference_opaque` (imported on
purpose) under a rule set whose wall and roof limits are the vintage's; windows with the
``window_replacement`` measure; the calculation parameters and LPD with
:func:`retrofit.compliance.parameters.apply_calculation_parameters`; chiller/DX COP and
boiler/furnace efficiency on the fields of the uncertainty drivers' maps.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from retrofit import __version__

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from retrofit.compliance.rules import BUILDING_TYPES, OpaqueLimit, Sourced, load_rule_set
from retrofit.errors import InputError

#: Package holding the recipes (``models/`` at the repository top).
RECIPE_PACKAGE = "retrofit.archetypes_data"

#: Vintage keys in a recipe -> the suffix of the archetype name.
VINTAGES = {"pre-2005": "pre2005", "2005": "2005", "2016": "2016"}

#: Values every vintage gives -> unit.
VALUE_UNITS = {
    "wall_u_w_per_m2_k": "W/(m2.K)",
    "roof_u_w_per_m2_k": "W/(m2.K)",
    "window_u_w_per_m2_k": "W/(m2.K)",
    "window_shgc": "-",
    "lighting_w_per_m2": "W/m2",
    "cooling_cop_w_per_w": "W/W",
    "heating_efficiency": "-",
}

#: Fractions among the values: strictly between 0 and 1 (EnergyPlus IDD).
FRACTIONS = ("window_shgc", "heating_efficiency")

#: Recipe cooling / heating plant -> eppy keys and fields set (the drivers' field maps).
COOLING_PLANTS = ("chiller", "dx")
HEATING_PLANTS = ("boiler", "furnace")

_TOP_KEYS = {"schema_version", "prototype", "building_type", "cooling", "heating", "description"}
_VALUE_KEYS = {"value", "source", "verified", "tag", "clause", "note"}
SCHEMA_VERSION = 1

#: Cache sub-folder of :func:`retrofit.engine.cache_dir`.
CACHE_SUBDIR = "archetypes"


@dataclass(frozen=True)
class Vintage:
    """One vintage of a recipe: label and the values by key of :data:`VALUE_UNITS`."""

    key: str
    label: str
    values: dict[str, Sourced]


@dataclass(frozen=True)
class Recipe:
    """One archetype recipe file."""

    name: str  # file stem, e.g. "shanghai-office"
    path: str
    text: str
    prototype: str
    building_type: str
    cooling: str
    heating: str
    description: str
    vintages: dict[str, Vintage]


def _recipe_files() -> dict[str, Any]:
    folder = resources.files(RECIPE_PACKAGE)
    return {
        f.name.removesuffix(".toml"): f
        for f in sorted(folder.iterdir(), key=lambda f: f.name)
        if f.name.endswith(".toml")
    }


def parse_recipe(text: str, name: str, path: str = "<text>") -> Recipe:
    """Validate a recipe's TOML text.

    Raises
    ------
    InputError
        One line naming the file and the key.
    """
    from retrofit.library import BUNDLED_MODELS

    def bad(key: str, message: str) -> InputError:
        return InputError(f"{path}: {key}: {message}")

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from exc
    unknown = sorted(set(data) - _TOP_KEYS - {"vintages"})
    if unknown:
        raise bad(unknown[0], f"unknown key (keys: {', '.join(sorted(_TOP_KEYS))}, vintages)")
    for key in sorted(_TOP_KEYS - {"description"}):
        if key not in data:
            raise bad(key, "missing")
    if data["schema_version"] != SCHEMA_VERSION:
        raise bad("schema_version", f"{data['schema_version']!r}: expected {SCHEMA_VERSION}")
    choices = {
        "prototype": tuple(BUNDLED_MODELS),
        "building_type": BUILDING_TYPES,
        "cooling": COOLING_PLANTS,
        "heating": HEATING_PLANTS,
    }
    for key, allowed in choices.items():
        if data[key] not in allowed:
            shown = ", ".join(allowed[:8])
            raise bad(key, f"{data[key]!r} is not one of {shown}")
    vintages_node = data.get("vintages")
    if not isinstance(vintages_node, dict):
        raise bad("vintages", "missing (a table of pre-2005, 2005, 2016)")
    for key in sorted(set(vintages_node) - set(VINTAGES)):
        raise bad(f"vintages.{key}", f"unknown vintage (vintages: {', '.join(VINTAGES)})")
    vintages = {}
    for vkey in VINTAGES:
        where = f"vintages.{vkey}"
        node = vintages_node.get(vkey)
        if not isinstance(node, dict):
            raise bad(where, "missing")
        for key in sorted(set(node) - set(VALUE_UNITS) - {"label"}):
            raise bad(f"{where}.{key}", f"unknown key (values: {', '.join(VALUE_UNITS)})")
        values = {}
        for key, unit in VALUE_UNITS.items():
            values[key] = _sourced(node.get(key), f"{where}.{key}", unit, key in FRACTIONS, bad)
        vintages[vkey] = Vintage(vkey, str(node.get("label", vkey)), values)
    return Recipe(
        name=name,
        path=path,
        text=text,
        prototype=data["prototype"],
        building_type=data["building_type"],
        cooling=data["cooling"],
        heating=data["heating"],
        description=str(data.get("description", "")),
        vintages=vintages,
    )


def _sourced(node: Any, key: str, unit: str, fraction: bool, bad) -> Sourced:
    if node is None:
        raise bad(key, "missing")
    if not isinstance(node, dict):
        raise bad(key, "give a table {value, source, verified, note}")
    unknown = sorted(set(node) - _VALUE_KEYS)
    if unknown:
        raise bad(f"{key}.{unknown[0]}", f"unknown key (keys: {', '.join(sorted(_VALUE_KEYS))})")
    for field in ("value", "source", "verified"):
        if field not in node:
            raise bad(f"{key}.{field}", "missing")
    value = node["value"]
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise bad(f"{key}.value", f"{value!r}: must be a number > 0")
    if fraction and not value < 1:
        raise bad(f"{key}.value", f"{value!r}: must be < 1")
    if not isinstance(node["verified"], bool):
        raise bad(f"{key}.verified", "must be true or false")
    return Sourced(
        value=float(value),
        unit=unit,
        source=str(node["source"]),
        clause=str(node.get("clause", "")),
        verified=node["verified"],
        note=str(node.get("note", "")),
        tag=str(node.get("tag", "")),
    )


@cache
def recipes() -> dict[str, Recipe]:
    """Every bundled recipe, validated, by file stem."""
    return {
        name: parse_recipe(f.read_text(encoding="utf-8"), name, f"models/{f.name}")
        for name, f in _recipe_files().items()
    }


def archetype_names() -> list[str]:
    """Names of every archetype, e.g. ``shanghai-office-pre2005``, recipe by recipe."""
    return [f"{r}-{suffix}" for r in recipes() for suffix in VINTAGES.values()]


def archetype(name: str) -> tuple[Recipe, Vintage]:
    """The recipe and vintage of an archetype name.

    Raises
    ------
    InputError
        Not an archetype name.
    """
    for recipe_name, recipe in recipes().items():
        for vkey, suffix in VINTAGES.items():
            if name == f"{recipe_name}-{suffix}":
                return recipe, recipe.vintages[vkey]
    raise InputError(f"archetype {name!r}: unknown (archetypes: {', '.join(archetype_names())})")


def archetype_path(name: str) -> Path:
    """Where :func:`build_archetype` writes ``name``: the cache folder, with a hash of the
    recipe text, the prototype file and the retrofit version in the file name."""
    from retrofit.engine import cache_dir
    from retrofit.library import resolve_model

    recipe, _ = archetype(name)
    digest = hashlib.sha256()
    digest.update(recipe.text.encode())
    digest.update(resolve_model(recipe.prototype).read_bytes())
    digest.update(__version__.encode())
    return cache_dir() / CACHE_SUBDIR / f"{name}-{digest.hexdigest()[:12]}.idf"


def build_archetype(name: str) -> Path:
    """The archetype's IDF, built once and cached (atomic write).

    Parameters
    ----------
    name : str
        An archetype name (:func:`archetype_names`).

    Returns
    -------
    Path
        The cached IDF (see :func:`archetype_path`).
    """
    from retrofit.idf import idf_to_text, load_idf
    from retrofit.library import resolve_model

    path = archetype_path(name)
    if path.exists():
        return path
    recipe, vintage = archetype(name)
    idf = load_idf(resolve_model(recipe.prototype))
    apply_vintage(idf, recipe, vintage)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(idf_to_text(idf))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def apply_vintage(idf, recipe: Recipe, vintage: Vintage) -> list[str]:
    """Edit ``idf`` in place to a recipe's vintage; the notes of the editors.

    Order: opaque envelope, windows, calculation parameters with the vintage LPD, plant.
    """
    from retrofit.compliance.envelope import ReferenceEnvelope, reference_opaque
    from retrofit.compliance.parameters import apply_calculation_parameters
    from retrofit.measures.base import ApplyContext
    from retrofit.measures.envelope import WindowReplacement

    v = vintage.values
    rules = load_rule_set()
    envelope = dataclasses.replace(
        rules.envelope,
        wall=OpaqueLimit("wall", light=v["wall_u_w_per_m2_k"]),
        roof=OpaqueLimit("roof", light=v["roof_u_w_per_m2_k"]),
    )
    result = ReferenceEnvelope()
    reference_opaque(idf, dataclasses.replace(rules, envelope=envelope), result)
    notes = list(result.notes)
    window = WindowReplacement(
        {"u_w_per_m2_k": v["window_u_w_per_m2_k"].value, "shgc": v["window_shgc"].value}
    )
    notes += window.apply(idf, ApplyContext(), inplace=True).notes
    changes = apply_calculation_parameters(
        idf,
        rules.parameters[recipe.building_type],
        lighting_w_per_m2=v["lighting_w_per_m2"].value,
    )
    notes += changes.notes
    notes += _set_plant(idf, recipe, v)
    return notes


def _set_plant(idf, recipe: Recipe, values: dict[str, Sourced]) -> list[str]:
    """Set the cooling COP and heating efficiency on the uncertainty drivers' fields."""
    from retrofit.uncertainty.inputs import (
        BOILER_EFFICIENCY_FIELDS,
        CHILLER_COP_FIELDS,
        DX_COOLING_COP_FIELDS,
        FURNACE_EFFICIENCY_FIELDS,
    )

    cooling = {"chiller": CHILLER_COP_FIELDS, "dx": DX_COOLING_COP_FIELDS}[recipe.cooling]
    heating = {"boiler": BOILER_EFFICIENCY_FIELDS, "furnace": FURNACE_EFFICIENCY_FIELDS}[
        recipe.heating
    ]
    notes = []
    for fields, key in ((cooling, "cooling_cop_w_per_w"), (heating, "heating_efficiency")):
        done = 0
        for object_key, names in fields.items():
            for obj in idf.idfobjects[object_key]:
                for field in names:
                    if field in obj.fieldnames:
                        obj[field] = values[key].value
                        done += 1
        if not done:
            raise InputError(
                f"{recipe.path}: {recipe.cooling if key.startswith('cooling') else recipe.heating}"
                f": prototype {recipe.prototype!r} has no such plant for {key}"
            )
        notes.append(f"{key} = {values[key].value:g} on {done} fields")
    return notes
