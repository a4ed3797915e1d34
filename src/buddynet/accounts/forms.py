from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from django import forms
from django.utils.translation import gettext_lazy as _

from buddynet.core.forms import short_text
from buddynet.tenancy.models import Role

from .models import normalize_email
from .services import email_in_use


class APITokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. 'monthly report to the funder'."),
    )


class AddEmailForm(AllauthAddEmailForm):
    """Changing one's e-mail address: never to an address of another account.

    allauth hides that an address is taken (enumeration prevention) and would add it
    unconfirmed; here only the user's own, unused address can be added, and it takes
    effect once confirmed from its mailbox (``ACCOUNT_CHANGE_EMAIL``).
    """

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data.get("email"))
        if email_in_use(email, exclude_user=self.user):
            raise forms.ValidationError(
                _("Another account uses this e-mail address. Choose another one."),
                code="email_taken",
            )
        return super().clean_email()


class TeamInviteForm(forms.Form):
    """Who to add to the project's team, and in which role."""

    ROLE_CHOICES = [
        (Role.PROJECT_COORDINATOR, _("Coordinator: runs the project and sees every file")),
        (Role.PROFESSIONAL, _("Referrer: refers people and follows the ones they referred")),
        (
            Role.PRIVACY_OFFICER,
            _("Privacy officer: oversees how personal data is kept, never a file's content"),
        ),
    ]

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("They log in with this address. Someone who already has an account keeps it."),
    )
    first_name = short_text(_("First name"), max_length=150)
    last_name = short_text(_("Last name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES, widget=forms.RadioSelect)
