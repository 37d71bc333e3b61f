"""The assembly line: a stream shard's records, each batch try, the bisect tree and the checkpoint.

Built from the trace alone. Per shard lane (a shard, or one of its ParallelizationFactor lanes)
the records arrive in order (`OFFER`); each try holds a contiguous range of them
(`BATCH_START` first/last sequence numbers) and ends in the `INVOKE`'s outcome. The engine
stamps that outcome on the `INVOKE`, at the start of the try; the view shows it only once the
try has ended (the environment's `FREEZE`, after a `TIMEOUT` if any, then the poller's
`CHECKPOINT`, `BATCH_BISECT`, `RETRY_SCHEDULED`, `DESTINATION` or `DISCARD`), so a step in the
middle of a try shows it running. A failed range is
split in two (`BATCH_BISECT` halves), resumed after a partial checkpoint (`CHECKPOINT` before its
last record, ReportBatchItemFailures), retried (`RETRY_SCHEDULED`) or given up (`DESTINATION`
metadata record or `DISCARD`). Ranges are the tree's nodes: a batch read from the checkpoint is a
root, its halves (or the rest after a partial checkpoint) its children, and every try of the same
range is counted on one node. The picture is an icicle: each node spans its records on the strip.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from course.sandbox import Kind, TraceEvent

from ..timeline.axis import format_duration
from ..timeline.shapes import coord, plural
from .base import Detail, View, events_until

WIDTH = 480.0
MARGIN = 8.0
STRIP_Y = 22.0
STRIP_H = 22.0
ROW_H = 22.0
ROW_GAP = 4.0
MAX_LANES = 3  # shard lanes drawn; the rest are counted ("and K more")
MAX_DEPTH = 10  # tree rows drawn
MAX_NODES = 48  # tree nodes drawn and listed per lane
MAX_LABELLED_RECORDS = 24  # above this the strip names only its first and last record
MAX_FAILURES = 10  # on-failure records listed
CHAR_W = 6.6  # width of one character of the node labels (font-size 11)

OUTCOME_WORDS = {
    "ok": "succeeded",
    "partial": "partly failed",
    "error": "failed",
    "timeout": "timed out",
    "crash": "crashed",
    "throttled": "was throttled",
    "running": "running",
    "waiting": "waiting",
}


@dataclass(frozen=True, slots=True)
class Cell:
    """A run of consecutive records with the same fate on the strip."""

    x: float
    width: float
    css: str


@dataclass(frozen=True, slots=True)
class Mark:
    """A text on the strip: a record's sequence number."""

    x: float
    y: float
    text: str


@dataclass(frozen=True, slots=True)
class Node:
    """One range of the tree: where it is drawn and what happened to it."""

    detail: Detail
    depth: int
    x: float
    y: float
    width: float
    css: str
    label: str  # "" when it does not fit
    label_x: float
    label_y: float


@dataclass(frozen=True, slots=True)
class StreamLane:
    """One shard lane: its strip of records, checkpoint and tree."""

    name: str
    label: str
    y: float
    height: float
    records: int
    cells: tuple[Cell, ...]
    marks: tuple[Mark, ...]
    checkpoint: str | None  # sequence number of the last checkpoint
    checkpoint_x: float | None
    nodes: tuple[Node, ...]
    more_nodes: int
    fates: str  # "6 processed, 1 sent to the on-failure destination, 1 waiting"
    iterator_age: str  # "latest 1.4 s, highest 1.4 s"
    tries: int
    heading: str  # "Shard 0: 8 records, 7 batch tries"
    troubled: bool  # a try failed or a range was split: the tree is worth reading

    @property
    def checkpoint_flag(self) -> str:
        """Return the points of the checkpoint's flag, over the processed side of its line."""
        x = self.checkpoint_x or 0.0
        return f"{x:g},14 {x - 9:g},18 {x:g},22"


@dataclass(frozen=True, slots=True)
class StreamView(View):
    """The stream's shard lanes, their bisect trees, and the on-failure records."""

    lanes: tuple[StreamLane, ...]
    more_lanes: int
    lane_count: int
    failures: tuple[str, ...]
    more_failures: int
    width: float
    height: float

    @property
    def view_box(self) -> str:
        """Return the SVG viewBox."""
        return f"0 0 {self.width:g} {self.height:g}"


def _tries(count: int) -> str:
    """Return "1 try" or "3 tries"."""
    return f"{count:,} {'try' if count == 1 else 'tries'}"


# --- reading the trace -------------------------------------------------------------------------


