"""SNS subscription filter policies and EventBridge event patterns: the documented subset.

A policy (or pattern) maps property names to a list of conditions; a message matches when
every property of the policy matches (AND) and, for each, at least one condition matches (OR).
Nested mappings match nested properties. Conditions: an exact value (string, number, boolean,
null), `{"prefix": "..."}`, `{"anything-but": value | [values] | {"prefix": "..."}}`,
`{"numeric": [op, n, (op, n)]}` and `{"exists": true|false}`. A property that is an array in
the message matches when any element does. A missing property matches only `exists: false`.
Sources: SNS https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html,
EventBridge https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
(see docs/scenarios.md, "SNS and EventBridge").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import ScenarioError

NUMERIC_OPS = ("=", "<", "<=", ">", ">=")
MISSING = object()


def check_pattern(pattern: object, path: str) -> None:
    """Raise ScenarioError unless pattern is a policy in the supported subset."""
    if not isinstance(pattern, Mapping) or not pattern:
        raise ScenarioError(path, "expected a non-empty mapping of property names to conditions")
    for key, value in pattern.items():
        where = f"{path}.{key}"
        if isinstance(value, Mapping):
            check_pattern(value, where)
            continue
        if not isinstance(value, list) or not value:
            raise ScenarioError(where, "expected a non-empty list of values or conditions")
        for index, condition in enumerate(value):
            _check_condition(condition, f"{where}[{index}]")


def _check_condition(condition: object, path: str) -> None:
    if condition is None or isinstance(condition, str | int | float | bool):
        return
    if not isinstance(condition, Mapping) or len(condition) != 1:
        raise ScenarioError(
            path,
            "expected a value or one of {prefix}, {anything-but}, {numeric}, {exists} "
            "(the simulator's subset of the documented operators)",
        )
    ((operator, operand),) = condition.items()
    if operator == "prefix":
        if not isinstance(operand, str):
            raise ScenarioError(path, "prefix needs a string")
    elif operator == "exists":
        if not isinstance(operand, bool):
            raise ScenarioError(path, "exists needs true or false")
    elif operator == "anything-but":
        if isinstance(operand, Mapping):
            if set(operand) != {"prefix"} or not isinstance(operand["prefix"], str):
                raise ScenarioError(path, "anything-but takes a value, a list or {prefix: ...}")
        elif isinstance(operand, list):
            if not all(isinstance(v, str | int | float) for v in operand):
                raise ScenarioError(path, "anything-but lists hold strings or numbers")
        elif not isinstance(operand, str | int | float):
            raise ScenarioError(path, "anything-but takes a value, a list or {prefix: ...}")
    elif operator == "numeric":
        _check_numeric(operand, path)
    else:
        raise ScenarioError(
            path,
            f"'{operator}' is not supported; use prefix, anything-but, numeric or exists "
            "(the simulator's subset of the documented operators)",
        )


def _check_numeric(operand: object, path: str) -> None:
    if not isinstance(operand, list) or len(operand) not in (2, 4):
        raise ScenarioError(path, "numeric takes [op, n] or [op, n, op, n]")
    for op, number in zip(operand[::2], operand[1::2], strict=True):
        if op not in NUMERIC_OPS:
            raise ScenarioError(path, f"'{op}' is not one of {', '.join(NUMERIC_OPS)}")
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise ScenarioError(path, f"{number!r} is not a number")


def matches(pattern: Mapping[str, Any], message: Mapping[str, Any] | None) -> bool:
    """Return whether a message (attributes, body or event) matches a checked pattern."""
    message = message or {}
    for key, conditions in pattern.items():
        value = message.get(key, MISSING) if isinstance(message, Mapping) else MISSING
        if isinstance(conditions, Mapping):
            if not isinstance(value, Mapping) or not matches(conditions, value):
                return False
            continue
        if not any(_matches_one(condition, value) for condition in conditions):
            return False
    return True


def _matches_one(condition: Any, value: Any) -> bool:
    if isinstance(condition, Mapping) and "exists" in condition:
        return (value is not MISSING) is bool(condition["exists"])
    if value is MISSING:
        return False
    if isinstance(value, list):
        return any(_matches_one(condition, element) for element in value)
    if not isinstance(condition, Mapping):
        return _equal(condition, value)
    ((operator, operand),) = condition.items()
    if operator == "prefix":
        return isinstance(value, str) and value.startswith(operand)
    if operator == "anything-but":
        if isinstance(operand, Mapping):
            return isinstance(value, str) and not value.startswith(operand["prefix"])
        excluded = operand if isinstance(operand, list) else [operand]
        return not any(_equal(other, value) for other in excluded)
    if operator == "numeric":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return all(
            _compare(value, op, number)
            for op, number in zip(operand[::2], operand[1::2], strict=True)
        )
    return False  # pragma: no cover - check_pattern admits nothing else


def _equal(expected: Any, value: Any) -> bool:
    numbers = (int, float)
    if isinstance(expected, bool) or isinstance(value, bool):
        return expected is value
    if isinstance(expected, numbers) and isinstance(value, numbers):
        return float(expected) == float(value)
    return bool(expected == value)


def _compare(value: float, op: str, number: float) -> bool:
    if op == "=":
        return value == number
    if op == "<":
        return value < number
    if op == "<=":
        return value <= number
    if op == ">":
        return value > number
    return value >= number
