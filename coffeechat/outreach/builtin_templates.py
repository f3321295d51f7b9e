"""The built-in message templates: the name, kind, channel, subject and body of each."""

from coffeechat.outreach.models import Channel, MessageKind

# slug: (name, kind, channel, subject, body)
BUILTIN_TEXTS: dict[str, tuple[str, str, str, str, str]] = {
    "request_email": (
        "Request by e-mail",
        MessageKind.REQUEST,
        Channel.EMAIL,
        "Could I ask about your work at {{ organization }}?",
        """
Dear {{ first_name }},

{% if connection %}{{ connection }}. {% endif %}{% if their_work %}Your work — {{ their_work }} — is why I am writing to you.{% endif %}

I am {{ my_name }}, exploring {{ area }}. I am not looking for a job; I would like to learn how the work looks from the inside.

Could you spare {{ minutes }} minutes for a call, whenever suits you?

Thank you for considering it.

{{ signature }}
""",
    ),
    "request_linkedin": (
        "Request as a LinkedIn note",
        MessageKind.REQUEST,
        Channel.LINKEDIN,
        "",
        """
Hi {{ first_name }}, I'm {{ my_name }}.{% if connection %} {{ connection }}.{% endif %} I'm exploring {{ area }} and would value {{ minutes }} minutes of your advice, only to learn, not to ask for a job. Would a short call suit you? Thank you!
""",
    ),
    "request_referral": (
        "Request through a referral",
        MessageKind.REQUEST,
        Channel.EMAIL,
        "{{ referrer }} suggested I contact you",
        """
Dear {{ first_name }},

{{ referrer }} suggested I contact you when I mentioned my interest in {{ area }}, and I would be glad of the chance to learn from you.

I am {{ my_name }}. I am talking to people in the field before I decide on my next step, and I am not asking about openings: I would like to hear how you came to your work at {{ organization }} and what you see ahead.

Could you spare {{ minutes }} minutes for a call in the next few weeks? I am happy to fit around your calendar.

Thank you in advance,
{{ signature }}
""",
    ),
    "nudge_email": (
        "A polite follow-up",
        MessageKind.NUDGE,
        Channel.EMAIL,
        "Following up: a short conversation about your work?",
        """
Dear {{ first_name }},

I wrote recently to ask whether you might have {{ minutes }} minutes to tell me about your work at {{ organization }}. Inboxes fill up quickly, so I thought I would try once more.

If now is a busy time, I understand completely; a date later on would suit me just as well, and I will not write again about it.

Thank you,
{{ signature }}
""",
    ),
    "confirmation_email": (
        "Confirming the time",
        MessageKind.CONFIRMATION,
        Channel.EMAIL,
        "Confirming our {{ format }} on {{ date }}",
        """
Dear {{ first_name }},

Thank you for agreeing to talk with me. To confirm: {{ date }} at {{ time }} ({{ time_zone }}), {{ minutes }} minutes, {{ format }}.
Place or link: {{ place }}

If anything changes on your side, just tell me and I will find another time.

I look forward to it.

{{ signature }}
""",
    ),
    "reschedule_email": (
        "A new time",
        MessageKind.RESCHEDULE,
        Channel.EMAIL,
        "New time for our conversation: {{ date }}",
        """
Dear {{ first_name }},

Thank you for being flexible. Our conversation is now on {{ date }} at {{ time }} ({{ time_zone }}), still {{ minutes }} minutes, {{ format }}.
Place or link: {{ place }}

I am sorry for any trouble the change caused, and I look forward to speaking with you.

{{ signature }}
""",
    ),
    "thank_you_email": (
        "Thank-you",
        MessageKind.THANK_YOU,
        Channel.EMAIL,
        "Thank you, {{ first_name }}",
        """
Dear {{ first_name }},

Thank you for your time and for being so open about your work at {{ organization }}.

One thing you said has stayed with me: {{ takeaway }}. It has already changed how I am planning my next steps.

I will let you know how things go.

With thanks,
{{ signature }}
""",
    ),
    "keep_in_touch_article": (
        "Keep in touch: an article",
        MessageKind.KEEP_IN_TOUCH,
        Channel.EMAIL,
        "Something I read that made me think of you",
        """
Dear {{ first_name }},

I came across an article this week that brought our conversation back to mind, and I thought you might enjoy it too, given your work at {{ organization }}.

I hope all is going well.

{{ signature }}
""",
    ),
    "keep_in_touch_update": (
        "Keep in touch: an update",
        MessageKind.KEEP_IN_TOUCH,
        Channel.EMAIL,
        "An update since we spoke",
        """
Dear {{ first_name }},

I wanted to tell you where I have got to since we spoke. Your advice shaped what I did next as I kept exploring {{ area }}, and I am grateful for it.

I hope things are going well for you at {{ organization }}.

{{ signature }}
""",
    ),
    "keep_in_touch_congratulations": (
        "Keep in touch: congratulations",
        MessageKind.KEEP_IN_TOUCH,
        Channel.EMAIL,
        "Congratulations, {{ first_name }}!",
        """
Dear {{ first_name }},

I just saw your news and wanted to say congratulations. It is well deserved, and it was easy to see how much you care about your work at {{ organization }} when we spoke.

Wishing you every success with what comes next.

{{ signature }}
""",
    ),
}
