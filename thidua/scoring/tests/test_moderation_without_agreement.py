import pytest


@pytest.mark.django_db
def test_moderation_page_of_a_year_without_agreement_redirects_instead_of_failing(org, make_user, client):
    board = make_user("board", org["central"])
    client.force_login(board)
    gy = org["gy2022"]
    response = client.get(f"/scoring/gy/{gy.pk}/moderation/{org['ls'].pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/scoring/gy/{gy.pk}/agreement/"
