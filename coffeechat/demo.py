"""A realistic sample network for `coffeechat demo` and `coffeechat serve --demo`.

Everyone here is invented. Every date is relative to `now`, so whenever the demo is loaded
something is waiting, due tomorrow, overdue or going cold, and each stage of the workflow
has at least one person in it.
"""

import unicodedata
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coffeechat.accounts.services import profile_update
from coffeechat.contacts.models import Contact, Priority
from coffeechat.contacts.selectors import has_contacts
from coffeechat.contacts.services import contact_create, organization_create
from coffeechat.conversations.models import Conversation, Format, State, Takeaway, TakeawayStatus
from coffeechat.lib.business_days import add_business_days, is_business_day
from coffeechat.lib.owned import Owner, owned_models
from coffeechat.lib.statistics import statistics_refresh
from coffeechat.outreach.models import Channel, Direction, Message, MessageKind, MessageStatus

PROFILE = {
    "display_name": "Jordan Ellery",
    "signature": "Jordan Ellery\nExploring user research and service design",
    "pitch": (
        "I'm Jordan Ellery. For six years I taught geography at a secondary school in Leeds, "
        "where I rebuilt our fieldwork around local flood and air-quality data and watched "
        "how differently students read the same map. That made me curious about how people "
        "understand information that affects their lives. I'm now exploring user research "
        "and service design, ideally in climate or public-sector teams."
    ),
    "pitch_sentence": "I am a geography teacher moving into user research.",
    "goal_fields": "Climate adaptation, public services, energy",
    "goal_roles": "User researcher, service designer, research operations",
    "goal_organizations": "Tidewater Analytics, Civic Forms Studio, Harbourside Council Digital",
    "current_employer": "",
    "time_zone": "Europe/London",
}

# The tables are read by `_rows`: one record a line, cells separated by "|", a header first.
ORGANIZATIONS = """
name                          | industry                        | domain               | research notes
Civic Forms Studio            | Public-sector service design    | civicforms.example   | About twenty people; councils and charities; publishes its research playbook.
Fernleaf Energy               | Renewable energy supply         | fernleaf.example     | Green supplier with a research team of four; known for plain-English bills.
Greenline Mobility            | Urban mobility                  | greenline.example    | E-bike sharing in three northern cities; research sits in the product team.
Harbourside Council Digital   | Local government                | harbourside.example  | The council's own digital team; redesigned waste and parking services.
Kestrel Health                | Digital health                  | kestrelhealth.example| Appointment and discharge tools for hospitals; research with patients and staff.
Maple & Finch                 | Product design consultancy      | maplefinch.example   | Small consultancy, many career changers; runs an open portfolio review.
Northbank University          | Higher education                | northbank.example    | My university; its digital services team researches with students and staff.
Openfield Research Collective | Research operations consultancy | openfield.example    | Helps teams recruit participants and set up research operations.
Tidewater Analytics           | Climate risk analytics          | tidewater.example    | Models flood and heat risk for insurers and councils; research team of five.
"""

