import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from django.urls import reverse
from django.utils import timezone

from coffeechat.accounts.services import local_user_get_or_create
from coffeechat.cli import main
from coffeechat.contacts.models import Contact, Organization
from coffeechat.conversations.board import COLUMN_LIMIT, STAGES, conversation_board
from coffeechat.conversations.models import Conversation, State

pytestmark = pytest.mark.django_db
URL = reverse("conversations:board")


def _conversations(owner, state: str, n: int, name: str = "Person") -> list[Conversation]:
    organization, _ = Organization.objects.get_or_create(owner=owner, name="Brightwell Health")
    now = timezone.now()
    made = []
    for i in range(n):
        contact = Contact.objects.create(
            owner=owner, name=f"{name} {i} {state}", organization=organization
        )
        made.append(
            Conversation.objects.create(
                owner=owner,
                contact=contact,
                state=state,
                requested_at=now - timedelta(days=i + 1),
                scheduled_for=now + timedelta(days=i + 1),
                held_at=now - timedelta(days=i + 2),
                thanked_at=now - timedelta(days=i + 1),
                closed_at=now - timedelta(days=i + 1),
            )
        )
    return made


def test_the_stages_are_the_conversation_states_in_their_own_words():
    covered = [state for stage in STAGES for state in stage.states]
    assert sorted(covered) == sorted(State.values)  # each state in exactly one stage
    labels = {stage.key: stage.label for stage in STAGES}
    assert labels["requested"] == State.REQUESTED.label
    assert labels["scheduled"] == State.SCHEDULED.label
    assert [stage.key for stage in STAGES] == [
        "planned",
        "requested",
        "scheduled",
        "held",
        "thanked",
        "closed",
    ]


def test_it_counts_each_stage_and_shows_at_most_the_limit(alice):
    _conversations(alice, State.THANKED, COLUMN_LIMIT + 3)
    _conversations(alice, State.DECLINED, 1)
    _conversations(alice, State.NO_REPLY, 1)
    _conversations(alice, State.NO_SHOW, 1)
    columns = {c.stage.key: c for c in conversation_board(owner=alice)}
    assert columns["thanked"].count == COLUMN_LIMIT + 3
    assert len(columns["thanked"].conversations) == COLUMN_LIMIT
    assert columns["thanked"].more == 3
    assert columns["closed"].count == 2
    assert columns["scheduled"].count == 1  # a no-show is booked again
    assert columns["planned"].count == 0


def test_it_shows_the_board_with_faces_organisations_dates_and_links(alice_client, alice):
    (booked,) = _conversations(alice, State.SCHEDULED, 1, name="Ada")
    (asked,) = _conversations(alice, State.REQUESTED, 1, name="Grace")
    response = alice_client.get(URL)
    assert response.status_code == 200
    page = response.text
    assert '<h2 id="stage-scheduled">Scheduled <span class="count">1</span></h2>' in page
    assert 'class="avatar avatar-' in page and ">AS<" in page
    assert "Brightwell Health" in page
    assert "Booked for" in page
    assert "Asked 1\xa0day ago" in page
    assert reverse("conversations:conversation_detail", args=[booked.pk]) in page
    assert reverse("conversations:conversation_detail", args=[asked.pk]) in page
    assert "None" in page  # the stages with nobody in them say so


def test_a_large_network_shows_a_link_to_all_of_a_stage(alice_client, alice):
    _conversations(alice, State.HELD, COLUMN_LIMIT + 2)
    page = alice_client.get(URL).text
    assert f'href="?stage=held">Show all {COLUMN_LIMIT + 2}</a>' in page
    assert page.count('class="board-card"') == COLUMN_LIMIT

    whole = alice_client.get(URL, {"stage": "held"}).text
    assert whole.count('class="board-card"') == COLUMN_LIMIT + 2
    assert 'aria-current="page">Held' in whole


def test_a_stage_that_does_not_exist_shows_the_board(alice_client, alice):
    _conversations(alice, State.HELD, 1)
    response = alice_client.get(URL, {"stage": "nonsense", "page": "x"})
    assert response.status_code == 200
    assert 'class="board"' in response.text


def test_the_number_of_queries_does_not_grow_with_the_network(
    alice_client, alice, django_assert_num_queries
):
    for state in State.values:
        _conversations(alice, state, 2)
    alice_client.get(URL)  # sessions and profile warmed up the same way each time
    # The session, the user, the profile; one count; one query per stage.
    with django_assert_num_queries(3 + 1 + len(STAGES)):
        alice_client.get(URL)
    for state in State.values:
        _conversations(alice, state, COLUMN_LIMIT + 2, name="More")
    with django_assert_num_queries(3 + 1 + len(STAGES)):
        response = alice_client.get(URL)
    assert response.text.count('class="board-card"') == COLUMN_LIMIT * len(STAGES)


def test_a_new_user_is_told_what_to_do_first(alice_client):
    page = alice_client.get(URL).text
    assert "No conversations yet." in page
    assert reverse("contacts:contact_create") in page
    assert 'class="board"' not in page


def test_it_shows_only_the_owners_conversations(alice_client, bob):
    _conversations(bob, State.HELD, 1, name="Secret")
    page = alice_client.get(URL).text
    assert "Secret" not in page
    assert "No conversations yet." in page
    page = alice_client.get(URL, {"stage": "held"}).text
    assert "Secret" not in page


def test_it_refuses_a_post(alice_client):
    assert alice_client.post(URL).status_code == 405


def test_the_navigation_leads_to_it(alice_client):
    page = alice_client.get(URL).text
    assert f'<a href="{URL}" aria-current="page">' in page


# coffeechat conversations list --by-stage


def test_the_command_groups_by_the_same_stages_as_the_page():
    me = local_user_get_or_create()
    _conversations(me, State.HELD, COLUMN_LIMIT + 1, name="Ada")
    _conversations(me, State.CANCELLED, 1, name="Grace")
    result = CliRunner().invoke(main, ["conversations", "list", "--by-stage"])
    assert result.exit_code == 0, result.output
    headings = [line for line in result.output.splitlines() if line.endswith(")")]
    assert headings == [
        f"{stage.label} ({n})"
        for stage, n in zip(STAGES, [0, 0, 0, COLUMN_LIMIT + 1, 0, 1], strict=True)
    ]
    assert result.output.count("Ada ") == COLUMN_LIMIT + 1  # the command shows every one
    assert "Cancelled" in result.output

    result = CliRunner().invoke(main, ["conversations", "list", "--by-stage", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [row["stage"] for row in rows] == [stage.key for stage in STAGES]
    assert rows[3]["count"] == COLUMN_LIMIT + 1
    assert len(rows[3]["conversations"]) == COLUMN_LIMIT + 1
    assert rows[5]["conversations"][0]["state"] == "cancelled"


def test_the_command_says_what_to_do_when_there_is_nothing():
    local_user_get_or_create()
    result = CliRunner().invoke(main, ["conversations", "list", "--by-stage"])
    assert result.exit_code == 0, result.output
    assert "No conversations yet." in result.output
