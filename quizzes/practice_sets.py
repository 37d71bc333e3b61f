"""What a practice page walks through: a lesson's or module's questions, and the learner's place.

A practice set is every active question of one lesson, or of every lesson of a module. The
learner walks through it one question at a time, or through only the questions whose latest
answer was wrong ("practise only what I missed").

A lesson's set can also be narrowed to the questions a learner missed, for the way back from a
result or the history page: `?attempt=<id>` keeps the lesson's questions the learner missed in
that attempt (their own, closed, with its review open: else 404), and `?keys=<token>` the
questions named in a token signed for this learner and lesson (`missed_keys_url`). Either way the
set is fixed while the learner walks through it, and it never names a question they were not
asked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from course.models import Lesson, Module, User

from . import grading, services
from .lookups import close_if_overdue
from .models import Attempt, Question, QuestionQuerySet, ReviewPolicy
from .practice import PracticeResult
from .snapshot import QuestionSnapshot

ATTEMPT_PARAM = "attempt"
# The lesson's own text (its rendered page and sources): a practice page never shows it.
LESSON_TEXT = ("html", "toc", "plain_text", "markdown")
KEYS_PARAM = "keys"


@dataclass(frozen=True)
class PracticeSet:
    """A practice set: its questions' keys in order, and a way to fetch one question.

    The page shows one question at a time, so the set holds only each question's id and key
    (one small query, whatever the set's size); `question(key)` fetches one question in full
    with its choices (two queries, once per key).
    """

    module: Module
    lesson: Lesson | None
    # Each question's id by its key, in the set's order.
    ids: dict[str, int]
    # The set's questions, to fetch one from (with its lesson, without the lesson's text).
    source: QuestionQuerySet
    url: str
    # The query parameters that narrow a lesson's set to missed questions, carried by every link.
    scope: dict[str, str] = field(default_factory=dict)
    # Where the missed questions come from, in words ("Quiz 3"); empty for a whole set.
    missed_in: str = ""
    _fetched: dict[str, Question] = field(default_factory=dict, compare=False, repr=False)

    @property
    def keys(self) -> list[str]:
        return list(self.ids)

    @property
    def title(self) -> str:
        if self.lesson is None:
            return f"all of {self.module.title}"
        return f"{self.lesson.title}, what you missed" if self.scope else self.lesson.title

    @property
    def action(self) -> str:
        """Return where the page's answers are posted: the set's URL with its scope."""
        return self.link(missed=False)

    def question(self, key: str) -> Question:
        """Return the set's question `key` with its lesson and choices (KeyError if not in it).

        A question retired since the set's ids were read is a 404, as a page about it would be.
        """
        if key not in self._fetched:
            self._fetched[key] = get_object_or_404(self.source.with_choices(), pk=self.ids[key])
        return self._fetched[key]

    def snapshot(self, key: str) -> QuestionSnapshot:
        """Return the set's question `key` as plain data (KeyError if not in it)."""
        return self.question(key).as_snapshot()

    def link(self, *, missed: bool, **params: object) -> str:
        """Return the set's URL with a query string (`None` values are left out)."""
        query: dict[str, object] = dict(self.scope)
        query |= {key: value for key, value in params.items() if value is not None}
        if missed:
            query["missed"] = 1
        return f"{self.url}?{urlencode(query)}" if query else self.url


def get_practice_set(
    module_slug: str,
    lesson_slug: str | None,
    *,
    user: User | Any = None,
    scope: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> PracticeSet:
    """Return a lesson's practice set, or a whole module's without `lesson_slug` (else 404).

    With `attempt` or `keys` in `scope` (the page's query), a lesson's set holds only the
    questions `user` missed (see the module docstring); a module's set ignores them.
    """
    # A question needs its lesson's slug and title, never the lesson's text.
    questions = (
        Question.objects.active()
        .select_related("lesson")
        .defer(*(f"lesson__{name}" for name in LESSON_TEXT))
    )
    if lesson_slug is None:
        module = get_object_or_404(Module.objects.published(), slug=module_slug)
        source = questions.filter(module=module, lesson__is_active=True)
        return PracticeSet(
            module=module,
            lesson=None,
            ids=_ids(source),
            source=source,
            url=reverse("quizzes:practice-module", kwargs={"module_slug": module.slug}),
        )
    lesson = get_object_or_404(
        Lesson.objects.published().select_related("module").defer(*LESSON_TEXT),
        module__slug=module_slug,
        slug=lesson_slug,
    )
    url = lesson_set_url(lesson.module.slug, lesson.slug)
    scope = scope or {}
    if ATTEMPT_PARAM not in scope and KEYS_PARAM not in scope:
        source = questions.filter(lesson=lesson)
        return PracticeSet(
            module=lesson.module, lesson=lesson, ids=_ids(source), source=source, url=url
        )
    if not getattr(user, "is_authenticated", False):
        raise Http404("Only a signed-in learner has missed questions to practise.")
    if ATTEMPT_PARAM in scope:
        attempt = _reviewable_attempt(scope[ATTEMPT_PARAM], lesson=lesson, user=user, now=now)
        keys = missed_in_attempt(attempt).get(lesson.slug, [])
        narrowed = {ATTEMPT_PARAM: str(attempt.pk)}
        missed_in = attempt.quiz.title
    else:
        keys = _unsign(scope[KEYS_PARAM], user=user, lesson=lesson)
        narrowed = {KEYS_PARAM: scope[KEYS_PARAM]}
        missed_in = "your quizzes and practice"
    source = questions.filter(module=lesson.module, key__in=keys)
    return PracticeSet(
        module=lesson.module,
        lesson=lesson,
        ids=_ids(source),
        source=source,
        url=url,
        scope=narrowed,
        missed_in=missed_in,
    )


def _ids(source: QuestionQuerySet) -> dict[str, int]:
    """Return each question's id by key, in the set's order (one query, no question text)."""
    return {key: pk for pk, key in source.values_list("pk", "key")}


def lesson_set_url(module_slug: str, lesson_slug: str) -> str:
    return reverse(
        "quizzes:practice-lesson", kwargs={"module_slug": module_slug, "lesson_slug": lesson_slug}
    )


def attempt_missed_url(*, module_slug: str, lesson_slug: str, attempt_id: int) -> str:
    """Return the set of a lesson's questions missed in an attempt."""
    query = urlencode({ATTEMPT_PARAM: attempt_id})
    return f"{lesson_set_url(module_slug, lesson_slug)}?{query}"


def missed_keys_url(
    *, user_id: int, module_slug: str, lesson_slug: str, keys: Sequence[str]
) -> str:
    """Return the set of the named questions of a lesson, signed for this learner only."""
    token = signing.dumps(
        sorted(keys), salt=_salt(user_id, module_slug, lesson_slug), compress=True
    )
    return f"{lesson_set_url(module_slug, lesson_slug)}?{urlencode({KEYS_PARAM: token})}"


def _salt(user_id: int, module_slug: str, lesson_slug: str) -> str:
    return f"quizzes.practice_sets.missed:{user_id}:{module_slug}:{lesson_slug}"


def _unsign(token: str, *, user: User, lesson: Lesson) -> list[str]:
    try:
        keys = signing.loads(token, salt=_salt(user.pk, lesson.module.slug, lesson.slug))
    except signing.BadSignature as error:
        raise Http404("This practice link is not yours, or it was changed.") from error
    if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
        raise Http404("This practice link is not yours, or it was changed.")
    return keys


def review_is_open(*, attempt: Attempt, now: datetime) -> bool:
    """Return whether the attempt's answers may be shown (its review policy and schedule)."""
    if attempt.quiz.review == ReviewPolicy.IMMEDIATE:
        return True
    opens = services.review_opens_at(attempt=attempt)
    return opens is not None and now >= opens


def missed_in_attempt(attempt: Attempt) -> dict[str, list[str]]:
    """Return, per topic, the keys of the questions not fully right in a closed attempt."""
    return missed_by_topic(grading.grade(attempt.snapshot, attempt.answers))


def missed_by_topic(grade: grading.Grade) -> dict[str, list[str]]:
    """Return, per topic, the keys of the questions a grade found not fully right."""
    missed: dict[str, list[str]] = {}
    for result in grade.questions:
        if not result.is_right:
            missed.setdefault(result.topic, []).append(result.key)
    return missed


def _reviewable_attempt(text: str, *, lesson: Lesson, user: User, now: datetime | None) -> Attempt:
    """Return the learner's closed attempt at the lesson's module, its review open (or 404)."""
    if not (text.isdigit() and len(text) < 10) or now is None:
        raise Http404("No such attempt.")
    attempt = get_object_or_404(
        Attempt.objects.select_related("quiz__module"),
        pk=int(text),
        user=user,
        quiz__module=lesson.module,
    )
    attempt = close_if_overdue(attempt, now)
    if attempt.is_open or not review_is_open(attempt=attempt, now=now):
        raise Http404("This attempt's review is not open.")
    return attempt


@dataclass(frozen=True)
class Stop:
    """The question on the page and where it sits in the walk."""

    key: str
    number: int
    label: str
    next_key: str | None


@dataclass(frozen=True)
class Walk:
    """The keys of a set, those last answered wrong, and the question to show (None: none)."""

    keys: list[str]
    missed: list[str]
    stop: Stop | None


def walk(
    keys: list[str],
    results: Mapping[str, PracticeResult],
    *,
    current: str | None,
    answered: bool,
    missed_only: bool,
) -> Walk:
    """Return where the learner is, given the set's keys and their latest results by key.

    An unknown `current` starts the walk at its first question, and so does a question outside
    the walk (one answered right while practising what was missed), unless it was just answered.
    """
    missed = [key for key in keys if key in results and not results[key].correct]
    steps = missed if missed_only else keys
    if current not in keys or (not answered and current not in steps):
        current = steps[0] if steps else None
    if current is None:
        return Walk(keys=keys, missed=missed, stop=None)
    index = keys.index(current)
    later = [key for key in steps if keys.index(key) > index]
    if current not in steps:
        number, label = index + 1, "Question"
    else:
        number = steps.index(current) + 1
        label = f"{'Missed question' if missed_only else 'Question'} {number} of {len(steps)}"
    stop = Stop(key=current, number=number, label=label, next_key=later[0] if later else None)
    return Walk(keys=keys, missed=missed, stop=stop)
