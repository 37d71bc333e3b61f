"""Parse and validate answers posted to practice questions and attempts.

The forms also give templates what they need to draw a question *before* it is answered, and
nothing more: the display items carry choice keys and texts, never correctness or explanations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator

from course.models import User

from .grading import MULTIPLE, answer_problem
from .snapshot import QuestionSnapshot

UNKNOWN_CHOICE = "That choice is not part of this question. Reload the page and try again."


@dataclass(frozen=True)
class ChoiceItem:
    key: str
    text_html: str
    input_id: str
    checked: bool


@dataclass(frozen=True)
class QuestionItem:
    """A question as drawn before it is answered: no correctness, no explanations."""

    number: int
    key: str
    name: str
    kind: str
    pick: int
    stem_html: str
    choices: list[ChoiceItem]
    errors: list[str] = field(default_factory=list)
    partial_credit: bool = False
    version: int | None = None

    @property
    def version_name(self) -> str:
        return version_field_name(self.key)

    @property
    def is_multiple(self) -> bool:
        return self.kind == MULTIPLE

    @property
    def input_type(self) -> str:
        return "checkbox" if self.is_multiple else "radio"

    @property
    def instruction(self) -> str:
        if not self.is_multiple:
            return "Choose one."
        return f"Select up to {self.pick}." if self.partial_credit else f"Select {self.pick}."


def field_name(question_key: str) -> str:
    return f"q-{question_key}"


def version_field_name(question_key: str) -> str:
    """Name the hidden field with the version of a question's answer the page was drawn with."""
    return f"v-{question_key}"


def question_item(
    question: QuestionSnapshot,
    *,
    number: int,
    selected: Sequence[str] = (),
    errors: Sequence[str] = (),
    name: str | None = None,
    partial_credit: bool = False,
    version: int | None = None,
) -> QuestionItem:
    """Return what a template needs to draw `question` as an unanswered form fieldset."""
    name = name or field_name(question["key"])
    return QuestionItem(
        number=number,
        key=question["key"],
        name=name,
        kind=question["kind"],
        pick=question["pick"],
        stem_html=question["stem_html"],
        choices=[
            ChoiceItem(
                key=choice["key"],
                text_html=choice["text_html"],
                input_id=f"{name}-{choice['key']}",
                checked=choice["key"] in selected,
            )
            for choice in question["choices"]
        ],
        errors=list(errors),
        partial_credit=partial_credit,
        version=version,
    )


def _choice_field(question: QuestionSnapshot | None) -> forms.MultipleChoiceField:
    keys = [choice["key"] for choice in question["choices"]] if question else []
    return forms.MultipleChoiceField(
        choices=[(key, key) for key in keys],
        required=False,
        error_messages={"invalid_choice": UNKNOWN_CHOICE, "invalid_list": UNKNOWN_CHOICE},
    )


