"""How well the importer reads real published briefings: tests/fixtures/importer_corpus/ against what a person expects.

    .venv/bin/python bench/importer_corpus.py                     # every file, then the totals
    .venv/bin/python bench/importer_corpus.py --only devon --json out.json
    .venv/bin/python bench/importer_corpus.py --corpus tests/fixtures/importer_heldout   # the held-out set

`--corpus DIR` scores another folder in the same format (a corpus.yaml and its files): the held-out set
(tests/fixtures/importer_heldout/) is real briefings from publishers outside the corpus, never tuned on, to
measure the importer on briefings it was not built against.

For each file of corpus.yaml it imports the file with the importer as the app has it (app.briefings.importing,
or app.briefings.importer before that package exists) and prints:

- text kept: the share of the source's words found again in the briefing (title, publisher, date, source,
  headings, section and item numbers, text) or in the report's list of lines set aside (report.set_aside, when the
  importer has one). Words are counted with repeats, so a dropped line shows even when its words occur
  elsewhere. The source's words are read independently of the importer: a text file as it is, the <main> of a
  saved web page (navigation, header, footer and cookie banner are furniture the importer may drop), the text
  pypdf extracts from a PDF, a Word document's paragraphs and tables.
- sections: the share of expected sections found with the right kind. Expected sections are matched to the
  imported ones in order: by heading (the same words once numbers and punctuation are ignored, or nearly so)
  or, for a section without a heading, by its first words.
- title: whether the briefing's title is the expected one (or one of its accepted forms), compared without
  case, punctuation or spacing.
- invented: on thematic entries (no learning or actions in them), the kinds among learning, good practice,
  missed opportunities, actions taken and what to do that the importer gave a section although none is expected.
- next item: on a page with an unrelated item after the briefing, whether that item ended up inside it.

Then the totals (text kept over all words, sections over all expected sections, titles), the ids given twice,
and the layouts (corpus.yaml's names) where an entry falls short of the issue's targets: 100% of text kept,
90% of sections with the right kind, 90% of titles, nothing invented, no next item merged. Nothing here asserts
a figure; tests/test_importer_corpus.py checks only that the corpus is well formed.
"""

from __future__ import annotations

import argparse
import difflib
import html.parser
import json
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "tests" / "fixtures" / "importer_corpus"
ACTION_KINDS = ("learning", "good_practice", "missed_opportunities", "actions_taken", "what_to_do")
TARGETS = {"text_kept": 1.0, "sections": 0.9, "titles": 0.9}


def load_importer():
    """The importer the app uses: the package once it exists, the single module before."""
    try:
        from app.briefings import importing as importer  # noqa: PLC0415
    except ImportError:
        from app.briefings import importer  # noqa: PLC0415
    return importer


# --- words ----------------------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words(text: str) -> list[str]:
    """Lower-case words and numbers, with quotes, dashes and accents folded."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return [word.lower() for word in _WORD.findall(text.replace("’", "'").replace("'", ""))]


def normalised(text: str) -> str:
    return " ".join(words(text))


class _MainText(html.parser.HTMLParser):
    """The text inside <main> (or <body> when a page has no <main>), one string per text node."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth_main = 0
        self.depth_skip = 0
        self.seen_main = False
        self.main: list[str] = []
        self.body: list[str] = []
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.depth_main += 1
            self.seen_main = True
        elif tag == "body":
            self.in_body = True
        elif tag in ("script", "style", "template"):
            self.depth_skip += 1

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth_main -= 1
        elif tag in ("script", "style", "template"):
            self.depth_skip -= 1

    def handle_data(self, data):
        if self.depth_skip:
            return
        if self.depth_main:
            self.main.append(data)
        elif self.in_body:
            self.body.append(data)


