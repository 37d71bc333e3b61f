"""Attempts at graded quizzes and exams: start, save answers, submit, expire.

Each step is its own function: `start_attempt` builds and records the snapshot (draw + shuffle
with a seeded `random.Random`) and fixes the deadline, `save_answers` stores drafts of a graded
quiz and `submit_answers` its final answers, `save_exam_answer` stores one exam answer and flag,
`submit_attempt` grades and closes, and `expire_attempt` / `close_expired_attempts` close
attempts whose deadline has passed, *at the deadline*. Scoring itself is `grading.py` and the
clock rules are `timing.py` (both pure).

Every answer carries the version token its page was drawn with (`answer_versions[key]`, 0 before
the first save): a change sent with an older token is refused as stale, so a second tab or window
drawn earlier can never overwrite (or erase) what another one saved since.

Every write locks the attempt row first, and that row only
(`select_for_update(of=("self",))`), so saves and submits from
several tabs, devices or double clicks are applied one at a time and an attempt is graded once.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from course.models import User

from . import grading, item_analysis, timing, variants
from .models import (
    Accommodation,
    Attempt,
    AttemptEvent,
    AttemptStatus,
    PracticeAnswer,
    Question,
    QuestionQuerySet,
    Quiz,
    QuizKind,
)
from .receipt import receipt_hash
from .snapshot import QuestionSnapshot, Topic, build_snapshot


class AttemptRefused(Exception):
    """The learner may not start this quiz now; the message says why, for the learner."""


class AnswerRejected(ValueError):
    """An answer names a question or choice the attempt did not ask."""


def quiz_topics(quiz: Quiz) -> list[Topic]:
    """Return the lessons a quiz draws from; an empty list means every lesson."""
    return [Topic(str(item["lesson"]), int(item.get("weight", 1))) for item in quiz.topics]


def _pool_questions(quiz: Quiz) -> QuestionQuerySet:
    questions = Question.objects.active().filter(module_id=quiz.module_id, lesson__isnull=False)
    topics = quiz_topics(quiz)
    if topics:
        questions = questions.filter(lesson__slug__in=[topic.lesson for topic in topics])
    return questions


def question_pool(*, quiz: Quiz) -> list[QuestionSnapshot]:
    """Return the active questions a quiz may draw from, as plain data."""
    questions = _pool_questions(quiz).select_related("lesson").with_choices()
    return [question.as_snapshot() for question in questions]


def questions_per_attempt(*, quiz: Quiz) -> int:
    """Return how many questions an attempt at `quiz` asks (one query when it asks them all)."""
    return quiz.question_count or _pool_questions(quiz).count()


def accommodation_for(*, quiz: Quiz, user: User) -> Accommodation | None:
    return Accommodation.objects.filter(quiz=quiz, user=user).first()


def seen_question_keys(*, user: User, quiz: Quiz) -> set[str]:
    """Return the keys of the module's questions this learner was asked or practised before."""
    seen: set[str] = set()
    started = AttemptEvent.objects.filter(
        attempt__user=user,
        attempt__quiz__module_id=quiz.module_id,
        kind=AttemptEvent.Kind.STARTED,
    ).values_list("detail", flat=True)
    for detail in started:
        seen.update(str(key) for key in detail["questions"])
    seen.update(
        PracticeAnswer.objects.filter(user=user, question__module_id=quiz.module_id).values_list(
            "question__key", flat=True
        )
    )
    return seen


@dataclass(frozen=True)
class Allowance:
    """What one learner may have at one quiz: its rules, widened by their accommodation."""

    time_multiplier: Decimal
    seconds: int | None
    attempts: int | None
    window_closes: datetime | None

    @property
    def has_extra_time(self) -> bool:
        return self.time_multiplier != 1


