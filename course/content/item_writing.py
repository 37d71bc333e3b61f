"""Check a question bank for the cues that let a test-wise learner answer without knowing.

The rules follow published item-writing guidelines (Haladyna, Downing & Rodriguez 2002, "A review
of multiple-choice item-writing guidelines for classroom assessment"; the NBME guide "Constructing
Written Test Questions for the Basic and Clinical Sciences"): keep choices alike in length and
grammar, avoid specific determiners ("always", "never"), avoid "all/none of the above", make each
item independent of the others, and do not ask the same thing twice. docs/authoring.md lists every
check, its threshold and why.

Two levels:

- **Per question: warnings** (`path:line: message`) — a choice much longer or shorter than the
  others, a cue word only on one side, "all/none of the above", a stem that leans on another
  question, a near-duplicate stem, a multiple-response question with too few choices.
- **Per bank (a module's `questions/` folder): errors** — the rates a strategy that ignores the
  stem can exploit: how often the correct choice is the longest, the length ratio, the score of
  "pick the longest", and the cue-word asymmetry. They apply once a bank has `MIN_BANK_SINGLE`
  single-answer questions, below which a rate says little.

Only the raw YAML is read (`id`, `kind`, `pick`, `stem`, `choices[].text`, `choices[].correct`),
so the check stays generic: a question kind it does not know (a variant template, say) is
skipped, and a malformed question is left to the parser to report.
"""

from __future__ import annotations

import difflib
import html
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem, ProblemLog
from .yaml_loader import MarkedDict, MarkedList, load_yaml

KINDS = ("single", "multiple")
YAML_SUFFIXES = (".yaml", ".yml")

# Bank-level thresholds (errors), in percentage points or plain ratios.
MIN_BANK_SINGLE = 20
MAX_CORRECT_LONGEST = 35.0
MAX_LONGEST_ABOVE_CHANCE = 10.0
MAX_STRATEGY_ABOVE_CHANCE = 10.0
LENGTH_RATIO_RANGE = (0.85, 1.2)
MAX_CUE_GAP = 10.0

# Per-question thresholds (warnings).
QUESTION_RATIO_RANGE = (0.6, 1.5)
CUE_GAP_PER_QUESTION = 0.5
NEAR_DUPLICATE = 0.9
EXTRA_CHOICES_FOR_MULTIPLE = 2

CUE_WORDS: dict[str, tuple[str, ...]] = {
    "hedge": (
        "about",
        "approximately",
        "around",
        "roughly",
        "up to",
        "may",
        "might",
        "typically",
        "usually",
        "often",
        "generally",
        "mostly",
        "likely",
        "in most cases",
    ),
    "absolute": (
        "always",
        "never",
        "only",
        "exactly",
        "every",
        "none",
        "guaranteed",
        "guarantees",
        "completely",
        "entirely",
        "impossible",
        "for ever",
        "forever",
    ),
    "because": ("because",),
}
_CUE_RES = {
    name: re.compile(r"\b(?:" + "|".join(re.escape(word) for word in words) + r")\b", re.I)
    for name, words in CUE_WORDS.items()
}
_ABOVE_RE = re.compile(r"\b(?:all|none|both|neither) of (?:the )?(?:above|these|them)\b", re.I)
_CROSS_REFERENCE_RE = re.compile(
    r"\b(?:the same (?:setup|set-up|scenario|function|queue|stream|situation|team|code)"
    r"|(?:as|from|in) (?:the )?(?:above|previous|last|earlier|preceding)"
    r"|(?:previous|preceding|earlier|last|next|following) question"
    r"|question \d+"
    r"|the (?:setup|scenario|situation) above)\b",
    re.I,
)
_TAG_RE = re.compile(r"<[^>]+>")
_MARKUP_RE = re.compile(r"\*\*|[`*]")
_SPACE_RE = re.compile(r"\s+")


def plain_text(text: str) -> str:
    """Return `text` (Markdown or HTML) as the words a learner reads, spaces collapsed."""
    text = html.unescape(_TAG_RE.sub("", text))
    return _SPACE_RE.sub(" ", _MARKUP_RE.sub("", text)).strip()


