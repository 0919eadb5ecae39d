"""Shanghai archetypes: recipes validate, names resolve, vintages land in the model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from numpy.testing import assert_allclose

from retrofit import envelope, model
from retrofit.archetypes import (
    VALUE_UNITS,
    VINTAGES,
    archetype_names,
    build_archetype,
    parse_recipe,
    recipes,
)
from retrofit.compliance.envelope import _read_layers, component, read_envelope
from retrofit.errors import InputError
from retrofit.idf import load_idf
from retrofit.library import resolve_model

#: Tolerance on a U read back from the layers: the editors hit the limit to U_MATCH_RTOL.
U_RTOL = 1e-4
#: EnergyPlus's Envelope Summary prints U to 3 decimals.
REPORT_U_ATOL = 1e-3


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    """A private cache folder, so the test builds afresh."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_every_recipe_validates_and_names_are_listed():
    assert set(recipes()) == {"shanghai-office", "shanghai-hotel", "shanghai-mall"}
    for recipe in recipes().values():
        assert set(recipe.vintages) == set(VINTAGES)
        for vintage in recipe.vintages.values():
            assert set(vintage.values) == set(VALUE_UNITS)
            pre = vintage.key == "pre-2005"
            for value in vintage.values.values():
                assert value.source
                if pre:  # assumptions: no public-building envelope code before 2005
                    assert not value.verified
    names = archetype_names()
    assert "shanghai-office-2005" in names and "shanghai-mall-pre2005" in names
    assert len(names) == 9


def _text(name: str) -> str:
    return (Path(__file__).parents[1] / "models" / f"{name}.toml").read_text()


def test_unknown_key_is_one_clear_error():
    text = _text("shanghai-office").replace("[vintages.2005]\n", "[vintages.2005]\ncolour = 1\n")
    with pytest.raises(InputError, match=r"^x\.toml: vintages\.2005\.colour: unknown key"):
        parse_recipe(text, "x", "x.toml")


def test_missing_vintage_value_is_one_clear_error():
    lines = _text("shanghai-hotel").splitlines()
    start = lines.index("[vintages.2016]")
    del lines[start + 1 + [x.split()[0] for x in lines[start + 1 :]].index("roof_u_w_per_m2_k")]
    with pytest.raises(InputError, match=r"^h\.toml: vintages\.2016\.roof_u_w_per_m2_k: missing"):
        parse_recipe("\n".join(lines), "h", "h.toml")


def _exterior_u(idf, kind: str) -> set[float]:
    """U with films of the constructions of every outdoor surface of ``kind`` [W/(m2 K)]."""
    values = set()
    for s in model.surfaces(idf):
        if s.boundary != "outdoors" or component(s.tilt_deg) != kind:
            continue
        layers = _read_layers(idf, model.construction(idf, s.construction))
        inside, outside = envelope.film_resistances_m2k_per_w(kind, outdoors=True)
        u = envelope.u_value_w_per_m2_k(
            [x.resistance_m2k_per_w for _, _, x in layers], inside, outside
        )
        values.add(round(u, 6))
    return values


def test_office_2005_has_wall_u_1_and_lpd_11_and_cache_is_reused(cache_home):
    path = build_archetype("shanghai-office-2005")
    assert path.is_relative_to(cache_home / "retrofit" / "archetypes")
    idf = load_idf(path)
    walls = _exterior_u(idf, "wall")
    assert_allclose(sorted(walls), [1.0] * len(walls), rtol=U_RTOL)  # GB 50189-2005, fsled [S]
    roofs = _exterior_u(idf, "roof")
    assert_allclose(sorted(roofs), [0.70] * len(roofs), rtol=U_RTOL)
    lights = idf.idfobjects["LIGHTS"]
    assert lights
    assert {float(x.Watts_per_Floor_Area) for x in lights} == {11.0}  # GB 50034-2004 office
    chiller_cops = {
        float(c.Reference_COP) for c in idf.idfobjects["CHILLER:ELECTRIC:REFORMULATEDEIR"]
    }
    chiller_cops |= {float(c.Reference_COP) for c in idf.idfobjects["CHILLER:ELECTRIC:EIR"]}
    assert chiller_cops == {5.10}
    mtime = path.stat().st_mtime_ns
    assert build_archetype("shanghai-office-2005") == path
    assert path.stat().st_mtime_ns == mtime  # not rebuilt
    assert resolve_model("shanghai-office-2005") == path


def test_models_lists_archetypes(cache_home, capsys):
    from retrofit.cli import main

    assert main(["models", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_name = {r["name"]: r for r in rows}
    assert by_name["shanghai-office-2005"]["prototype"] == "large-office"
    assert by_name["shanghai-mall-2016"]["vintage"] == "2016"
    assert "small-office" in by_name  # the bundled list stays


@pytest.mark.energyplus
def test_simulate_office_2016_design_days(site_epw, tmp_path, cache_home):
    out = tmp_path / "run"
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from retrofit.cli import run; run()",
            "simulate",
            "shanghai-office-2016",
            "--weather",
            str(site_epw),
            "--period",
            "design-days",
            "--out",
            str(out),
            "--json",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    err = next(out.rglob("eplusout.err")).read_text()
    assert "** Severe  **" not in err
    sql = next(out.rglob("eplusout.sql"))
    idf = load_idf(resolve_model("shanghai-office-2016"))
    opaque, windows = read_envelope(sql, idf)
    walls = [r.u_w_per_m2_k for r in opaque if r.outdoors and component(r.tilt_deg) == "wall"]
    assert walls
    assert_allclose(walls, [0.60] * len(walls), atol=REPORT_U_ATOL)  # GB 50189-2015 Table 3.3.1-4
    assert json.loads(proc.stdout)
