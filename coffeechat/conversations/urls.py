from django.urls import path

from coffeechat.conversations.views import board, detail, notes, prep, schedule

app_name = "conversations"
urlpatterns = [
    path("", board.board, name="board"),
    path("<int:conversation_pk>/", detail.conversation_detail, name="conversation_detail"),
    path("begin/<int:contact_pk>/", detail.conversation_begin, name="conversation_begin"),
    # Scheduling
    path("<int:conversation_pk>/schedule/", schedule.conversation_schedule, name="schedule"),
    path("<int:conversation_pk>/cancel/", schedule.conversation_cancel, name="cancel"),
    path("<int:conversation_pk>/no-show/", schedule.conversation_no_show, name="no_show"),
    path("<int:conversation_pk>/held/", schedule.conversation_held, name="held"),
    path("<int:conversation_pk>/invite.ics", schedule.conversation_ics, name="ics"),
    # Preparing: the question bank, chosen questions and the prep sheet
    path("<int:conversation_pk>/prep/", prep.prep, name="prep"),
    path("<int:conversation_pk>/prep/sheet/", prep.prep_sheet, name="prep_sheet"),
    path("<int:conversation_pk>/questions/add/", prep.question_add, name="question_add"),
    path(
        "<int:conversation_pk>/questions/<int:chosen_question_pk>/move/",
        prep.question_move,
        name="question_move",
    ),
    path(
        "<int:conversation_pk>/questions/<int:chosen_question_pk>/remove/",
        prep.question_remove,
        name="question_remove",
    ),
    path("questions/", prep.question_bank, name="question_bank"),
    path("questions/lint/", prep.question_lint, name="question_lint"),
    path("questions/<int:question_pk>/delete/", prep.own_question_delete, name="question_delete"),
    # Notes, takeaways and the thank-you
    path("<int:conversation_pk>/notes/", notes.conversation_notes, name="notes"),
    path("<int:conversation_pk>/notes/autosave/", notes.notes_autosave, name="notes_autosave"),
    path("<int:conversation_pk>/takeaways/add/", notes.takeaway_add, name="takeaway_add"),
    path("<int:conversation_pk>/thank-you/", notes.thank_you, name="thank_you"),
    path("takeaways/<int:takeaway_pk>/status/", notes.takeaway_status, name="takeaway_status"),
    path("takeaways/<int:takeaway_pk>/delete/", notes.takeaway_delete, name="takeaway_delete"),
    path("plan/", notes.development_plan, name="development_plan"),
    path("reading/", notes.reading_list, name="reading_list"),
    path("leads/", notes.leads, name="leads"),
]
