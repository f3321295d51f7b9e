from django.http import Http404

# The pages of this part are being written; until then their URLs answer 404.


def _not_yet(request, **kwargs):
    raise Http404


prep = prep_sheet = question_add = question_move = question_remove = _not_yet
question_bank = own_question_delete = question_lint = _not_yet
