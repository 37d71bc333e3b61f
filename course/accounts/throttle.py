"""Throttle account mail (sign-up, password reset) per client address and per e-mail address.

Logins are throttled by django-axes (see settings); this module gives axes and the views one rule
for the client's address, and a fixed-window counter in the shared cache for the rest. With Redis
the counts are shared by every process; with the local cache each process counts on its own.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 3600


def client_ip(request: HttpRequest) -> str:
    """Return the client's address: REMOTE_ADDR, or the one DJANGO_PROXY_COUNT proxies saw."""
    proxies = settings.PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if proxies and len(forwarded) >= proxies:
        return str(forwarded[-proxies])
    return str(request.META.get("REMOTE_ADDR", ""))


def _key(scope: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"throttle:{scope}:{digest}"


def allow(scope: str, *values: str, limit: int) -> bool:
    """Count one attempt against each value in this hour's window; False once any is over."""
    allowed = True
    for value in values:
        key = _key(scope, value)
        cache.add(key, 0, timeout=WINDOW_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: start a new window
            cache.set(key, 1, timeout=WINDOW_SECONDS)
            count = 1
        allowed = allowed and count <= limit
    return allowed
