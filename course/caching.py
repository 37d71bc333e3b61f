"""Whole-page cache for anonymous readers of the catalogue, module, lesson and lab pages.

A visitor who sends no session cookie (and no pending messages) is anonymous without a database
query, and every such visitor sees the same page for the same address: the page is rendered
once and kept in the cache (Redis across processes, or the local cache), keyed by

- the content version (`content_version`), bumped by `loadcourse` and by every save of a module
  or lesson (publishing in the admin), so a reload or a publish retires every cached page at
  once without scanning keys;
- the path: only full pages at an address without a query string are kept (`is_cacheable`),
  so their number is bounded by the course's pages and no parameter can fill the cache.

The one per-visitor part of those pages, the CSRF token (the `hx-headers` of `<body>` and the
lesson's "mark complete" form), is rendered as a placeholder, and what replaces it depends only
on what the visitor sends:

- **No CSRF cookie** (a first visit, a crawler, anyone a proxy serves): the token is left
  empty, so the page is the same bytes for every such visitor and goes out
  `Cache-Control: public, max-age=PAGE_CACHE_PUBLIC_SECONDS` with `Vary: Cookie, HX-Request` and no
  `Set-Cookie`: a CDN or proxy may hold it. `static/js/site.js` gets the visitor a token when
  it first needs one (a form submit or an htmx POST): it asks the page's own address with the
  `X-CSRF-Cookie` header, answered here with an empty 204 that sets the `csrftoken` cookie, and
  then sends the cookie's value (the form field, the `X-CSRFToken` header). Without JavaScript,
  each emptied form field is followed by a `<noscript>` link to the same page with `?form`: a
  query string is never cached, so that page is rendered with the visitor's own token (and sets
  the cookie), and its form works.
- **A CSRF cookie** (the visitor has posted, logged out, or followed that link): the visitor's
  own token goes in, and the response is `Cache-Control: private`: a browser may keep it, a
  shared cache may not.

A cached page therefore never carries another visitor's token. Signed-in visitors and anyone
with a session are never served from this cache (their pages show their progress and account
links).
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
from django.utils.html import format_html

from .models import Lesson, Module

View = TypeVar("View", bound=Callable[..., HttpResponse])
VERSION_KEY = "page-cache:version"
# Rendered instead of the CSRF token in a page that is about to be cached (see the module doc).
CSRF_PLACEHOLDER = "page-cache-csrf-placeholder-0b7f3c1e"
# Sent by site.js to get a CSRF cookie before a cookie-less visitor's first POST.
TOKEN_REQUEST_HEADER = "X-CSRF-Cookie"
# The form field Django's {% csrf_token %} draws, with the placeholder as its value.
TOKEN_FIELD = format_html(
    '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', CSRF_PLACEHOLDER
)
# What a cookie-less visitor's page has instead of it (the no-JavaScript way to a token).
EMPTY_TOKEN_FIELD = (
    '<input type="hidden" name="csrfmiddlewaretoken" value="" data-csrf-empty>'
    '<noscript><p class="muted">Without JavaScript, <a href="?form">open this form</a> '
    "first.</p></noscript>"
)
# Response headers a cached page keeps (htmx's history and swap instructions among them).
KEPT_HEADERS = ("Content-Type", "HX-Push-Url", "HX-Retarget", "HX-Reswap", "HX-Trigger")
VARY = ("Cookie", "HX-Request")


def content_version() -> int:
    """Return the current content version (1 before the first bump)."""
    return int(cache.get(VERSION_KEY) or 1)


def bump_content_version() -> None:
    """Retire every cached page: called when content is loaded, published or edited."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): start above the implicit 1
        cache.set(VERSION_KEY, 2, timeout=None)


def _bump_on_save(**kwargs: Any) -> None:
    bump_content_version()


for _model in (Module, Lesson):
    post_save.connect(_bump_on_save, sender=_model, dispatch_uid=f"page-cache-{_model.__name__}")
    post_delete.connect(
        _bump_on_save, sender=_model, dispatch_uid=f"page-cache-d-{_model.__name__}"
    )


def is_cacheable(request: HttpRequest) -> bool:
    """Return whether this request gets the page every anonymous visitor gets.

    Only full pages at an address without a query string: those are as many as the course has
    pages (an unknown address is a 404, never kept), so no query string or header can fill the
    cache. A lab run with knobs or steps is served by its view from the cached run.
    """
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and "HX-Request" not in request.headers
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def page_key(request: HttpRequest) -> str:
    """Return the cache key of the page at this request's path, under the content version."""
    digest = hashlib.sha256(request.path.encode()).hexdigest()
    return f"page-cache:{content_version()}:{digest}"


def is_placeholder_render(request: HttpRequest) -> bool:
    """Return whether templates should draw the CSRF placeholder (see the context processor)."""
    return bool(getattr(request, "_page_cache_render", False))


def _serve(request: HttpRequest, entry: dict[str, Any]) -> HttpResponse:
    """Return the cached page: public without a CSRF cookie, else private with its token."""
    body: str = entry["body"]
    public = settings.CSRF_COOKIE_NAME not in request.COOKIES
    if CSRF_PLACEHOLDER in body:
        if public:
            body = body.replace(TOKEN_FIELD, EMPTY_TOKEN_FIELD).replace(CSRF_PLACEHOLDER, "")
        else:
            body = body.replace(CSRF_PLACEHOLDER, get_token(request))
    response = HttpResponse(body, status=entry["status"])
    for name, value in entry["headers"].items():
        response[name] = value
    return _mark(response, public=public)


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
                body = response.content.decode() if not response.streaming else ""
                if CSRF_PLACEHOLDER in body:  # not cacheable after all: give the real token
                    response.content = body.replace(CSRF_PLACEHOLDER, get_token(request))
                return _mark(response)
            entry = {
                "status": response.status_code,
                "body": response.content.decode(response.charset),
                "headers": {name: response[name] for name in KEPT_HEADERS if name in response},
            }
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
        return _serve(request, entry)

    return cast(View, wrapped)
