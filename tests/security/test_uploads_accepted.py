"""Good files are accepted, stored with the type detected from their content, and served
only as downloads through the access-checked views (another vendor's partner: 404)."""

from __future__ import annotations

import importlib
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

import disputes.migrations
from disputes.models import DisputeEvent
from tests.security.corpus import GOOD, HTML, Sample, jpeg_with_gps_exif, make_png
from vendorhub.uploads import DOCX, JPEG, PDF, PNG, TEXT, XLSX

pytestmark = pytest.mark.django_db

EXPECTED_TYPE = {
    "pdf": PDF.content_type,
    "pdf-owner-link": PDF.content_type,
    "docx": DOCX.content_type,
    "docx-external-hyperlink": DOCX.content_type,
    "xlsx": XLSX.content_type,
    "png": PNG.content_type,
    "jpeg": JPEG.content_type,
    "txt": TEXT.content_type,
    "csv": "text/plain",  # CSV evidence is served as inert text, never text/csv
}


def attach(api, dispute, name: str, data: bytes, content_type: str = "application/pdf"):
    return api.post(
        f"/api/v1/disputes/{dispute.pk}/attachments/",
        {"file": SimpleUploadedFile(name, data, content_type=content_type), "body": "evidence"},
        format="multipart",
    )


def download(client, dispute, event):
    return client.get(f"/disputes/{dispute.reference}/files/{event.pk}/")


def assert_served_safely(response, content_type: str, filename: str) -> bytes:
    assert response.status_code == 200
    served_type = response["Content-Type"]
    if content_type.startswith("text/"):
        assert served_type == f"{content_type}; charset=utf-8"
    else:
        assert served_type == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert filename in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("sample", [pytest.param(s, id=s.id) for s in GOOD])
def test_good_evidence_is_accepted_and_served_with_its_detected_type(
    sample: Sample, dispute_a, partner_a, partner_b, executive, api_for, client_for
):
    # The browser's claimed type is ignored: what counts is the content.
    response = attach(api_for(partner_a), dispute_a, sample.name, sample.data(), "text/html")
    assert response.status_code == 201, response.content
    assert response.json()["attachment_content_type"] == EXPECTED_TYPE[sample.id]
    event = DisputeEvent.objects.get(kind="attachment")
    assert event.attachment_content_type == EXPECTED_TYPE[sample.id]
    stored_suffix = {".jpeg": ".jpg"}.get(Path(sample.name).suffix, Path(sample.name).suffix)
    assert Path(event.attachment.name).suffix == stored_suffix
    assert sample.name.rsplit(".", 1)[0].split()[0] not in event.attachment.name  # random name

    body = assert_served_safely(
        download(client_for(partner_a), dispute_a, event),
        EXPECTED_TYPE[sample.id],
        event.attachment_name,
    )
    if sample.id in ("png", "jpeg"):
        with Image.open(io.BytesIO(body)) as image:  # re-encoded, same picture
            assert image.size == (40, 30)
    else:
        assert body == sample.data()
    assert download(client_for(executive), dispute_a, event).status_code == 200
    assert download(client_for(partner_b), dispute_a, event).status_code == 404


def test_good_contract_documents_are_accepted_and_served_safely(
    client_for, manager, partner_a, partner_b, contract_a
):
    for sample in GOOD:
        if sample.id not in ("pdf", "docx"):
            continue
        response = client_for(manager).post(
            f"/contracts/{contract_a.pk}/documents/new/",
            {"title": sample.id, "file": SimpleUploadedFile(sample.name, sample.data())},
        )
        assert response.status_code == 302, response.content
    documents = {d.title: d for d in contract_a.documents.all()}
    for key, file_type in (("pdf", PDF), ("docx", DOCX)):
        document = documents[key]
        served = client_for(partner_a).get(f"/contracts/documents/{document.pk}/")
        assert_served_safely(served, file_type.content_type, document.original_name)
        assert client_for(partner_b).get(f"/contracts/documents/{document.pk}/").status_code == 404


def test_a_png_with_an_html_tail_is_stored_without_the_tail(
    dispute_a, partner_a, api_for, client_for
):
    polyglot = make_png() + HTML
    assert attach(api_for(partner_a), dispute_a, "shot.png", polyglot).status_code == 201
    event = DisputeEvent.objects.get(kind="attachment")
    stored = event.attachment.read()
    assert b"<script" not in stored and b"<html" not in stored.lower()
    assert stored.startswith(b"\x89PNG")
    assert event.attachment_size == len(stored)


def test_photo_metadata_such_as_gps_is_dropped(dispute_a, partner_a, api_for):
    original = jpeg_with_gps_exif()
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif()  # the test file really carries EXIF
    assert attach(api_for(partner_a), dispute_a, "photo.jpg", original).status_code == 201
    stored = DisputeEvent.objects.get(kind="attachment").attachment.read()
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info
    assert b"PhoneMaker" not in stored


def test_windows_1252_text_is_stored_as_utf8(dispute_a, partner_a, api_for, client_for):
    text = "Résumé: 40 calls queued at 10:00 – agent absent.\r\n"
    response = attach(api_for(partner_a), dispute_a, "notes.txt", text.encode("cp1252"))
    assert response.status_code == 201
    event = DisputeEvent.objects.get(kind="attachment")
    body = b"".join(download(client_for(partner_a), dispute_a, event).streaming_content)
    assert body.decode("utf-8") == text


def test_internal_evidence_stays_internal(dispute_a, manager, partner_a, client_for):
    client_for(manager).post(
        f"/disputes/{dispute_a.reference}/comment/",
        {
            "body": "our legal view",
            "visibility": "internal",
            "attachment": SimpleUploadedFile("legal.pdf", GOOD[0].data()),
        },
    )
    event = DisputeEvent.objects.get(kind="attachment")
    assert event.internal and event.attachment_content_type == PDF.content_type
    assert download(client_for(partner_a), dispute_a, event).status_code == 404


def test_evidence_stored_before_types_were_recorded_gets_them_from_its_stored_name(
    dispute_a, manager
):
    """The migration backfills the type of older evidence (stored as <random>.pdf/.docx)."""
    (path,) = Path(disputes.migrations.__file__).parent.glob("*_evidence_content_type.py")
    migration = importlib.import_module(f"disputes.migrations.{path.stem}")
    events = []
    for name in ("a1b2.pdf", "c3d4.docx", "e5f6"):
        event = DisputeEvent(
            dispute=dispute_a, vendor_id=dispute_a.vendor_id, kind="attachment", author=manager
        )
        event.attachment.save(name, ContentFile(b"old bytes"), save=False)
        event.save()
        events.append(event)
    migration.backfill_content_types(apps, None)
    types = [DisputeEvent.objects.get(pk=e.pk).attachment_content_type for e in events]
    assert types == [PDF.content_type, DOCX.content_type, "application/octet-stream"]
