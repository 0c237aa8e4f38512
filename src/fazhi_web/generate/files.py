"""A few dozen small, real evidence files (Word, Excel, PDF, PNG) stored once under their digest, as
``add_evidence`` stores uploads; the generated Evidence rows all point at them, so downloads work without
writing a file per row."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from dataclasses import dataclass
from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

FOLDER = "evidence/generated"
_SUBJECTS = ["专题推进会会议纪要", "工作方案", "工作台账", "学法培训签到表", "专项检查通报", "法治宣传活动照片",
             "案卷评查结果", "整改情况报告", "信息公开统计表", "工作总结"]
_FIXED = datetime(2024, 1, 1)  # fixed document dates: the same files, the same digests, every run


@dataclass(frozen=True)
class StoredFile:
    """One stored evidence file: its path in the storage, its name as uploaded, size and digest."""

    path: str
    name: str
    size: int
    sha256: str


def evidence_files() -> list[StoredFile]:
    """The generated files (written on first use; an existing file of the same digest is reused)."""
    made = []
    for number, subject in enumerate(_SUBJECTS):
        for suffix, build in (("docx", _docx), ("xlsx", _xlsx), ("pdf", _pdf), ("png", _png)):
            if suffix == "png" and "照片" not in subject and number % 3:
                continue
            made.append(_store(f"{subject}.{suffix}", build(subject, number)))
    return made


def _store(name: str, data: bytes) -> StoredFile:
    digest = hashlib.sha256(data).hexdigest()
    path = f"{FOLDER}/{digest}.{name.rsplit('.', 1)[1]}"
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(data))
    return StoredFile(path, name, len(data), digest)


def _docx(subject: str, number: int) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.created = document.core_properties.modified = _FIXED
    document.add_heading(subject, level=1)
    document.add_paragraph(f"根据法治政府建设工作安排，现将{subject}（第{number + 1}号）报送如下。")
    document.add_paragraph("一、基本情况。二、主要做法。三、存在问题。四、下步打算。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _xlsx(subject: str, number: int) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"created": _FIXED})
    sheet = book.add_worksheet("台账")
    for row, cells in enumerate([["序号", "事项", "完成情况"], *[[str(i), f"{subject}第{i}项", "已完成"]
                                                                for i in range(1, 4 + number % 5)]]):
        sheet.write_row(row, 0, cells)
    book.close()
    return buffer.getvalue()


def _pdf(subject: str, number: int) -> bytes:
    """A one-page PDF (text in a standard font, so no font file is needed)."""
    text = f"Evidence {number + 1}: {hashlib.md5(subject.encode()).hexdigest()[:12]}"
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("ascii")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for index, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (index, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _png(subject: str, number: int) -> bytes:
    """A small solid-colour picture standing in for a photo."""
    width, height = 64, 48
    colour = bytes(((number * 37) % 256, (number * 91) % 256, (len(subject) * 53) % 256))
    raw = b"".join(b"\x00" + colour * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
