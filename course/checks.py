"""System checks that turn bad configuration into a clear message instead of a traceback."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError, connections


@register(Tags.database)
def check_database_reachable(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Report a database that cannot be reached, naming the engine, host and database."""
    problems: list[CheckMessage] = []
    for alias in kwargs.get("databases") or []:
        connection = connections[alias]
        try:
            connection.ensure_connection()
        except DatabaseError as error:
            settings = connection.settings_dict
            where = f"{settings['ENGINE'].rsplit('.', 1)[-1]} {settings.get('HOST') or ''}"
            where += f":{settings.get('PORT') or ''}/{settings.get('NAME')}"
            problems.append(
                Error(
                    f"Cannot connect to the {alias!r} database ({where}): {error}".strip(),
                    hint="Check DATABASE_URL, or unset it to use the local SQLite file.",
                    id="course.E001",
                )
            )
    return problems
