"""How each trace event is drawn: bar and marker styles (CSS classes), marker shapes, severity.

Colours come from CSS classes in `static/css/site.css` ("Sandbox timeline" section), never from
the SVG itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from course.sandbox import Kind, TraceEvent

from .shapes import svg_num

MARKER_SIZE = 11.0


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


def polygon(shape: str, cx: float, cy: float, size: float = MARKER_SIZE) -> str:
    """Return SVG polygon points for a marker shape centred on (cx, cy)."""
    half = size / 2
    return " ".join(
        f"{svg_num(cx + dx * half)},{svg_num(cy + dy * half)}" for dx, dy in SHAPES[shape]
    )


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
    "restore": _Style("tl-restore", "RESTORE: SnapStart cold start from the version's snapshot"),
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

ENV_MARKERS = {
    Kind.SHUTDOWN: "shutdown",
    Kind.RESET: "reset",
    Kind.TIMEOUT: "fn-timeout",
    Kind.INIT_TIMEOUT: "init-timeout",
}
DB_KINDS = {Kind.DB_ERROR: "db-error", Kind.DB_WAIT: "db-wait", Kind.DB_CONNECT: "db-connect"}
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
DESTINATION_KINDS = frozenset({Kind.DLQ, Kind.DESTINATION, Kind.DISCARD})
ENV_BAR_KINDS = frozenset({Kind.INIT, Kind.RESTORE, Kind.INVOKE, Kind.FREEZE, Kind.PROVISION})


def marker_style(event: TraceEvent) -> str | None:
    """Return the marker style key for an event drawn as a marker, or None."""
    kind = event.kind
    if kind in ENV_MARKERS and event.env is not None:
        return ENV_MARKERS[kind]
    if kind in DB_KINDS:
        return DB_KINDS[kind]
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


def is_drawn(event: TraceEvent) -> bool:
    """Return whether detailed mode draws the event as a bar or marker."""
    return (event.kind in ENV_BAR_KINDS and event.env is not None) or marker_style(
        event
    ) is not None
