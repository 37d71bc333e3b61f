"""The fan-out: each SNS topic or EventBridge bus, its subscribers, and who got which message.

A published message (or a put event) is an OFFER of no function with `source` in its detail;
FANOUT names the subscribers it matched (`delivered_to`, function names) and those whose filter
policy or rule pattern left it out (`filtered_out`: the function for SNS, `rule→function` for
EventBridge). Each match is a delivery: SNS or EventBridge hands it to the function's async
queue (the function's OFFER with HTTP 202), or fails to (DELIVERY_FAILED, then RETRY_SCHEDULED,
or DLQ / DISCARD when it gives up: events of no function carrying `subscriber`). Once accepted,
the subscriber's own async events follow (INIT or THAW, INVOKE, FREEZE, RETRY_SCHEDULED,
DESTINATION, DLQ, DISCARD), matched by function and message id.

FANOUT also carries `filters`: every subscriber's filter policy (SNS) or rule's event pattern
(EventBridge) as compact JSON, keyed like `filtered_out` (null: an SNS subscription without a
filter policy, which gets every message). Each lane shows its policy as text below the picture.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from course.sandbox import Kind, TraceEvent

from ..timeline.axis import format_duration, format_time
from .base import Detail, View, events_until

# A cell's outcome: one message for one subscriber.
FILTERED = "filtered"  # the subscriber's filter policy or rule pattern left it out
HANDING_OVER = "handing-over"  # matched; not yet accepted by Lambda
HANDOVER_RETRY = "handover-retry"  # the hand-over failed; SNS / EventBridge tries again
UNDELIVERED = "undelivered"  # SNS / EventBridge gave up: subscription or target DLQ, or dropped
QUEUED = "queued"  # accepted (202), waiting on the function's async queue
RUNNING = "running"
ATTEMPT_FAILED = "attempt-failed"  # an attempt failed; what comes next is not seen yet
RETRYING = "retrying"  # an attempt failed; Lambda retries it
SUCCEEDED = "succeeded"
FAILED = "failed"  # the function failed it for good: OnFailure destination, DLQ or dropped

DONE = (FILTERED, UNDELIVERED, SUCCEEDED, FAILED)
PATTERNS = {  # what fills a cell besides its colour, so outcomes differ without colour
    HANDING_OVER: "hatch",
    HANDOVER_RETRY: "hatch",
    QUEUED: "hatch",
    RUNNING: "hatch",
    RETRYING: "hatch",
    ATTEMPT_FAILED: "hatch",
    UNDELIVERED: "cross",
    FAILED: "cross",
    FILTERED: "dots",
}
KIND_LABELS = {"sns": "SNS topic", "eventbridge": "EventBridge bus"}

MAX_LANES = 8  # subscribers drawn per topic; the rest are counted
MAX_COLUMNS = 5  # messages drawn per topic; the rest are counted
PUBLISHER_W = 92
LANE_X = 126  # where a lane's name box starts
LANE_W = 88
CELL_X = LANE_X + LANE_W + 10  # first message column
CELL_W = 68
CELL_PITCH = 72
LANE_H = 46
HEAD_H = 34  # a topic's header row (message ids)
GAP = 18  # between two topics


@dataclass(frozen=True, slots=True)
class Cell:
    """One message for one subscriber: what happened to it."""

    message: str
    subscriber: str
    outcome: str
    sign: str  # first line drawn in the cell (✓, ✗, …, —) with a count
    word: str  # second line: a word or two
    x: int
    detail: Detail

    @property
    def width(self) -> int:
        """Return the cell's width."""
        return CELL_W

    @property
    def mid_x(self) -> int:
        """Return the cell's horizontal middle, where its text is centred."""
        return self.x + CELL_W // 2

    @property
    def pattern(self) -> str | None:
        """Return the fill pattern drawn over the cell (hatch, cross, dots), or None."""
        return PATTERNS.get(self.outcome)

    @property
    def css(self) -> str:
        """Return the cell's class."""
        return f"mv-fan-cell--{self.outcome}"


@dataclass(frozen=True, slots=True)
class Lane:
    """One subscriber (SNS) or rule target (EventBridge) of a topic, with its cells."""

    subscriber: str
    rule: str | None  # the EventBridge rule, when the trace names it
    cells: tuple[Cell, ...]
    received: int
    filtered: int
    undelivered: int
    succeeded: int
    failed: int
    y: int  # top of the lane, inside its topic
    detail: Detail
    policy: str | None = None  # the filter policy or rule pattern as compact JSON
    unfiltered: bool = False  # the trace says this subscriber has no filter policy

    @property
    def mid(self) -> int:
        """Return the lane's middle, where the fan's line ends."""
        return self.y + LANE_H // 2

    @property
    def box_y(self) -> int:
        """Return the top of the lane's boxes (name and cells)."""
        return self.y + 4


