"""The scenario: a frozen dataclass tree built from a mapping (YAML or JSON).

Keys use AWS property names where AWS has one; simulator-only knobs live in their own
sections (Code, Environment, Traffic, Faults, Database, Idempotency, Client, Pricing,
Simulation). Every default and range cites LAMBDA-FACTS.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from . import limits
from .errors import ScenarioError
from .fields import Fields, check_int, ids
from .filters import check_pattern

LATEST = "$LATEST"
SOURCE_TYPES = ("sync", "async", "sqs", "kinesis", "dynamodb")
# Fan-out sources: only in a `Sources` list, where subscriptions and targets name functions.
FANOUT_TYPES = ("sns", "eventbridge")
SENDABLE_TYPES = ("sqs", "sns", "eventbridge")  # what a handler may send to (`Code.Sends`)
FAULT_EFFECTS = (
    "error",
    "throw",
    "timeout",
    "crash",
    "slow",
    "init-error",
    "response",
    "duplicate",
    "delivery-error",
)
MAX_MS = 10**12
STARTING_POSITIONS = ("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP")  # §8 [D35]
TUMBLING_WINDOW_S = (0, 900)  # TumblingWindowInSeconds. §8 [D36a][D36b]
WINDOW_STATE_BYTES = 1_048_576  # a tumbling window's state: at most 1 MB per shard. §8 [D36a]
SNAP_START_APPLY_ON = ("None", "PublishedVersions")  # SnapStart.ApplyOn (CloudFormation). §3 [D16]


@dataclass(frozen=True, slots=True)
class Duration:
    """Handler work per invocation: fixed or drawn from a distribution (simulator input)."""

    distribution: str = "fixed"  # fixed | exponential | lognormal
    ms: int = 100  # fixed value, exponential mean, or lognormal median
    sigma: float = 0.5  # lognormal shape


@dataclass(frozen=True, slots=True)
class TmpCache:
    """A file cached in /tmp: slow to fetch when missing, fast when present."""

    miss_ms: int = 300
    hit_ms: int = 5


@dataclass(frozen=True, slots=True)
class Code:
    """What the function's code does (simulator-only knobs)."""

    init_ms: int = 200
    duration: Duration = field(default_factory=Duration)
    cpu_bound: bool = False
    threads: int = 1
    setup_placement: str = "outside"  # outside | inside the handler
    setup_ms: int = 0
    tmp_cache: TmpCache | None = None
    extensions: str = "none"  # none | internal | external
    extension_shutdown_ms: int = 0
    sends: tuple[str, ...] = ()  # sources (queues, topics, buses) each processed item is sent to
    state_bytes_per_record: int = 100  # tumbling windows: what each record adds to the state
    restore_ms: int = 100  # SnapStart: resuming from the snapshot (no AWS figure: our assumption)


@dataclass(frozen=True, slots=True)
class Version:
    """A version of the function: $LATEST or an immutable published version (§4 [D17])."""

    name: str
    memory_mb: int
    timeout_s: int
    code: Code
    provisioned: int = 0


@dataclass(frozen=True, slots=True)
class Shift:
    """A later change of an alias's routing: `UpdateAlias` at a point in simulated time."""

    at_ms: int
    version: str
    additional_version: str | None = None
    additional_weight: float = 0.0


@dataclass(frozen=True, slots=True)
class Alias:
    """An alias pointing at one version, optionally weighted towards a second (§4 [D18])."""

    name: str
    version: str
    additional_version: str | None = None
    additional_weight: float = 0.0
    provisioned: int = 0
    shifts: tuple[Shift, ...] = ()


@dataclass(frozen=True, slots=True)
class Function:
    """The function's AWS configuration."""

    name: str = "my-function"
    memory_mb: int = 128
    timeout_s: int = 3
    ephemeral_mb: int = 512
    architecture: str = "x86_64"
    reserved: int | None = None
    dead_letter_arn: str | None = None
    maximum_retry_attempts: int = 2
    maximum_event_age_s: int = 21_600
    on_success_arn: str | None = None
    on_failure_arn: str | None = None
    versions: tuple[Version, ...] = ()
    snap_start: bool = False  # SnapStart.ApplyOn: PublishedVersions (§3 [D16])
    aliases: tuple[Alias, ...] = ()

    def version(self, name: str) -> Version:
        """Return the version called name."""
        for version in self.versions:
            if version.name == name:
                return version
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class Environment:
    """Execution environment knobs AWS does not document (§1 [D3][D46])."""

    idle_lifetime_s: int = 600


@dataclass(frozen=True, slots=True)
class Account:
    """Account and Region concurrency settings (§3)."""

    concurrent_executions: int = 1_000
    unreserved_minimum: int = 100
    scaling_rule: str = "current"  # current | legacy
    legacy_burst: int = 3_000


@dataclass(frozen=True, slots=True)
class Queue:
    """The SQS queue the mapping polls (§7)."""

    fifo: bool = False
    visibility_timeout_s: int = 30
    retention_s: int = 345_600
    max_receive_count: int | None = None
    dead_letter_arn: str | None = None


@dataclass(frozen=True, slots=True)
class Mapping_:
    """An event source mapping's settings (§7, §8)."""

    batch_size: int = 10
    window_s: int = 0
    report_batch_item_failures: bool = False
    maximum_concurrency: int | None = None
    low_traffic_wait: bool = False  # SQS, simulator: a partial batch may wait up to 20 s (§7)
    maximum_retry_attempts: int = -1
    maximum_record_age_s: int = -1
    bisect: bool = False
    parallelization: int = 1
    on_failure_arn: str | None = None
    starting_position: str = "TRIM_HORIZON"
    tumbling_window_s: int = 0  # 0: no tumbling window (§8 [D36a][D36b])


@dataclass(frozen=True, slots=True)
class Stream:
    """The Kinesis or DynamoDB stream the mapping polls (§8)."""

    shards: int = 1
    retention_hours: int = 24
    retry_initial_ms: int = 1_000
    retry_max_ms: int = 60_000


@dataclass(frozen=True, slots=True)
class Subscription:
    """An SNS subscription of a function: its filter policy and its dead-letter queue."""

    function: str
    filter_json: str | None = None  # the filter policy as JSON (checked by filters.py)
    scope: str = "MessageAttributes"  # or MessageBody
    dead_letter_arn: str | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """An EventBridge rule target: a function, its retry policy and its dead-letter queue."""

    function: str
    maximum_retry_attempts: int = 185
    maximum_event_age_s: int = 86_400
    dead_letter_arn: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """An EventBridge rule: an event pattern and up to five targets."""

    name: str
    pattern_json: str | None
    targets: tuple[Target, ...]


