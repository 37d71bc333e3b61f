"""Test-data builders for the question bank and quizzes, with keyword overrides.

Texts are chosen so tests can search a page for them: explanations start with `Because-` or
`Why-`, and nothing a learner sees before answering contains the word "correct".
"""

from __future__ import annotations

from decimal import Decimal
from itertools import count
from typing import Any

from course.models import Lesson, Module, User
from quizzes.models import Accommodation, Choice, Question, QuestionKind, Quiz, QuizKind
from tests.factories import make_lesson, make_module

_ids = count(1)


def make_question(
    lesson: Lesson | None = None,
    *,
    kind: str = QuestionKind.SINGLE,
    pick: int | None = None,
    choices: list[dict[str, Any]] | None = None,
    **overrides: Any,
) -> Question:
    """Return a question with choices `a`, `b`, … (single: `a` is right; multiple: `a`, `b`)."""
    lesson = lesson or make_lesson()
    n = next(_ids)
    if pick is None:
        pick = 2 if kind == QuestionKind.MULTIPLE else 1
    fields = {
        "module": lesson.module,
        "lesson": lesson,
        "key": f"question-{n}",
        "kind": kind,
        "pick": pick,
        "stem_html": f"<p>Stem of question {n}?</p>",
        "explanation_html": f"<p>Why-{n}: the general explanation.</p>",
        "order": n,
    }
    question = Question.objects.create(**(fields | overrides))
    if choices is None:
        total = pick + 2
        choices = [{"is_correct": i < pick} for i in range(total)]
    Choice.objects.bulk_create(
        Choice(
            **(
                {
                    "question": question,
                    "key": chr(ord("a") + position),
                    "text_html": f"Option {chr(ord('a') + position)} of question {n}",
                    "explanation_html": f"<p>Because-{n}-{chr(ord('a') + position)}.</p>",
                    "order": position,
                }
                | spec
            )
        )
        for position, spec in enumerate(choices)
    )
    return question


def make_quiz(module: Module | None = None, **overrides: Any) -> Quiz:
    module = module or make_module()
    n = next(_ids)
    lessons = list(module.lessons.order_by("order").values_list("slug", flat=True))
    fields = {
        "module": module,
        "slug": f"quiz-{n}",
        "title": f"Quiz {n}",
        "kind": QuizKind.GRADED,
        "topics": [{"lesson": slug, "weight": 1} for slug in lessons],
        "pass_mark": 70,
    }
    return Quiz.objects.create(**(fields | overrides))


def make_bank(
    *, questions: int = 5, lessons: int = 1, multiple_every: int = 0, module: Module | None = None
) -> tuple[Module, list[Lesson], list[Question]]:
    """Return a module with `lessons` lessons sharing `questions` questions round-robin.

    With `multiple_every=n`, every n-th question is a multiple-response question (pick 2).
    """
    module = module or make_module()
    made_lessons = [make_lesson(module) for _ in range(lessons)]
    made = []
    for i in range(questions):
        multiple = bool(multiple_every) and (i + 1) % multiple_every == 0
        made.append(
            make_question(
                made_lessons[i % lessons],
                kind=QuestionKind.MULTIPLE if multiple else QuestionKind.SINGLE,
                order=i,
            )
        )
    return module, made_lessons, made


def make_exam(module: Module | None = None, **overrides: Any) -> Quiz:
    """Return a timed exam (10 minutes, every question, review right away) over `module`."""
    fields: dict[str, Any] = {
        "kind": QuizKind.EXAM,
        "time_limit_minutes": 10,
        "review": "immediate",
        "title": "Timed exam",
    }
    return make_quiz(module, **(fields | overrides))


def make_accommodation(quiz: Quiz, user: User, **overrides: Any) -> Accommodation:
    fields: dict[str, Any] = {"time_multiplier": Decimal("1.5")}
    return Accommodation.objects.create(quiz=quiz, user=user, **(fields | overrides))
