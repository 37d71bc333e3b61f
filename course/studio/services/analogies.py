"""Analogies declared in the studio: checked as `analogies.yaml` and its drawings would be at
load, saved, and deleted while no lesson uses them; a module's drawings and analogies."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.db import transaction

from course.content import Problem, render_markdown
from course.content.analogies import (
    ANALOGIES_FOLDER,
    ANALOGY_COLOURS,
    Analogy,
    clean_drawing,
    drawing_path,
)
from course.content.errors import ProblemLog
from course.content.fields import did_you_mean, is_slug, known_list
from course.content.figures import Drawing
from course.models import Lesson, Module

from ..models import StudioAnalogy
from .files import module_assets_from_files


def module_assets(module: Module) -> tuple[dict[str, Drawing], dict[str, Analogy]]:
    """Return the module's drawings and declared analogies: its files' (cached until a file
    changes), then those declared in the studio (one query)."""
    figures, declared = module_assets_from_files(module)
    studio = studio_analogies(module)
    return figures, {**declared, **studio} if studio else declared


def file_analogies(module: Module) -> dict[str, Analogy]:
    """Return the analogies the module's `analogies.yaml` declares."""
    return module_assets_from_files(module)[1]


def studio_analogies(module: Module) -> dict[str, Analogy]:
    """Return the analogies declared in the studio for the module, cleaned as at load."""
    found = {}
    for row in StudioAnalogy.objects.filter(module=module).order_by("key"):
        analogy = _studio_analogy(
            module.source_path or module.slug,
            row.key,
            row.name,
            row.colour,
            row.icon_svg,
            row.scene_svg,
            row.alt,
        )
        if analogy is not None:
            found[analogy.id] = analogy
    return found


@functools.lru_cache(maxsize=64)
def _studio_analogy(
    folder: str, key: str, name: str, colour: str, icon: str, scene: str, alt: str
) -> Analogy | None:
    check = _check_drawings(folder, key, icon, scene)
    if check.icon is None or check.scene is None:
        return None
    return Analogy(key, name, colour, check.icon, check.scene, alt, analogies_yaml(folder), 1)


def analogies_yaml(folder: str) -> str:
    return f"{PurePosixPath(folder).name}/analogies.yaml"


@dataclass
class AnalogyCheck:
    """An analogy's fields and drawings checked: `ok` when it may be saved."""

    analogy: Analogy | None = None
    icon: Drawing | None = None
    scene: Drawing | None = None
    problems: list[Problem] = field(default_factory=list)  # the fields'
    icon_problems: list[Problem] = field(default_factory=list)
    scene_problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.analogy is not None

    @property
    def all_problems(self) -> list[Problem]:
        return self.problems + self.icon_problems + self.scene_problems


def _check_drawings(folder: str, key: str, icon: str, scene: str) -> AnalogyCheck:
    """Clean both drawings with the load's cleaner, each under the file name export gives it."""
    check = AnalogyCheck()
    name = PurePosixPath(folder).name
    for which, text in (("icon", icon), ("scene", scene)):
        log = ProblemLog()
        shown = f"{name}/{ANALOGIES_FOLDER}/{drawing_path(which, key)}"
        if not text.strip():
            log.add(shown, None, f"paste the {which}'s SVG (an <svg> element with a viewBox)")
            drawing = None
        else:
            drawing = clean_drawing(text, key=which, analogy_id=key, shown=shown, log=log)
        setattr(check, which, drawing)
        setattr(check, f"{which}_problems", log.problems)
    return check


ANALOGY_FIELDS = ("key", "name", "colour", "alt", "icon_svg", "scene_svg")


