from django.urls import path

from .views import social_card

urlpatterns = [
    path("<int:page_id>-<slug:digest>.png", social_card, name="social_card"),
]
