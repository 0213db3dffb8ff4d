"""The Markdown report shows every text from a file as written, never as markup.

The fixture tests/corpus/hardening/hostile/ puts HTML, links, images, headings, lists,
emphasis, code, pipes and line breaks into the survey title, item texts and labels,
choice labels, an exclusion reason, CSV header names (ignored columns), respondent ids
and free-text answers. The report is rendered to HTML by markdown-it-py (CommonMark with
GitHub's tables and strikethrough), and the HTML may hold only the tags and attributes
the report's own layout makes.
"""

from __future__ import annotations

import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from surveykit.files import forget_inputs
from surveykit.render.md_escape import md_cell, md_link_text, md_text

HOSTILE = Path(__file__).parent / "corpus" / "hardening" / "hostile"
# What the report's own Markdown turns into: headings, paragraphs, emphasis, the tables,
# the list of notes and tests, quotes, line breaks inside cells, and figures.
LAYOUT_TAGS = {
    "h1", "h2", "h3", "p", "em", "strong", "table", "thead", "tbody", "tr", "th", "td",
    "ul", "li", "blockquote", "br", "img",
}  # fmt: skip
OWN_COMMENT = " figures omitted: Markdown printed to standard output; use --output to write them "


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.comments: list[str] = []
        self.other: list[str] = []
        self.headings: list[str] = []
        self._in_heading = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self._in_heading = tag in ("h1", "h2", "h3")
        if self._in_heading:
            self.headings.append("")

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3"):
            self._in_heading = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_heading:
            self.headings[-1] += data

    def handle_comment(self, data):
        self.comments.append(data)

    def handle_decl(self, decl):
        self.other.append(decl)

    def handle_pi(self, data):
        self.other.append(data)

    def unknown_decl(self, data):
        self.other.append(data)


def _html(markdown: str) -> _Collect:
    renderer = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    collect = _Collect()
    collect.feed(renderer.render(markdown))
    return collect


def _check(collect: _Collect, figure_dir: str | None) -> None:
    for tag, attrs in collect.tags:
        assert tag in LAYOUT_TAGS, f"injected <{tag} {attrs}>"
        for name, value in attrs:
            if tag in ("th", "td"):
                assert name == "style" and value in ("text-align:left", "text-align:right")
            elif tag == "img":
                assert figure_dir is not None, "an image in a report without figures"
                if name == "src":
                    assert value is not None and value.startswith(f"{figure_dir}/fig")
                else:
                    assert name == "alt"
            else:
                raise AssertionError(f"injected attribute {name}={value!r} on <{tag}>")
    assert collect.comments in ([], [OWN_COMMENT])
    assert collect.other == []
    headings = collect.headings
    assert headings[0].startswith("Survey <script>")  # the title, shown as text
    assert [h for h in headings[1:] if h in ("Method", "Results", "Tests")] == headings[1:-2]
    assert headings[-2:] == ["Appendix: open-ended answers", "<script>alert('label')</script>"]
    text = "".join(collect.text)
    for shown in (
        "<script>alert('answer')</script>",
        "<img src=https://evil.example/a.png onerror=alert(3)>",
        "![remote](https://evil.example/b.png) and [link](javascript:alert(4))",
        "[ref]: https://evil.example/ref",
        "*emph* _u_ ~~del~~ `tick` &lt;b&gt; &#60;i&#62;",
        "<script>alert('header')</script>",
        "`code` | pipe",
        "## Conclusion **100% satisfaction**",
    ):
        assert shown in text, shown


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    folder = tmp_path / "hostile"
    shutil.copytree(HOSTILE, folder)
    yield folder
    forget_inputs()


def test_hostile_survey_markdown_on_stdout_holds_no_injected_markup(cli, hostile: Path) -> None:
    run = cli("report", hostile / "responses.csv", "--format", "md")
    assert run.code == 0, run.err
    _check(_html(run.out), None)


