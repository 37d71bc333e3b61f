"""A preset's `metrics` (what it teaches, first and large) and `answers` (what its page shows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.content import ContentError, parse_course
from course.content.presets import CARD_METRICS
from course.lab.core.challenges import metric_values
from course.sandbox import Scenario, simulate

from .helpers import PRESET, lesson, module_files, write_module

TEMPLATE = Path(__file__).resolve().parents[3] / "templates" / "lab" / "_metrics.html"


def parse_preset(tmp_path, extra: str):
    files = module_files({"scenarios/cold-then-warm.yaml": PRESET + extra})
    return parse_course(write_module(tmp_path, files)).modules[0].presets[0]


def problems(tmp_path, extra: str) -> list[str]:
    files = module_files({"scenarios/cold-then-warm.yaml": PRESET + extra})
    with pytest.raises(ContentError) as caught:
        parse_course(write_module(tmp_path, files))
    return [str(problem) for problem in caught.value.problems]


def test_metrics_keep_their_order_and_directions(tmp_path):
    preset = parse_preset(
        tmp_path,
        "metrics: [cold_starts, {metric: retries, good: higher}]\nanswers: [Cold starts 1]\n",
    )
    assert preset.metrics == (
        {"metric": "cold_starts", "good": ""},
        {"metric": "retries", "good": "higher"},
    )
    assert preset.answers == ("Cold starts 1",)


def test_a_preset_without_the_keys_has_none(tmp_path):
    preset = parse_preset(tmp_path, "")
    assert preset.metrics == ()
    assert preset.answers == ()


def test_a_misspelt_metric_is_named_with_a_suggestion(tmp_path):
    [problem] = problems(tmp_path, "metrics: [cold_start]\n")
    assert "unknown metric `cold_start` in metrics[0] (did you mean `cold_starts`?)" in problem


def test_a_direction_must_be_higher_or_lower(tmp_path):
    [problem] = problems(tmp_path, "metrics: [{metric: retries, good: more}]\n")
    assert "must be `higher` or `lower`" in problem


def test_an_unknown_key_in_a_metric_is_named(tmp_path):
    [problem] = problems(tmp_path, "metrics: [{metric: retries, godo: higher}]\n")
    assert "unknown key `godo` in metrics[0] (did you mean `good`?)" in problem


def test_a_metric_listed_twice_and_too_many_metrics_are_problems(tmp_path):
    assert any("listed twice" in p for p in problems(tmp_path, "metrics: [retries, retries]\n"))
    many = "metrics: [retries, throttles, cold_starts, warm_starts, timeouts]\n"
    assert any("name the 4 or fewer" in p for p in problems(tmp_path, many))


def test_answers_must_be_a_list_of_text(tmp_path):
    assert any("list of text items" in p for p in problems(tmp_path, "answers: Cold starts\n"))
    assert any("must be non-empty text" in p for p in problems(tmp_path, "answers: ['']\n"))


def test_every_metric_with_a_card_is_a_metric_of_a_run_and_has_a_card():
    values = metric_values(simulate(Scenario.from_dict({}), metrics_only=True).metrics)
    template = TEMPLATE.read_text()
    for name in CARD_METRICS:
        assert name in values, name
        assert f'name == "{name}"' in template, name


def test_every_shipped_preset_names_its_metrics_and_answers(tmp_path):
    """Each shipped preset file, read alone, declares what it teaches and what answers it."""
    root = Path(__file__).resolve().parents[3] / "content"
    files = sorted(root.glob("*/scenarios/*.yaml"))
    assert len(files) == 37
    for path in files:
        slug = path.stem
        text = path.read_text()
        preset = parse_preset_file(tmp_path / slug, slug, text)
        assert 1 <= len(preset.metrics) <= 4, slug
        assert preset.answers, slug


def parse_preset_file(folder: Path, slug: str, text: str):
    """Parse one real preset file alone, in a small module that has its lesson."""
    name = next(line for line in text.splitlines() if line.startswith("lesson:")).split()[1]
    files = module_files(
        {
            "scenarios/cold-then-warm.yaml": None,
            f"scenarios/{slug}.yaml": text,
            "lessons/02-second.md": lesson(name, 2),
        }
    )
    return parse_course(write_module(folder, files), check_scenarios=False).modules[0].presets[0]
