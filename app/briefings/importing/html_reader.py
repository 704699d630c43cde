"""Saved web pages (.html/.htm): the article's headings, paragraphs, lists and links as source lines.

Which part of a page is the article, and which is navigation, cookie banners, headers, footers and "related
news", is decided by trafilatura (a maintained main-content extractor, README "Choices"), not by rules of our
own. The importer then makes sure nothing is silently lost: the whole page is also read as text, line by line
(``source_lines``), and every line of it the extractor left out is listed in the report as set aside, with a
reason named from where it sat on the page (a ``<nav>``, a cookie notice, the ``<footer>``, an image's alt
text), so a person can put it back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .blocks import SourceLine, normalise
from .limits import ImportLimits, check_characters
from .report import HOW_HTML, ImportFailed, SetAside
from .titles import is_organisation

# Elements that end a line of text when the page is read as plain text.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote body br button dd details dialog div dl dt fieldset figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hr li main nav ol option p pre section select summary table tbody td tfoot th "
    "thead tr ul label legend caption".split()
)
_SKIPPED_TAGS = frozenset("script style noscript template svg math head iframe object canvas".split())
_HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4}


@dataclass
class PageLine:
    """One line of the page read as plain text, with the element it came from (to name why it was set aside)."""

    text: str
    element: object  # the lxml element holding the text
    image_text: bool = False


@dataclass
class HtmlPage:
    lines: list[SourceLine]  # the article, as the extractor found it
    source_lines: list[str]  # the whole page read as text
    set_aside: list[SetAside] = field(default_factory=list)
    title: str = ""  # from the page's metadata
    publisher: str = ""
    date: str = ""  # ISO


def html_lines(text: str, name: str, limits: ImportLimits) -> HtmlPage:
    """The article of a saved web page as source lines, and every other line of the page as set aside."""
    import lxml.html  # lxml comes with python-docx; trafilatura is imported only when a web page is imported
    import trafilatura
    from lxml import etree

    named = f"'{name}'"
    # The parser wants text without an XML encoding declaration; the bytes were decoded already.
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    try:
        tree = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        raise ImportFailed(f"{named} could not be read as a web page: save it again from the browser.") from None
    _mark_other_articles(tree)
    page = _page_lines(tree)
    if len(page) > limits.max_lines * 2:  # the extractor takes about a second per 2,000 lines
        raise ImportFailed(
            f"{named} has {len(page):,} lines of text, far more than a web page holding one briefing: check it is "
            "the right page, or copy the briefing's text into a .txt file and import that."
        )
    check_characters(sum(len(line.text) + 1 for line in page), limits, named)
    if not page:
        raise ImportFailed(f"{named} has no text: check it is the saved page, not a link to it.")

    article_only = lxml.html.document_fromstring(text)
    _mark_other_articles(article_only)
    for other in article_only.xpath("//*[@data-next-item]"):
        other.drop_tree()
    extracted = trafilatura.extract(
        article_only,
        output_format="xml",
        include_links=True,
        include_tables=True,
        include_comments=False,
        include_images=False,
        favor_recall=True,  # a briefing's short lines ("Learning Point") must not be judged boilerplate
        deduplicate=False,  # the same heading twice ("How to enhance your practice") is the briefing's own
        with_metadata=False,
    )
    lines = _article_lines(etree.fromstring(extracted.encode("utf-8"))) if extracted else []
    # Only the dates the page states about itself (its metadata), not the first year its text mentions.
    metadata = trafilatura.extract_metadata(tree, extensive=False)
    if not lines:
        # The extractor found no article (a very short page): read the page as it is, a person sorts it out.
        lines = [SourceLine(text=line.text) for line in page if not line.image_text]
    _add_title_if_missing(lines, page)
    set_aside = _align(lines, page)
    return HtmlPage(
        lines=lines,
        source_lines=[line.text for line in page],
        set_aside=set_aside,
        title=normalise(getattr(metadata, "title", None) or ""),
        publisher=normalise(getattr(metadata, "sitename", None) or "") or _publisher_from_page_title(tree),
        date=getattr(metadata, "date", None) or "",
    )


def _mark_other_articles(tree) -> None:
    """On a listing page the briefing is the <article> holding the page's h1; the other <article>s after it
    are the next items (the next news story), which are cut off and reported, never merged."""
    headline = tree.find(".//h1")
    if headline is None:
        return
    own = next((ancestor for ancestor in headline.iterancestors() if ancestor.tag == "article"), None)
    if own is None:
        return
    for other in tree.iter("article"):
        if other is own or own in other.iterancestors() or other in own.iterancestors():
            continue
        if other.getparent() is not None:
            other.set("data-next-item", "")


def _publisher_from_page_title(tree) -> str:
    """"7 Minute Briefing: Child Q | Anytown Safeguarding Children Partnership" -> the organisation's part."""
    title = normalise(tree.findtext(".//title") or "")
    parts = [part.strip() for part in re.split(r"\s+[|–—-]\s+", title) if part.strip()]
    for part in parts[1:][::-1]:
        if is_organisation(part):
            return part
    return ""


