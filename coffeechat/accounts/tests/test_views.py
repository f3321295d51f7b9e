import pytest
from django.urls import reverse

from coffeechat.accounts.services import login_link_create
from coffeechat.serve import allowed_hosts_for


def _link(token: str) -> str:
    return reverse("accounts:login_link", kwargs={"token": token})


def test_it_logs_in_with_the_link_and_goes_home(client, alice):
    response = client.get(_link(login_link_create(owner=alice)))
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == alice.pk


def test_it_refuses_a_reused_link_without_logging_in(client, alice):
    token = login_link_create(owner=alice)
    client.get(_link(token))
    client.logout()

    response = client.get(_link(token))
    assert response.status_code == 400
    assert "already used" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_refuses_an_unknown_link(client, db):
    response = client.get(_link("made-up"))
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("method", ["post", "head"])
def test_it_does_not_use_up_the_link_on_other_methods(client, alice, method):
    token = login_link_create(owner=alice)
    assert getattr(client, method)(_link(token)).status_code == 405
    assert client.get(_link(token)).status_code == 302


def test_it_tells_a_local_user_where_the_link_is(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "coffeechat serve" in response.content.decode()


def test_it_sends_a_logged_in_user_home_from_the_login_page(alice_client):
    response = alice_client.get(reverse("accounts:login"))
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_shows_a_password_form_in_multiuser_mode(client, db, settings):
    settings.MULTIUSER = True
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


def test_it_logs_out_on_post(alice_client):
    response = alice_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in alice_client.session


def test_it_refuses_logout_by_get(alice_client):
    assert alice_client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in alice_client.session


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("bound", "host", "status"),
    [
        ("127.0.0.1", "127.0.0.1:8000", 200),
        ("127.0.0.1", "localhost:8000", 200),
        ("127.0.0.1", "evil.example", 400),
        ("127.0.0.1", "evil.example:8000", 400),
        ("127.0.0.1", "[::1]:8000", 400),
        ("::1", "[::1]:8000", 200),
        ("192.168.1.5", "192.168.1.5:8000", 200),
        ("192.168.1.5", "localhost:8000", 400),
    ],
)
def test_it_refuses_hosts_other_than_the_bound_one(client, db, settings, bound, host, status):
    settings.ALLOWED_HOSTS = allowed_hosts_for(bound)
    response = client.get(reverse("accounts:login"), HTTP_HOST=host)
    assert response.status_code == status