@dataclass(frozen=True, slots=True)
class Source:
    """How events reach the function."""

    type: str = "sync"
    qualifier: str = LATEST
    queue: Queue = field(default_factory=Queue)
    stream: Stream = field(default_factory=Stream)
    mapping: Mapping_ = field(default_factory=Mapping_)
    name: str = "source"
    function: str | None = None  # the function it invokes (None: an SQS queue nobody polls)
    subscriptions: tuple[Subscription, ...] = ()
    rules: tuple[Rule, ...] = ()


@dataclass(frozen=True, slots=True)
class TrafficEvent:
    """One explicit request, event, message or record."""

    at_ms: int
    id: str | None = None
    group: str | None = None
    shard: int | None = None
    partition_key: str | None = None
    payload_bytes: int = 0
    source: str | None = None  # the source it is offered to (default: the first)
    attributes_json: str | None = None  # SNS message attributes
    body_json: str | None = None  # the payload: SNS message body, EventBridge event


@dataclass(frozen=True, slots=True)
class Rate:
    """A window of generated traffic at a constant or Poisson rate."""

    kind: str
    per_second: float
    start_ms: int
    end_ms: int | None
    count: int | None
    payload_bytes: int = 0
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Burst:
    """Many events at the same instant."""

    at_ms: int
    count: int
    payload_bytes: int = 0
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Traffic:
    """What arrives and when."""

    events: tuple[TrafficEvent, ...] = ()
    rates: tuple[Rate, ...] = ()
    bursts: tuple[Burst, ...] = ()


@dataclass(frozen=True, slots=True)
class Fault:
    """An injected misbehaviour and the invocations it applies to."""

    effect: str
    event_ids: frozenset[str] | None = None
    attempts: frozenset[int] | None = None
    from_ms: int = 0
    to_ms: int = MAX_MS
    probability: float = 1.0
    versions: frozenset[str] | None = None
    extra_ms: int = 0
    delay_ms: int = 500
    response_json: str = "null"
    error_type: str = "Error"
    functions: frozenset[str] | None = None
    retryable: bool = True  # delivery-error: a server-side error SNS/EventBridge retry

    def response(self) -> Any:
        """Return a fresh copy of the configured handler response."""
        return json.loads(self.response_json)


@dataclass(frozen=True, slots=True)
class Database:
    """A relational database, reached directly or through RDS Proxy (§9)."""

    max_connections: int = 100
    proxy: bool = False
    max_connections_percent: int = 100
    borrow_timeout_s: int = 120


@dataclass(frozen=True, slots=True)
class Idempotency:
    """A Powertools-style idempotency layer keyed by event id (§10 [D43])."""

    expires_after_s: int = 3_600
    lookup_ms: int = 5


@dataclass(frozen=True, slots=True)
class Client:
    """The synchronous caller's SDK retry policy (§5 [D22][D23])."""

    retry_mode: str = "none"  # none | legacy | standard
    max_attempts: int = 1
    read_timeout_s: int | None = None


@dataclass(frozen=True, slots=True)
class Pricing:
    """Prices in USD (us-east-1, §2 [D9][D55])."""

    per_million_requests: float = 0.20
    gb_second_x86: float = 0.0000166667
    gb_second_arm64: float = 0.0000133334
    provisioned_gb_second: float = 0.0000041667
    provisioned_duration_gb_second: float = 0.0000097222


@dataclass(frozen=True, slots=True)
class Scenario:
    """Everything one simulation needs; build it with Scenario.from_dict."""

    seed: int = 0
    function: Function = field(default_factory=Function)
    environment: Environment = field(default_factory=Environment)
    account: Account = field(default_factory=Account)
    source: Source = field(default_factory=Source)
    traffic: Traffic = field(default_factory=Traffic)
    faults: tuple[Fault, ...] = ()
    database: Database | None = None
    idempotency: Idempotency | None = None
    client: Client = field(default_factory=Client)
    pricing: Pricing = field(default_factory=Pricing)
    max_duration_s: int = 1_296_000
    # Every function and source; a single-function scenario has one of each (the two above).
    functions: tuple[Function, ...] = ()
    sources: tuple[Source, ...] = ()
    multi: bool = False  # written with `Functions` and `Sources`

    def all_functions(self) -> tuple[Function, ...]:
        """Return every function of the scenario."""
        return self.functions or (self.function,)

    def all_sources(self) -> tuple[Source, ...]:
        """Return every source of the scenario."""
        return self.sources or (self.source,)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scenario:
        """Validate a mapping and return the scenario; raise ScenarioError on bad input."""
        return _parse(data)


# --- parsing -------------------------------------------------------------------------------


def _parse(data: Mapping[str, Any]) -> Scenario:
    top = Fields(data, "")
    seed = top.integer("seed", 0, 0, 2**63, "simulator")
    account = _account(top.sub("Account"))
    multi = top.has("Functions")
    if multi:
        for key in ("Function", "Code", "Source"):
            if top.has(key):
                raise ScenarioError(
                    key, f"use either Functions and Sources, or {key} at the top, not both"
                )
        functions = _functions(top.sub("Functions"), account)
        function = functions[0]
        sources = _sources(top, functions)
        source = sources[0]
        _check_sends(functions, sources)
    else:
        if top.has("Sources"):
            raise ScenarioError("Sources", "Sources needs a Functions map")
        top.used.add("Sources")
        code_raw = top.raw("Code")
        function = _function(top.sub("Function"), code_raw, account)
        source = _source(top.sub("Source"), function)
        functions, sources = (function,), (source,)
        if any(v.code.sends for v in function.versions):
            raise ScenarioError("Code.Sends", "Sends needs Functions and Sources to send to")
    environment = _environment(top.sub("Environment"))
    traffic = _traffic(top.sub("Traffic"), sources)
    faults = tuple(
        _fault(Fields(item, f"Faults[{i}]"), functions)
        for i, item in enumerate(top.items("Faults"))
    )
    database = _database(top.sub("Database")) if top.has("Database") else None
    top.used.add("Database")
    idempotency = _idempotency(top.sub("Idempotency")) if top.has("Idempotency") else None
    top.used.add("Idempotency")
    client = _client(top.sub("Client"))
    pricing = _pricing(top.sub("Pricing"))
    simulation = top.sub("Simulation")
    max_duration_s = simulation.integer(
        "MaxDurationSeconds", 1_296_000, 1, 31_536_000, "simulator safety horizon"
    )
    simulation.done()
    top.done()
    return Scenario(
        seed=seed,
        function=function,
        environment=environment,
        account=account,
        source=source,
        traffic=traffic,
        faults=faults,
        database=database,
        idempotency=idempotency,
        client=client,
        pricing=pricing,
        max_duration_s=max_duration_s,
        functions=functions,
        sources=sources,
        multi=multi,
    )