def allowance(*, quiz: Quiz, accommodation: Accommodation | None) -> Allowance:
    """Return the time, attempts and window `accommodation` gives at `quiz` (None: no limit)."""
    multiplier = accommodation.time_multiplier if accommodation else Decimal(1)
    extension = accommodation.window_extension_minutes if accommodation else 0
    extra = accommodation.extra_attempts if accommodation else 0
    return Allowance(
        time_multiplier=multiplier,
        seconds=timing.time_allowed(quiz.time_limit_minutes, multiplier),
        attempts=None if quiz.attempts_allowed is None else quiz.attempts_allowed + extra,
        window_closes=timing.window_close(quiz.closes_at, extension) if quiz.closes_at else None,
    )


def start_refusal(
    *,
    quiz: Quiz,
    attempts: Sequence[Attempt],
    now: datetime,
    accommodation: Accommodation | None = None,
) -> str | None:
    """Return why a learner with these attempts may not start `quiz` now, or None."""
    allowed = allowance(quiz=quiz, accommodation=accommodation)
    if quiz.opens_at and now < quiz.opens_at:
        return f"This quiz opens on {quiz.opens_at:%d %B %Y at %H:%M}."
    if allowed.window_closes and now >= allowed.window_closes:
        return "This quiz has closed."
    if allowed.attempts is not None and len(attempts) >= allowed.attempts:
        used = "attempt" if allowed.attempts == 1 else "attempts"
        return f"You have used all {allowed.attempts} {used} at this quiz."
    finished = [attempt.finished_at for attempt in attempts if attempt.finished_at]
    if quiz.retake_delay_minutes and finished:
        ready_at = max(finished) + timedelta(minutes=quiz.retake_delay_minutes)
        if now < ready_at:
            minutes = max(1, round((ready_at - now).total_seconds() / 60))
            return f"You can take this quiz again in {minutes} minute{'s' if minutes > 1 else ''}."
    return None


def deadline_for(
    *, quiz: Quiz, started_at: datetime, accommodation: Accommodation | None
) -> datetime | None:
    return timing.attempt_deadline(
        started_at=started_at,
        time_limit_minutes=quiz.time_limit_minutes,
        time_multiplier=accommodation.time_multiplier if accommodation else 1,
        closes_at=quiz.closes_at,
        window_extension_minutes=accommodation.window_extension_minutes if accommodation else 0,
    )


@transaction.atomic
def start_attempt(*, quiz: Quiz, user: User, now: datetime, seed: int | None = None) -> Attempt:
    """Return the learner's open attempt at `quiz`, or start a new one with a fresh snapshot."""
    # Lock the learner's row so two clicks on "Start" cannot open two attempts.
    User.objects.select_for_update().filter(pk=user.pk).first()
    attempts = list(Attempt.objects.filter(quiz=quiz, user=user))
    for index, attempt in enumerate(attempts):
        if attempt.is_open:
            if not timing.is_overdue(attempt.deadline, now):
                return attempt
            attempts[index] = expire_attempt(attempt_id=attempt.pk, now=now)
    accommodation = accommodation_for(quiz=quiz, user=user)
    reason = start_refusal(quiz=quiz, attempts=attempts, now=now, accommodation=accommodation)
    if reason:
        raise AttemptRefused(reason)
    pool = question_pool(quiz=quiz)
    if not pool:
        raise AttemptRefused("This quiz has no questions yet.")
    topics = quiz_topics(quiz) or [
        Topic(lesson) for lesson in dict.fromkeys(q["topic"] for q in pool)
    ]
    seen = seen_question_keys(user=user, quiz=quiz) if quiz.kind == QuizKind.EXAM else set()
    seed = secrets.randbits(32) if seed is None else seed
    snapshot = build_snapshot(
        pool,
        topics=topics,
        count=quiz.question_count,
        seed=seed,
        module_slug=quiz.module.slug,
        pass_mark=quiz.pass_mark,
        partial_credit=quiz.partial_credit,
        seen=seen,
        realise=variants.realise,
    )
    deadline = deadline_for(quiz=quiz, started_at=now, accommodation=accommodation)
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=user,
        started_at=now,
        deadline=deadline,
        snapshot=snapshot,
        max_score=float(len(snapshot["questions"])),
    )
    keys = [q["key"] for q in snapshot["questions"]]
    AttemptEvent.objects.create(
        attempt=attempt,
        at=now,
        kind=AttemptEvent.Kind.STARTED,
        detail={
            "seed": seed,
            "questions": keys,
            "previously_seen": sum(1 for key in keys if key in seen),
            "deadline": deadline.isoformat() if deadline else None,
            "time_multiplier": str(accommodation.time_multiplier) if accommodation else "1",
        },
    )
    return attempt


