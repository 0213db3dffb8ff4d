"""Plain text made inert for CommonMark (and GitHub's table, strikethrough and autolink rules).

Everything a report prints comes from somebody's file: free-text answers,
CSV header names, respondent ids, labels, titles, exclusion reasons. In a
Markdown report each of them must read as the same text, never as markup: no
HTML block or inline HTML, no link, image or autolink, no heading, list,
quote or code block at the start of a line, no emphasis, code span or
strikethrough, no table pipe, and no line break that could start any of those.

The escaping is by backslash, which CommonMark defines for every ASCII
punctuation character, so the text a reader sees is exactly the original.
Characters that are markup only in some positions are escaped only there, so
the raw file stays readable (``pss_at_workplace``, ``3.5``, ``age > 90``).
"""

from __future__ import annotations

import re

# Markup wherever it stands: backslash, code spans, emphasis, strikethrough, table cells,
# headings' closing hashes, GitHub's e-mail autolinks; "<" before what starts a tag, a
# comment or an autolink; "]" before what makes a link or image ("](", "][", "]:"). A
# bare "[x]" is a link only if a definition "[x]: url" starts a line (escaped below).
_ALWAYS = re.compile(r"[\\`*|~#@]|<(?=[A-Za-z/!?])|\](?=[(\[:])")
# "_" opens or closes emphasis only at a word edge, "&" only in an entity reference,
# ">" only at the start of a line (a block quote), and autolinked bare addresses
# need "www." or "://" (GitHub's extension).
_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_AUTOLINK = re.compile(r"(?i)\b(www)\.|(?<=\w):(?=//)")
# Inside a link's or image's own text every bracket counts (they must balance).
_IN_LINK = re.compile(r"[\\`*|~#@\[\]]|<(?=[A-Za-z/!?])")
# Block markup that takes effect only at the start of a line (after up to 3 spaces):
# list items (-, +, *, "1." "1)"), block quotes, link definitions, thematic breaks and setext
# underlines (=, -).
_LINE_START = re.compile(
    r"^(\d{1,9})([.)])(?=[ \t]|$)|^([-+])(?=[ \t]|$)|^([>\[])|^([-=])(?=[-= \t]*$)"
)
_NEWLINES = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def md_text(text: object, *, newline: str = " ", cell: bool = False, brackets: bool = False) -> str:
    """``text`` escaped so that CommonMark shows it as written, on one line.

    Line breaks become ``newline`` (a space, or ``<br>`` inside a table cell,
    which is the report's own markup); control characters are dropped; leading
    blanks, which would make an indented code block, are removed.
    """
    text = _CONTROL.sub("", str(text)).replace("\t", " ")
    parts = [_escape_line(line.strip(), cell, brackets) for line in _NEWLINES.split(text)]
    return newline.join(p for p in parts if p) if len(parts) > 1 else parts[0]


def _escape_line(line: str, cell: bool, brackets: bool) -> str:
    line = (_IN_LINK if brackets else _ALWAYS).sub(lambda m: "\\" + m.group(0), line)
    line = _UNDERSCORE.sub(r"\\_", line)
    line = _ENTITY.sub(r"\\&", line)
    line = _AUTOLINK.sub(lambda m: f"{m.group(1)}\\." if m.group(1) else "\\:", line)
    if cell:  # a table cell never starts a line, so no block markup can begin in it
        return line
    return _LINE_START.sub(
        lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else "\\" + m.group(0), line
    )


def md_cell(text: object) -> str:
    """A table cell: as :func:`md_text`, line breaks shown as ``<br>``."""
    return md_text(text, newline="<br>", cell=True)


def md_link_text(text: object) -> str:
    """The text of a link or image (alt text): as :func:`md_text`, every bracket escaped."""
    return md_text(text, brackets=True)


def md_link_target(path: str) -> str:
    """A relative link target (a figure file), percent-encoded so no character can end it."""
    from urllib.parse import quote

    return quote(path, safe="/")
