"""Resource limits every reader respects, in one place so the web app can show them."""

from __future__ import annotations

MAX_FILE_BYTES = 50 * 1024 * 1024  # a plan is a few MB at most; 50 MB leaves room for scans' text layers
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # sum of declared sizes inside a .docx/.xlsx
MAX_COMPRESSION_RATIO = 200  # a member that inflates more than this is a bomb
MAX_PDF_PAGES = 2000
MAX_XLSX_ROWS = 100_000
MAX_HTML_BYTES = 20 * 1024 * 1024
MAX_PDF_STREAM_BYTES = 64 * 1024 * 1024  # one inflated content stream, font or object stream (images are not inflated)
