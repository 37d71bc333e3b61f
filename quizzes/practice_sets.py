"""What a practice page walks through: a lesson's or module's questions, and the learner's place.

A practice set is every active question of one lesson, or of every lesson of a module. The
learner walks through it one question at a time, or through only the questions whose latest
answer was wrong ("practise only what I missed").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.shortcuts import get_object_or_404
from django.urls import reverse

from course.models import Lesson, Module

from .models import Question
from .practice import PracticeResult
from .snapshot import QuestionSnapshot


@dataclass(frozen=True)
class PracticeSet:
    module: Module
    lesson: Lesson | None
    questions: list[Question]
    url: str

    @property
    def title(self) -> str:
        return self.lesson.title if self.lesson else f"all of {self.module.title}"

    def snapshots(self) -> dict[str, QuestionSnapshot]:
        """Return each question as plain data, by key, in the set's order."""
        return {question.key: question.as_snapshot() for question in self.questions}

    def question(self, key: str) -> Question:
        return next(question for question in self.questions if question.key == key)

    def link(self, *, missed: bool, **params: object) -> str:
        """Return the set's URL with a query string (`None` values are left out)."""
        query = {key: value for key, value in params.items() if value is not None}
        if missed:
            query["missed"] = 1
        return f"{self.url}?{urlencode(query)}" if query else self.url


def get_practice_set(module_slug: str, lesson_slug: str | None) -> PracticeSet:
    """Return a lesson's practice set, or a whole module's without `lesson_slug` (else 404)."""
    questions = Question.objects.active().select_related("lesson").with_choices()
    if lesson_slug is None:
        module = get_object_or_404(Module.objects.published(), slug=module_slug)
        return PracticeSet(
            module=module,
            lesson=None,
            questions=list(questions.filter(module=module, lesson__is_active=True)),
            url=reverse("quizzes:practice-module", kwargs={"module_slug": module.slug}),
        )
    lesson = get_object_or_404(
        Lesson.objects.published().select_related("module"),
        module__slug=module_slug,
        slug=lesson_slug,
    )
    return PracticeSet(
        module=lesson.module,
        lesson=lesson,
        questions=list(questions.filter(lesson=lesson)),
        url=reverse(
            "quizzes:practice-lesson",
            kwargs={"module_slug": lesson.module.slug, "lesson_slug": lesson.slug},
        ),
    )


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
