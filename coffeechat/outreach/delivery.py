"""Getting a message out of coffeechat: a mailto: link, an .eml file, or SMTP."""

import email.policy
import smtplib
from email.message import EmailMessage as StdlibEmailMessage
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, make_msgid
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from coffeechat.accounts.services import profile_get
from coffeechat.conversations.ics import invitation
from coffeechat.conversations.models import State
from coffeechat.conversations.scheduling import booking_in_range
from coffeechat.lib.owned import Owner
from coffeechat.lib.validation import one_line
from coffeechat.outreach.models import Message, MessageKind

PLACEHOLDER_FROM = "coffeechat@localhost"


class DeliveryError(ValidationError):
    pass


def smtp_configured() -> bool:
    """Sending is offered only when an SMTP server and a sender address are set."""
    return bool(settings.EMAIL_HOST) and settings.DEFAULT_FROM_EMAIL != PLACEHOLDER_FROM


def organizer(*, owner: Owner) -> tuple[str, str]:
    """The user as mail and invitations name them: (name, e-mail address), either may be "".

    The name is kept as typed (it is encoded only where a header is written) and on one line
    whatever was stored, so it can never start a header or calendar property of its own.
    """
    name = one_line(profile_get(owner=owner).display_name)
    address = settings.DEFAULT_FROM_EMAIL if settings.DEFAULT_FROM_EMAIL != PLACEHOLDER_FROM else ""
    address = address or getattr(owner, "email", "") or ""
    return name, one_line(address)


def sender(*, owner: Owner) -> str:
    name, address = organizer(owner=owner)
    return formataddr((name, address)) if name and address else address


def recipient(message: Message) -> str:
    contact = message.contact
    if not contact.email:
        return ""
    return formataddr((one_line(contact.name), one_line(contact.email)))


def mailto_url(message: Message) -> str:
    query = f"subject={quote(one_line(message.subject))}&body={quote(message.body)}"
    return f"mailto:{quote(message.contact.email, safe='@')}?{query}"


def eml_bytes(*, owner: Owner, message: Message) -> bytes:
    """An RFC 5322 message, UTF-8, CRLF, lines folded: opens as a draft in mail programs."""
    eml = StdlibEmailMessage(policy=email.policy.SMTP)
    from_address = sender(owner=owner)
    if from_address:
        eml["From"] = from_address
    if recipient(message):
        eml["To"] = recipient(message)
    eml["Subject"] = one_line(message.subject)
    eml["Date"] = format_datetime(timezone.now())
    eml["Message-ID"] = make_msgid(domain="coffeechat.local")
    # Outlook and others open a message with this header as an unsent draft.
    eml["X-Unsent"] = "1"
    eml.set_content(message.body, charset="utf-8")
    return eml.as_bytes()


def invitation_part(*, owner: Owner, message: Message) -> MIMEText | None:
    """The calendar invitation a message carries: the booking with a confirmation or a new
    time, or the cancellation with anything said about a cancelled booking."""
    conversation = message.conversation
    # A booking whose time is out of range has no invitation to give; the message goes alone.
    if conversation is None or not booking_in_range(conversation):
        return None
    if conversation.state == State.CANCELLED:
        method = "CANCEL"
    elif conversation.state == State.SCHEDULED and message.kind in (
        MessageKind.CONFIRMATION,
        MessageKind.RESCHEDULE,
    ):
        method = "REQUEST"
    else:
        return None
    organizer_name, organizer_email = organizer(owner=owner)
    ics = invitation(
        conversation=conversation,
        organizer_name=organizer_name,
        organizer_email=organizer_email,
        method=method,
    )
    # Base64 keeps the CRLF line ends iCalendar requires; the method parameter is what makes
    # mail programs offer accept/decline instead of a plain attachment.
    part = MIMEText(ics.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    return part


def smtp_send(*, owner: Owner, message: Message) -> None:
    """Sends over the configured SMTP server; a refusal becomes a DeliveryError in plain words."""
    if not message.contact.email:
        raise DeliveryError(f"{message.contact.name} has no e-mail address.")
    if not smtp_configured():
        raise DeliveryError(
            "Sending is not set up: set COFFEECHAT_SMTP_HOST and COFFEECHAT_FROM_EMAIL."
        )
    mail = EmailMessage(
        subject=one_line(message.subject),
        body=message.body,
        from_email=sender(owner=owner),
        to=[recipient(message)],
        headers={"Message-ID": make_msgid(domain="coffeechat.local")},
        connection=get_connection(timeout=20),
    )
    invite = invitation_part(owner=owner, message=message)
    if invite is not None:
        mail.attach(invite)
    try:
        mail.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused:
        raise DeliveryError(
            f"The mail server refused the address {message.contact.email}."
        ) from None
    except smtplib.SMTPAuthenticationError:
        raise DeliveryError(
            "The mail server refused the user name or password (COFFEECHAT_SMTP_USER / "
            "COFFEECHAT_SMTP_PASSWORD)."
        ) from None
    except smtplib.SMTPException as error:
        raise DeliveryError(f"The mail server refused the message: {error}.") from None
    except OSError as error:
        raise DeliveryError(
            f"Could not reach the mail server {settings.EMAIL_HOST}:{settings.EMAIL_PORT} "
            f"({getattr(error, 'strerror', None) or error})."
        ) from None
