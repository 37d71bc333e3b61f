"""Steps and checks the quiz page tests share: answer practice, start and submit a quiz."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.test import Client
from django.urls import reverse

from course.models import Lesson
from quizzes.models import Attempt, AttemptStatus, Question, Quiz


def practice_url(lesson: Lesson) -> str:
    return reverse(
        "quizzes:practice-lesson",
        kwargs={"module_slug": lesson.module.slug, "lesson_slug": lesson.slug},
    )


def answer(
    client: Client,
    lesson: Lesson | None,
    question: Question,
    chosen: list[str],
    *,
    htmx: bool = False,
    seed: int = 7,
    **extra: str,
) -> Any:
    assert lesson is not None
    data = {"question": question.key, "seed": seed, "choice": chosen, **extra}
    if htmx:
        return client.post(practice_url(lesson), data, headers={"HX-Request": "true"})
    return client.post(practice_url(lesson), data)


def assert_no_answers_in(html: str, questions: Iterable[Question]) -> None:
    """Nothing in the page (text, attributes, scripts) says which choice is right, or why."""
    assert "correct" not in html.lower()
    assert "Because-" not in html
    assert "Why-" not in html
    for question in questions:
        assert question.explanation_html not in html
        for choice in question.choices.all():
            assert choice.explanation_html not in html


def start(client: Client, quiz: Quiz) -> Attempt:
    url = reverse(
        "quizzes:quiz-start", kwargs={"module_slug": quiz.module.slug, "quiz_slug": quiz.slug}
    )
    response = client.post(url)
    assert response.status_code == 302
    attempt = Attempt.objects.get(quiz=quiz, status=AttemptStatus.IN_PROGRESS)
    assert response["Location"] == attempt.get_absolute_url()
    return attempt


def submit_url(attempt: Attempt) -> str:
    return attempt.get_absolute_url() + "submit/"


def right_answers(attempt: Attempt) -> dict[str, list[str]]:
    return {
        f"q-{q['key']}": [c["key"] for c in q["choices"] if c["correct"]]
        for q in attempt.snapshot["questions"]
    }


def wrong_answers(attempt: Attempt) -> dict[str, list[str]]:
    return {
        f"q-{q['key']}": [c["key"] for c in q["choices"] if not c["correct"]][: q["pick"]]
        for q in attempt.snapshot["questions"]
    }


def main_of(html: str) -> str:
    """Return the page's <main> element (the rest holds a fresh CSRF token on every request)."""
    return html[html.index("<main") : html.index("</main>")]
