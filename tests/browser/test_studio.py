"""An instructor declares a new analogy and drafts a lesson using it with a code block in the
studio, previews it, publishes it, and a learner reads it; then the instructor edits a question
and a learner's old review is unchanged."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from course.lab.models import ScenarioPreset
from tests.factories import make_user
from tests.helpers.studio import finished_attempt, timeout_question_text
from tests.quizzes_factories import make_bank, make_exam
from tests.web.studio.svgs import ALT, BAD_SCENE, ICON, SCENE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Set STUDIO_SCREENSHOTS=DIR to keep pictures of each step (light and dark, desktop and 375 px).
SHOTS = os.environ.get("STUDIO_SCREENSHOTS")

LESSON = """---
slug: timing-a-cold-start
title: Timing a cold start
order: 90
minutes: 6
objectives:
  - Measure the INIT phase
---

## Measure it

Wrap the handler and log the time:

```python
import time

STARTED = time.time()

def handler(event, context):
    return {"since_init": time.time() - STARTED}
```

::: analogy stopwatch
The watch starts once (INIT) and times each lap (INVOKE).

Where it breaks down: a stopwatch never freezes between laps.
:::
"""


def shoot(page: Page, name: str) -> None:
    if not SHOTS:
        return
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(folder / f"{name}-{scheme}-{width}.png"), full_page=True)
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 1280, "height": 900})


def main_text(page: Page) -> str:
    return page.locator("main").inner_text()


def test_draft_preview_publish_read_then_edit_a_question(
    instructor_page: Page,
    browser: Browser,
    live_server: LiveServer,
    log_in: Callable[[Page, str], None],
) -> None:
    page = instructor_page
    base = live_server.url
    module, (lesson,), (question,) = make_bank(questions=1)
    new_lesson = LESSON.replace("order: 90\n", f"order: {lesson.order + 1}\n")  # a free order
    exam = make_exam(module, pass_mark=0, title="Module exam")
    learner = make_user()
    attempt = finished_attempt(exam, learner)

    reader = browser.new_context().new_page()
    log_in(reader, learner.username)
    reader.goto(base + attempt.result_url())
    review_before = main_text(reader)
    assert "Stem of question" in review_before

    # The instructor declares a new analogy: its drawings are cleaned as at load, problems inline.
    page.goto(base + reverse("studio:index"))
    page.get_by_role("link", name="New analogy").click()
    page.wait_for_load_state("load")
    page.get_by_label("Id", exact=True).fill("stopwatch")
    page.get_by_label("Name (the callout's heading)").fill("The stopwatch")
    page.get_by_label("Colour", exact=True).select_option("teal")
    page.get_by_label("Icon (SVG", exact=False).fill(ICON)
    page.get_by_label("Text alternative", exact=False).fill(ALT)
    scene = page.get_by_label("Scene (SVG", exact=False)
    scene.fill(BAD_SCENE)
    preview = page.locator("#studio-preview")
    expect(preview.locator(".studio-problems")).to_contain_text("line 3")
    expect(preview.locator(".studio-problems")).to_contain_text("script")
    shoot(page, "studio-analogy-problem")
    scene.fill(SCENE)
    expect(preview.locator(".studio-problems")).to_have_count(0)
    expect(preview.get_by_role("heading", name="The stopwatch")).to_be_visible()
    expect(preview.get_by_role("img", name=ALT)).to_be_visible()
    shoot(page, "studio-analogy-new")
    page.get_by_role("button", name="Save analogy").click()
    expect(page.get_by_text("Analogy “The stopwatch” saved")).to_be_visible()

    # The instructor drafts a lesson using it; the preview follows the typing.
    page.goto(base + reverse("studio:index"))
    page.get_by_role("link", name="New lesson").click()
    page.wait_for_load_state("load")  # htmx listens once the page is loaded
    editor = page.get_by_label("Lesson file (front matter and Markdown)")
    editor.fill(new_lesson)
    preview = page.locator("#studio-preview")
    expect(preview.get_by_role("heading", name="Measure it")).to_be_visible()
    expect(preview.locator(".highlight")).to_contain_text("since_init")
    expect(preview.get_by_role("heading", name="The stopwatch")).to_be_visible()
    expect(preview.locator(".analogy--stopwatch").get_by_role("img", name=ALT)).to_be_visible()
    shoot(page, "studio-lesson-new")
    editor.fill(new_lesson.replace("minutes: 6\n", "minutes: nine\n"))
    expect(preview.locator(".studio-problems")).to_contain_text("line 5")
    shoot(page, "studio-lesson-problem")
    editor.fill(new_lesson)
    expect(preview.locator(".studio-problems")).to_have_count(0)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("saved as a draft")).to_be_visible()
    lesson_url = f"/modules/{module.slug}/timing-a-cold-start/"

    # Learners cannot see the draft; the instructor previews it as a learner will.
    reader.goto(base + lesson_url)
    expect(reader.get_by_role("heading", name="Timing a cold start")).to_have_count(0)
    page.get_by_role("link", name="Preview as a learner").click()
    expect(page).to_have_url(re.compile(re.escape(lesson_url) + "$"))
    expect(page.get_by_role("status").filter(has_text="Preview")).to_be_visible()
    expect(page.get_by_role("heading", name="Timing a cold start", level=1)).to_be_visible()
    expect(page.locator("article .highlight")).to_contain_text("since_init")
    expect(page.locator("article .analogy--stopwatch")).to_contain_text("The stopwatch")
    shoot(page, "studio-preview-as-learner")
    page.get_by_role("button", name="Leave preview").click()

    # Published: the learner reads it.
    page.goto(base + reverse("studio:lesson-edit", args=[module.slug, "timing-a-cold-start"]))
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("“Timing a cold start” published.")).to_be_visible()
    reader.goto(base + lesson_url)
    expect(reader.get_by_role("heading", name="Timing a cold start", level=1)).to_be_visible()
    expect(reader.locator("article .highlight")).to_contain_text("since_init")
    expect(reader.get_by_role("heading", name="The stopwatch")).to_be_visible()
    expect(reader.get_by_role("img", name=ALT)).to_be_visible()

    # The instructor edits the question: a new version; the old review does not change.
    page.goto(base + reverse("studio:question-edit", args=[module.slug, question.key]))
    page.wait_for_load_state("load")
    editor = page.get_by_label("Question (YAML)")
    editor.fill(timeout_question_text(key=question.key, lesson=lesson.slug))
    expect(page.locator("#studio-preview")).to_contain_text("The limit before October 2018.")
    shoot(page, "studio-question")
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_text("published as version 2")).to_be_visible()
    reader.goto(base + attempt.result_url())
    assert main_text(reader) == review_before
    expect(reader.get_by_text("longest timeout")).to_have_count(0)


def test_an_instructor_edits_a_preset_and_the_lab_follows(
    instructor_page: Page, browser: Browser, live_server: LiveServer
) -> None:
    """Open a preset, change a parameter (the handler-duration knob's default), watch the
    preview's metric cards follow, save, and a learner's lab starts from the new value."""
    page = instructor_page
    base = live_server.url
    module, (lesson,), _ = make_bank(questions=1)
    preset = ScenarioPreset.objects.create(
        module=module,
        lesson=lesson,
        slug="two-requests",
        title="Two requests",
        goal="Watch the second request start warm.",
        knobs=["duration_ms"],
        metrics=[{"metric": "mean_invocation_ms", "good": "lower"}],
        scenario={
            "seed": 1,
            "Function": {"MemorySize": 128, "Timeout": 3},
            "Code": {
                "InitDurationMs": 400,
                "DurationMs": 100,
                "TmpCache": {"MissMs": 0, "HitMs": 0},
            },
            "Source": {"Type": "sync"},
            "Traffic": {"Events": [{"AtMs": 0, "Id": "first"}, {"AtMs": 10000, "Id": "second"}]},
        },
    )
    page.goto(base + reverse("studio:index"))
    page.get_by_role("link", name="Sandbox presets").click()
    page.get_by_role("link", name="Two requests").click()
    page.wait_for_load_state("load")  # htmx listens once the page is loaded
    preview = page.locator("#studio-preview")
    card = preview.locator(".metric-grid--headline")
    expect(preview).to_contain_text("Handler duration 100 ms")
    expect(preview.locator("svg.tl-svg")).to_be_visible()
    before = card.inner_text()
    editor = page.get_by_label("Preset (YAML)")
    # YAML's indentation is its structure: a long line scrolls, it does not wrap to the edge.
    assert editor.evaluate("e => getComputedStyle(e).whiteSpace") == "pre"
    text = editor.input_value()
    editor.fill(text.replace("DurationMs: 100", "DurationMs: -1"))
    expect(preview.locator(".studio-problems")).to_contain_text("DurationMs")
    editor.fill(text.replace("DurationMs: 100", "DurationMs: 700"))
    expect(preview.locator(".studio-problems")).to_have_count(0)
    expect(preview).to_contain_text("Handler duration 700 ms")
    expect(card).not_to_have_text(before)
    after = card.inner_text()
    shoot(page, "studio-preset")
    page.get_by_role("button", name="Save preset").click()
    expect(page.get_by_text("Preset “Two requests” saved")).to_be_visible()

    reader = browser.new_context().new_page()
    reader.goto(base + preset.get_absolute_url())
    expect(reader.get_by_label("Handler duration (ms)")).to_have_value("700")
    assert reader.locator(".metric-grid--headline").inner_text() == after
