"""The packaged part of ``air_source_heat_pump``: gas furnace coils become DX heat pumps."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from retrofit.errors import InputError
from retrofit.idf import idf_to_text, load_idf, write_idf
from retrofit.library import resolve_model
from retrofit.measures.base import ApplyContext, NotApplicable, copy_model
from retrofit.measures.heat_pump_packaged import (
    CURVES,
    EXTRA_PARAMETERS,
    RATED_AIR_FLOW_M3_S_PER_W,
    applies_packaged,
    convert_packaged,
    cop_at,
    gas_coils,
)
from retrofit.simulate import simulate, sizing_context

#: Gross rated heating COP of the PSZ-HP heating coils of the bundled ASHRAE 90.1-2019 small
#: office prototype (``Coil:Heating:DX:SingleSpeed`` field 4 there).
PROTOTYPE_COP = 3.3592

#: Compressor lockout of the same prototype [degC].
PROTOTYPE_CUTOFF_C = -12.2

PARAMS = {
    "cop_rated": 2.96,  # an air-to-water COP (the hydronic part's): packaged_cop_rated wins
    "packaged_cop_rated": PROTOTYPE_COP,
    "minimum_outdoor_temperature_c": PROTOTYPE_CUTOFF_C,
    "backup_cutoff_outdoor_c": None,
    "packaged_sizing_basis": "cooling_coil",
}

#: The prototype curve each new curve copies (ASHRAE901_OfficeSmall_STD2019_Denver.idf).
PROTOTYPE_CURVES = {
    "capacity_f_temperature": ("CURVE:CUBIC", "HPACHeatCapFT"),
    "capacity_f_flow": ("CURVE:CUBIC", "HPACHeatCapFFF"),
    "eir_f_temperature": ("CURVE:CUBIC", "HPACHeatEIRFT"),
    "eir_f_flow": ("CURVE:QUADRATIC", "HPACHeatEIRFFF"),
    "plf_f_plr": ("CURVE:QUADRATIC", "HPACCOOLPLFFPLR"),
    "defrost_eir_f_temperature": ("CURVE:BIQUADRATIC", "HPACCOOLEIRFT"),
}

WEEK = "01/15-01/21"


def bundled(name: str):
    return load_idf(resolve_model(name))


def fake_sizes(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    """A ``ComponentSizes`` table: (component type, name, description, W)."""
    return pd.DataFrame(
        [
            {
                "component_type": t,
                "component_name": n.upper(),
                "description": d,
                "value": v,
                "units": "W",
            }
            for t, n, d, v in rows
        ]
    )


#: Made-up baseline sizes of the DOE medium office's three VAV loops [W]: gas coil, cooling.
MEDIUM_GAS_W = {"VAV_1_HeatC": 20000.0, "VAV_2_HeatC": 21000.0, "VAV_3_HeatC": 22000.0}
MEDIUM_COOL_W = {
    "VAV_1_CoolC DXCoil": 150000.0,
    "VAV_2_CoolC DXCoil": 160000.0,
    "VAV_3_CoolC DXCoil": 170000.0,
}


#: Cooling rows per coil: (description, value as a multiple of the coil's size). The
#: "Initial" row is not a final size and must be ignored; the low speed is not the rating.
COOLING_ROWS = (
    ("Design Size High Speed Gross Rated Total Cooling Capacity", 1.0),
    ("Design Size Low Speed Gross Rated Total Cooling Capacity", 1 / 3),
    ("Initial Design Size High Speed Gross Rated Total Cooling Capacity", 100.0),
)


def medium_office_sizes() -> pd.DataFrame:
    rows = [
        ("Coil:Heating:Fuel", n, "Design Size Nominal Capacity", w) for n, w in MEDIUM_GAS_W.items()
    ]
    rows += [
        ("Coil:Cooling:DX:TwoSpeed", n, description, w * factor)
        for n, w in MEDIUM_COOL_W.items()
        for description, factor in COOLING_ROWS
    ]
    return fake_sizes(rows)


def get(idf, key: str, name: str):
    found = [o for o in idf.idfobjects[key.upper()] if str(o.Name).upper() == name.upper()]
    assert len(found) == 1, (key, name)
    return found[0]


def branch_components(branch) -> list[tuple[str, str, str, str]]:
    values = branch.obj[3:]
    return [tuple(values[i : i + 4]) for i in range(0, len(values), 4)]


def check_chained(components, inlet: str, outlet: str) -> None:
    """Each component takes its air from the previous one's outlet, inlet to outlet."""
    node = inlet
    for _, _, into, out in components:
        assert into.upper() == node.upper()
        node = out
    assert node.upper() == outlet.upper()


