"""The sandbox presets' knobs and challenges, and the parser's checks of them.

For every preset of the course: its knobs resolve, read a value of the right kind and write it
back without changing the scenario (the lab's first run writes every knob). For every preset with
a challenge: the preset as authored does not meet it, and its `solution` does.
"""

from __future__ import annotations

import functools
import textwrap
from pathlib import Path
from typing import Any

import pytest

from course.content import ContentError, PresetSource, parse_course
from course.lab.core.challenges import evaluate
from course.lab.core.knobs import Knob, apply_values, knobs_for
from course.sandbox import Scenario, simulate

CONTENT = Path(__file__).resolve().parents[2] / "content"
SCENARIOS = CONTENT / "lambda-best-practices" / "scenarios"
SLUGS = sorted(path.stem for path in SCENARIOS.glob("*.yaml"))


@functools.cache
def presets() -> dict[str, PresetSource]:
    """Return every preset of the course by slug (parsed once, with the engine's checks)."""
    course = parse_course(CONTENT)
    return {preset.slug: preset for module in course.modules for preset in module.presets}


def challenge_slugs() -> list[str]:
    return [slug for slug, preset in presets().items() if preset.challenge]


def met(preset: PresetSource, values: dict[str, Any] | None = None) -> bool:
    """Simulate the preset (with knob values written in) and evaluate its challenge."""
    data = apply_values(preset.scenario, knobs_for(list(preset.knobs)), values or {})
    result = evaluate(
        preset.challenge, simulate(Scenario.from_dict(data), metrics_only=True).metrics
    )
    assert result is not None
    return result.met


def test_every_preset_file_is_parsed():
    assert sorted(presets()) == SLUGS


def value_fits(knob: Knob, value: object) -> bool:
    """Return whether a value read from a scenario suits the knob's form field."""
    if knob.kind == "bool":
        return isinstance(value, bool)
    if knob.kind == "choice":
        return value in {key for key, _ in knob.choices}
    if knob.kind == "optional-int" and value is None:
        return True
    if knob.kind == "float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, int) and not isinstance(value, bool)


@pytest.mark.parametrize("slug", SLUGS)
def test_knobs_resolve_and_read_their_value(slug):
    preset = presets()[slug]
    knobs = knobs_for(list(preset.knobs))
    assert 2 <= len(knobs) <= 6, "list the 2–6 settings that matter for the teaching point"
    assert len({knob.key for knob in knobs}) == len(knobs)
    for knob in knobs:
        value = knob.read(preset.scenario)
        assert value_fits(knob, value), f"{knob.key} reads {value!r}"
        if knob.minimum is not None and value is not None and knob.kind != "choice":
            assert knob.minimum <= value <= (knob.maximum or value), f"{knob.key} = {value}"


@pytest.mark.parametrize("slug", SLUGS)
def test_writing_the_current_values_leaves_the_preset_unchanged(slug):
    preset = presets()[slug]
    knobs = knobs_for(list(preset.knobs))
    values = {knob.key: knob.read(preset.scenario) for knob in knobs}
    written = Scenario.from_dict(apply_values(preset.scenario, knobs, values))
    assert written == Scenario.from_dict(preset.scenario)


@pytest.mark.parametrize("slug", challenge_slugs())
def test_the_preset_misses_its_challenge_and_the_solution_meets_it(slug):
    preset = presets()[slug]
    challenge = preset.challenge
    keys = {knob.key for knob in knobs_for(list(preset.knobs))}
    assert challenge.get("solution"), "a challenge needs a solution"
    assert set(challenge["solution"]) <= keys
    assert all(check.get("hint") for check in challenge["checks"]), "every check needs a hint"
    assert not met(preset), "the preset as authored already meets its challenge"
    assert met(preset, challenge["solution"]), "the solution does not meet the challenge"


def test_at_least_fifteen_presets_have_a_challenge():
    assert len(challenge_slugs()) >= 15


# --- the parser's checks -------------------------------------------------------------------

MODULE_MD = "---\ntitle: Demo\nsummary: A module for tests.\norder: 1\n---\nHello.\n"
LESSON_MD = (
    "---\nslug: first\ntitle: First\norder: 1\nminutes: 5\nobjectives:\n  - Do\n---\nText.\n"
)
SYNC = """\
scenario:
  Code: {InitDurationMs: 400, DurationMs: 100}
  Source: {Type: sync}
  Traffic:
    Events: [{AtMs: 0}, {AtMs: 10000}]
"""
KINESIS = """\
scenario:
  Source: {Type: kinesis}
  Traffic:
    Bursts: [{AtMs: 0, Count: 10}]
"""


def preset_problems(tmp_path: Path, body: str, scenario: str = SYNC) -> list[str]:
    """Parse a module with one preset and return its problems as `line: message`."""
    head = "title: Demo\ngoal: Try it.\nlesson: first\n"
    files = {
        "module.md": MODULE_MD,
        "lessons/01-first.md": LESSON_MD,
        "scenarios/demo.yaml": head + textwrap.dedent(body) + scenario,
    }
    for name, text in files.items():
        path = tmp_path / "demo" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    try:
        parse_course(tmp_path)
    except ContentError as error:
        found = [str(problem) for problem in error.problems]
    else:
        return []
    prefix = "demo/scenarios/demo.yaml:"
    assert all(problem.startswith(prefix) for problem in found), found
    return [problem.removeprefix(prefix) for problem in found]


