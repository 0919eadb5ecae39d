"""The model edge: read, check, prepare and write EnergyPlus IDF models (eppy, the engine's IDD).

Preparing a model for a run (:func:`prepare_model`) sets, on a fresh in-memory copy, everything a
comparable run needs: the run period, weather-file runs switched on, the site and design days of
the weather, and a slim set of outputs (SQLite plus the meters and tables
:mod:`retrofit.results` reads). The input file is never written to.
"""

from __future__ import annotations

import functools
import gc
import io
import os
import pickle
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from retrofit.engine import _file_key, cache_dir, energyplus_major_minor, idd_path
from retrofit.errors import InputError

#: Output objects dropped from every prepared model: the prototypes request hundreds of
#: variables, surface reports and monthly tables that nothing here reads. Dropping them and
#: keeping SQLite plus the needed meters cut an annual medium office from 18.1 s to 16.4 s
#: (design.md, "Ground truths").
DROPPED_OUTPUT_OBJECTS = (
    "Output:Variable",
    "Output:Meter",
    "Output:Meter:MeterFileOnly",
    "Output:Meter:Cumulative",
    "Output:Meter:Cumulative:MeterFileOnly",
    "Output:Table:Monthly",
    "Output:Table:Annual",
    "Output:Table:TimeBins",
    "Output:Table:SummaryReports",
    "Output:Surfaces:List",
    "Output:Surfaces:Drawing",
    "Output:Schedules",
    "Output:Constructions",
    "Output:VariableDictionary",
    "Output:EnergyManagementSystem",
    "Output:DebuggingData",
    "Output:SQLite",
    "OutputControl:Table:Style",
    "OutputControl:Files",
    "OutputControl:ReportingTolerances",
    # EnergyPlus's own (US) utility tariffs: retrofit costs energy with its own tables, and a
    # gas tariff left on an all-electric variant only earns "missing meter" warnings.
    "UtilityCost:Tariff",
    "UtilityCost:Qualify",
    "UtilityCost:Charge:Simple",
    "UtilityCost:Charge:Block",
    "UtilityCost:Ratchet",
    "UtilityCost:Variable",
    "UtilityCost:Computation",
)

#: Object types (or type prefixes) whose presence means on-site generation: a model with them
#: gets the produced / purchased / surplus-sold electricity meters.
GENERATION_SOURCES = ("Generator:", "ElectricLoadCenter:Distribution")

#: Meters requested hourly and monthly (EnergyPlus 25.2 meter names; :mod:`retrofit.results`
#: translates them to glossary names), each with the object types whose presence makes the meter
#: exist. A meter is requested only when the model can have it, so a prepared model earns no
#: "invalid Key Name" warnings of ours. ``None``: always requested. With on-site generation,
#: ``Electricity:Facility`` stays the building's consumption; ``ElectricityProduced`` is the
#: generators' output after the inverter, ``ElectricityPurchased`` what the grid supplies and
#: ``ElectricitySurplusSold`` what is exported.
METER_SOURCES = {
    "Electricity:Facility": None,
    "NaturalGas:Facility": ("NaturalGas",),
    "DistrictHeatingWater:Facility": ("DistrictHeating:Water", "ZoneHVAC:IdealLoadsAirSystem"),
    "DistrictHeatingSteam:Facility": ("DistrictHeating:Steam",),
    "DistrictCooling:Facility": ("DistrictCooling", "ZoneHVAC:IdealLoadsAirSystem"),
    "ElectricityProduced:Facility": GENERATION_SOURCES,
    "ElectricityPurchased:Facility": GENERATION_SOURCES,
    "ElectricitySurplusSold:Facility": GENERATION_SOURCES,
}

#: Tabular reports written to SQLite. ABUPS (end uses, floor areas), demand end uses (peak
#: electric demand), SystemSummary (unmet hours), the envelope, equipment, lighting and sizing
#: reports that measures, hard-sizing and the compliance checks read.
REQUESTED_REPORTS = (
    "AnnualBuildingUtilityPerformanceSummary",
    "InputVerificationandResultsSummary",
    "DemandEndUseComponentsSummary",
    "SystemSummary",
    "EnvelopeSummary",
    "EquipmentSummary",
    "LightingSummary",
    "ComponentSizingSummary",
    "HVACSizingSummary",
)

