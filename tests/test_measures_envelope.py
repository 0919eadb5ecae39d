"""Envelope measures and the U-value physics behind them.

The film resistances and layer sums are pinned against EnergyPlus 25.2's own ``EnvelopeSummary``
report; the measures are applied to the bundled small and medium offices and simulated for a
week, and their U-values, areas and the direction and size of the change are checked.
"""

import math
import sqlite3

import pytest
from numpy.testing import assert_allclose

import retrofit.measures.envelope  # noqa: F401 - registers the envelope measures
from retrofit import envelope, model
from retrofit.errors import InputError
from retrofit.idf import idf_to_text, load_idf, write_idf
from retrofit.library import resolve_model
from retrofit.measures import NotApplicable, make_measure
from retrofit.measures.base import copy_model
from retrofit.simulate import simulate
from retrofit.weather import read_epw

JANUARY = "01/15-01/21"
JULY = "07/15-07/21"  # the period of conftest's small_office_week

#: Occupied heating set-point of the DOE small and medium office prototypes (HTGSETP_SCH) [°C].
PROTOTYPE_HEATING_SETPOINT_C = 21.0
#: Lowest heating efficiency in those prototypes (gas coils, burner efficiency 0.8) [-].
PROTOTYPE_MIN_HEATING_EFFICIENCY = 0.8


@pytest.fixture(scope="module")
def small_office():
    return load_idf(resolve_model("small-office"))


@pytest.fixture(scope="module")
def medium_office():
    return load_idf(resolve_model("medium-office"))


def envelope_rows(run_dir, table: str) -> dict[str, dict[str, str]]:
    """EnergyPlus's EnvelopeSummary ``table``: row name -> column name -> value text."""
    with sqlite3.connect(run_dir / "eplusout.sql") as con:
        rows = con.execute(
            "SELECT RowName, ColumnName, Value FROM TabularDataWithStrings "
            "WHERE ReportName = 'EnvelopeSummary' AND TableName = ?",
            (table,),
        ).fetchall()
    out: dict[str, dict[str, str]] = {}
    for row, column, value in rows:
        out.setdefault(row, {})[column] = value.strip()
    return out


def run(result, tmp_path, name: str, weather, period: str):
    """Write a measure's model and simulate it."""
    folder = tmp_path / name
    folder.mkdir()
    path = write_idf(result.model, folder / "model.idf")
    return simulate(path, weather, period=period, out_dir=folder / "run")


def heating_kwh(report) -> float:
    return float(report.results.end_uses.loc["heating"].sum())


def cooling_kwh(report) -> float:
    return float(report.results.end_uses.loc["cooling"].sum())


def heating_degree_hours(weather, period: str, base_c: float) -> float:
    """Σ max(0, base − dry bulb) over the hours of ``period`` (``MM/DD-MM/DD``, one month)."""
    (m1, d1), (_, d2) = (tuple(int(x) for x in part.split("/")) for part in period.split("-"))
    data = read_epw(weather).data
    week = data[(data["month"] == m1) & (data["day"] >= d1) & (data["day"] <= d2)]
    return float((base_c - week["dry_bulb_c"]).clip(lower=0.0).sum())


def check_opaque_u(report, result) -> None:
    """Our U with films equals EnergyPlus's for every surface of every new construction."""
    rows = envelope_rows(report.run_dir, "Opaque Exterior")
    # EnergyPlus's report films (DataHeatBalance.cc, ComputeNominalUwithConvCoeffs), written out
    # here so that the test does not lean on the module it checks
    films = {"wall": (0.1197548, 0.0299387), "roof": (0.1074271, 0.0299387)}
    checked = 0
    for detail in result.details["constructions"].values():
        new = detail["new_construction"].upper()
        surfaces = {r: v for r, v in rows.items() if v["Construction"] == new}
        assert {s.upper() for s in detail["surfaces"]} == set(surfaces)
        for values in surfaces.values():
            u_with_film = float(values["U-Factor with Film"])
            assert_allclose(u_with_film, detail["u_after_w_per_m2_k"], rtol=0.02)
            # the no-film U, from ours by taking the films back off
            tilt = float(values["Tilt"])
            inside, outside = films["wall" if 45 < tilt < 135 else "roof"]
            no_film = 1 / (1 / detail["u_after_w_per_m2_k"] - inside - outside)
            assert_allclose(float(values["U-Factor no Film"]), no_film, rtol=0.02)
            checked += 1
    assert checked > 0


