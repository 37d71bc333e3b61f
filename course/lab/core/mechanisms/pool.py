"""The parking lot: the execution environments of a run and the state of each at one instant.

One parking space per environment (a food truck). An environment's state follows its events:
PROVISION or FREEZE → frozen (idle, waiting for a request), INIT or a SnapStart RESTORE →
initialising (a cold start), THAW or INVOKE → busy, SHUTDOWN → shutting down at that instant,
then gone. The whole-run view shows the lot when the last request finished (the shutdowns the
run ends with, each truck leaving after its idle lifetime, are counted, not drawn as an empty
lot).

A lot of more than `MAX_DRAWN` environments is drawn by group instead of truck by truck: one row
per state (provisioned and on-demand apart), with one truck in that state, "× N" and a bar of
its share of the lot, so a run of hundreds of environments stays readable on a phone. Each
group's exact count and members are in its text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from course.sandbox import Kind, TraceEvent

from ..timeline.axis import format_time
from .base import Detail, View, events_until

INITIALISING = "initialising"
BUSY = "busy"
FROZEN = "frozen"
SHUTTING_DOWN = "shutting-down"
GONE = "gone"
STATES = (INITIALISING, BUSY, FROZEN, SHUTTING_DOWN, GONE)
STATE_LABELS = {
    INITIALISING: "initialising",
    BUSY: "busy",
    FROZEN: "frozen (idle)",
    SHUTTING_DOWN: "shutting down",
    GONE: "gone",
}
# What the truck shows on its side in the picture (short, so it fits a parking space).
STATE_SIGNS = {
    INITIALISING: "INIT",
    BUSY: "BUSY",
    FROZEN: "FROZEN",
    SHUTTING_DOWN: "LEAVING",
    GONE: "gone",
}
# A SnapStart cold start: the truck is rebuilt from the version's photograph, no INIT.
RESTORE_SIGN = "RESTORE"
RESTORE_LABEL = "restoring from the SnapStart snapshot"

MAX_DRAWN = 16  # parking spaces drawn one by one; a bigger lot is drawn by group
COLUMNS = 4
SPACE_W = 120
SPACE_H = 96
GROUP_W = 360  # narrower than the lot of spaces: on a phone the text scales down less
GROUP_H = 72  # one row per group
GROUP_BAR_X = 130
GROUP_BAR_W = 220
MAX_RANGES = 8  # environment id ranges a group's text lists
MAX_REQUESTS = 5  # requests a busy or initialising group's text names


@dataclass(frozen=True, slots=True)
class Space:
    """One parking space: an environment, its state and where the picture puts it."""

    env: int
    version: str | None
    provisioned: bool
    state: str
    since_ms: int
    request: str | None  # the request it serves (busy) or initialises for
    invocations: int
    cold_starts: int
    x: int
    y: int
    detail: Detail
    function: str | None = None  # named when the run has several functions
    restoring: bool = False  # its cold start is a SnapStart RESTORE, not an INIT

    @property
    def sign(self) -> str:
        """Return the word painted on the truck: RESTORE for a SnapStart cold start."""
        return RESTORE_SIGN if self.restoring else STATE_SIGNS[self.state]

    @property
    def state_label(self) -> str:
        """Return the state in words."""
        return RESTORE_LABEL if self.restoring else STATE_LABELS[self.state]


@dataclass(frozen=True, slots=True)
class StateCount:
    """How many environments are in one state."""

    state: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Group:
    """Environments in the same state (and both provisioned, or both not), drawn as one row."""

    state: str
    provisioned: bool
    count: int
    y: int
    bar_width: float  # the group's share of the lot, on a GROUP_BAR_W track
    detail: Detail

    @property
    def sign(self) -> str:
        """Return the word painted on the group's truck."""
        return STATE_SIGNS[self.state]

    @property
    def count_label(self) -> str:
        """Return the count with thousands separators (the SVG is not localised)."""
        return f"{self.count:,}"

    @property
    def label(self) -> str:
        """Return the state in words, and "provisioned" for provisioned environments."""
        return STATE_LABELS[self.state] + (", provisioned" if self.provisioned else "")


