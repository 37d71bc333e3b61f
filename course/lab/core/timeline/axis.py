"""The time axis: the plot frame, exact and short time labels, round ticks, time → x."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from course.sandbox import Kind, Result, TraceEvent

from .shapes import Break, Tick, ZoomLink, coord

LEFT_GUTTER = 150.0  # lane labels
RIGHT_PAD = 24.0
TOP_PAD = 8.0
AXIS_HEIGHT = 40.0
BREAK_LABEL_HEIGHT = 12.0  # a row for the break labels, under the tick labels
MIN_PLOT_WIDTH = 800.0  # with the gutter and padding: 974 units, wider than 960

_MS = 1
_S = 1000
_MIN = 60 * _S
_H = 60 * _MIN

# (unit in ms, unit name, tick steps in ms): the unit is picked by the span of the axis.
UNITS: tuple[tuple[int, str, tuple[int, ...]], ...] = (
    (_MS, "ms", (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500)),
    (_S, "s", (250, 500, _S, 2 * _S, 5 * _S, 10 * _S, 15 * _S, 20 * _S, 30 * _S)),
    (_MIN, "min", (30 * _S, _MIN, 2 * _MIN, 5 * _MIN, 10 * _MIN, 15 * _MIN, 20 * _MIN, 30 * _MIN)),
    (_H, "h", (15 * _MIN, 30 * _MIN, _H, 2 * _H, 3 * _H, 6 * _H, 12 * _H, 24 * _H, 48 * _H)),
)
_UNIT_LIMITS = (2 * _S, 2 * _MIN, 2 * _H)  # ms under 2 s, s under 2 min, min under 2 h
MAX_TICKS = 10  # at most 10 ticks: 9 intervals
TICK_SPACING = 80.0  # fewest units between two tick labels
BREAK_WIDTH = 36.0  # a squeezed quiet stretch on the axis
MAX_QUIET_UNITS = 110.0  # an empty gap wider than this, drawn to scale, is squeezed
MAX_BREAKS = 8
MIN_BREAK_MS = 1000  # shorter pauses are part of the rhythm of a run, never squeezed
MIN_WINDOW_MS = 10  # the narrowest zoom window
BREAK_MARGIN_AFTER = 56.0  # empty axis kept after activity (labels sit right of bars and marks)
BREAK_MARGIN_BEFORE = 14.0  # and before it


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


class Axis:
    """Map times from start to end (ms) onto x from left to left + width (SVG units).

    Linear, except across `breaks`: quiet stretches of time, each squeezed into BREAK_WIDTH units
    so the moments around them keep their room. Time still runs left to right everywhere, so
    a bar that spans a break (an idle environment) stays one bar.
    """

    __slots__ = ("_pieces", "breaks", "end", "left", "start", "width")

    def __init__(
        self,
        start: float,
        end: float,
        left: float,
        width: float,
        breaks: Sequence[tuple[float, float]] = (),
    ) -> None:
        self.start, self.end, self.left, self.width = start, end, left, width
        self.breaks = tuple(sorted(breaks))
        quiet = sum(b - a for a, b in self.breaks)
        scale = (width - BREAK_WIDTH * len(self.breaks)) / max(end - start - quiet, 1e-9)
        pieces: list[tuple[float, float, float, float]] = []  # (t0, t1, x0, x1)
        time, x = start, left
        for a, b in self.breaks:
            pieces.append((time, a, x, x + (a - time) * scale))
            x = pieces[-1][3]
            pieces.append((a, b, x, x + BREAK_WIDTH))
            time, x = b, x + BREAK_WIDTH
        pieces.append((time, end, x, left + width))
        self._pieces = tuple(pieces)

    def x(self, time_ms: float) -> float:
        """Return the x of a time, clamped to the axis."""
        clamped = min(max(time_ms, self.start), self.end)
        for t0, t1, x0, x1 in self._pieces:
            if clamped <= t1:
                return x0 if t1 <= t0 else x0 + (clamped - t0) / (t1 - t0) * (x1 - x0)
        return self.right

    @property
    def right(self) -> float:
        """Return the x of the axis end."""
        return self.left + self.width

    def segments(self) -> list[tuple[float, float, float, float]]:
        """Return the linear stretches between breaks: (t0, t1, x0, x1)."""
        return [piece for piece in self._pieces if (piece[0], piece[1]) not in self.breaks]


def quiet_breaks(
    busy: Iterable[tuple[float, float]], start: float, end: float, width: float
) -> list[tuple[float, float]]:
    """Return the quiet stretches worth squeezing on an axis of width units, at most MAX_BREAKS.

    A gap between busy intervals is squeezed when, drawn to scale, it would take more than
    MAX_QUIET_UNITS of empty width; each break makes the rest wider, so the longest gaps go
    first and the test is repeated at the new scale. Every break keeps a margin of empty axis
    on both sides (room for the labels drawn right of a bar or a marker).
    """
    merged: list[list[float]] = []
    for a, b in sorted(busy):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    if not merged:
        return []
    edges = [start, *(t for interval in merged for t in interval), end]
    gaps = sorted(
        ((edges[n], edges[n + 1]) for n in range(0, len(edges) - 1, 2)),
        key=lambda gap: gap[0] - gap[1],
    )
    chosen: list[tuple[float, float]] = []
    for a, b in gaps:
        if len(chosen) == MAX_BREAKS:
            break
        quiet = sum(y - x for x, y in chosen)
        scale = (width - BREAK_WIDTH * len(chosen)) / max(end - start - quiet, 1e-9)
        if (b - a) * scale < MAX_QUIET_UNITS or b - a < MIN_BREAK_MS:
            break
        chosen.append((a, b))
    quiet = sum(y - x for x, y in chosen)
    scale = (width - BREAK_WIDTH * len(chosen)) / max(end - start - quiet, 1e-9)
    padded = []
    for a, b in chosen:
        a2 = a + (BREAK_MARGIN_AFTER if a > start else 0) / scale
        b2 = b - (BREAK_MARGIN_BEFORE if b < end else 0) / scale
        if (b2 - a2) * scale >= MAX_QUIET_UNITS / 2 and b2 - a2 >= MIN_BREAK_MS / 2:
            padded.append((a2, b2))
    return sorted(padded)


def _tick_step(span: float, steps: Sequence[int], max_ticks: int) -> int:
    """Return the smallest round step giving at most max_ticks ticks over span."""
    step = next((s for s in steps if span / s <= max_ticks - 1), None)
    if step is None:
        step = steps[-1] * math.ceil(span / (steps[-1] * (max_ticks - 1)))
    return step


def _unit(span: float) -> tuple[int, str, tuple[int, ...]]:
    """Return the unit (ms, name, tick steps) that suits a span."""
    for limit, candidate in zip(_UNIT_LIMITS, UNITS, strict=False):
        if span < limit:
            return candidate
    return UNITS[-1]


def nice_ticks(
    start_ms: float, end_ms: float, max_ticks: int = MAX_TICKS
) -> tuple[str, list[tuple[float, str]]]:
    """Return the unit name and at most max_ticks (time, label) ticks at round values."""
    span = max(end_ms - start_ms, 1)
    unit_ms, unit, steps = _unit(span)
    step = _tick_step(span, steps, max(max_ticks, 2))
    first = math.ceil(start_ms / step) * step
    count = int((end_ms - first) // step) + 1
    ticks = []
    for n in range(max(count, 0)):
        time = float(first + n * step)
        value = round(time / unit_ms, 6)
        ticks.append((time, f"{value:,g} {unit}"))
    return unit, ticks


def _trim(value: float, decimals: int) -> str:
    """Return a number with at most `decimals` decimals and no trailing zeros."""
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def clock(ms: float, step: float = _S) -> str:
    """Return a tick label in human units, as precise as the step between ticks.

    "0", "250 ms", "1.5 s", "10 min", "10 min 0.5 s", "1 h 5 min": never "600500 ms".
    """
    sign = "−" if ms < 0 else ""
    ms = abs(round(ms, 3))
    if ms == 0:
        return "0"
    if ms < _S:
        return f"{sign}{_trim(ms, 1)} ms"
    decimals = 0 if step >= _S else 1 if step % 100 == 0 else 2 if step % 10 == 0 else 3
    if ms < _MIN:
        return f"{sign}{_trim(ms / _S, decimals)} s"
    hours, rest = divmod(ms, _H)
    minutes, rest = divmod(rest, _MIN)
    parts = [f"{hours:,.0f} h"] if hours else []
    if minutes:
        parts.append(f"{minutes:.0f} min")
    seconds = _trim(rest / _S, decimals)
    if seconds != "0":
        parts.append(f"{seconds} s")
    return sign + " ".join(parts)


def _label_width(text: str) -> float:
    """Return the estimated width of a 10px axis label."""
    return len(text) * 5.6


def axis_ticks(axis: Axis) -> tuple[str, tuple[Tick, ...]]:
    """Return the unit of the whole span and the ticks of each stretch between breaks.

    Each stretch gets its own round ticks, as many as its width allows; a tick whose label
    would touch the previous one (across a break) is left out.
    """
    unit = _unit(max(axis.end - axis.start, 1))[1]
    ticks: list[Tick] = []
    for t0, t1, x0, x1 in axis.segments():
        count = max(2, min(MAX_TICKS, int((x1 - x0) // TICK_SPACING) + 1))
        _, raw = nice_ticks(t0, t1, count)
        step = raw[1][0] - raw[0][0] if len(raw) > 1 else max(t1 - t0, 1)
        for time, _ in raw:
            label = clock(time, step)
            x = axis.x(time)
            # A label centred on a tick at the right edge would be cut off: it ends there.
            anchor = "end" if x + _label_width(label) / 2 > axis.right + RIGHT_PAD else "middle"
            if ticks and _label_span(x, label, anchor)[0] - _label_span(*_last(ticks))[1] < 8:
                continue
            ticks.append(Tick(coord(x), label, time, anchor))
    return unit, tuple(ticks)


def _last(ticks: list[Tick]) -> tuple[float, str, str]:
    return ticks[-1].x, ticks[-1].label, ticks[-1].anchor


def _label_span(x: float, label: str, anchor: str) -> tuple[float, float]:
    """Return the estimated left and right ends of a tick label."""
    width = _label_width(label)
    return (x - width, x) if anchor == "end" else (x - width / 2, x + width / 2)


def axis_breaks(axis: Axis) -> tuple[Break, ...]:
    """Return the drawn breaks, with a label when there is room for one."""
    drawn = []
    xs = [(axis.x(a), axis.x(b)) for a, b in axis.breaks]
    centres = [(x0 + x1) / 2 for x0, x1 in xs]
    for n, (a, b) in enumerate(axis.breaks):
        x0, x1 = xs[n]
        centre = centres[n]
        # Two neighbouring labels share the distance between their centres; the first and
        # last may also use the room up to the ends of the axis.
        before = centre - centres[n - 1] if n else 2 * (centre - axis.left + 40)
        after = centres[n + 1] - centre if n + 1 < len(xs) else 2 * (axis.right + 20 - centre)
        room = min(before, after) - 10
        long, short = f"⋯ {format_quiet(b - a)} quiet ⋯", format_quiet(b - a)
        label = next((text for text in (long, short) if _label_width(text) <= room), "")
        drawn.append(Break(coord(x0), coord(x1 - x0), a, b, label, f"{format_quiet(b - a)}"))
    return tuple(drawn)


def format_quiet(ms: float) -> str:
    """Return a gap length to the second: "9 min 58 s", "45 s", "800 ms", "2 h 3 min"."""
    if ms < _S:
        return f"{ms:,.0f} ms"
    if ms < 10 * _S:
        return f"{_trim(ms / _S, 1)} s"
    unit = _S if ms < _H else _MIN
    return clock(round(ms / unit) * unit)


def detail_ms(event: TraceEvent, key: str) -> int:
    """Return an integer detail of the event (a duration in ms), 0 when absent."""
    value = event.detail.get(key, 0)
    return int(value) if isinstance(value, int | float) else 0


def axis_range(events: Sequence[TraceEvent], result: Result) -> tuple[float, float]:
    """Return the axis start (before 0 for provisioned init) and end (the run's horizon)."""
    start = 0.0
    end = float(result.metrics.horizon_ms)
    provision, shutdown = Kind.PROVISION, Kind.SHUTDOWN
    for event in events:  # one pass over up to 40,000 events: `detail_ms` inlined
        kind = event.kind
        if kind == provision:
            start = min(start, event.time_ms - detail_ms(event, "init_ms"))
        elif kind != shutdown:
            value = event.detail.get("duration_ms", 0) if event.detail else 0
            reach = event.time_ms + (int(value) if isinstance(value, int | float) else 0)
            if reach > end:  # as max(end, reach): a tie keeps `end`
                end = reach
    if end - start < 10:
        end = start + 10
    return start, end


def clamp_window(
    window: tuple[float, float] | None, start: float, end: float
) -> tuple[float, float] | None:
    """Return the part of the run (start, end) a zoom window asks for, or None for the whole run.

    A window that misses the run, is narrower than MIN_WINDOW_MS or covers it all is no window.
    """
    if window is None:
        return None
    low, high = max(float(window[0]), start), min(float(window[1]), end)
    if high - low < MIN_WINDOW_MS or (low <= start and high >= end):
        return None
    return low, high


def _range_label(t0: float, t1: float) -> str:
    step = 100 if t1 - t0 < 10 * _S else _S
    return f"{clock(t0, step)} – {clock(t1, step)}"


def _link(t0: float, t1: float, label: str = "") -> ZoomLink:
    low, high = math.floor(t0), math.ceil(t1)
    return ZoomLink(label or _range_label(low, high), low, high)


def zoom_links(axis: Axis, full: tuple[float, float], zoomed: bool) -> tuple[ZoomLink, ...]:
    """Return the zoom links under a timeline: the stretches between breaks (else its quarters);
    when zoomed, also the whole run, a wider window, and the windows just before and after."""
    links: list[ZoomLink] = []
    if zoomed:
        span, (first, last) = axis.end - axis.start, full
        centre = (axis.start + axis.end) / 2
        links.append(ZoomLink("Whole run", math.floor(first), math.ceil(last), whole=True))
        wider = (max(first, centre - 1.5 * span), min(last, centre + 1.5 * span))
        links.append(_link(*wider, label=f"Zoom out ({_range_label(*wider)})"))
        if axis.start > first:
            before = (max(first, axis.start - span), axis.start)
            links.append(_link(*before, label=f"Earlier ({_range_label(*before)})"))
        if axis.end < last:
            after = (axis.end, min(last, axis.end + span))
            links.append(_link(*after, label=f"Later ({_range_label(*after)})"))
    stretches = [(t0, t1) for t0, t1, _, _ in axis.segments()]
    if len(stretches) == 1:
        t0, t1 = stretches[0]
        quarter = (t1 - t0) / 4
        stretches = [(t0 + n * quarter, t0 + (n + 1) * quarter) for n in range(4)]
    links += [_link(t0, t1) for t0, t1 in stretches if t1 - t0 >= MIN_WINDOW_MS]
    return tuple(links)


def breaks_note(breaks: Sequence[Break]) -> str:
    """Return the breaks in words, for the caption and screen readers."""
    if not breaks:
        return ""
    gaps = "; ".join(
        f"{item.length} from {clock(item.start_ms, 100)} to {clock(item.end_ms, 100)}"
        for item in breaks
    )
    quiet = "stretch" if len(breaks) == 1 else "stretches"
    return f"The time axis skips {len(breaks)} quiet {quiet} (marked ⋯ on the axis): {gaps}."
