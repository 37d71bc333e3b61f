"""Simultaneous starts, saves and submits at one exam, from threads with their own connections.

PostgreSQL only: it runs the threads' transactions truly in parallel, which is where a lost
update or a double grading would show. (SQLite serialises every write transaction.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from quizzes import grading, services
from quizzes.models import Attempt, AttemptEvent, AttemptStatus
from tests.factories import make_user
from tests.quizzes_factories import make_bank, make_exam

pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime(2030, 1, 15, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("The concurrency test needs PostgreSQL: set DATABASE_URL=postgres://…")


def run_together(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run every job in its own thread, released at the same moment; return their results."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def worker(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # noqa: BLE001 - reported to the test below
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    errors = [result for result in results if isinstance(result, Exception)]
    assert not errors, errors
    return results


def test_simultaneous_saves_and_submits_lose_no_answer_and_grade_once():
    module, _, _ = make_bank(questions=24, lessons=3)
    quiz = make_exam(module, time_limit_minutes=60)
    attempt = services.start_attempt(quiz=quiz, user=make_user(), now=NOW)
    keys = [q["key"] for q in attempt.snapshot["questions"]]

    def saver(key: str, choice: str, version: int, at: float) -> Callable[[], Any]:
        return lambda: services.save_exam_answer(
            attempt_id=attempt.pk,
            question_key=key,
            chosen=[choice],
            flagged=False,
            version=version,
            now=NOW + timedelta(seconds=at),
        )

    # Round 1: a save per question, plus three tabs racing to change the first question.
    round_one = [saver(key, "a", 0, 1) for key in keys[1:]]
    round_one += [saver(keys[0], choice, 0, 1) for choice in "abc"]
    results_one = run_together(round_one)
    outcomes = [result.outcome for result in results_one]
    assert outcomes[: len(keys) - 1] == [services.SaveOutcome.SAVED] * (len(keys) - 1)
    racing = outcomes[len(keys) - 1 :]
    assert racing.count(services.SaveOutcome.SAVED) == 1
    assert racing.count(services.SaveOutcome.STALE) == 2

    # Round 2: new answers with the current tokens, racing five submits.
    attempt.refresh_from_db()
    round_two: list[Callable[[], Any]] = [
        saver(key, "b", int(attempt.answer_versions[key]), 2) for key in keys[1:]
    ]
    round_two += [
        (lambda: services.submit_attempt(attempt_id=attempt.pk, now=NOW + timedelta(seconds=3)))
        for _ in range(5)
    ]
    results = run_together(round_two)
    saves = results[: len(keys) - 1]
    assert {save.outcome for save in saves} <= {
        services.SaveOutcome.SAVED,
        services.SaveOutcome.CLOSED,
    }

    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    for key, save in zip(keys[1:], saves, strict=True):
        expected = ["b"] if save.outcome is services.SaveOutcome.SAVED else ["a"]
        assert attempt.answers[key] == expected, key
    winner = next(
        r
        for r in results_one
        if r.outcome is services.SaveOutcome.SAVED and r.question_key == keys[0]
    )
    assert attempt.answers[keys[0]] == winner.attempt.answers[keys[0]]
    events = AttemptEvent.objects.filter(attempt=attempt)
    assert events.filter(kind=AttemptEvent.Kind.SUBMITTED).count() == 1
    accepted = len(keys) + sum(1 for s in saves if s.outcome is services.SaveOutcome.SAVED)
    assert events.filter(kind=AttemptEvent.Kind.ANSWERED).count() == accepted
    assert attempt.score == grading.grade(attempt.snapshot, attempt.answers).score


def test_simultaneous_clicks_on_start_open_one_attempt_and_no_error():
    module, _, _ = make_bank(questions=6)
    quiz = make_exam(module)
    user = make_user()
    url = reverse("quizzes:quiz-start", kwargs={"module_slug": module.slug, "quiz_slug": quiz.slug})
    clients = []
    for _ in range(4):
        client = Client()
        client.force_login(user)
        clients.append(client)
    responses = run_together([partial(client.post, url) for client in clients])
    attempt = Attempt.objects.get(quiz=quiz, user=user)
    assert [response.status_code for response in responses] == [302] * 4
    assert {response["Location"] for response in responses} == {attempt.question_url(1)}
    assert AttemptEvent.objects.filter(kind=AttemptEvent.Kind.STARTED).count() == 1