@dataclass(eq=False)
class _Node:
    first: int  # lane positions, inclusive
    last: int
    depth: int
    relation: str  # batch | half | rest
    children: list[_Node] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)  # one per try
    error_type: str | None = None
    after: str = ""  # what followed the last try


@dataclass(eq=False)
class _Lane:
    name: str
    ids: list[str] = field(default_factory=list)
    roots: list[_Node] = field(default_factory=list)
    pending: list[_Node] = field(default_factory=list)  # halves and rests not yet tried
    current: _Node | None = None
    busy: bool = False  # the current node's last try has not finished
    invoke: TraceEvent | None = None  # the current try's INVOKE, its outcome not yet shown
    awaiting: tuple[str, int] | None = None  # the current try's (label, attempt), no INVOKE yet
    checkpoint: int | None = None  # position of the last checkpointed record
    marks: dict[int, str] = field(default_factory=dict)  # position → failed | expired | discarded
    ages: list[int] = field(default_factory=list)
    tries: int = 0


class _Reader:
    """Walk the visible events once, building each lane's records and tree."""

    def __init__(self, events: Sequence[TraceEvent], visible: int) -> None:
        self.lanes: dict[str, _Lane] = {}
        self.where: dict[str, tuple[_Lane, int]] = {}  # record id → lane and position
        self.failures: list[str] = []
        # The INVOKE of a try is recorded when its handler starts: at the BATCH_START's instant
        # just before it (a warm environment), or later (after a cold start's INIT). A throttled
        # try has none, and its retry has the same (label, attempt).
        self.unclaimed: dict[tuple[str, int], TraceEvent] = {}  # INVOKEs before their try
        self.awaiting: dict[tuple[str, int], _Lane] = {}  # tries before their INVOKE
        self.running: dict[int, _Lane] = {}  # environment → the lane whose try it runs
        for event in events[:visible]:
            self.read(event)

    def lane(self, event: TraceEvent) -> _Lane | None:
        name = event.detail.get("shard")
        return self.lanes.get(name) if isinstance(name, str) else None

    def read(self, event: TraceEvent) -> None:
        kind = event.kind
        if kind == Kind.INVOKE:
            self.invoked(event)
        elif kind in (Kind.TIMEOUT, Kind.FREEZE) and event.env is not None:
            # The environment is done with the try: its outcome is known from now on.
            running = self.running.get(event.env)
            if running is not None:
                self.reveal(running)
        elif kind == Kind.OFFER:
            name = event.detail.get("shard")
            if isinstance(name, str) and event.request is not None:
                lane = self.lanes.setdefault(name, _Lane(name))
                self.where[event.request] = (lane, len(lane.ids))
                lane.ids.append(event.request)
        elif kind == Kind.BATCH_START:
            self.start(event)
        elif kind == Kind.DESTINATION:
            self.destination(event)
        elif kind == Kind.EXPIRE:
            found = self.where.get(event.request or "")
            if found is not None:
                lane, position = found
                lane.marks[position] = "expired"
                node = lane.current
                if node is not None and not lane.busy and node.first <= position <= node.last:
                    node.after = "its records expired (stream retention) before a try succeeded"
        elif (found_lane := self.lane(event)) is not None:
            lane, node = found_lane, found_lane.current
            if kind != Kind.THROTTLE:
                self.reveal(lane)  # the poller acts on a try's result once it has ended
            if kind == Kind.CHECKPOINT:
                self.checkpoint(lane, node, str(event.detail.get("sequence_number")))
            elif node is None:
                return
            elif kind == Kind.BATCH_BISECT:
                self.bisect(lane, node, event.detail.get("halves"))
            elif kind == Kind.RETRY_SCHEDULED:
                lane.busy = False
                if node.outcomes and node.outcomes[-1] == "ok":
                    node.outcomes[-1] = "partial"  # reported failures, none checkpointed
                if not node.after:
                    node.after = "tried again"
            elif kind == Kind.THROTTLE:
                lane.busy = False
                if lane.awaiting is not None:
                    self.awaiting.pop(lane.awaiting, None)  # never invoked: no INVOKE follows
                    lane.awaiting = None
                if node.outcomes:
                    node.outcomes[-1] = "throttled"
                node.after = "retried after a throttle"
            elif kind == Kind.DISCARD and event.outcome == "RetryAttemptsExhausted":
                lane.busy = False
                node.after = "given up and discarded"
                for position in range(node.first, node.last + 1):
                    lane.marks.setdefault(position, "discarded")

    def position(self, lane: _Lane, record: object) -> int | None:
        found = self.where.get(str(record))
        return found[1] if found is not None and found[0] is lane else None

    def start(self, event: TraceEvent) -> None:
        lane = self.lane(event)
        first = self.position(lane, event.detail.get("first_sequence")) if lane else None
        last = self.position(lane, event.detail.get("last_sequence")) if lane else None
        if lane is None or first is None or last is None:
            return
        lane.tries += 1
        age = event.detail.get("iterator_age_ms")
        if isinstance(age, int):
            lane.ages.append(age)
        node = self.node_for(lane, first, last)
        node.outcomes.append("running")
        node.after = ""
        lane.current = node
        lane.busy = True
        lane.invoke = None
        key = (event.request or "", event.attempt or 1)
        invoke = self.unclaimed.pop(key, None)
        if invoke is not None and invoke.time_ms == event.time_ms:
            self.claim(lane, invoke)
        else:
            lane.awaiting = key
            self.awaiting[key] = lane

    def invoked(self, event: TraceEvent) -> None:
        """Hand an INVOKE to the try waiting for it, or keep it for the try it starts."""
        if event.request is None:
            return
        key = (event.request, event.attempt or 1)
        lane = self.awaiting.pop(key, None)
        if lane is None:
            self.unclaimed[key] = event
        elif lane.awaiting == key and lane.busy:
            self.claim(lane, event)

    def claim(self, lane: _Lane, invoke: TraceEvent) -> None:
        lane.awaiting = None
        lane.invoke = invoke
        if invoke.env is not None:
            self.running[invoke.env] = lane

    def reveal(self, lane: _Lane) -> None:
        """Show the outcome of the lane's try, which has ended."""
        invoke, node = lane.invoke, lane.current
        lane.invoke = None
        if invoke is None or node is None or not node.outcomes:
            return
        if invoke.env is not None and self.running.get(invoke.env) is lane:
            del self.running[invoke.env]
        if node.outcomes[-1] == "running":
            node.outcomes[-1] = invoke.outcome or "ok"
            node.error_type = str(invoke.detail.get("error_type") or "") or None

    def node_for(self, lane: _Lane, first: int, last: int) -> _Node:
        """Return the tree node a try of records [first, last] belongs to."""
        for node in lane.pending:
            # Records past MaximumRecordAgeInSeconds may be dropped from a range's front.
            if node.last == last and node.first <= first:
                lane.pending.remove(node)
                node.first = first
                return node
        current = lane.current
        if current is not None and (current.first, current.last) == (first, last):
            return current  # a retry of the same range
        node = _Node(first, last, 0, "batch")
        lane.roots.append(node)
        lane.pending.clear()
        return node

    def bisect(self, lane: _Lane, node: _Node, halves: object) -> None:
        lane.busy = False
        node.after = "split in two"
        if not isinstance(halves, list):
            return
        for half in halves:
            if not isinstance(half, list) or len(half) != 2:
                continue
            first, last = self.position(lane, half[0]), self.position(lane, half[1])
            if first is not None and last is not None:
                child = _Node(first, last, node.depth + 1, "half")
                node.children.append(child)
                lane.pending.append(child)

    def checkpoint(self, lane: _Lane, node: _Node | None, sequence: str) -> None:
        position = self.position(lane, sequence)
        if position is None:
            return
        lane.checkpoint = max(position, lane.checkpoint if lane.checkpoint is not None else -1)
        if node is None or not lane.busy or not node.first <= position <= node.last:
            return
        lane.busy = False
        if position == node.last:
            node.after = f"checkpoint after record {sequence}"
            return
        # ReportBatchItemFailures: checkpoint before the first failed record, retry the rest.
        if node.outcomes and node.outcomes[-1] == "ok":
            node.outcomes[-1] = "partial"
        node.after = f"checkpoint after record {sequence}; the rest is tried again"
        rest = _Node(position + 1, node.last, node.depth + 1, "rest")
        node.children.append(rest)
        lane.pending.append(rest)

    def destination(self, event: TraceEvent) -> None:
        info = event.detail.get("KinesisBatchInfo") or event.detail.get("DDBStreamBatchInfo")
        if not isinstance(info, Mapping):
            return
        start, end = str(info.get("startSequenceNumber")), str(info.get("endSequenceNumber"))
        found = self.where.get(start)
        condition = event.outcome or "OnFailure"
        records = f"record {start}" if start == end else f"records {start}–{end}"
        size = int(str(info.get("batchSize", 0)))
        tries = event.detail.get("approximateInvokeCount")
        self.failures.append(
            f"{records.capitalize()}"
            + (f" ({size:,} records)" if start != end else "")
            + f": {condition}"
            + (f" after {_tries(int(str(tries)))}" if tries else "")
            + f"; a metadata record naming {'it' if start == end else 'them'} goes to "
            f"{event.detail.get('destination')}."
        )
        if found is None:
            return
        lane, first = found
        self.reveal(lane)
        last = self.position(lane, end)
        last = first if last is None else last
        for position in range(first, last + 1):
            lane.marks[position] = "failed"
        node = lane.current
        if node is not None and node.first <= first and last <= node.last:
            lane.busy = False
            node.after = "given up: sent to the on-failure destination"


