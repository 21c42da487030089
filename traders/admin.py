from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin_tools import StateReadOnlyAdmin, service_action

from . import services
from .models import (
    Application,
    BusinessType,
    CatalogueVersion,
    ChangeNotice,
    Company,
    CompanyUser,
    EvidenceFile,
    InformationAnswerFile,
    InformationRequest,
    Membership,
    MembershipCertificate,
    ProfileAnswer,
    Requirement,
    RequirementArea,
    SecurityProfile,
    Site,
)
from .reporting import company_copies_write


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


class CompanyUserInline(admin.TabularInline):
    model = CompanyUser
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "operating_name", "business_number", "country", "province"]
    list_filter = ["country", "business_types"]
    search_fields = ["legal_name", "operating_name", "business_number"]
    inlines = [SiteInline, CompanyUserInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # After the business types are saved: the copies on the company's applications and
        # memberships follow (traders.reporting), under the company's row lock, in the
        # admin's transaction.
        super().save_related(request, form, formsets, change)
        company = form.instance
        Company.objects.select_for_update().filter(pk=company.pk).first()
        company_copies_write(company_ids=[company.pk])


@admin.register(BusinessType)
class BusinessTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_fr"]

    def delete_model(self, request: HttpRequest, obj: BusinessType) -> None:
        services.business_type_delete(business_type=obj, actor=request.user)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for business_type in queryset:
            services.business_type_delete(business_type=business_type, actor=request.user)  # type: ignore[arg-type]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "kind", "city", "country"]
    search_fields = ["name", "company__legal_name"]
    raw_id_fields = ["company"]


@admin.register(CompanyUser)
class CompanyUserAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "company_role"]
    raw_id_fields = ["user", "company"]


class PublishedReadOnly(admin.ModelAdmin):
    """Published catalogue versions are never edited: a change is a new version."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(PublishedReadOnly):
    list_display = ["programme", "version", "effective_from"]


@admin.register(RequirementArea)
class RequirementAreaAdmin(PublishedReadOnly):
    list_display = ["code", "name_en", "catalogue"]
    list_filter = ["catalogue"]


@admin.register(Requirement)
class RequirementAdmin(PublishedReadOnly):
    list_display = ["code", "level", "evidence_required", "ctpat_category", "wco_condition"]
    list_filter = ["area__catalogue", "level", "evidence_required", "ctpat_category"]
    search_fields = ["code", "text_en", "text_fr"]


class ProfileAnswerInline(admin.TabularInline):
    model = ProfileAnswer
    extra = 0
    raw_id_fields = ["requirement"]
    readonly_fields = ["updated_by"]


@admin.register(SecurityProfile)
class SecurityProfileAdmin(admin.ModelAdmin):
    list_display = ["company", "catalogue", "submitted_at", "confirmed_on"]
    readonly_fields = ["submitted_at"]
    raw_id_fields = ["company"]
    inlines = [ProfileAnswerInline]


@admin.register(ProfileAnswer)
class ProfileAnswerAdmin(admin.ModelAdmin):
    list_display = ["profile", "requirement", "implementation"]
    raw_id_fields = ["profile", "requirement"]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(admin.ModelAdmin):
    list_display = ["original_name", "content_type", "size", "uploaded_at"]
    raw_id_fields = ["answer"]
    readonly_fields = ["file", "content_type", "size", "uploaded_by"]


@admin.register(Application)
class ApplicationAdmin(StateReadOnlyAdmin):
    list_display = [
        "reference",
        "company",
        "programme",
        "state",
        "submitted_at",
        "assigned_officer",
    ]
    list_filter = ["state", "programme", "harmonized_ctpat"]
    search_fields = ["reference", "company__legal_name"]
    raw_id_fields = ["company", "profile", "assigned_officer", "created_by"]
    state_fields = ("state", "state_changed_at", "submitted_at", "decided_at", "reference")
    actions = [
        service_action(
            services.application_start_review,
            param="application",
            description=_("Start the eligibility review"),
        ),
        service_action(
            services.application_mark_eligible, param="application", description=_("Mark eligible")
        ),
        service_action(
            services.application_certify, param="application", description=_("Certify (managers)")
        ),
    ]


class InformationAnswerFileInline(admin.TabularInline):
    model = InformationAnswerFile
    extra = 0
    readonly_fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    fields = readonly_fields


@admin.register(InformationRequest)
class InformationRequestAdmin(admin.ModelAdmin):
    list_display = ["application", "deadline", "responded_at"]
    raw_id_fields = ["company", "application", "requested_by", "responded_by"]
    inlines = [InformationAnswerFileInline]


@admin.register(InformationAnswerFile)
class InformationAnswerFileAdmin(admin.ModelAdmin):
    list_display = ["original_name", "content_type", "size", "uploaded_at"]
    raw_id_fields = ["information_request"]
    readonly_fields = ["file", "content_type", "size", "uploaded_by"]


@admin.register(Membership)
class MembershipAdmin(StateReadOnlyAdmin):
    list_display = ["member_number", "company", "programme", "state", "certified_on", "expires_on"]
    list_filter = ["state", "programme"]
    search_fields = ["member_number", "company__legal_name"]
    raw_id_fields = ["company", "application", "assigned_officer"]
    state_fields = (
        "state",
        "state_changed_at",
        "member_number",
        "certified_on",
        "expires_on",
        "last_renewed_on",
        "cancelled_on",
    )


@admin.register(ChangeNotice)
class ChangeNoticeAdmin(StateReadOnlyAdmin):
    list_display = ["company", "kind", "effective_on", "state"]
    list_filter = ["state", "kind"]
    raw_id_fields = ["company", "membership", "reported_by"]
    state_fields = ("state", "follow_up")
    actions = [
        service_action(
            services.change_notice_acknowledge, param="notice", description=_("Acknowledge")
        ),
    ]


@admin.register(MembershipCertificate)
class MembershipCertificateAdmin(admin.ModelAdmin):
    """Issued certificates are records: read only (a new one comes with a renewal)."""

    list_display = ["membership", "reason", "expires_on", "generated_on", "created_at"]
    list_filter = ["reason"]
    search_fields = ["membership__member_number", "membership__company__legal_name"]
    list_select_related = ["membership"]
    # The file's name, not a link: stored files have no public URL (served by the API only).
    readonly_fields = (
        "membership",
        "stored_file",
        "reason",
        "generated_on",
        "expires_on",
        "created_at",
    )
    fields = readonly_fields

    @admin.display(description=_("file"))
    def stored_file(self, obj: MembershipCertificate) -> str | None:
        return obj.file.name

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
