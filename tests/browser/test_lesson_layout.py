"""Every lesson on a phone: title first, no sideways scroll; drawings follow the colour scheme."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize

from course.models import Lesson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 375, "height": 800}


def test_every_lesson_on_a_phone_shows_the_title_first_and_never_scrolls_sideways(
    page: Page, live_server, course_content
):
    urls = [lesson.get_absolute_url() for lesson in Lesson.objects.order_by("order")]
    assert len(urls) == 13
    page.set_viewport_size(PHONE)
    for url in urls:
        page.goto(live_server.url + url)
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], (url, widths)
        title = page.locator("h1").bounding_box()
        toc = page.locator(".toc").bounding_box()
        progress = page.locator("#lesson-progress").bounding_box()
        assert title, url
        assert toc, url
        assert progress, url
        assert title["y"] + title["height"] <= toc["y"], url
        assert title["y"] + title["height"] <= progress["y"], url
        for drawing in page.locator("svg.fig").all():
            box = drawing.bounding_box()
            assert box, url
            assert box["x"] >= 0, url
            assert box["x"] + box["width"] <= PHONE["width"], url


def test_on_a_wide_screen_the_tools_sit_beside_the_title(page: Page, live_server, course_content):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/modules/lambda-best-practices/streams/")
    title = page.locator("h1").bounding_box()
    tools = page.locator(".lesson-aside").bounding_box()
    assert title
    assert tools
    assert tools["x"] + tools["width"] <= title["x"]
    assert tools["y"] < title["y"] + title["height"]


@pytest.mark.parametrize(("scheme", "background"), [("light", "#ffffff"), ("dark", "#12151a")])
def test_drawings_take_their_colours_from_the_theme(
    page: Page, live_server, course_content, scheme, background
):
    page.emulate_media(color_scheme=scheme)
    page.goto(live_server.url + "/modules/lambda-best-practices/execution-environment-lifecycle/")
    scene = page.locator(".analogy--food-truck svg.fig--scene")
    assert scene.get_attribute("role") == "img"
    assert "food truck" in (scene.get_attribute("aria-label") or "")
    fill = scene.locator(".f-card").first.evaluate("element => getComputedStyle(element).fill")
    red, green, blue = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    assert fill == f"rgb({red}, {green}, {blue})"
    caption = page.locator("figure.figure figcaption").first
    assert "INIT" in caption.inner_text()
