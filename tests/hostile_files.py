"""Hostile files, made at test time (nothing binary is committed): damaged, disguised, encrypted, bombs,
pathological XML/HTML/PDF and wrong encodings. Each builder returns the file's bytes; the expensive ones are
built once per run. ``HOSTILE`` lists them with the name they are uploaded under.

Bombs are built by hand where a library would refuse or take too long: a deflate stream of zeros is made of
one compressed megabyte repeated (each piece ends in a full flush, so the pieces are independent), which
gives a gigabyte-sized member in a second.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

MB = 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
       b"\x5c\x72\xa8\x66\x00\x00\x00\x0dIDATx\x9c\x63\x00\x01\x00\x00\x05\x00\x01\x0d\x0a\x2d\xb4"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PROSE = "为深入贯彻落实党中央关于法治政府建设的决策部署，全面推进依法行政，结合本县实际，制定本说明。本文只是说明，不含任何具体工作安排。\n"
TASKS = ("XX县2024年法治政府建设工作要点\n一、推进依法行政\n"
         "1.深入推进依法行政。全面落实行政执法三项制度，2024年底前完成。（责任单位：县司法局）\n"
         "2.规范行政决策程序。严格落实重大行政决策程序规定。（责任单位：县政府办）\n")


# ---------------------------------------------------------------- containers


@lru_cache(maxsize=1)
def plain_docx() -> bytes:
    """A real Word document with two numbered tasks (python-docx)."""
    import docx

    document = docx.Document()
    for line in TASKS.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@lru_cache(maxsize=1)
def plain_xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "工作任务", "责任单位", "完成时限"])
    sheet.append([1, "全面落实行政执法三项制度", "县司法局", "2024年底前"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def replace_members(container: bytes, replaced: dict[str, bytes], extra: dict[str, bytes] | None = None) -> bytes:
    """The zip ``container`` with some members' contents replaced and others added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(container)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replaced.get(info.filename, source.read(info.filename)))
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def docx_with_body(xml: str) -> bytes:
    return replace_members(plain_docx(), {"word/document.xml": xml.encode()})


def _document(body: str, prolog: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
            f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>')


def _paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


@dataclass(frozen=True)
class RawMember:
    """A zip member written as given: ``data`` is already compressed; sizes and CRC may lie."""

    name: str
    data: bytes
    declared_size: int
    crc: int = 0
    method: int = zipfile.ZIP_DEFLATED


def raw_zip(members: list[RawMember]) -> bytes:
    """A zip archive assembled by hand (no zip64: declared sizes stay below 4 GB)."""
    out = io.BytesIO()
    central = []
    for member in members:
        name = member.name.encode()
        offset = out.tell()
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, member.method, 0, 0x21, member.crc,
                             len(member.data), member.declared_size, len(name), 0)
        out.write(header + name + member.data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, member.method, 0, 0x21,
                                   member.crc, len(member.data), member.declared_size, len(name), 0, 0, 0, 0, 0,
                                   offset) + name)
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), start, 0))
    return out.getvalue()


@lru_cache(maxsize=4)
def deflated_zeros(megabytes: int, fill: bytes = b"\x00") -> tuple[bytes, int]:
    """A raw deflate stream inflating to ``megabytes`` MB of ``fill``, and the CRC-32 of that."""
    chunk = fill * MB
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    return piece * megabytes + compressor.flush(zlib.Z_FINISH), crc


def _stored(name: str, data: bytes) -> RawMember:
    return RawMember(name, data, len(data), zlib.crc32(data), zipfile.ZIP_STORED)


def _content_types(main: str) -> bytes:
    return (f'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Override PartName="/{main}" ContentType="application/xml"/></Types>').encode()


# ---------------------------------------------------------------- the hostile files


def empty() -> bytes:
    return b""


def blank() -> bytes:
    return " \r\n\t\u3000\n".encode()