def _functions(fields: Fields, account: Account) -> tuple[Function, ...]:
    """Read `Functions`: name → function settings with its own `Code` (several functions)."""
    functions = []
    for key in fields.data:
        entry = fields.sub(key)
        if not key or ":" in key or "/" in key:
            raise ScenarioError(entry.path, f"'{key}' is not a function name")
        code_raw = entry.raw("Code")
        functions.append(_function(entry, code_raw, account, key))
    if not functions:
        raise ScenarioError(fields.path, "name at least one function")
    fields.done()
    # Reserved concurrency comes out of the account's pool, which keeps at least the unreserved
    # minimum for every other function. §3 [D13a]
    reserved = sum(f.reserved or 0 for f in functions)
    allowed = account.concurrent_executions - account.unreserved_minimum
    if reserved > allowed:
        raise ScenarioError(
            fields.path,
            f"reserved concurrency adds up to {reserved:,}; allowed {allowed:,} (the quota minus "
            f"the unreserved minimum, §3 [D13a])",
        )
    return tuple(functions)


def _sources(top: Fields, functions: tuple[Function, ...]) -> tuple[Source, ...]:
    """Read `Sources`: each source with its `Name` and the `Function` it invokes."""
    by_name = {f.name: f for f in functions}
    sources: list[Source] = []
    names: set[str] = set()
    for index, item in enumerate(top.items("Sources")):
        fields = Fields(item, f"Sources[{index}]")
        kind = fields.choice("Type", "sync", SOURCE_TYPES + FANOUT_TYPES, "simulator")
        name = fields.text("Name", kind if kind not in names else f"{kind}-{index + 1}")
        if name in names:
            raise ScenarioError(fields.at("Name"), f"'{name}' names two sources")
        names.add(name)
        target = fields.optional_text("Function")
        if kind in FANOUT_TYPES:
            if target is not None:
                raise ScenarioError(
                    fields.at("Function"), f"an {kind} source names its functions per subscriber"
                )
            sources.append(_fanout(fields, kind, name, by_name))
            continue
        if target is None:
            if kind != "sqs":
                raise ScenarioError(fields.at("Function"), "name the function this source invokes")
            # A queue nobody polls: a dead-letter queue, or a queue a function sends to.
            queue = _queue(fields.sub("Queue"))
            fields.done()
            sources.append(Source(kind, LATEST, queue, name=name))
            continue
        if target not in by_name:
            raise ScenarioError(
                fields.at("Function"),
                f"'{target}' is not a function; known: {', '.join(sorted(by_name))}",
            )
        fields.used.add("Function")
        fields.used.add("Name")
        parsed = _source(fields, by_name[target])
        sources.append(
            Source(
                parsed.type,
                parsed.qualifier,
                parsed.queue,
                parsed.stream,
                parsed.mapping,
                name=name,
                function=target,
            )
        )
    if not sources:
        raise ScenarioError("Sources", "list at least one source")
    return tuple(sources)


def _fanout(fields: Fields, kind: str, name: str, by_name: Mapping[str, Function]) -> Source:
    """Read an SNS topic's `Subscriptions` or an EventBridge bus's `Rules`."""

    def function_named(sub: Fields) -> str:
        target = sub.text("Function", "")
        if target not in by_name:
            raise ScenarioError(
                sub.at("Function"),
                f"'{target}' is not a function; known: {', '.join(sorted(by_name))}",
            )
        return target

    if kind == "sns":
        subscriptions = []
        for index, item in enumerate(fields.items("Subscriptions")):
            sub = Fields(item, f"{fields.at('Subscriptions')}[{index}]")
            target = function_named(sub)
            sub.choice("Protocol", "lambda", ("lambda",), "simulator: Lambda subscribers only")
            policy = _pattern(sub, "FilterPolicy")
            scope = sub.choice(
                "FilterPolicyScope",
                "MessageAttributes",
                ("MessageAttributes", "MessageBody"),
                "SNS: default MessageAttributes",
            )
            redrive = sub.sub("RedrivePolicy")
            dlq = redrive.optional_text("deadLetterTargetArn")
            redrive.done()
            sub.done()
            subscriptions.append(Subscription(target, policy, scope, dlq))
        if not subscriptions:
            raise ScenarioError(fields.at("Subscriptions"), "a topic needs a subscription")
        fields.done()
        return Source(kind, LATEST, name=name, subscriptions=tuple(subscriptions))
    rules = []
    for index, item in enumerate(fields.items("Rules")):
        raw = Fields(item, f"{fields.at('Rules')}[{index}]")
        rule_name = raw.text("Name", f"rule-{index + 1}")
        pattern = _pattern(raw, "EventPattern")
        if pattern is None:
            raise ScenarioError(raw.at("EventPattern"), "a rule needs an event pattern")
        targets = []
        raw_targets = raw.items("Targets")
        if not 1 <= len(raw_targets) <= 5:
            raise ScenarioError(raw.at("Targets"), "a rule takes 1–5 targets (EventBridge quota)")
        for t_index, t_item in enumerate(raw_targets):
            tfields = Fields(t_item, f"{raw.at('Targets')}[{t_index}]")
            fn = function_named(tfields)
            retry = tfields.sub("RetryPolicy")
            attempts = retry.integer(
                "MaximumRetryAttempts", 185, *limits.EVENTBRIDGE_RETRIES, "EventBridge RetryPolicy"
            )
            age = retry.integer(
                "MaximumEventAgeInSeconds",
                86_400,
                *limits.EVENTBRIDGE_EVENT_AGE_S,
                "EventBridge RetryPolicy",
                extra=" s",
            )
            retry.done()
            dlq_fields = tfields.sub("DeadLetterConfig")
            dlq = dlq_fields.optional_text("Arn")
            dlq_fields.done()
            tfields.done()
            targets.append(Target(fn, attempts, age, dlq))
        raw.done()
        rules.append(Rule(rule_name, pattern, tuple(targets)))
    if not rules:
        raise ScenarioError(fields.at("Rules"), "an event bus needs a rule")
    fields.done()
    return Source(kind, LATEST, name=name, rules=tuple(rules))


