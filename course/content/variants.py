"""Variant questions: a template over a simulator scenario whose numbers the engine computes.

A `kind: variant` question (docs/authoring.md, "Variant questions") names parameters (whole-number
ranges or lists of choices), a scenario with `{name}` placeholders, the metric it asks for, and
named misconceptions: each one a change to the scenario (or another metric) that a learner with
that misconception would in effect be running. Asking the question draws the parameters, runs the
engine on the scenario and on every misconception's version of it, and offers the right number
beside the misconceptions' numbers, distinct from it and from each other (near misses fill the
choices when misconceptions run short).

Plain Python: this module imports the engine and the lab's knob code, never Django. The content
pipeline calls `parse_variant` (validation, with the engine run at both ends of every range); the
quiz app calls `realise` with a seeded `random.Random` and stores what it returns in the attempt,
so a review never changes even when the template or the engine does.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from random import Random
from typing import Any
from urllib.parse import urlencode

from course.lab.core.knobs import REGISTRY, KnobError, apply_values, knobs_for
from course.sandbox import Metrics, Result, Scenario, ScenarioError, simulate
from course.sandbox.trace import Kind

from .fields import FileFields, did_you_mean, known_list
from .markdown_render import render_fragment
from .yaml_loader import MarkedDict, MarkedList, plain

SPEC_VERSION = 1
KIND = "variant"
# A variant runs the engine once per misconception on every draw: keep each run small.
MAX_EVENTS = 20_000
DEFAULT_CHOICES = 4
MIN_CHOICES, MAX_CHOICES = 3, 6
MAX_DECIMALS = 6

QUESTION_KEYS = (
    "id",
    "kind",
    "lesson",
    "scenario",
    "parameters",
    "run",
    "replay",
    "replay_note",
    "answer",
    "divide_by",
    "unit",
    "decimals",
    "choices",
    "stem",
    "answer_explanation",
    "misconceptions",
    "explanation",
)
MISCONCEPTION_KEYS = ("name", "label", "run", "metric", "explanation")
PLACEHOLDER_RE = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
NAME_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
RESERVED = frozenset({"answer", "value"})
_MAPPED_METRICS = ("dead_lettered", "terminal")
_NUMERIC_METRICS = tuple(
    name
    for name, kind in Metrics.__annotations__.items()
    if kind in ("int", "float") and name not in _MAPPED_METRICS
)


class VariantError(ValueError):
    """A template cannot be run: a bad metric, a scenario the engine refuses, a run too big."""


# --- metrics -----------------------------------------------------------------------------------


def metric_problem(name: str) -> str | None:
    """Return what is wrong with a metric name, or None if `metric_value` can read it."""
    if name in _NUMERIC_METRICS or name == "dead_lettered_total":
        return None
    prefix, _, rest = name.partition(".")
    if prefix in _MAPPED_METRICS and rest:
        return None
    if prefix == "version" and rest:
        return None
    if prefix in ("events", "first", "last") and rest:
        if rest in Kind.__members__:
            return None
        return f"unknown trace event kind `{rest}`; known: {known_list(Kind.__members__)}"
    known = [*_NUMERIC_METRICS, "dead_lettered_total", "dead_lettered.<place>", "events.<KIND>"]
    return (
        f"unknown metric `{name}`{did_you_mean(name, known)}; known: {', '.join(known)}, "
        "terminal.<place>, first.<KIND>, last.<KIND> (ms), version.<n> (invocations)"
    )


def metric_value(result: Result, name: str) -> float:
    """Return one number of a run: a metric, a per-place count, or a count or time of events."""
    metrics = result.metrics
    prefix, _, rest = name.partition(".")
    if name == "dead_lettered_total":
        return float(sum(metrics.dead_lettered.values()))
    if prefix in _MAPPED_METRICS and rest:
        return float(getattr(metrics, prefix).get(rest, 0))
    if prefix == "events":
        return float(sum(1 for event in result.events if event.kind == rest))
    if prefix == "version":
        invokes = (event for event in result.events if event.kind == Kind.INVOKE)
        return float(sum(1 for event in invokes if event.version == rest))
    if prefix in ("first", "last"):
        times = [event.time_ms for event in result.events if event.kind == rest]
        if not times:
            return -1.0
        return float(times[0] if prefix == "first" else times[-1])
    return float(getattr(metrics, name))


# --- parameters and placeholders ---------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """A whole-number range (`from`, `to`, `step`) or a list of `choices`."""

    name: str
    low: int = 0
    high: int = 0
    step: int = 1
    options: tuple[Any, ...] = ()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Parameter:
        if "choices" in data:
            return cls(name=data["name"], options=tuple(data["choices"]))
        return cls(name=data["name"], low=data["from"], high=data["to"], step=data.get("step", 1))

    def as_json(self) -> dict[str, Any]:
        if self.options:
            return {"name": self.name, "choices": list(self.options)}
        return {"name": self.name, "from": self.low, "to": self.high, "step": self.step}

    def draw(self, rng: Random) -> Any:
        if self.options:
            return self.options[rng.randrange(len(self.options))]
        return self.low + self.step * rng.randrange((self.high - self.low) // self.step + 1)

    def ends(self) -> tuple[Any, Any]:
        """Return the first and last value the parameter can take."""
        if self.options:
            return self.options[0], self.options[-1]
        return self.low, self.low + self.step * ((self.high - self.low) // self.step)


def fill(value: Any, params: Mapping[str, Any]) -> Any:
    """Return `value` with placeholders replaced: `"{n}"` alone keeps the parameter's type."""
    if isinstance(value, dict):
        return {key: fill(item, params) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, params) for item in value]
    if isinstance(value, str):
        whole = PLACEHOLDER_RE.fullmatch(value)
        if whole and whole[1] in params:
            return params[whole[1]]
        return fill_text(value, params)
    return value


