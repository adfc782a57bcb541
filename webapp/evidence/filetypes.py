"""Which files we accept as evidence, decided by their content, not by what the browser claims."""

from __future__ import annotations

import io
import zipfile

__all__ = ["ALLOWED_EXTENSIONS", "sniff"]

# extension -> the kind its content must be
ALLOWED_EXTENSIONS = {
    "pdf": "pdf",
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "docx": "docx",
    "xlsx": "xlsx",
    "pptx": "pptx",
    "doc": "ole",
    "xls": "ole",
}
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "ole": "application/octet-stream",
}
_OOXML_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


def sniff(head: bytes, whole: bytes | None = None) -> str | None:
    """The kind of a file from its first bytes (and, for ZIP-based office files, its part names)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PK\x03\x04") and whole is not None:
        try:
            # Only the central directory is read: names, not contents, so a zip bomb costs nothing.
            names = zipfile.ZipFile(io.BytesIO(whole)).namelist()
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        for kind, prefix in _OOXML_PART.items():
            if any(n.startswith(prefix) for n in names):
                return kind
    return None


def check(filename: str, content: bytes) -> tuple[str, str] | str:
    """(extension, media type) when the content matches an allowed extension, else an error key."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    expected = ALLOWED_EXTENSIONS.get(ext)
    if expected is None:
        return "evidence.type_not_allowed"
    kind = sniff(content[:16], content)
    if kind != expected:
        return "evidence.content_mismatch"
    return ext, MEDIA_TYPES[kind]