def _pattern(fields: Fields, key: str) -> str | None:
    raw = fields.raw(key)
    if raw is None:
        return None
    check_pattern(raw, fields.at(key))
    return json.dumps(raw, sort_keys=True)


def _check_sends(functions: tuple[Function, ...], sources: tuple[Source, ...]) -> None:
    kinds = {s.name: s.type for s in sources}
    for function in functions:
        for version in function.versions:
            for target in version.code.sends:
                if kinds.get(target) not in SENDABLE_TYPES:
                    raise ScenarioError(
                        f"Functions.{function.name}.Code.Sends",
                        f"'{target}' is not a queue, topic or event bus of the scenario",
                    )


def _code(fields: Fields) -> Code:
    init_ms = fields.integer("InitDurationMs", 200, *limits.CODE_MS, "simulator input")
    duration = _duration(fields)
    cpu_bound = fields.flag("CpuBound", False)
    threads = fields.integer("Threads", 1, 1, 6, "§2 [D53]: at most 6 vCPUs")
    setup = fields.sub("Setup")
    placement = setup.choice("Placement", "outside", ("outside", "inside"), "simulator input")
    setup_ms = setup.integer("DurationMs", 0, *limits.CODE_MS, "simulator input")
    setup.done()
    tmp_cache = None
    if fields.has("TmpCache"):
        tmp = fields.sub("TmpCache")
        tmp_cache = TmpCache(
            miss_ms=tmp.integer("MissMs", 300, *limits.CODE_MS, "simulator input"),
            hit_ms=tmp.integer("HitMs", 5, *limits.CODE_MS, "simulator input"),
        )
        tmp.done()
    else:
        fields.used.add("TmpCache")
    extensions = fields.choice("Extensions", "none", ("none", "internal", "external"), "§1 [D2]")
    extension_shutdown_ms = fields.integer(
        "ExtensionShutdownMs", 0, *limits.EXTENSION_SHUTDOWN_MS, "simulator input"
    )
    sends = tuple(sorted(ids(fields.items("Sends"), fields.at("Sends"))))
    state_bytes = fields.integer(
        "StateBytesPerRecord",
        100,
        0,
        WINDOW_STATE_BYTES,
        "simulator input: what each record adds to a tumbling window's state",
        extra=" bytes",
    )
    restore_ms = fields.integer(
        "RestoreDurationMs",
        100,
        *limits.CODE_MS,
        "simulator input: AWS gives no SnapStart restore figure (§3 [D16])",
    )
    fields.done()
    return Code(
        init_ms=init_ms,
        duration=duration,
        cpu_bound=cpu_bound,
        threads=threads,
        setup_placement=placement,
        setup_ms=setup_ms,
        tmp_cache=tmp_cache,
        extensions=extensions,
        extension_shutdown_ms=extension_shutdown_ms,
        sends=sends,
        state_bytes_per_record=state_bytes,
        restore_ms=restore_ms,
    )


def _duration(fields: Fields) -> Duration:
    raw = fields.raw("DurationMs")
    path = fields.at("DurationMs")
    if raw is None:
        return Duration()
    if not isinstance(raw, Mapping):
        return Duration("fixed", check_int(raw, path, *limits.CODE_MS, "simulator input"))
    sub = Fields(raw, path)
    kind = sub.choice(
        "Distribution", "fixed", ("fixed", "exponential", "lognormal"), "simulator input"
    )
    key = {"fixed": "Ms", "exponential": "MeanMs", "lognormal": "MedianMs"}[kind]
    ms = sub.integer(key, 100, 1, 900_000, "simulator input")
    sigma = sub.number("Sigma", 0.5, 0.01, 3.0, "simulator input") if kind == "lognormal" else 0.5
    sub.done()
    return Duration(kind, ms, sigma)


def _merge(base: object, override: object) -> object:
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _merge(base.get(key), value)
        return merged
    return override if override is not None else base


def _account(fields: Fields) -> Account:
    quota = fields.integer(
        "ConcurrentExecutions",
        limits.DEFAULT_ACCOUNT_CONCURRENCY,
        *limits.ACCOUNT_CONCURRENCY,
        "§3 [D4][D12]: default 1,000",
    )
    minimum = fields.integer(
        "UnreservedConcurrencyMinimum",
        min(limits.DEFAULT_UNRESERVED_MINIMUM, quota),
        0,
        quota,
        "§3 [D13a][D51]",
    )
    rule = fields.choice("ScalingRule", "current", ("current", "legacy"), "§3 [D11][D15]")
    burst = fields.integer("LegacyBurst", 3_000, 500, 3_000, "§3 [D15]: 500, 1,000 or 3,000")
    if burst not in (500, 1_000, 3_000):
        raise ScenarioError(
            fields.at("LegacyBurst"), f"{burst} is not allowed; choose 500, 1000 or 3000 (§3 [D15])"
        )
    fields.done()
    return Account(quota, minimum, rule, burst)