# --- drawing -----------------------------------------------------------------------------------


def _range(lane: _Lane, node: _Node) -> str:
    first, last = lane.ids[node.first], lane.ids[node.last]
    return f"record {first}" if first == last else f"records {first}–{last}"


def _short(lane: _Lane, node: _Node) -> str:
    first, last = lane.ids[node.first], lane.ids[node.last]
    return first if first == last else f"{first}–{last}"


def _node_state(node: _Node) -> str:
    return node.outcomes[-1] if node.outcomes else "waiting"


def _node_text(lane: _Lane, node: _Node) -> str:
    notes = [f"{node.last - node.first + 1:,} records"] if node.last > node.first else []
    notes += {"half": ["a half of a split"], "rest": ["the rest after a checkpoint"]}.get(
        node.relation, []
    )
    what = _range(lane, node).capitalize() + (f" ({', '.join(notes)})" if notes else "")
    tries = len(node.outcomes)
    state = _node_state(node)
    if not tries:
        return f"{what}: waiting for its try."
    words = OUTCOME_WORDS.get(state, state)
    if state in {"error", "timeout", "crash"} and node.error_type:
        words += f" ({node.error_type})"
    if tries == 1:
        text = f"{what}: 1 try, {words}"
    else:
        failed = sum(outcome != "ok" for outcome in node.outcomes[:-1])
        text = f"{what}: {tries:,} tries ({failed:,} failed before the last), the last {words}"
    return text + (f"; {node.after}." if node.after else ".")


