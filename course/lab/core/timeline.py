"""Turn a simulation Result into a drawable timeline and a filterable event log.

Pure Python (no Django): the templates `course/_timeline.html` and `course/_event_log.html`
render what these functions return. All coordinates are SVG user units; colours come from CSS
classes in `static/css/site.css` ("Sandbox timeline" section), never from the SVG itself.

Detailed mode draws one lane per execution environment plus lanes for the event source, the
database and failure destinations. Aggregated mode (too many bars or environments to draw one
by one) draws concurrency, cold starts, throttles and errors per time bucket instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from course.sandbox import Kind, Result, TraceEvent

DETAILED = "detailed"
AGGREGATED = "aggregated"
EMPTY = "empty"

LEFT_GUTTER = 150.0  # lane labels
RIGHT_PAD = 24.0
TOP_PAD = 8.0
LANE_HEIGHT = 26.0
BAR_HEIGHT = 16.0
IDLE_HEIGHT = 6.0
MARKER_SIZE = 11.0
AXIS_HEIGHT = 40.0
MIN_PLOT_WIDTH = 800.0  # with the gutter and padding: 974 units, wider than 960
MAX_PLOT_WIDTH = 3800.0
UNITS_PER_ELEMENT = 14.0  # widen busy detailed traces so short bars keep a visible width
MIN_BAR_WIDTH = 1.5
CHAR_WIDTH = 6.0  # estimate for the 10px label font
MERGE_DISTANCE = 5.0  # markers closer than this in one lane are drawn as one group marker
MAX_BUCKETS = 100
PANEL_GAP = 14.0
CONCURRENCY_HEIGHT = 120.0
COUNT_HEIGHT = 70.0

_MS = 1
_S = 1000
_MIN = 60 * _S
_H = 60 * _MIN

# (unit in ms, unit name, tick steps in ms): the unit is picked by the span of the axis.
_UNITS: tuple[tuple[int, str, tuple[int, ...]], ...] = (
    (_MS, "ms", (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500)),
    (_S, "s", (250, 500, _S, 2 * _S, 5 * _S, 10 * _S, 15 * _S, 20 * _S, 30 * _S)),
    (_MIN, "min", (30 * _S, _MIN, 2 * _MIN, 5 * _MIN, 10 * _MIN, 15 * _MIN, 20 * _MIN, 30 * _MIN)),
    (_H, "h", (15 * _MIN, 30 * _MIN, _H, 2 * _H, 3 * _H, 6 * _H, 12 * _H, 24 * _H, 48 * _H)),
)
_UNIT_LIMITS = (2 * _S, 2 * _MIN, 2 * _H)  # ms under 2 s, s under 2 min, min under 2 h
MAX_TICKS = 10  # at most 10 ticks: 9 intervals

ERROR_OUTCOMES = frozenset({"error", "timeout", "crash"})


# --- the data the templates render ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bar:
    """One drawn element: a bar (`points` empty) or a marker polygon, with its texts."""

    index: int | None  # the trace event it came from (element id tl-ev-N); None: no link
    x: float
    y: float
    width: float
    height: float
    css: str
    label: str  # visible text ("" when it does not fit)
    label_x: float
    label_y: float
    title: str
    points: str = ""  # polygon points for markers
    count: int = 1  # events a merged marker stands for

    @property
    def is_marker(self) -> bool:
        """Return whether this is a marker (a polygon) rather than a bar."""
        return bool(self.points)


@dataclass(frozen=True, slots=True)
class Lane:
    """One horizontal row of the detailed timeline."""

    key: str
    label: str
    y: float
    height: float
    css: str
    bars: tuple[Bar, ...]
    markers: tuple[Bar, ...]

    @property
    def label_y(self) -> float:
        """Return the baseline of the lane label."""
        return round(self.y + self.height / 2 + 4, 1)

    @property
    def mid_y(self) -> float:
        """Return the vertical centre of the lane."""
        return round(self.y + self.height / 2, 1)


@dataclass(frozen=True, slots=True)
class Tick:
    """One labelled tick of the time axis."""

    x: float
    label: str
    time_ms: float


@dataclass(frozen=True, slots=True)
class LegendItem:
    """One legend entry: the class used in the SVG, its swatch shape and its meaning."""

    css: str
    label: str
    points: str = ""  # polygon points in a 24 × 14 swatch; empty for a bar swatch
    line: bool = False  # a line swatch (aggregated series)


@dataclass(frozen=True, slots=True)
class Series:
    """A polyline of the aggregated view."""

    css: str
    label: str
    points: str
    values: tuple[int, ...] = ()  # the level in each bucket


@dataclass(frozen=True, slots=True)
class Column:
    """One bucket column of an aggregated panel."""

    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True, slots=True)
class Panel:
    """One chart of the aggregated view, stacked on a shared time axis."""

    title: str
    y: float
    height: float
    max_label: str
    series: tuple[Series, ...] = ()
    columns: tuple[Column, ...] = ()

    @property
    def bottom(self) -> float:
        """Return the y of the panel's baseline."""
        return round(self.y + self.height, 1)

    @property
    def title_y(self) -> float:
        """Return the baseline of the panel title."""
        return round(self.y + 12, 1)

    @property
    def max_y(self) -> float:
        """Return the baseline of the y-axis maximum label."""
        return round(self.y + 22, 1)


