"""The studio's part of `loadcourse`: name the questions and presets edited and the analogies
declared in the browser before a load, and let the files be the source again after it (see
`course.loading`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.dispatch import receiver

from course.lab.models import ScenarioPreset
from course.loading import browser_edits_requested, module_loaded
from course.models import Module
from quizzes.models import Question

from .models import StudioAnalogy


@receiver(browser_edits_requested, dispatch_uid="studio.edited_questions")
def edited_questions(**kwargs: Any) -> list[str]:
    edited = Q(edited_at__isnull=False) | Q(draft_saved_at__isnull=False)  # drafts count too
    rows = Question.objects.filter(edited).order_by("module__slug", "key")
    return [f"question {module}/{key}" for module, key in rows.values_list("module__slug", "key")]


@receiver(browser_edits_requested, dispatch_uid="studio.declared_analogies")
def declared_analogies(**kwargs: Any) -> list[str]:
    rows = StudioAnalogy.objects.order_by("module__slug", "key")
    return [f"analogy {module}/{key}" for module, key in rows.values_list("module__slug", "key")]


@receiver(module_loaded, dispatch_uid="studio.analogies_from_files")
def analogies_from_files(*, module: Module, **kwargs: Any) -> None:
    """After a load the module's `analogies.yaml` is the source: the browser's declarations go
    (a load over them needs `--force`, or they came back in an export's files)."""
    StudioAnalogy.objects.filter(module=module).delete()


@receiver(module_loaded, dispatch_uid="studio.questions_from_files")
def questions_from_files(*, module: Module, **kwargs: Any) -> None:
    """After a load the files are the source again (the version number carries on); drafts
    saved in the studio go with the edits."""
    Question.objects.filter(module=module, edited_at__isnull=False).update(
        edited_at=None, source_yaml=""
    )
    Question.objects.filter(module=module, draft_saved_at__isnull=False).update(
        draft_yaml="", draft_saved_at=None
    )


@receiver(browser_edits_requested, dispatch_uid="studio.edited_presets")
def edited_presets(**kwargs: Any) -> list[str]:
    rows = ScenarioPreset.objects.filter(edited_at__isnull=False).order_by("module__slug", "slug")
    return [f"preset {module}/{slug}" for module, slug in rows.values_list("module__slug", "slug")]


@receiver(module_loaded, dispatch_uid="studio.presets_from_files")
def presets_from_files(*, module: Module, **kwargs: Any) -> None:
    """After a load the preset files are the source again (`course.lab.loading` wrote them)."""
    ScenarioPreset.objects.filter(module=module, edited_at__isnull=False).update(
        edited_at=None, source_yaml=""
    )
