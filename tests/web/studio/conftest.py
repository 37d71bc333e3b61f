"""Fixtures of the studio's tests: a client signed in as a new instructor, and one as a learner."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import make_instructor, make_user
from tests.helpers.studio import client_for


@pytest.fixture
def instructor_client(db) -> Client:
    """A client signed in as a new instructor."""
    return client_for(make_instructor())


@pytest.fixture
def learner_client(db) -> Client:
    """A client signed in as a new learner (not an instructor)."""
    return client_for(make_user())