# ------------------------------------------------------------------------------- sources


def test_curves_are_the_prototype_curves():
    """The coefficients and limits are those of the bundled ASHRAE 90.1-2019 small office."""
    prototype = bundled("small-office-2019")
    for role, (key, name) in PROTOTYPE_CURVES.items():
        source = get(prototype, key, name)
        values = [float(v) for v in source.obj[2:] if str(v).strip() != ""]
        ours = CURVES[role]
        assert ours.key.upper() == key
        n = len(ours.coefficients) + len(ours.limits)
        assert_allclose([*ours.coefficients, *ours.limits], values[:n], rtol=0, atol=1e-12)


def cubic(c, x):
    return c[0] + c[1] * x + c[2] * x**2 + c[3] * x**3


def test_capacity_and_eir_are_one_at_the_rating_point():
    """Rated capacity and COP hold at the AHRI point, 8.33 degC outdoors, within 0.5 %.

    The IDD defines the gross rated heating capacity at 8.33 degC outdoors; the f(T) curves
    are normalised there, so ``cop_rated`` is the COP at 8.33 degC.
    """
    rating_c = 8.33
    assert_allclose(cubic(CURVES["capacity_f_temperature"].coefficients, rating_c), 1.0, atol=5e-3)
    assert_allclose(cubic(CURVES["eir_f_temperature"].coefficients, rating_c), 1.0, atol=5e-3)
    # colder air: less capacity and more input per unit of heat (hand values of the cubics)
    assert_allclose(cubic(CURVES["capacity_f_temperature"].coefficients, -5.0), 0.624, atol=1e-3)
    assert_allclose(cubic(CURVES["eir_f_temperature"].coefficients, -5.0), 1.371, atol=1e-3)


def test_cop_at_the_shanghai_design_temperature():
    """GB 50189-2015 4.2.15: air-to-air COP >= 1.8 at the winter design condition; Shanghai's
    99.6 % heating design dry-bulb is -2.0 degC (standards.md P2.2 and 8). EIR f(-2 degC) =
    1.19248 + 0.0600876 + 0.0041498 + 0.0001866 = 1.25690 (hand value of the cubic)."""
    assert_allclose(cop_at(1.0, -2.0), 1 / 1.25690, rtol=1e-5)
    assert_allclose(cop_at(1.8 * 1.25690, -2.0), 1.8, rtol=1e-5)
    assert cop_at(PROTOTYPE_COP, -2.0) > 1.8  # the 90.1-2019 prototype's unit meets it
    # outside the curve's -20..20 degC the outdoor temperature is clamped, as EnergyPlus does
    assert cop_at(3.0, -30.0) == cop_at(3.0, -20.0)


def test_rated_air_flow_is_400_cfm_per_ton_inside_the_idd_range():
    # 400 cfm = 0.188779 m3/s; 1 ton = 3516.85 W
    assert_allclose(RATED_AIR_FLOW_M3_S_PER_W, 0.188779 / 3516.85, rtol=1e-5)
    assert 0.00004027 < RATED_AIR_FLOW_M3_S_PER_W < 0.00006041


# --------------------------------------------------------------------------- applicability


def test_medium_office_applies_and_large_office_does_not():
    assert applies_packaged(bundled("medium-office"))
    verdict = applies_packaged(bundled("large-office"))
    assert not verdict
    assert "no Coil:Heating:Fuel in the model" in verdict.reason


def test_converted_model_has_nothing_left_to_convert():
    """A model whose gas coils are gone (here: converted once) gives the reason."""
    result = convert_packaged(copy_model(bundled("medium-office")), PARAMS, None)
    verdict = applies_packaged(result.model)
    assert not verdict and "no Coil:Heating:Fuel" in verdict.reason
    with pytest.raises(NotApplicable, match="air_source_heat_pump does not apply: no Coil"):
        convert_packaged(result.model, PARAMS, None)


