"""The briefing domain: plain data, no Flask.

A briefing is front matter plus sections in reading order. A section keeps the heading its publisher used
and carries a kind from one vocabulary (SECTION_KINDS), so a session template can ask for "the learning" or
"the reflection questions" whatever a partnership called them. Content inside a section keeps its order as
blocks: paragraphs, sub-headings and lists whose items can carry notes.

Text is kept as inline Markdown source (the way the publisher wrote it, links as ``[text](address)``);
``markup.py`` renders it with raw HTML switched off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# One vocabulary of section kinds, with the label shown when a section has no heading of its own and a
# one-line meaning used by the docs and the `briefings check` messages.
SECTION_KINDS: dict[str, tuple[str, str]] = {
    "background": ("Background", "the story: what happened to the child or adult"),
    "concerns": ("Areas of concern", "what worried professionals"),
    "missed_opportunities": ("Missed opportunities", "where things could have gone differently"),
    "learning": ("Learning", "key learning from the review"),
    "good_practice": ("Good practice", "what went well"),
    "actions_taken": ("Actions taken", "what agencies have already changed"),
    "why_it_matters": ("Why it matters", "local context: why this matters here"),
    "reflection": ("Questions to consider", "questions for the team to discuss"),
    "what_to_do": ("What to do now", "what you can do now; advice for professionals or communities"),
    "resources": ("Where to learn more", "links and further reading"),
    "about": ("About this briefing", "notes on how to use the briefing"),
    "other": ("Other", "anything that fits none of the kinds above"),
}


def kind_label(kind: str) -> str:
    return SECTION_KINDS.get(kind, SECTION_KINDS["other"])[0]


@dataclass(frozen=True)
class Link:
    text: str
    href: str

    def to_dict(self) -> dict:
        return {"text": self.text, "href": self.href}


@dataclass
class Item:
    """A list item. ``notes`` belong to the point above them (Warwickshire's "Learning for Practice")."""

    text: str
    notes: list[str] = field(default_factory=list)
    number: int | None = None  # the publisher's own number, for numbered lists
    links: list[Link] = field(default_factory=list)
    note_links: list[list[Link]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "number": self.number,
            "notes": [
                {"text": note, "links": [link.to_dict() for link in links]}
                for note, links in zip(self.notes, self._note_links())
            ],
            "links": [link.to_dict() for link in self.links],
        }

    def _note_links(self) -> list[list[Link]]:
        return self.note_links + [[] for _ in range(len(self.notes) - len(self.note_links))]


@dataclass
class Block:
    """One piece of a section's content, in reading order.

    type "paragraph" and "subheading" use ``text``; type "list" uses ``items`` and ``ordered``.
    """

    type: Literal["paragraph", "subheading", "list"]
    text: str = ""
    items: list[Item] = field(default_factory=list)
    ordered: bool = False
    links: list[Link] = field(default_factory=list)
    line: int | None = None

    def to_dict(self) -> dict:
        if self.type == "list":
            return {"type": "list", "ordered": self.ordered, "items": [item.to_dict() for item in self.items]}
        data = {"type": self.type, "text": self.text}
        if self.type == "paragraph":
            data["links"] = [link.to_dict() for link in self.links]
        return data


@dataclass
class Section:
    kind: str
    heading: str  # as the publisher wrote it; "" for text that came before any heading
    blocks: list[Block] = field(default_factory=list)
    number: int | None = None  # numbered segments ("1. Introduction") keep their number
    line: int | None = None  # line in the briefing file, for error messages

    @property
    def label(self) -> str:
        """What to show as the section's title: its own heading, or the kind's label when it has none."""
        return self.heading or kind_label(self.kind)

    @property
    def numbered_label(self) -> str:
        """The label with the publisher's segment number, when it has one: "3. Missed opportunities"."""
        return f"{self.number}. {self.label}" if self.number is not None else self.label

    @property
    def paragraphs(self) -> list[str]:
        return [block.text for block in self.blocks if block.type == "paragraph"]

    @property
    def items(self) -> list[Item]:
        return [item for block in self.blocks if block.type == "list" for item in block.items]

    @property
    def links(self) -> list[Link]:
        found: list[Link] = []
        for block in self.blocks:
            found.extend(block.links)
            for item in block.items:
                found.extend(item.links)
                for links in item.note_links:
                    found.extend(links)
        return found

    def is_empty(self) -> bool:
        return not any(
            (block.type == "list" and block.items) or (block.type != "list" and block.text.strip())
            for block in self.blocks
        )

    def texts(self) -> list[str]:
        """Every piece of text in the section, heading first, in reading order."""
        out = [self.heading] if self.heading else []
        for block in self.blocks:
            if block.type == "list":
                for item in block.items:
                    out.append(item.text)
                    out.extend(item.notes)
            else:
                out.append(block.text)
        return out

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "heading": self.heading,
            "label": self.label,
            "number": self.number,
            "blocks": [block.to_dict() for block in self.blocks],
            "paragraphs": self.paragraphs,
            "items": [item.to_dict() for item in self.items],
            "links": [link.to_dict() for link in self.links],
        }


# Front matter fields, in the order they are written to a file.
FRONT_MATTER_FIELDS = ("id", "title", "publisher", "review_type", "themes", "source", "date")


@dataclass
class Briefing:
    id: str
    title: str
    publisher: str = ""
    review_type: str = ""
    themes: list[str] = field(default_factory=list)
    source: str = ""  # where it was published (an address or a citation)
    date: str = ""  # any date known, as ISO text: "2022", "2022-03" or "2022-03-14"
    sections: list[Section] = field(default_factory=list)
    path: str = ""  # the file it was read from, relative to the briefings folder

    def sections_of(self, *kinds: str) -> list[Section]:
        return [section for section in self.sections if section.kind in kinds]

    def texts(self) -> list[str]:
        out = [self.title]
        for section in self.sections:
            out.extend(section.texts())
        return out

    def front_matter(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "publisher": self.publisher,
            "review_type": self.review_type,
            "themes": list(self.themes),
            "source": self.source,
            "date": self.date,
        }

    def summary_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "publisher": self.publisher, "themes": list(self.themes)}

    def to_dict(self) -> dict:
        return {**self.front_matter(), "file": self.path, "sections": [s.to_dict() for s in self.sections]}


# --- reading back the dictionaries above (a session keeps a snapshot of what it showed) -----------------


def link_from_dict(data: dict) -> Link:
    return Link(text=data["text"], href=data["href"])


def item_from_dict(data: dict) -> Item:
    return Item(
        text=data["text"],
        number=data.get("number"),
        notes=[note["text"] for note in data.get("notes", [])],
        links=[link_from_dict(link) for link in data.get("links", [])],
        note_links=[[link_from_dict(link) for link in note.get("links", [])] for note in data.get("notes", [])],
    )


def block_from_dict(data: dict) -> Block:
    if data["type"] == "list":
        return Block("list", ordered=data.get("ordered", False), items=[item_from_dict(i) for i in data["items"]])
    return Block(data["type"], text=data["text"], links=[link_from_dict(link) for link in data.get("links", [])])


def section_from_dict(data: dict) -> Section:
    return Section(
        kind=data["kind"],
        heading=data["heading"],
        number=data.get("number"),
        blocks=[block_from_dict(block) for block in data["blocks"]],
    )