def _function(
    fields: Fields, code_raw: object, account: Account, key: str | None = None
) -> Function:
    name = fields.text("FunctionName", key or "my-function")
    if key is not None:
        name = key  # in `Functions` the key names the function
    code_path = f"{fields.path}.Code" if key is not None else "Code"
    memory = fields.integer(
        "MemorySize", 128, *limits.MEMORY_MB, "§2 [D5]: 1-MB steps", extra=" MB"
    )
    timeout = fields.integer("Timeout", 3, *limits.TIMEOUT_S, "§2 [D6]", extra=" s")
    storage = fields.sub("EphemeralStorage")
    ephemeral = storage.integer("Size", 512, 512, 10_240, "§1 [D4]", extra=" MB")
    storage.done()
    arch_list = fields.items("Architectures") or ["x86_64"]
    if len(arch_list) != 1 or arch_list[0] not in ("x86_64", "arm64"):
        raise ScenarioError(
            fields.at("Architectures"),
            f"{arch_list!r} is not allowed; use [x86_64] or [arm64] (§2 [D9])",
        )
    reserved_limits = limits.reserved_range(
        account.concurrent_executions, account.unreserved_minimum
    )
    reserved_max = reserved_limits.high
    reserved = fields.optional_integer(
        "ReservedConcurrentExecutions",
        *reserved_limits,
        "§3 [D13a]: up to the account quota minus the unreserved minimum",
    )
    dlq = fields.sub("DeadLetterConfig")
    dead_letter = dlq.optional_text("TargetArn")
    dlq.done()
    invoke = fields.sub("EventInvokeConfig")
    retries = invoke.integer("MaximumRetryAttempts", 2, *limits.ASYNC_RETRIES, "§6 [D25][D27]")
    max_age = invoke.integer(
        "MaximumEventAgeInSeconds", 21_600, *limits.MAX_EVENT_AGE_S, "§6 [D27]", extra=" s"
    )
    on_success, on_failure = _destinations(invoke.sub("DestinationConfig"), allow_success=True)
    invoke.done()

    versions = [Version(LATEST, memory, timeout, _code(Fields(code_raw, code_path)))]
    raw_versions = fields.sub("Versions")
    for key in raw_versions.data:
        raw = raw_versions.sub(key)
        path = raw.path
        if key == LATEST or not key.isdigit():
            raise ScenarioError(path, f"'{key}' is not a published version number (§4 [D17])")
        v_memory = raw.integer("MemorySize", memory, *limits.MEMORY_MB, "§2 [D5]", extra=" MB")
        v_timeout = raw.integer("Timeout", timeout, *limits.TIMEOUT_S, "§2 [D6]", extra=" s")
        v_code = _code(Fields(_merge(code_raw or {}, raw.raw("Code") or {}), f"{path}.Code"))
        pc = raw.integer("ProvisionedConcurrentExecutions", 0, *limits.PROVISIONED, "§3 [D14a]")
        raw.raw("Description")
        raw.done()
        versions.append(Version(key, v_memory, v_timeout, v_code, pc))
    known = {v.name for v in versions}

    aliases = []
    raw_aliases = fields.sub("Aliases")
    for key in raw_aliases.data:
        raw = raw_aliases.sub(key)
        target, extra_version, extra_weight = _routing(raw, known)
        shifts = _shifts(raw, known)
        pc = raw.integer("ProvisionedConcurrentExecutions", 0, *limits.PROVISIONED, "§3 [D14a]")
        if pc and (extra_version is not None or shifts):
            raise ScenarioError(
                raw.at("ProvisionedConcurrentExecutions"),
                "provisioned concurrency can't be managed on an alias with a routing config "
                "(§3 [D14a])",
            )
        if pc and target == LATEST:
            raise ScenarioError(
                raw.at("ProvisionedConcurrentExecutions"),
                "provisioned concurrency needs a published version, not $LATEST (§3 [D14a])",
            )
        raw.done()
        aliases.append(Alias(key, target, extra_version, extra_weight, pc, shifts))
    snap_start = _snap_start(fields, ephemeral, versions, aliases)
    total_pc = sum(v.provisioned for v in versions) + sum(a.provisioned for a in aliases)
    limit = reserved if reserved is not None else reserved_max
    if total_pc > limit:
        raise ScenarioError(
            fields.at("Aliases"),
            f"provisioned concurrency {total_pc} exceeds the reserved/available concurrency "
            f"{limit} (§3 [D14a])",
        )
    fields.done()
    return Function(
        name=name,
        memory_mb=memory,
        timeout_s=timeout,
        ephemeral_mb=ephemeral,
        architecture=str(arch_list[0]),
        reserved=reserved,
        dead_letter_arn=dead_letter,
        maximum_retry_attempts=retries,
        maximum_event_age_s=max_age,
        on_success_arn=on_success,
        on_failure_arn=on_failure,
        versions=tuple(versions),
        aliases=tuple(aliases),
        snap_start=snap_start,
    )


def _snap_start(
    fields: Fields, ephemeral_mb: int, versions: list[Version], aliases: list[Alias]
) -> bool:
    """Read `SnapStart.ApplyOn` and refuse the settings SnapStart can't be combined with.

    SnapStart works on published versions only and not with provisioned concurrency or
    ephemeral storage over 512 MB (§3 [D16]). EFS and the runtime are not scenario keys.
    """
    snap = fields.sub("SnapStart")
    apply_on = snap.choice("ApplyOn", "None", SNAP_START_APPLY_ON, "§3 [D16]")
    snap.done()
    if apply_on == "None":
        return False
    if ephemeral_mb > 512:
        raise ScenarioError(
            fields.at("EphemeralStorage.Size"),
            f"{ephemeral_mb:,} MB is out of range with SnapStart; allowed 512 MB "
            "(§3 [D16]: no ephemeral storage over 512 MB)",
        )
    for version in versions:
        if version.provisioned:
            raise ScenarioError(
                f"{fields.at('Versions')}.{version.name}.ProvisionedConcurrentExecutions",
                "provisioned concurrency can't be combined with SnapStart (§3 [D16])",
            )
    for alias in aliases:
        if alias.provisioned:
            raise ScenarioError(
                f"{fields.at('Aliases')}.{alias.name}.ProvisionedConcurrentExecutions",
                "provisioned concurrency can't be combined with SnapStart (§3 [D16])",
            )
    return True


def _routing(raw: Fields, known: set[str]) -> tuple[str, str | None, float]:
    """Read `FunctionVersion` and `RoutingConfig` of an alias (or of one of its shifts)."""
    target = raw.text("FunctionVersion", "")
    if target not in known:
        raise ScenarioError(
            raw.at("FunctionVersion"),
            f"'{target}' is not a version of the function; known: {', '.join(sorted(known))}",
        )
    routing = raw.sub("RoutingConfig")
    weights = routing.sub("AdditionalVersionWeights")
    extra_version, extra_weight = None, 0.0
    if len(weights.data) > 1:
        raise ScenarioError(
            weights.path, "at most one additional version is allowed (§4 [D18][D18b])"
        )
    for wkey in weights.data:
        if wkey == LATEST or wkey not in known:
            raise ScenarioError(
                weights.at(wkey),
                f"'{wkey}' must be a published version, not $LATEST (§4 [D18])",
            )
        if target == LATEST:
            raise ScenarioError(
                raw.at("FunctionVersion"),
                "a weighted alias must point at a published version, not $LATEST (§4 [D18])",
            )
        if wkey == target:
            raise ScenarioError(
                weights.at(wkey), "the additional version must differ from FunctionVersion"
            )
        extra_version = wkey
        extra_weight = weights.number(wkey, 0.0, *limits.ROUTING_WEIGHT, "§4 [D18b]")
    weights.done()
    routing.done()
    return target, extra_version, extra_weight


