from django.urls import path

from .views import (
    accounts,
    action_plans,
    applications,
    change_notices,
    company,
    files,
    home,
    incidents,
    memberships,
    profiles,
    revalidations,
)

app_name = "portal"
urlpatterns = [
    path("", home.home, name="home"),
    # Account
    path("register/", accounts.register, name="register"),
    path("register/sent/", accounts.register_sent, name="register_sent"),
    path("verify/<uidb64>/<token>/", accounts.verify_email, name="verify_email"),
    path("invitation/<uidb64>/<token>/", accounts.invitation_accept, name="invitation_accept"),
    # Company and sites
    path("company/", company.company_detail, name="company"),
    path("company/new/", company.company_create, name="company_create"),
    path("company/sites/new/", company.site_create, name="site_create"),
    path("company/invite/", company.company_invite, name="company_invite"),
    path("company/switch/", company.company_switch, name="company_switch"),
    # Applications and their Security Profile
    path("applications/new/", applications.application_start, name="application_start"),
    path("applications/<int:pk>/", applications.application_detail, name="application"),
    path("applications/<int:pk>/sites/", applications.application_sites, name="application_sites"),
    path(
        "applications/<int:pk>/submit/", applications.application_submit, name="application_submit"
    ),
    path(
        "applications/<int:pk>/receipt/",
        applications.application_receipt,
        name="application_receipt",
    ),
    path(
        "applications/<int:pk>/profile/<str:area>/",
        profiles.application_area,
        {"kind": "application"},
        name="application_area",
    ),
    path(
        "applications/<int:pk>/requests/<int:request_pk>/",
        applications.information_answer,
        name="information_answer",
    ),
    path("evidence/<int:pk>/", files.evidence_download, name="evidence"),
    path("answer-files/<int:pk>/", files.information_file_download, name="information_file"),
    # Memberships
    path("memberships/<int:pk>/", memberships.membership_detail, name="membership"),
    path(
        "memberships/<int:pk>/certificate/",
        memberships.membership_certificate,
        name="membership_certificate",
    ),
    path(
        "memberships/<int:pk>/confirm-profile/",
        memberships.membership_confirm_profile,
        name="membership_confirm_profile",
    ),
    path("memberships/<int:pk>/appeal/", memberships.membership_appeal, name="membership_appeal"),
    path(
        "memberships/<int:pk>/revalidation/",
        memberships.membership_revalidation_start,
        name="membership_revalidation_start",
    ),
    path("action-plans/<int:pk>/", action_plans.action_plan_detail, name="action_plan"),
    path(
        "action-plan-files/<int:pk>/",
        files.action_plan_evidence_download,
        name="action_plan_evidence",
    ),
    path("reports/<int:pk>/", files.site_validation_report, name="site_validation_report"),
    path("letters/<int:pk>/", files.decision_letter, name="decision_letter"),
    path("changes/new/", change_notices.change_notice_create, name="change_notice_create"),
    path("incidents/new/", incidents.incident_create, name="incident_create"),
    path("revalidations/<int:pk>/", revalidations.revalidation_detail, name="revalidation"),
    path(
        "revalidations/<int:pk>/submit/",
        revalidations.revalidation_submit,
        name="revalidation_submit",
    ),
    path(
        "revalidations/<int:pk>/profile/<str:area>/",
        profiles.revalidation_area,
        {"kind": "revalidation"},
        name="revalidation_area",
    ),
]
