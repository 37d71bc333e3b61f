"""Practice: one question at a time, with what was right and why as soon as it is answered.

A page fetches the set's ids and keys and the one question it shows (`PracticeSet.question`):
its work does not grow with the number of questions in the set.
"""

from __future__ import annotations

import secrets
from random import Random

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from course.types import HtmxHttpRequest

from .. import grading, practice, variants
from ..forms import PracticeAnswerForm, question_item
from ..practice_sets import PracticeSet, Stop, get_practice_set, walk
from ..snapshot import QuestionSnapshot, shuffle_choices


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "HEAD", "POST"])
def practice_questions(
    request: HtmxHttpRequest, module_slug: str, lesson_slug: str | None = None
) -> HttpResponse:
    """Ask one practice question at a time; answering shows what was right and why."""
    pset = get_practice_set(
        module_slug, lesson_slug, user=request.user, scope=request.GET, now=timezone.now()
    )
    template = "quizzes/practice.html#question" if request.htmx else "quizzes/practice.html"
    data = request.POST if request.method == "POST" else request.GET
    page = _Page(request, pset, missed_only=data.get("missed") == "1")
    if request.method != "POST":
        context = page.context(
            current=request.GET.get("q"),
            seed=_seed(request.GET.get("seed", "")),
            answered=request.GET.get("answered") == "1",
        )
        return render(request, template, context)
    # Only the posted question is fetched; a variant is judged as the page drew it: with the
    # seed the form carries.
    posted = request.POST.get("question", "")
    snapshots: dict[str, QuestionSnapshot] = {}
    if posted in pset.ids:
        drawn = _seed(request.POST.get("seed", ""))
        snapshots[posted] = variants.realise(pset.snapshot(posted), drawn)
    form = PracticeAnswerForm(request.POST, questions=snapshots)
    if not form.is_valid():
        seed = form.cleaned_data.get("seed")
        context = page.context(
            current=form.data.get("question"),
            seed=_seed("") if seed is None else seed,
            answered=False,
            form=form,
        )
        return render(request, template, context)
    key, seed = form.cleaned_data["question"], form.cleaned_data["seed"]
    page.results[key] = practice.record_answer(
        user=request.user,
        session=request.session,
        question=pset.question(key),
        chosen=form.cleaned_data["choice"],
        now=timezone.now(),
        asked=snapshots[key],
    )
    if not request.htmx:
        return redirect(pset.link(missed=page.missed_only, q=key, seed=seed, answered=1))
    return render(request, template, page.context(current=key, seed=seed, answered=True))


def _seed(text: str) -> int:
    """Return the choice-order seed a link carries, or a fresh one."""
    return int(text) if text.isdigit() and len(text) < 10 else secrets.randbits(31)


class _Page:
    """The context of a practice page: the set, the learner's progress, one question."""

    def __init__(self, request: HtmxHttpRequest, pset: PracticeSet, *, missed_only: bool) -> None:
        self.request = request
        self.pset = pset
        self.missed_only = missed_only
        by_pk = practice.latest_results(
            user=request.user, session=request.session, question_ids=list(pset.ids.values())
        )
        self.results = {key: by_pk[pk] for key, pk in pset.ids.items() if pk in by_pk}

    def context(
        self,
        *,
        current: str | None,
        seed: int,
        answered: bool,
        form: PracticeAnswerForm | None = None,
    ) -> dict[str, object]:
        pset = self.pset
        where = walk(
            pset.keys,
            self.results,
            current=current,
            answered=answered,
            missed_only=self.missed_only,
        )
        notice = ""
        if form is not None:
            notice = " ".join(
                str(error) for name in ("question", "seed") for error in form.errors.get(name, [])
            )
        context: dict[str, object] = {
            "pset": pset,
            "module": pset.module,
            "missed_only": self.missed_only,
            "missed_count": len(where.missed),
            "total": len(where.keys),
            "answered_count": len(self.results),
            "right_count": sum(1 for result in self.results.values() if result.correct),
            "all_url": pset.action,
            "missed_url": pset.link(missed=True),
            "question": None,
            "answered": False,
            "htmx": bool(self.request.htmx),
            "announcement": notice,
            "notice": notice,
        }
        if where.stop is None:
            return context
        stop = where.stop
        snapshot = variants.realise(pset.snapshot(stop.key), seed)
        snapshot["choices"] = shuffle_choices(snapshot["choices"], Random(seed))
        context |= {
            "question": snapshot,
            "label": stop.label,
            "seed": seed,
            "next_url": self._link(q=stop.next_key) if stop.next_key else "",
            "retry_url": self._link(q=stop.key),
            "module_quizzes_url": reverse(
                "quizzes:module-quizzes", kwargs={"module_slug": pset.module.slug}
            ),
        }
        result = self.results.get(stop.key)
        if answered and result is not None:
            return context | self._feedback(snapshot, stop, result)
        return context | self._ask(snapshot, stop, notice, form)

    def _link(self, **params: object) -> str:
        return self.pset.link(missed=self.missed_only, **params)

    def _feedback(
        self, snapshot: QuestionSnapshot, stop: Stop, result: practice.PracticeResult
    ) -> dict[str, object]:
        score = grading.score_question(snapshot, result.chosen, partial_credit=False)
        verdict = "Correct." if result.correct else "Not quite."
        review = grading.ReviewItem(
            number=stop.number,
            question=snapshot,
            result=grading.QuestionResult(
                key=stop.key, topic=snapshot["topic"], chosen=result.chosen, score=score
            ),
        )
        return {
            "answered": True,
            "review": review,
            "announcement": f"{verdict} The explanation of every choice follows.",
        }

    def _ask(
        self,
        snapshot: QuestionSnapshot,
        stop: Stop,
        notice: str,
        form: PracticeAnswerForm | None,
    ) -> dict[str, object]:
        errors = [str(error) for error in form.errors.get("choice", [])] if form else []
        selected = self.request.POST.getlist("choice") if errors else []
        item = question_item(
            snapshot, number=stop.number, selected=selected, errors=errors, name="choice"
        )
        announcement = " ".join([notice, *errors]) if notice or errors else stop.label
        return {"item": item, "announcement": announcement}
