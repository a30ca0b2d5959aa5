from django.urls import path

from .views import auth, home

app_name = "portal"
urlpatterns = [
    path("", home.home, name="home"),
    path("account/login/", auth.EmailLoginView.as_view(), name="login"),
    path("account/logout/", auth.LogoutView.as_view(), name="logout"),
]
