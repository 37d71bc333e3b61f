"""The ranges the engine accepts for the scenario fields a learner can tune: one home each.

`scenario.py` validates with these (`fields.integer("MemorySize", 128, *MEMORY_MB, source)`)
and the lab's knobs (`course/lab/core/knobs.py`) offer the same ranges in the form, so a range
is never written twice. The LAMBDA-FACTS.md entry behind each number is cited where the field
is read, in `scenario.py`, next to its error message.
"""

from __future__ import annotations

from typing import NamedTuple


class IntRange(NamedTuple):
    """Allowed whole numbers, both ends included."""

    low: int
    high: int


class FloatRange(NamedTuple):
    """Allowed numbers, both ends included."""

    low: float
    high: float


# Function
MEMORY_MB = IntRange(128, 10_240)
TIMEOUT_S = IntRange(1, 900)
PROVISIONED = IntRange(0, 100_000)  # per version or alias; the total is checked separately
ASYNC_RETRIES = IntRange(0, 2)
MAX_EVENT_AGE_S = IntRange(60, 21_600)
ROUTING_WEIGHT = FloatRange(0.0, 1.0)

# Account
ACCOUNT_CONCURRENCY = IntRange(1, 1_000_000)
DEFAULT_ACCOUNT_CONCURRENCY = 1_000
DEFAULT_UNRESERVED_MINIMUM = 100


def reserved_range(
    quota: int = DEFAULT_ACCOUNT_CONCURRENCY, unreserved_minimum: int = DEFAULT_UNRESERVED_MINIMUM
) -> IntRange:
    """Return the allowed reserved concurrency: up to the quota minus the unreserved minimum."""
    return IntRange(0, quota - unreserved_minimum)


# Environment and code
IDLE_LIFETIME_S = IntRange(1, 86_400)
CODE_MS = IntRange(0, 900_000)  # INIT, handler and client-setup work, /tmp cache fetches
EXTENSION_SHUTDOWN_MS = IntRange(0, 60_000)

# Event sources
BATCH_SIZE = IntRange(1, 10_000)  # SQS standard queues and streams; FIFO queues stop at 10
BATCHING_WINDOW_S = IntRange(0, 300)
MAX_CONCURRENCY = IntRange(2, 1_000)
VISIBILITY_TIMEOUT_S = IntRange(0, 43_200)
MAX_RECEIVE_COUNT = IntRange(1, 1_000)
SHARDS = IntRange(1, 1_000)
STREAM_RETRIES = IntRange(-1, 10_000)  # -1: until the record expires
RECORD_AGE_S = IntRange(-1, 604_800)  # -1: no limit; 0–59 are rejected as well
PARALLELIZATION = IntRange(1, 10)
EVENTBRIDGE_RETRIES = IntRange(0, 185)  # a rule target's RetryPolicy (EventBridge API)
EVENTBRIDGE_EVENT_AGE_S = IntRange(60, 86_400)

# Payloads (bytes; AWS's "MB" read as MiB)
SYNC_PAYLOAD_BYTES = 6 * 1_048_576  # sync request and response: 6 MB. §2 [D4][D7]
ASYNC_PAYLOAD_BYTES = 1_048_576  # async event: 1 MB (256 KB before Oct 2025). §2 [D7][D8]
SQS_MESSAGE_BYTES = 1_048_576  # an SQS message for an SQS mapping: up to 1 MB. §2 [D8]
BATCH_PAYLOAD_BYTES = 6 * 1_048_576  # an SQS batch is invoked once it reaches 6 MB. §7 [D30a]
PAYLOAD_BYTES = IntRange(0, 100 * 1_048_576)  # what a scenario may offer, to show the limits

# Traffic and faults
RATE_PER_S = FloatRange(0.001, 1_000_000.0)
RATE_COUNT = IntRange(1, 10**9)
BURST_COUNT = IntRange(1, 10_000_000)
PROBABILITY = FloatRange(0.0, 1.0)
FAULT_MS = IntRange(0, 3_600_000)

# Database and client
DB_CONNECTIONS = IntRange(1, 100_000)
BORROW_TIMEOUT_S = IntRange(0, 3_600)
CLIENT_ATTEMPTS = IntRange(1, 20)
READ_TIMEOUT_S = IntRange(1, 3_600)
