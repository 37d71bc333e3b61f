"""DynamoDB stream mappings need a StartingPosition: AWS has no default for it (§8 [D35][D37])."""

from __future__ import annotations

import pytest

from course.sandbox import Scenario, ScenarioError

from .helpers import run_dict


def test_dynamodb_stream_without_starting_position_is_refused() -> None:
    """StartingPosition is required (§8 [D35]); the error names the field and the two choices."""
    with pytest.raises(ScenarioError) as error:
        Scenario.from_dict({"Source": {"Type": "dynamodb"}})
    assert error.value.field == "Source.EventSourceMapping.StartingPosition"
    assert "required" in error.value.message
    assert "TRIM_HORIZON, LATEST" in error.value.message


def test_dynamodb_source_of_several_functions_needs_a_starting_position_too() -> None:
    """A DynamoDB source in `Sources` is the same mapping, with the same requirement (§8 [D35])."""
    with pytest.raises(ScenarioError) as error:
        Scenario.from_dict(
            {
                "Functions": {"writer": {}},
                "Sources": [{"Type": "dynamodb", "Name": "orders", "Function": "writer"}],
            }
        )
    assert error.value.field == "Sources[0].EventSourceMapping.StartingPosition"


@pytest.mark.parametrize("position", ["TRIM_HORIZON", "LATEST"])
def test_dynamodb_stream_runs_with_either_allowed_starting_position(position: str) -> None:
    """TRIM_HORIZON and LATEST are DynamoDB's two positions (§8 [D35][D37])."""
    result = run_dict(
        {
            "Source": {
                "Type": "dynamodb",
                "EventSourceMapping": {"StartingPosition": position},
            },
            "Traffic": {"Events": [{"AtMs": 0}, {"AtMs": 10}]},
        }
    )
    assert result.metrics.succeeded == 2
