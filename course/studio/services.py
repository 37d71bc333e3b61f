"""The studio's reads and writes: a lesson or a question checked and rendered by the content
pipeline exactly as `loadcourse` would, then stored; preview links.

The editor sends the whole file text (a lesson's Markdown with its front matter, or one
question's YAML); `check_lesson` and `check_question` return the rendered result and every
problem with its line in that text, and `save_lesson` and `publish_question` write what the
check produced, never anything else.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from course.content import Problem, QuestionSource, Rendered, render_markdown
from course.content.analogies import (
    ANALOGIES_FOLDER,
    ANALOGY_COLOURS,
    Analogy,
    clean_drawing,
    drawing_path,
    read_analogies,
)
from course.content.errors import ProblemLog
from course.content.fields import did_you_mean, is_slug, known_list
from course.content.figures import Drawing, read_figures
from course.content.item_writing import question_warnings, read_items
from course.content.lessons import LessonDraft, finish_lesson, read_lesson
from course.content.links import Link, ModuleTargets, anchors_in, check_links, lesson_url
from course.content.questions import parse_question_file
from course.content.writer import dump_yaml
from course.lab.models import ScenarioPreset
from course.models import ContentState, Lesson, Module
from quizzes.models import Choice, Question, Quiz

from .models import StudioAnalogy

PREVIEW_SALT = "studio.preview"
PREVIEW_MAX_AGE = 14 * 24 * 3600  # a shared preview link works for two weeks


# ---------------------------------------------------------------------------------------------
# Where a module's files are (drawings and analogies are read from there, not the database)


def module_folder(module: Module) -> Path:
    return Path(settings.COURSE_CONTENT_DIR) / module.source_path


@functools.lru_cache(maxsize=8)
def _assets(folder: str, stamp: float) -> tuple[dict[str, Drawing], dict[str, Analogy]]:
    path = Path(folder)
    log = ProblemLog()  # the load reported these files' problems already
    figures = read_figures(path / "figures", rel=f"{path.name}/figures", log=log)
    return figures, read_analogies(path, rel=path.name, log=log)


def module_assets(module: Module) -> tuple[dict[str, Drawing], dict[str, Analogy]]:
    """Return the module's drawings and declared analogies: its files' (cached until a file
    changes), then those declared in the studio (one query)."""
    figures, declared = module_assets_from_files(module)
    studio = studio_analogies(module)
    return figures, {**declared, **studio} if studio else declared


def _read_source(path: str) -> str:
    file = Path(settings.COURSE_CONTENT_DIR) / path
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


# ---------------------------------------------------------------------------------------------
# Analogies declared in the studio


def file_analogies(module: Module) -> dict[str, Analogy]:
    """Return the analogies the module's `analogies.yaml` declares."""
    return module_assets_from_files(module)[1]


def module_assets_from_files(module: Module) -> tuple[dict[str, Drawing], dict[str, Analogy]]:
    """Return the drawings and analogies of the module's folder (cached until a file changes)."""
    folder = module_folder(module)
    stamps = [p.stat().st_mtime for p in (folder, folder / "figures") if p.exists()]
    if (folder / "analogies.yaml").exists():
        stamps.append((folder / "analogies.yaml").stat().st_mtime)
    return _assets(str(folder), max(stamps, default=0.0))


def studio_analogies(module: Module) -> dict[str, Analogy]:
    """Return the analogies declared in the studio for the module, cleaned as at load."""
    found = {}
    for row in StudioAnalogy.objects.filter(module=module).order_by("key"):
        analogy = _studio_analogy(
            module.source_path or module.slug,
            row.key,
            row.name,
            row.colour,
            row.icon_svg,
            row.scene_svg,
            row.alt,
        )
        if analogy is not None:
            found[analogy.id] = analogy
    return found


@functools.lru_cache(maxsize=64)
def _studio_analogy(
    folder: str, key: str, name: str, colour: str, icon: str, scene: str, alt: str
) -> Analogy | None:
    check = _check_drawings(folder, key, icon, scene)
    if check.icon is None or check.scene is None:
        return None
    return Analogy(key, name, colour, check.icon, check.scene, alt, analogies_yaml(folder), 1)


def analogies_yaml(folder: str) -> str:
    return f"{PurePosixPath(folder).name}/analogies.yaml"


@dataclass
class AnalogyCheck:
    """An analogy's fields and drawings checked: `ok` when it may be saved."""

    analogy: Analogy | None = None
    icon: Drawing | None = None
    scene: Drawing | None = None
    problems: list[Problem] = field(default_factory=list)  # the fields'
    icon_problems: list[Problem] = field(default_factory=list)
    scene_problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.analogy is not None

    @property
    def all_problems(self) -> list[Problem]:
        return self.problems + self.icon_problems + self.scene_problems