def _check_answer(attempt: Attempt, key: str, chosen: Sequence[str]) -> None:
    """Raise `AnswerRejected` unless `chosen` is a possible (draft) answer to question `key`."""
    question = next((q for q in attempt.snapshot["questions"] if q["key"] == key), None)
    if question is None:
        raise AnswerRejected(f"question {key!r} is not part of this attempt")
    problem = grading.answer_problem(question, chosen, complete=False)
    if problem:
        raise AnswerRejected(problem)


def _apply_answers(
    attempt: Attempt, answers: Mapping[str, Sequence[str]], now: datetime
) -> list[AttemptEvent]:
    """Store changed answers on the (locked) attempt; return the events to record."""
    events = []
    for key, chosen in answers.items():
        _check_answer(attempt, key, chosen)
        if attempt.answers.get(key, []) == list(chosen):
            continue
        attempt.sequence += 1
        attempt.answers[key] = list(chosen)
        attempt.answer_versions[key] = attempt.sequence
        attempt.answer_times[key] = now.isoformat()
        events.append(
            AttemptEvent(
                attempt=attempt,
                at=now,
                kind=AttemptEvent.Kind.ANSWERED,
                detail={"question": key, "chosen": list(chosen), "sequence": attempt.sequence},
            )
        )
    return events


def _lock(attempt_id: int) -> Attempt:
    """Read the attempt and lock its row only (not the quiz or user rows read with it).

    Locking the joined rows too would queue every save of an exam behind its one quiz row.
    """
    return (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz", "user")
        .get(pk=attempt_id)
    )


def lock_attempt(*, attempt_id: int, user: User, module_slug: str, quiz_slug: str) -> Attempt:
    """Read the learner's attempt with its quiz and module, locking the attempt row only.

    Call it inside a transaction and pass the result to `save_exam_answer(locked=...)`: one read
    per save. Raises `Attempt.DoesNotExist` for another learner's attempt or a wrong address.
    """
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz__module")
        .get(pk=attempt_id, user=user, quiz__slug=quiz_slug, quiz__module__slug=module_slug)
    )
    attempt.user = user  # the row the filter matched: no second read
    return attempt


def _close(
    attempt: Attempt,
    *,
    now: datetime,
    status: str,
    events: list[AttemptEvent] | None = None,
) -> Attempt:
    """Grade the (locked, open) attempt on its saved answers and close it.

    A submission counts at `now`, but never later than the deadline; an expiry counts at the
    deadline, whenever it is noticed.
    """
    events = events or []
    finished_at = now
    if attempt.deadline is not None and (status == AttemptStatus.EXPIRED or now > attempt.deadline):
        finished_at = attempt.deadline
    result = grading.grade(attempt.snapshot, attempt.answers)
    attempt.score = result.score
    attempt.max_score = result.max_score
    attempt.passed = result.passed
    attempt.topic_scores = {
        topic.topic: {"title": topic.title, "score": topic.score, "max": topic.max_score}
        for topic in result.topics
    }
    attempt.item_responses = item_analysis.record_responses(attempt.snapshot, attempt.answers)
    attempt.status = status
    attempt.finished_at = finished_at
    attempt.receipt_hash = receipt_hash(
        attempt_id=attempt.pk,
        username=attempt.user.get_username(),
        quiz=f"{attempt.snapshot['module_slug']}/{attempt.quiz.slug}",
        started_at=attempt.started_at,
        finished_at=finished_at,
        status=status,
        question_keys=[q["key"] for q in attempt.snapshot["questions"]],
        answers=attempt.answers,
        answer_times=attempt.answer_times,
        flags=attempt.flags,
    )
    attempt.save()
    kind = (
        AttemptEvent.Kind.EXPIRED
        if status == AttemptStatus.EXPIRED
        else AttemptEvent.Kind.SUBMITTED
    )
    detail: dict[str, object] = {"score": result.score, "max_score": result.max_score}
    if finished_at != now:
        detail["noticed_at"] = now.isoformat()
    events.append(AttemptEvent(attempt=attempt, at=finished_at, kind=kind, detail=detail))
    AttemptEvent.objects.bulk_create(events)
    return attempt


