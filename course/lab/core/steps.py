"""Step mode: a learner's list of actions, replayed from the start into a scenario.

The state is always a pure function of the actions: every step re-simulates from t = 0, so a
shared URL (`?steps=invoke,wait:600000,invoke`) shows exactly the same run. Plain Python.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from course.sandbox import Kind, Scenario, simulate

from .timeline.axis import format_time

MAX_STEPS = 40
MAX_BURST = 200
AMOUNTS = {"burst", "wait", "shift"}
ALIAS = "live"


class StepError(ValueError):
    """A step token that cannot be understood; the message says which and why."""


@dataclass(frozen=True)
class Step:
    """One action: invoke, burst (count), wait (ms), break, fix, publish or shift (percent)."""

    action: str
    amount: int = 0

    @property
    def token(self) -> str:
        """Return the step as written in the URL."""
        return f"{self.action}:{self.amount}" if self.action in AMOUNTS else self.action

    @property
    def label(self) -> str:
        """Return the step in words."""
        if self.action == "burst":
            return f"Send a burst of {self.amount}"
        if self.action == "wait":
            return f"Wait {_duration_words(self.amount)}"
        if self.action == "shift":
            return f"Shift {self.amount}% of alias traffic to the newest version"
        return {
            "invoke": "Invoke once",
            "break": "Break the function",
            "fix": "Fix the function",
            "publish": "Publish a new version",
        }[self.action]


def _duration_words(ms: int) -> str:
    if ms % 60_000 == 0:
        minutes = ms // 60_000
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{ms / 1000:g} s"


def parse_steps(text: str) -> list[Step]:
    """Parse `invoke,burst:5,wait:60000,break,fix`; raise StepError naming a bad token."""
    steps: list[Step] = []
    for token in filter(None, (part.strip() for part in text.split(","))):
        action, _, amount = token.partition(":")
        if action in {"invoke", "break", "fix", "publish"} and not amount:
            steps.append(Step(action))
        elif action == "shift" and amount.isdigit() and 0 <= int(amount) <= 100:
            steps.append(Step("shift", int(amount)))
        elif action == "burst" and amount.isdigit() and 1 <= int(amount) <= MAX_BURST:
            steps.append(Step("burst", int(amount)))
        elif action == "wait" and amount.isdigit() and 1 <= int(amount) <= 86_400_000:
            steps.append(Step("wait", int(amount)))
        else:
            raise StepError(
                f"Step {token!r} is not understood: use invoke, burst:N (1–{MAX_BURST}), "
                "wait:MS (1–86,400,000), break, fix, publish or shift:PERCENT (0–100)."
            )
    if len(steps) > MAX_STEPS:
        raise StepError(f"{len(steps)} steps is more than the {MAX_STEPS} the sandbox replays.")
    return steps


def format_steps(steps: list[Step]) -> str:
    """Return the URL form of a list of steps."""
    return ",".join(step.token for step in steps)


@dataclass(frozen=True)
class StepMark:
    """Where a step happened on the simulated clock, for the step list and timeline."""

    step: Step
    at_ms: int

    @property
    def at_label(self) -> str:
        """Return when the step happened, in human units ("10 min 00.352 s")."""
        return format_time(self.at_ms)


def apply_steps(
    base: Mapping[str, Any], steps: list[Step], *, max_events: int = 1_000_000
) -> tuple[dict[str, Any], list[StepMark]]:
    """Return the scenario the steps describe (the preset's own traffic is replaced) and marks.

    Placing a step after an invoke or a burst replays the script so far to see when its first
    attempts finish; `max_events` bounds the work of all those replays together (events
    simulated plus events recorded), and a script that needs more raises StepError.
    """
    work = _Work(max_events)
    scenario = copy.deepcopy(dict(base))
    scenario["Traffic"] = {"Events": []}
    faults: list[dict[str, Any]] = [
        fault for fault in scenario.get("Faults", []) if "FromMs" not in fault.get("Match", {})
    ]
    scenario["Faults"] = faults
    events: list[dict[str, Any]] = scenario["Traffic"]["Events"]
    releases = _Releases(scenario) if any(s.action in {"publish", "shift"} for s in steps) else None
    marks: list[StepMark] = []
    clock = 0
    broken: dict[str, Any] | None = None
    for number, step in enumerate(steps, start=1):
        marks.append(StepMark(step, clock))
        if step.action == "wait":
            clock += step.amount
        elif step.action == "break" and broken is None:
            broken = {"Effect": "error", "Match": {"FromMs": clock}}
            if releases is not None and releases.published:
                # A bug ships with the newest release: older versions keep working (canary).
                broken["Match"]["Versions"] = [releases.newest]
            faults.append(broken)
        elif step.action == "fix" and broken is not None:
            broken["Match"]["ToMs"] = clock
            broken = None
        elif step.action == "publish" and releases is not None:
            releases.publish(clock)
        elif step.action == "shift" and releases is not None:
            releases.shift(clock, step.amount)
        elif step.action in {"invoke", "burst"}:
            count = 1 if step.action == "invoke" else step.amount
            for index in range(count):
                suffix = f"-{index + 1}" if count > 1 else ""
                events.append({"AtMs": clock, "Id": f"step{number}{suffix}"})
            clock = _first_attempts_done(scenario, clock, work, number)
    if not events:
        scenario.pop("Traffic")
    return scenario, marks


class _Releases:
    """Versions and the `live` alias for publish and shift steps (callers invoke the alias)."""

    def __init__(self, scenario: dict[str, Any]) -> None:
        function = scenario.setdefault("Function", {})
        self.versions: dict[str, Any] = function.setdefault("Versions", {})
        if not self.versions:
            self.versions["1"] = {"Description": "the function as deployed"}
        self.aliases: dict[str, Any] = function.setdefault("Aliases", {})
        newest = max(self.versions, key=int)
        self.alias = self.aliases.setdefault(ALIAS, {"FunctionVersion": newest})
        self.alias.pop("ProvisionedConcurrentExecutions", None)
        scenario.setdefault("Source", {})["Qualifier"] = ALIAS
        self.stable = str(self.alias["FunctionVersion"])
        self.published = False

    @property
    def newest(self) -> str:
        return max(self.versions, key=int)

    def publish(self, clock: int) -> None:
        """Publish the current code as a new immutable version (the alias doesn't move)."""
        self.versions[str(int(self.newest) + 1)] = {"Description": f"published at {clock} ms"}
        self.published = True

    def shift(self, clock: int, percent: int) -> None:
        """Route `percent` of the alias's traffic to the newest version from now on."""
        newest = self.newest
        if percent == 100 or newest == self.stable:
            routing: dict[str, Any] = {"FunctionVersion": newest}
            self.stable = newest if percent == 100 else self.stable
        elif percent == 0:
            routing = {"FunctionVersion": self.stable}
        else:
            weights = {newest: percent / 100}
            routing = {
                "FunctionVersion": self.stable,
                "RoutingConfig": {"AdditionalVersionWeights": weights},
            }
        self.alias.setdefault("Shifts", []).append({"AtMs": clock, **routing})


class _Work:
    """What is left of a traffic script's replay budget."""

    def __init__(self, budget: int) -> None:
        self.left = budget


def _first_attempts_done(scenario: dict[str, Any], since_ms: int, work: _Work, number: int) -> int:
    """Return when the first attempts started at or after `since_ms` finish (the caller's view)."""
    left = max(work.left, 1)
    result = simulate(Scenario.from_dict(scenario), max_events=left, max_trace_events=left)
    work.left -= result.simulated_events + len(result.events)
    if result.stopped is not None or work.left <= 0:
        raise StepError(
            f"Step {number} makes this traffic script too long to replay in the browser "
            "(too many invocations, retries or redeliveries so far): use fewer or smaller "
            "bursts, or undo a step."
        )
    done = since_ms + 1
    for event in result.events:
        if event.time_ms < since_ms:
            continue
        if event.kind is Kind.INVOKE and (event.attempt or 1) == 1:
            done = max(done, event.time_ms + int(str(event.detail.get("duration_ms", 0))) + 1)
        elif event.kind is Kind.THROTTLE:
            done = max(done, event.time_ms + 1)
    return done
