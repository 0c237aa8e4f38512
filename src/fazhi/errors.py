"""The exceptions the core raises. Every one carries a Chinese message for users.

    FazhiError                    anything the library refuses, with a user-facing message
    ├── ReadError                 the bytes cannot be read as a document
    │   ├── EmptyDocument         nothing in the file (0 bytes, or only white space)
    │   ├── UnsupportedFormat     not a format we read, or the extension lies and the content is unknown
    │   ├── CorruptDocument       a damaged or truncated container (.docx, .xlsx, .pdf)
    │   ├── EncryptedDocument     password-protected
    │   ├── TooLarge              declared or actual size beyond the limits (zip bombs, page bombs)
    │   └── NeedsOCR              a PDF with no text layer
    ├── NoTasks                   read fine, but nothing in it is a task
    └── RegistryError             a unit registry file is malformed
"""

from __future__ import annotations


class FazhiError(Exception):
    """Base class. ``str(error)`` is the message shown to the user."""

    def __init__(self, message: str, *, source: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.source = source

    def __str__(self) -> str:
        return f"{self.source}: {self.message}" if self.source else self.message


class ReadError(FazhiError):
    pass


class EmptyDocument(ReadError):
    pass


class UnsupportedFormat(ReadError):
    pass


class CorruptDocument(ReadError):
    pass


class EncryptedDocument(ReadError):
    pass


class TooLarge(ReadError):
    pass


class NeedsOCR(ReadError):
    pass


class NoTasks(FazhiError):
    pass


class RegistryError(FazhiError):
    pass
