"""Read sandbox presets (`scenarios/<slug>.yaml`) and check them with the engine if present."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from typing import Any

from .errors import ProblemLog
from .fields import Fields, did_you_mean, is_slug, known_list
from .sources import PresetSource
from .yaml_loader import MarkedDict, MarkedList, load_yaml, plain

PRESET_KEYS = ("title", "goal", "lesson", "summary", "knobs", "challenge", "scenario")

ScenarioCheck = Callable[[dict[str, Any]], None]


def read_preset_header(text: str, *, slug: str, path: str, log: ProblemLog) -> Fields | None:
    """Parse a preset file and check its keys; return its fields, or None if unreadable."""
    if not is_slug(slug):
        log.add(
            path, None, f"the file name `{slug}` must be a lowercase slug, like `cold-then-warm`"
        )
    before = len(log)
    data = load_yaml(text, path=path, log=log)
    if len(log) > before:
        return None
    if not isinstance(data, MarkedDict):
        log.add(
            path, 1, "a preset file must be a mapping with `title`, `goal`, `lesson`, `scenario`"
        )
        return None
    fields = Fields(data, path, log, "the preset")
    fields.check_keys(required=["title", "goal", "lesson", "scenario"], optional=PRESET_KEYS)
    return fields


def build_preset(
    fields: Fields,
    *,
    slug: str,
    lessons: Mapping[str, str],
    check_scenario: ScenarioCheck | None,
) -> PresetSource | None:
    """Return the preset from its checked fields, recording problems in the fields' log."""
    before = len(fields.log)
    title = fields.text("title")
    goal = fields.text("goal")
    lesson = fields.slug("lesson")
    if lesson is not None and lesson not in lessons:
        fields.problem(
            "lesson",
            f"unknown lesson `{lesson}`{did_you_mean(lesson, lessons)}; "
            f"lessons in this module: {known_list(lessons)}",
        )
    summary = fields.text("summary", default="")
    challenge = fields.mapping("challenge")
    knobs = fields.data.get("knobs") or []
    if not isinstance(knobs, list):
        fields.problem("knobs", "`knobs` must be a list")
        knobs = []
    scenario = fields.mapping("scenario")
    if scenario is not None and check_scenario is not None:
        _check(scenario, fields, check_scenario)
    if len(fields.log) > before or None in (title, goal, lesson, scenario):
        return None
    assert title
    assert goal
    assert lesson
    assert scenario is not None
    return PresetSource(
        slug=slug,
        title=title,
        goal=goal,
        lesson=lesson,
        summary=summary or "",
        knobs=tuple(plain(knob) for knob in knobs),
        challenge=dict(plain(challenge or {})),  # type: ignore[call-overload]
        scenario=dict(plain(scenario)),  # type: ignore[call-overload]
        source_path=fields.path,
    )


def _check(scenario: MarkedDict, fields: Fields, check_scenario: ScenarioCheck) -> None:
    """Run the engine's own validation and turn its error into a problem at the right line."""
    try:
        check_scenario(dict(plain(scenario)))  # type: ignore[call-overload]
    except Exception as error:  # an engine bug must not hide other problems
        field = getattr(error, "field", None)
        message = str(error) or type(error).__name__
        if field and str(field) not in message:
            message = f"{field}: {message}"
        if type(error).__name__ != "ScenarioError":
            message = (
                f"the sandbox engine failed on this scenario ({type(error).__name__}: {message})"
            )
        else:
            message = f"invalid scenario: {message}"
        line = _line_of_field(scenario, str(field)) if field else fields.line("scenario")
        fields.log.add(fields.path, line or fields.line("scenario"), message)


def _line_of_field(scenario: MarkedDict, field: str) -> int | None:
    """Return the line of a dotted field path such as `function.memory_mb` or `events[2].id`."""
    node: object = scenario
    line: int | None = None
    for part in re.findall(r"[^.\[\]]+", field):
        if isinstance(node, MarkedDict) and part in node:
            line = node.line_of(part)
            node = node[part]
        elif isinstance(node, MarkedList) and part.isdigit() and int(part) < len(node):
            line = node.line_of(int(part))
            node = node[int(part)]
        else:
            break
    return line


def engine_scenario_check() -> ScenarioCheck | None:
    """Return `course.sandbox.Scenario.from_dict` when the engine provides it, else None."""
    try:
        sandbox = importlib.import_module("course.sandbox")
    except ImportError:
        return None
    scenario_class = getattr(sandbox, "Scenario", None)
    from_dict = getattr(scenario_class, "from_dict", None)
    if not callable(from_dict):
        return None

    def check(data: dict[str, Any]) -> None:
        from_dict(data)

    return check
