"""Find the `:::` blocks and the fenced `sandbox`, `quiz` and `figure` blocks in lesson Markdown.

The scanner rewrites the Markdown: each custom block boundary becomes a paragraph holding a
random token, and the token maps to trusted HTML that replaces it after sanitising. Author text
stays Markdown, so one Markdown pass renders everything and the table of contents sees every
heading.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType

from pygments.lexers import get_all_lexers

from . import chrome
from .analogies import BREAKS_DOWN, Analogy
from .errors import ProblemLog
from .fields import FileFields, did_you_mean, known_list
from .figures import Drawing
from .links import links_in_line
from .yaml_loader import MarkedDict, load_yaml

BLOCK_KINDS = ("analogy", "note", "warning", "changed", "takeaways", "code-tabs")
CODE_OPTIONS = ("title", "hl_lines")

_FENCE_RE = re.compile(r"^(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")
_BLOCK_RE = re.compile(r"^:::(?P<rest>.*?)\s*$")
_OPTION_RE = re.compile(r"""([A-Za-z_][\w-]*)=(?:"([^"]*)"|'([^']*)'|(\S+))""")
_LANG_RE = re.compile(r"^[\w#.+-]*$")

UrlBuilder = Callable[[str, str], str]


@cache
def known_languages() -> frozenset[str]:
    """Return every language name a code fence may use: Pygments' lexer aliases and ours."""
    names = {alias for _, aliases, _, _ in get_all_lexers() for alias in aliases}
    return frozenset({*names, "sandbox", "quiz", "figure"})


def default_sandbox_url(module: str, scenario: str) -> str:
    """Return the sandbox page URL of a preset."""
    return f"/sandbox/{module}/{scenario}/"


def default_practice_url(module: str, lesson: str) -> str:
    """Return the practice-questions URL of a lesson."""
    return f"/quizzes/{module}/practice/{lesson}/"


@dataclass(frozen=True)
class BlockContext:
    """What the blocks of one document may refer to, and how to link to it."""

    module: str
    lesson: str | None
    lessons: Mapping[str, str]
    presets: Mapping[str, str]
    sandbox_url: UrlBuilder = default_sandbox_url
    practice_url: UrlBuilder = default_practice_url
    render_inline: Callable[[str], str] = str
    figures: Mapping[str, Drawing] = field(default_factory=lambda: MappingProxyType({}))
    analogies: Mapping[str, Analogy] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Piece:
    """Trusted HTML for one token; `breaks_down` tokens mark the paragraph after them."""

    html: str
    line: int
    breaks_down: bool = False


@dataclass
class Prepared:
    """Markdown with block tokens, the HTML of each token and what the blocks referred to."""

    text: str
    pieces: dict[str, Piece]
    token_re: re.Pattern[str]
    analogies: list[str] = field(default_factory=list)
    scenario_refs: list[str] = field(default_factory=list)
    quiz_refs: list[str] = field(default_factory=list)
    links: list[tuple[str, int]] = field(default_factory=list)  # (target, line)


@dataclass
class _Open:
    kind: str
    line: int
    close_html: str
    analogy: str | None = None
    found_breaks_down: bool = False
    code_blocks: int = 0


@dataclass
class _Fence:
    fence: str
    info: str
    line: int
    body: list[str]
    closed: bool


def is_breaks_down(line: str) -> bool:
    """Return whether a line opens the "Where it breaks down:" paragraph (bold allowed)."""
    head = line.strip().replace("*", "").replace("_", "")
    return head.lower().startswith(BREAKS_DOWN.lower())


