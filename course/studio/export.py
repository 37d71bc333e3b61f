"""Write the course in the database back to the file format (`manage.py exportcourse DIR`).

Lessons, questions, quizzes and presets come from the database (a lesson, question or preset
edited in the studio from its stored text, the others from the text they were loaded from); module
introductions and drawings (`figures/`, `analogies/`, `analogies.yaml`), which the database
keeps only rendered, come from the module's folder under `COURSE_CONTENT_DIR`; analogies
declared in the studio are added to `analogies.yaml`, their drawings written to `analogies/`.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from course.content.analogies import ANALOGIES_FILE, ANALOGIES_FOLDER, drawing_path
from course.content.errors import ProblemLog
from course.content.frontmatter import read_document
from course.content.writer import (
    ModuleFiles,
    dump_yaml,
    markdown_file,
    preset_file,
    question_bank,
    quizzes_file,
    write_module,
)
from course.lab.models import ScenarioPreset
from course.models import ContentState, Module
from quizzes.models import Question, Quiz

from .models import StudioAnalogy
from .services.files import module_folder, read_source
from .services.lessons import lesson_markdown
from .services.questions import question_yaml

COPIED = ("figures", "analogies", "analogies.yaml")


def export_course(root: Path) -> list[Path]:
    """Write every module still in the files (draft or published) under `root`."""
    root.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for module in Module.objects.filter(is_published=True).order_by("order"):
        written += write_module(module_files(module), root)
    return written


def module_files(module: Module) -> ModuleFiles:
    folder = module.source_path or module.slug
    files = ModuleFiles(folder=Path(folder).name)
    files.texts["module.md"] = _module_md(module)
    for lesson in module.lessons.filter(is_active=True).order_by("order"):
        name = Path(lesson.source_path).name or f"{lesson.order:02d}-{lesson.slug}.md"
        files.texts[f"lessons/{name}"] = lesson_markdown(lesson)
    banks: dict[str, list[dict[str, Any]]] = defaultdict(list)
    # The published version of each question: drafts (and questions never published) stay out.
    questions = Question.objects.filter(module=module, is_active=True, version__gt=0)
    questions = questions.select_related("lesson")
    for question in questions.order_by("order"):
        bank = Path(question.source_path.rpartition(":")[0]).name or "studio.yaml"
        banks[bank].append(yaml.safe_load(question_yaml(question)))
    for bank, items in banks.items():
        files.texts[f"questions/{bank}"] = question_bank(items)
    quizzes = sorted(_quiz(quiz) for quiz in Quiz.objects.filter(module=module, is_active=True))
    if quizzes:
        files.texts["quizzes.yaml"] = quizzes_file([data for _, _, data in quizzes])
    presets = ScenarioPreset.objects.filter(module=module, is_active=True).select_related("lesson")
    for preset in presets:
        files.texts[f"scenarios/{preset.slug}.yaml"] = preset_text(preset)
    source = module_folder(module)
    declared = list(StudioAnalogy.objects.filter(module=module).order_by("key"))
    if declared:
        files.texts.update(_analogy_files(source, declared))
    copied = COPIED if not declared else ("figures",)
    files.copies = [source / name for name in copied if (source / name).exists()]
    return files


def _analogy_files(source: Path, declared: list[StudioAnalogy]) -> dict[str, str]:
    """Return `analogies.yaml` with the analogies declared in the studio after the file's own,
    and every drawing of `analogies/` (the folder's files, then the studio's)."""
    texts: dict[str, str] = {}
    folder = source / ANALOGIES_FOLDER
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                relative = path.relative_to(source).as_posix()
                texts[relative] = path.read_bytes().decode("utf-8", errors="replace")
    data = yaml.safe_load(_read_source_file(source / ANALOGIES_FILE)) or {}
    items = list(data.get("analogies") or []) if isinstance(data, dict) else []
    for row in declared:
        icon, scene = drawing_path("icon", row.key), drawing_path("scene", row.key)
        items.append(
            {
                "id": row.key,
                "name": row.name,
                "colour": row.colour,
                "icon": icon,
                "scene": scene,
                "alt": row.alt,
            }
        )
        texts[f"{ANALOGIES_FOLDER}/{icon}"] = _svg_text(row.icon_svg)
        texts[f"{ANALOGIES_FOLDER}/{scene}"] = _svg_text(row.scene_svg)
    texts[ANALOGIES_FILE] = dump_yaml({"analogies": items})
    return texts


def _read_source_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _svg_text(text: str) -> str:
    text = text.replace("\r\n", "\n")
    return text if text.endswith("\n") else text + "\n"


def _module_md(module: Module) -> str:
    front: dict[str, Any] = {
        "title": module.title,
        "summary": module.summary,
        "order": module.order,
        "slug": module.slug,
    }
    if module.state == ContentState.DRAFT:
        front["state"] = ContentState.DRAFT.value
    text = read_source(f"{module.source_path}/module.md")
    body = read_document(text, path="module.md", log=ProblemLog()).body if text else ""
    return markdown_file(front, body)


def _quiz(quiz: Quiz) -> tuple[int, str, dict[str, Any]]:
    """Return the quiz's line in its file (to keep the author's order), slug and fields."""
    line = quiz.source_path.rpartition(":")[2]
    return (
        int(line) if line.isdigit() else 0,
        quiz.slug,
        {
            "slug": quiz.slug,
            "title": quiz.title,
            "kind": quiz.kind,
            "lessons": [{"lesson": t["lesson"], "weight": t["weight"]} for t in quiz.topics],
            "question_count": quiz.question_count,
            "pass_mark": quiz.pass_mark,
            "partial_credit": quiz.partial_credit or None,
            "time_limit_minutes": quiz.time_limit_minutes,
            "attempts_allowed": quiz.attempts_allowed,
            "retake_delay_minutes": quiz.retake_delay_minutes or None,
            "review": quiz.review,
            "opens_at": quiz.opens_at,
            "closes_at": quiz.closes_at,
        },
    )


def preset_text(preset: ScenarioPreset) -> str:
    """Return a preset's file: its text as saved in the studio, else written from its row."""
    return preset.source_yaml or preset_file(_preset(preset))


def _preset(preset: ScenarioPreset) -> dict[str, Any]:
    metrics = [
        {"metric": item["metric"], "good": item["good"]} if item.get("good") else item["metric"]
        for item in preset.metrics
    ]
    return {
        "title": preset.title,
        "goal": preset.goal,
        "lesson": preset.lesson.slug if preset.lesson else None,
        "summary": preset.summary,
        "knobs": preset.knobs,
        "metrics": metrics,
        "answers": preset.answers,
        "challenge": preset.challenge,
        "scenario": preset.scenario,
    }
