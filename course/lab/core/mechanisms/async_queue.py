"""The kitchen: Lambda's internal queue for asynchronous invocations, one row per event.

An event is accepted (OFFER with HTTP 202), tried (INIT or THAW, then INVOKE, then FREEZE),
and after a failure either waits for a retry (RETRY_SCHEDULED, with its delay) or ends: on a
destination (DESTINATION), in the dead-letter queue (DLQ), and finally DISCARD names why it
left the queue (retries used up, event too old). A throttle puts it back in the queue with a
backoff and uses up no attempt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from course.sandbox import Kind, TraceEvent

from ..timeline.axis import format_duration, format_time
from .base import Detail, View, events_until

QUEUED = "queued"
RUNNING = "running"
WAITING = "waiting"  # a retry is scheduled
THROTTLED = "throttled"
FAILED = "failed"  # an attempt failed; what comes next is not decided yet
SUCCEEDED = "succeeded"
ENDED = "ended"  # left the queue after failing

MAX_DRAWN = 12  # rows drawn; the rest are counted
SLOTS = 3  # Lambda tries an async event at most 3 times (MaximumRetryAttempts ≤ 2)
ROW_H = 52
WIDTH = 420
SLOT_X = (100, 180, 260)
SLOT_W = 44
END_X = 318

CONDITIONS = {
    "RetriesExhausted": "retries used up",
    "EventAgeExceeded": "event too old (maximum event age)",
    "ZeroReservedConcurrency": "reserved concurrency is 0",
}


@dataclass(frozen=True, slots=True)
class Attempt:
    """One try of an event: its number and how it went (running, ok, error, timeout...)."""

    number: int
    outcome: str
    at_ms: int
    x: int

    @property
    def sign(self) -> str:
        """Return the mark drawn in the slot."""
        if self.outcome == RUNNING:
            return "…"
        return "✓" if self.outcome == "ok" else "✗"

    @property
    def css(self) -> str:
        """Return the slot's class."""
        if self.outcome in (RUNNING, "ok"):
            return f"mv-try--{self.outcome}"
        return "mv-try--error"


@dataclass(frozen=True, slots=True)
class Wait:
    """The gap before the next attempt, drawn between two slots."""

    delay_ms: int
    x: int
    throttle: bool

    @property
    def label(self) -> str:
        """Return the delay in human units."""
        return format_duration(self.delay_ms)


@dataclass(frozen=True, slots=True)
class QueuedEvent:
    """One event on the internal queue and where it stands."""

    request: str
    function: str | None  # named when the run has several functions
    accepted_ms: int
    age_ms: int
    state: str
    attempts: tuple[Attempt, ...]
    waits: tuple[Wait, ...]
    next_at_ms: int | None  # when the scheduled retry (or throttle backoff) is due
    places: tuple[str, ...]  # "Success destination", "OnFailure destination", "DLQ"
    condition: str | None  # why it left the queue after failing
    y: int
    detail: Detail

    @property
    def age_label(self) -> str:
        """Return the event's age in human units."""
        return format_duration(self.age_ms)

    @property
    def age_line(self) -> str:
        """Return the row's second line: its age, after the function's name when it has one."""
        return f"{self.function} · {self.age_label}" if self.function else f"age {self.age_label}"

    @property
    def end_label(self) -> str:
        """Return the short text of the row's last box: where the event ended, or its state."""
        if self.state == SUCCEEDED:
            return "✓ Success dest." if self.places else "✓ done"
        if self.state == ENDED:
            short = {"OnFailure destination": "OnFailure", "DLQ": "DLQ"}
            named = [short[place] for place in self.places if place in short]
            return "✗ " + ("+".join(named) if named else "dropped")
        return {
            QUEUED: "in queue",
            RUNNING: "running",
            WAITING: "retry due",
            THROTTLED: "backing off",
            FAILED: "failed",
        }[self.state]

    @property
    def end_css(self) -> str:
        """Return the end box's class."""
        return f"mv-end--{self.state}"