# Added: days ago. Referrals name who referred them in DETAILS, so referrers come first.
PEOPLE = """
name             | organisation                  | title                      | source           | priority | added | tags
Ines Carvalho    | Tidewater Analytics           | Head of Research           | conference       | high     | 12    | climate, design
Tomasz Wróbel    | Civic Forms Studio            | Service Designer           | alumni           | normal   | 9     | alumni-network, design
Hannah Osei      | Maple & Finch                 | Product Designer           | linkedin         | low      | 6     | design
Victor Lindqvist | Kestrel Health                | Director of Product        | cold             | low      | 40    |
Chloé Martin     | Openfield Research Collective | Research Operations Lead   | association      | normal   | 20    |
Daniel Achebe    | Fernleaf Energy               | Senior User Researcher     | former_colleague | high     | 25    | climate
Aisha Rahman     | Harbourside Council Digital   | Design Lead                | linkedin         | normal   | 30    |
Oliver Brennan   | Greenline Mobility            | User Researcher            | alumni           | high     | 28    | alumni-network
Sofia Marchetti  | Civic Forms Studio            | Senior Service Designer    | community        | normal   | 30    | design, climate
Nadia Haddad     | Harbourside Council Digital   | Principal Service Designer | association      | high     | 35    | design
Marcus Webb      | Maple & Finch                 | Head of Design             | friend_family    | normal   | 125   |
Elena Petrova    | Tidewater Analytics           | Climate Data Scientist     | alumni           | normal   | 120   | climate, alumni-network
Grace Adeyemi    | Kestrel Health                | Research Manager           | conference       | high     | 24    |
Jonah Feld       | Openfield Research Collective | Senior Researcher          | referral         | high     | 100   |
Leila Nasser     | Fernleaf Energy               | Service Design Manager     | referral         | normal   | 5     | climate
Ben Castellanos  | Northbank University          | Lead User Researcher       | referral         | normal   | 3     | alumni-network
Lucas Moreau     | Greenline Mobility            | Head of Product            | conference       | normal   | 45    |
Fiona Gallagher  | Fernleaf Energy               | Sustainability Manager     | cold             | low      | 50    |
Lee Okonkwo      | Greenline Mobility            | Service Designer           | event            | normal   | 1     | climate
"""

# People met at an event: where, and how many days ago.
MET = {"Lee Okonkwo": ("the Climate Careers meetup in Leeds", 1)}

DETAILS: dict[str, dict[str, Any]] = {
    "Ines Carvalho": {
        "connection_note": "Heard her talk at the Service Design Gathering; we spoke in the Q&A.",
        "their_work": "Talk “Maps people can act on”: testing flood maps with residents.",
        "location": "Lisbon, Portugal",
        "time_zone": "Europe/Lisbon",
    },
    "Tomasz Wróbel": {"connection_note": "Northbank MA Human Geography, two years ahead of me."},
    "Hannah Osei": {"their_work": "Case study: simplifying a housing charity's repair form."},
    "Victor Lindqvist": {
        "do_not_contact": True,
        "research_notes": "His profile asks for no cold requests: only through an introduction.",
    },
    "Chloé Martin": {"connection_note": "Both in the UX Research Guild; she runs its clinic."},
    "Daniel Achebe": {"connection_note": "We taught together at Eastgate Academy until 2021."},
    "Aisha Rahman": {"their_work": "Wrote about the research behind the bin-collection service."},
    "Sofia Marchetti": {"connection_note": "Met at the Climate Designers meetup in Leeds."},
    "Marcus Webb": {
        "connection_note": "My cousin Ruth's partner; she introduced us.",
        "is_mentor": True,
    },
    "Elena Petrova": {"location": "Berlin, Germany", "time_zone": "Europe/Berlin"},
    "Grace Adeyemi": {"their_work": "Talk at UX Leeds on research with patients on wards."},
    "Jonah Feld": {
        "referred_by": "Marcus Webb",
        "may_use_referrer_name": True,
        "connection_note": "Marcus Webb suggested him and said I may use his name.",
    },
    "Leila Nasser": {
        "referred_by": "Grace Adeyemi",
        "connection_note": "Suggested by Grace Adeyemi, who prefers not to be named.",
        "their_work": "Case study: rewriting payment-difficulty letters with customers.",
    },
    "Ben Castellanos": {"referred_by": "Nadia Haddad", "may_use_referrer_name": True},
    "Lee Okonkwo": {"connection_note": "Sat at the same table; Lee redesigns station signage."},
}

