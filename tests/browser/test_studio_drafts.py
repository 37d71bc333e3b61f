"""An instructor saves a question as a draft (a learner's practice keeps the published one),
publishes it, and deletes an unused analogy after confirming."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from course.studio.models import StudioAnalogy
from tests.factories import make_instructor, make_user
from tests.quizzes_factories import make_bank
from tests.web.quizzes.helpers import practice_url
from tests.web.studio.svgs import ALT, ICON, SCENE

from .test_studio import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_draft_then_publish_a_question_and_delete_an_analogy(
    page: Page, browser: Browser, live_server: LiveServer
) -> None:
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
    log_in(reader, base, make_user().username)
    log_in(page, base, make_instructor().username)

    page.goto(base + reverse("studio:question-edit", args=[module.slug, question.key]))
    page.wait_for_load_state("load")
    page.get_by_label("Question (YAML)").fill(
        f"id: {question.key}\nkind: single\nlesson: {lesson.slug}\n"
        "stem: What is the longest timeout a function may have?\n"
        "choices:\n"
        "  - text: 900 seconds\n    correct: true\n    explanation: Fifteen minutes is the cap.\n"
        "  - text: 300 seconds\n    explanation: The limit before October 2018.\n"
        "  - text: 3600 seconds\n    explanation: Long jobs belong in Step Functions.\n"
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
