"""The lab's work limits leave every shipped preset whole, and bound what a run may cost."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from course.lab.core import runs
from course.lab.core.steps import parse_steps

PRESETS = sorted(
    (Path(__file__).resolve().parents[3] / "content" / "lambda-best-practices" / "scenarios").glob(
        "*.yaml"
    )
)


@pytest.mark.parametrize("path", PRESETS, ids=lambda path: path.stem)
def test_every_shipped_preset_runs_whole_within_the_lab_caps(path):
    preset = yaml.safe_load(path.read_text(encoding="utf-8"))
    run = runs.run_lab(preset["scenario"], challenge=preset.get("challenge"))
    assert run.problem is None
    assert run.stopped is None


def test_a_script_too_long_to_replay_is_a_problem_not_a_crash():
    storm = {
        "Code": {"DurationMs": 10},
        "Source": {
            "Type": "sqs",
            "Queue": {"VisibilityTimeout": 0, "RedrivePolicy": {"maxReceiveCount": 1000}},
            "EventSourceMapping": {"BatchSize": 1},
        },
        "Faults": [{"Effect": "error"}],
    }
    run = runs.run_lab(storm, steps=parse_steps(",".join(["burst:200"] * 40)))
    assert run.problem is not None
    assert "too long to replay" in run.problem
    assert run.metrics is None


def test_the_cache_key_ignores_nothing_that_changes_the_run():
    base = {"Traffic": {"Events": [{"AtMs": 0}]}}
    key = runs.run_key(base, [], challenge={})
    assert key == runs.run_key({"Traffic": {"Events": [{"AtMs": 0}]}}, [], challenge={})
    assert key != runs.run_key(base, parse_steps("invoke"), challenge={})
    assert key != runs.run_key({"Traffic": {"Events": [{"AtMs": 1}]}}, [], challenge={})
    assert key != runs.run_key(base, [], challenge={"checks": [{"metric": "throttles", "max": 0}]})
