"""Template helpers of the lab's event log."""

from __future__ import annotations

from typing import Any

from django import template

from ..core.event_log import EventLog, FoldedLog, fold

register = template.Library()


@register.simple_tag(takes_context=True)
def folded_log(context: template.Context, log: EventLog) -> FoldedLog:
    """Return the log as listed: a long one folded, except its head and the lines to keep open.

    The lines kept open are those holding one of the page's preset's `answers`: what its
    lesson's caption asks the learner to find (a page without a preset keeps none).
    """
    preset: Any = context.get("preset")
    answers = getattr(preset, "answers", None)
    if isinstance(preset, dict):
        answers = preset.get("answers")
    texts = [str(text) for text in answers] if isinstance(answers, list | tuple) else []
    return fold(log, texts)
