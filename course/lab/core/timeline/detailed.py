"""Detailed mode: a lane per execution environment, plus source, database and destination lanes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from course.sandbox import Kind, Result, TraceEvent

from .axis import (
    AXIS_HEIGHT,
    BREAK_LABEL_HEIGHT,
    LEFT_GUTTER,
    MIN_PLOT_WIDTH,
    RIGHT_PAD,
    TOP_PAD,
    Axis,
    axis_breaks,
    axis_range,
    axis_ticks,
    breaks_note,
    detail_ms,
    format_duration,
    format_time,
    quiet_breaks,
    zoom_links,
)
from .shapes import DETAILED, Bar, Lane, LegendItem, Timeline, coord, plural
from .style import (
    BAR_STYLES,
    DB_KINDS,
    DESTINATION_KINDS,
    ENV_BAR_KINDS,
    ENV_MARKERS,
    MARKER_SIZE,
    MARKER_STYLES,
    SEVERITY,
    marker_style,
    polygon,
)

LANE_HEIGHT = 26.0
BAR_HEIGHT = 16.0
IDLE_HEIGHT = 6.0
MAX_PLOT_WIDTH = 3800.0
UNITS_PER_ELEMENT = 14.0  # widen busy detailed traces so short bars keep a visible width
MIN_BAR_WIDTH = 1.5
CHAR_WIDTH = 6.0  # estimate for the 10px label font
MERGE_DISTANCE = 5.0  # markers closer than this in one lane are drawn as one group marker


def _fits(text: str, width: float) -> bool:
    """Return whether text fits in width units of the 10px label font."""
    return len(text) * CHAR_WIDTH + 6 <= width


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
        elif kind in (Kind.INIT, Kind.RESTORE):
            self._init(index, event)
        elif kind == Kind.INVOKE:
            self._invoke(index, event)
        elif kind == Kind.THAW:
            self.close_idle(event.time_ms)
        elif kind == Kind.FREEZE:
            self.idle_since, self.idle_index = event.time_ms, index
        elif kind in ENV_MARKERS:
            if kind == Kind.SHUTDOWN:
                self.close_idle(event.time_ms)
            style = ENV_MARKERS[kind]
            self.marks.append(_Mark(event.time_ms, style, _title(event), index, str(event.kind)))

    def _provision(self, index: int, event: TraceEvent) -> None:
        self.provisioned = True
        init_ms = detail_ms(event, "init_ms")
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
        duration = detail_ms(event, "duration_ms")
        reinit = bool(event.detail.get("reinit"))
        style = "init-re" if reinit else "init"
        name = "RE-INIT" if reinit else "INIT"
        title = _title(event, "Re-init after a reset" if reinit else "INIT (cold start)", duration)
        if event.kind == Kind.RESTORE:  # labelled and dashed, not only coloured, unlike INIT
            style, name = "restore", "RESTORE"
            title = _title(event, "RESTORE (SnapStart cold start)", duration)
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
        duration = detail_ms(event, "duration_ms")
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
            event.kind in ENV_BAR_KINDS or event.kind in ENV_MARKERS or event.kind == Kind.THAW
        ):
            envs.setdefault(event.env, _EnvTrack(event.env)).add(index, event)
            continue
        style = marker_style(event)
        if style is None:
            continue
        mark = _Mark(event.time_ms, style, _title(event), index, str(event.kind))
        if event.kind in DESTINATION_KINDS:
            destinations.marks.append(mark)
        elif event.kind in DB_KINDS:
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


def _span_bars(spans: list[_Span], axis: Axis, y: float) -> list[Bar]:
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
                x=coord(x),
                y=coord(y + (LANE_HEIGHT - height) / 2),
                width=coord(width),
                height=height,
                css=f"tl-bar {BAR_STYLES[span.style].css}",
                label=_bar_label(span, width),
                label_x=coord(x + 3),
                label_y=coord(y + LANE_HEIGHT / 2 + (-5 if idle else 3.5)),
                title=span.title or _idle_title(span),
            )
        )
    return bars


def _group_marks(marks: list[_Mark], axis: Axis) -> list[list[_Mark]]:
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


def _marker_bars(marks: list[_Mark], axis: Axis, y: float) -> tuple[list[Bar], dict[int, int]]:
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
        # The label starts right of this marker and must end clear of the next one's left
        # half (the 10px font runs up to a fifth wider than CHAR_WIDTH on "×22").
        room = (
            (xs[position + 1] - MARKER_SIZE if position + 1 < len(xs) else axis.right + RIGHT_PAD)
            - x
            - 8
        )
        text, more = _group_text(group, lead)
        members.update((mark.index, lead.index) for mark in group if mark is not lead)
        bars.append(
            Bar(
                index=lead.index,
                x=coord(x - MARKER_SIZE / 2),
                y=coord(cy - MARKER_SIZE / 2),
                width=MARKER_SIZE,
                height=MARKER_SIZE,
                css=f"tl-mark {style.css}",
                label=_marker_label(text, count, room),
                label_x=coord(x + MARKER_SIZE / 2 + 2),
                label_y=coord(cy + 3.5),
                title=lead.title + more,
                points=polygon(style.shape, x, cy),
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


def _legend(lanes: Iterable[Lane]) -> tuple[LegendItem, ...]:
    """Return a legend entry for every bar and marker class the lanes use."""
    used = {css for lane in lanes for bar in (*lane.bars, *lane.markers) for css in bar.css.split()}
    items = [LegendItem(f"tl-bar {s.css}", s.legend) for s in BAR_STYLES.values() if s.css in used]
    items += [
        LegendItem(f"tl-mark {s.css}", s.legend, polygon(s.shape, 12, 7, 10))
        for s in MARKER_STYLES.values()
        if s.css in used
    ]
    return tuple(items)


def _detailed_summary(
    result: Result, env_count: int, span_ms: float, window: tuple[float, float] | None
) -> str:
    metrics = result.metrics
    if window is not None:
        return (
            f"Timeline from {format_time(int(window[0]))} to {format_time(int(window[1]))}, "
            f"zoomed in: {plural(env_count, 'execution environment')} shown; the whole run has "
            f"{plural(metrics.invocations, 'invocation')}, "
            f"{plural(metrics.cold_starts, 'cold start')}, "
            f"{plural(metrics.throttles, 'throttle')}, "
            f"{plural(metrics.function_errors, 'function error')}."
        )
    return (
        f"Timeline of {plural(env_count, 'execution environment')} over "
        f"{format_duration(span_ms)}: {plural(metrics.invocations, 'invocation')}, "
        f"{plural(metrics.cold_starts, 'cold start')}, "
        f"{plural(metrics.throttles, 'throttle')}, "
        f"{plural(metrics.function_errors, 'function error')}."
    )


def _in_window(drafts: list[_LaneDraft], start: float, end: float) -> list[_LaneDraft]:
    """Keep what a zoom window shows: spans overlapping it, marks inside it, non-empty lanes."""
    kept = []
    for draft in drafts:
        draft.spans = [span for span in draft.spans if span.end >= start and span.start <= end]
        draft.marks = [mark for mark in draft.marks if start <= mark.time <= end]
        if draft.spans or draft.marks:
            kept.append(draft)
    return kept


def _busy(drafts: Iterable[_LaneDraft]) -> list[tuple[float, float]]:
    """Return the times something happens: bars other than idle, and marks."""
    busy = [
        (span.start, span.end) for draft in drafts for span in draft.spans if span.style != "idle"
    ]
    busy += [(mark.time, mark.time) for draft in drafts for mark in draft.marks]
    return busy


def build_detailed(
    result: Result,
    events: Sequence[TraceEvent],
    window: tuple[float, float] | None = None,
    full: tuple[float, float] | None = None,
) -> Timeline:
    """Return the timeline with one lane per environment and individual bars.

    With a window (already clamped to the run), only that stretch of time is drawn.
    """
    full = full or axis_range(events, result)  # the run's range, when the caller has it
    start, end = window or full
    drafts = _collect_lanes(events, full[1])
    if window is None:
        _later_shutdowns(drafts, end)
    else:
        drafts = _in_window(drafts, start, end)
    narrow = Axis(start, end, LEFT_GUTTER, MIN_PLOT_WIDTH)
    busiest = max((len(d.spans) + len(_group_marks(d.marks, narrow)) for d in drafts), default=0)
    plot_width = min(max(MIN_PLOT_WIDTH, busiest * UNITS_PER_ELEMENT), MAX_PLOT_WIDTH)
    breaks = quiet_breaks(_busy(drafts), start, end, plot_width)
    axis = Axis(start, end, LEFT_GUTTER, plot_width, breaks)
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
    unit, ticks = axis_ticks(axis)
    drawn_breaks = axis_breaks(axis)
    env_count = sum(1 for lane in lanes if lane.key.startswith("env-"))
    return Timeline(
        mode=DETAILED,
        width=coord(axis.right + RIGHT_PAD),
        height=coord(axis_y + AXIS_HEIGHT + (BREAK_LABEL_HEIGHT if drawn_breaks else 0)),
        plot_left=LEFT_GUTTER,
        plot_right=coord(axis.right),
        plot_top=TOP_PAD,
        axis_y=coord(axis_y),
        start_ms=start,
        end_ms=end,
        unit=unit,
        ticks=ticks,
        lanes=tuple(lanes),
        panels=(),
        legend=_legend(lanes),
        summary=_detailed_summary(result, env_count, end - max(start, 0), window),
        note="",
        anchors=dict(anchors),  # a plain dict: the run is cached (pickled) by the view
        breaks=drawn_breaks,
        axis_note=breaks_note(drawn_breaks),
        zoomed=window is not None,
        zoom_links=zoom_links(axis, full, window is not None),
    )
