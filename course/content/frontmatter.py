"""Split a Markdown file into its YAML front matter and its body."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ProblemLog
from .yaml_loader import MarkedDict, load_yaml


@dataclass(frozen=True)
class Document:
    """A Markdown file's front matter (None if unreadable) and body with its first line."""

    meta: MarkedDict | None
    body: str
    body_first_line: int


def read_document(text: str, *, path: str, log: ProblemLog) -> Document:
    """Parse `---` front matter at the top of `text`; record problems instead of raising."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    # Split on \n only: str.splitlines also breaks at \x1c-\x1e and \u2028, which editors don't.
    lines = text.split("\n")
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    if not lines or lines[0].strip() != "---":
        log.add(path, 1, "missing front matter: the file must start with a line `---`")
        return Document(None, text, 1)
    for index in range(1, len(lines)):
        if lines[index].strip() in {"---", "..."}:
            end = index
            break
    else:
        log.add(path, 1, "front matter opened here is never closed with a line `---`")
        return Document(None, "", len(lines) + 1)
    yaml_text = "".join(lines[1:end])
    body = "".join(lines[end + 1 :])
    body_first_line = end + 2
    problems_before = len(log)
    meta = load_yaml(yaml_text, path=path, log=log, first_line=2)
    if len(log) > problems_before:
        return Document(None, body, body_first_line)
    if not isinstance(meta, MarkedDict):
        log.add(path, 2, "front matter must be a mapping of keys to values (like `title: ...`)")
        return Document(None, body, body_first_line)
    return Document(meta, body, body_first_line)