class AttemptAnswersForm(forms.Form):
    """Every question of an attempt; `complete=True` (submitting) wants each one answered.

    Each question comes with its version token (`v-<key>`, see `services.save_answers`). A draft
    save posts only the questions it changes: a question is *in the post* when its token or a
    choice is, so a question whose choices were all cleared is sent as its token alone, and a
    question not in the post is left as it is. A submit is the whole page: every question is in it.
    `versions` are the tokens to draw the page with.
    """

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        questions: Sequence[QuestionSnapshot],
        complete: bool,
        partial_credit: bool = False,
        saved: Mapping[str, Sequence[str]] | None = None,
        versions: Mapping[str, int] | None = None,
    ) -> None:
        super().__init__(data)
        self.questions = list(questions)
        self.complete = complete
        self.partial_credit = partial_credit
        self.saved = saved or {}
        self.versions = dict(versions or {})
        for question in self.questions:
            self.fields[field_name(question["key"])] = _choice_field(question)

    def _posted(self, key: str) -> bool:
        assert self.data is not None
        return self.complete or field_name(key) in self.data or version_field_name(key) in self.data

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for question in self.questions:
            name = field_name(question["key"])
            if name not in cleaned:
                continue
            problem = answer_problem(
                question, cleaned[name], complete=self.complete, partial_credit=self.partial_credit
            )
            if problem:
                self.add_error(name, problem)
        return cleaned

    def valid_answers(self) -> dict[str, list[str]]:
        """Return the posted answers that passed validation, by question key (drafts: partial)."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return {
            question["key"]: list(self.cleaned_data[field_name(question["key"])])
            for question in self.questions
            if self._posted(question["key"]) and field_name(question["key"]) in self.cleaned_data
        }

    def posted_versions(self) -> dict[str, int]:
        """Return the token each posted question was drawn with; -1 for one that is no number."""
        assert self.data is not None
        versions = {}
        for question in self.questions:
            raw = self.data.get(version_field_name(question["key"]))
            if raw is not None:
                text = str(raw)
                versions[question["key"]] = int(text) if text.isdigit() and len(text) < 10 else -1
        return versions

    def items(self) -> list[QuestionItem]:
        """Return the questions to draw, with the learner's selections and any errors."""
        items = []
        for number, question in enumerate(self.questions, start=1):
            name = field_name(question["key"])
            errors: list[str] = []
            if self.is_bound:
                assert self.data is not None
                getlist = getattr(self.data, "getlist", None)
                selected = getlist(name) if getlist else self.data.get(name, [])
                errors = [str(error) for error in self.errors.get(name, [])]
            else:
                selected = list(self.saved.get(question["key"], []))
            items.append(
                question_item(
                    question,
                    number=number,
                    selected=selected,
                    errors=errors,
                    partial_credit=self.partial_credit,
                    version=self.versions.get(question["key"], 0),
                )
            )
        return items

    def problem_numbers(self) -> list[int]:
        """Return the numbers of the questions that need attention."""
        names = set(self.errors)
        return [
            number
            for number, question in enumerate(self.questions, start=1)
            if field_name(question["key"]) in names
        ]


class PracticeAnswerForm(forms.Form):
    """One answer to one practice question, shown with the choice order of `seed`."""

    question = forms.CharField(max_length=100)
    seed = forms.IntegerField(min_value=0, max_value=2**32 - 1)

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, questions: Mapping[str, QuestionSnapshot]
    ) -> None:
        super().__init__(data)
        self.questions = questions
        key = data.get("question") if data else None
        self.question_snapshot = questions.get(key) if isinstance(key, str) else None
        self.fields["choice"] = _choice_field(self.question_snapshot)

    def clean_question(self) -> str:
        key: str = self.cleaned_data["question"]
        if key not in self.questions:
            raise forms.ValidationError(
                "This question is no longer part of this practice set. Pick another question."
            )
        return key

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.question_snapshot is not None and "choice" in cleaned:
            problem = answer_problem(self.question_snapshot, cleaned["choice"], complete=True)
            if problem:
                self.add_error("choice", problem)
        return cleaned


class ExamAnswerForm(forms.Form):
    """One exam question's answer and flag, with the version token the page was drawn with."""

    GO_CHOICES = [("stay", "Save"), ("prev", "Previous"), ("next", "Next"), ("review", "Review")]

    version = forms.IntegerField(min_value=0)
    flag = forms.BooleanField(required=False)
    go = forms.ChoiceField(choices=GO_CHOICES, required=False)

    def __init__(self, data: Mapping[str, Any] | None = None, *, question: QuestionSnapshot):
        super().__init__(data)
        self.question = question
        self.fields["choice"] = _choice_field(question)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "choice" in cleaned:
            problem = answer_problem(self.question, cleaned["choice"], complete=False)
            if problem:
                self.add_error("choice", problem)
        return cleaned

    def problem(self) -> str:
        """Return every error in one sentence for the learner."""
        return " ".join(str(error) for errors in self.errors.values() for error in errors)


