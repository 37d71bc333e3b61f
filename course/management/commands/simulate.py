"""Run a sandbox scenario or preset file through the Lambda simulator and print the result."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from course.sandbox import ScenarioError
from course.sandbox.__main__ import report


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A scenario or preset file (YAML or JSON).")
        parser.add_argument("--json", action="store_true", help="Print JSON, not a table.")
        parser.add_argument("--seed", type=int, help="Override the scenario's seed.")
        parser.add_argument("--metrics-only", action="store_true", help="Keep no trace.")

    def handle(
        self,
        *args: object,
        file: str,
        json: bool,
        seed: int | None,
        metrics_only: bool,
        **options: object,
    ) -> None:
        try:
            text = report(file, as_json=json, seed=seed, metrics_only=metrics_only)
        except (OSError, ScenarioError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(text)
