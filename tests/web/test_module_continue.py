"""The module page offers Start, Continue at the next unread lesson, or Review."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from course.models import Lesson, Module
from tests.factories import make_lesson, make_module, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def module_and_lessons() -> tuple[Module, list[Lesson]]:
    module = make_module(slug="flow")
    lessons = [make_lesson(module, order=i, title=f"Part {i}") for i in range(1, 5)]
    make_lesson(module, order=9, title="Retired", is_active=False)
    return module, lessons


def next_step(client: Client, module: Module) -> tuple[str, str]:
    """Return the text and target of the module page's first button."""
    html = client.get(module.get_absolute_url()).content.decode()
    links = html[html.index('<ul class="module-links">') :]
    match = re.search(r'<a class="button" href="([^"]+)">([^<]+)</a>', links)
    assert match is not None
    return match.group(2), match.group(1)


def complete(client: Client, lesson: Lesson) -> None:
    url = reverse("course:lesson-complete", args=[lesson.module.slug, lesson.slug])
    assert client.post(url, {"complete": "on"}).status_code == 302


def visit(client: Client, lesson: Lesson) -> None:
    assert client.get(lesson.get_absolute_url()).status_code == 200


@pytest.fixture(params=["anonymous", "signed-in"])
def reader(request, client: Client) -> Client:
    if request.param == "signed-in":
        client.force_login(make_user())
    return client


def test_a_new_reader_is_offered_start_at_the_first_lesson(reader, module_and_lessons):
    module, lessons = module_and_lessons
    assert next_step(reader, module) == ("Start", lessons[0].get_absolute_url())


def test_a_reader_continues_at_the_first_lesson_not_complete(reader, module_and_lessons):
    module, lessons = module_and_lessons
    complete(reader, lessons[0])
    complete(reader, lessons[2])
    assert next_step(reader, module) == (
        f"Continue: {lessons[1].title}",
        lessons[1].get_absolute_url(),
    )


def test_a_lesson_opened_but_not_complete_is_where_reading_continues(client, module_and_lessons):
    module, lessons = module_and_lessons
    client.force_login(make_user())
    visit(client, lessons[0])
    assert next_step(client, module) == (
        f"Continue: {lessons[0].title}",
        lessons[0].get_absolute_url(),
    )


def test_progress_in_another_module_still_means_start_here(reader, module_and_lessons):
    module, lessons = module_and_lessons
    other = make_lesson(make_module())
    complete(reader, other)
    assert next_step(reader, module) == ("Start", lessons[0].get_absolute_url())


def test_a_finished_module_offers_a_review_from_the_first_lesson(reader, module_and_lessons):
    module, lessons = module_and_lessons
    for lesson in lessons:
        complete(reader, lesson)
    assert next_step(reader, module) == ("Review the module", lessons[0].get_absolute_url())


def test_a_module_without_lessons_offers_no_next_step(client):
    module = make_module()
    html = client.get(module.get_absolute_url()).content.decode()
    assert "Start" not in html
    assert "Continue:" not in html


@pytest.mark.parametrize("lesson_count", [3, 12])
def test_the_module_page_query_count_is_constant(client, django_assert_num_queries, lesson_count):
    module = make_module()
    lessons = [make_lesson(module, order=i) for i in range(lesson_count)]
    client.force_login(make_user())
    complete(client, lessons[0])
    # Session, user, module, lessons, progress, instructor check.
    with django_assert_num_queries(6):
        html = client.get(module.get_absolute_url()).content.decode()
    assert f"Continue: {lessons[1].title}" in html
    client.logout()
    complete(client, lessons[0])
    # Session only: the module and its lessons are the shared part cached by the page above.
    with django_assert_num_queries(1):
        html = client.get(module.get_absolute_url()).content.decode()
    assert f"Continue: {lessons[1].title}" in html