def fill_text(text: str, values: Mapping[str, Any]) -> str:
    """Replace `{name}` by its value wherever `name` is known; leave other braces alone."""
    return PLACEHOLDER_RE.sub(
        lambda match: _words(values[match[1]]) if match[1] in values else match[0], text
    )


def _words(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,g}"
    return str(value)


def placeholders(value: Any) -> set[str]:
    """Return every placeholder name used anywhere in `value`."""
    if isinstance(value, dict):
        return set().union(*(placeholders(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(placeholders(item) for item in value))
    if isinstance(value, str):
        return set(PLACEHOLDER_RE.findall(value))
    return set()


def merged(base: Mapping[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    """Return `base` with `change` merged in: mappings deeply, `null` removes a key."""
    result = copy.deepcopy(dict(base))
    for key, value in change.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = merged(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


# --- running -----------------------------------------------------------------------------------


def run_scenario(data: Mapping[str, Any]) -> Result:
    """Run one scenario under the variant work cap; raise `VariantError` when it cannot."""
    try:
        scenario = Scenario.from_dict(dict(data))
    except ScenarioError as error:
        raise VariantError(f"invalid scenario: {error}") from error
    result = simulate(scenario, max_events=MAX_EVENTS, max_trace_events=MAX_EVENTS)
    if result.stopped_at_ms is not None:
        raise VariantError(
            f"the run needs more than {MAX_EVENTS:,} simulated events; make it smaller"
        )
    return result


@dataclass(frozen=True)
class Computed:
    """The numbers of one draw: the answer and each misconception's value, by name."""

    params: dict[str, Any]
    run: dict[str, Any]
    answer: float
    values: dict[str, float]


def compute(spec: Mapping[str, Any], params: Mapping[str, Any]) -> Computed:
    """Run the scenario and each misconception's version of it for these parameter values."""
    run = fill(spec["run"], params)
    result = run_scenario(run)
    divisor = float(spec.get("divide_by") or 1)
    answer = metric_value(result, spec["answer"]) / divisor
    values: dict[str, float] = {}
    for item in spec["misconceptions"]:
        metric = item.get("metric") or spec["answer"]
        other = result
        if item.get("run"):
            other = run_scenario(merged(run, fill(item["run"], params)))
        values[item["name"]] = metric_value(other, metric) / divisor
    return Computed(params=dict(params), run=run, answer=answer, values=values)


def draw_params(spec: Mapping[str, Any], rng: Random) -> dict[str, Any]:
    return {p["name"]: Parameter.from_json(p).draw(rng) for p in spec["parameters"]}


# --- choices -----------------------------------------------------------------------------------


def format_value(value: float, *, decimals: int, unit: str) -> str:
    """Return a number as a choice shows it: grouped digits, fixed decimals, then the unit."""
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]
    return f"{text} {unit}".strip() if unit else text


def _shown(spec: Mapping[str, Any], value: float) -> str:
    return format_value(value, decimals=int(spec["decimals"]), unit=str(spec["unit"]))


@dataclass(frozen=True)
class Option:
    """One choice of a drawn variant: its number, text and where it came from."""

    value: float
    text: str
    correct: bool
    misconception: str  # the misconception's name; "" for the answer, "near-miss" for fillers


def near_misses(answer: float, decimals: int) -> list[float]:
    """Return numbers close to `answer`, nearest first, for when misconceptions run short."""
    unit = 10.0**-decimals
    delta = max(unit, round(abs(answer) * 0.1, decimals)) if abs(answer) >= 10 else unit
    candidates = [answer + delta, answer - delta, answer + 2 * delta, answer * 2]
    candidates += [answer + k * delta for k in range(3, 12)]
    return [value for value in candidates if value >= 0]


def options(spec: Mapping[str, Any], computed: Computed) -> list[Option]:
    """Return the answer and the distractors, distinct as shown, in ascending order."""
    decimals = int(spec["decimals"])
    count = int(spec["choices"])
    chosen = [Option(computed.answer, _shown(spec, computed.answer), True, "")]
    texts = {chosen[0].text}
    for item in spec["misconceptions"]:
        value = computed.values[item["name"]]
        text = _shown(spec, value)
        if len(chosen) < count and text not in texts and value >= 0:
            chosen.append(Option(value, text, False, item["name"]))
            texts.add(text)
    for value in near_misses(computed.answer, decimals):
        text = _shown(spec, value)
        if len(chosen) < count and text not in texts:
            chosen.append(Option(value, text, False, "near-miss"))
            texts.add(text)
    return sorted(chosen, key=lambda option: option.value)


# --- realising a draw --------------------------------------------------------------------------


@dataclass(frozen=True)
class RealisedChoice:
    key: str
    text_html: str
    correct: bool
    explanation_html: str
    misconception: str
    value: float
    source: str


@dataclass(frozen=True)
class Realised:
    """A drawn variant, ready to ask and to review: text, choices, numbers and the replay."""

    stem_html: str
    explanation_html: str
    choices: tuple[RealisedChoice, ...]
    record: dict[str, Any]


NEAR_MISS_EXPLANATION = (
    "No common misconception gives {value}: it is a near miss. The run gives {answer}."
)


def realise(spec: Mapping[str, Any], rng: Random) -> Realised:
    """Draw parameters, run the engine, and build the question as asked."""
    computed = compute(spec, draw_params(spec, rng))
    picked = options(spec, computed)
    keys = [chr(ord("a") + index) for index in range(len(picked))]
    rng.shuffle(keys)  # the key of the right answer must not give it away
    answer_text = _shown(spec, computed.answer)
    labels = {item["name"]: item for item in spec["misconceptions"]}
    choices = []
    for key, option in zip(keys, picked, strict=True):
        words = {**computed.params, "answer": answer_text, "value": option.text}
        if option.correct:
            explanation = spec["answer_explanation"]
            label = ""
        elif option.misconception == "near-miss":
            explanation, label = NEAR_MISS_EXPLANATION, ""
        else:
            explanation = labels[option.misconception]["explanation"]
            label = labels[option.misconception]["label"]
        choices.append(
            RealisedChoice(
                key=key,
                text_html=render_fragment(option.text, inline=True),
                correct=option.correct,
                explanation_html=render_fragment(fill_text(explanation, words)),
                misconception=label,
                value=option.value,
                source=option.misconception or "answer",
            )
        )
    words = {**computed.params, "answer": answer_text}
    replay = replay_for(spec, computed)
    record = {
        "version": SPEC_VERSION,
        "params": computed.params,
        "answer": computed.answer,
        "values": computed.values,
        "run": computed.run,
        "replay": replay,
    }
    return Realised(
        stem_html=render_fragment(fill_text(spec["stem"], computed.params)),
        explanation_html=render_fragment(fill_text(spec.get("explanation", ""), words)),
        choices=tuple(choices),
        record=record,
    )


def replay_for(spec: Mapping[str, Any], computed: Computed) -> dict[str, Any]:
    """Return the replay of a draw: the lab query that reruns it exactly, or a description.

    The query is exact only when the preset's scenario with these knob values *is* the run
    (checked here, through the engine's own parsing); otherwise the page links to the preset
    (the nearest one) and describes the run in words.
    """
    params = computed.params
    note = spec.get("replay_note") or "The run: " + ", ".join(
        f"{name} = {_words(value)}" for name, value in params.items()
    )
    result: dict[str, Any] = {
        "query": "",
        "exact": False,
        "note_html": render_fragment(fill_text(note, params)),
    }
    preset = spec.get("preset")
    wanted = fill(spec.get("replay") or {}, params)
    if not preset or not wanted:
        return result
    try:
        knobs = knobs_for(list(preset["knobs"]))
        if not set(wanted) <= {knob.key for knob in knobs}:
            return result
        values = {knob.key: wanted.get(knob.key, knob.read(preset["scenario"])) for knob in knobs}
        replayed = apply_values(preset["scenario"], knobs, values)
        exact = Scenario.from_dict(replayed) == Scenario.from_dict(dict(computed.run))
    except (KnobError, ScenarioError, TypeError, ValueError):
        return result
    if not exact:
        return result
    query: list[tuple[str, str]] = []
    for knob in knobs:
        value = values[knob.key]
        if knob.kind == "bool":
            if value:
                query.append((knob.key, "on"))
        else:
            query.append((knob.key, "" if value is None else str(value)))
    query.append(("run", "1"))
    return result | {"query": urlencode(query), "exact": True}


# --- parsing -----------------------------------------------------------------------------------


def parse_variant(fields: FileFields) -> dict[str, Any] | None:
    """Return a template as JSON-ready data, or None after recording its problems in the log.

    Checks the parameters, the placeholders of every text, the metrics, the misconceptions and
    the replay knobs, then runs the engine at the low and the high end of every range (and on
    each misconception's version of those runs): a few corners, not every combination.
    """
    before = len(fields.log)
    data = fields.data
    parameters = _parameters(fields)
    names = {p.name for p in parameters or ()}
    run = fields.mapping("run")
    if "run" not in data:
        fields.problem("id", f"{fields.what} is a variant: it needs `run` (a scenario)")
    answer = fields.text("answer")
    if answer is not None and (problem := metric_problem(answer)):
        fields.problem("answer", problem)
    unit = fields.text("unit", default="") or ""
    decimals = fields.integer("decimals", minimum=0, maximum=MAX_DECIMALS, default=0)
    divide_by = fields.integer("divide_by", minimum=1, default=1)
    count = fields.integer("choices", minimum=MIN_CHOICES, maximum=MAX_CHOICES, default=4)
    stem = fields.text("stem")
    answer_explanation = fields.text("answer_explanation")
    if "answer_explanation" not in data:
        fields.problem("id", f"{fields.what} needs `answer_explanation` (why the answer is right)")
    explanation = fields.text("explanation", default="") or ""
    replay_note = fields.text("replay_note", default="") or ""
    replay = _replay(fields)
    misconceptions = _misconceptions(fields, names)
    texts = {
        "stem": (stem or "", names),
        "answer_explanation": (answer_explanation or "", names | {"answer"}),
        "explanation": (explanation, names | {"answer"}),
        "replay_note": (replay_note, names),
        "run": (run, names),
        "replay": (replay, names),
    }
    for key, (value, allowed) in texts.items():
        unknown = placeholders(plain(value)) - allowed
        if unknown:
            fields.problem(key, _unknown_placeholders(unknown, allowed))
    if len(fields.log) > before or None in (parameters, run, answer, decimals, count, stem):
        return None
    assert parameters is not None
    assert run is not None
    spec: dict[str, Any] = {
        "version": SPEC_VERSION,
        "parameters": [p.as_json() for p in parameters],
        "run": plain(run),
        "replay": plain(replay) if replay else None,
        "replay_note": replay_note,
        "answer": answer,
        "divide_by": divide_by,
        "unit": unit,
        "decimals": decimals,
        "choices": count,
        "stem": stem,
        "answer_explanation": answer_explanation,
        "explanation": explanation,
        "misconceptions": misconceptions,
    }
    _check_corners(fields, spec, parameters)
    if len(fields.log) > before:
        return None
    return spec


def _unknown_placeholders(unknown: set[str], allowed: set[str]) -> str:
    shown = ", ".join(f"`{{{name}}}`" for name in sorted(unknown))
    return f"unknown placeholder {shown}; this text may use: {known_list(allowed)}"


def _parameters(fields: FileFields) -> list[Parameter] | None:
    items = fields.mapping("parameters")
    if items is None:
        if "parameters" not in fields.data:
            fields.problem("id", f"{fields.what} is a variant: it needs `parameters`")
        return None
    result: list[Parameter] = []
    ok = True
    for name, value in items.items():
        line = items.line_of(name)
        if not isinstance(name, str) or not NAME_RE.match(name) or name in RESERVED:
            fields.log.add(
                fields.path,
                line,
                f"parameter `{name}` must be a lowercase name (letters, digits, `_`), not "
                "`answer` or `value`",
            )
            ok = False
            continue
        if not isinstance(value, MarkedDict):
            fields.log.add(
                fields.path,
                line,
                f"parameter `{name}` must be `{{from: 1, to: 5}}` or `{{choices: [..]}}`",
            )
            ok = False
            continue
        sub = FileFields(value, fields.path, fields.log, f"parameter `{name}`")
        before = len(fields.log)
        if "choices" in value:
            sub.check_keys(required=["choices"])
            options = value["choices"]
            if not isinstance(options, MarkedList) or not options:
                sub.problem("choices", f"`choices` of parameter `{name}` must be a non-empty list")
            elif any(isinstance(item, dict | list) or item is None for item in options):
                sub.problem("choices", f"`choices` of parameter `{name}` must be plain values")
            if len(fields.log) == before:
                result.append(Parameter(name=name, options=tuple(plain(options))))  # type: ignore[arg-type]
            else:
                ok = False
            continue
        sub.check_keys(required=["from", "to"], optional=["step"])
        low, high = sub.integer("from"), sub.integer("to")
        step = sub.integer("step", minimum=1, default=1)
        if low is not None and high is not None and low > high:
            sub.problem("to", f"parameter `{name}`: `to` ({high}) is below `from` ({low})")
        if len(fields.log) > before or low is None or high is None or step is None:
            ok = False
            continue
        result.append(Parameter(name=name, low=low, high=high, step=step))
    if not result and ok:
        fields.problem("parameters", "`parameters` must name at least one parameter")
        return None
    return result if ok else None


def _replay(fields: FileFields) -> MarkedDict | None:
    replay = fields.mapping("replay")
    if replay is None:
        return None
    for key in replay:
        if key not in REGISTRY:
            fields.log.add(
                fields.path,
                replay.line_of(key),
                f"unknown sandbox knob `{key}` in `replay`{did_you_mean(str(key), REGISTRY)}; "
                f"knobs: {known_list(REGISTRY, limit=50)}",
            )
    if "scenario" not in fields.data:
        fields.problem("replay", "`replay` sets the knobs of a preset: name it in `scenario`")
    return replay


def _misconceptions(fields: FileFields, names: set[str]) -> list[dict[str, Any]]:
    items = fields.data.get("misconceptions")
    if not isinstance(items, MarkedList) or len(items) < 2:
        fields.problem(
            "misconceptions" if "misconceptions" in fields.data else "id",
            f"{fields.what} needs `misconceptions`: a list of at least two, each with `name`, "
            "`label`, `explanation` and a `run` change or a `metric`",
        )
        return []
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        if not isinstance(item, MarkedDict):
            fields.log.add(
                fields.path, items.line_of(index), f"misconception {index + 1} must be a mapping"
            )
            continue
        sub = FileFields(item, fields.path, fields.log, f"misconception {index + 1}")
        sub.check_keys(required=["name", "label", "explanation"], optional=MISCONCEPTION_KEYS)
        name = sub.slug("name")
        label = sub.text("label")
        explanation = sub.text("explanation")
        metric = sub.text("metric")
        change = sub.mapping("run")
        if metric is not None and (problem := metric_problem(metric)):
            sub.problem("metric", problem)
        if "run" not in item and "metric" not in item:
            sub.problem(
                "name",
                f"misconception `{name}` changes nothing: give it a `run` change or a `metric`",
            )
        if name is not None and name in seen:
            sub.problem("name", f"{fields.what} has two misconceptions named `{name}`")
        for key, value, allowed in (
            ("explanation", explanation, names | RESERVED),
            ("run", change, names),
        ):
            unknown = placeholders(plain(value)) - allowed
            if unknown:
                sub.problem(key, _unknown_placeholders(unknown, allowed))
        if name is None or label is None or explanation is None:
            continue
        seen.add(name)
        result.append(
            {
                "name": name,
                "label": label,
                "explanation": explanation,
                "metric": metric,
                "run": plain(change) if change is not None else None,
                "line": item.line,
            }
        )
    return result


def _check_corners(
    fields: FileFields, spec: dict[str, Any], parameters: Sequence[Parameter]
) -> None:
    """Run the template at both ends of its ranges; record the first problem of each kind."""
    corners = [
        {p.name: p.ends()[0] for p in parameters},
        {p.name: p.ends()[1] for p in parameters},
    ]
    for corner in corners:
        where = ", ".join(f"{name} = {_words(value)}" for name, value in corner.items())
        run = fill(spec["run"], corner)
        try:
            result = run_scenario(run)
            metric_value(result, spec["answer"])
        except VariantError as error:
            fields.problem("run", f"with {where}: {error}")
            return
        except Exception as error:  # an engine bug must not hide the other problems
            fields.problem("run", f"with {where}: the sandbox engine failed ({error!r})")
            return
        for item in spec["misconceptions"]:
            if not item["run"]:
                continue
            try:
                run_scenario(merged(run, fill(item["run"], corner)))
            except VariantError as error:
                fields.log.add(
                    fields.path,
                    item["line"],
                    f"misconception `{item['name']}` with {where}: {error}",
                )
                return
    for item in spec["misconceptions"]:
        item.pop("line", None)


def with_preset(spec: Mapping[str, Any], preset: Any) -> dict[str, Any]:
    """Return the spec with what it needs of its preset to build exact replays."""
    if preset is None:
        return dict(spec)
    return {
        **spec,
        "preset": {
            "slug": preset.slug,
            "title": preset.title,
            "scenario": preset.scenario,
            "knobs": list(preset.knobs),
        },
    }
