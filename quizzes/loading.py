"""Write a module's question bank and quizzes when the course is loaded (see `course.loading`)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from course.content import ModuleSource, QuestionSource
from course.content.variants import with_preset
from course.loading import LoadSummary, module_loaded
from course.models import Lesson, Module

from .models import Choice, Question, Quiz


@receiver(module_loaded, dispatch_uid="quizzes.load_bank")
def load_bank(
    *,
    module: Module,
    source: ModuleSource,
    lessons: dict[str, Lesson],
    summary: LoadSummary,
    **kwargs: Any,
) -> None:
    """Upsert the module's questions and quizzes; retire those its files no longer have."""
    _load_questions(module, source, lessons, summary)
    _load_quizzes(module, source, summary)


def _load_questions(
    module: Module, source: ModuleSource, lessons: dict[str, Lesson], summary: LoadSummary
) -> None:
    presets = {preset.slug: preset for preset in source.presets}
    for order, item in enumerate(source.questions):
        variant = None
        if item.variant is not None:
            # The preset's scenario and knobs go with the template, for exact replay links.
            variant = with_preset(item.variant, presets.get(item.scenario or ""))
        question, _ = Question.objects.update_or_create(
            module=module,
            key=item.id,
            defaults={
                "lesson": lessons.get(item.lesson),
                "kind": item.kind,
                "pick": item.pick,
                "stem_html": item.stem_html,
                "explanation_html": item.explanation_html,
                "scenario_slug": item.scenario or "",
                "variant": variant,
                "order": order,
                "source_path": f"{item.source_path}:{item.line}",
                "is_active": True,
            },
        )
        replace_choices(question, item)
    summary.questions += len(source.questions)
    module.questions.exclude(key__in=[item.id for item in source.questions]).update(is_active=False)


def replace_choices(question: Question, item: QuestionSource) -> None:
    """Give a question the choices of its source, in order (loading and the studio's publish).

    Attempts keep snapshots of what they asked, so choices can be replaced outright.
    """
    question.choices.all().delete()
    Choice.objects.bulk_create(
        Choice(
            question=question,
            key=choice.key,
            text_html=choice.text_html,
            is_correct=choice.correct,
            explanation_html=choice.explanation_html,
            misconception=choice.misconception,
            locked=choice.locked,
            order=position,
        )
        for position, choice in enumerate(item.choices)
    )


def _load_quizzes(module: Module, source: ModuleSource, summary: LoadSummary) -> None:
    for item in source.quizzes:
        Quiz.objects.update_or_create(
            module=module,
            slug=item.slug,
            defaults={
                "title": item.title,
                "kind": item.kind,
                "topics": [{"lesson": t.lesson, "weight": t.weight} for t in item.lessons],
                "question_count": item.question_count,
                "pass_mark": item.pass_mark,
                "partial_credit": item.partial_credit,
                "time_limit_minutes": item.time_limit_minutes,
                "attempts_allowed": item.attempts_allowed,
                "retake_delay_minutes": item.retake_delay_minutes,
                "review": item.review,
                "opens_at": item.opens_at,
                "closes_at": item.closes_at,
                "source_path": f"{item.source_path}:{item.line}",
                "is_active": True,
            },
        )
    summary.quizzes += len(source.quizzes)
    module.quizzes.exclude(slug__in=[item.slug for item in source.quizzes]).update(is_active=False)
