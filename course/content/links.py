"""Internal links in lessons: found in the Markdown with their line, resolved when the course loads.

A link inside the course is a path (`/modules/<module>/<lesson>/#anchor`, `/sandbox/<module>/
<preset>/`, `/quizzes/<module>/<quiz>/` …), a relative path (`../cold-starts/`) or an anchor on
the same page (`#cold-starts`). Each must lead to a lesson, heading, preset or quiz that exists,
or the load reports it at its line with the nearest name. Plain Python: no Django.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

from .errors import ProblemLog
from .fields import did_you_mean, known_list

_CODE_SPAN = re.compile(r"(`+).*?\1")
_INLINE = re.compile(r"\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'(][^)]*)?\)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
_HTML = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']*)["']""")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_ID = re.compile(r"""\sid="([^"]+)\"""")

# Pages outside the course's content that a lesson may link to without a check.
UNCHECKED_PREFIXES = ("/accounts/", "/static/", "/search/", "/admin/")


@dataclass(frozen=True)
class Link:
    """A link found in a document: where it is and the page it is on (for relative links)."""

    url: str
    path: str
    line: int
    base: str


def links_in_line(line: str) -> list[str]:
    """Return the link targets of one Markdown line that could be internal (code spans skipped)."""
    text = _CODE_SPAN.sub("", line)
    found = [*_INLINE.findall(text), *_HTML.findall(text)]
    reference = _REFERENCE.match(text)
    if reference:
        found.append(reference[1])
    return [url for url in found if url and not url.startswith("//") and not _SCHEME.match(url)]


def anchors_in(html: str) -> frozenset[str]:
    """Return every id of a rendered page: the anchors a link may point at."""
    return frozenset(_ID.findall(html))


def lesson_url(module: str, lesson: str | None) -> str:
    """Return the path of a lesson page (or of the module page when `lesson` is None)."""
    return f"/modules/{module}/{lesson}/" if lesson else f"/modules/{module}/"


@dataclass
class ModuleTargets:
    """What the links of a course may point at inside one module."""

    slug: str
    intro_anchors: frozenset[str] = frozenset()
    lessons: dict[str, frozenset[str]] = field(default_factory=dict)
    presets: frozenset[str] = frozenset()
    quizzes: frozenset[str] = frozenset()
    links: list[Link] = field(default_factory=list)


def check_links(modules: Sequence[ModuleTargets], log: ProblemLog, *, complete: bool) -> None:
    """Record every link of `modules` that leads nowhere.

    With `complete` false (one module parsed alone), links into other modules are not checked.
    """
    by_slug = {module.slug: module for module in modules}
    for module in modules:
        for link in module.links:
            problem = _problem(link, by_slug, complete=complete)
            if problem:
                log.add(link.path, link.line, f"link `{link.url}`: {problem}")


def _problem(link: Link, modules: Mapping[str, ModuleTargets], *, complete: bool) -> str | None:
    target, fragment = urldefrag(urljoin(link.base, link.url))
    path = urlsplit(target).path
    if not path.endswith("/"):
        path += "/"  # the site adds the trailing slash
    if path.startswith(UNCHECKED_PREFIXES) or path == "/":
        return None
    parts = path.strip("/").split("/")
    area, rest = parts[0], parts[1:]
    if area == "sandbox" and not rest:
        return None
    if area not in ("modules", "sandbox", "quizzes") or not rest:
        return (
            "no page of the course has this address; lessons are at /modules/<module>/<lesson>/, "
            "presets at /sandbox/<module>/<preset>/, quizzes at /quizzes/<module>/<quiz>/"
        )
    if area == "quizzes" and rest == ["history"]:
        return None
    module = modules.get(rest[0])
    if module is None:
        if not complete:
            return None
        return f"unknown module `{rest[0]}`{did_you_mean(rest[0], modules)}; modules: " + (
            known_list(modules)
        )
    rest = rest[1:]
    if area == "modules":
        return _lesson_problem(module, rest, fragment)
    if area == "sandbox":
        if len(rest) != 1:
            return "a preset's address is /sandbox/<module>/<preset>/"
        return _unknown(rest[0], module.presets, "sandbox preset", f"presets of `{module.slug}`")
    return _quiz_problem(module, rest)


def _lesson_problem(module: ModuleTargets, rest: list[str], fragment: str) -> str | None:
    if not rest:
        return _anchor_problem(fragment, module.intro_anchors, f"module `{module.slug}`'s page")
    if len(rest) > 2 or (len(rest) == 2 and rest[1] != "print"):
        return "a lesson's address is /modules/<module>/<lesson>/ (with an optional #anchor)"
    lesson = rest[0]
    problem = _unknown(lesson, module.lessons, "lesson", f"lessons of `{module.slug}`")
    if problem:
        return problem
    return _anchor_problem(fragment, module.lessons[lesson], f"lesson `{lesson}`")


def _quiz_problem(module: ModuleTargets, rest: list[str]) -> str | None:
    if not rest:
        return None
    if rest[0] == "practice":
        if len(rest) == 1:
            return None
        if len(rest) == 2:
            return _unknown(rest[1], module.lessons, "lesson", f"lessons of `{module.slug}`")
        return "practice questions are at /quizzes/<module>/practice/<lesson>/"
    if len(rest) != 1:
        return "a quiz's address is /quizzes/<module>/<quiz>/"
    return _unknown(rest[0], module.quizzes, "quiz", f"quizzes of `{module.slug}`")


def _unknown(
    name: str, known: Mapping[str, object] | frozenset[str], what: str, where: str
) -> str | None:
    if name in known:
        return None
    return f"unknown {what} `{name}`{did_you_mean(name, known)}; {where}: {known_list(known)}"


def _anchor_problem(fragment: str, anchors: frozenset[str], page: str) -> str | None:
    if not fragment or fragment in anchors:
        return None
    return (
        f"{page} has no heading with the anchor `#{fragment}`{did_you_mean(fragment, anchors)}; "
        f"its anchors: {known_list(anchors)}"
    )
