"""Turn a simulation Result into a drawable timeline.

Pure Python (no Django): the template `lab/_timeline.html` renders what `build_timeline` returns.
All coordinates are SVG user units.

Detailed mode draws one lane per execution environment plus lanes for the event source, the
database and failure destinations. Aggregated mode (too many bars or environments to draw one
by one) draws concurrency, cold starts, throttles and errors per time bucket instead.

Modules depend downward only: `shapes` (the dataclasses) at the bottom; `axis` (time → x, tick
labels) and `style` (classes and marker shapes) on it; `detailed` and `aggregated` on those; and
`build_timeline`, here, picks one of the two. The event log (`course.lab.core.event_log`) sits
above the whole package.
"""

from __future__ import annotations

from collections.abc import Sequence

from course.sandbox import Kind, Result, TraceEvent

from .aggregated import build_aggregated, peak_per_bucket
from .axis import (
    axis_range,
    clamp_window,
    clock,
    detail_ms,
    format_duration,
    format_time,
    nice_ticks,
)
from .detailed import build_detailed
from .shapes import (
    AGGREGATED,
    DETAILED,
    EMPTY,
    Bar,
    Break,
    Column,
    Lane,
    LegendItem,
    Panel,
    Series,
    Tick,
    Timeline,
    ZoomLink,
)
from .style import is_drawn


def build_timeline(
    result: Result,
    *,
    max_bars: int = 1500,
    max_lanes: int = 60,
    window: tuple[float, float] | None = None,
) -> Timeline:
    """Return the timeline to draw: detailed when small enough, else aggregated per bucket.

    `window` (start, end in ms) zooms in on part of the run; one that misses the run, or is
    too narrow, draws the whole run. A zoomed window is judged by what falls inside it, so
    zooming in on a crowded run can bring back the individual bars.
    """
    events = result.events
    if not events:
        return Timeline(EMPTY, "No trace was kept for this run, so there is no timeline.")
    full = axis_range(events, result)
    window = clamp_window(window, *full)
    shown = events if window is None else [e for e in events if _touches(e, window)]
    envs = {event.env for event in shown if event.env is not None}
    if len(envs) > max_lanes or _more_drawn_than(shown, max_bars):
        return build_aggregated(result, events, window, full)
    return build_detailed(result, events, window, full)


def _more_drawn_than(events: Sequence[TraceEvent], most: int) -> bool:
    """Return whether detailed mode would draw more than `most` bars and markers."""
    drawn = 0
    for event in events:
        if is_drawn(event):
            drawn += 1
            if drawn > most:  # enough: a big run need not be counted to its end
                return True
    return False


def _touches(event: TraceEvent, window: tuple[float, float]) -> bool:
    """Return whether an event, with its duration, overlaps the window."""
    start = event.time_ms - (detail_ms(event, "init_ms") if event.kind == Kind.PROVISION else 0)
    end = event.time_ms + detail_ms(event, "duration_ms")
    return end >= window[0] and start <= window[1]


__all__ = [
    "AGGREGATED",
    "DETAILED",
    "EMPTY",
    "Bar",
    "Break",
    "Column",
    "Lane",
    "LegendItem",
    "Panel",
    "Series",
    "Tick",
    "Timeline",
    "ZoomLink",
    "build_timeline",
    "clock",
    "format_duration",
    "format_time",
    "nice_ticks",
    "peak_per_bucket",
]
