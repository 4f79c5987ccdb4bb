"""What the JSON forms of gaidsl's records share: most of a record's JSON form is some of its attributes as they are,
in a fixed order (the order of the keys in the output, which goldens and users read)."""

from __future__ import annotations

from typing import Any


def json_fields(record: object, *names: str) -> dict[str, Any]:
    """``{name: record.name}`` for each of ``names``, in that order: the attributes a JSON form shows unchanged."""
    return {name: getattr(record, name) for name in names}