class _Scanner:
    def __init__(
        self, text: str, *, first_line: int, context: BlockContext, path: str, log: ProblemLog
    ) -> None:
        # Count only \n as a line break, as editors do (str.splitlines also splits on \x1e…).
        self.lines = text.replace("\r\n", "\n").split("\n")
        self.first_line = first_line
        self.context = context
        self.path = path
        self.log = log
        self.nonce = secrets.token_hex(8)
        self.out: list[str] = []
        self.stack: list[_Open] = []
        self.prepared = Prepared(
            "", {}, re.compile(rf"XBLOCK{self.nonce}N\d+X"), analogies=[], scenario_refs=[]
        )

    def problem(self, line: int, message: str) -> None:
        self.log.add(self.path, line, message)

    def emit(self, html: str, line: int, *, breaks_down: bool = False) -> None:
        token = f"XBLOCK{self.nonce}N{len(self.prepared.pieces)}X"
        self.prepared.pieces[token] = Piece(html, line, breaks_down)
        self.out.extend(["", token, ""])

    def scan(self) -> Prepared:
        index = 0
        previous_blank = True
        while index < len(self.lines):
            line = self.lines[index]
            number = self.first_line + index
            fence_match = _FENCE_RE.match(line)
            if fence_match:
                fence = self.read_fence(index, fence_match)
                self.handle_fence(fence)
                index += len(fence.body) + 2
                previous_blank = True
                continue
            block_match = _BLOCK_RE.match(line)
            if block_match:
                rest = block_match["rest"].strip()
                if rest:
                    self.open_block(rest, number)
                else:
                    self.close_block(number)
                index += 1
                previous_blank = True
                continue
            blank = not line.strip()
            if not blank and ("](" in line or "=" in line or "]:" in line):
                self.prepared.links.extend((url, number) for url in links_in_line(line))
            top = self.stack[-1] if self.stack else None
            if top and top.kind == "code-tabs" and not blank:
                self.problem(number, "`::: code-tabs` may contain only fenced code blocks")
            elif top and top.kind == "analogy" and previous_blank and is_breaks_down(line):
                top.found_breaks_down = True
                self.emit('<p class="breaks-down">', number, breaks_down=True)
            self.out.append(line)
            previous_blank = blank
            index += 1
        while self.stack:
            block = self.stack[-1]
            self.problem(
                block.line,
                f"`::: {block.kind}` block opened here is never closed; end it with a line `:::`",
            )
            self.close_block(None)
        self.prepared.text = "\n".join(self.out) + "\n"
        return self.prepared

    def read_fence(self, index: int, match: re.Match[str]) -> _Fence:
        fence = match["fence"]
        closing = re.compile(rf"^{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        body: list[str] = []
        for line in self.lines[index + 1 :]:
            if closing.match(line):
                return _Fence(fence, match["info"], self.first_line + index, body, True)
            body.append(line)
        return _Fence(fence, match["info"], self.first_line + index, body, False)

    def handle_fence(self, fence: _Fence) -> None:
        if not fence.closed:
            what = "backticks" if fence.fence[0] == "`" else "tildes"
            self.problem(
                fence.line,
                f"code fence opened here is never closed; end it with a line of "
                f"{len(fence.fence)} {what}: {fence.fence}",
            )
        language, options = self.parse_info(fence)
        top = self.stack[-1] if self.stack else None
        in_tabs = top is not None and top.kind == "code-tabs"
        if language in {"sandbox", "quiz", "figure"}:
            if in_tabs:
                self.problem(fence.line, "`::: code-tabs` may contain only fenced code blocks")
            elif language == "sandbox":
                self.sandbox(fence)
            elif language == "figure":
                self.figure(fence)
            else:
                self.quiz(fence)
            return
        title = options.get("title")
        if in_tabs:
            assert top is not None
            top.code_blocks += 1
            if not title:
                self.problem(
                    fence.line,
                    'a code block inside `::: code-tabs` needs a label: ```python title="Python"',
                )
            self.emit(chrome.tab_panel_open(title or language or "Code"), fence.line)
        elif title:
            self.emit(chrome.code_figure_open(title), fence.line)
        opening = fence.fence + language
        if "hl_lines" in options:
            opening += f' hl_lines="{options["hl_lines"]}"'
        self.out.extend(["", opening, *fence.body, fence.fence, ""])
        if in_tabs:
            self.emit(chrome.div_close(), fence.line)
        elif title:
            self.emit(chrome.code_figure_close(), fence.line)

    def parse_info(self, fence: _Fence) -> tuple[str, dict[str, str]]:
        info = fence.info.strip()
        if not info:
            return "", {}
        language, _, rest = info.partition(" ")
        if "=" in language:
            language, rest = "", info
        language = language.removeprefix(".")
        if not _LANG_RE.match(language):
            self.problem(fence.line, f"code block language `{language}` is not a valid name")
            language = ""
        elif language and language.lower() not in known_languages():
            self.problem(
                fence.line,
                f"unknown code block language `{language}`"
                f"{did_you_mean(language.lower(), known_languages())}; use a Pygments name "
                "such as python, javascript, typescript, json, yaml, bash, sql or text",
            )
        options: dict[str, str] = {}
        position = 0
        rest = rest.strip()
        for match in _OPTION_RE.finditer(rest):
            if rest[position : match.start()].strip():
                break
            position = match.end()
            name = match[1]
            value = next(group for group in match.groups()[1:] if group is not None)
            if name not in CODE_OPTIONS:
                self.problem(
                    fence.line,
                    f"unknown code block option `{name}`{did_you_mean(name, CODE_OPTIONS)}; "
                    f"allowed: {known_list(CODE_OPTIONS)}",
                )
            else:
                options[name] = value
        if rest[position:].strip():
            self.problem(
                fence.line,
                f"cannot read the code block options `{rest[position:].strip()}`; "
                'write them as title="Label"',
            )
        return language, options

    def block_yaml(self, fence: _Fence, what: str) -> FileFields | None:
        text = "\n".join(fence.body)
        if not text.strip():
            data: object = MarkedDict()
            assert isinstance(data, MarkedDict)
            data.line, data.key_lines = fence.line, {}
        else:
            before = len(self.log)
            data = load_yaml(text, path=self.path, log=self.log, first_line=fence.line + 1)
            if len(self.log) > before:
                return None
        if not isinstance(data, MarkedDict):
            self.problem(fence.line, f"a `{what}` block must hold `key: value` lines")
            return None
        return FileFields(data, self.path, self.log, f"the `{what}` block")

    def sandbox(self, fence: _Fence) -> None:
        fields = self.block_yaml(fence, "sandbox")
        if fields is None:
            return
        fields.check_keys(required=["scenario"], optional=["caption"])
        slug = fields.slug("scenario")
        caption = fields.text("caption", default="")
        if slug is None:
            return
        presets = self.context.presets
        if slug not in presets:
            fields.problem(
                "scenario",
                f"unknown sandbox scenario `{slug}`{did_you_mean(slug, presets)}; "
                f"presets in this module: {known_list(presets)}",
            )
            return
        self.prepared.scenario_refs.append(slug)
        self.emit(
            chrome.sandbox_embed(
                module=self.context.module,
                scenario=slug,
                title=presets[slug],
                caption_html=self.context.render_inline(caption or ""),
                url=self.context.sandbox_url(self.context.module, slug),
            ),
            fence.line,
        )

    def figure(self, fence: _Fence) -> None:
        fields = self.block_yaml(fence, "figure")
        if fields is None:
            return
        fields.check_keys(required=["src", "alt", "caption"], optional=[])
        src = fields.text("src")
        alt = " ".join((fields.text("alt") or "").split())
        caption = fields.text("caption")
        if not src or not alt or not caption:
            return
        drawings = self.context.figures
        if src not in drawings:
            fields.problem(
                "src",
                f"unknown figure `{src}`{did_you_mean(src, drawings)}; "
                f"drawings in this module's figures/ folder: {known_list(drawings)}",
            )
            return
        stem = src.removesuffix(".svg")
        self.emit(
            chrome.figure(
                svg=drawings[src].svg(label=alt, css_class=f"fig--{stem}"),
                caption_html=self.context.render_inline(caption),
            ),
            fence.line,
        )

    def quiz(self, fence: _Fence) -> None:
        fields = self.block_yaml(fence, "quiz")
        if fields is None:
            return
        fields.check_keys(required=[], optional=["lesson"])
        lesson = fields.slug("lesson", default=self.context.lesson)
        if lesson is None:
            if "lesson" not in fields.data:
                self.problem(fence.line, "a `quiz` block outside a lesson must name a `lesson`")
            return
        lessons = self.context.lessons
        if lesson not in lessons:
            fields.problem(
                "lesson",
                f"unknown lesson `{lesson}`{did_you_mean(lesson, lessons)}; "
                f"lessons in this module: {known_list(lessons)}",
            )
            return
        self.prepared.quiz_refs.append(lesson)
        self.emit(
            chrome.quiz_embed(
                module=self.context.module,
                lesson=lesson,
                lesson_title=lessons[lesson],
                url=self.context.practice_url(self.context.module, lesson),
            ),
            fence.line,
        )

    def open_block(self, rest: str, line: int) -> None:
        kind, _, argument = rest.partition(" ")
        argument = argument.strip()
        if kind == "analogy":
            self.open_analogy(argument, line)
        elif kind in chrome.CALLOUT_TITLES:
            self.emit(chrome.callout_open(kind, argument or None), line)
            self.stack.append(_Open(kind, line, chrome.aside_close()))
        elif kind == "code-tabs":
            if argument:
                self.problem(line, "`::: code-tabs` takes nothing after it")
            self.emit(chrome.tabs_open(), line)
            self.stack.append(_Open(kind, line, chrome.div_close()))
        else:
            self.problem(
                line,
                f"unknown block `::: {kind}`{did_you_mean(kind, BLOCK_KINDS)}; "
                f"known blocks: {known_list(BLOCK_KINDS)}",
            )
            self.emit(chrome.unknown_open(), line)
            self.stack.append(_Open(kind, line, chrome.div_close()))

    def open_analogy(self, argument: str, line: int) -> None:
        analogy_id, _, extra = argument.partition(" ")
        analogies = self.context.analogies
        if not analogy_id:
            self.problem(line, "`::: analogy` needs an analogy id, like `::: analogy food-truck`")
        elif analogy_id not in analogies and not analogies:
            self.problem(
                line,
                f"unknown analogy `{analogy_id}`: this module declares no analogies; "
                "declare it in the module's analogies.yaml",
            )
        elif analogy_id not in analogies:
            self.problem(
                line,
                f"unknown analogy `{analogy_id}`{did_you_mean(analogy_id, analogies)}; "
                f"known analogies: {known_list(analogies)} (declared in analogies.yaml)",
            )
        elif extra.strip():
            self.problem(line, f"`::: analogy {analogy_id}` takes nothing after the id")
        if analogy_id in analogies:
            self.emit(chrome.analogy_open(analogies[analogy_id]), line)
            if analogy_id not in self.prepared.analogies:
                self.prepared.analogies.append(analogy_id)
            self.stack.append(_Open("analogy", line, chrome.aside_close(), analogy_id))
        else:
            self.emit(chrome.unknown_open(), line)
            self.stack.append(_Open("analogy", line, chrome.div_close(), None))

    def close_block(self, line: int | None) -> None:
        if not self.stack:
            assert line is not None
            self.problem(line, "`:::` closes no open block")
            return
        block = self.stack.pop()
        if block.kind == "analogy" and block.analogy and not block.found_breaks_down:
            self.problem(
                block.line,
                f"analogy `{block.analogy}` needs a paragraph starting with "
                f'"{BREAKS_DOWN}" (say where the comparison stops matching Lambda)',
            )
        if block.kind == "code-tabs" and block.code_blocks == 0:
            self.problem(block.line, "`::: code-tabs` holds no code blocks")
        self.emit(block.close_html, line or block.line)


def prepare_blocks(
    text: str, *, first_line: int, context: BlockContext, path: str, log: ProblemLog
) -> Prepared:
    """Replace custom blocks in `text` with tokens; record every mistake in `log`."""
    return _Scanner(text, first_line=first_line, context=context, path=path, log=log).scan()
