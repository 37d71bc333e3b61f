"""Aggregated mode: environments, cold starts, throttles and errors per time bucket, stacked.

Used when there are too many bars or environments to draw one by one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

from course.sandbox import Kind, Result, TraceEvent

from .axis import (
    AXIS_HEIGHT,
    LEFT_GUTTER,
    MIN_PLOT_WIDTH,
    RIGHT_PAD,
    TOP_PAD,
    UNITS,
    Axis,
    axis_range,
    axis_ticks,
    detail_ms,
    format_duration,
    format_time,
    zoom_links,
)
from .shapes import AGGREGATED, Column, LegendItem, Panel, Series, Timeline, coord, plural, svg_num

MAX_BUCKETS = 100
PANEL_GAP = 14.0
CONCURRENCY_HEIGHT = 120.0
COUNT_HEIGHT = 70.0

ERROR_OUTCOMES = frozenset({"error", "timeout", "crash"})


def _bucket_ms(span: float) -> int:
    """Return a round bucket size giving at most MAX_BUCKETS buckets."""
    steps = sorted({step for _, _, steps in UNITS for step in steps})
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
    # Up to 40,000 events: the kinds in locals, the commonest (INVOKE) tested first.
    invoke, init, restore = Kind.INVOKE, Kind.INIT, Kind.RESTORE
    provision, shutdown = Kind.PROVISION, Kind.SHUTDOWN
    for event in events:
        env = event.env
        if env is None:
            continue
        kind = event.kind
        if kind == invoke:
            start = init_at.pop(env, event.time_ms) if event.detail.get("cold") else event.time_ms
            init_at.pop(env, None)
            end = event.time_ms + detail_ms(event, "duration_ms")
            busy += [(start, 1), (end, -1)]
        elif kind in (init, restore):
            init_at[env] = event.time_ms
            if not event.detail.get("reinit"):
                live.append((event.time_ms, 1))
        elif kind == provision:
            live.append((event.time_ms, 1))
        elif kind == shutdown:
            live.append((event.time_ms, -1))
    return busy, live


def peak_per_bucket(
    changes: list[tuple[float, int]], start: float, size: int, count: int
) -> list[int]:
    """Return the highest level reached in each bucket; ends before starts at the same time.

    Changes before `start` set the level the first bucket starts from; changes after the last
    bucket are left out (a zoom window shows only its own buckets).
    """
    ordered = sorted(changes)
    level = sum(delta for time, delta in ordered if time < start)
    peaks = [level] * count
    bucket = 0
    for time, delta in ordered:
        if time < start:
            continue
        target = int((time - start) // size)
        if target >= count:
            break
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
    """Return how many of the times fall into each bucket (the last one includes its end)."""
    counts = [0] * count
    for time in times:
        if start <= time <= start + count * size:
            counts[min(int((time - start) // size), count - 1)] += 1
    return counts


def _columns(
    counts: Sequence[int], axis: Axis, size: int, top: float, height: float, css: str, noun: str
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
        title = f"{format_time(int(t0))} – {format_time(int(t0 + size))}: {plural(value, noun)}"
        columns.append(
            Column(
                coord(x + 0.5),
                coord(top + height - h),
                coord(max(x1 - x - 1, 0.8)),
                coord(h),
                css,
                title,
                t0,
                t0 + size,
                value,
            )
        )
    return tuple(columns), peak


def _step_points(
    levels: Sequence[int], axis: Axis, size: int, top: float, height: float, peak: int
) -> str:
    """Return polyline points for a level held constant over each bucket."""
    points = []
    for bucket, level in enumerate(levels):
        t0 = axis.start + bucket * size
        y = top + height - height * level / max(peak, 1)
        points += [
            f"{svg_num(axis.x(t0))},{svg_num(y)}",
            f"{svg_num(axis.x(t0 + size))},{svg_num(y)}",
        ]
    return " ".join(points)


def _times(
    events: Iterable[TraceEvent], kind: Kind, keep: Callable[[TraceEvent], bool]
) -> list[int]:
    """Return the times of the events of a kind that pass keep."""
    return [event.time_ms for event in events if event.kind == kind and keep(event)]


def _failure_times(events: Iterable[TraceEvent]) -> list[int]:
    """Return when each failed invocation failed: its end, not its start.

    An invocation is stamped when it starts; a timeout happens `Timeout` seconds later, which is
    where the chart must show it (a burst of 5 s timeouts belongs at 5 s, not at 0.2 s).
    """
    return [
        event.time_ms + detail_ms(event, "duration_ms")
        for event in events
        if event.kind == Kind.INVOKE and _failed(event)
    ]


def _aggregated_panels(
    events: Sequence[TraceEvent], axis: Axis, size: int, count: int
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
            _failure_times(events),
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


def build_aggregated(
    result: Result,
    events: Sequence[TraceEvent],
    window: tuple[float, float] | None = None,
    full: tuple[float, float] | None = None,
) -> Timeline:
    """Return the timeline as totals per time bucket (only the window's buckets, if given).

    The axis stays linear: buckets of equal time side by side are what makes them comparable.
    """
    full = full or axis_range(events, result)  # the run's range, when the caller has it
    start, end = window or full
    size = _bucket_ms(end - start)
    count = max(1, math.ceil((end - start) / size))
    end = start + count * size
    axis = Axis(start, end, LEFT_GUTTER, MIN_PLOT_WIDTH)
    panels = _aggregated_panels(events, axis, size, count)
    axis_y = panels[-1].y + panels[-1].height + PANEL_GAP
    unit, ticks = axis_ticks(axis)
    metrics = result.metrics
    every = format_duration(size)
    note = (
        f"{plural(metrics.environments_created, 'environment')}, "
        f"{plural(metrics.invocations, 'invocation')}: showing totals per {every} "
        "instead of individual bars."
    )
    where = (
        f"from {format_time(int(start))} to {format_time(int(end))} (zoomed in)"
        if window is not None
        else f"over {format_duration(end - max(start, 0))}"
    )
    summary = (
        f"Aggregated timeline {where}; the whole run has peak concurrency "
        f"{metrics.peak_concurrency:,}, {plural(metrics.cold_starts, 'cold start')}, "
        f"{plural(metrics.throttles, 'throttle')}, "
        f"{plural(metrics.function_errors, 'function error')}."
    )
    return Timeline(
        mode=AGGREGATED,
        width=coord(axis.right + RIGHT_PAD),
        height=coord(axis_y + AXIS_HEIGHT),
        plot_left=LEFT_GUTTER,
        plot_right=coord(axis.right),
        plot_top=TOP_PAD,
        axis_y=coord(axis_y),
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
        zoomed=window is not None,
        zoom_links=zoom_links(axis, full, window is not None),
    )
