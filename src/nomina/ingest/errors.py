"""Errors a user can act on. Each names the file, and where it can, the line, row and field."""

from __future__ import annotations


class IngestError(Exception):
    """A whole file cannot be ingested; nothing from it is stored."""

    def __init__(self, path: object, message: str) -> None:
        self.path = str(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")


class SourceConfigError(IngestError):
    """The source YAML is wrong; the message names the key and its line."""
