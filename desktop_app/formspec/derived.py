"""Fields the app computes from another answer: sex and birth date from the resident ID number (pure)."""

from __future__ import annotations

from datetime import date

from desktop_app.formspec.model import FieldSpec, SectionSpec
from desktop_app.formspec.validators import parse_id_number

# The derived fields an ID number fills in, by the keys forms/ gives them.
FROM_ID_NUMBER = ("sex", "birth_date")


def derived_values(
    section: SectionSpec, spec: FieldSpec, value: object, today: date | None = None
) -> dict[str, str | None]:
    """The section's derived fields that follow from this field's checked value (None clears them; {} if none).

    One rule for the window (as the ID is typed) and the save (what is stored): they cannot disagree.
    """
    if spec.type != "id_number":
        return {}
    targets = [f.key for f in section.fields if f.derived and f.key in FROM_ID_NUMBER]
    if value is None or value == "":
        return dict.fromkeys(targets)
    info = parse_id_number(str(value), today=today)
    derived = {"sex": info.sex, "birth_date": info.birth_date.isoformat()}
    return {key: derived[key] for key in targets}
