"""The buffet: an SQS queue's messages as cells, and the batches Lambda took from it.

A message is sent (OFFER), received in a batch (BATCH_START lists the batch and each message's
receive count), deleted when its batch succeeds (BATCH_RESULT `deleted`), visible again when the
visibility timeout ends (VISIBLE_AGAIN), moved to the queue's dead-letter queue once it has been
received maxReceiveCount times (DLQ), or dropped past the retention period (EXPIRE).

A BATCH_RESULT names no batch: it is emitted right after the FREEZE of the environment that ran
the batch, so the builder follows each batch to its environment (INIT, RESTORE or THAW of the
batch's label) and from there to its result.

Below the batches, "trays allowed at once" draws the pollers' back-off (docs/scenarios.md,
"Scale-down after failures"): a failed invocation or a throttle that lowers the allowance says
so with `batches_allowed`; between two of them the allowance climbs by the engine's +300 a
minute from where it fell. The numbers written are the trace's; the climb between them is drawn
from the engine's own constants, and a climb that must have stopped early (at a
MaximumConcurrency the trace does not name) is drawn flat at the value the next drop implies.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from course.sandbox import Kind, TraceEvent
from course.sandbox.sources.sqs import MAX_BATCHES as POLLER_MAX_BATCHES
from course.sandbox.sources.sqs import MIN_BATCHES, RAMP_PER_MINUTE, START_BATCHES

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
ALLOWANCE_H = 138  # the back-off chart's block: title, numbers, plot, time labels
PLOT_LEFT = 34  # x of the plot's left edge (the value labels sit left of it)
PLOT_TOP = 44  # y of the plot's top inside the block
PLOT_H = 72
MAX_NUMBERS = 9  # back-offs written out in the numbers row; the rest counted
CAUSES = {"error": "a function error", "throttle": "a throttle"}
QUEUE_KINDS = frozenset(
    {Kind.BATCH_START, Kind.BATCH_RESULT, Kind.THROTTLE, Kind.VISIBLE_AGAIN, Kind.DLQ, Kind.EXPIRE}
)


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
class Backoff:
    """One lowering of the allowance: when, to what, and why (function error or throttle)."""

    at_ms: int
    allowed: int
    cause: str  # error | throttle
    x: float
    y: float

    @property
    def corner(self) -> tuple[float, float]:
        """Return the top-left corner of a throttle's square mark (6 units, centred on x, y)."""
        return round(self.x - 3, 1), round(self.y - 3, 1)


@dataclass(frozen=True, slots=True)
class Tick:
    """A gridline of the back-off chart's log scale."""

    label: str
    y: float

    @property
    def text_y(self) -> float:
        """Return the baseline of its label, centred on the line."""
        return round(self.y + 4, 1)


@dataclass(frozen=True, slots=True)
class Allowance:
    """The concurrent batches the pollers allowed over the run: starts, drops, climbs."""

    start: int  # the allowance the pollers start with
    backoffs: tuple[Backoff, ...]  # the drops up to the step shown
    total_backoffs: int  # in the whole run (the picture keeps its scale while stepping)
    path: str  # the SVG path of the allowance over time, up to the step shown
    ticks: tuple[Tick, ...]  # the log scale's gridlines: 1, 10, 100 …
    start_label: str  # the time at the plot's left edge (the first batch)
    end_label: str  # the time at the plot's right edge
    y: int  # the block's top in the picture
    detail: Detail

    @property
    def numbers(self) -> str:
        """Return the allowance after each drop, as the picture writes it: "8, 9, 5 … (8 more)"."""
        if not self.backoffs:
            return "none yet" if self.total_backoffs else "none in this run"
        shown = ", ".join(f"{b.allowed:,}" for b in self.backoffs[:MAX_NUMBERS])
        more = len(self.backoffs) - MAX_NUMBERS
        return shown + (f" … ({more} more)" if more > 0 else "")

    @property
    def plot_top(self) -> int:
        """Return the y of the plot's top edge."""
        return self.y + PLOT_TOP

    @property
    def plot_bottom(self) -> int:
        """Return the y of the plot's bottom edge (the value 0)."""
        return self.y + PLOT_TOP + PLOT_H


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
    allowance: Allowance | None = None  # drawn when the run's pollers backed off

    @property
    def details(self) -> tuple[Detail, ...]:
        """Return the drawn cells', batches' and back-off chart's details."""
        extra = (self.allowance.detail,) if self.allowance is not None else ()
        return (
            tuple(m.detail for m in self.messages) + tuple(b.detail for b in self.batches) + extra
        )

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
        elif kind in (Kind.INIT, Kind.RESTORE, Kind.THAW) and request in waiting and event.env:
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
    batches_end = batch_top + BATCH_TITLE_H + max(1, len(drawn)) * BATCH_H
    allowance = None if several else build_allowance(events, until, batches_end + 10)
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
        height=batches_end + (10 + ALLOWANCE_H if allowance is not None else 0),
        allowance=allowance,
    )
    return replace(view, summary=_summary(view, ordered))


