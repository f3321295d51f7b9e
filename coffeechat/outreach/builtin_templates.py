"""The built-in message templates, each written for e-mail and for LinkedIn.

A built-in belongs to a family (what the message is for) and a channel; its key is
`<family>_<channel>`. Filled in for a real person, each stays inside the etiquette linter's
limits: a request under 75 words, a nudge under 50, a LinkedIn note under 300 characters.
The fields in `{{ }}` are described in `template_fields`; the slots among them (a takeaway,
an article, who moved the time) are written by the user for the one message.
"""

from typing import NamedTuple

from coffeechat.outreach.models import Channel, MessageKind


class BuiltinText(NamedTuple):
    name: str
    kind: str
    subject: str
    body: str


# family: what the message is for. Each has an e-mail and a LinkedIn text.
FAMILIES: dict[str, str] = {
    "request": "Request",
    "request_referral": "Request through a referral",
    "nudge": "A polite follow-up",
    "confirmation": "Confirming the time",
    "reminder": "Reminder the day before",
    "reschedule": "A new time",
    "thank_you": "Thank-you",
    "keep_in_touch_article": "Keep in touch: an article",
    "keep_in_touch_update": "Keep in touch: an update",
    "keep_in_touch_congratulations": "Keep in touch: congratulations",
    "keep_in_touch_offer": "Keep in touch: an offer of help",
    "introduction": "Asking a mutual contact for an introduction",
    "after_event": "A note after meeting at an event",
}

# Who the sender is, in the requests: their pitch in one sentence when they wrote one.
_INTRO = (
    "{% if my_pitch_sentence %}{{ my_pitch_sentence }}{% else %}I am {{ my_name }}, exploring "
    "{{ area }}.{% endif %}"
)

# The keep-in-touch notes in the order to offer them to a mentor: what gives something back
# before news of your own.
MENTOR_KEEP_IN_TOUCH_ORDER = (
    "keep_in_touch_article",
    "keep_in_touch_congratulations",
    "keep_in_touch_offer",
    "keep_in_touch_update",
)

_MEETING = (
    "{{ date }} at {{ time }} {{ time_zone }}, {{ minutes }} minutes, {{ format }}"
    "{% if place %}, {{ place }}{% endif %}"
)