@dataclass(frozen=True, slots=True)
class Timeline:
    """Everything `_timeline.html` draws."""

    mode: str
    summary: str  # the SVG's aria-label and the figure caption
    note: str = ""  # aggregated mode: why there are no individual bars
    width: float = 0.0
    height: float = 0.0
    plot_left: float = 0.0
    plot_right: float = 0.0
    plot_top: float = 0.0
    axis_y: float = 0.0
    start_ms: float = 0.0
    end_ms: float = 0.0
    unit: str = "ms"
    ticks: tuple[Tick, ...] = ()
    lanes: tuple[Lane, ...] = ()
    panels: tuple[Panel, ...] = ()
    legend: tuple[LegendItem, ...] = ()
    bucket_label: str = ""  # aggregated mode: the bucket size, e.g. "30 s"
    anchors: Mapping[int, int] = field(default_factory=dict)

    @property
    def view_box(self) -> str:
        """Return the SVG viewBox attribute."""
        return f"0 0 {_num(self.width)} {_num(self.height)}"

    @property
    def detailed(self) -> bool:
        """Return whether individual bars are drawn."""
        return self.mode == DETAILED

    @property
    def aggregated(self) -> bool:
        """Return whether totals per bucket are drawn."""
        return self.mode == AGGREGATED

    @property
    def empty(self) -> bool:
        """Return whether there is nothing to draw (a metrics-only run)."""
        return self.mode == EMPTY

    @property
    def tick_label_y(self) -> float:
        """Return the baseline of the tick labels."""
        return round(self.axis_y + 16, 1)

    @property
    def tick_end_y(self) -> float:
        """Return the lower end of the tick marks."""
        return round(self.axis_y + 5, 1)

    @property
    def scale_x(self) -> float:
        """Return the right edge of the aggregated panels' scale labels."""
        return round(self.plot_left - 6, 1)

    @property
    def axis_title_y(self) -> float:
        """Return the baseline of the axis title."""
        return round(self.axis_y + 32, 1)

    def bars(self) -> Iterator[Bar]:
        """Yield every bar and marker of every lane."""
        for lane in self.lanes:
            yield from lane.bars
            yield from lane.markers


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line of the event log."""

    index: int
    time_ms: int
    time_label: str
    kind: str
    kind_label: str
    narration: str
    css: str
    request: str | None
    filter_request: str | None  # a single id to link a request filter to, else None
    anchor: int | None  # the id N of the timeline element tl-ev-N that shows this event

    @property
    def has_bar(self) -> bool:
        """Return whether the timeline shows this event."""
        return self.anchor is not None


@dataclass(frozen=True, slots=True)
class EventLog:
    """The filtered event log `_event_log.html` renders."""

    lines: tuple[LogLine, ...]
    total: int  # events in the trace
    matched: int  # events passing the filter
    errors_only: bool
    request: str | None

    @property
    def shown(self) -> int:
        """Return how many lines are listed."""
        return len(self.lines)

    @property
    def truncated(self) -> int:
        """Return how many matching lines were cut by the limit."""
        return self.matched - len(self.lines)

    @property
    def filtered(self) -> bool:
        """Return whether any filter is on."""
        return self.errors_only or self.request is not None


# --- formatting -------------------------------------------------------------------------------


def _num(value: float) -> str:
    """Return a number for an SVG attribute, without trailing zeros."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _r(value: float) -> float:
    """Round a coordinate to 0.1 unit."""
    return round(value, 1)


def format_duration(ms: float) -> str:
    """Return a short duration: "400 ms", "1.2 s", "3.5 min", "2 h"."""
    if abs(ms) < _S:
        return f"{ms:,.0f} ms"
    if abs(ms) < _MIN:
        return f"{ms / _S:.3g} s"
    if abs(ms) < _H:
        return f"{ms / _MIN:.3g} min"
    return f"{ms / _H:,.3g} h"


def format_time(ms: int) -> str:
    """Return an exact time since the start: "850 ms", "12.345 s", "3 min 05.200 s"."""
    sign = "−" if ms < 0 else ""
    ms = abs(ms)
    if ms < _S:
        return f"{sign}{ms} ms"
    if ms < _MIN:
        return f"{sign}{ms / _S:.3f} s"
    hours, rest = divmod(ms, _H)
    minutes, rest = divmod(rest, _MIN)
    seconds = f"{rest / _S:06.3f} s"
    if hours:
        return f"{sign}{hours} h {minutes:02d} min {seconds}"
    return f"{sign}{minutes} min {seconds}"


def _fits(text: str, width: float) -> bool:
    """Return whether text fits in width units of the 10px label font."""
    return len(text) * CHAR_WIDTH + 6 <= width


# --- the time axis ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Axis:
    start: float
    end: float
    left: float
    width: float

    def x(self, time_ms: float) -> float:
        span = self.end - self.start
        clamped = min(max(time_ms, self.start), self.end)
        return self.left + (clamped - self.start) / span * self.width

    @property
    def right(self) -> float:
        return self.left + self.width


