"""Redaction policy: which operator each entity type gets, read from a small TOML (or YAML) file.

A policy file::

    name = "my-policy"
    default = "redact"            # operator of the entity types not listed (default: redact)

    [entities]
    PERSON = "pseudonym"                                  # an operator name ...
    FR_NIR = { operator = "pseudonym", reversible = true } # ... or a table of options
    DATE_OF_BIRTH = { operator = "generalise", level = 1 }
    DATE_TIME = { operator = "shift", days = [-90, 90] }
    PHONE_NUMBER = "fake"

    [shift]
    days = [-365, 365]            # range of the per-person date shift, in days (dates move
                                  # back by the absolute value: 1 to 365 days earlier)

    [quasi_identifiers]           # for the k-anonymity / l-diversity report
    sex = ["sexe", "sex"]         # header words of the sex column
    age = ["age"]                 # header words of an age column (generalised to 5-year bands)
    sensitive = ["HEALTH_CONDITION"]

Operators (:mod:`sentinelle.redact.operators`): ``keep``, ``mask`` (options ``char``,
``keep_last``), ``drop`` (empty the value), ``redact`` (a label such as ``<EMAIL_ADDRESS>``),
``pseudonym`` (keyed HMAC token; ``reversible = true`` makes it deterministic AES-SIV encryption
that ``sentinelle reidentify`` can reverse; option ``length``), ``fake`` (format-preserving,
valid-looking, deterministic under the key), ``shift`` (dates moved back by a keyed per-person
number of days, the absolute value of a draw in ``days``: a shifted date is never later than
the original, so never in the future nor after the input's latest date; option ``days``),
``generalise`` (``level`` 1: birth date -> year, postcode ->
department ``75***``, age -> 5-year band; ``level`` 2: date -> decade, postcode -> region).

``default`` takes an operator name or a table of options, as an entity does. Options given to
an operator that does not use them are accepted and ignored; ``reversible`` is refused on any
operator but ``pseudonym``. README, "Policy files", has the same reference with a worked example.

Presets ``share``, ``research`` and ``test-data`` are TOML files shipped in
``sentinelle/data/policies/`` (copy one to start a policy of your own). Every problem of a file is
reported at once in one :class:`~sentinelle.errors.ConfigError`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from sentinelle.entities import ENTITIES
from sentinelle.errors import ConfigError

OPERATORS = ("keep", "mask", "drop", "redact", "pseudonym", "fake", "shift", "generalise")
PRESETS = ("share", "research", "test-data")
#: the pseudo-entity of an age column picked by its header (k-anonymity quasi-identifier)
AGE = "AGE"
_OPTIONS = {"operator", "reversible", "level", "days", "char", "keep_last", "length"}
DEFAULT_DAYS = (-365, 365)


@dataclass(frozen=True, slots=True)
class OperatorSpec:
    """One entity's operator and its options (see the module docstring)."""

    operator: str = "redact"
    reversible: bool = False
    level: int = 1
    days: tuple[int, int] | None = None  # None: the policy's [shift] days
    char: str = "*"
    keep_last: int = 0
    length: int = 12


@dataclass(frozen=True, slots=True)
class Policy:
    """A redaction policy: ``default`` operator, per-entity operators, shift range and the
    quasi-identifier settings of the k-anonymity report."""

    name: str = "custom"
    default: OperatorSpec = OperatorSpec()
    entities: Mapping[str, OperatorSpec] = field(default_factory=lambda: MappingProxyType({}))
    days: tuple[int, int] = DEFAULT_DAYS
    sex_headers: tuple[str, ...] = ("sexe", "sex", "genre", "gender", "civilite")
    age_headers: tuple[str, ...] = ("age",)
    sensitive: tuple[str, ...] = ("HEALTH_CONDITION",)

    def spec(self, entity: str) -> OperatorSpec:
        """The operator of ``entity`` (the default one when it is not listed)."""
        return self.entities.get(entity, self.default)

    def shift_days(self, spec: OperatorSpec) -> tuple[int, int]:
        return spec.days or self.days

    @property
    def makes_fakes(self) -> bool:
        """True when some entity gets a format-preserving fake (then a re-scan of the output
        may find valid identifiers by design)."""
        return self.default.operator == "fake" or any(
            s.operator == "fake" for s in self.entities.values())

    @property
    def reversible(self) -> bool:
        return self.default.reversible or any(s.reversible for s in self.entities.values())

    def with_entity(self, entity: str, spec: OperatorSpec) -> "Policy":
        merged = dict(self.entities)
        merged[entity] = spec
        return replace(self, entities=MappingProxyType(merged))