def cues(text: str) -> frozenset[str]:
    """Return the cue classes (`hedge`, `absolute`, `because`) that `text` contains."""
    return frozenset(name for name, regex in _CUE_RES.items() if regex.search(plain_text(text)))


@dataclass(frozen=True)
class Choice:
    text: str
    correct: bool
    line: int

    @property
    def length(self) -> int:
        return len(plain_text(self.text))


@dataclass(frozen=True)
class Item:
    """One single- or multiple-answer question as far as the checks need it."""

    id: str
    kind: str
    pick: int
    stem: str
    choices: tuple[Choice, ...]
    path: str
    line: int
    stem_line: int

    @property
    def correct(self) -> list[Choice]:
        return [choice for choice in self.choices if choice.correct]

    @property
    def wrong(self) -> list[Choice]:
        return [choice for choice in self.choices if not choice.correct]

    def length_ratio(self) -> float:
        """Return the mean length of the correct choices over that of the wrong ones."""
        wrong = _mean(choice.length for choice in self.wrong)
        return _mean(choice.length for choice in self.correct) / wrong if wrong else 1.0

    def correct_is_longest(self) -> bool:
        """Return whether a correct choice is at least as long as every wrong one."""
        longest = max(choice.length for choice in self.choices)
        return any(choice.length == longest for choice in self.correct)

    def longest_pick_is_right(self) -> bool:
        """Return whether selecting the `pick` longest choices (first on ties) is right."""
        order = sorted(range(len(self.choices)), key=lambda i: -self.choices[i].length)
        return all(self.choices[i].correct for i in order[: self.pick])

    def chance(self) -> float:
        """Return the probability that a blind guess is right."""
        return 1 / math.comb(len(self.choices), self.pick)


def read_items(text: str, *, path: str) -> list[Item]:
    """Return the questions of one bank file that the checks understand; skip the rest."""
    data = load_yaml(text, path=path, log=ProblemLog())
    if not isinstance(data, MarkedDict) or not isinstance(data.get("questions"), MarkedList):
        return []
    items = []
    for raw in data["questions"]:
        item = _item(raw, path) if isinstance(raw, MarkedDict) else None
        if item is not None:
            items.append(item)
    return items


def _item(raw: MarkedDict, path: str) -> Item | None:
    kind, stem, raw_choices = raw.get("kind"), raw.get("stem"), raw.get("choices")
    if kind not in KINDS or not isinstance(stem, str) or not isinstance(raw_choices, MarkedList):
        return None
    choices = []
    for index, choice in enumerate(raw_choices):
        if not isinstance(choice, MarkedDict) or not isinstance(choice.get("text"), str):
            return None
        correct = choice.get("correct") is True
        choices.append(Choice(str(choice["text"]), correct, raw_choices.line_of(index)))
    pick = raw.get("pick", 1) if kind == "multiple" else 1
    right = sum(choice.correct for choice in choices)
    if not isinstance(pick, int) or pick < 1 or right != pick or len(choices) <= pick:
        return None
    return Item(
        id=str(raw.get("id", "?")),
        kind=str(kind),
        pick=pick,
        stem=stem,
        choices=tuple(choices),
        path=path,
        line=raw.line,
        stem_line=raw.line_of("stem"),
    )


@dataclass(frozen=True)
class CueRate:
    """The share (percent) of correct and of wrong choices that contain a cue class."""

    correct: float
    wrong: float

    @property
    def gap(self) -> float:
        return self.correct - self.wrong


@dataclass(frozen=True)
class BankStats:
    """The bank's figures; rates in percent. Length figures cover single-answer questions."""

    questions: int
    single: int
    correct_longest: int
    correct_longest_rate: float
    chance: float
    length_ratio: float
    strategy_right: int
    strategy_score: float
    strategy_chance: float
    cue_rates: dict[str, CueRate]

    def __str__(self) -> str:
        """Summarise the figures on one line."""
        cues_text = ", ".join(
            f"{name} {rate.correct:.0f} % of correct vs {rate.wrong:.0f} % of wrong"
            for name, rate in self.cue_rates.items()
        )
        return (
            f"{self.questions} questions ({self.single} single-answer): correct choice longest "
            f"in {self.correct_longest}/{self.single} = {self.correct_longest_rate:.0f} % "
            f"(chance {self.chance:.0f} %), length ratio {self.length_ratio:.2f}; "
            f"'pick the longest' scores {self.strategy_right}/{self.questions} = "
            f"{self.strategy_score:.0f} % (chance {self.strategy_chance:.0f} %); {cues_text}"
        )


