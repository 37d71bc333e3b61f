"""The anonymous page cache (course/caching.py): fast, shared, and never another visitor's."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from django import shortcuts
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from course.caching import content_version
from course.lab.models import ScenarioPreset
from course.loading import load_course
from course.models import Module
from tests.factories import make_lesson, make_module, make_user

pytestmark = pytest.mark.django_db

QUEUE = {
    "seed": 1,
    "Function": {"Timeout": 30},
    "Code": {"InitDurationMs": 200, "DurationMs": 1000},
    "Source": {"Type": "sync"},
    "Traffic": {"Bursts": [{"AtMs": 0, "Count": 4}]},
}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def lesson():
    module = make_module(slug="lambda", title="Lambda")
    return make_lesson(module, slug="cold-starts", title="Cold starts", order=1)


def pages(lesson) -> list[str]:
    return [
        reverse("course:module-list"),
        lesson.module.get_absolute_url(),
        lesson.get_absolute_url(),
    ]


def test_an_anonymous_page_is_rendered_once_then_served_without_queries(
    client, lesson, django_assert_num_queries
):
    for url in pages(lesson):
        first = client.get(url)
        with django_assert_num_queries(0):
            again = client.get(url)
        assert again.status_code == first.status_code == 200
        assert again.content == first.content
        assert lesson.title in again.content.decode()


def test_a_cookieless_visitor_gets_a_public_page_with_no_token_and_no_cookie(client, lesson):
    for url in pages(lesson):
        first = client.get(url)  # rendered and cached
        assert not first.cookies
        assert "public" in first["Cache-Control"]
        response = Client().get(url)  # another visitor: served from the cache
        html = response.content.decode()
        assert response["Cache-Control"] == (
            f"public, max-age={django_settings.PAGE_CACHE_PUBLIC_SECONDS}"
        )
        assert {"Cookie", "HX-Request"} <= {v.strip() for v in response["Vary"].split(",")}
        assert not response.cookies  # no Set-Cookie on a page a proxy may keep
        assert not re.search(r'name="csrfmiddlewaretoken" value="[^"]', html)
        assert '"X-CSRFToken": ""' in html
        assert "Log out" not in html
        # Byte for byte what every other cookie-less visitor gets.
        assert Client().get(url).content == response.content


def test_the_cached_lesson_form_works_after_asking_for_a_token_and_without_javascript(lesson):
    url = lesson.get_absolute_url()
    complete = reverse("course:lesson-complete", args=["lambda", "cold-starts"])
    Client().get(url)  # cached
    # With JavaScript (site.js): the empty field, then the page's own address with the header.
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get(url).content.decode()
    assert 'name="csrfmiddlewaretoken" value="" data-csrf-empty' in html
    assert visitor.post(complete, {"complete": "on"}).status_code == 403  # no token yet
    asked = visitor.get(url, headers={"X-CSRF-Cookie": "1"})
    assert asked.status_code == 204
    assert "no-store" in asked["Cache-Control"]
    token = visitor.cookies["csrftoken"].value
    done = visitor.post(complete, {"complete": "on"}, headers={"X-CSRFToken": token})
    assert done.status_code == 302
    # Now it has a cookie: its pages carry its own token and are private.
    again = visitor.get(url)
    assert "private" in again["Cache-Control"]
    # Without JavaScript: the <noscript> link to "?form", a page never cached, with a token.
    plain = Client(enforce_csrf_checks=True)
    assert '<a href="?form">' in plain.get(url).content.decode()
    form_page = plain.get(url + "?form")
    assert "private" in form_page["Cache-Control"]
    match = TOKEN.search(form_page.content.decode())
    assert match is not None
    done = plain.post(complete, {"complete": "on", "csrfmiddlewaretoken": match[1]})
    assert done.status_code == 302


def test_each_visitor_with_a_csrf_cookie_gets_a_working_token_of_their_own(lesson):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    url = lesson.get_absolute_url()
    tokens = []
    for visitor in (first, second):
        visitor.get(url, headers={"X-CSRF-Cookie": "1"})  # what site.js does
        response = visitor.get(url)
        html = response.content.decode()
        assert "private" in response["Cache-Control"]
        assert "data-csrf-empty" not in html
        assert "?form" not in html
        match = TOKEN.search(html)
        assert match is not None
        token = match[1]
        assert f'"X-CSRFToken": "{token}"' in html  # one token for the form and htmx
        tokens.append(token)
    assert tokens[0] != tokens[1]
    complete = reverse("course:lesson-complete", args=["lambda", "cold-starts"])
    # The second visitor's page was rendered for them; its token works with its own cookie.
    response = second.post(complete, {"complete": "on", "csrfmiddlewaretoken": tokens[1]})
    assert response.status_code in (200, 302)
    # A made-up token does not work with this visitor's cookie.
    refused = first.post(complete, {"complete": "on", "csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403


def rendered_pages(monkeypatch) -> list[str]:
    """Record the templates the course's views render from now on."""
    rendered: list[str] = []

    def render(request, template, *args, **kwargs):
        rendered.append(template)
        return shortcuts.render(request, template, *args, **kwargs)

    monkeypatch.setattr("course.views.render", render)
    return rendered


