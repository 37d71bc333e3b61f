"""Clean author HTML: keep formatting, drop scripts, event handlers, styles and bad URLs."""

from __future__ import annotations

import nh3
from pygments.token import STANDARD_TYPES

# Pygments' short token classes (`k`, `s2`, …) plus `hll` for highlighted lines.
_PYGMENTS_CLASSES = {name for name in STANDARD_TYPES.values() if name} | {"hll"}

_TAGS = set(nh3.ALLOWED_TAGS) - {"center", "acronym", "tt", "strike", "map", "area"}

_ATTRIBUTES: dict[str, set[str]] = {
    tag: set(attributes) for tag, attributes in nh3.ALLOWED_ATTRIBUTES.items() if tag in _TAGS
}
for _heading in ("h1", "h2", "h3", "h4", "h5", "h6"):
    _ATTRIBUTES.setdefault(_heading, set()).add("id")
_ATTRIBUTES["a"] = {"href", "title"}
_ATTRIBUTES["img"] = {"src", "alt", "title", "width", "height"}
_ATTRIBUTES["abbr"] = {"title"}

# Only the classes Markdown and Pygments produce survive, so authors cannot borrow the classes
# of our own chrome (analogy callouts, tabs, embeds) to imitate it.
_CLASSES: dict[str, set[str]] = {
    "div": {"highlight"},
    "span": _PYGMENTS_CLASSES,
}

_URL_SCHEMES = {"http", "https", "mailto"}


def sanitise(html: str) -> str:
    """Return `html` with everything unsafe or unstyled removed.

    Code blocks may scroll sideways, so each `<pre>` is made focusable afterwards: keyboard
    users can then scroll it (WCAG 2.1.1; axe rule scrollable-region-focusable).
    """
    clean = nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        allowed_classes=_CLASSES,
        link_rel="noopener noreferrer",
    )
    return clean.replace("<pre>", '<pre tabindex="0">')
