"""The officer workbench's forms: they parse input only; the services decide.

Every rule (deadline after today, reasons required, a finding's note when it falls short...)
is the services'; a form only checks types, so that a refusal always reads the same whether it
comes from a page or the API. ``core.pages.run_service`` puts a service's refusal next to the
field it names, or at the top of the form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import choice_field, model_choice_field
from validations.models import Finding, SiteValidation

if TYPE_CHECKING:
    from core.models import User
    from traders.models import Application, Membership, Requirement, Site


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# --- The work queue ---------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    """The queue's filters, read from the query string; an unknown value falls back to the
    default rather than failing."""

    WHO = [
        ("all", _("All cases")),
        ("mine", _("Assigned to me")),
        ("unassigned", _("Unassigned")),
    ]
    KIND = [
        ("", _("Applications and revalidations")),
        ("application", _("Applications")),
        ("revalidation", _("Revalidations")),
    ]
    SORT = [
        ("oldest", _("Longest in stage first")),
        ("newest", _("Newest in stage first")),
        ("deadline", _("Next deadline first")),
        ("reference", _("Reference")),
        ("company", _("Company")),
    ]

    who = forms.ChoiceField(label=_("Assigned"), choices=WHO, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=KIND, required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    q = forms.CharField(label=_("Reference or company"), required=False, max_length=100, strip=True)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT, required=False)

    def __init__(self, *args: Any, stages: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "stage").choices = [("", _("All stages")), *stages]

    def values(self) -> dict[str, str]:
        """The filters to apply: the valid ones as given, the others at their default."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "who": data.get("who") or "all",
            "kind": data.get("kind") or "",
            "stage": data.get("stage") or "",
            "q": data.get("q") or "",
            "sort": data.get("sort") or "oldest",
        }


# --- Eligibility review -----------------------------------------------------------------


class RequestInfoForm(forms.Form):
    message = forms.CharField(
        label=_("Information needed"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The trader sees this message in the portal."),
    )
    deadline = forms.DateField(
        label=_("Answer by"),
        widget=DateInput(),
        help_text=_("A date after today, for example 2026-05-31."),
    )


class MarkEligibleForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MarkIneligibleForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons the applicant is ineligible"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Recorded on the application and shown to the applicant."),
    )


# --- Site validation --------------------------------------------------------------------


class OfficerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.get_role_display()})"


class ScheduleValidationForm(forms.Form):
    scheduled_for = forms.DateField(
        label=_("Date of the visit"),
        widget=DateInput(),
        help_text=_("Today or later, for example 2026-05-31."),
    )
    sites: forms.ModelMultipleChoiceField[Site] = forms.ModelMultipleChoiceField(
        label=_("Sites to visit"),
        queryset=None,  # set per company
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave all unticked to visit every site in the application's scope."),
    )
    officers = OfficerChoiceField(
        label=_("Other officers taking part"),
        queryset=None,  # set in __init__
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("You lead the visit."),
    )
    joint_with_cbp = forms.BooleanField(
        label=_("Joint validation with U.S. CBP (C-TPAT)"), required=False
    )

    def __init__(self, *args: Any, sites: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "sites").queryset = sites
        model_choice_field(self, "officers").queryset = officers


class FindingForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"), choices=Finding.Result.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the requirement is partially met or not met."),
    )
    file = forms.FileField(
        label=_("Photo or document (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,.pdf,.docx,.xlsx,.odt"}),
    )


class CompleteValidationForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=SiteValidation.Outcome.choices, widget=forms.RadioSelect
    )
    recommendations = forms.CharField(
        label=_("Recommendations (best practices)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    override_reason = forms.CharField(
        label=_("Justification of the outcome (only to override the findings)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "An outcome the findings on must requirements do not support stands only with "
            "your written reasons; the manager and the report show them."
        ),
    )


class CancelValidationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling the visit"), widget=forms.Textarea(attrs={"rows": 2})
    )


# --- Action plans -----------------------------------------------------------------------


class ActionPlanItemForm(forms.Form):
    requirement: forms.ModelChoiceField[Requirement] = forms.ModelChoiceField(
        label=_("Requirement (optional)"), queryset=None, required=False
    )
    measure = forms.CharField(
        label=_("Corrective measure"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())

    def __init__(self, *args: Any, requirements: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "requirement").queryset = requirements

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("measure") or data.get("deadline"))


class BaseActionPlanItemFormSet(forms.BaseFormSet):
    def items(self) -> list[dict[str, Any]]:
        """The rows the officer filled in, in order; blank rows are ignored."""
        rows = []
        for form in self.forms:
            if not form.is_valid() or form.is_blank():
                continue
            rows.append(
                {
                    "measure": form.cleaned_data.get("measure") or "",
                    "deadline": form.cleaned_data.get("deadline"),
                    "requirement": form.cleaned_data.get("requirement"),
                }
            )
        return rows


