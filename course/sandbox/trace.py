"""Typed trace events: what happened, when, where, and a one-line narration."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from operator import itemgetter
from types import MappingProxyType
from typing import Any, NamedTuple


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

# What an event says: its narration, or a function of the event that writes it when it is
# read (with any extra arguments after it in a tuple), so a trace of thousands of events does
# not keep thousands of sentences nobody reads (the lab's log shows the first 500).
Narrator = Callable[["TraceEvent"], str]
Said = str | Narrator | tuple[Any, ...]

SHARED_DETAILS = 4_096  # distinct details one run shares between its events (then: no more)


class _Fields(NamedTuple):
    time_ms: int
    kind: Kind
    said: Said
    env: int | None = None
    request: str | None = None
    attempt: int | None = None
    version: str | None = None
    outcome: str | None = None
    detail: Mapping[str, object] = EMPTY
    function: str | None = None  # the function it concerns (None: a queue, topic or bus event)


class TraceEvent(_Fields):
    """One timestamped event of a simulation: an immutable record of its fields.

    `narration` is the one-line story of the event; it is written when read, from the
    event's fields, by the narrator the engine recorded (or is the sentence it recorded).
    """

    __slots__ = ()

    @property
    def narration(self) -> str:
        """Return the event's one-line narration."""
        said = self.said
        if isinstance(said, str):
            return said
        if isinstance(said, tuple):
            narrator, *args = said
            return str(narrator(self, *args))
        return said(self)

    def __repr__(self) -> str:
        return (
            f"TraceEvent(time_ms={self.time_ms!r}, kind={self.kind!r}, "
            f"narration={self.narration!r}, env={self.env!r}, request={self.request!r}, "
            f"attempt={self.attempt!r}, version={self.version!r}, outcome={self.outcome!r}, "
            f"detail={dict(self.detail)!r}, function={self.function!r})"
        )

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


_new_event = tuple.__new__


class _Sharing:
    """The details a run's tracers have recorded, to share between equal ones.

    Once SHARED_DETAILS are kept, a kind of event whose details seldom repeated
    (invocations with long drawn durations) is no longer looked up, so it costs no more.
    """

    __slots__ = ("misses", "table", "tries", "unshared")

    def __init__(self) -> None:
        self.table: dict[object, Any] = {}
        self.tries: dict[Kind, int] = {}
        self.misses: dict[Kind, int] = {}
        self.unshared: set[Kind] = set()

    def share(self, kind: Kind, detail: dict[str, object]) -> Mapping[str, object]:
        """Return an equal detail recorded before, or this one (then kept to share)."""
        tries = self.tries[kind] = self.tries.get(kind, 0) + 1
        # Types too: {"cold": True} and {"cold": 1} are equal, but not the same detail.
        key = (*detail.items(), *map(type, detail.values()))
        table = self.table
        try:
            found: Mapping[str, object] | None = table.get(key)
        except TypeError:  # an unhashable value (a list of names): kept as it is
            return detail
        if found is not None:
            return found
        misses = self.misses[kind] = self.misses.get(kind, 0) + 1
        if len(table) < SHARED_DETAILS:
            table[key] = found = MappingProxyType(detail)
            return found
        if misses * 4 > tries * 3:  # the table is full and 3 in 4 of this kind were new
            self.unshared.add(kind)
        return detail


class Tracer:
    """Collect trace events; callers skip it entirely in metrics-only mode.

    `for_function` returns a tracer that records into the same list and stamps every event
    with a function's name, so one run's events stay in one list whoever records them.

    Events with the same detail share one read-only mapping (a run's responses, side effects
    and fixed-duration invocations repeat theirs), up to SHARED_DETAILS distinct ones a run.
    """

    __slots__ = ("events", "function", "label", "sharing")

    def __init__(
        self,
        events: list[TraceEvent] | None = None,
        function: str | None = None,
        label: str = "",
        sharing: _Sharing | None = None,
    ) -> None:
        self.events: list[TraceEvent] = events if events is not None else []
        self.function = function
        self.label = label  # put before each narration ("worker: …") when several functions run
        self.sharing = sharing if sharing is not None else _Sharing()

    def for_function(self, name: str | None, *, labelled: bool = False) -> Tracer:
        """Return a tracer sharing this one's events that stamps them with a function name."""
        return Tracer(self.events, name, f"{name}: " if labelled and name else "", self.sharing)

    def emit(
        self,
        time_ms: int,
        kind: Kind,
        narration: Said,
        *,
        env: int | None = None,
        request: str | None = None,
        attempt: int | None = None,
        version: str | None = None,
        outcome: str | None = None,
        **detail: object,
    ) -> None:
        """Record one event; `narration` is a sentence, or a narrator (see `Said`)."""
        sharing = self.sharing
        if type(narration) is tuple:  # a narrator and its arguments: shared like details
            narration = sharing.table.setdefault(narration, narration)
        event = _new_event(
            TraceEvent,
            (
                time_ms,
                kind,
                narration,
                env,
                request,
                attempt,
                version,
                outcome,
                (
                    EMPTY
                    if not detail
                    else detail
                    if kind in sharing.unshared
                    else sharing.share(kind, detail)
                ),
                self.function,
            ),
        )
        if self.label:
            event = event._replace(said=self.label + event.narration)
        self.events.append(event)

    def ordered(self) -> tuple[TraceEvent, ...]:
        """Return the events in time order (ties keep the order they were recorded in)."""
        return tuple(sorted(self.events, key=_TIME))


_TIME = itemgetter(0)  # an event's time_ms
