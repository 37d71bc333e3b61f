"""The sandbox's knobs: which scenario field each form input sets, with its unit, range and hint.

A preset lists the knobs that matter for it (`knobs: [memory, reserved]`), optionally with a
different scenario path (`{knob: provisioned, path: Function.Aliases.live.ProvisionedConcurrentExecutions}`).
Ranges here only guide the form; the engine's `ScenarioError` is the final word and its message
is shown next to the field. Plain Python: no Django.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

MISSING = object()


@dataclass(frozen=True)
class Knob:
    """One input of the sandbox form."""

    key: str
    path: str
    label: str
    kind: str  # int | float | bool | choice | optional-int
    default: Any
    hint: str
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    choices: tuple[tuple[str, str], ...] = ()
    list_flag: str | None = None  # a bool stored as [flag] / [] (FunctionResponseTypes)
    as_list: bool = False  # a choice stored as a one-item list (Architectures)
    section: str | None = None  # a bool whose False removes this whole section (Idempotency)

    @property
    def range_text(self) -> str:
        """Return the allowed range in words, e.g. "128–10,240 MB"."""
        if self.minimum is None or self.maximum is None:
            return ""
        low, high = (f"{value:,g}" for value in (self.minimum, self.maximum))
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
REGISTRY: dict[str, Knob] = {
    knob.key: knob
    for knob in (
        Knob(
            "memory",
            "Function.MemorySize",
            "Memory",
            "int",
            128,
            "More memory also buys CPU: 1,769 MB is one vCPU.",
            "MB",
            128,
            10_240,
            1,
        ),
        Knob(
            "timeout",
            "Function.Timeout",
            "Timeout",
            "int",
            3,
            "How long one invocation may run before Lambda stops it.",
            "s",
            1,
            900,
            1,
        ),
        Knob(
            "architecture",
            "Function.Architectures",
            "Architecture",
            "choice",
            "x86_64",
            "Arm (Graviton) costs less per GB-second.",
            choices=(("x86_64", "x86_64"), ("arm64", "arm64")),
            as_list=True,
        ),
        Knob(
            "reserved",
            "Function.ReservedConcurrentExecutions",
            "Reserved concurrency",
            "optional-int",
            None,
            "Caps (and guarantees) this function's concurrency. Empty = no reservation; 0 = throttle everything.",
            "environments",
            0,
            900,
            1,
        ),
        Knob(
            "provisioned",
            "Function.Aliases.live.ProvisionedConcurrentExecutions",
            "Provisioned concurrency",
            "int",
            0,
            "Environments initialised before traffic arrives (on a version or alias).",
            "environments",
            0,
            1_000,
            1,
        ),
        Knob(
            "account_quota",
            "Account.ConcurrentExecutions",
            "Account concurrency quota",
            "int",
            1_000,
            "Concurrent executions for the whole Region (default 1,000).",
            "environments",
            1,
            1_000_000,
            1,
        ),
        Knob(
            "scaling_rule",
            "Account.ScalingRule",
            "Scaling rule",
            "choice",
            "current",
            "Current: 1,000 new environments per 10 s per function. Legacy: a burst, then +500 per minute.",
            choices=(
                ("current", "Current (1,000 per 10 s)"),
                ("legacy", "Legacy (burst + 500/min)"),
            ),
        ),
        Knob(
            "idle",
            "Environment.IdleLifetimeSeconds",
            "Idle lifetime",
            "int",
            600,
            "How long a frozen environment is kept. AWS does not document this: it is a simulator setting.",
            "s",
            1,
            86_400,
            1,
        ),
        Knob(
            "init_ms",
            "Code.InitDurationMs",
            "Init duration",
            "int",
            200,
            "Time your code outside the handler takes during INIT.",
            "ms",
            0,
            900_000,
            1,
        ),
        Knob(
            "duration_ms",
            "Code.DurationMs",
            "Handler duration",
            "int",
            100,
            "Work per invocation (per batch for queues and streams).",
            "ms",
            0,
            900_000,
            1,
        ),
        Knob(
            "cpu_bound",
            "Code.CpuBound",
            "CPU-bound work",
            "bool",
            False,
            "If on, the handler's time shrinks as memory (and so CPU) grows.",
        ),
        Knob(
            "setup_placement",
            "Code.Setup.Placement",
            "Create clients",
            "choice",
            "outside",
            "Outside the handler they are built once per environment (INIT); inside, on every invocation.",
            choices=(
                ("outside", "Outside the handler (once, at INIT)"),
                ("inside", "Inside the handler (every invocation)"),
            ),
        ),
        Knob(
            "extensions",
            "Code.Extensions",
            "Extensions",
            "choice",
            "none",
            "Shutdown gets 0 ms without extensions, 500 ms with an internal one, 2,000 ms with external ones.",
            choices=(("none", "None"), ("internal", "Internal"), ("external", "External")),
        ),
        Knob(
            "alias_weight",
            "Function.Aliases.live.RoutingConfig.AdditionalVersionWeights.2",
            "Weight of version 2",
            "float",
            0.0,
            "Share of alias traffic routed to the second version (0 to 1).",
            "",
            0,
            1,
            0.01,
        ),
        Knob(
            "async_retries",
            "Function.EventInvokeConfig.MaximumRetryAttempts",
            "Maximum retry attempts",
            "int",
            2,
            "Retries after a function error for asynchronous events.",
            "retries",
            0,
            2,
            1,
        ),
        Knob(
            "max_event_age",
            "Function.EventInvokeConfig.MaximumEventAgeInSeconds",
            "Maximum event age",
            "int",
            21_600,
            "How long an async event may wait in the internal queue, retries included.",
            "s",
            60,
            21_600,
            1,
        ),
        Knob(
            "batch_size",
            f"{ESM}.BatchSize",
            "Batch size",
            "int",
            10,
            "Records per invocation. SQS above 10 needs a batching window.",
            "records",
            1,
            10_000,
            1,
        ),
        Knob(
            "batching_window",
            f"{ESM}.MaximumBatchingWindowInSeconds",
            "Batching window",
            "int",
            0,
            "How long the poller may wait to fill a batch.",
            "s",
            0,
            300,
            1,
        ),
        Knob(
            "visibility_timeout",
            "Source.Queue.VisibilityTimeout",
            "Visibility timeout",
            "int",
            30,
            "How long a received message stays hidden. AWS advises at least 6 × the function timeout.",
            "s",
            0,
            43_200,
            1,
        ),
        Knob(
            "max_receive_count",
            "Source.Queue.RedrivePolicy.maxReceiveCount",
            "maxReceiveCount",
            "optional-int",
            None,
            "Receives before SQS moves a message to the queue's DLQ. Empty = no DLQ.",
            "receives",
            1,
            1_000,
            1,
        ),
        Knob(
            "report_batch_item_failures",
            f"{ESM}.FunctionResponseTypes",
            "ReportBatchItemFailures",
            "bool",
            False,
            "Let the handler report which records failed, so only those are retried.",
            list_flag="ReportBatchItemFailures",
        ),
        Knob(
            "bisect",
            f"{ESM}.BisectBatchOnFunctionError",
            "BisectBatchOnFunctionError",
            "bool",
            False,
            "Split a failing batch in two to isolate the bad record.",
        ),
        Knob(
            "stream_retries",
            f"{ESM}.MaximumRetryAttempts",
            "Maximum retry attempts (stream)",
            "int",
            -1,
            "-1 retries until the record expires; splits don't count.",
            "retries",
            -1,
            10_000,
            1,
        ),
        Knob(
            "record_age",
            f"{ESM}.MaximumRecordAgeInSeconds",
            "Maximum record age",
            "int",
            -1,
            "-1 = no limit; otherwise 60–604,800 s.",
            "s",
            -1,
            604_800,
            1,
        ),
        Knob(
            "parallelization",
            f"{ESM}.ParallelizationFactor",
            "Parallelization factor",
            "int",
            1,
            "Concurrent batches per shard, still in order per partition key.",
            "",
            1,
            10,
            1,
        ),
        Knob(
            "shards",
            "Source.Stream.ShardCount",
            "Shards",
            "int",
            1,
            "Each shard is its own in-order assembly line.",
            "shards",
            1,
            1_000,
            1,
        ),
        Knob(
            "rds_proxy",
            "Database.Proxy.Enabled",
            "RDS Proxy",
            "bool",
            False,
            "Share a pool of connections instead of one per environment.",
            section="Database.Proxy",
        ),
        Knob(
            "max_connections",
            "Database.MaxConnections",
            "Database max_connections",
            "int",
            100,
            "Connections the database accepts.",
            "connections",
            1,
            100_000,
            1,
        ),
        Knob(
            "idempotency",
            "Idempotency.Enabled",
            "Idempotency",
            "bool",
            False,
            "Remember processed event ids so a duplicate causes no second side effect.",
            section="Idempotency",
        ),
        Knob(
            "client_retry",
            "Client.RetryMode",
            "Client retries",
            "choice",
            "none",
            "How the synchronous caller's SDK retries throttles and read timeouts.",
            choices=(
                ("none", "Never retry"),
                ("legacy", "boto3 legacy (5 attempts)"),
                ("standard", "standard (3 attempts)"),
            ),
        ),
        Knob(
            "read_timeout",
            "Client.ReadTimeoutSeconds",
            "Client read timeout",
            "optional-int",
            None,
            "The SDK gives up waiting (and may retry) after this long.",
            "s",
            1,
            3_600,
            1,
        ),
        Knob(
            "rate",
            "Traffic.Rates.0.PerSecond",
            "Request rate",
            "float",
            1.0,
            "Requests per second in the first traffic window.",
            "per s",
            0.001,
            1_000,
            0.001,
        ),
        Knob(
            "burst",
            "Traffic.Bursts.0.Count",
            "Burst size",
            "int",
            1,
            "Requests arriving at the same instant.",
            "requests",
            1,
            5_000,
            1,
        ),
        Knob(
            "fault_probability",
            "Faults.0.Match.Probability",
            "Failure probability",
            "float",
            1.0,
            "Chance that the injected fault hits an invocation.",
            "",
            0,
            1,
            0.01,
        ),
        Knob(
            "count",
            "Traffic.Rates.0.Count",
            "Requests",
            "int",
            100,
            "How many requests the first traffic window sends.",
            "requests",
            1,
            20_000,
            1,
        ),
        Knob(
            "setup_ms",
            "Code.Setup.DurationMs",
            "Client setup time",
            "int",
            0,
            "What creating SDK clients or connections costs, once per INIT or on every invocation.",
            "ms",
            0,
            900_000,
            1,
        ),
        Knob(
            "tmp_miss_ms",
            "Code.TmpCache.MissMs",
            "/tmp cache miss",
            "int",
            300,
            "Time to fetch the file when it is not in /tmp yet (e.g. from S3).",
            "ms",
            0,
            900_000,
            1,
        ),
        Knob(
            "extension_shutdown_ms",
            "Code.ExtensionShutdownMs",
            "Extension shutdown work",
            "int",
            0,
            "How long the extension needs at SHUTDOWN; past its budget it is killed (SIGKILL).",
            "ms",
            0,
            60_000,
            1,
        ),
        Knob(
            "extra_ms",
            "Faults.0.ExtraMs",
            "Extra handler time",
            "int",
            0,
            "How much slower the faulty invocations run.",
            "ms",
            0,
            3_600_000,
            1,
        ),
        Knob(
            "max_concurrency",
            f"{ESM}.ScalingConfig.MaximumConcurrency",
            "Maximum concurrency (SQS)",
            "optional-int",
            None,
            "Caps the concurrent batches of this event source mapping. Empty = no cap.",
            "batches",
            2,
            1_000,
            1,
        ),
        Knob(
            "client_attempts",
            "Client.MaxAttempts",
            "Client attempts",
            "int",
            1,
            "Total attempts the SDK makes, the first included.",
            "attempts",
            1,
            20,
            1,
        ),
        Knob(
            "borrow_timeout",
            "Database.Proxy.ConnectionBorrowTimeout",
            "Connection borrow timeout",
            "int",
            120,
            "How long a client waits for a pooled connection before failing.",
            "s",
            0,
            3_600,
            1,
        ),
    )
}


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