def _walk(nodes: Sequence[_Node]) -> list[_Node]:
    out: list[_Node] = []
    for node in nodes:
        out.append(node)
        out.extend(_walk(node.children))
    return out


def _troubled(lane: _Lane) -> bool:
    return any(_node_state(node) != "ok" or node.children for node in _walk(lane.roots))


def _draw_lane(lane: _Lane, number: int, y: float, busy: tuple[int, int] | None) -> StreamLane:
    count = max(len(lane.ids), 1)
    step = (WIDTH - 2 * MARGIN) / count

    def x_of(position: int) -> float:
        return MARGIN + position * step

    fates = []
    checkpoint = lane.checkpoint if lane.checkpoint is not None else -1
    for position in range(len(lane.ids)):
        fate = lane.marks.get(position)
        if fate is None:
            if position <= checkpoint:
                fate = "done"
            elif busy is not None and busy[0] <= position <= busy[1]:
                fate = "batch"
            else:
                fate = "waiting"
        fates.append(fate)
    cells: list[Cell] = []
    start = 0
    for position in range(1, len(fates) + 1):
        if position == len(fates) or fates[position] != fates[start]:
            x = x_of(start)
            cells.append(
                Cell(coord(x), coord(x_of(position) - x), f"mech-stream__rec--{fates[start]}")
            )
            start = position
    marks: list[Mark] = []
    label_y = STRIP_Y + STRIP_H / 2 + 4
    if len(lane.ids) <= MAX_LABELLED_RECORDS:
        marks = [
            Mark(coord(x_of(p) + step / 2), label_y, record) for p, record in enumerate(lane.ids)
        ]
    elif lane.ids:
        marks = [
            Mark(coord(MARGIN + 12), label_y, lane.ids[0]),
            Mark(coord(WIDTH - MARGIN - 12), label_y, lane.ids[-1]),
        ]
    listed = _walk(lane.roots)
    drawn = [node for node in listed if node.depth < MAX_DEPTH][:MAX_NODES]
    top = STRIP_Y + STRIP_H + 12
    nodes = []
    for index, node in enumerate(drawn):
        x = x_of(node.first)
        width = max(x_of(node.last + 1) - x - 1, 3.0)
        row_y = top + node.depth * (ROW_H + ROW_GAP)
        label = _short(lane, node) + (f" ×{len(node.outcomes):,}" if len(node.outcomes) > 1 else "")
        fits = len(label) * CHAR_W + 6 <= width
        nodes.append(
            Node(
                Detail(f"mech-stream-{number}-{index}", _short(lane, node), _node_text(lane, node)),
                min(node.depth, 8),
                coord(x),
                coord(row_y),
                coord(width),
                f"mech-stream__node mech-stream__node--{_node_state(node)}",
                label if fits else "",
                coord(x + width / 2),
                coord(row_y + ROW_H / 2 + 4),
            )
        )
    depth = max((node.depth for node in drawn), default=-1) + 1
    height = top + depth * (ROW_H + ROW_GAP) + 8
    counts: dict[str, int] = defaultdict(int)
    for fate in fates:
        counts[fate] += 1
    words = {
        "done": "processed",
        "failed": "sent to the on-failure destination",
        "discarded": "discarded",
        "expired": "expired",
        "batch": "in the batch being tried",
        "waiting": "waiting",
    }
    fate_text = ", ".join(f"{counts[key]:,} {word}" for key, word in words.items() if counts[key])
    shard, _, sub = lane.name.partition("/")
    label = f"Shard {int(shard.rsplit('-', 1)[-1] or 0)}" if shard[-1:].isdigit() else shard
    if sub:
        label += f", {sub}"
    ages = lane.ages
    age = (
        f"latest {format_duration(ages[-1])}, highest {format_duration(max(ages))}"
        if ages
        else "no batch read yet"
    )
    return StreamLane(
        name=lane.name,
        label=label,
        y=coord(y),
        height=coord(height),
        records=len(lane.ids),
        cells=tuple(cells),
        marks=tuple(marks),
        checkpoint=lane.ids[lane.checkpoint] if lane.checkpoint is not None else None,
        checkpoint_x=coord(x_of(lane.checkpoint + 1)) if lane.checkpoint is not None else None,
        nodes=tuple(nodes),
        more_nodes=len(listed) - len(drawn),
        fates=fate_text,
        iterator_age=age,
        tries=lane.tries,
        heading=f"{label}: {plural(len(lane.ids), 'record')}, "
        f"{lane.tries:,} batch {'try' if lane.tries == 1 else 'tries'}",
        troubled=_troubled(lane),
    )


