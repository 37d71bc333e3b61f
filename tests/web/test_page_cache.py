"""The anonymous page cache (course/caching.py): fast, shared, and never another visitor's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from course.caching import CSRF_PLACEHOLDER, content_version
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
        assert CSRF_PLACEHOLDER not in again.content.decode()
        assert "Cookie" in again["Vary"]
        assert "private" in again["Cache-Control"]
        assert lesson.title in again.content.decode()


def test_each_anonymous_visitor_gets_a_working_csrf_token_of_their_own(lesson):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    url = lesson.get_absolute_url()
    tokens = []
    for visitor in (first, second):
        html = visitor.get(url).content.decode()
        assert CSRF_PLACEHOLDER not in html
        match = TOKEN.search(html)
        assert match is not None
        token = match[1]
        assert f'"X-CSRFToken": "{token}"' in html  # one token for the form and htmx
        tokens.append(token)
    assert tokens[0] != tokens[1]
    complete = reverse("course:lesson-complete", args=["lambda", "cold-starts"])
    # The second visitor's page came from the cache; its token works with its own cookie.
    response = second.post(complete, {"complete": "on", "csrfmiddlewaretoken": tokens[1]})
    assert response.status_code in (200, 302)
    # The other visitor's token does not work with this visitor's cookie: it is not shared.
    refused = first.post(complete, {"complete": "on", "csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403


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


def test_pages_with_a_query_string_or_htmx_are_not_cached(client, lesson):
    url = lesson.get_absolute_url()
    for headers in ({}, {"HX-Request": "true"}):
        client.get(url + "?utm=1", headers=headers)
        with CaptureQueriesContext(connection) as queries:
            client.get(url + "?utm=1", headers=headers)
        assert len(queries) > 0


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
