"""Database connections: how many are open over time against the limit, waits and refusals.

Built from the trace alone (§9). The run uses RDS Proxy when an invocation waited for a pooled
connection (`DB_WAIT`) or gave up on one (`ConnectionBorrowTimeout`); it connects directly when an
invocation was refused ('too many connections', `DatabaseError`). A run whose database never
waited nor refused leaves no trace of it, and has no view.

- Direct: each environment opens its connection when it initialises (setup outside the handler,
  the lesson's case) and keeps it, idle or busy, until it shuts down or is reset; an environment
  refused at INIT (its first invocation fails with `DB_ERROR`) holds none until a later
  invocation connects. The database refuses a connection only when all max_connections are
  open, so the count at the first refusal is max_connections.
- Proxy: an invocation holds a borrowed connection from the end of its wait to the end of the
  invocation; it waits only when the proxy's whole pool is borrowed, so the count at a wait is
  the pool's size (max_connections × MaxConnectionsPercent).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from course.sandbox import Kind, TraceEvent

from ..timeline.axis import format_duration, format_time, nice_ticks
from ..timeline.shapes import coord, plural
from .base import Detail, View, events_until

WIDTH = 480.0
LEFT = 40.0
RIGHT = 24.0
TOP = 24.0
CHART_H = 120.0
DIRECT_ERROR = "DatabaseError"
PROXY_ERROR = "ConnectionBorrowTimeout"
MAX_MARKS = 200  # error and wait ticks drawn (the counts are exact)


@dataclass(frozen=True, slots=True)
class Tick:
    """A labelled time on the axis."""

    x: float
    label: str


@dataclass(frozen=True, slots=True)
class DatabaseView(View):
    """Open (or borrowed) connections over time, the limit, errors and waits."""

    proxy: bool
    points: str  # the step line
    area: str  # the same line closed to the baseline
    limit: int | None
    limit_y: float | None
    peak: int
    scale: int  # the top of the y axis
    open_now: int
    errors: int
    waits: int
    wait_mean: str
    wait_max: str
    error_marks: tuple[float, ...]
    wait_marks: tuple[float, ...]
    ticks: tuple[Tick, ...]
    now_x: float | None
    details: tuple[Detail, ...]
    chart_top: float
    chart_bottom: float
    width: float
    height: float

    @property
    def view_box(self) -> str:
        """Return the SVG viewBox."""
        return f"0 0 {self.width:g} {self.height:g}"


def _changes(events: Sequence[TraceEvent], proxy: bool) -> list[tuple[int, int]]:
    """Return (time, +1 or −1) for every connection opened or closed over the whole run."""
    changes: list[tuple[int, int]] = []
    if proxy:
        waits = {
            (e.env, e.time_ms): int(str(e.detail.get("wait_ms", 0)))
            for e in events
            if e.kind == Kind.DB_WAIT
        }
        reinit: dict[tuple[int | None, int], int] = {}
        for event in events:
            if event.kind == Kind.INIT and event.detail.get("reinit"):
                reinit[(event.env, event.time_ms)] = int(str(event.detail.get("duration_ms", 0)))
            elif event.kind == Kind.INVOKE and event.detail.get("error_type") != PROXY_ERROR:
                start = event.time_ms
                end = start + int(str(event.detail.get("duration_ms", 0)))
                borrowed = (
                    start + reinit.get((event.env, start), 0) + waits.get((event.env, start), 0)
                )
                changes += [(min(borrowed, end), 1), (end, -1)]
        return sorted(changes)
    held: dict[int, int | None] = {}  # env → since when it holds a connection (None: refused)
    opening: dict[int, int] = {}  # env → INIT time, connection not yet confirmed
    refused: set[tuple[int | None, int]] = {
        (e.env, e.time_ms) for e in events if e.kind == Kind.DB_ERROR
    }
    for event in events:
        env = event.env
        if env is None:
            continue
        if event.kind in (Kind.INIT, Kind.RESTORE, Kind.PROVISION):
            opening[env] = event.time_ms
        elif event.kind == Kind.INVOKE:
            since = opening.pop(env, None)
            if (env, event.time_ms) in refused:
                held.setdefault(env, None)
            elif held.get(env) is None:
                held[env] = event.time_ms if since is None else since
                changes.append((held[env] or 0, 1))
        elif event.kind in (Kind.SHUTDOWN, Kind.RESET):
            if held.get(env) is not None:
                changes.append((event.time_ms, -1))
            held[env] = None
    return sorted(changes)


def build_database(events: Sequence[TraceEvent], until: int | None) -> DatabaseView | None:
    """Return the database view of a run whose connections waited or were refused, else None."""
    kinds = {DIRECT_ERROR: False, PROXY_ERROR: True}
    modes = {
        kinds[str(e.detail.get("error_type"))]
        for e in events
        if e.kind == Kind.INVOKE and e.detail.get("error_type") in kinds
    }
    if any(event.kind == Kind.DB_WAIT for event in events):
        modes.add(True)
    if not modes:
        return None
    proxy = True in modes
    changes = _changes(events, proxy)
    visible = events_until(events, until)
    now = visible[-1].time_ms if visible else 0
    # The axis ends soon after the last invocation: idle environments may keep their connections
    # for minutes after it (said in words below), which would crush the busy part to a sliver.
    active = [
        e.time_ms + int(str(e.detail.get("duration_ms", 0)))
        for e in events
        if e.kind == Kind.INVOKE
    ]
    end = max(round(max(active, default=1) * 1.1), 1)
    # The whole run's curve fixes the limit and the scale, so stepping never rescales it.
    level = peak_all = 0
    series: list[tuple[int, int]] = [(0, 0)]
    for time, change in changes:
        level += change
        peak_all = max(peak_all, level)
        if series[-1][0] == time:
            series[-1] = (time, level)
        else:
            series.append((time, level))
    problems = [e for e in events if e.kind in (Kind.DB_ERROR, Kind.DB_WAIT)]
    limit = None
    if problems:
        first = problems[0].time_ms
        limit = max((count for time, count in series if time <= first), default=0) or None
    scale = max(peak_all, limit or 0, 1)
    plot_w = WIDTH - LEFT - RIGHT
    bottom = TOP + CHART_H

    def x_of(time: float) -> float:
        return coord(LEFT + min(max(time, 0), end) / end * plot_w)

    def y_of(count: int) -> float:
        return coord(bottom - count / scale * CHART_H)

    stop = min(now, end) if until is not None else end
    shown = [(time, count) for time, count in series if time <= stop]
    points: list[str] = []
    previous = 0
    for time, count in shown:
        points += [f"{x_of(time):g},{y_of(previous):g}", f"{x_of(time):g},{y_of(count):g}"]
        previous = count
    points.append(f"{x_of(stop):g},{y_of(previous):g}")
    line = " ".join(points)
    area = f"{line} {x_of(stop):g},{bottom:g} {x_of(0):g},{bottom:g}"
    errors = [e for e in visible if e.kind == Kind.DB_ERROR]
    waits = [int(str(e.detail.get("wait_ms", 0))) for e in visible if e.kind == Kind.DB_WAIT]
    wait_times = [e.time_ms for e in visible if e.kind == Kind.DB_WAIT]
    peak = max((count for _, count in shown), default=0)
    _, raw_ticks = nice_ticks(0, end)
    ticks = tuple(Tick(x_of(time), label) for time, label in raw_ticks)
    what = "borrowed from the proxy's pool" if proxy else "open on the database"
    limit_name = "the proxy's pool" if proxy else "max_connections"
    details = [
        Detail("mech-db-peak", "Peak", f"Peak connections {what}: {peak:,}."),
        Detail(
            "mech-db-limit",
            "Limit",
            f"{limit_name.capitalize()}: {limit:,} (the count when the first request "
            + ("waited)." if proxy else "was refused).")
            if limit
            else f"{limit_name.capitalize()}: not reached.",
        ),
        Detail(
            "mech-db-errors",
            "Errors",
            f"{plural(len(errors), 'invocation')} failed for want of a connection"
            + (" (borrow timeout)." if proxy else " ('too many connections')."),
        ),
    ]
    wait_mean = format_duration(sum(waits) / len(waits)) if waits else "–"
    wait_max = format_duration(max(waits)) if waits else "–"
    if proxy:
        details.append(
            Detail(
                "mech-db-waits",
                "Waits",
                f"{plural(len(waits), 'invocation')} waited for a pooled connection"
                + (f": {wait_mean} on average, {wait_max} at most." if waits else "."),
            )
        )
    open_now = sum(change for time, change in changes if time <= now)
    lingering = [time for time, change in changes if change < 0 and time > end]
    if lingering and (until is None or now > end):
        held_at_end = sum(change for time, change in changes if time <= end)
        details.append(
            Detail(
                "mech-db-idle",
                "Idle",
                f"After the last request {plural(held_at_end, 'connection')} stayed open, held "
                "by idle environments until they shut down "
                f"(the last at {format_time(max(lingering))}).",
            )
        )
    mode = "through RDS Proxy" if proxy else "directly, one connection per environment"
    summary = (
        f"Connections {mode}: peak {peak:,} {what}"
        + (f" against {limit_name} of {limit:,}" if limit else "")
        + f"; {plural(len(errors), 'connection error')}"
        + (f", {plural(len(waits), 'wait')}" if proxy else "")
        + "."
    )
    return DatabaseView(
        key="database",
        title="The database: connections over time",
        summary=summary,
        until=until,
        proxy=proxy,
        points=line,
        area=area,
        limit=limit,
        limit_y=y_of(limit) if limit else None,
        peak=peak,
        scale=scale,
        open_now=open_now,
        errors=len(errors),
        waits=len(waits),
        wait_mean=wait_mean,
        wait_max=wait_max,
        error_marks=tuple(sorted({x_of(e.time_ms) for e in errors}))[:MAX_MARKS],
        wait_marks=tuple(sorted({x_of(time) for time in wait_times}))[:MAX_MARKS],
        ticks=ticks,
        now_x=x_of(now) if until is not None else None,
        details=tuple(details),
        chart_top=TOP,
        chart_bottom=bottom,
        width=WIDTH,
        height=bottom + 40,
    )
