"""Reads for instructors' reports, each a constant number of queries in learners and attempts.

Aggregates are grouped in the database; per-learner and per-question arithmetic is done in
Python on the small rows that come back (`quizzes/item_analysis.py` for the statistics).
Learners are the accounts that are neither staff nor instructors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils.html import strip_tags
from django.utils.text import Truncator

from course.models import Lesson, LessonProgress, Module, User

from . import item_analysis, timing
from .grading import percent_of
from .models import (
    Accommodation,
    Attempt,
    AttemptStatus,
    PracticeAnswer,
    Question,
    Quiz,
    QuizKind,
)


def learners() -> QuerySet[User]:
    """Return the accounts reports count as learners: not staff, not instructors."""
    return User.objects.filter(is_staff=False, is_superuser=False).exclude(
        groups__name=User.INSTRUCTORS_GROUP
    )


def reported_quizzes(module: Module | None = None) -> QuerySet[Quiz]:
    """Return the graded quizzes and exams reports cover (practice has no attempts)."""
    quizzes = Quiz.objects.active().exclude(kind=QuizKind.PRACTICE).select_related("module")
    return quizzes.filter(module=module) if module else quizzes


# The index -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizSummary:
    quiz: Quiz
    attempts: int
    learners: int
    passed: int
    in_progress: int

    @property
    def pass_rate(self) -> int | None:
        return percent_of(self.passed, self.attempts) if self.attempts else None


def quiz_summaries() -> list[QuizSummary]:
    """Return every reported quiz with its attempt counts (one query)."""
    finished = ~Q(attempts__status=AttemptStatus.IN_PROGRESS)
    quizzes = reported_quizzes().annotate(
        n_finished=Count("attempts", filter=finished),
        n_learners=Count("attempts__user", filter=finished, distinct=True),
        n_passed=Count("attempts", filter=finished & Q(attempts__passed=True)),
        n_open=Count("attempts", filter=Q(attempts__status=AttemptStatus.IN_PROGRESS)),
    )
    return [
        QuizSummary(
            quiz=quiz,
            attempts=quiz.n_finished,
            learners=quiz.n_learners,
            passed=quiz.n_passed,
            in_progress=quiz.n_open,
        )
        for quiz in quizzes
    ]


# Learner progress ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizResult:
    attempts: int
    best_percent: int | None
    passed: bool


@dataclass
class LearnerRow:
    username: str
    joined: datetime
    lessons_done: int = 0
    last_activity: datetime | None = None
    results: dict[int, QuizResult] = field(default_factory=dict)

    @property
    def quizzes_passed(self) -> int:
        return sum(1 for result in self.results.values() if result.passed)

    @property
    def average_best(self) -> int | None:
        """Return the mean of the best percentages of the quizzes attempted (None: none)."""
        bests = [r.best_percent for r in self.results.values() if r.best_percent is not None]
        return round(sum(bests) / len(bests)) if bests else None

    def seen(self, when: datetime | None) -> None:
        if when is not None and (self.last_activity is None or when > self.last_activity):
            self.last_activity = when

    def result_cells(self, quizzes: Iterable[Quiz]) -> list[QuizResult | None]:
        return [self.results.get(quiz.pk) for quiz in quizzes]


@dataclass(frozen=True)
class LearnerProgress:
    quizzes: list[Quiz]
    lessons_total: int
    rows: list[LearnerRow]
    learners_total: int


SORT_KEYS = {
    "username": lambda row: row.username,
    "last_activity": lambda row: (row.last_activity is not None, row.last_activity or row.joined),
    "lessons": lambda row: row.lessons_done,
    "passed": lambda row: row.quizzes_passed,
    "average": lambda row: (row.average_best is not None, row.average_best or 0),
}


def learner_progress(
    *,
    now: datetime,
    module: Module | None = None,
    username: str = "",
    activity: str = "",
    sort: str = "username",
) -> LearnerProgress:
    """Return each learner's lessons done, quiz results and last activity (seven queries).

    `activity`: "7" or "30" (active in that many days), "idle30" (not for 30 days), "never".
    `sort`: a key of `SORT_KEYS`, with a leading "-" for descending.
    """
    people = learners()
    if username:
        people = people.filter(username__icontains=username)
    rows = {
        pk: LearnerRow(username=name, joined=joined)
        for pk, name, joined in people.values_list("pk", "username", "date_joined")
    }
    quizzes = list(reported_quizzes(module))
    lessons = Lesson.objects.published()
    progress = LessonProgress.objects.published().filter(user__in=people)
    practice = PracticeAnswer.objects.filter(user__in=people)
    if module:
        lessons = lessons.filter(module=module)
        progress = progress.filter(lesson__module=module)
        practice = practice.filter(question__module=module)
    for user_id, done, last in (
        progress.values("user")
        .annotate(done=Count("pk", filter=Q(completed_at__isnull=False)), last=Max("last_seen_at"))
        .values_list("user", "done", "last")
    ):
        rows[user_id].lessons_done = done
        rows[user_id].seen(last)
    for user_id, last in (
        practice.values("user").annotate(last=Max("answered_at")).values_list("user", "last")
    ):
        rows[user_id].seen(last)
    finished = ~Q(status=AttemptStatus.IN_PROGRESS)
    attempts = (
        Attempt.objects.filter(user__in=people, quiz__in=[quiz.pk for quiz in quizzes])
        .values("user", "quiz")
        .annotate(
            n=Count("pk", filter=finished),
            best=Max(F("score") * 100.0 / F("max_score"), filter=finished & Q(max_score__gt=0)),
            n_passed=Count("pk", filter=finished & Q(passed=True)),
            started=Max("started_at"),
            finished=Max("finished_at"),
        )
        .values_list("user", "quiz", "n", "best", "n_passed", "started", "finished")
    )
    for user_id, quiz_id, n, best, n_passed, started, finished_at in attempts:
        row = rows[user_id]
        row.seen(started)
        row.seen(finished_at)
        if n:
            row.results[quiz_id] = QuizResult(
                attempts=n, best_percent=None if best is None else round(best), passed=n_passed > 0
            )
    selected = [row for row in rows.values() if _active(row, activity, now)]
    descending = sort.startswith("-")
    key = SORT_KEYS.get(sort.lstrip("-"), SORT_KEYS["username"])
    selected.sort(key=lambda row: row.username)
    selected.sort(key=key, reverse=descending)
    return LearnerProgress(
        quizzes=quizzes, lessons_total=lessons.count(), rows=selected, learners_total=len(rows)
    )


def _active(row: LearnerRow, activity: str, now: datetime) -> bool:
    last = row.last_activity
    if activity in {"7", "30"}:
        return last is not None and last >= now - timedelta(days=int(activity))
    if activity == "idle30":
        return last is None or last < now - timedelta(days=30)
    if activity == "never":
        return last is None
    return True


# One quiz --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceRow:
    stats: item_analysis.ChoiceCount
    label: str


@dataclass(frozen=True)
class ItemRow:
    number: int
    stats: item_analysis.ItemStats
    stem: str
    topic: str
    choices: list[ChoiceRow]


@dataclass(frozen=True)
class QuizReport:
    quiz: Quiz
    attempts: int
    learners: int
    passed: int
    learners_passed: int
    bins: list[item_analysis.Bin]
    pass_x: float
    durations: tuple[float, float, float] | None
    first_attempts: int
    alpha: float | None
    items: list[ItemRow]
    misconceptions: list[item_analysis.MisconceptionCount]
    min_responses: int = item_analysis.MIN_RESPONSES

    @property
    def pass_rate(self) -> int | None:
        return percent_of(self.passed, self.attempts) if self.attempts else None

    @property
    def learner_pass_rate(self) -> int | None:
        return percent_of(self.learners_passed, self.learners) if self.learners else None

    @property
    def flagged(self) -> int:
        return sum(1 for item in self.items if item.stats.flags)

    @property
    def tallest_bin(self) -> int:
        return max((b.count for b in self.bins), default=0)

    @property
    def duration_words(self) -> tuple[str, str, str] | None:
        if self.durations is None:
            return None
        q1, q2, q3 = self.durations
        return (
            timing.format_clock(round(q1)),
            timing.format_clock(round(q2)),
            timing.format_clock(round(q3)),
        )


def first_attempts(quiz: Quiz) -> QuerySet[Attempt]:
    """Return each learner's first attempt at `quiz`, if it is finished."""
    first = (
        Attempt.objects.filter(quiz=quiz, user=OuterRef("user"))
        .order_by("started_at", "pk")
        .values("pk")[:1]
    )
    return Attempt.objects.finished().filter(quiz=quiz, pk=Subquery(first)).order_by()