# What the user wrote to each person for their messages: how we are connected, as they would
# say it, and why them. Kept apart from the private notes above, which never reach a message:
# Leila's has Grace's name in it, and Grace asked not to be named.
WRITTEN_FOR_MESSAGES = {
    "Ines Carvalho": (
        "We spoke briefly in the Q&A after your talk at the Service Design Gathering.",
        "Your work testing flood maps with residents is what I most want to learn about.",
    ),
    "Tomasz Wróbel": (
        "We both studied human geography at Northbank, two years apart.",
        "You moved from geography into service design, the step I am hoping to take.",
    ),
    "Hannah Osei": (
        "",
        "Your case study on simplifying a housing charity's repair form showed me what "
        "good research can change.",
    ),
    "Chloé Martin": (
        "We are both members of the UX Research Guild.",
        "Your ResearchOps clinics changed how I think about participants' time.",
    ),
    "Daniel Achebe": (
        "We taught together at Eastgate Academy.",
        "You made the move from teaching into research, and you are the person I most want "
        "to ask about it.",
    ),
    "Aisha Rahman": (
        "",
        "Your post on the research behind the bin-collection service is the clearest case "
        "for user research I have read.",
    ),
    "Oliver Brennan": (
        "We both studied geography at Northbank.",
        "Your research on how people choose between cycling and the bus is close to what I taught.",
    ),
    "Sofia Marchetti": (
        "We met at the Climate Designers meetup in Leeds.",
        "You kindly offered to say more about moving from architecture into service design.",
    ),
    "Nadia Haddad": (
        "",
        "Your Guild newsletter article on designing council services with residents is why "
        "I started reading about service design.",
    ),
    "Marcus Webb": (
        "Ruth suggested I write to you.",
        "You have mentored many designers who came from another career, as I hope to.",
    ),
    "Elena Petrova": (
        "We overlapped at Northbank.",
        "Your post on explaining flood-risk uncertainty to insurers is close to what I "
        "taught my students.",
    ),
    "Grace Adeyemi": (
        "",
        "Your UX Leeds talk on research with patients on wards stayed with me, especially "
        "keeping sessions short.",
    ),
    "Jonah Feld": (
        "",
        "Your research for climate charities is the kind of work I hope to move into.",
    ),
    "Leila Nasser": (
        "",
        "Your case study on rewriting payment-difficulty letters with customers is the kind "
        "of research I hope to do.",
    ),
    "Ben Castellanos": (
        "",
        "You lead user research at Northbank, where I studied, and I would value your view "
        "of the field.",
    ),
    "Lucas Moreau": (
        "",
        "Your point on the Urban Mobility Forum panel about designing for the second ride "
        "made me want to learn more.",
    ),
    "Fiona Gallagher": (
        "",
        "I read the community-energy report you led and wondered how research with "
        "residents shaped it.",
    ),
    "Lee Okonkwo": (
        "",
        "Your story about testing station signs with people in a hurry has stayed with me.",
    ),
}

# Opens each request already sent: why this person and no other.
WHY = {
    "Chloé Martin": "I have been coming to the ResearchOps clinics you run for the UX Research "
    "Guild, and your session on consent forms changed how I think about participants' time.",
    "Daniel Achebe": "I have followed your move from the Eastgate staff room into research at "
    "Fernleaf, and you are the person I most want to ask about making that change.",
    "Aisha Rahman": "your post on the research behind the council's bin-collection service "
    "is the clearest case for user research I have read.",
    "Oliver Brennan": "I found you through the Northbank alumni network: we both studied "
    "geography there, and you now research how people choose between cycling and the bus.",
    "Sofia Marchetti": "It was good to meet you at the Climate Designers meetup. You kindly "
    "said you would talk more about moving from architecture into service design.",
    "Nadia Haddad": "Your article in the Guild newsletter on designing council services with "
    "residents is the reason I started reading about service design at all.",
    "Marcus Webb": "Ruth suggested I write to you: she says you have mentored many designers "
    "who came to design from another career, as I hope to.",
    "Elena Petrova": "We overlapped at Northbank, and your blog post on explaining flood-risk "
    "uncertainty to insurers is close to what I tried to teach my students.",
    "Grace Adeyemi": "Your talk at UX Leeds on research with patients on hospital wards stayed "
    "with me, especially how you kept sessions short for people who were tired.",
    "Jonah Feld": "Marcus Webb suggested I contact you. He told me about your research for "
    "climate charities, which is exactly the kind of work I hope to move into.",
    "Lucas Moreau": "I heard you on the shared-bikes panel at the Urban Mobility Forum, and your "
    "point about designing for the second ride, not the first, made me want to learn more.",
    "Fiona Gallagher": "I read the community-energy report you led and wondered how research "
    "with residents shaped its recommendations.",
}

