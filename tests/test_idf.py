"""The model edge: scanning, version checks, run periods, preparation."""

import hashlib

import pytest

from retrofit.errors import InputError
from retrofit.idf import (
    check_model_text,
    idf_from_text,
    idf_to_text,
    load_idf,
    parse_period,
    prepare_model,
    scan_objects,
)
from retrofit.library import resolve_model

DESIGN_DAYS = [
    [
        "SizingPeriod:DesignDay",
        "Site Htg 99.6%",
        "1",
        "21",
        "WinterDesignDay",
        "-2.5",
        "0",
        "",
        "",
        "WetBulb",
        "-2.5",
        "",
        "",
        "",
        "",
        "101229",
        "3.3",
        "0",
        "No",
        "No",
        "No",
        "ASHRAEClearSky",
        "",
        "",
        "",
        "",
        "0",
    ],
    [
        "SizingPeriod:DesignDay",
        "Site Clg .4%",
        "7",
        "21",
        "SummerDesignDay",
        "36.1",
        "6.9",
        "",
        "",
        "WetBulb",
        "27.2",
        "",
        "",
        "",
        "",
        "101229",
        "3.9",
        "240",
        "No",
        "No",
        "No",
        "ASHRAEClearSky",
        "",
        "",
        "",
        "",
        "1",
    ],
]
LOCATION = ["Site:Location", "Test site", "31.2", "121.34", "8", "3"]


def test_scan_objects_strips_comments_and_splits_fields():
    text = "Version,25.2;  ! the version\nZone,\n  Core,  !- Name\n  0;  !- North\n"
    assert scan_objects(text) == [["Version", "25.2"], ["Zone", "Core", "0"]]


def test_check_model_text_refuses_other_versions(tmp_path):
    with pytest.raises(InputError, match=r"old.idf: model is EnergyPlus 9.6, the engine is 25.2"):
        check_model_text("Version,9.6;\nZone,Core;", tmp_path / "old.idf")


def test_check_model_text_refuses_non_idf(tmp_path):
    with pytest.raises(InputError, match=r"notes.txt: not an EnergyPlus IDF \(no Version"):
        check_model_text("Dear auditor, here are the bills.", tmp_path / "notes.txt")


def test_load_idf_missing_and_binary(tmp_path):
    with pytest.raises(InputError, match=r"nope.idf: no such file"):
        load_idf(tmp_path / "nope.idf")
    blob = tmp_path / "blob.idf"
    blob.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(InputError, match=r"blob.idf: binary file"):
        load_idf(blob)


@pytest.mark.parametrize(
    ("text", "label", "months"),
    [
        ("annual", "annual", (1, 1, 12, 31)),
        ("design-days", "design-days", None),
        ("07/15-07/21", "07/15-07/21", (7, 15, 7, 21)),
        ("1/1-1/7", "01/01-01/07", (1, 1, 1, 7)),
    ],
)
def test_parse_period(text, label, months):
    period = parse_period(text)
    assert period.label == label
    if months:
        assert (period.begin_month, period.begin_day, period.end_month, period.end_day) == months


@pytest.mark.parametrize("text", ["weekly", "02/30-03/01", "07/21-07/15", "13/01-13/02"])
def test_parse_period_rejects(text):
    with pytest.raises(InputError, match="--period"):
        parse_period(text)


def test_prepare_model_sets_site_period_and_outputs_without_touching_input():
    path = resolve_model("small-office")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    idf = load_idf(path)
    prepare_model(
        idf,
        period=parse_period("07/15-07/21"),
        location_fields=LOCATION,
        design_days=DESIGN_DAYS,
        country="CHN",
    )
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    control = idf.idfobjects["SIMULATIONCONTROL"][0]
    assert control.Run_Simulation_for_Weather_File_Run_Periods == "Yes"
    assert control.Run_Simulation_for_Sizing_Periods == "No"
    (run,) = idf.idfobjects["RUNPERIOD"]
    assert (run.Begin_Month, run.Begin_Day_of_Month, run.End_Month, run.End_Day_of_Month) == (
        7,
        15,
        7,
        21,
    )
    (site,) = idf.idfobjects["SITE:LOCATION"]
    assert site.Name == "Test site" and float(site.Time_Zone) == 8.0
    names = [d.Name for d in idf.idfobjects["SIZINGPERIOD:DESIGNDAY"]]
    assert names == ["Site Htg 99.6%", "Site Clg .4%"]
    assert not idf.idfobjects["RUNPERIODCONTROL:DAYLIGHTSAVINGTIME"]
    assert not idf.idfobjects["OUTPUT:VARIABLE"]
    meters = {(m.Key_Name, m.Reporting_Frequency) for m in idf.idfobjects["OUTPUT:METER"]}
    assert ("Electricity:Facility", "Hourly") in meters
    assert ("NaturalGas:Facility", "Monthly") in meters
    # no district energy or generators in the small office: those meters are not requested
    assert not any(key.startswith(("District", "ElectricityProduced")) for key, _ in meters)
    assert idf.idfobjects["OUTPUT:SQLITE"][0].Option_Type == "SimpleAndTabular"


def test_idf_text_round_trip():
    idf = load_idf(resolve_model("small-office"))
    text = idf_to_text(idf)
    again = idf_from_text(text)
    assert idf_to_text(again) == text
    assert len(scan_objects(text)) == sum(len(v) for v in idf.idfobjects.values())


def test_parsed_idd_cache_is_written_then_used(tmp_path):
    """A cold cache parses the IDD and writes it; the next process loads the same model from it."""
    import os
    import subprocess
    import sys

    script = (
        "from retrofit.idf import load_idf, idf_to_text\n"
        "from retrofit.library import resolve_model\n"
        "print(len(idf_to_text(load_idf(resolve_model('small-office')))))\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    cold = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert cold.returncode == 0, cold.stderr
    caches = list((tmp_path / "retrofit").glob("eppy-idd-25.2-*.pickle"))
    assert len(caches) == 1 and caches[0].stat().st_size > 1_000_000
    warm = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert warm.returncode == 0, warm.stderr
    assert warm.stdout == cold.stdout