def source_text(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        parser = _MainText()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        return "\n".join(parser.main if parser.seen_main else parser.body)
    if suffix == ".pdf":
        from pypdf import PdfReader  # noqa: PLC0415

        return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    if suffix == ".docx":
        import docx  # noqa: PLC0415

        document = docx.Document(path)
        parts = [paragraph.text for paragraph in document.paragraphs]
        for table in document.tables:
            parts.extend(cell.text for row in table.rows for cell in row.cells)
        return "\n".join(parts)
    return path.read_text(encoding="utf-8", errors="replace")


def briefing_texts(briefing) -> list[str]:
    # `source` too: today's importer keeps a masthead line there
    texts = list(briefing.texts()) + [briefing.publisher or "", briefing.date or "", briefing.source or ""]
    for section in briefing.sections:
        if section.number is not None:
            texts.append(str(section.number))
        for block in section.blocks:
            texts.extend(str(item.number) for item in block.items if item.number is not None)
    return texts


def set_aside_texts(report) -> list[str]:
    return [getattr(entry, "text", str(entry)) for entry in getattr(report, "set_aside", None) or []]


def share_kept(source: str, kept_texts: list[str]) -> tuple[int, int, list[str]]:
    wanted = Counter(words(source))
    found = Counter(word for text in kept_texts for word in words(text))
    missing = wanted - found
    kept = sum(wanted.values()) - sum(missing.values())
    return kept, sum(wanted.values()), sorted(missing, key=lambda word: -missing[word])[:12]


# --- sections -------------------------------------------------------------------------------------------------

_LEADING_NUMBER = re.compile(r"^\s*(?:step\s+)?\d+[.):]?\s+", re.IGNORECASE)


def _heading_key(text: str) -> str:
    return normalised(_LEADING_NUMBER.sub("", text or ""))


def heading_matches(expected: str, found: str) -> bool:
    want, got = _heading_key(expected), _heading_key(found)
    if not want or not got:
        return False
    if want == got or (len(got) >= 4 and (want.startswith(got) or got.startswith(want))):
        return True
    return difflib.SequenceMatcher(None, want, got).ratio() >= 0.85


def first_words(section) -> str:
    for text in section.texts():
        if text and text.strip():
            return text
    return ""


def starts_matches(expected: str, section) -> bool:
    want = normalised(expected)
    candidates = [section.heading or "", first_words(section)]
    return any(normalised(text).startswith(want) for text in candidates if text)


@dataclass
class SectionResult:
    kind: str
    label: str
    found_kind: str | None = None  # None: no imported section matched

    @property
    def right(self) -> bool:
        return self.found_kind == self.kind


def match_sections(expected: list[dict], sections: list) -> list[SectionResult]:
    results, start = [], 0
    for wanted in expected:
        label = wanted.get("heading") or f"starts: {wanted['starts']}"
        result = SectionResult(kind=wanted["kind"], label=label)
        for index in range(start, len(sections)):
            section = sections[index]
            if ("heading" in wanted and heading_matches(wanted["heading"], section.heading)) or (
                "starts" in wanted and starts_matches(wanted["starts"], section)
            ):
                result.found_kind = section.kind
                start = index + 1
                break
        results.append(result)
    return results


# --- one entry ------------------------------------------------------------------------------------------------


@dataclass
class EntryResult:
    file: str
    layouts: list[str]
    error: str = ""
    words_kept: int = 0
    words_total: int = 0
    missing_words: list[str] = field(default_factory=list)
    sections: list[SectionResult] = field(default_factory=list)
    title: str = ""
    title_right: bool = False
    invented: list[str] = field(default_factory=list)
    next_item_merged: bool | None = None
    briefing_id: str = ""
    seconds: float = 0.0

    @property
    def text_kept(self) -> float:
        return self.words_kept / self.words_total if self.words_total else 0.0

    @property
    def sections_right(self) -> int:
        return sum(result.right for result in self.sections)

    @property
    def section_share(self) -> float:
        return self.sections_right / len(self.sections) if self.sections else 1.0

    def short_of(self) -> list[str]:
        misses = []
        if self.error:
            return ["import failed"]
        if self.text_kept < TARGETS["text_kept"]:
            misses.append("text kept")
        if self.section_share < TARGETS["sections"]:
            misses.append("sections")
        if not self.title_right:
            misses.append("title")
        if self.invented:
            misses.append("invented kinds")
        if self.next_item_merged:
            misses.append("next item merged")
        return misses

    def to_dict(self) -> dict:
        data = asdict(self)
        data["sections"] = [
            {"kind": result.kind, "label": result.label, "found_kind": result.found_kind, "right": result.right}
            for result in self.sections
        ]
        data.update(text_kept=round(self.text_kept, 4), section_share=round(self.section_share, 4),
                    short_of=self.short_of())
        return data


def title_right(entry: dict, title: str) -> bool:
    accepted = [entry["title"], *entry.get("title_also", [])]
    return normalised(title) in {normalised(text) for text in accepted}


def run_entry(importer, entry: dict, corpus: Path | None = None) -> EntryResult:
    path = (corpus or CORPUS) / entry["file"]
    result = EntryResult(file=entry["file"], layouts=list(entry.get("layouts", [])))
    started = time.perf_counter()
    try:
        imported = importer.import_file(path)
    except Exception as error:  # noqa: BLE001 - a refusal or a crash is a figure here, not a stop
        result.error = f"{type(error).__name__}: {error}"
        result.sections = [SectionResult(kind=s["kind"], label=s.get("heading") or s.get("starts", "")) for s in entry["sections"]]
        result.words_total = len(words(source_text(path)))
        return result
    finally:
        result.seconds = time.perf_counter() - started
    briefing, report = imported.briefing, imported.report
    kept_texts = briefing_texts(briefing) + set_aside_texts(report)
    result.words_kept, result.words_total, result.missing_words = share_kept(source_text(path), kept_texts)
    result.sections = match_sections(entry["sections"], briefing.sections)
    result.title = briefing.title
    result.title_right = title_right(entry, briefing.title)
    result.briefing_id = briefing.id
    if entry.get("thematic"):
        expected_kinds = {section["kind"] for section in entry["sections"]}
        result.invented = sorted({s.kind for s in briefing.sections if s.kind in ACTION_KINDS} - expected_kinds)
    if entry.get("next_item"):
        inside = normalised(" ".join(briefing.texts()))
        result.next_item_merged = normalised(entry["next_item"]) in inside
    return result


# --- the run --------------------------------------------------------------------------------------------------


def load_corpus(corpus: Path | None = None) -> dict:
    return yaml.safe_load(((corpus or CORPUS) / "corpus.yaml").read_text(encoding="utf-8"))


def _shown(folder: Path) -> str:
    try:
        return str(folder.relative_to(ROOT))
    except ValueError:
        return str(folder)


def summarise(results: list[EntryResult]) -> dict:
    scored = results
    words_kept = sum(r.words_kept for r in scored)
    words_total = sum(r.words_total for r in scored)
    sections_right = sum(r.sections_right for r in scored)
    sections_total = sum(len(r.sections) for r in scored)
    ids = Counter(r.briefing_id for r in scored if r.briefing_id)
    by_layout: dict[str, list[EntryResult]] = defaultdict(list)
    for result in scored:
        for layout in result.layouts:
            by_layout[layout].append(result)
    short = {}
    for layout, members in sorted(by_layout.items()):
        failing = {r.file: r.short_of() for r in members if r.short_of()}
        if failing:
            short[layout] = failing
    return {
        "files": len(scored),
        "failed_imports": [r.file for r in scored if r.error],
        "text_kept": words_kept / words_total if words_total else 0.0,
        "words_kept": words_kept,
        "words_total": words_total,
        "sections_right": sections_right,
        "sections_total": sections_total,
        "section_share": sections_right / sections_total if sections_total else 0.0,
        "titles_right": sum(r.title_right for r in scored),
        "title_share": sum(r.title_right for r in scored) / len(scored) if scored else 0.0,
        "invented": {r.file: r.invented for r in scored if r.invented},
        "next_item_merged": [r.file for r in scored if r.next_item_merged],
        "duplicate_ids": sorted(i for i, n in ids.items() if n > 1),
        "layouts_short": short,
    }


def print_report(importer_name: str, results: list[EntryResult], totals: dict, verbose: bool,
                 corpus: Path | None = None) -> None:
    print(f"importer: {importer_name}; corpus: {_shown(corpus or CORPUS)} ({len(results)} files)\n")
    print(f"{'file':44} {'text kept':>9} {'sections':>9}  {'title':5}  notes")
    for r in results:
        sections = f"{r.sections_right}/{len(r.sections)}"
        notes = []
        if r.error:
            notes.append(r.error[:90])
        if r.invented:
            notes.append("invented " + ", ".join(r.invented))
        if r.next_item_merged:
            notes.append("next item merged")
        if not r.title_right and not r.error:
            notes.append(f"title {r.title[:60]!r}")
        print(f"{r.file:44} {r.text_kept:>8.1%} {sections:>9}  {'yes' if r.title_right else 'no':5}  {'; '.join(notes)}")
        if verbose and not r.error:
            for s in r.sections:
                if not s.right:
                    print(f"{'':6}- {s.label[:60]!r}: expected {s.kind}, got {s.found_kind or 'no matching section'}")
            if r.missing_words:
                print(f"{'':6}- words not kept (most often first): {', '.join(r.missing_words)}")
    print()
    print(
        f"TOTAL  text kept {totals['text_kept']:.1%} ({totals['words_kept']}/{totals['words_total']} words)  "
        f"sections {totals['section_share']:.1%} ({totals['sections_right']}/{totals['sections_total']})  "
        f"titles {totals['title_share']:.1%} ({totals['titles_right']}/{totals['files']})  "
        f"invented on thematic {sum(len(v) for v in totals['invented'].values())}  "
        f"next item merged {len(totals['next_item_merged'])}  failed {len(totals['failed_imports'])}"
    )
    if totals["duplicate_ids"]:
        print("ids given twice: " + ", ".join(totals["duplicate_ids"]))
    print("\nlayouts short of the targets (100% text kept, 90% sections, titles, nothing invented or merged):")
    if not totals["layouts_short"]:
        print("  none")
    for layout, failing in totals["layouts_short"].items():
        detail = "; ".join(f"{file} ({', '.join(misses)})" for file, misses in failing.items())
        print(f"  {layout}: {detail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", metavar="PATH", help="write the figures as JSON")
    parser.add_argument("--only", metavar="TEXT", help="only the files whose name contains TEXT")
    parser.add_argument("--quiet", action="store_true", help="no per-section detail under each file")
    parser.add_argument("--corpus", metavar="DIR", type=Path,
                        help="the folder to score (its corpus.yaml and files); the importer corpus by default")
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve() if args.corpus else CORPUS

    importer = load_importer()
    entries = load_corpus(corpus)["entries"]
    if args.only:
        entries = [entry for entry in entries if args.only in entry["file"]]
    results = [run_entry(importer, entry, corpus) for entry in entries]
    totals = summarise(results)
    print_report(importer.__name__, results, totals, verbose=not args.quiet, corpus=corpus)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"importer": importer.__name__, "corpus": _shown(corpus), "totals": totals, "files": [r.to_dict() for r in results]},
                       indent=2, ensure_ascii=False),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
