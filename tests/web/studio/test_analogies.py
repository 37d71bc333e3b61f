"""An analogy declared in the studio: checked as at load, usable at once, exported, reloaded."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pytest
import yaml
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse

from course.loading import BrowserEditsRefused, load_course
from course.models import Lesson, Module
from course.studio.models import StudioAnalogy
from course.studio.services import analogies, lessons
from tests.quizzes_factories import make_bank

from .svgs import ALT, BAD_SCENE, ICON, SCENE

pytestmark = pytest.mark.django_db

FIELDS = {
    "key": "stopwatch",
    "name": "The stopwatch",
    "colour": "teal",
    "icon_svg": ICON,
    "scene_svg": SCENE,
    "alt": ALT,
}

LESSON = """---
slug: timing-with-a-stopwatch
title: Timing with a stopwatch
order: 90
minutes: 4
objectives:
  - Time a cold start
---

## Timing

::: analogy stopwatch
The watch starts once and times each lap.

Where it breaks down: a stopwatch never freezes between laps.
:::
"""


def lesson_for(module: Module) -> str:
    """LESSON at an order no lesson of the module has (the factories' orders come from a
    counter, so a fixed 90 would clash with the module that happens to get lesson order 90)."""
    taken = set(module.lessons.values_list("order", flat=True))
    order = next(n for n in itertools.count(90) if n not in taken)
    return LESSON.replace("order: 90\n", f"order: {order}\n")


def test_an_instructor_declares_an_analogy_and_a_lesson_uses_it_at_once(
    instructor_client, learner_client
):
    module, _, _ = make_bank(questions=1)
    preview = instructor_client.post(
        reverse("studio:lesson-preview", args=[module.slug]), {"text": lesson_for(module)}
    )
    assert "unknown analogy `stopwatch`" in preview.content.decode()

    response = instructor_client.post(reverse("studio:analogy-new", args=[module.slug]), FIELDS)
    assert response.status_code == 302
    row = StudioAnalogy.objects.get(module=module)
    assert (row.key, row.name, row.colour, row.alt) == ("stopwatch", "The stopwatch", "teal", ALT)

    preview = instructor_client.post(
        reverse("studio:lesson-preview", args=[module.slug]), {"text": lesson_for(module)}
    )
    page = preview.content.decode()
    assert "studio-problems" not in page
    assert "analogy--stopwatch analogy--tint-teal" in page
    assert f'aria-label="{ALT}"' in page
    assert "The watch starts once" in page

    response = instructor_client.post(
        reverse("studio:lesson-new", args=[module.slug]),
        {"text": lesson_for(module), "action": "publish"},
    )
    assert response.status_code == 302
    lesson = Lesson.objects.get(slug="timing-with-a-stopwatch")
    assert "analogy--stopwatch" in lesson.html
    page = learner_client.get(lesson.get_absolute_url()).content.decode()
    assert "The stopwatch" in page
    assert "analogy__icon" in page


def test_problems_in_a_drawing_are_shown_inline_with_their_file_and_line(instructor_client):
    module, _, _ = make_bank(questions=1)
    data = FIELDS | {"scene_svg": BAD_SCENE, "colour": "tael", "name": ""}
    response = instructor_client.post(reverse("studio:analogy-new", args=[module.slug]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Scene" in page
    assert 'data-line="3" data-editor="id_scene_svg"' in page
    assert "script" in page
    assert "did you mean `teal`" in page or "teal" in page
    assert "the name is required" in page
    assert not StudioAnalogy.objects.exists()

    check = analogies.check_analogy(module, data, editing=None)
    (problem,) = check.scene_problems
    assert problem.path.endswith("/analogies/scenes/stopwatch.svg")
    assert problem.line == 3


def test_the_live_preview_draws_the_analogy_in_a_sample_callout(instructor_client):
    module, _, _ = make_bank(questions=1)
    response = instructor_client.post(reverse("studio:analogy-preview", args=[module.slug]), FIELDS)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="analogy analogy--stopwatch analogy--tint-teal' in page
    assert "Where it breaks down" in page
    assert not StudioAnalogy.objects.exists()
    response = instructor_client.post(
        reverse("studio:analogy-preview", args=[module.slug]), FIELDS | {"icon_svg": ""}
    )
    assert "paste the icon" in response.content.decode()


def test_an_id_the_module_declares_already_is_refused(course_content, instructor_client):
    module = Module.objects.get()
    data = FIELDS | {"key": "food-truck"}
    response = instructor_client.post(reverse("studio:analogy-new", args=[module.slug]), data)
    assert response.status_code == 400
    assert "already declares analogy `food-truck`" in response.content.decode()
    instructor_client.post(reverse("studio:analogy-new", args=[module.slug]), FIELDS)
    response = instructor_client.post(reverse("studio:analogy-new", args=[module.slug]), FIELDS)
    assert "already declares analogy `stopwatch`" in response.content.decode()


def test_editing_keeps_the_id_and_changes_what_lessons_show(instructor_client):
    module, _, _ = make_bank(questions=1)
    instructor_client.post(reverse("studio:analogy-new", args=[module.slug]), FIELDS)
    url = reverse("studio:analogy-edit", args=[module.slug, "stopwatch"])
    assert "The stopwatch" in instructor_client.get(url).content.decode()
    response = instructor_client.post(url, FIELDS | {"name": "The lap timer"})
    assert response.status_code == 302
    (row,) = StudioAnalogy.objects.all()
    assert (row.key, row.name) == ("stopwatch", "The lap timer")
    index = instructor_client.get(reverse("studio:index")).content.decode()
    assert url in index
    check = lessons.check_lesson(module, lesson_for(module), lesson=None)
    assert check.ok
    assert check.rendered
    assert "The lap timer" in check.rendered.html


def test_export_writes_the_analogy_and_the_round_trip_keeps_it(
    course_content, tmp_path: Path, settings, instructor_client
):
    module = Module.objects.get()
    instructor_client.post(reverse("studio:analogy-new", args=[module.slug]), FIELDS)
    instructor_client.post(
        reverse("studio:lesson-new", args=[module.slug]),
        {"text": lesson_for(module), "action": "publish"},
    )
    html = Lesson.objects.get(slug="timing-with-a-stopwatch").html
    assert "analogy--stopwatch" in html

    with pytest.raises(BrowserEditsRefused) as refused:
        load_course(Path(django_settings.COURSE_CONTENT_DIR))
    assert f"analogy {module.slug}/stopwatch" in str(refused.value)

    first = tmp_path / "first"
    call_command("exportcourse", str(first), stdout=io.StringIO())
    folder = first / Path(module.source_path).name
    declared = yaml.safe_load((folder / "analogies.yaml").read_text())["analogies"]
    assert [a["id"] for a in declared][-1] == "stopwatch"
    assert len(declared) == 9  # the file's eight, then the studio's
    assert declared[-1] == {
        "id": "stopwatch",
        "name": "The stopwatch",
        "colour": "teal",
        "icon": "icons/stopwatch.svg",
        "scene": "scenes/stopwatch.svg",
        "alt": ALT,
    }
    assert (folder / "analogies/icons/stopwatch.svg").read_text() == ICON
    assert (folder / "analogies/scenes/stopwatch.svg").read_text() == SCENE
    assert (folder / "analogies/icons/oven.svg").exists()

    load_course(first, force=True)
    assert not StudioAnalogy.objects.exists()  # the files are the source again
    assert Lesson.objects.get(slug="timing-with-a-stopwatch").html == html

    # And once more from the files alone (now the content folder): load → export → load.
    settings.COURSE_CONTENT_DIR = str(first)
    Module.objects.all().delete()
    load_course(first)
    second = tmp_path / "second"
    call_command("exportcourse", str(second), stdout=io.StringIO())
    Module.objects.all().delete()
    load_course(second)
    assert Lesson.objects.get(slug="timing-with-a-stopwatch").html == html
    assert (second / folder.name / "analogies.yaml").read_text() == (
        folder / "analogies.yaml"
    ).read_text()
    assert "stopwatch" in analogies.file_analogies(Module.objects.get())