def test_a_coil_without_set_point_manager_is_left_with_its_reason():
    idf = copy_model(bundled("medium-office"))
    idf.removeidfobject(get(idf, "SetpointManager:MixedAir", "VAV_1_HeatC MixedAir Manager"))
    found = {g.name: g for g in gas_coils(idf)}
    assert found["VAV_1_HeatC"].arrangement is None
    assert "no set-point manager writes its set-point node" in found["VAV_1_HeatC"].reason
    assert found["VAV_2_HeatC"].arrangement == "branch"
    result = convert_packaged(idf, PARAMS, None)
    assert result.quantities["gas_coils_replaced"] == 2
    assert any(
        n.startswith("VAV_1_HeatC not converted: no set-point manager") for n in result.notes
    )
    assert [c.Name for c in result.model.idfobjects["COIL:HEATING:FUEL"]] == ["VAV_1_HeatC"]


def test_zone_unit_heaters_are_listed_not_converted():
    found = {g.name: g for g in gas_coils(bundled("retail-2019"))}
    heater = found["Front_Entry Unit Heater coil"]
    assert heater.arrangement is None and "ZoneHVAC:UnitHeater" in heater.reason
    assert sum(g.arrangement == "unitary_system" for g in found.values()) == 4


# ------------------------------------------------------------------------------ parameters


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"cop_rated": 0}, "parameter cop_rated=0: must be >= 1"),
        ({"packaged_cop_rated": 0.5}, "parameter packaged_cop_rated=0.5: must be >= 1"),
        ({"cop_rated": "high"}, "parameter cop_rated='high': not a number"),
        ({"cop_rated": None}, "parameter cop_rated=None: a value is required"),
        ({"backup_cutoff_outdoor_c": "cold"}, "parameter backup_cutoff_outdoor_c='cold'"),
        ({"packaged_sizing_basis": "boiler"}, "parameter packaged_sizing_basis='boiler'"),
    ],
)
def test_invalid_parameters_name_the_parameter(params, message):
    with pytest.raises(InputError, match=f"measure air_source_heat_pump: {message}"):
        convert_packaged(copy_model(bundled("small-office")), {**PARAMS, **params}, None)


def test_extra_parameters_declare_the_sizing_basis_and_the_dx_cop():
    basis, cop = EXTRA_PARAMETERS
    assert basis.name == "packaged_sizing_basis"
    assert basis.validate("gas_coil", "air_source_heat_pump") == "gas_coil"
    assert cop.name == "packaged_cop_rated" and cop.optional


@pytest.mark.parametrize(
    ("given", "cop", "lockout"),
    [
        ({}, PROTOTYPE_COP, PROTOTYPE_CUTOFF_C),
        ({"packaged_cop_rated": None}, 2.96, PROTOTYPE_CUTOFF_C),
        ({"backup_cutoff_outdoor_c": -5.0}, PROTOTYPE_COP, -5.0),
        ({"minimum_outdoor_temperature_c": None}, PROTOTYPE_COP, ""),  # IDD default -8 degC
    ],
)
def test_cop_and_compressor_lockout_come_from_the_parameters(given, cop, lockout):
    result = convert_packaged(copy_model(bundled("small-office")), {**PARAMS, **given}, None)
    for dx in result.model.idfobjects["COIL:HEATING:DX:SINGLESPEED"]:
        assert dx.Gross_Rated_Heating_COP == cop
        assert dx.Minimum_Outdoor_DryBulb_Temperature_for_Compressor_Operation == lockout
    assert result.details["cop_rated"] == cop


# ------------------------------------------------------------------------------ structure


