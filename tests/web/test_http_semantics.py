"""Read pages answer HEAD like GET, and pages that answer htmx differently say so in Vary."""

from __future__ import annotations

import pytest
from django.urls import reverse

from course.lab.models import ScenarioPreset
from tests.factories import make_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages():
    lesson = make_lesson()
    ScenarioPreset.objects.create(
        module=lesson.module,
        lesson=lesson,
        slug="demo",
        title="Demo",
        goal="Look",
        scenario={"Traffic": {"Events": [{"AtMs": 0}]}},
    )
    return [
        reverse("course:module-list"),
        reverse("course:health"),
        reverse("course:search") + "?q=lesson",
        lesson.module.get_absolute_url(),
        lesson.get_absolute_url(),
        reverse("course:lesson-print", args=[lesson.module.slug, lesson.slug]),
        reverse("lab:sandbox-gallery"),
        reverse("lab:sandbox", args=[lesson.module.slug, "demo"]),
        reverse("signup"),
        reverse("login"),
    ]


def test_head_answers_like_get_on_every_read_page(client, pages):
    for url in pages:
        get, head = client.get(url), client.head(url)
        assert head.status_code == get.status_code == 200, url
        assert head.content == b"", url


@pytest.mark.parametrize("index", [2, 7], ids=["search", "lab"])
def test_pages_that_answer_htmx_differently_vary_on_it(client, pages, index):
    url = pages[index]
    full = client.get(url)
    partial = client.get(url, headers={"HX-Request": "true"})
    assert full.content != partial.content
    for response in (full, partial):
        assert "HX-Request" in response.headers.get("Vary", "")
