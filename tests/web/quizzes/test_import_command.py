"""`manage.py importquestions` turns GIFT and Aiken files into a loadable question bank."""

from __future__ import annotations

from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

GIFT = """\
// A comment
::Init::Where should the SDK client be created? {
  =Outside the handler#Runs once per environment, at INIT.
  ~Inside the handler#Runs on every invocation.
}

::Numeric::How many retries does async make by default? {#2}
"""

AIKEN = """\
What does RDS Proxy solve?
A. Cold starts
B. Connection exhaustion
C. Payload limits
ANSWER: B
"""


def test_gift_questions_are_converted_and_unsupported_ones_reported(tmp_path):
    source = tmp_path / "bank.gift"
    source.write_text(GIFT)
    output = tmp_path / "bank.yaml"
    out = StringIO()
    call_command(
        "importquestions", str(source), str(output), "--lesson", "function-code", stdout=out
    )
    report = out.getvalue()
    assert "Converted 1 question(s)" in report
    assert "Skipped" in report
    assert "line 7" in report
    bank = yaml.safe_load(output.read_text())
    assert bank["lesson"] == "function-code"
    question = bank["questions"][0]
    assert [choice["correct"] for choice in question["choices"]] == [True, False]


def test_aiken_questions_are_converted_and_missing_explanations_flagged(tmp_path):
    source = tmp_path / "bank.txt"
    source.write_text(AIKEN)
    output = tmp_path / "bank.yaml"
    out = StringIO()
    call_command(
        "importquestions", str(source), str(output), "--lesson", "database-connections", stdout=out
    )
    assert "Needs editing" in out.getvalue()
    assert yaml.safe_load(output.read_text())["questions"][0]["kind"] == "single"


def test_an_existing_output_is_not_overwritten_without_force(tmp_path):
    source = tmp_path / "bank.txt"
    source.write_text(AIKEN)
    output = tmp_path / "bank.yaml"
    output.write_text("keep me")
    with pytest.raises(CommandError, match="--force"):
        call_command(
            "importquestions", str(source), str(output), "--lesson", "x", stdout=StringIO()
        )
    assert output.read_text() == "keep me"