@pytest.mark.parametrize("basis", ["cooling_coil", "gas_coil"])
def test_medium_office_branches(basis):
    original = bundled("medium-office")
    before = idf_to_text(original)
    params = {**PARAMS, "packaged_sizing_basis": basis}
    result = convert_packaged(copy_model(original), params, ApplyContext(medium_office_sizes()))
    idf = result.model
    assert idf_to_text(original) == before
    assert not idf.idfobjects["COIL:HEATING:FUEL"]
    for loop in ("VAV_1", "VAV_2", "VAV_3"):
        gas = f"{loop}_HeatC"
        branch = get(idf, "Branch", f"{loop} Air Loop Main Branch")
        components = branch_components(branch)
        assert [c[0] for c in components] == [
            "AirLoopHVAC:OutdoorAirSystem",
            "CoilSystem:Cooling:DX",
            "CoilSystem:Heating:DX",
            "Coil:Heating:Electric",
            components[-1][0],
        ]
        assert components[-1][0].startswith("Fan:")
        check_chained(
            components,
            f"{loop} Supply Equipment Inlet Node",
            f"{loop} Supply Equipment Outlet Node",
        )
        system = get(idf, "CoilSystem:Heating:DX", components[2][1])
        dx = get(idf, "Coil:Heating:DX:SingleSpeed", system.Heating_Coil_Name)
        backup = get(idf, "Coil:Heating:Electric", components[3][1])
        assert (dx.Air_Inlet_Node_Name, dx.Air_Outlet_Node_Name) == components[2][2:]
        # the gas coil's nodes and set-point node now belong to the pair
        assert dx.Air_Inlet_Node_Name == f"{loop}_CoolC-{loop}_HeatCNode"
        assert backup.Air_Outlet_Node_Name == f"{loop}_HeatC-{loop}_FanNode"
        assert backup.Temperature_Setpoint_Node_Name == f"{loop}_HeatC-{loop}_FanNode"
        # sizes: backup = gas coil; heat pump = cooling coil (high speed) or gas coil
        assert backup.Nominal_Capacity == MEDIUM_GAS_W[gas]
        expected = (
            MEDIUM_COOL_W[f"{loop}_CoolC DXCoil"]
            if basis == "cooling_coil"
            else (MEDIUM_GAS_W[gas])
        )
        assert dx.Gross_Rated_Heating_Capacity == expected
        if basis == "gas_coil":
            assert_allclose(dx.Rated_Air_Flow_Rate, expected * RATED_AIR_FLOW_M3_S_PER_W)
        else:
            assert str(dx.Rated_Air_Flow_Rate).lower() == "autosize"
        assert dx.Gross_Rated_Heating_COP == PROTOTYPE_COP
        assert dx.Minimum_Outdoor_DryBulb_Temperature_for_Compressor_Operation == (
            PROTOTYPE_CUTOFF_C
        )
        assert (dx.Defrost_Strategy, dx.Defrost_Control) == ("ReverseCycle", "OnDemand")
        # no secondary-coil fields (they would put an evaporator in a zone)
        assert len(dx.obj) == dx.fieldnames.index("Resistive_Defrost_Heater_Capacity") + 1
        # the air-loop manager now sets both the heat pump's and the backup's outlets
        manager = get(idf, "SetpointManager:MixedAir", f"{gas} MixedAir Manager")
        nodes = get(idf, "NodeList", manager.Setpoint_Node_or_NodeList_Name).obj[2:]
        assert {n.upper() for n in nodes} == {
            dx.Air_Outlet_Node_Name.upper(),
            backup.Air_Outlet_Node_Name.upper(),
        }
    q = result.quantities
    assert q["gas_coils_replaced"] == 3
    assert_allclose(q["gas_coil_capacity_kw"], sum(MEDIUM_GAS_W.values()) / 1000)
    assert_allclose(q["electric_backup_capacity_kw"], q["gas_coil_capacity_kw"])
    hp = MEDIUM_COOL_W if basis == "cooling_coil" else MEDIUM_GAS_W
    assert_allclose(q["heat_pump_capacity_kw"], sum(hp.values()) / 1000)
    assert result.notes == []
    assert set(result.details["curves"]) == set(CURVES)
    # the edited model reads back
    assert len(copy_model(idf).idfobjects["COILSYSTEM:HEATING:DX"]) == 3


def test_without_sizes_the_new_coils_are_autosized_and_noted():
    result = convert_packaged(copy_model(bundled("small-office")), PARAMS, ApplyContext())
    for dx in result.model.idfobjects["COIL:HEATING:DX:SINGLESPEED"]:
        assert str(dx.Gross_Rated_Heating_Capacity).lower() == "autosize"
    for coil in result.model.idfobjects["COIL:HEATING:ELECTRIC"]:
        assert str(coil.Nominal_Capacity).lower() == "autosize"
    assert result.quantities["heat_pump_capacity_kw"] == 0.0
    assert result.quantities["gas_coils_replaced"] == 5
    assert any("no component sizes" in n and "autosized" in n for n in result.notes)


