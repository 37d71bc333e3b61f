"""Typed trace events: what happened, when, where, and a one-line narration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class Kind(StrEnum):
    """The kinds of trace event."""

    OFFER = "OFFER"  # a request, event, message or record arrives
    PROVISION = "PROVISION"  # provisioned concurrency allocated before t=0
    INIT = "INIT"
    INIT_TIMEOUT = "INIT_TIMEOUT"
    RESTORE = "RESTORE"  # SnapStart: a new environment resumes from the version's snapshot
    THAW = "THAW"
    INVOKE = "INVOKE"
    TIMEOUT = "TIMEOUT"
    RESET = "RESET"
    FREEZE = "FREEZE"
    SHUTDOWN = "SHUTDOWN"
    THROTTLE = "THROTTLE"
    RESPONSE = "RESPONSE"
    CLIENT_TIMEOUT = "CLIENT_TIMEOUT"
    CLIENT_RETRY = "CLIENT_RETRY"
    RETRY_SCHEDULED = "RETRY_SCHEDULED"
    DISCARD = "DISCARD"
    DLQ = "DLQ"
    DESTINATION = "DESTINATION"
    BATCH_START = "BATCH_START"
    BATCH_RESULT = "BATCH_RESULT"
    BATCH_BISECT = "BATCH_BISECT"
    VISIBLE_AGAIN = "VISIBLE_AGAIN"
    DELETE = "DELETE"
    CHECKPOINT = "CHECKPOINT"
    EXPIRE = "EXPIRE"
    SIDE_EFFECT = "SIDE_EFFECT"
    IDEMPOTENT_HIT = "IDEMPOTENT_HIT"
    DB_CONNECT = "DB_CONNECT"
    DB_ERROR = "DB_ERROR"
    DB_WAIT = "DB_WAIT"
    SEND = "SEND"  # a handler sends an item on, or a record reaches a queue, topic or function
    FANOUT = "FANOUT"  # an SNS message or EventBridge event matched against its subscribers
    DELIVERY_FAILED = "DELIVERY_FAILED"  # SNS or EventBridge could not hand an item to Lambda


EMPTY: Mapping[str, object] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class TraceEvent:
    """One timestamped event of a simulation."""

    time_ms: int
    kind: Kind
    narration: str
    env: int | None = None
    request: str | None = None
    attempt: int | None = None
    version: str | None = None
    outcome: str | None = None
    detail: Mapping[str, object] = field(default_factory=lambda: EMPTY)
    function: str | None = None  # the function it concerns (None: a queue, topic or bus event)

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dictionary."""
        return {
            "time_ms": self.time_ms,
            "kind": str(self.kind),
            "env": self.env,
            "request": self.request,
            "attempt": self.attempt,
            "version": self.version,
            "outcome": self.outcome,
            "function": self.function,
            "detail": dict(self.detail),
            "narration": self.narration,
        }


class Tracer:
    """Collect trace events; callers skip it entirely in metrics-only mode.

    `for_function` returns a tracer that records into the same list and stamps every event
    with a function's name, so one run's events stay in one list whoever records them.
    """

    __slots__ = ("events", "function", "label")

    def __init__(
        self,
        events: list[TraceEvent] | None = None,
        function: str | None = None,
        label: str = "",
    ) -> None:
        self.events: list[TraceEvent] = events if events is not None else []
        self.function = function
        self.label = label  # put before each narration ("worker: …") when several functions run

    def for_function(self, name: str | None, *, labelled: bool = False) -> Tracer:
        """Return a tracer sharing this one's events that stamps them with a function name."""
        return Tracer(self.events, name, f"{name}: " if labelled and name else "")

    def emit(
        self,
        time_ms: int,
        kind: Kind,
        narration: str,
        *,
        env: int | None = None,
        request: str | None = None,
        attempt: int | None = None,
        version: str | None = None,
        outcome: str | None = None,
        **detail: object,
    ) -> None:
        """Record one event."""
        self.events.append(
            TraceEvent(
                time_ms,
                kind,
                self.label + narration if self.label else narration,
                env,
                request,
                attempt,
                version,
                outcome,
                MappingProxyType(detail) if detail else EMPTY,
                self.function,
            )
        )

    def ordered(self) -> tuple[TraceEvent, ...]:
        """Return the events in time order (ties keep the order they were recorded in)."""
        return tuple(sorted(self.events, key=lambda event: event.time_ms))
