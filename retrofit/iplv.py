"""Chiller part-load efficiency: EnergyPlus performance curves, the integrated part-load value
(IPLV) of GB 50189-2015 and AHRI 551/591, and fitting a part-load curve to a target IPLV.

Pure functions: no files, no processes. :class:`Curve` is the performance-curve record of every
measure; :mod:`retrofit.measures.hvac` reads EnergyPlus curve objects into it and writes it back.

The chiller model
-----------------
:func:`operating_point` reproduces the steady-state arithmetic of EnergyPlus's
``Chiller:Electric:EIR`` (``ChillerElectricEIR.cc``) and ``Chiller:Electric:ReformulatedEIR``
(``ChillerReformulatedEIR.cc``), with the reference capacity as the unit of capacity::

    available = CapFT(T_chw, T_cond)                              # [-] of the reference capacity
    PLR       = min(load / available, max PLR)
    cycling   = min(1, PLR / min PLR)   when PLR < min PLR, else 1
    PLR_e     = max(PLR, min unloading ratio)                      # false loading below it
    power     = available / COP_ref * EIRFT(T_chw, T_cond) * EIRFPLR(PLR_e) * cycling

``T_chw`` is the leaving chilled-water temperature. ``T_cond`` is the *entering* condenser
temperature for the EIR model (water or outdoor air) and the *leaving* condenser water
temperature for the reformulated model, whose EIRFPLR is a bicubic in (T_cond, PLR). For the
reformulated model the leaving temperature follows from the entering one and the heat rejected
(load + power) at a fixed condenser water flow, solved by fixed-point iteration, as EnergyPlus
iterates on it. Curve inputs are clamped to the curve's limits and outputs to its output limits,
and negative EIR curve values count as zero, as in EnergyPlus.

IPLV
----
``IPLV = sum(w_i * COP_i)`` over the rating points i = 100, 75, 50, 25 % of the full-load
capacity at the rating conditions, each at its own condenser temperature (:func:`iplv`).

* GB 50189-2015 clause 4.2.13: ``IPLV = 1.2 % A + 32.8 % B + 39.7 % C + 26.3 % D`` with cooling
  water entering at 30 / 26 / 23 / 19 degC (standards.md Part 2, P2.2, source KG) -
  :data:`GB_IPLV_WEIGHTS`, :data:`GB_WATER_COOLED_CONDENSER_C`.
* AHRI 551/591 (SI): weights 1 / 42 / 45 / 12 %, condenser water entering 30 / 24.5 / 19 / 19 degC,
  outdoor air 35 / 27 / 19 / 13 degC, leaving chilled water 7 degC - kept to check this module
  against the IPLV.SI that PNNL's ASHRAE 90.1 Appendix J curve sets state in their names
  (EnergyPlus ``DataSets/CodeCompliantEquipment.idf``).

Fitting a part-load curve to a target IPLV
------------------------------------------
:func:`fit_part_load_curve` deforms the EIRFPLR curve by a bump that vanishes at no load and at
full load::

    EIRFPLR_new(..., PLR) = EIRFPLR(..., PLR) - lam * PLR * (1 - PLR)

``PLR (1 - PLR)`` is a polynomial in PLR of degree 2, so the new curve keeps the curve's form
(quadratic and cubic in PLR: ``b -= lam, c += lam``; bicubic in (T, PLR): ``C4 -= lam,
C5 += lam``) and EnergyPlus reads it as before. At full load (PLR = 1) nothing changes, so the
rated COP, the capacity and the temperature curves keep their values; the deformation is largest
at half load, where the IPLV weights are. IPLV increases monotonically with ``lam`` (every
``COP_i`` is ``const_i / EIRFPLR_i`` with ``EIRFPLR_i`` falling linearly in ``lam``), so ``lam``
is found by bisection. ``lam`` is bounded so that the curve stays physical on the PLR range the
chiller uses (from its minimum unloading ratio to its maximum PLR) and over the curve's
temperature range: positive, and rising with load wherever the original curve rises (electric
input must not fall as the load rises; catalogue fits sometimes dip just above their minimum
PLR, and such stretches are left as they are, not made worse elsewhere). A target outside those
bounds is an error that names the IPLV range reachable with the curve.

Method choices worth knowing: the bump changes the part-load shape only, so a target far from
the source curve's own IPLV gives a shape the source chiller never had; the measure reports
``lam`` (:attr:`PartLoadFit.lam`) so a reviewer sees how far the curve was moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

#: IPLV weights of the 100 / 75 / 50 / 25 % load points [-]: GB 50189-2015 clause 4.2.13,
#: IPLV = 1.2 % A + 32.8 % B + 39.7 % C + 26.3 % D (standards.md P2.2, source KG).
GB_IPLV_WEIGHTS = (0.012, 0.328, 0.397, 0.263)

#: Cooling water entering the condenser at the four GB IPLV points [degC]: 30 / 26 / 23 / 19
#: (GB 50189-2015 clause 4.2.13, standards.md P2.2, source KG).
GB_WATER_COOLED_CONDENSER_C = (30.0, 26.0, 23.0, 19.0)

#: Outdoor dry-bulb at the four GB IPLV points for air-cooled chillers [degC]. ASSUMPTION:
#: 35 / 31.5 / 28 / 24.5 is a recollection of GB 50189-2015 clause 4.2.13 (GB/T 18430.1); it is
#: not in standards.md (which gives the water-cooled temperatures only).
GB_AIR_COOLED_CONDENSER_C = (35.0, 31.5, 28.0, 24.5)

#: Leaving chilled water at the GB rating points [degC]. ASSUMPTION: 7 degC, the GB/T 18430.1
#: nominal condition (12 degC in, 7 degC out) as recalled; not in standards.md. It is also the
#: AHRI 551/591 value.
GB_CHILLED_WATER_C = 7.0

#: Cooling water temperature rise at the rated heat rejection [K]. ASSUMPTION: GB/T 18430.1
#: nominal cooling water 30 degC in, 35 degC out (recollection, not in standards.md). Used to
#: find the leaving condenser water temperature of the reformulated model at part load (the
#: condenser water flow of the rating stays constant at part load).
GB_CONDENSER_RISE_K = 5.0

#: Load points of every IPLV here, as fractions of the full-load capacity at rating conditions.
IPLV_LOAD_FRACTIONS = (1.0, 0.75, 0.5, 0.25)

#: AHRI 551/591 (SI) weights [-] (1 / 42 / 45 / 12 %).
AHRI_IPLV_WEIGHTS = (0.01, 0.42, 0.45, 0.12)

#: AHRI 551/591 (SI) entering condenser water [degC] (85 / 75 / 65 / 65 degF in AHRI 550/590).
AHRI_WATER_COOLED_CONDENSER_C = (30.0, 24.5, 19.0, 19.0)

#: AHRI 551/591 (SI) outdoor air [degC] (95 / 80 / 65 / 55 degF in AHRI 550/590).
AHRI_AIR_COOLED_CONDENSER_C = (35.0, 27.0, 19.0, 13.0)

#: AHRI 551/591 leaving chilled water [degC] (44 degF in AHRI 550/590: 6.67 degC).
AHRI_CHILLED_WATER_C = 7.0

#: Number of terms of each curve form (EnergyPlus ``Curve:*`` objects).
CURVE_TERMS = {"quadratic": 3, "cubic": 4, "biquadratic": 6, "bicubic": 10}

#: EnergyPlus object type of each curve form.
CURVE_TYPES = {
    "quadratic": "Curve:Quadratic",
    "cubic": "Curve:Cubic",
    "biquadratic": "Curve:Biquadratic",
    "bicubic": "Curve:Bicubic",
}

#: Chiller model forms: EnergyPlus's ``Chiller:Electric:EIR`` (condenser entering temperature)
#: and ``Chiller:Electric:ReformulatedEIR`` (condenser leaving temperature).
FORMS = ("eir", "reformulated")

_FIXED_POINT_TOLERANCE_K = 1e-10
_FIXED_POINT_ITERATIONS = 200
_BISECTION_ITERATIONS = 200
#: Grid of PLR and temperature points on which a fitted curve is checked.
_CHECK_POINTS = 101


@dataclass(frozen=True)
class Curve:
    """An EnergyPlus performance curve (``Curve:Quadratic``, ``:Cubic``, ``:Biquadratic``,
    ``:Bicubic``).

    Attributes
    ----------
    form : {"quadratic", "cubic", "biquadratic", "bicubic"}
    coefficients : tuple of float
        In the order of the EnergyPlus fields (bicubic: 1, x, x2, y, y2, xy, x3, y3, x2y, xy2).
    x_range, y_range : tuple of float
        Input limits; inputs outside are clamped to them (``y_range`` None for one input).
    output_range : tuple of float or None
        Output limits (None: no limit).
    name : str
        The EnergyPlus object name, for the record.
    """

    form: str
    coefficients: tuple[float, ...]
    x_range: tuple[float, float]
    y_range: tuple[float, float] | None = None
    output_range: tuple[float | None, float | None] = (None, None)
    name: str = ""

    def __post_init__(self):
        if self.form not in CURVE_TERMS:
            raise ValueError(f"curve form {self.form!r}: expected one of {', '.join(CURVE_TERMS)}")
        if len(self.coefficients) != CURVE_TERMS[self.form]:
            raise ValueError(
                f"curve {self.name or self.form}: {len(self.coefficients)} coefficients, "
                f"a {self.form} curve has {CURVE_TERMS[self.form]}"
            )
        if (self.y_range is None) != (self.form in ("quadratic", "cubic")):
            raise ValueError(f"curve {self.name or self.form}: y_range is for two-input curves")

    @property
    def two_inputs(self) -> bool:
        return self.y_range is not None

    @property
    def key(self) -> str:
        """The EnergyPlus object type (``Curve:Biquadratic``, ...)."""
        return CURVE_TYPES[self.form]

    @property
    def limits(self) -> tuple[float, ...]:
        """The input limits in the order of the EnergyPlus fields: x min, x max(, y min, y max)."""
        return (*self.x_range, *(self.y_range or ()))

    def __call__(self, x: float, y: float | None = None) -> float:
        """The curve's value, with EnergyPlus's clamping of inputs and output."""
        x = min(max(x, self.x_range[0]), self.x_range[1])
        c = self.coefficients
        if self.form == "quadratic":
            value = c[0] + c[1] * x + c[2] * x * x
        elif self.form == "cubic":
            value = c[0] + c[1] * x + c[2] * x * x + c[3] * x**3
        else:
            if y is None:
                raise ValueError(f"curve {self.name or self.form} needs two inputs")
            y = min(max(y, self.y_range[0]), self.y_range[1])
            value = c[0] + c[1] * x + c[2] * x * x + c[3] * y + c[4] * y * y + c[5] * x * y
            if self.form == "bicubic":
                value += c[6] * x**3 + c[7] * y**3 + c[8] * x * x * y + c[9] * x * y * y
        low, high = self.output_range
        if low is not None:
            value = max(value, low)
        if high is not None:
            value = min(value, high)
        return value

    def scaled(self, factor: float, name: str | None = None) -> Curve:
        """The curve times ``factor`` (coefficients and output limits)."""
        low, high = self.output_range
        limits = tuple(None if v is None else v * factor for v in (low, high))
        if factor < 0:
            limits = limits[::-1]
        return replace(
            self,
            coefficients=tuple(c * factor for c in self.coefficients),
            output_range=limits,
            name=self.name if name is None else name,
        )

    def normalised(self, x: float, y: float | None = None, name: str | None = None) -> Curve:
        """The curve divided by its value at (x, y): 1.0 there, the same shape elsewhere."""
        value = self(x, y)
        if value <= 0:
            raise ValueError(f"curve {self.name or self.form}: value {value:g} at ({x}, {y})")
        return self.scaled(1.0 / value, name)


@dataclass(frozen=True)
class Chiller:
    """What the performance of an EnergyPlus EIR chiller depends on.

    Attributes
    ----------
    form : {"eir", "reformulated"}
        ``Chiller:Electric:EIR`` (curves of the entering condenser temperature) or
        ``Chiller:Electric:ReformulatedEIR`` (curves of the leaving condenser water temperature).
    cop_ref : float
        Reference COP [W/W] (at the reference temperatures, where the curves are 1).
    cap_ft, eir_ft : Curve
        Biquadratics of (leaving chilled water, condenser temperature) [degC].
    eir_fplr : Curve
        EIR model: quadratic or cubic in PLR. Reformulated: bicubic in (leaving condenser
        water temperature [degC], PLR).
    min_plr, max_plr, min_unloading_ratio : float
        EnergyPlus's Minimum / Maximum Part Load Ratio and Minimum Unloading Ratio.
    """

    form: str
    cop_ref: float
    cap_ft: Curve
    eir_ft: Curve
    eir_fplr: Curve
    min_plr: float = 0.1
    max_plr: float = 1.0
    min_unloading_ratio: float = 0.2

    def __post_init__(self):
        if self.form not in FORMS:
            raise ValueError(f"chiller form {self.form!r}: expected one of {', '.join(FORMS)}")
        if self.cop_ref <= 0:
            raise ValueError(f"reference COP {self.cop_ref}: must be > 0")
        wanted = self.form == "reformulated"
        if self.eir_fplr.two_inputs != wanted:
            raise ValueError(
                "the EIRFPLR curve of a reformulated chiller is a bicubic in (T, PLR); "
                "of an EIR chiller, a quadratic or cubic in PLR"
            )

    def eir_fplr_value(self, condenser_c: float, plr: float) -> float:
        if self.form == "reformulated":
            return self.eir_fplr(condenser_c, plr)
        return self.eir_fplr(plr)


@dataclass(frozen=True)
class OperatingPoint:
    """One steady operating point, capacities in units of the reference capacity.

    Attributes
    ----------
    load : float
        Cooling delivered [-].
    power : float
        Electric input [-] (same unit as ``load``).
    plr : float
        Part-load ratio, load / available capacity.
    condenser_c : float
        The curves' condenser temperature [degC] (leaving water for the reformulated model).
    """

    load: float
    power: float
    plr: float
    condenser_c: float

    @property
    def cop(self) -> float:
        return self.load / self.power


def _at(chiller: Chiller, load: float, chilled_water_c: float, condenser_c: float):
    """Delivered load, power and PLR at a given curve condenser temperature."""
    available = max(0.0, chiller.cap_ft(chilled_water_c, condenser_c))
    if available <= 0:
        raise ValueError(f"no capacity at {chilled_water_c} / {condenser_c} degC")
    plr = min(load / available, chiller.max_plr)
    cycling = min(1.0, plr / chiller.min_plr) if plr < chiller.min_plr else 1.0
    plr_energy = max(plr, chiller.min_unloading_ratio)
    eir = max(0.0, chiller.eir_ft(chilled_water_c, condenser_c))
    eir_plr = max(0.0, chiller.eir_fplr_value(condenser_c, plr_energy))
    power = available / chiller.cop_ref * eir * eir_plr * cycling
    if power <= 0:
        raise ValueError(
            f"the EIR curves give no electric input at {chilled_water_c:g} / {condenser_c:g} "
            f"degC, PLR {plr:.3f}"
        )
    return available * plr, power, plr


def operating_point(
    chiller: Chiller,
    load: float,
    chilled_water_c: float,
    condenser_entering_c: float,
    condenser_rise_k: float = GB_CONDENSER_RISE_K,
) -> OperatingPoint:
    """The chiller meeting ``load`` (a fraction of its reference capacity).

    Parameters
    ----------
    chiller : Chiller
    load : float
        Cooling asked for [-, of the reference capacity]; capped at the maximum PLR.
    chilled_water_c : float
        Leaving chilled water [degC].
    condenser_entering_c : float
        Entering condenser water or outdoor air [degC].
    condenser_rise_k : float
        Reformulated model only: condenser water temperature rise when the chiller rejects
        its reference heat, ``1 + 1 / COP_ref`` reference capacities [K]. It fixes the condenser
        water flow; the leaving temperature is ``T_in + rise * rejected / (1 + 1 / COP_ref)``.

    Returns
    -------
    OperatingPoint
    """
    if load <= 0:
        raise ValueError(f"load {load}: must be > 0")
    if chiller.form == "eir":
        delivered, power, plr = _at(chiller, load, chilled_water_c, condenser_entering_c)
        return OperatingPoint(delivered, power, plr, condenser_entering_c)
    reference_rejection = 1.0 + 1.0 / chiller.cop_ref
    leaving = condenser_entering_c + condenser_rise_k * load
    for _ in range(_FIXED_POINT_ITERATIONS):
        delivered, power, plr = _at(chiller, load, chilled_water_c, leaving)
        new = condenser_entering_c + condenser_rise_k * (delivered + power) / reference_rejection
        if abs(new - leaving) < _FIXED_POINT_TOLERANCE_K:
            leaving = new
            break
        leaving = new
    else:  # pragma: no cover - the map contracts for any physical chiller
        raise ValueError("leaving condenser temperature did not converge")
    delivered, power, plr = _at(chiller, load, chilled_water_c, leaving)
    return OperatingPoint(delivered, power, plr, leaving)


def rating_points(
    chiller: Chiller,
    condenser_entering_c: Sequence[float] = GB_WATER_COOLED_CONDENSER_C,
    chilled_water_c: float = GB_CHILLED_WATER_C,
    load_fractions: Sequence[float] = IPLV_LOAD_FRACTIONS,
    condenser_rise_k: float = GB_CONDENSER_RISE_K,
) -> list[OperatingPoint]:
    """The operating points of an IPLV rating.

    The first point is full load (PLR = 1) at the first condenser temperature; its capacity is
    the rated capacity, and the other points deliver ``load_fractions`` of it at their own
    condenser temperatures.
    """
    if len(condenser_entering_c) != len(load_fractions):
        raise ValueError("one condenser temperature per load point")
    if load_fractions[0] != 1.0:
        raise ValueError("the first rating point is full load (1.0)")
    full = _full_load(chiller, chilled_water_c, condenser_entering_c[0], condenser_rise_k)
    points = [full]
    for fraction, condenser in zip(load_fractions[1:], condenser_entering_c[1:], strict=True):
        points.append(
            operating_point(
                chiller, fraction * full.load, chilled_water_c, condenser, condenser_rise_k
            )
        )
    return points


def _full_load(chiller, chilled_water_c, condenser_entering_c, condenser_rise_k):
    """PLR = 1 at the rating conditions. For the reformulated model the capacity depends on the
    leaving condenser temperature, which depends on the capacity: iterate."""
    if chiller.form == "eir":
        load = chiller.cap_ft(chilled_water_c, condenser_entering_c)
        return operating_point(chiller, load, chilled_water_c, condenser_entering_c)
    load = chiller.cap_ft(chilled_water_c, condenser_entering_c + condenser_rise_k)
    for _ in range(_FIXED_POINT_ITERATIONS):
        point = operating_point(
            chiller, load, chilled_water_c, condenser_entering_c, condenser_rise_k
        )
        available = chiller.cap_ft(chilled_water_c, point.condenser_c)
        if abs(available - load) < 1e-12:
            break
        load = available
    return operating_point(chiller, load, chilled_water_c, condenser_entering_c, condenser_rise_k)


def iplv(
    chiller: Chiller,
    weights: Sequence[float] = GB_IPLV_WEIGHTS,
    condenser_entering_c: Sequence[float] = GB_WATER_COOLED_CONDENSER_C,
    chilled_water_c: float = GB_CHILLED_WATER_C,
    condenser_rise_k: float = GB_CONDENSER_RISE_K,
) -> float:
    """Integrated part-load value [W/W]: ``sum(w_i * COP_i)`` at 100 / 75 / 50 / 25 % load.

    Defaults: GB 50189-2015 clause 4.2.13 for a water-cooled chiller (weights 1.2 / 32.8 /
    39.7 / 26.3 %, cooling water entering at 30 / 26 / 23 / 19 degC; 7 degC chilled water and a
    5 K condenser rise are assumptions, see the module constants). For an air-cooled chiller pass
    ``condenser_entering_c=GB_AIR_COOLED_CONDENSER_C``.
    """
    if abs(sum(weights) - 1.0) > 1e-9:
        raise ValueError(f"IPLV weights {tuple(weights)} do not sum to 1")
    points = rating_points(
        chiller,
        condenser_entering_c,
        chilled_water_c,
        IPLV_LOAD_FRACTIONS,
        condenser_rise_k,
    )
    return sum(w * p.cop for w, p in zip(weights, points, strict=True))


def rated_cop(
    chiller: Chiller,
    condenser_entering_c: float = GB_WATER_COOLED_CONDENSER_C[0],
    chilled_water_c: float = GB_CHILLED_WATER_C,
    condenser_rise_k: float = GB_CONDENSER_RISE_K,
) -> float:
    """COP at full load at the rating conditions [W/W] (point A of the IPLV)."""
    return _full_load(chiller, chilled_water_c, condenser_entering_c, condenser_rise_k).cop


# --------------------------------------------------------------------------------------------
# Fitting the part-load curve
# --------------------------------------------------------------------------------------------


def bump_part_load_curve(curve: Curve, lam: float, name: str | None = None) -> Curve:
    """``curve - lam * PLR * (1 - PLR)`` in the curve's own form (see the module docstring)."""
    c = list(curve.coefficients)
    if curve.form in ("quadratic", "cubic"):
        c[1] -= lam
        c[2] += lam
    elif curve.form == "bicubic":
        c[3] -= lam
        c[4] += lam
    else:
        raise ValueError(f"a part-load curve is quadratic, cubic or bicubic, not {curve.form}")
    return replace(curve, coefficients=tuple(c), name=curve.name if name is None else name)


