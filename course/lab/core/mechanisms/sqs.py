"""The buffet: an SQS queue's messages as cells, and the batches Lambda took from it.

A message is sent (OFFER), received in a batch (BATCH_START lists the batch and each message's
receive count), deleted when its batch succeeds (BATCH_RESULT `deleted`), visible again when the
visibility timeout ends (VISIBLE_AGAIN), moved to the queue's dead-letter queue once it has been
received maxReceiveCount times (DLQ), or dropped past the retention period (EXPIRE).

A BATCH_RESULT names no batch: it is emitted right after the FREEZE of the environment that ran
the batch, so the builder follows each batch to its environment (INIT or THAW of the batch's
label) and from there to its result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from course.sandbox import Kind, TraceEvent

from ..timeline.axis import format_duration, format_time
from .base import Detail, View, events_until

VISIBLE = "visible"
IN_FLIGHT = "in-flight"
DELETED = "deleted"
DLQ = "dlq"
EXPIRED = "expired"
STATE_LABELS = {
    VISIBLE: "visible",
    IN_FLIGHT: "in flight",
    DELETED: "deleted",
    DLQ: "in the DLQ",
    EXPIRED: "expired",
}
STATES = (VISIBLE, IN_FLIGHT, DELETED, DLQ, EXPIRED)

MAX_MESSAGES = 36  # cells drawn
MAX_BATCHES = 6  # the most recent batches drawn
MAX_MEMBERS = 17  # member squares drawn per batch
WIDTH = 420
COLUMNS = 6
CELL = 70  # pitch of the message grid (cells are CELL - 4 wide)
CELL_H = 66
BATCH_TITLE_H = 26
BATCH_H = 30
MEMBER_X = 104
MEMBER = 18  # pitch of a member square (16 + 2)


@dataclass(frozen=True, slots=True)
class Message:
    """One message cell."""

    id: str
    state: str
    receive_count: int
    since_ms: int
    returns_at_ms: int | None  # in flight: when the visibility timeout ends, when known
    timer_width: int  # in flight: the share of the visibility timeout gone, drawn as a bar
    x: int
    y: int
    detail: Detail

    @property
    def state_label(self) -> str:
        """Return the state in words."""
        return STATE_LABELS[self.state]


@dataclass(frozen=True, slots=True)
class Member:
    """A message in a batch: deleted, failed (comes back), or not decided yet."""

    id: str
    mark: str  # deleted | failed | pending
    x: int

    @property
    def sign(self) -> str:
        """Return the symbol drawn in the square."""
        return {"deleted": "✓", "failed": "✗", "pending": "…"}[self.mark]


@dataclass(frozen=True, slots=True)
class Batch:
    """One batch Lambda received, with its outcome."""

    number: int
    label: str
    at_ms: int
    outcome: str  # pending | ok | partial | failed
    members: tuple[Member, ...]
    more: int  # members not drawn
    y: int
    detail: Detail

    @property
    def outcome_short(self) -> str:
        """Return the outcome in a word or two, for the picture."""
        return {
            "pending": "running",
            "ok": "all deleted",
            "partial": "partial",
            "failed": "all failed",
        }[self.outcome]

    @property
    def outcome_label(self) -> str:
        """Return the outcome in words."""
        return {
            "pending": "running",
            "ok": "all deleted",
            "partial": "partial batch response",
            "failed": "whole batch failed",
        }[self.outcome]


@dataclass(frozen=True, slots=True)
class StateCount:
    """How many messages are in one state."""

    state: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class SqsView(View):
    """The queue at one instant."""

    time_ms: int
    visibility_ms: int | None
    messages: tuple[Message, ...]
    hidden_messages: int
    batches: tuple[Batch, ...]
    earlier_batches: int  # batches before the drawn ones
    batch_count: int
    counts: tuple[StateCount, ...]
    batch_top: int
    width: int
    height: int

    @property
    def details(self) -> tuple[Detail, ...]:
        """Return the drawn cells' and batches' details."""
        return tuple(m.detail for m in self.messages) + tuple(b.detail for b in self.batches)

    @property
    def view_box(self) -> str:
        """Return the SVG viewBox."""
        return f"0 0 {self.width} {self.height}"


class _Message:
    __slots__ = ("id", "receive_count", "received_ms", "since_ms", "state")

    def __init__(self, message_id: str, now: int) -> None:
        self.id = message_id
        self.state = VISIBLE
        self.receive_count = 0
        self.since_ms = now
        self.received_ms: int | None = None


class _Batch:
    __slots__ = ("at_ms", "deleted", "failed", "label", "members", "number", "outcome")

    def __init__(self, number: int, label: str, members: list[str], at_ms: int) -> None:
        self.number = number
        self.label = label
        self.members = members
        self.at_ms = at_ms
        self.outcome = "pending"
        self.deleted: set[str] = set()
        self.failed: set[str] = set()


def visibility_timeout(events: Sequence[TraceEvent]) -> int | None:
    """Return the queue's visibility timeout, read off the first message that came back.

    It is a setting, not an event: wherever a message becomes visible again, the time since the
    batch that received it is the timeout (the engine schedules it exactly so). None if no
    message ever came back.
    """
    received: dict[str, int] = {}
    for event in events:
        if event.kind == Kind.BATCH_START:
            for member in _members(event):
                received[member] = event.time_ms
        elif event.kind == Kind.VISIBLE_AGAIN and event.request in received:
            return event.time_ms - received[event.request]
    return None


def _members(event: TraceEvent) -> list[str]:
    batch = event.detail.get("batch")
    return [str(member) for member in batch] if isinstance(batch, list | tuple) else []


def _counts(event: TraceEvent) -> list[int]:
    counts = event.detail.get("receive_counts")
    return [c for c in counts if isinstance(c, int)] if isinstance(counts, list | tuple) else []


def build_sqs(events: Sequence[TraceEvent], until: int | None) -> SqsView | None:
    """Return the queue as of trace index `until` (None: the whole run)."""
    if not any(e.kind == Kind.BATCH_START and "batch" in e.detail for e in events):
        return None
    seen = events_until(events, until)
    # With several functions only messages sent to a queue (OFFER with a message group) are
    # the buffet's; the title names the functions that poll it.
    several = len({e.function for e in events if e.function is not None}) > 1
    pollers = sorted({e.function for e in events if e.kind == Kind.BATCH_START and e.function})
    messages: dict[str, _Message] = {}
    batches: list[_Batch] = []
    waiting: dict[str, _Batch] = {}  # batch label → batch not yet on an environment
    on_env: dict[int, _Batch] = {}
    finished: _Batch | None = None  # the batch whose environment froze last
    for event in seen:
        kind, request = event.kind, event.request
        if kind == Kind.OFFER and request is not None:
            if not several or "group" in event.detail:
                messages.setdefault(request, _Message(request, event.time_ms))
        elif kind == Kind.BATCH_START and "batch" in event.detail:
            members = _members(event)
            batch = _Batch(len(batches) + 1, request or "", members, event.time_ms)
            batches.append(batch)
            waiting[batch.label] = batch
            for member, count in zip(members, _counts(event), strict=False):
                message = messages.setdefault(member, _Message(member, event.time_ms))
                message.state, message.receive_count = IN_FLIGHT, count
                message.since_ms = message.received_ms = event.time_ms
        elif kind in (Kind.INIT, Kind.THAW) and request in waiting and event.env is not None:
            on_env[event.env] = waiting.pop(request or "")
        elif kind == Kind.FREEZE and event.env is not None:
            finished = on_env.pop(event.env, None)
        elif kind == Kind.BATCH_RESULT and finished is not None:
            _settle(finished, event, messages)
            finished = None
        elif kind == Kind.VISIBLE_AGAIN and request in messages:
            message = messages[request or ""]
            message.state, message.since_ms = VISIBLE, event.time_ms
            received = event.detail.get("ApproximateReceiveCount")
            if isinstance(received, int):
                message.receive_count = received
        elif kind == Kind.DLQ and request in messages:
            message = messages[request or ""]
            message.state, message.since_ms = DLQ, event.time_ms
        elif kind == Kind.EXPIRE and request in messages:
            message = messages[request or ""]
            message.state, message.since_ms = EXPIRED, event.time_ms
    now = seen[-1].time_ms if seen else 0
    visibility = visibility_timeout(events)
    ordered = list(messages.values())
    cells = tuple(
        _cell(message, now, visibility, position)
        for position, message in enumerate(ordered[:MAX_MESSAGES])
    )
    rows = max(1, -(-len(cells) // COLUMNS))
    batch_top = rows * CELL_H + 8
    recent = batches[-MAX_BATCHES:]
    drawn = tuple(
        _batch(batch, batch_top + BATCH_TITLE_H + position * BATCH_H)
        for position, batch in enumerate(recent)
    )
    view = SqsView(
        key="sqs",
        title="The buffet: the SQS queue and its batches"
        + (f", polled by {', '.join(pollers)}" if several and pollers else ""),
        summary="",
        until=until,
        time_ms=now,
        visibility_ms=visibility,
        messages=cells,
        hidden_messages=len(ordered) - len(cells),
        batches=drawn,
        earlier_batches=len(batches) - len(recent),
        batch_count=len(batches),
        counts=tuple(
            StateCount(state, STATE_LABELS[state], sum(1 for m in ordered if m.state == state))
            for state in STATES
        ),
        batch_top=batch_top,
        width=WIDTH,
        height=batch_top + BATCH_TITLE_H + max(1, len(drawn)) * BATCH_H,
    )
    return replace(view, summary=_summary(view, ordered))


def _settle(batch: _Batch, event: TraceEvent, messages: dict[str, _Message]) -> None:
    deleted = event.detail.get("deleted")
    failed = event.detail.get("failed")
    batch.deleted = {str(m) for m in deleted} if isinstance(deleted, list | tuple) else set()
    if failed == "all":
        batch.failed = set(batch.members)
    elif isinstance(failed, list | tuple):
        batch.failed = {str(m) for m in failed}
    batch.outcome = event.outcome or "ok"
    for member in batch.deleted:
        if member in messages:
            messages[member].state, messages[member].since_ms = DELETED, event.time_ms


def _cell(message: _Message, now: int, visibility: int | None, position: int) -> Message:
    row, column = divmod(position, COLUMNS)
    returns = None
    timer = 0
    if message.state == IN_FLIGHT and visibility and message.received_ms is not None:
        returns = message.received_ms + visibility
        gone = min(1.0, max(0.0, (now - message.received_ms) / visibility))
        timer = round((CELL - 12) * gone)
    label = f"{message.id}: {STATE_LABELS[message.state]}"
    text = (
        f"Message {message.id}: {STATE_LABELS[message.state]} since "
        f"{format_time(message.since_ms)}, received {message.receive_count} "
        f"time{'' if message.receive_count == 1 else 's'}"
    )
    if returns is not None:
        text += (
            f"; invisible to other consumers until {format_time(returns)} "
            f"({format_duration(max(0, returns - now))} left of the visibility timeout)"
        )
    return Message(
        message.id,
        message.state,
        message.receive_count,
        message.since_ms,
        returns,
        timer,
        column * CELL,
        row * CELL_H,
        Detail(f"sqs-{message.id}", label, text + "."),
    )


def _batch(batch: _Batch, y: int) -> Batch:
    members = tuple(
        Member(
            member,
            "deleted"
            if member in batch.deleted
            else "failed"
            if member in batch.failed
            else "pending",
            MEMBER_X + index * MEMBER,
        )
        for index, member in enumerate(batch.members[:MAX_MEMBERS])
    )
    size = len(batch.members)
    text = f"Batch {batch.number} ({size} message{'' if size == 1 else 's'}: {batch.label}) "
    text += f"received at {format_time(batch.at_ms)}: "
    if batch.outcome == "pending":
        text += "running."
    elif batch.outcome == "ok":
        text += f"succeeded, all {size} deleted."
    elif batch.outcome == "partial":
        failed = ", ".join(sorted(batch.failed))
        text += f"partial batch response: {len(batch.deleted)} deleted; failed, back after the "
        text += f"visibility timeout: {failed}."
    else:
        text += f"the whole batch failed: all {size} come back after the visibility timeout."
    result = Batch(
        batch.number,
        batch.label,
        batch.at_ms,
        batch.outcome,
        members,
        size - len(members),
        y,
        Detail(f"sqs-batch-{batch.number}", f"Batch {batch.number}", text),
    )
    return result


def _summary(view: SqsView, messages: list[_Message]) -> str:
    moment = f"At {format_time(view.time_ms)}" if view.until is not None else "By the end"
    states = ", ".join(f"{c.count} {c.label}" for c in view.counts if c.count)
    text = f"{moment}: {states or 'no messages'}; {view.batch_count} "
    text += f"batch{'' if view.batch_count == 1 else 'es'} received."
    dead = [m for m in messages if m.state == DLQ]
    if dead:
        names = ", ".join(f"{m.id} (received {m.receive_count} times)" for m in dead[:5])
        more = f" and {len(dead) - 5} more" if len(dead) > 5 else ""
        text += f" Moved to the DLQ: {names}{more}."
    if view.visibility_ms is not None:
        text += f" Visibility timeout: {format_duration(view.visibility_ms)}."
    if view.hidden_messages:
        text += f" The picture shows the first {len(view.messages)} messages; "
        text += f"{view.hidden_messages} more."
    return text
