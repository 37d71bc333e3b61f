"""Values every page's layout needs."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .caching import is_public_render
from .roles import shows_instructor_links


def site(request: HttpRequest) -> dict[str, object]:
    """Give templates the course name and whether the visitor is an instructor.

    `is_instructor` is asked only when a template reads it (the page header does; htmx
    partials such as an exam's autosave response do not), and then from the cache
    (`roles.shows_instructor_links`): it chooses links to show, never what the visitor may do.
    """
    user = getattr(request, "user", None)
    values: dict[str, object] = {
        "site_name": "Lambda Lab",
        "is_instructor": SimpleLazyObject(lambda: shows_instructor_links(user)),
    }
    if is_public_render(request):
        # A page for the anonymous page cache: no token in it (see includes/csrf_field.html).
        values["csrf_token"] = ""
        values["public_page"] = True
    return values
