"""Account writes that reach beyond one form."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from ..models import User


def notify_address_owners(*, new_user: User, site_url: str) -> int:
    """Tell the earlier accounts on the new user's e-mail address; return how many were told.

    Sign-up accepts an address that already has an account, so that the form never reveals
    which addresses are registered; the owner learns of it here and can reset a password.
    """
    owners = list(User.objects.filter(email__iexact=new_user.email).exclude(pk=new_user.pk))
    for owner in owners:
        send_mail(
            subject="A new Lambda Lab account uses your e-mail address",
            message=(
                f"Someone signed up as {new_user.get_username()!r} with this address, which "
                f"already belongs to your account {owner.get_username()!r}.\n\n"
                "If that was you and you forgot your password, reset it here:\n"
                f"{site_url}{reverse('password_reset')}\n\n"
                "If it was not you, you can ignore this message: your account is unchanged."
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[owner.email],
        )
    return len(owners)
