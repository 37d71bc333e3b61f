"""`manage.py simulate` prints the simulator's result, and bad files get a clear error."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

PRESET = "content/lambda-best-practices/scenarios/cold-then-warm.yaml"


def test_simulate_prints_metrics_as_json():
    out = StringIO()
    call_command("simulate", PRESET, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["metrics"]["cold_starts"] == 1
    assert data["metrics"]["warm_starts"] == 1
    assert data["events"][0]["kind"] == "OFFER"


def test_simulate_metrics_only_keeps_no_trace():
    out = StringIO()
    call_command("simulate", PRESET, "--json", "--metrics-only", stdout=out)
    assert json.loads(out.getvalue())["events"] == []


def test_a_bad_scenario_names_the_field_and_range(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("Function: {MemorySize: 64}\n")
    with pytest.raises(CommandError, match=r"Function\.MemorySize.*128"):
        call_command("simulate", str(bad), stdout=StringIO())
