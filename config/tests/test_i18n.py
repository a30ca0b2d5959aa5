"""The portal speaks Chinese by default and English on request."""

import pytest
from django.test import override_settings

from helpdesk.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@override_settings(LANGUAGE_CODE="zh-hans")
def test_a_first_visit_without_preferences_gets_chinese(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="")
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()
    assert "登录" in response.content.decode()


@override_settings(LANGUAGE_CODE="zh-hans")
def test_the_language_switcher_changes_the_page_language(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en">' in response.content.decode()
    assert "Sign in" in response.content.decode()


@override_settings(LANGUAGE_CODE="zh-hans")
def test_admin_is_branded_in_chinese(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "快响服务台" in response.content.decode()


@override_settings(LANGUAGE_CODE="zh-hans")
def test_mail_goes_out_in_the_customers_language():
    from helpdesk.models import OutboundEmail
    from helpdesk.tests.factories import submit

    english = CustomerFactory(organization__language="en")
    chinese = CustomerFactory(organization__language="zh-hans")
    submit(requester=english)
    submit(requester=chinese)
    en_mail = OutboundEmail.objects.get(kind="ticket_received", to=[english.email])
    zh_mail = OutboundEmail.objects.get(kind="ticket_received", to=[chinese.email])
    assert "We received your request" in en_mail.subject
    assert "We received your request" not in zh_mail.subject