def test_hostile_survey_markdown_file_with_figures(cli, hostile: Path) -> None:
    out = hostile / "out" / "report.md"
    out.parent.mkdir()
    run = cli("report", hostile / "responses.csv", "--format", "md", "--output", out)
    assert run.code == 0, run.err
    collect = _html(out.read_text(encoding="utf-8"))
    _check(collect, "report_figures")
    assert any(tag == "img" for tag, _ in collect.tags)


@pytest.mark.parametrize(
    "text",
    [
        "<b>x</b>",
        "[a](b)",
        "![a](b)",
        "<https://x.example>",
        "# h",
        "> q",
        "- l",
        "+ l",
        "1. l",
        "3) l",
        "---",
        "===",
        "    code",
        "`c`",
        "*e*",
        "_e_",
        "**s**",
        "~~d~~",
        "a | b",
        "&amp;",
        "&#60;",
        "[r]: https://x.example",
        "line\n# h",
        "a\r\n\r\n<div>x</div>",
        "www.x.example",
        "http://x.example",
        "a@b.example",
        "\\*",
        "x\u2028# h",
    ],
)
def test_md_text_round_trips_through_commonmark(text: str) -> None:
    """What a reader sees is the original text (line breaks become spaces)."""
    for escaped in (md_text(text), f"- {md_text(text)}", f"> {md_text(text)}"):
        collect = _html(escaped)
        assert all(tag in ("p", "ul", "li", "blockquote") for tag, _ in collect.tags), escaped
        shown = " ".join("".join(collect.text).split())
        assert shown == " ".join(text.split()), escaped
    image = _html(f"![{md_link_text(text)}](fig.png)")
    assert [tag for tag, _ in image.tags] == ["p", "img"]
    assert " ".join(dict(image.tags[1][1])["alt"].split()) == " ".join(text.split())
    row = f"| {md_cell(text)} |\n|---|\n| {md_cell(text)} |"
    tags = {tag for tag, _ in _html(row).tags}
    assert tags <= {"table", "thead", "tbody", "tr", "th", "td", "br"}, row


_MARKUP = st.sampled_from(
    [*"\\`*_[]()<>!|~#&=-+.:@/ \n\t\"';{}0123456789aAzZ",
     "<b>", "</b>", "<!--", "-->", "<?", "<!X", "](", "][", "]:", "&amp;", "&#60;", "www.",
     "http://", "mailto:", "    ", "\r\n", "\u2028", "```", "~~~", "***", "___", "1.", "1)"]
)  # fmt: skip


@settings(max_examples=int(os.environ.get("HARDEN_EXAMPLES", "300")), deadline=None)
@given(st.lists(_MARKUP, max_size=25).map("".join))
def test_any_text_is_shown_as_written(text: str) -> None:
    """Random runs of Markdown's special characters: shown as text, wherever they stand."""
    expected = " ".join(text.split())
    for template in ("{}", "- {}", "> {}", "### {}", "*Note.* {}"):
        collect = _html(template.format(md_text(text)))
        assert all(tag in ("p", "ul", "li", "blockquote", "h3", "em") for tag, _ in collect.tags)
        shown = " ".join("".join(collect.text).split())
        if template == "*Note.* {}":
            shown = shown.removeprefix("Note.").strip()
        assert shown == expected, (template, md_text(text))
    # In a table cell (line breaks become <br>) and in an image's alt text.
    collect = _html(f"| h |\n|---|\n| {md_cell(text)} |")
    assert {tag for tag, _ in collect.tags} <= {"table", "thead", "tbody", "tr", "th", "td", "br"}
    assert "".join("".join(collect.text).split()) == "h" + "".join(text.split())
    image = _html(f"![{md_link_text(text)}](fig.png)")
    assert [tag for tag, _ in image.tags] == ["p", "img"]
    assert " ".join(dict(image.tags[1][1])["alt"].split()) == expected
