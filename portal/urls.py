from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    # Account
    path("register/", views.register, name="register"),
    path("register/sent/", views.register_sent, name="register_sent"),
    path("verify/<uidb64>/<token>/", views.verify_email, name="verify_email"),
    path("invitation/<uidb64>/<token>/", views.invitation_accept, name="invitation_accept"),
    # Company and sites
    path("company/", views.company_detail, name="company"),
    path("company/new/", views.company_create, name="company_create"),
    path("company/sites/new/", views.site_create, name="site_create"),
    path("company/invite/", views.company_invite, name="company_invite"),
    path("company/switch/", views.company_switch, name="company_switch"),
    # Applications and their Security Profile
    path("applications/new/", views.application_start, name="application_start"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/sites/", views.application_sites, name="application_sites"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path(
        "applications/<int:pk>/profile/<str:area>/",
        views.application_area,
        {"kind": "application"},
        name="application_area",
    ),
    path(
        "applications/<int:pk>/requests/<int:request_pk>/",
        views.information_answer,
        name="information_answer",
    ),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("answer-files/<int:pk>/", views.information_file_download, name="information_file"),
    # Memberships
    path("memberships/<int:pk>/", views.membership_detail, name="membership"),
    path(
        "memberships/<int:pk>/certificate/",
        views.membership_certificate,
        name="membership_certificate",
    ),
    path(
        "memberships/<int:pk>/confirm-profile/",
        views.membership_confirm_profile,
        name="membership_confirm_profile",
    ),
    path(
        "memberships/<int:pk>/revalidation/",
        views.membership_revalidation_start,
        name="membership_revalidation_start",
    ),
    path("action-plans/<int:pk>/", views.action_plan_detail, name="action_plan"),
    path(
        "action-plan-files/<int:pk>/",
        views.action_plan_evidence_download,
        name="action_plan_evidence",
    ),
    path("changes/new/", views.change_notice_create, name="change_notice_create"),
    path("incidents/new/", views.incident_create, name="incident_create"),
    path("revalidations/<int:pk>/", views.revalidation_detail, name="revalidation"),
    path(
        "revalidations/<int:pk>/submit/",
        views.revalidation_submit,
        name="revalidation_submit",
    ),
    path(
        "revalidations/<int:pk>/profile/<str:area>/",
        views.revalidation_area,
        {"kind": "revalidation"},
        name="revalidation_area",
    ),
]
