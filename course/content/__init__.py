"""Parse, validate and render the course files under content/ (no Django imports).

`parse_course(Path("content"))` returns every module as frozen dataclasses with lessons already
rendered to sanitised HTML, or raises `ContentError` listing every problem with file and line.
"""

from .blocks import default_practice_url, default_sandbox_url
from .errors import ContentError, Problem
from .markdown_render import Rendered, render_fragment, render_markdown
from .reader import parse_course, parse_module
from .sources import (
    ChoiceSource,
    Course,
    LessonSource,
    ModuleSource,
    PresetSource,
    QuestionSource,
    QuizSource,
    QuizTopic,
    TocEntry,
)

__all__ = [
    "ChoiceSource",
    "ContentError",
    "Course",
    "LessonSource",
    "ModuleSource",
    "PresetSource",
    "Problem",
    "QuestionSource",
    "QuizSource",
    "QuizTopic",
    "Rendered",
    "TocEntry",
    "default_practice_url",
    "default_sandbox_url",
    "parse_course",
    "parse_module",
    "render_fragment",
    "render_markdown",
]