@dataclass(frozen=True, slots=True)
class AsyncView(View):
    """The internal queue at one instant."""

    time_ms: int
    rows: tuple[QueuedEvent, ...]
    hidden: int
    accepted: int
    succeeded: int
    ended: int
    in_queue: int
    attempts: int
    width: int
    height: int

    @property
    def slot_xs(self) -> tuple[int, ...]:
        """Return where the attempt slots of each row are drawn."""
        return SLOT_X

    @property
    def details(self) -> tuple[Detail, ...]:
        """Return the drawn rows' details."""
        return tuple(row.detail for row in self.rows)

    @property
    def view_box(self) -> str:
        """Return the SVG viewBox."""
        return f"0 0 {self.width} {self.height}"


class _Event:
    __slots__ = (
        "accepted_ms",
        "attempts",
        "condition",
        "end_ms",
        "function",
        "next_at",
        "places",
        "request",
        "state",
        "waits",
    )

    def __init__(self, request: str, accepted_ms: int, function: str | None = None) -> None:
        self.request = request
        self.function = function
        self.accepted_ms = accepted_ms
        self.state = QUEUED
        self.attempts: list[tuple[int, str, int]] = []  # (number, outcome, at_ms)
        self.waits: list[tuple[int, int, bool]] = []  # (after attempt count, delay, throttle)
        self.next_at: int | None = None
        self.places: list[str] = []
        self.condition: str | None = None
        self.end_ms: int | None = None


def build_async(events: Sequence[TraceEvent], until: int | None) -> AsyncView | None:
    """Return the internal queue as of trace index `until` (None: the whole run)."""
    if not any(e.kind == Kind.OFFER and e.detail.get("status") == 202 for e in events):
        return None
    seen = events_until(events, until)
    # With several functions an id may reach more than one (an SNS message, a chain): each
    # function's event is its own row, named "function: id", and only accepted (202) ones count.
    functions = sorted({e.function for e in events if e.function is not None})
    several = len(functions) > 1
    queue: dict[str, _Event] = {}
    running: dict[int, str] = {}  # env → key of the event it runs
    for event in seen:
        kind, request = event.kind, event.request
        key = f"{event.function}: {request}" if several else request
        if kind == Kind.OFFER and key is not None and request is not None:
            if several and event.detail.get("status") != 202:
                continue
            named = event.function if several else None
            queue.setdefault(key, _Event(request, event.time_ms, named))
            continue
        if kind == Kind.FREEZE and event.env in running:
            done = queue[running.pop(event.env)]
            if done.attempts and done.attempts[-1][1] == "ok":
                done.state, done.end_ms = SUCCEEDED, event.time_ms
            elif done.state == RUNNING:
                done.state = FAILED
            continue
        found = queue.get(key) if key is not None and request is not None else None
        if found is None:
            continue
        item = found
        if kind in (Kind.INIT, Kind.RESTORE, Kind.THAW):
            item.attempts.append((event.attempt or len(item.attempts) + 1, RUNNING, event.time_ms))
            item.state, item.next_at = RUNNING, None
            if event.env is not None and key is not None:
                running[event.env] = key
        elif kind == Kind.INVOKE and item.attempts:
            number, _, at = item.attempts[-1]
            item.attempts[-1] = (number, event.outcome or "ok", at)
        elif kind == Kind.RETRY_SCHEDULED:
            delay = _int(event.detail.get("delay_ms"))
            item.state, item.next_at = WAITING, event.time_ms + delay
            item.waits.append((len(item.attempts), delay, False))
        elif kind == Kind.THROTTLE:
            delay = _int(event.detail.get("delay_ms"))
            item.state, item.next_at = THROTTLED, event.time_ms + delay
            item.waits.append((len(item.attempts), delay, True))
        elif kind == Kind.DESTINATION:
            success = event.outcome == "Success"
            item.places.append("Success destination" if success else "OnFailure destination")
        elif kind == Kind.DLQ:
            item.places.append("DLQ")
        elif kind == Kind.DISCARD:
            item.state, item.end_ms, item.next_at = ENDED, event.time_ms, None
            item.condition = event.outcome
    now = seen[-1].time_ms if seen else 0
    items = list(queue.values())
    drawn = items[:MAX_DRAWN]
    rows = tuple(_row(item, now, position) for position, item in enumerate(drawn))
    invoked = sorted({item.function for item in items if item.function})
    view = AsyncView(
        key="async",
        title="The kitchen: Lambda's internal queue (asynchronous invocation)"
        + (f" of {', '.join(invoked)}" if invoked else ""),
        summary="",
        until=until,
        time_ms=now,
        rows=rows,
        hidden=len(items) - len(drawn),
        accepted=len(items),
        succeeded=sum(1 for item in items if item.state == SUCCEEDED),
        ended=sum(1 for item in items if item.state == ENDED),
        in_queue=sum(1 for item in items if item.state not in (SUCCEEDED, ENDED)),
        attempts=sum(len(item.attempts) for item in items),
        width=WIDTH,
        height=max(1, len(rows)) * ROW_H,
    )
    return replace(view, summary=_summary(view))


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


