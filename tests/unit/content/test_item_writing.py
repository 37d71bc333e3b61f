"""The item-writing check: every cue fires with its file and line; bank thresholds are errors."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from course.content.item_writing import (
    MIN_BANK_SINGLE,
    check_question_folder,
    cues,
    plain_text,
    read_items,
)

from .helpers import lesson, module_files, write_module

LONG_RIGHT = """\
  - id: giveaway-{n}
    kind: single
    stem: Which setting controls thing number {n}?
    choices:
      - text: The setting that typically controls it, because AWS may apply it per function
        correct: true
        explanation: Right.
      - text: Never the memory
        explanation: Wrong.
      - text: Only the timeout
        explanation: Wrong.
      - text: Always the role
        explanation: Wrong.
"""

CUE_LADEN = """\
lesson: first
questions:
  - id: all-of-the-above
    kind: single
    stem: Which invocation types retry a failed event?
    choices:
      - text: Asynchronous invocations
        explanation: Two retries by default.
      - text: Event source mappings
        explanation: Until the record expires.
      - text: All of the above
        correct: true
        explanation: Both retry.
  - id: leans-on-another
    kind: single
    stem: |
      The same setup now has a redrive policy. Where does the message end up?
    choices:
      - text: In the DLQ
        correct: true
        explanation: After maxReceiveCount receives.
      - text: Back in the queue
        explanation: Not for ever.
      - text: Nowhere
        explanation: It is not dropped.
  - id: first-of-a-pair
    kind: single
    stem: What is the default timeout of a new Lambda function?
    choices:
      - text: 3 seconds
        correct: true
        explanation: The default.
      - text: 15 minutes
        explanation: The maximum.
      - text: 60 seconds
        explanation: Not the default.
  - id: second-of-a-pair
    kind: single
    stem: What is the default timeout of a new Lambda function ?
    choices:
      - text: 3 s
        correct: true
        explanation: The default.
      - text: 900 s
        explanation: The maximum.
      - text: 30 s
        explanation: Not the default.
  - id: too-few-choices
    kind: multiple
    pick: 2
    stem: Which two settings belong to an SQS event source mapping?
    choices:
      - text: BatchSize
        correct: true
        explanation: Yes.
      - text: MaximumBatchingWindowInSeconds
        correct: true
        explanation: Yes.
      - text: MemorySize
        explanation: A function setting.
  - id: a-variant-the-check-does-not-know
    kind: variant
    stem: "Reserved {r}, burst of {n}: how many throttles?"
    template: {r: [1, 2, 3]}
""" + "".join(LONG_RIGHT.format(n=n) for n in range(MIN_BANK_SINGLE))


def line_of(text: str, needle: str) -> int:
    """Return the 1-based line of the first line containing `needle`."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    folder = tmp_path / "demo" / "questions"
    folder.mkdir(parents=True)
    (folder / "bank.yaml").write_text(CUE_LADEN, encoding="utf-8")
    return folder


@pytest.fixture
def report(bank: Path):
    return check_question_folder(bank, rel="demo/questions")


def warnings_at(report, line: int) -> list[str]:
    return [p.message for p in report.warnings if p.line == line]


def test_unknown_question_kinds_are_skipped_not_fatal(report):
    ids = {item.id for item in report.items}
    assert "a-variant-the-check-does-not-know" not in ids
    assert report.stats.questions == 5 + MIN_BANK_SINGLE


def test_all_of_the_above_is_flagged_at_the_choice_line(report):
    line = line_of(CUE_LADEN, "text: All of the above")
    assert any("All of the above" in message for message in warnings_at(report, line))
    assert all(p.path == "demo/questions/bank.yaml" for p in report.warnings)


def test_a_stem_that_leans_on_another_question_is_flagged_at_the_stem(report):
    line = line_of(CUE_LADEN, "id: leans-on-another") + 2
    assert any("The same setup" in message for message in warnings_at(report, line))


def test_a_near_duplicate_stem_names_the_earlier_question(report):
    line = line_of(CUE_LADEN, "id: second-of-a-pair") + 2
    (message,) = warnings_at(report, line)
    assert "`first-of-a-pair`" in message
    assert f"bank.yaml:{line_of(CUE_LADEN, 'id: first-of-a-pair')}" in message


