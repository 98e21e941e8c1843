"""The hostile corpus (tests/security/corpus.py) through every upload the product has.

Each file is sent the way a user would send it: as a partner through the evidence API,
as a manager through the dispute page's comment form, and as a manager through the
contract's document form. Every one must be refused with a 400 and a message, and
leave nothing behind: no row, no file on disk.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.utils.html import escape

from contracts.models import Document
from disputes.models import DisputeEvent
from tests.security.corpus import HOSTILE, Sample
from vendorhub.uploads import CONTRACT_DOCUMENT_TYPES, EVIDENCE_TYPES, FileType, upload_check

pytestmark = pytest.mark.django_db

SAMPLES = [pytest.param(sample, id=sample.id) for sample in HOSTILE]


def as_upload(sample: Sample) -> SimpleUploadedFile:
    return SimpleUploadedFile(sample.name, sample.data(), content_type=sample.content_type)


def refusal(sample: Sample, allowed: tuple[FileType, ...]) -> str:
    """The message the person uploading should see: the upload check's, on the name as
    Django's multipart parser delivers it (it drops invisible characters such as
    U+202E first). An empty file is refused by the form field, before the check."""
    if not sample.data():
        return "The submitted file is empty."
    delivered = MultiPartParser.sanitize_file_name(None, sample.name)
    upload = SimpleUploadedFile(delivered, sample.data(), content_type=sample.content_type)
    with pytest.raises(ValidationError) as refused:
        upload_check(uploaded_file=upload, allowed=allowed)
    return refused.value.messages[0]


def assert_nothing_kept(stored_files) -> None:
    assert not DisputeEvent.objects.exclude(attachment="").exists()
    assert not Document.objects.exists()
    assert stored_files() == []


def test_the_corpus_has_at_least_fifty_distinct_hostile_files():
    assert len(HOSTILE) >= 50
    assert len({s.id for s in HOSTILE}) == len(HOSTILE)


@pytest.mark.parametrize("sample", SAMPLES)
def test_partner_evidence_through_the_api_is_refused(
    sample, dispute_a, partner_a, api_for, stored_files
):
    response = api_for(partner_a).post(
        f"/api/v1/disputes/{dispute_a.pk}/attachments/",
        {"file": as_upload(sample), "body": "see attached"},
        format="multipart",
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert refusal(sample, EVIDENCE_TYPES) in (body.get("attachment") or body.get("file")), body
    assert not DisputeEvent.objects.filter(kind="attachment").exists()
    assert_nothing_kept(stored_files)


@pytest.mark.parametrize("sample", SAMPLES)
def test_evidence_through_the_dispute_page_is_refused(
    sample, dispute_a, manager, client_for, stored_files
):
    response = client_for(manager).post(
        f"/disputes/{dispute_a.reference}/comment/",
        {"body": "", "visibility": "shared", "attachment": as_upload(sample)},
    )
    assert response.status_code == 400
    assert escape(refusal(sample, EVIDENCE_TYPES)) in response.content.decode()
    assert_nothing_kept(stored_files)


@pytest.mark.parametrize("sample", SAMPLES)
def test_contract_document_through_the_page_is_refused(
    sample, contract_a, manager, client_for, stored_files
):
    response = client_for(manager).post(
        f"/contracts/{contract_a.pk}/documents/new/",
        {"title": "Signed MSA", "file": as_upload(sample)},
    )
    assert response.status_code == 400
    assert escape(refusal(sample, CONTRACT_DOCUMENT_TYPES)) in response.content.decode()
    assert_nothing_kept(stored_files)
