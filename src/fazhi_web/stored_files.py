"""Uploaded files written for a record: kept only if the record is stored.

A file is written to the storage before its row can be saved (the row holds the file's name). If anything after
that fails — the row, its history, a notification, the commit — the action's transaction rolls the row back, and
``stored_file`` removes the file again, so a failed action leaves neither a partial record nor an orphan file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile


@contextmanager
def stored_file(field: FieldFile, name: str, data: bytes) -> Iterator[None]:
    """Write ``data`` into ``field`` (not saving its record) for the body of the ``with``; remove it on an error.

    Wrap the action's whole ``transaction.atomic()`` block, outside it, so that a failed commit is covered too:
    ``with stored_file(evidence.file, name, data), transaction.atomic(): ...``. The storage gives each write a
    name of its own (a digest already stored gets a suffix), so removing it never touches another record's file.
    """
    field.save(name, ContentFile(data), save=False)
    try:
        yield
    except BaseException:
        field.storage.delete(field.name)
        field.name = None
        raise
