"""Command line: python -m course.sandbox FILE [--json] [--seed N] [--metrics-only].

FILE is a bare scenario or a preset file (every key the course loader accepts: `title`, `goal`,
`lesson`, `summary`, `knobs`, `challenge`, `metrics`, `answers`, `scenario`); its `scenario` is
simulated. A problem is printed as `path:line: message`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from .engine import Result, simulate
from .errors import ScenarioError
from .files import ScenarioFileError, load_scenario_file


def _table(result: Result) -> str:
    lines = []
    for event in result.events:
        env = f"#{event.env}" if event.env is not None else ""
        lines.append(
            f"{event.time_ms:>10} ms  {event.kind:<15} {env:<6} {event.request or '':<14} "
            f"{event.narration}"
        )
    if lines:
        lines.append("")
    width = max(len(name) for name in result.metrics.as_dict())
    for name, value in result.metrics.as_dict().items():
        lines.append(f"{name:<{width}}  {value}")
    return "\n".join(lines)


def report(
    path: str, *, as_json: bool = False, seed: int | None = None, metrics_only: bool = False
) -> str:
    """Simulate a scenario file and return the printable result; raise on a bad file."""
    scenario = load_scenario_file(path)
    if seed is not None:
        scenario = dataclasses.replace(scenario, seed=seed)
    result = simulate(scenario, metrics_only=metrics_only)
    if as_json:
        return json.dumps(result.as_dict(), indent=2, ensure_ascii=False)
    return _table(result)


def main(argv: list[str] | None = None) -> int:
    """Run a scenario file and print the trace and metrics."""
    parser = argparse.ArgumentParser(prog="python -m course.sandbox", description=__doc__)
    parser.add_argument("file", help="a scenario or preset file (YAML or JSON)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--seed", type=int, help="override the scenario's seed")
    parser.add_argument("--metrics-only", action="store_true", help="keep no trace")
    args = parser.parse_args(argv)
    try:
        text = report(args.file, as_json=args.json, seed=args.seed, metrics_only=args.metrics_only)
    except ScenarioFileError as error:
        print(error, file=sys.stderr)
        return 2
    except (OSError, ScenarioError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
