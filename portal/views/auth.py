from django.contrib.auth import views as auth_views

from portal.forms import EmailAuthenticationForm


class EmailLoginView(auth_views.LoginView):
    template_name = "portal/account/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass
