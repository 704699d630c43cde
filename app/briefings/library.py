"""A set of briefings with search and filter, and reading a folder of briefing files into one.

The app's library lives in the database (app/library_store); the folder is read to seed it, by
`import-folder`, and by `briefings check`.

A broken file never takes the library down: it becomes a Problem that names the file and the line, and every
other briefing stays available.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .files import BriefingFileError, Problem, read_file
from .markup import plain_text
from .model import Briefing

BRIEFING_SUFFIX = ".md"


@dataclass
class Library:
    folder: Path
    briefings: dict[str, Briefing] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict, repr=False)  # id -> the text each was read from, if kept
    _search_text: dict[str, str] = field(default_factory=dict, repr=False)

    def get(self, briefing_id: str) -> Briefing | None:
        return self.briefings.get(briefing_id)

    def all(self) -> list[Briefing]:
        return sorted(self.briefings.values(), key=lambda b: (b.publisher.casefold(), b.title.casefold()))

    def themes(self) -> list[str]:
        """Every theme used by a briefing, once, in alphabetical order."""
        seen = {theme.casefold(): theme for b in self.briefings.values() for theme in b.themes}
        return [seen[key] for key in sorted(seen)]

    def search(self, words: str = "", theme: str = "") -> list[Briefing]:
        """Briefings with the theme (when given) whose text holds every word of `words`, in any order."""
        wanted = [w for w in re.findall(r"\w+", words.casefold())]
        theme_key = theme.strip().casefold()
        found = []
        for briefing in self.all():
            if theme_key and theme_key not in (t.casefold() for t in briefing.themes):
                continue
            text = self._text_of(briefing)
            if all(word in text for word in wanted):
                found.append(briefing)
        return found

    def _text_of(self, briefing: Briefing) -> str:
        if briefing.id not in self._search_text:
            parts = [briefing.publisher, briefing.review_type, *briefing.themes]
            parts += [plain_text(text) for text in briefing.texts()]
            self._search_text[briefing.id] = " ".join(parts).casefold()
        return self._search_text[briefing.id]


def briefing_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == BRIEFING_SUFFIX and p.is_file())


def display_path(path: Path) -> str:
    """How a file is named in messages: relative to the working directory when it is below it."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


def load_library(folder: Path | str) -> Library:
    folder = Path(folder)
    library = Library(folder=folder)
    if not folder.is_dir():
        library.problems.append(
            Problem(display_path(folder), 0, "the briefings folder does not exist; create it or set BRIEFINGS_DIR")
        )
        return library
    first_file_of: dict[str, str] = {}
    for path in briefing_files(folder):
        name = display_path(path)
        try:
            briefing = read_file(path, name)
        except BriefingFileError as error:
            library.problems.extend(error.problems)
            continue
        except OSError as error:
            library.problems.append(Problem(name, 0, f"the file cannot be read: {error.strerror}"))
            continue
        briefing.path = path.name
        if briefing.id in first_file_of:
            library.problems.append(
                Problem(
                    name,
                    1,
                    f"duplicate id '{briefing.id}': {first_file_of[briefing.id]} already uses it; give this briefing"
                    " its own id",
                )
            )
            continue
        first_file_of[briefing.id] = name
        library.briefings[briefing.id] = briefing
    return library
