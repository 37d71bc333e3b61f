"""Stepping through a run: the state at trace event N, and where the next interesting event is.

Plain Python (no Django). `?at=N` names a trace index; `parse_at` reads it, `moment` returns
what the page shows at that event: its time and narration, the mechanism views built with
`until=N`, and the jumps (previous / next event, cold start, error, batch) as indices, so the
page can offer them as plain links.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from course.sandbox import Kind, TraceEvent

from .event_log import is_error
from .mechanisms import View, build_views
from .timeline import format_time

MAX_AT_DIGITS = 9


class AtError(ValueError):
    """`?at=` is not a trace index of this run; the message says why, for the learner."""


COLD_START_KINDS = frozenset({Kind.INIT, Kind.RESTORE})


def is_cold_start(event: TraceEvent) -> bool:
    """Return whether the event starts a new environment: its INIT, or a SnapStart RESTORE.

    A restore resumes a new environment from the version's snapshot instead of running INIT, and
    it is still that environment's cold start (docs/scenarios.md, SnapStart).
    """
    return event.kind in COLD_START_KINDS


def is_batch(event: TraceEvent) -> bool:
    """Return whether a poller took a batch (SQS or stream) or split one (bisect)."""
    return event.kind in (Kind.BATCH_START, Kind.BATCH_BISECT)


def _any(_: TraceEvent) -> bool:
    return True


# (key, what one is called, which events count), in the order the page lists them.
JUMPS: tuple[tuple[str, str, Callable[[TraceEvent], bool]], ...] = (
    ("event", "event", _any),
    ("cold", "cold start", is_cold_start),
    ("error", "error", is_error),
    ("batch", "batch", is_batch),
)


@dataclass(frozen=True, slots=True)
class Jump:
    """Where the previous and next event of one kind are (None: there is none that way)."""

    key: str
    label: str
    previous: int | None
    next: int | None


@dataclass(frozen=True, slots=True)
class Moment:
    """The run at one trace event."""

    at: int
    total: int
    time_ms: int
    kind: str
    narration: str
    jumps: tuple[Jump, ...]
    views: tuple[View, ...]

    @property
    def number(self) -> int:
        """Return the event's position counted from 1, as the page says it."""
        return self.at + 1

    @property
    def time_label(self) -> str:
        """Return the event's time since the run started."""
        return format_time(self.time_ms)

    @property
    def last(self) -> int:
        """Return the last trace index."""
        return self.total - 1


def parse_at(raw: str) -> int:
    """Return the trace index `?at=` names; raise AtError if it is not a whole number ≥ 0."""
    text = raw.strip()
    if not text.isdigit() or not text.isascii() or len(text) > MAX_AT_DIGITS:
        shown = text[:20] + ("…" if len(text) > 20 else "")
        raise AtError(
            f"“{shown}” is not an event number: step with a whole number from 0 "
            "(the first event) up, or use the step links."
        )
    return int(text)


def next_index(
    events: Sequence[TraceEvent], at: int, matches: Callable[[TraceEvent], bool]
) -> int | None:
    """Return the index of the first matching event after `at`, or None."""
    for index in range(at + 1, len(events)):
        if matches(events[index]):
            return index
    return None


def previous_index(
    events: Sequence[TraceEvent], at: int, matches: Callable[[TraceEvent], bool]
) -> int | None:
    """Return the index of the last matching event before `at`, or None."""
    for index in range(min(at, len(events)) - 1, -1, -1):
        if matches(events[index]):
            return index
    return None


def check_at(at: int, total: int) -> None:
    """Raise AtError unless `at` is an index of a trace of `total` events."""
    if total == 0:
        raise AtError("This run kept no trace, so there are no events to step through.")
    if not 0 <= at < total:
        raise AtError(
            f"This run has {total:,} events, numbered 0 to {total - 1:,}; there is no event {at:,}."
        )


def moment(events: Sequence[TraceEvent], at: int) -> Moment:
    """Return the run at trace index `at`; raise AtError if the run has no such event."""
    check_at(at, len(events))
    jumps = tuple(
        Jump(key, label, previous_index(events, at, matches), next_index(events, at, matches))
        for key, label, matches in JUMPS
        if key == "event" or any(matches(event) for event in events)
    )
    event = events[at]
    return Moment(
        at=at,
        total=len(events),
        time_ms=event.time_ms,
        kind=str(event.kind),
        narration=event.narration,
        jumps=jumps,
        views=build_views(events, at),
    )


__all__ = ["JUMPS", "AtError", "Jump", "Moment", "check_at", "moment", "parse_at"]
