from django.urls import path

from . import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("profile/", views.profile, name="profile"),
    # Before django.contrib.auth.urls (see config/urls.py), so this one answers.
    path("password_reset/", views.ThrottledPasswordResetView.as_view(), name="password_reset"),
]
