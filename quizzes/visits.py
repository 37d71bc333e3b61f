"""Which exam attempts this browser session has opened.

The first time a session opens an attempt it did not start, the attempt's log records a
"resumed" event (another tab, browser or device). The session keeps the last 20 attempt ids.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase

SESSION_KEY = "exam_attempts_seen"
KEEP = 20


def remember(session: SessionBase, attempt_id: int) -> bool:
    """Record that this session has opened the attempt; return False if it already had."""
    seen = session.get(SESSION_KEY, [])
    if attempt_id in seen:
        return False
    session[SESSION_KEY] = [*seen[-(KEEP - 1) :], attempt_id]
    return True
