"""Weather edge: read and validate EPW and DDY files, find bundled and fetched weather, design days.

Everything that opens a weather file, or downloads one, is here; the arithmetic lives in
:mod:`retrofit.climate`. The EPW's columns are translated once, on reading, to glossary names
(:data:`EPW_COLUMNS`). Every bad input raises :class:`retrofit.errors.InputError` with a one-line
message naming the file (and the line, where there is one).

References
----------
.. [1] EnergyPlus 25.2 Auxiliary Programs, "Weather Converter Program", section "EnergyPlus Weather
   File (EPW) Data Dictionary": header records, the 35 data fields, their ranges and missing
   codes (``\\missing``: a value at or above it is missing).
.. [2] EnergyPlus 25.2 Input Output Reference / ``Energy+.idd``: ``SizingPeriod:DesignDay`` and
   ``Site:Location``.
.. [3] ASHRAE Handbook -- Fundamentals (2009-2021), Chapter 14 Climatic Design Information: the
   annual heating 99.6 % and cooling 0.4 % design conditions carried in the EPW header.
.. [4] Climate.OneBuilding.org: one zip per station holding the .epw, .ddy and .stat (among others).
"""

from __future__ import annotations

import csv
import importlib.resources
import io
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import numpy as np

from retrofit import climate
from retrofit.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

# --------------------------------------------------------------------------------------------
# EPW layout [1]
# --------------------------------------------------------------------------------------------

#: The eight EPW header records, in order [1]_.
EPW_HEADER_KEYWORDS = (
    "LOCATION",
    "DESIGN CONDITIONS",
    "TYPICAL/EXTREME PERIODS",
    "GROUND TEMPERATURES",
    "HOLIDAYS/DAYLIGHT SAVINGS",
    "COMMENTS 1",
    "COMMENTS 2",
    "DATA PERIODS",
)

#: Glossary names of the 35 EPW data fields, in file order [1]_. ``hour`` is 1..24, hour-ending
#: (hour 1 is 00:00-01:00), as in the EPW.
EPW_COLUMNS = (
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "data_source_flags",
    "dry_bulb_c",
    "dew_point_c",
    "relative_humidity_pct",
    "atmospheric_pressure_pa",
    "extraterrestrial_horizontal_wh_per_m2",
    "extraterrestrial_direct_normal_wh_per_m2",
    "horizontal_infrared_wh_per_m2",
    "global_horizontal_wh_per_m2",
    "direct_normal_wh_per_m2",
    "diffuse_horizontal_wh_per_m2",
    "global_horizontal_illuminance_lux",
    "direct_normal_illuminance_lux",
    "diffuse_horizontal_illuminance_lux",
    "zenith_luminance_cd_per_m2",
    "wind_direction_deg",
    "wind_speed_m_per_s",
    "total_sky_cover_tenths",
    "opaque_sky_cover_tenths",
    "visibility_km",
    "ceiling_height_m",
    "present_weather_observation",
    "present_weather_codes",
    "precipitable_water_mm",
    "aerosol_optical_depth",
    "snow_depth_cm",
    "days_since_last_snowfall",
    "albedo",
    "liquid_precipitation_depth_mm",
    "liquid_precipitation_quantity_h",
)

#: EPW columns kept as text.
EPW_TEXT_COLUMNS = ("data_source_flags", "present_weather_codes")

#: Header lines before the first data row.
EPW_HEADER_LINES = len(EPW_HEADER_KEYWORDS)

#: Data rows of an hourly EPW: 365 or 366 days of 24 hours.
EPW_ROWS_PER_YEAR = (8760, 8784)

#: Hours a day; the hour field runs 1..24.
HOURS_PER_DAY = 24


@dataclass(frozen=True)
class EpwCheck:
    """Valid range of one EPW data field, from the EPW data dictionary [1]_.

    Attributes
    ----------
    column : str
        Glossary column name.
    label : str
        Name used in error messages.
    unit : str
        Unit used in error messages.
    minimum, maximum : float or None
        Inclusive bounds (None: unbounded).
    missing : float or None
        The EPW missing code: a value at or above it means "missing" [1]_.
    """

    column: str
    label: str
    unit: str
    minimum: float | None
    maximum: float | None
    missing: float | None


#: Fields validated on reading: the ones EnergyPlus and this project use. A value outside the
#: range, or at the missing code, is an error (EnergyPlus would silently substitute one).
#: Ranges and missing codes: EPW data dictionary [1]_.
EPW_CHECKS = (
    EpwCheck("month", "month", "", 1, 12, None),
    EpwCheck("day", "day", "", 1, 31, None),
    EpwCheck("hour", "hour", "", 1, HOURS_PER_DAY, None),
    EpwCheck("dry_bulb_c", "dry-bulb", "°C", -70.0, 70.0, 99.9),
    EpwCheck("dew_point_c", "dew-point", "°C", -70.0, 70.0, 99.9),
    EpwCheck("relative_humidity_pct", "relative humidity", "%", 0.0, 110.0, 999.0),
    EpwCheck("atmospheric_pressure_pa", "pressure", "Pa", 31000.0, 120000.0, 999999.0),
    EpwCheck("global_horizontal_wh_per_m2", "global horizontal", "Wh/m2", 0.0, None, 9999.0),
    EpwCheck("direct_normal_wh_per_m2", "direct normal", "Wh/m2", 0.0, None, 9999.0),
    EpwCheck("diffuse_horizontal_wh_per_m2", "diffuse horizontal", "Wh/m2", 0.0, None, 9999.0),
    EpwCheck("wind_direction_deg", "wind direction", "deg", 0.0, 360.0, 999.0),
    EpwCheck("wind_speed_m_per_s", "wind speed", "m/s", 0.0, 40.0, 999.0),
)

