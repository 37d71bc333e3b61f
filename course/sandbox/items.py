"""Offered items: a sync request, an async event, an SQS message or a stream record."""

from __future__ import annotations


class Item:
    """One offered unit of work and its delivery state."""

    __slots__ = (
        "attempts",
        "attributes",
        "body",
        "group",
        "id",
        "idem_end",
        "idem_ok",
        "idem_start",
        "in_flight",
        "offered_ms",
        "partition_key",
        "payload_bytes",
        "receipt",
        "receive_count",
        "seq",
        "shard",
        "side_effects",
        "terminal",
        "visible_since",
    )

    def __init__(
        self,
        seq: int,
        item_id: str,
        offered_ms: int,
        group: str | None = None,
        shard: int | None = None,
        partition_key: str | None = None,
        payload_bytes: int = 0,
    ) -> None:
        self.seq = seq
        self.id = item_id
        self.offered_ms = offered_ms
        self.group = group
        self.shard = shard
        self.partition_key = partition_key
        self.payload_bytes = payload_bytes
        self.side_effects = 0
        self.terminal: str | None = None
        self.attempts = 0
        self.idem_start = -1
        self.idem_end = -1
        self.idem_ok = False
        self.receive_count = 0
        self.receipt = 0
        self.in_flight = False
        self.visible_since = offered_ms
        self.body: object = None  # the payload, when the scenario gave one (SNS, EventBridge)
        self.attributes: object = None  # SNS message attributes
