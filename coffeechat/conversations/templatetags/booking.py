"""`{% load booking %}`: whether a booked time can be shown, and what to say when it cannot.

A booking saved before times were checked may lie so near year 1 or 9999 that it has no
local time in the user's zone; the pages say so instead of converting it.
"""

from django import template

from coffeechat.conversations.models import Conversation
from coffeechat.conversations.scheduling import booking_in_range, out_of_range_message

register = template.Library()


@register.filter
def in_range(conversation: Conversation) -> bool:
    """`{% if conversation|in_range %}`: booked, at a time every zone can show."""
    return booking_in_range(conversation)


@register.filter
def out_of_range(conversation: Conversation) -> str:
    """The sentence for a booking whose time cannot be shown; "" for any other."""
    if conversation.scheduled_for is None or booking_in_range(conversation):
        return ""
    return out_of_range_message(conversation)
