"""Convert GIFT and Aiken question files (Moodle's formats) into our YAML question bank.

Only single- and multiple-answer questions have a place in the bank; everything else (numeric,
matching, short-answer, essay) is listed as skipped with its line. Neither format requires
feedback, but our bank requires an explanation for every choice: missing ones get a placeholder
that validation refuses, and each such question is flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .fields import SLUG_RE

EXPLANATION_PLACEHOLDER = "TODO: explain why this choice is right or wrong."


@dataclass(frozen=True)
class ImportNote:
    """Something about one source question: where it starts and what happened."""

    line: int
    message: str

    def __str__(self) -> str:
        """Return `line N: message`."""
        return f"line {self.line}: {self.message}"


@dataclass
class ImportReport:
    """Converted questions (bank-format dicts), skipped questions and flagged ones."""

    questions: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[ImportNote] = field(default_factory=list)
    flagged: list[ImportNote] = field(default_factory=list)
    _ids: set[str] = field(default_factory=set, repr=False)

    def add(self, stem: str, kind: str, choices: list[dict[str, Any]], **extra: Any) -> str:
        """Append a question with a unique id made from its stem; return the id."""
        question_id = self._unique_id(stem)
        question: dict[str, Any] = {"id": question_id, "kind": kind}
        if kind == "multiple":
            question["pick"] = sum(1 for choice in choices if choice["correct"])
        question["stem"] = stem
        question["choices"] = choices
        question.update(extra)
        self.questions.append(question)
        return question_id

    def _unique_id(self, stem: str) -> str:
        words = re.findall(r"[a-z0-9]+", stem.lower())[:6]
        base = "-".join(words) or "question"
        candidate, number = base, 2
        while candidate in self._ids:
            candidate, number = f"{base}-{number}", number + 1
        assert SLUG_RE.match(candidate)
        self._ids.add(candidate)
        return candidate


def dump_yaml(report: ImportReport, *, lesson: str) -> str:
    """Return the converted questions as a question-bank YAML file for `lesson`."""
    bank = {"lesson": lesson, "questions": report.questions}
    return yaml.dump(bank, Dumper=_BankDumper, sort_keys=False, allow_unicode=True, width=100)


class _BankDumper(yaml.SafeDumper):
    """Write multi-line strings as `|` blocks, so stems stay readable."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BankDumper.add_representer(str, _represent_str)


# --- Aiken -----------------------------------------------------------------------------------

_AIKEN_CHOICE_RE = re.compile(r"^([A-Z])[.)]\s+(.*)$")
_AIKEN_ANSWER_RE = re.compile(r"^ANSWER:\s*([A-Z])\s*$")


def import_aiken(text: str) -> ImportReport:
    """Convert Aiken questions (stem, `A. choice` lines, `ANSWER: B`) into the bank format."""
    report = ImportReport()
    for line, lines in _paragraphs(text.splitlines()):
        _aiken_question(report, line, lines)
    return report


def _aiken_question(report: ImportReport, line: int, lines: list[str]) -> None:
    stem_lines: list[str] = []
    choices: list[tuple[str, str]] = []
    answer: str | None = None
    for text in lines:
        choice = _AIKEN_CHOICE_RE.match(text.strip())
        answer_match = _AIKEN_ANSWER_RE.match(text.strip())
        if answer_match:
            answer = answer_match[1]
        elif choice and answer is None:
            choices.append((choice[1], choice[2].strip()))
        elif not choices and answer is None:
            stem_lines.append(text.strip())
        else:
            report.skipped.append(
                ImportNote(line, f"unexpected line in an Aiken question: {text!r}")
            )
            return
    if answer is None or not stem_lines or len(choices) < 2:
        report.skipped.append(
            ImportNote(line, "not an Aiken question: needs a stem, two choices and `ANSWER:`")
        )
        return
    if answer not in {letter for letter, _ in choices}:
        report.skipped.append(ImportNote(line, f"ANSWER: {answer} names no choice"))
        return
    converted = [
        {"text": text, "correct": letter == answer, "explanation": EXPLANATION_PLACEHOLDER}
        for letter, text in choices
    ]
    question_id = report.add(" ".join(stem_lines), "single", converted)
    report.flagged.append(
        ImportNote(line, f"`{question_id}`: Aiken has no feedback; write every explanation")
    )


