"""Markdown a user typed, turned into HTML that is safe to show on a page."""

from xml.etree.ElementTree import Element

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

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


class _SubHeadings(Treeprocessor):
    """Notes sit under the page's own headings: "# Title" becomes an h3, deeper ones an h4."""

    def run(self, root: Element) -> None:
        for element in root.iter():
            if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                element.tag = "h3" if element.tag == "h1" else "h4"


class _NotesExtension(Extension):
    def extendMarkdown(self, md: markdown_lib.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_SubHeadings(md), "coffeechat_sub_headings", 5)


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Relative links would point into coffeechat itself; only whole web or mail links stay.
    if attribute == "href" and not value.strip().lower().startswith(_ABSOLUTE_PREFIXES):
        return None
    return value


def render_markdown(text: str) -> SafeString:
    """`text` as sanitised HTML: a few formatting tags, web and mail links, nothing active."""
    html = markdown_lib.markdown(
        text or "", extensions=["fenced_code", "sane_lists", "nl2br", _NotesExtension()]
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
    return mark_safe(cleaned)  # noqa: S308 - sanitised just above
