"""The studio's sandbox presets: one preset's YAML checked by the loader's own checks, run as
the lab runs it for the preview, then stored on its `ScenarioPreset` row.

`check_preset` parses the text exactly as `loadcourse` parses `scenarios/<slug>.yaml`
(`course.content.presets`: the schema, the engine's validation, the knobs, the challenge and its
solution), so a problem has the line it has in the text. When the text is valid it also runs the
preset as a learner's first visit to the lab runs it (`course.lab.forms.ScenarioForm`, then
`course.lab.core.runs.run_lab` within the lab's work caps), and the challenge's `solution` as a
learner who sets those knobs would; both runs are cached under the lab's own run keys, so the
lab's first visit after a save is already simulated.

`save_preset` writes the checked preset and its text: the row is marked as edited in the
browser (so `loadcourse` refuses to overwrite it without `--force`, see
`course.studio.loading`) and the content version is bumped, which retires every cached lab
page. The lab's run cache needs no flush: a run's key is its scenario and challenge, so an
edited preset has new keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from course.caching import bump_content_version
from course.content import Problem
from course.content.errors import ProblemLog
from course.content.presets import build_preset, engine_scenario_check, read_preset_header
from course.content.sources import PresetSource
from course.lab.core.knobs import Knob
from course.lab.core.runs import LabRun, run_key, run_lab
from course.lab.forms import ScenarioForm
from course.lab.models import ScenarioPreset
from course.models import Module

from ..export import preset_text
from .files import read_source

PREVIEW_CACHE_SECONDS = 3600  # an edited run is asked again while the author types; then gone


def preset_yaml(preset: ScenarioPreset) -> str:
    """Return the preset's YAML: as saved in the studio, else its file, else from its row."""
    return preset.source_yaml or read_source(preset.source_path) or preset_text(preset)


def new_preset_text(module: Module) -> str:
    """Return the starting text of a new preset: a small valid scenario for the first lesson."""
    lesson = module.lessons.filter(is_active=True).order_by("order").first()
    return (
        "title: New preset\n"
        "goal: Say what the learner should try, and what they will see.\n"
        f"lesson: {lesson.slug if lesson else 'a-lesson-slug'}\n"
        "knobs: [init_ms, duration_ms]\n"
        "metrics: [cold_starts, {metric: latency_p50_ms, good: lower}]\n"
        "scenario:\n"
        "  seed: 1\n"
        "  Function:\n"
        "    MemorySize: 128\n"
        "    Timeout: 3\n"
        "  Code:\n"
        "    InitDurationMs: 400\n"
        "    DurationMs: 100\n"
        "  Source: {Type: sync}\n"
        "  Traffic:\n"
        "    Events:\n"
        "      - {AtMs: 0, Id: first}\n"
        "      - {AtMs: 1000, Id: second}\n"
    )


@dataclass
class PresetCheck:
    """A preset's text checked, and when valid, its preview: the lab's run and the solution's.

    `preset` is an unsaved row with the checked fields (the lab's templates read it); `run` is
    the run of the preset as authored, `solution` the run with the challenge's solution set
    (its `challenge` says whether the goal is met); a `*_problem` says why one could not run.
    """

    source: PresetSource | None = None
    problems: list[Problem] = field(default_factory=list)
    preset: ScenarioPreset | None = None
    knobs: list[tuple[str, str]] = field(default_factory=list)  # (label, the value it starts at)
    run: LabRun | None = None
    run_problem: str = ""
    solution: LabRun | None = None
    solution_problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and self.source is not None


def preset_path(module: Module, slug: str, editing: ScenarioPreset | None) -> str:
    """Return the file the text is checked as (and `exportcourse` writes)."""
    if editing is not None and editing.source_path:
        return editing.source_path
    return f"{module.source_path or module.slug}/scenarios/{slug}.yaml"


def check_preset(
    module: Module, text: str, *, slug: str, editing: ScenarioPreset | None
) -> PresetCheck:
    """Parse and validate a preset's text as `loadcourse` would in its module; preview it."""
    text = text.replace("\r\n", "\n")
    path = preset_path(module, slug, editing)
    log = ProblemLog()
    if editing is None and slug and taken(module, slug):
        log.add(path, None, f"the module already has a preset named `{slug}`")
    fields = read_preset_header(text, slug=slug, path=path, log=log)
    source = None
    if fields is not None:
        lessons = dict(module.lessons.filter(is_active=True).values_list("slug", "title"))
        source = build_preset(
            fields, slug=slug, lessons=lessons, check_scenario=engine_scenario_check()
        )
    check = PresetCheck(source, log.problems)
    if check.ok:
        _preview(module, check)
    return check


def taken(module: Module, slug: str) -> bool:
    return ScenarioPreset.objects.filter(module=module, slug=slug, is_active=True).exists()