REQUEST = """Dear {first},

{why}

I taught geography for six years and am now exploring user research and service design. \
Would you have 20 minutes for a phone or video call in the coming weeks, whenever suits you? \
I would love to hear how you came to your work. This is purely informational: I am hoping \
to learn from your experience.

Thank you for considering it.

Best wishes,
Jordan"""

LINKEDIN_NOTE = (
    "Hi {first}, {why} I'm a geography teacher exploring service design. Would you have "
    "15 minutes for a short call? Purely to learn from your experience. Thank you! Jordan"
)

CONFIRMATION = """Dear {first},

Thank you for making time for me. To confirm: {day} at {time} (UK time), {length} minutes, \
{how} ({place}). If anything changes on your side, I am happy to move it.

Best wishes,
Jordan"""

THANK_YOU = """Dear {first},

{specific}

With thanks,
Jordan"""

NUDGE = """Dear {first},

I am following up on my note from last week about a short conversation on your \
community-energy work. I know how full inboxes get; if now is not a good time, no reply is \
needed, and I wish you well with the project.

Best wishes,
Jordan"""

# {day} and {time} are the agreed slot.
REPLIES = {
    "Oliver Brennan": "Hi Jordan, happy to help a fellow Northbank geographer. {day} at {time} "
    "works for me, 30 minutes on video. Oliver",
    "Sofia Marchetti": "Lovely to hear from you! Shall we get a coffee on {day} at {time}? Sofia",
    "Nadia Haddad": "Thank you for the kind words. I can do a call on {day} at {time}. Nadia",
    "Marcus Webb": "Of course, any cousin of Ruth's. A video call on {day} at {time}? Marcus",
    "Elena Petrova": "Great to hear from a fellow Northbank alum. {day} at {time}? Elena",
    "Grace Adeyemi": "Thanks for writing. I can do 30 minutes on {day} at {time}. Grace",
    "Lucas Moreau": "Thank you for the kind note about the panel. We are in the middle of a "
    "launch, so I am not taking calls before the summer, and I would rather say so than keep "
    "you waiting. Good luck with the move. Lucas",
}

THANKS = {
    "Marcus Webb": "Thank you for your time on the call. Your advice to show two research case "
    "studies from my teaching rather than take another course has changed my plan for the "
    "spring. I will write to Jonah Feld as you suggested.",
    "Elena Petrova": "Thank you for the call. Your point that clients trust an honest range "
    "more than a precise number is one I keep coming back to, and I have started on your "
    "team's guide to explaining uncertainty.",
    "Grace Adeyemi": "Thank you for our conversation. Knowing that a grasp of survey "
    "statistics would make the biggest difference gave me a clear next step: I have enrolled "
    "in an evening course.",
}

NOTES = {
    "Nadia Haddad": (
        "- Came to design from housing policy; research is about 40% of her week.\n"
        "- The team hires for explaining findings to councillors, not for tools.\n"
        "- Hard part: keeping residents involved after launch.",
        "Public-sector design suits me: the explaining part is what I did as a teacher.",
        "Write up one fieldwork project as a case study; contact Ben Castellanos.",
    ),
    "Marcus Webb": (
        "- Hires career changers often; looks for a portfolio, not a certificate.\n"
        "- Research and design are separate paths at Maple & Finch.",
        "Confirms research over visual design for me.",
        "Two case studies from teaching; talk to Jonah Feld.",
    ),
    "Elena Petrova": (
        "- Clients want a single number; her team shows ranges and explains them.\n"
        "- Researchers and data scientists sit together at Tidewater.",
        "Climate risk communication is where my teaching and research interests meet.",
        "Read the team's guide; watch the Tidewater research team's open talks.",
    ),
    "Grace Adeyemi": (
        "- Short sessions at flexible times: research around people's energy.\n"
        "- Her hires read survey results critically; statistics is the gap she sees most.",
        "Health is further from climate than I planned, but the methods carry over.",
        "Evening statistics course; contact Leila Nasser; send my CV in the autumn.",
    ),
}

