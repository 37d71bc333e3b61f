"""What the studio's tests share: signed-in clients, a question's YAML as the editor sends it,
and a learner's finished attempt whose review must not change when a question does."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from quizzes.models import Attempt, Quiz
from quizzes.services import save_answers, start_attempt, submit_attempt

QUESTION = """id: {key}
kind: single
lesson: {lesson}
stem: {stem}
choices:
  - text: 15 minutes
    correct: true
    explanation: The maximum timeout is 900 seconds.
  - text: 5 minutes
    explanation: That was the limit before 2018.
  - text: 1 hour
    explanation: Use Step Functions for that.
"""


def question_text(
    *, key: str, lesson: str, stem: str = "How long may a function run at most?"
) -> str:
    """Return one question's YAML as the editor sends it (three choices, each explained)."""
    return QUESTION.format(key=key, lesson=lesson, stem=stem)


def timeout_question_text(*, key: str, lesson: str) -> str:
    """Return the edit the browser tests type: the stem and choices about the longest timeout."""
    return (
        f"id: {key}\nkind: single\nlesson: {lesson}\n"
        "stem: What is the longest timeout a function may have?\n"
        "choices:\n"
        "  - text: 900 seconds\n    correct: true\n    explanation: Fifteen minutes is the cap.\n"
        "  - text: 300 seconds\n    explanation: The limit before October 2018.\n"
        "  - text: 3600 seconds\n    explanation: Long jobs belong in Step Functions.\n"
    )


def client_for(user) -> Client:
    """Return a client signed in as `user`."""
    client = Client()
    client.force_login(user)
    return client


def main_of(page: str) -> str:
    """Return the page's <main> (the CSRF token in <body> changes on every response)."""
    return page[page.index("<main") : page.index("</main>")]


def finished_attempt(exam: Quiz, learner) -> Attempt:
    """Return a submitted attempt of `learner` at `exam`, every question answered "a"."""
    now = timezone.now()
    attempt = start_attempt(quiz=exam, user=learner, now=now)
    keys = [question["key"] for question in attempt.snapshot["questions"]]
    save_answers(attempt_id=attempt.pk, answers={k: ["a"] for k in keys}, versions={}, now=now)
    submit_attempt(attempt_id=attempt.pk, now=now)
    return Attempt.objects.select_related("quiz__module").get(pk=attempt.pk)
