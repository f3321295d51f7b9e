"""Markdown a user typed, turned into HTML that is safe to show on a page.

cmark (CommonMark's reference parser, in C) reads the Markdown: it takes time in proportion to
the text whatever the text holds, where pure-Python parsers take quadratic time on such notes
as a few thousand "[" or nested list markers, or run out of stack. nh3 then keeps a few
formatting tags and web and mail links, and drops everything else.
"""

import re

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options
from django.core.exceptions import ValidationError
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe

from coffeechat.lib.validation import TEXT_LIMIT, check_size

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "a",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"
# Dropped with everything inside them: their content is code or another document, never notes.
DROPPED_WITH_CONTENT = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "noscript",
    "template",
    "textarea",
    "svg",
    "math",
}
_ABSOLUTE_PREFIXES = tuple(f"{scheme}:" for scheme in URL_SCHEMES)


# A line break typed inside a paragraph is kept as a break; raw HTML is passed on to nh3,
# which keeps what is allowed and drops the rest with a reason of its own.
_CMARK_OPTIONS = Options.CMARK_OPT_HARDBREAKS | Options.CMARK_OPT_UNSAFE
# Notes sit under the page's own headings: "# Title" becomes an h3, deeper ones an h4.
_HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s/>])")


def _sub_heading(match: re.Match[str]) -> str:
    return f"<{match[1]}h{3 if match[2] == '1' else 4}"


# The sanitiser's HTML parser takes time in the square of how deeply elements nest (2 s for
# 10,000 quote markers, "> > > …"); no note nests anywhere near this deep.
MAX_NESTING = 40
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


def _nesting(html: str) -> int:
    """How deeply the elements of `html` nest, at most; an element left open counts as open."""
    depth = deepest = 0
    for tag in _TAG.finditer(html):
        if tag[1]:
            depth = max(depth - 1, 0)
        elif tag[2].lower() not in _VOID:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Relative links would point into coffeechat itself; only whole web or mail links stay.
    if attribute == "href" and not value.strip().lower().startswith(_ABSOLUTE_PREFIXES):
        return None
    return value


def render_markdown(text: str) -> SafeString:
    """`text` as sanitised HTML: a few formatting tags, web and mail links, nothing active.

    A text over TEXT_LIMIT characters is not read: the HTML says so instead.
    """
    text = text or ""
    try:
        check_size(text, limit=TEXT_LIMIT)
    except ValidationError as error:
        return mark_safe(f'<p class="caution">{escape(error.messages[0])}</p>')  # noqa: S308
    html = _HEADING_TAG.sub(_sub_heading, cmarkgfm.markdown_to_html(text, options=_CMARK_OPTIONS))
    if _nesting(html) > MAX_NESTING:
        return mark_safe(  # noqa: S308 - escaped by linebreaks
            '<p class="caution">This note nests too deeply to be formatted; here it is as '
            f"typed.</p>{linebreaks(text, autoescape=True)}"
        )
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return mark_safe(cleaned.strip())  # noqa: S308 - sanitised just above