#: Ranges of the LOCATION header fields [1]_ (elevation: the data dictionary's -1000..9999.9 m).
LOCATION_RANGES = {
    "latitude_deg": (-90.0, 90.0),
    "longitude_deg": (-180.0, 180.0),
    "time_zone_h": (-12.0, 14.0),
    "elevation_m": (-1000.0, 9999.9),
}


@dataclass(frozen=True)
class Location:
    """An EPW's LOCATION header record [1]_.

    Attributes
    ----------
    city, region, country : str
        Names as written in the file (region is the state or province code).
    source : str
        Data source (``TMY3``, ``SRC-TMYx``, ...).
    wmo : str
        WMO station number, as text.
    latitude_deg : float
        Latitude, north positive. [deg]
    longitude_deg : float
        Longitude, east positive. [deg]
    time_zone_h : float
        Time zone, hours from GMT. [h]
    elevation_m : float
        Elevation above sea level. [m]
    """

    city: str
    region: str
    country: str
    source: str
    wmo: str
    latitude_deg: float
    longitude_deg: float
    time_zone_h: float
    elevation_m: float


@dataclass
class Epw:
    """A read and validated EPW file.

    Attributes
    ----------
    path : pathlib.Path
        The file read.
    location : Location
        The LOCATION header.
    design_conditions : list of str
        The DESIGN CONDITIONS header fields after the keyword, raw (first: the number of design
        conditions, ``"0"`` when there are none).
    data : pandas.DataFrame or None
        One row an hour, the columns :data:`EPW_COLUMNS` (glossary names with units); None
        after a header-only read.
    """

    path: Path
    location: Location
    design_conditions: list[str]
    data: pd.DataFrame | None


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _read_text(path: Path, what: str) -> str:
    if not path.exists():
        raise InputError(f"{path}: no such {what}")
    if not path.is_file():
        raise InputError(f"{path}: is a directory, expected a {what}")
    try:
        return _decode(path.read_bytes())
    except OSError as exc:
        raise InputError(f"{path}: cannot read {what}: {exc.strerror or exc}") from exc


def _csv_fields(line: str) -> list[str]:
    return [field.strip() for field in next(csv.reader([line]))]


def _parse_float(path: Path, line_no: int, label: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{path} line {line_no}: {label} {text!r} is not a number") from None
    if not np.isfinite(value):
        raise InputError(f"{path} line {line_no}: {label} {text!r} is not a finite number")
    return value


def _parse_location(path: Path, line: str) -> Location:
    fields = _csv_fields(line)
    if len(fields) < 10:
        raise InputError(
            f"{path} line 1: LOCATION has {len(fields) - 1} fields, expected 9 "
            "(city, region, country, source, WMO, latitude, longitude, time zone, elevation)"
        )
    numbers = {}
    for name, text in zip(LOCATION_RANGES, fields[6:10], strict=True):
        value = _parse_float(path, 1, f"LOCATION {name}", text)
        low, high = LOCATION_RANGES[name]
        if not low <= value <= high:
            raise InputError(f"{path} line 1: LOCATION {name} {value:g} outside {low:g}..{high:g}")
        numbers[name] = value
    return Location(
        city=fields[1],
        region=fields[2],
        country=fields[3],
        source=fields[4],
        wmo=fields[5],
        **numbers,
    )


def _check_header(path: Path, lines: list[str]) -> None:
    for line_no, keyword in enumerate(EPW_HEADER_KEYWORDS, start=1):
        found = lines[line_no - 1].split(",", 1)[0].strip()
        if found.upper() != keyword:
            raise InputError(
                f"{path} line {line_no}: header record {found!r}, expected {keyword!r}"
            )
    data_periods = _csv_fields(lines[EPW_HEADER_LINES - 1])
    records_text = data_periods[2] if len(data_periods) > 2 else ""
    if records_text != "1":
        raise InputError(
            f"{path} line {EPW_HEADER_LINES}: DATA PERIODS gives {records_text!r} records per "
            "hour; only hourly EPW files (1) are supported"
        )


def _line_no(row_index: int) -> int:
    return EPW_HEADER_LINES + 1 + int(row_index)


def _check_field_counts(path: Path, data_lines: list[str]) -> None:
    counts = np.fromiter((line.count(",") + 1 for line in data_lines), int, len(data_lines))
    bad = np.flatnonzero(counts != len(EPW_COLUMNS))
    if bad.size:
        row = int(bad[0])
        raise InputError(
            f"{path} line {_line_no(row)}: {counts[row]} fields, expected {len(EPW_COLUMNS)}"
        )


def _to_numbers(path: Path, data: pd.DataFrame, checked: set[str]) -> None:
    """Make every non-text column numeric in place; name the first bad value."""
    import pandas as pd

    labels = {check.column: check.label for check in EPW_CHECKS}
    for column in EPW_COLUMNS:
        if column in EPW_TEXT_COLUMNS:
            continue
        series = data[column]
        if not pd.api.types.is_numeric_dtype(series):
            numbers = pd.to_numeric(series, errors="coerce")
            text = series.astype(str).str.strip()
            bad = numbers.isna() & series.notna() & (text != "")
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0])
                raise InputError(
                    f"{path} line {_line_no(row)}: {labels.get(column, column)} "
                    f"{text.iloc[row]!r} is not a number"
                )
            data[column] = numbers
        if column in checked and data[column].isna().any():
            row = int(np.flatnonzero(data[column].isna().to_numpy())[0])
            raise InputError(f"{path} line {_line_no(row)}: {labels[column]} is empty")


