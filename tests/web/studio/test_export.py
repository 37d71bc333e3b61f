"""`exportcourse` writes the database back to files; loading the export gives the same course."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import models

from course.lab.models import ScenarioPreset
from course.loading import load_course
from course.models import ContentState, Lesson, Module
from quizzes.models import Choice, Question, Quiz

pytestmark = pytest.mark.django_db

# Where a record came from (file and line) may change in the export; what it says may not.
SKIPPED = {"id", "updated_at", "source_path", "checksum", "edited_at", "markdown", "source_yaml"}


def rows(model: type[models.Model], *order: str) -> list[dict[str, Any]]:
    names = [f.attname for f in model._meta.concrete_fields if f.attname not in SKIPPED]
    keyed = []
    for row in model._default_manager.order_by(*order).values(*names):
        keyed.append({k: v for k, v in row.items() if not k.endswith("_id")})
    return keyed


def course_records() -> dict[str, Any]:
    return {
        "modules": rows(Module, "slug"),
        "lessons": rows(Lesson, "module__slug", "slug"),
        "presets": rows(ScenarioPreset, "module__slug", "slug"),
        "questions": rows(Question, "module__slug", "key"),
        "choices": rows(Choice, "question__module__slug", "question__key", "order"),
        "quizzes": rows(Quiz, "module__slug", "slug"),
        "question_lessons": list(
            Question.objects.order_by("module__slug", "key").values_list("key", "lesson__slug")
        ),
        "preset_lessons": list(
            ScenarioPreset.objects.order_by("slug").values_list("slug", "lesson__slug")
        ),
    }


def test_load_export_load_gives_the_same_course(course_content, tmp_path: Path):
    before = course_records()
    assert len(before["lessons"]) >= 10
    assert len(before["questions"]) >= 50
    call_command("exportcourse", str(tmp_path), stdout=io.StringIO())
    Module.objects.all().delete()  # a fresh database (cascades to every content record)
    load_course(tmp_path)
    assert course_records() == before


def test_an_export_keeps_drafts_and_studio_edits(course_content, tmp_path: Path):
    module = Module.objects.get()
    Lesson.objects.create(
        module=module,
        slug="written-in-the-studio",
        title="Written in the studio",
        order=99,
        minutes=3,
        state=ContentState.DRAFT,
        markdown=(
            "---\nslug: written-in-the-studio\ntitle: Written in the studio\norder: 99\n"
            "minutes: 3\nobjectives:\n  - Round trip\nstate: draft\n---\n\nFrom the studio.\n"
        ),
    )
    call_command("exportcourse", str(tmp_path), stdout=io.StringIO())
    load_course(tmp_path, force=True, prune=True)
    new = Lesson.objects.get(slug="written-in-the-studio")
    assert new.state == ContentState.DRAFT
    assert "From the studio." in new.html


def test_a_preset_edited_in_the_studio_round_trips_through_export(course_content, tmp_path):
    from course.studio.services.presets import check_preset, preset_yaml, save_preset

    preset = ScenarioPreset.objects.select_related("module").get(slug="cold-then-warm")
    text = (
        preset_yaml(preset)
        .replace("title: Cold start, then a warm start", "title: Edited in the studio")
        .replace("DurationMs: 100", "DurationMs: 120")
    )
    check = check_preset(preset.module, text, slug=preset.slug, editing=preset)
    save_preset(preset.module, text, check, editing=preset)
    before = course_records()
    call_command("exportcourse", str(tmp_path), stdout=io.StringIO())
    (written,) = tmp_path.glob("*/scenarios/cold-then-warm.yaml")
    assert written.read_text(encoding="utf-8") == text
    Module.objects.all().delete()
    load_course(tmp_path)
    assert course_records() == before
    loaded = ScenarioPreset.objects.get(slug="cold-then-warm")
    assert loaded.title == "Edited in the studio"
    assert loaded.scenario["Code"]["DurationMs"] == 120
