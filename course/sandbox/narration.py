"""One-line plain-language narration for trace events, in the course's analogies, one voice a run.

The rule (docs/authoring.md, "The sandbox's narration"):

- **Environments are food trucks, in every run** (lesson 1): INIT = the truck parks and sets up,
  INVOKE = it serves, frozen = it waits between customers, SHUTDOWN = it drives away.
- **Database connections are waiters** (lesson 5), whatever the source.
- **The source speaks in its own lesson's analogy, and only that one**: the restaurant counter
  for synchronous calls, the kitchen (tickets on a rail, the manager's problems tray) for
  asynchronous events, the buffet (an attendant refilling trays) for SQS polling, the assembly
  line (a belt, a rejection bin) for Kinesis and DynamoDB streams. A run has one source, so a
  log never mixes two source analogies; the words of each live in one `Voice` below.
- Counts agree with their nouns ("1 message", "2 messages"); times are in human units
  ("350 ms", "1.5 s", "2 min", "10 min 0.352 s"), never raw milliseconds past a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from .trace import TraceEvent

_S = 1_000
_MIN = 60_000
_H = 3_600_000


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """Return "1 message" or "2 messages" (pass `nouns` for an irregular plural)."""
    word = noun if count == 1 else (nouns or f"{noun}s")
    return f"{count:,} {word}"


def times(count: int) -> str:
    """Return "once", "twice" or "3 times"."""
    return {1: "once", 2: "twice"}.get(count, f"{count:,} times")


def duration(ms: int) -> str:
    """Return a span of time in human units: "350 ms", "1.5 s", "2 min", "10 min 0.352 s"."""
    if ms < _S:
        return f"{ms:,} ms"
    if ms < _MIN:
        return f"{ms / _S:g} s"
    hours, rest = divmod(ms, _H)
    minutes, rest = divmod(rest, _MIN)
    parts = [f"{hours:,} h"] if hours else []
    if minutes:
        parts.append(f"{minutes} min")
    if rest:
        parts.append(f"{rest / _S:g} s")
    return " ".join(parts)


def seconds(ms: int) -> str:
    """Format milliseconds for a sentence (kept for callers: same as `duration`)."""
    return duration(ms)


@dataclass(frozen=True, slots=True)
class Voice:
    """The words one source uses for its own part of the story."""

    analogy: str  # the analogy's name, as in the lesson's `::: analogy` callout
    place: str  # where an item arrives
    arrives: str  # "{item} {arrives} {place}."
    poller: str  # who takes batches (polling sources)
    batch: str  # what a batch is called
    back: str  # where a failed item goes back to
    gives_up: str  # who gives up on an item
    bin: str  # where given-up items are put, in the analogy's words


SYNC = Voice(
    analogy="restaurant counter",
    place="the restaurant counter",
    arrives="arrives at",
    poller="",
    batch="order",
    back="the counter",
    gives_up="The counter",
    bin="",
)
ASYNC = Voice(
    analogy="restaurant kitchen",
    place="the kitchen's ticket rail (Lambda's internal queue)",
    arrives="goes on",
    poller="",
    batch="ticket",
    back="the rail",
    gives_up="The kitchen",
    bin="the manager's problems tray",
)
SQS = Voice(
    analogy="buffet",
    place="the buffet (the queue)",
    arrives="is put out on",
    poller="The attendant (Lambda's poller)",
    batch="tray",
    back="the buffet",
    gives_up="The attendant",
    bin="the queue's dead-letter queue",
)
STREAM = Voice(
    analogy="assembly line",
    place="the assembly line",
    arrives="joins",
    poller="The line's poller",
    batch="batch",
    back="the belt",
    gives_up="The line manager",
    bin="the rejection bin",
)
VOICES = {"sync": SYNC, "async": ASYNC, "sqs": SQS, "kinesis": STREAM, "dynamodb": STREAM}


# --- Environments: the food truck, in every run -------------------------------------------------


def init(env: int, request: str, ms: int, setup_outside: bool, cut: bool) -> str:
    """Narrate a cold start: a new environment, even when INIT takes 0 ms."""
    grill = (
        " It lights its grill once, here (clients created outside the handler), so later "
        "customers of this truck skip that step."
        if setup_outside
        else ""
    )
    if cut:
        return (
            f"Cold start for {request}: food truck #{env} starts parking, but setting up would "
            f"take {duration(ms)}, past the 10 s init limit.{grill}"
        )
    if ms == 0:
        return (
            f"Cold start for {request}: a new food truck #{env} parks. Its setup takes 0 ms "
            "(INIT 0 ms: no work outside the handler), but it is still a new environment, "
            f"not a warm one.{grill}"
        )
    return (
        f"Cold start for {request}: food truck #{env} parks and sets up (INIT {duration(ms)}: "
        f"extensions, runtime, then your code outside the handler).{grill}"
    )


def restore(env: int, request: str, ms: int, version: str) -> str:
    """Narrate a SnapStart restore: a new environment resumed from the version's snapshot."""
    return (
        f"Cold start for {request}, without the setup: food truck #{env} arrives already set "
        f"up, rebuilt from a photograph of version {version}'s kitchen taken when it was "
        f"published (RESTORE {duration(ms)}, no INIT). Anything unique in the photo (random "
        "seeds, IDs, connections) must be made fresh."
    )


