"""The trader's forms: they parse input only; the services decide what is allowed."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from core.forms import model_choice_field
from traders.models import (
    Application,
    BusinessType,
    ChangeNotice,
    Company,
    CompanyUser,
    Membership,
    ProfileAnswer,
    Requirement,
    Site,
)


class RegistrationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("You will sign in with this address. We will send a link to confirm it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 8 characters; not a common password, not only digits."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("The language of the e-mails we send you."),
        widget=forms.RadioSelect,
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            data.get("password1")
            and data.get("password2")
            and data["password1"] != data["password2"]
        ):
            self.add_error("password2", _("The two passwords are not the same."))
        return data


class InvitationPasswordForm(SetPasswordForm):
    """The invited colleague's password. Django checks the password on the confirmation
    field; here its problems ("too common", "too short") show under "New password", where
    it was typed, and only a mismatch shows under the confirmation."""

    def clean(self) -> dict[str, Any]:
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        forms.Form.clean(self)
        return self.cleaned_data


class CompanyForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = [
            "legal_name",
            "operating_name",
            "business_number",
            "country",
            "province",
            "city",
            "street_address",
            "postal_code",
            "phone",
            "contact_email",
            "business_types",
            "mra_sharing_consent",
        ]
        widgets = {"business_types": forms.CheckboxSelectMultiple}
        help_texts = {
            "country": _("Two letters, such as CA or US."),
            "operating_name": _("If it differs from the legal name."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "business_types").queryset = BusinessType.objects.order_by("code")
        # The service validates the business number (and its uniqueness) itself.
        self.fields["business_number"].validators = []

    def _post_clean(self) -> None:
        """The model's own checks (business number, country, uniqueness) are left to the
        service, which normalises the input first and runs full_clean."""


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["name", "kind", "street_address", "city", "province", "country", "postal_code"]
        help_texts = {"country": _("Two letters, such as CA or US.")}


class SitesChoiceMixin:
    def _sites(self, sites: Iterable[Site]) -> None:
        field = self.fields["sites"]  # type: ignore[attr-defined]  # a Form
        field.queryset = Site.objects.filter(pk__in=[s.pk for s in sites]).order_by("name")


class InviteForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We will send the invitation to this address."),
    )
    company_role = forms.ChoiceField(
        label=_("Role in the company"),
        choices=CompanyUser.CompanyRole.choices,
        initial=CompanyUser.CompanyRole.CONTRIBUTOR,
        widget=forms.RadioSelect,
        help_text=_(
            "A signing authority may also invite colleagues; a contributor fills in and "
            "follows the applications."
        ),
    )
    preferred_language = forms.ChoiceField(
        label=_("Their preferred language"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        help_text=_(
            "The language of the invitation and of the e-mails we send them. A person who "
            "already has an account keeps the language they chose."
        ),
    )


class CompanySwitchForm(forms.Form):
    """The company a trader of several companies acts for: one of theirs."""

    company = forms.ModelChoiceField(
        label=_("Company you act for"),
        queryset=Company.objects.none(),
        empty_label=None,
        error_messages={
            "invalid_choice": _("Choose one of the companies you are a user of."),
            "required": _("Choose one of the companies you are a user of."),
        },
    )

    def __init__(self, *args: Any, companies: Iterable[Company] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "company").queryset = Company.objects.filter(
            pk__in=[c.pk for c in companies]
        ).order_by("legal_name", "pk")


START_TOKEN_SALT = "portal.application_start"
# A start form left open longer than this asks to be started again.
START_TOKEN_MAX_AGE = 24 * 60 * 60
START_FORM_EXPIRED = _("This form has expired. Check your choices and start the application again.")


def start_token_new(*, user_id: int) -> str:
    """The start form's one-time token, signed for the user who opened the form: a second
    submission of the same form finds the first draft (Application.start_token), and a token
    made up or taken from someone else's form starts nothing."""
    return signing.TimestampSigner(salt=START_TOKEN_SALT).sign(
        f"{user_id}.{secrets.token_urlsafe(16)}"
    )