def _unsaved(module: Module, source: PresetSource) -> ScenarioPreset:
    return ScenarioPreset(
        module=module,
        slug=source.slug,
        title=source.title,
        goal=source.goal,
        summary=source.summary,
        knobs=list(source.knobs),
        challenge=source.challenge or {},
        metrics=[dict(spec) for spec in source.metrics],
        answers=list(source.answers),
        scenario=source.scenario,
        source_path=source.source_path,
    )


def _preview(module: Module, check: PresetCheck) -> None:
    """Run the preset as the lab's first visit does, and its challenge's solution."""
    assert check.source is not None
    preset = check.preset = _unsaved(module, check.source)
    form = ScenarioForm({}, preset=preset)
    check.knobs = [(knob.label, _shown(knob, form.data.get(knob.key))) for knob in form.knobs]
    check.run, check.run_problem = _run(form)
    solution = preset.challenge.get("solution")
    if isinstance(solution, Mapping):
        check.solution, check.solution_problem = _run(ScenarioForm(_query(solution), preset=preset))


def _shown(knob: Knob, value: object) -> str:
    """Return a knob's starting value as the form shows it, with its unit."""
    if knob.kind == "bool":
        return "on" if value else "off"
    text = "not set" if value in (None, "") else str(value)
    return f"{text} {knob.unit}".strip() if value not in (None, "") else text


def _query(values: Mapping[str, Any]) -> dict[str, str]:
    """Return knob values as the lab's query string gives them (a checkbox: "on" or "")."""
    return {
        str(key): ("on" if value else "") if isinstance(value, bool) else str(value)
        for key, value in values.items()
    }


def _run(form: ScenarioForm) -> tuple[LabRun | None, str]:
    """Return the lab's run of a form (cached under the lab's key), or why it cannot run."""
    if not form.is_valid() or form.base is None:
        errors = [str(error) for errors in form.errors.values() for error in errors]
        return None, " ".join(errors) or "the settings are invalid"
    base, challenge = form.base, form.preset.challenge
    run: LabRun | None = cache.get_or_set(
        run_key(base, [], challenge=challenge),
        lambda: run_lab(base, challenge=challenge),
        timeout=PREVIEW_CACHE_SECONDS,
    )
    if run is None:
        return None, "the run could not be made"
    return (None, run.problem) if run.problem else (run, "")


@transaction.atomic
def save_preset(
    module: Module, text: str, check: PresetCheck, *, editing: ScenarioPreset | None
) -> ScenarioPreset:
    """Store a checked preset and its text, marked as edited in the browser; return it."""
    assert check.ok
    assert check.source is not None
    source = check.source
    row = editing or ScenarioPreset.objects.filter(module=module, slug=source.slug).first()
    if row is None:
        row = ScenarioPreset(module=module, slug=source.slug)
    elif row.title != source.title:
        _retitle_embeds(module, source.slug, row.title, source.title)
    row.lesson = module.lessons.filter(is_active=True, slug=source.lesson).first()
    row.title = source.title
    row.goal = source.goal
    row.summary = source.summary
    row.knobs = list(source.knobs)
    row.challenge = source.challenge or {}
    row.metrics = [dict(spec) for spec in source.metrics]
    row.answers = list(source.answers)
    row.scenario = source.scenario
    row.source_path = source.source_path
    row.source_yaml = text.replace("\r\n", "\n")
    row.edited_at = timezone.now()
    row.is_active = True
    row.save()
    bump_content_version()  # every cached lab page showed the old preset
    return row


def _embed_title(module: Module, slug: str, title: str) -> str:
    """Return the start of a lesson's embed of the preset, as `chrome.sandbox_embed` draws it."""
    return (
        f'<div class="sandbox-embed" data-module="{escape(module.slug)}" '
        f'data-scenario="{escape(slug)}">\n'
        f'<p class="sandbox-embed__title">Sandbox: {escape(title)}</p>'
    )


def _retitle_embeds(module: Module, slug: str, old: str, new: str) -> None:
    """Give the preset's embeds in the module's lessons and introduction its new title.

    The load renders a preset's title into every lesson that embeds it; changing only those
    lines keeps the pages as a load of the exported files would draw them.
    """
    before, after = _embed_title(module, slug, old), _embed_title(module, slug, new)
    for lesson in module.lessons.filter(html__contains=before):
        count = lesson.html.count(before)
        lesson.html = lesson.html.replace(before, after)
        lesson.plain_text = lesson.plain_text.replace(f"Sandbox: {old}", f"Sandbox: {new}", count)
        lesson.save(update_fields=["html", "plain_text"])
    if before in module.intro_html:
        module.intro_html = module.intro_html.replace(before, after)
        module.save(update_fields=["intro_html"])
