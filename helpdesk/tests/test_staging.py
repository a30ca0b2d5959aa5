"""Upload staging: files kept across form re-displays, handed to the services, swept when stale."""

import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.clock import now
from helpdesk.services import staging
from helpdesk.services.staging import StagedUploads
from helpdesk.tests.factories import CustomerFactory, submit
from helpdesk.tests.files import PNG

pytestmark = pytest.mark.django_db


def _stage(user, name="截图.png"):
    token = staging.new_token()
    staging.stage_uploads(user_id=user.pk, token=token, uploads=[SimpleUploadedFile(name, PNG)])
    return token


def test_a_submission_stores_the_staged_files_and_removes_the_folder_after_commit(
    django_capture_on_commit_callbacks,
):
    customer = CustomerFactory()
    token = _stage(customer)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = submit(requester=customer, attachments=StagedUploads(user_id=customer.pk, token=token))
    assert list(ticket.attachments.values_list("original_name", flat=True)) == ["截图.png"]
    assert staging.list_staged(user_id=customer.pk, token=token) == []


def test_a_refused_submission_keeps_the_staged_files_for_the_next_try(django_capture_on_commit_callbacks):
    customer = CustomerFactory()
    token = _stage(customer)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError, match="does not tell us what happened"),
    ):
        submit(
            requester=customer,
            details={"symptoms": "不行"},
            attachments=StagedUploads(user_id=customer.pk, token=token),
        )
    assert [f.name for f in staging.list_staged(user_id=customer.pk, token=token)] == ["截图.png"]


def test_using_a_staging_folder_sweeps_the_abandoned_ones_in_the_background(
    django_capture_on_commit_callbacks,
):
    customer, someone = CustomerFactory(), CustomerFactory()
    abandoned = _stage(someone, "old.png")
    recent = _stage(someone, "recent.png")
    folder = staging._folder(someone.pk, abandoned)
    day_and_a_bit_ago = now().timestamp() - staging.STAGING_MAX_AGE_SECONDS - 60
    os.utime(folder, (day_and_a_bit_ago, day_and_a_bit_ago))

    with django_capture_on_commit_callbacks(execute=True):
        submit(requester=customer, attachments=StagedUploads(user_id=customer.pk, token=_stage(customer)))

    assert not folder.exists()
    assert [f.name for f in staging.list_staged(user_id=someone.pk, token=recent)] == ["recent.png"]
