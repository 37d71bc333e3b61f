"""The sandbox lab: run presets, change knobs, step mode, challenges, budgets, no 500s."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from course.lab.models import ChallengeCompletion, ScenarioPreset
from tests.factories import make_lesson, make_user
from tests.helpers.scenarios import REDELIVERY_STORM

pytestmark = pytest.mark.django_db

BURST_SCENARIO = {
    "seed": 1,
    "Function": {"Timeout": 5, "ReservedConcurrentExecutions": 5},
    "Code": {"InitDurationMs": 300, "DurationMs": 2000},
    "Source": {"Type": "sync"},
    "Environment": {"IdleLifetimeSeconds": 600},
    "Traffic": {"Bursts": [{"AtMs": 0, "Count": 10}]},
}


@pytest.fixture
def preset():
    lesson = make_lesson(slug="function-configuration")
    return ScenarioPreset.objects.create(
        module=lesson.module,
        lesson=lesson,
        slug="burst",
        title="Reserved concurrency and a burst",
        goal="Let all ten requests through.",
        knobs=["reserved", "burst", "idle"],
        challenge={"checks": [{"metric": "throttles", "max": 0, "hint": "Raise the reservation."}]},
        scenario=BURST_SCENARIO,
    )


def lab_url(preset, **params):
    url = reverse("lab:sandbox", args=[preset.module.slug, preset.slug])
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def test_first_visit_runs_the_preset_as_authored(client, preset):
    html = client.get(lab_url(preset)).content.decode()
    assert "Ran 10 requests: 5 cold starts, 5 throttles" in html
    assert 'name="reserved"' in html
    assert 'value="5"' in html
    assert "Allowed: 0–900 environments." in html


def test_changing_a_knob_changes_the_result_and_meets_the_challenge(client, preset):
    html = client.get(lab_url(preset, run=1, reserved=10, burst=10, idle=600)).content.decode()
    assert "10 cold starts, 0 throttles" in html
    assert "Challenge met" in html


def test_meeting_a_challenge_is_saved_for_a_signed_in_learner(client, preset):
    user = make_user()
    client.force_login(user)
    client.get(lab_url(preset, run=1, reserved=10, burst=10, idle=600))
    assert ChallengeCompletion.objects.filter(user=user, preset=preset).exists()


def test_a_failed_challenge_shows_its_specific_hint(client, preset):
    html = client.get(lab_url(preset)).content.decode()
    assert "Hint: Raise the reservation." in html


def test_an_out_of_range_knob_names_the_field_and_range(client, preset):
    response = client.get(lab_url(preset, run=1, reserved=5, burst=999999, idle=600))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Burst size must be within 1–5,000 requests." in html
    assert "Not run" in html


def test_an_engine_error_is_shown_next_to_the_knob_that_caused_it(client, preset):
    # The account must keep some concurrency unreserved (LAMBDA-FACTS §3): the form's range
    # allows 10, the engine refuses it against a quota of 50.
    preset.knobs = ["reserved", "burst", "idle", "account_quota"]
    preset.save()
    html = client.get(
        lab_url(preset, run=1, reserved=10, burst=10, idle=600, account_quota=50)
    ).content.decode()
    assert "Function.ReservedConcurrentExecutions" in html
    assert "knob--error" in html


def test_a_scenario_over_the_budget_gets_a_clear_message(client, preset):
    preset.knobs = ["rate"]
    preset.scenario = {
        **BURST_SCENARIO,
        "Traffic": {"Rates": [{"PerSecond": 1000, "DurationSeconds": 600}]},
    }
    preset.save()
    html = client.get(lab_url(preset)).content.decode()
    assert "about 600,000 requests" in html
    assert "at most 20,000" in html


def test_htmx_run_returns_the_partial_and_pushes_the_shareable_url(client, preset):
    response = client.get(
        lab_url(preset, run=1, reserved=7, burst=10, idle=600), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'class="lab' in html
    pushed = response["HX-Push-Url"]
    assert parse_qs(urlsplit(pushed).query)["reserved"] == ["7"]
    # The pushed URL reproduces the same run.
    assert "7 cold starts, 3 throttles" in client.get(pushed).content.decode()


def test_embedded_widget_does_not_push_the_lesson_url(client, preset):
    response = client.get(lab_url(preset, embed=1), headers={"HX-Request": "true"})
    assert "HX-Push-Url" not in response
    assert "Open this run in the full lab" in response.content.decode()


def test_step_mode_without_javascript_redirects_to_the_shareable_url(client, preset):
    response = client.get(lab_url(preset, run=1, reserved=5, burst=1, idle=60, action="invoke"))
    assert response.status_code == 302
    assert parse_qs(urlsplit(response.url).query)["steps"] == ["invoke"]


def test_step_mode_invoke_wait_past_idle_lifetime_invoke_gives_two_cold_starts(client, preset):
    params = {"run": 1, "reserved": 5, "burst": 1, "idle": 60}
    html = client.get(lab_url(preset, **params, steps="invoke,invoke")).content.decode()
    assert "1 cold start," in html
    html = client.get(lab_url(preset, **params, steps="invoke,wait:600000,invoke")).content.decode()
    assert "2 cold starts" in html


def test_step_mode_undo_removes_the_last_step(client, preset):
    response = client.get(
        lab_url(
            preset, run=1, reserved=5, burst=1, idle=60, steps="invoke,wait:1000", action="undo"
        )
    )
    assert parse_qs(urlsplit(response.url).query)["steps"] == ["invoke"]


def test_a_bad_step_is_explained(client, preset):
    html = client.get(
        lab_url(preset, run=1, reserved=5, burst=1, idle=60, steps="explode")
    ).content.decode()
    assert "Step &#x27;explode&#x27; is not understood" in html


def test_unknown_preset_is_a_404(client, preset):
    assert client.get(reverse("lab:sandbox", args=[preset.module.slug, "nope"])).status_code == 404


def test_gallery_lists_presets_by_lesson(client, preset):
    html = client.get(reverse("lab:sandbox-gallery")).content.decode()
    assert preset.title in html
    assert preset.lesson.title in html


@pytest.mark.parametrize("extra_presets", [0, 10])
def test_lab_and_gallery_use_a_fixed_number_of_queries(
    client, preset, django_assert_num_queries, extra_presets
):
    for n in range(extra_presets):
        ScenarioPreset.objects.create(
            module=preset.module,
            lesson=preset.lesson,
            slug=f"extra-{n}",
            title=f"Extra {n}",
            goal="More",
            scenario=BURST_SCENARIO,
        )
    client.force_login(make_user())
    # session, user, lessons, their presets, challenges met, instructor check (then cached)
    with django_assert_num_queries(6):
        client.get(reverse("lab:sandbox-gallery"))
    # session, user, preset: the lab writes no session (the comparison with the previous run
    # travels in the form, and that run comes from the cache)
    with django_assert_num_queries(3):
        client.get(lab_url(preset))


def test_the_same_settings_are_simulated_once_and_served_from_the_cache(
    client, preset, monkeypatch
):
    from course.lab import views
    from course.lab.core import runs

    calls = []

    def counting_run_lab(*args, **kwargs):
        calls.append(1)
        return runs.run_lab(*args, **kwargs)

    monkeypatch.setattr(views, "run_lab", counting_run_lab)
    url = lab_url(preset, run=1, reserved=6, burst=10, idle=600)
    first = client.get(url).content.decode()
    second = client.get(url).content.decode()
    assert len(calls) == 1
    assert "6 cold starts, 4 throttles" in first
    assert "6 cold starts, 4 throttles" in second
    client.get(lab_url(preset, run=1, reserved=7, burst=10, idle=600))
    assert len(calls) == 2


def test_every_preset_of_the_course_opens_in_the_lab_with_its_run(client, course_content):
    presets = ScenarioPreset.objects.select_related("module").order_by("slug")
    assert presets.count() == course_content.presets
    for preset in presets:
        url = reverse("lab:sandbox", args=[preset.module.slug, preset.slug])
        response = client.get(url)
        assert response.status_code == 200, preset.slug
        assert "Ran " in response.content.decode(), preset.slug


def test_the_next_run_compares_with_the_previous_one_without_a_session(client, preset):
    from django.contrib.sessions.models import Session

    first = client.get(lab_url(preset, run=1, reserved=5, burst=10, idle=600))
    previous = first.context["form"].query()
    assert f'name="previous" value="{previous.replace("&", "&amp;")}"' in first.content.decode()
    second = client.get(
        reverse("lab:sandbox", args=[preset.module.slug, preset.slug]),
        {"run": "1", "reserved": "10", "burst": "10", "idle": "600", "previous": previous},
    )
    assert second.context["previous_metrics"].throttles == 5
    assert second.context["metrics"].throttles == 0
    assert "compares with your previous run" in second.content.decode()
    assert Session.objects.count() == 0


def test_a_previous_run_that_is_not_cached_is_not_simulated_again(client, preset, monkeypatch):
    from course.lab import views
    from course.lab.core import runs

    calls = []

    def counting_run_lab(*args, **kwargs):
        calls.append(1)
        return runs.run_lab(*args, **kwargs)

    monkeypatch.setattr(views, "run_lab", counting_run_lab)
    stale = "run=1&reserved=3&burst=10&idle=600"
    response = client.get(
        lab_url(preset, run=1, reserved=7, burst=10, idle=600)
        + "&previous="
        + stale.replace("&", "%26")
    )
    assert response.context["previous_metrics"] is None
    assert len(calls) == 1


class CountingCache:
    """Wrap the cache and count the entries a request tries to write."""

    def __init__(self, cache):
        self.cache, self.writes = cache, 0

    def get(self, *args, **kwargs):
        return self.cache.get(*args, **kwargs)

    def get_or_set(self, key, default, **kwargs):
        if self.cache.get(key) is None:
            self.writes += 1
        return self.cache.get_or_set(key, default, **kwargs)


def test_log_filters_are_applied_to_the_cached_run_and_fill_no_cache(client, preset, monkeypatch):
    from course.lab import views

    counting = CountingCache(views.cache)  # type: ignore[attr-defined]
    monkeypatch.setattr(views, "cache", counting)
    url = lab_url(preset, run=1, reserved=5, burst=10, idle=600)
    client.get(url)
    for n in range(20):
        response = client.get(f"{url}&log_request=req-{n}")
        assert response.status_code == 200
    errors = client.get(f"{url}&log=errors")
    assert counting.writes == 1
    lines = errors.context["log"].lines
    assert lines
    assert all(line.css in {"log-bad", "log-warn"} for line in lines)
    filtered = client.get(f"{url}&log_request=req-3").context["log"]
    assert filtered.request == "req-3"
    assert {line.request for line in filtered.lines} == {"req-3"}


def test_the_worst_traffic_script_costs_a_bounded_number_of_simulated_events(
    client, preset, monkeypatch
):
    from course.lab.core import runs, steps
    from course.sandbox import simulate

    preset.scenario = REDELIVERY_STORM
    preset.knobs = []
    preset.challenge = {}
    preset.save()
    simulated = []

    def counting(*args, **kwargs):
        result = simulate(*args, **kwargs)
        simulated.append(result.simulated_events)
        return result

    monkeypatch.setattr(steps, "simulate", counting)
    monkeypatch.setattr(runs, "simulate", counting)
    script = ",".join(["burst:200"] * 40)
    response = client.get(lab_url(preset, run=1, steps=script))
    assert response.status_code == 200
    assert "too long to replay" in response.content.decode()
    assert sum(simulated) <= runs.SCRIPT_MAX_EVENTS + runs.RUN_MAX_EVENTS
    assert sum(simulated) > 0


def test_a_run_stopped_by_the_event_cap_says_so(client, preset, monkeypatch):
    from course.lab.core import runs

    monkeypatch.setattr(runs, "RUN_MAX_EVENTS", 500)
    preset.scenario = REDELIVERY_STORM
    preset.knobs = []
    preset.challenge = {}
    preset.save()
    html = client.get(lab_url(preset)).content.decode()
    assert "The simulation stopped at" in html
    assert "500 simulated events" in html
