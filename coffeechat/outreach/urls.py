from django.urls import path

from coffeechat.outreach.views import messages, templates, write

app_name = "outreach"
urlpatterns = [
    path("compose/<int:contact_pk>/", messages.compose, name="compose"),
    path("write/<int:contact_pk>/", write.write, name="write"),
    path("reply/<int:contact_pk>/", messages.log_reply, name="log_reply"),
    path("messages/<int:message_pk>/", messages.message_edit, name="message_edit"),
    path("messages/<int:message_pk>/lint/", messages.message_lint, name="message_lint"),
    path("messages/<int:message_pk>/autosave/", messages.message_autosave, name="message_autosave"),
    path("messages/<int:message_pk>/mailto/", messages.message_mailto, name="message_mailto"),
    path("messages/<int:message_pk>/eml/", messages.message_eml, name="message_eml"),
    path("messages/<int:message_pk>/send/", messages.message_send, name="message_send"),
    path("messages/<int:message_pk>/sent/", messages.message_mark_sent, name="message_mark_sent"),
    path("messages/<int:message_pk>/delete/", messages.message_delete, name="message_delete"),
    path(
        "conversations/<int:conversation_pk>/close-no-reply/",
        messages.close_no_reply,
        name="close_no_reply",
    ),
    path("templates/", templates.template_list, name="template_list"),
    path("templates/new/", templates.template_create, name="template_create"),
    path("templates/preview/", templates.template_preview, name="template_preview"),
    path(
        "templates/builtin/<slug:key>/customise/",
        templates.template_customise,
        name="template_customise",
    ),
    path("templates/<int:template_pk>/", templates.template_edit, name="template_edit"),
    path("templates/<int:template_pk>/delete/", templates.template_delete, name="template_delete"),
]
