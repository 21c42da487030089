"""The REST API, /api/v1/ (interfaces only: parse, call a service or selector, render)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from . import backoffice, notifications, views

app_name = "api"

router = SimpleRouter()
router.register("companies", views.CompanyViewSet, basename="company")
router.register("applications", views.ApplicationViewSet, basename="application")
router.register("site-validations", views.SiteValidationViewSet, basename="site-validation")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("action-plans", views.ActionPlanViewSet, basename="action-plan")
router.register("revalidations", views.RevalidationViewSet, basename="revalidation")
router.register("change-notices", views.ChangeNoticeViewSet, basename="change-notice")
router.register("incidents", views.IncidentViewSet, basename="incident")
router.register("dashboard", backoffice.DashboardViewSet, basename="dashboard")
router.register("work-queue", backoffice.WorkQueueViewSet, basename="work-queue")
router.register("notifications", notifications.NotificationViewSet, basename="notification")
router.register("reminders", notifications.ReminderViewSet, basename="reminder")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("auth/token/", views.TokenObtainView.as_view(), name="token"),
    path("auth/register/", views.RegisterView.as_view(), name="register"),
    path("auth/verify-email/", views.VerifyEmailView.as_view(), name="verify-email"),
    path("mra/verify/", views.MraVerifyView.as_view(), name="mra-verify"),
    *router.urls,
]
