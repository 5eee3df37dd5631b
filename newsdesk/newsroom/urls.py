from django.urls import path

from . import views

urlpatterns = [
    path("<str:token>/", views.shared_preview, name="newsroom_preview"),
]