def _check_ranges(path: Path, data: pd.DataFrame) -> None:
    for check in EPW_CHECKS:
        values = data[check.column].to_numpy(dtype=float)
        bad = np.zeros(len(values), dtype=bool)
        if check.minimum is not None:
            bad |= values < check.minimum
        if check.maximum is not None:
            bad |= values > check.maximum
        if check.missing is not None:
            bad |= values >= check.missing
        rows = np.flatnonzero(bad)
        if not rows.size:
            continue
        row = int(rows[0])
        value = values[row]
        unit = f" {check.unit}" if check.unit else ""
        if check.maximum is None and check.missing is not None and value >= check.missing:
            problem = f"is the EPW missing-value code (>= {check.missing:g})"
        else:
            high = "" if check.maximum is None else f"{check.maximum:g}"
            problem = f"outside {check.minimum:g}..{high}"
            if check.missing is not None and value >= check.missing:
                problem += " (missing value?)"
        more = f"; {rows.size - 1} more such rows" if rows.size > 1 else ""
        raise InputError(
            f"{path} line {_line_no(row)}: {check.label} {value:g}{unit} {problem}{more}"
        )


def _check_calendar(path: Path, data: pd.DataFrame) -> None:
    """Rows must be whole days of consecutive hours 1..24, each (month, day) once."""
    import pandas as pd

    n_rows = len(data)
    hour = data["hour"].to_numpy(dtype=int)
    expected_hour = np.tile(np.arange(1, HOURS_PER_DAY + 1), n_rows // HOURS_PER_DAY)
    bad = np.flatnonzero(hour != expected_hour)
    if bad.size:
        row = int(bad[0])
        raise InputError(
            f"{path} line {_line_no(row)}: hour {hour[row]}, expected {expected_hour[row]} "
            "(rows must be consecutive hours 1..24)"
        )
    month = data["month"].to_numpy(dtype=int).reshape(-1, HOURS_PER_DAY)
    day = data["day"].to_numpy(dtype=int).reshape(-1, HOURS_PER_DAY)
    changes = (month != month[:, :1]) | (day != day[:, :1])
    if changes.any():
        row = int(np.flatnonzero(changes.ravel())[0])
        first = row - row % HOURS_PER_DAY
        raise InputError(
            f"{path} line {_line_no(row)}: date {month.flat[row]}/{day.flat[row]} changes "
            f"within the day that starts {month.flat[first]}/{day.flat[first]} on line "
            f"{_line_no(first)}"
        )
    dates = pd.DataFrame({"month": month[:, 0], "day": day[:, 0]})
    repeated = np.flatnonzero(dates.duplicated().to_numpy())
    if repeated.size:
        row = int(repeated[0]) * HOURS_PER_DAY
        raise InputError(
            f"{path} line {_line_no(row)}: date {month.flat[row]}/{day.flat[row]} appears twice"
        )


def read_epw(path: str | os.PathLike, *, header_only: bool = False) -> Epw:
    """Read and validate an hourly EPW weather file.

    Checks, each failure an :class:`~retrofit.errors.InputError` naming the file and line: the
    eight header records in order (:data:`EPW_HEADER_KEYWORDS`), one record an hour, 8760 or
    8784 data rows, 35 fields a row, numbers where numbers belong, the ranges and missing codes
    of :data:`EPW_CHECKS` [1]_ (a missing code such as dry-bulb 99.9 is reported, never used),
    and whole days of consecutive hours 1..24.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.epw`` file.
    header_only : bool
        Check and read the eight header records only (location and design conditions, all a
        model's preparation needs) and leave ``data`` None. A single run reads the header,
        starts EnergyPlus, then checks the data rows while the engine starts.

    Returns
    -------
    Epw
        Location, raw design conditions and the hourly data with glossary column names.

    Raises
    ------
    retrofit.errors.InputError
        If the file is missing or malformed; the message names the file and line.
    """
    path = Path(path)
    text = _read_text(path, "weather file")
    lines = text.splitlines()
    while lines and not lines[-1].strip(" \t\x1a"):
        lines.pop()
    if len(lines) < EPW_HEADER_LINES:
        raise InputError(
            f"{path}: {len(lines)} lines; an EPW has {EPW_HEADER_LINES} header lines, then "
            "8760 or 8784 data rows"
        )
    _check_header(path, lines)
    location = _parse_location(path, lines[0])
    design_conditions = _csv_fields(lines[1])[1:]
    if header_only:
        return Epw(path=path, location=location, design_conditions=design_conditions, data=None)
    data_lines = lines[EPW_HEADER_LINES:]
    blank = next((row for row, line in enumerate(data_lines) if not line.strip()), None)
    if blank is not None:
        raise InputError(f"{path} line {_line_no(blank)}: empty line among the data rows")
    if len(data_lines) not in EPW_ROWS_PER_YEAR:
        raise InputError(f"{path}: {len(data_lines)} data rows, expected 8760 or 8784")
    _check_field_counts(path, data_lines)
    import pandas as pd  # imported on use: a header-only read never loads it

    data = pd.read_csv(
        io.StringIO("\n".join(data_lines)),
        header=None,
        names=list(EPW_COLUMNS),
        dtype={column: str for column in EPW_TEXT_COLUMNS},
        skip_blank_lines=False,
    )
    _to_numbers(path, data, {check.column for check in EPW_CHECKS})
    _check_ranges(path, data)
    _check_calendar(path, data)
    for column in ("year", "month", "day", "hour", "minute"):
        if not data[column].isna().any():
            data[column] = data[column].astype(int)
    return Epw(path=path, location=location, design_conditions=design_conditions, data=data)


# --------------------------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------------------------

#: Month abbreviations for the summary table.
MONTH_ABBREVIATIONS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def summarize_weather(epw: Epw) -> dict:
    """Location and climate metrics of an EPW, as plain JSON-ready values.

    Degree-days follow GB 50176-2016 Section 2.1 (bases 18 °C and 26 °C) on daily means of the
    24 hourly dry-bulb values (:func:`retrofit.climate.daily_mean_dry_bulb_c`).

    Parameters
    ----------
    epw : Epw
        A weather file read by :func:`read_epw`.

    Returns
    -------
    dict
        ``path``, the :class:`Location` fields (``city``, ``region``, ``country``, ``source``,
        ``wmo``, ``latitude_deg``, ``longitude_deg``, ``time_zone_h``, ``elevation_m``),
        ``monthly_mean_dry_bulb_c`` (list of 12) [°C], ``annual_mean_dry_bulb_c`` (mean of the
        hourly values) [°C], ``hdd18_c_day`` and ``cdd26_c_day`` [°C·d], ``n_hours``.
    """
    data = epw.data
    daily_c = climate.daily_mean_dry_bulb_c(data["month"], data["day"], data["dry_bulb_c"])
    monthly_c = climate.monthly_mean_dry_bulb_c(data["month"], data["dry_bulb_c"])
    loc = epw.location
    return {
        "path": str(epw.path),
        "city": loc.city,
        "region": loc.region,
        "country": loc.country,
        "source": loc.source,
        "wmo": loc.wmo,
        "latitude_deg": loc.latitude_deg,
        "longitude_deg": loc.longitude_deg,
        "time_zone_h": loc.time_zone_h,
        "elevation_m": loc.elevation_m,
        "monthly_mean_dry_bulb_c": [float(v) for v in monthly_c],
        "annual_mean_dry_bulb_c": float(data["dry_bulb_c"].mean()),
        "hdd18_c_day": climate.heating_degree_days(daily_c, climate.HDD_BASE_C),
        "cdd26_c_day": climate.cooling_degree_days(daily_c, climate.CDD_BASE_C),
        "n_hours": len(data),
    }


def _hemisphere(value_deg: float, positive: str, negative: str) -> str:
    return f"{abs(value_deg):.3f}° {positive if value_deg >= 0 else negative}"


def format_weather_summary(summary: dict) -> str:
    """Readable multi-line text of :func:`summarize_weather`'s result, for the CLI to print.

    Parameters
    ----------
    summary : dict
        As returned by :func:`summarize_weather`.

    Returns
    -------
    str
        Location, coordinates, elevation, a 12-column table of monthly mean dry-bulb [°C], the
        annual mean and HDD18/CDD26 [°C·d]; no trailing newline.
    """
    column_width = 6
    months = "".join(f"{name:>{column_width}}" for name in MONTH_ABBREVIATIONS)
    means = "".join(f"{value:>{column_width}.1f}" for value in summary["monthly_mean_dry_bulb_c"])
    lines = [
        f"{summary['city']}, {summary['region']}, {summary['country']} "
        f"(WMO {summary['wmo']}, source {summary['source']})",
        f"  file       {summary['path']} ({summary['n_hours']} hours)",
        f"  latitude   {_hemisphere(summary['latitude_deg'], 'N', 'S')}, "
        f"longitude {_hemisphere(summary['longitude_deg'], 'E', 'W')}, "
        f"time zone GMT{summary['time_zone_h']:+g} h, elevation {summary['elevation_m']:g} m",
        "  monthly mean dry-bulb [°C]",
        f"  {months}",
        f"  {means}",
        f"  annual mean dry-bulb {summary['annual_mean_dry_bulb_c']:.1f} °C",
        f"  HDD18 {summary['hdd18_c_day']:.0f} °C·d, CDD26 {summary['cdd26_c_day']:.0f} °C·d "
        "(GB 50176-2016, daily means of hourly values)",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Finding weather files
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Station:
    """A weather station that ``retrofit weather fetch`` can download from [4]_.

    Attributes
    ----------
    wmo : str
        WMO station number.
    name : str
        File stem of the station's files (``<name>.epw``, ``.ddy``, ``.stat``).
    url_path : str
        Path of the station's zip under the site's base URL.
    """

    wmo: str
    name: str
    url_path: str


#: Base URL of Climate.OneBuilding.org [4]_.
DEFAULT_BASE_URL = "https://climate.onebuilding.org/"

#: Stations ``fetch_weather`` knows, by short name. Shanghai-Hongqiao TMYx (typical year from
#: NCEI ISD/ERA5, period of record 1956-2021 per its COMMENTS 1; design conditions from the 2021
#: ASHRAE Handbook) is the project's development weather (design.md).
STATIONS = {
    "shanghai": Station(
        wmo="583670",
        name="CHN_SH_Shanghai-Hongqiao.Intl.AP.583670_TMYx",
        url_path=(
            "WMO_Region_2_Asia/CHN_China/SH_Shanghai/"
            "CHN_SH_Shanghai-Hongqiao.Intl.AP.583670_TMYx.zip"
        ),
    ),
}

#: File types taken out of a station zip.
FETCHED_SUFFIXES = (".epw", ".ddy", ".stat")

#: Default folder of a project's weather files (relative to the working directory).
PROJECT_WEATHER_DIR = Path("weather")

#: Words of a TMY3 file's station part that end the city name (airport and site words), for
#: :func:`bundled_weather`'s short names.
_STATION_WORDS = frozenset(
    {"intl", "ap", "air", "airport", "terminal", "field", "afb", "muni", "county", "co", "rgnl"}
)


def _bundled_weather_dir() -> Path:
    return Path(str(importlib.resources.files("pyenergyplus") / "data" / "weather"))


def _short_name(stem: str) -> str:
    """``USA_OK_Oklahoma.City-Will.Rogers.World.AP.723530_TMY3`` -> ``oklahoma-city``."""
    parts = stem.split("_")
    site = parts[2] if len(parts) >= 4 else stem
    words = []
    for word in site.split("-", 1)[0].split("."):
        if word.lower() in _STATION_WORDS or word.isdigit():
            break
        words.append(word.lower())
    return "-".join(words) or stem.lower()


def bundled_weather() -> dict[str, Path]:
    """The TMY3 EPW files shipped in ``pyenergyplus-lbnl`` (``pyenergyplus/data/weather``).

    Short names are the city part of the file name, lower case, words joined by hyphens, up to
    the first airport word (``fresno``, ``oklahoma-city``, ``san-francisco``, ``chicago``,
    ``denver``, ``las-vegas``, ...). :func:`resolve_weather` also accepts the full file stem.

    Returns
    -------
    dict of str to pathlib.Path
        Short name to EPW path, sorted by name (empty if the package has no weather folder).
    """
    folder = _bundled_weather_dir()
    if not folder.is_dir():
        return {}
    found: dict[str, Path] = {}
    for epw_path in sorted(folder.glob("*.epw")):
        found.setdefault(_short_name(epw_path.stem), epw_path)
    return dict(sorted(found.items()))


def _station(name_or_wmo: str) -> Station | None:
    key = str(name_or_wmo).strip().lower()
    if key in STATIONS:
        return STATIONS[key]
    return next((s for s in STATIONS.values() if key.isdigit() and s.wmo == key), None)


def resolve_weather(
    name_or_path: str | os.PathLike, project_weather_dir: str | os.PathLike | None = None
) -> Path:
    """Turn a weather argument into an EPW path.

    In order: an existing file wins; else a bundled TMY3 name (short name or file stem, see
    :func:`bundled_weather`); else a fetchable station (``shanghai``, or its WMO number), looked
    up in the project's weather folder.

    Parameters
    ----------
    name_or_path : str or os.PathLike
        A path to an EPW, or a name.
    project_weather_dir : str or os.PathLike, optional
        Where fetched station files live; default :data:`PROJECT_WEATHER_DIR` (``weather/``).

    Returns
    -------
    pathlib.Path
        The EPW (not yet read; pass it to :func:`read_epw`).

    Raises
    ------
    retrofit.errors.InputError
        If the path does not exist, the station has not been fetched, or the name is unknown.
    """
    candidate = Path(name_or_path).expanduser()
    if candidate.is_file():
        return candidate
    key = str(name_or_path).strip().lower()
    bundled = bundled_weather()
    if key in bundled:
        return bundled[key]
    by_stem = {path.stem.lower(): path for path in bundled.values()}
    if key in by_stem:
        return by_stem[key]
    station = _station(key)
    if station is not None:
        folder = Path(project_weather_dir) if project_weather_dir else PROJECT_WEATHER_DIR
        epw_path = folder / f"{station.name}.epw"
        if epw_path.is_file():
            return epw_path
        short = next(name for name, s in STATIONS.items() if s is station)
        raise InputError(
            f"{epw_path}: no such weather file; run `retrofit weather fetch {short}` "
            f"(or copy {station.name}.epw/.ddy into {folder}/ by hand)"
        )
    if candidate.suffix.lower() == ".epw" or os.sep in key or "/" in key:
        raise InputError(f"{name_or_path}: no such weather file")
    names = sorted([*STATIONS, *bundled])
    raise InputError(
        f"{name_or_path}: unknown weather name; give an EPW path or one of: {', '.join(names)}"
    )


def find_ddy(epw_path: str | os.PathLike) -> Path | None:
    """The DDY beside an EPW (same folder, same stem), or None.

    Parameters
    ----------
    epw_path : str or os.PathLike
        The EPW.

    Returns
    -------
    pathlib.Path or None
        ``<stem>.ddy`` (or ``.DDY``) if it exists.
    """
    epw_path = Path(epw_path)
    for suffix in (".ddy", ".DDY"):
        ddy_path = epw_path.with_suffix(suffix)
        if ddy_path.is_file():
            return ddy_path
    return None


# --------------------------------------------------------------------------------------------
# DDY and design days [2], [3]
# --------------------------------------------------------------------------------------------

#: Name endings of the two annual design days used for sizing, as written by the EnergyPlus
#: weather converter in DDY files: heating 99.6 % dry-bulb and cooling 0.4 % dry-bulb with
#: mean coincident wet-bulb [3]_.
HEATING_DESIGN_DAY_SUFFIX = "Ann Htg 99.6% Condns DB"
COOLING_DESIGN_DAY_SUFFIX = "Ann Clg .4% Condns DB=>MWB"

#: Day of month of annual design days: the 21st, as in DDY files (ASHRAE clear-sky tables are
#: for the 21st of each month [3]_).
DESIGN_DAY_OF_MONTH = 21

#: Sky clearness of built design days (``ASHRAEClearSky``): 0 for heating (no sun, as DDY
#: files do) and 1.0 for cooling (a clear sky; the EPW header has no taub/taud).
HEATING_SKY_CLEARNESS = 0.0
COOLING_SKY_CLEARNESS = 1.0

#: Positions in the EPW DESIGN CONDITIONS header after the ``Heating`` / ``Cooling`` keywords,
#: in the ASHRAE 2009-2021 layout the EnergyPlus weather converter writes [1]_, [3]_.
HEATING_FIELDS = {
    "coldest_month": 0,
    "dry_bulb_996_c": 1,
    "wind_speed_996_m_per_s": 13,
    "wind_direction_996_deg": 14,
}
COOLING_FIELDS = {
    "hottest_month": 0,
    "hottest_month_dry_bulb_range_c": 1,
    "dry_bulb_004_c": 2,
    "wet_bulb_004_c": 3,
    "wind_speed_004_m_per_s": 14,
    "wind_direction_004_deg": 15,
}

#: Line of the DESIGN CONDITIONS record in an EPW.
DESIGN_CONDITIONS_LINE = 2

#: Fields of ``SizingPeriod:DesignDay`` after the object type, in EnergyPlus 25.2 IDD order [2]_.
DESIGN_DAY_FIELDS = (
    "Name",
    "Month",
    "Day of Month",
    "Day Type",
    "Maximum Dry-Bulb Temperature",
    "Daily Dry-Bulb Temperature Range",
    "Dry-Bulb Temperature Range Modifier Type",
    "Dry-Bulb Temperature Range Modifier Day Schedule Name",
    "Humidity Condition Type",
    "Wetbulb or DewPoint at Maximum Dry-Bulb",
    "Humidity Condition Day Schedule Name",
    "Humidity Ratio at Maximum Dry-Bulb",
    "Enthalpy at Maximum Dry-Bulb",
    "Daily Wet-Bulb Temperature Range",
    "Barometric Pressure",
    "Wind Speed",
    "Wind Direction",
    "Rain Indicator",
    "Snow Indicator",
    "Daylight Saving Time Indicator",
    "Solar Model Indicator",
    "Beam Solar Day Schedule Name",
    "Diffuse Solar Day Schedule Name",
    "ASHRAE Clear Sky Optical Depth for Beam Irradiance (taub)",
    "ASHRAE Clear Sky Optical Depth for Diffuse Irradiance (taud)",
    "Sky Clearness",
    "Maximum Number Warmup Days",
    "Begin Environment Reset Mode",
)


def read_ddy(path: str | os.PathLike) -> list[list[str]]:
    """Parse a DDY file (IDF syntax) into objects.

    ``!`` starts a comment to the end of the line; fields are separated by ``,`` and an object
    ends with ``;``.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.ddy`` file.

    Returns
    -------
    list of list of str
        Each object as ``[ObjectType, field1, field2, ...]``, fields stripped.

    Raises
    ------
    retrofit.errors.InputError
        If the file is missing, or its last object has no ``;``.
    """
    path = Path(path)
    text = _read_text(path, "DDY file")
    objects: list[list[str]] = []
    fields: list[str] = []
    field = ""
    start_line = 0
    for line_no, line in enumerate(text.splitlines(), start=1):
        for token in re.split(r"([,;])", line.split("!", 1)[0]):
            if token not in (",", ";"):
                if not fields and not field.strip() and token.strip():
                    start_line = line_no
                field += token
                continue
            fields.append(field.strip())
            field = ""
            if token == ";":
                if any(fields):
                    objects.append(fields)
                fields = []
    if fields or field.strip():
        object_type = fields[0] if fields else field.strip()
        raise InputError(
            f"{path} line {start_line}: object {object_type!r} is not terminated by ';'"
        )
    return objects


def _find_design_day(objects: list[list[str]], suffix: str) -> list[str] | None:
    wanted = suffix.lower()
    for obj in objects:
        if obj[0].lower() == "sizingperiod:designday" and len(obj) > 1:
            name = " ".join(obj[1].split()).lower()
            if name.endswith(wanted):
                return obj
    return None


def select_design_days(
    objects: list[list[str]], source: str | os.PathLike = "DDY"
) -> list[list[str]]:
    """The annual heating 99.6 % and cooling 0.4 % design days of a parsed DDY.

    Parameters
    ----------
    objects : list of list of str
        Objects from :func:`read_ddy`.
    source : str or os.PathLike, default "DDY"
        The file they came from, for the error message.

    Returns
    -------
    list of list of str
        ``[heating, cooling]``: the ``SizingPeriod:DesignDay`` objects whose names end in
        :data:`HEATING_DESIGN_DAY_SUFFIX` and :data:`COOLING_DESIGN_DAY_SUFFIX`.

    Raises
    ------
    retrofit.errors.InputError
        If either is missing.
    """
    selected = []
    for suffix in (HEATING_DESIGN_DAY_SUFFIX, COOLING_DESIGN_DAY_SUFFIX):
        found = _find_design_day(objects, suffix)
        if found is None:
            raise InputError(f"{source}: no SizingPeriod:DesignDay named '... {suffix}'")
        selected.append(found)
    return selected


def ddy_site_location(objects: list[list[str]]) -> list[str] | None:
    """The ``Site:Location`` object of a parsed DDY, or None if it has none.

    Parameters
    ----------
    objects : list of list of str
        Objects from :func:`read_ddy`.

    Returns
    -------
    list of str or None
        ``["Site:Location", name, latitude, longitude, time zone, elevation]`` as in the file.
    """
    return next((obj for obj in objects if obj[0].lower() == "site:location"), None)


def site_location_fields(location: Location) -> list[str]:
    """A ``Site:Location`` object for an EPW's location [2]_.

    Parameters
    ----------
    location : Location
        From :func:`read_epw`.

    Returns
    -------
    list of str
        ``["Site:Location", name, latitude_deg, longitude_deg, time_zone_h, elevation_m]``, the
        name ``<city>_<region>_<country>`` as DDY files write it.
    """
    name = "_".join(part for part in (location.city, location.region, location.country) if part)
    return [
        "Site:Location",
        name,
        f"{location.latitude_deg:g}",
        f"{location.longitude_deg:g}",
        f"{location.time_zone_h:g}",
        f"{location.elevation_m:g}",
    ]


def _design_section(epw: Epw, keyword: str, positions: dict[str, int]) -> dict[str, float]:
    fields = epw.design_conditions
    lowered = [field.lower() for field in fields]
    where = f"{epw.path} line {DESIGN_CONDITIONS_LINE}"
    if keyword.lower() not in lowered:
        raise InputError(f"{where}: DESIGN CONDITIONS has no {keyword} section")
    start = lowered.index(keyword.lower()) + 1
    values = {}
    for name, offset in positions.items():
        index = start + offset
        text = fields[index] if index < len(fields) else ""
        if not text:
            raise InputError(f"{where}: DESIGN CONDITIONS {keyword} field {offset + 1} is empty")
        values[name] = _parse_float(epw.path, DESIGN_CONDITIONS_LINE, f"{keyword} {name}", text)
    return values


def design_days_from_epw(epw: Epw) -> list[list[str]]:
    """Build the annual heating 99.6 % and cooling 0.4 % design days from the EPW header.

    For when no DDY is at hand. Reads the ASHRAE design conditions [3]_ the EPW header carries
    (``Heating``: coldest month, DB 99.6 %, ..., mean coincident wind speed and prevailing
    direction at DB 99.6 %; ``Cooling``: hottest month, its mean daily DB range, DB 0.4 %, mean
    coincident wet-bulb, ..., wind speed and direction at DB 0.4 %) and writes two
    ``SizingPeriod:DesignDay`` objects with all 28 fields in EnergyPlus 25.2 IDD order [2]_,
    named and filled as the EnergyPlus weather converter fills DDY files:

    - heating: coldest month, day 21, ``WinterDesignDay``, DB 99.6 %, range 0, wet-bulb = DB
      (saturated), the design wind; ``ASHRAEClearSky`` with clearness 0 (no sun).
    - cooling: hottest month, day 21, ``SummerDesignDay``, DB 0.4 % with its mean coincident
      wet-bulb, the hottest month's mean daily DB range, the design wind; ``ASHRAEClearSky``
      with clearness 1.0, because the EPW header does not carry the ASHRAE taub/taud.
    - barometric pressure: the standard atmosphere at the EPW's elevation
      (:func:`retrofit.climate.atmospheric_pressure_pa`).

    The cooling day differs from a DDY's: DDY files take the daily DB range coincident with the
    5 % design DB (8.6 K for Shanghai-Hongqiao in July, against the 6.9 K monthly mean range
    here), a wet-bulb range, and ``ASHRAETau2017`` with the month's taub/taud, none of which are
    in the EPW header. Prefer the DDY when there is one (:func:`design_days_for`).

    Parameters
    ----------
    epw : Epw
        A weather file read by :func:`read_epw`.

    Returns
    -------
    list of list of str
        ``[heating, cooling]``, each ``["SizingPeriod:DesignDay", name, month, day, ...]``.

    Raises
    ------
    retrofit.errors.InputError
        If the header has no design conditions (``DESIGN CONDITIONS,0``), or they are malformed.
    """
    conditions = epw.design_conditions
    if not conditions or conditions[0] in ("", "0"):
        raise InputError(
            f"{epw.path}: neither a DDY file beside it nor DESIGN CONDITIONS in its header; "
            "cannot make design days (put the station's .ddy next to the EPW)"
        )
    heating = _design_section(epw, "Heating", HEATING_FIELDS)
    cooling = _design_section(epw, "Cooling", COOLING_FIELDS)
    for name, month in (
        ("coldest month", heating["coldest_month"]),
        ("hottest month", cooling["hottest_month"]),
    ):
        if month not in climate.MONTHS:
            raise InputError(
                f"{epw.path} line {DESIGN_CONDITIONS_LINE}: {name} {month:g} is not 1..12"
            )
    pressure_pa = f"{climate.atmospheric_pressure_pa(epw.location.elevation_m):.0f}"
    common = {
        "Day of Month": f"{DESIGN_DAY_OF_MONTH}",
        "Dry-Bulb Temperature Range Modifier Type": "DefaultMultipliers",
        "Humidity Condition Type": "WetBulb",
        "Barometric Pressure": pressure_pa,
        "Rain Indicator": "No",
        "Snow Indicator": "No",
        "Daylight Saving Time Indicator": "No",
        "Solar Model Indicator": "ASHRAEClearSky",
    }
    heating_day = {
        **common,
        "Name": f"{epw.location.city} {HEATING_DESIGN_DAY_SUFFIX}",
        "Month": f"{heating['coldest_month']:.0f}",
        "Day Type": "WinterDesignDay",
        "Maximum Dry-Bulb Temperature": f"{heating['dry_bulb_996_c']:g}",
        "Daily Dry-Bulb Temperature Range": "0",
        "Wetbulb or DewPoint at Maximum Dry-Bulb": f"{heating['dry_bulb_996_c']:g}",
        "Wind Speed": f"{heating['wind_speed_996_m_per_s']:g}",
        "Wind Direction": f"{heating['wind_direction_996_deg']:g}",
        "Sky Clearness": f"{HEATING_SKY_CLEARNESS:g}",
    }
    cooling_day = {
        **common,
        "Name": f"{epw.location.city} {COOLING_DESIGN_DAY_SUFFIX}",
        "Month": f"{cooling['hottest_month']:.0f}",
        "Day Type": "SummerDesignDay",
        "Maximum Dry-Bulb Temperature": f"{cooling['dry_bulb_004_c']:g}",
        "Daily Dry-Bulb Temperature Range": f"{cooling['hottest_month_dry_bulb_range_c']:g}",
        "Wetbulb or DewPoint at Maximum Dry-Bulb": f"{cooling['wet_bulb_004_c']:g}",
        "Wind Speed": f"{cooling['wind_speed_004_m_per_s']:g}",
        "Wind Direction": f"{cooling['wind_direction_004_deg']:g}",
        "Sky Clearness": f"{COOLING_SKY_CLEARNESS:g}",
    }
    return [
        ["SizingPeriod:DesignDay", *(day.get(field, "") for field in DESIGN_DAY_FIELDS)]
        for day in (heating_day, cooling_day)
    ]


@dataclass(frozen=True)
class DesignDaySet:
    """What a model needs to be sized for a weather file's site.

    Attributes
    ----------
    site_location : list of str
        ``Site:Location`` object of the EPW (:func:`site_location_fields`).
    design_days : list of list of str
        ``[heating 99.6 %, cooling 0.4 %]`` ``SizingPeriod:DesignDay`` objects.
    source : str
        Where the design days came from: the DDY path, or ``"<epw> DESIGN CONDITIONS"``.
    """

    site_location: list[str]
    design_days: list[list[str]]
    source: str


def design_days_for(epw: Epw, ddy_path: str | os.PathLike | None = None) -> DesignDaySet:
    """Site location and annual design days for an EPW: from its DDY if any, else its header.

    Parameters
    ----------
    epw : Epw
        A weather file read by :func:`read_epw`.
    ddy_path : str or os.PathLike, optional
        The DDY to use; default :func:`find_ddy` beside the EPW.

    Returns
    -------
    DesignDaySet

    Raises
    ------
    retrofit.errors.InputError
        If a given DDY is missing or lacks a design day, or there is no DDY and the EPW header
        has no design conditions.
    """
    ddy = Path(ddy_path) if ddy_path is not None else find_ddy(epw.path)
    site_location = site_location_fields(epw.location)
    if ddy is not None:
        design_days = select_design_days(read_ddy(ddy), ddy)
        return DesignDaySet(site_location, design_days, str(ddy))
    return DesignDaySet(site_location, design_days_from_epw(epw), f"{epw.path} DESIGN CONDITIONS")


# --------------------------------------------------------------------------------------------
# Fetch [4]
# --------------------------------------------------------------------------------------------


def _download(url: str, timeout_s: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "retrofit-weather-fetch"})
    hint = "(offline? copy the files into weather/ by hand)"
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        reason = f"HTTP {exc.code} {exc.reason}"
    except urllib.error.URLError as exc:
        reason = str(exc.reason)
    except TimeoutError:
        reason = f"timed out after {timeout_s:g} s"
    except (OSError, HTTPException) as exc:
        reason = str(exc) or type(exc).__name__
    raise InputError(f"could not download {url}: {reason} {hint}")


def _extract(payload: bytes, url: str, into: Path) -> list[Path]:
    """Write the zip's .epw/.ddy/.stat members into ``into``, by base name only."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
    except zipfile.BadZipFile:
        raise InputError(f"{url}: the download is not a zip archive") from None
    written = []
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            base = PurePosixPath(info.filename.replace("\\", "/")).name
            if base in ("", ".", "..") or Path(base).suffix.lower() not in FETCHED_SUFFIXES:
                continue
            target = into / base
            with archive.open(info) as source, target.open("wb") as sink:
                shutil.copyfileobj(source, sink)
            written.append(target)
    return written


def fetch_weather(
    station: str,
    dest_dir: str | os.PathLike,
    *,
    base_url: str = DEFAULT_BASE_URL,
    timeout_s: float = 20.0,
) -> list[Path]:
    """Download a station's weather zip and keep its .epw, .ddy and .stat.

    Downloads ``<base_url><station.url_path>`` (:data:`STATIONS`), takes the members ending in
    :data:`FETCHED_SUFFIXES` by their base names only (no path in the zip can write outside
    ``dest_dir``), checks the EPW with :func:`read_epw`, then moves the files into ``dest_dir``
    (replacing files of the same name).

    Parameters
    ----------
    station : str
        A name in :data:`STATIONS` (``shanghai``) or its WMO number (``583670``).
    dest_dir : str or os.PathLike
        Folder to put the files in (created if needed); a project's ``weather/``.
    base_url : str, default :data:`DEFAULT_BASE_URL`
        The site's base URL.
    timeout_s : float, default 20.0
        Network timeout. [s]

    Returns
    -------
    list of pathlib.Path
        The files written, sorted.

    Raises
    ------
    retrofit.errors.InputError
        Unknown station; download failed (offline, HTTP error, timeout); not a zip; no EPW in
        the zip; or the EPW is invalid.
    """
    found = _station(station)
    if found is None:
        known = ", ".join(f"{name} ({s.wmo})" for name, s in STATIONS.items())
        raise InputError(f"{station}: unknown weather station; known: {known}")
    url = base_url.rstrip("/") + "/" + found.url_path
    payload = _download(url, timeout_s)
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest, prefix=".fetch-") as staging:
        extracted = _extract(payload, url, Path(staging))
        epw_files = [path for path in extracted if path.suffix.lower() == ".epw"]
        if not epw_files:
            raise InputError(f"{url}: the zip holds no .epw file")
        for epw_path in epw_files:
            try:
                read_epw(epw_path)
            except InputError as exc:
                raise InputError(f"{url}: downloaded EPW is invalid: {exc}") from None
        written = []
        for path in extracted:
            target = dest / path.name
            os.replace(path, target)
            written.append(target)
    return sorted(written)
