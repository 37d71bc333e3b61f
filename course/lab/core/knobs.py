"""The sandbox's knobs: which scenario field each form input sets, with its unit, range and hint.

A preset lists the knobs that matter for it (`knobs: [memory, reserved]`), optionally with a
different scenario path:
`{knob: provisioned, path: Function.Aliases.live.ProvisionedConcurrentExecutions}`.
A knob's range is the engine's (`course.sandbox.limits`), never restated here; a few knobs `cap`
it lower for the web form. The engine's `ScenarioError` is the final word (some limits depend on
other fields) and its message is shown next to the field. Plain Python: no Django.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from course.sandbox import limits
from course.sandbox.limits import FloatRange, IntRange
from course.sandbox.scenario import SNAP_START_APPLY_ON, TUMBLING_WINDOW_S, WINDOW_STATE_BYTES

from .runs import MAX_OFFERED

MISSING = object()
WHOLE_NUMBER_KINDS = frozenset({"int", "optional-int"})


def _plain(value: float) -> float:
    """Return a whole number as an int, so the form shows 0 and 1 rather than 0.0 and 1.0."""
    return int(value) if float(value).is_integer() else value


@dataclass(frozen=True, kw_only=True)
class Knob:
    """One input of the sandbox form."""

    key: str
    path: str
    label: str
    kind: str  # int | float | bool | choice | optional-int
    default: Any
    hint: str
    unit: str = ""
    limits: IntRange | FloatRange | None = None  # the engine's range (course.sandbox.limits)
    cap: float | None = None  # a lower maximum of the lab's own, for the web form
    step: float | None = None  # whole-number knobs step by 1
    choices: tuple[tuple[str, str], ...] = ()
    list_flag: str | None = None  # a bool stored as [flag] / [] (FunctionResponseTypes)
    as_list: bool = False  # a choice stored as a one-item list (Architectures)
    section: str | None = None  # a bool whose False removes this whole section (Idempotency)

    def __post_init__(self) -> None:
        if self.step is None and self.kind in WHOLE_NUMBER_KINDS:
            object.__setattr__(self, "step", 1)

    @property
    def minimum(self) -> float | None:
        """Return the smallest value the form accepts: the engine's."""
        return None if self.limits is None else _plain(self.limits.low)

    @property
    def maximum(self) -> float | None:
        """Return the largest value the form accepts: the engine's, or the lab's cap below it."""
        if self.limits is None:
            return None
        return _plain(self.limits.high if self.cap is None else min(self.cap, self.limits.high))

    @property
    def range_text(self) -> str:
        """Return the allowed range in words, e.g. "128–10,240 MB"."""
        if self.minimum is None or self.maximum is None:
            return ""
        # Whole numbers in full (1,048,576), never as `g` would round them (1.04858e+06).
        low, high = (
            f"{value:,}" if isinstance(value, int) else f"{value:,g}"
            for value in (self.minimum, self.maximum)
        )
        return f"{low}–{high}{f' {self.unit}' if self.unit else ''}"

    def read(self, scenario: Mapping[str, Any]) -> Any:
        """Return this knob's value in a scenario dict (its default where the key is absent)."""
        value = get_path(scenario, self.path)
        if value is MISSING and self.section is not None:
            return get_path(scenario, self.section) is not MISSING  # present means enabled
        if value is MISSING:
            return self.default
        if self.list_flag is not None:
            return self.list_flag in (value or [])
        if self.as_list and isinstance(value, list):
            return value[0] if value else self.default
        if isinstance(value, Mapping):  # e.g. a distribution: show its central value
            return value.get("Ms", value.get("MeanMs", value.get("MedianMs", self.default)))
        return value

    def write(self, scenario: dict[str, Any], value: Any) -> None:
        """Set this knob's value in a scenario dict (None removes an optional setting)."""
        if self.section is not None and not value:
            delete_path(scenario, self.section)
            return
        if self.list_flag is not None:
            value = [self.list_flag] if value else []
        elif self.as_list:
            value = [value]
        elif self.kind == "optional-int" and value is None:
            delete_path(scenario, self.path)
            return
        current = get_path(scenario, self.path)
        if isinstance(current, dict) and not isinstance(value, dict):
            # A distribution keeps its shape; only its central value changes.
            for key in ("Ms", "MeanMs", "MedianMs"):
                if key in current:
                    current[key] = value
                    return
        set_path(scenario, self.path, value)