#: ``OutputControl:Files`` switches (field order of the EnergyPlus 25.2 IDD). Only the outputs
#: we read or a user inspects are written: EIO (sizing details), tabular HTML, SQLite, END, and
#: the ERR file, which is always written.
OUTPUT_FILES = {
    "Output CSV": "No",
    "Output MTR": "No",
    "Output ESO": "No",
    "Output EIO": "Yes",
    "Output Tabular": "Yes",
    "Output SQLite": "Yes",
    "Output JSON": "No",
    "Output AUDIT": "No",
    "Output Space Sizing": "No",
    "Output Zone Sizing": "No",
    "Output System Sizing": "No",
    "Output DXF": "No",
    "Output BND": "No",
    "Output RDD": "No",
    "Output MDD": "No",
    "Output MTD": "No",
    "Output END": "Yes",
    "Output SHD": "No",
    "Output DFS": "No",
    "Output GLHE": "No",
    "Output DelightIn": "No",
    "Output DelightELdmp": "No",
    "Output DelightDFdmp": "No",
    "Output EDD": "No",
    "Output DBG": "No",
    "Output PerfLog": "No",
    "Output SLN": "No",
    "Output SCI": "No",
    "Output WRL": "No",
    "Output Screen": "No",
    "Output ExtShd": "No",
    "Output Tarcog": "No",
    "Output Plant Component Sizing": "No",
}

#: Weather-dependent sizing objects replaced by the site's design days.
SIZING_PERIOD_OBJECTS = (
    "SizingPeriod:DesignDay",
    "SizingPeriod:WeatherFileDays",
    "SizingPeriod:WeatherFileConditionType",
)

#: Countries whose weather keeps the model's daylight-saving rule; elsewhere (China has had no
#: daylight saving time since 1991) the prototypes' US rule is removed.
DAYLIGHT_SAVING_COUNTRIES = frozenset({"USA", "CAN"})

#: Objects that need ExpandObjects before EnergyPlus can run the model.
EXPAND_OBJECT_PREFIXES = ("HVACTemplate:", "GroundHeatTransfer:")


# --------------------------------------------------------------------------------------------
# Reading and checking
# --------------------------------------------------------------------------------------------


def read_text(path: str | os.PathLike) -> str:
    """Read a model file as text, with one-line errors for the usual mistakes."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, expected an .idf file")
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise InputError(f"{path}: binary file, expected an EnergyPlus .idf text file")
    return raw.decode("utf-8", errors="replace")


def scan_objects(text: str) -> list[list[str]]:
    """Split IDF text into objects, each ``[ObjectType, field1, ...]`` (strings, stripped).

    A light tokenizer (comments after ``!`` removed, objects end at ``;``, fields split at
    ``,``) used to check a file before eppy loads it and to summarise bundled models quickly.
    """
    body = re.sub(r"!.*", "", text)
    objects = []
    for chunk in body.split(";"):
        fields = [f.strip() for f in chunk.split(",")]
        if fields and fields[0]:
            objects.append(fields)
    return objects


def model_version(objects: Iterable[Sequence[str]]) -> str | None:
    """The ``Version`` identifier of scanned objects (``"25.2"``), or None."""
    for obj in objects:
        if obj[0].lower() == "version" and len(obj) > 1:
            return obj[1]
    return None


def check_model_text(text: str, path: str | os.PathLike) -> list[list[str]]:
    """Check that ``text`` is an IDF of the engine's version; return its scanned objects.

    Raises
    ------
    InputError
        No ``Version`` object (not an IDF), or a version other than the engine's, naming both
        versions and how to convert.
    """
    objects = scan_objects(text)
    version = model_version(objects)
    if version is None:
        raise InputError(f"{path}: not an EnergyPlus IDF (no Version object)")
    engine = energyplus_major_minor()
    if ".".join(version.split(".")[:2]) != engine:
        raise InputError(
            f"{path}: model is EnergyPlus {version}, the engine is {engine}; convert it with "
            f"EnergyPlus's IDFVersionUpdater (Transition-V{version.replace('.', '-')}-* up to "
            f"V{engine.replace('.', '-')}) from a full EnergyPlus install"
        )
    return objects


@functools.lru_cache(maxsize=1)
def _eppy_idf_class():
    """eppy's IDF class with the engine's IDD set (once per process).

    eppy parses the 5 MB IDD the first time a process reads a model (about 2.3 s here). The
    parsed structures are pickled once into the user's cache folder and loaded in about 0.2 s
    by every later process (:func:`_idd_cache_path`); a missing or unreadable cache only costs
    the parse.
    """
    from eppy import bunchhelpers
    from eppy.modeleditor import IDF

    # eppy recomputes every field name of every object from the IDD text on load
    # (bunchhelpers.makefieldname, a pure string function); memoising it makes loading a
    # prototype about three times faster. idfreader calls it through the module attribute.
    if not hasattr(bunchhelpers.makefieldname, "cache_info"):
        bunchhelpers.makefieldname = functools.lru_cache(maxsize=None)(bunchhelpers.makefieldname)
    if IDF.getiddname() is None:
        IDF.setiddname(str(idd_path()))
    if IDF.idd_info is None:
        cache = _idd_cache_path()
        try:
            with open(cache, "rb") as handle:
                gc.disable()  # a 6 MB graph of small objects loads faster without collection
                try:
                    IDF.setidd(*pickle.load(handle))
                finally:
                    gc.enable()
        except Exception:  # no cache yet, or one from another eppy: parse and rewrite it
            IDF(io.StringIO(f"Version,{energyplus_major_minor()};"))
            _write_idd_cache(IDF, cache)
    return IDF


def _idd_cache_path() -> Path:
    """Cache file of the parsed IDD, keyed by the IDD file and eppy's version."""
    import eppy

    key = f"{_file_key(idd_path())}-{getattr(eppy, '__version__', 'x')}"
    return cache_dir() / f"eppy-idd-{energyplus_major_minor()}-{key}.pickle"


