"""The colour tokens in app.css meet WCAG AA contrast, in the light and the dark theme.

axe-core checks the colours that the pages show; this checks every pair of tokens meant to be
read together, including those no demo page happens to use (a danger button in the dark).
"""

import re

import pytest
from django.contrib.staticfiles import finders

# (text, background): every pair that carries text.
TEXT_PAIRS = [
    ("text", "bg"),
    ("text", "surface"),
    ("text", "surface-2"),
    ("text-muted", "bg"),
    ("text-muted", "surface"),
    ("text-muted", "surface-2"),
    ("link", "bg"),
    ("link", "surface"),
    ("accent-ink", "accent"),
    ("accent-ink", "accent-hover"),
    ("accent-text", "accent-wash"),
    ("danger-ink", "danger"),
    ("danger-ink", "danger-hover"),
    ("danger-text", "danger-wash"),
    ("danger-text", "surface"),
    ("warn-text", "warn-wash"),
    ("warn-text", "surface"),
    ("ok-text", "ok-wash"),
    ("ok-text", "surface"),
    *[(f"av-{n}-ink", f"av-{n}") for n in range(1, 7)],
]
# Outlines that must be seen (WCAG 1.4.11: 3:1): input borders, the focus ring, stripes.
UI_PAIRS = [
    ("border-input", "surface"),
    ("focus", "bg"),
    ("focus", "surface"),
    ("danger", "surface"),
    ("warn", "surface"),
    ("accent", "surface"),
]


def _themes() -> dict[str, dict[str, str]]:
    css = open(str(finders.find("coffeechat/app.css"))).read()
    light_block = css[css.index(":root {") : css.index("}", css.index(":root {"))]
    dark_start = css.index("prefers-color-scheme: dark")
    dark_block = css[dark_start : css.index("}", dark_start)]
    token = re.compile(r"--([a-z0-9-]+):\s*(#[0-9a-fA-F]{3,6})\b")
    light = dict(token.findall(light_block))
    dark = {**light, **dict(token.findall(dark_block))}
    return {"light": light, "dark": dark}


def _luminance(colour: str) -> float:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_it_measures_contrast_as_wcag_does():
    assert round(contrast("#000", "#fff"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_text_tokens_meet_aa(theme):
    tokens = _themes()[theme]
    low = {
        f"{fg} on {bg}": round(contrast(tokens[fg], tokens[bg]), 2)
        for fg, bg in TEXT_PAIRS
        if contrast(tokens[fg], tokens[bg]) < 4.5
    }
    assert not low, low


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_outline_tokens_meet_three_to_one(theme):
    tokens = _themes()[theme]
    low = {
        f"{fg} on {bg}": round(contrast(tokens[fg], tokens[bg]), 2)
        for fg, bg in UI_PAIRS
        if contrast(tokens[fg], tokens[bg]) < 3
    }
    assert not low, low


def test_the_dark_theme_sets_every_colour_the_light_one_does():
    themes = _themes()
    css = open(finders.find("coffeechat/app.css")).read()
    dark_start = css.index("prefers-color-scheme: dark")
    dark_block = css[dark_start : css.index("}", dark_start)]
    colours = {name for name, value in themes["light"].items() if value.startswith("#")}
    missing = {name for name in colours if f"--{name}:" not in dark_block}
    assert not missing, missing
