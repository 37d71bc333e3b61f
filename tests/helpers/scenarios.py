"""Scenarios several tests share (plain data: no Django)."""

from __future__ import annotations

from typing import Any

# Every message fails and is redelivered at once, up to 1,000 times: a run that asks for far
# more work than any web request may do.
REDELIVERY_STORM: dict[str, Any] = {
    "Function": {"Timeout": 3},
    "Code": {"DurationMs": 10},
    "Source": {
        "Type": "sqs",
        "Queue": {"VisibilityTimeout": 0, "RedrivePolicy": {"maxReceiveCount": 1000}},
        "EventSourceMapping": {"BatchSize": 1},
    },
    "Traffic": {"Bursts": [{"AtMs": 0, "Count": 40}]},
    "Faults": [{"Effect": "error"}],
}
