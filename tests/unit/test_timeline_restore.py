"""The timeline draws a SnapStart RESTORE like an INIT bar, told apart by label and style."""

from __future__ import annotations

from pathlib import Path

from course.lab.core.timeline import build_timeline
from course.sandbox import Kind, load_scenario_file, simulate

PRESET = (
    Path(__file__).resolve().parents[2]
    / "content"
    / "lambda-best-practices"
    / "scenarios"
    / "snapstart-restore.yaml"
)


def test_a_restore_is_a_labelled_bar_with_its_own_style_and_legend_entry() -> None:
    result = simulate(load_scenario_file(PRESET))
    restores = [event for event in result.events if event.kind == Kind.RESTORE]
    assert restores
    timeline = build_timeline(result)
    bars = [bar for bar in timeline.bars() if "tl-restore" in bar.css.split()]
    assert len(bars) == len(restores)
    for bar in bars:
        assert bar.index is not None
        assert result.events[bar.index].kind == Kind.RESTORE
        assert "RESTORE" in bar.title
        assert "tl-init" not in bar.css.split()  # not drawn as an INIT in another colour
    legend = {item.css.split()[-1]: item.label for item in timeline.legend}
    assert "SnapStart" in legend["tl-restore"]