@dataclass(frozen=True)
class DraftResult:
    """A graded quiz's save: the attempt as it is now, and the answers refused as stale."""

    attempt: Attempt
    stale: tuple[str, ...] = ()


def _refuse_stale(
    attempt: Attempt,
    answers: Mapping[str, Sequence[str]],
    versions: Mapping[str, int],
    now: datetime,
) -> list[AttemptEvent]:
    """Return a refusal for each answer drawn from an older version than the saved one."""
    refusals = []
    for key, chosen in answers.items():
        _check_answer(attempt, key, chosen)
        version = versions.get(key, 0)
        latest = int(attempt.answer_versions.get(key, 0))
        if version != latest and attempt.answers.get(key, []) != list(chosen):
            refusals.append(
                AttemptEvent(
                    attempt=attempt,
                    at=now,
                    kind=AttemptEvent.Kind.REFUSED,
                    detail={
                        "question": key,
                        "chosen": list(chosen),
                        "why": "stale",
                        "version": version,
                        "current": latest,
                    },
                )
            )
    return refusals


@transaction.atomic
def save_answers(
    *,
    attempt_id: int,
    answers: Mapping[str, Sequence[str]],
    versions: Mapping[str, int],
    now: datetime,
) -> DraftResult:
    """Save draft answers to an open graded attempt; a closed or overdue one is not changed.

    Only the questions in `answers` are touched; an empty list clears one. `versions` holds the
    token each question was drawn with (a missing one counts as 0): an answer that differs from
    the saved one and was drawn from an older version is refused as stale, and logged. A repeat
    of the saved answer is accepted whatever its token (a double click). An overdue attempt is
    closed at its deadline instead (see `expire_attempt`).
    """
    attempt = _lock(attempt_id)
    if not attempt.is_open:
        return DraftResult(attempt)
    if timing.is_overdue(attempt.deadline, now):
        return DraftResult(_close(attempt, now=now, status=AttemptStatus.EXPIRED))
    refusals = _refuse_stale(attempt, answers, versions, now)
    stale = tuple(str(refusal.detail["question"]) for refusal in refusals)
    current = {key: chosen for key, chosen in answers.items() if key not in stale}
    events = _apply_answers(attempt, current, now)
    if events:
        attempt.save(update_fields=["answers", "answer_versions", "answer_times", "sequence"])
    AttemptEvent.objects.bulk_create(events + refusals)
    return DraftResult(attempt, stale)


@transaction.atomic
def submit_answers(
    *,
    attempt_id: int,
    answers: Mapping[str, Sequence[str]],
    versions: Mapping[str, int],
    now: datetime,
) -> DraftResult:
    """Save a graded quiz's final answers as `save_answers` does, then grade and close it.

    If an answer is refused as stale the attempt stays open: the learner submitted a page that
    no longer shows what is saved.
    """
    saved = save_answers(attempt_id=attempt_id, answers=answers, versions=versions, now=now)
    if saved.stale or not saved.attempt.is_open:
        return saved
    return DraftResult(submit_attempt(attempt_id=attempt_id, now=now))


class SaveOutcome(enum.Enum):
    SAVED = "saved"
    UNCHANGED = "unchanged"
    STALE = "stale"
    LATE = "late"
    CLOSED = "closed"


