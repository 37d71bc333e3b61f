"""Load YAML while remembering the line of every mapping key and list item."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from .errors import ProblemLog


class MarkedDict(dict[Any, Any]):
    """A YAML mapping that knows its own line and the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: object) -> int:
        """Return the line of `key`, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class MarkedList(list[Any]):
    """A YAML sequence that knows its own line and the line of each item."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        """Return the line of item `index`."""
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


class _MarkedLoader(yaml.SafeLoader):
    """A safe loader whose mappings and sequences carry line numbers."""

    first_line: int = 1


def _line(loader: _MarkedLoader, node: yaml.Node) -> int:
    return int(node.start_mark.line) + loader.first_line


def _construct_map(loader: _MarkedLoader, node: yaml.MappingNode) -> Iterator[MarkedDict]:
    data = MarkedDict()
    data.line = _line(loader, node)
    data.key_lines = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError as error:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from error
        if key in data.key_lines:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (a key may appear once)", key_node.start_mark
            )
        data.key_lines[key] = _line(loader, key_node)
        data[key] = loader.construct_object(value_node, deep=True)


def _construct_seq(loader: _MarkedLoader, node: yaml.SequenceNode) -> Iterator[MarkedList]:
    data = MarkedList()
    data.line = _line(loader, node)
    data.item_lines = [_line(loader, item) for item in node.value]
    yield data
    data.extend(loader.construct_object(item, deep=True) for item in node.value)


_MarkedLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_MarkedLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def load_yaml(text: str, *, path: str, log: ProblemLog, first_line: int = 1) -> object:
    """Parse `text` as YAML; on a syntax error record it and return None.

    `first_line` is the file line on which `text` starts, so that marks inside front matter or
    a fenced block point at the right line of the file.
    """
    try:
        loader = _MarkedLoader(text)
    except yaml.reader.ReaderError as error:
        bad_line = text[: error.position].count("\n") + first_line
        code = error.character if isinstance(error.character, int) else 0
        log.add(
            path, bad_line, f"YAML syntax error: the control character U+{code:04X} is not allowed"
        )
        return None
    loader.first_line = first_line
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        stream_end = "end of stream" in str(error.problem).replace("stream end", "end of stream")
        if error.context_mark is not None and stream_end:
            mark = error.context_mark  # an unclosed bracket or quote: point at where it opened
        line = None if mark is None else int(mark.line) + first_line
        what = " ".join(part for part in (error.context, error.problem) if part)
        log.add(path, line, f"YAML syntax error: {what or 'cannot parse'}")
    except yaml.YAMLError as error:
        log.add(path, first_line, f"YAML syntax error: {error}")
    finally:
        loader.dispose()
    return None


def plain(value: object) -> object:
    """Return `value` with marked containers turned into plain dicts and lists."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value
