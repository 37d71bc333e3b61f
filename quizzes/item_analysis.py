"""Item analysis and score statistics for instructors' reports (formulas: docs/reports.md).

Plain data in, plain data out (no Django). An attempt, when it closes, records each question as
it was asked and answered in a compact form (`record_responses`, stored on the attempt): the
points it earned, the choices offered, the correct ones and the ones picked. Choices are named
by key, not position, because every attempt shuffles them; a variant question's keys are
shuffled too, so its choices are named by what they stand for (the misconception a distractor
encodes, or "answer").

From the first attempts of every learner, `analyse` gives each question its facility, its
corrected point-biserial discrimination, how often each choice was picked (by everyone, by the
strongest 27 % and by the weakest 27 %), and flags; `cronbach_alpha` gives the quiz's internal
consistency; `misconception_counts` adds up the misconceptions picked across questions.
`histogram` and `quartiles` describe scores and times. All three read a `Tally`: the attempts
folded one at a time into flat per-question columns (point scores, picks, the attempt each came
from), so reports never hold a thousand attempts' decoded records at once.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import mul
from typing import Any, NamedTuple, cast

from .grading import score_question
from .snapshot import ChoiceSnapshot, QuestionSnapshot, Snapshot

# Kelley (1939): the upper and lower 27 % of learners by total score.
STRONG_FRACTION = 0.27
# Flags on fewer answers than this say more about chance than about the question.
MIN_RESPONSES = 10


class Flag:
    NEGATIVE_DISCRIMINATION = "negative-discrimination"
    UNUSED_DISTRACTOR = "unused-distractor"
    KEY_AVOIDED = "key-avoided"


FLAG_TEXT = {
    Flag.NEGATIVE_DISCRIMINATION: "Negative discrimination: learners who do well on the rest "
    "of the quiz do worse on this question.",
    Flag.UNUSED_DISTRACTOR: "A distractor nobody picks.",
    Flag.KEY_AVOIDED: "The strongest learners prefer a distractor to the key: check the key.",
}


def choice_id(question: QuestionSnapshot, choice: ChoiceSnapshot) -> str:
    """Name a choice the same way in every attempt: its key, or a variant's source."""
    sources = question.get("variant", {}).get("sources", {})
    return str(sources.get(choice["key"], choice["key"]))


def record_responses(snapshot: Snapshot, answers: Mapping[str, Sequence[str]]) -> list[list[Any]]:
    """Return each question as asked and answered, compactly, as JSON-ready dicts.

    Each question is a list, in the order of `Response`'s fields: the question key, the points,
    the choices offered, the correct ones, the picked ones, and the misconception of each picked
    choice that has one. Lists rather than objects: reports decode thousands of them.
    """
    records: list[list[Any]] = []
    for question in snapshot["questions"]:
        ids = {choice["key"]: choice_id(question, choice) for choice in question["choices"]}
        chosen = [key for key in answers.get(question["key"], ()) if key in ids]
        points = score_question(
            question, answers.get(question["key"], ()), partial_credit=snapshot["partial_credit"]
        )
        misconceptions = {
            ids[choice["key"]]: choice["misconception"]
            for choice in question["choices"]
            if choice["key"] in chosen and choice["misconception"]
        }
        records.append(
            [
                question["key"],
                points,
                list(ids.values()),
                [ids[choice["key"]] for choice in question["choices"] if choice["correct"]],
                [ids[key] for key in chosen],
                misconceptions,
            ]
        )
    return records


class Response(NamedTuple):
    """One question as one attempt asked and answered it (a stored record has the same order)."""

    question: str
    points: float
    offered: Sequence[str]
    correct: Sequence[str]
    chosen: Sequence[str]
    misconceptions: Mapping[str, str] = {}


# Positions in a response (a `Response`, or a stored record used as it is).
QUESTION, POINTS, OFFERED, CORRECT, CHOSEN, MISCONCEPTIONS = range(6)


@dataclass(frozen=True)
class Sitting:
    """A learner's attempt as the analysis sees it: the responses, in the order asked."""

    responses: tuple[Sequence[Any], ...]
    total: float = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total", sum(response[POINTS] for response in self.responses))

    @property
    def fraction(self) -> float:
        """Return the total as a fraction of the maximum (0 with no questions)."""
        return self.total / len(self.responses) if self.responses else 0.0


