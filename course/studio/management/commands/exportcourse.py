"""Write the course in the database back to content files (the format `loadcourse` reads)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from course.studio.export import export_course


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="Folder to write modules into (created).")

    def handle(self, *args: object, path: Path, **options: object) -> None:
        if path.exists() and not path.is_dir():
            raise CommandError(f"{path} is a file, not a folder.")
        written = export_course(path)
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(written)} files under {path}."))