_EMAIL: dict[str, BuiltinText] = {
    "request": BuiltinText(
        "Request by e-mail",
        MessageKind.REQUEST,
        "{{ minutes }} minutes of your advice{% if organization %} on your work at "
        "{{ organization }}{% endif %}?",
        """
Dear {{ first_name }},

{% if our_connection %}{{ our_connection }} {% endif %}{{ why_them }}

"""
        + _INTRO
        + """ Could you spare {{ minutes }} minutes to share your advice? I am hoping to learn, \
not asking for a job.

Thank you for considering it.

{{ signature }}
""",
    ),
    "request_referral": BuiltinText(
        "Request through a referral",
        MessageKind.REQUEST,
        "{{ referrer }} suggested I contact you",
        """
Dear {{ first_name }},

{{ referrer }} suggested I contact you{% if organization %} about your work at \
{{ organization }}{% endif %}. {% if why_them %}{{ why_them }}{% endif %}

"""
        + _INTRO
        + """ Could you spare {{ minutes }} minutes to share your advice? I am hoping to learn, \
not asking for a job.

Thank you for considering it.

{{ signature }}
""",
    ),
    "nudge": BuiltinText(
        "A polite follow-up",
        MessageKind.NUDGE,
        "Following up: {{ minutes }} minutes of your advice?",
        """
Dear {{ first_name }},

I wrote recently to ask for {{ minutes }} minutes of your advice{% if organization %} \
about your work at {{ organization }}{% endif %}. Inboxes fill up, so I am trying once more; \
if now is busy, no reply is needed.

Thank you,
{{ signature }}
""",
    ),
    "confirmation": BuiltinText(
        "Confirming the time",
        MessageKind.CONFIRMATION,
        "Confirmed: {{ date }} at {{ time }}",
        """
Dear {{ first_name }},

Thank you for making time for me. To confirm: """
        + _MEETING
        + """.

If anything changes on your side, just tell me and I will find another time.

{{ signature }}
""",
    ),
    "reminder": BuiltinText(
        "Reminder the day before",
        MessageKind.CONFIRMATION,
        "Looking forward to {{ date }} at {{ time }}",
        """
Dear {{ first_name }},

A short note to say I am looking forward to our conversation: """
        + _MEETING
        + """.

I will be ready a few minutes early and will keep to the time we agreed. If the day has \
become difficult, just say and we will find another.

Thank you again,
{{ signature }}
""",
    ),
    "reschedule": BuiltinText(
        "A new time",
        MessageKind.RESCHEDULE,
        "New time for our conversation: {{ date }} at {{ time }}",
        """
Dear {{ first_name }},

{% if moved_by == "me" %}Thank you for letting me move our conversation; I am sorry to \
have changed the plan.{% else %}Thank you for letting me know; the new time suits me \
well.{% endif %} We are now on """
        + _MEETING
        + """.

I look forward to speaking with you.

{{ signature }}
""",
    ),
    "thank_you": BuiltinText(
        "Thank-you",
        MessageKind.THANK_YOU,
        "Thank you, {{ first_name }}",
        """
Dear {{ first_name }},

Thank you for your time{% if organization %} and for being so open about your work at \
{{ organization }}{% endif %}.

One thing I took from our conversation in particular: {{ takeaway }}.

I will let you know how I get on, and I would be glad to hear your news whenever you \
have some to share.

With thanks,
{{ signature }}
""",
    ),
    "keep_in_touch_article": BuiltinText(
        "Keep in touch: an article",
        MessageKind.KEEP_IN_TOUCH,
        "An article you might like: {{ article_title }}",
        """
Dear {{ first_name }},

I read “{{ article_title }}” this week and thought of our conversation{% if organization %} \
and your work at {{ organization }}{% endif %}: {{ article_link }}

I hope all is well with you.

{{ signature }}
""",
    ),
    "keep_in_touch_update": BuiltinText(
        "Keep in touch: an update",
        MessageKind.KEEP_IN_TOUCH,
        "An update since we spoke",
        """
Dear {{ first_name }},

Since we spoke I have acted on your advice: {{ update }}. Thank you for pointing me that way.

I hope all is well{% if organization %} at {{ organization }}{% endif %}.

{{ signature }}
""",
    ),
    "keep_in_touch_congratulations": BuiltinText(
        "Keep in touch: congratulations",
        MessageKind.KEEP_IN_TOUCH,
        "Congratulations, {{ first_name }}",
        """
Dear {{ first_name }},

Congratulations on {{ their_news }}! I was glad to see it, and it is well deserved.

I hope all is well, and thank you again for your advice when we spoke.

{{ signature }}
""",
    ),
    "keep_in_touch_offer": BuiltinText(
        "Keep in touch: an offer of help",
        MessageKind.KEEP_IN_TOUCH,
        "Something I could do for you",
        """
Dear {{ first_name }},

You have been generous with your advice, and I would like to give something back. I could \
{{ offer }}, if that would be useful{% if organization %} to you or to {{ organization }}\
{% endif %}.

If the timing is wrong, no reply is needed; the offer stands.

{{ signature }}
""",
    ),
    "introduction": BuiltinText(
        "Asking for an introduction",
        MessageKind.OTHER,
        "Could you introduce me to {{ introduce_to }}?",
        """
Dear {{ first_name }},

I hope you are well. Would you be willing to introduce me to {{ introduce_to }}? \
{{ introduce_why }}.

I would ask them for {{ minutes }} minutes of advice, nothing more, and mention you only as \
you wish. If it is not a good moment, I understand.

Thank you,
{{ signature }}
""",
    ),
    "after_event": BuiltinText(
        "A note after meeting at an event",
        MessageKind.REQUEST,
        "Good to meet you{% if met_at %} at {{ met_at }}{% endif %}",
        """
Dear {{ first_name }},

It was good to meet you{% if met_at %} at {{ met_at }}{% endif %}. \
{% if why_them %}{{ why_them }}{% endif %}

I am {{ my_name }}, exploring {{ area }}. Could you spare {{ minutes }} minutes to tell me \
more about your work? I am hoping to learn, not asking for a job.

Thank you,
{{ signature }}
""",
    ),
}

