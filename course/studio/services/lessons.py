"""Lessons: the editor's whole file text (Markdown with its front matter) checked and rendered
by the content pipeline as `loadcourse` would, in its module; then stored as checked."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from course.content import Problem, Rendered, render_markdown
from course.content.errors import ProblemLog
from course.content.lessons import LessonDraft, finish_lesson, read_lesson
from course.content.links import Link, ModuleTargets, anchors_in, check_links, lesson_url
from course.lab.models import ScenarioPreset
from course.models import ContentState, Lesson, Module
from quizzes.models import Quiz

from .analogies import lessons_using, module_assets
from .files import read_source


def lesson_markdown(lesson: Lesson) -> str:
    """Return the lesson's file text: as saved in the studio, else as the file has it."""
    return lesson.markdown or read_source(lesson.source_path)


def new_lesson_text(module: Module) -> str:
    """Return the starting text of a new lesson: a draft after the module's last lesson."""
    last = module.lessons.filter(is_active=True).order_by("-order").first()
    order = (last.order + 1) if last else 1
    return (
        "---\n"
        "slug: new-lesson\n"
        "title: New lesson\n"
        f"order: {order}\n"
        "minutes: 5\n"
        "objectives:\n"
        "  - Say what the learner will be able to do\n"
        "state: draft\n"
        "---\n\n"
        "## First heading\n\nWrite the lesson here.\n"
    )


@dataclass
class LessonCheck:
    """A lesson's text checked and rendered: `ok` when it may be saved."""

    draft: LessonDraft | None
    rendered: Rendered | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.draft is not None and self.rendered is not None


def check_lesson(module: Module, text: str, *, lesson: Lesson | None) -> LessonCheck:
    """Parse, validate and render a lesson's text as the loader would, in its module.

    Besides the file's own checks (front matter, blocks, fences, analogies, figures), its links
    are resolved against the module as it is in the database, and its slug and order must not
    clash with another lesson of the module.
    """
    path = lesson.source_path if lesson and lesson.source_path else _new_path(module)
    log = ProblemLog()
    draft = read_lesson(text.encode("utf-8"), path=path, log=log)
    if draft is None:
        return LessonCheck(None, None, log.problems)
    lessons = module.lessons.filter(is_active=True)
    others = list(lessons.exclude(pk=lesson.pk) if lesson else lessons)
    titles = {other.slug: other.title for other in others}
    if draft.slug:
        titles[draft.slug] = draft.title or draft.slug
        if any(other.slug == draft.slug for other in others):
            log.add(path, draft.slug_line, f"another lesson of the module has slug `{draft.slug}`")
    if draft.order is not None:
        clash = next((other for other in others if other.order == draft.order), None)
        if clash:
            log.add(path, draft.order_line, f"lesson `{clash.slug}` has order {draft.order}")
    presets = dict(
        ScenarioPreset.objects.filter(module=module, is_active=True).values_list("slug", "title")
    )
    figures, analogies = module_assets(module)
    rendered = render_markdown(
        draft.body,
        module=module.slug,
        lesson=draft.slug,
        lessons=titles,
        presets=presets,
        path=path,
        first_line=draft.body_first_line,
        log=log,
        figures=figures,
        analogies=analogies,
    )
    targets = ModuleTargets(
        module.slug,
        intro_anchors=anchors_in(module.intro_html),
        lessons={other.slug: anchors_in(other.html) for other in others},
        presets=frozenset(presets),
        quizzes=frozenset(
            Quiz.objects.filter(module=module, is_active=True).values_list("slug", flat=True)
        ),
    )
    if draft.slug:
        targets.lessons[draft.slug] = anchors_in(rendered.html)
        base = lesson_url(module.slug, draft.slug)
        targets.links = [Link(url, path, line, base) for url, line in rendered.links]
    check_links([targets], log, complete=False)
    return LessonCheck(draft if draft.valid else None, rendered, log.problems)


def _new_path(module: Module) -> str:
    return f"{module.source_path}/lessons/new-lesson.md"


def save_lesson(
    module: Module, text: str, check: LessonCheck, *, lesson: Lesson | None, state: str
) -> Lesson:
    """Store a checked lesson (text and rendered HTML) in the given state; return it."""
    assert check.ok
    assert check.draft
    assert check.rendered
    source = finish_lesson(check.draft, check.rendered)
    text = _with_state(text, state)
    if lesson is None:
        lesson = Lesson(module=module)
        lesson.source_path = f"{module.source_path}/lessons/{source.order:02d}-{source.slug}.md"
    lesson.slug = source.slug
    lesson.title = source.title
    lesson.order = source.order
    lesson.minutes = source.minutes
    lesson.summary = source.summary
    lesson.objectives = list(source.objectives)
    lesson.html = source.html
    lesson.toc = [{"level": e.level, "anchor": e.anchor, "title": e.title} for e in source.toc]
    lesson.plain_text = source.plain_text
    lesson.markdown = text
    lesson.state = state
    lesson.is_active = True
    lesson.edited_at = timezone.now()
    lesson.save()
    return lesson


def _with_state(text: str, state: str) -> str:
    """Return the lesson text with `state:` in its front matter saying `state`.

    A published lesson's front matter leaves `state` out (published is the default).
    """
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        return text
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in {"---", "..."}), None)
    if end is None:
        return text
    head = [line for line in lines[1:end] if not line.startswith("state:")]
    if state == ContentState.DRAFT:
        head.append("state: draft")
    return "\n".join(["---", *head, *lines[end:]])


def refresh_lessons_using(module: Module, key: str) -> list[Lesson]:
    """Render again the lessons that show the analogy, so its new name, colour or drawings
    reach them; a lesson that no longer checks is left as it was. Return those rendered."""
    refreshed = []
    for lesson in lessons_using(module, key):
        text = lesson_markdown(lesson)
        check = check_lesson(module, text, lesson=lesson)
        if check.ok:
            refreshed.append(save_lesson(module, text, check, lesson=lesson, state=lesson.state))
    return refreshed
