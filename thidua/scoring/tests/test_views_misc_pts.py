from django.utils import translation

from thidua.scoring.templatetags.scoring_tags import pts


def test_points_follow_the_language():
    with translation.override("vi"):
        assert pts("88.50") == "88,5"
    with translation.override("en"):
        assert pts("88.50") == "88.5"
    assert pts(None) == "—"
