"""The Measure API: a named, parameterised transformation of an EnergyPlus model.

A measure has

* **parameters** (:class:`Parameter`), with units in their names, validated; defaults come from
  the catalogue (:mod:`retrofit.measures.catalogue`), each with its source;
* an **applicability check** (:meth:`Measure.check`) that says why it does not apply;
* :meth:`Measure.apply`, which returns a *new* model (the input is untouched) and the quantities
  it touched (m² of wall, kWp of PV, kW of heat pump, ...);
* a **cost model** (unit cost x quantity, RMB, from the catalogue) and a **lifetime**.

Built-in measures register by name with :func:`register`; a user's own measure is a Python
callable ``f(model, **params) -> dict of quantities`` referenced as ``"file.py:function"``
(:func:`load_user_measure`).

Measures that replace equipment (part 2: heat pumps, chillers) read the baseline's sizes from
:class:`ApplyContext` (the ``ComponentSizes`` of a sizing run), so a replacement keeps the
installed capacity.
"""

from __future__ import annotations

import importlib.util
import inspect
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from retrofit.errors import InputError
from retrofit.idf import idf_from_text, idf_to_text
from retrofit.measures.catalogue import (
    Catalogue,
    CatalogueEntry,
    CostModel,
    Sourced,
    default_catalogue,
)

if TYPE_CHECKING:
    import pandas as pd


class NotApplicable(InputError):
    """The measure does not apply to this model; the message says why."""


@dataclass(frozen=True)
class Parameter:
    """One parameter of a measure.

    Attributes
    ----------
    name : str
        With its unit (``thickness_m``, ``target_lpd_w_per_m2``, ``fraction``).
    description : str
    kind : {"float", "int", "bool", "str", "list"}
    minimum, maximum : float, optional
        Bounds for numbers; ``exclusive_minimum`` makes the lower bound strict.
    choices : tuple, optional
        Allowed values (for ``str``, and for each item of a ``list``).
    optional : bool
        May be None ("not set").
    """

    name: str
    description: str
    kind: str = "float"
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    choices: tuple = ()
    optional: bool = False

    def validate(self, value: Any, measure: str) -> Any:
        """Coerce and check ``value``; an :class:`InputError` names the measure and parameter."""
        where = f"measure {measure}: parameter {self.name}={value!r}"
        if value is None or (isinstance(value, str) and value.lower() == "none"):
            if self.optional:
                return None
            raise InputError(f"{where}: a value is required")
        if self.kind in ("float", "int"):
            value = self._number(value, where)
        elif self.kind == "bool":
            value = self._bool(value, where)
        elif self.kind == "list":
            items = value.split(",") if isinstance(value, str) else list(value)
            value = [str(v).strip() for v in items if str(v).strip()]
            bad = [v for v in value if self.choices and v not in self.choices]
            if bad:
                raise InputError(f"{where}: {bad[0]!r} is not one of {', '.join(self.choices)}")
        else:
            value = str(value)
            if self.choices and value not in self.choices:
                raise InputError(f"{where}: must be one of {', '.join(self.choices)}")
        return value

    def _number(self, value: Any, where: str) -> float | int:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise InputError(f"{where}: not a number") from None
        if not math.isfinite(number):
            raise InputError(f"{where}: must be finite")
        if self.kind == "int":
            if number != int(number):
                raise InputError(f"{where}: must be a whole number")
            number = int(number)
        if self.minimum is not None:
            if self.exclusive_minimum and number <= self.minimum:
                raise InputError(f"{where}: must be > {self.minimum:g}")
            if number < self.minimum:
                raise InputError(f"{where}: must be >= {self.minimum:g}")
        if self.maximum is not None and number > self.maximum:
            raise InputError(f"{where}: must be <= {self.maximum:g}")
        return number

    @staticmethod
    def _bool(value: Any, where: str) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "yes", "1", "on"):
            return True
        if text in ("false", "no", "0", "off"):
            return False
        raise InputError(f"{where}: must be true or false")


@dataclass(frozen=True)
class Applicability:
    """Whether a measure applies to a model, and if not, why."""

    applies: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.applies


@dataclass
class ApplyContext:
    """What a measure may need beyond the model.

    Attributes
    ----------
    component_sizes : DataFrame, optional
        The baseline's ``ComponentSizes`` (:attr:`retrofit.results.Results.component_sizes`):
        measures that replace equipment size the new equipment to the capacity it replaces.
    weather_path : Path, optional
        The EPW of the study (e.g. to pick the hottest days for demand response).
    """

    component_sizes: pd.DataFrame | None = None
    weather_path: Path | None = None