class ApplicationStartForm(SitesChoiceMixin, forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=128)
    programme = forms.ChoiceField(
        label=_("Programmes applied for"),
        choices=Application.ProgrammeChoice.choices,
        widget=forms.RadioSelect,
    )
    harmonized_ctpat = forms.BooleanField(
        label=_("Apply also to the U.S. C-TPAT programme (harmonized application)"),
        required=False,
    )
    sites = forms.ModelMultipleChoiceField(
        label=_("Sites in scope"),
        queryset=Site.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The premises the application covers. You can change them until you submit."),
        required=False,
    )

    def __init__(
        self, *args: Any, sites: Iterable[Site] = (), user_id: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user_id = user_id
        self.token_expired = False
        self._sites(sites)
        if not self.is_bound and user_id is not None:
            self.initial.setdefault("form_token", start_token_new(user_id=user_id))

    def clean_form_token(self) -> str:
        token = self.cleaned_data.get("form_token") or ""
        try:
            value = signing.TimestampSigner(salt=START_TOKEN_SALT).unsign(
                token, max_age=START_TOKEN_MAX_AGE
            )
        except signing.BadSignature:
            value = ""
        if not value.startswith(f"{self.user_id}."):
            # Said at the top of the form: the field is hidden.
            self.token_expired = True
            self.add_error(None, START_FORM_EXPIRED)
            return ""
        return value

    def token_renew(self) -> None:
        """A fresh token after an expired one, so that the next submission can start."""
        data = QueryDict(mutable=True)
        data.update(self.data)  # every value of every field (the sites' list too)
        data["form_token"] = start_token_new(user_id=self.user_id or 0)
        self.data = data


class SubmitDeclarationForm(forms.Form):
    """The declaration the signer ticks to submit; its wording names the company. Not
    required here: the service refuses a submit without it, beside this box."""

    declaration = forms.BooleanField(required=False)

    def __init__(self, *args: Any, text: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["declaration"].label = text


class ApplicationSitesForm(SitesChoiceMixin, forms.Form):
    sites = forms.ModelMultipleChoiceField(
        label=_("Sites in scope"),
        queryset=Site.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, sites: Iterable[Site] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sites(sites)


def implementation_field(name: str) -> str:
    return f"{name}-implementation"


def description_field(name: str) -> str:
    return f"{name}-description"


def file_field(name: str) -> str:
    return f"{name}-file"


class AreaForm(forms.Form):
    """One area of a security profile: for each requirement, how it is implemented, a
    description and (optionally) a document. Blank requirements stay unanswered (a draft)."""

    def __init__(
        self,
        *args: Any,
        requirements: Iterable[Requirement],
        answers: dict[int, ProfileAnswer],
        editable: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.requirements = list(requirements)
        self.rows: list[dict[str, Any]] = []
        for req in self.requirements:
            answer = answers.get(req.pk)
            key = req.code
            implementation = forms.ChoiceField(
                label=_("How is %(code)s implemented?") % {"code": req.code},
                choices=ProfileAnswer.Implementation.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=answer.implementation if answer else None,
                disabled=not editable,
            )
            description = forms.CharField(
                label=_("How the company meets %(code)s") % {"code": req.code},
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                initial=answer.description if answer else "",
                help_text=_("Not needed when the requirement does not apply."),
                disabled=not editable,
            )
            self.fields[implementation_field(key)] = implementation
            self.fields[description_field(key)] = description
            if editable:
                self.fields[file_field(key)] = forms.FileField(
                    label=_("Add a supporting document for %(code)s") % {"code": req.code},
                    required=False,
                    help_text=_(
                        "PDF, image (PNG, JPEG, GIF, WebP) or office document; at most %(mb)s MB."
                    )
                    % {"mb": settings.EVIDENCE_MAX_BYTES // 1_048_576},
                )
            self.rows.append({"requirement": req, "answer": answer, "key": key})

    def bound_rows(self) -> list[dict[str, Any]]:
        rows = []
        for row in self.rows:
            key = row["key"]
            rows.append(
                {
                    **row,
                    "implementation": self[implementation_field(key)],
                    "description": self[description_field(key)],
                    "file": self[file_field(key)] if file_field(key) in self.fields else None,
                }
            )
        return rows

    def entries(self) -> list[dict[str, Any]]:
        """The requirements the trader answered or attached a file to, in order."""
        entries = []
        for row in self.rows:
            key = row["key"]
            implementation = self.cleaned_data.get(implementation_field(key)) or ""
            description = self.cleaned_data.get(description_field(key)) or ""
            upload = self.cleaned_data.get(file_field(key))
            if implementation or upload or (description.strip() and row["answer"] is None):
                entries.append(
                    {
                        "requirement": row["requirement"],
                        "key": key,
                        "implementation": implementation,
                        "description": description,
                        "upload": upload,
                        "answer": row["answer"],
                    }
                )
        return entries


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none is chosen)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if not items and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class InformationAnswerForm(forms.Form):
    response = forms.CharField(
        label=_("Your answer"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    # A declared field: the form's metaclass moves it into base_fields, so the form's own
    # ``files`` (the uploads) is untouched.
    files = MultipleFileField(  # type: ignore[assignment]  # see above
        label=_("Supporting documents (optional)"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "You may choose several files. PDF, image (PNG, JPEG, GIF, WebP) or office "
            "document; at most %(mb)s MB each."
        ) % {"mb": settings.EVIDENCE_MAX_BYTES // 1_048_576}


class AppealForm(forms.Form):
    grounds = forms.CharField(
        label=_("Grounds of your appeal"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Give the grounds of the appeal.")},
    )


class PortalDateInput(forms.DateInput):
    """The portal's date fields: the browser's date picker, which shows the date in the
    reader's own format (mm/dd/yyyy in Chromium's en-CA) and sends it as YYYY-MM-DD. No
    format example in the hint, which would contradict what the picker shows; typed without
    a picker, the server also reads the language's own formats (Django's DATE_INPUT_FORMATS)
    as well as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")  # the value a date input requires


class ChangeNoticeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of change"), choices=ChangeNotice.Kind.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(label=_("What changed"), widget=forms.Textarea(attrs={"rows": 5}))
    effective_on = forms.DateField(
        label=_("Date of the change"),
        widget=PortalDateInput,
    )
    membership = forms.ModelChoiceField(
        label=_("Membership concerned"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=_("All of the company's memberships"),
    )

    def __init__(self, *args: Any, memberships: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if memberships is not None:
            model_choice_field(self, "membership").queryset = memberships


class IncidentForm(forms.Form):
    occurred_on = forms.DateField(
        label=_("Date of the incident"),
        widget=PortalDateInput,
    )
    description = forms.CharField(
        label=_("What happened"),
        help_text=_("Where, what was affected, who was told, what you did."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    membership = forms.ModelChoiceField(
        label=_("Membership concerned"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=_("All of the company's memberships"),
    )

    def __init__(self, *args: Any, memberships: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if memberships is not None:
            model_choice_field(self, "membership").queryset = memberships


class ActionPlanItemAnswerForm(forms.Form):
    """The member's answer on one corrective measure: what was done, and files as evidence
    (one form per measure on the plan's page, ``prefix=f"item{item.pk}"``)."""

    response = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    # A declared field (moved into base_fields), not the form's ``files``: see above.
    files = MultipleFileField(required=False)  # type: ignore[assignment]

    def __init__(self, *args: Any, number: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["response"].label = _("Measure %(number)s: what the company did") % {
            "number": number
        }
        self.fields["files"].label = _("Measure %(number)s: evidence (optional)") % {
            "number": number
        }
        self.fields["files"].help_text = _(
            "You may choose several files. PDF, image (PNG, JPEG, GIF, WebP) or office "
            "document; at most %(mb)s MB each."
        ) % {"mb": settings.EVIDENCE_MAX_BYTES // 1_048_576}
