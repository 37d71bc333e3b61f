import json
import subprocess
import sys
from pathlib import Path

from .helpers import PRESETS

ROOT = Path(__file__).resolve().parents[3]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "course.sandbox", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_cli_prints_a_table_by_default() -> None:
    run = _cli(str(PRESETS / "cold-then-warm.yaml"))
    assert run.returncode == 0
    assert "INIT" in run.stdout
    assert "cold_starts" in run.stdout


def test_cli_prints_json_with_metrics_and_events() -> None:
    run = _cli(str(PRESETS / "cold-then-warm.yaml"), "--json", "--seed", "5")
    data = json.loads(run.stdout)
    assert data["metrics"]["cold_starts"] == 1
    assert data["events"][0]["kind"] == "OFFER"


def test_cli_metrics_only_prints_no_events() -> None:
    run = _cli(str(PRESETS / "weighted-alias.yaml"), "--json", "--metrics-only")
    assert json.loads(run.stdout)["events"] == []


def test_cli_reports_invalid_scenarios_with_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("Function: {MemorySize: 64}\n")
    run = _cli(str(bad))
    assert run.returncode == 2
    assert "Function.MemorySize" in run.stderr
    assert "128" in run.stderr
