"""Questions: one question's YAML checked as its bank file would be, with the lines of the
editor's text; new questions and edits kept as drafts until published as the next version."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml
from django.db import transaction
from django.utils import timezone

from course.content import Problem, QuestionSource
from course.content.errors import ProblemLog
from course.content.item_writing import question_warnings, read_items
from course.content.questions import parse_question_file
from course.content.writer import dump_yaml
from course.lab.models import ScenarioPreset
from course.models import Module
from quizzes.loading import replace_choices
from quizzes.models import Question

from .files import read_source


def question_yaml(question: Question) -> str:
    """Return one question as YAML: as published in the studio, else from its bank file."""
    if question.source_yaml:
        return question.source_yaml
    path, _, line = question.source_path.rpartition(":")
    text = read_source(path)
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
    replace_choices(question, item)
    return question
