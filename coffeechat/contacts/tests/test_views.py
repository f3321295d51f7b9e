import re

import pytest
from django.urls import reverse

from coffeechat.accounts.services import profile_update
from coffeechat.contacts.models import Contact, Organization


def test_it_shows_an_empty_state_to_a_new_user(alice_client):
    response = alice_client.get(reverse("contacts:contact_list"))
    assert response.status_code == 200
    assert "Your list is empty." in response.text
    # One way to add someone, not the same button in the header and in the empty state.
    assert response.text.count(f'href="{reverse("contacts:contact_create")}"') == 1


def test_it_lists_and_searches_contacts(alice_client, contact):
    response = alice_client.get(reverse("contacts:contact_list"), {"q": "analytical"})
    assert "Ada Lovelace" in response.text
    assert 'accesskey="n">' in response.text and "Add a person" in response.text
    response = alice_client.get(reverse("contacts:contact_list"), {"q": "nobody"})
    assert "Ada Lovelace" not in response.text
    assert "Nobody matches these filters." in response.text


def test_it_answers_htmx_with_the_results_only(alice_client, contact):
    response = alice_client.get(
        reverse("contacts:contact_list"), {"q": "ada"}, headers={"HX-Request": "true"}
    )
    assert "Ada Lovelace" in response.text
    assert "<html" not in response.text


def test_it_ignores_nonsense_filters(alice_client, contact):
    response = alice_client.get(
        reverse("contacts:contact_list"), {"sort": "drop table", "stage": "x", "page": "999"}
    )
    assert response.status_code == 200
    assert "Ada Lovelace" in response.text


def test_it_paginates(alice, alice_client):
    Contact.objects.bulk_create(Contact(owner=alice, name=f"Person {i:02}") for i in range(30))
    first = alice_client.get(reverse("contacts:contact_list"))
    assert "Page 1 of 2" in first.text and "Person 24" in first.text
    second = alice_client.get(reverse("contacts:contact_list"), {"page": 2})
    assert "Person 29" in second.text and "Person 00" not in second.text


@pytest.mark.parametrize("name", ["contact_list", "organization_list"])
def test_it_refuses_a_search_over_the_limit_with_a_message(alice_client, contact, name):
    # 60,000 characters used to reach the database and fail there ("pattern too complex").
    response = alice_client.get(reverse(f"contacts:{name}"), {"q": "a" * 60_000})
    assert response.status_code == 200
    assert "Search: Keep this to 200 characters (it has 60,000)." in response.text
    assert "Ada Lovelace" not in response.text and "Analytical" not in response.text
    words = alice_client.get(reverse(f"contacts:{name}"), {"q": "analytical " * 18})
    assert "Keep this to" not in words.text


@pytest.mark.parametrize("name", ["contact_list", "organization_list"])
@pytest.mark.parametrize("number", ["99999999999", "9" * 5000, "-1", "1e9", "2.5"])
def test_it_shows_a_page_for_any_page_number(alice_client, contact, name, number):
    response = alice_client.get(reverse(f"contacts:{name}"), {"page": number})
    assert response.status_code == 200


def test_it_refuses_a_post_to_the_list(alice_client):
    assert alice_client.post(reverse("contacts:contact_list")).status_code == 405


def test_it_creates_a_contact(alice, alice_client):
    response = alice_client.post(
        reverse("contacts:contact_create"),
        {"name": "Bea Smith", "organization_name": "Loom Works", "source": "alumni",
         "priority": 2, "tags": "design, climate"},
    )  # fmt: skip
    bea = Contact.objects.get(owner=alice, name="Bea Smith")
    assert response.status_code == 302 and response.url == bea.get_absolute_url()
    assert bea.organization.name == "Loom Works"
    assert sorted(t.name for t in bea.tags.all()) == ["climate", "design"]


def test_it_explains_bad_input_and_saves_nothing(alice_client):
    response = alice_client.post(
        reverse("contacts:contact_create"),
        {"name": "", "email": "nope", "linkedin_url": "nope", "source": "alumni", "priority": 2},
    )
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert "Enter a valid email address." in response.text
    assert "Enter a valid URL." in response.text
    assert not Contact.objects.exists()