def _check_drawings(folder: str, key: str, icon: str, scene: str) -> AnalogyCheck:
    """Clean both drawings with the load's cleaner, each under the file name export gives it."""
    check = AnalogyCheck()
    name = PurePosixPath(folder).name
    for which, text in (("icon", icon), ("scene", scene)):
        log = ProblemLog()
        shown = f"{name}/{ANALOGIES_FOLDER}/{drawing_path(which, key)}"
        if not text.strip():
            log.add(shown, None, f"paste the {which}'s SVG (an <svg> element with a viewBox)")
            drawing = None
        else:
            drawing = clean_drawing(text, key=which, analogy_id=key, shown=shown, log=log)
        setattr(check, which, drawing)
        setattr(check, f"{which}_problems", log.problems)
    return check


ANALOGY_FIELDS = ("key", "name", "colour", "alt", "icon_svg", "scene_svg")


def check_analogy(
    module: Module, data: dict[str, str], *, editing: StudioAnalogy | None
) -> AnalogyCheck:
    """Check an analogy declared in the studio as `analogies.yaml` and its drawings would be."""
    folder = module.source_path or module.slug
    shown = analogies_yaml(folder)
    key = (data.get("key", "") or (editing.key if editing else "")).strip()
    renamed = editing is not None and key != editing.key
    name = " ".join(data.get("name", "").split())
    colour = data.get("colour", "").strip()
    alt = " ".join(data.get("alt", "").split())
    problems: list[Problem] = []
    if not is_slug(key):
        problems.append(
            Problem(
                shown,
                None,
                "the id must be a lowercase slug of letters, digits and hyphens "
                f"(like `food-truck`), got {key!r}",
            )
        )
    elif editing is None or renamed:
        taken = set(file_analogies(module)) | set(
            StudioAnalogy.objects.filter(module=module).values_list("key", flat=True)
        )
        if key in taken:
            problems.append(Problem(shown, None, f"the module already declares analogy `{key}`"))
    if editing is not None and renamed and (users := lessons_using(module, editing.key)):
        problems.append(
            Problem(
                shown,
                None,
                f"the id cannot change from `{editing.key}` while {_lesson_list(users)} "
                f"use it (::: analogy {editing.key}): change the name only, or move those "
                "callouts to another analogy first",
            )
        )
    if not name:
        problems.append(Problem(shown, None, "the name is required (the callout's heading)"))
    if colour not in ANALOGY_COLOURS:
        problems.append(
            Problem(
                shown,
                None,
                f"unknown colour `{colour}`{did_you_mean(colour, ANALOGY_COLOURS)}; "
                f"colours: {known_list(ANALOGY_COLOURS)}",
            )
        )
    if not alt:
        problems.append(Problem(shown, None, "the text alternative (alt) is required"))
    check = _check_drawings(
        folder, key or "new", data.get("icon_svg", ""), data.get("scene_svg", "")
    )
    check.problems = problems
    if not problems and check.icon is not None and check.scene is not None:
        check.analogy = Analogy(key, name, colour, check.icon, check.scene, alt, shown, 1)
    return check


SAMPLE_CALLOUT = (
    "::: analogy {key}\nHow a lesson shows this analogy: its icon, name and scene.\n\n"
    "Where it breaks down: every analogy callout ends with where the comparison stops.\n:::\n"
)


def render_analogy_sample(module: Module, check: AnalogyCheck) -> str:
    """Return a sample `::: analogy` callout with the checked analogy, rendered by the pipeline."""
    if check.analogy is None:
        return ""
    analogy = check.analogy
    rendered = render_markdown(
        SAMPLE_CALLOUT.format(key=analogy.id),
        module=module.slug,
        lesson="studio-analogy",
        path=analogy.source_path,
        log=ProblemLog(),
        analogies={analogy.id: analogy},
    )
    return rendered.html


def save_analogy(
    module: Module, data: dict[str, str], check: AnalogyCheck, *, editing: StudioAnalogy | None
) -> StudioAnalogy:
    """Store a checked analogy; the drawings as written (they are cleaned where they are used)."""
    assert check.ok
    assert check.analogy
    row = editing or StudioAnalogy(module=module, key=check.analogy.id)
    row.key = check.analogy.id
    row.name = check.analogy.name
    row.colour = check.analogy.colour
    row.alt = check.analogy.alt
    row.icon_svg = data["icon_svg"]
    row.scene_svg = data["scene_svg"]
    row.save()
    return row


