"""A submission receipt: what the candidate answered and when, and a hash over it (no Django).

The hash is SHA-256 over a canonical JSON document (sorted keys, no spaces) of the attempt's
identity, times, the questions asked in order and the answers with the times they were saved.
It is stored when the attempt closes; recomputing it from the stored attempt later gives the
same value unless the record was changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from .snapshot import QuestionSnapshot

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def receipt_hash(
    *,
    attempt_id: int,
    username: str,
    quiz: str,
    started_at: datetime,
    finished_at: datetime,
    status: str,
    question_keys: Sequence[str],
    answers: Mapping[str, Sequence[str]],
    answer_times: Mapping[str, str],
    flags: Sequence[str],
) -> str:
    """Return the hex SHA-256 of the receipt document."""
    document = {
        "attempt": attempt_id,
        "candidate": username,
        "quiz": quiz,
        "started_at": started_at.isoformat(),
        "finished_at": finished_at.isoformat(),
        "status": status,
        "questions": list(question_keys),
        "answers": {key: sorted(answers[key]) for key in question_keys if key in answers},
        "answer_times": {key: answer_times[key] for key in question_keys if key in answer_times},
        "flags": sorted(flags),
    }
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class ReceiptLine:
    """One question on the receipt: the letters and texts the candidate chose, in shown order."""

    number: int
    key: str
    topic_title: str
    letters: tuple[str, ...]
    texts: tuple[str, ...]
    saved_at: str
    flagged: bool


def receipt_lines(
    questions: Sequence[QuestionSnapshot],
    answers: Mapping[str, Sequence[str]],
    answer_times: Mapping[str, str],
    flags: Sequence[str],
) -> list[ReceiptLine]:
    """Return one line per question asked; choices are lettered in the order they were shown."""
    lines = []
    for number, question in enumerate(questions, start=1):
        chosen = set(answers.get(question["key"], ()))
        shown = [
            (LETTERS[i % len(LETTERS)], choice["text_html"])
            for i, choice in enumerate(question["choices"])
            if choice["key"] in chosen
        ]
        lines.append(
            ReceiptLine(
                number=number,
                key=question["key"],
                topic_title=question["topic_title"],
                letters=tuple(letter for letter, _ in shown),
                texts=tuple(text for _, text in shown),
                saved_at=answer_times.get(question["key"], ""),
                flagged=question["key"] in flags,
            )
        )
    return lines
