"""SnapStart: a cold start on a published version restores a snapshot instead of running INIT.

The facts (LAMBDA-FACTS.md §3 [D16], §1 [D1][D1j]): init happens when the version is
published and Lambda resumes new environments from the snapshot; published versions only,
not `$LATEST`; not combinable with provisioned concurrency, EFS or ephemeral storage over
512 MB; exempt from the 10 s init limit. The restore duration is a scenario input.
"""

from __future__ import annotations

from typing import Any

import pytest

from course.sandbox import Kind, ScenarioError

from .helpers import of, run_dict

INIT_LIMIT_MS = 10_000  # §1 [D1]: on-demand INIT limit
RESTORE_MS = 250
INIT_MS = 2_000


def _function(
    qualifier: str = "live", *, init_ms: int = INIT_MS, **function: Any
) -> dict[str, Any]:
    """A function with SnapStart on published versions, version 1 behind the alias `live`."""
    return {
        "seed": 1,
        "Function": {
            "Timeout": 30,
            "SnapStart": {"ApplyOn": "PublishedVersions"},
            "Versions": {"1": {}},
            "Aliases": {"live": {"FunctionVersion": "1"}},
            **function,
        },
        "Code": {"InitDurationMs": init_ms, "DurationMs": 100, "RestoreDurationMs": RESTORE_MS},
        "Source": {"Type": "sync", "Qualifier": qualifier},
        "Traffic": {"Events": [{"AtMs": 0, "Id": "first"}, {"AtMs": 5_000, "Id": "second"}]},
    }


def test_a_cold_start_on_a_published_version_restores_instead_of_init():
    result = run_dict(_function())
    restores = of(result, Kind.RESTORE)
    assert [e.request for e in restores] == ["first"]
    assert restores[0].version == "1"
    assert restores[0].detail["duration_ms"] == RESTORE_MS
    assert not of(result, Kind.INIT)
    invoke = of(result, Kind.INVOKE, request="first")[0]
    assert invoke.time_ms == RESTORE_MS  # the handler runs once the snapshot is restored
    assert invoke.detail["cold"] is True


def test_a_warm_start_after_a_restore_thaws_without_restoring_again():
    result = run_dict(_function())
    assert [e.request for e in of(result, Kind.THAW)] == ["second"]
    assert len(of(result, Kind.RESTORE)) == 1


def test_latest_still_runs_a_normal_init():
    """SnapStart works on published versions only, not $LATEST. §3 [D16]"""
    result = run_dict(_function("$LATEST"))
    assert not of(result, Kind.RESTORE)
    init = of(result, Kind.INIT)[0]
    assert init.version == "$LATEST"
    assert init.detail["duration_ms"] == INIT_MS


def test_without_snapstart_a_published_version_runs_init():
    data = _function()
    del data["Function"]["SnapStart"]
    result = run_dict(data)
    assert not of(result, Kind.RESTORE)
    assert of(result, Kind.INIT, version="1")


def test_a_slow_init_is_not_cut_at_ten_seconds_with_snapstart():
    """SnapStart is exempt from the 10 s init limit; $LATEST is not. §1 [D1][D1j]"""
    slow = INIT_LIMIT_MS + 2_000
    restored = run_dict(_function(init_ms=slow))
    assert not of(restored, Kind.INIT_TIMEOUT)
    assert of(restored, Kind.INVOKE, request="first")[0].time_ms == RESTORE_MS
    latest = run_dict(_function("$LATEST", init_ms=slow))
    assert of(latest, Kind.INIT_TIMEOUT)


@pytest.mark.parametrize(
    ("override", "field"),
    [
        (
            {"Versions": {"1": {"ProvisionedConcurrentExecutions": 2}}},
            "Function.Versions.1.ProvisionedConcurrentExecutions",
        ),
        (
            {"Aliases": {"live": {"FunctionVersion": "1", "ProvisionedConcurrentExecutions": 2}}},
            "Function.Aliases.live.ProvisionedConcurrentExecutions",
        ),
        ({"EphemeralStorage": {"Size": 1_024}}, "Function.EphemeralStorage.Size"),
        ({"SnapStart": {"ApplyOn": "AllVersions"}}, "Function.SnapStart.ApplyOn"),
    ],
)
def test_settings_snapstart_cannot_be_combined_with_are_refused_naming_the_field(override, field):
    """Not with provisioned concurrency or ephemeral storage over 512 MB. §3 [D16]"""
    with pytest.raises(ScenarioError) as error:
        run_dict(_function(**override))
    assert error.value.field == field


def test_provisioned_concurrency_without_snapstart_stays_allowed():
    data = _function(Versions={"1": {"ProvisionedConcurrentExecutions": 1}})
    data["Function"]["SnapStart"] = {"ApplyOn": "None"}
    assert of(run_dict(data), Kind.PROVISION)