def _shifts(raw: Fields, known: set[str]) -> tuple[Shift, ...]:
    """Read `Shifts`: later routing changes of an alias, in time order (simulator input)."""
    shifts = []
    previous = -1
    for index, item in enumerate(raw.items("Shifts")):
        path = f"{raw.at('Shifts')}[{index}]"
        if not isinstance(item, Mapping):
            raise ScenarioError(
                path, "expected a mapping with AtMs, FunctionVersion, RoutingConfig"
            )
        shift = Fields(item, path)
        at_ms = shift.integer("AtMs", 0, 0, MAX_MS, "simulator input")
        if at_ms < previous:
            raise ScenarioError(shift.at("AtMs"), "shifts must be listed in time order")
        previous = at_ms
        target, extra_version, extra_weight = _routing(shift, known)
        shift.done()
        shifts.append(Shift(at_ms, target, extra_version, extra_weight))
    return tuple(shifts)


def _destinations(fields: Fields, *, allow_success: bool) -> tuple[str | None, str | None]:
    on_success = None
    if allow_success:
        success = fields.sub("OnSuccess")
        on_success = success.optional_text("Destination")
        success.done()
    failure = fields.sub("OnFailure")
    on_failure = failure.optional_text("Destination")
    failure.done()
    fields.done()
    for arn, path in ((on_success, "OnSuccess"), (on_failure, "OnFailure")):
        if arn is not None and arn.endswith(".fifo"):
            raise ScenarioError(
                fields.at(f"{path}.Destination"),
                f"'{arn}': FIFO queues and topics are not supported as destinations (§6 [D26])",
            )
    return on_success, on_failure


def _environment(fields: Fields) -> Environment:
    idle = fields.integer(
        "IdleLifetimeSeconds",
        600,
        *limits.IDLE_LIFETIME_S,
        "§1 [D3][D44][D46]: not documented by AWS; 10 min as in LocalStack",
        extra=" s",
    )
    fields.done()
    return Environment(idle)


def _source(fields: Fields, function: Function) -> Source:
    kind = fields.choice("Type", "sync", SOURCE_TYPES, "simulator")
    qualifier = fields.text("Qualifier", LATEST)
    names = {v.name for v in function.versions} | {a.name for a in function.aliases}
    if qualifier not in names:
        raise ScenarioError(
            fields.at("Qualifier"),
            f"'{qualifier}' is not a version or alias; known: {', '.join(sorted(names))}",
        )
    queue, stream, mapping = Queue(), Stream(), Mapping_()
    if kind == "sqs":
        queue = _queue(fields.sub("Queue"))
        mapping = _sqs_mapping(fields.sub("EventSourceMapping"), queue)
        if fields.flag("LowTrafficWait", False):
            # Simulator-only: AWS "may wait up to 20 s" with low traffic. §7 [D30a][D34]
            if queue.fifo:
                raise ScenarioError(
                    fields.at("LowTrafficWait"),
                    "is modelled for standard queues only; remove it or set FifoQueue: false",
                )
            mapping = replace(mapping, low_traffic_wait=True)
    elif kind in ("kinesis", "dynamodb"):
        stream = _stream(fields.sub("Stream"), kind)
        mapping = _stream_mapping(fields.sub("EventSourceMapping"), kind)
    fields.done()
    return Source(kind, qualifier, queue, stream, mapping)


def _queue(fields: Fields) -> Queue:
    fifo = fields.flag("FifoQueue", False)
    visibility = fields.integer(
        "VisibilityTimeout", 30, *limits.VISIBILITY_TIMEOUT_S, "SQS queue attribute", extra=" s"
    )
    retention = fields.integer(
        "MessageRetentionPeriod", 345_600, 60, 1_209_600, "SQS queue attribute", extra=" s"
    )
    redrive = fields.sub("RedrivePolicy")
    max_receive = redrive.optional_integer(
        "maxReceiveCount", *limits.MAX_RECEIVE_COUNT, "§7 [D30a]: AWS advises ≥ 5"
    )
    dead_letter = redrive.optional_text("deadLetterTargetArn")
    redrive.done()
    fields.done()
    return Queue(fifo, visibility, retention, max_receive, dead_letter)


def _sqs_mapping(fields: Fields, queue: Queue) -> Mapping_:
    high = 10 if queue.fifo else limits.BATCH_SIZE.high
    batch = fields.integer(
        "BatchSize", 10, limits.BATCH_SIZE.low, high, "§7 [D30a][D35]: FIFO max 10, standard 10,000"
    )
    window = fields.integer(
        "MaximumBatchingWindowInSeconds", 0, *limits.BATCHING_WINDOW_S, "§7 [D30a]", extra=" s"
    )
    if batch > 10 and window < 1:
        raise ScenarioError(
            fields.at("MaximumBatchingWindowInSeconds"),
            f"{window} is too small: BatchSize > 10 needs a window of at least 1 s (§7 [D35])",
        )
    report = _response_types(fields)
    scaling = fields.sub("ScalingConfig")
    max_conc = scaling.optional_integer("MaximumConcurrency", *limits.MAX_CONCURRENCY, "§7 [D33]")
    scaling.done()
    fields.done()
    return Mapping_(batch, window, report, max_conc)


def _response_types(fields: Fields) -> bool:
    types = fields.items("FunctionResponseTypes")
    for index, value in enumerate(types):
        if value != "ReportBatchItemFailures":
            raise ScenarioError(
                f"{fields.at('FunctionResponseTypes')}[{index}]",
                f"{value!r} is not allowed; the only value is ReportBatchItemFailures (§7 [D30a])",
            )
    return bool(types)


def _stream(fields: Fields, kind: str) -> Stream:
    shards = fields.integer("ShardCount", 1, *limits.SHARDS, "simulator input")
    if kind == "kinesis":
        retention = fields.integer("RetentionPeriodHours", 24, 24, 8_760, "§8 [D40]", extra=" h")
    else:
        retention = fields.integer(
            "RetentionPeriodHours", 24, 24, 24, "§8 [D37b]: DynamoDB keeps records 24 h"
        )
    initial = fields.integer(
        "RetryInitialMs", 1_000, 1, 3_600_000, "simulator input: AWS does not document the cadence"
    )
    maximum = fields.integer(
        "RetryMaxMs", 60_000, initial, 3_600_000, "simulator input: cadence undocumented"
    )
    fields.done()
    return Stream(shards, retention, initial, maximum)


