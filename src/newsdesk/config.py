"""Settings: shipped defaults (``defaults.toml``), a user TOML file, ``--set`` overrides.

Every threshold the pipeline uses lives in ``defaults.toml`` with a comment
saying where its value comes from. A user file or ``--set section.key=value``
may change a value but not invent a key: a typo is an error, not a silent no-op.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from .errors import ConfigError


def defaults() -> dict[str, Any]:
    """The shipped settings (a fresh copy: callers may change it)."""
    return copy.deepcopy(_shipped())


@functools.lru_cache(maxsize=1)
def _shipped() -> dict[str, Any]:
    return tomllib.loads(resources.files("newsdesk").joinpath("defaults.toml").read_text(encoding="utf-8"))


class StepSettings:
    """Mixin of a step's settings dataclass: ``from_config`` lays a config section over the
    shipped ``[section]`` defaults and keeps the keys the dataclass declares."""

    section = ""

    @classmethod
    def from_config(cls, config: dict | None = None, **changes):
        names = {field.name for field in dataclasses.fields(cls)}
        values = {**_shipped().get(cls.section, {}), **(config or {}), **changes}
        return cls(**{key: value for key, value in values.items() if key in names})


def load(path: str | Path | None = None, overrides: Iterable[str] = ()) -> dict[str, Any]:
    """Defaults, updated by the TOML file at ``path`` and then by ``key=value`` overrides."""
    config = defaults()
    if path is not None:
        try:
            user = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file {path} does not exist; pass an existing TOML file to --config") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML ({exc}); fix the line it names") from None
        merge(config, user)
    for item in overrides:
        merge(config, parse_override(item))
    return config


def parse_override(item: str) -> dict[str, Any]:
    """``"dedup.threshold=0.85"`` → ``{"dedup": {"threshold": 0.85}}`` (value read as TOML, else a string)."""
    key, sep, raw = item.partition("=")
    key = key.strip()
    if not sep or not key or any(not part for part in key.split(".")):
        raise ConfigError(f"--set expects section.key=value, got {item!r}")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    result: dict[str, Any] = {}
    node = result
    parts = key.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return result


def merge(base: dict[str, Any], update: dict[str, Any], prefix: str = "") -> None:
    """Merge ``update`` into ``base`` in place; unknown keys and type changes are errors."""
    for key, value in update.items():
        name = f"{prefix}{key}"
        if key not in base:
            known = ", ".join(sorted(base)) or "none"
            raise ConfigError(f"unknown setting '{name}'; known keys here: {known}")
        current = base[key]
        if isinstance(current, dict):
            if not isinstance(value, dict):
                raise ConfigError(
                    f"setting '{name}' is a section; set one of its keys, e.g. {name}.{next(iter(current), 'key')}=..."
                )
            merge(current, value, f"{name}.")
            continue
        if not _same_kind(current, value):
            raise ConfigError(f"setting '{name}' expects {type(current).__name__}, got {value!r}")
        base[key] = copy.deepcopy(value) if not isinstance(current, float) else float(value)


def _same_kind(current: Any, value: Any) -> bool:
    if isinstance(current, bool) or isinstance(value, bool):
        return isinstance(current, bool) and isinstance(value, bool)
    if isinstance(current, float):
        return isinstance(value, (int, float))
    return isinstance(value, type(current))