@dataclass(frozen=True)
class ItemAnalysis:
    """What a quiz's first attempts give: kept in the cache (`item_analysis_for`)."""

    first_attempts: int
    stats: list[item_analysis.ItemStats]
    alpha: float | None
    misconceptions: list[item_analysis.MisconceptionCount]


# Bump when `item_analysis` computes something else: every cached analysis is then recomputed.
ANALYSIS_VERSION = 1
ANALYSIS_SECONDS = 7 * 24 * 3600  # a key no longer asked for (new attempts) expires in a week


def analysis_key(quiz: Quiz, finished: int, last_pk: int, last_finished: datetime | None) -> str:
    """Return the cache key of a quiz's item analysis over its finished attempts as they are.

    A finished attempt never changes what the analysis reads (its recorded responses; a grade
    override changes the score only), so the analysis changes only when an attempt finishes
    (the count and the latest id and time change) or goes (the count changes).
    """
    stamp = last_finished.isoformat() if last_finished else "-"
    return f"quiz-report:items:v{ANALYSIS_VERSION}:{quiz.pk}:{finished}:{last_pk}:{stamp}"


def item_analysis_for(quiz: Quiz, key: str) -> ItemAnalysis:
    """Return the quiz's item analysis: from the shared cache, else computed (one query).

    The records are decoded one attempt at a time and folded into flat columns
    (`item_analysis.Tally`), so no attempt's records are kept: holding a thousand attempts'
    decoded records costs several times more than the statistics themselves.
    """
    found = cache.get(key)
    if isinstance(found, ItemAnalysis):
        return found
    tally = item_analysis.Tally()
    # Pick the attempts by id first (on the covering index), then read their records: reading
    # each candidate's row for the filter would walk its large snapshot too.
    records = (
        Attempt.objects.filter(pk__in=first_attempts(quiz).values("pk"))
        .order_by("pk")
        .values_list("item_responses", flat=True)
    )
    for responses in records.iterator(chunk_size=200):
        tally.add(responses)
    analysis = ItemAnalysis(
        first_attempts=len(tally),
        stats=tally.items(),
        alpha=tally.alpha(),
        misconceptions=tally.misconceptions(),
    )
    cache.set(key, analysis, ANALYSIS_SECONDS)
    return analysis


