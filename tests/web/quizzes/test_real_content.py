"""The real question bank and quizzes.yaml, loaded from content/."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from course.loading import load_course
from course.models import Module
from quizzes.models import Choice, Question, Quiz
from tests.factories import make_user
from tests.helpers.course import CONTENT_DIR
from tests.web.quizzes.helpers import main_of, right_answers, start, submit_url

pytestmark = pytest.mark.django_db


def assert_no_markers(html: str) -> None:
    """No tag, attribute or script mentions correctness (stems may use the word in prose)."""
    assert not re.search(r"<[^>]*correct[^>]*>", html, re.IGNORECASE)
    assert not re.search(r"<script[^>]*>[^<]*correct", html, re.IGNORECASE)
    assert "is_correct" not in html


def test_every_lesson_practice_page_asks_without_giving_the_answer_away(client, course_content):
    module = Module.objects.get(slug="lambda-best-practices")
    for lesson in module.lessons.filter(questions__isnull=False).distinct():
        url = reverse(
            "quizzes:practice-lesson",
            kwargs={"module_slug": module.slug, "lesson_slug": lesson.slug},
        )
        response = client.get(url)
        assert response.status_code == 200, url
        html = main_of(response.content.decode())
        assert_no_markers(html)
        for choice in Choice.objects.filter(question__lesson=lesson):
            assert choice.explanation_html not in html, url


def test_the_module_has_a_graded_quiz_and_a_practice_exam(client, course_content):
    html = client.get(
        reverse("quizzes:module-quizzes", kwargs={"module_slug": "lambda-best-practices"})
    ).content.decode()
    assert "Module quiz" in html
    assert "Practice exam" in html
    assert "30 questions in 45 minutes" in html


def test_reloading_the_content_never_changes_an_old_attempt(client, course_content):
    client.force_login(make_user())
    quiz = Quiz.objects.get(module__slug="lambda-best-practices", slug="module-quiz")
    attempt = start(client, quiz)
    assert len(attempt.snapshot["questions"]) == 20
    assert len({q["topic"] for q in attempt.snapshot["questions"]}) == 13
    html = client.get(attempt.get_absolute_url()).content.decode()
    assert_no_markers(html)
    for question in Question.objects.filter(
        key__in=[q["key"] for q in attempt.snapshot["questions"]]
    ):
        assert question.explanation_html not in html
    client.post(submit_url(attempt), right_answers(attempt))
    before = main_of(client.get(attempt.result_url()).content.decode())

    Question.objects.update(stem_html="<p>Edited</p>")
    load_course(CONTENT_DIR)  # replaces every choice row
    after = main_of(client.get(attempt.result_url()).content.decode())
    assert after == before
    attempt.refresh_from_db()
    assert attempt.score == 20.0
    assert attempt.passed
