"""The attempt services' promises to every caller, including the races pages cannot show.

The pages validate answers before they reach a service and close overdue attempts before they
save; these tests call the services directly, as a second tab, the expiry command or a future
caller would, and check what each promises: nothing changes that should not, and an exam is
graded once, at the right time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models.signals import post_save

from quizzes import services
from quizzes.models import Attempt, AttemptEvent, AttemptStatus
from tests.factories import make_user
from tests.quizzes_factories import make_bank, make_exam, make_quiz

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 1, 15, 10, 0, tzinfo=UTC)


def started(quiz_maker=make_exam, questions: int = 2, **quiz: object) -> Attempt:
    module, _, _ = make_bank(questions=questions)
    return services.start_attempt(quiz=quiz_maker(module, **quiz), user=make_user(), now=NOW)


def key_of(attempt: Attempt, number: int) -> str:
    return str(attempt.snapshot["questions"][number - 1]["key"])


def right(attempt: Attempt, number: int) -> list[str]:
    question = attempt.snapshot["questions"][number - 1]
    return [choice["key"] for choice in question["choices"] if choice["correct"]]


@pytest.mark.parametrize(
    ("question", "chosen", "message"),
    [
        ("no-such-question", ["a"], "'no-such-question' is not part of this attempt"),
        (1, ["a", "b"], "Select only one choice."),
        (1, ["z"], "That choice is not part of this question."),
    ],
)
def test_a_draft_the_attempt_did_not_ask_for_is_rejected_and_nothing_is_saved(
    question, chosen, message
):
    attempt = started(make_quiz)
    key = key_of(attempt, question) if isinstance(question, int) else question
    answers = {key: chosen}
    with pytest.raises(services.AnswerRejected, match=message):
        services.save_answers(attempt_id=attempt.pk, answers=answers, versions={}, now=NOW)
    attempt.refresh_from_db()
    assert attempt.answers == {}
    assert attempt.sequence == 0
    assert not attempt.events.filter(kind=AttemptEvent.Kind.ANSWERED).exists()


@pytest.mark.parametrize(
    ("question", "chosen", "message"),
    [
        ("no-such-question", ["a"], "not part of this attempt"),
        (1, ["a", "b"], "Select only one choice."),
    ],
)
def test_an_exam_answer_the_attempt_did_not_ask_for_is_rejected(question, chosen, message):
    attempt = started()
    key = key_of(attempt, question) if isinstance(question, int) else question
    with pytest.raises(services.AnswerRejected, match=message):
        services.save_exam_answer(
            attempt_id=attempt.pk,
            question_key=key,
            chosen=chosen,
            flagged=False,
            version=0,
            now=NOW,
        )
    attempt.refresh_from_db()
    assert attempt.answers == {}
    assert not attempt.events.exclude(kind=AttemptEvent.Kind.STARTED).exists()


def test_a_draft_saved_to_a_submitted_attempt_changes_nothing():
    attempt = started(make_quiz)
    services.submit_attempt(attempt_id=attempt.pk, now=NOW + timedelta(minutes=1))
    saved = services.save_answers(
        attempt_id=attempt.pk,
        answers={key_of(attempt, 1): ["a"]},
        versions={},
        now=NOW + timedelta(minutes=2),
    )
    assert saved.attempt.status == AttemptStatus.SUBMITTED
    attempt.refresh_from_db()
    assert attempt.answers == {}
    assert attempt.finished_at == NOW + timedelta(minutes=1)


def test_a_draft_saved_after_the_deadline_and_grace_closes_the_attempt_at_the_deadline():
    attempt = started(make_quiz, time_limit_minutes=10)
    services.save_answers(
        attempt_id=attempt.pk, answers={key_of(attempt, 1): right(attempt, 1)}, versions={}, now=NOW
    )
    late = NOW + timedelta(minutes=10, seconds=6)
    closed = services.save_answers(
        attempt_id=attempt.pk,
        answers={key_of(attempt, 2): right(attempt, 2)},
        versions={},
        now=late,
    ).attempt
    assert closed.status == AttemptStatus.EXPIRED
    assert closed.finished_at == NOW + timedelta(minutes=10)
    assert closed.answers == {key_of(attempt, 1): right(attempt, 1)}
    assert closed.score == 1


def test_a_submit_after_the_grace_ignores_the_late_answers_and_counts_at_the_deadline():
    attempt = started(make_quiz, time_limit_minutes=10)
    late = NOW + timedelta(minutes=10, seconds=6)
    answers = {key_of(attempt, n): right(attempt, n) for n in (1, 2)}
    closed = services.submit_answers(
        attempt_id=attempt.pk, answers=answers, versions={}, now=late
    ).attempt
    assert closed.status == AttemptStatus.EXPIRED
    assert closed.finished_at == NOW + timedelta(minutes=10)
    assert closed.answers == {}
    assert closed.score == 0
    expired = closed.events.get(kind=AttemptEvent.Kind.EXPIRED)
    assert expired.detail["noticed_at"] == late.isoformat()


@pytest.mark.parametrize("first", ["submit", "expire"])
def test_closing_an_exam_again_or_after_the_grace_grades_it_once(first):
    attempt = started(time_limit_minutes=10)
    late = NOW + timedelta(minutes=10, seconds=6)
    if first == "submit":
        closed = services.submit_attempt(attempt_id=attempt.pk, now=NOW + timedelta(minutes=1))
        assert closed.status == AttemptStatus.SUBMITTED
    else:
        closed = services.submit_attempt(attempt_id=attempt.pk, now=late)
        assert (closed.status, closed.finished_at) == (AttemptStatus.EXPIRED, attempt.deadline)
    again = services.submit_attempt(attempt_id=attempt.pk, now=late + timedelta(minutes=1))
    assert (again.status, again.finished_at) == (closed.status, closed.finished_at)
    assert attempt.events.filter(kind__in=["submitted", "expired"]).count() == 1


def test_a_draft_drawn_before_another_save_is_refused_unless_it_repeats_the_saved_answer():
    attempt = started(make_quiz, questions=3)
    one, two, three = (key_of(attempt, n) for n in (1, 2, 3))
    first = services.save_answers(
        attempt_id=attempt.pk, answers={one: ["a"], two: ["b"]}, versions={}, now=NOW
    )
    assert first.stale == ()
    later = NOW + timedelta(minutes=1)
    stale = services.save_answers(
        attempt_id=attempt.pk,
        answers={one: ["c"], two: ["b"], three: ["a"]},  # drawn before the first save
        versions={one: 0, two: 0, three: 0},
        now=later,
    )
    assert stale.stale == (one,)
    assert stale.attempt.answers == {one: ["a"], two: ["b"], three: ["a"]}
    refused = attempt.events.get(kind=AttemptEvent.Kind.REFUSED)
    assert refused.at == later
    assert refused.detail == {
        "question": one,
        "chosen": ["c"],
        "why": "stale",
        "version": 0,
        "current": first.attempt.answer_versions[one],
    }


def test_a_stale_submit_saves_the_current_answers_and_leaves_the_attempt_open():
    attempt = started(make_quiz, questions=2)
    one, two = key_of(attempt, 1), key_of(attempt, 2)
    services.save_answers(attempt_id=attempt.pk, answers={one: ["a"]}, versions={}, now=NOW)
    result = services.submit_answers(
        attempt_id=attempt.pk, answers={one: [], two: ["a"]}, versions={one: 0, two: 0}, now=NOW
    )
    assert result.stale == (one,)
    assert result.attempt.is_open
    assert result.attempt.answers == {one: ["a"], two: ["a"]}
    assert not attempt.events.filter(kind=AttemptEvent.Kind.SUBMITTED).exists()


def test_a_resume_is_logged_only_while_the_attempt_is_open():
    attempt = started()
    services.record_resume(attempt_id=attempt.pk, now=NOW, client="Tab")
    services.submit_attempt(attempt_id=attempt.pk, now=NOW + timedelta(minutes=1))
    services.record_resume(attempt_id=attempt.pk, now=NOW + timedelta(minutes=2), client="Late")
    resumed = attempt.events.filter(kind=AttemptEvent.Kind.RESUMED)
    assert [event.detail["client"] for event in resumed] == ["Tab"]


def test_expiring_an_attempt_that_is_not_overdue_changes_nothing():
    attempt = started(time_limit_minutes=10)
    within_grace = NOW + timedelta(minutes=10, seconds=5)
    assert services.expire_attempt(attempt_id=attempt.pk, now=within_grace).is_open
    assert not attempt.events.filter(kind=AttemptEvent.Kind.EXPIRED).exists()


def test_the_expiry_sweep_leaves_an_attempt_another_request_closed_meanwhile():
    """Between listing the overdue attempts and locking each, a submit may close one."""
    first, second = started(time_limit_minutes=10), started(time_limit_minutes=10)
    submitted_at = NOW + timedelta(minutes=9)

    def submit_the_other(sender, instance, **kwargs):
        # Another request, committed while the sweep closed the first attempt.
        other = second if instance.pk == first.pk else first
        Attempt.objects.filter(pk=other.pk, status=AttemptStatus.IN_PROGRESS).update(
            status=AttemptStatus.SUBMITTED, finished_at=submitted_at
        )

    post_save.connect(submit_the_other, sender=Attempt)
    try:
        closed = services.close_expired_attempts(now=NOW + timedelta(hours=1))
    finally:
        post_save.disconnect(submit_the_other, sender=Attempt)
    assert len(closed) == 1
    swept = closed[0]
    other = first if swept.pk == second.pk else second
    other.refresh_from_db()
    assert swept.status == AttemptStatus.EXPIRED
    assert other.status == AttemptStatus.SUBMITTED
    assert other.finished_at == submitted_at
    assert not other.events.filter(kind=AttemptEvent.Kind.EXPIRED).exists()