def init_timeout(env: int) -> str:
    """Narrate an init cut at 10 s."""
    return (
        f"Truck #{env}'s INIT hit the 10 s limit: Lambda will run init again inside the first "
        "invocation, and that time counts against the function timeout."
    )


def provision(env: int, version: str, ms: int) -> str:
    """Narrate a provisioned-concurrency environment made ready before traffic."""
    return (
        f"Provisioned truck #{env} for version {version} parked and set up before any customer "
        f"arrived ({duration(ms)} init, AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency)."
    )


def thaw(env: int, request: str, invocations: int) -> str:
    """Narrate a warm start; `invocations` is how many requests the truck served before."""
    if invocations == 0:
        return (
            f"Warm start: truck #{env} was set up ahead of time and serves {request} at once, "
            "its first customer (no INIT for this request)."
        )
    return (
        f"Warm start: truck #{env} is already parked and serves {request} at once; its globals "
        f"and /tmp from {plural(invocations, 'earlier request')} are still there."
    )


def reinit(env: int, request: str, ms: int) -> str:
    """Narrate a re-initialisation after a reset."""
    return (
        f"Truck #{env} was reset after a crash or timeout: it re-runs init ({duration(ms)}) for "
        f"{request}, inside this request's timeout. /tmp survived the reset, globals did not."
    )


def invoke(
    env: int, request: str, ms: int, outcome: str, version: str, tmp: str | None = None
) -> str:
    """Narrate an invocation; `tmp` is "hit" or "miss" when the handler reads a /tmp file."""
    ending = {
        "ok": "and hands over the order",
        "error": "but the handler throws an error",
        "timeout": "but runs out of time",
        "crash": "but the runtime crashes",
    }[outcome]
    cache = {
        "hit": " The /tmp file was already in the truck: cache hit.",
        "miss": " The /tmp file was not there yet: cache miss, fetched and kept in /tmp.",
    }.get(tmp or "", "")
    return f"Truck #{env} (version {version}) serves {request} for {duration(ms)} {ending}.{cache}"


def timeout(env: int, seconds_: int) -> str:
    """Narrate a function timeout (the first words are AWS's own log message)."""
    return (
        f"Task timed out after {seconds_}.00 seconds: Lambda stops truck #{env}'s runtime "
        "mid-order."
    )


def reset(env: int) -> str:
    """Narrate an environment reset."""
    return (
        f"Truck #{env} is reset: the runtime is shut down and will re-initialise on its next "
        "request; files in /tmp are kept."
    )


def freeze(env: int) -> str:
    """Narrate an environment going idle."""
    return f"Truck #{env} is frozen between customers: nothing runs until the next request."


def shutdown(env: int, idle_s: int, limit_ms: int, killed: bool, runtime_ms: int = 0) -> str:
    """Narrate an environment being reclaimed; `runtime_ms` is the runtime's share of the limit
    when extensions share it."""
    kill = " Extensions still running at the limit are killed (SIGKILL)." if killed else ""
    shares = (
        f": {duration(runtime_ms)} for the runtime, {duration(limit_ms - runtime_ms)} for the "
        "extensions"
        if 0 < runtime_ms < limit_ms
        else ""
    )
    return (
        f"Truck #{env} drives away after {duration(idle_s * _S)} without customers (SHUTDOWN, "
        f"{duration(limit_ms)} allowed{shares}). The idle lifetime is a simulator setting: AWS "
        f"does not guarantee how long idle environments live.{kill}"
    )


# --- Database connections: waiters ------------------------------------------------------------


