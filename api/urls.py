"""The REST API, /api/v1/ (interfaces only: parse, call a service or selector, render)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from .views import (
    action_plans,
    applications,
    auth,
    change_notices,
    companies,
    dashboard,
    incidents,
    memberships,
    mra,
    notifications,
    revalidations,
    site_validations,
    work_queue,
)

app_name = "api"

router = SimpleRouter()
router.register("companies", companies.CompanyViewSet, basename="company")
router.register("applications", applications.ApplicationViewSet, basename="application")
router.register(
    "site-validations", site_validations.SiteValidationViewSet, basename="site-validation"
)
router.register("memberships", memberships.MembershipViewSet, basename="membership")
router.register("action-plans", action_plans.ActionPlanViewSet, basename="action-plan")
router.register("revalidations", revalidations.RevalidationViewSet, basename="revalidation")
router.register("change-notices", change_notices.ChangeNoticeViewSet, basename="change-notice")
router.register("incidents", incidents.IncidentViewSet, basename="incident")
router.register("dashboard", dashboard.DashboardViewSet, basename="dashboard")
router.register("work-queue", work_queue.WorkQueueViewSet, basename="work-queue")
router.register("notifications", notifications.NotificationViewSet, basename="notification")
router.register("reminders", notifications.ReminderViewSet, basename="reminder")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("auth/token/", auth.TokenObtainView.as_view(), name="token"),
    path("auth/register/", auth.RegisterView.as_view(), name="register"),
    path("auth/verify-email/", auth.VerifyEmailView.as_view(), name="verify-email"),
    path("mra/verify/", mra.MraVerifyView.as_view(), name="mra-verify"),
    *router.urls,
]
