"""Read sandbox presets (`scenarios/<slug>.yaml`); check them with the engine and the knobs."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from typing import Any

from course.lab.core.challenges import LABELS, ChallengeResult, check_problems, evaluate
from course.lab.core.knobs import (
    REGISTRY,
    Knob,
    KnobError,
    apply_values,
    knobs_for,
    normalise_field,
)
from course.lab.core.runs import RUN_MAX_EVENTS, RUN_MAX_TRACE_EVENTS, budget_problem
from course.sandbox import Metrics, Scenario, ScenarioError, simulate

# One preset schema with the simulator's command line (re-exported for the tests and the lab).
from course.sandbox.files import PRESET_KEYS as PRESET_KEYS
from course.sandbox.files import REQUIRED_PRESET_KEYS

from .errors import ProblemLog
from .fields import FileFields, did_you_mean, is_slug, known_list, type_name
from .sources import PresetSource
from .yaml_loader import MarkedDict, MarkedList, load_yaml, plain

# The metrics the lab has a card for (`templates/lab/_metrics.html`): each a field of the engine's
# `Metrics` or a derived value of `course.lab.core.challenges.metric_values`.
CARD_METRICS = (
    "cold_start_ratio",
    "cold_starts",
    "warm_starts",
    "invocations",
    "invocations_by_version",
    "environments_created",
    "throttles",
    "retries",
    "function_errors",
    "timeouts",
    "succeeded",
    "dead_lettered_total",
    "discarded",
    "duplicate_side_effects",
    "peak_concurrency",
    "provisioned_spillover_invocations",
    "db_errors",
    "avg_busy_environments",
    "latency_p50_ms",
    "mean_invocation_ms",
    "iterator_age_max_ms",
    "billed_gb_seconds",
    "cost_usd",
)
METRIC_KEYS = ("metric", "good")
DIRECTIONS = ("higher", "lower")
MAX_HEADLINE_METRICS = 4
MAX_ANSWER_LENGTH = 200

ScenarioCheck = Callable[[dict[str, Any]], object]
"""Validate a scenario mapping (raising the engine's error); return the parsed scenario."""

KNOB_KEYS = ("knob", "path", "label", "hint")
# What a challenge check may name: a field of the engine's metrics or a derived value.
CHALLENGE_METRICS = tuple(sorted(set(LABELS) | set(Metrics.__dataclass_fields__)))
CHALLENGE_KEYS = ("checks", "solution")
CHECK_KEYS = ("metric", "equals", "min", "max", "label", "hint")
LIST_FIELDS = frozenset({"Events", "Rates", "Bursts", "Faults"})
NAMED_FIELDS = {"Aliases": "alias", "Versions": "version"}


def read_preset_header(text: str, *, slug: str, path: str, log: ProblemLog) -> FileFields | None:
    """Parse a preset file and check its keys; return its fields, or None if unreadable."""
    if not is_slug(slug):
        log.add(
            path, None, f"the file name `{slug}` must be a lowercase slug, like `cold-then-warm`"
        )
    before = len(log)
    data = load_yaml(text, path=path, log=log)
    if len(log) > before:
        return None
    if not isinstance(data, MarkedDict):
        log.add(
            path, 1, "a preset file must be a mapping with `title`, `goal`, `lesson`, `scenario`"
        )
        return None
    fields = FileFields(data, path, log, "the preset")
    fields.check_keys(required=REQUIRED_PRESET_KEYS, optional=PRESET_KEYS)
    return fields


def build_preset(
    fields: FileFields,
    *,
    slug: str,
    lessons: Mapping[str, str],
    check_scenario: ScenarioCheck | None,
) -> PresetSource | None:
    """Return the preset from its checked fields, recording problems in the fields' log."""
    before = len(fields.log)
    title = fields.text("title")
    goal = fields.text("goal")
    lesson = fields.slug("lesson")
    if lesson is not None and lesson not in lessons:
        fields.problem(
            "lesson",
            f"unknown lesson `{lesson}`{did_you_mean(lesson, lessons)}; "
            f"lessons in this module: {known_list(lessons)}",
        )
    summary = fields.text("summary", default="")
    challenge = fields.mapping("challenge")
    knobs = fields.data.get("knobs") or []
    if not isinstance(knobs, list):
        fields.problem("knobs", "`knobs` must be a list")
        knobs = []
    metrics = _read_metrics(fields)
    answers = _read_answers(fields)
    scenario = fields.mapping("scenario")
    scenario_ok = False
    if scenario is not None and check_scenario is not None:
        scenario_ok = _check(scenario, fields, check_scenario)
    if check_scenario is not None:
        # Knobs and challenges belong to the engine: check them only when it is there to ask.
        usable = _plain_mapping(scenario) if scenario is not None and scenario_ok else None
        knob_map = _check_knobs(fields, usable, check_scenario)
        if challenge is not None:
            _check_challenge(fields, challenge, knob_map, usable, check_scenario)
    if len(fields.log) > before or None in (title, goal, lesson, scenario):
        return None
    assert title
    assert goal
    assert lesson
    assert scenario is not None
    return PresetSource(
        slug=slug,
        title=title,
        goal=goal,
        lesson=lesson,
        summary=summary or "",
        knobs=tuple(plain(knob) for knob in knobs),
        challenge=dict(plain(challenge or {})),  # type: ignore[call-overload]
        scenario=dict(plain(scenario)),  # type: ignore[call-overload]
        source_path=fields.path,
        metrics=metrics,
        answers=answers,
    )


def _read_metrics(fields: FileFields) -> tuple[dict[str, str], ...]:
    """Return the preset's `metrics`: each a card name, or `{metric: name, good: higher|lower}`.

    `good` says which way is better for this preset's lesson; without it a comparison with the
    previous run only says what changed.
    """
    specs = fields.data.get("metrics")
    if specs is None:
        return ()
    if not isinstance(specs, list) or not specs:
        fields.problem(
            "metrics",
            "`metrics` must be a list of the metrics this preset teaches, like "
            "`[cold_starts, {metric: retries, good: higher}]`",
        )
        return ()
    if len(specs) > MAX_HEADLINE_METRICS:
        fields.problem(
            "metrics",
            f"`metrics` names {len(specs)} metrics; name the {MAX_HEADLINE_METRICS} or fewer "
            "this preset teaches (the others are under All metrics)",
        )
    result: list[dict[str, str]] = []
    for index, item in enumerate(specs):
        line = specs.line_of(index) if isinstance(specs, MarkedList) else fields.line("metrics")
        spec = _read_metric(item, index, fields, line)
        if spec is None:
            continue
        if any(spec["metric"] == seen["metric"] for seen in result):
            fields.log.add(fields.path, line, f"metric `{spec['metric']}` is listed twice")
            continue
        result.append(spec)
    return tuple(result)


def _read_metric(item: object, index: int, fields: FileFields, line: int) -> dict[str, str] | None:
    """Return one `metrics` item as {"metric", "good"}, or None after recording why not."""
    good: object = ""
    if isinstance(item, Mapping):
        for key in item:
            if key not in METRIC_KEYS:
                fields.log.add(
                    fields.path,
                    line,
                    f"unknown key `{key}` in metrics[{index}]"
                    f"{did_you_mean(str(key), METRIC_KEYS)}; allowed keys: "
                    f"{known_list(METRIC_KEYS)}",
                )
                return None
        name, good = item.get("metric"), item.get("good", "")
        if good not in ("", *DIRECTIONS):
            fields.log.add(
                fields.path,
                line,
                f"`good` of metrics[{index}] must be `higher` or `lower` (which way is better "
                f"in this preset), got {good!r}",
            )
            return None
    else:
        name = item
    if not isinstance(name, str) or name not in CARD_METRICS:
        fields.log.add(
            fields.path,
            line,
            f"unknown metric `{name}` in metrics[{index}]{did_you_mean(str(name), CARD_METRICS)}"
            f"; metrics with a card: {known_list(CARD_METRICS, limit=len(CARD_METRICS))}",
        )
        return None
    return {"metric": name, "good": str(good)}


def _read_answers(fields: FileFields) -> tuple[str, ...]:
    """Return the preset's `answers`: texts the lab page shows that answer the lesson caption."""
    if "answers" not in fields.data:
        return ()
    answers = fields.text_list("answers")
    if answers is None:
        return ()
    for answer in answers:
        if len(answer) > MAX_ANSWER_LENGTH:
            fields.problem(
                "answers",
                f"answer {answer[:40]!r}… is {len(answer)} characters; an answer is a short "
                f"text the page shows (at most {MAX_ANSWER_LENGTH})",
            )
    return answers


def _plain_mapping(data: MarkedDict) -> dict[str, Any]:
    """Return a marked mapping as plain dicts and lists."""
    result: dict[str, Any] = dict(plain(data))  # type: ignore[call-overload]
    return result


def _check(scenario: MarkedDict, fields: FileFields, check_scenario: ScenarioCheck) -> bool:
    """Run the engine's own validation and turn its error into a problem at the right line."""
    try:
        check_scenario(dict(plain(scenario)))  # type: ignore[call-overload]
    except Exception as error:  # an engine bug must not hide other problems
        field = error.field if isinstance(error, ScenarioError) else ""
        prefix = "invalid scenario: " if isinstance(error, ScenarioError) else ""
        line = _line_of_field(scenario, field) if field else None
        fields.log.add(
            fields.path, line or fields.line("scenario"), prefix + _engine_message(error)
        )
        return False
    return True


def _line_of_field(scenario: MarkedDict, field: str) -> int | None:
    """Return the line of a dotted field path such as `function.memory_mb` or `events[2].id`."""
    node: object = scenario
    line: int | None = None
    for part in re.findall(r"[^.\[\]]+", field):
        if isinstance(node, MarkedDict) and part in node:
            line = node.line_of(part)
            node = node[part]
        elif isinstance(node, MarkedList) and part.isdigit() and int(part) < len(node):
            line = node.line_of(int(part))
            node = node[int(part)]
        else:
            break
    return line


def _engine_message(error: Exception) -> str:
    """Return an engine error as text: a ScenarioError already names its field."""
    if isinstance(error, ScenarioError):
        return str(error)
    return f"the sandbox engine failed on this scenario ({type(error).__name__}: {error})"


def _check_knobs(
    fields: FileFields, scenario: dict[str, Any] | None, check_scenario: ScenarioCheck
) -> dict[str, Knob]:
    """Record problems with the preset's `knobs`; return the usable knobs by key.

    With a valid `scenario`, each knob must point at a place that exists (list items, aliases,
    versions) and writing the value it reads must leave the scenario as authored: the lab's
    first run writes every knob's value, so a registry default that differs from the engine's
    would silently change the preset.
    """
    specs = fields.data.get("knobs")
    if not isinstance(specs, list) or not specs:
        return {}
    parsed = check_scenario(scenario) if scenario is not None else None
    knobs: dict[str, Knob] = {}
    for index, item in enumerate(specs):
        line = specs.line_of(index) if isinstance(specs, MarkedList) else fields.line("knobs")
        knob = _read_knob(item, fields, line)
        if knob is None:
            continue
        if knob.key in knobs:
            fields.log.add(
                fields.path,
                line,
                f"knob `{knob.key}` is listed twice; each knob is one field of the form",
            )
            continue
        knobs[knob.key] = knob
        if scenario is not None:
            problem = _knob_path_problem(knob, scenario) or _knob_write_problem(
                knob, scenario, parsed, check_scenario
            )
            if problem:
                fields.log.add(fields.path, line, problem)
    return knobs


def _read_knob(item: object, fields: FileFields, line: int) -> Knob | None:
    """Return the knob a `knobs` item names, or None after recording why it cannot."""
    if isinstance(item, Mapping):
        for key in item:
            if key not in KNOB_KEYS:
                fields.log.add(
                    fields.path,
                    line,
                    f"unknown key `{key}` in a knob{did_you_mean(str(key), KNOB_KEYS)}; "
                    f"allowed keys: {known_list(KNOB_KEYS)}",
                )
        if "knob" not in item:
            fields.log.add(
                fields.path,
                line,
                "a knob mapping needs `knob`, the registry key it adapts (like `{knob: "
                "provisioned, path: Function.Versions.1.ProvisionedConcurrentExecutions}`)",
            )
            return None
        for key in ("path", "label", "hint"):
            if key in item and not (isinstance(item[key], str) and item[key].strip()):
                fields.log.add(
                    fields.path, line, f"`{key}` of knob `{item['knob']}` must be non-empty text"
                )
                return None
        key = item["knob"]
    elif isinstance(item, str):
        key = item
    else:
        fields.log.add(
            fields.path,
            line,
            "a knob must be a knob key (like `memory`) or a mapping "
            f"(like `{{knob: memory, path: ...}}`), got {type_name(item)}",
        )
        return None
    try:
        if not isinstance(key, str):
            raise KnobError(key)
        (knob,) = knobs_for([plain(item)])
    except KnobError:
        fields.log.add(
            fields.path,
            line,
            f"unknown knob `{key}`{did_you_mean(str(key), REGISTRY)}; "
            f"known knobs: {known_list(REGISTRY, limit=len(REGISTRY))}",
        )
        return None
    return knob


def _knob_path_problem(knob: Knob, scenario: Mapping[str, Any]) -> str | None:
    """Return why a knob's path cannot be written in this scenario, or None.

    A missing mapping is fine (writing creates it and the engine applies its defaults), but a
    list item, an alias or a version must already exist.
    """
    parts = normalise_field(knob.path).split(".")
    if not all(parts):
        return f"knob `{knob.key}`: `{knob.path}` is not a dotted path like `Function.MemorySize`"
    node: Any = scenario
    for depth, part in enumerate(parts[:-1]):
        where = ".".join(parts[:depth]) or "the scenario"
        if isinstance(node, list):
            if not (part.isdigit() and int(part) < len(node)):
                return (
                    f"knob `{knob.key}` sets `{knob.path}`, but `{where}` has {len(node)} "
                    f"item{'s' if len(node) != 1 else ''}, so there is no item {part} "
                    "(items count from 0)"
                )
            node = node[int(part)]
        elif isinstance(node, Mapping):
            if part not in node:
                return _missing_problem(knob, parts, depth)
            node = node[part]
        else:
            return f"knob `{knob.key}` sets `{knob.path}`, but `{where}` is not a mapping or list"
    return None


def _missing_problem(knob: Knob, parts: list[str], depth: int) -> str | None:
    """Return a problem when the missing part of a knob's path cannot be created by writing."""
    for index in range(depth, len(parts) - 1):
        where = ".".join(parts[: index + 1])
        parent = parts[index - 1] if index > 0 else ""
        if parent in NAMED_FIELDS:
            return (
                f"knob `{knob.key}` sets `{knob.path}`, but the scenario defines no "
                f"{NAMED_FIELDS[parent]} `{parts[index]}`; give the knob a `path` that exists"
            )
        if parts[index] in LIST_FIELDS:
            return (
                f"knob `{knob.key}` sets `{knob.path}`, but the scenario has no `{where}` "
                f"list, so there is no item {parts[index + 1]}"
            )
    return None


def _knob_write_problem(
    knob: Knob, scenario: dict[str, Any], parsed: object, check_scenario: ScenarioCheck
) -> str | None:
    """Return a problem when writing the knob's own value changes or breaks the scenario."""
    value = knob.read(scenario)
    try:
        written = check_scenario(apply_values(scenario, [knob], {knob.key: value}))
    except Exception as error:  # the engine's message says what is wrong
        return (
            f"knob `{knob.key}` reads {value!r} from `{knob.path}`, but writing that back makes "
            f"the scenario invalid: {_engine_message(error)}"
        )
    if dataclasses.is_dataclass(parsed) and written != parsed:
        return (
            f"knob `{knob.key}` reads {value!r} from `{knob.path}` (the scenario does not set "
            "it), and writing that back changes this preset: set the value in the scenario"
        )
    return None


def _check_challenge(
    fields: FileFields,
    challenge: MarkedDict,
    knobs: Mapping[str, Knob],
    scenario: dict[str, Any] | None,
    check_scenario: ScenarioCheck,
) -> None:
    """Record problems with the preset's `challenge`: its checks and its solution."""
    path, log = fields.path, fields.log
    before = len(log)
    FileFields(challenge, path, log, "the challenge").check_keys(
        required=["checks"], optional=CHALLENGE_KEYS
    )
    checks = challenge.get("checks")
    if "checks" in challenge and (not isinstance(checks, list) or not checks):
        log.add(path, challenge.line_of("checks"), "`checks` must be a list of at least one check")
    elif isinstance(checks, MarkedList):
        _check_checks(fields, checks)
        for problem in check_problems(_plain_mapping(challenge)):
            field, _, message = problem.partition(": ")
            if message.startswith("unknown metric"):
                continue  # _check_checks says it, with the nearest name
            line = _line_of_field(challenge, field) or challenge.line_of("checks")
            log.add(path, line, f"challenge {field}: {message}")
    if "solution" in challenge:
        solved = _check_solution(fields, challenge, knobs, scenario, check_scenario)
        if solved is not None and scenario is not None and len(log) == before:
            _run_challenge(fields, challenge, scenario, solved)


def _check_checks(fields: FileFields, checks: MarkedList) -> None:
    """Record unknown keys and non-numeric bounds in the challenge's checks."""
    for index, check in enumerate(checks):
        if not isinstance(check, Mapping):
            continue  # check_problems reports it
        line = checks.line_of(index)
        metric = check.get("metric")
        if metric not in CHALLENGE_METRICS:
            fields.log.add(
                fields.path,
                line,
                f"unknown metric `{metric}` in challenge checks[{index}]"
                f"{did_you_mean(str(metric), CHALLENGE_METRICS)}; metrics a check may use: "
                f"{known_list(CHALLENGE_METRICS, limit=len(CHALLENGE_METRICS))}",
            )
        for key, value in check.items():
            if key not in CHECK_KEYS:
                fields.log.add(
                    fields.path,
                    line,
                    f"unknown key `{key}` in challenge checks[{index}]"
                    f"{did_you_mean(str(key), CHECK_KEYS)}; allowed keys: {known_list(CHECK_KEYS)}",
                )
            elif key in ("equals", "min", "max") and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                fields.log.add(
                    fields.path,
                    line,
                    f"`{key}` in challenge checks[{index}] must be a number, got {value!r}",
                )
            elif key in ("label", "hint") and not (isinstance(value, str) and value.strip()):
                fields.log.add(
                    fields.path,
                    line,
                    f"`{key}` in challenge checks[{index}] must be non-empty text",
                )


def _check_solution(
    fields: FileFields,
    challenge: MarkedDict,
    knobs: Mapping[str, Knob],
    scenario: dict[str, Any] | None,
    check_scenario: ScenarioCheck,
) -> dict[str, Any] | None:
    """Record a solution that names unknown or unlisted knobs, or that the engine refuses.

    Return the scenario with the solution's knob values, when it is valid.
    """
    solution = challenge["solution"]
    if not isinstance(solution, MarkedDict) or not solution:
        fields.log.add(
            fields.path,
            challenge.line_of("solution"),
            "`solution` must map knob keys to the values that meet the challenge, "
            "like `{provisioned: 15}`",
        )
        return None
    usable = True
    for key in solution:
        line = solution.line_of(key)
        if key not in REGISTRY:
            fields.log.add(
                fields.path,
                line,
                f"the solution sets unknown knob `{key}`{did_you_mean(str(key), REGISTRY)}; "
                f"this preset's knobs: {known_list(knobs) if knobs else 'none'}",
            )
            usable = False
        elif key not in knobs:
            fields.log.add(
                fields.path,
                line,
                f"the solution sets knob `{key}`, which the preset does not list in `knobs`, "
                f"so a learner cannot change it; this preset's knobs: "
                f"{known_list(knobs) if knobs else 'none'}",
            )
            usable = False
    if not usable or scenario is None:
        return None
    solved = apply_values(scenario, list(knobs.values()), _plain_mapping(solution))
    try:
        check_scenario(solved)
    except Exception as error:
        fields.log.add(
            fields.path,
            challenge.line_of("solution"),
            f"the solution makes the scenario invalid: {_engine_message(error)}",
        )
        return None
    return solved


def _run_challenge(
    fields: FileFields,
    challenge: MarkedDict,
    scenario: dict[str, Any],
    solved: dict[str, Any],
) -> None:
    """Run the preset and its solution as the lab would: only the solution may meet the goal."""
    plain_challenge = _plain_mapping(challenge)
    line = challenge.line_of("solution")
    as_written = _lab_verdict(scenario, plain_challenge)
    if isinstance(as_written, ChallengeResult) and as_written.met:
        fields.log.add(
            fields.path,
            challenge.line_of("checks"),
            "the preset as written already meets its challenge, so a learner has nothing to do; "
            "change the scenario or the checks",
        )
    verdict = _lab_verdict(solved, plain_challenge)
    if isinstance(verdict, str):
        fields.log.add(fields.path, line, f"the solution's run cannot be shown: {verdict}")
    elif verdict is not None and not verdict.met:
        failed = "; ".join(
            f"{check.label} was {_number(check.actual)}, wanted {check.wanted}"
            for check in verdict.checks
            if not check.passed
        )
        fields.log.add(fields.path, line, f"the solution does not meet the challenge: {failed}")


def _lab_verdict(
    data: dict[str, Any], challenge: Mapping[str, Any]
) -> ChallengeResult | str | None:
    """Return the challenge's verdict on a run within the lab's caps, or why it cannot run."""
    if problem := budget_problem(data):
        return problem
    result = simulate(
        Scenario.from_dict(data),
        metrics_only=True,
        max_events=RUN_MAX_EVENTS,
        max_trace_events=RUN_MAX_TRACE_EVENTS,
    )
    if result.stopped:
        return result.stopped
    return evaluate(challenge, result.metrics)


def _number(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.3g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def engine_scenario_check() -> ScenarioCheck:
    """Return the engine's own scenario parser, the final word on what a scenario may say."""
    return Scenario.from_dict
