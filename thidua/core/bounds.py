"""What the API accepts for ids, years, paging and precision: bounds that the database columns can hold.

A value outside them is refused with 422 where it is parsed, never carried to the database (an id of
2**63 overflows SQLite's integer; a year of 0 or 10**6 breaks date arithmetic further down)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

import annotated_types
from annotated_types import GroupedMetadata
from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic.config import JsonDict

MAX_ID = 2**63 - 1  # a signed 64-bit primary key (BigAutoField)
MIN_YEAR, MAX_YEAR = 1945, 2100  # the award history goes back to 1945
MAX_OFFSET = 10**9
MAX_LIMIT = 1000

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]
Decimals = Annotated[int, Field(ge=0, le=4)]  # the figures are stored with four decimal places

# Keys of a JSON object that are ids ("12": …): the same bound as Id, said in the schema.
ID_KEYS: JsonDict = {"propertyNames": {"pattern": r"^0*[1-9][0-9]{0,17}$"}}

# Figures are DecimalField(max_digits=20, decimal_places=4): below 10**16 in absolute value.
AMOUNT_LIMIT = Decimal(10**16)
_DECIMAL_TEXT = re.compile(r"^[+-]?[0-9]{1,16}(\.[0-9]{1,4})?$")


def _plain_decimal_text(value: Any) -> Any:
    if isinstance(value, str) and not _DECIMAL_TEXT.fullmatch(value):
        raise ValueError("expected a decimal number such as 12 or 12.5")
    return value


def _number_only(value: Any) -> Any:
    if isinstance(value, str):
        raise ValueError("expected a JSON number")
    return value


# A figure: a JSON number or a plain "12.5" string, strictly inside ±10**16.
Amount = Annotated[
    Decimal,
    BeforeValidator(_plain_decimal_text),
    Field(gt=-AMOUNT_LIMIT, lt=AMOUNT_LIMIT),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": -1e16, "exclusiveMaximum": 1e16},
                {"type": "string", "pattern": _DECIMAL_TEXT.pattern},
            ]
        }
    ),
]


@dataclass(frozen=True)
class Between(GroupedMetadata):
    """A setting or a coefficient: a JSON number within [lower, upper] (or (lower, upper]).

    Numbers only, so the schema can state the bound and the server takes exactly what the schema says:
    `Annotated[Decimal, Between(Decimal(0), Decimal(1))]`."""

    lower: Decimal
    upper: Decimal
    lower_open: bool = False

    def __iter__(self) -> Iterator[Any]:
        number: dict[str, Any] = {"type": "number", "maximum": float(self.upper)}
        number["exclusiveMinimum" if self.lower_open else "minimum"] = float(self.lower)
        yield BeforeValidator(_number_only)
        yield annotated_types.Gt(self.lower) if self.lower_open else annotated_types.Ge(self.lower)
        yield annotated_types.Le(self.upper)
        yield WithJsonSchema(number)


SmallCount = Annotated[int, Field(ge=0, le=32767)]  # PositiveSmallIntegerField
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]  # PositiveIntegerField
