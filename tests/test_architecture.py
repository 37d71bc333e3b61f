"""The import rules of docs/architecture.md, checked on the code as it is.

Each rule reads every module's imports from its source (no import needed), so a new module or
a new import that breaks the layering fails here with the file and the offending import.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("course", "quizzes")
ARCHITECTURE = ROOT / "docs" / "architecture.md"

# The packages that import no Django, from the bottom layer up, and what each may import
# from the project besides itself.
PLAIN = {
    "course.sandbox": (),
    "course.lab.core": ("course.sandbox",),
    "course.content": ("course.sandbox", "course.lab.core"),
    "quizzes.snapshot": (),
    "quizzes.grading": ("quizzes.snapshot",),
    "quizzes.receipt": ("quizzes.snapshot",),
    "quizzes.timing": (),
    "quizzes.variants": ("quizzes.snapshot", "course.content"),
    "quizzes.item_analysis": ("quizzes.snapshot", "quizzes.grading"),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> Iterator[tuple[str, Path]]:
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield module_name(path), path


def imports_of(name: str, path: Path) -> set[str]:
    """Return every module `path` imports, relative imports resolved against `name`."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                prefix = ".".join([*base, node.module] if node.module else base)
            else:
                prefix = node.module or ""
            found.add(prefix)
            found.update(f"{prefix}.{alias.name}" for alias in node.names)
    return found


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


MODULES = dict(project_modules())
IMPORTS = {name: imports_of(name, path) for name, path in MODULES.items()}


def offenders(modules: list[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{MODULES[name].relative_to(ROOT)} imports {target}"
        for name in modules
        for target in IMPORTS[name]
        if any(within(target, bad) for bad in forbidden)
    )


def test_the_scanner_sees_the_layers_it_checks():
    assert {"course.sandbox", "course.lab.core", "course.content", "course.lab.views"} <= set(
        MODULES
    )
    assert "course.sandbox" in IMPORTS["course.lab.core.runs"]


@pytest.mark.parametrize("package", PLAIN)
def test_plain_packages_import_no_django_and_only_lower_layers(package):
    allowed = (package, *PLAIN[package])
    members = [name for name in MODULES if within(name, package)]
    problems = [
        f"{MODULES[name].relative_to(ROOT)} imports {target}"
        for name in members
        for target in IMPORTS[name]
        if within(target, "django")
        or (target.split(".")[0] in APPS and not any(within(target, ok) for ok in allowed))
    ]
    assert problems == []


@pytest.mark.parametrize("package", PLAIN)
def test_plain_packages_load_without_django_in_a_fresh_interpreter(package):
    code = f"import sys, {package}; print(sorted(m for m in sys.modules if m.startswith('django')))"
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert run.stdout.strip() == "[]"


def test_the_course_app_imports_neither_the_lab_app_nor_quizzes():
    course_app = [
        name
        for name in MODULES
        if within(name, "course") and not any(within(name, p) for p in PLAIN)
        if not within(name, "course.lab") and not within(name, "course.studio")
    ]
    lab_app = tuple(
        name
        for name in MODULES
        if within(name, "course.lab")
        and not within(name, "course.lab.core")
        and name != "course.lab"
    )
    assert "course.lab.models" in lab_app
    assert offenders(course_app, ("quizzes", *lab_app)) == []


def test_nothing_imports_the_studio():
    """The studio (course/studio/) sits on top: it uses course, the lab and quizzes."""
    assert "course.studio.views" in MODULES
    others = [name for name in MODULES if not within(name, "course.studio")]
    assert offenders(others, ("course.studio",)) == []


def test_the_lab_and_quizzes_apps_do_not_import_each_other():
    lab = [name for name in MODULES if within(name, "course.lab")]
    quizzes = [name for name in MODULES if within(name, "quizzes")]
    assert offenders(lab, ("quizzes",)) == []
    assert offenders(quizzes, ("course.lab",)) == []


def is_view_module(name: str) -> bool:
    last = name.split(".")
    return last[-1] == "views" or (len(last) > 1 and last[-2] == "views")


def test_view_modules_import_no_other_view_module():
    views = [name for name in MODULES if is_view_module(name)]
    assert len(views) >= 4
    problems = sorted(
        f"{MODULES[name].relative_to(ROOT)} imports {target}"
        for name in views
        for target in IMPORTS[name]
        if target in MODULES and is_view_module(target) and target != name
        if not (MODULES[target].name == "__init__.py" and within(name, target))
    )
    assert problems == []


def test_every_module_the_architecture_map_names_exists():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:course|quizzes|config|bench|tests)/[\w/.-]+)`", text))
    assert len(named) >= 20
    missing = sorted(path for path in named if not (ROOT / path.rstrip("/")).exists())
    assert missing == []