# -------------------------------------------------------------------------------------------
# Pure physics (retrofit.envelope)
# -------------------------------------------------------------------------------------------


def small_office_layers() -> dict[str, list[float]]:
    """Layer resistances of the small office's constructions, by hand from its IDF [m²K/W]."""
    gypsum = 0.0127 / 0.16
    return {
        "wall": [0.0253 / 0.6918, 0.2032 / 1.311, 0.0495494599433393 / 0.049, gypsum],
        "attic roof": [0.0095 / 0.16, 0.0015 / 45.006],
        "soffit": [gypsum, 0.236804989096202 / 0.049, gypsum],
        "slab": [0.1016 / 1.311, 0.2165],
    }


@pytest.mark.parametrize(
    "construction, surface_type, outdoors, with_film, no_film",
    [
        # EnergyPlus 25.2.0, small office, EnvelopeSummary / Opaque Exterior (printed to 3 decimals)
        ("wall", "wall", True, 0.698, 0.780),
        ("attic roof", "roof", True, 5.082, 16.833),
        ("soffit", "floor", True, 0.193, 0.200),  # attic floor overhang, facing outdoors
        ("slab", "floor", False, 2.193, 3.401),  # ground: no outside film
    ],
)
def test_films_reproduce_energyplus_envelope_summary(
    construction, surface_type, outdoors, with_film, no_film
):
    layers = small_office_layers()[construction]
    films = envelope.film_resistances_m2k_per_w(surface_type, outdoors=outdoors)
    assert_allclose(envelope.u_value_w_per_m2_k(layers, 0.0, 0.0), no_film, atol=6e-4)
    assert_allclose(envelope.u_value_w_per_m2_k(layers, *films), with_film, atol=6e-4)


def test_layer_resistance_by_object_type():
    assert_allclose(
        envelope.layer_resistance_m2k_per_w(
            "Material", thickness_m=0.08, conductivity_w_per_m_k=0.04
        ),
        2.0,
    )
    assert (
        envelope.layer_resistance_m2k_per_w("Material:NoMass", resistance_m2k_per_w=0.2165)
        == 0.2165
    )
    assert envelope.layer_resistance_m2k_per_w("Material:AirGap", resistance_m2k_per_w=0.18) == 0.18
    with pytest.raises(ValueError, match="WindowMaterial:Glazing"):
        envelope.layer_resistance_m2k_per_w("WindowMaterial:Glazing", resistance_m2k_per_w=0.1)
    with pytest.raises(ValueError, match="must be > 0"):
        envelope.material_resistance_m2k_per_w(-0.01, 0.04)


def test_insulation_thickness_reaches_the_target_u():
    layers = small_office_layers()["wall"]
    films = envelope.film_resistances_m2k_per_w("wall")
    # by hand: 0.04 * (1/0.4 - (Σ R + 0.1497)) = 0.04 * (2.5 - 1.4319) = 0.04273 m
    thickness = envelope.insulation_thickness_for_u_m(0.4, layers, 0.04, *films)
    assert_allclose(thickness, 0.04 * (2.5 - sum(layers) - sum(films)), rtol=1e-12)
    assert_allclose(envelope.u_value_w_per_m2_k([thickness / 0.04, *layers], *films), 0.4)
    stepped = envelope.insulation_thickness_for_u_m(0.4, layers, 0.04, *films, step_m=0.01)
    assert_allclose(stepped, 0.05)  # rounded up, so the target is met
    one_short = [1 / 0.4 - sum(films) - 1.0]  # a stack that lacks exactly R = 1.0 (0.04 m)
    exact = envelope.insulation_thickness_for_u_m(0.4, one_short, 0.04, *films, step_m=0.01)
    assert_allclose(exact, 0.04)  # an exact multiple is not rounded up a step
    assert envelope.insulation_thickness_for_u_m(0.9, layers, 0.04, *films) == 0.0  # already met


# -------------------------------------------------------------------------------------------
# The measures on the model (no engine)
# -------------------------------------------------------------------------------------------