# formset_factory subclasses ``formset``; the stubs type its result as a plain BaseFormSet.
ActionPlanItemFormSet = cast(
    "type[BaseActionPlanItemFormSet]",
    forms.formset_factory(
        ActionPlanItemForm,
        formset=BaseActionPlanItemFormSet,
        extra=0,
        max_num=50,
        absolute_max=50,
    ),
)


class ReviewNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnPlanForm(forms.Form):
    note = forms.CharField(
        label=_("What the member still has to do"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtendPlanForm(forms.Form):
    deadline = forms.DateField(label=_("New deadline"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason for the extension"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ItemAcceptForm(forms.Form):
    """Accept the member's answer on one measure (``prefix=f"accept_item-{item.pk}"``)."""

    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, number: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].label = _("Measure %(number)s: note (optional)") % {"number": number}


class ItemReturnForm(forms.Form):
    """Return one answer with a note saying what is missing."""

    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, number: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].label = _("Measure %(number)s: what the member still has to do") % {
            "number": number
        }


class ItemExtendForm(forms.Form):
    """Extend one measure's deadline, with the reason."""

    deadline = forms.DateField(widget=DateInput())
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, number: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deadline"].label = _("Measure %(number)s: new deadline") % {"number": number}
        self.fields["reason"].label = _("Measure %(number)s: reason for the extension") % {
            "number": number
        }


# --- Change notices ---------------------------------------------------------------------


class NoticeAcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoticeSpotCheckForm(forms.Form):
    scheduled_for = forms.DateField(label=_("Date of the spot check"), widget=DateInput())
    membership: forms.ModelChoiceField[Membership] = forms.ModelChoiceField(
        label=_("Membership"), queryset=None
    )

    def __init__(self, *args: Any, memberships: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "membership").queryset = memberships


class NoticeRevalidationForm(forms.Form):
    membership: forms.ModelChoiceField[Membership] = forms.ModelChoiceField(
        label=_("Membership"), queryset=None
    )

    def __init__(self, *args: Any, memberships: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "membership").queryset = memberships


# --- Incidents --------------------------------------------------------------------------


class IncidentConcludeForm(forms.Form):
    cause = forms.CharField(label=_("Cause"), widget=forms.Textarea(attrs={"rows": 3}))
    mitigating_circumstances = forms.CharField(
        label=_("Mitigating circumstances"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    prevention_strategy = forms.CharField(
        label=_("Strategy to prevent recurrence"), widget=forms.Textarea(attrs={"rows": 3})
    )


# --- Assigning cases ----------------------------------------------------------------------


class AssignOfficerForm(forms.Form):
    """A manager assigns a case (an application, or a member's file) to an officer."""

    officer: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Officer"), queryset=None
    )

    def __init__(self, *args: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "officer").queryset = officers


class BulkReassignForm(AssignOfficerForm):
    """A manager gives the cases ticked on the work queue to one officer."""

    applications: forms.ModelMultipleChoiceField[Application] = forms.ModelMultipleChoiceField(
        label=_("Cases"),
        queryset=None,
        error_messages={"required": _("Tick the cases to reassign.")},
    )

    def __init__(self, *args: Any, applications: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["applications"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # declared so
        field.queryset = applications


# --- Monitoring: a spot check from the member's file --------------------------------------


class SpotCheckForm(forms.Form):
    KINDS = [
        (SiteValidation.Kind.SPOT_CHECK, SiteValidation.Kind.SPOT_CHECK.label),
        (SiteValidation.Kind.POST_INCIDENT, SiteValidation.Kind.POST_INCIDENT.label),
    ]

    membership: forms.ModelChoiceField[Membership] = forms.ModelChoiceField(
        label=_("Membership"), queryset=None
    )
    kind = forms.ChoiceField(
        label=_("Kind of visit"), choices=KINDS, initial=SiteValidation.Kind.SPOT_CHECK
    )
    scheduled_for = forms.DateField(
        label=_("Date of the visit"),
        widget=DateInput(),
        help_text=_("Today or later, for example 2026-05-31."),
    )
    sites: forms.ModelMultipleChoiceField[Site] = forms.ModelMultipleChoiceField(
        label=_("Sites to visit"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave all unticked to visit every active site of the company."),
    )
    officers = OfficerChoiceField(
        label=_("Other officers taking part"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("You lead the visit."),
    )
    joint_with_cbp = forms.BooleanField(
        label=_("Joint validation with U.S. CBP (C-TPAT)"), required=False
    )

    def __init__(
        self, *args: Any, memberships: Any, sites: Any, officers: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "membership").queryset = memberships
        model_choice_field(self, "sites").queryset = sites
        model_choice_field(self, "officers").queryset = officers


# --- Revalidation -------------------------------------------------------------------------


class RevalidationCompleteForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