def test_a_visitor_with_a_csrf_cookie_is_never_served_the_public_page(lesson, monkeypatch):
    url = lesson.get_absolute_url()
    Client().get(url)  # the public page, cached
    visitor = Client()
    visitor.get(url, headers={"X-CSRF-Cookie": "1"})
    rendered = rendered_pages(monkeypatch)
    response = visitor.get(url)
    assert rendered == ["course/lesson_detail.html"]  # for this visitor, with their token
    assert "private" in response["Cache-Control"]
    assert TOKEN.search(response.content.decode())


def test_the_no_javascript_fallback_is_drawn_by_the_template_where_the_form_is(lesson):
    html = Client().get(lesson.get_absolute_url()).content.decode()
    form = re.search(r'<form method="post".*?</form>', html, re.DOTALL)
    assert form is not None
    assert form[0].count("data-csrf-empty") == 1
    assert form[0].count('<noscript><p class="muted">Without JavaScript, <a href="?form">') == 1
    assert html.count("<noscript>") == 1  # only forms that post get it
    # The page with a query string draws the real token and no fallback.
    own = Client().get(lesson.get_absolute_url() + "?form").content.decode()
    assert "<noscript>" not in own
    assert TOKEN.search(own)


def test_a_cached_page_never_shows_another_visitors_data(lesson):
    alice, bob = make_user(username="alice"), make_user(username="bob")
    signed_in = Client()
    signed_in.force_login(alice)
    complete = reverse("course:lesson-complete", args=["lambda", "cold-starts"])
    signed_in.post(complete, {"complete": "on"})
    anonymous = Client()
    for url in pages(lesson):
        alices = signed_in.get(url).content.decode()
        assert "Log out" in alices
        cached = anonymous.get(url).content.decode()  # cached for everyone anonymous
        again = anonymous.get(url).content.decode()
        for html in (cached, again):
            assert "alice" not in html
            assert "Log out" not in html
            assert "100%" not in html
        # A signed-in visitor never gets the anonymous page, whoever cached it.
        other = Client()
        other.force_login(bob)
        bobs = other.get(url).content.decode()
        assert "Log out" in bobs
        assert "alice" not in bobs
        assert signed_in.get(url).content.decode().count("Log out") == 1
    assert alice.pk != bob.pk


def test_editing_or_publishing_content_retires_the_cached_pages(client, lesson):
    url = lesson.get_absolute_url()
    assert "Cold starts" in client.get(url).content.decode()
    lesson.title = "Cold starts, revised"
    lesson.save()  # an edit or publish in the admin
    assert "Cold starts, revised" in client.get(url).content.decode()


