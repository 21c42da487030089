from django.urls import path

from .views import (
    action_plans,
    applications,
    dashboard,
    decisions,
    files,
    members,
    monitoring,
    revalidations,
    site_validations,
    work_queue,
)

app_name = "backoffice"
urlpatterns = [
    path("", work_queue.workbench, name="workbench"),
    # The officer workbench (issue 4): backoffice/views/
    path("applications/<int:pk>/", applications.application_review, name="application"),
    path("applications/<int:pk>/take/", work_queue.application_take, name="application_take"),
    path("applications/reassign/", work_queue.applications_reassign, name="applications_reassign"),
    path(
        "applications/<int:pk>/assign/", applications.application_assign, name="application_assign"
    ),
    path(
        "applications/<int:pk>/schedule/",
        applications.validation_schedule,
        name="validation_schedule",
    ),
    path("evidence/<int:pk>/", files.evidence_download, name="evidence"),
    path(
        "answer-files/<int:pk>/",
        files.information_file_download,
        name="information_file",
    ),
    path("validations/<int:pk>/", site_validations.validation_detail, name="validation"),
    path(
        "validations/<int:pk>/findings/<int:requirement_pk>/",
        site_validations.finding_save,
        name="finding_save",
    ),
    path(
        "validations/<int:pk>/report/", site_validations.validation_report, name="validation_report"
    ),
    path(
        "validations/<int:pk>/action-plan/",
        action_plans.action_plan_issue,
        name="action_plan_issue",
    ),
    path(
        "finding-evidence/<int:pk>/",
        files.finding_evidence_download,
        name="finding_evidence",
    ),
    path("action-plans/", action_plans.action_plan_list, name="action_plans"),
    path("action-plans/<int:pk>/", action_plans.action_plan_detail, name="action_plan"),
    path(
        "action-plan-files/<int:pk>/",
        files.action_plan_evidence_download,
        name="action_plan_evidence",
    ),
    path("change-notices/", monitoring.change_notice_list, name="change_notices"),
    path("change-notices/<int:pk>/", monitoring.change_notice_detail, name="change_notice"),
    path("incidents/", monitoring.incident_list, name="incidents"),
    path("incidents/<int:pk>/", monitoring.incident_detail, name="incident"),
    path("companies/<int:pk>/", members.company_file, name="company"),
    path(
        "companies/<int:pk>/spot-check/",
        monitoring.company_spot_check,
        name="company_spot_check",
    ),
    path("memberships/<int:pk>/assign/", members.membership_assign, name="membership_assign"),
    path("revalidations/<int:pk>/", revalidations.revalidation_detail, name="revalidation"),
    path(
        "incidents/<int:pk>/action-plan/",
        action_plans.incident_action_plan_issue,
        name="incident_action_plan_issue",
    ),
    # The manager dashboard and decisions (issue 5): backoffice/views/dashboard.py and decisions.py
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/lists/<slug:key>/", dashboard.dashboard_list, name="dashboard_list"),
    path(
        "dashboard/lists/<slug:key>/csv/",
        dashboard.dashboard_list_csv,
        name="dashboard_list_csv",
    ),
    path(
        "dashboard/applications/<int:pk>/",
        decisions.application_detail,
        name="dashboard_application",
    ),
    path(
        "dashboard/applications/<int:pk>/<slug:action>/",
        decisions.application_decide,
        name="dashboard_application_decide",
    ),
    path(
        "dashboard/memberships/<int:pk>/",
        decisions.membership_detail,
        name="dashboard_membership",
    ),
    path(
        "dashboard/memberships/<int:pk>/certificate/",
        decisions.membership_certificate,
        name="dashboard_membership_certificate",
    ),
    path(
        "dashboard/memberships/<int:pk>/<slug:action>/",
        decisions.membership_decide,
        name="dashboard_membership_decide",
    ),
]
