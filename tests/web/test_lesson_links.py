"""Every link from a lesson to another page of the course leads somewhere."""

from __future__ import annotations

import re

import pytest

from course.models import Lesson

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="(/[^"#]*)')


def test_every_internal_link_in_the_lessons_resolves(client, course_content):
    targets = {
        url for lesson in Lesson.objects.filter(is_active=True) for url in HREF.findall(lesson.html)
    }
    assert targets, "the lessons link to the sandbox and the quizzes"
    broken = {}
    for url in sorted(targets):
        status = client.get(url).status_code
        if status not in {200, 302}:
            broken[url] = status
    assert not broken
