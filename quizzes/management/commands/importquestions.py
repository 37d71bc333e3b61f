"""Convert a GIFT or Aiken question file into a question-bank YAML file for content/."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from course.content.importers import dump_yaml, import_aiken, import_gift

IMPORTERS = {"gift": import_gift, "aiken": import_aiken}


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="The GIFT or Aiken file to convert.")
        parser.add_argument(
            "output",
            type=Path,
            help="Where to write the bank, e.g. content/<module>/questions/x.yaml",
        )
        parser.add_argument("--lesson", required=True, help="Lesson slug the questions belong to.")
        parser.add_argument(
            "--format",
            choices=sorted(IMPORTERS),
            help="Input format (default: from the extension, .gift or .txt for Aiken).",
        )
        parser.add_argument("--force", action="store_true", help="Overwrite the output file.")

    def handle(
        self,
        *args: object,
        source: Path,
        output: Path,
        lesson: str,
        format: str | None,
        force: bool,
        **options: object,
    ) -> None:
        kind = format or ("gift" if source.suffix.lower() == ".gift" else "aiken")
        try:
            text = source.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{source}: {error.strerror or error}") from error
        if output.exists() and not force:
            raise CommandError(f"{output} exists; pass --force to overwrite it.")
        report = IMPORTERS[kind](text)
        if report.questions:
            output.write_text(dump_yaml(report, lesson=lesson), encoding="utf-8")
        self.stdout.write(f"Converted {len(report.questions)} question(s) from {source} ({kind}).")
        for note in report.skipped:
            self.stdout.write(self.style.WARNING(f"Skipped, {source} {note}"))
        for note in report.flagged:
            self.stdout.write(self.style.WARNING(f"Needs editing, source {note}"))
        if report.questions:
            self.stdout.write(
                f"Wrote {output}. Fill in what is flagged, then check it with "
                "`python manage.py loadcourse content/ --check`."
            )
