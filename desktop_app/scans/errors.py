"""Refusals of a scan file: each carries one Chinese message saying what is wrong and what to do."""

from __future__ import annotations

from desktop_app.errors import UserError


class ScanRefused(UserError):
    """A file that cannot be used as a scan; nothing was stored."""

    exit_code = 2


class PasswordRequired(ScanRefused):
    """An encrypted PDF that needs its password (the UI asks; the CLI refuses)."""


class WrongPassword(PasswordRequired):
    """The password given for an encrypted PDF does not open it."""


class Unsupported(ScanRefused):
    """A format or feature this app does not handle (certificate-encrypted PDF, Word file …)."""
