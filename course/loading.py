"""Write a parsed content tree to the database in one transaction.

`course.content` parses and validates the files (no Django); this module only upserts modules
and lessons, then sends `module_loaded` so that the apps built on the course write their own
part (the lab its presets, quizzes the question bank) in the same transaction. A tree with any
problem raises `ContentError` before the first write, so a broken file changes nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import transaction
from django.dispatch import Signal

from course.content import ContentError, ModuleSource, parse_course

from .caching import bump_content_version
from .models import Lesson, Module

__all__ = [
    "BrowserEditsRefused",
    "ContentError",
    "LoadSummary",
    "RetireRefused",
    "browser_edits_requested",
    "load_course",
    "module_loaded",
]

# Sent inside the load's transaction after a module and its lessons are written, with
# `module` (Module), `source` (ModuleSource), `lessons` ({slug: Lesson}) and `summary`.
module_loaded = Signal()

# Sent before a load writes anything: each receiver returns a list naming the items edited in
# the browser since the last load (the studio names questions); lessons are checked here.
browser_edits_requested = Signal()


class BrowserEditsRefused(Exception):
    """A load would overwrite items edited in the browser since the last load, without `force`."""

    def __init__(self, items: list[str]) -> None:
        self.items = items
        many = len(items) != 1
        super().__init__(
            f"{len(items)} item{'s' if many else ''} {'were' if many else 'was'}"
            f" edited in the browser since the last load: {', '.join(items)}. Loading the files "
            "would overwrite them. Nothing was written. Write them to files first "
            "(manage.py exportcourse DIR, then copy what you keep), or run again with --force "
            "to let the files win."
        )


def browser_edits() -> list[str]:
    """Return the items edited in the browser since the last load, by name."""
    lessons = Lesson.objects.filter(edited_at__isnull=False).order_by("module__slug", "order")
    found = [
        f"lesson {module}/{slug}" for module, slug in lessons.values_list("module__slug", "slug")
    ]
    for _, names in browser_edits_requested.send(sender=Module):
        found += list(names or [])
    return found


class RetireRefused(Exception):
    """A load would retire modules its folder no longer has, and `prune` was not given."""

    def __init__(self, root: Path, modules: list[str]) -> None:
        self.modules = modules
        names = ", ".join(modules)
        super().__init__(
            f"{root} has no folder for {len(modules)} published module"
            f"{'s' if len(modules) != 1 else ''} in the database: {names}. Loading it would "
            "retire them (learners no longer see them; their records are kept). Nothing was "
            "written. Check that this is the right content folder; to retire them, run again "
            "with --prune."
        )


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


def load_course(
    root: Path, *, check_only: bool = False, prune: bool = False, force: bool = False
) -> LoadSummary:
    """Validate every file under `root`, then upsert it all; raise ContentError on any problem.

    A published module with no folder under `root` is retired only with `prune`; without it
    the load raises `RetireRefused` naming those modules, before writing anything. Items
    edited in the browser since the last load are overwritten only with `force`; without it the
    load raises `BrowserEditsRefused` naming them, before writing anything.
    """
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
    kept_modules = [source.slug for source in course.modules]
    with transaction.atomic():
        retiring = Module.objects.exclude(slug__in=kept_modules).filter(is_published=True)
        doomed = [
            f"{module.slug} ({module.lessons.count()} lessons)"
            for module in retiring.order_by("slug")
        ]
        if doomed and not prune:
            raise RetireRefused(root, doomed)
        edited = browser_edits()
        if edited and not force:
            raise BrowserEditsRefused(edited)
        for source in course.modules:
            _load_module(source, summary)
        for module in retiring:
            module.is_published = False
            module.save(update_fields=["is_published"])
            summary.retired.append(f"module {module.slug}")
    bump_content_version()  # every cached page was drawn from the old content
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
            "state": source.state,
            "source_path": source.source_path,
        },
    )
    summary.modules += 1
    lessons = _load_lessons(module, source, summary)
    module_loaded.send(
        sender=Module, module=module, source=source, lessons=lessons, summary=summary
    )


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
                "state": item.state,
                "markdown": "",  # the file is the source again (the studio reads it from there)
                "edited_at": None,
            },
        )
        lessons[item.slug] = lesson
    summary.lessons += len(lessons)
    retired = module.lessons.filter(is_active=True).exclude(slug__in=lessons)
    summary.retired += [f"lesson {slug}" for slug in retired.values_list("slug", flat=True)]
    retired.update(is_active=False)
    return lessons
