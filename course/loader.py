"""Write a parsed content tree to the database in one transaction.

`course.content` parses and validates the files (no Django); this module only upserts. A tree
with any problem raises `ContentError` before the first write, so a broken file changes nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import transaction

from course.content import ContentError, ModuleSource, parse_course
from quizzes.models import Choice, Question, Quiz

from .models import Lesson, Module, ScenarioPreset

__all__ = ["ContentError", "LoadSummary", "load_course"]


@dataclass
class LoadSummary:
    """Counts of what a load wrote, for the command's report."""

    modules: int = 0
    lessons: int = 0
    presets: int = 0
    questions: int = 0
    quizzes: int = 0
    retired: list[str] = field(default_factory=list)
    checked_only: bool = False

    def __str__(self) -> str:
        verb = "Checked" if self.checked_only else "Loaded"
        text = (
            f"{verb} {self.modules} module(s): {self.lessons} lessons, {self.presets} sandbox "
            f"presets, {self.questions} questions, {self.quizzes} quizzes."
        )
        if self.retired:
            text += " Retired (kept for history, no longer shown): " + ", ".join(self.retired)
        return text


def load_course(root: Path, *, check_only: bool = False) -> LoadSummary:
    """Validate every file under `root`, then upsert it all; raise ContentError on any problem."""
    course = parse_course(root)
    summary = LoadSummary(checked_only=check_only)
    if check_only:
        for source in course.modules:
            summary.modules += 1
            summary.lessons += len(source.lessons)
            summary.presets += len(source.presets)
            summary.questions += len(source.questions)
            summary.quizzes += len(source.quizzes)
        return summary
    with transaction.atomic():
        kept_modules = []
        for source in course.modules:
            _load_module(source, summary)
            kept_modules.append(source.slug)
        for module in Module.objects.exclude(slug__in=kept_modules).filter(is_published=True):
            module.is_published = False
            module.save(update_fields=["is_published"])
            summary.retired.append(f"module {module.slug}")
    return summary


def _load_module(source: ModuleSource, summary: LoadSummary) -> None:
    module, _ = Module.objects.update_or_create(
        slug=source.slug,
        defaults={
            "title": source.title,
            "summary": source.summary,
            "order": source.order,
            "intro_html": source.intro_html,
            "is_published": True,
            "source_path": source.source_path,
        },
    )
    summary.modules += 1
    lessons = _load_lessons(module, source, summary)
    _load_presets(module, source, lessons, summary)
    _load_questions(module, source, lessons, summary)
    _load_quizzes(module, source, summary)


def _load_lessons(module: Module, source: ModuleSource, summary: LoadSummary) -> dict[str, Lesson]:
    lessons: dict[str, Lesson] = {}
    for item in source.lessons:
        lesson, _ = Lesson.objects.update_or_create(
            module=module,
            slug=item.slug,
            defaults={
                "title": item.title,
                "order": item.order,
                "minutes": item.minutes,
                "summary": item.summary,
                "objectives": list(item.objectives),
                "html": item.html,
                "toc": [asdict(entry) for entry in item.toc],
                "plain_text": item.plain_text,
                "source_path": item.source_path,
                "checksum": item.checksum,
                "is_active": True,
            },
        )
        lessons[item.slug] = lesson
    summary.lessons += len(lessons)
    retired = module.lessons.filter(is_active=True).exclude(slug__in=lessons)
    summary.retired += [f"lesson {slug}" for slug in retired.values_list("slug", flat=True)]
    retired.update(is_active=False)
    return lessons


def _load_presets(
    module: Module, source: ModuleSource, lessons: dict[str, Lesson], summary: LoadSummary
) -> None:
    for item in source.presets:
        ScenarioPreset.objects.update_or_create(
            module=module,
            slug=item.slug,
            defaults={
                "lesson": lessons.get(item.lesson),
                "title": item.title,
                "goal": item.goal,
                "summary": item.summary,
                "knobs": list(item.knobs),
                "challenge": item.challenge or {},
                "scenario": item.scenario,
                "source_path": item.source_path,
                "is_active": True,
            },
        )
    summary.presets += len(source.presets)
    module.presets.exclude(slug__in=[item.slug for item in source.presets]).update(is_active=False)


def _load_questions(
    module: Module, source: ModuleSource, lessons: dict[str, Lesson], summary: LoadSummary
) -> None:
    for order, item in enumerate(source.questions):
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
                "order": order,
                "source_path": f"{item.source_path}:{item.line}",
                "is_active": True,
            },
        )
        # Attempts keep snapshots of what they asked, so choices can be replaced outright.
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
    summary.questions += len(source.questions)
    module.questions.exclude(key__in=[item.id for item in source.questions]).update(is_active=False)


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