def test_wall_insulation_adds_outside_layer_and_splits_a_shared_construction(small_office):
    idf = copy_model(small_office)
    # an interior wall that shares the exterior walls' construction (built for the test)
    interior = next(
        s for s in model.surfaces(idf) if s.boundary == "surface" and s.surface_type == "wall"
    )
    interior.obj.Construction_Name = "Mass Non-res Ext Wall"
    before_text = idf_to_text(idf)
    old_layers = model.construction_layers(model.construction(idf, "Mass Non-res Ext Wall"))

    result = make_measure("wall_insulation").apply(idf)
    new_idf = result.model

    assert idf_to_text(idf) == before_text  # the input model is untouched
    detail = result.details["constructions"]["Mass Non-res Ext Wall"]
    new = model.construction(new_idf, detail["new_construction"])
    assert model.construction_layers(new) == [detail["insulation_material"], *old_layers]
    assert (
        model.construction_layers(model.construction(new_idf, "Mass Non-res Ext Wall"))
        == old_layers
    )
    material = next(
        m for m in new_idf.idfobjects["MATERIAL"] if m.Name == detail["insulation_material"]
    )
    stucco = next(m for m in new_idf.idfobjects["MATERIAL"] if m.Name == "1IN Stucco")
    properties = ("Thickness", "Conductivity", "Density", "Specific_Heat")
    assert [material[f] for f in properties] == [0.08, 0.04, 140.0, 840.0]
    for field in ("Roughness", "Thermal_Absorptance", "Solar_Absorptance", "Visible_Absorptance"):
        assert material[field] == stucco[field]  # the finish stays

    by_name = {s.name: s.construction for s in model.surfaces(new_idf)}
    exterior = [s.name for s in model.exterior_surfaces(idf, "wall")]
    assert len(exterior) == 4
    assert all(by_name[name] == new.Name for name in exterior)
    assert by_name[interior.name] == "Mass Non-res Ext Wall"
    assert sum(c == new.Name for c in by_name.values()) == 4
    assert any("also used by 1 other" in note for note in result.notes)

    gross = sum(s.total_area_m2 for s in model.exterior_surfaces(idf, "wall"))
    glazed = sum(w.total_area_m2 for w in model.windows(idf))  # windows and the glass door
    assert_allclose(result.quantities["wall_area_m2"], gross - glazed, rtol=1e-12)
    assert_allclose(result.quantities["insulation_volume_m3"], (gross - glazed) * 0.08, rtol=1e-12)
    assert_allclose(detail["u_before_w_per_m2_k"], 0.698, atol=6e-4)  # EnergyPlus's value
    assert_allclose(detail["u_after_w_per_m2_k"], 1 / (1 / 0.6983975 + 0.08 / 0.04), rtol=1e-6)


def test_target_u_sizes_each_construction_and_skips_those_already_there(medium_office):
    result = make_measure("wall_insulation", {"target_u_w_per_m2_k": 0.40}).apply(medium_office)
    detail = result.details["constructions"]["Steel Frame Non-res Ext Wall"]
    r_before = 1 / detail["u_before_w_per_m2_k"]
    exact = 0.04 * (1 / 0.40 - r_before)
    assert detail["thickness_m"] == pytest.approx(math.ceil(exact * 1000) / 1000)
    assert 0.39 < detail["u_after_w_per_m2_k"] <= 0.40

    met = make_measure("wall_insulation", {"target_u_w_per_m2_k": 0.50})
    verdict = met.check(medium_office)
    assert not verdict and "already has U <= 0.5" in verdict.reason
    with pytest.raises(NotApplicable, match="already has U"):
        met.apply(medium_office)


def test_roof_insulation_leaves_walls_and_floors_alone(small_office):
    result = make_measure("roof_insulation").apply(small_office)
    detail = result.details["constructions"]["Attic Non-res Roof"]
    changed = {
        s.name for s in model.surfaces(result.model) if s.construction == detail["new_construction"]
    }
    assert changed == {s.name for s in model.exterior_surfaces(small_office, "roof")}
    assert len(changed) == 4
    gross = sum(s.total_area_m2 for s in model.exterior_surfaces(small_office, "roof"))
    assert_allclose(result.quantities["roof_area_m2"], gross, rtol=1e-12)
    assert_allclose(detail["u_after_w_per_m2_k"], 1 / (1 / 5.081969 + 0.08 / 0.03), rtol=1e-6)


