"""Write a module's sandbox presets when the course is loaded (see `course.loading`)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from course.content import ModuleSource
from course.loading import LoadSummary, module_loaded
from course.models import Lesson, Module

from .models import ScenarioPreset


@receiver(module_loaded, dispatch_uid="lab.load_presets")
def load_presets(
    *,
    module: Module,
    source: ModuleSource,
    lessons: dict[str, Lesson],
    summary: LoadSummary,
    **kwargs: Any,
) -> None:
    """Upsert the module's presets; retire those its files no longer have."""
    for item in source.presets:
        ScenarioPreset.objects.update_or_create(
            module=module,
            slug=item.slug,
            defaults={
                "lesson": lessons.get(item.lesson),
                "title": item.title,
                "goal": item.goal,
                "summary": item.summary,
                "knobs": list(item.knobs),
                "challenge": item.challenge or {},
                "metrics": [dict(spec) for spec in item.metrics],
                "answers": list(item.answers),
                "scenario": item.scenario,
                "source_path": item.source_path,
                "is_active": True,
            },
        )
    summary.presets += len(source.presets)
    ScenarioPreset.objects.filter(module=module).exclude(
        slug__in=[item.slug for item in source.presets]
    ).update(is_active=False)