TAKEAWAYS = """
conversation with | kind        | status | referral        | text
Nadia Haddad      | insight     | open   |                 | Council teams value people who explain research in plain English; my teaching counts there.
Nadia Haddad      | advice      | open   |                 | Write one fieldwork project up as a research case study: question, method, what changed.
Nadia Haddad      | gap         | open   |                 | Plan and run a remote usability test; practise on a local charity's website.
Nadia Haddad      | referral    | open   | Ben Castellanos | Ben Castellanos leads user research at Northbank University; I may mention Nadia.
Marcus Webb       | advice      | done   |                 | Skip another degree for now: two case studies matter more than a certificate.
Marcus Webb       | referral    | open   | Jonah Feld      | Jonah Feld at Openfield researches for climate charities; I may mention Marcus.
Elena Petrova     | insight     | open   |                 | Clients trust an honest range more than a single precise number.
Elena Petrova     | resource    | done   |                 | Tidewater's public guide to explaining flood-risk ranges.
Grace Adeyemi     | gap         | open   |                 | Basic survey statistics: sample sizes and reading a confidence interval.
Grace Adeyemi     | resource    | open   |                 | The UX Research Guild's channel on research in health care.
Grace Adeyemi     | referral    | open   | Leila Nasser    | Leila Nasser rewrote Fernleaf's payment-difficulty letters with customers; do not mention Grace.
Grace Adeyemi     | opportunity | open   |                 | She offered to pass my CV to her team lead if a junior research role opens in the autumn.
"""


def demo_needed(*, owner: Owner) -> bool:
    return not has_contacts(owner=owner)


def demo_load(*, owner: Owner, now: datetime | None = None) -> dict[str, int]:
    """Loads the sample network for an owner with no contacts yet; returns what it made."""
    with transaction.atomic():
        if not demo_needed(owner=owner):
            count = Contact.objects.owned_by(owner).count()
            raise ValidationError(
                f"The demo network only loads into an empty network; you already have "
                f"{count} contact{'' if count == 1 else 's'}."
            )
        profile = profile_update(owner=owner, **PROFILE)
        made = _Loader(owner, now or timezone.now(), ZoneInfo(profile.time_zone)).load()
        statistics_refresh(owned_models())
        return made


def _rows(table: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.split("|")] for line in table.strip().splitlines()[1:]]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