def test_retail_furnaces_become_air_to_air_heat_pumps():
    original = bundled("retail")
    furnace = get(original, "AirLoopHVAC:UnitaryHeatCool", "PSZ-AC:1_Unitary_Package")
    sizes = fake_sizes(
        [
            ("Coil:Heating:Fuel", furnace.Heating_Coil_Name, "Design Size Nominal Capacity", 50e3),
            (
                "Coil:Cooling:DX:SingleSpeed",
                furnace.Cooling_Coil_Name,
                "Design Size Gross Rated Total Cooling Capacity",
                60e3,
            ),
        ]
    )
    result = convert_packaged(copy_model(original), PARAMS, ApplyContext(sizes))
    idf = result.model
    assert not idf.idfobjects["AIRLOOPHVAC:UNITARYHEATCOOL"]
    assert not idf.idfobjects["COIL:HEATING:FUEL"]
    units = idf.idfobjects["AIRLOOPHVAC:UNITARYHEATPUMP:AIRTOAIR"]
    assert len(units) == 4
    unit = get(idf, "AirLoopHVAC:UnitaryHeatPump:AirToAir", "PSZ-AC:1_Unitary_Package")
    assert unit.Cooling_Coil_Name == furnace.Cooling_Coil_Name
    assert unit.Supply_Air_Fan_Name == furnace.Supply_Fan_Name
    assert unit.Controlling_Zone_or_Thermostat_Location == "Back_Space"
    assert (unit.Air_Inlet_Node_Name, unit.Air_Outlet_Node_Name) == (
        furnace.Unitary_System_Air_Inlet_Node_Name,
        furnace.Unitary_System_Air_Outlet_Node_Name,
    )
    fan = get(idf, "Fan:OnOff", unit.Supply_Air_Fan_Name)
    cooling = get(idf, "Coil:Cooling:DX:SingleSpeed", unit.Cooling_Coil_Name)
    heating = get(idf, "Coil:Heating:DX:SingleSpeed", unit.Heating_Coil_Name)
    supplemental = get(idf, "Coil:Heating:Electric", unit.Supplemental_Heating_Coil_Name)
    chain = [
        (None, None, o.Air_Inlet_Node_Name, o.Air_Outlet_Node_Name)
        for o in (fan, cooling, heating, supplemental)
    ]
    check_chained(chain, unit.Air_Inlet_Node_Name, unit.Air_Outlet_Node_Name)
    assert heating.Gross_Rated_Heating_Capacity == 60e3
    assert supplemental.Nominal_Capacity == 50e3
    assert supplemental.Temperature_Setpoint_Node_Name == ""
    branch_types = [c[0] for b in idf.idfobjects["BRANCH"] for c in branch_components(b)]
    assert branch_types.count("AirLoopHVAC:UnitaryHeatPump:AirToAir") == 4
    assert "AirLoopHVAC:UnitaryHeatCool" not in branch_types
    # the other three units have no sizes in this table: autosized, counted as 0 kW, and noted
    assert result.quantities["heat_pump_capacity_kw"] == 60.0
    assert any("no component sizes for" in n for n in result.notes)


def test_unitary_systems_are_reordered_with_a_supplemental_heater_last():
    """ASHRAE 90.1-2019 retail: fan -> gas -> cooling becomes fan -> cooling -> DX -> electric."""
    original = bundled("retail-2019")
    result = convert_packaged(copy_model(original), PARAMS, None)
    idf = result.model
    assert [c.Name for c in idf.idfobjects["COIL:HEATING:FUEL"]] == ["Front_Entry Unit Heater coil"]
    for unit in idf.idfobjects["AIRLOOPHVAC:UNITARYSYSTEM"]:
        assert unit.Heating_Coil_Object_Type == "Coil:Heating:DX:SingleSpeed"
        assert unit.Supplemental_Heating_Coil_Object_Type == "Coil:Heating:Electric"
        objects = [
            get(idf, unit.Supply_Fan_Object_Type, unit.Supply_Fan_Name),
            get(idf, unit.Cooling_Coil_Object_Type, unit.Cooling_Coil_Name),
            get(idf, "Coil:Heating:DX:SingleSpeed", unit.Heating_Coil_Name),
            get(idf, "Coil:Heating:Electric", unit.Supplemental_Heating_Coil_Name),
        ]
        chain = [(None, None, o.Air_Inlet_Node_Name, o.Air_Outlet_Node_Name) for o in objects]
        check_chained(chain, unit.Air_Inlet_Node_Name, unit.Air_Outlet_Node_Name)
        perf = get(
            idf,
            "UnitarySystemPerformance:Multispeed",
            unit.Design_Specification_Multispeed_Object_Name,
        )
        assert perf.Number_of_Speeds_for_Heating == 1
    assert any("Front_Entry Unit Heater coil not converted" in n for n in result.notes)


