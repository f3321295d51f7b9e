from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from coffeechat.conversations.board import (
    COLUMN_LIMIT,
    STAGE_PAGE_SIZE,
    conversation_board,
    stage_named,
)
from coffeechat.conversations.forms import BoardForm
from coffeechat.lib.requests import OwnerRequest


@require_GET
def board(request: OwnerRequest) -> HttpResponse:
    """Every conversation by stage; with ?stage=, all of one stage, a page at a time."""
    query = BoardForm(request.GET)
    key = query.value("stage")
    # One stage whole needs only the others' counts.
    columns = conversation_board(owner=request.user, limit=0 if key else COLUMN_LIMIT)
    context = {"columns": columns, "total": sum(c.count for c in columns)}
    if key:
        stage = stage_named(key)
        context["stage"] = stage
        context["page"] = Paginator(
            stage.conversations(owner=request.user), STAGE_PAGE_SIZE
        ).get_page(query.value("page"))
    return render(request, "conversations/board.html", context)
