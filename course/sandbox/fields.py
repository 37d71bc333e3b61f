"""Read a raw mapping field by field, checking types, ranges and unknown keys."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .errors import ScenarioError


def _describe(value: object) -> str:
    return repr(value) if not isinstance(value, str) else f"'{value}'"


class Fields:
    """Wrap one mapping of a scenario; every read names its dotted path in errors."""

    def __init__(self, data: object, path: str) -> None:
        if data is None:
            data = {}
        if not isinstance(data, Mapping):
            raise ScenarioError(path, f"expected a mapping, got {_describe(data)}")
        for key in data:
            if not isinstance(key, str):
                raise ScenarioError(path, f"keys must be strings, got {_describe(key)}")
        self.data: Mapping[str, object] = data
        self.path = path
        self.used: set[str] = set()

    def at(self, key: str) -> str:
        """Return the dotted path of a key."""
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        """Return whether the key is present and not null."""
        return self.data.get(key) is not None

    def raw(self, key: str) -> object:
        """Return the raw value of a key (None when absent) and mark it as read."""
        self.used.add(key)
        return self.data.get(key)

    def integer(
        self, key: str, default: int, low: int, high: int, source: str, *, extra: str = ""
    ) -> int:
        """Read an integer in [low, high]."""
        value = self.raw(key)
        if value is None:
            return default
        return check_int(value, self.at(key), low, high, source, extra=extra)

    def optional_integer(self, key: str, low: int, high: int, source: str) -> int | None:
        """Read an integer in [low, high], or None when absent."""
        value = self.raw(key)
        if value is None:
            return None
        return check_int(value, self.at(key), low, high, source)

    def number(self, key: str, default: float, low: float, high: float, source: str) -> float:
        """Read a number in [low, high]."""
        value = self.raw(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ScenarioError(
                self.at(key), f"{_describe(value)} is not a number; allowed {low}–{high} ({source})"
            )
        if not low <= value <= high:
            raise ScenarioError(
                self.at(key), f"{_describe(value)} is out of range; allowed {low}–{high} ({source})"
            )
        return float(value)

    def flag(self, key: str, default: bool) -> bool:
        """Read a boolean."""
        value = self.raw(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise ScenarioError(self.at(key), f"{_describe(value)} is not a boolean (true/false)")
        return value

    def text(self, key: str, default: str) -> str:
        """Read a non-empty string."""
        value = self.raw(key)
        if value is None:
            return default
        if not isinstance(value, str | int) or isinstance(value, bool) or value == "":
            raise ScenarioError(self.at(key), f"{_describe(value)} is not a non-empty string")
        return str(value)

    def optional_text(self, key: str) -> str | None:
        """Read a non-empty string, or None when absent."""
        if self.data.get(key) is None:
            self.used.add(key)
            return None
        return self.text(key, "")

    def choice(self, key: str, default: str, allowed: Sequence[str], source: str) -> str:
        """Read one of a fixed list of strings."""
        value = self.raw(key)
        if value is None:
            return default
        if value not in allowed:
            raise ScenarioError(
                self.at(key),
                f"{_describe(value)} is not allowed; choose one of {', '.join(allowed)} ({source})",
            )
        return str(value)

    def sub(self, key: str) -> Fields:
        """Return the nested mapping under a key (empty when absent)."""
        return Fields(self.raw(key), self.at(key))

    def items(self, key: str) -> list[object]:
        """Read a list (empty when absent)."""
        value = self.raw(key)
        if value is None:
            return []
        if not isinstance(value, list | tuple):
            raise ScenarioError(self.at(key), f"expected a list, got {_describe(value)}")
        return list(value)

    def done(self) -> None:
        """Reject any key that was not read."""
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            allowed = ", ".join(sorted(self.used)) or "none"
            raise ScenarioError(
                self.at(unknown[0]), f"unknown key '{unknown[0]}'; allowed keys here: {allowed}"
            )


def check_int(
    value: object, path: str, low: int, high: int, source: str, *, extra: str = ""
) -> int:
    """Return value as an int in [low, high] or raise a ScenarioError naming the range."""
    allowed = f"allowed {low:,}–{high:,}{extra} ({source})"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(path, f"{_describe(value)} is not an integer; {allowed}")
    if isinstance(value, float):
        if not value.is_integer():
            raise ScenarioError(path, f"{_describe(value)} is not a whole number; {allowed}")
        value = int(value)
    if not low <= value <= high:
        raise ScenarioError(path, f"{value!r} is out of range; {allowed}")
    return value


def ids(values: Iterable[object], path: str) -> frozenset[str]:
    """Return a set of identifiers (strings or integers) as strings."""
    result = set()
    for index, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ScenarioError(f"{path}[{index}]", f"{_describe(value)} is not an identifier")
        result.add(str(value))
    return frozenset(result)
