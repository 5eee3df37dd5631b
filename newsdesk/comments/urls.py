from django.urls import path

from . import views

app_name = "comments"
urlpatterns = [
    path("<int:article_id>/", views.post_comment, name="post"),
    path("<int:article_id>/reply/<int:comment_id>/", views.reply_form, name="reply"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
