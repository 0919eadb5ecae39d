"""The Measure API: parameters, catalogue, registry, applicability, user measures."""

import textwrap

import pytest

from retrofit.errors import InputError
from retrofit.idf import idf_to_text, load_idf
from retrofit.library import resolve_model
from retrofit.measures import (
    MEASURES,
    Applicability,
    Measure,
    MeasureResult,
    NotApplicable,
    Parameter,
    load_user_measure,
    make_measure,
)
from retrofit.measures.catalogue import load_catalogue

CATALOGUE = textwrap.dedent(
    """
    [test_people_density]
    title = "Scale occupant density (test measure)"
    applies_to = "People objects"

    [test_people_density.defaults.factor]
    value = 0.5
    source = "test"
    verified = true

    [test_people_density.defaults.note]
    value = "none"
    source = "test"
    verified = true

    [test_people_density.cost]
    basis = "people_objects"
    unit_cost_rmb = 100.0
    unit = "RMB/object"
    fixed_cost_rmb = 50.0
    source = "ASSUMPTION: test"
    verified = false

    [test_people_density.lifetime]
    years = 10
    source = "test"
    verified = true

    [scale_lights]
    title = "A user's measure with a catalogue entry"

    [scale_lights.cost]
    basis = "lights_objects"
    unit_cost_rmb = 10.0
    source = "test"
    verified = true

    [scale_lights.lifetime]
    years = 12
    source = "test"
    verified = true
    """
)


class PeopleDensity(Measure):
    """Scale every People object's number (a measure for testing the API)."""

    name = "test_people_density"
    objects = "People"
    parameters = (
        Parameter("factor", "multiplier", minimum=0.0, maximum=1.0, exclusive_minimum=True),
        Parameter("note", "free text", kind="str", optional=True),
    )

    def check(self, idf, context=None):
        if not idf.idfobjects["PEOPLE"]:
            return Applicability(False, "no People objects in this model")
        return Applicability(True)

    def transform(self, idf, context):
        people = idf.idfobjects["PEOPLE"]
        for p in people:  # the small office gives floor area per person
            p.Floor_Area_per_Person = float(p.Floor_Area_per_Person) / self.params["factor"]
        return MeasureResult(idf, {"people_objects": float(len(people))})


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    path = tmp_path_factory.mktemp("cat") / "mine.toml"
    path.write_text(CATALOGUE)
    return load_catalogue(path)


@pytest.fixture(scope="module")
def small_office():
    return load_idf(resolve_model("small-office"))


def test_defaults_come_from_the_catalogue(catalogue):
    measure = PeopleDensity(catalogue=catalogue)
    assert measure.params == {"factor": 0.5, "note": None}
    assert measure.lifetime_years == 10
    assert measure.assumptions() == [
        "test_people_density unit cost = 100.0 RMB/object (ASSUMPTION: test) [unverified]"
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"factor": -0.1}, r"parameter factor=-0.1: must be > 0"),
        ({"factor": 1.5}, r"parameter factor=1.5: must be <= 1"),
        ({"factor": "lots"}, r"parameter factor='lots': not a number"),
        ({"colour": "red"}, r"unknown parameter 'colour' \(parameters: factor, note\)"),
    ],
)
def test_invalid_parameters_name_the_parameter(catalogue, params, message):
    with pytest.raises(InputError, match=message):
        PeopleDensity(params, catalogue=catalogue)


def test_apply_returns_a_new_model_and_leaves_the_input(catalogue, small_office):
    before = idf_to_text(small_office)
    measure = PeopleDensity({"factor": "0.25"}, catalogue=catalogue)
    result = measure.apply(small_office)
    assert not any("factor" in line for line in measure.assumptions())
    assert idf_to_text(small_office) == before
    assert result.model is not small_office
    old = [float(p.Floor_Area_per_Person) for p in small_office.idfobjects["PEOPLE"]]
    new = [float(p.Floor_Area_per_Person) for p in result.model.idfobjects["PEOPLE"]]
    assert new == pytest.approx([v / 0.25 for v in old])
    assert result.quantities == {"people_objects": float(len(old))}
    # cost = unit cost x quantity + fixed
    assert measure.capex_rmb(result.quantities) == pytest.approx(100.0 * len(old) + 50.0)