def _write_idd_cache(idf_class, cache: Path) -> None:
    payload = (idf_class.idd_info, idf_class.idd_index, idf_class.block, idf_class.idd_version)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache)
    except OSError:  # a read-only home: every process parses the IDD
        pass


def load_idf(path: str | os.PathLike):
    """Load an IDF with eppy after checking it is one, of the engine's version.

    Parameters
    ----------
    path : path
        The model file. It is read, never written.

    Returns
    -------
    eppy.modeleditor.IDF
        An in-memory model; edits do not touch ``path``.
    """
    text = read_text(path)
    check_model_text(text, path)
    return idf_from_text(text, path)


def idf_from_text(text: str, path: str | os.PathLike = "<text>"):
    """Load IDF text with eppy; a parse failure becomes a one-line :class:`InputError`."""
    idf_class = _eppy_idf_class()
    try:
        return idf_class(io.StringIO(text))
    except Exception as exc:  # eppy raises bare exceptions of many kinds on malformed input
        raise InputError(f"{path}: eppy could not parse the model: {exc}") from exc


def idf_to_text(idf) -> str:
    """Serialise an eppy model to IDF text, with ``!- field`` comments.

    eppy's own ``idfstr`` takes about 20 s on a large prototype; this writes the same objects
    in milliseconds.
    """
    out = []
    for objects in idf.idfobjects.values():
        for obj in objects:
            values = obj.obj
            names = obj.objls
            key = obj.objidd[0].get("idfobj", values[0]) if obj.objidd else values[0]
            lines = [f"{key},"]
            last = len(values) - 1
            for i in range(1, len(values)):
                end = ";" if i == last else ","
                value = _format_value(values[i])
                name = names[i] if i < len(names) else ""
                lines.append(f"    {value}{end}  !- {name.replace('_', ' ')}")
            if last == 0:
                lines[0] = f"{key};"
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def _format_value(value) -> str:
    if isinstance(value, float):
        return repr(value) if value != int(value) or abs(value) >= 1e15 else str(int(value))
    return str(value)


def write_idf(idf, path: str | os.PathLike) -> Path:
    """Write an eppy model to ``path`` (see :func:`idf_to_text`)."""
    path = Path(path)
    path.write_text(idf_to_text(idf))
    return path


