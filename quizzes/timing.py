"""The exam clock: deadlines, time left and warnings (pure functions, no Django).

The server owns the clock. An attempt's deadline is fixed when it starts and stored on the
attempt; every page computes the time left from it, so reloading, closing the browser or
switching devices never pauses or resets it.

- **Time allowed** = time limit × the learner's time multiplier (an accommodation), in whole
  seconds (`time_allowed`): the deadline and the quiz page both use it.
- **Deadline** = start + time allowed.
- **Window.** A quiz may close at `closes_at`; an accommodation may extend the window by
  `window_extension_minutes`. A learner may start until the (extended) window closes. A learner
  *without* extra time is stopped at the window close; a learner *with* extra time (multiplier
  above 1) is never cut short by it: their deadline is start + their whole extended time.
- **Grace.** Answers that arrive up to `GRACE_SECONDS` after the deadline still count (a click
  just before the deadline may reach the server just after it). Later answers are refused, and
  an attempt whose deadline plus grace has passed is graded on what was saved and recorded as
  finished *at the deadline*.
- **Warnings** show when 20 % and 5 % of the time is left.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

GRACE_SECONDS = 5
WARNING_FRACTION = 0.20
DANGER_FRACTION = 0.05


def attempt_deadline(
    *,
    started_at: datetime,
    time_limit_minutes: int | None,
    time_multiplier: Decimal | float = 1,
    closes_at: datetime | None = None,
    window_extension_minutes: int = 0,
) -> datetime | None:
    """Return when an attempt started at `started_at` must end, or None if it is untimed."""
    seconds = time_allowed(time_limit_minutes, time_multiplier)
    if seconds is None:
        return None
    deadline = started_at + timedelta(seconds=seconds)
    if closes_at is not None and Decimal(str(time_multiplier)) <= 1:
        deadline = min(deadline, window_close(closes_at, window_extension_minutes))
    return deadline


def time_allowed(
    time_limit_minutes: int | None, time_multiplier: Decimal | float = 1
) -> int | None:
    """Return the whole seconds an attempt lasts for this multiplier, or None if it is untimed."""
    if not time_limit_minutes:
        return None
    return int(Decimal(time_limit_minutes) * 60 * Decimal(str(time_multiplier)))


def window_close(closes_at: datetime, window_extension_minutes: int = 0) -> datetime:
    """Return when the window closes for a learner with this extension."""
    return closes_at + timedelta(minutes=window_extension_minutes)


def is_overdue(deadline: datetime | None, now: datetime) -> bool:
    """Return whether the deadline and its network grace have both passed."""
    return deadline is not None and now > deadline + timedelta(seconds=GRACE_SECONDS)


def seconds_left(deadline: datetime, now: datetime) -> int:
    """Return the whole seconds left before `deadline` (rounded up; never negative)."""
    return max(0, math.ceil((deadline - now).total_seconds()))


def format_clock(seconds: int) -> str:
    """Return `seconds` as a clock: "1:05:09", or "5:09" under an hour."""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def duration_words(seconds: int) -> str:
    """Return a time allowed in minutes and seconds: "31 minutes 15 seconds", "1 minute"."""
    minutes, secs = divmod(max(0, seconds), 60)
    parts = [f"{minutes} minute{'s' if minutes != 1 else ''}"] if minutes or not secs else []
    if secs:
        parts.append(f"{secs} second{'s' if secs != 1 else ''}")
    return " ".join(parts)


def spoken_time(seconds: int) -> str:
    """Return the time left in words, for screen readers: "1 hour 5 minutes left"."""
    if seconds <= 0:
        return "Time is up."
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''} left."
    minutes = math.ceil(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts) + " left."


@dataclass(frozen=True)
class TimerState:
    """What the page shows about the time left."""

    remaining: int
    total: int

    @property
    def clock(self) -> str:
        return format_clock(self.remaining)

    @property
    def spoken(self) -> str:
        return spoken_time(self.remaining)

    @property
    def level(self) -> str:
        """Return "danger" at 5 % left or less, "warning" at 20 % or less, else "normal"."""
        if self.remaining <= DANGER_FRACTION * self.total:
            return "danger"
        if self.remaining <= WARNING_FRACTION * self.total:
            return "warning"
        return "normal"

    @property
    def warning(self) -> str:
        if self.remaining <= 0:
            return "Time is up."
        if self.level == "danger":
            return "Less than 5% of your time is left."
        if self.level == "warning":
            return "Less than 20% of your time is left."
        return ""


def timer_state(*, started_at: datetime, deadline: datetime, now: datetime) -> TimerState:
    """Return the time left and the attempt's whole duration, in seconds."""
    total = max(1, math.ceil((deadline - started_at).total_seconds()))
    return TimerState(remaining=seconds_left(deadline, now), total=total)
