"""Versions and aliases: the requests each version served, how they fared, the split over time.

Built from the trace alone: every `INVOKE` records the version it executed (an alias's weighted
routing picks one per invocation, §4 [D18]), its outcome and its duration. The split over time
is counted in equal slices of the run's invocations, so an alias shift (a publish or canary step,
`Shifts` in the scenario) shows as the share of the newer version changing between slices.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from course.sandbox import Kind, TraceEvent

from ..timeline.axis import format_duration, format_time
from ..timeline.shapes import coord
from .base import Detail, View, events_until

LATEST = "$LATEST"
WIDTH = 480.0
LEFT = 8.0
TRACK_X = 96.0
TRACK_W = 270.0
ROW_H = 26.0
BAR_H = 16.0
SLICES = 10  # columns of the split over time
CHART_H = 80.0
MAX_VERSIONS = 6  # versions drawn; the rest are summed as "other versions"
OTHER = "other versions"


@dataclass(frozen=True, slots=True)
class VersionRow:
    """One version's requests, share and health, with its bar."""

    detail: Detail
    name: str
    label: str  # "Version 2"
    css: str
    requests: int
    share: str  # "9.8%"
    errors: int
    mean_ms: str
    p99_ms: str
    y: float
    bar_width: float
    text: str  # "98 (9.8%)"

    @property
    def requests_text(self) -> str:
        """Return the number of requests with thousands separators."""
        return f"{self.requests:,}"


@dataclass(frozen=True, slots=True)
class Segment:
    """One version's part of one time slice of the split-over-time chart."""

    x: float
    y: float
    width: float
    height: float
    css: str


@dataclass(frozen=True, slots=True)
class Slice:
    """One slice of the run: its time range and each version's requests in it."""

    detail: Detail
    segments: tuple[Segment, ...]
    x: float
    width: float


@dataclass(frozen=True, slots=True)
class AliasView(View):
    """Requests per version, their errors and durations, and the split over time."""

    rows: tuple[VersionRow, ...]
    total: int
    slices: tuple[Slice, ...]
    chart_y: float
    chart_bottom: float
    start_label: str
    end_label: str
    width: float
    height: float

    @property
    def total_text(self) -> str:
        """Return the number of requests with thousands separators."""
        return f"{self.total:,}"

    @property
    def view_box(self) -> str:
        """Return the SVG viewBox."""
        return f"0 0 {self.width:g} {self.height:g}"


def _order(name: str) -> tuple[int, int, str]:
    """Sort numbered versions by number, then named ones, $LATEST last."""
    if name == LATEST:
        return (2, 0, name)
    if re.fullmatch(r"\d+", name):
        return (0, int(name), name)
    return (1, 0, name)


def _percentile(values: Sequence[int], share: float) -> int:
    """Return the nearest-rank percentile of values (sorted)."""
    return values[max(0, math.ceil(share * len(values)) - 1)]


def build_alias(events: Sequence[TraceEvent], until: int | None) -> AliasView | None:
    """Return the versions view of a run that executed a published version, else None."""
    invokes = [event for event in events if event.kind == Kind.INVOKE and event.version]
    names = sorted({str(event.version) for event in invokes}, key=_order)
    if names in ([], [LATEST]):
        return None
    if len(names) > MAX_VERSIONS:
        names = [*names[: MAX_VERSIONS - 1], OTHER]
    css = {name: f"mech-alias__v{index}" for index, name in enumerate(names)}

    def group(event: TraceEvent) -> str:
        name = str(event.version)
        return name if name in css else OTHER

    visible = [e for e in events_until(events, until) if e.kind == Kind.INVOKE and e.version]
    total = len(visible)
    rows = []
    for index, name in enumerate(names):
        mine = [event for event in visible if group(event) == name]
        durations = sorted(int(str(event.detail.get("duration_ms", 0))) for event in mine)
        errors = sum(event.outcome != "ok" for event in mine)
        share = f"{len(mine) / total:.1%}" if total else "0%"
        mean = format_duration(sum(durations) / len(durations)) if durations else "–"
        p99 = format_duration(_percentile(durations, 0.99)) if durations else "–"
        label = name if name in (LATEST, OTHER) else f"Version {name}"
        text = (
            f"{label}: {len(mine):,} of {total:,} requests ({share}); "
            f"{errors:,} error{'' if errors == 1 else 's'}; duration mean {mean}, p99 {p99}."
        )
        rows.append(
            VersionRow(
                Detail(f"mech-alias-v{index}", label, text),
                name,
                label,
                css[name],
                len(mine),
                share,
                errors,
                mean,
                p99,
                coord(28 + index * ROW_H),
                coord(TRACK_W * len(mine) / total) if total else 0.0,
                f"{len(mine):,} ({share})",
            )
        )
    # The split over time: equal time slices of the whole run's invocations (a stable axis).
    start = invokes[0].time_ms
    end = max(invokes[-1].time_ms, start + 1)
    span = (end - start) / SLICES
    chart_y = 28 + len(names) * ROW_H + 24
    column_w = (WIDTH - 2 * LEFT) / SLICES
    slices = []
    for number in range(SLICES):
        low = start + number * span
        high = start + (number + 1) * span
        last = number == SLICES - 1
        counts = dict.fromkeys(names, 0)
        for event in visible:
            if low <= event.time_ms < high or (last and event.time_ms == high):
                counts[group(event)] += 1
        count = sum(counts.values())
        x = LEFT + number * column_w
        segments = []
        y = chart_y + CHART_H
        for name in names:
            if counts[name]:
                height = CHART_H * counts[name] / count
                y -= height
                segments.append(
                    Segment(coord(x + 1), coord(y), coord(column_w - 2), coord(height), css[name])
                )
        split = ", ".join(
            f"{name if name in (LATEST, OTHER) else 'version ' + name} "
            f"{counts[name]:,} ({counts[name] / count:.0%})"
            for name in names
            if counts[name]
        )
        text = f"{format_time(round(low))} to {format_time(round(high))}: " + (
            f"{count:,} requests: {split}." if count else "no requests."
        )
        slices.append(
            Slice(
                Detail(f"mech-alias-t{number}", format_time(round(low)), text),
                tuple(segments),
                coord(x),
                coord(column_w),
            )
        )
    served = "; ".join(f"{row.label.lower()} {row.requests:,} ({row.share})" for row in rows)
    summary = f"{total:,} requests so far: {served}." if total else "No requests yet."
    return AliasView(
        key="alias",
        title="Versions and aliases: who served each request",
        summary=summary,
        until=until,
        rows=tuple(rows),
        total=total,
        slices=tuple(slices),
        chart_y=coord(chart_y),
        chart_bottom=coord(chart_y + CHART_H),
        start_label=format_time(start),
        end_label=format_time(end),
        width=WIDTH,
        height=coord(chart_y + CHART_H + 22),
    )
