"""Lab test data: a shipped preset without loading the whole course."""

from __future__ import annotations

from pathlib import Path

import yaml

from course.lab.models import ScenarioPreset
from tests.factories import make_lesson

SCENARIOS = Path(__file__).resolve().parents[2] / "content" / "lambda-best-practices" / "scenarios"


def make_shipped_preset(slug: str) -> ScenarioPreset:
    """Create the shipped preset `slug` (and a lesson for it) from its file."""
    data = yaml.safe_load((SCENARIOS / f"{slug}.yaml").read_text(encoding="utf-8"))
    lesson = make_lesson(slug=data.get("lesson", "lesson"))
    return ScenarioPreset.objects.create(
        module=lesson.module,
        lesson=lesson,
        slug=slug,
        title=data["title"],
        goal=data["goal"],
        knobs=data.get("knobs", []),
        challenge=data.get("challenge") or {},
        scenario=data["scenario"],
    )
