"""Renaming and deleting an analogy declared in the studio, never breaking a lesson."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from course.models import Lesson, Module
from course.studio.models import StudioAnalogy
from tests.factories import make_instructor, make_user
from tests.helpers.studio import client_for
from tests.quizzes_factories import make_bank

from .test_analogies import FIELDS, lesson_for

pytestmark = pytest.mark.django_db


def edit_url(module: Module, key: str = "stopwatch") -> str:
    return reverse("studio:analogy-edit", args=[module.slug, key])


def delete_url(module: Module, key: str = "stopwatch") -> str:
    return reverse("studio:analogy-delete", args=[module.slug, key])


def declared(*, used: bool) -> tuple[Module, Client]:
    """A module with the `stopwatch` analogy, used by a published lesson if `used`."""
    module, _, _ = make_bank(questions=1)
    client = client_for(make_instructor())
    assert client.post(reverse("studio:analogy-new", args=[module.slug]), FIELDS).status_code == 302
    if used:
        data = {"text": lesson_for(module), "action": "publish"}
        assert (
            client.post(reverse("studio:lesson-new", args=[module.slug]), data).status_code == 302
        )
    return module, client


def test_a_new_name_reaches_the_lessons_that_show_the_analogy():
    module, client = declared(used=True)
    response = client.post(edit_url(module), FIELDS | {"name": "The lap timer"})
    assert response.status_code == 302
    lesson = Lesson.objects.get(slug="timing-with-a-stopwatch")
    assert "The lap timer" in lesson.html
    assert "The stopwatch" not in lesson.html
    page = client_for(make_user()).get(lesson.get_absolute_url()).content.decode()
    assert "The lap timer" in page
    assert "Lessons showing it now: 1." in client.get(response["Location"]).content.decode()


def test_an_unused_analogy_changes_its_id():
    module, client = declared(used=False)
    response = client.post(edit_url(module), FIELDS | {"key": "lap-timer"})
    assert response.status_code == 302
    assert response["Location"] == edit_url(module, "lap-timer")
    (row,) = StudioAnalogy.objects.all()
    assert row.key == "lap-timer"
    assert client.get(edit_url(module)).status_code == 404
    lesson = lesson_for(module).replace("analogy stopwatch", "analogy lap-timer")
    preview = client.post(reverse("studio:lesson-preview", args=[module.slug]), {"text": lesson})
    assert "studio-problems" not in preview.content.decode()


def test_an_id_in_use_cannot_change_and_the_lessons_are_named():
    module, client = declared(used=True)
    response = client.post(edit_url(module), FIELDS | {"key": "lap-timer"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "the id cannot change from `stopwatch`" in page
    assert "“Timing with a stopwatch” (timing-with-a-stopwatch)" in page
    preview = client.post(
        reverse("studio:analogy-preview", args=[module.slug]),
        FIELDS | {"key": "lap-timer", "editing": "stopwatch"},
    )
    assert "the id cannot change" in preview.content.decode()
    (row,) = StudioAnalogy.objects.all()
    assert row.key == "stopwatch"
    assert "analogy--stopwatch" in Lesson.objects.get(slug="timing-with-a-stopwatch").html


def test_an_id_cannot_take_one_the_module_declares():
    module, client = declared(used=False)
    client.post(reverse("studio:analogy-new", args=[module.slug]), FIELDS | {"key": "lap-timer"})
    response = client.post(edit_url(module), FIELDS | {"key": "lap-timer"})
    assert response.status_code == 400
    assert "already declares analogy `lap-timer`" in response.content.decode()
    assert set(StudioAnalogy.objects.values_list("key", flat=True)) == {"stopwatch", "lap-timer"}


def test_deleting_asks_for_confirmation_then_deletes():
    module, client = declared(used=False)
    assert delete_url(module) in client.get(edit_url(module)).content.decode()
    page = client.get(delete_url(module)).content.decode()
    assert "No lesson uses it" in page
    assert 'method="post"' in page
    assert StudioAnalogy.objects.exists()
    response = client.post(delete_url(module))
    assert response["Location"] == reverse("studio:index")
    assert not StudioAnalogy.objects.exists()
    assert (
        "“The stopwatch” (stopwatch) deleted" in client.get(response["Location"]).content.decode()
    )


def test_deleting_an_analogy_lessons_use_is_refused_naming_them():
    module, client = declared(used=True)
    page = client.get(delete_url(module)).content.decode()
    assert "It cannot be deleted yet." in page
    assert "“Timing with a stopwatch” (timing-with-a-stopwatch)" in page
    assert "Delete “The stopwatch”" not in page
    response = client.post(delete_url(module))
    assert response.status_code == 409
    assert "“Timing with a stopwatch” (timing-with-a-stopwatch)" in response.content.decode()
    assert StudioAnalogy.objects.filter(key="stopwatch").exists()


def test_only_instructors_rename_or_delete_and_only_studio_analogies(course_content):
    module, _ = declared(used=False)
    learner, anonymous = client_for(make_user()), Client()
    for client, expected in ((learner, 403), (anonymous, 302)):
        assert client.get(delete_url(module)).status_code == expected
        assert client.post(delete_url(module)).status_code == expected
        renamed = client.post(edit_url(module), FIELDS | {"key": "lap-timer"})
        assert renamed.status_code == expected
    assert StudioAnalogy.objects.get().key == "stopwatch"
    shipped = Module.objects.get(slug__isnull=False, studio_analogies__isnull=True)
    instructor = client_for(make_instructor())
    assert instructor.get(delete_url(shipped, "food-truck")).status_code == 404


def test_the_delete_page_reads_a_fixed_number_of_queries(django_assert_num_queries):
    module, client = declared(used=True)
    with django_assert_num_queries(6):  # the header reuses the view's instructor check
        client.get(delete_url(module))
