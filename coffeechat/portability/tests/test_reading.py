import pytest

from coffeechat.portability.reading import name_part


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Priya (she/her)", "Priya"),
        ("Raman [he/him] Jr", "Raman Jr"),
        ('Jennifer "Jen"', "Jennifer"),
        ("Jennifer “Jen” Ng", "Jennifer Ng"),
        ("Ann (a (b) c)", "Ann c)"),
        ("Ann(she)Lee", "Ann Lee"),
    ],
)
def test_it_leaves_out_asides(text, expected):
    assert name_part(text) == expected


@pytest.mark.parametrize("text", ["Ann (she/her", "((((Ann", "Ann “Jen", 'Ann "Jen', "Ann ]) Lee"])
def test_it_keeps_a_mark_that_nothing_closes(text):
    assert name_part(text) == " ".join(text.split())
