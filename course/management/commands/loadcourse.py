"""Validate every file under a content folder, then load it in one transaction."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from course.content.item_writing import ItemReport, check_course
from course.loading import BrowserEditsRefused, ContentError, RetireRefused, load_course


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
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Retire published modules that have no folder here (refused without it).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite items edited in the browser since the last load (refused without it).",
        )

    def handle(
        self,
        *args: object,
        path: Path | None,
        check: bool,
        prune: bool,
        force: bool = False,
        **options: object,
    ) -> None:
        path = path or Path(settings.COURSE_CONTENT_DIR)
        if not path.is_dir():
            raise CommandError(f"{path}: no such folder (expected a folder of modules).")
        # Item writing (docs/authoring.md): a bank-level threshold blocks the load like any
        # other problem; per-question cues are printed as warnings and block nothing.
        banks = check_course(path)
        bank_errors = [problem for report in banks.values() for problem in report.errors]
        try:
            if bank_errors:
                try:
                    load_course(path, check_only=True)
                except ContentError as error:
                    raise ContentError(error.problems + bank_errors) from error
                raise ContentError(bank_errors)
            summary = load_course(path, check_only=check, prune=prune, force=force)
        except (
            ContentError,
            RetireRefused,
            BrowserEditsRefused,
        ) as error:  # the message names file and line
            raise CommandError(str(error)) from error
        self._report_item_writing(banks)
        prefix = "Content is valid. " if check else ""
        self.stdout.write(self.style.SUCCESS(prefix + str(summary)))

    def _report_item_writing(self, banks: dict[str, ItemReport]) -> None:
        for module, report in banks.items():
            warnings = report.warnings
            if warnings:
                count = len(warnings)
                self.stdout.write(
                    self.style.WARNING(
                        f"{count} item-writing warning{'s' if count != 1 else ''} in {module}:"
                    )
                )
                for problem in warnings:
                    self.stdout.write(f"  {problem}")
            if report.stats.questions:
                self.stdout.write(f"Item writing, {module}: {report.stats}")
