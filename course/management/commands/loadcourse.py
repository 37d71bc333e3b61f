"""Validate every file under a content folder, then load it in one transaction."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from course.loading import ContentError, load_course


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            type=Path,
            nargs="?",
            help="Folder of modules, e.g. content/ (default: the COURSE_CONTENT_DIR setting).",
        )
        parser.add_argument(
            "--check", action="store_true", help="Only validate the files; write nothing."
        )

    def handle(self, *args: object, path: Path | None, check: bool, **options: object) -> None:
        path = path or Path(settings.COURSE_CONTENT_DIR)
        if not path.is_dir():
            raise CommandError(f"{path}: no such folder (expected a folder of modules).")
        try:
            summary = load_course(path, check_only=check)
        except ContentError as error:  # the message already names file and line
            raise CommandError(str(error)) from error
        prefix = "Content is valid. " if check else ""
        self.stdout.write(self.style.SUCCESS(prefix + str(summary)))
