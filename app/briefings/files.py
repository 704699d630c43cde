"""Read and write briefing files: Markdown with YAML front matter (see docs/briefing-format.md).

Parsing collects every problem it can find, each with the file and the line, and a message that says how to
fix it, so `flask briefings check` can list them all at once and the library can show the rest of the
briefings while naming the broken file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import frontmatter
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from .markup import image_words, links_in
from .model import FRONT_MATTER_FIELDS, SECTION_KINDS, Block, Briefing, Item, Section

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A section heading ends with its attributes: "## What was the Learning? {kind=learning}".
HEADING_ATTRS = re.compile(r"^(?P<text>.*?)\s*\{(?P<attrs>[^{}]*)\}\s*$")
ATTR = re.compile(r"""(?P<key>[a-z_]+)\s*=\s*(?P<value>"[^"]*"|'[^']*'|[^\s"']+)""")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "message": self.message}


class BriefingFileError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _block_parser() -> MarkdownIt:
    # Raw HTML off: "<script>" in a briefing file is text, never markup.
    return MarkdownIt("commonmark", {"html": False})


# --- writing ---------------------------------------------------------------------------------------------

# Text that would start a Markdown block (a list, heading, quote, rule, fence or link definition) if it began
# a line is escaped when written and unescaped when read, so every text survives a write and read unchanged.
_BLOCK_START = re.compile(
    r"^(?:#{1,6}(?:\s|$)|>|[-+*](?:\s|$)|(?:[*_-]\s*){3,}$|=+\s*$|`{3,}|~{3,}|\[[^\]]*\]:|\\)"
)
_NUMBER_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_ESCAPED_NUMBER = re.compile(r"^(\d{1,9})\\([.)])(?=\s|$)")


def _escape_line(line: str) -> str:
    if _NUMBER_START.match(line):
        return _NUMBER_START.sub(r"\1\\\2", line, count=1)
    if _BLOCK_START.match(line):
        return "\\" + line
    return line


def _unescape_line(line: str) -> str:
    if _ESCAPED_NUMBER.match(line):
        return _ESCAPED_NUMBER.sub(r"\1\2", line, count=1)
    if line.startswith("\\") and _BLOCK_START.match(line[1:]):
        return line[1:]
    return line


def _escape(text: str, indent: str = "") -> str:
    lines = [_escape_line(line.strip()) for line in text.splitlines() or [""]]
    return ("\n" + indent).join(lines)


def _unescape(text: str) -> str:
    return "\n".join(_unescape_line(line) for line in text.split("\n"))


def dump(briefing: Briefing) -> str:
    """The text of a briefing file, as `parse_text` reads it back."""
    metadata = {name: value for name, value in briefing.front_matter().items() if value not in ("", [], None)}
    parts: list[str] = []
    for section in briefing.sections:
        attrs = f"kind={section.kind}" + (f" number={section.number}" if section.number is not None else "")
        heading = _escape(section.heading).replace("\n", " ") if section.heading else ""
        parts.append(f"## {heading} {{{attrs}}}".replace("##  {", "## {"))
        for block in section.blocks:
            if block.type == "subheading":
                parts.append("### " + _escape(block.text).replace("\n", " "))
            elif block.type == "paragraph":
                parts.append(_escape(block.text))
            else:
                parts.append(_dump_list(block))
    body = "\n\n".join(parts)
    post = frontmatter.Post(body, **metadata)
    return frontmatter.dumps(post, sort_keys=False) + "\n"


def _dump_list(block: Block) -> str:
    lines: list[str] = []
    for index, item in enumerate(block.items, start=1):
        marker = f"{item.number if item.number is not None else index}." if block.ordered else "-"
        indent = " " * (len(marker) + 1)
        entry = f"{marker} {_escape(item.text, indent)}"
        for note in item.notes:
            entry += f"\n\n{indent}{_escape(note, indent)}"
        lines.append(entry)
    # Items with notes need a blank line between them, or a note would run into the next item.
    separator = "\n\n" if any(item.notes for item in block.items) else "\n"
    return separator.join(lines)


# --- reading ---------------------------------------------------------------------------------------------


