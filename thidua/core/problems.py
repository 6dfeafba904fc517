"""Problems with a stable code, the error that carries them, and share-of-members arithmetic.

Pure module (no Django): the pure calculations (``scoring.calculation``, ``voting.tally``) report
each reason for a rejection as a :class:`Problem` (a stable code plus params, worded in Vietnamese
and English from the module's own catalogue) and raise every problem of an input at once in one
:class:`ProblemError`. Each module subclasses both, naming its catalogue and its fallback code, so
that its problems stay its own type.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import ClassVar, Generic, TypeVar

from thidua.core.errors import DomainError

Param = str | int | Decimal | Fraction


def active_language() -> str:
    """ "en" when a Django request or command runs in English, else "vi"; importable without Django."""
    try:
        from django.utils.translation import get_language

        language = get_language() or "vi"
    except Exception:  # Django absent or not configured: the pure modules' default
        return "vi"
    return "en" if language.startswith("en") else "vi"


# code -> (Vietnamese, English); parameters are filled with str.format.
Catalogue = Mapping[str, tuple[str, str]]


@dataclass(frozen=True)
class Problem:
    """One reason for a rejection, or one note: a stable code and its parameters."""

    catalogue: ClassVar[Catalogue] = {}

    code: str
    params: Mapping[str, Param] = field(default_factory=dict)

    def message(self, lang: str | None = None) -> str:
        """The wording in `lang`; without it, in the active language of the request (Vietnamese outside Django)."""
        lang = lang or active_language()
        vi, en = self.catalogue[self.code]
        args = {k: self.format_param(k, v, lang) for k, v in self.params.items()}
        return (vi if lang == "vi" else en).format(**args)

    def format_param(self, key: str, value: Param, lang: str) -> str:
        """One parameter as it appears in the message; a subclass may word some of them."""
        return str(value)


P = TypeVar("P", bound=Problem)


class ProblemError(DomainError, Generic[P]):
    """Every problem found in the input. The message is the Vietnamese wording of all of them;
    ``problems`` keep each code and its params, and :meth:`messages` gives another language."""

    fallback_code: ClassVar[str] = "invalid"  # the code when there is not exactly one problem

    def __init__(self, problems: Iterable[P]) -> None:
        self.problems: tuple[P, ...] = tuple(problems)
        only = self.problems[0] if len(self.problems) == 1 else None
        item = only.params.get("item") if only else None
        super().__init__(
            "; ".join(self.messages("vi")),
            code=only.code if only else self.fallback_code,
            field=item if isinstance(item, str) else None,
        )

    def messages(self, lang: str | None = None) -> list[str]:
        return [p.message(lang) for p in self.problems]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.problems)


def required_count(share: Fraction, members: int) -> int:
    """The least whole number of members that reaches ``share`` of ``members`` (9 of 12 for 2/3)."""
    return -(-share.numerator * members // share.denominator)