def lessons_using(module: Module, key: str) -> list[Lesson]:
    """Return the module's lessons (draft or published) with a `::: analogy <key>` callout."""
    # The rendered callout names its analogy in a class (course/content/chrome.py).
    marker = f'class="analogy analogy--{key} '
    return list(
        module.lessons.filter(is_active=True, html__contains=marker).order_by("order", "slug")
    )


def _lesson_list(lessons: list[Lesson]) -> str:
    names = ", ".join(f"“{lesson.title}” ({lesson.slug})" for lesson in lessons)
    return f"lesson{'s' if len(lessons) > 1 else ''} {names}"


def delete_refusal(module: Module, row: StudioAnalogy) -> str:
    """Return why the analogy may not be deleted (lessons use it), or "" if it may."""
    users = lessons_using(module, row.key)
    if not users:
        return ""
    return (
        f"Analogy “{row.name}” is used by {_lesson_list(users)}: remove its "
        f"::: analogy {row.key} callouts from them first, then delete it."
    )


@transaction.atomic
def delete_analogy(module: Module, row: StudioAnalogy) -> None:
    """Delete an analogy declared in the studio that no lesson uses."""
    assert not delete_refusal(module, row)
    row.delete()


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


# ---------------------------------------------------------------------------------------------
# Lessons


def lesson_markdown(lesson: Lesson) -> str:
    """Return the lesson's file text: as saved in the studio, else as the file has it."""
    return lesson.markdown or _read_source(lesson.source_path)


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


# ---------------------------------------------------------------------------------------------
# Questions


def question_yaml(question: Question) -> str:
    """Return one question as YAML: as published in the studio, else from its bank file."""
    if question.source_yaml:
        return question.source_yaml
    path, _, line = question.source_path.rpartition(":")
    text = _read_source(path)
    data = yaml.safe_load(text) if text else None
    if not isinstance(data, dict):
        return ""
    for item in data.get("questions") or []:
        if isinstance(item, dict) and item.get("id") == question.key:
            item = {"id": item["id"], **item}
            item.setdefault(
                "lesson", data.get("lesson") or (question.lesson and question.lesson.slug)
            )
            return dump_yaml(item)
    return ""


@dataclass
class QuestionCheck:
    """One question's YAML checked: the parsed question, problems and item-writing warnings."""

    question: QuestionSource | None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.question is not None


def check_question(question: Question, text: str, *, new: bool = False) -> QuestionCheck:
    """Parse one question's YAML as its bank file would be; lines are those of `text`.

    An existing question keeps its id; a `new` one may take any slug (see `check_new_question`).
    """
    path = question.source_path.rpartition(":")[0] or f"{question.module.source_path}/questions"
    # The bank format is a list under `questions:`; indent the text into it and map lines back.
    indented = "\n".join(
        ("- " if i == 0 else "  ") + line for i, line in enumerate(text.split("\n"))
    )
    bank = "questions:\n" + indented + "\n"
    log = ProblemLog()
    lessons = dict(question.module.lessons.filter(is_active=True).values_list("slug", "title"))
    presets = set(
        ScenarioPreset.objects.filter(module=question.module, is_active=True).values_list(
            "slug", flat=True
        )
    )
    parsed = parse_question_file(bank, path=path, log=log, lessons=lessons, presets=presets)
    problems = [_shift(problem) for problem in log.problems]
    if not new and not problems and parsed and parsed[0].id != question.key:
        problems.append(
            Problem(path, 1, f"the id must stay `{question.key}` (it names the question)")
        )
    warnings = [_shift(w) for item in read_items(bank, path=path) for w in question_warnings(item)]
    return QuestionCheck(parsed[0] if parsed else None, problems, warnings)


def _shift(problem: Problem) -> Problem:
    line = problem.line - 1 if problem.line and problem.line > 1 else problem.line
    return Problem(problem.path, line, problem.message)


def editor_yaml(question: Question) -> str:
    """Return the text the editor opens: the draft if one waits, else the published question."""
    return question.draft_yaml or question_yaml(question)


NEW_QUESTION_YAML = """id: new-question
lesson: {lesson}
kind: single
stem: |
  Ask one clear question.
choices:
  - text: The right answer
    correct: true
    explanation: Why it is right.
  - text: A plausible wrong answer
    explanation: Why it is wrong.
  - text: Another plausible wrong answer
    explanation: Why it is wrong.
explanation: |
  What the learner should take away.
"""


def new_question_text(module: Module) -> str:
    """Return the starting YAML of a new question, on the module's first lesson."""
    first = module.lessons.filter(is_active=True).order_by("order").first()
    return NEW_QUESTION_YAML.format(lesson=first.slug if first else "")


