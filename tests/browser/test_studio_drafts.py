"""An instructor saves a question as a draft (a learner's practice keeps the published one),
publishes it, and deletes an unused analogy after confirming."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from course.studio.models import StudioAnalogy
from tests.factories import make_user
from tests.helpers.studio import timeout_question_text
from tests.quizzes_factories import make_bank
from tests.web.quizzes.helpers import practice_url
from tests.web.studio.svgs import ALT, ICON, SCENE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_draft_then_publish_a_question_and_delete_an_analogy(
    instructor_page: Page,
    browser: Browser,
    live_server: LiveServer,
    log_in: Callable[[Page, str], None],
) -> None:
    page = instructor_page
    base = live_server.url
    module, (lesson,), (question,) = make_bank(questions=1)
    StudioAnalogy.objects.create(
        module=module,
        key="stopwatch",
        name="The stopwatch",
        colour="teal",
        icon_svg=ICON,
        scene_svg=SCENE,
        alt=ALT,
    )
    reader = browser.new_context().new_page()
    log_in(reader, make_user().username)

    page.goto(base + reverse("studio:question-edit", args=[module.slug, question.key]))
    page.wait_for_load_state("load")
    page.get_by_label("Question (YAML)").fill(
        timeout_question_text(key=question.key, lesson=lesson.slug)
    )
    expect(page.locator("#studio-preview")).to_contain_text("The limit before October 2018.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".studio-draft")).to_contain_text("Draft — not yet published")
    expect(page.locator(".studio-changes")).to_contain_text("stem")

    reader.goto(base + practice_url(lesson) + f"?q={question.key}&seed=1")
    expect(reader.get_by_text("Stem of question")).to_be_visible()
    expect(reader.get_by_text("longest timeout")).to_have_count(0)

    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_text("published as version 2")).to_be_visible()
    expect(page.locator(".studio-draft")).to_have_count(0)
    reader.goto(base + practice_url(lesson) + f"?q={question.key}&seed=1")
    expect(reader.get_by_text("longest timeout")).to_be_visible()

    page.goto(base + reverse("studio:analogy-edit", args=[module.slug, "stopwatch"]))
    page.get_by_role("link", name="Delete analogy…").click()
    expect(page.get_by_text("No lesson uses it")).to_be_visible()
    page.get_by_role("button", name="Delete “The stopwatch”").click()
    expect(page.get_by_text("“The stopwatch” (stopwatch) deleted")).to_be_visible()
    assert not StudioAnalogy.objects.exists()
