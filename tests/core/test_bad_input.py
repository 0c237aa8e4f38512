"""Bad input, through the CLI and through the library: a refusal with one Chinese line, never a traceback.

For each file: ``python -m fazhi.cli parse FILE`` exits 2 and prints exactly one line on stderr
naming the file and giving a Chinese reason; ``fazhi.parse_file`` raises the matching
``FazhiError`` subclass. Every call is bounded in time; the zip bomb must be refused before it
is inflated, so quickly.
"""

from __future__ import annotations

import io
import os
import random
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

import fazhi
from fazhi.errors import (
    CorruptDocument,
    EmptyDocument,
    EncryptedDocument,
    FazhiError,
    NeedsOCR,
    NoTasks,
    TooLarge,
    UnsupportedFormat,
)

CLI_TIMEOUT = 10.0
ZIP_BOMB_SECONDS = 5.0
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PNG_HEADER = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
              b"\x5c\x72\xa8\x66\x00\x00\x00\x0dIDATx\x9c\x63\x00\x01\x00\x00\x05\x00\x01\x0d\x0a\x2d\xb4"
              b"\x00\x00\x00\x00IEND\xaeB`\x82")
HAN = re.compile(r"[\u4e00-\u9fff]")
TASK_TEXT = "1.深入推进依法行政。全面落实行政执法三项制度，2024年底前完成。（责任单位：县司法局）"


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("XX县2024年法治政府建设工作要点")
    document.add_paragraph("一、推进依法行政")
    document.add_paragraph(TASK_TEXT)
    document.add_paragraph("2.规范行政决策程序。严格落实重大行政决策程序规定。（责任单位：县政府办）")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- the bad files, each written into a test's tmp_path ------------------------------------


def empty(tmp: Path) -> Path:
    return _write(tmp / "empty.txt", b"")


def whitespace(tmp: Path) -> Path:
    return _write(tmp / "blank.txt", b" \n\t\r\n  \n")


def fullwidth_whitespace(tmp: Path) -> Path:
    """Ideographic spaces (U+3000) are white space too; Chinese documents indent with them."""
    return _write(tmp / "blank-cjk.txt", "\u3000\u3000\n\u3000 \r\n\n".encode())


def binary(tmp: Path) -> Path:
    noise = random.Random(20240301)
    data = bytes(noise.randrange(256) for _ in range(8192))
    return _write(tmp / "noise.bin", b"\x00\x01\x02\x00" + data.replace(b"PK", b"\x00K"))


def png_as_docx(tmp: Path) -> Path:
    return _write(tmp / "picture.docx", PNG_HEADER + bytes(2048))


