"""Sandbox challenges: a preset's goal checked against a run's metrics, with specific hints.

```yaml
challenge:
  checks:
    - {metric: cold_starts, max: 0, hint: "Add provisioned concurrency for the burst."}
    - {metric: dead_lettered_total, max: 0, label: "No message lost"}
```
Plain Python: no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from course.sandbox import Metrics

LABELS = {
    "cold_starts": "cold starts",
    "warm_starts": "warm starts",
    "throttles": "throttles",
    "function_errors": "function errors",
    "timeouts": "timeouts",
    "retries": "retries",
    "succeeded": "requests succeeded",
    "dead_lettered_total": "items dead-lettered",
    "discarded": "items discarded",
    "duplicate_side_effects": "duplicate side effects",
    "latency_p95_ms": "p95 latency (ms)",
    "latency_p99_ms": "p99 latency (ms)",
    "peak_concurrency": "peak concurrency",
    "cost_usd": "cost (USD)",
    "db_errors": "database errors",
    "provisioned_spillover_invocations": "spill-over invocations",
    "cold_start_ratio": "cold-start ratio",
    "failed": "errors returned to the caller",
    "throttled": "requests throttled to the caller",
}


def metric_values(metrics: Metrics) -> dict[str, Any]:
    """Return the metrics a check may name, including derived totals."""
    values = metrics.as_dict()
    # Items, not deliveries: a failed stream batch of 100 records counts 100 (and an async event
    # sent to both a DLQ and an OnFailure destination counts once).
    values["dead_lettered_total"] = values["terminal"]["dead-lettered"]
    invocations = values["invocations"] or 1
    values["cold_start_ratio"] = values["cold_starts"] / invocations
    return values


@dataclass(frozen=True)
class CheckResult:
    """One check of a challenge: what was wanted, what happened, and a hint when it failed."""

    label: str
    wanted: str
    actual: Any
    passed: bool
    hint: str

    @property
    def actual_text(self) -> str:
        """Return what happened as a reader writes it: 86,399,700 and 0.25, not 86399700."""
        if isinstance(self.actual, bool) or not isinstance(self.actual, int | float):
            return str(self.actual)
        if isinstance(self.actual, int) or float(self.actual).is_integer():
            return f"{int(self.actual):,}"
        return f"{self.actual:,.3f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class ChallengeResult:
    """All checks of a challenge."""

    checks: tuple[CheckResult, ...]

    @property
    def met(self) -> bool:
        return all(check.passed for check in self.checks)


def _wanted(check: Mapping[str, Any]) -> str:
    parts = []
    if "equals" in check:
        parts.append(f"exactly {check['equals']:,}")
    if "min" in check:
        parts.append(f"at least {check['min']:,}")
    if "max" in check:
        parts.append(f"at most {check['max']:,}")
    return " and ".join(parts)


def evaluate(challenge: Mapping[str, Any], metrics: Metrics) -> ChallengeResult | None:
    """Check the metrics against the challenge; None when the preset has no challenge."""
    checks = challenge.get("checks") if challenge else None
    if not checks:
        return None
    values = metric_values(metrics)
    results = []
    for check in checks:
        name = check["metric"]
        actual = values[name]
        passed = (
            ("equals" not in check or actual == check["equals"])
            and ("min" not in check or actual >= check["min"])
            and ("max" not in check or actual <= check["max"])
        )
        label = check.get("label") or LABELS.get(name, name.replace("_", " "))
        results.append(CheckResult(label, _wanted(check), actual, passed, check.get("hint", "")))
    return ChallengeResult(tuple(results))


def check_problems(challenge: Mapping[str, Any]) -> list[str]:
    """Return what is wrong with a challenge definition (unknown metric, no bound)."""
    problems = []
    known = set(LABELS) | set(Metrics.__dataclass_fields__)
    for index, check in enumerate((challenge or {}).get("checks", [])):
        if not isinstance(check, Mapping) or check.get("metric") not in known:
            problems.append(f"checks[{index}]: unknown metric; known: {', '.join(sorted(known))}")
        elif not {"equals", "min", "max"} & set(check):
            problems.append(f"checks[{index}]: give at least one of equals, min, max")
    return problems
