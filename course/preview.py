"""Preview mode: while an instructor previews, the learner's querysets include drafts.

A request in preview mode (set by the studio's middleware for an instructor holding a preview
cookie) sees every page exactly as a learner will once the drafts are published: the same views,
the same templates, the same embedded sandboxes and quizzes. Only `published()`-style querysets
consult this flag; nothing else changes.
"""

from __future__ import annotations

from contextvars import ContextVar, Token

_drafts_visible: ContextVar[bool] = ContextVar("drafts_visible", default=False)


def drafts_visible() -> bool:
    """Return whether the current request previews drafts."""
    return _drafts_visible.get()


def show_drafts() -> Token[bool]:
    """Turn preview on for the current context; pass the token to `hide_drafts`."""
    return _drafts_visible.set(True)


def hide_drafts(token: Token[bool]) -> None:
    """Undo `show_drafts`."""
    _drafts_visible.reset(token)
