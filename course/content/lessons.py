"""Read lesson files (`lessons/NN-slug.md`) and the module's `module.md`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .errors import ProblemLog
from .fields import FileFields, is_slug
from .frontmatter import read_document
from .markdown_render import Rendered
from .sources import LessonSource

LESSON_KEYS = ("slug", "title", "order", "minutes", "objectives", "summary", "state")
LESSON_REQUIRED = ("slug", "title", "order", "minutes", "objectives")
MODULE_KEYS = ("title", "summary", "order", "slug", "state")
STATES = ("published", "draft")  # a draft is loaded but shown to instructors only (preview)
MAX_MINUTES = 240


@dataclass(frozen=True)
class LessonDraft:
    """A lesson's front matter and unrendered body; `valid` is false after any problem."""

    slug: str | None
    title: str | None
    order: int | None
    minutes: int | None
    objectives: tuple[str, ...]
    summary: str
    body: str
    body_first_line: int
    source_path: str
    checksum: str
    valid: bool
    slug_line: int
    order_line: int
    state: str = "published"


def read_lesson(raw: bytes, *, path: str, log: ProblemLog) -> LessonDraft | None:
    """Parse a lesson's front matter; return None when the file cannot be read at all."""
    before = len(log)
    text = decode(raw, path=path, log=log)
    if text is None:
        return None
    document = read_document(text, path=path, log=log)
    if document.meta is None:
        return None
    fields = FileFields(document.meta, path, log, "the lesson front matter")
    fields.check_keys(required=LESSON_REQUIRED, optional=LESSON_KEYS)
    slug = fields.slug("slug")
    title = fields.text("title")
    order = fields.integer("order", minimum=0)
    minutes = fields.integer("minutes", minimum=1, maximum=MAX_MINUTES)
    objectives = fields.text_list("objectives") or ()
    summary = fields.text("summary", default="") or ""
    state = fields.choice("state", STATES, default="published") or "published"
    return LessonDraft(
        slug=slug,
        title=title,
        order=order,
        minutes=minutes,
        objectives=objectives,
        summary=summary,
        body=document.body,
        body_first_line=document.body_first_line,
        source_path=path,
        checksum=hashlib.sha256(raw).hexdigest(),
        valid=len(log) == before,
        slug_line=fields.line("slug"),
        order_line=fields.line("order"),
        state=state,
    )


def finish_lesson(draft: LessonDraft, rendered: Rendered) -> LessonSource:
    """Combine a valid draft with its rendered body."""
    assert draft.slug
    assert draft.title
    assert draft.order is not None
    assert draft.minutes
    return LessonSource(
        slug=draft.slug,
        title=draft.title,
        order=draft.order,
        minutes=draft.minutes,
        objectives=draft.objectives,
        summary=draft.summary,
        html=rendered.html,
        toc=rendered.toc,
        plain_text=rendered.plain_text,
        analogies=rendered.analogies,
        scenario_refs=rendered.scenario_refs,
        quiz_refs=rendered.quiz_refs,
        source_path=draft.source_path,
        checksum=draft.checksum,
        state=draft.state,
    )


@dataclass(frozen=True)
class ModuleDraft:
    """module.md: front matter and the unrendered introduction."""

    slug: str | None
    title: str | None
    summary: str | None
    order: int | None
    body: str
    body_first_line: int
    source_path: str
    state: str = "published"


def read_module_file(raw: bytes, *, folder_name: str, path: str, log: ProblemLog) -> ModuleDraft:
    """Parse module.md; fields that have problems come back as None."""
    text = decode(raw, path=path, log=log)
    document = read_document(text or "", path=path, log=log) if text is not None else None
    if document is None or document.meta is None:
        return ModuleDraft(None, None, None, None, "", 1, path)
    fields = FileFields(document.meta, path, log, "the module front matter")
    fields.check_keys(required=["title", "summary", "order"], optional=MODULE_KEYS)
    slug = fields.slug("slug")
    if "slug" not in document.meta:
        slug = folder_name
        if not is_slug(folder_name):
            log.add(path, 2, f"the folder name `{folder_name}` is not a slug: add `slug:`")
            slug = None
    return ModuleDraft(
        slug=slug,
        title=fields.text("title"),
        summary=fields.text("summary"),
        order=fields.integer("order", minimum=0),
        body=document.body,
        body_first_line=document.body_first_line,
        source_path=path,
        state=fields.choice("state", STATES, default="published") or "published",
    )


def decode(raw: bytes, *, path: str, log: ProblemLog) -> str | None:
    """Return the file's text, or record that it is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        log.add(path, line, "the file is not UTF-8 text")
        return None
