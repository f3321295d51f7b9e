"""Whole journeys through the web UI in headless Chromium."""

import os

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Playwright's sync API runs an event loop in this thread; Django's ORM is used between steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_it_logs_in_adds_a_person_finds_and_opens_them(live_server, page):
    from coffeechat.accounts.services import local_user_get_or_create, login_link_create

    token = login_link_create(owner=local_user_get_or_create())
    page.goto(f"{live_server.url}/accounts/login/{token}/")
    page.get_by_role("heading", name="Today", exact=True).wait_for()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.get_by_role("heading", name="People").wait_for()
    assert "Your list is empty." in page.content()

    page.get_by_role("link", name="Add your first person").click()
    page.get_by_label("Name", exact=True).fill("Grace Hopper")
    page.get_by_label("Organisation").fill("Harvard Computation Lab")
    page.get_by_label("Title").fill("Programmer")
    page.get_by_label("How you know them").select_option("alumni")
    page.get_by_label("E-mail", exact=True).fill("grace@example.com")
    page.get_by_role("button", name="Save person").click()
    page.get_by_role("heading", name="Grace Hopper").wait_for()

    page.get_by_role("link", name="People").click()
    page.get_by_label("Search").fill("computation")
    page.wait_for_url("**q=computation**")
    page.get_by_role("link", name="Grace Hopper").click()
    page.get_by_role("heading", name="Grace Hopper").wait_for()
    assert "grace@example.com" in page.content()

    # The link worked once; using it again logs nobody in.
    context = page.context.browser.new_context()
    second = context.new_page()
    second.goto(f"{live_server.url}/accounts/login/{token}/")
    assert "already used" in second.content()
    context.close()