def needs_expand_objects(idf) -> bool:
    """True when the model holds objects only ExpandObjects can turn into EnergyPlus input."""
    return any(
        key.upper().startswith(tuple(p.upper() for p in EXPAND_OBJECT_PREFIXES)) and objs
        for key, objs in idf.idfobjects.items()
    )


# --------------------------------------------------------------------------------------------
# Run periods
# --------------------------------------------------------------------------------------------

_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True)
class RunPeriod:
    """What a prepared model simulates.

    Attributes
    ----------
    kind : {"annual", "design-days", "custom"}
    begin_month, begin_day, end_month, end_day : int
        The weather-file period (ignored for ``design-days``).
    """

    kind: str
    begin_month: int = 1
    begin_day: int = 1
    end_month: int = 12
    end_day: int = 31

    @property
    def label(self) -> str:
        if self.kind == "custom":
            return (
                f"{self.begin_month:02d}/{self.begin_day:02d}-"
                f"{self.end_month:02d}/{self.end_day:02d}"
            )
        return self.kind


def parse_period(text: str) -> RunPeriod:
    """Parse ``annual``, ``design-days`` or ``MM/DD-MM/DD`` (e.g. ``07/15-07/21``).

    Raises
    ------
    InputError
        Anything else, or a date that does not exist.
    """
    spec = text.strip().lower()
    if spec == "annual":
        return RunPeriod("annual")
    if spec in ("design-days", "design-day", "designdays"):
        return RunPeriod("design-days")
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})-(\d{1,2})/(\d{1,2})", spec)
    if not match:
        raise InputError(f"--period {text!r}: expected annual, design-days or MM/DD-MM/DD")
    bm, bd, em, ed = (int(g) for g in match.groups())
    for month, day in ((bm, bd), (em, ed)):
        if not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month - 1]:
            raise InputError(f"--period {text!r}: {month:02d}/{day:02d} is not a date")
    if (em, ed) < (bm, bd):
        raise InputError(f"--period {text!r}: the end is before the start")
    return RunPeriod("custom", bm, bd, em, ed)


# --------------------------------------------------------------------------------------------
# Preparation
# --------------------------------------------------------------------------------------------


def _remove_all(idf, key: str) -> int:
    objects = idf.idfobjects[key.upper()]
    count = len(objects)
    for obj in list(objects):
        idf.removeidfobject(obj)
    return count


def _add(idf, key: str, fields: Sequence[object]):
    """Add an object from a positional field list (IDD order, without the object type)."""
    obj = idf.newidfobject(key.upper())
    names = obj.fieldnames
    if len(fields) > len(names) - 1:
        raise InputError(f"{key}: {len(fields)} fields given, the IDD has {len(names) - 1}")
    for name, value in zip(names[1:], fields, strict=False):
        obj[name] = value
    return obj


def set_run_period(idf, period: RunPeriod) -> None:
    """Set SimulationControl and RunPeriod for ``period``.

    Sizing calculations are always on. An annual or custom period simulates the weather file
    only (the prototypes ship with weather-file runs off, design.md); ``design-days`` simulates
    the sizing periods only.
    """
    weather_run = period.kind != "design-days"
    controls = idf.idfobjects["SIMULATIONCONTROL"]
    control = controls[0] if controls else idf.newidfobject("SIMULATIONCONTROL")
    control.Do_Zone_Sizing_Calculation = "Yes"
    control.Do_System_Sizing_Calculation = "Yes"
    control.Do_Plant_Sizing_Calculation = "Yes"
    control.Run_Simulation_for_Sizing_Periods = "No" if weather_run else "Yes"
    control.Run_Simulation_for_Weather_File_Run_Periods = "Yes" if weather_run else "No"
    _remove_all(idf, "RunPeriod")
    if weather_run:
        _add(
            idf,
            "RunPeriod",
            [
                f"retrofit {period.label}",
                period.begin_month,
                period.begin_day,
                "",
                period.end_month,
                period.end_day,
                "",
                "",  # day of week: from the weather file
                "Yes",  # weather file holidays
                "No",  # weather file DST: the site rule is set by set_site
                "No",
                "Yes",
                "Yes",
            ],
        )


