"""Read the SVG drawings of a module (`figures/*.svg`, analogy scenes and icons) into safe markup.

An SVG file is parsed (no DTDs, no entities) and written out again from an allowlist: shapes,
text, groups and arrow markers; geometry attributes; and colours only through the `f-*` classes
below, which site.css maps to the theme's colours, so every drawing follows light and dark mode
and uses one palette. Anything else is a problem reported with the file and line. Ids are
prefixed with the drawing's name, so two drawings on one page never share an id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from xml.parsers import expat

from .errors import ProblemLog

# The drawing palette. site.css (`.fig .f-…`) gives each class its theme colour and stroke.
FIGURE_CLASSES: dict[str, str] = {
    "f-box": "a plain box: surface fill, muted outline",
    "f-card": "a raised card: page background fill, text-coloured outline",
    "f-line": "a text-coloured stroke, no fill",
    "f-thin": "a thin muted stroke, no fill",
    "f-dash": "a dashed stroke (combine with a stroke class)",
    "f-heavy": "a heavy stroke, 9 px (combine with a stroke class; no arrow-head marker)",
    "f-init": "INIT / starting: info fill, link-blue outline (as in the lab timeline)",
    "f-ok": "success: green fill and outline",
    "f-bad": "failure: red fill and outline",
    "f-warn": "waiting / retry: amber fill and outline",
    "f-idle": "idle / frozen: grey fill, dashed muted outline",
    "f-accent": "the Lambda orange: accent fill and outline",
    "f-solid": "solid text-coloured fill, no stroke",
    "f-solid-muted": "solid muted fill",
    "f-solid-ok": "solid green fill",
    "f-solid-bad": "solid red fill",
    "f-solid-warn": "solid amber fill",
    "f-solid-link": "solid blue fill",
    "f-solid-accent": "solid orange fill",
    "f-solid-bg": "the page background as a fill (to knock out lines behind a label)",
    "f-stroke-ok": "green stroke, no fill",
    "f-stroke-bad": "red stroke, no fill",
    "f-stroke-warn": "amber stroke, no fill",
    "f-stroke-link": "blue stroke, no fill",
    "f-stroke-accent": "orange stroke, no fill",
    "f-arrow": "a text-coloured line with an arrow-head marker at its end",
    "f-arrow-muted": "a muted line with a muted arrow-head at its end",
    "f-t": "text: 16 px, text colour",
    "f-tm": "text: 14 px, muted colour",
    "f-tb": "text weight: bold",
    "f-tl": "text: 20 px, for a title inside a drawing",
    "f-t-ok": "text in the success colour",
    "f-t-bad": "text in the failure colour",
    "f-t-warn": "text in the waiting colour",
    "f-t-link": "text in the link blue",
    "f-t-accent": "text in the Lambda orange",
}

_ELEMENTS: dict[str, frozenset[str]] = {}
_GEOMETRY = frozenset({"class", "id", "transform", "opacity", "fill", "stroke"})
_SHAPE = _GEOMETRY | {"marker-end", "marker-start", "stroke-dasharray", "stroke-width"}
_ELEMENTS.update(
    {
        "svg": frozenset({"viewBox", "xmlns", "width", "height", "class"}),
        "g": _SHAPE | {"text-anchor", "font-size", "font-weight"},
        "defs": frozenset(),
        "marker": frozenset(
            {"id", "viewBox", "markerWidth", "markerHeight", "refX", "refY", "orient"}
            | {"markerUnits", "class"}
        ),
        "rect": _SHAPE | {"x", "y", "width", "height", "rx", "ry"},
        "circle": _SHAPE | {"cx", "cy", "r"},
        "ellipse": _SHAPE | {"cx", "cy", "rx", "ry"},
        "line": _SHAPE | {"x1", "y1", "x2", "y2"},
        "polyline": _SHAPE | {"points"},
        "polygon": _SHAPE | {"points"},
        "path": _SHAPE | {"d"},
        "text": _GEOMETRY
        | {"x", "y", "dx", "dy", "text-anchor", "font-size", "font-weight", "font-style"},
        "tspan": _GEOMETRY
        | {"x", "y", "dx", "dy", "text-anchor", "font-size", "font-weight", "font-style"},
    }
)
_TEXT_ELEMENTS = frozenset({"text", "tspan"})
_DROPPED_ON_ROOT = frozenset({"xmlns", "width", "height", "class"})
_SAFE_VALUE = re.compile(r"^[A-Za-z0-9\s.,#%()+\-]*$")
_URL_REF = re.compile(r"^url\(#([a-z][a-z0-9-]*)\)$")
_ID = re.compile(r"^[a-z][a-z0-9-]*$")
_VIEWBOX = re.compile(r"^\s*-?[\d.]+[\s,]+-?[\d.]+[\s,]+[\d.]+[\s,]+[\d.]+\s*$")
_PAINT_KEYWORDS = frozenset({"none", "currentColor"})
# An icon is drawn in one colour (`currentColor`, the analogy's tint): its root may set the
# paint for every shape, which a drawing's root may not.
_ICON_ROOT = frozenset({"fill", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin"})
_LINE_CAPS = frozenset({"butt", "round", "square", "miter", "bevel", "arcs", "miter-clip"})


class _Cleaner:
    def __init__(self, *, prefix: str, path: str, log: ProblemLog, icon: bool = False) -> None:
        self.prefix = prefix
        self.path = path
        self.log = log
        self.icon = icon
        self.out: list[str] = []
        self.stack: list[str] = []
        self.skip = 0
        self.view_box: str | None = None
        self.root_attrs: list[str] = []
        self.opened_at: list[int] = []
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.data
        self.parser.StartDoctypeDeclHandler = self.doctype
        self.parser.EntityDeclHandler = self.entity

    def problem(self, message: str) -> None:
        self.log.add(self.path, self.parser.CurrentLineNumber, message)

    def doctype(self, *_args: object) -> None:
        self.problem("a DOCTYPE is not allowed in a drawing; start with `<svg`")

    def entity(self, *_args: object) -> None:
        self.problem("entity declarations are not allowed in a drawing")

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if self.skip:
            self.skip += 1
            return
        if not self.stack and name != "svg":
            self.problem(f"a drawing must start with `<svg`, not `<{name}>`")
        if name not in _ELEMENTS or (self.stack and name == "svg"):
            self.problem(
                f"`<{name}>` is not allowed in a drawing; allowed: "
                + ", ".join(sorted(set(_ELEMENTS) - {"svg"}))
            )
            self.skip = 1
            return
        kept: list[str] = []
        for attribute, value in attrs.items():
            cleaned = self.attribute(name, attribute, value)
            if cleaned is not None:
                kept.append(cleaned)
        self.stack.append(name)
        if len(self.stack) == 1:
            return
        self.opened_at.append(len(self.out))
        self.out.append(f"<{name}{''.join(kept)}>")

    def attribute(self, element: str, attribute: str, value: str) -> str | None:
        allowed = _ELEMENTS[element]
        if self.icon and element == "svg" and not self.stack and attribute in _ICON_ROOT:
            allowed = allowed | _ICON_ROOT
        if attribute not in allowed:
            self.problem(
                f"`{attribute}` is not allowed on `<{element}>`"
                + ("; colours and styles come from `f-…` classes" if attribute == "style" else "")
            )
            return None
        if element == "svg" and len(self.stack) == 0:
            if self.icon and attribute in _ICON_ROOT:
                self.icon_root(attribute, value)
                return None
            if attribute == "viewBox":
                if not _VIEWBOX.match(value):
                    self.problem("`viewBox` must be four numbers: `0 0 480 240`")
                else:
                    self.view_box = " ".join(value.replace(",", " ").split())
            return None
        if attribute == "class":
            classes = value.split()
            unknown = [name for name in classes if name not in FIGURE_CLASSES]
            if unknown:
                self.problem(
                    f"unknown drawing class `{unknown[0]}`; use the palette: "
                    + ", ".join(FIGURE_CLASSES)
                )
                return None
            return f' class="{" ".join(classes)}"'
        if attribute == "id":
            if not _ID.match(value):
                self.problem(f"the id `{value}` must be lowercase letters, digits and hyphens")
                return None
            return f' id="{self.prefix}{value}"'
        if attribute in {"fill", "stroke", "marker-end", "marker-start"}:
            reference = _URL_REF.match(value)
            if reference:
                return f' {attribute}="url(#{self.prefix}{reference[1]})"'
            if attribute in {"fill", "stroke"} and value in _PAINT_KEYWORDS:
                return f' {attribute}="{value}"'
            self.problem(
                f'`{attribute}="{value}"`: colours come from `f-…` classes '
                "(only `none`, `currentColor` or `url(#id)` are allowed here)"
            )
            return None
        if not _SAFE_VALUE.match(value):
            self.problem(f"the value of `{attribute}` holds characters a drawing does not need")
            return None
        return f' {attribute}="{escape(value)}"'

    def icon_root(self, attribute: str, value: str) -> None:
        """Keep a paint attribute of an icon's root (its shapes inherit it)."""
        if attribute in {"fill", "stroke"} and value not in _PAINT_KEYWORDS:
            self.problem(
                f'`{attribute}="{value}"`: an icon is drawn in its analogy\'s colour; '
                "use `none` or `currentColor`"
            )
        elif attribute in {"stroke-linecap", "stroke-linejoin"} and value not in _LINE_CAPS:
            self.problem(f"`{attribute}` must be one of {', '.join(sorted(_LINE_CAPS))}")
        elif attribute == "stroke-width" and not re.fullmatch(r"\d+(\.\d+)?", value):
            self.problem("`stroke-width` must be a number, like `2`")
        else:
            self.root_attrs.append(f' {attribute}="{value}"')

    def end(self, name: str) -> None:
        if self.skip:
            self.skip -= 1
            return
        self.stack.pop()
        if self.stack:
            start = self.opened_at.pop()
            if self.icon and start == len(self.out) - 1:
                self.out[start] = self.out[start][:-1] + "/>"  # an empty element, as written
            else:
                self.out.append(f"</{name}>")

    def data(self, text: str) -> None:
        if self.skip or not self.stack:
            return
        if self.stack[-1] in _TEXT_ELEMENTS:
            self.out.append(escape(text, quote=False))
        elif self.icon and not text.strip():
            self.out.append(text)  # an icon keeps its layout (whitespace only)
        elif text.strip():
            self.problem(f"text must be inside `<text>`, not directly in `<{self.stack[-1]}>`")

    def clean(self, text: str) -> str | None:
        before = len(self.log)
        try:
            self.parser.Parse(text, True)
        except expat.ExpatError as error:
            self.log.add(self.path, error.lineno, f"not a well-formed SVG file: {error}")
            return None
        if self.view_box is None:
            self.log.add(self.path, 1, "the `<svg>` needs a `viewBox`, like `0 0 480 240`")
        if len(self.log) > before:
            return None
        return "".join(self.out)


