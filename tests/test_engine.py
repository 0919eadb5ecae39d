"""The engine edge: version, error-file parsing, failures with their excerpt."""

import pytest

from retrofit.engine import energyplus_binary, energyplus_major_minor, parse_err, run_energyplus
from retrofit.errors import SimulationError

ERR_OK = """Program Version,EnergyPlus, Version 25.2.0-cf7368216c, YMD=2026.11.26 08:10,
   ** Warning ** Check input. Pump nominal power or motor efficiency is set to 0, for pump=SWH PUMP
   ** Warning ** Output:Meter: invalid Key Name="DISTRICTCOOLING:FACILITY" - not found.
   **   ~~~   ** Occurs in the Output:Meter object.
   ************* EnergyPlus Warmup Error Summary. During Warmup: 0 Warning; 0 Severe Errors.
   ************* EnergyPlus Completed Successfully-- 5 Warning; 0 Severe Errors; Elapsed Time=1s
"""

ERR_FATAL = """Program Version,EnergyPlus, Version 25.2.0-cf7368216c,
   ** Severe  ** <root>[Zone][Core] - Missing required property 'x_origin'.
   ** Severe  ** Unknown object type FOO:BAR
   **   ~~~   ** line 12
   **  Fatal  ** Errors occurred on processing input file. Preceding condition(s) cause termination.
   ************* EnergyPlus Terminated--Fatal Error Detected. 0 Warning; 2 Severe Errors; Elapsed
"""


def test_parse_err_counts_and_continuations():
    summary = parse_err(ERR_OK)
    # two printed warnings, but the closing line counts five: the closing total wins
    assert summary.warnings == 5
    assert summary.severe == 0 and summary.fatal == 0
    assert summary.completed
    assert summary.messages[1].endswith("Occurs in the Output:Meter object.")
    assert summary.excerpt() == ""


def test_parse_err_fatal_excerpt():
    summary = parse_err(ERR_FATAL)
    assert (summary.warnings, summary.severe, summary.fatal) == (0, 2, 1)
    assert not summary.completed
    lines = summary.excerpt().splitlines()
    assert lines[0].startswith("Severe: <root>[Zone][Core]")
    assert lines[1] == "Severe: Unknown object type FOO:BAR line 12"
    assert lines[2].startswith("Fatal: Errors occurred")


@pytest.mark.energyplus
def test_engine_version_is_25_2():
    assert energyplus_binary().is_file()
    assert energyplus_major_minor() == "25.2"


@pytest.mark.energyplus
def test_failed_run_raises_with_excerpt(tmp_path):
    bad = tmp_path / "bad.idf"
    bad.write_text("Version,25.2;\nZone,Core,NotANumber;\nFoo:Bar,1;\n")
    with pytest.raises(SimulationError) as info:
        run_energyplus(bad, None, tmp_path / "run")
    assert "bad.idf: EnergyPlus failed" in str(info.value)
    assert "Severe" in info.value.excerpt
    assert "\n" not in str(info.value)


@pytest.mark.energyplus
def test_timeout_kills_the_run(tmp_path):
    """An annual run given one second is stopped, and says so."""
    import time

    from retrofit.idf import load_idf, parse_period, set_run_period, write_idf
    from retrofit.library import resolve_model
    from retrofit.weather import resolve_weather

    idf = load_idf(resolve_model("small-office"))
    set_run_period(idf, parse_period("annual"))
    model = write_idf(idf, tmp_path / "in.idf")
    start = time.perf_counter()
    with pytest.raises(SimulationError, match=r"timed out after 1 s"):
        run_energyplus(model, resolve_weather("fresno"), tmp_path / "run", timeout_s=1.0)
    assert time.perf_counter() - start < 10
