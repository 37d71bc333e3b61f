"""Mechanism views: the state of each part of Lambda a run involves, drawn beside the timeline.

`build_views(events, until)` returns every view that applies to the run, in a fixed order.
Each builder lives in its own module and is registered in `BUILDERS`.
"""

from __future__ import annotations

from collections.abc import Sequence

from course.sandbox import TraceEvent

from .alias import build_alias
from .async_queue import build_async
from .base import Builder, Detail, View, events_until
from .database import build_database
from .fanout import build_fanout
from .pool import build_pool
from .sqs import build_sqs
from .stream import build_stream

BUILDERS: tuple[Builder, ...] = (
    build_pool,
    build_async,
    build_fanout,
    build_sqs,
    build_stream,
    build_alias,
    build_database,
)


def build_views(events: Sequence[TraceEvent], until: int | None = None) -> tuple[View, ...]:
    """Return the views of the mechanisms this trace contains, as of trace index `until`."""
    views = (build(events, until) for build in BUILDERS)
    return tuple(view for view in views if view is not None)


__all__ = ["BUILDERS", "Builder", "Detail", "View", "build_views", "events_until"]
