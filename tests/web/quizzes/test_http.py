"""HTTP manners of the quiz pages: HEAD where GET works, Vary on htmx, no session for a reader."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import Attempt, Quiz
from tests.factories import make_instructor, make_user
from tests.quizzes_factories import make_bank, make_exam, make_quiz
from tests.web.quizzes.helpers import answer, practice_url, right_answers, start, submit_url

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def module_quizzes_url(attempt: Attempt) -> str:
    return reverse("quizzes:module-quizzes", kwargs={"module_slug": attempt.quiz.module.slug})


def practice_module_url(attempt: Attempt) -> str:
    return reverse("quizzes:practice-module", kwargs={"module_slug": attempt.quiz.module.slug})


def history_url(attempt: Attempt) -> str:
    return reverse("quizzes:history")


def accommodations_url(attempt: Attempt) -> str:
    kwargs = {"module_slug": attempt.quiz.module.slug, "quiz_slug": attempt.quiz.slug}
    return reverse("quizzes:quiz-accommodations", kwargs=kwargs)


def first_question_url(attempt: Attempt) -> str:
    return attempt.question_url(1)


def quiz_url(attempt: Attempt) -> str:
    return attempt.quiz.get_absolute_url()


OPEN_EXAM_PAGES: list[Callable[[Attempt], str]] = [
    first_question_url,
    Attempt.review_url,
    Attempt.get_absolute_url,
]
CLOSED_EXAM_PAGES: list[Callable[[Attempt], str]] = [
    module_quizzes_url,
    practice_module_url,
    history_url,
    quiz_url,
    Attempt.get_absolute_url,
    Attempt.result_url,
    Attempt.receipt_url,
    Attempt.certificate_url,
    Attempt.events_url,
    accommodations_url,
]


@pytest.fixture
def exam() -> Quiz:
    module, _, _ = make_bank(questions=2)
    return make_exam(module, pass_mark=50)


def head_and_get(client: Client, url: str) -> None:
    head = client.head(url)
    get = client.get(url)
    assert head.status_code == get.status_code, url
    assert head.status_code != 405
    assert head.content == b""
    assert get.status_code in (200, 302)


@pytest.mark.parametrize("page", OPEN_EXAM_PAGES, ids=lambda page: page.__name__)
def test_open_attempt_pages_answer_head_as_they_answer_get(client, exam, page):
    attempt = services.start_attempt(quiz=exam, user=make_user(), now=timezone.now())
    client.force_login(attempt.user)
    head_and_get(client, page(attempt))


@pytest.mark.parametrize("page", CLOSED_EXAM_PAGES, ids=lambda page: page.__name__)
def test_read_pages_answer_head_as_they_answer_get(client, exam, page):
    learner = make_instructor()  # may read the instructors' pages too
    client.force_login(learner)
    now = timezone.now()
    attempt = services.start_attempt(quiz=exam, user=learner, now=now)
    for key, chosen in right_answers(attempt).items():
        services.save_exam_answer(
            attempt_id=attempt.pk,
            question_key=key.removeprefix("q-"),
            chosen=chosen,
            flagged=False,
            version=0,
            now=now,
        )
    attempt = services.submit_attempt(attempt_id=attempt.pk, now=now)
    assert attempt.has_certificate
    head_and_get(client, page(attempt))


def test_the_practice_page_answers_head_and_varies_on_htmx(client):
    _, (lesson,), _ = make_bank(questions=2)
    head_and_get(client, practice_url(lesson))
    assert "HX-Request" in client.get(practice_url(lesson))["Vary"]
    assert "HX-Request" in client.get(practice_url(lesson), **HTMX)["Vary"]


def test_the_autosaves_vary_on_htmx(client, exam):
    learner = make_user()
    client.force_login(learner)
    graded = start(client, make_quiz(exam.module))
    response = client.post(graded.get_absolute_url() + "save/", {}, **HTMX)
    assert "HX-Request" in response["Vary"]
    client.post(submit_url(graded), right_answers(graded))
    attempt = services.start_attempt(quiz=exam, user=learner, now=timezone.now())
    response = client.post(attempt.answer_url(1), {"version": 0, "choice": ["a"]}, **HTMX)
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]


def test_anonymous_reads_of_quiz_pages_store_no_session():
    module, (lesson,), (question, _) = make_bank(questions=2)
    client = Client()  # no cookies
    urls = [
        reverse("quizzes:module-quizzes", kwargs={"module_slug": module.slug}),
        reverse("quizzes:practice-module", kwargs={"module_slug": module.slug}),
        practice_url(lesson),
        practice_url(lesson) + f"?q={question.key}&seed=3",
    ]
    for url in urls:
        assert client.get(url).status_code == 200
        assert Session.objects.count() == 0
        assert not client.cookies.get("sessionid")
    answer(client, lesson, question, ["a"])  # answering is a write: it may start a session
    assert Session.objects.count() == 1