# LinkedIn notes have no subject and hold 300 characters, so each says less.
_LINKEDIN: dict[str, tuple[str, str]] = {
    "request": (
        "Request as a LinkedIn note",
        # With their one-sentence pitch, the user says who they are in their own words.
        "{% if my_pitch_sentence %}Hi {{ first_name }}! {{ my_pitch_sentence }}{% else %}"
        "Hi {{ first_name }}, I'm {{ my_name }}, exploring {{ area }}.{% endif %} "
        "{% if why_them %}{{ why_them }}{% else %}{{ our_connection }}{% endif %} "
        "Could I have {{ minutes }} minutes of your advice, just to learn? Thank you!",
    ),
    "request_referral": (
        "Request through a referral, as a LinkedIn note",
        "Hi {{ first_name }}, {{ referrer }} suggested I contact you. "
        "{% if my_pitch_sentence %}{{ my_pitch_sentence }}{% else %}I'm {{ my_name }}, "
        "exploring {{ area }}.{% endif %} Could I have {{ minutes }} minutes of your advice, "
        "just to learn? Thank you!",
    ),
    "nudge": (
        "A polite follow-up on LinkedIn",
        "Hi {{ first_name }}, I wrote recently to ask for {{ minutes }} minutes of your "
        "advice. Messages pile up, so I am trying once more; if now is busy, no reply is "
        "needed. Thank you! {{ my_name }}",
    ),
    "confirmation": (
        "Confirming the time on LinkedIn",
        "Hi {{ first_name }}, thank you for making time for me. To confirm: "
        + _MEETING
        + ". If anything changes, just tell me. {{ my_name }}",
    ),
    "reminder": (
        "Reminder the day before, on LinkedIn",
        "Hi {{ first_name }}, looking forward to our conversation: "
        + _MEETING
        + ". I will be ready a few minutes early and keep to time. Thank you! {{ my_name }}",
    ),
    "reschedule": (
        "A new time, on LinkedIn",
        '{% if moved_by == "me" %}Hi {{ first_name }}, thank you for letting me move our '
        "conversation.{% else %}Hi {{ first_name }}, thank you for letting me know; the new "
        "time suits me.{% endif %} We are now on " + _MEETING + ". {{ my_name }}",
    ),
    "thank_you": (
        "Thank-you on LinkedIn",
        "Hi {{ first_name }}, thank you for your time. What I took away in particular: "
        "{{ takeaway }}. I will let you know how I get on. {{ my_name }}",
    ),
    "keep_in_touch_article": (
        "Keep in touch on LinkedIn: an article",
        "Hi {{ first_name }}, “{{ article_title }}” made me think of our conversation: "
        "{{ article_link }} I hope all is well. {{ my_name }}",
    ),
    "keep_in_touch_update": (
        "Keep in touch on LinkedIn: an update",
        "Hi {{ first_name }}, since we spoke I have acted on your advice: {{ update }}. "
        "Thank you for pointing me that way. {{ my_name }}",
    ),
    "keep_in_touch_congratulations": (
        "Keep in touch on LinkedIn: congratulations",
        "Hi {{ first_name }}, congratulations on {{ their_news }}! Well deserved. {{ my_name }}",
    ),
    "keep_in_touch_offer": (
        "Keep in touch on LinkedIn: an offer of help",
        "Hi {{ first_name }}, you have been generous with your advice, so here is something "
        "back: I could {{ offer }}, if that would be useful. No reply needed if the timing is "
        "wrong. {{ my_name }}",
    ),
    "introduction": (
        "Asking for an introduction on LinkedIn",
        "Hi {{ first_name }}, would you be willing to introduce me to {{ introduce_to }}? "
        "{{ introduce_why }}. I would ask for {{ minutes }} minutes of advice, nothing more. "
        "Thank you! {{ my_name }}",
    ),
    "after_event": (
        "A note after meeting at an event, on LinkedIn",
        "Hi {{ first_name }}, good to meet you{% if met_at %} at {{ met_at }}{% endif %}. "
        "{% if why_them %}{{ why_them }} {% endif %}Could I have {{ minutes }} minutes of your "
        "advice some time, just to learn? Thank you! {{ my_name }}",
    ),
}


def _texts() -> dict[str, tuple[str, str, str, str, str, str]]:
    texts = {}
    for family, email in _EMAIL.items():
        texts[f"{family}_email"] = (
            email.name,
            family,
            str(email.kind),
            str(Channel.EMAIL),
            email.subject,
            email.body,
        )
        name, body = _LINKEDIN[family]
        texts[f"{family}_linkedin"] = (name, family, str(email.kind), Channel.LINKEDIN, "", body)
    return texts


# key: (name, family, kind, channel, subject, body)
BUILTIN_TEXTS: dict[str, tuple[str, str, str, str, str, str]] = _texts()
