import pytest


@pytest.mark.django_db
def test_api_404_is_in_the_users_language(client, make_user):
    user = make_user("admin")
    client.force_login(user)
    response = client.get("/api/v1/orgs/units/999999", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy.", "code": "not_found"}
    response = client.get("/api/v1/orgs/units/999999", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
