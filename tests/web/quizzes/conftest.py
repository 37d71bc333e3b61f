"""A controllable clock for the quiz pages: views read `django.utils.timezone.now`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest


class Clock:
    """A fake `timezone.now` that only moves when a test says so."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock(datetime(2030, 1, 15, 10, 0, 0, tzinfo=UTC))
    monkeypatch.setattr("django.utils.timezone.now", fake)
    return fake