class _Loader:
    def __init__(self, owner: Owner, now: datetime, tz: ZoneInfo):
        self.owner, self.now, self.tz = owner, now, tz
        self.people: dict[str, Contact] = {}
        self.counts = dict.fromkeys(
            ("contacts", "organizations", "conversations", "messages", "takeaways"), 0
        )

    def load(self) -> dict[str, int]:
        domains = {}
        for name, industry, domain, notes in _rows(ORGANIZATIONS):
            domains[name] = domain
            organization_create(
                owner=self.owner,
                name=name,
                industry=industry,
                website=f"https://{domain}",
                research_notes=notes,
            )
            self.counts["organizations"] += 1
        for name, org, title, source, priority, added, tags in _rows(PEOPLE):
            first, last = _ascii(name).split(" ", 1)
            fields = dict(DETAILS.get(name, {}))
            our_connection, why_them = WRITTEN_FOR_MESSAGES.get(name, ("", ""))
            fields.update(our_connection=our_connection, why_them=why_them)
            if "referred_by" in fields:
                fields["referred_by"] = self.people[fields["referred_by"]]
            if name in MET:
                where, days = MET[name]
                met_on = self.now.astimezone(self.tz).date() - timedelta(days=days)
                fields.update(met_at=where, met_on=met_on)
            contact = contact_create(
                owner=self.owner,
                name=name,
                organization_name=org,
                title=title,
                email=f"{first}.{last}@{domains[org]}",
                source=source,
                priority=Priority[priority.upper()],
                tags=[tag.strip() for tag in tags.split(",") if tag.strip()],
                **fields,
            )
            self._backdate(contact, self.now - timedelta(days=int(added)))
            self.people[name] = contact
            self.counts["contacts"] += 1
        self._conversations()
        return self.counts

    def _conversations(self) -> None:
        for name, days in (("Chloé Martin", 2), ("Daniel Achebe", 4)):
            self._request(name, self._business_days_ago(days))
        evening = self._business_days_ago(9, time(19, 5))
        self._request("Aisha Rahman", evening, channel=Channel.LINKEDIN)
        link = "https://meet.example/greenline-oliver-brennan"
        self._accepted("Oliver Brennan", self._day(1, 10), 30, Format.VIDEO, link)
        cafe = "the Northbank University library café"
        self._accepted("Sofia Marchetti", self._day(-1, 15), 30, Format.COFFEE, cafe, held=True)
        phone = "my mobile, 07700 900123"
        nadia = self._weekday(-3, 12, 30)
        self._accepted("Nadia Haddad", nadia, 20, Format.PHONE, phone, held=True)
        # Thanked the next morning; about a hundred days ago means keeping in touch is due.
        for name, days in (("Marcus Webb", -101), ("Elena Petrova", -99), ("Grace Adeyemi", -6)):
            link = "https://meet.example/" + _ascii(name).replace(" ", "-")
            start = self._weekday(days, 16)
            thanked = start + timedelta(hours=17, minutes=15)
            self._accepted(name, start, 30, Format.VIDEO, link, held=True, thanked=thanked)

        requested = self._weekday(-30, 8, 45)
        replied = add_business_days(requested, 2, self.tz).replace(hour=17, minute=10)
        declined = self._request(
            "Lucas Moreau", requested, state=State.DECLINED, replied_at=replied, closed_at=replied
        )
        self._message(declined, MessageKind.REPLY, replied, REPLIES["Lucas Moreau"], "declined")

        requested = self._weekday(-35, 10, 15)
        nudged = add_business_days(requested, 7, self.tz)
        closed = add_business_days(nudged, 7, self.tz)
        silent = self._request("Fiona Gallagher", requested, state=State.NO_REPLY, closed_at=closed)
        nudge = NUDGE.format(first="Fiona")
        self._message(silent, MessageKind.NUDGE, nudged, nudge, subject="Following up")

        # A referral's request, written but not sent yet.
        self._request("Jonah Feld", None, state=State.PLANNED)

    # Wall-clock times in the profile's time zone, relative to now.

    def _day(self, days: int, hour: int, minute: int = 0) -> datetime:
        day = self.now.astimezone(self.tz).date() + timedelta(days=days)
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz)

    def _weekday(self, days: int, hour: int, minute: int = 0) -> datetime:
        """Like `_day`, moved back to the Friday when it falls on a weekend."""
        moment = self._day(days, hour, minute)
        return moment if is_business_day(moment.date()) else add_business_days(moment, -1, self.tz)

    def _business_days_ago(self, days: int, at: time = time(9, 40)) -> datetime:
        """Exactly `days` whole business days before now (at `at`, or earlier today)."""
        local = self.now.astimezone(self.tz)
        day, wall = local.date(), min(local.time(), at)
        while not is_business_day(day):
            day, wall = day - timedelta(days=1), at
        return add_business_days(datetime.combine(day, wall, tzinfo=self.tz), -days, self.tz)

    # Rows: each is dated when it happened, not when the demo was loaded.

    def _backdate(self, row, when: datetime) -> None:
        type(row).objects.filter(pk=row.pk).update(created_at=when, updated_at=when)

    def _request(
        self,
        name: str,
        at: datetime | None,
        *,
        channel=Channel.EMAIL,
        state=State.REQUESTED,
        **fields,
    ) -> Conversation:
        contact = self.people[name]
        conversation = Conversation.objects.create(
            owner=self.owner, contact=contact, state=state, requested_at=at, **fields
        )
        self._backdate(conversation, at or self.now)
        self.counts["conversations"] += 1
        template = LINKEDIN_NOTE if channel == Channel.LINKEDIN else REQUEST
        body = template.format(first=name.split()[0], why=WHY[name])
        subject = f"20 minutes on your work at {contact.organization}?"
        if contact.referred_by and contact.may_use_referrer_name:
            subject = f"{contact.referred_by} suggested I contact you"
        if channel == Channel.LINKEDIN:
            subject = ""
        self._message(conversation, MessageKind.REQUEST, at, body, subject=subject, channel=channel)
        return conversation

    def _message(
        self, conversation, kind, at, body, outcome="", *, subject="", channel=Channel.EMAIL
    ) -> None:
        incoming = kind == MessageKind.REPLY
        sent = MessageStatus.RECEIVED if incoming else MessageStatus.SENT
        message = Message.objects.create(
            owner=self.owner,
            contact=conversation.contact,
            conversation=conversation,
            kind=kind,
            channel=channel,
            direction=Direction.IN if incoming else Direction.OUT,
            status=sent if at else MessageStatus.DRAFT,
            reply_outcome=outcome,
            subject=subject,
            body=body,
            sent_at=None if incoming else at,
            received_at=at if incoming else None,
        )
        self._backdate(message, at or self.now)
        self.counts["messages"] += 1

    def _accepted(self, name, start, length, how, place, *, held=False, thanked=None) -> None:
        """Request, a yes, a written confirmation; then the conversation and its follow-up."""
        first = name.split()[0]
        requested = add_business_days(start, -8, self.tz).replace(hour=9, minute=5)
        replied = add_business_days(requested, 1, self.tz).replace(hour=13, minute=20)
        notes, fit, next_step = NOTES.get(name, ("", "", ""))
        conversation = self._request(
            name,
            requested,
            state=State.THANKED if thanked else State.HELD if held else State.SCHEDULED,
            replied_at=replied,
            scheduled_for=start,
            time_zone=str(self.tz),
            length_minutes=length,
            format=how,
            place=place,
            held_at=start if held else None,
            thanked_at=thanked,
            closed_at=thanked,
            notes=notes,
            reflection_fit=fit,
            reflection_next=next_step,
            clarity=4 if notes else None,
        )
        slot = {"day": f"{start:%A} {start.day} {start:%B}", "time": f"{start:%H:%M}"}
        reply = REPLIES[name].format(**slot)
        self._message(conversation, MessageKind.REPLY, replied, reply, "accepted")
        how = conversation.get_format_display().lower()
        confirmation = CONFIRMATION.format(first=first, length=length, how=how, place=place, **slot)
        subject = "Confirmed: {day} at {time}".format(**slot)
        self._message(
            conversation,
            MessageKind.CONFIRMATION,
            replied + timedelta(minutes=40),
            confirmation,
            subject=subject,
        )
        if thanked:
            body = THANK_YOU.format(first=first, specific=THANKS[name])
            self._message(conversation, MessageKind.THANK_YOU, thanked, body, subject="Thank you")
        for with_name, kind, status, referral, text in _rows(TAKEAWAYS):
            if with_name != name:
                continue
            referred = self.people.get(referral)
            takeaway = Takeaway.objects.create(
                owner=self.owner,
                conversation=conversation,
                kind=kind,
                text=text,
                status=status,
                done_at=thanked if status == TakeawayStatus.DONE else None,
                referral_contact=referred,
                may_use_name=bool(referred and referred.may_use_referrer_name),
            )
            self._backdate(takeaway, start + timedelta(minutes=length + 30))
            self.counts["takeaways"] += 1