def _row(item: _Event, now: int, position: int) -> QueuedEvent:
    attempts = tuple(
        Attempt(number, outcome, at, SLOT_X[index])
        for index, (number, outcome, at) in enumerate(item.attempts[:SLOTS])
    )
    waits = tuple(
        Wait(delay, SLOT_X[after - 1] + SLOT_W, throttle)
        for after, delay, throttle in item.waits
        if 0 < after < SLOTS
    )
    age = (item.end_ms if item.end_ms is not None else now) - item.accepted_ms
    row = QueuedEvent(
        request=item.request,
        function=item.function,
        accepted_ms=item.accepted_ms,
        age_ms=age,
        state=item.state,
        attempts=attempts,
        waits=waits,
        next_at_ms=item.next_at,
        places=tuple(item.places),
        condition=item.condition,
        y=position * ROW_H,
        detail=Detail(_row_id(item), item.request, ""),
    )
    label = f"{item.function}: {item.request}" if item.function else item.request
    return replace(row, detail=Detail(row.detail.id, label, _row_text(row, now)))


def _row_id(item: _Event) -> str:
    return f"async-{item.function}-{item.request}" if item.function else f"async-{item.request}"


def _row_text(row: QueuedEvent, now: int) -> str:
    tries = len(row.attempts)
    outcomes = ", ".join(
        f"attempt {a.number} {'running' if a.outcome == RUNNING else a.outcome}"
        for a in row.attempts
    )
    owner = f"{row.function}: " if row.function else ""
    text = f"{owner}Event {row.request}, accepted at {format_time(row.accepted_ms)}, "
    if row.state in (SUCCEEDED, ENDED):
        text += f"{format_duration(row.age_ms)} old when it left the queue; "
    else:
        text += f"now {format_duration(row.age_ms)} old; "
    text += f"{tries} attempt{'' if tries == 1 else 's'}" + (f" ({outcomes})" if outcomes else "")
    if row.state == WAITING and row.next_at_ms is not None:
        text += (
            f"; waiting {format_duration(max(0, row.next_at_ms - now))} more for attempt "
            f"{tries + 1} (due at {format_time(row.next_at_ms)})"
        )
    elif row.state == THROTTLED and row.next_at_ms is not None:
        text += f"; throttled, back in the queue until {format_time(row.next_at_ms)}"
    elif row.state == SUCCEEDED:
        text += "; succeeded" + (" and went to the success destination" if row.places else "")
    elif row.state == ENDED:
        why = CONDITIONS.get(row.condition or "", row.condition or "failed")
        where = " and ".join(row.places) if row.places else "nowhere: it is discarded"
        text += f"; left the queue ({why}), sent to {where}"
    elif row.state == FAILED:
        text += "; the attempt failed"
    return text + "."


def _summary(view: AsyncView) -> str:
    moment = f"At {format_time(view.time_ms)}" if view.until is not None else "By the end"
    text = (
        f"{moment}: {view.accepted} event{'' if view.accepted == 1 else 's'} accepted, "
        f"{view.attempts} attempt{'' if view.attempts == 1 else 's'} made; {view.succeeded} "
        f"succeeded, {view.ended} left the queue after failing, {view.in_queue} still queued."
    )
    if view.hidden:
        text += f" The picture shows the first {len(view.rows)}; {view.hidden} more."
    return text