@dataclass(frozen=True)
class SaveResult:
    attempt: Attempt
    outcome: SaveOutcome
    question_key: str

    @property
    def changed_at(self) -> datetime | None:
        """Return when the stored answer or flag of the question last changed."""
        stamp = self.attempt.answer_times.get(self.question_key)
        return datetime.fromisoformat(stamp) if stamp else None


def save_exam_answer(
    *,
    attempt_id: int,
    question_key: str,
    chosen: Sequence[str],
    flagged: bool,
    version: int,
    now: datetime,
    locked: Attempt | None = None,
) -> SaveResult:
    """Store one question's answer and flag if `version` is the question's current version.

    `locked` is the attempt when the caller already read and locked it in its own transaction
    (`lock_attempt`), so the row is read once per save; without it the attempt is read
    and locked here. With `locked`, the caller's transaction is the only one (no savepoint).

    `version` is the token the form was rendered with (`answer_versions[key]`, 0 before the
    first save). A save that changes nothing is accepted whatever its token (a double click). A
    save with an older token is refused as stale: another tab or window changed the answer since
    this form was drawn. Answers after the deadline plus grace are refused and the attempt is
    closed at its deadline. Every refusal is logged.
    """
    with transaction.atomic(savepoint=locked is None):
        attempt = locked if locked is not None and locked.pk == attempt_id else _lock(attempt_id)
        return _save_locked_answer(
            attempt,
            question_key=question_key,
            chosen=chosen,
            flagged=flagged,
            version=version,
            now=now,
        )


def _save_locked_answer(
    attempt: Attempt,
    *,
    question_key: str,
    chosen: Sequence[str],
    flagged: bool,
    version: int,
    now: datetime,
) -> SaveResult:
    _check_answer(attempt, question_key, chosen)
    if not attempt.is_open:
        return SaveResult(attempt, SaveOutcome.CLOSED, question_key)
    detail = {"question": question_key, "chosen": list(chosen), "flagged": flagged}
    if timing.is_overdue(attempt.deadline, now):
        refused = AttemptEvent(
            attempt=attempt, at=now, kind=AttemptEvent.Kind.REFUSED, detail=detail | {"why": "late"}
        )
        _close(attempt, now=now, status=AttemptStatus.EXPIRED, events=[refused])
        return SaveResult(attempt, SaveOutcome.LATE, question_key)
    was_flagged = question_key in attempt.flags
    same_answer = attempt.answers.get(question_key, []) == list(chosen)
    if same_answer and was_flagged == flagged:
        return SaveResult(attempt, SaveOutcome.UNCHANGED, question_key)
    current = int(attempt.answer_versions.get(question_key, 0))
    if version != current:
        AttemptEvent.objects.create(
            attempt=attempt,
            at=now,
            kind=AttemptEvent.Kind.REFUSED,
            detail=detail | {"why": "stale", "version": version, "current": current},
        )
        return SaveResult(attempt, SaveOutcome.STALE, question_key)
    attempt.sequence += 1
    events = []
    if not same_answer:
        if chosen:
            attempt.answers[question_key] = list(chosen)
        else:
            attempt.answers.pop(question_key, None)
        events.append(
            AttemptEvent(
                attempt=attempt,
                at=now,
                kind=AttemptEvent.Kind.ANSWERED,
                detail={
                    "question": question_key,
                    "chosen": list(chosen),
                    "sequence": attempt.sequence,
                },
            )
        )
    if was_flagged != flagged:
        attempt.flags = [key for key in attempt.flags if key != question_key]
        if flagged:
            attempt.flags.append(question_key)
        events.append(
            AttemptEvent(
                attempt=attempt,
                at=now,
                kind=AttemptEvent.Kind.FLAGGED,
                detail={"question": question_key, "flagged": flagged, "sequence": attempt.sequence},
            )
        )
    attempt.answer_versions[question_key] = attempt.sequence
    attempt.answer_times[question_key] = now.isoformat()
    attempt.save(update_fields=["answers", "flags", "answer_versions", "answer_times", "sequence"])
    AttemptEvent.objects.bulk_create(events)
    return SaveResult(attempt, SaveOutcome.SAVED, question_key)


