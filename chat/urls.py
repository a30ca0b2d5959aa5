from django.urls import path

from . import views

app_name = "chat"

urlpatterns = [
    path("categories/", views.categories, name="categories"),
    path("suggest/", views.suggest, name="suggest"),
    path("solved/", views.solved, name="solved"),
    path("upload/", views.upload, name="upload"),
    path("window/", views.window, name="window"),
]
