"""Frozen records of parsed content: what the loader writes to the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class TocEntry:
    """One heading of a lesson: its level (2 for `##`), anchor id and plain title."""

    level: int
    anchor: str
    title: str


@dataclass(frozen=True)
class LessonSource:
    """A lesson: front matter plus its body rendered to sanitised HTML."""

    slug: str
    title: str
    order: int
    minutes: int
    objectives: tuple[str, ...]
    summary: str
    html: str
    toc: tuple[TocEntry, ...]
    plain_text: str
    analogies: tuple[str, ...]
    scenario_refs: tuple[str, ...]
    quiz_refs: tuple[str, ...]
    source_path: str
    checksum: str
    state: str = "published"  # or "draft": loaded, shown to instructors only


@dataclass(frozen=True)
class ChoiceSource:
    """One choice of a question; `key` is its stable letter-free id (`c1`, `c2`, …)."""

    key: str
    text_html: str
    correct: bool
    explanation_html: str
    misconception: str
    locked: bool


@dataclass(frozen=True)
class QuestionSource:
    """A single- or multiple-answer question from a question bank file.

    A `variant` question has no fixed choices: `variant` holds its template (parameters, scenario,
    misconceptions; see course/content/variants.py) and its stem and explanation are templates.
    """

    id: str
    lesson: str
    kind: str
    pick: int
    stem_html: str
    choices: tuple[ChoiceSource, ...]
    explanation_html: str
    scenario: str | None
    source_path: str
    line: int
    variant: dict[str, Any] | None = None


@dataclass(frozen=True)
class QuizTopic:
    """A lesson a quiz draws from, with its relative weight."""

    lesson: str
    weight: int


@dataclass(frozen=True)
class QuizSource:
    """A quiz or exam from quizzes.yaml."""

    slug: str
    title: str
    kind: str
    lessons: tuple[QuizTopic, ...]
    question_count: int | None
    pass_mark: int
    partial_credit: bool
    time_limit_minutes: int | None
    attempts_allowed: int | None
    retake_delay_minutes: int
    review: str
    source_path: str
    line: int
    opens_at: datetime | None = None
    closes_at: datetime | None = None


@dataclass(frozen=True)
class PresetSource:
    """A sandbox preset: a named scenario with the lesson it illustrates."""

    slug: str
    title: str
    goal: str
    lesson: str
    summary: str
    knobs: tuple[Any, ...]
    challenge: dict[str, Any]
    scenario: dict[str, Any]
    source_path: str
    # The metrics it teaches, first and large: ({"metric": name, "good": "higher"|"lower"|""}, …)
    metrics: tuple[dict[str, str], ...] = ()
    # Visible text the lab page must show to answer the lesson caption's question.
    answers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModuleSource:
    """A module with everything under its folder."""

    slug: str
    title: str
    summary: str
    order: int
    intro_html: str
    lessons: tuple[LessonSource, ...]
    questions: tuple[QuestionSource, ...]
    quizzes: tuple[QuizSource, ...]
    presets: tuple[PresetSource, ...]
    source_path: str
    state: str = "published"  # or "draft": loaded, shown to instructors only


@dataclass(frozen=True)
class Course:
    """Every module under the content folder, in catalogue order."""

    modules: tuple[ModuleSource, ...]