def test_it_offers_the_existing_contact_for_a_duplicate(alice_client, contact):
    response = alice_client.post(
        reverse("contacts:contact_create"),
        {"name": "Ada L", "email": "ada@example.com", "source": "alumni", "priority": 2},
    )
    assert "Ada Lovelace already has the e-mail ada@example.com." in response.text
    assert f'href="{contact.get_absolute_url()}"' in response.text
    assert Contact.objects.count() == 1


def test_it_cautions_about_a_coworker_while_typing(alice, alice_client, organization):
    profile_update(owner=alice, current_employer="Analytical Engines")
    response = alice_client.get(
        reverse("contacts:coworker_check"), {"organization_name": "analytical engines"}
    )
    assert "You work at" in response.text
    response = alice_client.get(reverse("contacts:coworker_check"), {"organization_name": "Else"})
    assert "You work at" not in response.text


def test_it_cautions_about_a_coworker_on_their_page(alice, alice_client, contact):
    profile_update(owner=alice, current_employer="Analytical Engines")
    response = alice_client.get(contact.get_absolute_url())
    assert "You work at Analytical Engines." in response.text


def test_it_shows_everything_known_about_a_contact(alice_client, contact, conversation):
    contact.their_work = "A paper on the <Engine>"
    contact.save()
    response = alice_client.get(contact.get_absolute_url())
    assert response.status_code == 200
    assert "A paper on the &lt;Engine&gt;" in response.text
    assert "Conversation" in response.text


def test_it_edits_a_contact(alice_client, contact):
    url = reverse("contacts:contact_edit", args=[contact.pk])
    form = alice_client.get(url)
    assert 'value="Ada Lovelace"' in form.text
    response = alice_client.post(
        url, {"name": "Ada King", "organization_name": "", "source": "alumni", "priority": 1}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.name, contact.organization, contact.priority) == ("Ada King", None, 1)


def test_the_form_says_which_notes_reach_a_message(alice_client, contact):
    url = reverse("contacts:contact_edit", args=[contact.pk])
    page = alice_client.get(url).text
    assert "Why them, in one sentence to them" in page
    assert "It opens your requests, nudges and LinkedIn notes." in page
    assert "How we are connected, as you would say it" in page
    assert page.count("never put into a message") == 3  # connection, their work, research
    alice_client.post(
        url,
        {"name": "Ada Lovelace", "source": "alumni", "priority": 2,
         "why_them": "Your notes on the Engine are why I am writing.",
         "our_connection": "We both studied with De Morgan."},
    )  # fmt: skip
    contact.refresh_from_db()
    assert contact.why_them == "Your notes on the Engine are why I am writing."
    assert contact.our_connection == "We both studied with De Morgan."