@dataclass(frozen=True, slots=True)
class Column:
    """One published message's column header."""

    message: str
    published_ms: int
    x: int

    @property
    def mid_x(self) -> int:
        """Return the column's horizontal middle, where the message id is centred."""
        return self.x + CELL_W // 2


@dataclass(frozen=True, slots=True)
class Topic:
    """One SNS topic or EventBridge bus and its fan."""

    name: str
    kind: str  # sns | eventbridge
    columns: tuple[Column, ...]
    lanes: tuple[Lane, ...]
    published: int
    hidden_messages: int
    hidden_lanes: int
    y: int
    height: int

    @property
    def kind_label(self) -> str:
        """Return "SNS topic" or "EventBridge bus"."""
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def mid(self) -> int:
        """Return the middle of the lanes, where the publisher box sits."""
        return HEAD_H + (self.height - HEAD_H) // 2

    @property
    def publisher_y(self) -> int:
        """Return the top of the publisher's box (centred on the lanes)."""
        return self.mid - 20

    @property
    def lane_x(self) -> int:
        """Return where the lanes' name boxes start."""
        return LANE_X


@dataclass(frozen=True, slots=True)
class FanoutView(View):
    """Every topic and bus of the run at one instant."""

    time_ms: int
    topics: tuple[Topic, ...]
    published: int
    deliveries: int
    filtered: int
    succeeded: int
    failed: int  # failed for good: undelivered or failed by the function
    pending: int
    width: int
    height: int

    @property
    def details(self) -> tuple[Detail, ...]:
        """Return each lane's detail, then each drawn cell's, topic by topic."""
        found: list[Detail] = []
        for topic in self.topics:
            for lane in topic.lanes:
                found.append(lane.detail)
                found.extend(cell.detail for cell in lane.cells)
        return tuple(found)

    @property
    def view_box(self) -> str:
        """Return the SVG viewBox."""
        return f"0 0 {self.width} {self.height}"


class _Delivery:
    __slots__ = (
        "accepted",
        "attempts",
        "condition",
        "failing",
        "handovers",
        "next_at",
        "place",
        "state",
        "target",
    )

    def __init__(self) -> None:
        self.state = HANDING_OVER
        self.handovers = 0  # failed hand-overs by SNS / EventBridge
        self.accepted = False
        self.attempts = 0  # the function's attempts
        self.next_at: int | None = None
        self.place: str | None = None  # where it ended: "OnFailure destination", "DLQ"…
        self.target: str | None = None  # the queue, topic or function that got the record
        self.condition: str | None = None
        self.failing = False  # the running attempt's INVOKE reported an error


class _Topic:
    __slots__ = ("filters", "kind", "lanes", "messages", "name", "rules")

    def __init__(self, name: str, kind: str) -> None:
        self.name = name
        self.kind = kind
        self.lanes: list[str] = []  # subscribers in order of first appearance
        self.rules: dict[str, str] = {}  # subscriber → rule, when a label names it
        self.filters: dict[str, str | None] = {}  # subscriber → policy JSON (None: no filter)
        self.messages: dict[str, tuple[int, dict[str, _Delivery | None]]] = {}


