"""One-line plain-language narration for trace events, using the course's analogies.

Food truck: parks = INIT, serves = INVOKE, drives away = SHUTDOWN. Restaurant counter = sync,
kitchen = async, buffet = polling (SQS), assembly line = streams.
"""

from __future__ import annotations


def seconds(ms: int) -> str:
    """Format milliseconds as seconds for a sentence."""
    return f"{ms / 1000:g} s"


def init(env: int, request: str, ms: int, setup_outside: bool, cut: bool) -> str:
    """Narrate a cold start."""
    oven = (
        " The oven is pre-heated here (clients created outside the handler)."
        if setup_outside
        else ""
    )
    if cut:
        return (
            f"Cold start for {request}: food truck #{env} starts parking, but setup would take "
            f"{seconds(ms)}, past the 10 s init limit.{oven}"
        )
    return (
        f"Cold start for {request}: food truck #{env} parks and sets up (INIT {ms} ms: extensions, "
        f"runtime, then your code outside the handler).{oven}"
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
        f"arrived ({ms} ms init, AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency)."
    )


def thaw(env: int, request: str, invocations: int) -> str:
    """Narrate a warm start."""
    return (
        f"Warm start: truck #{env} is already parked and serves {request} at once; its globals "
        f"and /tmp from {invocations} earlier request(s) are still there."
    )


def reinit(env: int, request: str, ms: int) -> str:
    """Narrate a re-initialisation after a reset."""
    return (
        f"Truck #{env} was reset after a crash or timeout: it re-runs init ({ms} ms) for "
        f"{request}, inside this request's timeout. /tmp survived the reset, globals did not."
    )


def invoke(env: int, request: str, ms: int, outcome: str, version: str) -> str:
    """Narrate an invocation."""
    ending = {
        "ok": "and hands over the order",
        "error": "but the handler throws an error",
        "timeout": "but runs out of time",
        "crash": "but the runtime crashes",
    }[outcome]
    return f"Truck #{env} (version {version}) serves {request} for {ms} ms {ending}."


def timeout(env: int, seconds_: int) -> str:
    """Narrate a function timeout."""
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


def shutdown(env: int, idle_s: int, limit_ms: int, killed: bool) -> str:
    """Narrate an environment being reclaimed."""
    kill = " Extensions still running at the limit are killed (SIGKILL)." if killed else ""
    return (
        f"Truck #{env} drives away after {idle_s} s without customers (SHUTDOWN, "
        f"{limit_ms} ms allowed). The idle lifetime is a simulator setting: AWS does not "
        f"guarantee how long idle environments live.{kill}"
    )


def throttle_sync(request: str, reason: str) -> str:
    """Narrate a synchronous throttle."""
    return (
        f"429 TooManyRequestsException for {request} ({reason}): no free truck and no room to "
        "park another. The counter turns the customer away; Lambda never retries a sync call."
    )


def throttle_async(request: str, delay_ms: int) -> str:
    """Narrate an internal throttle of an async event."""
    return (
        f"The kitchen is full: {request} goes back on the internal queue and is retried in "
        f"{seconds(delay_ms)} (throttles don't use up the error retries)."
    )


def throttle_poller(what: str, delay_ms: int) -> str:
    """Narrate a poller whose invocation was throttled."""
    return (
        f"The function is at its concurrency limit: the poller holds {what} and tries again "
        f"in {seconds(delay_ms)}."
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


def client_timeout(request: str, seconds_: int) -> str:
    """Narrate a client read timeout."""
    return (
        f"The client stops waiting for {request} after its {seconds_} s read timeout, but the "
        "function keeps running: the work is not cancelled."
    )


def client_retry(request: str, attempt: int, delay_ms: int, why: str) -> str:
    """Narrate an SDK retry."""
    return f"The SDK retries {request} ({why}) as attempt {attempt} after {delay_ms} ms backoff."


def accepted(request: str) -> str:
    """Narrate an async event accepted."""
    return (
        f"{request} is accepted with HTTP 202 and placed on the kitchen's internal queue; the "
        "caller does not wait."
    )


def retry_async(request: str, attempt: int, delay_ms: int) -> str:
    """Narrate an async retry after a function error."""
    return (
        f"{request} failed; Lambda retries it as attempt {attempt} in about "
        f"{seconds(delay_ms)} (AWS says ~1 min, then ~2 min)."
    )


def discard(request: str, condition: str, where: str | None) -> str:
    """Narrate an event being given up on."""
    target = f" and sent to {where}" if where else "; with no destination it is simply lost"
    return f"Lambda gives up on {request} ({condition}){target}."


def dlq(request: str, arn: str) -> str:
    """Narrate a dead-letter delivery."""
    return f"{request} lands in the rejection bin {arn}."


def destination(request: str, condition: str, arn: str) -> str:
    """Narrate a destination record."""
    return f"A {condition} record for {request} is sent to {arn}."


def offer(request: str, place: str) -> str:
    """Narrate an item arriving."""
    return f"{request} arrives at the {place}."


def batch_start(size: int, where: str) -> str:
    """Narrate a poller taking a batch."""
    return f"The poller takes a batch of {size} from {where}."


def visible_again(message: str, count: int) -> str:
    """Narrate an SQS message returning after its visibility timeout."""
    return (
        f"{message}'s visibility timeout ends: it is back on the buffet (received {count} "
        "time(s) so far)."
    )


def redrive(message: str, count: int) -> str:
    """Narrate a message moved to the queue's DLQ."""
    return (
        f"{message} exceeded maxReceiveCount after {count} receives: SQS moves it to the "
        "queue's dead-letter queue (the rejection bin) instead of delivering it again."
    )


def bisect(low: str, high: str) -> str:
    """Narrate a stream batch bisected."""
    return (
        f"The assembly line splits batch {low}–{high} in two to find the defective item "
        "(splits don't use up retries)."
    )


def checkpoint(shard: str, position: str) -> str:
    """Narrate a stream checkpoint."""
    return f"Checkpoint on {shard}: processing resumes after sequence number {position}."


def expire(what: str, why: str) -> str:
    """Narrate an item expiring."""
    return f"{what} expires ({why}) and is removed without being processed."


def side_effect(request: str, count: int) -> str:
    """Narrate a side effect."""
    if count > 1:
        return f"Side effect for {request} happens again (#{count}): a duplicate."
    return f"Side effect for {request} is recorded."


def idempotent_hit(request: str) -> str:
    """Narrate an idempotency-store hit."""
    return f"{request} was already processed: the idempotency store returns the saved result."


def db_error(env: int, limit: int) -> str:
    """Narrate a database connection refused."""
    return (
        f"Truck #{env} asks for a database connection but all {limit} are taken: "
        "'too many connections'."
    )


def db_wait(env: int, wait_ms: int) -> str:
    """Narrate waiting for a pooled connection."""
    return f"Truck #{env} waits {wait_ms} ms for a free waiter (pooled connection) at RDS Proxy."
