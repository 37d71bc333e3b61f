"""Where a module's files are: drawings, analogies and a record's own text are read from
there, not from the database."""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings

from course.content.analogies import Analogy, read_analogies
from course.content.errors import ProblemLog
from course.content.figures import Drawing, read_figures
from course.models import Module


def module_folder(module: Module) -> Path:
    return Path(settings.COURSE_CONTENT_DIR) / module.source_path


def read_source(path: str) -> str:
    file = Path(settings.COURSE_CONTENT_DIR) / path
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


@functools.lru_cache(maxsize=8)
def _assets(folder: str, stamp: float) -> tuple[dict[str, Drawing], dict[str, Analogy]]:
    path = Path(folder)
    log = ProblemLog()  # the load reported these files' problems already
    figures = read_figures(path / "figures", rel=f"{path.name}/figures", log=log)
    return figures, read_analogies(path, rel=path.name, log=log)


def module_assets_from_files(module: Module) -> tuple[dict[str, Drawing], dict[str, Analogy]]:
    """Return the drawings and analogies of the module's folder (cached until a file changes)."""
    folder = module_folder(module)
    stamps = [p.stat().st_mtime for p in (folder, folder / "figures") if p.exists()]
    if (folder / "analogies.yaml").exists():
        stamps.append((folder / "analogies.yaml").stat().st_mtime)
    return _assets(str(folder), max(stamps, default=0.0))
