"""PDFs: the text of each page, read in a child process with a time and memory limit, as source lines.

A broken or hostile PDF can make a parser loop or eat memory, so pypdf runs in a child process that is killed
when it is too slow. Printed lines are joined back into paragraphs.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import re
import threading

from .blocks import (
    BARE_NUMBER,
    BULLET,
    LONGEST_TABLE_HEADING,
    NUMBERED,
    URL,
    SourceLine,
    is_labelled_note,
    normalise,
    table_kind,
)
from .limits import DEFAULT_LIMITS, ImportLimits, check_characters
from .phrases import heading_key
from .report import HOW_OUTLINE, ImportFailed

# --- PDFs ------------------------------------------------------------------------------------------------


def pdf_text(data: bytes, name: str, limits: ImportLimits) -> tuple[list[str], list[str]]:
    """The text of each page and the outline titles, read in a child process that is killed if it is too slow."""
    context = _process_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_pdf_worker,
        args=(data, limits.max_pdf_pages, limits.pdf_memory_bytes, limits.max_characters, sender),
        daemon=True,
    )
    try:
        process.start()
    except OSError as error:
        raise ImportFailed(
            f"'{name}' could not be read: the PDF reader could not be started ({error.strerror or error}). Try "
            "again, or copy the PDF's text into a .txt file and import that."
        ) from None
    finally:
        sender.close()
    try:
        if not receiver.poll(limits.pdf_seconds):
            raise ImportFailed(
                f"Reading '{name}' took longer than {limits.pdf_seconds:g} seconds, so it was stopped: the PDF may "
                "be damaged or built to loop. Save a fresh copy (Print to PDF) or copy its text into a .txt file."
            )
        try:
            outcome = receiver.recv()
        except (EOFError, OSError):
            outcome = None  # the child ended without an answer: killed for memory, or crashed in the parser
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    if outcome is None:
        outcome = ("error", "broken", f"the PDF reader stopped unexpectedly, exit code {process.exitcode}")

    status = outcome[0]
    if status == "ok":
        pages, outline = outcome[1], outcome[2]
        if sum(len(page.strip()) for page in pages) < 20:
            raise ImportFailed(
                f"'{name}' has no text that can be extracted: it is probably a scanned image. Ask the publisher "
                "for a text-based PDF or the Word document, or type the text into a .txt file."
            )
        return pages, outline
    problem, detail = outcome[1], outcome[2]
    if problem == "encrypted":
        raise ImportFailed(
            f"'{name}' is password-protected (encrypted): save an unprotected copy, or copy its text into a .txt "
            "file, and import that."
        )
    if problem == "characters":
        check_characters(int(detail), limits, f"'{name}'")
    if problem == "pages":
        raise ImportFailed(
            f"'{name}' has {detail} pages, more than the {limits.max_pdf_pages} a briefing could need: check it "
            "is the right file."
        )
    explained = f" ({detail})" if detail else ""
    raise ImportFailed(
        f"'{name}' could not be read: the PDF is broken{explained}. Save a fresh copy (Print to PDF) or copy "
        "its text into a .txt file, and import that."
    )


def _process_context():
    # fork starts fast, but forking a process that runs other threads (a web server) can deadlock the child.
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _pdf_worker(data: bytes, max_pages: int, memory_bytes: int, max_characters: int, connection) -> None:
    """Runs in the child process: read the PDF and send ("ok", pages, outline) or ("error", problem, detail)."""
    try:
        _limit_memory(memory_bytes)
        import logging

        logging.getLogger("pypdf").setLevel(logging.CRITICAL)
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # many PDFs are "encrypted" only against editing, with no password
            except Exception:
                opened = 0
            if not opened:
                connection.send(("error", "encrypted", ""))
                return
        count = len(reader.pages)
        if count > max_pages:
            connection.send(("error", "pages", str(count)))
            return
        pages: list[str] = []
        characters = 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            characters += len(pages[-1])
            if characters > max_characters:
                # Stop at once: the text past the limit would only be refused, after a costly trip through the pipe.
                connection.send(("error", "characters", str(characters)))
                return
        connection.send(("ok", pages, _outline_titles(reader)))
    except RecursionError:
        connection.send(("error", "broken", "its structure refers to itself"))
    except MemoryError:
        connection.send(("error", "broken", "reading it needed too much memory"))
    except Exception as error:
        detail = str(error).splitlines()[0][:120].rstrip(".") if str(error).strip() else type(error).__name__
        connection.send(("error", "broken", detail))
    finally:
        connection.close()


def _limit_memory(extra_bytes: int) -> None:
    try:
        import resource

        with open("/proc/self/statm") as statm:
            in_use = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = in_use + extra_bytes
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):
        pass  # not Linux: the time limit still applies


def _outline_titles(reader, limit: int = 500) -> list[str]:
    titles: list[str] = []
    try:
        stack = [iter(reader.outline)]
        while stack and len(titles) < limit:
            entry = next(stack[-1], None)
            if entry is None:
                stack.pop()
            elif isinstance(entry, list):
                if len(stack) < 10:
                    stack.append(iter(entry))
            else:
                title = getattr(entry, "title", None)
                if isinstance(title, str) and title.strip():
                    titles.append(normalise(title))
    except Exception:
        return titles  # a broken outline is no reason to refuse the text
    return titles


def pdf_lines(pages: list[str], outline: list[str], limits: ImportLimits = DEFAULT_LIMITS) -> list[SourceLine]:
    """Source lines from PDF text: wrapped lines joined back, each paragraph standing alone.

    PDF text has a line break wherever a printed line ended and rarely a blank line between paragraphs. A line
    continues the one before when it starts in lower case, or when the line before ran to the full width of the
    page's text and has no closing punctuation; an address that ran to the full width continues without a space.
    Bullets, numbered lines and headings always start a new line, and a bullet glyph printed alone on a line joins
    the text after it. A paragraph that reaches the longest line allowed carries on as a new one.

    The line being joined is kept as a list of pieces and only looked at again while it is short enough to be a
    heading: rebuilding and re-reading it after every join made a long paragraph cost quadratic time (20,000
    printed lines of one paragraph took three minutes).
    """
    outline_keys = frozenset(key for title in outline if (key := _outline_key(title)) is not None)
    logical: list[list[str]] = []  # each logical line as the pieces it was joined from
    length = 0  # of the last logical line
    previous_line = ""  # the last printed line, as opposed to the joined-up logical line
    for page in pages:
        physical = _outline_entries_joined([line for line in map(normalise, page.splitlines()) if line], outline_keys)
        full_width = _full_width(physical)
        for line in physical:
            # The last logical line as text, only while it could still be a heading (or a lone bullet glyph).
            previous = "".join(logical[-1]) if logical and length <= LONGEST_TABLE_HEADING else None
            fits = length + 1 + len(line) <= limits.max_line_characters
            if previous is not None and len(previous) == 1 and BULLET.match(previous + " x"):
                logical[-1].append(" " + line)
                length += 1 + len(line)
            elif logical and fits and (
                joint := _joint(previous, previous_line, line, full_width, outline_keys)
            ) is not None:
                logical[-1].append(joint + line)
                length += len(joint) + len(line)
            else:
                logical.append([line])
                length = len(line)
            previous_line = line
    lines = [SourceLine(text="".join(pieces)) for pieces in logical]
    for line in lines:
        if _outline_key(line.text) in outline_keys:
            line.style, line.how = "heading", HOW_OUTLINE
    for previous, line in zip(lines, lines[1:]):
        if _is_list_line(previous.text) and line.style is None and is_labelled_note(line.text):
            previous.blank_after = line.blank_before = False
    return lines


def _outline_entries_joined(physical: list[str], outline_keys: frozenset[str]) -> list[str]:
    """A heading printed over two to four lines (a large title) as one line, when the outline names it whole."""
    if not outline_keys:
        return physical
    joined: list[str] = []
    index = 0
    while index < len(physical):
        for count in (4, 3, 2):
            candidate = " ".join(physical[index : index + count])
            if index + count <= len(physical) and _outline_key(candidate) in outline_keys:
                joined.append(candidate)
                index += count
                break
        else:
            joined.append(physical[index])
            index += 1
    return joined


def _outline_key(text: str) -> str | None:
    """The lookup form of a line that could be an outline heading; None for a line too long to be one (the
    lookup form strips trailing words one at a time, so it is kept to short lines)."""
    return heading_key(text) if len(text) <= LONGEST_TABLE_HEADING else None


def _full_width(lines: list[str]) -> int:
    """How many characters a full printed line of the page holds: the longest lines, ignoring the odd outlier."""
    if not lines:
        return 0
    lengths = sorted(len(line) for line in lines)
    return lengths[int(0.9 * (len(lengths) - 1))]


def _is_list_line(text: str) -> bool:
    return bool(BULLET.match(text) or NUMBERED.match(text))


def _joint(
    previous: str | None, previous_line: str, line: str, full_width: int, outline_keys: frozenset[str]
) -> str | None:
    """How `line` joins the logical line before it: " " (a wrapped line), "" (a wrapped address), or None.

    `previous` is the logical line so far, or None when it is too long to be a heading."""
    if _is_list_line(line) or table_kind(line) is not None or _outline_key(line) in outline_keys:
        return None
    if previous is not None:
        if table_kind(previous) is not None or _outline_key(previous) in outline_keys:
            return None
        if (numbered := NUMBERED.match(previous)) and table_kind(numbered.group(2)) is not None:
            return None
    ran_to_full_width = len(previous_line) >= 0.85 * full_width
    if URL.search(previous_line.split()[-1]):
        # An address broken across lines continues without a space; after a whole address, a new line starts.
        return "" if ran_to_full_width and " " not in line and not URL.match(line) else None
    if URL.match(line):
        return None
    if line[0].islower():
        return " "
    return " " if ran_to_full_width and not previous_line.endswith(tuple(".!?:;")) else None


_GLUED_NUMBER = re.compile(r"^(.*\S)\s+(\d{1,2})$")


def with_segment_numbers_apart(lines: list[SourceLine]) -> list[SourceLine]:
    """On a tiled page a tile's number can be read onto the end of the text before it ("... if th 2"): when the
    bare numbers on their own lines count 1 to n but for some, and lines end in exactly those, split them off."""
    alone = {int(match.group(1)) for line in lines if (match := BARE_NUMBER.match(line.text))}
    if len(alone) < 3:
        return lines
    top = max(alone)
    missing = set(range(1, top + 2)) - alone
    if not missing or len(missing) > 2:
        return lines
    out: list[SourceLine] = []
    for line in lines:
        match = _GLUED_NUMBER.match(line.text) if line.style is None else None
        if match and int(match.group(2)) in missing and not match.group(1).endswith((":", "-", "–")):
            missing.discard(int(match.group(2)))
            out.append(SourceLine(text=match.group(1)))
            out.append(SourceLine(text=match.group(2)))
        else:
            out.append(line)
    return out if len(alone | (set(range(1, top + 2)) - missing)) >= 4 else lines