class AccommodationForm(forms.Form):
    """An instructor's grant of extra time, attempts or window to one learner."""

    username = forms.CharField(max_length=150, label="Learner's username")
    time_multiplier = forms.DecimalField(
        min_value=Decimal("1"),
        max_value=Decimal("4"),
        max_digits=3,
        decimal_places=2,
        initial=Decimal("1"),
        help_text="1.5 gives half as much time again; 1 to 4.",
    )
    extra_attempts = forms.IntegerField(min_value=0, max_value=20, initial=0)
    window_extension_minutes = forms.IntegerField(
        min_value=0,
        max_value=60 * 24 * 60,
        initial=0,
        label="Window extension (minutes)",
        help_text="Minutes the learner may still start after the exam window closes.",
    )
    note = forms.CharField(max_length=200, required=False)

    def clean_username(self) -> User:
        username: str = self.cleaned_data["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(f"There is no learner with the username “{username}”.")
        return user


class GrantExtraForm(forms.Form):
    """Extra time or one more attempt for the learner of an exam in progress."""

    EXTRA_MINUTES = [(0, "No extra time"), (5, "5 minutes"), (10, "10 minutes"), (15, "15 minutes")]
    EXTRA_MINUTES += [(30, "30 minutes"), (60, "1 hour")]

    attempt = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    extra_minutes = forms.TypedChoiceField(
        choices=EXTRA_MINUTES, coerce=int, required=False, label="Extra time"
    )
    extra_attempts = forms.TypedChoiceField(
        choices=[(0, "No"), (1, "One more attempt")],
        coerce=int,
        required=False,
        label="Extra attempt",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("extra_minutes") and not cleaned.get("extra_attempts"):
            raise forms.ValidationError("Choose extra time, an extra attempt or both.")
        return cleaned


class OverrideForm(forms.Form):
    """An instructor's new score for a closed attempt, and why."""

    score = forms.DecimalField(
        min_value=Decimal(0), max_digits=6, decimal_places=2, label="New score"
    )
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required. Logged in the attempt's event log and shown to the learner.",
    )

    def __init__(self, data: Mapping[str, Any] | None = None, *, max_score: float) -> None:
        super().__init__(data)
        self.max_score = max_score
        score = self.fields["score"]
        assert isinstance(score, forms.DecimalField)
        score.validators.append(MaxValueValidator(Decimal(str(max_score))))
        score.help_text = f"Points, from 0 to {max_score:g}."
        score.widget.attrs.update({"max": f"{max_score:g}", "step": "0.01"})

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give a reason for the change.")
        return reason


class LearnerReportForm(forms.Form):
    """Filters and order of the learner progress report (every field optional)."""

    SORTS = [
        ("username", "Username"),
        ("-last_activity", "Last activity, newest first"),
        ("last_activity", "Last activity, oldest first"),
        ("-lessons", "Lessons done, most first"),
        ("lessons", "Lessons done, fewest first"),
        ("-passed", "Quizzes passed, most first"),
        ("passed", "Quizzes passed, fewest first"),
        ("-average", "Average best score, highest first"),
        ("average", "Average best score, lowest first"),
    ]
    ACTIVITY = [
        ("", "Anyone"),
        ("7", "Active in the last 7 days"),
        ("30", "Active in the last 30 days"),
        ("idle30", "Not active for 30 days"),
        ("never", "Never active"),
    ]

    q = forms.CharField(max_length=150, required=False, label="Username contains")
    module = forms.ChoiceField(required=False, label="Module")
    activity = forms.ChoiceField(choices=ACTIVITY, required=False, label="Activity")
    sort = forms.ChoiceField(choices=SORTS, required=False, label="Sort by")

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, modules: Sequence[tuple[str, str]]
    ) -> None:
        super().__init__(data)
        module = self.fields["module"]
        assert isinstance(module, forms.ChoiceField)
        module.choices = [("", "All modules"), *modules]
