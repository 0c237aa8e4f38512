"""Decide a file's format from its first bytes (magic numbers), never from its name."""

from __future__ import annotations

import io
import struct
import zipfile
from enum import Enum


class Format(Enum):
    TEXT = "txt"
    HTML = "html"
    DOCX = "docx"
    XLSX = "xlsx"
    PDF = "pdf"
    ZIP_OTHER = "zip"
    OLE_ENCRYPTED = "ole-encrypted"
    OLE_LEGACY = "ole-legacy"
    BINARY = "binary"


MAX_ZIP_MEMBERS = 10_000  # an Office file has dozens of parts; more than this is a malicious archive
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .docx/.xlsx is an OLE file holding these streams (names in UTF-16LE).
_ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))


def sniff(data: bytes) -> Format:
    head = data[:8]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(data)
    if head.startswith(_OLE_MAGIC):
        return Format.OLE_ENCRYPTED if any(s in data for s in _ENCRYPTED_STREAMS) else Format.OLE_LEGACY
    if data.lstrip()[:5] == b"%PDF-":
        return Format.PDF
    if _looks_binary(data[:4096]):
        return Format.BINARY
    start = data[:2048].lower()
    if b"<html" in start or b"<!doctype html" in start:
        return Format.HTML
    return Format.TEXT


def declared_members(data: bytes) -> int:
    """The member count in a zip's end-of-central-directory record (0 when there is none, or it is a zip64's):
    known without parsing the directory, which takes seconds for a hostile one."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return 0
    count: int = struct.unpack_from("<H", data, end + 10)[0]
    return 0 if count == 0xFFFF else count


def _sniff_zip(data: bytes) -> Format:
    try:
        if declared_members(data) > MAX_ZIP_MEMBERS:
            raise ValueError("too many members to list")  # named from the local headers below; refused later
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        # A truncated .docx still starts with PK; name the likely format from the local headers.
        if b"word/" in data[:65536]:
            return Format.DOCX
        if b"xl/" in data[:65536]:
            return Format.XLSX
        return Format.ZIP_OTHER
    if "word/document.xml" in names:
        return Format.DOCX
    if "xl/workbook.xml" in names:
        return Format.XLSX
    return Format.ZIP_OTHER


def _looks_binary(chunk: bytes) -> bool:
    """Text files (in any of the encodings we read) have no NULs except UTF-16, which has a BOM or
    alternating zero bytes; binaries have NULs and control bytes scattered through."""
    if not chunk:
        return False
    if chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    zeros = chunk.count(0)
    if zeros and _is_bomless_utf16(chunk):
        return False
    controls = sum(1 for b in chunk if b < 9 or 13 < b < 32)
    return zeros > 0 or controls / len(chunk) > 0.05


def _is_bomless_utf16(chunk: bytes) -> bool:
    even_zeros = chunk[0::2].count(0)
    odd_zeros = chunk[1::2].count(0)
    half = len(chunk) / 2
    return max(even_zeros, odd_zeros) > 0.3 * half and min(even_zeros, odd_zeros) < 0.05 * half
