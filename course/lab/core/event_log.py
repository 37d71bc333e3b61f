"""The event log under the timeline: one narrated line per trace event, with filters.

Pure Python (no Django): the template `lab/_event_log.html` renders what `build_log` returns.
Filters: errors only (`is_error`), and one request id, found directly or inside a batch.

A long log is folded so the page stays short: the first `FIRST_LINES` lines are listed, the rest
sit in `<details>` parts of `PART_LINES` lines, each summarised (events, time span, errors). The
lines stay in the page, so a timeline bar's `#log-ev-N` link still finds its line: browsers open
a closed `<details>` around a fragment's target (the HTML "ancestor revealing algorithm"), and
`static/js/lab.js` does the same where they do not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from course.sandbox import Kind, Result, TraceEvent

from .timeline import Timeline, build_timeline, format_time


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line of the event log."""

    index: int
    time_ms: int
    time_label: str
    kind: str
    kind_label: str
    narration: str
    css: str
    request: str | None
    filter_request: str | None  # a single id to link a request filter to, else None
    anchor: int | None  # the id N of the timeline element tl-ev-N that shows this event

    @property
    def has_bar(self) -> bool:
        """Return whether the timeline shows this event."""
        return self.anchor is not None


FIRST_LINES = 25  # lines listed before the folded parts (a dozen requests' story on a phone)
PART_LINES = 50  # lines per folded part
FOLD_ABOVE = 40  # a log this long or shorter is listed whole
PART_KINDS = 3  # kinds of event a folded part's summary counts


@dataclass(frozen=True, slots=True)
class LogPart:
    """A folded run of consecutive log lines: its `<details>` summary says what is inside."""

    first: int  # the position of its first line in the list, from 1
    lines: tuple[LogLine, ...]

    @property
    def id(self) -> str:
        """Return the part's element id (unique in the page: one event log per page)."""
        return f"event-log-part-{self.first}"

    @property
    def last(self) -> int:
        """Return the position of its last line, from 1."""
        return self.first + len(self.lines) - 1

    @property
    def span_label(self) -> str:
        """Return the time its lines cover: "1.200 s to 3.400 s", or one time."""
        start, end = self.lines[0].time_label, self.lines[-1].time_label
        return start if start == end else f"{start} to {end}"

    @property
    def kinds_label(self) -> str:
        """Return its commonest kinds of event with their counts: "25 OFFER, 25 INIT"."""
        counts = Counter(line.kind for line in self.lines)
        words = [f"{count:,} {kind}" for kind, count in counts.most_common(PART_KINDS)]
        return ", ".join(words) + (", …" if len(counts) > PART_KINDS else "")

    @property
    def errors(self) -> int:
        """Return how many of its lines are errors or throttles."""
        return sum(line.css in ("log-bad", "log-warn") for line in self.lines)


@dataclass(frozen=True, slots=True)
class EventLog:
    """The filtered event log `_event_log.html` renders."""

    lines: tuple[LogLine, ...]
    total: int  # events in the trace
    matched: int  # events passing the filter
    errors_only: bool
    request: str | None
    window: tuple[float, float] | None = None  # a zoomed timeline's time range, in ms

    @property
    def shown(self) -> int:
        """Return how many lines are listed."""
        return len(self.lines)

    @property
    def truncated(self) -> int:
        """Return how many matching lines were cut by the limit."""
        return self.matched - len(self.lines)

    @property
    def folded(self) -> bool:
        """Return whether the list is long enough to fold into parts."""
        return len(self.lines) > FOLD_ABOVE

    @property
    def head(self) -> tuple[LogLine, ...]:
        """Return the lines listed open: all of them, or the first `FIRST_LINES` when folded."""
        return self.lines[:FIRST_LINES] if self.folded else self.lines

    @property
    def folded_count(self) -> int:
        """Return how many listed lines are folded into parts."""
        return len(self.lines) - len(self.head)

    @property
    def parts(self) -> tuple[LogPart, ...]:
        """Return the folded parts after the head (none when the log is short)."""
        if not self.folded:
            return ()
        return tuple(
            LogPart(start + 1, self.lines[start : start + PART_LINES])
            for start in range(FIRST_LINES, len(self.lines), PART_LINES)
        )

    @property
    def filtered(self) -> bool:
        """Return whether any filter is on."""
        return self.errors_only or self.request is not None or self.window is not None

    @property
    def window_label(self) -> str:
        """Return the zoom window in words: "from 1 min 00.200 s to 1 min 02.000 s"."""
        if self.window is None:
            return ""
        return f"from {format_time(int(self.window[0]))} to {format_time(int(self.window[1]))}"