def quiz_report(quiz: Quiz) -> QuizReport:
    """Return a quiz's scores, pass rates, times and item analysis (four queries; three when
    the item analysis of these finished attempts is in the cache)."""
    rows = list(
        Attempt.objects.finished()
        .filter(quiz=quiz)
        .order_by()
        .values_list("user", "started_at", "finished_at", "score", "max_score", "passed", "pk")
    )
    percents = [
        100 * score / maximum for *_, score, maximum, _, _ in rows if maximum and score is not None
    ]
    durations = [
        (finished - started).total_seconds() for _, started, finished, *_ in rows if finished
    ]
    learners_passed = {user for user, *_, passed, _ in rows if passed}
    last_finished = max((row[2] for row in rows if row[2]), default=None)
    key = analysis_key(quiz, len(rows), max((row[-1] for row in rows), default=0), last_finished)
    analysis = item_analysis_for(quiz, key)
    return QuizReport(
        quiz=quiz,
        attempts=len(rows),
        learners=len({user for user, *_ in rows}),
        passed=sum(1 for *_, passed, _ in rows if passed),
        learners_passed=len(learners_passed),
        bins=item_analysis.histogram(percents),
        pass_x=item_analysis.chart_x(quiz.pass_mark),
        durations=item_analysis.quartiles(sorted(durations)),
        first_attempts=analysis.first_attempts,
        alpha=analysis.alpha,
        items=_item_rows(quiz, analysis.stats),
        misconceptions=analysis.misconceptions,
    )


def _item_rows(quiz: Quiz, stats: list[item_analysis.ItemStats]) -> list[ItemRow]:
    """Label each question and choice with the bank's current text (two queries)."""
    questions = {
        question.key: question
        for question in Question.objects.filter(
            module_id=quiz.module_id, key__in=[item.question for item in stats]
        )
        .select_related("lesson")
        .with_choices()
    }
    rows = []
    ordered = sorted(stats, key=lambda item: (-len(item.flags), item.facility, item.question))
    for number, item in enumerate(ordered, start=1):
        question = questions.get(item.question)
        texts = (
            {choice.key: _plain(choice.text_html, 12) for choice in question.choices.all()}
            if question and not question.variant
            else {}
        )
        rows.append(
            ItemRow(
                number=number,
                stats=item,
                stem=_plain(question.stem_html, 30) if question else "(no longer in the bank)",
                topic=question.lesson.title if question and question.lesson else "",
                choices=[
                    ChoiceRow(stats=choice, label=texts.get(choice.choice, ""))
                    for choice in item.choices
                ],
            )
        )
    return rows


def _plain(html: str, words: int) -> str:
    return Truncator(strip_tags(html).strip()).words(words, truncate="…")


# Exams in progress -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenExam:
    attempt: Attempt
    seconds_left: int | None
    accommodation: Accommodation | None

    @property
    def clock(self) -> str:
        return "no limit" if self.seconds_left is None else timing.format_clock(self.seconds_left)

    @property
    def answered(self) -> int:
        return len(self.attempt.answers)

    @property
    def questions(self) -> int:
        return int(self.attempt.max_score or 0)


def exams_in_progress(*, now: datetime) -> list[OpenExam]:
    """Return the open exam attempts not yet past deadline and grace, soonest deadline first."""
    grace = timedelta(seconds=timing.GRACE_SECONDS)
    attempts = list(
        Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS, quiz__kind=QuizKind.EXAM)
        .filter(Q(deadline__isnull=True) | Q(deadline__gte=now - grace))
        .select_related("quiz__module", "user")
        .defer("snapshot", "item_responses")
        .order_by(F("deadline").asc(nulls_last=True), "pk")
    )
    accommodations = {
        (item.quiz_id, item.user_id): item
        for item in Accommodation.objects.filter(
            quiz__in={a.quiz_id for a in attempts}, user__in={a.user_id for a in attempts}
        )
    }
    return [
        OpenExam(
            attempt=attempt,
            seconds_left=timing.seconds_left(attempt.deadline, now) if attempt.deadline else None,
            accommodation=accommodations.get((attempt.quiz_id, attempt.user_id)),
        )
        for attempt in attempts
    ]
