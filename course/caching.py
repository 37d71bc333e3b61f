"""Whole-page cache for anonymous readers of the catalogue, module, lesson and lab pages, and
the shared parts every other reader's page is rendered around.

A visitor who sends no session cookie (and no pending messages) is anonymous without a database
query, and every such visitor sees the same page for the same address: the page is rendered
once and kept in the cache (Redis across processes, or the local cache), keyed by

- the content version (`content_version`), bumped by `loadcourse` and by every save of a module
  or lesson (publishing in the admin), so a reload or a publish retires every cached page at
  once without scanning keys;
- the path: only full pages at an address without a query string are kept (`is_cacheable`),
  so their number is bounded by the course's pages and no parameter can fill the cache;
- the visitor: only a visitor who sends no CSRF cookie either is served from it (a first
  visit, a crawler, anyone a proxy serves).

Such a page carries no visitor's token, so it is the same bytes for every such visitor and goes
out `Cache-Control: public, max-age=PAGE_CACHE_PUBLIC_SECONDS` with `Vary: Cookie, HX-Request`
and no `Set-Cookie`: a CDN or proxy may hold it. It is rendered that way by the templates
themselves: the context processor gives them an empty `csrf_token` and `public_page`, and
`templates/includes/csrf_field.html` draws, in place of `{% csrf_token %}`, an empty token field
followed by a `<noscript>` link to the same page with `?form`. `static/js/site.js` gets the
visitor a token when it first needs one (a form submit or an htmx POST): it asks the page's own
address with the `X-CSRF-Cookie` header, answered here with an empty 204 that sets the
`csrftoken` cookie, and then sends the cookie's value (the form field, the `X-CSRFToken`
header). Without JavaScript, the `?form` link opens the page with a query string, never cached,
so it is rendered with the visitor's own token (and sets the cookie), and its form works.

A visitor with a CSRF cookie (who has posted, logged out, or followed that link) gets the page
rendered for them with their own token, `Cache-Control: private`; so do signed-in visitors and
anyone with a session (their pages show their progress and account links). Their pages reuse
the shared parts cached under the same content version (`shared`): the lesson, the module's
lesson list, the catalogue, the gallery. A cached page therefore never carries another visitor's
token or data.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers

from .models import Lesson, Module
from .preview import drafts_visible

View = TypeVar("View", bound=Callable[..., HttpResponse])
T = TypeVar("T")
VERSION_KEY = "page-cache:version"
# Sent by site.js to get a CSRF cookie before a cookie-less visitor's first POST.
TOKEN_REQUEST_HEADER = "X-CSRF-Cookie"
# Response headers a cached page keeps (htmx's history and swap instructions among them).
KEPT_HEADERS = ("Content-Type", "HX-Push-Url", "HX-Retarget", "HX-Reswap", "HX-Trigger")
VARY = ("Cookie", "HX-Request")


def content_version() -> int:
    """Return the current content version (1 before the first bump)."""
    return int(cache.get(VERSION_KEY) or 1)


def bump_version(key: str) -> None:
    """Increase a version counter kept in the cache (its implicit value is 1 until set)."""
    try:
        cache.incr(key)
    except ValueError:  # not set yet (or evicted): start above the implicit 1
        cache.set(key, 2, timeout=None)


def bump_content_version() -> None:
    """Retire every cached page: called when content is loaded, published or edited."""
    bump_version(VERSION_KEY)


def fragment_version() -> str:
    """Return what shared parts are cached under: the content version, and whether drafts show.

    An instructor previewing drafts sees other lessons in a module (and other positions), so
    what they get is kept apart from what learners get.
    """
    return f"{content_version()}{'-drafts' if drafts_visible() else ''}"


def fragment_context() -> dict[str, object]:
    """Return the `fragment` a template's `{% cache %}` tags key on: version and lifetime."""
    return {"fragment": {"version": fragment_version(), "seconds": settings.PAGE_CACHE_SECONDS}}


def shared(name: str, build: Callable[[], T]) -> T:
    """Return a part of a page that is the same for every visitor, cached under the version.

    `name` says which part and of what ("lesson:<module>:<lesson>"); `build` makes it on a miss
    (its queries: an `Http404` it raises is never cached). A signed-in learner's page is
    rendered per request around such parts, so their progress and account links stay theirs.
    While drafts show (an instructor's preview), the part is built for the request, not kept.
    """
    if drafts_visible():
        return build()
    key = f"shared:{content_version()}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, settings.PAGE_CACHE_SECONDS)
    return cast(T, value)


def _bump_on_save(**kwargs: Any) -> None:
    bump_content_version()


for _model in (Module, Lesson):
    post_save.connect(_bump_on_save, sender=_model, dispatch_uid=f"page-cache-{_model.__name__}")
    post_delete.connect(
        _bump_on_save, sender=_model, dispatch_uid=f"page-cache-d-{_model.__name__}"
    )


def is_cacheable(request: HttpRequest) -> bool:
    """Return whether this request gets the page every anonymous visitor gets.

    Only for a visitor without a session or CSRF cookie (a page with no token in it), and only
    full pages at an address without a query string: those are as many as the course has
    pages (an unknown address is a 404, never kept), so no query string or header can fill the
    cache. A lab run with knobs or steps is served by its view from the cached run.
    """
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and "HX-Request" not in request.headers
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and settings.CSRF_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def page_key(request: HttpRequest) -> str:
    """Return the cache key of the page at this request's path, under the content version."""
    digest = hashlib.sha256(request.path.encode()).hexdigest()
    return f"page-cache:{content_version()}:{digest}"


def is_public_render(request: HttpRequest) -> bool:
    """Return whether the page is drawn for the cache: no token (see the context processor)."""
    return bool(getattr(request, "_page_cache_render", False))


def _serve(entry: dict[str, Any]) -> HttpResponse:
    """Return the cached page, public: the same bytes for every cookie-less visitor."""
    response = HttpResponse(entry["body"], status=entry["status"])
    for name, value in entry["headers"].items():
        response[name] = value
    return _mark(response, public=True)


def _mark(response: HttpResponse, *, public: bool = False) -> HttpResponse:
    patch_vary_headers(response, VARY)
    if public and not response.cookies:
        patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_PUBLIC_SECONDS)
    else:
        patch_cache_control(response, private=True, max_age=0)
    return response


def _token_cookie(request: HttpRequest) -> HttpResponse:
    """An empty answer that gives the visitor a CSRF cookie (asked by site.js before a POST)."""
    get_token(request)  # CsrfViewMiddleware sets the cookie on the way out
    response = HttpResponse(status=204)
    add_never_cache_headers(response)
    patch_vary_headers(response, VARY)
    return response


def anonymous_page_cache(view: View) -> View:
    """Serve the view's page from the cache to anonymous visitors (see the module doc)."""

    @functools.wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if TOKEN_REQUEST_HEADER in request.headers:
            return _token_cookie(request)
        if not is_cacheable(request):
            return _mark(view(request, *args, **kwargs))
        key = page_key(request)
        entry = cache.get(key)
        if entry is None:
            request._page_cache_render = True
            try:
                response = view(request, *args, **kwargs)
            finally:
                request._page_cache_render = False
            if response.status_code != 200 or response.streaming or response.cookies:
                return _mark(response)  # not the same for everyone after all: private
            entry = {
                "status": response.status_code,
                "body": response.content.decode(response.charset),
                "headers": {name: response[name] for name in KEPT_HEADERS if name in response},
            }
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
        return _serve(entry)

    return cast(View, wrapped)
