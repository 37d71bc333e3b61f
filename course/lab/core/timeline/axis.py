"""The time axis: the plot frame, exact and short time labels, round ticks, time → x."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from course.sandbox import Kind, Result, TraceEvent

from .shapes import Tick, coord

LEFT_GUTTER = 150.0  # lane labels
RIGHT_PAD = 24.0
TOP_PAD = 8.0
AXIS_HEIGHT = 40.0
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


@dataclass(frozen=True, slots=True)
class Axis:
    """Map times from start to end (ms) onto x from left to left + width (SVG units)."""

    start: float
    end: float
    left: float
    width: float

    def x(self, time_ms: float) -> float:
        """Return the x of a time, clamped to the axis."""
        span = self.end - self.start
        clamped = min(max(time_ms, self.start), self.end)
        return self.left + (clamped - self.start) / span * self.width

    @property
    def right(self) -> float:
        """Return the x of the axis end."""
        return self.left + self.width


def nice_ticks(start_ms: float, end_ms: float) -> tuple[str, list[tuple[float, str]]]:
    """Return the unit name and about 6–10 (time, label) ticks at round values."""
    span = max(end_ms - start_ms, 1)
    unit_ms, unit, steps = UNITS[-1]
    for limit, candidate in zip(_UNIT_LIMITS, UNITS, strict=False):
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


def axis_ticks(axis: Axis) -> tuple[str, tuple[Tick, ...]]:
    """Return the unit and the ticks placed on the axis."""
    unit, raw = nice_ticks(axis.start, axis.end)
    return unit, tuple(Tick(coord(axis.x(time)), label, time) for time, label in raw)


def detail_ms(event: TraceEvent, key: str) -> int:
    """Return an integer detail of the event (a duration in ms), 0 when absent."""
    value = event.detail.get(key, 0)
    return int(value) if isinstance(value, int | float) else 0


def axis_range(events: Sequence[TraceEvent], result: Result) -> tuple[float, float]:
    """Return the axis start (before 0 for provisioned init) and end (the run's horizon)."""
    start = 0.0
    end = float(result.metrics.horizon_ms)
    for event in events:
        if event.kind == Kind.PROVISION:
            start = min(start, event.time_ms - detail_ms(event, "init_ms"))
        elif event.kind != Kind.SHUTDOWN:
            end = max(end, event.time_ms + detail_ms(event, "duration_ms"))
    if end - start < 10:
        end = start + 10
    return start, end