class KnobError(ValueError):
    """A preset names a knob that does not exist, or gives it a bad path."""


def _parts(path: str) -> list[str]:
    return path.replace("[", ".").replace("]", "").split(".")


def get_path(data: Mapping[str, Any], path: str) -> Any:
    """Return the value at a dotted path (list items by index), or MISSING."""
    node: Any = data
    for part in _parts(path):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
    return node


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set the value at a dotted path, creating mappings on the way."""
    parts = _parts(path)
    node: Any = data
    for part in parts[:-1]:
        if part.isdigit():
            if not isinstance(node, list) or int(part) >= len(node):
                raise KnobError(f"{path}: the scenario has no item {part} to set")
            node = node[int(part)]
        else:
            node = node.setdefault(part, {})
    if isinstance(node, list):
        node[int(parts[-1])] = value
    else:
        node[parts[-1]] = value


def delete_path(data: dict[str, Any], path: str) -> None:
    """Remove the value at a dotted path if it is there."""
    parts = _parts(path)
    parent = get_path(data, ".".join(parts[:-1])) if len(parts) > 1 else data
    if isinstance(parent, dict):
        parent.pop(parts[-1], None)


def normalise_field(field: str) -> str:
    """Turn an engine field path (`Traffic.Rates[0].PerSecond`) into knob path form."""
    return ".".join(_parts(field))


ESM = "Source.EventSourceMapping"
KNOBS = (
    Knob(
        key="memory",
        path="Function.MemorySize",
        label="Memory",
        kind="int",
        default=128,
        unit="MB",
        limits=limits.MEMORY_MB,
        hint="More memory also buys CPU: 1,769 MB is one vCPU.",
    ),
    Knob(
        key="timeout",
        path="Function.Timeout",
        label="Timeout",
        kind="int",
        default=3,
        unit="s",
        limits=limits.TIMEOUT_S,
        hint="How long one invocation may run before Lambda stops it.",
    ),
    Knob(
        key="architecture",
        path="Function.Architectures",
        label="Architecture",
        kind="choice",
        default="x86_64",
        choices=(("x86_64", "x86_64"), ("arm64", "arm64")),
        as_list=True,
        hint="Arm (Graviton) costs less per GB-second.",
    ),
    Knob(
        key="reserved",
        path="Function.ReservedConcurrentExecutions",
        label="Reserved concurrency",
        kind="optional-int",
        default=None,
        unit="environments",
        limits=limits.reserved_range(),
        hint=(
            "Caps (and guarantees) this function's concurrency. Empty = no reservation; 0 = "
            "throttle everything."
        ),
    ),
    Knob(
        key="provisioned",
        path="Function.Aliases.live.ProvisionedConcurrentExecutions",
        label="Provisioned concurrency",
        kind="int",
        default=0,
        unit="environments",
        limits=limits.PROVISIONED,
        cap=1_000,  # the form's choice; the engine also checks the total against what is free
        hint="Environments initialised before traffic arrives (on a version or alias).",
    ),
    Knob(
        key="account_quota",
        path="Account.ConcurrentExecutions",
        label="Account concurrency quota",
        kind="int",
        default=1_000,
        unit="environments",
        limits=limits.ACCOUNT_CONCURRENCY,
        hint="Concurrent executions for the whole Region (default 1,000).",
    ),
    Knob(
        key="scaling_rule",
        path="Account.ScalingRule",
        label="Scaling rule",
        kind="choice",
        default="current",
        choices=(("current", "Current (1,000 per 10 s)"), ("legacy", "Legacy (burst + 500/min)")),
        hint=(
            "Current: 1,000 new environments per 10 s per function. Legacy: a burst, then +500 per "
            "minute."
        ),
    ),
    Knob(
        key="idle",
        path="Environment.IdleLifetimeSeconds",
        label="Idle lifetime",
        kind="int",
        default=600,
        unit="s",
        limits=limits.IDLE_LIFETIME_S,
        hint=(
            "How long a frozen environment is kept. AWS does not document this: it is a simulator "
            "setting."
        ),
    ),
    Knob(
        key="init_ms",
        path="Code.InitDurationMs",
        label="Init duration",
        kind="int",
        default=200,
        unit="ms",
        limits=limits.CODE_MS,
        hint="Time your code outside the handler takes during INIT.",
    ),
    Knob(
        key="snap_start",
        path="Function.SnapStart.ApplyOn",
        label="SnapStart (ApplyOn)",
        kind="choice",
        default=SNAP_START_APPLY_ON[0],
        choices=tuple((value, value) for value in SNAP_START_APPLY_ON),  # AWS's words fit a phone
        hint=(
            "None: every cold start runs INIT. PublishedVersions: INIT runs when a version is "
            "published; a cold start on that version restores the snapshot ($LATEST still runs "
            "INIT). Not with provisioned concurrency."
        ),
    ),
    Knob(
        key="restore_ms",
        path="Code.RestoreDurationMs",
        label="Restore duration",
        kind="int",
        default=100,
        unit="ms",
        limits=limits.CODE_MS,
        hint=(
            "SnapStart only: how long a cold start takes to resume from the snapshot. AWS gives no "
            "figure: a simulator setting."
        ),
    ),
    Knob(
        key="duration_ms",
        path="Code.DurationMs",
        label="Handler duration",
        kind="int",
        default=100,
        unit="ms",
        limits=limits.CODE_MS,
        hint="Work per invocation (per batch for queues and streams).",
    ),
    Knob(
        key="cpu_bound",
        path="Code.CpuBound",
        label="CPU-bound work",
        kind="bool",
        default=False,
        hint="If on, the handler's time shrinks as memory (and so CPU) grows.",
    ),
    Knob(
        key="setup_placement",
        path="Code.Setup.Placement",
        label="Create clients",
        kind="choice",
        default="outside",
        choices=(
            ("outside", "Outside the handler (once, at INIT)"),
            ("inside", "Inside the handler (every invocation)"),
        ),
        hint=(
            "Outside the handler they are built once per environment (INIT); inside, on every "
            "invocation."
        ),
    ),
    Knob(
        key="extensions",
        path="Code.Extensions",
        label="Extensions",
        kind="choice",
        default="none",
        choices=(("none", "None"), ("internal", "Internal"), ("external", "External")),
        hint=(
            "Shutdown gets 0 ms without extensions, 500 ms with an internal one, 2,000 ms with "
            "external ones."
        ),
    ),
    Knob(
        key="alias_weight",
        path="Function.Aliases.live.RoutingConfig.AdditionalVersionWeights.2",
        label="Weight of version 2",
        kind="float",
        default=0.0,
        limits=limits.ROUTING_WEIGHT,
        step=0.01,
        hint="Share of alias traffic routed to the second version (0 to 1).",
    ),
    Knob(
        key="async_retries",
        path="Function.EventInvokeConfig.MaximumRetryAttempts",
        label="Maximum retry attempts",
        kind="int",
        default=2,
        unit="retries",
        limits=limits.ASYNC_RETRIES,
        hint="Retries after a function error for asynchronous events.",
    ),
    Knob(
        key="max_event_age",
        path="Function.EventInvokeConfig.MaximumEventAgeInSeconds",
        label="Maximum event age",
        kind="int",
        default=21_600,
        unit="s",
        limits=limits.MAX_EVENT_AGE_S,
        hint="How long an async event may wait in the internal queue, retries included.",
    ),
    Knob(
        key="batch_size",
        path=f"{ESM}.BatchSize",
        label="Batch size",
        kind="int",
        default=10,
        unit="records",
        limits=limits.BATCH_SIZE,
        hint="Records per invocation. SQS above 10 needs a batching window.",
    ),
    Knob(
        key="batching_window",
        path=f"{ESM}.MaximumBatchingWindowInSeconds",
        label="Batching window",
        kind="int",
        default=0,
        unit="s",
        limits=limits.BATCHING_WINDOW_S,
        hint="How long the poller may wait to fill a batch.",
    ),
    Knob(
        key="low_traffic_wait",
        path="Source.LowTrafficWait",
        label="Low-traffic wait (simulator)",
        kind="bool",
        default=False,
        hint=(
            "Not an AWS setting: on, a batch that isn't full waits up to 20 s, as AWS says it may "
            "with low traffic; off, it goes as soon as a message is visible. Standard queues only."
        ),
    ),
    Knob(
        key="visibility_timeout",
        path="Source.Queue.VisibilityTimeout",
        label="Visibility timeout",
        kind="int",
        default=30,
        unit="s",
        limits=limits.VISIBILITY_TIMEOUT_S,
        hint=(
            "How long a received message stays hidden. AWS advises at least 6 × the function "
            "timeout."
        ),
    ),
    Knob(
        key="max_receive_count",
        path="Source.Queue.RedrivePolicy.maxReceiveCount",
        label="maxReceiveCount",
        kind="optional-int",
        default=None,
        unit="receives",
        limits=limits.MAX_RECEIVE_COUNT,
        hint="Receives before SQS moves a message to the queue's DLQ. Empty = no DLQ.",
    ),
    Knob(
        key="report_batch_item_failures",
        path=f"{ESM}.FunctionResponseTypes",
        label="ReportBatchItemFailures",
        kind="bool",
        default=False,
        list_flag="ReportBatchItemFailures",
        hint="Let the handler report which records failed, so only those are retried.",
    ),
    Knob(
        key="bisect",
        path=f"{ESM}.BisectBatchOnFunctionError",
        label="BisectBatchOnFunctionError",
        kind="bool",
        default=False,
        hint="Split a failing batch in two to isolate the bad record.",
    ),
    Knob(
        key="stream_retries",
        path=f"{ESM}.MaximumRetryAttempts",
        label="Maximum retry attempts (stream)",
        kind="int",
        default=-1,
        unit="retries",
        limits=limits.STREAM_RETRIES,
        hint="-1 retries until the record expires; splits don't count.",
    ),
    Knob(
        key="record_age",
        path=f"{ESM}.MaximumRecordAgeInSeconds",
        label="Maximum record age",
        kind="int",
        default=-1,
        unit="s",
        limits=limits.RECORD_AGE_S,
        hint="-1 = no limit; otherwise 60–604,800 s.",
    ),
    Knob(
        key="parallelization",
        path=f"{ESM}.ParallelizationFactor",
        label="Parallelization factor",
        kind="int",
        default=1,
        limits=limits.PARALLELIZATION,
        hint="Concurrent batches per shard, still in order per partition key.",
    ),
    Knob(
        key="shards",
        path="Source.Stream.ShardCount",
        label="Shards",
        kind="int",
        default=1,
        unit="shards",
        limits=limits.SHARDS,
        hint="Each shard is its own in-order assembly line.",
    ),
    Knob(
        key="tumbling_window",
        path=f"{ESM}.TumblingWindowInSeconds",
        label="Tumbling window",
        kind="int",
        default=0,
        unit="s",
        limits=IntRange(*TUMBLING_WINDOW_S),
        hint=(
            "0 = no window. Otherwise each invocation of a window gets the state the previous one "
            "returned, and a final invocation per shard hands over the window's tally."
        ),
    ),
    Knob(
        key="state_bytes",
        path="Code.StateBytesPerRecord",
        label="State per record",
        kind="int",
        default=100,
        unit="bytes",
        limits=IntRange(0, WINDOW_STATE_BYTES),
        hint=(
            "Tumbling windows only: what each record adds to the state. Over 1 MB per shard, the "
            "window ends early."
        ),
    ),
    Knob(
        key="rds_proxy",
        path="Database.Proxy.Enabled",
        label="RDS Proxy",
        kind="bool",
        default=False,
        section="Database.Proxy",
        hint="Share a pool of connections instead of one per environment.",
    ),
    Knob(
        key="max_connections",
        path="Database.MaxConnections",
        label="Database max_connections",
        kind="int",
        default=100,
        unit="connections",
        limits=limits.DB_CONNECTIONS,
        hint="Connections the database accepts.",
    ),
    Knob(
        key="idempotency",
        path="Idempotency.Enabled",
        label="Idempotency",
        kind="bool",
        default=False,
        section="Idempotency",
        hint="Remember processed event ids so a duplicate causes no second side effect.",
    ),
    Knob(
        key="client_retry",
        path="Client.RetryMode",
        label="Client retries",
        kind="choice",
        default="none",
        choices=(
            ("none", "Never retry"),
            ("legacy", "boto3 legacy (5 attempts)"),
            ("standard", "standard (3 attempts)"),
        ),
        hint="How the synchronous caller's SDK retries throttles and read timeouts.",
    ),
    Knob(
        key="read_timeout",
        path="Client.ReadTimeoutSeconds",
        label="Client read timeout",
        kind="optional-int",
        default=None,
        unit="s",
        limits=limits.READ_TIMEOUT_S,
        hint="The SDK gives up waiting (and may retry) after this long.",
    ),
    Knob(
        key="rate",
        path="Traffic.Rates.0.PerSecond",
        label="Request rate",
        kind="float",
        default=1.0,
        unit="per s",
        limits=limits.RATE_PER_S,
        cap=1_000,  # the form's choice, far below the engine's
        step=0.001,
        hint="Requests per second in the first traffic window.",
    ),
    Knob(
        key="burst",
        path="Traffic.Bursts.0.Count",
        label="Burst size",
        kind="int",
        default=1,
        unit="requests",
        limits=limits.BURST_COUNT,
        cap=5_000,  # the form's choice, far below the engine's
        hint="Requests arriving at the same instant.",
    ),
    Knob(
        key="fault_probability",
        path="Faults.0.Match.Probability",
        label="Failure probability",
        kind="float",
        default=1.0,
        limits=limits.PROBABILITY,
        step=0.01,
        hint="Chance that the injected fault hits an invocation.",
    ),
    Knob(
        key="count",
        path="Traffic.Rates.0.Count",
        label="Requests",
        kind="int",
        default=100,
        unit="requests",
        limits=limits.RATE_COUNT,
        cap=MAX_OFFERED,  # what one web request may simulate
        hint="How many requests the first traffic window sends.",
    ),
    Knob(
        key="setup_ms",
        path="Code.Setup.DurationMs",
        label="Client setup time",
        kind="int",
        default=0,
        unit="ms",
        limits=limits.CODE_MS,
        hint=(
            "What creating SDK clients or connections costs, once per INIT or on every invocation."
        ),
    ),
    Knob(
        key="tmp_miss_ms",
        path="Code.TmpCache.MissMs",
        label="/tmp cache miss",
        kind="int",
        default=300,
        unit="ms",
        limits=limits.CODE_MS,
        hint="Time to fetch the file when it is not in /tmp yet (e.g. from S3).",
    ),
    Knob(
        key="extension_shutdown_ms",
        path="Code.ExtensionShutdownMs",
        label="Extension shutdown work",
        kind="int",
        default=0,
        unit="ms",
        limits=limits.EXTENSION_SHUTDOWN_MS,
        hint="How long the extension needs at SHUTDOWN; past its budget it is killed (SIGKILL).",
    ),
    Knob(
        key="extra_ms",
        path="Faults.0.ExtraMs",
        label="Extra handler time",
        kind="int",
        default=0,
        unit="ms",
        limits=limits.FAULT_MS,
        hint="How much slower the faulty invocations run.",
    ),
    Knob(
        key="max_concurrency",
        path=f"{ESM}.ScalingConfig.MaximumConcurrency",
        label="Maximum concurrency (SQS)",
        kind="optional-int",
        default=None,
        unit="batches",
        limits=limits.MAX_CONCURRENCY,
        hint="Caps the concurrent batches of this event source mapping. Empty = no cap.",
    ),
    Knob(
        key="client_attempts",
        path="Client.MaxAttempts",
        label="Client attempts",
        kind="int",
        default=1,
        unit="attempts",
        limits=limits.CLIENT_ATTEMPTS,
        hint="Total attempts the SDK makes, the first included.",
    ),
    Knob(
        key="borrow_timeout",
        path="Database.Proxy.ConnectionBorrowTimeout",
        label="Connection borrow timeout",
        kind="int",
        default=120,
        unit="s",
        limits=limits.BORROW_TIMEOUT_S,
        hint="How long a client waits for a pooled connection before failing.",
    ),
)
REGISTRY: dict[str, Knob] = {knob.key: knob for knob in KNOBS}


def knobs_for(spec: list[Any]) -> list[Knob]:
    """Return the knobs a preset lists: registry keys, or `{knob, path, label}` overrides."""
    knobs = []
    for item in spec:
        key = item.get("knob") if isinstance(item, Mapping) else item
        if key not in REGISTRY:
            raise KnobError(f"unknown knob {key!r}; known: {', '.join(sorted(REGISTRY))}")
        knob = REGISTRY[key]
        if isinstance(item, Mapping):
            overrides = {k: item[k] for k in ("path", "label", "hint") if k in item}
            knob = replace(knob, **overrides)
        knobs.append(knob)
    return knobs


def apply_values(
    scenario: Mapping[str, Any], knobs: list[Knob], values: Mapping[str, Any]
) -> dict[str, Any]:
    """Return a copy of the scenario with each knob's value written in."""
    result = copy.deepcopy(dict(scenario))
    for knob in knobs:
        if knob.key in values:
            knob.write(result, values[knob.key])
    return result