def test_switching_a_preset_off_in_the_admin_retires_the_cached_gallery(client, lesson):
    preset = ScenarioPreset.objects.create(
        module=lesson.module,
        lesson=lesson,
        slug="queue",
        title="A small queue",
        goal="",
        knobs=[],
        scenario=QUEUE,
    )
    gallery = reverse("lab:sandbox-gallery")
    assert "A small queue" in client.get(gallery).content.decode()
    preset.is_active = False
    preset.save()  # the admin's "active" box
    assert "A small queue" not in client.get(gallery).content.decode()
    assert client.get(reverse("lab:sandbox", args=["lambda", "queue"])).status_code == 404


def test_reloading_the_course_retires_the_cached_pages(client, settings):
    load_course(Path(settings.BASE_DIR) / "content")
    url = reverse("course:module-list")
    client.get(url)
    before = content_version()
    Module.objects.update(title="Renamed without signals")  # what a bulk write looks like
    assert "Renamed without signals" not in client.get(url).content.decode()  # still cached
    load_course(Path(settings.BASE_DIR) / "content")
    assert content_version() > before
    assert "Renamed without signals" not in client.get(url).content.decode()
    assert Module.objects.filter(title="Renamed without signals").count() == 0


def test_pages_with_a_query_string_or_htmx_are_not_cached(client, lesson, monkeypatch):
    url = lesson.get_absolute_url()
    for headers in ({}, {"HX-Request": "true"}):
        client.get(url + "?utm=1", headers=headers)
        rendered = rendered_pages(monkeypatch)
        client.get(url + "?utm=1", headers=headers)
        assert rendered == ["course/lesson_detail.html"]


def test_anonymous_reading_creates_no_session_row(client, lesson):
    preset = ScenarioPreset.objects.create(
        module=lesson.module,
        lesson=lesson,
        slug="queue",
        title="A small queue",
        goal="",
        knobs=[],
        scenario=QUEUE,
    )
    urls = [
        *pages(lesson),
        reverse("lab:sandbox-gallery"),
        reverse("lab:sandbox", args=["lambda", preset.slug]),
    ]
    for url in urls * 2:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "sessionid" not in response.cookies
    assert Session.objects.count() == 0


# In a browser, from pages the cache served: with JavaScript and without.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Playwright's sync API runs an event loop in the test thread; Django's ORM would refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def chromium(playwright):
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
    )
    yield browser
    browser.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed (apt-get install chromium)")
def test_from_a_cached_lesson_a_visitor_marks_it_complete_signs_up_and_logs_in(
    chromium, live_server, course_content, javascript
):
    url = live_server.url + "/modules/lambda-best-practices/execution-environment-lifecycle/"
    Client().get(url.removeprefix(live_server.url))  # cached before this visitor comes
    page = chromium.new_context(java_script_enabled=javascript).new_page()
    response = page.goto(url)
    assert response is not None
    assert "public" in response.headers["cache-control"]
    if not javascript:
        page.get_by_role("link", name="open this form").click()
    page.get_by_role("button", name="Mark lesson complete").click()
    expect(page.get_by_text("You completed this lesson")).to_be_visible()

    for name in ("Sign up", "Log in"):  # fresh visitors, each on a cached page
        page = chromium.new_context(java_script_enabled=javascript).new_page()
        page.goto(url)
        page.get_by_role("link", name=name).first.click()
        page.get_by_label("Username").fill("grace")
        if name == "Sign up":
            page.get_by_label("Email address").fill("grace@example.com")
            page.get_by_label("Password:", exact=True).fill("a-very-good-password")
            page.get_by_label("Password confirmation").fill("a-very-good-password")
        else:
            page.get_by_label("Password").fill("a-very-good-password")
        page.get_by_role("button", name=name).click()
        expect(page).to_have_url(url)
        expect(page.locator("summary", has_text="grace")).to_be_visible()