def _curve_grid(chiller: Chiller, curve: Curve) -> list[list[float]]:
    """Curve values on a grid: one row per temperature (one row for a curve of PLR alone),
    PLR from the chiller's minimum unloading ratio to its maximum PLR."""
    low = max(chiller.min_unloading_ratio, 0.0)
    high = chiller.max_plr
    plrs = [low + (high - low) * i / (_CHECK_POINTS - 1) for i in range(_CHECK_POINTS)]
    if not curve.two_inputs:
        return [[curve(p) for p in plrs]]
    t0, t1 = curve.x_range
    temperatures = [t0 + (t1 - t0) * i / 10 for i in range(11)]
    return [[curve(t, p) for p in plrs] for t in temperatures]


def _physical(new: list[list[float]], original: list[list[float]]) -> bool:
    """A deformed curve is physical when it is positive and rises with PLR wherever the
    curve it came from rises (a fitted curve may not add falling stretches; catalogue fits
    sometimes dip just above their minimum PLR, and those stretches are left as they are)."""
    for row, row0 in zip(new, original, strict=True):
        if min(row) <= 0:
            return False
        for a, b, a0, b0 in zip(row, row[1:], row0, row0[1:], strict=False):
            if b0 >= a0 and b < a - 1e-12:
                return False
    return True


