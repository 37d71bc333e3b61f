from django.urls import path

from . import views

app_name = "lab"
urlpatterns = [
    path("sandbox/", views.sandbox_gallery, name="sandbox-gallery"),
    path("sandbox/<slug:module_slug>/<slug:preset_slug>/", views.sandbox, name="sandbox"),
]
