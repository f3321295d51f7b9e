from django import template
from django.utils.safestring import SafeString

from coffeechat.conversations.models import Conversation, Takeaway, TakeawayKind
from coffeechat.conversations.notes_forms import TakeawayForm
from coffeechat.conversations.takeaways import ACTION_KINDS, NOTE_STATES
from coffeechat.lib.markdown import render_markdown

register = template.Library()

_HEADINGS = {
    TakeawayKind.INSIGHT: "Insights",
    TakeawayKind.ADVICE: "Advice",
    TakeawayKind.GAP: "Skill gaps",
    TakeawayKind.RESOURCE: "Resources",
    TakeawayKind.REFERRAL: "Referrals",
    TakeawayKind.OPPORTUNITY: "Opportunities",
}


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """`{{ conversation.notes|markdown }}`: the notes as sanitised HTML."""
    return render_markdown(text or "")


@register.filter
def notes_allowed(conversation: Conversation) -> bool:
    return conversation.state in NOTE_STATES


@register.filter
def is_action(takeaway: Takeaway) -> bool:
    """Whether the takeaway is ticked off: a skill gap, a resource or an opportunity."""
    return takeaway.kind in ACTION_KINDS


@register.filter
def takeaways_by_kind(conversation: Conversation) -> list[tuple[str, list[Takeaway]]]:
    """The conversation's takeaways as (heading, takeaways) in the order of the kinds."""
    takeaways = list(conversation.takeaways.select_related("referral_contact"))
    groups = []
    for kind in TakeawayKind:
        items = [t for t in takeaways if t.kind == kind]
        if items:
            groups.append((_HEADINGS[kind], items))
    return groups


@register.filter
def thank_you_choices(conversation: Conversation) -> list[Takeaway]:
    """The takeaways a thank-you can name, insights and advice first: they make the best."""
    return [t for _, items in takeaways_by_kind(conversation) for t in items]


@register.filter
def thank_you_drafts(conversation: Conversation):
    """Thank-you drafts already written for the conversation, so a second is not started."""
    return conversation.messages.filter(
        owner_id=conversation.owner_id, kind="thank_you", status="draft"
    ).order_by("-created_at")


@register.simple_tag
def takeaway_form() -> TakeawayForm:
    """An empty add-takeaway form, for pages whose view does not provide one."""
    return TakeawayForm()


@register.filter
def time_ago(moment, depth: int = 2) -> str:
    """`{{ held_at|time_ago }}`: "just now" within the minute, else "3 hours ago";
    `{{ held_at|time_ago:1 }}` names one unit only: "2 weeks ago", not "2 weeks, 3 days ago"."""
    from datetime import timedelta

    from django.utils import timezone
    from django.utils.timesince import timesince

    if timezone.now() - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment, depth=depth)} ago"