@dataclass(frozen=True)
class PartLoadFit:
    """The outcome of :func:`fit_part_load_curve`.

    Attributes
    ----------
    chiller : Chiller
        The chiller with the fitted EIRFPLR curve.
    lam : float
        The bump coefficient (0: the curve as given).
    iplv : float
        IPLV of the fitted chiller [W/W].
    iplv_before : float
        IPLV with the curve as given [W/W].
    """

    chiller: Chiller
    lam: float
    iplv: float
    iplv_before: float


def fit_part_load_curve(
    chiller: Chiller,
    target_iplv: float,
    *,
    weights: Sequence[float] = GB_IPLV_WEIGHTS,
    condenser_entering_c: Sequence[float] = GB_WATER_COOLED_CONDENSER_C,
    chilled_water_c: float = GB_CHILLED_WATER_C,
    condenser_rise_k: float = GB_CONDENSER_RISE_K,
    lam_bounds: tuple[float, float] = (-5.0, 5.0),
    name: str | None = None,
) -> PartLoadFit:
    """Deform the chiller's EIRFPLR curve so that its IPLV equals ``target_iplv``.

    The method is in the module docstring. The full-load point and the temperature curves are
    untouched, so the rated COP is unchanged.

    Raises
    ------
    ValueError
        The target needs a curve that is no longer physical (negative, or falling with load);
        the message gives the reachable IPLV range.
    """
    rating = dict(
        weights=weights,
        condenser_entering_c=condenser_entering_c,
        chilled_water_c=chilled_water_c,
        condenser_rise_k=condenser_rise_k,
    )

    def with_lam(lam: float) -> Chiller:
        return replace(chiller, eir_fplr=bump_part_load_curve(chiller.eir_fplr, lam, name))

    def value(lam: float) -> float:
        return iplv(with_lam(lam), **rating)

    before = value(0.0)
    low, high = _physical_bounds(chiller, with_lam, lam_bounds)
    low_iplv, high_iplv = value(low), value(high)
    if not low_iplv <= target_iplv <= high_iplv:
        raise ValueError(
            f"IPLV {target_iplv:g} is out of reach of this part-load curve: with the rated COP "
            f"and temperature curves kept, a physical curve gives IPLV {low_iplv:.2f} to "
            f"{high_iplv:.2f} (the curve as given: {before:.2f})"
        )
    for _ in range(_BISECTION_ITERATIONS):
        middle = 0.5 * (low + high)
        if value(middle) < target_iplv:
            low = middle
        else:
            high = middle
        if high - low < 1e-13:
            break
    lam = 0.5 * (low + high)
    fitted = with_lam(lam)
    return PartLoadFit(fitted, lam, iplv(fitted, **rating), before)


def _physical_bounds(chiller, with_lam, lam_bounds) -> tuple[float, float]:
    """The largest interval around 0 inside ``lam_bounds`` where the curve stays physical."""
    original = _curve_grid(chiller, chiller.eir_fplr)
    if min(min(row) for row in original) <= 0:
        raise ValueError("the part-load curve as given is not positive over the PLR range")

    def ok(lam: float) -> bool:
        return _physical(_curve_grid(chiller, with_lam(lam).eir_fplr), original)

    bounds = []
    for edge in lam_bounds:
        if ok(edge):
            bounds.append(edge)
            continue
        inside, outside = 0.0, edge
        for _ in range(60):
            middle = 0.5 * (inside + outside)
            if ok(middle):
                inside = middle
            else:
                outside = middle
        bounds.append(inside)
    return bounds[0], bounds[1]