def test_valid_knobs_and_challenge_pass(tmp_path):
    body = """\
    knobs: [idle, {knob: init_ms, label: INIT}]
    challenge:
      checks:
        - {metric: cold_starts, max: 1, hint: Keep it warm.}
      solution: {idle: 600}
    """
    # As written, the environment expires between the two requests: two cold starts, so the
    # challenge is not met until the learner raises the idle lifetime (the solution).
    short_idle = SYNC.replace(
        "  Source: {Type: sync}\n",
        "  Source: {Type: sync}\n  Environment: {IdleLifetimeSeconds: 5}\n",
    )
    assert preset_problems(tmp_path, body, short_idle) == []


@pytest.mark.parametrize(
    ("body", "scenario", "expected"),
    [
        (
            "knobs: [memory, memroy]\n",
            SYNC,
            "4: unknown knob `memroy` (did you mean `memory`?); known knobs: account_quota,",
        ),
        ("knobs: [idle, idle]\n", SYNC, "4: knob `idle` is listed twice"),
        ("knobs:\n  - {path: Function.Timeout}\n", SYNC, "5: a knob mapping needs `knob`"),
        ("knobs:\n  - {knob: idle, pth: X}\n", SYNC, "5: unknown key `pth` in a knob"),
        ("knobs:\n  - 3\n", SYNC, "5: a knob must be a knob key"),
        (
            "knobs: [idle, burst]\n",
            SYNC,
            "4: knob `burst` sets `Traffic.Bursts.0.Count`, but the scenario has no "
            "`Traffic.Bursts` list, so there is no item 0",
        ),
        (
            "knobs:\n  - {knob: rate, path: Traffic.Events.5.AtMs}\n",
            SYNC,
            "5: knob `rate` sets `Traffic.Events.5.AtMs`, but `Traffic.Events` has 2 items, "
            "so there is no item 5",
        ),
        (
            "knobs: [provisioned]\n",
            SYNC,
            "4: knob `provisioned` sets `Function.Aliases.live.ProvisionedConcurrentExecutions`, "
            "but the scenario defines no alias `live`",
        ),
        (
            "knobs: [batch_size]\n",
            KINESIS,
            "4: knob `batch_size` reads 10 from `Source.EventSourceMapping.BatchSize` (the "
            "scenario does not set it), and writing that back changes this preset",
        ),
        (
            "challenge:\n  checks:\n    - {metric: cold_start, max: 0}\n",
            SYNC,
            "6: unknown metric `cold_start` in challenge checks[0] (did you mean `cold_starts`?)",
        ),
        (
            "challenge:\n  checks:\n    - {metric: cold_starts}\n",
            SYNC,
            "6: challenge checks[0]: give at least one of equals, min, max",
        ),
        (
            "challenge:\n  checks:\n    - {metric: cold_starts, max: 0, hnt: x}\n",
            SYNC,
            "6: unknown key `hnt` in challenge checks[0] (did you mean `hint`?)",
        ),
        (
            "challenge:\n  checks:\n    - {metric: cold_starts, max: none}\n",
            SYNC,
            "6: `max` in challenge checks[0] must be a number, got 'none'",
        ),
        (
            "challenge:\n  check: []\n",
            SYNC,
            ("5: unknown key `check` in the challenge", "5: the challenge is missing `checks`"),
        ),
        ("challenge:\n  checks: []\n", SYNC, "5: `checks` must be a list of at least one check"),
        (
            "knobs: [idle, init_ms]\nchallenge:\n  checks:\n    - {metric: cold_starts, max: 1}\n"
            "  solution:\n    idel: 600\n",
            SYNC,
            "9: the solution sets unknown knob `idel` (did you mean `idle`?); "
            "this preset's knobs: idle, init_ms",
        ),
        (
            "knobs: [idle, init_ms]\nchallenge:\n  checks:\n    - {metric: cold_starts, max: 1}\n"
            "  solution:\n    memory: 1024\n",
            SYNC,
            "9: the solution sets knob `memory`, which the preset does not list in `knobs`",
        ),
        (
            "knobs: [memory, idle]\nchallenge:\n  checks:\n    - {metric: cold_starts, max: 1}\n"
            "  solution: {memory: 64}\n",
            SYNC,
            "8: the solution makes the scenario invalid: Function.MemorySize: 64",
        ),
        (
            "knobs: [idle, init_ms]\nchallenge:\n  checks:\n    - {metric: cold_starts, max: 1}\n"
            "  solution: 600\n",
            SYNC,
            "8: `solution` must map knob keys to the values that meet the challenge",
        ),
    ],
)
def test_knob_and_challenge_mistakes_are_reported_at_their_line(tmp_path, body, scenario, expected):
    found = preset_problems(tmp_path, body, scenario)
    prefixes = (expected,) if isinstance(expected, str) else expected
    assert len(found) == len(prefixes), found
    for problem, prefix in zip(found, prefixes, strict=True):
        assert problem.startswith(prefix), problem


def test_the_idempotency_knob_switches_the_whole_section_on_and_off():
    from course.lab.core.knobs import REGISTRY

    knob = REGISTRY["idempotency"]
    scenario: dict[str, Any] = {"Idempotency": {"ExpiresAfterSeconds": 60}}
    assert knob.read(scenario) is True
    knob.write(scenario, False)
    assert "Idempotency" not in scenario
    assert knob.read(scenario) is False
    knob.write(scenario, True)
    Scenario.from_dict(scenario)
    assert knob.read(scenario) is True
