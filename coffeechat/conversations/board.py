"""Where every conversation stands: the owner's conversations grouped by stage.

The stages are the conversation's own states, in the order a conversation moves through
them, with their own words (`State` labels). Two groupings are made here, once, for the page
and the command line alike: a no-show sits with the booked conversations, since the next step
is to book it again, and the three ways a conversation ends without a meeting (declined, no
reply, cancelled) share one column.
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet

from coffeechat.conversations.models import Conversation, State
from coffeechat.conversations.selectors import conversation_list
from coffeechat.lib.owned import Owner

# Cards shown in each column of the page before "show all".
COLUMN_LIMIT = 8
# Cards on one page of a single stage.
STAGE_PAGE_SIZE = 100


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    states: tuple[str, ...]
    # Which moment a card shows, and the order of the cards (soonest or latest first).
    moment: str
    order: tuple

    def conversations(self, *, owner: Owner) -> QuerySet[Conversation]:
        return conversation_list(owner=owner, states=self.states).order_by(*self.order, "-pk")


STAGES = (
    Stage(
        "planned",
        State.PLANNED.label,
        (State.PLANNED,),
        "created_at",
        (F("created_at").desc(),),
    ),
    Stage(
        "requested",
        State.REQUESTED.label,
        (State.REQUESTED,),
        "requested_at",
        (F("requested_at").asc(nulls_last=True),),
    ),
    Stage(
        "scheduled",
        State.SCHEDULED.label,
        (State.SCHEDULED, State.NO_SHOW),
        "scheduled_for",
        (F("scheduled_for").asc(nulls_last=True),),
    ),
    Stage(
        "held", State.HELD.label, (State.HELD,), "held_at", (F("held_at").desc(nulls_last=True),)
    ),
    Stage(
        "thanked",
        State.THANKED.label,
        (State.THANKED,),
        "thanked_at",
        (F("thanked_at").desc(nulls_last=True),),
    ),
    Stage(
        "closed",
        "Closed",
        (State.DECLINED, State.NO_REPLY, State.CANCELLED),
        "closed_at",
        (F("closed_at").desc(nulls_last=True),),
    ),
)
STAGE_KEYS = tuple(stage.key for stage in STAGES)


def stage_named(key: str) -> Stage:
    """The stage `key` names; LookupError for any other."""
    for stage in STAGES:
        if stage.key == key:
            return stage
    raise LookupError(f"There is no stage “{key}”; the stages are {', '.join(STAGE_KEYS)}.")


@dataclass
class Column:
    stage: Stage
    count: int
    conversations: list[Conversation] = field(default_factory=list)

    @property
    def more(self) -> int:
        """How many are not shown."""
        return self.count - len(self.conversations)


def conversation_board(*, owner: Owner, limit: int | None = COLUMN_LIMIT) -> list[Column]:
    """Each stage with how many conversations are in it and the first `limit` of them (all,
    when `limit` is None; none, only the counts, when it is 0). One query counts them all, then one query per stage that has any:
    the number of queries does not grow with the network."""
    counts = dict(
        Conversation.objects.owned_by(owner)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    columns = []
    for stage in STAGES:
        count = sum(counts.get(state, 0) for state in stage.states)
        shown: list[Conversation] = []
        if count and limit != 0:
            found = stage.conversations(owner=owner)
            shown = list(found if limit is None else found[:limit])
        columns.append(Column(stage, count, shown))
    return columns
