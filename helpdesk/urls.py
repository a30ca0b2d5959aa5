from django.urls import path

from . import views
from .mail import views as mail_views

app_name = "helpdesk"
urlpatterns = [
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("mail/relay/<int:mailbox_id>/", mail_views.relay, name="mail_relay"),
]
