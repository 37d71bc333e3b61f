"""An attempt's event log in words, for instructors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from .models import Attempt, AttemptEvent


@dataclass(frozen=True)
class EventRow:
    at: datetime
    kind: str
    label: str
    summary: str


def event_rows(attempt: Attempt) -> list[EventRow]:
    """Return the attempt's events, oldest first, each with a one-line summary (one query)."""
    numbers = {q["key"]: n for n, q in enumerate(attempt.snapshot["questions"], start=1)}
    return [
        EventRow(
            at=event.at,
            kind=event.kind,
            label=event.get_kind_display(),
            summary=event_summary(event, numbers),
        )
        for event in attempt.events.order_by("at", "pk")
    ]


def event_summary(event: AttemptEvent, numbers: Mapping[str, int]) -> str:
    """Return what happened in words; `numbers` gives each question key its number."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    question = detail.get("question")
    where = f"Question {numbers.get(str(question), '?')}" if question else ""
    if event.kind == AttemptEvent.Kind.STARTED:
        deadline = detail.get("deadline")
        seen = detail.get("previously_seen", 0)
        return (
            f"{len(detail.get('questions', []))} questions drawn (seed {detail.get('seed')}, "
            f"{seen} seen before); time multiplier ×{detail.get('time_multiplier', '1')}"
            + (f"; deadline {deadline}" if deadline else "")
        )
    if event.kind == AttemptEvent.Kind.ANSWERED:
        chosen = ", ".join(detail.get("chosen", [])) or "cleared"
        return f"{where}: {chosen} (version {detail.get('sequence')})"
    if event.kind == AttemptEvent.Kind.FLAGGED:
        return f"{where}: {'flagged' if detail.get('flagged') else 'flag removed'}"
    if event.kind == AttemptEvent.Kind.REFUSED:
        why = {"stale": "stale version from another tab", "late": "after the deadline"}.get(
            str(detail.get("why")), str(detail.get("why"))
        )
        return f"{where}: refused, {why}"
    if event.kind == AttemptEvent.Kind.RESUMED:
        return f"Opened in a new browser session ({detail.get('client') or 'unknown browser'})"
    if event.kind == AttemptEvent.Kind.EXTENDED:
        return (
            f"Deadline moved from {detail.get('from') or 'none'} to {detail.get('to') or 'none'} "
            f"(time multiplier ×{detail.get('time_multiplier')})"
        )
    if event.kind == AttemptEvent.Kind.OVERRIDDEN:
        return (
            f"Score changed from {detail.get('from'):g} to {detail.get('to'):g} of "
            f"{detail.get('max_score'):g} by {detail.get('by')}: {detail.get('reason')}"
        )
    score = f"score {detail.get('score')} of {detail.get('max_score')}"
    noticed = detail.get("noticed_at")
    return score + (f"; closed when noticed at {noticed}" if noticed else "")