def test_draw_through_units_put_the_supplemental_heater_after_the_fan():
    result = convert_packaged(copy_model(bundled("secondary-school-2019")), PARAMS, None)
    idf = result.model
    assert result.quantities["gas_coils_replaced"] == 5
    for unit in idf.idfobjects["AIRLOOPHVAC:UNITARYSYSTEM"]:
        if unit.Supplemental_Heating_Coil_Object_Type != "Coil:Heating:Electric":
            continue
        assert unit.Fan_Placement == "DrawThrough"
        fan = get(idf, unit.Supply_Fan_Object_Type, unit.Supply_Fan_Name)
        supplemental = get(idf, "Coil:Heating:Electric", unit.Supplemental_Heating_Coil_Name)
        assert fan.Air_Outlet_Node_Name == supplemental.Air_Inlet_Node_Name
        assert supplemental.Air_Outlet_Node_Name == unit.Air_Outlet_Node_Name
        for manager in idf.idfobjects["SETPOINTMANAGER:MIXEDAIR"]:
            if manager.Fan_Inlet_Node_Name == fan.Air_Inlet_Node_Name:
                assert manager.Fan_Outlet_Node_Name == fan.Air_Outlet_Node_Name


def test_gas_supplemental_heater_of_a_heat_pump_becomes_electric():
    original = bundled("small-office-2019")
    unit = original.idfobjects["AIRLOOPHVAC:UNITARYHEATPUMP:AIRTOAIR"][0]
    gas = get(original, "Coil:Heating:Fuel", unit.Supplemental_Heating_Coil_Name)
    sizes = fake_sizes([("Coil:Heating:Fuel", gas.Name, "Design Size Nominal Capacity", 4e3)])
    result = convert_packaged(copy_model(original), PARAMS, ApplyContext(sizes))
    idf = result.model
    assert not idf.idfobjects["COIL:HEATING:FUEL"]
    assert not idf.idfobjects["COILSYSTEM:HEATING:DX"]
    assert len(idf.idfobjects["COIL:HEATING:DX:SINGLESPEED"]) == 5  # the prototype's own
    unit = get(idf, "AirLoopHVAC:UnitaryHeatPump:AirToAir", unit.Name)
    electric = get(idf, "Coil:Heating:Electric", unit.Supplemental_Heating_Coil_Name)
    assert (electric.Air_Inlet_Node_Name, electric.Air_Outlet_Node_Name) == (
        gas.Air_Inlet_Node_Name,
        gas.Air_Outlet_Node_Name,
    )
    assert electric.Nominal_Capacity == 4e3
    q = result.quantities
    assert q["heat_pump_capacity_kw"] == 0.0 and q["gas_coils_replaced"] == 5
    assert any("supplemental gas heater of an existing heat pump" in n for n in result.notes)
    assert {c["arrangement"] for c in result.details["converted"]} == {"supplemental"}


def test_the_registered_measure_delegates_here():
    """``air_source_heat_pump`` (retrofit.measures.heat_pump) on a model without boilers."""
    heat_pump = pytest.importorskip("retrofit.measures.heat_pump")
    measure = heat_pump.AirSourceHeatPump()
    assert {p.name for p in EXTRA_PARAMETERS} <= {p.name for p in measure.parameters}
    original = bundled("medium-office")
    assert measure.check(original)
    result = measure.apply(original, ApplyContext(medium_office_sizes()))
    assert result.quantities["gas_coils_replaced"] == 3
    assert not result.model.idfobjects["COIL:HEATING:FUEL"]
    assert original.idfobjects["COIL:HEATING:FUEL"]  # apply works on a copy
    # catalogue default packaged_sizing_basis = cooling_coil
    assert_allclose(result.quantities["heat_pump_capacity_kw"], sum(MEDIUM_COOL_W.values()) / 1e3)
    assert measure.capex_rmb(result.quantities) > 0


# -------------------------------------------------------------------------------- engine


