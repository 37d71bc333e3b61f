"""Load a scenario from a YAML or JSON file: a bare scenario or a preset with `scenario:`.

The keys of a preset file are defined here, once: the course loader (`course/content/presets.py`)
checks the same keys, and checks what they say (knobs, challenge, metrics …) against the lab;
this command line accepts every one of them and simulates the `scenario`. Problems are reported
as `path:line: message`, like the loader's.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path

import yaml

from .errors import ScenarioError
from .scenario import Scenario

PRESET_KEYS = (
    "title",
    "goal",
    "lesson",
    "summary",
    "knobs",
    "challenge",
    "metrics",
    "answers",
    "scenario",
)
REQUIRED_PRESET_KEYS = ("title", "goal", "lesson", "scenario")


class ScenarioFileError(ScenarioError):
    """A scenario file's problem, with the file and the line it is on."""

    def __init__(self, path: str, line: int | None, field: str, message: str) -> None:
        super().__init__(field, message)
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        self.args = (f"{where}: {field + ': ' if field else ''}{message}",)

    def __str__(self) -> str:
        return str(self.args[0])


def load_scenario_file(path: str | Path) -> Scenario:
    """Read a scenario or preset file; raise `ScenarioFileError` naming the file and line.

    A preset's keys other than `scenario` are accepted and not simulated (the course loader
    checks them); an unknown or missing key is an error.
    """
    shown = str(path)
    text = Path(path).read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        _check_duplicates(node, shown)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = None if mark is None else mark.line + 1
        what = " ".join(part for part in (error.context, error.problem) if part)
        raise ScenarioFileError(shown, line, "", f"YAML syntax error: {what}") from None
    except yaml.YAMLError as error:
        raise ScenarioFileError(shown, None, "", f"YAML syntax error: {error}") from None
    if not isinstance(data, Mapping):
        raise ScenarioFileError(shown, 1, "", "expected a mapping at the top level")
    prefix = ""
    scenario: object = data
    if "scenario" in data:
        _check_preset_keys(data, node, shown)
        scenario, prefix = data["scenario"], "scenario"
        if not isinstance(scenario, Mapping):
            raise ScenarioFileError(
                shown, _line(node, "scenario"), "scenario", "expected a mapping"
            )
    try:
        return Scenario.from_dict(scenario)  # type: ignore[arg-type]
    except ScenarioError as error:
        dotted = ".".join(part for part in (prefix, error.field) if part)
        raise ScenarioFileError(
            shown, _line(node, dotted) or 1, error.field, error.message
        ) from None


def _check_preset_keys(data: Mapping[object, object], node: yaml.Node | None, path: str) -> None:
    for key in data:
        if key not in PRESET_KEYS:
            close = difflib.get_close_matches(str(key), PRESET_KEYS, n=1, cutoff=0.6)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            raise ScenarioFileError(
                path,
                _line(node, str(key)),
                "",
                f"unknown key `{key}` in the preset{hint}; allowed keys: "
                + ", ".join(sorted(PRESET_KEYS)),
            )
    for key in REQUIRED_PRESET_KEYS:
        if key not in data:
            raise ScenarioFileError(path, 1, "", f"the preset is missing `{key}`")


def _check_duplicates(node: yaml.Node | None, path: str) -> None:
    """Refuse a mapping that repeats a key (YAML would silently keep the last one)."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                raise ScenarioFileError(
                    path,
                    key.start_mark.line + 1,
                    "",
                    f"duplicate key `{name}` (a key may appear once)",
                )
            seen.add(name)
            _check_duplicates(value, path)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_duplicates(item, path)


def _line(node: yaml.Node | None, dotted: str) -> int | None:
    """Return the line of a field path such as `scenario.Function.MemorySize` or `Events[2]`."""
    line = None
    for part in re.findall(r"[^.\[\]]+", dotted):
        if isinstance(node, yaml.MappingNode):
            match = next((pair for pair in node.value if str(pair[0].value) == part), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
            node = node.value[int(part)]
            line = node.start_mark.line + 1
        else:
            break
    return line
