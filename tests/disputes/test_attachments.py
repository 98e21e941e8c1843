"""Evidence: checked by the core upload rules (vendorhub.uploads), served through a scoped
view. The hostile corpus is in tests/security/test_uploads_hostile.py."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from disputes.models import DisputeEvent
from tests.security.corpus import make_pdf

PDF = make_pdf()


def test_partner_attaches_evidence_and_can_download_it(dispute_a, partner_a, api_for, client_for):
    upload = SimpleUploadedFile("roster.pdf", PDF, content_type="application/pdf")
    response = api_for(partner_a).post(
        f"/api/v1/disputes/{dispute_a.pk}/attachments/",
        {"file": upload, "body": "Roster for March"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    event = DisputeEvent.objects.get(kind="attachment")
    assert event.attachment_name == "roster.pdf"
    download = client_for(partner_a).get(f"/disputes/{dispute_a.reference}/files/{event.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_an_exe_renamed_pdf_is_refused(dispute_a, manager, api_for):
    upload = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00evil", content_type="application/pdf")
    response = api_for(manager).post(
        f"/api/v1/disputes/{dispute_a.pk}/attachments/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 400 and "attachment" in response.json()
    assert not DisputeEvent.objects.filter(kind="attachment").exists()


def test_internal_evidence_is_404_for_the_partner(dispute_a, manager, partner_a, client_for):
    upload = SimpleUploadedFile("legal.pdf", PDF, content_type="application/pdf")
    client_for(manager).post(
        f"/disputes/{dispute_a.reference}/comment/",
        {"body": "legal view", "visibility": "internal", "attachment": upload},
    )
    event = DisputeEvent.objects.get(kind="attachment")
    assert event.internal
    url = f"/disputes/{dispute_a.reference}/files/{event.pk}/"
    assert client_for(partner_a).get(url).status_code == 404