def _spec(value: Any, where: str, problems: list[str]) -> OperatorSpec | None:
    if isinstance(value, str):
        value = {"operator": value}
    if not isinstance(value, dict):
        problems.append(f"{where}: an operator name or a table with 'operator'")
        return None
    unknown = set(value) - _OPTIONS
    if unknown:
        problems.append(f"{where}: unknown option(s) {', '.join(sorted(unknown))}")
    op = value.get("operator")
    if op not in OPERATORS:
        problems.append(f"{where}: unknown operator {op!r} (one of {', '.join(OPERATORS)})")
        return None
    kwargs: dict[str, Any] = {"operator": op}
    rev = value.get("reversible", False)
    if not isinstance(rev, bool):
        problems.append(f"{where}: reversible must be true or false")
    elif rev and op != "pseudonym":
        problems.append(f"{where}: reversible applies to the pseudonym operator only")
    else:
        kwargs["reversible"] = rev
    for key, lo, hi in (("level", 1, 2), ("keep_last", 0, 64), ("length", 8, 64)):
        if key in value:
            v = value[key]
            if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
                problems.append(f"{where}: {key} must be an integer from {lo} to {hi}")
            else:
                kwargs[key] = v
    if "char" in value:
        if not isinstance(value["char"], str) or len(value["char"]) != 1:
            problems.append(f"{where}: char must be one character")
        else:
            kwargs["char"] = value["char"]
    if "days" in value:
        days = _days(value["days"], f"{where}: days", problems)
        if days is not None:
            kwargs["days"] = days
    return OperatorSpec(**kwargs)


def _days(value: Any, where: str, problems: list[str]) -> tuple[int, int] | None:
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            or value[0] > value[1] or value[0] == value[1] == 0
            or max(abs(value[0]), abs(value[1])) > 36525):
        problems.append(f"{where} must be [min, max] days, min <= max, not both 0, "
                        f"within 100 years")
        return None
    return int(value[0]), int(value[1])


def _words(value: Any, where: str, problems: list[str]) -> tuple[str, ...] | None:
    if not (isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)):
        problems.append(f"{where} must be a list of non-empty strings")
        return None
    return tuple(v.strip() for v in value)


def parse_policy(data: Mapping[str, Any], origin: str) -> Policy:
    """A :class:`Policy` from the parsed file ``data``; raises :class:`ConfigError` listing
    every problem, prefixed with ``origin``."""
    problems: list[str] = []
    known = {"name", "default", "entities", "shift", "quasi_identifiers"}
    for key in data:
        if key not in known:
            problems.append(f"unknown key {key!r}")
    name = data.get("name", "custom")
    if not isinstance(name, str):
        problems.append("name must be a string")
        name = "custom"
    default = _spec(data.get("default", "redact"), "default", problems) or OperatorSpec()
    entities: dict[str, OperatorSpec] = {}
    table = data.get("entities", {})
    if not isinstance(table, dict):
        problems.append("[entities] must be a table")
        table = {}
    for label, value in table.items():
        if label not in ENTITIES and label != AGE:
            problems.append(f"[entities]: unknown entity type {label!r}")
            continue
        spec = _spec(value, f"[entities] {label}", problems)
        if spec is not None:
            entities[label] = spec
    days = DEFAULT_DAYS
    shift = data.get("shift", {})
    if not isinstance(shift, dict):
        problems.append("[shift] must be a table")
    elif "days" in shift:
        days = _days(shift["days"], "[shift] days", problems) or DEFAULT_DAYS
    qi = data.get("quasi_identifiers", {})
    kw: dict[str, Any] = {}
    if not isinstance(qi, dict):
        problems.append("[quasi_identifiers] must be a table")
        qi = {}
    for key, attr in (("sex", "sex_headers"), ("age", "age_headers"), ("sensitive", "sensitive")):
        if key in qi:
            words = _words(qi[key], f"[quasi_identifiers] {key}", problems)
            if words is not None:
                kw[attr] = words
    for key in qi:
        if key not in ("sex", "age", "sensitive"):
            problems.append(f"[quasi_identifiers]: unknown key {key!r}")
    for label in kw.get("sensitive", ()):
        if label not in ENTITIES:
            problems.append(f"[quasi_identifiers] sensitive: unknown entity type {label!r}")
    if problems:
        raise ConfigError(f"{origin}: " + "; ".join(problems))
    return Policy(name, default, MappingProxyType(entities), days, **kw)


def preset_text(name: str) -> str:
    """The TOML text of a shipped preset; raises :class:`ConfigError` for an unknown name."""
    if name not in PRESETS:
        raise ConfigError(f"unknown policy preset {name!r} (share, research or test-data)")
    from sentinelle import data

    return data.path(f"policies/{name}.toml").read_text(encoding="utf-8")


def load_policy(spec: str | Path) -> Policy:
    """A preset name (``share``, ``research``, ``test-data``) or a policy file (``.toml``;
    ``.yaml`` / ``.yml`` when PyYAML is installed). Raises :class:`ConfigError`."""
    text_spec = str(spec)
    if text_spec in PRESETS:
        return parse_policy(tomllib.loads(preset_text(text_spec)), f"preset {text_spec}")
    path = Path(spec)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read policy ({exc.strerror or type(exc).__name__}); "
                          f"presets are share, research, test-data") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: policy file is not UTF-8 text") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            raise ConfigError(f"{path}: YAML policies need PyYAML (pip install pyyaml); "
                              f"or write the policy in TOML") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            raise ConfigError(f"{path}: invalid YAML{where}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: a policy is a mapping of keys")
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML ({exc})") from None
    return parse_policy(data, str(path))
