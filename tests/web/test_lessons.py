"""Catalogue, module and lesson pages; progress for learners and anonymous readers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from course.models import LessonProgress
from tests.factories import PASSWORD, make_lesson, make_module, make_user

pytestmark = pytest.mark.django_db


def lesson_url(lesson):
    return lesson.get_absolute_url()


def complete_url(lesson):
    return reverse("course:lesson-complete", args=[lesson.module.slug, lesson.slug])


@pytest.fixture
def module_with_lessons():
    module = make_module(slug="lambda", title="Lambda")
    lessons = [make_lesson(module, order=i, slug=f"l{i}", title=f"Lesson {i}") for i in range(1, 4)]
    return module, lessons


def test_lesson_page_shows_toc_previous_next_and_progress(client, module_with_lessons):
    module, (first, second, third) = module_with_lessons
    second.toc = [{"level": 2, "anchor": "why", "title": "Why it matters"}]
    second.save()
    html = client.get(lesson_url(second)).content.decode()
    assert 'href="#why"' in html
    assert f'rel="prev" href="{lesson_url(first)}"' in html
    assert f'rel="next" href="{lesson_url(third)}"' in html
    assert "Lesson 2 of 3" in html
    assert "Mark lesson complete" in html


def test_marking_complete_moves_the_module_progress(client, module_with_lessons):
    module, lessons = module_with_lessons
    client.force_login(make_user())
    client.post(complete_url(lessons[0]), {"complete": "on"})
    html = client.get(module.get_absolute_url()).content.decode()
    assert "33% complete" in html
    client.post(complete_url(lessons[0]), {"complete": ""})
    assert "0% complete" in client.get(module.get_absolute_url()).content.decode()


def test_mark_complete_over_htmx_returns_only_the_progress_partial(client, module_with_lessons):
    _, lessons = module_with_lessons
    response = client.post(
        complete_url(lessons[0]), {"complete": "on"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert 'id="lesson-progress"' in html
    assert "<html" not in html
    assert "You completed this lesson" in html


def test_anonymous_progress_is_kept_after_signing_up(client, module_with_lessons):
    module, lessons = module_with_lessons
    client.get(lesson_url(lessons[0]))
    client.post(complete_url(lessons[0]), {"complete": "on"})
    client.get(lesson_url(lessons[1]))
    client.post(
        reverse("signup"),
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password1": "correct-horse-battery",
            "password2": "correct-horse-battery",
        },
    )
    rows = LessonProgress.objects.filter(user__username="newbie")
    assert {row.lesson_id for row in rows} == {lessons[0].pk, lessons[1].pk}
    assert rows.get(lesson=lessons[0]).completed_at is not None
    html = client.get(reverse("course:module-list")).content.decode()
    assert f"Continue where you left off: {lessons[1].title}" in html


def test_anonymous_progress_is_kept_after_logging_in(client, module_with_lessons):
    _, lessons = module_with_lessons
    user = make_user()
    client.post(complete_url(lessons[2]), {"complete": "on"})
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert LessonProgress.objects.get(user=user, lesson=lessons[2]).completed_at is not None


def test_inactive_lessons_are_not_shown(client, module_with_lessons):
    module, lessons = module_with_lessons
    lessons[1].is_active = False
    lessons[1].save()
    assert client.get(lesson_url(lessons[1])).status_code == 404
    assert lessons[1].title not in client.get(module.get_absolute_url()).content.decode()


def test_printable_lesson_has_no_site_chrome(client, module_with_lessons):
    _, lessons = module_with_lessons
    html = client.get(reverse("course:lesson-print", args=["lambda", "l1"])).content.decode()
    assert lessons[0].html in html
    assert "site-header" not in html


def test_search_finds_lessons_by_text(client, module_with_lessons):
    _, lessons = module_with_lessons
    lessons[2].plain_text = "Bisect the batch to find the poison record."
    lessons[2].save()
    html = client.get(reverse("course:search"), {"q": "poison bisect"}).content.decode()
    assert "1 lesson found" in html
    assert lessons[2].title in html


@pytest.mark.parametrize("lesson_count", [3, 12])
def test_pages_use_a_fixed_number_of_queries(client, django_assert_num_queries, lesson_count):
    module = make_module(slug="many")
    lessons = [make_lesson(module, order=i) for i in range(lesson_count)]
    user = make_user()
    client.force_login(user)
    for lesson in lessons:
        client.post(complete_url(lesson), {"complete": "on"})
    # session + user are part of every signed-in page; the header's instructor check (groups)
    # is asked on the first page only, then cached (course.roles.shows_instructor_links); the
    # catalogue adds modules, lessons and progress (tests/web/test_fragment_cache.py: warm).
    with django_assert_num_queries(6):
        assert client.get(reverse("course:module-list")).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(module.get_absolute_url()).status_code == 200
    # lesson, siblings, progress, the visit's update (lessons[1] is not the last one opened)
    with django_assert_num_queries(6):
        assert client.get(lesson_url(lessons[1])).status_code == 200
    # The printable page has no header, so no instructor check (asked only when drawn), and
    # the lesson with its siblings comes from the cache the lesson page filled.
    with django_assert_num_queries(3):
        assert (
            client.get(reverse("course:lesson-print", args=["many", lessons[1].slug])).status_code
            == 200
        )
    with django_assert_num_queries(3):
        assert client.get(reverse("course:search"), {"q": "lesson"}).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(reverse("profile")).status_code == 200


def test_re_reading_a_lesson_anonymously_does_not_write_the_session(
    client, module_with_lessons, django_assert_num_queries
):
    _, lessons = module_with_lessons
    client.post(complete_url(lessons[0]), {"complete": "on"})  # the visitor now has a session
    client.get(lesson_url(lessons[0]))
    # session read only (the lesson and its siblings are cached): no session write either
    with django_assert_num_queries(1):
        assert client.get(lesson_url(lessons[0])).status_code == 200


def test_reading_without_a_session_creates_none(client, module_with_lessons):
    from django.contrib.sessions.models import Session

    module, lessons = module_with_lessons
    for url in (
        reverse("course:module-list"),
        module.get_absolute_url(),
        lesson_url(lessons[0]),
        lesson_url(lessons[1]),
        reverse("course:search") + "?q=lesson",
    ):
        assert client.get(url).status_code == 200
    assert Session.objects.count() == 0
    assert "sessionid" not in client.cookies
