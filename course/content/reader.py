"""Parse and validate a content folder: every module, lesson, question, quiz and preset."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .analogies import read_analogies
from .blocks import UrlBuilder, default_practice_url, default_sandbox_url
from .errors import ContentError, Problem, ProblemLog
from .fields import FileFields
from .figures import read_figures
from .lessons import LessonDraft, decode, finish_lesson, read_lesson, read_module_file
from .links import Link, ModuleTargets, anchors_in, check_links, lesson_url
from .markdown_render import render_markdown
from .presets import ScenarioCheck, build_preset, engine_scenario_check, read_preset_header
from .questions import parse_question_file
from .quizzes import parse_quizzes
from .sources import Course, LessonSource, ModuleSource, PresetSource, QuestionSource

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class _Options:
    root: Path
    sandbox_url: UrlBuilder
    practice_url: UrlBuilder
    check_scenario: ScenarioCheck | None

    def rel(self, path: Path) -> str:
        """Return `path` relative to the root, with forward slashes."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


def parse_course(
    root: Path,
    *,
    sandbox_url: UrlBuilder = default_sandbox_url,
    practice_url: UrlBuilder = default_practice_url,
    check_scenarios: bool = True,
) -> Course:
    """Parse every module folder under `root`; raise `ContentError` listing all problems.

    Folders whose names start with `.` or `_` are skipped. Problem paths are relative to `root`.
    """
    options = _options(root, sandbox_url, practice_url, check_scenarios)
    log = ProblemLog()
    if not root.is_dir():
        raise ContentError([Problem(root.as_posix(), None, "no such content folder")])
    if (root / "module.md").is_file() or (root / "lessons").is_dir():
        shown = root.parent.as_posix() if root.name else ".."
        raise ContentError(
            [
                Problem(
                    root.as_posix(),
                    None,
                    "this is a module folder (it has module.md or lessons/), but the content "
                    "folder is the one that holds module folders: expected "
                    f"`{shown}/` (the parent of `{root.resolve().name}`)",
                )
            ]
        )
    modules: list[ModuleSource] = []
    targets: list[ModuleTargets] = []
    for folder in sorted(root.iterdir()):
        if folder.is_dir() and not folder.name.startswith((".", "_")):
            module = _parse_module(folder, options, log, targets)
            if module is not None:
                modules.append(module)
    check_links(targets, log, complete=True)
    _check_unique_modules(modules, log)
    log.raise_if_any()
    return Course(tuple(sorted(modules, key=lambda module: module.order)))


def parse_module(
    folder: Path,
    *,
    root: Path | None = None,
    sandbox_url: UrlBuilder = default_sandbox_url,
    practice_url: UrlBuilder = default_practice_url,
    check_scenarios: bool = True,
) -> ModuleSource:
    """Parse one module folder; raise `ContentError` listing all problems.

    Problem paths are relative to `root`, which defaults to the folder's parent, so they start
    with the module's folder name.
    """
    options = _options(root or folder.parent, sandbox_url, practice_url, check_scenarios)
    log = ProblemLog()
    if not folder.is_dir():
        raise ContentError([Problem(options.rel(folder), None, "no such module folder")])
    targets: list[ModuleTargets] = []
    module = _parse_module(folder, options, log, targets)
    check_links(targets, log, complete=False)
    log.raise_if_any()
    assert module is not None
    return module


def _options(
    root: Path, sandbox_url: UrlBuilder, practice_url: UrlBuilder, check_scenarios: bool
) -> _Options:
    check = engine_scenario_check() if check_scenarios else None
    return _Options(root, sandbox_url, practice_url, check)


def _files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file() and path.suffix in suffixes and not path.name.startswith(".")
    )


