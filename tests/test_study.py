"""The study file: strict schema, every error at once, paths relative to the file."""

import textwrap

import pytest

from retrofit.errors import InputError
from retrofit.study import StudyError, load_study

GOOD = """
schema_version = 1
name = "t"
[baseline]
model = "small-office"
weather = "fresno"
period = "design-days"
[[measures]]
id = "wall"
measure = "wall_insulation"
params = { thickness_m = 0.05 }
[[measures]]
measure = "led_lighting"
[[packages]]
name = "both"
measures = ["wall", "led_lighting"]
"""


def write(tmp_path, text, name="study.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_good_study_loads_with_defaults(tmp_path):
    study = load_study(write(tmp_path, GOOD))
    assert study.name == "t"
    assert [m.key for m in study.spec.measures] == ["wall", "led_lighting"]
    assert study.spec.economics.discount_rate == 0.06
    assert study.spec.economics.unmet_hours_limit == 300.0
    assert study.spec.baseline.sizing == "baseline"
    assert study.spec.outputs.stacked


def test_schema_errors_all_at_once_with_keys(tmp_path):
    bad = GOOD.replace('period = "design-days"', 'period = "design-days"\ncolour = "red"')
    bad = bad.replace("schema_version = 1", "schema_version = 1\n[economics]\ndiscount_rate = 1.5")
    with pytest.raises(StudyError) as info:
        load_study(write(tmp_path, bad))
    errors = info.value.errors
    assert any("baseline.colour: unknown key" in e for e in errors), errors
    assert any("economics.discount_rate" in e for e in errors), errors
    assert all(e.startswith(str(tmp_path / "study.toml")) for e in errors)


def test_semantic_errors_all_at_once(tmp_path):
    bad = GOOD.replace('"small-office"', '"nope.idf"').replace('"fresno"', '"mars.epw"')
    bad = bad.replace("thickness_m = 0.05", "thickness_m = -1")
    bad = bad.replace('measure = "led_lighting"', 'measure = "teleport"')
    bad = bad.replace('["wall", "led_lighting"]', '["wall", "roof"]')
    with pytest.raises(StudyError) as info:
        load_study(write(tmp_path, bad))
    text = "\n".join(info.value.errors)
    assert "baseline.model" in text and "nope.idf: no such file" in text
    assert "baseline.weather" in text and "mars.epw" in text
    assert "measures[0]: measure wall_insulation: parameter thickness_m=-1: must be > 0" in text
    assert "measures[1]: measure 'teleport': unknown" in text
    assert "packages[0].measures: 'roof' is not a declared measure id" in text
    assert len(info.value.errors) == 5


def test_paths_are_relative_to_the_study_file(tmp_path):
    sub = tmp_path / "project"
    sub.mkdir()
    from retrofit.library import resolve_model

    (sub / "mine.idf").write_text(resolve_model("small-office").read_text())
    study = load_study(write(sub, GOOD.replace('"small-office"', '"mine.idf"')))
    assert study.resolve("mine.idf") == str(sub / "mine.idf")


def test_missing_and_unparsable_files(tmp_path):
    with pytest.raises(InputError, match="no such study file"):
        load_study(tmp_path / "none.toml")
    with pytest.raises(StudyError, match="not valid TOML"):
        load_study(write(tmp_path, "name = [", "broken.toml"))
    with pytest.raises(StudyError, match="schema_version"):
        load_study(write(tmp_path, GOOD.replace("schema_version = 1", "schema_version = 7")))


def test_examples_are_valid(monkeypatch):
    """The shipped example studies validate (Shanghai weather where present)."""
    from pathlib import Path

    from conftest import shanghai_path

    examples = Path(__file__).resolve().parents[1] / "examples"
    for path in sorted(examples.glob("*.toml")):
        if shanghai_path() is None:
            pytest.skip("Shanghai weather not present")
        monkeypatch.chdir(Path(__file__).resolve().parents[1])
        if not Path("weather", "CHN_SH_Shanghai-Hongqiao.Intl.AP.583670_TMYx.epw").is_file():
            pytest.skip("Shanghai weather not in weather/")
        assert load_study(path).name == path.stem
