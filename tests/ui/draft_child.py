"""The child of the crash test: saves drafts in a loop and acknowledges each committed value.

Imported once by the fork server, so forms and reference data are parsed once, not once per child.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop_app.formspec.loader import load_forms
from desktop_app.reference import load_reference
from desktop_app.services import Services
from desktop_app.usecases.wizard import save_field

FORMS = load_forms()
REFERENCE = load_reference()


def save_forever(home: str, app_id: int, start: int, conn: Any) -> None:
    """Store 部门N for N = start, start+1, … through the wizard's own save path; send N once committed."""
    services = Services(home=Path(home), forms=FORMS, reference=REFERENCE)
    number = start
    while True:
        result = save_field(services, app_id, "basic", None, "department", f"部门{number}")
        if not result.ok:
            raise RuntimeError(result.error)
        # Every other round also stores the page, as the wizard does when the person moves on.
        if number % 2:
            services.repo.set_ui_state(app_id, {"page": "basic", "drafts": {"basic:0:mobile": str(number)}})
        conn.send(number)
        number += 1
