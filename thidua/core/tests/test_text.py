import datetime as dt
import itertools

import pytest
from django.utils import formats, translation
from hypothesis import given
from hypothesis import strategies as st

from thidua.core.text import fold, matches, sort_key


@pytest.mark.parametrize("text", ["Lạng Sơn", "LẠNG SƠN", "lang son", "Lang  Son"])
def test_fold_ignores_case_diacritics_and_spaces(text):
    assert fold(text) == "lang son"


def test_fold_maps_d_stroke():
    assert fold("Điện Biên") == "dien bien"
    assert matches("dien bien", "Ủy ban MTTQ tỉnh Điện Biên")
    assert not matches("cao bang", "Lạng Sơn")


def test_vietnamese_alphabetical_order():
    words = ["Đà Nẵng", "Hà Nội", "An Giang", "Ăn", "Bắc Ninh", "Âu", "Điện Biên", "Cao Bằng", "Dak Lak"]
    assert sorted(words, key=sort_key) == [
        "An Giang",
        "Ăn",
        "Âu",
        "Bắc Ninh",
        "Cao Bằng",
        "Dak Lak",
        "Đà Nẵng",
        "Điện Biên",
        "Hà Nội",
    ]


def test_tones_order_after_letters():
    # Same letters: ngang < huyền < hỏi < ngã < sắc < nặng.
    words = ["má", "mạ", "ma", "mả", "mà", "mã"]
    assert sorted(words, key=sort_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    # Letters decide before tones.
    assert sorted(["mạ", "mb"], key=sort_key) == ["mạ", "mb"]


def test_numbers_and_dates_follow_the_language():
    day = dt.date(2022, 12, 2)
    with translation.override("vi"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "02/12/2022"
        assert formats.number_format(1234567.5, 1, use_l10n=True, force_grouping=True) == "1.234.567,5"
    with translation.override("en"):
        assert formats.number_format(1234567.5, 1, use_l10n=True, force_grouping=True) == "1,234,567.5"


@pytest.mark.parametrize("text", ["m²", "A²", "Ⅻ", "x̂", "٣ tổ", "\u0301a", "İstanbul", "ﬁ", "\ud800"])
def test_sort_key_takes_any_character(text):
    primary, tones = sort_key(text)
    assert all(isinstance(n, int) for n in primary + tones)


def test_superscripts_sort_after_digits_beside_their_letters():
    assert sorted(["m²", "m2", "mb", "m"], key=sort_key) == ["m", "m2", "mb", "m²"]


@given(st.lists(st.text(), max_size=8))
def test_sort_key_orders_arbitrary_unicode(texts):
    keys = [sort_key(t) for t in texts]
    assert all(isinstance(n, int) for key in keys for part in key for n in part)
    ordered = sorted(texts, key=sort_key)
    assert sorted(ordered) == sorted(texts)
    assert all(sort_key(a) <= sort_key(b) for a, b in itertools.pairwise(ordered))
