"""Sandbox presets in the studio: checked as at load, previewed as the lab runs them, saved."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from course.lab.models import ScenarioPreset
from course.models import Lesson
from course.studio.services.presets import check_preset, preset_yaml
from tests.helpers.course import CONTENT_DIR

pytestmark = pytest.mark.django_db

SLUG = "cold-then-warm"


@pytest.fixture
def preset(course_content) -> ScenarioPreset:
    return ScenarioPreset.objects.select_related("module").get(slug=SLUG)


def edit_url(preset: ScenarioPreset) -> str:
    return reverse("studio:preset-edit", args=[preset.module.slug, preset.slug])


def test_the_real_preset_opens_from_its_file_with_its_preview(
    preset, django_assert_num_queries, instructor_client
):
    with django_assert_num_queries(6):  # session, user, instructor (once), module, preset, lessons
        response = instructor_client.get(edit_url(preset))
    page = response.content.decode()
    assert response.status_code == 200
    assert "InitDurationMs: 400" in page  # the file's own text, comments and order kept
    assert "studio-problems" not in page
    assert 'class="tl-svg' in page  # the lab's timeline
    assert "Results of this run" in page  # the lab's metric cards
    assert "✓ The solution meets the challenge" in page


def test_invalid_yaml_shows_the_problem_at_its_line_and_saves_nothing(preset, instructor_client):
    text = preset_yaml(preset).replace("InitDurationMs: 400", "InitDurationMs: -5")
    line = text.split("\n").index("    InitDurationMs: -5") + 1
    response = instructor_client.post(edit_url(preset), {"text": text})
    page = response.content.decode()
    assert response.status_code == 400
    assert f'data-line="{line}"' in page
    assert "InitDurationMs" in page.split('id="studio-preview"')[1]
    assert "InitDurationMs: -5" in page  # the text is kept in the form
    broken = "title: [unclosed\n"
    page = instructor_client.post(edit_url(preset), {"text": broken}).content.decode()
    assert 'data-line="1"' in page
    preset.refresh_from_db()
    assert preset.edited_at is None
    assert preset.source_yaml == ""
    assert preset.scenario["Code"]["InitDurationMs"] == 400


def test_a_solution_that_misses_the_challenge_is_a_problem(preset, instructor_client):
    text = preset_yaml(preset).replace("solution: {init_ms: 150}", "solution: {init_ms: 390}")
    url = reverse("studio:preset-preview", args=[preset.module.slug])
    page = instructor_client.post(url, {"text": text, "editing": SLUG}).content.decode()
    assert "the solution does not meet the challenge" in page
    assert "Slowest response (ms)" in page


def test_the_preview_runs_the_preset_as_the_lab_and_stores_nothing(
    preset, django_assert_num_queries, instructor_client
):
    text = preset_yaml(preset).replace("DurationMs: 100", "DurationMs: 120")
    url = reverse("studio:preset-preview", args=[preset.module.slug])
    with django_assert_num_queries(6):  # session, user, instructor, module, preset, lessons
        response = instructor_client.post(
            url, {"text": text, "editing": SLUG}, headers={"HX-Request": "true"}
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="studio-preview"')
    assert 'class="tl-svg' in page
    assert "Results of this run" in page
    assert "✓ The solution meets the challenge" in page
    assert "Handler duration" in page
    assert "120 ms" in page
    preset.refresh_from_db()
    assert preset.scenario["Code"]["DurationMs"] == 100
    assert preset.edited_at is None


@pytest.mark.parametrize("slug", [SLUG, "async-throttling"])  # a short log; a long one, folded
def test_the_preview_lists_the_log_line_each_timeline_bar_links_to(
    course_content, slug, instructor_client
):
    preset = ScenarioPreset.objects.select_related("module").get(slug=slug)
    url = reverse("studio:preset-preview", args=[preset.module.slug])
    text = preset_yaml(preset)
    response = instructor_client.post(
        url, {"text": text, "editing": slug}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    links = set(re.findall(r'href="#(log-ev-\d+)"', page))
    assert links
    assert links <= set(re.findall(r'id="(log-ev-\d+)"', page))
    assert 'id="event-log"' in page
    assert page.index('class="tl-svg') < page.index('id="event-log"')


def test_saving_updates_the_lab_for_learners_and_marks_the_edit(
    preset, instructor_client, learner_client
):
    lab = preset.get_absolute_url()
    anonymous = Client()
    assert "Cold start, then a warm start" in anonymous.get(lab).content.decode()  # now cached
    assert "Cold start, then a warm start" in learner_client.get(lab).content.decode()
    text = (
        preset_yaml(preset)
        .replace("title: Cold start, then a warm start", "title: Two requests, one cold")
        .replace("DurationMs: 100", "DurationMs: 120")
    )
    response = instructor_client.post(edit_url(preset), {"text": text})
    assert response.status_code == 302
    assert response["Location"] == edit_url(preset)
    preset.refresh_from_db()
    assert preset.title == "Two requests, one cold"
    assert preset.scenario["Code"]["DurationMs"] == 120
    assert preset.source_yaml == text
    assert preset.edited_at is not None
    for visitor in (anonymous, learner_client):
        page = visitor.get(lab).content.decode()
        assert "Two requests, one cold" in page
        assert "Cold start, then a warm start" not in page
    embedding = Lesson.objects.get(html__contains=f'data-scenario="{SLUG}"')
    lesson_page = learner_client.get(embedding.get_absolute_url()).content.decode()
    assert "Sandbox: Two requests, one cold" in lesson_page
    assert "edited in the browser" in instructor_client.get(edit_url(preset)).content.decode()
    listing = instructor_client.get(reverse("studio:preset-list")).content.decode()
    assert "Two requests, one cold" in listing


def test_a_new_preset_is_created_and_opens_in_the_lab(
    course_content, django_assert_num_queries, instructor_client, learner_client
):
    module = ScenarioPreset.objects.select_related("module").earliest("pk").module
    new = reverse("studio:preset-new", args=[module.slug])
    with django_assert_num_queries(7):  # + instructor (once), first lesson, slug taken, lessons
        page = instructor_client.get(new).content.decode()
    assert "studio-problems" not in page
    text = page.split('class="studio-editor"')[1].split(">", 1)[1].split("</textarea>")[0]
    text = text.replace("title: New preset", "title: Written in the studio")
    clash = instructor_client.post(new, {"slug": SLUG, "text": text})
    assert clash.status_code == 400
    assert f"already has a preset named `{SLUG}`" in clash.content.decode()
    response = instructor_client.post(new, {"slug": "written-in-the-studio", "text": text})
    assert response.status_code == 302
    created = ScenarioPreset.objects.get(module=module, slug="written-in-the-studio")
    assert created.source_path.endswith("scenarios/written-in-the-studio.yaml")
    assert created.lesson is not None
    learner_page = learner_client.get(created.get_absolute_url())
    assert learner_page.status_code == 200
    assert "Written in the studio" in learner_page.content.decode()


def test_the_preset_list_links_every_preset(
    course_content, django_assert_num_queries, instructor_client
):
    with django_assert_num_queries(5):  # session, user, instructor (once), modules, presets
        page = instructor_client.get(reverse("studio:preset-list")).content.decode()
    for preset in ScenarioPreset.objects.filter(is_active=True).select_related("module"):
        assert edit_url(preset) in page
    lessons = re.findall(r'<h3 class="studio-list__lesson">Lesson: ([^<]+)</h3>', page)
    assert len(lessons) == len(set(lessons)) > 1  # one heading per lesson, its presets below
    assert (
        reverse("studio:preset-list")
        in instructor_client.get(reverse("studio:index")).content.decode()
    )


def test_learners_cannot_edit_presets(preset, learner_client):
    text = preset_yaml(preset).replace("DurationMs: 100", "DurationMs: 120")
    assert learner_client.get(reverse("studio:preset-list")).status_code == 403
    assert learner_client.post(edit_url(preset), {"text": text}).status_code == 403
    preview = reverse("studio:preset-preview", args=[preset.module.slug])
    assert learner_client.post(preview, {"text": text, "editing": SLUG}).status_code == 403
    new = reverse("studio:preset-new", args=[preset.module.slug])
    assert learner_client.post(new, {"slug": "mine", "text": text}).status_code == 403
    assert Client().get(edit_url(preset)).status_code == 302  # to the login page
    preset.refresh_from_db()
    assert preset.edited_at is None
    assert not ScenarioPreset.objects.filter(slug="mine").exists()


def test_loadcourse_refuses_to_overwrite_an_edited_preset_unless_forced(preset, instructor_client):
    text = preset_yaml(preset).replace("DurationMs: 100", "DurationMs: 120")
    assert instructor_client.post(edit_url(preset), {"text": text}).status_code == 302
    with pytest.raises(CommandError) as refused:
        call_command("loadcourse", str(CONTENT_DIR))
    assert f"preset {preset.module.slug}/{SLUG}" in str(refused.value)
    preset.refresh_from_db()
    assert preset.scenario["Code"]["DurationMs"] == 120
    call_command("loadcourse", str(CONTENT_DIR), "--force", stdout=io.StringIO())
    preset.refresh_from_db()
    assert preset.scenario["Code"]["DurationMs"] == 100
    assert preset.edited_at is None
    assert preset.source_yaml == ""


def test_every_shipped_preset_opens_without_problems_and_runs(course_content):
    rows = ScenarioPreset.objects.filter(is_active=True).select_related("module")
    assert rows.count() >= 30
    for row in rows:
        check = check_preset(row.module, preset_yaml(row), slug=row.slug, editing=row)
        assert check.problems == [], row.slug
        assert check.run is not None, (row.slug, check.run_problem)
        if row.challenge.get("solution"):
            assert check.solution is not None, (row.slug, check.solution_problem)
            assert check.solution.challenge is not None
            assert check.solution.challenge.met, row.slug
