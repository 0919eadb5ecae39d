"""Demand response: the pure functions of retrofit.demand on hand-computed arrays, the measure's
objects and rules, and a hot week on the real engine (shed in the events, the same hours as the
baseline before them, rebound after, pre-cooling before)."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import retrofit.measures.demand_response  # noqa: F401 - registers demand_response
from retrofit import demand
from retrofit.errors import InputError
from retrofit.idf import DAYLIGHT_SAVING_COUNTRIES, idf_to_text, load_idf, write_idf
from retrofit.library import resolve_model
from retrofit.measures import ApplyContext, NotApplicable, make_measure
from retrofit.measures.demand_response import (
    OFFSET_SCHEDULE,
    PROGRAM,
    DemandResponse,
    offset_schedule_fields,
    parse_event_days,
)
from retrofit.simulate import simulate
from retrofit.weather import read_epw

# Small office (DOE reference, new 2004): five conditioned zones on a 27.69 m x 18.46 m plan
# (its floor vertices), all on one cooling schedule, CLGSETP_SCH.
SMALL_OFFICE_FLOOR_M2 = 27.69 * 18.46
SMALL_OFFICE_ZONES = {"Core_ZN", *(f"Perimeter_ZN_{i}" for i in range(1, 5))}


def small_office():
    return load_idf(resolve_model("small-office"))


def objects(idf, key):
    return list(idf.idfobjects[key.upper()])


# ------------------------------------------------------------------------------ pure functions


def test_calendar_weekdays_start_on_sunday_and_count_leap_days():
    # 1 January is a Sunday (6) in the annual run; hourly rows repeat each date
    month = [1] * 48 + [1] * 24
    day = [1] * 24 + [2] * 24 + [8] * 24
    w = demand.calendar_weekdays(month, day)
    assert_array_equal(w[[0, 23, 24, 47, 48]], [6, 6, 0, 0, 6])  # Sun, Mon, next Sun
    # 28 Feb -> 1 Mar is two days when 29 Feb is in the data, one otherwise
    leap = demand.calendar_weekdays([2, 2, 3], [28, 29, 1], first_weekday=0)
    common = demand.calendar_weekdays([2, 3], [28, 1], first_weekday=0)
    assert_array_equal(leap, [0, 1, 2])
    assert_array_equal(common, [0, 1])
    with pytest.raises(ValueError, match="calendar order"):
        demand.calendar_weekdays([3, 2], [1, 28])
    with pytest.raises(ValueError, match="not a calendar date"):
        demand.calendar_weekdays([2], [30])


def test_daily_dry_bulb_max_and_mean():
    month, day = [7] * 6, [1, 1, 1, 2, 2, 2]
    t = [20.0, 30.0, 25.0, 28.0, 28.0, 31.0]
    assert demand.daily_dry_bulb_c(month, day, t, "max") == {(7, 1): 30.0, (7, 2): 31.0}
    mean = demand.daily_dry_bulb_c(month, day, t, "mean")
    assert_allclose([mean[(7, 1)], mean[(7, 2)]], [25.0, 29.0])
    with pytest.raises(ValueError, match="metric"):
        demand.daily_dry_bulb_c(month, day, t, "median")


def test_hottest_weekdays_skip_weekends_break_ties_by_date_and_come_in_order():
    # 14 days from Sunday 1 July, hourly; each day's temperature is flat except a peak hour
    dates = [datetime.date(2001, 7, 1) + datetime.timedelta(days=i) for i in range(14)]
    month = np.repeat([d.month for d in dates], 24)
    day = np.repeat([d.day for d in dates], 24)
    peaks = {1: 40.0, 2: 33.0, 3: 35.0, 5: 35.0, 7: 39.0, 10: 34.0, 11: 36.0, 14: 38.0}
    mean_heat = {4: 32.5}  # a day with a lower peak but a higher mean
    t = np.full(month.size, 25.0)
    for i, d in enumerate(dates):
        t[i * 24 + 15] = peaks.get(d.day, 30.0)
        if d.day in mean_heat:
            t[i * 24 : i * 24 + 24] = mean_heat[d.day]
    weekday = demand.calendar_weekdays(month, day)  # 1, 7, 8, 14 July are weekends
    by_max = demand.hottest_weekdays(month, day, t, weekday, 3)
    # 1 July (40) and 7 July (39) and 14 July (38) are weekend days: not events
    assert by_max == ((7, 3), (7, 5), (7, 11))  # 35, 35 (tie: both), 36
    assert demand.hottest_weekdays(month, day, t, weekday, 2) == ((7, 3), (7, 11))  # tie -> earlier
    by_mean = demand.hottest_weekdays(month, day, t, weekday, 1, metric="mean")
    assert by_mean == ((7, 4),)
    assert len(demand.hottest_weekdays(month, day, t, weekday, 50)) == 10  # all weekdays
    with pytest.raises(ValueError, match="count"):
        demand.hottest_weekdays(month, day, t, weekday, 0)


def test_event_hour_mask_takes_the_hours_ending_inside_the_window():
    hour = np.arange(1, 25)
    mask = demand.event_hour_mask([7] * 24, [3] * 24, hour, [(7, 3)], 13, 17)
    assert_array_equal(hour[mask], [14, 15, 16, 17])
    assert not demand.event_hour_mask([7] * 24, [4] * 24, hour, [(7, 3)], 13, 17).any()
    with pytest.raises(ValueError, match="start_hour < end_hour"):
        demand.event_hour_mask([7], [3], [1], [(7, 3)], 17, 13)


def test_event_shed_by_hand():
    # two days, baseline 10 kW flat; day 1 is an event day: the variant draws 6, 7, 8, 9 kW in the
    # hours ending 14-17 and 13 kW in the hour after (rebound); day 2 is unchanged
    month = np.full(48, 7)
    day = np.repeat([3, 4], 24)
    hour = np.tile(np.arange(1, 25), 2)
    base = np.full(48, 10.0)
    variant = base.copy()
    variant[13:17] = [6.0, 7.0, 8.0, 9.0]
    variant[17] = 13.0
    shed = demand.event_shed_kw(base, variant, month, day, hour, [(7, 3)], 13, 17)
    assert shed.event_hours == 4
    assert_allclose(shed.average_shed_kw, (4 + 3 + 2 + 1) / 4)
    assert_allclose(shed.peak_shed_kw, 4.0)
    assert_allclose(shed.min_shed_kw, 1.0)
    assert_allclose(shed.event_energy_shed_kwh, 10.0)
    assert_allclose(shed.energy_change_kwh, -10.0 + 3.0)
    with pytest.raises(ValueError, match="no event hour"):
        demand.event_shed_kw(base, variant, month, day, hour, [(8, 1)], 13, 17)
    with pytest.raises(ValueError, match="differ in length"):
        demand.event_shed_kw(base[:-1], variant, month, day, hour, [(7, 3)], 13, 17)


# ------------------------------------------------------------------------------ the measure


def test_defaults_come_from_the_catalogue_and_are_flagged():
    m = DemandResponse()
    assert m.params == {
        "setpoint_raise_k": 2.0,
        "event_start_hour": 13,
        "event_end_hour": 17,
        "event_day_count": 10,
        "event_day_metric": "max",
        "event_days": None,
        "precool_k": 0.0,
        "precool_hours": 2,
    }
    assert set(m.sources) == set(m.params)
    assert m.cost_model.basis == "floor_area_m2"
    assert not m.entry.cost.unit_cost_rmb.verified and not m.entry.lifetime_years.verified
    assert any("BAS" in line for line in m.assumptions())


def test_parse_event_days_and_the_offset_schedule_by_hand():
    assert parse_event_days(["7/17", "07/03", "7/17"]) == ((7, 3), (7, 17))
    fields = offset_schedule_fields(((1, 1), (7, 3), (7, 4)), 13, 17, 2.0, 1.5, 2)
    event = [
        "For: SummerDesignDay WinterDesignDay",
        "Until: 24:00",
        "0",
        "For: AllOtherDays",
        "Until: 11:00",
        "0",
        "Until: 13:00",
        "-1.5",
        "Until: 17:00",
        "2",
        "Until: 24:00",
        "0",
    ]
    assert fields == [
        "Through: 01/01",
        *event,
        "Through: 07/02",
        "For: AllDays",
        "Until: 24:00",
        "0",
        "Through: 07/03",
        *event,
        "Through: 07/04",  # the next day follows directly
        *event,
        "Through: 12/31",
        "For: AllDays",
        "Until: 24:00",
        "0",
    ]
    # an event ending at midnight on 31 December closes the schedule itself
    assert offset_schedule_fields(((12, 31),), 20, 24, 3.0) == [
        "Through: 12/30",
        "For: AllDays",
        "Until: 24:00",
        "0",
        "Through: 12/31",
        "For: SummerDesignDay WinterDesignDay",
        "Until: 24:00",
        "0",
        "For: AllOtherDays",
        "Until: 20:00",
        "0",
        "Until: 24:00",
        "3",
    ]


def test_apply_wraps_the_cooling_schedule_and_adds_the_ems_program():
    idf = small_office()
    before = idf_to_text(idf)
    result = DemandResponse({"event_days": ["07/17", "07/18"]}).apply(idf)
    assert idf_to_text(idf) == before  # the input model is untouched
    out = result.model
    # one cooling schedule, copied under a new name; the five thermostats point to the copy
    (original,) = [s for s in objects(out, "Schedule:Compact") if s.Name == "CLGSETP_SCH"]
    (wrapper,) = [s for s in objects(out, "Schedule:Compact") if s.Name == "CLGSETP_SCH DR"]
    assert wrapper.obj[2:] == original.obj[2:]
    dual = objects(out, "ThermostatSetpoint:DualSetpoint")
    assert {d.Cooling_Setpoint_Temperature_Schedule_Name for d in dual} == {"CLGSETP_SCH DR"}
    assert {d.Heating_Setpoint_Temperature_Schedule_Name for d in dual} == {"HTGSETP_SCH"}
    sensors = {s.Name: s for s in objects(out, "EnergyManagementSystem:Sensor")}
    assert sensors["DR_Base_1"].obj[2:] == ["CLGSETP_SCH", "Schedule Value"]
    assert sensors["DR_Offset"].obj[2:] == [OFFSET_SCHEDULE, "Schedule Value"]
    (actuator,) = objects(out, "EnergyManagementSystem:Actuator")
    assert actuator.obj[1:] == [
        "DR_Wrapped_1",
        "CLGSETP_SCH DR",
        "Schedule:Compact",
        "Schedule Value",
    ]
    (program,) = objects(out, "EnergyManagementSystem:Program")
    assert program.obj[1:] == [
        PROGRAM,
        "IF DR_Offset <> 0",
        "SET DR_Wrapped_1 = DR_Base_1 + DR_Offset",
        "ELSE",
        "SET DR_Wrapped_1 = Null",
        "ENDIF",
    ]
    (manager,) = objects(out, "EnergyManagementSystem:ProgramCallingManager")
    assert manager.obj[2:] == ["BeginTimestepBeforePredictor", PROGRAM]
    # quantities: the five conditioned zones and their floor (the attic has no thermostat)
    assert result.quantities["controlled_zones"] == 5
    assert_allclose(result.quantities["floor_area_m2"], SMALL_OFFICE_FLOOR_M2, rtol=1e-3)
    assert result.details["event_days"] == ["07/17", "07/18"]
    assert result.details["event_hours"] == "13:00-17:00"
    assert set(result.details["schedules"]["CLGSETP_SCH"]["zones"]) == SMALL_OFFICE_ZONES


def test_event_days_are_the_hottest_weekdays_of_the_weather(site_epw):
    result = DemandResponse().apply(small_office(), ApplyContext(weather_path=site_epw))
    # recomputed here with pandas, independently of retrofit.demand
    data = read_epw(site_epw).data
    daily = data.groupby(["month", "day"], sort=False)["dry_bulb_c"].max().reset_index()
    dates = pd.to_datetime(
        {"year": 2017, "month": daily["month"], "day": daily["day"]}
    )  # 2017 starts on a Sunday, as the annual run does
    daily = daily[dates.dt.day_of_week < 5]
    top = daily.sort_values("dry_bulb_c", ascending=False, kind="stable").head(10)
    expected = sorted(zip(top["month"], top["day"], strict=True))
    assert result.details["event_days"] == [f"{m:02d}/{d:02d}" for m, d in expected]
    values = result.details["event_day_dry_bulb_c"]
    assert min(values.values()) >= daily["dry_bulb_c"].nlargest(10).min()
    assert result.details["event_days_from"] == str(site_epw)


def test_without_weather_or_event_days_the_measure_says_what_it_needs():
    with pytest.raises(InputError, match="no weather file to choose the 10 hottest weekdays"):
        DemandResponse().apply(small_office())


def test_not_applicable_without_cooling_thermostats_or_twice():
    idf = small_office()
    for thermostat in list(objects(idf, "ZoneControl:Thermostat")):
        idf.removeidfobject(thermostat)
    verdict = DemandResponse().check(idf)
    assert not verdict and verdict.reason == "no cooling thermostats in this model"
    with pytest.raises(NotApplicable, match="demand_response does not apply: no cooling"):
        DemandResponse({"event_days": ["07/17"]}).apply(idf)
    once = DemandResponse({"event_days": ["07/17"]}).apply(small_office()).model
    assert "applied already" in DemandResponse().check(once).reason


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"setpoint_raise_k": 0}, "parameter setpoint_raise_k=0: must be > 0"),
        ({"event_start_hour": 24}, "parameter event_start_hour=24: must be <= 23"),
        (
            {"event_start_hour": 17, "event_end_hour": 13},
            "parameters event_start_hour=17 and event_end_hour",
        ),
        ({"precool_k": 1, "precool_hours": 14}, "parameter precool_hours=14"),
        ({"event_days": ["13/45"]}, "parameter event_days: '13/45' is not a date"),
        ({"event_days": ["July 17"]}, "parameter event_days: 'July 17' is not MM/DD"),
        ({"event_day_metric": "median"}, "parameter event_day_metric='median': must be one of"),
        ({"raise_k": 2}, "unknown parameter 'raise_k'"),
    ],
)
def test_invalid_parameters_name_the_parameter(params, message):
    with pytest.raises(InputError, match=f"measure demand_response: {message}"):
        make_measure("demand_response", params)


# ------------------------------------------------------------------------------ engine

DAYS_IN_WEEK = 7


def standard_time_shift_h(epw_path) -> int:
    """Hours by which the event's clock times fall earlier in EnergyPlus's reporting hours.

    EnergyPlus reports in standard time; under daylight saving (kept for US and Canadian weather,
    :data:`retrofit.idf.DAYLIGHT_SAVING_COUNTRIES`) schedules run on clock time, one hour ahead,
    so a 13:00-17:00 event covers the standard-time hours ending 13-16. Shanghai has none.
    """
    country = read_epw(epw_path, header_only=True).location.country
    return 1 if country in DAYLIGHT_SAVING_COUNTRIES else 0


def event_week(epw_path) -> tuple[str, tuple]:
    """The 7-day period holding the most event days, starting on a Sunday of the annual calendar.

    A run period without a year starts on a Sunday (EnergyPlus default), so a week that starts
    on an annual-calendar Sunday has the annual calendar's weekdays: its event dates are the
    weekdays the measure chose them as. The hottest week of the weather file is the one where
    the events matter most (and the hourly shed is least blurred by units cycling at part load).
    """
    days = DemandResponse().choose_event_days(ApplyContext(weather_path=epw_path))[0]
    weeks: dict[datetime.date, int] = {}
    for month, day in days:
        date = datetime.date(2017, month, day)  # 2017: 1 January a Sunday, as the annual run
        start = date - datetime.timedelta(days=(date.weekday() + 1) % 7)
        if (start + datetime.timedelta(days=DAYS_IN_WEEK - 1)).year == 2017:
            weeks[start] = weeks.get(start, 0) + 1
    start = max(weeks, key=lambda s: (weeks[s], -s.toordinal()))
    end = start + datetime.timedelta(days=DAYS_IN_WEEK - 1)
    return f"{start:%m/%d}-{end:%m/%d}", days


@pytest.fixture(scope="module")
def dr_week(tmp_path_factory, site_epw):
    """Small office baseline, demand response, and demand response with pre-cooling; the event
    days and the event window in EnergyPlus's (standard-time) reporting hours."""
    out = tmp_path_factory.mktemp("demand-response")
    period, days = event_week(site_epw)
    context = ApplyContext(weather_path=site_epw)
    runs = {"baseline": simulate("small-office", site_epw, period=period, out_dir=out / "base")}
    for label, params in (("dr", {}), ("precool", {"precool_k": 2.0, "precool_hours": 2})):
        result = DemandResponse(params).apply(small_office(), context)
        path = write_idf(result.model, out / f"{label}.idf")
        runs[label] = simulate(path, site_epw, period=period, out_dir=out / label)
    shift = standard_time_shift_h(site_epw)
    return runs, days, (13 - shift, 17 - shift)


