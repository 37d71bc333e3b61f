"""The real course in the test database, loaded once per session and restored in milliseconds.

Parsing `content/` (YAML, Markdown) is what makes a load slow, so the session loads it once
inside a transaction that it rolls back, keeping every row the load wrote. A test that asks for
the course gets those rows bulk-inserted into its own database state: inside its rollback for
an ordinary test, committed for a transactional one (where the live server must see them, and
the flush after the test removes them again). Every test thus sees exactly what a fresh
`load_course(CONTENT_DIR)` would have written, and no test sees the course unless it asks.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction

from course.loading import LoadSummary, load_course

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class CourseSnapshot:
    """The rows one load of a content folder writes, model by model in insertion order."""

    summary: LoadSummary
    tables: list[tuple[type[models.Model], Rows]]

    @classmethod
    def capture(cls, root: Path = CONTENT_DIR) -> CourseSnapshot:
        """Load `root` in a transaction that is rolled back; keep the rows it added."""
        every_model = apps.get_models(include_auto_created=True)
        with transaction.atomic():
            before = {model: set(_pks(model)) for model in every_model}
            summary = load_course(root)
            added = {model: _new_rows(model, seen) for model, seen in before.items()}
            transaction.set_rollback(True)
        written = {model: rows for model, rows in added.items() if rows}
        return cls(summary, [(model, written[model]) for model in _parents_first(written)])

    def restore(self) -> LoadSummary:
        """Insert the captured rows into the current database and return the load's summary."""
        with transaction.atomic():
            for model, rows in self.tables:
                model._default_manager.bulk_create(model(**row) for row in rows)
            # Rows keep their ids, so PostgreSQL's sequences must move past them.
            tables = [model for model, _ in self.tables]
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), tables):
                    cursor.execute(statement)
        return copy.deepcopy(self.summary)


def _pks(model: type[models.Model]) -> list[Any]:
    return list(model._default_manager.values_list("pk", flat=True))


def _new_rows(model: type[models.Model], seen: set[Any]) -> Rows:
    pk = model._meta.pk.attname
    return [row for row in model._default_manager.values() if row[pk] not in seen]


def _parents_first(written: dict[type[models.Model], Rows]) -> list[type[models.Model]]:
    """Order models so that each comes after the models its foreign keys point to."""
    ordered: list[type[models.Model]] = []

    def visit(model: type[models.Model], path: tuple[type[models.Model], ...]) -> None:
        if model in ordered or model in path:
            return
        for field in model._meta.concrete_fields:
            parent = field.related_model
            if isinstance(parent, type) and parent in written:
                visit(parent, (*path, model))
        ordered.append(model)

    for model in written:
        visit(model, ())
    return ordered
