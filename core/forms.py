"""Sign-in and password-reset forms: e-mail addresses, clear messages in both languages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """``form.fields[name]`` for a field the form declares as a ChoiceField (or a model
    choice field), to set its ``choices`` in ``__init__``: Django types ``fields`` as
    plain ``Field``."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField), f"{name} is not a choice field"
    return field


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """``form.fields[name]`` for a field the form declares as a ModelChoiceField (or
    ModelMultipleChoiceField), to set its ``queryset`` in ``__init__``."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField), f"{name} is not a model choice field"
    return field


class EmailAuthenticationForm(AuthenticationForm):
    """Django's sign-in form with the e-mail address as the login."""

    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The e-mail address or the password is not correct. Check both and try again."
        ),
        "inactive": _("This account is not active. Contact the programme to reactivate it."),
    }

    def clean_username(self) -> str:
        # Addresses are stored in lower case (core.models.UserManager).
        return self.cleaned_data["username"].strip().lower()


class BilingualPasswordResetForm(PasswordResetForm):
    """Django's reset form; its e-mail (templates/registration/password_reset_email.txt) is in
    English and French, with the link in each language."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
