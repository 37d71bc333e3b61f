"""Fixtures shared by every test folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.loader import load_course

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture
def course_content(db):
    """Load the real course content into the test database."""
    return load_course(CONTENT_DIR)
