"""Read question banks (`questions/*.yaml`): single- and multiple-answer questions."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from .errors import ProblemLog
from .fields import FileFields, did_you_mean, known_list
from .markdown_render import render_fragment
from .sources import ChoiceSource, QuestionSource
from .variants import KIND as VARIANT
from .variants import QUESTION_KEYS as VARIANT_KEYS
from .variants import parse_variant
from .yaml_loader import MarkedDict, MarkedList, load_yaml

KINDS = ("single", "multiple")
QUESTION_KEYS = ("id", "kind", "pick", "lesson", "scenario", "stem", "choices", "explanation")
CHOICE_KEYS = ("key", "text", "correct", "explanation", "misconception", "locked")


def parse_question_file(
    text: str,
    *,
    path: str,
    log: ProblemLog,
    lessons: Mapping[str, str],
    presets: Collection[str],
) -> list[QuestionSource]:
    """Return the valid questions of one bank file; record every problem in `log`."""
    before = len(log)
    data = load_yaml(text, path=path, log=log)
    if len(log) > before:
        return []
    if not isinstance(data, MarkedDict):
        log.add(path, 1, "a question file must be a mapping with `lesson` and `questions`")
        return []
    fields = FileFields(data, path, log, "the question file")
    fields.check_keys(required=["questions"], optional=["lesson"])
    default_lesson = fields.slug("lesson")
    if default_lesson is not None and default_lesson not in lessons:
        fields.problem("lesson", _unknown_lesson(default_lesson, lessons))
        default_lesson = None
    items = data.get("questions")
    if items is None:
        return []
    if not isinstance(items, MarkedList):
        fields.problem(
            "questions", "`questions` must be a list of questions (lines starting `- id:`)"
        )
        return []
    questions: list[QuestionSource] = []
    for index, item in enumerate(items):
        if not isinstance(item, MarkedDict):
            log.add(
                path, items.line_of(index), f"question {index + 1} must be a mapping with `id:`"
            )
            continue
        question = _parse_question(
            FileFields(item, path, log, f"question {index + 1}"),
            default_lesson=default_lesson,
            file_has_lesson="lesson" in data,
            lessons=lessons,
            presets=presets,
        )
        if question is not None:
            questions.append(question)
    return questions


def _unknown_lesson(slug: str, lessons: Collection[str]) -> str:
    return (
        f"unknown lesson `{slug}`{did_you_mean(slug, lessons)}; "
        f"lessons in this module: {known_list(lessons)}"
    )


def _parse_question(
    fields: FileFields,
    *,
    default_lesson: str | None,
    file_has_lesson: bool,
    lessons: Mapping[str, str],
    presets: Collection[str],
) -> QuestionSource | None:
    before = len(fields.log)
    data = fields.data
    question_id = fields.slug("id")
    if question_id is not None:
        fields.what = f"question `{question_id}`"
    if data.get("kind") == VARIANT:
        fields.check_keys(required=["id", "kind", "stem", "answer"], optional=VARIANT_KEYS)
    else:
        fields.check_keys(required=["id", "kind", "stem", "choices"], optional=QUESTION_KEYS)
    kind = VARIANT if data.get("kind") == VARIANT else fields.choice("kind", KINDS)
    lesson = fields.slug("lesson", default=default_lesson)
    if "lesson" in data and lesson is not None and lesson not in lessons:
        fields.problem("lesson", _unknown_lesson(lesson, lessons))
    elif lesson is None and "lesson" not in data and not file_has_lesson:
        fields.problem(
            "id", f"{fields.what} has no `lesson` (set one here or at the top of the file)"
        )
    scenario = fields.slug("scenario")
    if scenario is not None and scenario not in presets:
        fields.problem(
            "scenario",
            f"unknown sandbox scenario `{scenario}`{did_you_mean(scenario, presets)}; "
            f"presets in this module: {known_list(presets)}",
        )
    stem = fields.text("stem")
    explanation = fields.text("explanation", default="")
    variant = None
    if kind == VARIANT:
        # The numbers come from the engine when the question is asked (course/content/variants.py).
        pick: int | None = 1
        variant = parse_variant(fields)
        choices: tuple[ChoiceSource, ...] | None = () if variant is not None else None
    else:
        pick = _pick(fields, kind)
        choices = _choices(fields, kind, pick)
    if len(fields.log) > before or None in (question_id, kind, lesson, stem, pick, choices):
        return None
    assert question_id
    assert kind
    assert lesson
    assert stem
    assert pick
    assert choices is not None
    return QuestionSource(
        id=question_id,
        lesson=lesson,
        kind=kind,
        pick=pick,
        stem_html=render_fragment(stem),
        choices=choices,
        explanation_html=render_fragment(explanation or ""),
        scenario=scenario,
        source_path=fields.path,
        line=data.line,
        variant=variant,
    )


def _pick(fields: FileFields, kind: str | None) -> int | None:
    if kind == "multiple":
        if "pick" not in fields.data:
            fields.problem("kind", "a `multiple` question needs `pick`: how many choices to select")
            return None
        return fields.integer("pick", minimum=2)
    if "pick" in fields.data and fields.data["pick"] != 1:
        fields.problem("pick", "a `single` question selects one choice: remove `pick`")
        return None
    return 1


def _choices(
    fields: FileFields, kind: str | None, pick: int | None
) -> tuple[ChoiceSource, ...] | None:
    items = fields.data.get("choices")
    if items is None:
        return None
    if not isinstance(items, MarkedList) or len(items) < 2:
        fields.problem("choices", "`choices` must be a list of at least two choices")
        return None
    choices: list[ChoiceSource] = []
    seen_texts: set[str] = set()
    seen_keys: set[str] = set()
    ok = True
    for index, item in enumerate(items):
        line = items.line_of(index)
        if not isinstance(item, MarkedDict):
            fields.log.add(fields.path, line, f"choice {index + 1} must be a mapping with `text:`")
            ok = False
            continue
        choice = FileFields(item, fields.path, fields.log, f"choice {index + 1} of {fields.what}")
        before = len(fields.log)
        choice.check_keys(required=["text", "explanation"], optional=CHOICE_KEYS)
        key = choice.slug("key", default=_letter(index))
        text = choice.text("text")
        correct = choice.boolean("correct", default=False)
        explanation = choice.text("explanation")
        misconception = choice.text("misconception", default="")
        locked = choice.boolean("locked", default=False)
        if explanation is not None and explanation.upper().startswith("TODO"):
            choice.problem("explanation", f"{choice.what} still has a TODO explanation")
        if correct and misconception:
            choice.problem("misconception", "`misconception` is for wrong choices only")
        if text is not None and text in seen_texts:
            choice.problem("text", f"{fields.what} has two choices with the same text")
        if key is not None and key in seen_keys:
            choice.problem("key", f"{fields.what} has two choices with the key `{key}`")
        if len(fields.log) > before or key is None or text is None or explanation is None:
            ok = False
            continue
        seen_texts.add(text)
        seen_keys.add(key)
        choices.append(
            ChoiceSource(
                key=key,
                text_html=render_fragment(text, inline=True),
                correct=correct,
                explanation_html=render_fragment(explanation),
                misconception=misconception or "",
                locked=locked,
            )
        )
    if not ok:
        return None
    correct_count = sum(choice.correct for choice in choices)
    if kind == "single" and correct_count != 1:
        fields.problem(
            "choices",
            f"a `single` question needs exactly one correct choice; {fields.what} has "
            f"{correct_count}",
        )
        return None
    if kind == "multiple" and pick is not None:
        if correct_count != pick:
            fields.problem(
                "choices",
                f"{fields.what} has `pick: {pick}` but {correct_count} correct "
                f"choice{'' if correct_count == 1 else 's'}; "
                "they must match",
            )
            return None
        if len(choices) <= pick:
            fields.problem(
                "choices",
                f"{fields.what} needs more than {pick} choices, so that some are wrong",
            )
            return None
    return tuple(choices)


def _letter(index: int) -> str:
    """Return `a`, `b`, … `z`, then `c27`, `c28`, …"""
    return chr(ord("a") + index) if index < 26 else f"c{index + 1}"