# --- the page as plain text --------------------------------------------------------------------------------


def _page_lines(tree) -> list[PageLine]:
    """Every piece of text on the page, a line per block element, in document order; alt text of images too."""
    body = tree.find("body")
    root = body if body is not None else tree
    lines: list[PageLine] = []
    pieces: list[str] = []
    holder = [root]

    def flush() -> None:
        line = normalise("".join(pieces))
        pieces.clear()
        if line:
            lines.append(PageLine(line, holder[0]))

    def walk(element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _SKIPPED_TAGS or not tag:
            if element.tail:
                pieces.append(element.tail)
            return
        block = tag in _BLOCK_TAGS
        if block:
            flush()
            holder[0] = element
        if tag == "img" and (alt := normalise(element.get("alt") or "")):
            flush()
            lines.append(PageLine(alt, element, image_text=True))
        if element.text:
            pieces.append(element.text)
        for child in element:
            walk(child)
        if block:
            flush()
            holder[0] = element.getparent() if element.getparent() is not None else root
        if element.tail:
            pieces.append(element.tail)

    walk(root)
    flush()
    return lines


# --- the article, from the extractor's XML --------------------------------------------------------------------


def _inline(element) -> str:
    """An element's text with its links as Markdown links ("Read the [full report](https://...)")."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == "list":
            break  # a nested list is read as items of its own
        if child.tag == "ref" and (target := (child.get("target") or "").strip()):
            words = normalise("".join(child.itertext()))
            if words:
                label = words.replace("[", "\\[").replace("]", "\\]")
                parts.append(f"[{label}]({target.replace(' ', '%20').replace(')', '%29')})")
            else:
                parts.append(target)
        elif child.tag == "lb":
            parts.append(" ")
        else:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return normalise("".join(parts))


def _article_lines(document) -> list[SourceLine]:
    main = document.find("main")
    lines: list[SourceLine] = []
    seen_title = False

    def add(text: str, **details) -> None:
        if text:
            lines.append(SourceLine(text=text, **details))

    def read_list(element) -> None:
        ordered = (element.get("rend") or "").lower() == "ol"
        number = 0
        for item in element.findall("item"):
            number += 1
            if ordered:
                add(_inline(item), style="numbered", number=number)
            else:
                add(_inline(item), style="bullet")
            for nested in item.findall("list"):
                read_list(nested)

    def read(element) -> None:
        nonlocal seen_title
        for child in element:
            tag = child.tag
            if tag == "head":
                level = (child.get("rend") or "h2").lower()
                if level == "h1" and not seen_title:
                    seen_title = True
                    add(_inline(child), style="title", how=HOW_HTML)
                elif level in ("h1", "h2", "h3", "h4"):
                    add(_inline(child), style="heading", how=HOW_HTML)
                else:
                    add(_inline(child))  # h5, h6: bold lines within a section, read like any other line
            elif tag == "list":
                read_list(child)
            elif tag == "table":
                for row in child.iter("row"):
                    for cell in row.findall("cell"):
                        if cell.find("p") is not None or cell.find("list") is not None:
                            read(cell)
                        else:
                            add(_inline(cell))
            elif tag in ("quote", "div", "section"):
                if child.text and child.text.strip():
                    add(_inline(child))
                else:
                    read(child)
            else:
                add(_inline(child))

    if main is not None:
        read(main)
    return lines


def _add_title_if_missing(lines: list[SourceLine], page: list[PageLine]) -> None:
    """The page's first h1 as the title line, when the extractor left it out of the article."""
    if any(line.style == "title" for line in lines):
        return
    for line in page:
        if getattr(line.element, "tag", "") == "h1":
            lines.insert(0, SourceLine(text=line.text, style="title", how=HOW_HTML))
            return


# --- lining up the article with the page: what was left out ------------------------------------------------------

_MARKDOWN_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\([^)]*\)")


def _key(text: str) -> str:
    plain = _MARKDOWN_LINK.sub(lambda match: match.group(1).replace("\\[", "[").replace("\\]", "]"), text)
    return " ".join(plain.casefold().split())


