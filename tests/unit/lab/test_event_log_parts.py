"""A long event log folds into parts: its head and the lines to keep open, the rest summarised.

Runs come from shipped presets (async-throttling: a few hundred events and a detailed timeline;
kinesis-retry-limit: the answer to its lesson's question far down the log) and from a
one-request scenario; expected counts come from the log's own lines.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from django.template.loader import render_to_string

from course.lab.core.event_log import (
    FIRST_LINES,
    FOLD_ABOVE,
    KEEP_PER_TEXT,
    MIN_FOLD,
    PART_LINES,
    EventLog,
    LogLinks,
    build_log,
    fold,
    is_error,
)
from course.lab.core.timeline import build_timeline
from course.sandbox import Result, Scenario, simulate

SCENARIOS = Path(__file__).resolve().parents[3] / "content" / "lambda-best-practices" / "scenarios"


def shipped(slug: str) -> tuple[Result, dict[str, Any]]:
    data = yaml.safe_load((SCENARIOS / f"{slug}.yaml").read_text(encoding="utf-8"))
    return simulate(Scenario.from_dict(data["scenario"])), data


def render(log: EventLog, answers: list[str] | None = None) -> str:
    return render_to_string(
        "lab/_event_log.html",
        {
            "log": log,
            "preset": {"answers": answers or []},
            "log_filter_urls": {"all": "?#event-log", "errors": "?log=errors#event-log"},
            "request_filter_base": "?log_request=",
            "timeline_url": "?",
        },
    )


def test_a_short_log_is_listed_whole() -> None:
    result = simulate(
        Scenario.from_dict({"Source": {"Type": "sync"}, "Traffic": {"Events": [{"AtMs": 0}]}})
    )
    log = build_log(result)
    assert len(log.lines) <= FOLD_ABOVE
    (block,) = fold(log).blocks
    assert (block.folded, block.lines) == (False, log.lines)
    assert "<details" not in render(log)


def test_a_long_log_lists_its_head_and_folds_the_rest_in_order() -> None:
    result, _ = shipped("async-throttling")
    log = build_log(result)
    assert len(log.lines) > FOLD_ABOVE
    listing = fold(log)
    head, *rest = listing.blocks
    assert (head.folded, head.lines) == (False, log.lines[:FIRST_LINES])
    assert all(block.folded for block in rest)
    assert tuple(line for block in listing.blocks for line in block.lines) == log.lines
    assert listing.folded_count == len(log.lines) - FIRST_LINES
    sizes = [len(part.lines) for part in listing.parts]
    assert max(sizes) <= PART_LINES
    assert max(sizes) - min(sizes) <= 1  # even parts, no stub at the end
    for part in listing.parts:
        assert log.lines[part.first - 1] == part.lines[0]
        assert part.last == part.first + len(part.lines) - 1
        events = [result.events[line.index] for line in part.lines]
        assert part.errors == sum(is_error(event) for event in events)
        assert part.lines[0].time_label in part.span_label
        assert part.lines[-1].time_label in part.span_label
        kinds = Counter(line.kind for line in part.lines)
        assert f"{kinds.most_common(1)[0][1]} {kinds.most_common(1)[0][0]}" in part.kinds_label


def first_holding(log: EventLog, answers: list[str]) -> list[int]:
    """Return the positions of the first KEEP_PER_TEXT lines holding each answer."""
    seen: Counter[str] = Counter()
    wanted = []
    for position, line in enumerate(log.lines):
        held = [answer for answer in answers if answer in line.narration]
        seen.update(held)
        if any(seen[answer] <= KEEP_PER_TEXT for answer in held):
            wanted.append(position)
    return wanted


def test_lines_that_answer_the_lessons_question_stay_open() -> None:
    result, data = shipped("kinesis-retry-limit")
    log = build_log(result)
    answers = data["answers"]
    listing = fold(log, answers)
    wanted = first_holding(log, answers)
    assert wanted
    assert all(position >= FIRST_LINES for position in wanted)  # past the head
    open_lines = {
        line.index for block in listing.blocks if not block.folded for line in block.lines
    }
    assert {log.lines[position].index for position in wanted} <= open_lines
    assert listing.kept == len(wanted)
    assert listing.parts  # the rest is still folded
    # A stretch too short to fold between two open lines stays open; the others fold.
    for block in listing.blocks:
        assert not block.folded or len(block.lines) >= MIN_FOLD
    html = render(log, answers)
    assert "the first lines holding what the lesson asks about stay open" in html
    open_html = re.sub(r"<details.*?</details>", "", html, flags=re.S)
    for answer in answers:
        assert answer in open_html


def test_a_text_on_many_lines_keeps_only_its_first_lines_open() -> None:
    result, data = shipped("async-throttling")
    log = build_log(result)
    answers = data["answers"]
    holding = [line for line in log.lines if any(a in line.narration for a in answers)]
    assert len(holding) > log.shown // 2  # "The kitchen is full" is on every other line
    listing = fold(log, answers)
    open_count = log.shown - listing.folded_count
    assert open_count <= FIRST_LINES + MIN_FOLD + len(answers) * KEEP_PER_TEXT
    open_html = re.sub(r"<details.*?</details>", "", render(log, answers), flags=re.S)
    for answer in answers:
        if any(answer in line.narration for line in log.lines):
            assert answer in open_html


def test_every_line_is_rendered_once_the_folded_ones_inside_a_closed_part() -> None:
    result, _ = shipped("async-throttling")
    timeline = build_timeline(result)
    log = build_log(result, timeline=timeline)
    listing = fold(log)
    html = render(log)
    ids = re.findall(r'id="log-ev-(\d+)"', html)
    assert ids == [str(line.index) for line in log.lines]
    parts = re.findall(r"<details ([^>]*)>(.*?)</details>", html, flags=re.S)
    assert len(parts) == len(listing.parts)
    for (attributes, body), part in zip(parts, listing.parts, strict=True):
        assert "open" not in attributes
        assert f'id="{part.id}"' in attributes
        assert re.findall(r'id="log-ev-(\d+)"', body) == [str(line.index) for line in part.lines]
        assert f"Events {part.first}–{part.last}" in body
        assert (f"{part.errors} error" in body) == bool(part.errors)
    # Every bar of the timeline has its line in the page (the timeline links to #log-ev-N).
    assert {str(index) for index in timeline.anchors} <= set(ids)


def test_a_bar_links_to_its_line_here_else_to_the_unfiltered_page_that_lists_it():
    links = LogLinks(frozenset({3, 4}), "/lab/m/p/?a=1&run=1", limit=500)
    assert links.href(3) == "#log-ev-3"
    assert links.href(5) == "/lab/m/p/?a=1&run=1#log-ev-5"  # left out by a filter
    assert links.href(499) == "/lab/m/p/?a=1&run=1#log-ev-499"
    assert links.href(500) == "/lab/m/p/?a=1&run=1&log_from=500#log-ev-500"  # past the cap
    assert links.href(1234) == "/lab/m/p/?a=1&run=1&log_from=1000#log-ev-1234"
    assert LogLinks(frozenset()).href(7) == "#log-ev-7"  # no page to go to: stay here


def test_a_log_lines_links_say_which_event_and_which_request_or_record_they_filter_to():
    result, _ = shipped("kinesis-tumbling-window")
    html = render(build_log(result, limit=30))
    assert 'show in timeline<span class="tl-sr-only">: OFFER at 0 ms</span></a>' in html
    assert ">only record 1</a>" in html
    assert ">only 1</a>" not in html