def check_analogy(
    module: Module, data: dict[str, str], *, editing: StudioAnalogy | None
) -> AnalogyCheck:
    """Check an analogy declared in the studio as `analogies.yaml` and its drawings would be."""
    folder = module.source_path or module.slug
    shown = analogies_yaml(folder)
    key = (data.get("key", "") or (editing.key if editing else "")).strip()
    renamed = editing is not None and key != editing.key
    name = " ".join(data.get("name", "").split())
    colour = data.get("colour", "").strip()
    alt = " ".join(data.get("alt", "").split())
    problems: list[Problem] = []
    if not is_slug(key):
        problems.append(
            Problem(
                shown,
                None,
                "the id must be a lowercase slug of letters, digits and hyphens "
                f"(like `food-truck`), got {key!r}",
            )
        )
    elif editing is None or renamed:
        taken = set(file_analogies(module)) | set(
            StudioAnalogy.objects.filter(module=module).values_list("key", flat=True)
        )
        if key in taken:
            problems.append(Problem(shown, None, f"the module already declares analogy `{key}`"))
    if editing is not None and renamed and (users := lessons_using(module, editing.key)):
        problems.append(
            Problem(
                shown,
                None,
                f"the id cannot change from `{editing.key}` while {_lesson_list(users)} "
                f"use it (::: analogy {editing.key}): change the name only, or move those "
                "callouts to another analogy first",
            )
        )
    if not name:
        problems.append(Problem(shown, None, "the name is required (the callout's heading)"))
    if colour not in ANALOGY_COLOURS:
        problems.append(
            Problem(
                shown,
                None,
                f"unknown colour `{colour}`{did_you_mean(colour, ANALOGY_COLOURS)}; "
                f"colours: {known_list(ANALOGY_COLOURS)}",
            )
        )
    if not alt:
        problems.append(Problem(shown, None, "the text alternative (alt) is required"))
    check = _check_drawings(
        folder, key or "new", data.get("icon_svg", ""), data.get("scene_svg", "")
    )
    check.problems = problems
    if not problems and check.icon is not None and check.scene is not None:
        check.analogy = Analogy(key, name, colour, check.icon, check.scene, alt, shown, 1)
    return check


SAMPLE_CALLOUT = (
    "::: analogy {key}\nHow a lesson shows this analogy: its icon, name and scene.\n\n"
    "Where it breaks down: every analogy callout ends with where the comparison stops.\n:::\n"
)


def render_analogy_sample(module: Module, check: AnalogyCheck) -> str:
    """Return a sample `::: analogy` callout with the checked analogy, rendered by the pipeline."""
    if check.analogy is None:
        return ""
    analogy = check.analogy
    rendered = render_markdown(
        SAMPLE_CALLOUT.format(key=analogy.id),
        module=module.slug,
        lesson="studio-analogy",
        path=analogy.source_path,
        log=ProblemLog(),
        analogies={analogy.id: analogy},
    )
    return rendered.html


def save_analogy(
    module: Module, data: dict[str, str], check: AnalogyCheck, *, editing: StudioAnalogy | None
) -> StudioAnalogy:
    """Store a checked analogy; the drawings as written (they are cleaned where they are used)."""
    assert check.ok
    assert check.analogy
    row = editing or StudioAnalogy(module=module, key=check.analogy.id)
    row.key = check.analogy.id
    row.name = check.analogy.name
    row.colour = check.analogy.colour
    row.alt = check.analogy.alt
    row.icon_svg = data["icon_svg"]
    row.scene_svg = data["scene_svg"]
    row.save()
    return row


def lessons_using(module: Module, key: str) -> list[Lesson]:
    """Return the module's lessons (draft or published) with a `::: analogy <key>` callout."""
    # The rendered callout names its analogy in a class (course/content/chrome.py).
    marker = f'class="analogy analogy--{key} '
    return list(
        module.lessons.filter(is_active=True, html__contains=marker).order_by("order", "slug")
    )


def _lesson_list(lessons: list[Lesson]) -> str:
    names = ", ".join(f"“{lesson.title}” ({lesson.slug})" for lesson in lessons)
    return f"lesson{'s' if len(lessons) > 1 else ''} {names}"


def delete_refusal(module: Module, row: StudioAnalogy) -> str:
    """Return why the analogy may not be deleted (lessons use it), or "" if it may."""
    users = lessons_using(module, row.key)
    if not users:
        return ""
    return (
        f"Analogy “{row.name}” is used by {_lesson_list(users)}: remove its "
        f"::: analogy {row.key} callouts from them first, then delete it."
    )


@transaction.atomic
def delete_analogy(module: Module, row: StudioAnalogy) -> None:
    """Delete an analogy declared in the studio that no lesson uses."""
    assert not delete_refusal(module, row)
    row.delete()
