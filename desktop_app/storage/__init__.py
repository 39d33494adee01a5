"""SQLite drafts database, blob store and instance lock."""

from desktop_app.storage.blobs import BlobStore
from desktop_app.storage.db import DB_NAME, SCHEMA_VERSION, integrity_ok, open_engine
from desktop_app.storage.lock import InstanceLock
from desktop_app.storage.repository import Repository

__all__ = [
    "BlobStore",
    "DB_NAME",
    "SCHEMA_VERSION",
    "InstanceLock",
    "Repository",
    "integrity_ok",
    "open_engine",
]
