"""Fixtures shared by every test folder."""

from __future__ import annotations

from pathlib import Path

import pytest

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture
def course_content(db):
    """Load the real course content into the test database."""
    from course.loading import load_course

    return load_course(CONTENT_DIR)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start every test with an empty cache (sandbox runs are cached by their settings)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
