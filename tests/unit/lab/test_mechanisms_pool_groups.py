"""A big parking lot is drawn by group: one row per state, with exact counts in its text.

Expected counts come from the scenario (how many requests arrive at once, how many environments
are provisioned) and from each environment's state as the pool view itself tracks it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from django.template.loader import render_to_string

from course.lab.core.mechanisms.pool import GROUP_BAR_W, MAX_DRAWN, build_pool
from course.sandbox import Kind, Scenario, TraceEvent, simulate

SCENARIOS = Path(__file__).resolve().parents[3] / "content" / "lambda-best-practices" / "scenarios"


def run(data: dict[str, Any]) -> tuple[TraceEvent, ...]:
    return simulate(Scenario.from_dict({"seed": 1, **data})).events


def burst(count: int, provisioned: int = 0) -> tuple[TraceEvent, ...]:
    data: dict[str, Any] = {
        "Code": {"InitDurationMs": 300, "DurationMs": 1000},
        "Environment": {"IdleLifetimeSeconds": 600},
        "Traffic": {"Bursts": [{"AtMs": 1000, "Count": count}]},
    }
    if provisioned:
        data["Function"] = {
            "Versions": {"1": {}},
            "Aliases": {"live": {"FunctionVersion": "1", "ProvisionedConcurrentExecutions": 5}},
        }
        data["Source"] = {"Type": "sync", "Qualifier": "live"}
    return run(data)


def render(view: object) -> str:
    return render_to_string("lab/mechanisms/pool.html", {"view": view, "prefix": "p"})


def test_a_lot_up_to_the_limit_is_drawn_truck_by_truck():
    pool = build_pool(burst(MAX_DRAWN), None)
    assert pool is not None
    assert (len(pool.spaces), pool.groups) == (MAX_DRAWN, ())
    html = render(pool)
    assert html.count('class="mv-truck ') == MAX_DRAWN


def test_a_bigger_lot_draws_one_row_per_state_with_its_exact_count():
    count = 120
    pool = build_pool(burst(count), None)
    assert pool is not None
    assert pool.created == count
    assert pool.spaces == ()
    # The whole-run view: every truck is frozen (idle) after its one request.
    (group,) = pool.groups
    assert (group.state, group.provisioned, group.count, group.count_label) == (
        "frozen",
        False,
        count,
        "120",
    )
    assert group.bar_width == GROUP_BAR_W
    assert f"{count} on-demand environments frozen (idle): #1–#{count}." in group.detail.text
    assert f"served {count} invocations after {count} cold starts" in group.detail.text
    html = render(pool)
    assert html.count('class="mv-truck ') == 1
    assert "× 120" in html
    assert f'id="p-{group.detail.id}"' in html
    assert f'id="p-{group.detail.id}-text"' in html
    assert "Each group of environments in words" in html
    assert "one row per state" in pool.summary


def test_groups_at_a_step_split_states_and_provisioned_environments():
    events = burst(40, provisioned=True)
    # The instant the last environment starts its INIT: the early ones are busy, it initialises.
    at = max(i for i, e in enumerate(events) if e.kind == Kind.INIT)
    pool = build_pool(events, at)
    assert pool is not None
    assert pool.created == 40 > MAX_DRAWN
    assert sum(group.count for group in pool.groups) == 40
    by_key = {(g.state, g.provisioned): g for g in pool.groups}
    assert sum(g.count for (_, provisioned), g in by_key.items() if provisioned) == 5
    assert ("initialising", False) in by_key
    # Each group's count matches the states the view counts, and its bar its share.
    for state_count in pool.counts:
        assert state_count.count == sum(
            g.count for (state, _), g in by_key.items() if state == state_count.state
        )
    for group in pool.groups:
        assert abs(group.bar_width - GROUP_BAR_W * group.count / 40) < 0.1
    initialising = by_key[("initialising", False)]
    assert "Initialising for req-" in initialising.detail.text
    html = render(pool)
    assert len(re.findall(r'<g id="p-pool-group-', html)) == len(pool.groups)
    assert html.count("mv-space--pc mv-group") == sum(g.provisioned for g in pool.groups)


def test_a_snapstart_restore_is_the_cold_start_of_its_environment():
    text = (SCENARIOS / "snapstart-restore.yaml").read_text(encoding="utf-8")
    events = run(yaml.safe_load(text)["scenario"])
    restores = [i for i, e in enumerate(events) if e.kind == Kind.RESTORE]
    assert restores
    pool = build_pool(events, restores[0])
    assert pool is not None
    env = events[restores[0]].env
    assert env is not None
    assert {space.env: space.state for space in pool.spaces}[env] == "initialising"
    end = build_pool(events, None)
    assert end is not None
    inits = sum(e.kind in (Kind.INIT, Kind.RESTORE) for e in events)
    assert end.cold_starts == inits
