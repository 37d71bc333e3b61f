"""The fan-out view shows each subscriber's SNS filter policy or EventBridge rule pattern as text.

The policies are the scenario's own (docs/scenarios.md, "SNS and EventBridge" [F1][F4]); the
trace's FANOUT event carries them, so the view needs no access to the scenario.
"""

from __future__ import annotations

import json
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import escape

from course.lab.core.mechanisms.fanout import build_fanout
from course.sandbox import Kind, Scenario, simulate

PLAN_POLICY = {"plan": [{"anything-but": "free"}]}
BIG_ORDERS = {"detail": {"total": [{"numeric": [">=", 100]}]}}

SNS: dict[str, Any] = {
    "seed": 1,
    "Functions": {"audit": {}, "mailer": {}},
    "Sources": [
        {
            "Type": "sns",
            "Name": "signups",
            "Subscriptions": [
                {"Function": "audit"},
                {"Function": "mailer", "FilterPolicy": PLAN_POLICY},
            ],
        }
    ],
    "Traffic": {"Events": [{"AtMs": 0, "Id": "m1", "Source": "signups", "Attributes": {}}]},
}

EVENTBRIDGE: dict[str, Any] = {
    "seed": 1,
    "Functions": {"fraud": {}},
    "Sources": [
        {
            "Type": "eventbridge",
            "Name": "shop",
            "Rules": [
                {"Name": "big", "EventPattern": BIG_ORDERS, "Targets": [{"Function": "fraud"}]}
            ],
        }
    ],
    "Traffic": {
        "Events": [{"AtMs": 0, "Id": "e1", "Source": "shop", "Payload": {"detail": {"total": 5}}}]
    },
}


def rendered(data: dict[str, Any]) -> str:
    view = build_fanout(simulate(Scenario.from_dict(data)).events, None)
    assert view is not None
    return render_to_string(view.template, {"view": view, "prefix": "p"})


def test_fanout_trace_event_carries_every_subscribers_filter_policy() -> None:
    """FANOUT's `filters` maps each subscriber to its policy (null: none, gets every message)."""
    events = simulate(Scenario.from_dict(SNS)).events
    (fanout,) = [e for e in events if e.kind == Kind.FANOUT]
    filters = fanout.detail["filters"]
    assert isinstance(filters, dict)
    assert filters["audit"] is None
    assert json.loads(filters["mailer"]) == PLAN_POLICY
    json.dumps(fanout.as_dict())  # JSON-ready


def test_fanout_view_shows_the_filter_policy_under_the_subscriber_as_code() -> None:
    """The policy is text in a <code> element outside the SVG: readable without colour or JS."""
    html = rendered(SNS)
    policy = escape(json.dumps(PLAN_POLICY))
    assert f"<strong>signups → mailer</strong>: filter policy <code>{policy}</code>" in html
    assert "<strong>signups → audit</strong>: no filter policy, gets every message" in html
    # The lane's words (the details list) say it too.
    assert f"Filter policy: {policy}." in html


def test_fanout_view_shows_the_eventbridge_rule_pattern() -> None:
    """An EventBridge target's lane names its rule and shows the rule's event pattern."""
    html = rendered(EVENTBRIDGE)
    pattern = escape(json.dumps(BIG_ORDERS))
    assert f"<strong>shop → fraud</strong> (rule big): event pattern <code>{pattern}</code>" in html