def build_fanout(events: Sequence[TraceEvent], until: int | None) -> FanoutView | None:
    """Return the fan-out of every topic and bus as of trace index `until` (None: whole run)."""
    if not any(event.kind == Kind.FANOUT for event in events):
        return None
    seen = events_until(events, until)
    kinds = {
        str(event.detail.get("source")): _kind(event.narration)
        for event in events
        if event.kind == Kind.OFFER and event.function is None and "source" in event.detail
    }
    topics: dict[str, _Topic] = {}
    by_function: dict[tuple[str, str], _Delivery] = {}  # (subscriber, message) → delivery
    by_subscriber: dict[tuple[str, str, str], _Delivery] = {}  # (topic, subscriber, message)
    running: dict[int, _Delivery] = {}  # env → the delivery it runs
    awaiting_send: dict[str, _Delivery] = {}  # message → delivery whose record is on its way
    for event in seen:
        kind, request = event.kind, event.request
        if kind == Kind.FANOUT and request is not None:
            name = str(event.detail.get("source"))
            topic = topics.get(name)
            if topic is None:
                topic = topics[name] = _Topic(name, kinds.get(name, "sns"))
            cells: dict[str, _Delivery | None] = {}
            for function in _names(event.detail.get("delivered_to")):
                fresh = _Delivery()
                cells[function] = fresh
                by_function[(function, request)] = fresh
                by_subscriber[(name, function, request)] = fresh
            for label in _names(event.detail.get("filtered_out")):
                rule, _, function = label.rpartition("→")
                if rule:
                    topic.rules[function] = rule
                cells.setdefault(function, None)
            filters = event.detail.get("filters")
            if isinstance(filters, Mapping):
                for label, policy in filters.items():
                    rule, _, function = str(label).rpartition("→")
                    if rule:
                        topic.rules.setdefault(function, rule)
                    topic.filters[function] = None if policy is None else str(policy)
            for function in cells:
                if function not in topic.lanes:
                    topic.lanes.append(function)
            topic.messages[request] = (event.time_ms, cells)
            continue
        if request is None:
            if kind == Kind.FREEZE and event.env in running:
                done = running.pop(event.env)
                if done.state == RUNNING:
                    done.state = ATTEMPT_FAILED if done.failing else SUCCEEDED
            continue
        if event.function is None:
            subscriber = event.detail.get("subscriber")
            if kind == Kind.SEND and request in awaiting_send:
                awaiting_send.pop(request).target = str(event.detail.get("target"))
                continue
            if not isinstance(subscriber, str):
                continue
            found = by_subscriber.get((str(event.detail.get("source")), subscriber, request))
            if found is None:
                continue
            if kind == Kind.DELIVERY_FAILED:
                found.handovers += 1
                found.condition = str(event.detail.get("errorType", "error"))
            elif kind == Kind.RETRY_SCHEDULED:
                found.state = HANDOVER_RETRY
                found.next_at = event.time_ms + _int(event.detail.get("delay_ms"))
            elif kind in (Kind.DLQ, Kind.DISCARD):
                found.state, found.next_at = UNDELIVERED, None
                if kind == Kind.DLQ:
                    found.place = "subscription DLQ" if _is_sns(kinds, event) else "target DLQ"
                    awaiting_send[request] = found
            continue
        delivery = by_function.get((event.function, request))
        if delivery is None:
            continue
        if kind == Kind.OFFER:
            delivery.accepted = True
            delivery.state, delivery.next_at = QUEUED, None
        elif kind in (Kind.INIT, Kind.RESTORE, Kind.THAW):
            delivery.attempts = max(delivery.attempts + 1, event.attempt or 0)
            delivery.state, delivery.next_at, delivery.failing = RUNNING, None, False
            if event.env is not None:
                running[event.env] = delivery
        elif kind == Kind.INVOKE and event.outcome not in (None, "ok"):
            delivery.failing = True  # the attempt ends when its environment freezes
        elif kind in (Kind.RETRY_SCHEDULED, Kind.THROTTLE):
            delivery.state = RETRYING if kind == Kind.RETRY_SCHEDULED else QUEUED
            delivery.next_at = event.time_ms + _int(event.detail.get("delay_ms"))
        elif kind == Kind.DESTINATION:
            if event.outcome != "Success":
                delivery.state, delivery.next_at = FAILED, None
                delivery.place, delivery.condition = "OnFailure destination", event.outcome
                awaiting_send[request] = delivery
        elif kind == Kind.DLQ:
            delivery.state, delivery.next_at = FAILED, None
            delivery.place, delivery.condition = "dead-letter queue", event.outcome
            awaiting_send[request] = delivery
        elif kind == Kind.DISCARD:
            delivery.state, delivery.next_at = FAILED, None
            delivery.condition = event.outcome
    now = seen[-1].time_ms if seen else 0
    built: list[Topic] = []
    top = 0
    for topic in topics.values():
        drawn = _topic(topic, now, top)
        built.append(drawn)
        top += drawn.height + GAP
    cells_all = [
        delivery
        for topic in topics.values()
        for _, deliveries in topic.messages.values()
        for delivery in deliveries.values()
    ]
    delivered = [d for d in cells_all if d is not None]
    columns = max((len(t.columns) for t in built), default=1)
    view = FanoutView(
        key="fanout",
        title="The fan-out: who got each message (SNS and EventBridge)",
        summary="",
        until=until,
        time_ms=now,
        topics=tuple(built),
        published=sum(len(t.messages) for t in topics.values()),
        deliveries=len(delivered),
        filtered=len(cells_all) - len(delivered),
        succeeded=sum(1 for d in delivered if d.state == SUCCEEDED),
        failed=sum(1 for d in delivered if d.state in (UNDELIVERED, FAILED)),
        pending=sum(1 for d in delivered if d.state not in DONE),
        width=CELL_X + max(1, columns) * CELL_PITCH,
        height=max(1, top - GAP),
    )
    return replace(view, summary=_summary(view))