@dataclass(frozen=True, slots=True)
class PoolView(View):
    """The parking lot at one instant, with the run's counts so far."""

    time_ms: int
    spaces: tuple[Space, ...]
    counts: tuple[StateCount, ...]
    created: int
    cold_starts: int
    reused: int
    provisioned: int
    width: int
    height: int
    groups: tuple[Group, ...] = ()  # a big lot: drawn by group, `spaces` empty
    snapstart: bool = False  # the run's cold starts include SnapStart restores

    @property
    def details(self) -> tuple[Detail, ...]:
        """Return the drawn spaces' or groups' details, in the picture's order."""
        if self.groups:
            return tuple(group.detail for group in self.groups)
        return tuple(space.detail for space in self.spaces)

    @property
    def bar_x(self) -> int:
        """Return where a group's share bar starts."""
        return GROUP_BAR_X

    @property
    def bar_track(self) -> int:
        """Return the width of a group's share bar at 100 %."""
        return GROUP_BAR_W

    @property
    def view_box(self) -> str:
        """Return the SVG viewBox."""
        return f"0 0 {self.width} {self.height}"


class _Env:
    __slots__ = (
        "cold_starts",
        "function",
        "id",
        "invocations",
        "provisioned",
        "request",
        "restoring",
        "shutdown_index",
        "since_ms",
        "state",
        "version",
    )

    def __init__(self, env_id: int, version: str | None, provisioned: bool) -> None:
        self.id = env_id
        self.version = version
        self.provisioned = provisioned
        self.state = FROZEN
        self.since_ms = 0
        self.request: str | None = None
        self.invocations = 0
        self.cold_starts = 0
        self.shutdown_index = -1
        self.function: str | None = None
        self.restoring = False


def _shown_until(events: Sequence[TraceEvent], until: int | None) -> int:
    """Return the index the view shows: `until`, or the last event before the closing shutdowns."""
    if until is not None:
        return min(until, len(events) - 1)
    last = len(events) - 1
    while last > 0 and events[last].kind == Kind.SHUTDOWN:
        last -= 1
    return last


def build_pool(events: Sequence[TraceEvent], until: int | None) -> PoolView | None:
    """Return the parking lot as of trace index `until` (None: when the last request finished)."""
    if not any(event.env is not None for event in events):
        return None
    shown = _shown_until(events, until)
    seen = events_until(events, shown)
    envs: dict[int, _Env] = {}
    cold = reused = 0
    several = len({e.function for e in events if e.function is not None}) > 1
    for index, event in enumerate(seen):
        if event.env is None:
            continue
        env = envs.get(event.env)
        if env is None:
            provisioned = event.kind == Kind.PROVISION
            env = envs[event.env] = _Env(event.env, event.version, provisioned)
            env.since_ms = event.time_ms
            env.function = event.function if several else None
        kind = event.kind
        if kind == Kind.PROVISION:
            env.state, env.since_ms = FROZEN, event.time_ms
        elif kind in (Kind.INIT, Kind.RESTORE):  # a SnapStart restore is its cold start
            cold += 1
            env.cold_starts += 1
            env.state, env.since_ms, env.request = INITIALISING, event.time_ms, event.request
            env.restoring = kind == Kind.RESTORE
        elif kind == Kind.THAW:
            reused += 1
            env.state, env.since_ms, env.request = BUSY, event.time_ms, event.request
        elif kind == Kind.INVOKE:
            env.invocations += 1
            env.state, env.since_ms, env.request = BUSY, event.time_ms, event.request
        elif kind == Kind.FREEZE:
            env.state, env.since_ms, env.request = FROZEN, event.time_ms, None
        elif kind == Kind.SHUTDOWN:
            env.state, env.since_ms, env.request = SHUTTING_DOWN, event.time_ms, None
            env.shutdown_index = index
    for env in envs.values():
        # A shutdown is an instant in the trace: the truck is leaving at its own event only.
        if env.state == SHUTTING_DOWN and env.shutdown_index != shown:
            env.state = GONE
    ordered = sorted(envs.values(), key=lambda env: env.id)
    grouped = len(ordered) > MAX_DRAWN
    drawn = [] if grouped else ordered
    spaces = tuple(_space(env, position) for position, env in enumerate(drawn))
    groups = _groups(ordered) if grouped else ()
    counts = tuple(
        StateCount(state, STATE_LABELS[state], sum(1 for env in ordered if env.state == state))
        for state in STATES
    )
    rows = max(1, -(-len(drawn) // COLUMNS))
    time_ms = seen[-1].time_ms if seen else 0
    view = PoolView(
        key="pool",
        title="The parking lot: execution environments",
        summary="",
        until=until,
        time_ms=time_ms,
        spaces=spaces,
        counts=counts,
        created=len(ordered),
        cold_starts=cold,
        reused=reused,
        provisioned=sum(1 for env in ordered if env.provisioned),
        width=GROUP_W if groups else COLUMNS * SPACE_W,
        height=len(groups) * GROUP_H if groups else rows * SPACE_H,
        groups=groups,
        snapstart=any(event.kind == Kind.RESTORE for event in events),
    )
    return _with_summary(view)


def _id_ranges(ids: Sequence[int]) -> str:
    """Return sorted ids as ranges: "#1–#40, #42, #44–#50", the first MAX_RANGES of them."""
    ranges: list[tuple[int, int]] = []
    for env_id in ids:
        if ranges and env_id == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], env_id)
        else:
            ranges.append((env_id, env_id))
    words = [f"#{a}" if a == b else f"#{a}–#{b}" for a, b in ranges[:MAX_RANGES]]
    rest = sum(b - a + 1 for a, b in ranges[MAX_RANGES:])
    return ", ".join(words) + (f" and {rest:,} more" if rest else "")