def _parse_module(
    folder: Path, options: _Options, log: ProblemLog, targets: list[ModuleTargets]
) -> ModuleSource | None:
    """Parse one module, adding its problems to `log`; return None if it had any.

    What its pages' links may point at, and the links themselves, go to `targets`: they are
    checked once every module is read.
    """
    before = len(log)
    rel = options.rel
    module_file = folder / "module.md"
    if not module_file.is_file():
        log.add(
            rel(module_file), None, "missing module.md (title, summary and order of the module)"
        )
        module_slug = folder.name
        module = None
    else:
        module = read_module_file(
            module_file.read_bytes(), folder_name=folder.name, path=rel(module_file), log=log
        )
        module_slug = module.slug or folder.name

    drafts = _read_lessons(folder / "lessons", options, log)
    lesson_titles = {d.slug: d.title or d.slug for d in drafts if d.slug}

    preset_fields: dict[str, FileFields] = {}
    for path in _files(folder / "scenarios", YAML_SUFFIXES):
        text = decode(path.read_bytes(), path=rel(path), log=log)
        if text is None:
            continue
        if path.stem in preset_fields:
            log.add(rel(path), None, f"a preset named `{path.stem}` already exists")
            continue
        fields = read_preset_header(text, slug=path.stem, path=rel(path), log=log)
        if fields is not None:
            preset_fields[path.stem] = fields
    presets: list[PresetSource] = []
    for slug, fields in preset_fields.items():
        preset = build_preset(
            fields, slug=slug, lessons=lesson_titles, check_scenario=options.check_scenario
        )
        if preset is not None:
            presets.append(preset)
    preset_titles = {
        slug: str(fields.data.get("title") or slug) for slug, fields in preset_fields.items()
    }

    figures = read_figures(folder / "figures", rel=rel(folder / "figures"), log=log)
    analogies = read_analogies(folder, rel=rel(folder), log=log)

    intro_html = ""
    links = ModuleTargets(module_slug, presets=frozenset(preset_fields))
    targets.append(links)
    if module is not None:
        intro = render_markdown(
            module.body,
            module=module_slug,
            lessons=lesson_titles,
            presets=preset_titles,
            path=module.source_path,
            first_line=module.body_first_line,
            log=log,
            sandbox_url=options.sandbox_url,
            practice_url=options.practice_url,
            figures=figures,
            analogies=analogies,
        )
        intro_html = intro.html
        links.intro_anchors = anchors_in(intro.html)
        base = lesson_url(module_slug, None)
        links.links += [Link(url, module.source_path, line, base) for url, line in intro.links]
    lessons: list[LessonSource] = []
    for draft in drafts:
        rendered = render_markdown(
            draft.body,
            module=module_slug,
            lesson=draft.slug,
            lessons=lesson_titles,
            presets=preset_titles,
            path=draft.source_path,
            first_line=draft.body_first_line,
            log=log,
            sandbox_url=options.sandbox_url,
            practice_url=options.practice_url,
            figures=figures,
            analogies=analogies,
        )
        if draft.valid:
            lessons.append(finish_lesson(draft, rendered))
        if draft.slug:
            links.lessons[draft.slug] = anchors_in(rendered.html)
            base = lesson_url(module_slug, draft.slug)
            links.links += [
                Link(url, draft.source_path, line, base) for url, line in rendered.links
            ]

    questions = _read_questions(folder / "questions", options, log, lesson_titles, preset_titles)
    quizzes = []
    quizzes_file = folder / "quizzes.yaml"
    if quizzes_file.is_file():
        text = decode(quizzes_file.read_bytes(), path=rel(quizzes_file), log=log)
        if text is not None:
            quizzes = parse_quizzes(
                text,
                path=rel(quizzes_file),
                log=log,
                lessons=lesson_titles,
                questions=questions,
            )

    links.quizzes = frozenset(quiz.slug for quiz in quizzes)
    if len(log) > before or module is None:
        return None
    assert module.slug
    assert module.title
    assert module.summary
    assert module.order is not None
    return ModuleSource(
        slug=module.slug,
        title=module.title,
        summary=module.summary,
        order=module.order,
        intro_html=intro_html,
        lessons=tuple(sorted(lessons, key=lambda lesson: lesson.order)),
        questions=tuple(questions),
        quizzes=tuple(quizzes),
        presets=tuple(sorted(presets, key=lambda preset: preset.slug)),
        source_path=rel(folder),
        state=module.state,
    )


def _read_lessons(folder: Path, options: _Options, log: ProblemLog) -> list[LessonDraft]:
    """Read every lesson's front matter and check slugs and orders are unique."""
    drafts: list[LessonDraft] = []
    slugs: dict[str, str] = {}
    orders: dict[int, str] = {}
    for path in _files(folder, (".md",)):
        draft = read_lesson(path.read_bytes(), path=options.rel(path), log=log)
        if draft is None:
            continue
        duplicate = False
        if draft.slug is not None:
            if draft.slug in slugs:
                log.add(
                    draft.source_path,
                    draft.slug_line,
                    f"duplicate lesson slug `{draft.slug}` (also used by {slugs[draft.slug]})",
                )
                duplicate = True
            else:
                slugs[draft.slug] = draft.source_path
        if draft.order is not None:
            if draft.order in orders:
                log.add(
                    draft.source_path,
                    draft.order_line,
                    f"duplicate lesson order {draft.order} (also used by {orders[draft.order]})",
                )
                duplicate = True
            else:
                orders[draft.order] = draft.source_path
        if duplicate:
            draft = replace(draft, valid=False)
        drafts.append(draft)
    return drafts


def _read_questions(
    folder: Path,
    options: _Options,
    log: ProblemLog,
    lessons: dict[str, str],
    presets: dict[str, str],
) -> list[QuestionSource]:
    """Read every question bank and check question ids are unique across the module."""
    questions: list[QuestionSource] = []
    first: dict[str, QuestionSource] = {}
    for path in _files(folder, YAML_SUFFIXES):
        text = decode(path.read_bytes(), path=options.rel(path), log=log)
        if text is None:
            continue
        for question in parse_question_file(
            text, path=options.rel(path), log=log, lessons=lessons, presets=presets
        ):
            if question.id in first:
                earlier = first[question.id]
                log.add(
                    question.source_path,
                    question.line,
                    f"duplicate question id `{question.id}` "
                    f"(first used at {earlier.source_path}:{earlier.line})",
                )
                continue
            first[question.id] = question
            questions.append(question)
    return questions


def _check_unique_modules(modules: list[ModuleSource], log: ProblemLog) -> None:
    slugs: dict[str, str] = {}
    orders: dict[int, str] = {}
    for module in modules:
        path = f"{module.source_path}/module.md"
        if module.slug in slugs:
            log.add(
                path, None, f"duplicate module slug `{module.slug}` (also {slugs[module.slug]})"
            )
        slugs.setdefault(module.slug, path)
        if module.order in orders:
            log.add(
                path, None, f"duplicate module order {module.order} (also {orders[module.order]})"
            )
        orders.setdefault(module.order, path)
