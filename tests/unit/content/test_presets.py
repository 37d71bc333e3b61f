"""Preset scenarios are checked by the engine itself: its error lands on the field's line."""

from __future__ import annotations

import pytest

from course.content import ContentError, parse_course

from .helpers import PRESET, module_files, write_module


def test_engine_error_becomes_a_problem_at_the_field_line(tmp_path):
    files = module_files({"scenarios/cold-then-warm.yaml": PRESET.replace("128", "64")})
    with pytest.raises(ContentError) as caught:
        parse_course(write_module(tmp_path, files))
    [problem] = [str(p) for p in caught.value.problems]
    assert problem.startswith("demo/scenarios/cold-then-warm.yaml:6: invalid scenario: ")
    assert "Function.MemorySize" in problem
    assert "128" in problem
    assert "10240" in problem.replace(",", "")


def test_valid_scenario_passes_the_engine_check(tmp_path):
    course = parse_course(write_module(tmp_path, module_files()))
    preset = course.modules[0].presets[0]
    assert preset.slug == "cold-then-warm"
    assert preset.scenario["Function"] == {"MemorySize": 128}


def test_scenario_check_can_be_skipped_for_fast_parsing(tmp_path):
    files = module_files({"scenarios/cold-then-warm.yaml": PRESET.replace("128", "64")})
    parsed = parse_course(write_module(tmp_path, files), check_scenarios=False)
    assert parsed.modules[0].presets[0].scenario["Function"] == {"MemorySize": 64}


def test_preset_keeps_knobs_and_challenge_as_written(tmp_path):
    text = PRESET + "knobs: [memory]\nchallenge:\n  checks:\n    - {metric: cold_starts, max: 1}\n"
    course = parse_course(
        write_module(tmp_path, module_files({"scenarios/cold-then-warm.yaml": text}))
    )
    preset = course.modules[0].presets[0]
    assert preset.knobs == ("memory",)
    assert preset.challenge == {"checks": [{"metric": "cold_starts", "max": 1}]}