def test_window_replacement_by_orientation(small_office):
    result = make_measure("window_replacement", {"orientations": ["south"]}).apply(small_office)
    south = [w for w in model.windows(small_office) if w.orientation == "south"]
    after = {w.name: w.construction for w in model.windows(result.model)}
    new = result.details["constructions"]["Window Non-res Fixed"]["new_construction"]
    assert {n for n, c in after.items() if c == new} == {w.name for w in south}
    assert sum(c == "Window Non-res Fixed" for c in after.values()) == len(after) - len(south) > 0
    assert_allclose(result.quantities["window_area_m2"], sum(w.total_area_m2 for w in south))
    glazing = model.construction_layers(model.construction(result.model, new))
    assert len(glazing) == 1
    (obj,) = [
        g
        for g in result.model.idfobjects["WINDOWMATERIAL:SIMPLEGLAZINGSYSTEM"]
        if g.Name == glazing[0]
    ]
    assert (obj.UFactor, obj.Solar_Heat_Gain_Coefficient, obj.Visible_Transmittance) == (
        2.0,
        0.35,
        0.6,
    )
    assert result.details["constructions"]["Window Non-res Fixed"]["before"]["shgc"] == 0.39


def test_measures_that_do_not_apply_say_why(small_office):
    idf = copy_model(small_office)
    for w in model.windows(idf):
        if w.orientation == "north":
            idf.removeidfobject(w.obj)
    north_only = make_measure("window_replacement", {"orientations": "north"})
    assert north_only.check(idf).reason == "no exterior windows facing north"
    with pytest.raises(NotApplicable, match="no exterior windows facing north"):
        north_only.apply(idf)
    assert make_measure("window_replacement", {"orientations": "south,north"}).check(idf)

    for w in model.windows(idf):
        idf.removeidfobject(w.obj)
    assert make_measure("window_replacement").check(idf).reason == (
        "no exterior windows in this model"
    )
    for s in model.exterior_surfaces(idf, "wall"):
        s.obj.Outside_Boundary_Condition = "Adiabatic"
    with pytest.raises(NotApplicable, match="no exterior walls"):
        make_measure("wall_insulation").apply(idf)


@pytest.mark.parametrize(
    "measure, params, message",
    [
        ("wall_insulation", {"thickness_m": -0.05}, "thickness_m=-0.05: must be > 0"),
        ("roof_insulation", {"conductivity_w_per_m_k": 0}, "conductivity_w_per_m_k=0: must be > 0"),
        ("wall_insulation", {"colour": "red"}, "unknown parameter 'colour'"),
        ("wall_insulation", {"thickness_m": 0.1, "target_u_w_per_m2_k": 0.4},
         "thickness_m and target_u_w_per_m2_k: give one, not both"),
        ("wall_insulation", {"thickness_m": "none"},
         "thickness_m and target_u_w_per_m2_k: give one \\(neither is set\\)"),
        ("window_replacement", {"shgc": 1.2}, "shgc=1.2: must be <= 1"),
        ("window_replacement", {"shgc": 1.0}, "shgc=1.0: must be < 1"),
        ("window_replacement", {"u_w_per_m2_k": -1}, "u_w_per_m2_k=-1: must be > 0"),
        ("window_replacement", {"orientations": ["up"]}, "orientations=.*'up' is not one of"),
        ("window_replacement", {"orientations": []}, "orientations: give at least one"),
        ("window_replacement", {"glazing": "triple"}, "unknown parameter 'glazing'"),
    ],
)  # fmt: skip
def test_invalid_parameters_name_the_parameter(measure, params, message):
    with pytest.raises(InputError, match=message):
        make_measure(measure, params)


def test_a_given_target_u_replaces_the_catalogue_thickness():
    measure = make_measure("roof_insulation", {"target_u_w_per_m2_k": 0.4})
    assert measure.params["thickness_m"] is None
    assert make_measure("roof_insulation").params["thickness_m"] == 0.08


# -------------------------------------------------------------------------------------------
# On the engine: U-values as EnergyPlus reports them, and the change in energy
# -------------------------------------------------------------------------------------------


