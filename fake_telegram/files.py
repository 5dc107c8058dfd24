"""File storage and media JSON objects (PhotoSize lists, Document, Voice, ...)."""

from __future__ import annotations

from typing import Any

from .models import FileRecord

_FOLDERS = {
    "photo": ("photos", "jpg"),
    "document": ("documents", "bin"),
    "voice": ("voice", "oga"),
    "video": ("videos", "mp4"),
    "video_note": ("video_notes", "mp4"),
    "audio": ("music", "mp3"),
    "sticker": ("stickers", "webp"),
    "animation": ("animations", "mp4"),
}


class FileStore:
    """All files the fake knows: uploads by the bot and synthetic files sent by users.

    Not thread-safe by itself: the owner calls it under its lock.
    """

    def __init__(self) -> None:
        self.last_number = 0
        self.by_id: dict[str, FileRecord] = {}
        self.by_path: dict[str, FileRecord] = {}
        self.media: dict[str, Any] = {}

    def add(self, kind: str, content: bytes, file_name: str | None = None) -> FileRecord:
        self.last_number += 1
        number = self.last_number
        folder, extension = _FOLDERS.get(kind, ("documents", "bin"))
        if file_name and "." in file_name:
            extension = file_name.rsplit(".", 1)[1]
        record = FileRecord(
            file_id=f"FAKE{kind.upper()}{number:06d}xyz",
            file_unique_id=f"U{kind[:3]}{number:06d}",
            file_path=f"{folder}/file_{number}.{extension}",
            content=content,
            file_name=file_name,
        )
        self.by_id[record.file_id] = record
        self.by_path[record.file_path] = record
        return record

    def create_media(self, kind: str, content: bytes | None = None, file_name: str | None = None):
        """Create a file (or two photo sizes) and return the media JSON for a message."""
        if content is None:
            content = f"fake {kind} content".encode()
        if kind == "photo":
            small = self.add("photo", content[: max(1, len(content) // 2)])
            large = self.add("photo", content)
            media: Any = [
                _size(small, 90, 67),
                _size(large, 1280, 960),
            ]
            self.media[small.file_id] = media
            self.media[large.file_id] = media
            return media
        record = self.add(kind, content, file_name)
        media = media_object(kind, record)
        self.media[record.file_id] = media
        return media

    def media_for(self, file_id: str) -> Any | None:
        return self.media.get(file_id)


def _size(record: FileRecord, width: int, height: int) -> dict[str, Any]:
    return {
        "file_id": record.file_id,
        "file_unique_id": record.file_unique_id,
        "width": width,
        "height": height,
        "file_size": len(record.content),
    }


def media_object(kind: str, record: FileRecord) -> dict[str, Any]:
    base: dict[str, Any] = {
        "file_id": record.file_id,
        "file_unique_id": record.file_unique_id,
        "file_size": len(record.content),
    }
    if kind == "document":
        base["file_name"] = record.file_name or "document.bin"
        base["mime_type"] = _mime(record.file_name)
    elif kind == "voice":
        base.update(duration=3, mime_type="audio/ogg")
    elif kind in ("video", "animation"):
        base.update(width=640, height=360, duration=5, mime_type="video/mp4")
        if record.file_name:
            base["file_name"] = record.file_name
    elif kind == "video_note":
        base.update(length=240, duration=5)
    elif kind == "audio":
        base.update(duration=120, mime_type="audio/mpeg", title="Fake track")
        if record.file_name:
            base["file_name"] = record.file_name
    elif kind == "sticker":
        base.update(
            type="regular",
            width=512,
            height=512,
            is_animated=False,
            is_video=False,
            emoji="🙂",
        )
    return base


def _mime(file_name: str | None) -> str:
    extension = (file_name or "").rsplit(".", 1)[-1].lower()
    return {
        "pdf": "application/pdf",
        "txt": "text/plain",
        "csv": "text/csv",
        "json": "application/json",
        "png": "image/png",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }.get(extension, "application/octet-stream")
