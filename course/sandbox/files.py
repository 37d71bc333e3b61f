"""Load a scenario from a YAML or JSON file: a bare scenario or a preset with `scenario:`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml

from .errors import ScenarioError
from .scenario import Scenario

PRESET_KEYS = frozenset(
    {"title", "goal", "lesson", "summary", "knobs", "challenge", "metrics", "answers", "scenario"}
)


def load_scenario_file(path: str | Path) -> Scenario:
    """Read a scenario file; preset keys other than `scenario` are ignored."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ScenarioError("", f"{path}: not valid YAML/JSON: {error}") from None
    if not isinstance(data, Mapping):
        raise ScenarioError("", f"{path}: expected a mapping at the top level")
    if "scenario" in data:
        unknown = sorted(set(data) - PRESET_KEYS)
        if unknown:
            raise ScenarioError(unknown[0], f"unknown preset key; allowed: {sorted(PRESET_KEYS)}")
        inner = data["scenario"]
        if not isinstance(inner, Mapping):
            raise ScenarioError("scenario", "expected a mapping")
        return Scenario.from_dict(inner)
    return Scenario.from_dict(data)