def sitting_from_records(records: Iterable[Sequence[Any] | Mapping[str, Any]]) -> Sitting:
    """Return a sitting from the records `record_responses` made (stored lists used as they are).

    Records first stored as dicts (`q`, `p`, `o`, `r`, `c`, `m`) are read too.
    """
    return Sitting(
        tuple(
            (
                record["q"],
                float(record["p"]),
                record["o"],
                record["r"],
                record["c"],
                record.get("m") or {},
            )
            if isinstance(record, Mapping)
            else record
            for record in records
        )
    )


# Statistics -----------------------------------------------------------------------------------


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Return Pearson's correlation of two equally long series (None if either is constant)."""
    n = len(xs)
    if n < 2:
        return None
    if len(ys) != n:
        raise ValueError("pearson() needs two series of the same length")
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    dx = [x - mean_x for x in xs]
    dy = [y - mean_y for y in ys]
    sxy: float = sum(map(mul, dx, dy))
    sxx: float = sum(map(mul, dx, dx))
    syy: float = sum(map(mul, dy, dy))
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def population_variance(values: Sequence[float]) -> float:
    n = len(values)
    if n == 0:
        return 0.0
    mean = sum(values) / n
    deviations = [value - mean for value in values]
    squares: float = sum(map(mul, deviations, deviations))
    return squares / n


def quartiles(values: Sequence[float]) -> tuple[float, float, float] | None:
    """Return the lower quartile, the median and the upper quartile (None with no values).

    Linear interpolation between order statistics (Hyndman and Fan's type 7, the default of R
    and NumPy; `statistics.quantiles(method="inclusive")`).
    """
    if not values:
        return None
    if len(values) == 1:
        return (values[0], values[0], values[0])
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return (q1, q2, q3)


def corrected_point_biserial(items: Sequence[float], rests: Sequence[float]) -> float | None:
    """Return the item–rest correlation: an item's points against the total without it."""
    return pearson(items, rests)


def cronbach_alpha(sittings: Sequence[Sitting]) -> float | None:
    """Return Cronbach's alpha, α = k/(k−1) · (1 − Σ s²ᵢ / s²ₜ) (None when undefined).

    k is the number of questions per attempt (attempts with another count are left out). When
    attempts ask different questions (a sampled quiz), Σ s²ᵢ is the mean over the attempts of
    the item variances of the questions each was asked, each variance taken over every attempt
    that asked that question; with the same questions for everyone it is the usual sum.
    """
    return tally(sittings).alpha()


# Items ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceCount:
    choice: str
    correct: bool
    picks: int
    share: float
    strong_picks: int
    weak_picks: int


@dataclass(frozen=True)
class ItemStats:
    question: str
    responses: int
    facility: float
    discrimination: float | None
    choices: tuple[ChoiceCount, ...]
    strong_size: int
    flags: tuple[str, ...]

    @property
    def flag_texts(self) -> list[str]:
        return [FLAG_TEXT[flag] for flag in self.flags]


def group_size(n: int) -> int:
    """Return how many learners make the strong (and the weak) group out of `n`."""
    return max(1, round(STRONG_FRACTION * n)) if n else 0


def analyse(sittings: Sequence[Sitting], *, min_responses: int = MIN_RESPONSES) -> list[ItemStats]:
    """Return every question's statistics, in the order first met, from first attempts.

    A question is analysed over the attempts that asked it; an attempt of one question has no
    rest score and is left out.
    """
    return tally(sittings).items(min_responses=min_responses)


@dataclass(frozen=True)
class MisconceptionCount:
    misconception: str
    picks: int
    questions: tuple[str, ...]


def misconception_counts(sittings: Iterable[Sitting]) -> list[MisconceptionCount]:
    """Return how often each misconception was picked, across questions, most picked first."""
    return tally(sittings).misconceptions()


# One pass over the attempts -----------------------------------------------------------------


