"""Check the keys and values of YAML mappings, recording a problem for each mistake."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from .errors import ProblemLog
from .yaml_loader import MarkedDict, MarkedList

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ` (did you mean `x`?)` for a close match, else an empty string."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean `{matches[0]}`?)" if matches else ""


def known_list(choices: Collection[str], limit: int = 12) -> str:
    """Return the sorted choices as text, shortened when there are many."""
    names = sorted(choices)
    if not names:
        return "none"
    shown = ", ".join(names[:limit])
    return shown + (f", … ({len(names) - limit} more)" if len(names) > limit else "")


def is_slug(value: object) -> bool:
    """Return whether `value` is a lowercase slug such as `cold-starts`."""
    return isinstance(value, str) and bool(SLUG_RE.match(value))


@dataclass
class FileFields:
    """Read typed values from one YAML mapping of an authored file, logging every problem.

    Unlike the engine's `course.sandbox.fields.Fields`, which stops at the first bad field of a
    scenario (a run cannot go on), this one keeps going and records each problem with its file
    and line, so an author sees every mistake in one pass.
    """

    data: MarkedDict
    path: str
    log: ProblemLog
    what: str

    def check_keys(self, *, required: Collection[str], optional: Collection[str] = ()) -> None:
        """Record unknown keys and missing required keys."""
        allowed = {*required, *optional}
        for key in self.data:
            if key not in allowed:
                hint = did_you_mean(str(key), allowed)
                self.problem(
                    key,
                    f"unknown key `{key}` in {self.what}{hint}; "
                    f"allowed keys: {known_list(allowed)}",
                )
        for key in required:
            if key not in self.data:
                self.log.add(self.path, self.data.line, f"{self.what} is missing `{key}`")

    def problem(self, key: str, message: str) -> None:
        """Record a problem at the line of `key`."""
        self.log.add(self.path, self.data.line_of(key), message)

    def line(self, key: str) -> int:
        """Return the line of `key` (or of the mapping)."""
        return self.data.line_of(key)

    def text(self, key: str, *, default: str | None = None) -> str | None:
        """Return a non-empty string, or `default` when the key is absent."""
        if key not in self.data or self.data[key] is None:
            return default
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(key, f"`{key}` must be text, got {type_name(value)}")
            return None
        value = str(value).strip()
        if not value:
            self.problem(key, f"`{key}` must not be empty")
            return None
        return value

    def moment(self, key: str) -> datetime | None:
        """Return an aware date and time (ISO 8601 with a zone), or None when absent."""
        if key not in self.data or self.data[key] is None:
            return None
        value = self.data[key]
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value.strip())
            except ValueError:
                value = None
        if not isinstance(value, datetime) or value.tzinfo is None:
            self.problem(
                key,
                f"`{key}` must be a date and time with a time zone, like "
                f"`2026-12-01T09:00:00Z`, got {self.data[key]!r}",
            )
            return None
        return value

    def slug(self, key: str, *, default: str | None = None) -> str | None:
        """Return a lowercase slug, or `default` when the key is absent."""
        if key not in self.data or self.data[key] is None:
            return default
        value = self.data[key]
        if not is_slug(value):
            self.problem(
                key,
                f"`{key}` must be a lowercase slug of letters, digits and hyphens "
                f"(like `cold-starts`), got {value!r}",
            )
            return None
        assert isinstance(value, str)
        return value

    def integer(
        self,
        key: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
        default: int | None = None,
    ) -> int | None:
        """Return a whole number within the range, or `default` when the key is absent."""
        if key not in self.data or self.data[key] is None:
            return default
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            hint = " (write 8, not 08)" if isinstance(value, str) and value.isdigit() else ""
            self.problem(key, f"`{key}` must be a whole number, got {value!r}{hint}")
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            low = "" if minimum is None else f"at least {minimum}"
            high = "" if maximum is None else f"at most {maximum}"
            bounds = " and ".join(part for part in (low, high) if part)
            self.problem(key, f"`{key}` must be {bounds}, got {value}")
            return None
        return int(value)

    def boolean(self, key: str, *, default: bool) -> bool:
        """Return true or false, or `default` when the key is absent or invalid."""
        if key not in self.data or self.data[key] is None:
            return default
        value = self.data[key]
        if not isinstance(value, bool):
            self.problem(key, f"`{key}` must be true or false, got {value!r}")
            return default
        return value

    def choice(
        self, key: str, options: Collection[str], *, default: str | None = None
    ) -> str | None:
        """Return one of `options`, or `default` when the key is absent."""
        if key not in self.data or self.data[key] is None:
            return default
        value = self.data[key]
        if value not in options:
            self.problem(
                key,
                f"`{key}` must be one of {known_list(options)}, got {value!r}"
                + did_you_mean(str(value), options),
            )
            return None
        assert isinstance(value, str)
        return value

    def text_list(self, key: str) -> tuple[str, ...] | None:
        """Return a list of non-empty strings, or None when absent or invalid."""
        if key not in self.data or self.data[key] is None:
            return None
        value = self.data[key]
        if not isinstance(value, list) or not value:
            got = "an empty list" if value == [] else type_name(value)
            self.problem(key, f"`{key}` must be a list of text items, got {got}")
            return None
        items: list[str] = []
        for index, item in enumerate(value):
            line = value.line_of(index) if isinstance(value, MarkedList) else self.line(key)
            if (
                isinstance(item, bool)
                or not isinstance(item, str | int | float)
                or not str(item).strip()
            ):
                self.log.add(self.path, line, f"`{key}` item {index + 1} must be non-empty text")
                continue
            items.append(str(item).strip())
        return tuple(items)

    def mapping(self, key: str) -> MarkedDict | None:
        """Return a nested mapping, or None when absent or not a mapping."""
        if key not in self.data or self.data[key] is None:
            return None
        value = self.data[key]
        if not isinstance(value, MarkedDict):
            self.problem(
                key, f"`{key}` must be a mapping of keys to values, got {type_name(value)}"
            )
            return None
        return value


def type_name(value: object) -> str:
    """Return a reader-friendly name of a YAML value's type."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    return repr(value)