def _kind(narration: str) -> str:
    return "eventbridge" if "event bus" in narration else "sns"


def _is_sns(kinds: dict[str, str], event: TraceEvent) -> bool:
    return kinds.get(str(event.detail.get("source")), "sns") == "sns"


def _names(value: object) -> list[str]:
    return [str(name) for name in value] if isinstance(value, list | tuple) else []


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


def _topic(topic: _Topic, now: int, top: int) -> Topic:
    messages = list(topic.messages.items())
    drawn_messages = messages[:MAX_COLUMNS]
    columns = tuple(
        Column(message, published, CELL_X + index * CELL_PITCH)
        for index, (message, (published, _)) in enumerate(drawn_messages)
    )
    lanes: list[Lane] = []
    for position, subscriber in enumerate(topic.lanes[:MAX_LANES]):
        rule = topic.rules.get(subscriber)
        cells: list[Cell] = []
        counts = {FILTERED: 0, UNDELIVERED: 0, SUCCEEDED: 0, FAILED: 0, "received": 0}
        for index, (message, (_, deliveries)) in enumerate(messages):
            if subscriber not in deliveries:
                continue  # published before this subscriber was seen
            delivery = deliveries[subscriber]
            outcome = FILTERED if delivery is None else delivery.state
            if outcome in counts:
                counts[outcome] += 1
            if delivery is not None and delivery.accepted:
                counts["received"] += 1
            if index < MAX_COLUMNS:
                cells.append(_cell(topic, subscriber, message, delivery, now, index))
        lane = Lane(
            subscriber=subscriber,
            rule=rule,
            cells=tuple(cells),
            received=counts["received"],
            filtered=counts[FILTERED],
            undelivered=counts[UNDELIVERED],
            succeeded=counts[SUCCEEDED],
            failed=counts[FAILED],
            y=HEAD_H + position * LANE_H,
            detail=Detail(f"fanout-{topic.name}-{subscriber}", subscriber, ""),
            policy=topic.filters.get(subscriber),
            unfiltered=subscriber in topic.filters and topic.filters[subscriber] is None,
        )
        lanes.append(replace(lane, detail=replace(lane.detail, text=_lane_text(topic, lane))))
    return Topic(
        name=topic.name,
        kind=topic.kind,
        columns=columns,
        lanes=tuple(lanes),
        published=len(messages),
        hidden_messages=len(messages) - len(drawn_messages),
        hidden_lanes=max(0, len(topic.lanes) - MAX_LANES),
        y=top,
        height=HEAD_H + max(1, len(lanes)) * LANE_H,
    )


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def _cell(
    topic: _Topic, subscriber: str, message: str, delivery: _Delivery | None, now: int, index: int
) -> Cell:
    x = CELL_X + index * CELL_PITCH
    who = f"{message} → {subscriber}"
    ident = f"fanout-{topic.name}-{subscriber}-{message}"
    if delivery is None:
        rule = topic.rules.get(subscriber)
        why = f"rule {rule}'s event pattern" if rule else f"{subscriber}'s filter policy"
        text = f"{who}: filtered out by {why}; not delivered."
        return Cell(message, subscriber, FILTERED, "—", "filtered", x, Detail(ident, who, text))
    state = delivery.state
    tries = delivery.attempts
    hand = f" after {_plural(delivery.handovers, 'failed hand-over')}" if delivery.handovers else ""
    if state == UNDELIVERED:
        where = _where(delivery) or "nowhere: dropped (no DLQ)"
        text = (
            f"{who}: {topic.name} could not hand it to Lambda ({delivery.condition}) and gave "
            f"up after {_plural(delivery.handovers, 'attempt')}; sent to {where}."
        )
        word = "DLQ" if delivery.place else "dropped"
        return Cell(
            message,
            subscriber,
            state,
            f"✗ ×{delivery.handovers}",
            word,
            x,
            Detail(ident, who, text),
        )
    if state in (HANDING_OVER, HANDOVER_RETRY):
        text = f"{who}: matched; {topic.name} is handing it to Lambda"
        if state == HANDOVER_RETRY:
            due = max(0, (delivery.next_at or now) - now)
            text += f"{hand} ({delivery.condition}); next hand-over in {format_duration(due)}"
        sign = f"↻ {delivery.handovers}" if delivery.handovers else "…"
        return Cell(
            message, subscriber, state, sign, "hand-over", x, Detail(ident, who, text + ".")
        )
    made = _plural(tries, "attempt")
    text = f"{who}: delivered{hand} (accepted, HTTP 202); {subscriber} made {made}"
    if state == SUCCEEDED:
        text += f"; attempt {tries} succeeded."
        word = "ok" if tries <= 1 else "retried"
        return Cell(message, subscriber, state, f"✓ {tries}", word, x, Detail(ident, who, text))
    if state == FAILED:
        why = {
            "RetriesExhausted": "retries used up",
            "EventAgeExceeded": "event too old",
        }.get(delivery.condition or "", delivery.condition or "failed")
        place = _where(delivery) or "nowhere: dropped (no destination or DLQ)"
        text += f"; every attempt failed ({why}), the record went to {place}."
        word = "dropped"
        if delivery.place:
            word = "DLQ" if "dead-letter" in delivery.place else "OnFailure"
        return Cell(message, subscriber, state, f"✗ ×{tries}", word, x, Detail(ident, who, text))
    if state == RETRYING:
        due = max(0, (delivery.next_at or now) - now)
        text += f"; attempt {tries} failed, Lambda retries it in {format_duration(due)}."
        return Cell(
            message, subscriber, state, f"✗ {tries}", "retry due", x, Detail(ident, who, text)
        )
    if state == RUNNING:
        text += f"; attempt {tries} is running."
        return Cell(
            message, subscriber, state, f"… {tries}", "running", x, Detail(ident, who, text)
        )
    if state == ATTEMPT_FAILED:
        text += f"; attempt {tries} failed."
        return Cell(message, subscriber, state, f"✗ {tries}", "failed", x, Detail(ident, who, text))
    text = f"{who}: delivered{hand} (accepted, HTTP 202); waiting on {subscriber}'s async queue."
    return Cell(message, subscriber, QUEUED, "…", "queued", x, Detail(ident, who, text))