@transaction.atomic
def submit_attempt(
    *,
    attempt_id: int,
    now: datetime,
    auto: bool = False,
) -> Attempt:
    """Grade the attempt on its saved answers and close it; a second submit changes nothing.

    A submit after the deadline plus grace closes the attempt at the deadline. `auto=True` is the
    page's timer running out: it closes the attempt only once the deadline has passed (a client
    clock running fast cannot end an exam early) and records it as finished at the deadline.
    """
    attempt = _lock(attempt_id)
    if not attempt.is_open:
        return attempt
    if timing.is_overdue(attempt.deadline, now):
        return _close(attempt, now=now, status=AttemptStatus.EXPIRED)
    if auto:
        if attempt.deadline is None or now < attempt.deadline:
            return attempt
        return _close(attempt, now=now, status=AttemptStatus.EXPIRED)
    return _close(attempt, now=now, status=AttemptStatus.SUBMITTED)


@transaction.atomic
def expire_attempt(*, attempt_id: int, now: datetime) -> Attempt:
    """Close an overdue attempt at its deadline, graded on its saved answers (else no change)."""
    attempt = _lock(attempt_id)
    if attempt.is_open and timing.is_overdue(attempt.deadline, now):
        _close(attempt, now=now, status=AttemptStatus.EXPIRED)
    return attempt


def close_expired_attempts(*, now: datetime, user: User | None = None) -> list[Attempt]:
    """Close every overdue attempt (of one learner, if given); return the attempts closed."""
    overdue = Attempt.objects.overdue(now)
    if user is not None:
        overdue = overdue.filter(user=user)
    closed = []
    for attempt_id in overdue.values_list("pk", flat=True):
        attempt = expire_attempt(attempt_id=attempt_id, now=now)
        if attempt.status == AttemptStatus.EXPIRED:
            closed.append(attempt)
    return closed


@transaction.atomic
def record_resume(*, attempt_id: int, now: datetime, client: str) -> Attempt:
    """Log that the learner came back to an open attempt (a reload, another tab or device)."""
    attempt = _lock(attempt_id)
    if attempt.is_open:
        AttemptEvent.objects.create(
            attempt=attempt, at=now, kind=AttemptEvent.Kind.RESUMED, detail={"client": client[:200]}
        )
    return attempt


@transaction.atomic
def set_accommodation(
    *,
    quiz: Quiz,
    user: User,
    time_multiplier: Decimal,
    extra_attempts: int,
    window_extension_minutes: int,
    note: str = "",
    now: datetime | None = None,
) -> Accommodation:
    """Grant (or change) a learner's accommodation; an open attempt gets the new deadline.

    Each changed deadline is logged in the attempt's event log (at `now`, by default the time
    of the call).
    """
    accommodation, _ = Accommodation.objects.update_or_create(
        quiz=quiz,
        user=user,
        defaults={
            "time_multiplier": time_multiplier,
            "extra_attempts": extra_attempts,
            "window_extension_minutes": window_extension_minutes,
            "note": note,
        },
    )
    open_attempts = Attempt.objects.select_for_update().filter(
        quiz=quiz, user=user, status=AttemptStatus.IN_PROGRESS
    )
    for attempt in open_attempts:
        deadline = deadline_for(
            quiz=quiz, started_at=attempt.started_at, accommodation=accommodation
        )
        if deadline == attempt.deadline:
            continue
        AttemptEvent.objects.create(
            attempt=attempt,
            at=now or timezone.now(),
            kind=AttemptEvent.Kind.EXTENDED,
            detail={
                "from": attempt.deadline.isoformat() if attempt.deadline else None,
                "to": deadline.isoformat() if deadline else None,
                "time_multiplier": str(accommodation.time_multiplier),
            },
        )
        attempt.deadline = deadline
        attempt.save(update_fields=["deadline"])
    return accommodation


