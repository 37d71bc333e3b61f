"""The sandbox lab: run presets, change knobs, step mode, challenges, budgets, no 500s."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from course.lab.models import ChallengeCompletion, ScenarioPreset
from tests.factories import make_lesson, make_user

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
    # session, user, lessons, their presets, challenges met, instructor check
    with django_assert_num_queries(6):
        client.get(reverse("lab:sandbox-gallery"))
    # session, user, preset, instructor check, and the session save (previous run, for the
    # comparison) inside a savepoint: 3 statements
    with django_assert_num_queries(7):
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
