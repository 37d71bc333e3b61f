"""What every mechanism view shares: the shape a builder returns and how a page asks for one.

A mechanism view draws the state of one part of Lambda — the pool of environments, the async
queue, an SQS queue, a stream shard and its bisect tree, an alias's split, the database
connections — from a run's trace, at the end of the run or at any step of it (`until`, the
index of the last trace event to take into account). Builders are plain functions of the trace;
each view is a frozen dataclass its own template (`templates/lab/mechanisms/<key>.html`) draws as
SVG with a text alternative. A view whose mechanism the run does not contain is None.

Bottom layer of the package: it imports nothing from its siblings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from course.sandbox import TraceEvent


@dataclass(frozen=True, slots=True)
class Detail:
    """One drawn thing's details, reachable by keyboard and read by screen readers.

    `id` is unique in the page (the SVG element carries it, a `<details>` or list item below the
    figure holds `text`), so a bar or a cell is never explained by a mouse-only `<title>`.
    """

    id: str
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class View:
    """The part every mechanism view has; concrete views subclass it with their own fields."""

    key: str  # pool | async | sqs | stream | alias | database: names the template
    title: str  # in the lesson's analogy, e.g. "The parking lot: execution environments"
    summary: str  # the text alternative: what the picture shows, in one or two sentences
    until: int | None  # the trace index shown, None for the whole run

    @property
    def template(self) -> str:
        """Return the template that draws this view."""
        return f"lab/mechanisms/{self.key}.html"


Builder = Callable[[Sequence[TraceEvent], int | None], View | None]


def events_until(events: Sequence[TraceEvent], until: int | None) -> Sequence[TraceEvent]:
    """Return the events a view at step `until` may see (all of them when None)."""
    return events if until is None else events[: until + 1]
