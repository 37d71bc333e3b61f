"""The module's quiz list and the learner's history: ways in, and what a learner did."""

from __future__ import annotations

import pytest
from django.urls import reverse

from course.models import Module
from quizzes.models import QuizKind
from tests.factories import make_user
from tests.quizzes_factories import make_bank, make_quiz
from tests.web.quizzes.helpers import answer, right_answers, start, submit_url, wrong_answers

pytestmark = pytest.mark.django_db


def module_url(module: Module) -> str:
    return reverse("quizzes:module-quizzes", kwargs={"module_slug": module.slug})


def test_module_quiz_list_links_practice_per_lesson_graded_quizzes_and_exams(client):
    module, lessons, _ = make_bank(questions=4, lessons=2)
    graded = make_quiz(module, title="Module quiz", question_count=3)
    exam = make_quiz(module, title="Practice exam", kind=QuizKind.EXAM, time_limit_minutes=45)
    html = client.get(module_url(module)).content.decode()
    for lesson in lessons:
        url = reverse(
            "quizzes:practice-lesson",
            kwargs={"module_slug": module.slug, "lesson_slug": lesson.slug},
        )
        assert f'href="{url}"' in html
    assert f'href="{graded.get_absolute_url()}"' in html
    assert f'href="{exam.get_absolute_url()}"' in html
    assert "in 45 minutes" in html
    assert reverse("quizzes:practice-module", kwargs={"module_slug": module.slug}) in html


@pytest.mark.parametrize("size", [5, 20])
def test_module_quiz_list_query_count_is_constant(client, django_assert_num_queries, size):
    module, lessons, questions = make_bank(questions=size, lessons=3)
    make_quiz(module)
    user = make_user()
    client.force_login(user)
    for question in questions[:4]:
        answer(client, question.lesson, question, ["b"])
    # Session, user, module, overdue attempts, lessons, quizzes, questions, practice answers,
    # attempts, instructor.
    with django_assert_num_queries(10):
        response = client.get(module_url(module))
    assert "Practice only what I missed (4)" in response.content.decode()


def test_module_quiz_list_shows_best_scores(client):
    module, _, _ = make_bank(questions=2)
    quiz = make_quiz(module)
    client.force_login(make_user())
    attempt = start(client, quiz)
    client.post(submit_url(attempt), right_answers(attempt))
    html = client.get(module_url(module)).content.decode()
    assert "Best score: 100% (1 attempt)" in html


def test_history_needs_a_login(client):
    response = client.get(reverse("quizzes:history"))
    assert response.status_code == 302


def test_history_lists_attempts_and_weakest_topics_first(client):
    module, (strong, weak), questions = make_bank(questions=4, lessons=2)
    quiz = make_quiz(module)
    client.force_login(make_user())
    attempt = start(client, quiz)
    answers = right_answers(attempt)
    wrong = wrong_answers(attempt)
    for question in attempt.snapshot["questions"]:
        if question["topic"] == weak.slug:
            answers[f"q-{question['key']}"] = wrong[f"q-{question['key']}"]
    client.post(submit_url(attempt), answers)
    html = client.get(reverse("quizzes:history")).content.decode()
    assert quiz.title in html
    assert "50%" in html
    assert html.index(weak.title) < html.index(strong.title)
    assert "Needs work" in html
    assert "Strength" in html
    assert attempt.result_url() in html


@pytest.mark.parametrize("size", [5, 20])
def test_history_query_count_is_constant(client, django_assert_num_queries, size):
    module, _, questions = make_bank(questions=size, lessons=3)
    client.force_login(make_user())
    for question in questions:
        answer(client, question.lesson, question, ["a"])
    for _ in range(2):
        attempt = start(client, make_quiz(module))
        client.post(submit_url(attempt), right_answers(attempt))
    # Session, user, attempts with quizzes and modules, practice answers, instructor check.
    with django_assert_num_queries(5):
        assert client.get(reverse("quizzes:history")).status_code == 200
