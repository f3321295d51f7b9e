"""One conversation from a request that was accepted to the thank-you, through the web UI."""

import os
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Playwright's sync API runs an event loop in this thread; Django's ORM is used between steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

MY_ZONE = "America/Chicago"
PITCH = (
    "I taught geography for six years and now build small data tools for schools. "
    "I am exploring analytics roles in public transport."
)
RESEARCH = "Leads the ridership analytics team; spoke at TransitData 2024 about fare capping."
LINK = "https://meet.example/rosa-delgado"
QUESTIONS = [
    "What first drew you to this kind of work, and how did you take the first step?",
    "How does a typical week unfold for you, from Monday morning to Friday afternoon?",
    "Who else do you think I should talk to as I explore this field?",
]
WHO_ELSE_WARNING = "No “who else should I talk to?” question yet"
GAP = "Learn SQL window functions"


def _weekday_next_week(zone: str):
    """Tuesday of next week, on the user's calendar: always in the future, never a weekend."""
    from django.utils import timezone

    today = timezone.now().astimezone(ZoneInfo(zone)).date()
    return today + timedelta(days=7 - today.weekday() + 1)


def test_it_books_prepares_holds_and_thanks_a_conversation(live_server, page):
    from django.utils import timezone

    from coffeechat.accounts.services import (
        local_user_get_or_create,
        login_link_create,
        profile_update,
    )
    from coffeechat.contacts.models import Contact, Source
    from coffeechat.contacts.services import contact_create
    from coffeechat.conversations.models import Conversation, State, Takeaway, TakeawayKind
    from coffeechat.conversations.services import conversation_start, conversation_transition
    from coffeechat.outreach.models import Message, MessageKind, MessageStatus

    owner = local_user_get_or_create()
    profile_update(owner=owner, display_name="Jordan Lee", pitch=PITCH, time_zone=MY_ZONE)
    rosa = contact_create(
        owner=owner,
        name="Rosa Delgado",
        email="rosa@lakeside.example",
        organization_name="Lakeside Transit",
        title="Head of Analytics",
        research_notes=RESEARCH,
    )
    conversation = conversation_start(owner=owner, contact=rosa)
    conversation_transition(owner=owner, conversation=conversation, to=State.REQUESTED)
    day = _weekday_next_week(MY_ZONE)
    date_words = f"{day:%A} {day.day} {day:%B}"  # as the messages say it: Tuesday 17 June
    date_long = f"{date_words} {day.year}, 10:00"  # as the pages show it

    page.goto(f"{live_server.url}/accounts/login/{login_link_create(owner=owner)}/")
    page.get_by_role("heading", name="Today", exact=True).wait_for()
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/")
    expect(page.get_by_role("heading", name="Conversation with Rosa Delgado")).to_be_visible()
    expect(page.locator(".page-head .badge.stage-requested")).to_have_text("Requested")

    # They said yes: logged on their page, whose one primary action is now to book a time.
    head = page.locator(".page-head")
    expect(head.locator("[data-next-step]")).to_have_text("Log their reply")
    page.get_by_role("link", name="Rosa Delgado").click()
    page.get_by_role("button", name="Yes, happy to talk").click()
    expect(page.get_by_role("status")).to_contain_text("Logged Rosa's reply.")
    expect(head.locator("[data-next-step]")).to_have_text("Book a time")
    expect(page.get_by_role("link", name="Write a request")).to_have_count(0)

    # Book the time they agreed to; the confirmation to send opens next.
    head.get_by_role("link", name="Book a time").click()
    expect(page.get_by_role("heading", name="Book a time with Rosa Delgado")).to_be_visible()
    expect(page.get_by_label("Time zone")).to_have_value(MY_ZONE)
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Time", exact=True).fill("10:00")
    page.get_by_label("Length (minutes)").fill("20")
    page.get_by_label("Format").select_option("video")
    page.get_by_label("Place or link").fill(LINK)
    page.get_by_role("button", name="Book it").click()

    expect(page.get_by_role("heading", name="Confirmation to Rosa Delgado")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(f"Booked for {date_words}, 10:00 your time.")
    expect(page.get_by_label("Subject")).to_have_value(f"Confirmed: {date_words} at 10:00")
    body = page.get_by_label("Message", exact=True)
    expect(body).to_have_value(re.compile(rf"To confirm: {date_words} at 10:00 {MY_ZONE}"))
    expect(body).to_have_value(re.compile(re.escape(LINK)))
    page.get_by_role("button", name="I sent it — mark as sent").click()
    expect(page.get_by_role("status")).to_contain_text("Marked as sent to Rosa Delgado.")
    expect(page.get_by_role("heading", name="Rosa Delgado", exact=True)).to_be_visible()

    page.get_by_role("region", name="Reaching out").get_by_role("link", name="scheduled").click()
    expect(page.locator(".page-head .badge.stage-scheduled")).to_have_text("Scheduled")
    booking = page.get_by_role("region", name="When and where")
    expect(booking).to_contain_text(f"{date_long} ({MY_ZONE})")
    expect(booking).to_contain_text("20 minutes")
    expect(booking).to_contain_text("Video call")
    expect(booking.get_by_role("link", name=LINK)).to_be_visible()
    conversation.refresh_from_db()
    assert conversation.state == State.SCHEDULED
    assert conversation.scheduled_for.astimezone(ZoneInfo(MY_ZONE)).date() == day
    assert conversation.scheduled_for.astimezone(ZoneInfo(MY_ZONE)).strftime("%H:%M") == "10:00"
    confirmation = Message.objects.get(conversation=conversation, direction="out")
    assert confirmation.kind == MessageKind.CONFIRMATION
    assert confirmation.status == MessageStatus.SENT

    # Prepare: three questions from the bank, the last a "who else" one.
    page.get_by_role("link", name="Prepare", exact=True).click()
    expect(page.get_by_role("heading", name="Prepare for Rosa Delgado")).to_be_visible()
    status = page.locator("#prep-status")
    expect(status).to_contain_text("At least 3 questions to ask (0 chosen so far)")
    expect(status.get_by_text(WHO_ELSE_WARNING)).to_be_visible()
    chosen = page.locator("#chosen li")
    bank = page.locator("#bank")
    for count, question in enumerate(QUESTIONS, start=1):
        bank.locator("li", has_text=question).get_by_role("button", name="Add").click()
        expect(chosen).to_have_count(count)
        expect(bank.locator("li", has_text=question)).to_have_count(0)
        if count < len(QUESTIONS):
            expect(status.get_by_text(WHO_ELSE_WARNING)).to_be_visible()
    expect(chosen).to_contain_text(QUESTIONS)
    expect(status.get_by_text(WHO_ELSE_WARNING)).to_have_count(0)
    expect(status.get_by_role("heading", name="Ready to talk")).to_be_visible()
    expect(status).to_contain_text("Research notes, 3 questions and your pitch are ready.")

    # The prep sheet: who they are, the pitch, and the questions in the order they are asked.
    page.get_by_role("link", name="Print the prep sheet").click()
    sheet = page.get_by_role("article", name="Rosa Delgado")
    expect(sheet).to_be_visible()
    expect(sheet).to_contain_text(date_long)
    expect(sheet.get_by_role("region", name="My pitch")).to_contain_text(PITCH)
    expect(sheet.get_by_role("region", name="About Rosa")).to_contain_text(RESEARCH)
    expect(sheet.locator("tbody tr")).to_contain_text(
        [
            "Introductions, then your pitch",
            f"1. {QUESTIONS[0]}",
            f"2. {QUESTIONS[1]}",
            "Who else should I talk to? Then thank them for their time",
            f"3. {QUESTIONS[2]}",
            "End on time",
        ]
    )
    expect(sheet.locator("tbody tr").first).to_contain_text("10:00")
    expect(sheet.locator("tbody tr").last).to_contain_text("10:20")
    page.get_by_role("link", name="Back to preparing").click()
    page.get_by_role("link", name="Back to the conversation").click()
    expect(page.get_by_role("heading", name="Conversation with Rosa Delgado")).to_be_visible()

    # The call took place: its start is moved into the past (time passing), then marked held.
    Conversation.objects.filter(pk=conversation.pk).update(
        requested_at=timezone.now() - timedelta(days=3),
        scheduled_for=timezone.now() - timedelta(minutes=30),
    )
    page.reload()
    expect(head.locator("[data-next-step]")).to_have_text("Mark held")
    head.get_by_role("button", name="Mark held", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Marked as held.")
    expect(page.locator(".page-head .badge.stage-held")).to_have_text("Held")

    # Notes, then two takeaways: a referral and a skill gap.
    page.get_by_role("link", name="Write notes").click()
    expect(
        page.get_by_role("heading", name="Notes: conversation with Rosa Delgado")
    ).to_be_visible()
    page.get_by_label("Notes", exact=True).fill(
        "**Ridership team** moved its reports to dbt last year.\n\n- Hiring is slow\n"
    )
    page.get_by_label("What I will do next").fill("Take an SQL course, then write to Sam.")
    page.get_by_role("button", name="Save notes").click()
    expect(page.get_by_role("status")).to_contain_text("Notes saved.")
    saved = page.get_by_role("region", name="Saved notes")
    expect(saved.locator("strong")).to_have_text("Ridership team")
    expect(saved.get_by_role("listitem")).to_have_text("Hiring is slow")

    page.get_by_label("Kind", exact=True).select_option("referral")
    page.get_by_label("Their name", exact=True).fill("Sam Okafor")
    page.get_by_label("Their e-mail", exact=True).fill("sam.okafor@harbour.example")
    page.get_by_label("Rosa said I may mention their name when I write").check()
    page.get_by_role("button", name="Add takeaway").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Added Sam Okafor to your people, referred by Rosa Delgado."
    )
    takeaways = page.locator("#takeaways")
    expect(takeaways.get_by_role("link", name="Sam Okafor")).to_be_visible()
    expect(takeaways).to_contain_text("may mention Rosa")

    page.get_by_label("Kind", exact=True).select_option("gap")
    page.get_by_label("Takeaway", exact=True).fill(GAP)
    page.get_by_role("button", name="Add takeaway").click()
    expect(page.get_by_role("status")).to_contain_text("Added the skill gap.")
    expect(takeaways.get_by_role("heading", name="Skill gaps")).to_be_visible()
    expect(takeaways).to_contain_text(GAP)

    # A takeaway noted by mistake is deleted, after a second step that asks first.
    page.get_by_label("Kind", exact=True).select_option("insight")
    page.get_by_label("Takeaway", exact=True).fill("Noted on the wrong page.")
    page.get_by_role("button", name="Add takeaway").click()
    mistake = takeaways.get_by_role("listitem").filter(has_text="Noted on the wrong page.")
    expect(mistake.get_by_role("button", name="Yes, delete it")).to_be_hidden()
    mistake.locator("summary").click()
    mistake.get_by_role("button", name="Yes, delete it").click()
    expect(page.get_by_role("status")).to_contain_text("Takeaway deleted.")
    expect(takeaways).not_to_contain_text("Noted on the wrong page.")
    expect(takeaways).to_contain_text(GAP)

    # The thank-you names the skill gap.
    page.get_by_role("link", name="Back to the conversation").click()
    thanks = page.get_by_role("region", name="Write the thank-you")
    thanks.get_by_label(GAP).check()
    thanks.get_by_role("button", name="Write the thank-you").click()
    expect(page.get_by_role("heading", name="Thank-you to Rosa Delgado")).to_be_visible()
    expect(page.get_by_label("Message", exact=True)).to_have_value(
        re.compile(f"One thing I took from our conversation in particular: {GAP}")
    )
    page.get_by_role("button", name="I sent it — mark as sent").click()
    expect(page.get_by_role("status")).to_contain_text("Marked as sent to Rosa Delgado.")
    expect(page.locator(".page-head .badge.stage-thanked")).to_have_text("Thanked")
    expect(page.get_by_role("region", name="People Rosa referred you to")).to_contain_text(
        "Sam Okafor"
    )
    # Thanked: the next step is the people they suggested, not another request.
    expect(head.locator("[data-next-step]")).to_have_text("Reach out to the people they suggested")
    expect(page.get_by_role("link", name="Write a request")).to_have_count(0)

    conversation.refresh_from_db()
    assert conversation.state == State.THANKED
    assert conversation.thanked_at is not None and conversation.held_at is not None
    assert "Ridership team" in conversation.notes
    thank_you = Message.objects.get(conversation=conversation, kind=MessageKind.THANK_YOU)
    assert thank_you.status == MessageStatus.SENT and GAP in thank_you.body
    assert thank_you.sent_at == conversation.thanked_at
    sam = Contact.objects.get(owner=owner, name="Sam Okafor")
    assert sam.referred_by == rosa and sam.may_use_referrer_name
    assert sam.email == "sam.okafor@harbour.example" and sam.source == Source.REFERRAL
    assert list(Takeaway.objects.filter(conversation=conversation).values_list("kind", "text")) == [
        (TakeawayKind.REFERRAL, "Talk to Sam Okafor"),
        (TakeawayKind.GAP, GAP),
    ]

    history = page.get_by_role("region", name="History")
    history.get_by_role("link", name="Conversation", exact=True).click()
    expect(page.get_by_role("heading", name="Conversation with Rosa Delgado")).to_be_visible()
    expect(page.locator(".page-head .badge.stage-thanked")).to_have_text("Thanked")
    expect(page.get_by_role("region", name="Write the thank-you")).to_have_count(0)

    # Sam is a prospect now, referred by Rosa.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.get_by_label("Stage").select_option(label="Prospect")
    page.wait_for_url("**stage=prospect**")
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Rosa Delgado")).to_have_count(0)
    expect(results).to_contain_text("1 person matches.")
    results.get_by_role("link", name="Sam Okafor").click()
    expect(page.get_by_role("heading", name="Sam Okafor", exact=True)).to_be_visible()
    expect(page.locator(".page-head .badge.stage-prospect")).to_have_text("Prospect")
    reach = page.get_by_role("region", name="Reaching Sam")
    expect(reach).to_contain_text("Referred by")
    expect(reach.get_by_role("link", name="Rosa Delgado", exact=True)).to_be_visible()
    expect(reach).to_contain_text("you may mention their name")

    # The skill gap is on the development plan.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Plan").click()
    expect(page.get_by_role("heading", name="Development plan")).to_be_visible()
    to_do = page.get_by_role("region", name="To do")
    expect(to_do.get_by_role("listitem")).to_have_count(1)
    expect(to_do).to_contain_text(GAP)
    expect(to_do.get_by_role("link", name="your conversation with Rosa Delgado")).to_be_visible()