@pytest.mark.energyplus
def test_wall_insulation_on_the_engine(small_office, site_epw, tmp_path):
    result = make_measure("wall_insulation").apply(small_office)
    base = simulate("small-office", site_epw, period=JANUARY, out_dir=tmp_path / "base")
    new = run(result, tmp_path, "wall", site_epw, JANUARY)
    check_opaque_u(new, result)

    rows = envelope_rows(new.run_dir, "Opaque Exterior")
    new_name = result.details["constructions"]["Mass Non-res Ext Wall"]["new_construction"]
    net = sum(float(v["Net Area"]) for v in rows.values() if v["Construction"] == new_name.upper())
    assert_allclose(result.quantities["wall_area_m2"], net, rtol=1e-3)  # multipliers are 1

    saving = heating_kwh(base) - heating_kwh(new)
    # upper bound: the conduction saved at the occupied set-point every hour, at the worst
    # heating efficiency; walls are about a third of the small office's conductance, so the
    # saving is well above 5 % of the week's heating (seen: about 15 % in Shanghai)
    detail = result.details["constructions"]["Mass Non-res Ext Wall"]
    delta_ua = (detail["u_before_w_per_m2_k"] - detail["u_after_w_per_m2_k"]) * detail["area_m2"]
    hours = heating_degree_hours(site_epw, JANUARY, PROTOTYPE_HEATING_SETPOINT_C)
    bound_kwh = delta_ua * hours / 1000 / PROTOTYPE_MIN_HEATING_EFFICIENCY
    assert 0.05 * heating_kwh(base) < saving < bound_kwh


@pytest.mark.energyplus
def test_roof_insulation_on_the_engine(medium_office, site_epw, tmp_path):
    result = make_measure("roof_insulation").apply(medium_office)
    base = simulate("medium-office", site_epw, period=JANUARY, out_dir=tmp_path / "base")
    new = run(result, tmp_path, "roof", site_epw, JANUARY)
    check_opaque_u(new, result)

    saving = heating_kwh(base) - heating_kwh(new)
    detail = result.details["constructions"]["IEAD Non-res Roof"]
    delta_ua = (detail["u_before_w_per_m2_k"] - detail["u_after_w_per_m2_k"]) * detail["area_m2"]
    hours = heating_degree_hours(site_epw, JANUARY, PROTOTYPE_HEATING_SETPOINT_C)
    bound_kwh = delta_ua * hours / 1000 / PROTOTYPE_MIN_HEATING_EFFICIENCY
    # the roof halves its U over the top floor of three (seen: about 7 % of heating)
    assert 0.02 * heating_kwh(base) < saving < bound_kwh


@pytest.mark.energyplus
def test_target_u_constructions_on_the_engine(medium_office, site_epw, tmp_path):
    walls = make_measure("wall_insulation", {"target_u_w_per_m2_k": 0.40}).apply(medium_office)
    both = make_measure("roof_insulation", {"target_u_w_per_m2_k": 0.25}).apply(walls.model)
    report = run(both, tmp_path, "target", site_epw, "design-days")
    for result, target in ((walls, 0.40), (both, 0.25)):
        check_opaque_u(report, result)
        for detail in result.details["constructions"].values():
            assert target - 0.01 < detail["u_after_w_per_m2_k"] <= target


@pytest.mark.energyplus
def test_window_replacement_on_the_engine(small_office, small_office_week, site_epw, tmp_path):
    result = make_measure("window_replacement").apply(small_office)
    new = run(result, tmp_path, "windows", site_epw, JULY)

    rows = envelope_rows(new.run_dir, "Exterior Fenestration")
    total = rows.pop("Total or Average")
    rows = {name: values for name, values in rows.items() if "Total" not in name}  # N / non-N
    assert {v["Construction"] for v in rows.values()} == {"WINDOW U2 SHGC0.35 VT0.6"}
    area = float(total["Area of Multiplied Openings"])
    assert_allclose(area, result.quantities["window_area_m2"], rtol=1e-3)
    for values in rows.values():
        assert_allclose(float(values["Glass U-Factor"]), 2.0, rtol=0.02)
        assert_allclose(float(values["Glass SHGC"]), 0.35, rtol=0.02)
        assert_allclose(float(values["Glass Visible Transmittance"]), 0.60, rtol=0.02)

    before, after = cooling_kwh(small_office_week), cooling_kwh(new)
    # SHGC 0.39 -> 0.35 cuts the solar gain through the glass by 10 % and U 3.24 -> 2.0 the
    # conduction gain; both are parts of the cooling load (seen: about 3 % in Shanghai)
    assert 0.005 * before < before - after < 0.15 * before