@dataclass
class MeasureResult:
    """The outcome of :meth:`Measure.apply`.

    Attributes
    ----------
    model : eppy IDF
        The transformed copy.
    quantities : dict
        What the measure touched, names with units (``wall_area_m2``, ``pv_capacity_kwp``).
    details : dict
        Measure-specific facts for reports (e.g. U-values before and after, per construction).
    notes : list of str
        One-line remarks (what was skipped and why).
    """

    model: Any
    quantities: dict[str, float]
    details: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def copy_model(idf):
    """An independent copy of an eppy model (edits to it leave ``idf`` untouched)."""
    return idf_from_text(idf_to_text(idf))


class Measure:
    """Base class of the built-in measures.

    Subclasses set :attr:`name`, :attr:`parameters`, :attr:`objects` (the EnergyPlus objects
    touched, for the listing) and implement :meth:`check` and :meth:`transform`.

    Parameters
    ----------
    params : mapping, optional
        Parameter values; the rest take the catalogue's defaults. Unknown names are an error.
    catalogue : Catalogue, optional
        Default: the package catalogue.
    """

    name: ClassVar[str] = ""
    parameters: ClassVar[tuple[Parameter, ...]] = ()
    objects: ClassVar[str] = ""

    def __init__(
        self, params: Mapping[str, Any] | None = None, *, catalogue: Catalogue | None = None
    ):
        self.entry: CatalogueEntry = (catalogue or default_catalogue()).entry(self.name)
        self.given = frozenset(params or {})
        self.params = self._resolve(dict(params or {}))
        self.validate_together(self.params)

    # -- parameters ------------------------------------------------------------------------

    def _resolve(self, given: dict[str, Any]) -> dict[str, Any]:
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise InputError(
                f"measure {self.name}: unknown parameter {unknown[0]!r} "
                f"(parameters: {', '.join(known)})"
            )
        values = {}
        for name, parameter in known.items():
            if name in given:
                raw = given[name]
            elif name in self.entry.defaults:
                raw = self.entry.defaults[name].value
            else:
                raw = None
            values[name] = parameter.validate(raw, self.name)
        return values

    def validate_together(self, params: dict[str, Any]) -> None:
        """Checks across parameters (override; raise InputError naming the parameters)."""

    @property
    def sources(self) -> dict[str, Sourced]:
        """The catalogue sources of the defaults in use (parameters the user did not set)."""
        return dict(self.entry.defaults)

    # -- the transformation ----------------------------------------------------------------

    def check(self, idf, context: ApplyContext | None = None) -> Applicability:
        """Whether the measure applies to ``idf``; override."""
        return Applicability(True)

    def transform(self, idf, context: ApplyContext) -> MeasureResult:
        """Edit ``idf`` (already a copy) in place and report what changed; override."""
        raise NotImplementedError

    def apply(
        self, idf, context: ApplyContext | None = None, *, inplace: bool = False
    ) -> MeasureResult:
        """Return a transformed copy of ``idf`` and the quantities touched.

        Parameters
        ----------
        inplace : bool
            Edit ``idf`` itself instead of a copy (for callers that already hold a private
            copy, like the study runner; saves one model copy per measure).

        Raises
        ------
        NotApplicable
            The check failed; the message says why.
        """
        context = context or ApplyContext()
        verdict = self.check(idf, context)
        if not verdict:
            raise NotApplicable(f"measure {self.name} does not apply: {verdict.reason}")
        return self.transform(idf if inplace else copy_model(idf), context)

    # -- economics -------------------------------------------------------------------------

    @property
    def cost_model(self) -> CostModel:
        return self.entry.cost

    @property
    def lifetime_years(self) -> float:
        return float(self.entry.lifetime_years.value)

    def capex_rmb(self, quantities: Mapping[str, float]) -> float:
        """Capital cost of the quantities :meth:`apply` reported [RMB]."""
        return self.cost_model.capex_rmb(quantities)

    def om_change_rmb_per_year(self, quantities: Mapping[str, float]) -> float:
        """Change in annual operation and maintenance cost [RMB/a] (0 without a catalogue entry)."""
        om = self.entry.om_rmb_per_unit
        if om is None:
            return 0.0
        return float(om.value) * float(quantities.get(self.cost_model.basis, 0.0))

    def assumptions(self) -> list[str]:
        """Unverified catalogue values this measure uses (defaults the user did not override)."""
        return self.entry.unverified(exclude=self.given)

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{type(self).__name__}({params})"


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------

MEASURES: dict[str, type[Measure]] = {}