def set_site(
    idf,
    location_fields: Sequence[object],
    design_days: Sequence[Sequence[object]],
    *,
    country: str | None = None,
) -> None:
    """Move the model to the weather's site.

    Sets ``Site:Location``, replaces every sizing period with ``design_days`` (so HVAC is sized
    for this site, not the model's original city), derives mains water temperature from the
    weather file, and drops a US daylight-saving rule for sites outside the US and Canada.

    Parameters
    ----------
    location_fields : sequence
        ``Site:Location`` fields (name, latitude [deg], longitude [deg], time zone [h],
        elevation [m]); a leading ``"Site:Location"`` is accepted and skipped.
    design_days : sequence of sequences
        ``SizingPeriod:DesignDay`` objects as field lists, with or without the leading type.
    country : str, optional
        The weather's country code (EPW header); decides the daylight-saving rule.
    """
    if not design_days:
        raise InputError("design days: none given for the site")
    _remove_all(idf, "Site:Location")
    _add(idf, "Site:Location", _strip_type(location_fields, "Site:Location"))
    for key in SIZING_PERIOD_OBJECTS:
        _remove_all(idf, key)
    for design_day in design_days:
        _add(idf, "SizingPeriod:DesignDay", _strip_type(design_day, "SizingPeriod:DesignDay"))
    _remove_all(idf, "Site:WaterMainsTemperature")
    _add(idf, "Site:WaterMainsTemperature", ["CorrelationFromWeatherFile"])
    if country is not None and country.upper() not in DAYLIGHT_SAVING_COUNTRIES:
        _remove_all(idf, "RunPeriodControl:DaylightSavingTime")


def _strip_type(fields: Sequence[object], key: str) -> list[object]:
    fields = list(fields)
    if fields and str(fields[0]).lower() == key.lower():
        return fields[1:]
    return fields


def set_outputs(idf, extra_meters: Sequence[str] = ()) -> None:
    """Replace the model's outputs by the slim set :mod:`retrofit.results` reads.

    ``extra_meters`` are further meters requested monthly (for example the coil energy transfer
    that the compliance check reads as heating and cooling loads).
    """
    for key in DROPPED_OUTPUT_OBJECTS:
        _remove_all(idf, key)
    _add(idf, "Output:SQLite", ["SimpleAndTabular", "JtoKWH"])
    _add(idf, "OutputControl:Table:Style", ["HTML", "JtoKWH"])
    _add(idf, "OutputControl:Files", list(OUTPUT_FILES.values()))
    _add(idf, "Output:Table:SummaryReports", list(REQUESTED_REPORTS))
    for meter in requested_meters(idf):
        for frequency in ("Hourly", "Monthly"):
            _add(idf, "Output:Meter", [meter, frequency])
    for meter in extra_meters:
        _add(idf, "Output:Meter", [meter, "Monthly"])


def requested_meters(idf) -> list[str]:
    """The facility meters this model can have (see :data:`METER_SOURCES`).

    Natural gas is requested when any field of any object names the fuel ``NaturalGas``;
    the others when an object of a listed type (or type prefix) is present.
    """
    present = {key.upper() for key, objs in idf.idfobjects.items() if objs}
    burns_gas = any(
        isinstance(value, str) and value.lower() == "naturalgas"
        for objs in idf.idfobjects.values()
        for obj in objs
        for value in obj.obj[1:]
    )
    meters = []
    for meter, sources in METER_SOURCES.items():
        if sources is None:
            meters.append(meter)
        elif sources == ("NaturalGas",):
            if burns_gas:
                meters.append(meter)
        elif any(key.startswith(src.upper()) for src in sources for key in present):
            meters.append(meter)
    return meters


def prepare_model(
    idf,
    *,
    period: RunPeriod,
    location_fields: Sequence[object],
    design_days: Sequence[Sequence[object]],
    country: str | None = None,
    extra_meters: Sequence[str] = (),
):
    """Prepare an in-memory model for a run (edits ``idf`` in place and returns it).

    Load a fresh copy with :func:`load_idf` for each run: the file on disk is never touched.
    ``extra_meters`` are requested monthly besides the facility meters (:func:`set_outputs`).
    """
    set_run_period(idf, period)
    set_site(idf, location_fields, design_days, country=country)
    set_outputs(idf, extra_meters)
    return idf