def build_stream(events: Sequence[TraceEvent], until: int | None) -> StreamView | None:
    """Return the stream view of a run with a Kinesis or DynamoDB source, else None."""
    if not any(
        event.kind in (Kind.OFFER, Kind.BATCH_START) and "shard" in event.detail for event in events
    ):
        return None
    visible = len(events_until(events, until))
    reader = _Reader(events, visible)
    lanes = list(reader.lanes.values())

    shown = sorted(lanes, key=lambda lane: not _troubled(lane))[:MAX_LANES]
    shown.sort(key=lanes.index)
    drawn: list[StreamLane] = []
    y = 0.0
    for number, lane in enumerate(shown):
        node = lane.current
        busy = (node.first, node.last) if node is not None and lane.busy else None
        drawn.append(_draw_lane(lane, number, y, busy))
        y += drawn[-1].height
    records = sum(len(lane.ids) for lane in lanes)
    tries = sum(lane.tries for lane in lanes)
    splits = sum(node.after == "split in two" for lane in lanes for node in _walk(lane.roots))
    parts = [
        f"{plural(records, 'record')} on {plural(len(lanes), 'shard lane')}",
        f"{tries:,} batch {'try' if tries == 1 else 'tries'}",
        plural(splits, "split"),
    ]
    checkpoints = [
        f"{lane.label} after record {lane.checkpoint}" for lane in drawn if lane.checkpoint
    ]
    summary = "The assembly line: " + ", ".join(parts) + "."
    if checkpoints:
        summary += " Checkpoint: " + "; ".join(checkpoints) + "."
    if reader.failures:
        summary += f" {plural(len(reader.failures), 'on-failure record')}."
    return StreamView(
        key="stream",
        title="The assembly line: shards, batch tries and the bisect tree",
        summary=summary,
        until=until,
        lanes=tuple(drawn),
        more_lanes=len(lanes) - len(drawn),
        lane_count=len(lanes),
        failures=tuple(reader.failures[:MAX_FAILURES]),
        more_failures=max(0, len(reader.failures) - MAX_FAILURES),
        width=WIDTH,
        height=max(coord(y), 40.0),
    )