def db_error(env: int, limit: int) -> str:
    """Narrate a database connection refused."""
    return (
        f"Truck #{env} asks for a database connection but all {plural(limit, 'waiter')} are "
        "taken: 'too many connections'."
    )


def db_wait(env: int, wait_ms: int) -> str:
    """Narrate waiting for a pooled connection."""
    return (
        f"Truck #{env} waits {duration(wait_ms)} for a free waiter (pooled connection) at RDS "
        "Proxy."
    )


# --- Every source, in its own voice -----------------------------------------------------------


def offer(request: str, voice: Voice, where: str = "") -> str:
    """Narrate an item arriving (at `where`, a shard, when the place has parts)."""
    return f"{request} {voice.arrives} {voice.place}{f' ({where})' if where else ''}."


def side_effect(request: str, count: int) -> str:
    """Narrate a side effect."""
    if count > 1:
        return f"Side effect for {request} happens again (#{count}): a duplicate."
    return f"Side effect for {request} is recorded."


def idempotent_hit(request: str) -> str:
    """Narrate an idempotency-store hit."""
    return f"{request} was already processed: the idempotency store returns the saved result."


def destination(request: str, condition: str, arn: str, attempts: int | None = None) -> str:
    """Narrate a destination record (async success or failure) and its approximateInvokeCount."""
    article = "An" if condition[:1] in "AEIOU" else "A"
    count = f" (approximateInvokeCount {attempts})" if attempts is not None else ""
    return f"{article} {condition} record for {request}{count} is sent to {arn}."


# --- Synchronous: the restaurant counter --------------------------------------------------------


def throttle_sync(request: str, reason: str) -> str:
    """Narrate a synchronous throttle."""
    if "RateLimit" in reason:
        return (
            f"429 TooManyRequestsException for {request} ({reason}): each truck serves at most "
            "10 customers a second, and the function at most 10 a second per truck it may run. "
            "The counter turns the customer away; Lambda never retries a sync call."
        )
    return (
        f"429 TooManyRequestsException for {request} ({reason}): no free truck and no room to "
        "park another. The counter turns the customer away; Lambda never retries a sync call."
    )


def response(request: str, status: int, error: str | None, version: str) -> str:
    """Narrate a synchronous response."""
    if error:
        return (
            f"The counter returns HTTP {status} for {request} with X-Amz-Function-Error: "
            f"Unhandled ({error}); executed version {version}. A function error is not an HTTP "
            "error, so SDKs don't retry it."
        )
    return f"The counter returns HTTP {status} for {request} (X-Amz-Executed-Version: {version})."


def too_large(request: str, size: int, limit: int, voice: Voice) -> str:
    """Narrate an Invoke request refused for its payload size (HTTP 413)."""
    return (
        f"{request} is refused at {voice.place} with HTTP 413 RequestTooLargeException: its "
        f"payload is {size:,} bytes and the limit is {limit:,}. The function never runs."
    )


def client_timeout(request: str, seconds_: int) -> str:
    """Narrate a client read timeout."""
    return (
        f"The customer stops waiting at the counter for {request} after the SDK's "
        f"{duration(seconds_ * _S)} read timeout, but the function keeps running: the work is "
        "not cancelled."
    )


def client_retry(request: str, attempt: int, delay_ms: int, why: str) -> str:
    """Narrate an SDK retry."""
    return (
        f"The SDK orders {request} again at the counter ({why}) as attempt {attempt} after "
        f"{duration(delay_ms)} backoff."
    )


# --- Asynchronous: the kitchen ----------------------------------------------------------------


def accepted(request: str) -> str:
    """Narrate an async event accepted."""
    return (
        f"{request} is accepted with HTTP 202 and its ticket goes on the kitchen's rail "
        "(Lambda's internal queue); the caller does not wait."
    )


def throttle_async(request: str, delay_ms: int) -> str:
    """Narrate an internal throttle of an async event."""
    return (
        f"The kitchen is full: {request}'s ticket goes back on the rail and is retried in "
        f"{duration(delay_ms)} (throttles don't use up the error retries)."
    )


def retry_async(request: str, attempt: int, delay_ms: int) -> str:
    """Narrate an async retry after a function error."""
    return (
        f"{request} failed; the kitchen cooks it again as attempt {attempt} in about "
        f"{duration(delay_ms)} (AWS says ~1 min, then ~2 min)."
    )


