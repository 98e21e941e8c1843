from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.models import Document
from tests.security.corpus import make_docx, make_pdf, make_png
from vendorhub.uploads import (
    CONTRACT_DOCUMENT_TYPES,
    DOCX,
    PDF,
    sanitize_filename,
    upload_check,
)

pytestmark = pytest.mark.django_db

PDF_BYTES = make_pdf()


def docx_bytes() -> bytes:
    return make_docx()


def media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(client, contract, name, content, title="Signed MSA"):
    return client.post(
        f"/contracts/{contract.pk}/documents/new/",
        {"title": title, "file": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def test_pdf_is_stored_under_a_random_name_and_downloads_as_attachment(
    client_for, manager, partner_a, contract_a, settings
):
    response = upload(client_for(manager), contract_a, "Signed MSA (final).pdf", PDF_BYTES)
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.content_type == PDF.content_type
    assert document.original_name == "Signed MSA (final).pdf"
    assert "Signed" not in document.file.name and document.file.name.endswith(".pdf")
    assert str(settings.MEDIA_ROOT) in document.file.path

    download = client_for(partner_a).get(f"/contracts/documents/{document.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_docx_is_recognised_by_content(client_for, manager, contract_a):
    response = upload(client_for(manager), contract_a, "sow.docx", docx_bytes())
    assert response.status_code == 302
    assert Document.objects.get().content_type == DOCX.content_type


def test_html_renamed_pdf_is_refused_and_nothing_stored(client_for, manager, contract_a, settings):
    response = upload(client_for(manager), contract_a, "invoice.pdf", b"<html><script>x</script>")
    assert response.status_code == 400
    assert b"Only PDF or Word (.docx) files are accepted" in response.content
    assert not Document.objects.exists()
    assert media_files(settings) == []


def test_zip_without_word_parts_is_refused(client_for, manager, contract_a):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.exe", "MZ")
    response = upload(client_for(manager), contract_a, "sow.docx", buffer.getvalue())
    assert response.status_code == 400
    assert not Document.objects.exists()


def test_oversized_file_is_refused_and_nothing_stored(client_for, manager, contract_a, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    response = upload(client_for(manager), contract_a, "big.pdf", PDF_BYTES + b"0" * 2000)
    assert response.status_code == 400
    assert b"the limit is 1.0\xc2\xa0KB" in response.content
    assert not Document.objects.exists()
    assert media_files(settings) == []


def test_drive_letter_file_name_is_refused(client_for, manager, contract_a, settings):
    response = upload(client_for(manager), contract_a, "C:evil.pdf", PDF_BYTES)
    assert response.status_code == 400
    assert b"file name is not allowed" in response.content
    assert not Document.objects.exists()
    assert media_files(settings) == []


def test_path_traversal_name_is_refused_by_the_check():
    crafted = SimpleUploadedFile("x.pdf", PDF_BYTES)
    crafted._name = "../../etc/passwd.pdf"  # what a caller building files itself could pass
    with pytest.raises(ValidationError, match="file name is not allowed"):
        upload_check(uploaded_file=crafted, allowed=CONTRACT_DOCUMENT_TYPES)


def test_sanitised_display_name_drops_directories():
    assert sanitize_filename("..\\..\\secret <b>.pdf") == "secret _b_.pdf"


def test_download_is_404_for_other_partner_and_anonymous_is_sent_to_login(
    client_for, client, manager, partner_b, contract_a
):
    upload(client_for(manager), contract_a, "msa.pdf", PDF_BYTES)
    document = Document.objects.get()
    client.logout()
    anonymous = client.get(f"/contracts/documents/{document.pk}/")
    assert anonymous.status_code == 302
    assert client_for(partner_b).get(f"/contracts/documents/{document.pk}/").status_code == 404


def test_executive_and_partner_may_not_upload(
    client_for, executive, partner_a, partner_b, contract_a
):
    assert upload(client_for(executive), contract_a, "a.pdf", PDF_BYTES).status_code == 403
    assert upload(client_for(partner_a), contract_a, "a.pdf", PDF_BYTES).status_code == 403
    assert upload(client_for(partner_b), contract_a, "a.pdf", PDF_BYTES).status_code == 404
    assert not Document.objects.exists()


def test_an_image_is_not_a_contract_document(client_for, manager, contract_a, settings):
    response = upload(client_for(manager), contract_a, "scan.png", make_png())
    assert response.status_code == 400
    assert b"Only PDF or Word (.docx) files are accepted" in response.content
    assert not Document.objects.exists()
    assert media_files(settings) == []


def test_a_huge_upload_is_refused_with_its_real_size_and_never_fully_stored(
    client_for, manager, contract_a, settings
):
    """The upload handler stops keeping bytes past the limit but reports the true size."""
    settings.UPLOAD_MAX_BYTES = 4096
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # force the temporary-file path
    response = upload(client_for(manager), contract_a, "big.pdf", PDF_BYTES + b"%" * 300_000)
    assert response.status_code == 400
    assert "The file is 293.4\xa0KB; the limit is 4.0\xa0KB" in response.content.decode()
    assert not Document.objects.exists()
    assert media_files(settings) == []