def test_multiple_response_needs_pick_plus_two_choices(report):
    line = line_of(CUE_LADEN, "id: too-few-choices")
    assert any("at least 4" in message for message in warnings_at(report, line))


def test_length_and_cue_words_are_flagged_per_question(report):
    messages = warnings_at(report, line_of(CUE_LADEN, "id: giveaway-0"))
    assert any("as long as the wrong ones" in m for m in messages)
    assert any(
        m.endswith(
            "hedges (“about”, “up to”, “may”, “typically” …) appear only or "
            "mostly in the correct choice"
        )
        for m in messages
    )
    assert any("absolutes" in m and "wrong choices" in m for m in messages)
    assert any("justifications" in m and "correct choice" in m for m in messages)


def test_every_bank_threshold_is_an_error_on_the_folder(report):
    text = "\n".join(str(problem) for problem in report.errors)
    assert all(problem.path == "demo/questions/" for problem in report.errors)
    for expected in [
        r"the longest in \d+ % of single-answer questions \(\d+/\d+\); at most 35 %",
        r"chance is \d+ %; keep within ±10 points",
        r"correct choices are on average [\d.]+× as long as wrong ones",
        r"picking the longest choice scores \d+ %",
        r"hedges .* appear in \d+ % of correct choices",
        r"absolutes .* appear in \d+ % of correct choices",
        r"justifications .* appear in \d+ % of correct choices",
    ]:
        assert re.search(expected, text), expected


def test_a_small_bank_gets_warnings_but_no_bank_error(tmp_path):
    folder = tmp_path / "questions"
    folder.mkdir()
    (folder / "q.yaml").write_text(
        "lesson: first\nquestions:\n" + LONG_RIGHT.format(n=1), encoding="utf-8"
    )
    report = check_question_folder(folder, rel="m/questions")
    assert report.warnings
    assert not report.errors


def test_malformed_files_are_left_to_the_parser(tmp_path):
    assert read_items("questions: [", path="x.yaml") == []
    assert read_items("questions:\n  - id: a\n    kind: single\n", path="x.yaml") == []
    bad = "questions:\n  - {id: a, kind: multiple, pick: 2, stem: s, choices: [{text: t}]}\n"
    assert read_items(bad, path="x.yaml") == []


def test_plain_text_and_cue_words():
    assert plain_text("<p>Use <code>$LATEST</code> &amp; **bold**</p>") == "Use $LATEST & bold"
    assert cues("It may take up to 15 minutes") == {"hedge"}
    assert cues("Lambda never retries because it is synchronous") == {"absolute", "because"}
    assert cues("Mayfly only") == {"absolute"}


def test_loadcourse_check_refuses_a_cue_laden_bank_and_names_the_folder(tmp_path):
    root = write_module(
        tmp_path,
        module_files(
            {
                "questions/first.yaml": CUE_LADEN.replace(
                    "  - id: a-variant-the-check-does-not-know\n    kind: variant\n"
                    '    stem: "Reserved {r}, burst of {n}: how many throttles?"\n'
                    "    template: {r: [1, 2, 3]}\n",
                    "",
                )
            }
        ),
    )
    with pytest.raises(CommandError) as caught:
        call_command("loadcourse", str(root), "--check", stdout=StringIO())
    assert "demo/questions/: item writing: the correct choice is the longest" in str(caught.value)


def test_loadcourse_prints_per_question_warnings_with_file_and_line(tmp_path):
    small = "lesson: first\nquestions:\n" + LONG_RIGHT.format(n=1)
    root = write_module(
        tmp_path,
        module_files({"questions/first.yaml": small, "lessons/01-first.md": lesson("first", 1)}),
    )
    out = StringIO()
    call_command("loadcourse", str(root), "--check", stdout=out)
    assert "Content is valid" in out.getvalue()
    assert "demo/questions/first.yaml:3: question `giveaway-1`" in out.getvalue()
    assert "Item writing, demo: 1 questions" in out.getvalue()
