"""Build our own trusted markup around author content (added after sanitising)."""

from __future__ import annotations

from html import escape

from .analogies import Analogy

CALLOUT_TITLES: dict[str, str] = {
    "note": "Note",
    "warning": "Warning",
    "changed": "This changed",
    "takeaways": "Key takeaways",
}

HEADING_LEVEL = "%LEVEL%"


def callout_open(kind: str, title: str | None) -> str:
    """Open a note, warning, changed or takeaways callout."""
    label = escape(title or CALLOUT_TITLES.get(kind, kind.capitalize()))
    return (
        f'<aside class="callout callout--{escape(kind)}" aria-label="{label}">\n'
        f'<p class="callout__title">{label}</p>'
    )


def analogy_open(analogy: Analogy) -> str:
    """Open an analogy callout: icon, name and scene; the heading level is filled in later."""
    name = escape(analogy.name)
    return (
        f'<aside class="analogy analogy--{analogy.id} analogy--tint-{analogy.colour}" '
        f'aria-label="Analogy: {name}">\n'
        f'<div class="analogy__header">{analogy.icon_svg()}'
        f'<h{HEADING_LEVEL} class="analogy__title">{name}</h{HEADING_LEVEL}></div>\n'
        f'<figure class="analogy__scene">{analogy.scene_svg()}</figure>'
    )


def figure(*, svg: str, caption_html: str) -> str:
    """Return a drawing with its caption (the svg carries its own text alternative)."""
    return (
        f'<figure class="figure">\n{svg}\n'
        f'<figcaption class="figure__caption">{caption_html}</figcaption>\n</figure>'
    )


def aside_close() -> str:
    """Close a callout or analogy."""
    return "</aside>"


def div_close() -> str:
    """Close a tabs container or tab panel."""
    return "</div>"


def tabs_open() -> str:
    """Open a code-tabs container; a script may turn it into tabs."""
    return '<div class="code-tabs" data-tabs>'


def tab_panel_open(label: str) -> str:
    """Open one tab panel with a visible label (shown when there is no script)."""
    safe = escape(label)
    return (
        f'<div class="code-tabs__panel" data-tab-label="{safe}">\n'
        f'<p class="code-tabs__label">{safe}</p>'
    )


def code_figure_open(title: str) -> str:
    """Open a titled code block."""
    return (
        '<figure class="code-block">\n'
        f'<figcaption class="code-block__title">{escape(title)}</figcaption>'
    )


def code_figure_close() -> str:
    """Close a titled code block."""
    return "</figure>"


def sandbox_embed(*, module: str, scenario: str, title: str, caption_html: str, url: str) -> str:
    """Return the placeholder for an embedded sandbox, with a plain link that always works."""
    caption = f'\n<p class="sandbox-embed__caption">{caption_html}</p>' if caption_html else ""
    return (
        f'<div class="sandbox-embed" data-module="{escape(module)}" '
        f'data-scenario="{escape(scenario)}">\n'
        f'<p class="sandbox-embed__title">Sandbox: {escape(title)}</p>{caption}\n'
        f'<p class="sandbox-embed__placeholder"><a class="button sandbox-embed__run" '
        f'href="{escape(url)}" hx-get="{escape(url)}?embed=1" '
        'hx-target="closest .sandbox-embed__placeholder" hx-swap="outerHTML">'
        "Run it here</a> "
        f'<a class="sandbox-embed__link" href="{escape(url)}">Open it in the full lab</a></p>\n'
        "</div>"
    )


def quiz_embed(*, module: str, lesson: str, lesson_title: str, url: str) -> str:
    """Return the "Check yourself" link to a lesson's practice questions."""
    return (
        f'<div class="quiz-embed" data-module="{escape(module)}" data-lesson="{escape(lesson)}">\n'
        f'<p><a class="quiz-embed__link" href="{escape(url)}">Check yourself</a>: '
        f"practice questions on “{escape(lesson_title)}”.</p>\n"
        "</div>"
    )


def unknown_open() -> str:
    """Open the container of a block that has an error (never shown: loading fails)."""
    return "<div>"
