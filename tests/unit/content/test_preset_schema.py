"""One preset schema: the simulator's command line accepts every key the loader does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from course.content.presets import PRESET_KEYS as LOADER_KEYS
from course.sandbox.__main__ import main
from course.sandbox.files import PRESET_KEYS

ROOT = Path(__file__).resolve().parents[3]
AUTHORING = ROOT / "docs" / "authoring.md"

FULL_PRESET = """\
title: Cold start, then a warm start
goal: Invoke twice and see the second request skip INIT.
lesson: execution-environment-lifecycle
summary: One or two sentences.
knobs: [memory, {knob: idle}]
challenge:
  checks:
    - {metric: cold_starts, max: 1, hint: Keep one warm.}
  solution: {memory: 256}
metrics: [cold_starts, {metric: warm_starts, good: higher}]
answers: ["Cold starts 1"]
scenario:
  seed: 1
  Function:
    MemorySize: 128
  Traffic:
    Events: [{AtMs: 0}, {AtMs: 1000}]
"""


def run(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([str(path), "--metrics-only"])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_loader_and_the_command_line_share_the_keys():
    assert LOADER_KEYS is PRESET_KEYS
    documented = AUTHORING.read_text("utf-8").split("## Sandbox presets")[1].split("\n## ")[0]
    for key in PRESET_KEYS:
        assert f"\n{key}:" in documented, key


def test_the_command_line_accepts_a_full_preset(tmp_path, capsys):
    path = tmp_path / "full.yaml"
    path.write_text(FULL_PRESET)
    code, out, err = run(path, capsys)
    assert (code, err) == (0, "")
    assert "cold_starts" in out


def test_every_shipped_preset_runs_from_the_command_line(capsys):
    for path in sorted((ROOT / "content").glob("*/scenarios/*.yaml")):
        code, _, err = run(path, capsys)
        assert (code, err) == (0, ""), path


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("summary:", "sumary:", ":4: unknown key `sumary` in the preset (did you mean `summary`?)"),
        (
            "    MemorySize: 128",
            "    MemorySize: 64",
            ":15: Function.MemorySize: 64 is out of range",
        ),
        ("lesson: execution", "lessn: execution", ":3: unknown key `lessn` in the preset"),
        ("  seed: 1\n", "  seed: 1\n  seed: 2\n", ":14: duplicate key `seed`"),
        ("answers: [", "answers: [[", ":12: YAML syntax error"),
    ],
)
def test_command_line_errors_name_the_file_and_line(tmp_path, capsys, old, new, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(FULL_PRESET.replace(old, new, 1))
    code, _, err = run(path, capsys)
    assert code == 2
    assert err.startswith(f"{path}{expected}"), err


def test_python_m_course_sandbox_prints_file_and_line_on_stderr(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(FULL_PRESET.replace("summary:", "sumary:"))
    run_ = subprocess.run(
        [sys.executable, "-m", "course.sandbox", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert run_.returncode == 2
    assert run_.stderr.startswith(f"{path}:4: unknown key `sumary`")