def _stream_mapping(fields: Fields, kind: str) -> Mapping_:
    batch = fields.integer("BatchSize", 100, *limits.BATCH_SIZE, "§8 [D36b]")
    window = fields.integer(
        "MaximumBatchingWindowInSeconds", 0, *limits.BATCHING_WINDOW_S, "§8 [D36b]", extra=" s"
    )
    retries = fields.integer(
        "MaximumRetryAttempts", -1, *limits.STREAM_RETRIES, "§8 [D36b]: -1 = until expiry"
    )
    age = fields.integer(
        "MaximumRecordAgeInSeconds",
        -1,
        *limits.RECORD_AGE_S,
        "§8 [D38]: -1 or 60–604,800",
    )
    if 0 <= age < 60:
        raise ScenarioError(
            fields.at("MaximumRecordAgeInSeconds"),
            f"{age} is out of range; allowed -1 or 60–604,800 (§8 [D38])",
        )
    bisect = fields.flag("BisectBatchOnFunctionError", False)
    factor = fields.integer("ParallelizationFactor", 1, *limits.PARALLELIZATION, "§8 [D36a]")
    report = _response_types(fields)
    _, on_failure = _destinations(fields.sub("DestinationConfig"), allow_success=False)
    if kind == "kinesis":
        start = fields.choice(
            "StartingPosition", "TRIM_HORIZON", STARTING_POSITIONS, "§8 [D35][D36b]"
        )
    else:
        # AWS requires StartingPosition; for DynamoDB streams there is no default. §8 [D35][D36b]
        if not fields.has("StartingPosition"):
            raise ScenarioError(
                fields.at("StartingPosition"),
                "is required for a DynamoDB stream; choose one of TRIM_HORIZON, LATEST "
                "(§8 [D35][D37]: AT_TIMESTAMP is for Kinesis only)",
            )
        # AT_TIMESTAMP is Kinesis only; DynamoDB streams take TRIM_HORIZON or LATEST. §8 [D35][D37]
        start = fields.choice(
            "StartingPosition",
            "TRIM_HORIZON",
            STARTING_POSITIONS[:2],
            "§8 [D35][D37]: AT_TIMESTAMP is for Kinesis only",
        )
    tumbling = fields.integer(
        "TumblingWindowInSeconds", 0, *TUMBLING_WINDOW_S, "§8 [D36a][D36b]", extra=" s"
    )
    fields.done()
    return Mapping_(
        batch_size=batch,
        window_s=window,
        report_batch_item_failures=report,
        maximum_retry_attempts=retries,
        maximum_record_age_s=age,
        bisect=bisect,
        parallelization=factor,
        on_failure_arn=on_failure,
        starting_position=start,
        tumbling_window_s=tumbling,
    )


def _entry(raw: Fields, sources: tuple[Source, ...]) -> tuple[str | None, Source]:
    """Read `Source`: which source an item of traffic is offered to (default: the first)."""
    if len(sources) == 1 and not raw.has("Source"):
        raw.used.add("Source")
        return None, sources[0]
    name = raw.text("Source", sources[0].name)
    for source in sources:
        if source.name == name:
            if source.type == "sqs" and source.function is None:
                raise ScenarioError(raw.at("Source"), f"no function polls the queue '{name}'")
            return (name if source is not sources[0] else None), source
    known = ", ".join(s.name for s in sources)
    raise ScenarioError(raw.at("Source"), f"'{name}' is not a source; known: {known}")


def _json_field(raw: Fields, key: str) -> str | None:
    value = raw.raw(key)
    if value is None:
        return None
    try:
        return json.dumps(value, sort_keys=True)
    except (TypeError, ValueError) as error:
        raise ScenarioError(raw.at(key), f"not JSON-serialisable: {error}") from None


def _traffic(fields: Fields, sources: tuple[Source, ...]) -> Traffic:
    events = []
    for index, item in enumerate(fields.items("Events")):
        raw = Fields(item, f"{fields.at('Events')}[{index}]")
        at_ms = raw.integer("AtMs", 0, 0, MAX_MS, "simulator input")
        entry, source = _entry(raw, sources)
        shard = raw.optional_integer("Shard", 0, source.stream.shards - 1, "Stream.ShardCount")
        attributes = _json_field(raw, "Attributes")
        if attributes is not None and source.type != "sns":
            raise ScenarioError(raw.at("Attributes"), "message attributes are for SNS topics")
        events.append(
            TrafficEvent(
                at_ms,
                raw.optional_text("Id"),
                raw.optional_text("Group"),
                shard,
                raw.optional_text("PartitionKey"),
                _payload_bytes(raw, source),
                entry,
                attributes,
                _json_field(raw, "Payload"),
            )
        )
        raw.done()
        if source.queue.fifo and source.type == "sqs" and events[-1].group is None:
            raise ScenarioError(
                f"{fields.at('Events')}[{index}].Group", "a FIFO queue needs a message group"
            )
    rates = []
    for index, item in enumerate(fields.items("Rates")):
        raw = Fields(item, f"{fields.at('Rates')}[{index}]")
        kind = raw.choice("Kind", "poisson", ("poisson", "constant"), "simulator input")
        per_second = raw.number("PerSecond", 1.0, *limits.RATE_PER_S, "simulator input")
        start = raw.integer("StartMs", 0, 0, MAX_MS, "simulator input")
        duration = raw.optional_integer("DurationSeconds", 1, 10**8, "simulator input")
        count = raw.optional_integer("Count", *limits.RATE_COUNT, "simulator input")
        if duration is None and count is None:
            raise ScenarioError(raw.path, "a rate needs DurationSeconds or Count")
        entry, source = _entry(raw, sources)
        payload = _payload_bytes(raw, source)
        raw.done()
        end = None if duration is None else start + duration * 1000
        rates.append(Rate(kind, per_second, start, end, count, payload, entry))
    bursts = []
    for index, item in enumerate(fields.items("Bursts")):
        raw = Fields(item, f"{fields.at('Bursts')}[{index}]")
        entry, source = _entry(raw, sources)
        bursts.append(
            Burst(
                raw.integer("AtMs", 0, 0, MAX_MS, "simulator input"),
                raw.integer("Count", 1, *limits.BURST_COUNT, "simulator input"),
                _payload_bytes(raw, source),
                entry,
            )
        )
        raw.done()
    fields.done()
    return Traffic(tuple(events), tuple(rates), tuple(bursts))


