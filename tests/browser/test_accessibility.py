"""axe-core finds no serious or critical accessibility problem on the main pages, light or dark."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MODULE = "lambda-best-practices"
PAGES = [
    "/",
    f"/modules/{MODULE}/",
    f"/modules/{MODULE}/streams/",
    f"/sandbox/{MODULE}/kinesis-bisect/",
    f"/quizzes/{MODULE}/practice/error-handling/",
    "/accounts/login/",
    "/accounts/signup/",
    "/search/?q=cold+start",
]


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa"]})
    return [
        f"{item['id']} ({item['impact']}): {item['help']} — {item['nodes'][0]['target']}"
        for item in results.response["violations"]
        if item["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_main_pages_have_no_serious_accessibility_violations(
    page: Page, live_server, course_content, scheme
):
    page.emulate_media(color_scheme=scheme)
    problems = {}
    for path in PAGES:
        page.goto(live_server.url + path)
        if found := serious_violations(page):
            problems[path] = found
    assert not problems