class _Column:
    """One question's responses as flat columns, in the order the attempts were added."""

    __slots__ = ("chosen", "correct", "offered", "points", "sittings")

    def __init__(self) -> None:
        self.sittings: list[int] = []  # the attempt of each response (its index in the tally)
        self.points: list[float] = []
        self.chosen: list[tuple[str, ...]] = []
        self.offered: dict[str, None] = {}  # in the order first met
        self.correct: set[str] = set()


class Tally:
    """First attempts folded, one at a time, into what the statistics read.

    Each attempt leaves its total and its number of questions, and each of its responses a
    point score and the choices picked in its question's columns; misconceptions are counted
    as they come. Reports feed it the stored records as they are decoded, so no attempt's
    records stay in memory; `analyse`, `cronbach_alpha` and `misconception_counts` read it.
    """

    def __init__(self) -> None:
        self.totals: list[float] = []
        self.lengths: list[int] = []
        self.columns: dict[str, _Column] = {}
        self.misconception_picks: Counter[str] = Counter()
        self.misconception_questions: dict[str, dict[str, None]] = {}

    def __len__(self) -> int:
        return len(self.totals)

    def add(self, records: Sequence[Sequence[Any]] | Sequence[Mapping[str, Any]]) -> None:
        """Add one attempt: its responses, or the records `record_responses` stored."""
        responses: Sequence[Sequence[Any]]
        if records and isinstance(records[0], Mapping):
            responses = sitting_from_records(records).responses
        else:
            responses = cast(Sequence[Sequence[Any]], records)
        index = len(self.totals)
        self.totals.append(sum(response[POINTS] for response in responses))
        self.lengths.append(len(responses))
        analysed = len(responses) >= 2  # one question has no rest score
        columns = self.columns
        for response in responses:
            key = response[QUESTION]
            if analysed:
                column = columns.get(key)
                if column is None:
                    column = columns[key] = _Column()
                column.sittings.append(index)
                column.points.append(response[POINTS])
                column.chosen.append(tuple(response[CHOSEN]))
                column.offered.update(dict.fromkeys(response[OFFERED]))
                column.correct.update(response[CORRECT])
            if response[MISCONCEPTIONS]:
                for misconception in response[MISCONCEPTIONS].values():
                    self.misconception_picks[misconception] += 1
                    self.misconception_questions.setdefault(misconception, {})[key] = None

    def items(self, *, min_responses: int = MIN_RESPONSES) -> list[ItemStats]:
        """Return every question's statistics, in the order first met (see `analyse`)."""
        # Every attempt's place when ranked by score, best first (ties: the earlier added);
        # a question's strongest and weakest learners are the first and last by this rank.
        lengths = self.lengths
        minus_fraction = [
            -total / length if length else 0.0
            for total, length in zip(self.totals, lengths, strict=True)
        ]
        rank = [0] * len(minus_fraction)
        for place, index in enumerate(sorted(range(len(rank)), key=minus_fraction.__getitem__)):
            rank[index] = place
        return [
            self._item(key, column, rank, min_responses=min_responses)
            for key, column in self.columns.items()
        ]

    def _item(self, key: str, column: _Column, rank: list[int], *, min_responses: int) -> ItemStats:
        totals, lengths = self.totals, self.lengths
        n = len(column.points)
        item_points = column.points
        rests = [
            (totals[sitting] - points) / (lengths[sitting] - 1)
            for sitting, points in zip(column.sittings, item_points, strict=True)
        ]
        discrimination = corrected_point_biserial(item_points, rests)
        places = [rank[sitting] for sitting in column.sittings]
        ranked = sorted(range(n), key=places.__getitem__)
        size = group_size(n)
        chosen = column.chosen
        offered = {choice: choice in column.correct for choice in column.offered}
        for choice in column.correct - offered.keys():
            offered[choice] = True
        picks = Counter(chain.from_iterable(chosen))
        strong_picks = Counter(chain.from_iterable(chosen[j] for j in ranked[:size]))
        weak_picks = Counter(chain.from_iterable(chosen[j] for j in ranked[n - size :]))
        choices = tuple(
            ChoiceCount(
                choice=choice,
                correct=correct,
                picks=picks[choice],
                share=picks[choice] / n,
                strong_picks=strong_picks[choice],
                weak_picks=weak_picks[choice],
            )
            for choice, correct in offered.items()
        )
        flags: list[str] = []
        if n >= min_responses:
            if discrimination is not None and discrimination < 0:
                flags.append(Flag.NEGATIVE_DISCRIMINATION)
            if any(not c.correct and c.picks == 0 for c in choices):
                flags.append(Flag.UNUSED_DISTRACTOR)
            best_distractor = max((c.strong_picks for c in choices if not c.correct), default=0)
            if any(c.correct and c.strong_picks < best_distractor for c in choices):
                flags.append(Flag.KEY_AVOIDED)
        return ItemStats(
            question=key,
            responses=n,
            facility=sum(item_points) / n,
            discrimination=discrimination,
            choices=choices,
            strong_size=size,
            flags=tuple(flags),
        )

    def alpha(self) -> float | None:
        """Return Cronbach's alpha (see `cronbach_alpha`)."""
        lengths = self.lengths
        counts = Counter(lengths)
        if not counts:
            return None
        k = counts.most_common(1)[0][0]
        used = [index for index, length in enumerate(lengths) if length == k]
        if k < 2 or len(used) < 2:
            return None
        everyone = len(used) == len(lengths)
        # Σ over the attempts of the variances of the questions each asked, question by
        # question: a question's variance counts once for every attempt that asked it.
        item_sum = 0.0
        for column in self.columns.values():
            points = (
                column.points
                if everyone
                else [
                    p
                    for sitting, p in zip(column.sittings, column.points, strict=True)
                    if lengths[sitting] == k
                ]
            )
            if points:
                item_sum += population_variance(points) * len(points)
        item_sum /= len(used)
        total_variance = population_variance([self.totals[index] for index in used])
        if total_variance <= 1e-12:
            return None
        return k / (k - 1) * (1 - item_sum / total_variance)

    def misconceptions(self) -> list[MisconceptionCount]:
        """Return the misconceptions picked, most picked first (see `misconception_counts`)."""
        return [
            MisconceptionCount(
                misconception=name,
                picks=count,
                questions=tuple(self.misconception_questions[name]),
            )
            for name, count in sorted(
                self.misconception_picks.items(), key=lambda item: (-item[1], item[0])
            )
        ]