@dataclass(frozen=True)
class ItemReport:
    """Per-question warnings, bank-level errors and the figures behind them."""

    stats: BankStats
    warnings: tuple[Problem, ...] = ()
    errors: tuple[Problem, ...] = ()
    items: tuple[Item, ...] = field(default=(), repr=False)


def bank_stats(items: Sequence[Item]) -> BankStats:
    """Return the bank-level figures of `items`."""
    single = [item for item in items if item.kind == "single"]
    longest = sum(item.correct_is_longest() for item in single)
    right = sum(item.longest_pick_is_right() for item in items)
    rates = {}
    correct_choices = [choice for item in items for choice in item.correct]
    wrong_choices = [choice for item in items for choice in item.wrong]
    for name in CUE_WORDS:
        rates[name] = CueRate(
            correct=_percent(sum(name in cues(c.text) for c in correct_choices), correct_choices),
            wrong=_percent(sum(name in cues(c.text) for c in wrong_choices), wrong_choices),
        )
    return BankStats(
        questions=len(items),
        single=len(single),
        correct_longest=longest,
        correct_longest_rate=_percent(longest, single),
        chance=100 * _mean(1 / len(item.choices) for item in single),
        length_ratio=_mean(item.length_ratio() for item in single),
        strategy_right=right,
        strategy_score=_percent(right, items),
        strategy_chance=100 * _mean(item.chance() for item in items),
        cue_rates=rates,
    )


def check_items(items: Sequence[Item], *, bank_path: str) -> ItemReport:
    """Check every question of one bank and the bank as a whole."""
    warnings: list[Problem] = []
    for item in items:
        warnings += question_warnings(item)
    warnings += duplicate_stem_warnings(items)
    stats = bank_stats(items)
    return ItemReport(stats, tuple(warnings), tuple(bank_errors(stats, bank_path)), tuple(items))


def question_warnings(item: Item) -> list[Problem]:
    """Return the cues one question gives away, each at its line."""
    problems = []

    def warn(line: int, message: str) -> None:
        problems.append(Problem(item.path, line, f"question `{item.id}`: {message}"))

    ratio = item.length_ratio()
    low, high = QUESTION_RATIO_RANGE
    if ratio > high:
        warn(
            item.line,
            f"the correct choice is {ratio:.1f}× as long as the wrong ones on average; "
            "trim it (move the reason into its explanation) or give the wrong ones substance",
        )
    elif ratio < low:
        warn(
            item.line,
            f"the correct choice is {ratio:.1f}× as long as the wrong ones on average; "
            "a much shorter choice stands out as much as a longer one",
        )
    for name in CUE_WORDS:
        correct = _mean(name in cues(choice.text) for choice in item.correct)
        wrong = _mean(name in cues(choice.text) for choice in item.wrong)
        if abs(correct - wrong) > CUE_GAP_PER_QUESTION:
            side = "the correct choice" if correct > wrong else "the wrong choices"
            warn(item.line, f"{_CUE_LABELS[name]} appear only or mostly in {side}")
    for choice in item.choices:
        match = _ABOVE_RE.search(plain_text(choice.text))
        if match:
            warn(choice.line, f"avoid “{match.group(0)}”: it can be answered by elimination")
    match = _CROSS_REFERENCE_RE.search(plain_text(item.stem))
    if match:
        warn(
            item.stem_line,
            f"the stem says “{match.group(0)}”: questions are drawn alone and shuffled, so "
            "each stem must give its whole setup",
        )
    if item.kind == "multiple" and len(item.choices) < item.pick + EXTRA_CHOICES_FOR_MULTIPLE:
        warn(
            item.line,
            f"`pick: {item.pick}` with {len(item.choices)} choices leaves too few wrong ones; "
            f"give at least {item.pick + EXTRA_CHOICES_FOR_MULTIPLE}",
        )
    return problems


