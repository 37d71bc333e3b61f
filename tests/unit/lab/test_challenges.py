"""A challenge check says what happened the way a reader writes numbers."""

from __future__ import annotations

import pytest

from course.lab.core.challenges import CheckResult


@pytest.mark.parametrize(
    ("actual", "text"),
    [(86_399_700, "86,399,700"), (0, "0"), (12.0, "12"), (0.25, "0.25"), (1234.5678, "1,234.568")],
)
def test_the_actual_value_is_written_with_separators_and_no_trailing_zeros(actual, text):
    check = CheckResult(label="x", wanted="at most 1", actual=actual, passed=False, hint="")
    assert check.actual_text == text