def discard(request: str, condition: str, where: str | None, voice: Voice = ASYNC) -> str:
    """Narrate an item being given up on, sent to `where` or lost."""
    target = f" and sends it to {where}" if where else "; with no destination it is simply lost"
    return f"{voice.gives_up} gives up on {request} ({condition}){target}."


def dlq(request: str, arn: str) -> str:
    """Narrate an async event's dead-letter delivery."""
    return f"{request}'s ticket goes to {ASYNC.bin}: the dead-letter queue {arn}."


# --- Polling sources: the buffet (SQS) and the assembly line (streams) ---------------------------


def batch_start(count: int, where: str, voice: Voice) -> str:
    """Narrate a poller taking a batch of `count` items from `where`."""
    noun = "message" if voice is SQS else "record"
    return f"{voice.poller} takes a {voice.batch} of {plural(count, noun)} from {where}."


def throttle_poller(what: str, delay_ms: int, voice: Voice) -> str:
    """Narrate a poller whose invocation was throttled."""
    return (
        f"The function is at its concurrency limit: {voice.poller.lower()} holds {what} and "
        f"tries again in {duration(delay_ms)}."
    )


def expire(what: str, why: str, voice: Voice) -> str:
    """Narrate an item expiring."""
    return f"{what} expires ({why}) and leaves {voice.back} without being processed."


def batch_result(size: int, deleted: int, failed: int | None) -> str:
    """Narrate an SQS batch's outcome; `failed` is None when the whole batch failed."""
    if failed is None:
        return (
            f"The whole {SQS.batch} of {plural(size, 'message')} failed: every message, even "
            "those processed fine, goes back on the buffet after the visibility timeout."
        )
    if failed:
        return (
            f"Partial batch response: {deleted:,} deleted, {failed:,} back on the buffet after "
            "the visibility timeout."
        )
    if deleted == 1:
        return "Batch succeeded: Lambda deletes its 1 message."
    return f"Batch succeeded: Lambda deletes all {plural(deleted, 'message')}."


def poller_scale_down(before: int, after: int) -> str:
    """Describe the SQS pollers backing off after a failed invocation (appended to a result)."""
    return (
        f" The attendant backs off: at most {plural(after, SQS.batch)} at a time now "
        f"(was {before:,}), then up to 300 more a minute again."
    )


def low_traffic_wait(waited_ms: int) -> str:
    """Describe a partial SQS batch held back by the low-traffic wait (appended to a start)."""
    return (
        f" Few messages were waiting, so the attendant waited {duration(waited_ms)} for the "
        "tray to fill (with low traffic Lambda may wait up to 20 s)."
    )


def visible_again(message: str, count: int) -> str:
    """Narrate an SQS message returning after its visibility timeout."""
    return (
        f"{message}'s visibility timeout ends: it is back on the buffet (received "
        f"{times(count)} so far)."
    )


def redrive(message: str, count: int) -> str:
    """Narrate a message moved to the queue's DLQ."""
    return (
        f"{message} reached maxReceiveCount after {plural(count, 'receive')}: SQS takes it off "
        "the buffet and moves it to the queue's dead-letter queue instead of serving it again."
    )


def records(first: str, last: str) -> str:
    """Return "record 6" or "records 5–8"."""
    return f"record {first}" if first == last else f"records {first}–{last}"


def stream_retry(delay_ms: int) -> str:
    """Narrate a stream batch retried while its shard waits."""
    return (
        "The batch failed; the line stops (the shard is blocked) while Lambda retries it in "
        f"{duration(delay_ms)} (AWS does not document the cadence)."
    )


def stream_failure_record(what: str, condition: str, arn: str) -> str:
    """Narrate a stream's on-failure record: a note about the records, not the records."""
    return (
        f"A {condition} note about {what} goes in the rejection bin {arn}. It says where to find "
        "them, not the records: read them before expiry."
    )


def bisect(low: str, high: str) -> str:
    """Narrate a stream batch bisected."""
    return (
        f"The assembly line splits batch {low}–{high} in two to find the defective item "
        "(splits don't use up retries)."
    )