def truncated_docx(tmp: Path) -> Path:
    data = _docx_bytes()
    return _write(tmp / "truncated.docx", data[: len(data) // 2])


def encrypted_docx(tmp: Path) -> Path:
    body = bytearray(OLE_MAGIC + bytes(504))
    body += "EncryptionInfo".encode("utf-16-le") + bytes(50) + "EncryptedPackage".encode("utf-16-le")
    body += bytes(4096 - len(body) % 4096)
    return _write(tmp / "locked.docx", bytes(body))


def legacy_doc(tmp: Path) -> Path:
    body = OLE_MAGIC + bytes(504) + "WordDocument".encode("utf-16-le") + bytes(3000)
    return _write(tmp / "old.doc", body)


def zip_bomb(tmp: Path) -> Path:
    path = tmp / "bomb.docx"
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
        with archive.open("word/media/zeros.bin", "w", force_zip64=True) as member:
            for _ in range(300):
                member.write(chunk)
    return path


def scanned_pdf(tmp: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp / "scan.pdf"
    page = canvas.Canvas(str(path), pagesize=A4)
    page.rect(72, 72, 300, 400, fill=1)
    page.showPage()
    page.save()
    return path


def notice_without_tasks(tmp: Path) -> Path:
    text = ("关于召开全县法治政府建设工作会议的通知\n\n各镇人民政府，县级各部门：\n\n"
            "经县政府同意，定于2024年3月5日上午9时在县政府三楼会议室召开全县法治政府建设工作会议，"
            "请各单位分管负责同志准时参加。\n\nXX县司法局\n\n2024年3月1日\n")
    return _write(tmp / "notice.txt", text.encode("utf-8"))


BAD_FILES: list[tuple[Callable[[Path], Path], type[FazhiError]]] = [
    (empty, EmptyDocument),
    (whitespace, EmptyDocument),
    (fullwidth_whitespace, EmptyDocument),
    (binary, UnsupportedFormat),
    (png_as_docx, UnsupportedFormat),
    (truncated_docx, CorruptDocument),
    (encrypted_docx, EncryptedDocument),
    (legacy_doc, UnsupportedFormat),
    (zip_bomb, TooLarge),
    (scanned_pdf, NeedsOCR),
    (notice_without_tasks, NoTasks),
]
IDS = ["empty", "whitespace", "whitespace-fullwidth", "binary", "png-as-docx", "truncated-docx", "encrypted-docx", "legacy-doc",
       "zip-bomb", "scanned-pdf", "no-tasks"]


def _run_cli(path: Path, timeout: float = CLI_TIMEOUT) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"}
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "fazhi.cli", "parse", str(path)], capture_output=True,
                            text=True, encoding="utf-8", timeout=timeout, env=env, check=False)
    return result, time.perf_counter() - start


@pytest.mark.parametrize(("build", "error"), BAD_FILES, ids=IDS)
def test_cli_refuses_a_bad_file_with_one_chinese_line_and_exit_status_2(
        build: Callable[[Path], Path], error: type[FazhiError], tmp_path: Path) -> None:
    path = build(tmp_path)
    result, seconds = _run_cli(path)
    lines = result.stderr.splitlines()
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(lines) == 1, result.stderr
    assert path.name in lines[0]
    reason = lines[0].split(path.name, 1)[1]
    assert HAN.search(reason), lines[0]
    if build is zip_bomb:
        assert seconds < ZIP_BOMB_SECONDS, f"the zip bomb took {seconds:.1f} s to refuse"


@pytest.mark.parametrize(("build", "error"), BAD_FILES, ids=IDS)
def test_library_raises_the_matching_fazhi_error_for_a_bad_file(
        build: Callable[[Path], Path], error: type[FazhiError], tmp_path: Path) -> None:
    path = build(tmp_path)
    start = time.perf_counter()
    with pytest.raises(error) as raised:
        fazhi.parse_file(path)
    seconds = time.perf_counter() - start
    assert HAN.search(raised.value.message), raised.value.message
    assert seconds < (ZIP_BOMB_SECONDS if build is zip_bomb else CLI_TIMEOUT)


@pytest.mark.parametrize(("build", "error"), BAD_FILES, ids=IDS)
def test_reading_bytes_raises_the_same_error_as_reading_the_file(
        build: Callable[[Path], Path], error: type[FazhiError], tmp_path: Path) -> None:
    path = build(tmp_path)
    with pytest.raises(error):
        fazhi.parse_bytes(path.read_bytes(), path.name)


def test_a_real_docx_saved_as_txt_is_still_read_as_word_and_gives_its_tasks(tmp_path: Path) -> None:
    path = _write(tmp_path / "plan.txt", _docx_bytes())
    plan = fazhi.parse_file(path)
    assert len(plan.tasks) == 2
    assert "全面落实行政执法三项制度" in plan.tasks[0].text
    assert [u.name for u in plan.tasks[0].units] == ["县司法局"]


def test_cli_prints_the_tasks_of_a_real_docx_saved_as_txt(tmp_path: Path) -> None:
    path = _write(tmp_path / "plan.txt", _docx_bytes())
    result, _ = _run_cli(path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "县司法局" in result.stdout