@dataclass(frozen=True)
class Drawing:
    """A cleaned SVG drawing: its viewBox and its children as trusted markup."""

    view_box: str
    inner: str
    root_attrs: str = ""  # an icon's paint attributes, inherited by its shapes

    def icon(self, *, css_class: str) -> str:
        """Return the drawing as a decorative inline icon, hidden from assistive technology."""
        return (
            f'<svg class="{escape(css_class)}" aria-hidden="true" focusable="false" width="48" '
            f'height="48" xmlns="http://www.w3.org/2000/svg" viewBox="{self.view_box}"'
            f"{self.root_attrs}>{self.inner}</svg>"
        )

    def svg(self, *, label: str, css_class: str) -> str:
        """Return the drawing as inline SVG with `label` as its text alternative."""
        return (
            f'<svg class="fig {escape(css_class)}" viewBox="{self.view_box}" role="img" '
            f'aria-label="{escape(label)}" focusable="false">{self.inner}</svg>'
        )


def clean_svg(
    text: str, *, prefix: str, path: str, log: ProblemLog, icon: bool = False
) -> Drawing | None:
    """Return the drawing's safe inner markup and viewBox, or None after logging problems.

    An `icon` (an analogy's badge) may set `fill`, `stroke` and the stroke's width, caps and
    joins on its root for all its shapes, and keeps its whitespace and empty elements as written.
    """
    cleaner = _Cleaner(prefix=prefix, path=path, log=log, icon=icon)
    inner = cleaner.clean(text)
    if inner is None or cleaner.view_box is None:
        return None
    return Drawing(view_box=cleaner.view_box, inner=inner, root_attrs="".join(cleaner.root_attrs))


def read_figures(folder: Path, *, rel: str, log: ProblemLog) -> dict[str, Drawing]:
    """Read every `*.svg` in a module's `figures/` folder; `rel` is the folder's shown path."""
    drawings: dict[str, Drawing] = {}
    if not folder.is_dir():
        return drawings
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith((".", "_")) or path.suffix != ".svg":
            continue
        shown = f"{rel}/{path.name}"
        if not _ID.match(path.stem):
            log.add(shown, None, f"the file name `{path.name}` must be a lowercase slug")
            continue
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            log.add(shown, None, "the file is not UTF-8 text")
            continue
        drawing = clean_svg(text, prefix=f"fig-{path.stem}-", path=shown, log=log)
        if drawing is not None:
            drawings[path.name] = drawing
    return drawings