MAX_TIME_MULTIPLIER = Decimal(4)


def multiplier_for_extra_minutes(*, quiz: Quiz, current: Decimal, minutes: int) -> Decimal:
    """Return the time multiplier that adds at least `minutes` to `current` (at most 4).

    Accommodations scale the time limit (two decimals), so the added time is rounded up.
    """
    limit = quiz.time_limit_minutes or 0
    if not limit:
        return current
    wanted = current + Decimal(minutes) / Decimal(limit)
    return min(MAX_TIME_MULTIPLIER, wanted.quantize(Decimal("0.01"), rounding=ROUND_CEILING))


def grant_extra(
    *,
    attempt: Attempt,
    extra_minutes: int = 0,
    extra_attempts: int = 0,
    note: str = "",
    now: datetime,
) -> Accommodation:
    """Add time or attempts to the accommodation of an attempt's learner at its quiz.

    The learner's other allowances are kept; an open attempt gets the new deadline at once.
    """
    current = accommodation_for(quiz=attempt.quiz, user=attempt.user)
    multiplier = current.time_multiplier if current else Decimal(1)
    return set_accommodation(
        quiz=attempt.quiz,
        user=attempt.user,
        time_multiplier=multiplier_for_extra_minutes(
            quiz=attempt.quiz, current=multiplier, minutes=extra_minutes
        ),
        extra_attempts=(current.extra_attempts if current else 0) + extra_attempts,
        window_extension_minutes=current.window_extension_minutes if current else 0,
        note="; ".join(filter(None, [current.note if current else "", note]))[:200],
        now=now,
    )


class OverrideRefused(ValueError):
    """A grade override the rules do not allow; the message says why, for the instructor."""


@transaction.atomic
def override_score(
    *, attempt_id: int, score: float, reason: str, by: User, now: datetime
) -> Attempt:
    """Replace a closed attempt's score, with a reason, and log it in the attempt's event log.

    The score grading gave is kept (`graded_score`, from the first override on); pass or fail
    follows the new score. The learner's result shows the new score with the reason.
    """
    attempt = _lock(attempt_id)
    reason = reason.strip()
    if attempt.is_open:
        raise OverrideRefused("The attempt is still open: it has no score to override yet.")
    if not reason:
        raise OverrideRefused(
            "Give a reason for the change: it is logged and shown to the learner."
        )
    maximum = attempt.max_score or 0.0
    if not 0 <= score <= maximum:
        raise OverrideRefused(f"The score must be between 0 and {maximum:g}.")
    previous = attempt.score
    if attempt.graded_score is None:
        attempt.graded_score = previous
    attempt.score = score
    attempt.passed = grading.passes(score, maximum, int(attempt.snapshot["pass_mark"]))
    attempt.override_reason = reason[:500]
    attempt.save(update_fields=["score", "passed", "graded_score", "override_reason"])
    AttemptEvent.objects.create(
        attempt=attempt,
        at=now,
        kind=AttemptEvent.Kind.OVERRIDDEN,
        detail={
            "from": previous,
            "to": score,
            "max_score": maximum,
            "graded_score": attempt.graded_score,
            "reason": reason,
            "by": by.get_username(),
        },
    )
    return attempt


def review_opens_at(*, attempt: Attempt) -> datetime | None:
    """Return when an "after close" review opens for this attempt (None: not on a schedule).

    With a window: when the window has closed for everyone, extensions included, and every
    attempt at the quiz has passed its deadline, so no one still sitting the exam can learn the
    answers from someone else's review. Without a window: at the attempt's own deadline.
    """
    quiz = attempt.quiz
    if quiz.closes_at is None:
        return attempt.deadline
    latest = Quiz.objects.filter(pk=quiz.pk).aggregate(
        deadline=Max("attempts__deadline"),
        extension=Max("accommodations__window_extension_minutes"),
    )
    opens = timing.window_close(quiz.closes_at, latest["extension"] or 0)
    if latest["deadline"] is not None:
        opens = max(opens, latest["deadline"])
    return opens
