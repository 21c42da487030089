from django.urls import path

from . import views

app_name = "backoffice"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