def register(cls: type[Measure]) -> type[Measure]:
    """Class decorator: make a measure available by its ``name``."""
    if not cls.name:
        raise ValueError(f"{cls.__name__}: a measure needs a name")
    MEASURES[cls.name] = cls
    return cls


def get_measure(name: str) -> type[Measure]:
    """The measure class registered as ``name``."""
    from retrofit import measures  # noqa: F401 - importing registers the built-ins

    try:
        return MEASURES[name]
    except KeyError:
        raise InputError(
            f"measure {name!r}: unknown (known: {', '.join(sorted(MEASURES))}; "
            "a measure of your own is 'file.py:function')"
        ) from None


def make_measure(
    name: str,
    params: Mapping[str, Any] | None = None,
    *,
    catalogue: Catalogue | None = None,
    base_dir: str | os.PathLike | None = None,
) -> Measure:
    """A measure by registered name or ``"file.py:function"`` (resolved against ``base_dir``)."""
    if ":" in name and name.split(":", 1)[0].endswith(".py"):
        return load_user_measure(name, params, base_dir=base_dir, catalogue=catalogue)
    return get_measure(name)(params, catalogue=catalogue)


# --------------------------------------------------------------------------------------------
# A user's own measure
# --------------------------------------------------------------------------------------------


class UserMeasure(Measure):
    """A Python callable wrapped as a measure.

    The callable takes the model copy and keyword parameters, edits the copy in place, and
    returns a dict of quantities (or None). Its cost and lifetime come from a catalogue entry
    named like the callable (``[function_name]`` in the user's catalogue file); without one the
    cost is 0 and the lifetime must be given as ``lifetime_years`` in the parameters.
    """

    def __init__(
        self,
        func: Callable[..., Mapping[str, float] | None],
        params: Mapping[str, Any] | None = None,
        *,
        label: str,
        catalogue: Catalogue | None = None,
    ):
        self.func = func
        self.name = func.__name__
        self.label = label
        params = dict(params or {})
        self.given = frozenset(params)
        lifetime = params.pop("lifetime_years", None)
        catalogue = catalogue or default_catalogue()
        if self.name in catalogue:
            self.entry = catalogue.entry(self.name)
        else:
            if lifetime is None:
                raise InputError(
                    f"measure {label}: no catalogue entry [{self.name}]; give lifetime_years"
                )
            years = Parameter("lifetime_years", "", minimum=0, exclusive_minimum=True)
            self.entry = CatalogueEntry(
                name=self.name,
                title=(inspect.getdoc(func) or self.name).splitlines()[0],
                applies_to="(user measure)",
                defaults={},
                cost=CostModel("none", Sourced(0.0, "user measure without cost", False)),
                lifetime_years=Sourced(years.validate(lifetime, label), "user parameter", False),
            )
        signature = inspect.signature(func)
        accepts_any = any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values())
        known = [p for p in list(signature.parameters)[1:]]
        unknown = [k for k in params if k not in known and not accepts_any]
        if unknown:
            raise InputError(
                f"measure {label}: unknown parameter {unknown[0]!r} "
                f"(parameters: {', '.join(known)})"
            )
        self.params = params

    def transform(self, idf, context: ApplyContext) -> MeasureResult:
        try:
            quantities = self.func(idf, **self.params) or {}
        except InputError:
            raise
        except Exception as exc:
            raise InputError(f"measure {self.label} failed: {type(exc).__name__}: {exc}") from exc
        return MeasureResult(idf, {k: float(v) for k, v in dict(quantities).items()})


def load_user_measure(
    spec: str,
    params: Mapping[str, Any] | None = None,
    *,
    base_dir: str | os.PathLike | None = None,
    catalogue: Catalogue | None = None,
) -> UserMeasure:
    """Load ``"path/to/file.py:function"`` (relative to ``base_dir``) as a measure."""
    file_part, _, func_name = spec.partition(":")
    path = Path(file_part)
    if not path.is_absolute() and base_dir is not None:
        path = Path(base_dir) / path
    if not path.is_file():
        raise InputError(f"measure {spec}: {path}: no such file")
    module_name = f"retrofit_user_measure_{abs(hash(str(path.resolve())))}"
    module_spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(module_spec)
    try:
        module_spec.loader.exec_module(module)
    except Exception as exc:
        raise InputError(f"measure {spec}: {path} failed to import: {exc}") from exc
    func = getattr(module, func_name, None)
    if not callable(func):
        raise InputError(f"measure {spec}: {path} has no function {func_name!r}")
    return UserMeasure(func, params, label=spec, catalogue=catalogue)