def build_allowance(events: Sequence[TraceEvent], until: int | None, y: int) -> Allowance | None:
    """Return the pollers' allowance of concurrent batches over the run, or None.

    Drawn when the pollers backed off (a `batches_allowed` on a BATCH_RESULT or THROTTLE), and
    when a standard queue's batch failed or was throttled without a back-off (with
    ReportBatchItemFailures on), so that run shows the allowance only climbing. None otherwise
    (a FIFO queue's concurrency follows its message groups). The time and value scales are the
    whole run's, so stepping moves along a fixed picture.
    """
    drops = [
        (index, event)
        for index, event in enumerate(events)
        if event.kind in (Kind.BATCH_RESULT, Kind.THROTTLE) and _allowed_after(event)
    ]
    if not drops and not _failed_without_backoff(events):
        return None
    start_ms = next(e.time_ms for e in events if e.kind == Kind.BATCH_START)
    # The queue's last event, not an idle environment's SHUTDOWN minutes later.
    end_ms = max(start_ms + 1, max(e.time_ms for e in events if e.kind in QUEUE_KINDS or e.request))
    # (time, value before the drop, value after) for every drop of the run.
    steps: list[tuple[int, int, int]] = []
    base, since = START_BATCHES, start_ms
    for _, event in drops:
        after = _allowed_after(event)
        climbed = min(
            POLLER_MAX_BATCHES, base + (event.time_ms - since) * RAMP_PER_MINUTE // 60_000
        )
        # The drop halves (never below MIN_BATCHES): the value before it is one of these.
        low, high = (
            (2 * after, 2 * after + 1) if after > MIN_BATCHES else (after + 1, 2 * after + 1)
        )
        steps.append((event.time_ms, min(max(climbed, low), high), after))
        base, since = after, event.time_ms
    # A log scale, so a fall from 16 to 8 shows beside a climb to hundreds: 1 at the bottom,
    # the next power of ten above the run's largest value at the top.
    climb_end = base + (end_ms - since) * RAMP_PER_MINUTE // 60_000  # the last climb's end
    peak = min(POLLER_MAX_BATCHES, max([START_BATCHES, climb_end] + [b for _, b, _ in steps]))
    top = 10 ** math.ceil(math.log10(max(peak, 10)))
    ticks = tuple(
        Tick(f"{10**power:,}", round(y + PLOT_TOP + PLOT_H * (1 - power / math.log10(top)), 1))
        for power in range(round(math.log10(top)) + 1)
    )
    width = WIDTH - PLOT_LEFT - 4

    def point(time_ms: int, value: float) -> str:
        x = PLOT_LEFT + width * (time_ms - start_ms) / (end_ms - start_ms)
        share = math.log10(max(1.0, min(value, top))) / math.log10(top)
        return f"{x:.1f} {y + PLOT_TOP + PLOT_H * (1 - share):.1f}"

    now = end_ms if until is None else max(start_ms, events[min(until, len(events) - 1)].time_ms)
    shown = [
        step
        for (index, _), step in zip(drops, steps, strict=True)
        if until is None or index <= until
    ]
    parts = [f"M{point(start_ms, START_BATCHES)}"]
    base, since = START_BATCHES, start_ms
    for time_ms, before, after in shown:
        parts.append(_climb(point, since, base, time_ms, before))
        parts.append(f"L{point(time_ms, after)}")
        base, since = after, time_ms
    if now > since:  # the climb after the last drop shown, to the step (or the run's end)
        rising = min(POLLER_MAX_BATCHES, base + (now - since) * RAMP_PER_MINUTE // 60_000)
        parts.append(_climb(point, since, base, now, rising))
    backoffs = tuple(
        Backoff(
            time_ms,
            after,
            "throttle" if events[index].kind == Kind.THROTTLE else "error",
            *map(float, point(time_ms, after).split()),
        )
        for (index, _), (time_ms, _, after) in zip(drops, steps, strict=True)
        if until is None or index <= until
    )
    text = (
        f"Trays allowed at once: the attendant started at {START_BATCHES} concurrent batches "
        f"and adds up to {RAMP_PER_MINUTE} a minute. "
    )
    if backoffs:
        drops_text = "; ".join(
            f"{format_time(b.at_ms)} {CAUSES[b.cause]}, down to {b.allowed:,}" for b in backoffs
        )
        text += (
            f"It backed off {len(backoffs)} time{'' if len(backoffs) == 1 else 's'}: {drops_text}."
        )
    elif drops:
        text += "No back-off yet at this step."
    else:
        text += "Batches failed, but it never backed off in this run."
    return Allowance(
        start=START_BATCHES,
        backoffs=backoffs,
        total_backoffs=len(drops),
        path=" ".join(parts),
        ticks=ticks,
        start_label=format_time(start_ms),
        end_label=format_time(end_ms),
        y=y,
        detail=Detail("sqs-allowance", "Trays allowed at once", text),
    )


def _failed_without_backoff(events: Sequence[TraceEvent]) -> bool:
    """Return whether a standard queue's batch failed or was throttled (none backed off)."""
    fifo = any(e.kind == Kind.OFFER and e.detail.get("group") for e in events)
    return not fifo and any(
        (e.kind == Kind.BATCH_RESULT and e.outcome in ("failed", "partial"))
        or e.kind == Kind.THROTTLE
        for e in events
    )


def _allowed_after(event: TraceEvent) -> int:
    """Return the allowance a back-off lowered to (`batches_allowed`), 0 if none."""
    allowed = event.detail.get("batches_allowed")
    return allowed if isinstance(allowed, int) and not isinstance(allowed, bool) else 0


def _climb(
    point: Callable[[int, float], str], since: int, base: int, until: int, value: int
) -> str:
    """Return the path of the +300/min climb from (since, base), flat once it reached value."""
    if value <= base or until <= since:
        return f"L{point(until, base)}"
    reached = since + -(-(value - base) * 60_000 // RAMP_PER_MINUTE)
    if reached >= until:
        return f"L{point(until, value)}"
    return f"L{point(reached, value)} L{point(until, value)}"  # the climb stopped at `value`


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
