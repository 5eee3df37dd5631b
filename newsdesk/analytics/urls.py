from django.urls import path

from . import views

app_name = "analytics"
urlpatterns = [path("<int:article_id>/", views.count_view, name="count")]
