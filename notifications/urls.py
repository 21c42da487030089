from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/<int:pk>/read/", views.notification_read, name="read"),
    path("notifications/read-all/", views.notification_read_all, name="read_all"),
    path("staff/reminders/", views.reminder_list, name="reminders"),
    path("staff/reminders/<int:pk>/retry/", views.reminder_retry, name="reminder_retry"),
]
