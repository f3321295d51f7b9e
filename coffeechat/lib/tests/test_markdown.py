import pytest
from django.utils.safestring import SafeString

from coffeechat.lib.markdown import render_markdown


def test_it_keeps_ordinary_markdown():
    html = render_markdown(
        "# Her path\n\n**Bold**, _italic_ and `code`.\n\n- one\n- two\n\n1. first\n\n"
        "> a quote\n\n---\n\n```\nprint('hi')\n```"
    )
    assert "<h3>Her path</h3>" in html
    assert "<strong>Bold</strong>" in html and "<em>italic</em>" in html
    assert "<code>code</code>" in html
    assert "<ul>" in html and "<li>one</li>" in html and "<ol>" in html
    assert "<blockquote>" in html and "<hr>" in html
    assert "<pre><code>print('hi')\n</code></pre>" in html


def test_it_returns_a_safe_string():
    assert isinstance(render_markdown("hello"), SafeString)
    assert render_markdown("") == ""


def test_it_keeps_line_breaks_as_typed():
    assert render_markdown("first line\nsecond line") == "<p>first line<br>\nsecond line</p>"


def test_it_turns_every_heading_into_a_sub_heading_of_the_page():
    html = render_markdown("# One\n## Two\n###### Six")
    assert "<h1" not in html and "<h2" not in html and "<h6" not in html
    assert "<h3>One</h3>" in html and "<h4>Two</h4>" in html and "<h4>Six</h4>" in html


def test_it_gives_links_rel_and_keeps_only_href_and_title():
    html = render_markdown(
        '[Her blog](https://example.com/blog "Blog") and <mailto:ada@example.com>'
    )
    assert (
        '<a href="https://example.com/blog" title="Blog" rel="noopener noreferrer nofollow">'
        "Her blog</a>" in html
    )
    assert 'href="mailto:ada@example.com"' in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script>",
        "before <script src=https://evil.example/x.js></script> after",
        "<style>body { display: none }</style>",
        "<SCRIPT>alert(1)</SCRIPT>",
    ],
)
def test_it_removes_scripts_and_styles_with_their_content(text):
    html = render_markdown(text)
    assert "<script" not in html.lower() and "<style" not in html.lower()
    assert "alert" not in html and "display: none" not in html and "evil" not in html


@pytest.mark.parametrize(
    "text",
    [
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<a href="JaVaScRiPt:alert(1)">click</a>',
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click](vbscript:msgbox)",
        "[click](/accounts/logout/)",
    ],
)
def test_it_drops_links_that_are_not_web_or_mail(text):
    html = render_markdown(text)
    assert "href" not in html
    assert "click" in html


@pytest.mark.parametrize(
    "text",
    [
        '<p onclick="steal()">hello</p>',
        '<a href="https://example.com" onmouseover="steal()">hello</a>',
        "<img src=x onerror=steal()>hello",
        '<strong style="color: red" class="x" id="y">hello</strong>',
        '<em onfocus="steal()" tabindex="1">hello</em>',
    ],
)
def test_it_removes_event_handlers_and_other_attributes(text):
    html = render_markdown(text)
    for unwanted in (
        "onclick",
        "onmouseover",
        "onerror",
        "onfocus",
        "steal",
        "style",
        "class",
        "id=",
        "tabindex",
        "<img",
    ):
        assert unwanted not in html
    assert "hello" in html


@pytest.mark.parametrize(
    "text",
    [
        '<iframe src="https://evil.example">inside</iframe>',
        '<object data="x.swf">inside</object>',
        '<embed src="x.swf">',
        "<svg><script>alert(1)</script><text>inside</text></svg>",
        '<form action="https://evil.example"><input name="q"><button>go</button></form>',
    ],
)
def test_it_removes_frames_objects_svg_and_forms(text):
    html = render_markdown(text + " kept")
    for unwanted in (
        "<iframe",
        "<object",
        "<embed",
        "<svg",
        "<form",
        "<input",
        "<button",
        "evil",
        "alert",
        "inside",
    ):
        assert unwanted not in html
    assert "kept" in html


def test_it_escapes_text_that_looks_like_markup():
    html = render_markdown("1 < 2 & <b>not bold</b> <unknown>tag</unknown>")
    assert "1 &lt; 2 &amp;" in html
    assert "<b>" not in html and "<unknown>" not in html
    assert "not bold" in html and "tag" in html


def test_it_drops_html_comments():
    assert "secret" not in render_markdown("<!-- secret -->visible")


def test_it_shows_the_size_message_instead_of_reading_a_text_over_the_limit():
    html = render_markdown("[" * 20_001)
    assert html == '<p class="caution">Keep this to 20,000 characters (it has 20,001).</p>'
    assert isinstance(html, SafeString)


@pytest.mark.parametrize("text", ["- " * 10_000, "> " * 10_000, "1. " * 6_000, "[" * 20_000])
def test_it_reads_deeply_nested_or_unclosed_markup_at_the_limit(text):
    # Python-Markdown ran out of stack on the first and took minutes on the last.
    assert render_markdown(text).startswith("<")


@pytest.mark.parametrize("text", ["> " * 50, "<div>" * 50, "<ul><li>" * 30])
def test_it_shows_a_note_that_nests_too_deeply_as_typed(text):
    html = render_markdown(text + "\n\n<script>x</script>")
    assert html.startswith('<p class="caution">This note nests too deeply to be formatted')
    assert "&lt;script&gt;" in html and "<script" not in html and "<div" not in html


def test_it_formats_a_note_that_nests_a_little():
    html = render_markdown("> " * 5 + "quoted\n\n- one\n  - two")
    assert html.count("<blockquote>") == 5 and "<li>two</li>" in html
