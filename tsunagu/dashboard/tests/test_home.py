from __future__ import annotations


def test_signed_in_home_shows_acting_organization(personas, client_as):
    response = client_as(personas.counselor_a).get("/")
    assert response.status_code == 200
    assert "相談支援センター あおば" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
