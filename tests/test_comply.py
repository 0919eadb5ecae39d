"""``retrofit comply`` end to end on the real engine: the DOE small office against its GB 50189-2015
reference building, on two summer weeks of Shanghai weather (the annual comparison is the same
code on a longer period)."""

import json
import subprocess
import sys
import textwrap

import pytest

from retrofit.compliance.comply import TRADEOFF_KEY, comply
from retrofit.idf import load_idf, write_idf
from retrofit.library import resolve_model
from retrofit.measures import ApplyContext, make_measure
from retrofit.runner import run_study

pytestmark = pytest.mark.energyplus

PERIOD = "07/01-07/14"

#: The JSON keys the issue names.
JSON_KEYS = (
    "saving_rate_hvac",
    "saving_rate_whole_building",
    "carbon_intensity_design_kgco2_per_m2",
    "carbon_intensity_reference_kgco2_per_m2",
    "verdicts",
    "checks",
)


@pytest.fixture(scope="module")
def small_office(tmp_path_factory, site_epw):
    out = tmp_path_factory.mktemp("comply-small-office")
    return comply("small-office", site_epw, period=PERIOD, out_dir=out, progress=False)


@pytest.fixture(scope="module")
def efficient_design(tmp_path_factory, site_epw):
    """The small office with a much better envelope, LED, rooftop PV and high-COP DX units."""
    folder = tmp_path_factory.mktemp("efficient")
    idf = load_idf(resolve_model("small-office"))
    context = ApplyContext(weather_path=site_epw)
    for name, params in (
        ("wall_insulation", {"thickness_m": 0.12}),
        ("roof_insulation", {"thickness_m": 0.15}),
        ("window_replacement", {"u_w_per_m2_k": 1.4, "shgc": 0.25}),
        ("led_lighting", {"target_lpd_w_per_m2": 5.0}),
        ("rooftop_pv", {"roof_fraction": 0.6}),
    ):
        idf = make_measure(name, params).apply(idf, context).model
    for coil in idf.idfobjects["COIL:COOLING:DX:SINGLESPEED"]:
        coil.Gross_Rated_Cooling_COP = 4.5  # a high-efficiency unit (test fixture, not a measure)
    path = write_idf(idf, folder / "efficient.idf")
    return comply(path, site_epw, period=PERIOD, out_dir=folder / "out", progress=False)


def test_outputs_and_json_keys(small_office):
    data = json.loads(open(small_office.files["json"]).read())
    for key in JSON_KEYS:
        assert key in data
    assert [v["key"] for v in data["verdicts"]] == [
        TRADEOFF_KEY,
        "gb55015-20",
        "huangpu-50",
        "nzeb-60",
    ]
    assert data["checks"] and all(
        {"clause", "item", "required", "actual", "passed"} <= set(c) for c in data["checks"]
    )
    html = open(small_office.files["html"]).read()
    assert "参照建筑" in html and "Verdicts" in html and "unverified" in html.lower()
    # the reference's inputs sit beside the design's
    assert small_office.inputs["envelope"] and small_office.inputs["equipment"] is not None


def test_the_reference_run_as_a_design_scores_zero(small_office, site_epw, tmp_path):
    again = comply(
        small_office.reference.idf_path,
        site_epw,
        period=PERIOD,
        out_dir=tmp_path / "again",
        progress=False,
    )
    for key in ("hvac", "whole_building", "comprehensive"):
        assert again.rates[key] == pytest.approx(0.0, abs=0.005), key
    # the reference meets every prescriptive limit it was built at
    failing = [(c.item, c.actual, c.required) for c in again.checks if c.passed is False]
    assert not failing


def test_a_much_better_design_scores_clearly_higher(small_office, efficient_design):
    base, good = small_office.rates, efficient_design.rates
    assert good["hvac"] > base["hvac"] + 0.10
    assert good["whole_building"] > base["whole_building"] + 0.20
    assert good["comprehensive"] > good["whole_building"] + 0.05  # PV deducted
    assert efficient_design.renewable_share > 0.05
    verdicts = {v.key: v for v in efficient_design.verdicts}
    assert verdicts["gb55015-20"].passed is True
    assert verdicts[TRADEOFF_KEY].passed is True
    assert (
        efficient_design.design.carbon_intensity_kgco2_per_m2
        < small_office.design.carbon_intensity_kgco2_per_m2
    )


def test_prescriptive_checks_fail_where_they_should(small_office, efficient_design):
    def failing(result):
        return {c.item.split(" (")[0] for c in result.checks if c.passed is False}

    base = failing(small_office)
    # the DOE small office: an uninsulated attic roof (K 5.08 > 0.40) and LPD 10.8 > 9
    assert any(item.startswith("roof") for item in base)
    assert any("lighting power density" in item for item in base)
    good = failing(efficient_design)
    assert not any(item.startswith("roof") for item in good)
    assert not any("lighting power density" in item for item in good)
    assert not any(item.startswith("window K") for item in good)


def test_cli_json_strict_and_bad_input(small_office, site_epw, tmp_path):
    cmd = [sys.executable, "-m", "retrofit.cli", "comply", "small-office", "--weather"]
    run = subprocess.run(
        [*cmd, str(site_epw), "--period", PERIOD, "--out", str(tmp_path / "cli"), "--json"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["saving_rate_whole_building"] == pytest.approx(
        small_office.rates["whole_building"], rel=1e-9
    )
    strict = subprocess.run(
        [*cmd, str(site_epw), "--period", PERIOD, "--out", str(tmp_path / "cli"), "--strict"],
        capture_output=True,
        text=True,
    )
    assert strict.returncode == 1 and "strict" in strict.stderr
    bad = subprocess.run(
        [*cmd, str(site_epw), "--building-type", "hospital"], capture_output=True, text=True
    )
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "hospital" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_a_study_reports_every_variant_against_the_reference(tmp_path, site_epw):
    study = tmp_path / "study.toml"
    study.write_text(
        textwrap.dedent(
            f"""
            schema_version = 1
            name = "towards-2016"
            reference = "gb50189-2015"
            [baseline]
            model = "small-office"
            weather = "{site_epw}"
            period = "07/15-07/17"
            building_type = "office"
            [[measures]]
            id = "led"
            measure = "led_lighting"
            params = {{ target_lpd_w_per_m2 = 5.0 }}
            [[measures]]
            id = "pv"
            measure = "rooftop_pv"
            [outputs]
            stacked = false
            """
        )
    )
    result = run_study(study, jobs=2, out_dir=tmp_path / "store", progress=False)
    rows = result.results.set_index("variant")
    assert "r00" in rows.index and rows.loc["r00", "kind"] == "reference"
    assert (rows["status"] == "ok").all(), rows[["status", "error"]]
    assert rows.loc["r00", "saving_rate_vs_reference"] == pytest.approx(0.0, abs=1e-12)
    # LED below the App. B 9 W/m2 and PV both move the building towards the reference
    base = rows.loc["b00", "saving_rate_comprehensive_vs_reference"]
    assert rows.loc["m01", "saving_rate_comprehensive_vs_reference"] > base
    assert rows.loc["m02", "saving_rate_comprehensive_vs_reference"] > base
    assert "meets_gb55015_20" in rows.columns
    # the reference is not a measure: not ranked
    assert "r00" not in set(result.ranking.get("variant", []))
