from django.http import Http404

# The pages of this part are being written; until then their URLs answer 404.


def _not_yet(request, **kwargs):
    raise Http404


conversation_notes = takeaway_add = takeaway_status = takeaway_delete = _not_yet
thank_you = development_plan = reading_list = leads = _not_yet
