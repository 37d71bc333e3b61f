"""Template helpers of the lab's event log."""

from __future__ import annotations

from typing import Any

from django import template

from ..core.event_log import EventLog, FoldedLog, LogLinks, fold

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


@register.simple_tag(takes_context=True)
def log_href(context: template.Context, index: int) -> str:
    """Return where timeline bar `index` links: its log line here, or on the unfiltered page.

    The page's `log_links` (a `LogLinks`) knows which lines it lists; without it (the studio's
    preview lists the whole log) the link stays in the page.
    """
    links = context.get("log_links")
    if isinstance(links, LogLinks):
        return links.href(index)
    return f"#log-ev-{index}"