def check_new_question(module: Module, text: str) -> QuestionCheck:
    """Check a new question's YAML; its id must be a slug no question of the module has."""
    blank = Question(module=module, source_path=f"{module.source_path}/questions/studio.yaml:0")
    check = check_question(blank, text, new=True)
    if check.ok and check.question:
        key = check.question.id
        if Question.objects.filter(module=module, key=key).exists():
            check.problems.append(
                Problem(blank.source_path.rpartition(":")[0], 1, f"the id `{key}` is taken")
            )
    return check


@transaction.atomic
def create_question_draft(module: Module, text: str, check: QuestionCheck) -> Question:
    """Store a checked new question as a draft: version 0, asked of nobody until published."""
    assert check.ok
    assert check.question
    item = check.question
    last = module.questions.order_by("-order").values_list("order", flat=True).first()
    now = timezone.now()
    return Question.objects.create(
        module=module,
        lesson=module.lessons.filter(slug=item.lesson).first(),
        key=item.id,
        kind=item.kind,
        pick=item.pick,
        order=(last or 0) + 1,
        source_path=f"{module.source_path}/questions/studio.yaml:0",
        version=0,
        draft_yaml=text,
        draft_saved_at=now,
        edited_at=now,
    )


def save_question_draft(question: Question, text: str, check: QuestionCheck) -> Question:
    """Keep a checked edit as the question's draft; learners keep the published version."""
    assert check.ok
    question.draft_yaml = text
    question.draft_saved_at = timezone.now()
    question.save(update_fields=["draft_yaml", "draft_saved_at"])
    return question


def discard_question_draft(question: Question) -> bool:
    """Throw the draft away; a question never published goes with it. Return whether it went."""
    if question.is_unpublished:
        question.delete()
        return True
    question.draft_yaml = ""
    question.draft_saved_at = None
    question.save(update_fields=["draft_yaml", "draft_saved_at"])
    return False


def draft_changes(question: Question, check: QuestionCheck) -> list[str]:
    """Name what the checked draft changes in the published question (its fields, in words)."""
    item = check.question
    if item is None or question.is_unpublished:
        return []
    changes = []
    lesson = question.lesson.slug if question.lesson else ""
    for label, before, after in (
        ("lesson", lesson, item.lesson),
        ("kind", question.kind, item.kind),
        ("number to pick", question.pick, item.pick),
        ("stem", question.stem_html, item.stem_html),
        ("explanation", question.explanation_html, item.explanation_html),
        ("sandbox link", question.scenario_slug, item.scenario or ""),
    ):
        if before != after:
            changes.append(label)
    published = {choice.key: choice for choice in question.choices.all()}
    drafted = {choice.key: choice for choice in item.choices}
    if list(published) != list(drafted):
        added = [key for key in drafted if key not in published]
        removed = [key for key in published if key not in drafted]
        if added:
            changes.append("choices added: " + ", ".join(added))
        if removed:
            changes.append("choices removed: " + ", ".join(removed))
        if not added and not removed:
            changes.append("order of the choices")
    for key, choice in drafted.items():
        old = published.get(key)
        if old is None:
            continue
        parts = [
            name
            for name, before, after in (
                ("text", old.text_html, choice.text_html),
                ("correct answer", old.is_correct, choice.correct),
                ("explanation", old.explanation_html, choice.explanation_html),
                ("misconception", old.misconception, choice.misconception),
                ("locked", old.locked, choice.locked),
            )
            if before != after
        ]
        if parts:
            changes.append(f"choice {key}: " + ", ".join(parts))
    return changes


@transaction.atomic
def publish_question(question: Question, text: str, check: QuestionCheck) -> Question:
    """Store a checked question as its next version; attempts keep the snapshot they asked.

    Any draft is replaced by what is published.
    """
    assert check.ok
    assert check.question
    item = check.question
    question = Question.objects.select_for_update().get(pk=question.pk)
    question.lesson = question.module.lessons.filter(slug=item.lesson).first()
    question.kind = item.kind
    question.pick = item.pick
    question.stem_html = item.stem_html
    question.explanation_html = item.explanation_html
    question.scenario_slug = item.scenario or ""
    question.source_yaml = text
    question.version += 1
    question.edited_at = timezone.now()
    question.draft_yaml = ""
    question.draft_saved_at = None
    question.save()
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
    return question


# ---------------------------------------------------------------------------------------------
# Preview links


def preview_token(module_slug: str, lesson_slug: str | None = None) -> str:
    return signing.dumps({"m": module_slug, "l": lesson_slug or ""}, salt=PREVIEW_SALT)


def read_preview_token(token: str) -> tuple[str, str] | None:
    """Return the (module, lesson) a preview link shows, or None if it is forged or too old."""
    try:
        data = signing.loads(token, salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return str(data.get("m", "")), str(data.get("l", ""))
