"""The event log under the timeline: one narrated line per trace event, with filters.

Pure Python (no Django): the template `lab/_event_log.html` renders what `build_log` returns.
Filters: errors only (`is_error`), and one request id, found directly or inside a batch.

A long log is folded so the page stays short (`fold`): the first `FIRST_LINES` lines are listed,
and so are the first `KEEP_PER_TEXT` lines holding each text to keep open (a preset's
`answers`: what its lesson's caption asks the learner to find; a text on every other line, such
as async-throttling's "The kitchen is full", would otherwise keep the whole log open); the
stretches between sit in `<details>` parts of at most
`PART_LINES` lines, each summarised (events, time span, kinds, errors). Every line stays in the
page, so a timeline bar's `#log-ev-N` link still finds its line: browsers open a closed
`<details>` around a fragment's target (the HTML "ancestor revealing algorithm"), and
`static/js/lab.js` does the same where they do not.

A bar whose line this page does not list (a filter left it out, or it lies past the cap of
`LOG_LIMIT` lines) links to the run's unfiltered page instead, at the page of the log that
lists it (`LogLinks`: `?log_from=N` starts the log at event N).
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

    @property
    def filter_label(self) -> str:
        """Return the filter link's id in words: a stream's bare number is a record."""
        single = self.filter_request or ""
        return f"record {single}" if single.isdigit() else single


LOG_LIMIT = 500  # lines one page lists, at most
FIRST_LINES = 25  # lines listed before the folded parts (a dozen requests' story on a phone)
PART_LINES = 50  # lines per folded part, at most
FOLD_ABOVE = 40  # a log this long or shorter is listed whole
MIN_FOLD = 4  # a shorter stretch between two open lines stays open too
PART_KINDS = 3  # kinds of event a folded part's summary counts
KEEP_PER_TEXT = 2  # lines listed open per text to keep, counting those in the head


@dataclass(frozen=True, slots=True)
class LogPart:
    """A run of consecutive log lines, listed open or folded (its summary says what is inside)."""

    first: int  # the position of its first line in the list, from 1
    lines: tuple[LogLine, ...]
    folded: bool = True

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
    start: int = 0  # the events before this index are left out (`?log_from=N`)

    @property
    def listed(self) -> frozenset[int]:
        """Return the indexes of the events this page lists."""
        return frozenset(line.index for line in self.lines)

    @property
    def shown(self) -> int:
        """Return how many lines are listed."""
        return len(self.lines)

    @property
    def truncated(self) -> int:
        """Return how many matching lines were cut by the limit."""
        return self.matched - len(self.lines)

    @property
    def filtered(self) -> bool:
        """Return whether any filter is on."""
        return (
            self.errors_only
            or self.request is not None
            or self.window is not None
            or self.start > 0
        )

    @property
    def window_label(self) -> str:
        """Return the zoom window in words: "from 1 min 00.200 s to 1 min 02.000 s"."""
        if self.window is None:
            return ""
        return f"from {format_time(int(self.window[0]))} to {format_time(int(self.window[1]))}"


@dataclass(frozen=True, slots=True)
class LogLinks:
    """Where a timeline bar's "#log-ev-N" link finds its line, listed on this page or not."""

    listed: frozenset[int]  # the events this page's log lists
    page_url: str = ""  # the run's unfiltered page ("…?query"); "" when there is none
    limit: int = LOG_LIMIT  # lines per page of the unfiltered log

    def href(self, index: int) -> str:
        """Return the link to event `index`'s line: in this page, else the unfiltered page's."""
        if index in self.listed or not self.page_url:
            return f"#log-ev-{index}"
        start = index - index % self.limit
        return f"{self.page_url}{f'&log_from={start}' if start else ''}#log-ev-{index}"


@dataclass(frozen=True, slots=True)
class FoldedLog:
    """How `_event_log.html` lists a log's lines: open runs and folded parts, in order."""

    blocks: tuple[LogPart, ...]
    kept: int = 0  # lines listed open past the head because they hold a text to keep

    @property
    def parts(self) -> tuple[LogPart, ...]:
        """Return the folded parts."""
        return tuple(block for block in self.blocks if block.folded)

    @property
    def folded_count(self) -> int:
        """Return how many lines are folded."""
        return sum(len(part.lines) for part in self.parts)


def _split(start: int, end: int) -> list[tuple[int, int]]:
    """Return [start, end) cut into the fewest parts of at most PART_LINES, of even sizes."""
    count = -(-(end - start) // PART_LINES)
    size, extra = divmod(end - start, count)
    cuts = []
    for number in range(count):
        length = size + (number < extra)
        cuts.append((start, start + length))
        start += length
    return cuts


def fold(log: EventLog, keep: Sequence[str] = ()) -> FoldedLog:
    """Return the log's lines as listed: a long log folded, except its head and kept lines.

    `keep`: texts whose first lines stay open (a preset's `answers`), so what a lesson asks
    the learner to find is on the page without opening anything.
    """
    lines = log.lines
    # The whole log from event N on (`?log_from=N`) numbers its lines from N + 1, as the trace.
    first = 1 + (log.start if not (log.errors_only or log.request or log.window) else 0)
    if len(lines) <= FOLD_ABOVE:
        return FoldedLog((LogPart(first, lines, folded=False),) if lines else ())
    texts = [text for text in keep if text]
    seen = dict.fromkeys(texts, 0)  # lines holding each text so far
    open_at = []
    for index, line in enumerate(lines):
        held = [text for text in texts if text in line.narration]
        for text in held:
            seen[text] += 1
        wanted = any(seen[text] <= KEEP_PER_TEXT for text in held)
        open_at.append(index < FIRST_LINES or wanted)
    spans: list[tuple[int, int, bool]] = []  # [start, end) and whether folded
    start = 0
    while start < len(lines):
        end = start
        while end < len(lines) and open_at[end] == open_at[start]:
            end += 1
        if open_at[start] or end - start < MIN_FOLD:
            spans.append((start, end, False))
        else:
            spans.extend((a, b, True) for a, b in _split(start, end))
        start = end
    merged: list[tuple[int, int, bool]] = []
    for span in spans:
        if merged and not span[2] and not merged[-1][2]:
            merged[-1] = (merged[-1][0], span[1], False)
        else:
            merged.append(span)
    blocks = tuple(LogPart(a + first, lines[a:b], folded) for a, b, folded in merged)
    return FoldedLog(blocks, sum(open_at[FIRST_LINES:]))


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
    if event.kind in (Kind.INIT, Kind.RESTORE, Kind.PROVISION):
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
    limit: int = LOG_LIMIT,
    timeline: Timeline | None = None,
    window: tuple[float, float] | None = None,
    start: int = 0,
) -> EventLog:
    """Return the log lines, filtered to errors and/or one request id, at most `limit` lines.

    A `window` (start, end in ms: a zoomed timeline's range) keeps the events stamped inside it;
    `start` leaves out the events before that index (the next page of a long log).

    Pass the page's `timeline` so "show in timeline" links match what was drawn; without it the
    default timeline is built again.
    """
    events = result.events
    anchors = (timeline if timeline is not None else build_timeline(result)).anchors
    batches = _batch_members(events) if request else {}
    lines: list[LogLine] = []
    matched = 0
    for index, event in enumerate(events):
        if index < start:
            continue
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
    return EventLog(
        tuple(lines), len(events), matched, errors_only, request or None, window, max(start, 0)
    )


__all__ = [
    "LOG_LIMIT",
    "EventLog",
    "FoldedLog",
    "LogLine",
    "LogLinks",
    "LogPart",
    "build_log",
    "fold",
    "is_error",
]