def is_error(event: TraceEvent) -> bool:
    """Return whether the event belongs in the "errors only" log."""
    kind, outcome = event.kind, event.outcome
    if kind in (Kind.INVOKE, Kind.RESPONSE):
        return outcome not in (None, "ok")
    if kind == Kind.DESTINATION:
        return outcome != "Success"
    if kind == Kind.BATCH_RESULT:
        return outcome != "ok"
    if kind == Kind.SHUTDOWN:
        return bool(event.detail.get("sigkill"))
    return kind in _ERROR_KINDS


_ERROR_KINDS = frozenset(
    {
        Kind.TIMEOUT,
        Kind.INIT_TIMEOUT,
        Kind.RESET,
        Kind.THROTTLE,
        Kind.DLQ,
        Kind.DISCARD,
        Kind.EXPIRE,
        Kind.DB_ERROR,
        Kind.CLIENT_TIMEOUT,
    }
)


def _range_matcher(label: str) -> tuple[str, int, int] | None:
    """Return (prefix, first, last) for a batch label like "msg-1…msg-10" or "11…18"."""
    if "…" not in label:
        return None
    first, _, last = label.partition("…")
    prefix = first.rstrip("0123456789")
    if not last.startswith(prefix) or first == prefix or last == prefix:
        return None
    number, other = first[len(prefix) :], last[len(prefix) :]
    if not other.isdigit():
        return None
    return prefix, int(number), int(other)


def _matches_request(
    event: TraceEvent, request: str, batches: Mapping[str, frozenset[str]]
) -> bool:
    """Return whether the event concerns the request, directly or through a batch."""
    label = event.request
    if label is None:
        return False
    if label == request:
        return True
    if label in batches:
        return request in batches[label]
    parsed = _range_matcher(label)
    if parsed is None:
        return False
    prefix, first, last = parsed
    suffix = request[len(prefix) :]
    return request.startswith(prefix) and suffix.isdigit() and first <= int(suffix) <= last


def _batch_members(events: Sequence[TraceEvent]) -> dict[str, frozenset[str]]:
    """Return the exact members of each batch label the poller recorded."""
    members: dict[str, set[str]] = {}
    for event in events:
        batch = event.detail.get("batch")
        if event.kind == Kind.BATCH_START and event.request and isinstance(batch, list | tuple):
            members.setdefault(event.request, set()).update(str(item) for item in batch)
    return {label: frozenset(ids) for label, ids in members.items()}


def _log_css(event: TraceEvent) -> str:
    """Return the log line class: bad, warn, init, ok or info."""
    if is_error(event):
        return "log-bad" if event.kind != Kind.THROTTLE else "log-warn"
    if event.kind in (Kind.INIT, Kind.PROVISION):
        return "log-init"
    if event.outcome in ("ok", "Success"):
        return "log-ok"
    return "log-info"


def _kind_label(event: TraceEvent) -> str:
    """Return the badge text: the kind, plus the outcome when it adds something."""
    outcome = event.outcome
    if outcome and outcome.lower() != str(event.kind).lower():
        return f"{event.kind} {outcome}"
    return str(event.kind)


def build_log(
    result: Result,
    *,
    errors_only: bool = False,
    request: str | None = None,
    limit: int = 500,
    timeline: Timeline | None = None,
    window: tuple[float, float] | None = None,
) -> EventLog:
    """Return the log lines, filtered to errors and/or one request id, at most `limit` lines.

    A `window` (start, end in ms: a zoomed timeline's range) keeps the events stamped inside it.

    Pass the page's `timeline` so "show in timeline" links match what was drawn; without it the
    default timeline is built again.
    """
    events = result.events
    anchors = (timeline if timeline is not None else build_timeline(result)).anchors
    batches = _batch_members(events) if request else {}
    lines: list[LogLine] = []
    matched = 0
    for index, event in enumerate(events):
        if errors_only and not is_error(event):
            continue
        if request and not _matches_request(event, request, batches):
            continue
        if window is not None and not window[0] <= event.time_ms <= window[1]:
            continue
        matched += 1
        if len(lines) >= limit:
            continue
        single = event.request if event.request and "…" not in event.request else None
        lines.append(
            LogLine(
                index,
                event.time_ms,
                format_time(event.time_ms),
                str(event.kind),
                _kind_label(event),
                event.narration,
                _log_css(event),
                event.request,
                single,
                anchors.get(index),
            )
        )
    return EventLog(tuple(lines), len(events), matched, errors_only, request or None, window)


__all__ = ["EventLog", "LogLine", "LogPart", "build_log", "is_error"]