def _payload_bytes(fields: Fields, source: Source) -> int:
    """Read `PayloadBytes`: the size of each item's event payload (simulator input)."""
    size = fields.integer(
        "PayloadBytes",
        0,
        *limits.PAYLOAD_BYTES,
        "simulator input: Lambda refuses sync requests over 6 MB and async events over 1 MB, "
        "§2 [D4][D7][D8]",
        extra=" bytes",
    )
    if source.type == "sqs" and size > limits.SQS_MESSAGE_BYTES:
        # The queue cannot hold it: SQS messages for a Lambda mapping go up to 1 MB. §2 [D8]
        raise ScenarioError(
            fields.at("PayloadBytes"),
            f"{size:,} bytes is out of range for an SQS message; allowed 0–"
            f"{limits.SQS_MESSAGE_BYTES:,} bytes (§2 [D8]: 1 MB)",
        )
    return size


def _fault(fields: Fields, functions: tuple[Function, ...]) -> Fault:
    effect = fields.choice("Effect", "error", FAULT_EFFECTS, "simulator input")
    match = fields.sub("Match")
    event_ids = (
        ids(match.items("EventIds"), match.at("EventIds")) if match.has("EventIds") else None
    )
    match.used.add("EventIds")
    attempts = None
    if match.has("Attempts"):
        attempts = frozenset(
            check_int(a, f"{match.at('Attempts')}[{i}]", 1, 100_000, "simulator input")
            for i, a in enumerate(match.items("Attempts"))
        )
    match.used.add("Attempts")
    versions = ids(match.items("Versions"), match.at("Versions")) if match.has("Versions") else None
    match.used.add("Versions")
    names = ids(match.items("Functions"), match.at("Functions")) if match.has("Functions") else None
    match.used.add("Functions")
    by_name = {f.name: f for f in functions}
    for name in names or ():
        if name not in by_name:
            raise ScenarioError(match.at("Functions"), f"'{name}' is not a function")
    chosen = [by_name[n] for n in sorted(names)] if names else list(functions)
    known = {v.name for f in chosen for v in f.versions}
    for name in versions or ():
        if name not in known:
            raise ScenarioError(match.at("Versions"), f"'{name}' is not a version")
    from_ms = match.integer("FromMs", 0, 0, MAX_MS, "simulator input")
    to_ms = match.integer("ToMs", MAX_MS, from_ms, MAX_MS, "simulator input")
    probability = match.number("Probability", 1.0, *limits.PROBABILITY, "simulator input")
    match.done()
    extra = fields.integer("ExtraMs", 0, *limits.FAULT_MS, "simulator input")
    delay = fields.integer("DelayMs", 500, *limits.FAULT_MS, "simulator input")
    error_type = fields.text("ErrorType", "Error")
    retryable = fields.flag("Retryable", True)
    response = fields.raw("Response")
    if effect == "response" and "Response" not in fields.data:
        raise ScenarioError(fields.at("Response"), "the response effect needs a Response value")
    try:
        response_json = json.dumps(response)
    except (TypeError, ValueError) as error:
        raise ScenarioError(fields.at("Response"), f"not JSON-serialisable: {error}") from None
    fields.done()
    return Fault(
        effect=effect,
        event_ids=event_ids,
        attempts=attempts,
        from_ms=from_ms,
        to_ms=to_ms,
        probability=probability,
        versions=versions,
        extra_ms=extra,
        delay_ms=delay,
        response_json=response_json,
        error_type=error_type,
        functions=names,
        retryable=retryable,
    )


def _database(fields: Fields) -> Database:
    max_conn = fields.integer(
        "MaxConnections", 100, *limits.DB_CONNECTIONS, "simulator input (DB max_connections)"
    )
    proxy = fields.sub("Proxy")
    enabled = fields.has("Proxy") and proxy.flag("Enabled", True)
    percent = proxy.integer("MaxConnectionsPercent", 100, 1, 100, "§9 [D41b]")
    borrow = proxy.integer(
        "ConnectionBorrowTimeout", 120, *limits.BORROW_TIMEOUT_S, "§9 [D41b][D41c]", extra=" s"
    )
    proxy.done()
    fields.done()
    return Database(max_conn, enabled, percent, borrow)


def _idempotency(fields: Fields) -> Idempotency:
    enabled = fields.flag("Enabled", True)
    expires = fields.integer("ExpiresAfterSeconds", 3_600, 1, 31_536_000, "§10 [D43]", extra=" s")
    lookup = fields.integer("LookupMs", 5, 0, 60_000, "simulator input")
    fields.done()
    if not enabled:
        raise ScenarioError(fields.at("Enabled"), "remove the section to disable idempotency")
    return Idempotency(expires, lookup)


def _client(fields: Fields) -> Client:
    mode = fields.choice("RetryMode", "none", ("none", "legacy", "standard"), "§5 [D23]")
    default_attempts = {"none": 1, "legacy": 5, "standard": 3}[mode]
    attempts = fields.integer("MaxAttempts", default_attempts, *limits.CLIENT_ATTEMPTS, "§5 [D23]")
    default_read = None if mode == "none" else 60
    read = fields.optional_integer(
        "ReadTimeoutSeconds", *limits.READ_TIMEOUT_S, "§5 [D22]: boto3 default 60 s"
    )
    fields.done()
    return Client(mode, attempts, read if read is not None else default_read)


def _pricing(fields: Fields) -> Pricing:
    src = "§2 [D9][D55]"
    pricing = Pricing(
        per_million_requests=fields.number("PerMillionRequests", 0.20, 0.0, 100.0, src),
        gb_second_x86=fields.number("GbSecondX86", 0.0000166667, 0.0, 1.0, src),
        gb_second_arm64=fields.number("GbSecondArm64", 0.0000133334, 0.0, 1.0, src),
        provisioned_gb_second=fields.number(
            "ProvisionedGbSecond", 0.0000041667, 0.0, 1.0, "§2: UNSOURCED, commonly quoted"
        ),
        provisioned_duration_gb_second=fields.number(
            "ProvisionedDurationGbSecond", 0.0000097222, 0.0, 1.0, "§2 [D55] (non-AWS)"
        ),
    )
    fields.done()
    return pricing
