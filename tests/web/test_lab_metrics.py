"""The lab's metric cards: the preset's own metrics first and large, the rest folded; a
comparison says what changed, and better or worse only where the preset says which way is good."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from course.lab.models import ScenarioPreset
from tests.factories import make_lesson
from tests.web.test_lab_captions import visible_text

pytestmark = pytest.mark.django_db

SCENARIO = {
    "seed": 1,
    "Function": {"ReservedConcurrentExecutions": 5},
    "Code": {"InitDurationMs": 300, "DurationMs": 2000},
    "Traffic": {"Bursts": [{"AtMs": 0, "Count": 10}]},
}


@pytest.fixture
def preset():
    lesson = make_lesson(slug="function-configuration")
    return ScenarioPreset.objects.create(
        module=lesson.module,
        lesson=lesson,
        slug="burst",
        title="A burst",
        goal="Let all ten requests through.",
        knobs=["reserved"],
        metrics=[{"metric": "throttles", "good": ""}, {"metric": "succeeded", "good": "higher"}],
        answers=["Throttles (429) 5"],
        scenario=SCENARIO,
    )


def page(client, preset, **params):
    url = reverse("lab:sandbox", args=[preset.module.slug, preset.slug])
    return client.get(url, params).content.decode()


def headline(html: str) -> str:
    match = re.search(r'<dl class="metric-grid metric-grid--headline".*?</dl>', html, re.S)
    assert match, "no headline metrics"
    return visible_text(match.group(0))


def test_the_presets_metrics_come_first_and_the_rest_are_folded(client, preset):
    html = page(client, preset)
    assert headline(html).startswith("Throttles (429) 5 Succeeded 5")
    assert "Cold starts" not in headline(html)
    assert html.index("metric-grid--headline") < html.index("<summary>All metrics</summary>")
    folded = html[html.index('<details class="metrics__all">') :]
    assert "Cold starts" in folded
    assert "Throttles (429)" not in folded
    assert "All metrics" in visible_text(html)


def test_a_comparison_says_changed_unless_the_preset_says_which_way_is_good(client, preset):
    first = client.get(reverse("lab:sandbox", args=[preset.module.slug, preset.slug]))
    previous = first.context["form"].query()
    html = page(client, preset, run=1, reserved=8, previous=previous)
    top = headline(html)
    # No direction for throttles: it only changed.
    assert "throttles changed: 5 → 2" in top
    assert "(worse)" not in top
    assert "(better)" in top  # succeeded, declared good when higher
    assert "succeeded 5 → 8 ▲ up (better)" in top
    assert "metric-card__change--better" in html
    assert "metric-card__change--worse" not in html
    # The folded cards have no direction either: never "better" or "worse".
    folded = html[html.index('<details class="metrics__all">') :]
    assert "cold starts changed: 5 → 8" in " ".join(re.sub(r"<[^>]+>", " ", folded).split())
    assert "(better)" not in folded
    assert "(worse)" not in folded


def test_a_preset_declaring_more_retries_good_never_shows_them_as_worse(client, preset):
    preset.metrics = [{"metric": "retries", "good": "higher"}]
    preset.scenario = {**SCENARIO, "Client": {"RetryMode": "standard"}}
    preset.save()
    first = client.get(reverse("lab:sandbox", args=[preset.module.slug, preset.slug]))
    previous = first.context["form"].query()
    html = page(client, preset, run=1, reserved=1, previous=previous)
    before = first.context["metrics"].retries
    after = (
        client.get(
            reverse("lab:sandbox", args=[preset.module.slug, preset.slug]),
            {"reserved": 1, "run": 1},
        )
        .context["metrics"]
        .retries
    )
    assert after > before
    assert "(better)" in headline(html)
    assert "(worse)" not in html


def test_without_preset_metrics_every_card_is_shown_unfolded(client, preset):
    preset.metrics = []
    preset.save()
    html = page(client, preset)
    assert "All metrics" not in html
    text = visible_text(html)
    for label in ("Cold-start ratio", "Throttles (429)", "Cost (USD)", "Latency (arrival → done)"):
        assert label in text
