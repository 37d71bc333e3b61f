"""Preset scenarios are checked by the sandbox engine when it offers `Scenario.from_dict`."""

from __future__ import annotations

import sys
import types

import pytest

from course.content import ContentError, parse_course

from .conftest import PRESET, module_files, write_module


class ScenarioError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


class Scenario:
    @classmethod
    def from_dict(cls, data):
        memory = data["function"]["memory_mb"]
        if memory < 128:
            raise ScenarioError("function.memory_mb", f"must be 128 to 10240, got {memory}")
        return cls()


@pytest.fixture
def fake_engine(monkeypatch):
    engine = types.ModuleType("course.sandbox")
    engine.Scenario = Scenario  # type: ignore[attr-defined]
    engine.ScenarioError = ScenarioError  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "course.sandbox", engine)


@pytest.mark.usefixtures("fake_engine")
def test_engine_error_becomes_a_problem_at_the_field_line(tmp_path):
    files = module_files({"scenarios/cold-then-warm.yaml": PRESET.replace("128", "64")})
    with pytest.raises(ContentError) as caught:
        parse_course(write_module(tmp_path, files))
    assert [str(p) for p in caught.value.problems] == [
        "demo/scenarios/cold-then-warm.yaml:6: invalid scenario: "
        "function.memory_mb: must be 128 to 10240, got 64"
    ]


@pytest.mark.usefixtures("fake_engine")
def test_valid_scenario_passes_the_engine_check(tmp_path):
    course = parse_course(write_module(tmp_path, module_files()))
    assert course.modules[0].presets[0].slug == "cold-then-warm"


def test_scenario_check_is_skipped_without_an_engine(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "course.sandbox", types.ModuleType("course.sandbox"))
    files = module_files({"scenarios/cold-then-warm.yaml": PRESET.replace("128", "64")})
    assert parse_course(write_module(tmp_path, files)).modules[0].presets[0].scenario == {
        "function": {"memory_mb": 64}
    }


def test_preset_keeps_knobs_and_challenge_as_written(tmp_path):
    text = PRESET + "knobs: [function.memory_mb]\nchallenge:\n  metric: p99_ms\n  below: 200\n"
    course = parse_course(
        write_module(tmp_path, module_files({"scenarios/cold-then-warm.yaml": text})),
        check_scenarios=False,
    )
    preset = course.modules[0].presets[0]
    assert preset.knobs == ("function.memory_mb",)
    assert preset.challenge == {"metric": "p99_ms", "below": 200}
