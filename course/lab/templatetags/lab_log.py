"""Template helpers of the lab's event log."""

from __future__ import annotations

from django import template

from ..core.event_log import EventLog, FoldedLog, fold

register = template.Library()


@register.filter
def folded(log: EventLog, keep: object = None) -> FoldedLog:
    """Return the log as listed: a long one folded, except its head and the lines `keep` names.

    `keep` is a preset's `answers` (a list of texts): the lines that answer its lesson's caption
    stay open.
    """
    texts = [str(text) for text in keep] if isinstance(keep, list | tuple) else []
    return fold(log, texts)