def _align(lines: list[SourceLine], page: list[PageLine]) -> list[SetAside]:
    """Give each article line its line on the page; list the page's other lines as set aside, with a reason."""
    keys = [_key(line.text) for line in page]
    used = [False] * len(page)
    where: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        where.setdefault(key, []).append(index)
    position = 0
    for line in lines:
        key = _key(line.text)
        candidates = [index for index in where.get(key, []) if not used[index]]
        after = [index for index in candidates if index >= position]
        chosen = after[0] if after else (candidates[0] if candidates else None)
        if chosen is not None:
            used[chosen] = True
            position = chosen + 1
        line.source_line = (chosen if chosen is not None else min(position, len(page) - 1)) + 1
    _restore_headings(lines, page, used)
    # A page line the extractor split or joined differently is kept when its words are inside an article line.
    article_text = "\n".join(_key(line.text) for line in lines)
    set_aside = []
    for index, page_line in enumerate(page):
        # Only a longer line counts as found inside an article line: "Search" is in "strip searched".
        inside = len(keys[index]) >= 25 and keys[index] in article_text
        if used[index] or (not page_line.image_text and inside):
            continue
        set_aside.append(SetAside(text=page_line.text, reason=_reason(page_line), line=index + 1))
    return set_aside


def _restore_headings(lines: list[SourceLine], page: list[PageLine], used: list[bool]) -> None:
    """Put back the page's h2-h4 headings that lie inside the article but that the extractor dropped (it may
    take a heading right under the h1 for a second title): a section's heading is the briefing's own text."""
    matched = [index for index, flag in enumerate(used) if flag]
    if not matched:
        return
    first, last = matched[0], matched[-1]
    for index in range(first, last + 1):
        tag = getattr(page[index].element, "tag", "")
        if used[index] or tag not in ("h2", "h3", "h4") or _in_next_item(page[index].element):
            continue
        used[index] = True
        position = next((at for at, line in enumerate(lines) if (line.source_line or 0) > index + 1), len(lines))
        lines.insert(position, SourceLine(text=page[index].text, style="heading", how=HOW_HTML, source_line=index + 1))


def _in_next_item(element) -> bool:
    while element is not None:
        if element.get("data-next-item") is not None:
            return True
        element = element.getparent()
    return False


_DATE_LINE = re.compile(
    r"^(?:published|posted|last (?:updated|reviewed|modified)|updated|reviewed|date(?: published)?)\b",
    re.IGNORECASE,
)
_COOKIE = re.compile(r"cookie|consent|gdpr|privacy-banner", re.IGNORECASE)
_NAVIGATION = re.compile(r"\bnav|menu|breadcrumb|skip|pagination|sitemap", re.IGNORECASE)
_ACCESSIBILITY = re.compile(r"access|contrast|text-?size|font-?size|toolbar|readspeaker|browsealoud|recite", re.I)
_MASTHEAD = re.compile(r"header|masthead|banner|logo|brand|site-?name|search", re.IGNORECASE)
_FOOTER = re.compile(r"footer|contentinfo|copyright", re.IGNORECASE)
_SIDEBAR = re.compile(r"aside|sidebar|related|share|social|newsletter|feedback|rating|tags", re.IGNORECASE)


def _reason(line: PageLine) -> str:
    """Why the extractor left a line out, named from the line itself and where it sat on the page."""
    if _in_next_item(line.element):
        return "next item"
    if line.image_text:
        return "image text"
    text = line.text
    if _DATE_LINE.match(text):
        return "date line"
    if re.match(r"^download\b", text, re.IGNORECASE):
        return "download link"
    if re.match(r"^skip to\b", text, re.IGNORECASE):
        return "navigation"
    element = line.element
    marks = []
    while element is not None and getattr(element, "tag", None) not in (None, "body", "html"):
        tag = element.tag if isinstance(element.tag, str) else ""
        described = " ".join(
            filter(None, [tag, element.get("id"), element.get("class"), element.get("role"), element.get("aria-label")])
        )
        marks.append((tag, described))
        element = element.getparent()
    for pattern, reason in (
        (_COOKIE, "cookie banner"),
        (_ACCESSIBILITY, "accessibility toolbar"),
        (_NAVIGATION, "navigation"),
        (_FOOTER, "page footer"),
        (_MASTHEAD, "masthead"),
        (_SIDEBAR, "page furniture"),
    ):
        if any(pattern.search(described) for _, described in marks):
            return reason
    return "page furniture"