def read_file(path: Path, display: str | None = None) -> Briefing:
    """Read and validate one briefing file; raises BriefingFileError listing every problem found."""
    name = display or str(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise BriefingFileError(
            [Problem(name, line, "the file is not UTF-8 text; save it again as UTF-8")]
        ) from None
    briefing = parse_text(text, name, default_id=path.stem)
    return briefing


def parse_text(text: str, path: str = "briefing.md", *, default_id: str | None = None) -> Briefing:
    briefing, problems = parse_text_and_problems(text, path, default_id=default_id)
    if problems:
        raise BriefingFileError(problems)
    return briefing


def parse_text_and_problems(
    text: str, path: str = "briefing.md", *, default_id: str | None = None
) -> tuple[Briefing, list[Problem]]:
    """The briefing as far as it can be read, and every problem found (sorted by line).

    The library store keeps drafts that do not pass the checks yet (an empty section, no title): it reads them
    back with this, so an editor gets back everything they saved along with what still needs fixing.
    """
    problems: list[Problem] = []
    metadata, body, body_offset = _split_front_matter(text, path, problems)
    front_matter_read = not problems  # a broken front matter is one problem, not also "no title"
    briefing = _front_matter(metadata, path, problems if front_matter_read else [], default_id or Path(path).stem)
    briefing.sections = _sections(body, body_offset, path, problems)
    if not briefing.sections and not problems:
        problems.append(
            Problem(path, body_offset + 1, "the briefing has no sections; add one: '## Background {kind=background}'")
        )
    briefing.path = path
    return briefing, sorted(problems, key=lambda problem: problem.line)


def _split_front_matter(text: str, path: str, problems: list[Problem]) -> tuple[dict, str, int]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.append(
            Problem(path, 1, "no front matter: start the file with a '---' line, then 'id:' and 'title:', then '---'")
        )
        return {}, text, 0
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            yaml_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            break
    else:
        problems.append(Problem(path, 1, "the front matter is never closed: add a '---' line after it"))
        return {}, "", len(lines)
    try:
        metadata = yaml.safe_load(yaml_text) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        problem = getattr(error, "problem", None) or "it is not valid YAML"
        problems.append(Problem(path, line, f"broken front matter: {problem}; check the quoting and indentation"))
        return {}, body, index + 1
    if not isinstance(metadata, dict):
        problems.append(Problem(path, 2, "the front matter must be 'name: value' lines (id, title, publisher, ...)"))
        return {}, body, index + 1
    # Line numbers of each front matter field, for messages about their values.
    metadata["__lines__"] = {
        match.group(1): number + 2
        for number, line in enumerate(lines[1:index])
        if (match := re.match(r"^([A-Za-z_][\w-]*)\s*:", line))
    }
    return metadata, body, index + 1


def _front_matter(metadata: dict, path: str, problems: list[Problem], default_id: str) -> Briefing:
    lines: dict[str, int] = metadata.pop("__lines__", {})

    def problem(field: str, message: str) -> None:
        problems.append(Problem(path, lines.get(field, 1), message))

    for key in metadata:
        if key not in FRONT_MATTER_FIELDS:
            guess = difflib.get_close_matches(str(key), FRONT_MATTER_FIELDS, n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else f"use one of: {', '.join(FRONT_MATTER_FIELDS)}"
            problem(key, f"unknown front matter field '{key}': {hint}")

    def text(field: str) -> str:
        value = metadata.get(field)
        if value is None:
            return ""
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value).strip()
        problem(field, f"'{field}' must be text")
        return ""

    title = text("title")
    if not title and "title" not in lines:
        problems.append(Problem(path, 1, "the briefing has no title: add 'title: ...' to the front matter"))
    elif not title:
        problem("title", "the title is empty: write the briefing's title after 'title:'")
    briefing_id = text("id") or default_id
    if not ID_PATTERN.match(briefing_id):
        problem("id", f"the id '{briefing_id}' must be lowercase letters, digits and hyphens, like 'wigan-child-3'")
    themes = metadata.get("themes") or []
    if isinstance(themes, str):
        themes = [themes]
    if not isinstance(themes, list) or not all(isinstance(t, str) and t.strip() for t in themes):
        problem("themes", "'themes' must be a list of words, like: [neglect, domestic abuse]")
        themes = []
    return Briefing(
        id=briefing_id,
        title=title,
        publisher=text("publisher"),
        review_type=text("review_type"),
        themes=[theme.strip() for theme in themes],
        source=text("source"),
        date=text("date"),
    )


def _sections(body: str, offset: int, path: str, problems: list[Problem]) -> list[Section]:
    tokens = _block_parser().parse(body)
    sections: list[Section] = []

    def line_of(token: Token) -> int:
        return offset + (token.map[0] if token.map else 0) + 1

    def current(token: Token) -> Section | None:
        if sections:
            return sections[-1]
        problems.append(
            Problem(
                path,
                line_of(token),
                "text before the first section: start a section with a heading like '## Background {kind=background}'",
            )
        )
        return None

    index = 0
    while index < len(tokens):
        token = tokens[index]
        end = _closing_index(tokens, index)
        if token.type == "heading_open":
            heading = _unescape(tokens[index + 1].content)
            if token.tag == "h1":
                problems.append(
                    Problem(path, line_of(token), "use '##' for a section heading; the title goes in the front matter")
                )
            elif token.tag == "h2":
                sections.append(_section_heading(heading, line_of(token), path, problems))
            elif (section := current(token)) is not None:
                section.blocks.append(Block("subheading", text=heading, line=line_of(token)))
        elif token.type == "paragraph_open":
            text = _unescape(tokens[index + 1].content)
            if (section := current(token)) is not None:
                section.blocks.append(Block("paragraph", text=text, links=links_in(text), line=line_of(token)))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            block = Block("list", ordered=token.type == "ordered_list_open", line=line_of(token))
            block.items = _list_items(tokens[index + 1 : end], path, problems, offset)
            if (section := current(token)) is not None:
                section.blocks.append(block)
        else:
            kind = token.type.removesuffix("_open").replace("_", " ")
            problems.append(
                Problem(
                    path,
                    line_of(token),
                    f"a {kind} is not part of the briefing format: use paragraphs, '-' lists and '##' headings",
                )
            )
        index = end + 1

    for token in tokens:
        if token.type == "inline":
            problems.extend(_image_problems(token, offset, path))

    for section in sections:
        if section.is_empty():
            problems.append(
                Problem(path, section.line or 1, f"the section '{section.label}' is empty: add its text or remove it")
            )
    return sections


def _image_problems(inline: Token, offset: int, path: str) -> list[Problem]:
    """Every image in one paragraph, heading or item, each on its own line (references resolved)."""
    problems: list[Problem] = []
    line = offset + (inline.map[0] if inline.map else 0) + 1
    for child in inline.children or []:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "image":
            problems.append(Problem(path, line, _image_message(child)))
    return problems


def _image_message(image: Token) -> str:
    # Briefings show no images: a picture from another site would tell that site who reads which briefing (and
    # when), and a meeting room is often offline. Pages, handouts and decks show the image's words instead.
    address = str(image.attrGet("src") or "")
    words = " ".join(image_words(image).split())
    named = f"the image '{words}'" if words else "an image"
    fix = "briefings show no images; remove the image and describe it in words"
    try:
        host = urlsplit(address).hostname
    except ValueError:
        host = None
    if host:
        return f"{named} loads from another site ({host}), which would tell that site who is reading: {fix}"
    shown = address if len(address) <= 60 else address[:57] + "..."
    return f"{named} ({shown}) is not part of the briefing format: {fix}"


def _closing_index(tokens: list[Token], start: int) -> int:
    """Index of the token that closes the one at `start` (itself, for a token that opens nothing)."""
    if tokens[start].nesting != 1:
        return start
    depth = 0
    for index in range(start, len(tokens)):
        depth += tokens[index].nesting
        if depth == 0:
            return index
    return len(tokens) - 1


def _section_heading(heading: str, line: int, path: str, problems: list[Problem]) -> Section:
    match = HEADING_ATTRS.match(heading)
    kinds = ", ".join(SECTION_KINDS)
    if not match:
        problems.append(
            Problem(path, line, f"the heading '{heading}' has no kind: end it with {{kind=...}}, one of: {kinds}")
        )
        return Section(kind="other", heading=heading, line=line)
    attrs = {m.group("key"): m.group("value").strip("\"'") for m in ATTR.finditer(match.group("attrs"))}
    kind = attrs.pop("kind", "")
    number_text = attrs.pop("number", None)
    for key in attrs:
        problems.append(Problem(path, line, f"unknown heading attribute '{key}': use kind=... and number=..."))
    if kind not in SECTION_KINDS:
        guess = difflib.get_close_matches(kind, SECTION_KINDS, n=1)
        hint = f" (did you mean '{guess[0]}'?)" if guess else ""
        shown = f"unknown section kind '{kind}'{hint}" if kind else "the heading's {...} has no kind=..."
        problems.append(Problem(path, line, f"{shown}; use one of: {kinds}"))
        kind = "other"
    number = None
    if number_text is not None:
        if number_text.isdigit():
            number = int(number_text)
        else:
            problems.append(Problem(path, line, f"number={number_text} must be a whole number, like number=3"))
    return Section(kind=kind, heading=match.group("text").strip(), number=number, line=line)


def _list_items(tokens: list[Token], path: str, problems: list[Problem], offset: int) -> list[Item]:
    """Items of one list. An item's first paragraph is its text; later paragraphs and sub-items are notes."""
    items: list[Item] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        end = _closing_index(tokens, index)
        if token.type == "list_item_open":
            inner = [t for t in tokens[index + 1 : end] if t.type == "inline"]
            texts = [_unescape(t.content) for t in inner]
            line = offset + (token.map[0] if token.map else 0) + 1
            if not texts or not texts[0].strip():
                problems.append(Problem(path, line, "an empty list item: write its text after the '-' or remove it"))
            else:
                number = int(token.info) if token.info.isdigit() else None
                notes = texts[1:]
                items.append(
                    Item(
                        text=texts[0],
                        notes=notes,
                        number=number,
                        links=links_in(texts[0]),
                        note_links=[links_in(note) for note in notes],
                    )
                )
        index = end + 1
    return items
