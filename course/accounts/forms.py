"""Sign-up form."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm

from ..models import User


class SignUpForm(UserCreationForm[User]):
    email = forms.EmailField(
        required=True, help_text="Used only to reset your password.", label="Email address"
    )

    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined,misc]
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email address already exists.")
        return email