def test_it_marks_a_mentor_and_suggests_giving_back(alice_client, contact):
    url = reverse("contacts:contact_edit", args=[contact.pk])
    assert "A mentor to me" in alice_client.get(url).text
    page = alice_client.get(contact.get_absolute_url()).text
    assert ">Mentor</span>" not in page and "give something back first" not in page
    response = alice_client.post(
        url, {"name": "Ada Lovelace", "source": "alumni", "priority": 2, "is_mentor": "on"}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.is_mentor
    page = alice_client.get(contact.get_absolute_url()).text
    assert "Mentor</span>" in page
    assert "give something back first: an article they would value" in page
    assert "?kind=keep_in_touch" in page
    listed = alice_client.get(reverse("contacts:contact_list")).text
    assert '<span class="badge badge-ok">Mentor</span>' in listed


def test_it_filters_the_list_to_mentors(alice, alice_client, contact):
    Contact.objects.create(owner=alice, name="Charles Babbage", is_mentor=True)
    url = reverse("contacts:contact_list")
    everyone = alice_client.get(url).text
    assert "Ada Lovelace" in everyone and "Charles Babbage" in everyone
    mentors = alice_client.get(url, {"mentor": "yes"}).text
    assert "Charles Babbage" in mentors and "Ada Lovelace" not in mentors
    assert "1 person match" in mentors
    assert '<option value="yes" selected>Mentors</option>' in mentors
    nonsense = alice_client.get(url, {"mentor": "maybe"}).text
    assert "Ada Lovelace" in nonsense and "Charles Babbage" in nonsense


def test_it_asks_before_deleting_a_contact(alice_client, contact):
    url = reverse("contacts:contact_delete", args=[contact.pk])
    assert "cannot be undone" in alice_client.get(url).text
    assert Contact.objects.exists()
    response = alice_client.post(url)
    assert response.status_code == 302
    assert not Contact.objects.exists()


def test_it_manages_organisations(alice, alice_client, contact, organization):
    response = alice_client.get(organization.get_absolute_url())
    assert "Ada Lovelace" in response.text
    # Deleting is the quiet action, as on a person's page.
    delete = reverse("contacts:organization_delete", args=[organization.pk])
    assert f'<a class="button quiet" href="{delete}">' in response.text
    response = alice_client.post(
        reverse("contacts:organization_create"), {"name": "analytical engines"}
    )
    assert "already have an organisation" in response.text
    response = alice_client.post(
        reverse("contacts:organization_edit", args=[organization.pk]),
        {"name": "Engines Ltd", "website": "https://engines.example", "industry": "Computing"},
    )
    assert response.status_code == 302
    alice_client.post(reverse("contacts:organization_delete", args=[organization.pk]))
    assert not Organization.objects.exists()
    assert Contact.objects.filter(pk=contact.pk, organization=None).exists()


@pytest.mark.parametrize(
    "name",
    ["contacts:contact_detail", "contacts:contact_edit", "contacts:contact_delete"],
)
def test_it_hides_a_contact_from_another_user(client, bob, contact, name):
    client.force_login(bob)
    assert client.get(reverse(name, args=[contact.pk])).status_code == 404
    assert client.post(reverse(name, args=[contact.pk]), {"name": "x"}).status_code in {404, 405}
    assert Contact.objects.get(pk=contact.pk).name == "Ada Lovelace"


def test_it_sends_strangers_to_log_in(client, contact):
    response = client.get(contact.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_cautions_about_someone_known_as_a_co_worker(alice_client, contact):
    contact.source = "co_worker"
    contact.save()
    response = alice_client.get(contact.get_absolute_url())
    assert "You know them as a co-worker." in response.text


def test_it_keeps_the_research_checklist(alice_client, contact):
    page = alice_client.get(contact.get_absolute_url()).text
    assert "Research checklist" in page and 'name="organization" value="news"' in page
    url = reverse("contacts:contact_research", args=[contact.pk])
    response = alice_client.post(url, {"person": ["work", "profile"], "organization": ["news"]})
    assert response.status_code == 302 and response.url.endswith("#research")
    contact.refresh_from_db()
    assert contact.research_done == ["profile", "work"]
    assert contact.organization.research_done == ["news"]
    assert contact.researched
    assert 'value="news" checked' in alice_client.get(contact.get_absolute_url()).text


def test_it_refuses_an_item_not_on_the_checklist(alice_client, contact):
    url = reverse("contacts:contact_research", args=[contact.pk])
    response = alice_client.post(url, {"person": ["gossip"]}, follow=True)
    assert "“gossip” is not on the research checklist for Ada Lovelace." in response.text
    contact.refresh_from_db()
    assert contact.research_done == []


def test_the_research_checklist_refuses_get_and_strangers(client, bob, alice_client, contact):
    url = reverse("contacts:contact_research", args=[contact.pk])
    assert alice_client.get(url).status_code == 405
    client.force_login(bob)
    assert client.post(url, {"person": ["profile"]}).status_code == 404
    contact.refresh_from_db()
    assert contact.research_done == []


def test_every_help_text_has_the_id_its_field_points_at(alice_client, contact):
    for url in (
        reverse("contacts:contact_create"),
        reverse("contacts:contact_edit", args=[contact.pk]),
    ):
        html = alice_client.get(url).text
        described = re.findall(r'aria-describedby="([^"]+)"', html)
        assert described, url
        for ids in described:
            for id_ in ids.split():
                assert f'id="{id_}"' in html, (url, id_)
