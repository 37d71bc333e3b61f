"""Shared helpers for the engine tests: load presets, merge overrides, filter events."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from course.sandbox import Kind, Result, Scenario, TraceEvent, simulate

PRESETS = Path(__file__).resolve().parents[3] / "content" / "lambda-best-practices" / "scenarios"


def merge(base: Any, override: Any) -> Any:
    """Return base with override merged in (mappings recursively, other values replaced)."""
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = merge(base.get(key), value)
        return merged
    return override


def preset(slug: str) -> dict[str, Any]:
    """Return the raw scenario mapping of a preset."""
    data = yaml.safe_load((PRESETS / f"{slug}.yaml").read_text(encoding="utf-8"))
    return dict(data["scenario"])


def run(slug: str, override: Mapping[str, Any] | None = None, **kwargs: bool) -> Result:
    """Simulate a preset, optionally with overrides."""
    data = merge(preset(slug), override or {})
    return simulate(Scenario.from_dict(data), **kwargs)


def run_dict(data: Mapping[str, Any], **kwargs: bool) -> Result:
    """Simulate a scenario mapping."""
    return simulate(Scenario.from_dict(data), **kwargs)


def of(result: Result, kind: Kind, **detail: Any) -> list[TraceEvent]:
    """Return the events of one kind whose fields or details match."""
    found = []
    for event in result.events:
        if event.kind != kind:
            continue
        ok = True
        for key, value in detail.items():
            actual = (
                getattr(event, key)
                if hasattr(event, key) and key != "detail"
                else event.detail.get(key)
            )
            if actual != value:
                ok = False
        if ok:
            found.append(event)
    return found


def listed(event: TraceEvent, key: str) -> list[Any]:
    """Return a list-valued detail of an event."""
    value = event.detail[key]
    assert isinstance(value, list)
    return value