def tally(sittings: Iterable[Sitting]) -> Tally:
    """Return a tally of the sittings' responses."""
    folded = Tally()
    for sitting in sittings:
        folded.add(sitting.responses)
    return folded


# Scores ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bin:
    """A histogram bar: scores from `low` to below `high` (the last bin includes 100)."""

    low: int
    high: int
    count: int
    # Geometry in the chart's viewBox (see `histogram`).
    x: float
    y: float
    width: float
    height: float

    @property
    def label(self) -> str:
        return f"{self.low}–{self.high}%"

    @property
    def label_x(self) -> float:
        return self.x + self.width / 2

    @property
    def count_y(self) -> float:
        return self.y - 4

    @property
    def tick_x(self) -> float:
        return self.x - 1


# The chart's viewBox: a plot area of PLOT_WIDTH × PLOT_HEIGHT at (LEFT, TOP).
CHART_WIDTH, CHART_HEIGHT = 640, 240
LEFT, TOP, PLOT_WIDTH, PLOT_HEIGHT = 40, 36, 580, 164


def histogram(percents: Iterable[float], *, bins: int = 10) -> list[Bin]:
    """Return the bars of a histogram of percentages in `bins` equal bins from 0 to 100."""
    width = 100 / bins
    counts = [0] * bins
    for percent in percents:
        counts[min(bins - 1, max(0, int(percent // width)))] += 1
    tallest = max(counts, default=0) or 1
    bar = PLOT_WIDTH / bins
    return [
        Bin(
            low=round(i * width),
            high=round((i + 1) * width),
            count=count,
            x=LEFT + i * bar + 1,
            y=TOP + PLOT_HEIGHT * (1 - count / tallest),
            width=bar - 2,
            height=PLOT_HEIGHT * count / tallest,
        )
        for i, count in enumerate(counts)
    ]


def chart_x(percent: float) -> float:
    """Return where `percent` lies on the histogram's horizontal axis."""
    return LEFT + PLOT_WIDTH * percent / 100