def heating_by_fuel(report) -> tuple[float, float, float]:
    """(heating electricity, heating gas, water-systems gas) of a run [kWh]."""
    uses = report.results.end_uses
    return (
        float(uses.loc["heating", "electricity_kwh"]),
        float(uses.loc["heating", "natural_gas_kwh"]),
        float(uses.loc["water_systems", "natural_gas_kwh"]),
    )


def check_week(base, converted, burner_efficiency: float) -> float:
    """Heating gas gone, service hot water gas kept, heating electricity up; the effective COP.

    The heat the gas coils delivered is their gas x burner efficiency. The added electricity
    must deliver it at an effective COP between 1 (all resistance backup; a small tolerance for
    the controls delivering slightly different heat) and 1.2 x the rated COP (the EIR f(T)
    curve is 0.92 at 15 degC, so mild hours run above the rated COP; part load, low air flow
    and defrost pull it down).
    """
    assert converted.err.severe == 0
    base_el, base_gas, base_water = heating_by_fuel(base)
    el, gas, water = heating_by_fuel(converted)
    assert base_gas > 0
    assert gas == pytest.approx(0.0, abs=1e-6)
    assert water == pytest.approx(base_water, rel=1e-6)
    added_kwh = el - base_el
    heat_kwh = base_gas * burner_efficiency
    cop = heat_kwh / added_kwh
    assert 0.95 < cop < 1.2 * PROTOTYPE_COP, (heat_kwh, added_kwh)
    # comfort: at most two more unmet occupied heating hours over the week
    assert converted.results.unmet_hours_heating <= base.results.unmet_hours_heating + 2.0
    return cop


@pytest.mark.energyplus
def test_medium_office_january_week(tmp_path, site_epw):
    context = sizing_context("medium-office", site_epw, out_dir=tmp_path / "sizing")
    result = convert_packaged(copy_model(bundled("medium-office")), PARAMS, context)
    q = result.quantities
    assert q["gas_coils_replaced"] == 3
    # the VAV coils only temper mixed air: the heat pumps (sized like the cooling coils) are
    # several times the gas coils
    assert q["heat_pump_capacity_kw"] > 3 * q["gas_coil_capacity_kw"] > 0
    path = write_idf(result.model, tmp_path / "medium-office-hp.idf")
    converted = simulate(path, site_epw, period=WEEK, out_dir=tmp_path / "hp")
    base = simulate("medium-office", site_epw, period=WEEK, out_dir=tmp_path / "base")
    cop = check_week(base, converted, burner_efficiency=0.8)  # the model's gas coils: 0.8
    assert math.isfinite(cop)
    # January: the DX cooling is untouched
    assert_allclose(
        converted.results.end_uses.loc["cooling", "electricity_kwh"],
        base.results.end_uses.loc["cooling", "electricity_kwh"],
        rtol=0.05,
        atol=1.0,
    )


@pytest.mark.energyplus
def test_small_office_january_week_gas_coil_sizing(tmp_path, site_epw):
    context = sizing_context("small-office", site_epw, out_dir=tmp_path / "sizing")
    params = {**PARAMS, "packaged_sizing_basis": "gas_coil"}
    result = convert_packaged(copy_model(bundled("small-office")), params, context)
    assert_allclose(
        result.quantities["heat_pump_capacity_kw"], result.quantities["gas_coil_capacity_kw"]
    )
    path = write_idf(result.model, tmp_path / "small-office-hp.idf")
    converted = simulate(path, site_epw, period=WEEK, out_dir=tmp_path / "hp")
    base = simulate("small-office", site_epw, period=WEEK, out_dir=tmp_path / "base")
    check_week(base, converted, burner_efficiency=0.8)


@pytest.mark.energyplus
def test_unitary_systems_run_autosized_on_design_days(tmp_path, site_epw):
    """ASHRAE 90.1-2019 retail, no sizes: EnergyPlus sizes the new coils; no severe errors."""
    result = convert_packaged(copy_model(bundled("retail-2019")), PARAMS, None)
    path = write_idf(result.model, tmp_path / "retail-2019-hp.idf")
    report = simulate(path, site_epw, period="design-days", out_dir=tmp_path / "run")
    assert report.err.severe == 0
    sizes = report.results.component_sizes
    dx = sizes[
        (sizes["component_type"] == "Coil:Heating:DX:SingleSpeed")
        & sizes["description"].str.startswith("Design Size Gross Rated Heating Capacity")
    ]
    assert len(dx) == 4 and (dx["value"] > 0).all()
