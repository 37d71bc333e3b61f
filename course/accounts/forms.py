"""Sign-up form."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm

from ..models import User


class SignUpForm(UserCreationForm[User]):
    email = forms.EmailField(
        required=True, help_text="Used only to reset your password.", label="Email address"
    )
    # No "this address is taken" error: it would tell anyone which addresses have an account.
    # The address's existing owner gets a notice instead (see services.notify_address_owners).

    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined,misc]
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        return email
