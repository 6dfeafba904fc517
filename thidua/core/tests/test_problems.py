"""The shared problem plumbing of the pure calculations; no database, no Django."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from fractions import Fraction
from typing import ClassVar

import pytest

from thidua.core.errors import DomainError
from thidua.core.problems import Catalogue, Param, Problem, ProblemError, required_count


@dataclass(frozen=True)
class Sample(Problem):
    catalogue: ClassVar[Catalogue] = {
        "x.count": ("Có {count} mục {item}", "{count} item(s) {item}"),
        "x.share": ("Tỷ lệ {share}", "Share {share}"),
    }

    def format_param(self, key: str, value: Param, lang: str) -> str:
        return f"«{value}»" if key == "item" and lang == "vi" else str(value)


class SampleError(ProblemError[Sample]):
    fallback_code = "x.invalid"


def test_message_in_both_languages_through_the_subclass_wording() -> None:
    problem = Sample("x.count", {"count": 2, "item": "A1"})
    assert problem.message() == "Có 2 mục «A1»"
    assert problem.message("en") == "2 item(s) A1"
    assert Sample("x.share", {"share": Fraction(2, 3)}).message("en") == "Share 2/3"


def test_one_problem_gives_its_code_and_field() -> None:
    error = SampleError([Sample("x.count", {"count": 1, "item": "A1"})])
    assert isinstance(error, DomainError)
    assert (error.code, error.field, error.message) == ("x.count", "A1", "Có 1 mục «A1»")
    assert error.codes == ("x.count",)


def test_several_problems_join_and_fall_back_to_the_module_code() -> None:
    error = SampleError(iter([Sample("x.count", {"count": 1, "item": "A1"}), Sample("x.share", {"share": 1})]))
    assert (error.code, error.field) == ("x.invalid", None)
    assert error.message == "Có 1 mục «A1»; Tỷ lệ 1"
    assert error.messages("en") == ["1 item(s) A1", "Share 1"]
    assert error.codes == ("x.count", "x.share")


def test_problems_of_different_modules_differ() -> None:
    assert Sample("x.count") == Sample("x.count")
    assert Sample("x.count") != Problem("x.count")


@pytest.mark.parametrize(
    ("share", "members", "needed"),
    [
        (Fraction(2, 3), 12, 8),
        (Fraction(2, 3), 13, 9),
        (Fraction(4, 5), 11, 9),
        (Fraction(9, 10), 10, 9),
        (Fraction(1), 7, 7),
        (Fraction(1, 2), 1, 1),
    ],
)
def test_required_count_is_the_least_number_reaching_the_share(share: Fraction, members: int, needed: int) -> None:
    assert required_count(share, members) == needed
    assert Fraction(needed, members) >= share > Fraction(needed - 1, members)


def test_the_module_imports_without_django() -> None:
    code = "import sys, thidua.core.problems; sys.exit(any(m.startswith('django') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