def window(start_ms: int, end_ms: int, state_bytes: int, final: bool, early: bool) -> str:
    """Describe a tumbling window's batch: which window, its tally so far, whether it closes."""
    span = f"the {duration(start_ms)}–{duration(end_ms)} window"
    if start_ms == 0:
        span = f"the 0–{duration(end_ms)} window"
    tally = f"its tally sheet holds {state_bytes:,} bytes"
    if final and early:
        return (
            f" It closes {span} early: {tally}, over the 1 MB a shard may keep, so this last "
            "pass (isFinalInvokeForWindow) hands the sheet over and the rest starts a new one."
        )
    if final:
        return (
            f" {span[0].upper()}{span[1:]} has ended: this last pass (isFinalInvokeForWindow) "
            f"carries no items, only the tally sheet ({state_bytes:,} bytes) to hand over."
        )
    return f" It belongs to {span}; {tally}, passed along the line with it."


def checkpoint(shard: str, position: str) -> str:
    """Narrate a stream checkpoint."""
    return f"Checkpoint on {shard}: the line resumes after sequence number {position}."


# --- several functions: sends, forwarded records, SNS and EventBridge fan-out -----------------


def sent(request: str, target: str) -> str:
    """The handler sends an item on to a queue, topic or event bus of the scenario."""
    return f"The handler sends {request} on to '{target}'."


def forwarded(request: str, target: str, kind: str) -> str:
    """A destination or dead-letter record reaches a resource of the scenario."""
    return f"The record of {request} arrives at the {kind} '{target}'."


def published(request: str, topic: str, kind: str) -> str:
    """A message is published to a topic, or an event put on a bus."""
    if kind == "sns":
        return f"{request} is published to the topic '{topic}'."
    return f"{request} is put on the event bus '{topic}'."


def fanout(request: str, matched: list[str], filtered: list[str], kind: str) -> str:
    """Which subscribers (or rule targets) get the message and which filter it out."""
    who = "subscriber" if kind == "sns" else "target"
    got = ", ".join(matched) if matched else f"no {who}"
    text = f"{request} fans out to {got}"
    if filtered:
        text += f"; filtered out for {', '.join(filtered)}"
    return text + "."


def delivery_failed(request: str, function: str, error: str, retryable: bool) -> str:
    """SNS or EventBridge could not hand the message to Lambda."""
    kind = "a server-side error, retried" if retryable else "a client-side error, not retried"
    return f"Delivering {request} to {function} fails with {error} ({kind})."


def delivery_retry(request: str, function: str, attempt: int, delay_ms: int) -> str:
    """The next delivery attempt of the retry policy."""
    when = "at once" if delay_ms == 0 else f"in {duration(delay_ms)}"
    return f"Delivery attempt {attempt} of {request} to {function} {when}."


def delivery_dlq(request: str, function: str, arn: str | None, attempts: int) -> str:
    """A delivery the retry policy gave up on: to the subscription's or target's DLQ, or lost."""
    tried = f"after {plural(attempts, 'attempt')}"
    if arn is None:
        return f"{request} is never delivered to {function} ({tried}) and is dropped: no DLQ."
    return f"{request} is never delivered to {function} ({tried}): it goes to the DLQ {arn}."


# --- Narrators: the commonest sentences, written from a trace event when it is read ------------
# The engine records these functions instead of the sentences (`trace.Said`): a trace keeps
# thousands of events and the lab's log shows the first 500. Each returns exactly what the
# function above it in this file returns for the same values.


def offer_at_counter(event: TraceEvent) -> str:
    """`offer(request, SYNC)` for a synchronous request's OFFER."""
    return offer(cast(str, event.request), SYNC)


def thaw_event(event: TraceEvent, invocations: int) -> str:
    """`thaw` for a THAW event."""
    return thaw(cast(int, event.env), cast(str, event.request), invocations)


def invoke_event(event: TraceEvent) -> str:
    """`invoke` for an INVOKE event (duration and /tmp cache from its detail)."""
    detail = event.detail
    return invoke(
        cast(int, event.env),
        cast(str, event.request),
        cast(int, detail["duration_ms"]),
        cast(str, event.outcome),
        cast(str, event.version),
        cast("str | None", detail.get("tmp_cache")),
    )


def side_effect_event(event: TraceEvent) -> str:
    """`side_effect` for a SIDE_EFFECT event."""
    return side_effect(cast(str, event.request), cast(int, event.detail["count"]))


def freeze_event(event: TraceEvent) -> str:
    """`freeze` for a FREEZE event."""
    return freeze(cast(int, event.env))


def response_at_counter(event: TraceEvent) -> str:
    """`response` for a synchronous RESPONSE event (status and error from its detail)."""
    detail = event.detail
    return response(
        cast(str, event.request),
        cast(int, detail["status"]),
        cast("str | None", detail.get("errorType")),
        cast(str, event.version),
    )
