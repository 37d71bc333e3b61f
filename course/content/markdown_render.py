"""Render lesson Markdown to sanitised HTML with our trusted chrome added afterwards."""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import markdown

from .analogies import Analogy
from .blocks import (
    BlockContext,
    Prepared,
    UrlBuilder,
    default_practice_url,
    default_sandbox_url,
    prepare_blocks,
)
from .chrome import HEADING_LEVEL
from .errors import ProblemLog
from .figures import Drawing
from .sanitise import sanitise
from .sources import TocEntry

_local = threading.local()
_HEADING_RE = re.compile(r"<h([1-6])[\s>]")
_SINGLE_PARAGRAPH_RE = re.compile(r"^<p>(.*)</p>$", re.DOTALL)


@dataclass(frozen=True)
class Rendered:
    """A rendered document: HTML, headings, searchable text and what its blocks used."""

    html: str
    toc: tuple[TocEntry, ...]
    plain_text: str
    analogies: tuple[str, ...]
    scenario_refs: tuple[str, ...]
    quiz_refs: tuple[str, ...]
    links: tuple[tuple[str, int], ...] = ()  # internal-looking link targets and their lines


def _markdown() -> markdown.Markdown:
    """Return this thread's Markdown converter, reset for a new document."""
    converter: markdown.Markdown | None = getattr(_local, "markdown", None)
    if converter is None:
        converter = markdown.Markdown(
            extensions=["fenced_code", "tables", "toc", "codehilite", "sane_lists"],
            extension_configs={
                "codehilite": {"css_class": "highlight", "guess_lang": False},
                "tables": {"use_align_attribute": True},
            },
            output_format="html",
        )
        _local.markdown = converter
    converter.reset()
    return converter


def render_fragment(text: str, *, inline: bool = False) -> str:
    """Render a short Markdown text (a question stem, a choice) to sanitised HTML.

    With `inline`, a single paragraph loses its `<p>` wrapper.
    """
    if not text.strip():
        return ""
    rendered = sanitise(_markdown().convert(text)).strip()
    if inline:
        match = _SINGLE_PARAGRAPH_RE.match(rendered)
        if match and "<p>" not in match[1]:
            return match[1]
    return rendered


def render_markdown(
    text: str,
    *,
    module: str,
    lesson: str | None = None,
    lessons: Mapping[str, str] | None = None,
    presets: Mapping[str, str] | None = None,
    path: str = "<text>",
    first_line: int = 1,
    log: ProblemLog | None = None,
    sandbox_url: UrlBuilder = default_sandbox_url,
    practice_url: UrlBuilder = default_practice_url,
    figures: Mapping[str, Drawing] | None = None,
    analogies: Mapping[str, Analogy] | None = None,
) -> Rendered:
    """Render a lesson body (or module introduction) to sanitised HTML.

    `lessons` and `presets` map the module's slugs to titles, for checking and labelling the
    `quiz` and `sandbox` blocks; the URL builders take (module slug, lesson or preset slug);
    `figures` maps the file names of the module's drawings to their cleaned SVG, and
    `analogies` the ids of the analogies it declares to them (`analogies.py`).
    Problems go to `log`; without one, they are raised at the end as `ContentError`.
    """
    own_log = log is None
    problems = ProblemLog() if log is None else log
    context = BlockContext(
        module=module,
        lesson=lesson,
        lessons=lessons or {},
        presets=presets or {},
        sandbox_url=sandbox_url,
        practice_url=practice_url,
        render_inline=lambda caption: render_fragment(caption, inline=True),
        figures=figures or {},
        analogies=analogies or {},
    )
    prepared = prepare_blocks(text, first_line=first_line, context=context, path=path, log=problems)
    converter = _markdown()
    body = sanitise(converter.convert(prepared.text))
    toc_tokens: list[dict[str, Any]] = getattr(converter, "toc_tokens", [])
    page = _insert_chrome(body, prepared, path, problems)
    if own_log:
        problems.raise_if_any()
    return Rendered(
        html=page,
        toc=tuple(_flatten_toc(toc_tokens)),
        plain_text=plain_text(page),
        analogies=tuple(prepared.analogies),
        scenario_refs=tuple(dict.fromkeys(prepared.scenario_refs)),
        quiz_refs=tuple(dict.fromkeys(prepared.quiz_refs)),
        links=tuple(prepared.links),
    )


def _flatten_toc(tokens: list[dict[str, Any]]) -> list[TocEntry]:
    entries: list[TocEntry] = []
    for token in tokens:
        title = html.unescape(str(token["name"]))
        entries.append(TocEntry(int(token["level"]), str(token["id"]), title))
        entries.extend(_flatten_toc(token.get("children", [])))
    return entries


def _insert_chrome(body: str, prepared: Prepared, path: str, log: ProblemLog) -> str:
    """Replace each token paragraph with its trusted HTML."""
    pieces = prepared.pieces
    token = prepared.token_re.pattern

    def breaks_down(match: re.Match[str]) -> str:
        piece = pieces[match[1]]
        return piece.html if piece.breaks_down else match[0]

    body = re.sub(rf"<p>({token})</p>\s*<p>", breaks_down, body)

    def replace(match: re.Match[str]) -> str:
        piece = pieces[match[1]]
        if piece.breaks_down:
            return ""
        if HEADING_LEVEL not in piece.html:
            return piece.html
        levels = _HEADING_RE.findall(match.string, 0, match.start())
        level = min(int(levels[-1]) + 1, 6) if levels else 2
        return piece.html.replace(HEADING_LEVEL, str(level))

    body = re.sub(rf"<p>({token})</p>", replace, body)
    for leftover in dict.fromkeys(prepared.token_re.findall(body)):
        log.add(
            path,
            pieces[leftover].line,
            "this block could not be placed: is an HTML tag or list above it left open?",
        )
        body = body.replace(leftover, "")
    return body


_INLINE_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "i",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
    ]
)


class _TextCollector(HTMLParser):
    """Collect the visible text of HTML, skipping inline SVG."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "svg":
            self.skip += 1
        if tag not in _INLINE_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg" and self.skip:
            self.skip -= 1
        if tag not in _INLINE_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def plain_text(page: str) -> str:
    """Return the words of an HTML page as one line of text, for search."""
    collector = _TextCollector()
    collector.feed(page)
    collector.close()
    return " ".join("".join(collector.parts).split())
