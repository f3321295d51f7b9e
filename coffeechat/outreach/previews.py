"""The compose page's previews: every template offered for a person, drafted for them by the
draft service before the user picks one. Writes nothing."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from coffeechat.contacts.models import Contact
from coffeechat.conversations.models import Conversation
from coffeechat.lib.owned import Owner
from coffeechat.outreach.drafting import MessageDraft, message_draft
from coffeechat.outreach.templating import TemplateChoice


@dataclass(frozen=True)
class DraftPreview:
    """A template offered for a person: its draft filled for them, or why it cannot be now."""

    template: TemplateChoice
    draft: MessageDraft | None
    refusal: str = ""


def draft_previews(
    *,
    owner: Owner,
    contact: Contact,
    choices: list[TemplateChoice],
    conversation: Conversation | None = None,
) -> list[DraftPreview]:
    """Each of `choices` drafted for `contact` as `message_draft` would, slots left as gaps:
    what the compose page shows before the user picks one. Writes nothing."""
    previews = []
    for choice in choices:
        try:
            draft = message_draft(
                owner=owner,
                contact=contact,
                template=choice,
                conversation=conversation,
                slot_gaps=True,
            )
        except ValidationError as error:
            previews.append(DraftPreview(choice, None, _preview_refusal(error)))
        else:
            previews.append(DraftPreview(choice, draft))
    return previews


def _preview_refusal(error: ValidationError) -> str:
    # A preview never names a referrer who asked not to be named, not even to say so.
    if getattr(error, "code", None) == "confidence":
        return (
            "What you wrote for them names the person who referred them, who asked not to "
            "be named. Take the name out on their page."
        )
    return " ".join(error.messages)
