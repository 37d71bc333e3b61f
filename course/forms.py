"""Forms of the course pages."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from .models import LessonQuerySet


class LessonCompleteForm(forms.Form):
    complete = forms.BooleanField(required=False)


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search lessons",
        min_length=2,
        max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": "cold start, bisect, RDS Proxy…"}),
    )

    def search(self, lessons: LessonQuerySet) -> LessonQuerySet:
        """Return the lessons whose title, summary or text contains every word of the query."""
        query = Q()
        for word in self.cleaned_data["q"].split()[:8]:
            query &= (
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(plain_text__icontains=word)
            )
        return lessons.filter(query).order_by("module__order", "order")[:50]