def test_not_applicable_says_why(catalogue, small_office):
    from retrofit.measures.base import copy_model

    bare = copy_model(small_office)
    for p in list(bare.idfobjects["PEOPLE"]):
        bare.removeidfobject(p)
    with pytest.raises(NotApplicable, match="no People objects in this model"):
        PeopleDensity(catalogue=catalogue).apply(bare)


def test_unknown_measure_lists_known_ones():
    with pytest.raises(InputError, match=r"measure 'teleport': unknown \(known: "):
        make_measure("teleport")


def test_user_measure_from_a_file(tmp_path, catalogue, small_office):
    (tmp_path / "mine.py").write_text(
        textwrap.dedent(
            '''
            def scale_lights(idf, fraction=0.5):
                """Scale every Lights object's watts per area."""
                lights = idf.idfobjects["LIGHTS"]
                for light in lights:
                    if light.Watts_per_Floor_Area not in ("", None):
                        light.Watts_per_Floor_Area = float(light.Watts_per_Floor_Area) * fraction
                return {"lights_objects": len(lights)}
            '''
        )
    )
    measure = make_measure(
        "mine.py:scale_lights", {"fraction": 0.8}, catalogue=catalogue, base_dir=tmp_path
    )
    result = measure.apply(small_office)
    n = len(small_office.idfobjects["LIGHTS"])
    assert result.quantities == {"lights_objects": float(n)}
    assert measure.capex_rmb(result.quantities) == pytest.approx(10.0 * n)
    assert measure.lifetime_years == 12
    with pytest.raises(InputError, match=r"unknown parameter 'colour'"):
        make_measure("mine.py:scale_lights", {"colour": 1}, catalogue=catalogue, base_dir=tmp_path)
    with pytest.raises(InputError, match=r"has no function 'nothing'"):
        load_user_measure("mine.py:nothing", base_dir=tmp_path)
    with pytest.raises(InputError, match=r"missing.py: no such file"):
        load_user_measure("missing.py:f", base_dir=tmp_path)


def test_user_measure_without_catalogue_entry_needs_a_lifetime(tmp_path):
    (tmp_path / "other.py").write_text("def tweak(idf):\n    return None\n")
    with pytest.raises(InputError, match="no catalogue entry \\[tweak\\]; give lifetime_years"):
        load_user_measure("other.py:tweak", base_dir=tmp_path)
    measure = load_user_measure("other.py:tweak", {"lifetime_years": 8}, base_dir=tmp_path)
    assert measure.lifetime_years == 8


def test_catalogue_errors_name_file_and_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[x]\ntitle = "x"\n[x.cost]\nunit_cost_rmb = 1\nsource = "s"\nverified = true\n'
        '[x.lifetime]\nyears = 5\nsource = "s"\nverified = true\n'
    )
    with pytest.raises(InputError, match=r"bad.toml \[x\].cost: missing basis"):
        load_catalogue(bad)
    bad.write_text("[x\n")
    with pytest.raises(InputError, match=r"bad.toml: not valid TOML"):
        load_catalogue(bad)


def test_every_registered_measure_has_a_catalogue_entry():
    from retrofit.measures.catalogue import default_catalogue

    catalogue = default_catalogue()
    assert {"wall_insulation", "roof_insulation", "window_replacement", "led_lighting",
            "infiltration_reduction", "rooftop_pv"} <= set(MEASURES)  # fmt: skip
    for name, cls in MEASURES.items():
        entry = catalogue.entry(name)
        assert entry.lifetime_years.value > 0
        # every parameter has a catalogue default (possibly "none") with a source
        for parameter in cls.parameters:
            assert parameter.name in entry.defaults, f"{name}.{parameter.name}"
            assert entry.defaults[parameter.name].source
        cls()  # the defaults validate
