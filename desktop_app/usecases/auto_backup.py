"""Whether a backup follows every successful packet: read by each `packet` command, so it lives apart from
the backup use cases (zip, encryption, snapshots: ~16 ms to import) that only run when it is on."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop_app.services import Services

SETTING_AUTO = "backup.auto_after_packet"


def is_auto_backup_on(services: Services) -> bool:
    """Whether a backup is written after every successful packet (default on)."""
    return bool(services.repo.get_setting(SETTING_AUTO, True))


def set_auto_backup(services: Services, flag: bool) -> None:
    """Switch the automatic backup after each packet on or off."""
    services.repo.set_setting(SETTING_AUTO, bool(flag))
