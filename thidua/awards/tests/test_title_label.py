import pytest
from django.utils import translation

from thidua.awards.models import Title


@pytest.mark.django_db
def test_title_names_follow_the_language():
    title = Title.objects.filter(code="CSTD_CS").first()
    assert title is not None and title.name_en
    with translation.override("vi"):
        assert str(title) == title.name
    with translation.override("en"):
        assert str(title) == title.name_en
