"""Write course content back to the file format `reader.py` reads (no Django).

Each function takes plain data (what the database holds, as dicts and strings) and returns a
file's text; `write_module` lays a module's files out in its folder. `loadcourse` of what these
write reproduces the same records (tests/web/studio/test_export.py checks the round trip).
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    """Block style, keys in the author's order, long texts as `|` blocks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    """Return `data` as block YAML, keys in their given order."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=96,
        default_flow_style=False,
    )


def markdown_file(front: Mapping[str, Any], body: str) -> str:
    """Return a Markdown file: `---` front matter, then the body."""
    return f"---\n{dump_yaml(dict(front))}---\n\n{body.lstrip(chr(10))}"


def question_bank(questions: Sequence[Mapping[str, Any]]) -> str:
    """Return a question bank file; each question carries its own `lesson`."""
    return dump_yaml({"questions": [dict(question) for question in questions]})


def quizzes_file(quizzes: Sequence[Mapping[str, Any]]) -> str:
    """Return quizzes.yaml; keys whose value is None are left out (the defaults)."""
    items = [{k: v for k, v in quiz.items() if v is not None} for quiz in quizzes]
    return dump_yaml({"quizzes": items})


def preset_file(preset: Mapping[str, Any]) -> str:
    """Return a sandbox preset file; empty optional keys are left out."""
    return dump_yaml({k: v for k, v in preset.items() if v not in (None, "", [], {})})


@dataclass
class ModuleFiles:
    """Everything one module folder holds, as texts by relative path, plus folders to copy."""

    folder: str
    texts: dict[str, str] = field(default_factory=dict)
    copies: list[Path] = field(default_factory=list)  # drawings: files or folders, copied as is


def write_module(files: ModuleFiles, root: Path) -> list[Path]:
    """Write a module's folder under `root` (replacing it); return the files written."""
    folder = root / files.folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    written = []
    for relative, text in sorted(files.texts.items()):
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    for source in files.copies:
        target = folder / source.name
        if source.is_dir():
            shutil.copytree(source, target)
        elif source.is_file():
            shutil.copy2(source, target)
        written.append(target)
    return written
