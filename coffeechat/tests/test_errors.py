"""Error pages: the app's frame and navigation, words that say what to do, a way back."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path, reverse

import coffeechat.urls


def _boom(request):
    raise RuntimeError("a bug")


def _forbidden(request):
    raise PermissionDenied


# This module doubles as a URL configuration with two views that fail on purpose.
urlpatterns = [path("boom/", _boom), path("forbidden/", _forbidden), *coffeechat.urls.urlpatterns]
handler500 = coffeechat.urls.handler500

NAVIGATION = '<nav aria-label="Main">'


def test_it_shows_a_page_with_navigation_for_an_unknown_address(alice_client):
    response = alice_client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.text
    assert NAVIGATION in html and "Nothing here" in html
    assert 'href="/"' in html and "app.css" in html


def test_it_shows_the_not_found_page_for_another_users_person(client, bob, contact):
    client.force_login(bob)
    response = client.get(reverse("contacts:contact_detail", kwargs={"contact_pk": contact.pk}))
    assert response.status_code == 404
    assert "Nothing here" in response.text and contact.name not in response.text


def test_it_explains_that_a_post_only_address_needs_its_button(alice_client):
    url = reverse("agenda:snooze")
    response = alice_client.get(url, HTTP_REFERER="http://testserver/contacts/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    html = response.text
    assert NAVIGATION in html and "This action needs its button" in html
    assert 'href="http://testserver/contacts/"' in html  # back where the link was followed


def test_it_does_not_link_back_to_another_site(alice_client):
    url = reverse("agenda:snooze")
    response = alice_client.get(url, HTTP_REFERER="https://evil.example/")
    assert response.status_code == 405
    assert "evil.example" not in response.text
    assert '<a class="button" href="/">' in response.text


def test_it_leaves_htmx_requests_their_bare_405(alice_client):
    response = alice_client.get(reverse("agenda:snooze"), HTTP_HX_REQUEST="true")
    assert response.status_code == 405
    assert response.content == b""


def test_it_shows_the_page_to_a_signed_out_visitor_of_the_login_link(client, db):
    response = client.post(reverse("accounts:login_link", kwargs={"token": "x"}))
    assert response.status_code == 405
    assert "This action needs its button" in response.text
    assert NAVIGATION not in response.text


def test_it_answers_a_bad_host_with_the_400_page(client, db):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "This request could not be read" in response.text


def test_it_explains_an_out_of_date_form(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("agenda:snooze"), {"key": "x", "days": "1"})
    assert response.status_code == 403
    assert "This form was out of date" in response.text
    assert "Nothing was saved" in response.text


@pytest.mark.urls("coffeechat.tests.test_errors")
def test_it_shows_the_403_page(alice_client):
    response = alice_client.get("/forbidden/")
    assert response.status_code == 403
    assert NAVIGATION in response.text and "You cannot open this page" in response.text


@pytest.mark.urls("coffeechat.tests.test_errors")
def test_it_shows_the_500_page_with_navigation(alice_client):
    alice_client.raise_request_exception = False
    response = alice_client.get("/boom/")
    assert response.status_code == 500
    assert NAVIGATION in response.text
    assert "Something went wrong on our side" in response.text
    assert "a bug" not in response.text and "Traceback" not in response.text
