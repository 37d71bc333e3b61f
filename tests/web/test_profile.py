"""The profile's progress counts only lessons a learner can still read."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from course.models import LessonProgress
from tests.factories import make_lesson, make_module, make_user

pytestmark = pytest.mark.django_db


def _complete(user, lesson):
    now = timezone.now()
    LessonProgress.objects.create(
        user=user, lesson=lesson, first_seen_at=now, last_seen_at=now, completed_at=now
    )


def test_a_retired_module_no_longer_counts_towards_course_progress(client):
    current = make_lesson()
    retired_module = make_module()
    retired = make_lesson(retired_module)
    user = make_user()
    _complete(user, current)
    _complete(user, retired)
    retired_module.is_published = False
    retired_module.save()
    client.force_login(user)

    response = client.get(reverse("profile"))

    assert response.context["completed_count"] == 1
    assert response.context["lesson_count"] == 1
    assert response.context["percent_done"] == 100
    assert "1 of 1 lessons complete." in response.content.decode()
    assert [row.lesson for row in response.context["recent"]] == [current]


def test_profile_progress_is_the_share_of_published_lessons_completed(client):
    module = make_module()
    lessons = [make_lesson(module) for _ in range(3)]
    make_lesson(module, is_active=False)  # a retired lesson is not in the denominator
    user = make_user()
    _complete(user, lessons[0])
    _complete(user, lessons[1])
    client.force_login(user)

    context = client.get(reverse("profile")).context

    assert (context["completed_count"], context["lesson_count"]) == (2, 3)
    assert context["percent_done"] == round(100 * 2 / 3)
