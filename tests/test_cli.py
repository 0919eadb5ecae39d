"""The command line: output, JSON, and a one-line error with the right exit code per bad input."""

import json
import subprocess
import sys

import pytest
from conftest import REQUIRED_KEYS

from retrofit.library import resolve_model
from retrofit.weather import resolve_weather


def run(*args, cwd=None):
    """Run ``retrofit ARGS`` in a fresh interpreter, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "retrofit.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )


def assert_one_line_error(proc, code, *fragments):
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    first = proc.stderr.strip().splitlines()[0]
    assert first.startswith("retrofit: error: ")
    for fragment in fragments:
        assert fragment in first, first


@pytest.fixture(scope="module")
def fresno_epw():
    return resolve_weather("fresno")


def broken_epw(tmp_path, name, transform):
    lines = resolve_weather("fresno").read_text().splitlines()
    path = tmp_path / name
    path.write_text("\n".join(transform(lines)) + "\n")
    return path


# ----------------------------------------------------------------- bad input: exit 2, one line


def test_missing_model_path(tmp_path, fresno_epw):
    proc = run("simulate", tmp_path / "nope.idf", "--weather", fresno_epw)
    assert_one_line_error(proc, 2, "nope.idf", "no such file")


def test_unknown_model_name(fresno_epw):
    proc = run("simulate", "skyscraper", "--weather", fresno_epw)
    assert_one_line_error(proc, 2, "skyscraper", "retrofit models")


def test_file_that_is_not_an_idf(tmp_path, fresno_epw):
    notes = tmp_path / "notes.idf"
    notes.write_text("Meeting notes: replace the boilers.\n")
    proc = run("simulate", notes, "--weather", fresno_epw)
    assert_one_line_error(proc, 2, "notes.idf", "not an EnergyPlus IDF")


def test_idf_of_another_version(tmp_path, fresno_epw):
    old = tmp_path / "old.idf"
    text = resolve_model("small-office").read_text()
    old.write_text(
        text.replace("Version,25.2;", "Version,9.6;", 1).replace(
            "    25.2;                     !- Version Identifier", "    9.6;", 1
        )
    )
    proc = run("simulate", old, "--weather", fresno_epw)
    assert_one_line_error(proc, 2, "old.idf", "EnergyPlus 9.6", "engine is 25.2", "Transition")


def test_epw_with_missing_rows(tmp_path):
    epw = broken_epw(tmp_path, "short.epw", lambda lines: lines[:-30])
    proc = run("simulate", "small-office", "--weather", epw, "--period", "design-days")
    assert_one_line_error(proc, 2, "short.epw", "8730 data rows")


def test_epw_with_broken_header(tmp_path):
    epw = broken_epw(tmp_path, "header.epw", lambda lines: [lines[0]] + lines[2:])
    proc = run("simulate", "small-office", "--weather", epw, "--period", "design-days")
    assert_one_line_error(proc, 2, "header.epw")


def test_missing_weather_and_bad_period(tmp_path, fresno_epw):
    proc = run("simulate", "small-office", "--weather", tmp_path / "nowhere.epw")
    assert_one_line_error(proc, 2, "nowhere.epw", "no such weather file")
    proc = run("simulate", "small-office", "--weather", fresno_epw, "--period", "summer")
    assert_one_line_error(proc, 2, "--period 'summer'")


@pytest.mark.energyplus
def test_unknown_emission_set(tmp_path, fresno_epw):
    proc = run(
        "simulate",
        "small-office",
        "--weather",
        fresno_epw,
        "--period",
        "design-days",
        "--emissions",
        "mars-2030",
        "--out",
        tmp_path / "run",
    )
    assert_one_line_error(proc, 2, "mars-2030", "shanghai-2022")


# ------------------------------------------------------------ failed simulation: exit 1, excerpt


@pytest.mark.energyplus
def test_model_on_which_energyplus_fails(tmp_path, fresno_epw):
    text = resolve_model("small-office").read_text()
    broken = tmp_path / "broken.idf"
    # surfaces made of a construction that no longer exists: EnergyPlus stops, severe errors
    broken.write_text(text.replace("Attic Non-res Floor,", "No Such Construction,", 1))
    proc = run(
        "simulate",
        broken,
        "--weather",
        fresno_epw,
        "--period",
        "design-days",
        "--out",
        tmp_path / "run",
    )
    assert_one_line_error(proc, 1, "broken.idf", "EnergyPlus failed", "severe")
    # the excerpt names the surfaces whose construction is now missing
    assert 'invalid Construction Name="ATTIC NON-RES FLOOR"' in proc.stderr
    assert (tmp_path / "run" / "eplusout.err").is_file()


def test_debug_shows_the_traceback(tmp_path, fresno_epw):
    proc = run("--debug", "simulate", tmp_path / "nope.idf", "--weather", fresno_epw)
    assert proc.returncode != 0
    assert "Traceback" in proc.stderr


# ----------------------------------------------------------------------------- good output


@pytest.mark.energyplus
def test_simulate_json(tmp_path, site_epw):
    proc = run(
        "simulate",
        "small-office",
        "--weather",
        site_epw,
        "--period",
        "design-days",
        "--out",
        tmp_path / "run",
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert REQUIRED_KEYS <= set(summary)
    factor = summary["emission_factors"]
    expected = (
        summary["electricity_kwh"] * factor["electricity_kgco2_per_kwh"]
        + summary["natural_gas_m3"] * factor["natural_gas_kgco2_per_m3"]
    ) / 1000
    assert summary["emissions_tco2"] == pytest.approx(expected, rel=1e-9)
    assert summary["eui_kwh_per_m2"] == pytest.approx(
        summary["site_energy_kwh"] / summary["floor_area_m2"], rel=1e-9
    )
    assert (tmp_path / "run" / "eplusout.sql").is_file()


@pytest.mark.energyplus
def test_simulate_table(tmp_path, site_epw):
    proc = run(
        "simulate",
        "small-office",
        "--weather",
        site_epw,
        "--period",
        "01/10-01/12",
        "--out",
        tmp_path / "run",
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for label in (
        "end use [kWh]",
        "heating",
        "interior lighting",
        "site energy",
        "tCO2",
        "RMB",
        "unmet hours",
        "assumptions",
    ):
        assert label in out, label


def test_models_lists_bundled_prototypes():
    proc = run("models", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = {row["name"]: row for row in json.loads(proc.stdout)}
    assert rows["small-office"]["floor_area_m2"] == pytest.approx(511.2, abs=0.1)
    assert rows["large-office"]["heating"] == "gas boiler x1"
    assert "water-cooled chiller" in rows["large-office"]["cooling"]
    assert "large-hotel-2019" in rows
    text = run("models").stdout
    assert "medium-office" in text and "packaged DX" in text


def test_weather_summary(fresno_epw):
    proc = run("weather", "fresno", "--json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert round(summary["hdd18_c_day"]) == 1275
    assert round(summary["cdd26_c_day"]) == 195
    text = run("weather", fresno_epw).stdout
    assert "HDD18 1275" in text


def test_weather_fetch_offline_is_one_line(tmp_path, monkeypatch):
    # the real fetch is tested against a loopback server in test_weather.py; here the CLI's
    # error path: nothing listens on this port
    from retrofit import cli

    monkeypatch.setattr("retrofit.weather.DEFAULT_BASE_URL", "http://127.0.0.1:9/")
    code = cli.main(["weather", "fetch", "shanghai", "--dest", str(tmp_path), "--timeout", "2"])
    assert code == 2


# ------------------------------------------------------------------------------- measures


def test_measures_lists_parameters_costs_and_lifetimes():
    proc = run("measures", "--json")
    assert proc.returncode == 0, proc.stderr
    listing = {item["name"]: item for item in json.loads(proc.stdout)}
    assert {"wall_insulation", "roof_insulation", "window_replacement", "led_lighting",
            "infiltration_reduction", "rooftop_pv"} <= set(listing)  # fmt: skip
    wall = listing["wall_insulation"]
    params = {p["name"]: p for p in wall["parameters"]}
    assert params["thickness_m"]["default"] == pytest.approx(0.08)
    assert params["thickness_m"]["source"]
    assert wall["cost"]["basis"] == "wall_area_m2"
    assert wall["lifetime_years"] == 25
    text = run("measures", "rooftop_pv").stdout
    assert "--param roof_fraction=" in text and "lifetime" in text and "[unverified]" in text


def test_apply_writes_the_new_model(tmp_path):
    out = tmp_path / "mo-wall.idf"
    proc = run(
        "apply", "small-office", "wall_insulation", "--param", "thickness_m=0.1",
        "--out", out, "--json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["parameters"]["thickness_m"] == 0.1
    area = summary["quantities"]["wall_area_m2"]
    assert area == pytest.approx(221.83, abs=0.05)  # EnergyPlus's net wall area, small office
    assert summary["capex_rmb"] == pytest.approx(250.0 * area)  # catalogue unit cost x area
    text = out.read_text()
    assert "Version," in text and "+ 100 mm insulation" in text


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--param", "thickness_m=-0.05"], ["thickness_m", "must be > 0"]),
        (["--param", "colour=red"], ["unknown parameter 'colour'"]),
        (["--param", "thickness_m"], ["--param 'thickness_m'", "NAME=VALUE"]),
    ],
)
def test_apply_bad_parameters(tmp_path, args, fragments):
    proc = run("apply", "small-office", "wall_insulation", *args, "--out", tmp_path / "x.idf")
    assert_one_line_error(proc, 2, *fragments)
    assert not (tmp_path / "x.idf").exists()


def test_apply_unknown_and_not_applicable(tmp_path):
    proc = run("apply", "small-office", "teleport", "--out", tmp_path / "x.idf")
    assert_one_line_error(proc, 2, "teleport", "unknown")
    # the 2019 medium office is already below the default 8 W/m2
    proc = run("apply", "medium-office-2019", "led_lighting", "--out", tmp_path / "x.idf")
    assert_one_line_error(proc, 2, "does not apply", "8 W/m2")


@pytest.mark.energyplus
def test_apply_with_weather_sizes_the_replacement(tmp_path, site_epw):
    """--weather sizes the baseline first: the new chillers keep the installed capacity."""
    out = tmp_path / "lo-chiller.idf"
    proc = run(
        "apply", "large-office", "chiller_upgrade", "--weather", site_epw, "--out", out, "--json"
    )
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["quantities"]["chillers_replaced"] == 2
    capacity_kw = summary["quantities"]["chiller_capacity_kw"]
    import sqlite3

    sizing_sql = out.with_suffix(".sizing") / "eplusout.sql"
    sized_w = (
        sqlite3.connect(sizing_sql)
        .execute(
            "SELECT SUM(Value) FROM ComponentSizes WHERE CompType LIKE 'Chiller:%' "
            "AND Description = 'Design Size Reference Capacity'"
        )
        .fetchone()[0]
    )
    assert capacity_kw == pytest.approx(sized_w / 1000, rel=1e-6)