def nice_ticks(start_ms: float, end_ms: float) -> tuple[str, list[tuple[float, str]]]:
    """Return the unit name and about 6–10 (time, label) ticks at round values."""
    span = max(end_ms - start_ms, 1)
    unit_ms, unit, steps = _UNITS[-1]
    for limit, candidate in zip(_UNIT_LIMITS, _UNITS, strict=False):
        if span < limit:
            unit_ms, unit, steps = candidate
            break
    step = next((s for s in steps if span / s <= MAX_TICKS - 1), None)
    if step is None:
        step = steps[-1] * math.ceil(span / (steps[-1] * (MAX_TICKS - 1)))
    first = math.ceil(start_ms / step) * step
    count = int((end_ms - first) // step) + 1
    ticks = []
    for n in range(count):
        time = float(first + n * step)
        value = round(time / unit_ms, 6)
        ticks.append((time, f"{value:,g} {unit}"))
    return unit, ticks


def _ticks(axis: _Axis) -> tuple[str, tuple[Tick, ...]]:
    """Return the unit and the ticks placed on the axis."""
    unit, raw = nice_ticks(axis.start, axis.end)
    return unit, tuple(Tick(_r(axis.x(time)), label, time) for time, label in raw)


# --- shapes and styles ------------------------------------------------------------------------


def _ring(count: int, turn: float) -> tuple[tuple[float, float], ...]:
    """Return the corners of a regular polygon of radius 1."""
    step = 2 * math.pi / count
    return tuple((math.cos(turn + step * k), math.sin(turn + step * k)) for k in range(count))


_C = 0.35  # arm width of the cross and plus shapes, as a share of the half-size
# Marker outlines for a half-size of 1, centred on (0, 0); y grows downwards as in SVG.
SHAPES: dict[str, tuple[tuple[float, float], ...]] = {
    "diamond": ((0, -1), (1, 0), (0, 1), (-1, 0)),
    "tri-down": ((-1, -1), (1, -1), (0, 1)),
    "tri-up": ((0, -1), (1, 1), (-1, 1)),
    "tri-right": ((-1, -1), (1, 0), (-1, 1)),
    "square": ((-0.8, -0.8), (0.8, -0.8), (0.8, 0.8), (-0.8, 0.8)),
    "bar": ((-0.27, -1.36), (0.27, -1.36), (0.27, 1.36), (-0.27, 1.36)),
    "cross": (
        (-1, _C - 1), (_C - 1, -1), (0, -_C), (1 - _C, -1), (1, _C - 1), (_C, 0),
        (1, 1 - _C), (1 - _C, 1), (0, _C), (_C - 1, 1), (-1, 1 - _C), (-_C, 0),
    ),
    "plus": (
        (-_C, -1), (_C, -1), (_C, -_C), (1, -_C), (1, _C), (_C, _C),
        (_C, 1), (-_C, 1), (-_C, _C), (-1, _C), (-1, -_C), (-_C, -_C),
    ),
    "hexagon": _ring(6, 0),
    "octagon": _ring(8, math.pi / 8),  # stands in for a circle
}  # fmt: skip


def _polygon(shape: str, cx: float, cy: float, size: float = MARKER_SIZE) -> str:
    """Return SVG polygon points for a marker shape centred on (cx, cy)."""
    half = size / 2
    return " ".join(f"{_num(cx + dx * half)},{_num(cy + dy * half)}" for dx, dy in SHAPES[shape])


@dataclass(frozen=True, slots=True)
class _Style:
    css: str
    legend: str
    shape: str = ""  # empty: a bar
    text: str = ""  # short visible label for markers


BAR_STYLES: dict[str, _Style] = {
    "init": _Style("tl-init", "INIT: cold start (on demand)"),
    "init-pc": _Style("tl-init-pc", "INIT of a provisioned environment (before traffic)"),
    "init-re": _Style("tl-init-re", "Re-init after a crash or timeout"),
    "ok": _Style("tl-ok", "Invocation: succeeded"),
    "error": _Style("tl-error", "Invocation: function error"),
    "timeout": _Style("tl-timeout", "Invocation: timed out"),
    "crash": _Style("tl-crash", "Invocation: runtime crashed"),
    "idle": _Style("tl-idle", "Idle (frozen, warm)"),
}

MARKER_STYLES: dict[str, _Style] = {
    "offer": _Style("tl-offer", "Arrives", "octagon", "in"),
    "throttle": _Style("tl-throttle", "Throttled (429)", "tri-down", "429"),
    "retry": _Style("tl-retry", "Retry scheduled", "tri-right", "retry"),
    "batch": _Style("tl-batch", "Batch taken by the poller", "square", "batch"),
    "batch-ok": _Style("tl-batch-ok", "Batch result: all done", "square", "done"),
    "batch-partial": _Style("tl-batch-partial", "Batch result: partly failed", "hexagon", "part"),
    "batch-failed": _Style("tl-batch-failed", "Batch result: failed", "cross", "failed"),
    "bisect": _Style("tl-bisect", "Batch split in two (bisect)", "plus", "split"),
    "visible": _Style("tl-visible", "Message visible again", "tri-up", "visible"),
    "delete": _Style("tl-delete", "Message deleted", "octagon", "deleted"),
    "checkpoint": _Style("tl-checkpoint", "Checkpoint", "bar", "ckpt"),
    "expire": _Style("tl-expire", "Expired", "cross", "expired"),
    "dlq": _Style("tl-dlq", "Dead-letter queue", "square", "DLQ"),
    "dest-ok": _Style("tl-dest-ok", "Success destination", "diamond", "✓ dest"),
    "dest-fail": _Style("tl-dest-fail", "Failure destination", "diamond", "✗ dest"),
    "discard": _Style("tl-discard", "Discarded", "cross", "dropped"),
    "shutdown": _Style("tl-shutdown", "Shutdown", "bar", "off"),
    "shutdown-later": _Style(
        "tl-shutdown-later", "Shutdown after the chart ends", "tri-right", "off later"
    ),
    "reset": _Style("tl-reset", "Runtime reset", "tri-up", "reset"),
    "fn-timeout": _Style("tl-fn-timeout", "Function timeout", "cross", "timeout"),
    "init-timeout": _Style("tl-init-timeout", "INIT cut at 10 s", "cross", "init cut"),
    "db-error": _Style("tl-db-error", "Database error", "cross", "DB error"),
    "db-wait": _Style("tl-db-wait", "Waited for a connection", "hexagon", "wait"),
    "db-connect": _Style("tl-db-connect", "Database connection", "octagon", "connect"),
    "response-ok": _Style("tl-response-ok", "Response: success", "octagon", "200"),
    "response-error": _Style("tl-response-error", "Response: function error", "cross", "error"),
    "client-timeout": _Style("tl-client-timeout", "Client read timeout", "cross", "read timeout"),
    "client-retry": _Style("tl-client-retry", "Client retries", "tri-right", "retry"),
}

# Which marker is drawn when several fall on the same spot: failures first, then warnings.
SEVERITY: dict[str, int] = {
    **dict.fromkeys(("throttle", "expire", "dlq", "dest-fail", "fn-timeout", "db-error"), 3),
    **dict.fromkeys(("response-error", "batch-failed", "reset", "discard"), 3),
    **dict.fromkeys(("retry", "client-retry", "visible", "bisect", "batch-partial"), 2),
    **dict.fromkeys(("init-timeout", "db-wait", "client-timeout"), 2),
    **dict.fromkeys(("batch", "batch-ok", "delete", "checkpoint", "dest-ok", "response-ok"), 1),
}

_ENV_MARKERS = {
    Kind.SHUTDOWN: "shutdown",
    Kind.RESET: "reset",
    Kind.TIMEOUT: "fn-timeout",
    Kind.INIT_TIMEOUT: "init-timeout",
}
_DB_KINDS = {Kind.DB_ERROR: "db-error", Kind.DB_WAIT: "db-wait", Kind.DB_CONNECT: "db-connect"}
_SOURCE_KINDS = {
    Kind.OFFER: "offer",
    Kind.THROTTLE: "throttle",
    Kind.RETRY_SCHEDULED: "retry",
    Kind.BATCH_START: "batch",
    Kind.BATCH_BISECT: "bisect",
    Kind.VISIBLE_AGAIN: "visible",
    Kind.DELETE: "delete",
    Kind.CHECKPOINT: "checkpoint",
    Kind.EXPIRE: "expire",
    Kind.CLIENT_TIMEOUT: "client-timeout",
    Kind.CLIENT_RETRY: "client-retry",
}
_DESTINATION_KINDS = frozenset({Kind.DLQ, Kind.DESTINATION, Kind.DISCARD})
_ENV_BAR_KINDS = frozenset({Kind.INIT, Kind.INVOKE, Kind.FREEZE, Kind.PROVISION})


def _marker_style(event: TraceEvent) -> str | None:
    """Return the marker style key for an event drawn as a marker, or None."""
    kind = event.kind
    if kind in _ENV_MARKERS and event.env is not None:
        return _ENV_MARKERS[kind]
    if kind in _DB_KINDS:
        return _DB_KINDS[kind]
    if kind == Kind.BATCH_RESULT:
        return {"ok": "batch-ok", "partial": "batch-partial"}.get(
            event.outcome or "", "batch-failed"
        )
    if kind == Kind.RESPONSE:
        return "response-ok" if event.outcome == "ok" else "response-error"
    if kind == Kind.DLQ:
        return "dlq"
    if kind == Kind.DESTINATION:
        return "dest-ok" if event.outcome == "Success" else "dest-fail"
    if kind == Kind.DISCARD:
        return "discard"
    return _SOURCE_KINDS.get(kind)


def _detail_ms(event: TraceEvent, key: str) -> int:
    """Return an integer detail of the event (a duration in ms), 0 when absent."""
    value = event.detail.get(key, 0)
    return int(value) if isinstance(value, int | float) else 0


def _is_drawn(event: TraceEvent) -> bool:
    """Return whether detailed mode draws the event as a bar or marker."""
    return (event.kind in _ENV_BAR_KINDS and event.env is not None) or _marker_style(
        event
    ) is not None


# --- titles -----------------------------------------------------------------------------------


def _title(event: TraceEvent, what: str | None = None, duration_ms: float | None = None) -> str:
    """Return the hover text of a drawn event: time, kind, request, attempt, version…"""
    parts = [f"t = {format_time(event.time_ms)}", what or str(event.kind)]
    if event.request:
        parts.append(event.request)
    if event.attempt is not None:
        parts.append(f"attempt {event.attempt}")
    if event.version:
        parts.append(f"version {event.version}")
    if duration_ms is not None:
        parts.append(format_duration(duration_ms))
    if event.outcome:
        parts.append(f"outcome {event.outcome}")
    error_type = event.detail.get("error_type") or event.detail.get("errorType")
    if error_type:
        parts.append(str(error_type))
    return " · ".join(parts)


# --- detailed mode ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Span:
    start: float
    end: float
    style: str
    label: str
    short: str
    title: str
    index: int | None


@dataclass(slots=True)
class _Mark:
    time: float
    style: str
    title: str
    index: int
    kind: str


@dataclass(slots=True)
class _LaneDraft:
    key: str
    label: str
    css: str
    spans: list[_Span] = field(default_factory=list)
    marks: list[_Mark] = field(default_factory=list)


def _source_name(events: Sequence[TraceEvent]) -> str:
    """Return the label of the source lane, inferred from the trace."""
    for event in events:
        if event.kind == Kind.OFFER:
            if "status" in event.detail:
                return "Internal queue"
            if "group" in event.detail:
                return "Queue"
        if event.kind == Kind.BATCH_START and "shard" not in event.detail:
            return "Queue"
    return "Requests"


def _shard_label(shard: str) -> str:
    """Return "Shard 0 · lane 1" for "shardId-000000000000/lane 1"."""
    name, _, lane = shard.partition("/")
    number = name.removeprefix("shardId-").lstrip("0") or "0"
    return f"Shard {number}" + (f" · {lane}" if lane else "")


def _version_label(version: str | None) -> str:
    """Return "v2" for a numbered version, the name otherwise."""
    if version is None:
        return "?"
    return f"v{version}" if version.isdigit() else version


def _invoke_style(event: TraceEvent) -> str:
    """Return the bar style of an invocation, from its outcome."""
    outcome = event.outcome or "ok"
    return outcome if outcome in BAR_STYLES else "error"


def _invoke_label(event: TraceEvent, duration: int) -> tuple[str, str]:
    """Return the long and short visible labels of an invocation bar."""
    names = {"ok": "INVOKE", "error": "ERROR", "timeout": "TIMEOUT", "crash": "CRASH"}
    name = names.get(event.outcome or "ok", (event.outcome or "").upper())
    return f"{name} {format_duration(duration)}", name


class _EnvTrack:
    """Collect the spans of one environment while walking the trace in time order."""

    def __init__(self, env: int) -> None:
        self.env = env
        self.version: str | None = None
        self.provisioned = False
        self.spans: list[_Span] = []
        self.marks: list[_Mark] = []
        self.idle_since: float | None = None
        self.idle_index: int | None = None
        self.reinit_until: float | None = None

    def close_idle(self, time: float) -> None:
        """End the current idle span, if any, at time."""
        if self.idle_since is not None and time > self.idle_since:
            self.spans.append(_Span(self.idle_since, time, "idle", "idle", "", "", self.idle_index))
        self.idle_since = None

    def add(self, index: int, event: TraceEvent) -> None:
        """Take the next event of this environment into account."""
        self.version = self.version or event.version
        kind = event.kind
        if kind == Kind.PROVISION:
            self._provision(index, event)
        elif kind == Kind.INIT:
            self._init(index, event)
        elif kind == Kind.INVOKE:
            self._invoke(index, event)
        elif kind == Kind.THAW:
            self.close_idle(event.time_ms)
        elif kind == Kind.FREEZE:
            self.idle_since, self.idle_index = event.time_ms, index
        elif kind in _ENV_MARKERS:
            if kind == Kind.SHUTDOWN:
                self.close_idle(event.time_ms)
            style = _ENV_MARKERS[kind]
            self.marks.append(_Mark(event.time_ms, style, _title(event), index, str(event.kind)))

    def _provision(self, index: int, event: TraceEvent) -> None:
        self.provisioned = True
        init_ms = _detail_ms(event, "init_ms")
        title = _title(event, "Provisioned INIT (before traffic)", init_ms)
        self.spans.append(
            _Span(
                event.time_ms - init_ms,
                event.time_ms,
                "init-pc",
                f"PC INIT {format_duration(init_ms)}",
                "PC",
                title,
                index,
            )
        )
        self.idle_since, self.idle_index = event.time_ms, None

    def _init(self, index: int, event: TraceEvent) -> None:
        self.close_idle(event.time_ms)
        duration = _detail_ms(event, "duration_ms")
        reinit = bool(event.detail.get("reinit"))
        style = "init-re" if reinit else "init"
        name = "RE-INIT" if reinit else "INIT"
        title = _title(event, "Re-init after a reset" if reinit else "INIT (cold start)", duration)
        self.spans.append(
            _Span(
                event.time_ms,
                event.time_ms + duration,
                style,
                f"{name} {format_duration(duration)}",
                name,
                title,
                index,
            )
        )
        # A re-init runs inside the invocation, which is stamped at the same instant.
        self.reinit_until = event.time_ms + duration if reinit else None

    def _invoke(self, index: int, event: TraceEvent) -> None:
        self.close_idle(event.time_ms)
        duration = _detail_ms(event, "duration_ms")
        start, end = float(event.time_ms), float(event.time_ms + duration)
        if self.reinit_until is not None:
            start = min(self.reinit_until, end)
            self.reinit_until = None
            previous = self.spans[-1]
            previous.end = min(previous.end, end)
        label, short = _invoke_label(event, int(end - start))
        cold = " (cold)" if event.detail.get("cold") else " (warm)"
        title = _title(event, f"INVOKE{cold}", duration)
        self.spans.append(_Span(start, end, _invoke_style(event), label, short, title, index))

    def lane(self, end: float) -> _LaneDraft:
        """Return the lane draft ("Env 3 · v2 · PC"), idle until end if still frozen."""
        self.close_idle(end)
        pc = " · PC" if self.provisioned else ""
        label = f"Env {self.env} · {_version_label(self.version)}{pc}"
        css = "tl-lane tl-lane--env" + (" tl-lane--pc" if self.provisioned else "")
        return _LaneDraft(f"env-{self.env}", label, css, self.spans, self.marks)


def _collect_lanes(events: Sequence[TraceEvent], end: float) -> list[_LaneDraft]:
    """Sort the drawable events into lanes: source(s), environments, database, destinations."""
    source_name = _source_name(events)
    sources: dict[str, _LaneDraft] = {}
    envs: dict[int, _EnvTrack] = {}
    database = _LaneDraft("database", "Database", "tl-lane tl-lane--db")
    destinations = _LaneDraft("destinations", "DLQ / destinations", "tl-lane tl-lane--dest")
    for index, event in enumerate(events):
        if event.env is not None and (
            event.kind in _ENV_BAR_KINDS or event.kind in _ENV_MARKERS or event.kind == Kind.THAW
        ):
            envs.setdefault(event.env, _EnvTrack(event.env)).add(index, event)
            continue
        style = _marker_style(event)
        if style is None:
            continue
        mark = _Mark(event.time_ms, style, _title(event), index, str(event.kind))
        if event.kind in _DESTINATION_KINDS:
            destinations.marks.append(mark)
        elif event.kind in _DB_KINDS:
            database.marks.append(mark)
        else:
            shard = event.detail.get("shard")
            name = _shard_label(str(shard)) if shard is not None else source_name
            key = f"source-{shard if shard is not None else name}"
            lane = sources.setdefault(key, _LaneDraft(key, name, "tl-lane tl-lane--source"))
            lane.marks.append(mark)
    lanes = [sources[key] for key in sorted(sources)]
    lanes += [envs[env].lane(end) for env in sorted(envs)]
    lanes += [lane for lane in (database, destinations) if lane.marks]
    return lanes


def _bar_label(span: _Span, width: float) -> str:
    for text in (span.label, span.short):
        if text and _fits(text, width):
            return text
    return ""


def _idle_title(span: _Span) -> str:
    return (
        f"Idle (frozen, warm) from {format_time(int(span.start))} "
        f"for {format_duration(span.end - span.start)}"
    )


def _span_bars(spans: list[_Span], axis: _Axis, y: float) -> list[Bar]:
    """Convert one lane's spans to bars that never overlap and keep a visible width."""
    ordered = sorted(spans, key=lambda span: (span.start, span.end))
    bars = []
    for position, span in enumerate(ordered):
        x = axis.x(span.start)
        limit = axis.x(ordered[position + 1].start) if position + 1 < len(ordered) else axis.right
        width = max(0.0, min(max(axis.x(span.end) - x, MIN_BAR_WIDTH), limit - x))
        idle = span.style == "idle"
        height = IDLE_HEIGHT if idle else BAR_HEIGHT
        bars.append(
            Bar(
                index=span.index,
                x=_r(x),
                y=_r(y + (LANE_HEIGHT - height) / 2),
                width=_r(width),
                height=height,
                css=f"tl-bar {BAR_STYLES[span.style].css}",
                label=_bar_label(span, width),
                label_x=_r(x + 3),
                label_y=_r(y + LANE_HEIGHT / 2 + (-5 if idle else 3.5)),
                title=span.title or _idle_title(span),
            )
        )
    return bars


def _group_marks(marks: list[_Mark], axis: _Axis) -> list[list[_Mark]]:
    """Group marks that would be drawn on top of each other."""
    groups: list[list[_Mark]] = []
    for mark in sorted(marks, key=lambda m: (m.time, m.index)):
        last = groups[-1] if groups else None
        if last is not None and axis.x(mark.time) - axis.x(last[0].time) < MERGE_DISTANCE:
            last.append(mark)
        else:
            groups.append([mark])
    return groups


def _lead(group: list[_Mark]) -> _Mark:
    """Return the mark a group is drawn as: the most severe, then the earliest."""
    return max(group, key=lambda mark: (SEVERITY.get(mark.style, 0), -mark.time, -mark.index))


def _group_text(group: list[_Mark], lead: _Mark) -> tuple[str, str]:
    """Return the visible label and the title suffix of a drawn group."""
    text = MARKER_STYLES[lead.style].text
    if len(group) == 1:
        return text, ""
    kinds: dict[str, int] = {}
    for mark in group:
        if mark is not lead:
            kinds[mark.kind] = kinds.get(mark.kind, 0) + 1
    others = ", ".join(f"{kind} ×{n}" if n > 1 else kind for kind, n in kinds.items())
    same = all(mark.style == lead.style for mark in group)
    label = f"{text} ×{len(group)}" if same else f"{len(group)} events"
    return label, f" (also here: {others})"


def _marker_label(text: str, count: int, room: float) -> str:
    candidates = (text, f"×{count}") if count > 1 else (text,)
    return next((candidate for candidate in candidates if _fits(candidate, room)), "")


def _marker_bars(marks: list[_Mark], axis: _Axis, y: float) -> tuple[list[Bar], dict[int, int]]:
    """Return one lane's markers and, for merged markers, member index → drawn index."""
    groups = _group_marks(marks, axis)
    xs = [axis.x(group[0].time) for group in groups]
    cy = y + LANE_HEIGHT / 2
    bars = []
    members: dict[int, int] = {}
    for position, group in enumerate(groups):
        lead, count = _lead(group), len(group)
        style = MARKER_STYLES[lead.style]
        x = xs[position]
        room = (xs[position + 1] if position + 1 < len(xs) else axis.right + RIGHT_PAD) - x - 8
        text, more = _group_text(group, lead)
        members.update((mark.index, lead.index) for mark in group if mark is not lead)
        bars.append(
            Bar(
                index=lead.index,
                x=_r(x - MARKER_SIZE / 2),
                y=_r(cy - MARKER_SIZE / 2),
                width=MARKER_SIZE,
                height=MARKER_SIZE,
                css=f"tl-mark {style.css}",
                label=_marker_label(text, count, room),
                label_x=_r(x + MARKER_SIZE / 2 + 2),
                label_y=_r(cy + 3.5),
                title=lead.title + more,
                points=_polygon(style.shape, x, cy),
                count=count,
            )
        )
    return bars, members


def _later_shutdowns(drafts: list[_LaneDraft], end: float) -> None:
    """Restyle shutdowns after the end of the axis: they are drawn at its right edge."""
    for draft in drafts:
        for mark in draft.marks:
            if mark.style == "shutdown" and mark.time > end:
                mark.style = "shutdown-later"
                mark.title = f"{mark.title} (after the end of the chart)"
                mark.time = end


def _axis_range(events: Sequence[TraceEvent], result: Result) -> tuple[float, float]:
    """Return the axis start (before 0 for provisioned init) and end (the run's horizon)."""
    start = 0.0
    end = float(result.metrics.horizon_ms)
    for event in events:
        if event.kind == Kind.PROVISION:
            start = min(start, event.time_ms - _detail_ms(event, "init_ms"))
        elif event.kind != Kind.SHUTDOWN:
            end = max(end, event.time_ms + _detail_ms(event, "duration_ms"))
    if end - start < 10:
        end = start + 10
    return start, end


def _legend(lanes: Iterable[Lane]) -> tuple[LegendItem, ...]:
    """Return a legend entry for every bar and marker class the lanes use."""
    used = {css for lane in lanes for bar in (*lane.bars, *lane.markers) for css in bar.css.split()}
    items = [LegendItem(f"tl-bar {s.css}", s.legend) for s in BAR_STYLES.values() if s.css in used]
    items += [
        LegendItem(f"tl-mark {s.css}", s.legend, _polygon(s.shape, 12, 7, 10))
        for s in MARKER_STYLES.values()
        if s.css in used
    ]
    return tuple(items)


def _detailed_summary(result: Result, env_count: int, span_ms: float) -> str:
    metrics = result.metrics
    return (
        f"Timeline of {_plural(env_count, 'execution environment')} over "
        f"{format_duration(span_ms)}: {_plural(metrics.invocations, 'invocation')}, "
        f"{_plural(metrics.cold_starts, 'cold start')}, "
        f"{_plural(metrics.throttles, 'throttle')}, "
        f"{_plural(metrics.function_errors, 'function error')}."
    )


def _detailed(result: Result, events: Sequence[TraceEvent]) -> Timeline:
    """Return the timeline with one lane per environment and individual bars."""
    start, end = _axis_range(events, result)
    drafts = _collect_lanes(events, end)
    _later_shutdowns(drafts, end)
    narrow = _Axis(start, end, LEFT_GUTTER, MIN_PLOT_WIDTH)
    busiest = max((len(d.spans) + len(_group_marks(d.marks, narrow)) for d in drafts), default=0)
    plot_width = min(max(MIN_PLOT_WIDTH, busiest * UNITS_PER_ELEMENT), MAX_PLOT_WIDTH)
    axis = _Axis(start, end, LEFT_GUTTER, plot_width)
    lanes = []
    anchors: dict[int, int] = {}
    for position, draft in enumerate(drafts):
        y = TOP_PAD + position * LANE_HEIGHT
        bars = _span_bars(draft.spans, axis, y)
        markers, members = _marker_bars(draft.marks, axis, y)
        anchors.update((bar.index, bar.index) for bar in (*bars, *markers) if bar.index is not None)
        anchors.update(members)
        lanes.append(
            Lane(draft.key, draft.label, y, LANE_HEIGHT, draft.css, tuple(bars), tuple(markers))
        )
    axis_y = TOP_PAD + len(lanes) * LANE_HEIGHT + 4
    unit, ticks = _ticks(axis)
    env_count = sum(1 for lane in lanes if lane.key.startswith("env-"))
    return Timeline(
        mode=DETAILED,
        width=_r(axis.right + RIGHT_PAD),
        height=_r(axis_y + AXIS_HEIGHT),
        plot_left=LEFT_GUTTER,
        plot_right=_r(axis.right),
        plot_top=TOP_PAD,
        axis_y=_r(axis_y),
        start_ms=start,
        end_ms=end,
        unit=unit,
        ticks=ticks,
        lanes=tuple(lanes),
        panels=(),
        legend=_legend(lanes),
        summary=_detailed_summary(result, env_count, end - max(start, 0)),
        note="",
        anchors=dict(anchors),  # a plain dict: the run is cached (pickled) by the view
    )


# --- aggregated mode --------------------------------------------------------------------------


def _bucket_ms(span: float) -> int:
    """Return a round bucket size giving at most MAX_BUCKETS buckets."""
    steps = sorted({step for _, _, steps in _UNITS for step in steps})
    for step in steps:
        if span / step <= MAX_BUCKETS:
            return int(step)
    return int(steps[-1] * math.ceil(span / (steps[-1] * MAX_BUCKETS)))


def _busy_and_live(
    events: Sequence[TraceEvent],
) -> tuple[list[tuple[float, int]], list[tuple[float, int]]]:
    """Return (time, +1/−1) changes of busy and of live environments."""
    busy: list[tuple[float, int]] = []
    live: list[tuple[float, int]] = []
    init_at: dict[int, int] = {}
    for event in events:
        env = event.env
        if env is None:
            continue
        if event.kind == Kind.INIT:
            init_at[env] = event.time_ms
            if not event.detail.get("reinit"):
                live.append((event.time_ms, 1))
        elif event.kind == Kind.PROVISION:
            live.append((event.time_ms, 1))
        elif event.kind == Kind.SHUTDOWN:
            live.append((event.time_ms, -1))
        elif event.kind == Kind.INVOKE:
            start = init_at.pop(env, event.time_ms) if event.detail.get("cold") else event.time_ms
            init_at.pop(env, None)
            end = event.time_ms + _detail_ms(event, "duration_ms")
            busy += [(start, 1), (end, -1)]
    return busy, live


def peak_per_bucket(
    changes: list[tuple[float, int]], start: float, size: int, count: int
) -> list[int]:
    """Return the highest level reached in each bucket; ends before starts at the same time."""
    peaks = [0] * count
    level = 0
    bucket = 0
    for time, delta in sorted(changes):
        target = min(max(int((time - start) // size), 0), count - 1)
        while bucket < target:
            bucket += 1
            peaks[bucket] = max(peaks[bucket], level)
        level += delta
        peaks[bucket] = max(peaks[bucket], level)
    while bucket < count - 1:
        bucket += 1
        peaks[bucket] = max(peaks[bucket], level)
    return peaks


def _counts(times: Iterable[float], start: float, size: int, count: int) -> list[int]:
    """Return how many of the times fall into each bucket."""
    counts = [0] * count
    for time in times:
        counts[min(max(int((time - start) // size), 0), count - 1)] += 1
    return counts


def _columns(
    counts: Sequence[int], axis: _Axis, size: int, top: float, height: float, css: str, noun: str
) -> tuple[tuple[Column, ...], int]:
    """Return one column per non-empty bucket, scaled to the panel, and the peak."""
    peak = max(counts, default=0)
    columns = []
    for bucket, value in enumerate(counts):
        if not value:
            continue
        t0 = axis.start + bucket * size
        x, x1 = axis.x(t0), axis.x(t0 + size)
        h = height * value / max(peak, 1)
        title = f"{format_time(int(t0))} – {format_time(int(t0 + size))}: {_plural(value, noun)}"
        columns.append(
            Column(_r(x + 0.5), _r(top + height - h), _r(max(x1 - x - 1, 0.8)), _r(h), css, title)
        )
    return tuple(columns), peak


def _step_points(
    levels: Sequence[int], axis: _Axis, size: int, top: float, height: float, peak: int
) -> str:
    """Return polyline points for a level held constant over each bucket."""
    points = []
    for bucket, level in enumerate(levels):
        t0 = axis.start + bucket * size
        y = top + height - height * level / max(peak, 1)
        points += [f"{_num(axis.x(t0))},{_num(y)}", f"{_num(axis.x(t0 + size))},{_num(y)}"]
    return " ".join(points)


def _times(
    events: Iterable[TraceEvent], kind: Kind, keep: Callable[[TraceEvent], bool]
) -> list[int]:
    """Return the times of the events of a kind that pass keep."""
    return [event.time_ms for event in events if event.kind == kind and keep(event)]


def _aggregated_panels(
    events: Sequence[TraceEvent], axis: _Axis, size: int, count: int
) -> list[Panel]:
    """Return the stacked charts: environments, cold starts, throttles, errors."""
    start = axis.start
    busy_changes, live_changes = _busy_and_live(events)
    busy = peak_per_bucket(busy_changes, start, size, count)
    live = peak_per_bucket(live_changes, start, size, count)
    every = format_duration(size)
    peak = max([*busy, *live, 1])
    y = TOP_PAD + 6
    top, height = y + 18, CONCURRENCY_HEIGHT - 18
    panels = [
        Panel(
            title=f"Environments (peak per {every})",
            y=y,
            height=CONCURRENCY_HEIGHT,
            max_label=f"{peak:,}",
            series=(
                Series(
                    "tl-series-live",
                    "Live environments",
                    _step_points(live, axis, size, top, height, peak),
                    tuple(live),
                ),
                Series(
                    "tl-series-busy",
                    "Busy environments",
                    _step_points(busy, axis, size, top, height, peak),
                    tuple(busy),
                ),
            ),
        )
    ]
    y += CONCURRENCY_HEIGHT + PANEL_GAP
    counted = (
        ("Cold starts", "tl-col-cold", "cold start", _times(events, Kind.INVOKE, _is_cold)),
        ("Throttles", "tl-col-throttle", "throttle", _times(events, Kind.THROTTLE, bool)),
        (
            "Function errors and timeouts",
            "tl-col-error",
            "error",
            _times(events, Kind.INVOKE, _failed),
        ),
    )
    for title, css, noun, times in counted:
        values = _counts(times, start, size, count)
        columns, most = _columns(values, axis, size, y + 18, COUNT_HEIGHT - 18, css, noun)
        heading = f"{title} per {every}" if most else f"{title}: none"
        label = f"{most:,}" if most else ""
        panels.append(Panel(heading, y, COUNT_HEIGHT, label, columns=columns))
        y += COUNT_HEIGHT + PANEL_GAP
    return panels


def _is_cold(event: TraceEvent) -> bool:
    """Return whether the invocation was a cold start."""
    return bool(event.detail.get("cold"))


def _failed(event: TraceEvent) -> bool:
    """Return whether the invocation ended in an error, timeout or crash."""
    return event.outcome in ERROR_OUTCOMES


AGGREGATED_LEGEND = (
    LegendItem("tl-series-busy", "Busy environments (concurrency)", line=True),
    LegendItem("tl-series-live", "Live environments (busy + idle)", line=True),
    LegendItem("tl-col-cold", "Cold starts"),
    LegendItem("tl-col-throttle", "Throttles"),
    LegendItem("tl-col-error", "Function errors and timeouts"),
)


def _aggregated(result: Result, events: Sequence[TraceEvent]) -> Timeline:
    """Return the timeline as totals per time bucket."""
    start, end = _axis_range(events, result)
    size = _bucket_ms(end - start)
    count = max(1, math.ceil((end - start) / size))
    end = start + count * size
    axis = _Axis(start, end, LEFT_GUTTER, MIN_PLOT_WIDTH)
    panels = _aggregated_panels(events, axis, size, count)
    axis_y = panels[-1].y + panels[-1].height + PANEL_GAP
    unit, ticks = _ticks(axis)
    metrics = result.metrics
    every = format_duration(size)
    note = (
        f"{_plural(metrics.environments_created, 'environment')}, "
        f"{_plural(metrics.invocations, 'invocation')}: showing totals per {every} "
        "instead of individual bars."
    )
    summary = (
        f"Aggregated timeline over {format_duration(end - max(start, 0))}: peak concurrency "
        f"{metrics.peak_concurrency:,}, {_plural(metrics.cold_starts, 'cold start')}, "
        f"{_plural(metrics.throttles, 'throttle')}, "
        f"{_plural(metrics.function_errors, 'function error')}."
    )
    return Timeline(
        mode=AGGREGATED,
        width=_r(axis.right + RIGHT_PAD),
        height=_r(axis_y + AXIS_HEIGHT),
        plot_left=LEFT_GUTTER,
        plot_right=_r(axis.right),
        plot_top=TOP_PAD,
        axis_y=_r(axis_y),
        start_ms=start,
        end_ms=end,
        unit=unit,
        ticks=ticks,
        lanes=(),
        panels=tuple(panels),
        legend=AGGREGATED_LEGEND,
        summary=summary,
        note=note,
        bucket_label=every,
    )


def _plural(count: int, noun: str) -> str:
    """Return "1 throttle" or "2,000 throttles"."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


# --- public API -------------------------------------------------------------------------------


def build_timeline(result: Result, *, max_bars: int = 1500, max_lanes: int = 60) -> Timeline:
    """Return the timeline to draw: detailed when small enough, else aggregated per bucket."""
    events = result.events
    if not events:
        return Timeline(EMPTY, "No trace was kept for this run, so there is no timeline.")
    envs = {event.env for event in events if event.env is not None}
    drawn = sum(1 for event in events if _is_drawn(event))
    if drawn > max_bars or len(envs) > max_lanes:
        return _aggregated(result, events)
    return _detailed(result, events)


def is_error(event: TraceEvent) -> bool:
    """Return whether the event belongs in the "errors only" log."""
    kind, outcome = event.kind, event.outcome
    if kind in (Kind.INVOKE, Kind.RESPONSE):
        return outcome not in (None, "ok")
    if kind == Kind.DESTINATION:
        return outcome != "Success"
    if kind == Kind.BATCH_RESULT:
        return outcome != "ok"
    if kind == Kind.SHUTDOWN:
        return bool(event.detail.get("sigkill"))
    return kind in _ERROR_KINDS


_ERROR_KINDS = frozenset(
    {
        Kind.TIMEOUT,
        Kind.INIT_TIMEOUT,
        Kind.RESET,
        Kind.THROTTLE,
        Kind.DLQ,
        Kind.DISCARD,
        Kind.EXPIRE,
        Kind.DB_ERROR,
        Kind.CLIENT_TIMEOUT,
    }
)


def _range_matcher(label: str) -> tuple[str, int, int] | None:
    """Return (prefix, first, last) for a batch label like "msg-1…msg-10" or "11…18"."""
    if "…" not in label:
        return None
    first, _, last = label.partition("…")
    prefix = first.rstrip("0123456789")
    if not last.startswith(prefix) or first == prefix or last == prefix:
        return None
    number, other = first[len(prefix) :], last[len(prefix) :]
    if not other.isdigit():
        return None
    return prefix, int(number), int(other)


def _matches_request(
    event: TraceEvent, request: str, batches: Mapping[str, frozenset[str]]
) -> bool:
    """Return whether the event concerns the request, directly or through a batch."""
    label = event.request
    if label is None:
        return False
    if label == request:
        return True
    if label in batches:
        return request in batches[label]
    parsed = _range_matcher(label)
    if parsed is None:
        return False
    prefix, first, last = parsed
    suffix = request[len(prefix) :]
    return request.startswith(prefix) and suffix.isdigit() and first <= int(suffix) <= last


def _batch_members(events: Sequence[TraceEvent]) -> dict[str, frozenset[str]]:
    """Return the exact members of each batch label the poller recorded."""
    members: dict[str, set[str]] = {}
    for event in events:
        batch = event.detail.get("batch")
        if event.kind == Kind.BATCH_START and event.request and isinstance(batch, list | tuple):
            members.setdefault(event.request, set()).update(str(item) for item in batch)
    return {label: frozenset(ids) for label, ids in members.items()}


def _log_css(event: TraceEvent) -> str:
    """Return the log line class: bad, warn, init, ok or info."""
    if is_error(event):
        return "log-bad" if event.kind != Kind.THROTTLE else "log-warn"
    if event.kind in (Kind.INIT, Kind.PROVISION):
        return "log-init"
    if event.outcome in ("ok", "Success"):
        return "log-ok"
    return "log-info"


def _kind_label(event: TraceEvent) -> str:
    """Return the badge text: the kind, plus the outcome when it adds something."""
    outcome = event.outcome
    if outcome and outcome.lower() != str(event.kind).lower():
        return f"{event.kind} {outcome}"
    return str(event.kind)


def build_log(
    result: Result,
    *,
    errors_only: bool = False,
    request: str | None = None,
    limit: int = 500,
    timeline: Timeline | None = None,
) -> EventLog:
    """Return the log lines, filtered to errors and/or one request id, at most `limit` lines.

    Pass the page's `timeline` so "show in timeline" links match what was drawn; without it the
    default timeline is built again.
    """
    events = result.events
    anchors = (timeline if timeline is not None else build_timeline(result)).anchors
    batches = _batch_members(events) if request else {}
    lines: list[LogLine] = []
    matched = 0
    for index, event in enumerate(events):
        if errors_only and not is_error(event):
            continue
        if request and not _matches_request(event, request, batches):
            continue
        matched += 1
        if len(lines) >= limit:
            continue
        single = event.request if event.request and "…" not in event.request else None
        lines.append(
            LogLine(
                index,
                event.time_ms,
                format_time(event.time_ms),
                str(event.kind),
                _kind_label(event),
                event.narration,
                _log_css(event),
                event.request,
                single,
                anchors.get(index),
            )
        )
    return EventLog(tuple(lines), len(events), matched, errors_only, request or None)


__all__ = [
    "AGGREGATED",
    "DETAILED",
    "EMPTY",
    "Bar",
    "Column",
    "EventLog",
    "Lane",
    "LegendItem",
    "LogLine",
    "Panel",
    "Series",
    "Tick",
    "Timeline",
    "build_log",
    "build_timeline",
    "format_duration",
    "format_time",
    "is_error",
    "nice_ticks",
    "peak_per_bucket",
]