def _where(delivery: _Delivery) -> str | None:
    if delivery.place is None:
        return None
    return f"its {delivery.place}" + (f" ({delivery.target})" if delivery.target else "")


def _lane_text(topic: _Topic, lane: Lane) -> str:
    where = f"rule {lane.rule} → {lane.subscriber}" if lane.rule else lane.subscriber
    got = [m for m, (_, d) in topic.messages.items() if lane.subscriber in d and d[lane.subscriber]]
    left = [
        m for m, (_, d) in topic.messages.items() if lane.subscriber in d and not d[lane.subscriber]
    ]
    text = f"{where} ({topic.name}): matched {', '.join(got) or 'no message'}"
    if left:
        what = "its rule's pattern" if topic.kind == "eventbridge" else "its filter policy"
        text += f"; {what} left out {', '.join(left)}"
    text += (
        f". {lane.received} received, {lane.succeeded} succeeded, {lane.failed} failed after "
        f"Lambda's retries"
    )
    if lane.undelivered:
        text += f", {lane.undelivered} never delivered"
    text += "."
    if lane.policy is not None:
        what = "Rule pattern" if topic.kind == "eventbridge" else "Filter policy"
        text += f" {what}: {lane.policy}."
    elif lane.unfiltered:
        text += " No filter policy: every message."
    return text


def _summary(view: FanoutView) -> str:
    moment = f"At {format_time(view.time_ms)}" if view.until is not None else "By the end"
    parts = []
    for topic in view.topics:
        lanes = "; ".join(_lane_summary(lane) for lane in topic.lanes)
        parts.append(
            f"{topic.kind_label} {topic.name}: {_plural(topic.published, 'message')} "
            f"published to {_plural(len(topic.lanes), 'subscriber')} ({lanes})"
        )
    text = f"{moment}: " + ". ".join(parts) + "."
    if view.pending:
        text += f" {_plural(view.pending, 'delivery', 'deliveries')} still in progress."
    if any(topic.hidden_messages or topic.hidden_lanes for topic in view.topics):
        text += " The picture shows the first messages and subscribers; the counts cover all."
    return text


def _lane_summary(lane: Lane) -> str:
    text = f"{lane.subscriber} got {lane.received}"
    if lane.filtered:
        text += f", {lane.filtered} filtered out"
    if lane.succeeded:
        text += f", {lane.succeeded} succeeded"
    if lane.failed:
        places = sorted({c.word for c in lane.cells if c.outcome == FAILED})
        text += f", {lane.failed} failed after its retries (to {', '.join(places)})"
    if lane.undelivered:
        text += f", {lane.undelivered} never delivered"
    return text
