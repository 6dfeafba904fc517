import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models.fields.files import FieldFile, FileField

from thidua.core.audit import _jsonable, diff


class _Holder:
    pass


def _field_file(name: str | None) -> FieldFile:
    field = FileField(upload_to="x")
    field.name = "evidence"
    holder: Any = _Holder()
    return FieldFile(holder, field, name)


def test_values_become_json_friendly():
    assert _jsonable(dt.date(2025, 7, 1)) == "2025-07-01"
    assert _jsonable(Decimal("45.0")) == "45.0"
    assert _jsonable({"a": {3, 1}}) == {"a": [1, 3]}


def test_empty_and_named_files_are_recorded_by_name():
    assert _jsonable(_field_file(None)) is None
    assert _jsonable(_field_file("")) is None
    assert _jsonable(_field_file("evidence/2025/a.pdf")) == "evidence/2025/a.pdf"


def test_diff_keeps_only_changes():
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == {"b": [2, 3]}
