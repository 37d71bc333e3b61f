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

from course.sandbox import Result

from .aggregated import build_aggregated, peak_per_bucket
from .axis import format_duration, format_time, nice_ticks
from .detailed import build_detailed
from .shapes import (
    AGGREGATED,
    DETAILED,
    EMPTY,
    Bar,
    Column,
    Lane,
    LegendItem,
    Panel,
    Series,
    Tick,
    Timeline,
)
from .style import is_drawn


def build_timeline(result: Result, *, max_bars: int = 1500, max_lanes: int = 60) -> Timeline:
    """Return the timeline to draw: detailed when small enough, else aggregated per bucket."""
    events = result.events
    if not events:
        return Timeline(EMPTY, "No trace was kept for this run, so there is no timeline.")
    envs = {event.env for event in events if event.env is not None}
    drawn = sum(1 for event in events if is_drawn(event))
    if drawn > max_bars or len(envs) > max_lanes:
        return build_aggregated(result, events)
    return build_detailed(result, events)


__all__ = [
    "AGGREGATED",
    "DETAILED",
    "EMPTY",
    "Bar",
    "Column",
    "Lane",
    "LegendItem",
    "Panel",
    "Series",
    "Tick",
    "Timeline",
    "build_timeline",
    "format_duration",
    "format_time",
    "nice_ticks",
    "peak_per_bucket",
]