def truncated_docx() -> bytes:
    data = plain_docx()
    return data[: len(data) // 2]


def truncated_xlsx() -> bytes:
    data = plain_xlsx()
    return data[: len(data) * 2 // 3]


@lru_cache(maxsize=1)
def text_pdf() -> bytes:
    return pdf_document([_text_page("Rule of law plan: task one, task two, task three. " * 3)])


def truncated_pdf() -> bytes:
    data = text_pdf()
    return data[: len(data) // 2]


def pdf_renamed_docx() -> bytes:
    """A PDF (one blank page) uploaded as .docx: the content, not the name, says what it is."""
    return pdf_document([_blank_page()])


def exe_renamed_docx() -> bytes:
    noise = random.Random(8).randbytes(4096)
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(48) + b"PE\x00\x00" + noise


def png_renamed_docx() -> bytes:
    return PNG + bytes(2048)


def zip_renamed_txt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("说明.txt", PROSE)
        archive.writestr("附件/名单.csv", "名称\n县司法局\n")
    return out.getvalue()


def _ole(streams: tuple[str, ...]) -> bytes:
    """The start of a Compound File (OLE2/CFB) naming the given streams: what an encrypted .docx/.xlsx, or a
    .doc, looks like to anything that reads its first bytes and directory."""
    body = bytearray(OLE_MAGIC + bytes(504))
    for name in streams:
        body += name.encode("utf-16-le") + bytes(64 - 2 * len(name) + 64)
    body += bytes(4096 - len(body) % 4096)
    return bytes(body)


def encrypted_docx() -> bytes:
    return _ole(("EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"))


def encrypted_xlsx() -> bytes:
    return _ole(("\x06DataSpaces", "EncryptedPackage", "EncryptionInfo"))


def legacy_doc() -> bytes:
    return _ole(("WordDocument", "1Table", "\x05SummaryInformation"))


def encrypted_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt="open-sesame")
    page.drawString(72, 720, "1. Rule of law task, due 2024. " * 2)
    page.save()
    return buffer.getvalue()


@lru_cache(maxsize=1)
def zip_bomb_docx() -> bytes:
    """word/document.xml inflates to 1 GB of zeros, honestly declared."""
    stream, crc = deflated_zeros(1024)
    return raw_zip([_stored("[Content_Types].xml", _content_types("word/document.xml")),
                    RawMember("word/document.xml", stream, 1024 * MB, crc)])


@lru_cache(maxsize=1)
def zip_bomb_lying_docx() -> bytes:
    """The directory says document.xml is 2 KB; its data inflates to 1 GB of spaces."""
    stream, crc = deflated_zeros(1024, b" ")
    return raw_zip([_stored("[Content_Types].xml", _content_types("word/document.xml")),
                    RawMember("word/document.xml", stream, 2048, crc)])


@lru_cache(maxsize=1)
def zip_bomb_xlsx() -> bytes:
    """A workbook whose first sheet inflates to 1 GB (valid XML: the sheet is padded with spaces)."""
    head = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    stream, _ = deflated_zeros(1024, b" ")
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH) + stream[:-2]
    tail = compressor.compress(b"</sheetData></worksheet>") + compressor.flush(zlib.Z_FINISH)
    members = [_stored(info.filename, zipfile.ZipFile(io.BytesIO(plain_xlsx())).read(info.filename))
               for info in zipfile.ZipFile(io.BytesIO(plain_xlsx())).infolist()
               if info.filename != "xl/worksheets/sheet1.xml"]
    return raw_zip([*members, RawMember("xl/worksheets/sheet1.xml", data + tail, 1024 * MB + 150)])


@lru_cache(maxsize=1)
def nested_zip() -> bytes:
    """42.zip in small: zips of zips, two to a level, three levels, 100 MB of zeros at the bottom of each."""
    stream, crc = deflated_zeros(100)
    level = raw_zip([RawMember("0.bin", stream, 100 * MB, crc)])
    for depth in range(3):
        level = raw_zip([_stored(f"{depth}-{i}.zip", level) for i in range(2)])
    return level


def many_members_docx() -> bytes:
    """A real document plus 20,000 empty parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain_docx())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        for number in range(20_000):
            target.writestr(f"word/media/{number}.bin", b"")
    return out.getvalue()


def traversal_members_docx() -> bytes:
    """A real document whose extra members would be written outside the folder by a careless unzip."""
    return replace_members(plain_docx(), {}, {"../../../../tmp/fazhi-evil.txt": b"x", "/etc/cron.d/fazhi": b"x",
                                              "word/..\\..\\..\\evil.bat": b"x"})


def billion_laughs_docx() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">' for i in range(1, 10))
    return docx_with_body(_document(_paragraph("&lol9;"), f"<!DOCTYPE w:document [{entities}]>"))


def xxe_docx() -> bytes:
    prolog = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return docx_with_body(_document(_paragraph("一、总体要求") + _paragraph("1.&xxe;（责任单位：县司法局）"), prolog))


def deep_xml_docx() -> bytes:
    depth = 100_000  # short tags, so the part stays under the size where the compression ratio is judged
    return docx_with_body(_document("<a>" * depth + _paragraph("1.任务") + "</a>" * depth))


def invalid_xml_docx() -> bytes:
    return docx_with_body(_document(_paragraph("1.任务") + "<w:p><w:r><w:t>未闭合的段落</w:r>"))


def billion_laughs_xlsx() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">' for i in range(1, 10))
    sheet = (f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
    return replace_members(plain_xlsx(), {"xl/worksheets/sheet1.xml": sheet.encode()})


# ---------------------------------------------------------------- PDF, by hand


def pdf_document(pages: list[tuple[str, bytes]], extra: list[bytes] | None = None) -> bytes:
    """A PDF from page dictionaries (without /Parent) and their content streams (already encoded)."""
    count = len(pages)
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    font = 3
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for page, content in pages:
        number = len(objects) + 1
        kids.append(f"{number} 0 R")
        objects.append(f"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 {font} 0 R >> >> "
                       f"/Contents {number + 1} 0 R {page} >>".encode())
        objects.append(content)
    objects[1] = f"<< /Type /Pages /Count {count} /Kids [{' '.join(kids)}] >>".encode()
    objects += extra or []
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    out.write(b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets))
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _stream(data: bytes, filters: str = "") -> bytes:
    return f"<< /Length {len(data)} {filters} >>\nstream\n".encode() + data + b"\nendstream"


def _text_page(text: str) -> tuple[str, bytes]:
    return "/MediaBox [0 0 595 842]", _stream(f"BT /F1 10 Tf 40 800 Td ({text}) Tj ET".encode())


def _blank_page() -> tuple[str, bytes]:
    return "/MediaBox [0 0 595 842]", _stream(b"")


@lru_cache(maxsize=1)
def pdf_10000_pages() -> bytes:
    return pdf_document([_blank_page()] * 10_000)


def pdf_huge_page() -> bytes:
    """One page 14,400 units square at a user unit of 75,000: some 380 km a side."""
    return pdf_document([("/MediaBox [0 0 14400 14400] /UserUnit 75000", _stream(b"0 0 m 14400 14400 l S"))])


@lru_cache(maxsize=1)
def pdf_stream_bomb() -> bytes:
    """A page whose content stream inflates to 1 GB of spaces."""
    stream, _ = deflated_zeros(1024, b" ")
    compressor = zlib.compressobj(9, zlib.DEFLATED, 15)
    zlib_header = compressor.compress(b"")[:2] or b"\x78\xda"
    return pdf_document([("/MediaBox [0 0 595 842]", _stream(zlib_header + stream, "/Filter /FlateDecode"))])


# ---------------------------------------------------------------- markup and text


def html_deep() -> bytes:
    depth = 100_000
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>" + "<div>" * depth
            + "<p>1.深入推进依法行政。（责任单位：县司法局）</p>" + "</div>" * depth + "</body></html>").encode()


@lru_cache(maxsize=1)
def html_50mb_line() -> bytes:
    head = b"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><p>"
    return head + "法治".encode() * (50 * MB // 6) + b"</p></body></html>"


def html_xxe() -> bytes:
    return ('<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            "<html><head><meta charset='utf-8'></head><body><p>关于&xxe;的说明</p></body></html>").encode()


def utf16_without_bom() -> bytes:
    return (PROSE * 40).encode("utf-16-be") + b"\xd8"  # and cut in the middle of a character


def gb18030_labelled_utf8() -> bytes:
    return ("<html><head><meta charset='utf-8'><title>说明</title></head><body><p>" + PROSE * 20
            + "</p></body></html>").encode("gb18030")


def random_binary() -> bytes:
    return random.Random(20240301).randbytes(64 * 1024)


def mixed_mojibake() -> bytes:
    lines = [PROSE.encode("utf-8"), PROSE.encode("gb18030"), PROSE.encode("utf-8").decode("latin-1").encode("utf-8"),
             PROSE.encode("big5", errors="replace"), PROSE.encode("utf-16-le")]
    return b"\n".join(lines * 20)


def no_tasks() -> bytes:
    return ("关于法治政府建设的说明\n" + PROSE * 30).encode()


def deep_toml() -> bytes:
    return b"name = \"x\"\nvalue = " + b"[" * 100_000 + b"]" * 100_000 + b"\n"


# ---------------------------------------------------------------- the table


@dataclass(frozen=True)
class Hostile:
    id: str
    filename: str
    build: Callable[[], bytes]
    expect: str = ""  # a word the plan import's refusal must contain
    # Evidence is kept as it is and never parsed: a sound container of the right type whose inner XML or page
    # is pathological is stored (the server is not at risk); everything else is refused there too.
    evidence_ok: bool = False


HOSTILE = [
    Hostile("empty-0-bytes", "空文件.docx", empty, "空"),
    Hostile("only-white-space", "空白.txt", blank, "空"),
    Hostile("truncated-docx", "截断.docx", truncated_docx, "损坏"),
    Hostile("truncated-xlsx", "截断.xlsx", truncated_xlsx, "损坏"),
    Hostile("truncated-pdf", "截断.pdf", truncated_pdf, "PDF", evidence_ok=True),
    Hostile("pdf-named-docx", "其实是PDF.docx", pdf_renamed_docx, "PDF"),
    Hostile("exe-named-docx", "程序.docx", exe_renamed_docx, "无法识别"),
    Hostile("png-named-docx", "图片.docx", png_renamed_docx, "无法识别"),
    Hostile("zip-named-txt", "压缩包.txt", zip_renamed_txt, "压缩包"),
    Hostile("encrypted-docx", "加密.docx", encrypted_docx, "密码"),
    Hostile("encrypted-xlsx", "加密.xlsx", encrypted_xlsx, "密码"),
    Hostile("encrypted-pdf", "加密.pdf", encrypted_pdf, "密码", evidence_ok=True),
    Hostile("legacy-doc-named-docx", "旧版.docx", legacy_doc, "旧版"),
    Hostile("zip-bomb-docx", "炸弹.docx", zip_bomb_docx, "过大"),
    Hostile("zip-bomb-lying-sizes", "炸弹2.docx", zip_bomb_lying_docx, "损坏"),
    Hostile("zip-bomb-xlsx", "炸弹.xlsx", zip_bomb_xlsx, "过大"),
    Hostile("nested-zips", "套娃.docx", nested_zip, "压缩包"),
    Hostile("twenty-thousand-members", "部件.docx", many_members_docx, "部件过多"),
    Hostile("member-path-traversal", "穿越.docx", traversal_members_docx, "部件名称"),
    Hostile("billion-laughs-docx", "笑.docx", billion_laughs_docx, "DTD"),
    Hostile("xxe-etc-passwd-docx", "外部实体.docx", xxe_docx, "DTD"),
    Hostile("xml-nested-100k-deep", "深.docx", deep_xml_docx, "损坏", evidence_ok=True),
    Hostile("invalid-xml-docx", "坏XML.docx", invalid_xml_docx, "损坏", evidence_ok=True),
    Hostile("billion-laughs-xlsx", "笑.xlsx", billion_laughs_xlsx, "DTD"),
    Hostile("pdf-10000-pages", "万页.pdf", pdf_10000_pages, "页数过多", evidence_ok=True),
    Hostile("pdf-huge-page", "巨页.pdf", pdf_huge_page, "文字层", evidence_ok=True),
    Hostile("pdf-content-stream-bomb", "流炸弹.pdf", pdf_stream_bomb, "压缩炸弹"),
    Hostile("html-nested-100k-deep", "深.html", html_deep, ""),
    Hostile("html-50mb-single-line", "长行.html", html_50mb_line, "MB"),
    Hostile("html-external-entity", "外部实体.html", html_xxe, ""),
    Hostile("utf16-without-bom-cut", "无BOM.txt", utf16_without_bom, ""),
    Hostile("gb18030-labelled-utf8", "标错编码.html", gb18030_labelled_utf8, ""),
    Hostile("random-binary-as-txt", "乱码.txt", random_binary, "无法识别"),
    Hostile("mixed-mojibake", "混合编码.txt", mixed_mojibake, ""),
    Hostile("text-without-tasks", "说明.txt", no_tasks, "任务"),
    Hostile("toml-nested-100k-deep", "深.toml", deep_toml, ""),
]
