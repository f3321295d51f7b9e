import pytest
from django.template import Context, Template

from coffeechat.contacts.templatetags.people import AVATAR_COLOURS, avatar_colour, initials


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ada Lovelace", "AL"),
        ("Ada King Lovelace", "AL"),
        ("chloé martin", "CM"),
        ("Tomasz Wróbel", "TW"),
        ("Cher", "C"),
        ("  Ines   Carvalho  ", "IC"),
        ("(Ines) Carvalho", "IC"),
        ("Émile — Zola", "ÉZ"),
        ("", "?"),
        ("— —", "?"),
    ],
)
def test_it_takes_the_first_letters_of_the_first_and_last_words(name, expected):
    assert initials(name) == expected


def test_it_gives_the_same_name_the_same_colour_from_the_token_set():
    assert avatar_colour("Ada Lovelace") == avatar_colour("ada  lovelace")
    colours = {avatar_colour(f"Person {n}") for n in range(200)}
    assert colours == set(range(1, AVATAR_COLOURS + 1))


def test_it_renders_a_face_hidden_from_screen_readers_with_only_letters():
    html = Template('{% load people %}{% avatar name "large" %}').render(
        Context({"name": "<b>Ada</b> Lovelace"})
    )
    assert 'aria-hidden="true"' in html and "avatar-lg" in html
    assert html.endswith(">BL</span>") and "<b>" not in html


def test_the_app_css_defines_a_colour_pair_for_every_avatar():
    from django.contrib.staticfiles import finders

    css = open(finders.find("coffeechat/app.css")).read()
    for n in range(1, AVATAR_COLOURS + 1):
        assert f".avatar-{n} {{" in css and f"--av-{n}:" in css and f"--av-{n}-ink:" in css
