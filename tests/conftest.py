"""Fixtures shared by every test folder."""

from __future__ import annotations

import pytest

from tests.helpers.course import CONTENT_DIR, CourseSnapshot


@pytest.fixture(scope="session")
def _course_snapshot(django_db_setup, django_db_blocker) -> CourseSnapshot:
    """Parse and load the real course once per session (rolled back, rows kept)."""
    with django_db_blocker.unblock():
        return CourseSnapshot.capture(CONTENT_DIR)


@pytest.fixture
def course_content(db, _course_snapshot):
    """The real course content in the test database, as `load_course(CONTENT_DIR)` writes it."""
    return _course_snapshot.restore()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start every test with an empty cache (sandbox runs are cached by their settings)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