def _groups(ordered: Sequence[_Env]) -> tuple[Group, ...]:
    """Return the lot's groups: by state in STATES order, provisioned before on-demand."""
    total = len(ordered)
    groups: list[Group] = []
    for state in STATES:
        for provisioned in (True, False):
            members = [e for e in ordered if e.state == state and e.provisioned == provisioned]
            if not members:
                continue
            count = len(members)
            kind = "provisioned" if provisioned else "on-demand"
            text = (
                f"{count:,} {kind} environment{'' if count == 1 else 's'} "
                f"{STATE_LABELS[state]}: {_id_ranges([e.id for e in members])}."
            )
            functions = Counter(e.function for e in members if e.function)
            if functions:
                text += " " + ", ".join(f"{n:,} of {name}" for name, n in functions.items()) + "."
            requests = [e.request for e in members if e.request and state in (INITIALISING, BUSY)]
            if requests:
                named = ", ".join(requests[:MAX_REQUESTS])
                more = len(requests) - MAX_REQUESTS
                verb = "serving" if state == BUSY else "initialising for"
                text += f" {verb.capitalize()} {named}" + (
                    f" and {more:,} more." if more > 0 else "."
                )
            served = sum(e.invocations for e in members)
            cold = sum(e.cold_starts for e in members)
            text += (
                f" Together they served {_plural(served, 'invocation')} "
                f"after {_plural(cold, 'cold start')}."
            )
            key = f"pool-group-{state}{'-pc' if provisioned else ''}"
            label = f"{count:,} {STATE_LABELS[state]}" + (" (provisioned)" if provisioned else "")
            groups.append(
                Group(
                    state,
                    provisioned,
                    count,
                    len(groups) * GROUP_H,
                    round(GROUP_BAR_W * count / total, 1),
                    Detail(key, label, text),
                )
            )
    return tuple(groups)


def _space(env: _Env, position: int) -> Space:
    row, column = divmod(position, COLUMNS)
    kind = "provisioned" if env.provisioned else "on-demand"
    version = f"version {env.version}, " if env.version else ""
    version = f"{env.function}, {version}" if env.function else version
    restoring = env.restoring and env.state == INITIALISING
    state = RESTORE_LABEL if restoring else STATE_LABELS[env.state]
    what = f" for {env.request}" if env.request and env.state in (INITIALISING, BUSY) else ""
    text = (
        f"Environment {env.id} ({version}{kind}): {state}{what} since "
        f"{format_time(env.since_ms)}; {env.invocations} "
        f"invocation{'' if env.invocations == 1 else 's'} served, {env.cold_starts} cold "
        f"start{'' if env.cold_starts == 1 else 's'}."
    )
    owner = f" ({env.function})" if env.function else ""
    detail = Detail(f"pool-env-{env.id}", f"Environment {env.id}{owner}: {state}", text)
    return Space(
        env.id,
        env.version,
        env.provisioned,
        env.state,
        env.since_ms,
        env.request,
        env.invocations,
        env.cold_starts,
        column * SPACE_W,
        row * SPACE_H,
        detail,
        env.function,
        restoring,
    )


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _with_summary(view: PoolView) -> PoolView:
    states = ", ".join(f"{c.count:,} {c.label}" for c in view.counts if c.count)
    moment = (
        f"At {format_time(view.time_ms)}"
        if view.until is not None
        else f"When the last request finished ({format_time(view.time_ms)})"
    )
    summary = (
        f"{moment}: {states or 'no environments'}. So far {_plural(view.created, 'environment')} "
        f"created ({view.provisioned} provisioned), {_plural(view.cold_starts, 'cold start')}, "
        f"{_plural(view.reused, 'warm reuse')}."
    )
    if view.groups:
        summary += (
            f" More than {MAX_DRAWN} environments: the picture draws one row per state, "
            "with its count and its share of the lot."
        )
    return replace(view, summary=summary)