_CUE_LABELS = {
    "hedge": "hedges (“about”, “up to”, “may”, “typically” …)",
    "absolute": "absolutes (“always”, “never”, “only”, “exactly” …)",
    "because": "justifications (“because …”)",
}


def duplicate_stem_warnings(items: Sequence[Item]) -> list[Problem]:
    """Return a warning for each stem that nearly repeats an earlier one."""
    problems = []
    stems = [plain_text(item.stem).lower() for item in items]
    for later in range(len(items)):
        for earlier in range(later):
            matcher = difflib.SequenceMatcher(None, stems[earlier], stems[later], autojunk=False)
            if (
                matcher.real_quick_ratio() < NEAR_DUPLICATE
                or matcher.quick_ratio() < NEAR_DUPLICATE
            ):
                continue
            ratio = matcher.ratio()
            if ratio >= NEAR_DUPLICATE:
                first = items[earlier]
                problems.append(
                    Problem(
                        items[later].path,
                        items[later].stem_line,
                        f"question `{items[later].id}`: its stem is {ratio:.0%} the same as "
                        f"`{first.id}` ({first.path}:{first.line}); ask something new",
                    )
                )
                break
    return problems


def bank_errors(stats: BankStats, bank_path: str) -> list[Problem]:
    """Return the bank-level thresholds that `stats` break (none for a small bank)."""
    if stats.single < MIN_BANK_SINGLE:
        return []
    errors = []

    def fail(message: str) -> None:
        errors.append(Problem(bank_path, None, f"item writing: {message}"))

    rate = stats.correct_longest_rate
    if rate > MAX_CORRECT_LONGEST:
        fail(
            f"the correct choice is the longest in {rate:.0f} % of single-answer questions "
            f"({stats.correct_longest}/{stats.single}); at most {MAX_CORRECT_LONGEST:.0f} %"
        )
    if abs(rate - stats.chance) > MAX_LONGEST_ABOVE_CHANCE:
        fail(
            f"the correct choice is the longest in {rate:.0f} % of single-answer questions, "
            f"chance is {stats.chance:.0f} %; keep within ±{MAX_LONGEST_ABOVE_CHANCE:.0f} points"
        )
    low, high = LENGTH_RATIO_RANGE
    if not low <= stats.length_ratio <= high:
        fail(
            f"correct choices are on average {stats.length_ratio:.2f}× as long as wrong ones; "
            f"keep between {low} and {high}"
        )
    if stats.strategy_score > stats.strategy_chance + MAX_STRATEGY_ABOVE_CHANCE:
        fail(
            f"picking the longest choice scores {stats.strategy_score:.0f} % "
            f"({stats.strategy_right}/{stats.questions}), chance is "
            f"{stats.strategy_chance:.0f} %; at most {MAX_STRATEGY_ABOVE_CHANCE:.0f} points above"
        )
    for name, cue in stats.cue_rates.items():
        if abs(cue.gap) > MAX_CUE_GAP:
            fail(
                f"{_CUE_LABELS[name]} appear in {cue.correct:.0f} % of correct choices and "
                f"{cue.wrong:.0f} % of wrong ones; keep within {MAX_CUE_GAP:.0f} points"
            )
    return errors


def check_question_folder(folder: Path, *, rel: str) -> ItemReport:
    """Check every bank file in `folder` (a module's `questions/`); `rel` names it in problems."""
    items: list[Item] = []
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    for path in files:
        if path.is_file() and path.suffix in YAML_SUFFIXES and not path.name.startswith("."):
            try:
                text = path.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                continue  # the parser reports it
            items += read_items(text, path=f"{rel}/{path.name}")
    return check_items(items, bank_path=f"{rel}/")


def check_course(root: Path) -> dict[str, ItemReport]:
    """Check the bank of every module folder under `root`, keyed by folder name."""
    reports = {}
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        if folder.is_dir() and not folder.name.startswith((".", "_")):
            reports[folder.name] = check_question_folder(
                folder / "questions", rel=f"{folder.name}/questions"
            )
    return reports


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def _percent(count: int, of: Sequence[object]) -> float:
    return 100 * count / len(of) if of else 0.0
