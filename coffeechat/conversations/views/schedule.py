from django.http import Http404

# The pages of this part are being written; until then their URLs answer 404.


def _not_yet(request, **kwargs):
    raise Http404


conversation_schedule = conversation_cancel = conversation_no_show = _not_yet
conversation_held = conversation_ics = _not_yet
