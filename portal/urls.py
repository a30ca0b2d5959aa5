from django.urls import path

from .views import auth, followers, home, pages, submit, tickets, versions

app_name = "portal"
urlpatterns = [
    path("", home.home, name="home"),
    path("plans/", pages.plans, name="plans"),
    path("rate/<str:token>/", pages.rate, name="rate"),
    # Submission wizard
    path("submit/", submit.summary, name="submit"),
    path("submit/suggestions/", submit.suggestions, name="submit_suggestions"),
    path("submit/details/", submit.details, name="submit_details"),
    path("submit/quality/", submit.quality, name="submit_quality"),
    path("submit/solved/", submit.deflect, name="submit_deflect"),
    path("submit/done/<str:reference>/", submit.done, name="submit_done"),
    # My requests
    path("tickets/", tickets.ticket_list, name="tickets"),
    path("tickets/<str:reference>/", tickets.ticket_detail, name="ticket_detail"),
    path("tickets/<str:reference>/reply/", tickets.ticket_reply, name="ticket_reply"),
    path("tickets/<str:reference>/details/", tickets.ticket_complete, name="ticket_complete"),
    path("tickets/<str:reference>/resolve/", tickets.ticket_resolve, name="ticket_resolve"),
    path("tickets/<str:reference>/reopen/", tickets.ticket_reopen, name="ticket_reopen"),
    path("tickets/<str:reference>/rate/", tickets.ticket_rate, name="ticket_rate"),
    path("tickets/<str:reference>/followers/", followers.follower_add, name="ticket_follower_add"),
    path(
        "tickets/<str:reference>/followers/<int:user_id>/remove/",
        followers.follower_remove,
        name="ticket_follower_remove",
    ),
    # Account
    path("account/login/", auth.EmailLoginView.as_view(), name="login"),
    path("account/logout/", auth.LogoutView.as_view(), name="logout"),
    path("account/register/", auth.register, name="register"),
    path("account/activate/<str:token>/", auth.activate, name="activate"),
    path("account/profile/", auth.profile, name="profile"),
    path("account/profile/updates/", versions.updates, name="profile_updates"),
    path("account/organization/versions/", versions.organization_versions, name="organization_versions"),
    path("account/profile/api-keys/", auth.api_key_create, name="api_key_create"),
    path("account/profile/api-keys/<int:pk>/revoke/", auth.api_key_revoke, name="api_key_revoke"),
    path("account/invite/", auth.invite, name="invite"),
    path("account/password-reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("account/password-reset/sent/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "account/password-reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "account/password-reset/complete/",
        auth.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