def hourly_kw(report) -> pd.DataFrame:
    h = report.results.hourly
    return h[["month", "day", "hour", "electricity_kwh"]].rename(
        columns={"electricity_kwh": "kw"}
    )  # hourly kWh = mean kW over the hour


def mask(frame, days, start, end):
    return demand.event_hour_mask(frame["month"], frame["day"], frame["hour"], days, start, end)


@pytest.mark.energyplus
def test_dr_week_sheds_in_the_events_and_runs_as_the_baseline_before_them(dr_week):
    runs, days, (start, end) = dr_week
    base, dr = runs["baseline"], runs["dr"]
    assert dr.err.severe == base.err.severe == 0
    b, v = hourly_kw(base), hourly_kw(dr)
    assert_array_equal(b[["month", "day", "hour"]], v[["month", "day", "hour"]])
    inside = mask(b, days, start, end)
    in_week = sorted({(m, d) for m, d, i in zip(b["month"], b["day"], inside, strict=True) if i})
    assert len(in_week) >= 2  # the hottest week of the file holds several event days
    # before the first event hour EnergyPlus runs the very same model (the actuator is released)
    first = int(np.argmax(inside))
    assert_allclose(v["kw"][:first], b["kw"][:first], rtol=0, atol=1e-9)
    # every event hour sheds load
    shed = demand.event_shed_kw(b["kw"], v["kw"], b["month"], b["day"], b["hour"], days, start, end)
    assert shed.event_hours == 4 * len(in_week)
    assert shed.min_shed_kw > 0
    # plausible size: cooling and fans are about half of the office's July electricity (the
    # baseline's end uses say so below), and +2 K removes part of the zones' envelope and
    # ventilation gains, not all of them: the shed is a fraction of the event-hour demand
    eu = base.results.end_uses["electricity_kwh"]
    hvac_share = (eu["cooling"] + eu["fans"]) / eu.sum()
    assert 0.3 < hvac_share < 0.7
    event_mean_kw = float(b["kw"][inside].mean())
    assert 0.05 < shed.average_shed_kw / event_mean_kw < hvac_share * 0.6
    # the hour after each event rebounds (the zones are pulled back to the set-point)
    after = mask(b, in_week, end, end + 1)
    assert (v["kw"][after].to_numpy() > b["kw"][after].to_numpy()).all()
    # what rebounds outside the events is less than the events saved
    rebound_kwh = float((v["kw"] - b["kw"])[~inside].sum())
    assert 0 < rebound_kwh < shed.event_energy_shed_kwh
    assert_allclose(shed.energy_change_kwh, rebound_kwh - shed.event_energy_shed_kwh)
    # sizing is untouched (the offset is 0 on design days)
    sizes_b, sizes_v = base.results.component_sizes, dr.results.component_sizes
    assert_allclose(sizes_v["value"], sizes_b["value"], rtol=1e-9)


@pytest.mark.energyplus
def test_precooling_runs_before_the_event_and_deepens_the_shed(dr_week):
    runs, days, (start, end) = dr_week
    b, dr, pre = (hourly_kw(runs[k]) for k in ("baseline", "dr", "precool"))
    assert runs["precool"].err.severe == 0
    precool = mask(b, days, start - 2, start)
    first = int(np.argmax(precool))
    assert_allclose(pre["kw"][:first], b["kw"][:first], rtol=0, atol=1e-9)
    # the pre-cooling hours use more than the baseline; the event hours shed more than without
    assert (pre["kw"][precool].to_numpy() > b["kw"][precool].to_numpy()).all()
    args = (b["month"], b["day"], b["hour"], days, start, end)
    with_pre = demand.event_shed_kw(b["kw"], pre["kw"], *args)
    without = demand.event_shed_kw(b["kw"], dr["kw"], *args)
    assert with_pre.average_shed_kw > without.average_shed_kw
