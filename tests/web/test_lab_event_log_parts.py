"""A long run's lab page: the event log folds into parts and every timeline link finds its line.

The presets are the shipped ones: async-throttling (a detailed timeline whose bars link to a
few hundred log lines) and scaling-rate (15,000 events: the log's cap of 500 lines, the
aggregated timeline and a thousand environments in the parking lot).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from course.lab.core.event_log import FIRST_LINES, fold
from tests.helpers.lab import make_shipped_preset

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 400_000  # bytes of HTML for the biggest run a preset ships (about 300 KB)


def lab_url(preset) -> str:
    return reverse("lab:sandbox", args=[preset.module.slug, preset.slug])


def parts_of(html: str) -> list[str]:
    return re.findall(r'<details class="event-log__part".*?</details>', html, flags=re.S)


def test_every_timeline_bar_links_to_a_line_in_the_page_folded_or_not(client):
    preset = make_shipped_preset("async-throttling")
    response = client.get(lab_url(preset))
    html = response.content.decode()
    linked = re.findall(r'href="#log-ev-(\d+)"', html)
    lines = re.findall(r'id="log-ev-(\d+)"', html)
    assert len(linked) > FIRST_LINES  # some bars point past the open head of the log
    assert len(lines) == len(set(lines))
    assert set(linked) <= set(lines)
    folded = {index for part in parts_of(html) for index in re.findall(r'id="log-ev-(\d+)"', part)}
    assert len(folded) == fold(response.context["log"], preset.answers).folded_count
    assert set(linked) & folded  # … and those lines are folded, not dropped


def test_the_htmx_lab_and_a_filtered_log_fold_the_same_way(client):
    preset = make_shipped_preset("async-throttling")
    full = client.get(lab_url(preset)).content.decode()
    partial = client.get(lab_url(preset), headers={"HX-Request": "true"}).content.decode()
    assert len(parts_of(partial)) == len(parts_of(full)) > 0
    errors = client.get(lab_url(preset) + "?log=errors").content.decode()
    assert 'aria-current="true">Errors only' in errors
    shown = re.findall(r'class="log-line (log-\w+)"', errors)
    assert len(shown) > FIRST_LINES
    assert set(shown) <= {"log-bad", "log-warn"}
    assert parts_of(errors)


def test_the_biggest_run_stays_a_reasonable_page_with_every_listed_line_reachable(client):
    preset = make_shipped_preset("scaling-rate")
    response = client.get(lab_url(preset))
    html = response.content.decode()
    assert len(response.content) < PAGE_BUDGET, len(response.content)
    assert "showing the first 500" in html
    lines = re.findall(r'id="log-ev-(\d+)"', html)
    assert len(lines) == 500
    in_parts = sum(len(re.findall(r'id="log-ev-\d+"', part)) for part in parts_of(html))
    assert in_parts == fold(response.context["log"], preset.answers).folded_count
    assert in_parts >= 400  # most of the page's 500 lines are folded
    for part in parts_of(html):
        summary = re.search(r"<summary>(.*?)</summary>", part, flags=re.S)
        assert summary
        assert re.search(r"Events \d+–\d+", summary.group(1))