def _paragraphs(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Split lines into blank-line separated groups, each with its first line number."""
    groups: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, text in enumerate(lines, start=1):
        if text.strip():
            if not current:
                start = number
            current.append(text)
        elif current:
            groups.append((start, current))
            current = []
    if current:
        groups.append((start, current))
    return groups


# --- GIFT ------------------------------------------------------------------------------------

_ESCAPED = re.compile(r"\\([~=#{}:\\n])")
_TITLE_RE = re.compile(r"^::(.*?)::", re.DOTALL)
_FORMAT_RE = re.compile(r"^\[(markdown|html|plain|moodle)\]", re.IGNORECASE)
_WEIGHT_RE = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TRUE_FALSE_RE = re.compile(r"^(T|TRUE|F|FALSE)\s*(#.*)?$", re.DOTALL)


def _unescape(text: str) -> str:
    return _ESCAPED.sub(lambda match: "\n" if match[1] == "n" else match[1], text).strip()


def _split_unescaped(text: str, separators: str) -> list[tuple[str, str]]:
    """Split at unescaped separator characters; return (separator, text) pairs."""
    parts: list[tuple[str, str]] = []
    current, marker, index = "", "", 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current += text[index : index + 2]
            index += 2
            continue
        if char in separators:
            parts.append((marker, current))
            current, marker = "", char
        else:
            current += char
        index += 1
    parts.append((marker, current))
    return parts


def _find_unescaped(text: str, char: str, start: int = 0) -> int:
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == char:
            return index
        index += 1
    return -1


def import_gift(text: str) -> ImportReport:
    """Convert GIFT multiple-choice, multiple-answer and true/false questions to the bank format."""
    report = ImportReport()
    lines = ["" if line.lstrip().startswith("//") else line for line in text.splitlines()]
    for line, group in _paragraphs(lines):
        block = "\n".join(group).strip()
        if block.startswith("$CATEGORY:"):
            continue
        _gift_question(report, line, block)
    return report


def _gift_question(report: ImportReport, line: int, block: str) -> None:
    title_match = _TITLE_RE.match(block)
    if title_match:
        block = block[title_match.end() :].strip()
    block = _FORMAT_RE.sub("", block).strip()
    opening = _find_unescaped(block, "{")
    closing = _find_unescaped(block, "}", opening + 1) if opening >= 0 else -1
    if opening < 0 or closing < 0:
        report.skipped.append(ImportNote(line, "no answer block `{...}`: not a GIFT question"))
        return
    before, answers, after = block[:opening], block[opening + 1 : closing], block[closing + 1 :]
    stem = _unescape(before) + (" _____ " + _unescape(after) if after.strip() else "")
    stem = _FORMAT_RE.sub("", stem).strip()
    answers, general = _general_feedback(answers)
    kind = _unsupported_kind(answers)
    if kind:
        report.skipped.append(ImportNote(line, f"{kind} questions have no place in the bank"))
        return
    true_false = _TRUE_FALSE_RE.match(answers.strip())
    if true_false:
        _true_false(report, line, stem, true_false, general)
        return
    _choice_question(report, line, stem, answers, general)


def _general_feedback(answers: str) -> tuple[str, str]:
    index = answers.find("####")
    while index > 0 and answers[index - 1] == "\\":
        index = answers.find("####", index + 1)
    if index < 0:
        return answers, ""
    return answers[:index], _unescape(answers[index + 4 :])


def _unsupported_kind(answers: str) -> str | None:
    stripped = answers.strip()
    if not stripped:
        return "essay"
    if stripped.startswith("#"):
        return "numeric"
    if "->" in stripped:
        return "matching"
    markers = {marker for marker, _ in _split_unescaped(stripped, "=~")[1:]}
    if markers == {"="}:
        return "short-answer"
    return None


def _true_false(
    report: ImportReport, line: int, stem: str, match: re.Match[str], general: str
) -> None:
    answer_is_true = match[1].upper().startswith("T")
    feedback = [_unescape(part) for _, part in _split_unescaped(match[2] or "", "#")[1:]]
    # GIFT gives feedback for a wrong answer first, then for a right one.
    wrong, right = (feedback + ["", ""])[:2]
    choices = [
        {"text": "True", "correct": answer_is_true},
        {"text": "False", "correct": not answer_is_true},
    ]
    for choice in choices:
        text = right if choice["correct"] else wrong
        choice["explanation"] = text or EXPLANATION_PLACEHOLDER
    _finish(report, line, stem, "single", choices, general)


def _choice_question(
    report: ImportReport, line: int, stem: str, answers: str, general: str
) -> None:
    choices: list[dict[str, Any]] = []
    weighted = False
    for marker, part in _split_unescaped(answers.strip(), "=~")[1:]:
        weight_match = _WEIGHT_RE.match(part)
        weight = float(weight_match[1]) if weight_match else None
        if weight_match:
            part = part[weight_match.end() :]
            weighted = True
        pieces = _split_unescaped(part, "#")
        text = pieces[0][1]
        feedback = pieces[1][1] if len(pieces) > 1 else ""
        correct = marker == "=" or (weight is not None and weight > 0)
        choices.append(
            {
                "text": _unescape(text),
                "correct": correct,
                "explanation": _unescape(feedback) or EXPLANATION_PLACEHOLDER,
            }
        )
    correct_count = sum(1 for choice in choices if choice["correct"])
    if len(choices) < 2 or correct_count == 0:
        report.skipped.append(
            ImportNote(line, "a choice question needs two choices and a right one")
        )
        return
    kind = "multiple" if weighted and correct_count > 1 else "single"
    if kind == "single" and correct_count > 1:
        report.skipped.append(
            ImportNote(line, "several `=` answers without weights: not a single-answer question")
        )
        return
    if kind == "multiple" and correct_count == len(choices):
        report.skipped.append(ImportNote(line, "every choice is right: add a wrong one"))
        return
    _finish(report, line, stem, kind, choices, general)


def _finish(
    report: ImportReport,
    line: int,
    stem: str,
    kind: str,
    choices: list[dict[str, Any]],
    general: str,
) -> None:
    extra = {"explanation": general} if general else {}
    question_id = report.add(stem, kind, choices, **extra)
    missing = [
        str(number)
        for number, choice in enumerate(choices, start=1)
        if choice["explanation"] == EXPLANATION_PLACEHOLDER
    ]
    if missing:
        report.flagged.append(
            ImportNote(
                line,
                f"`{question_id}`: no feedback for choice {', '.join(missing)}; "
                "write the explanation",
            )
        )
