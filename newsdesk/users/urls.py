"""The admin's sign-in, ahead of Wagtail's own URLs (newsdesk/urls.py): password, then code."""

from django.urls import path

from . import views

app_name = "users"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.login_code, name="login_code"),
]
