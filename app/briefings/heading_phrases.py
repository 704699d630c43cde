"""The phrases partnerships use for the parts of a seven-minute briefing, and what kind of section each is.

The importer recognises a heading by looking it up here. Matching is forgiving in the ways published briefings
vary and strict otherwise: case, curly apostrophes, "&"/"and", "7-minute"/"seven minute", a trailing "?", ":",
"..." or "(cont.)"/"(contd.)"/"continued" are ignored, but the words must be one of the phrases (a phrase with
``<place>`` or ``<name>`` accepts one to four words there). Anything not listed stays a heading of kind
``other`` for a person to classify, which is safer than guessing from a word or two.

docs/importing.md shows this table; a test keeps the two equal. After changing it, run
``.venv/bin/python -m app.briefings.heading_phrases docs/importing.md`` to rewrite the table in the docs.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from pathlib import Path

# kind -> the phrases that mean it, as a reader would write them. Order inside a kind is only for the docs.
HEADING_PHRASES: dict[str, tuple[str, ...]] = {
    "background": (
        "Background", "The background", "Background information", "Background to the case",
        "Background to the review", "Background to <name>", "Case background", "Family background",
        "Context", "Case context", "Summary", "Case summary", "Brief summary", "Summary of the case",
        "Summary of the review", "Case summary and background", "Overview", "Case overview", "The case",
        "Case study", "Circumstances of the case", "Circumstances leading to the review", "The story",
        "The child's story", "<name>'s story", "<name>'s journey", "What happened?", "What happened to <name>?",
        "Who is <name>?", "Who was <name>?", "About the child", "About the family", "About the review",
        "The family", "The review", "Why was the review carried out?", "Why the review was commissioned",
        "Introduction", "Introduction to the case", "Introduction <name>", "History", "Brief history",
        "Chronology", "Timeline", "Key events",
    ),
    "concerns": (
        "Areas of concern", "Concerns", "The concerns", "Key concerns", "Main concerns", "Concerns identified",
        "What were the concerns?", "What was the concern?", "Practice concerns", "Themes of concern",
        "Issues", "Key issues", "Issues identified", "Key issues identified", "Risks", "Key risks",
        "Risks identified", "Risk factors", "Vulnerabilities", "Challenges", "Key challenges",
        "What worried us?", "What went wrong?", "What didn't go well?", "What did not go well?",
        "What could have been better?",
    ),
    "missed_opportunities": (
        "Missed opportunities", "Key missed opportunities", "Opportunities missed", "Lost opportunities",
        "Missed chances", "Opportunities to intervene", "What could have been done differently?",
        "What could we have done differently?", "What might have been done differently?",
        "What could have been done better?", "What would have made a difference?",
        "Where could things have been different?",
    ),
    "learning": (
        "Learning", "The learning", "Key learning", "Key learning points", "Learning points",
        "Main learning points", "What was the learning?", "What is the learning?", "What is the key learning?",
        "What we have learned", "What we have learnt", "What we learned", "What we learnt",
        "What have we learned?", "What have we learnt?", "What did we learn?", "Lessons learned",
        "Lessons learnt", "Lessons", "Key lessons", "Lessons for practice", "Learning for practice",
        "Learning from the review", "Learning from the case", "Learning identified", "Learning themes",
        "Themes", "Key themes", "Themes identified", "Key themes and learning", "Findings", "Key findings",
        "Main findings", "Review findings", "What did the review find?", "What the review found",
        "Findings and recommendations", "Key messages", "Key messages for practice",
        "Key messages for practitioners", "Key messages for professionals", "Messages for practice",
        "Practice points", "Key practice points", "Key points", "Practice learning", "Key areas for learning",
        "Areas for learning", "Areas for development", "Areas for improvement", "Learning for practitioners",
        "Learning for professionals", "Learning for agencies", "Learning for managers", "Key learning themes",
        "Information", "Key information", "Analysis",
        "Conclusion", "Conclusions", "Recommendations", "Key recommendations",
    ),
    "good_practice": (
        "Good practice", "Key areas of good practice", "Areas of good practice", "Examples of good practice",
        "Evidence of good practice", "Good practice identified", "Good practice highlighted", "What went well?",
        "What worked well?", "What worked?", "What was done well?", "Strengths", "Strengths in practice",
        "Positive practice", "Notable practice", "Positive findings",
    ),
    "actions_taken": (
        "Actions taken", "Action taken", "Actions", "Actions already taken", "Actions taken so far",
        "Actions taken by the partnership", "Partnership actions", "Partnership response",
        "Multi-agency actions", "Single agency actions", "What has been done?", "What has been done since?",
        "What has happened since?", "What has changed?", "What has changed since?", "What's changed?",
        "What is being done?", "What are we doing?", "What are we doing about it?",
        "What is the partnership doing?", "What has the partnership done?", "What the partnership has done",
        "What agencies have done", "What will the partnership do next?", "What happens next?", "Changes made", "Changes to practice", "Changes since the review",
        "Improvements made", "Improvements to practice", "Service improvements", "Progress so far",
    ),
    "why_it_matters": (
        "Why it matters", "Why this matters", "Why does it matter?", "Why does this matter?",
        "Why does this matter to <place>?", "Why it matters to <place>", "Why is it important?",
        "Why is this important?", "Why is this important to <place>?", "Why is this relevant?",
        "Why is this relevant to <place>?", "What does this mean for <place>?", "Relevance to practice",
        "Relevance to <place>", "Local context", "The local context", "Local picture", "The local picture",
        "Local position", "Local data", "National context", "National picture", "National and local context",
        "Local and national context",
    ),
    "reflection": (
        "Questions to consider", "Questions", "Key questions", "Questions for reflection",
        "Reflective questions", "Reflection", "Reflections", "Reflect", "Time to reflect", "Points for reflection",
        "Questions for your team", "Questions for the team", "Questions for teams", "Questions for you",
        "Questions for practitioners", "Questions for managers", "Questions for supervision",
        "Supervision questions", "Questions for discussion", "Discussion questions", "Discussion points",
        "Points for discussion", "For discussion", "Further discussion", "Team discussion", "Reflective discussion",
        "Points to consider", "Things to consider", "Things to think about", "What can we consider?",
        "What should we consider?", "What do we need to consider?", "What do you need to consider?",
        "Consider", "Reflecting on practice", "Reflect on your practice", "Ask yourself",
        "Questions to ask yourself", "Over to you",
    ),
    "what_to_do": (
        "What can you do right now?", "What can you do now?", "What can you do?", "What you can do",
        "What should you do?", "What should I do?", "What do I need to do?", "What do you need to do?",
        "What do we need to do?", "What to do", "What now?", "What next?", "Next steps",
        "What does this mean for practice?", "What does this mean for me?", "What does this mean for you?",
        "What this means for practice", "What this means for you", "Implications for practice",
        "Application to practice", "Applying the learning", "Putting learning into practice", "Advice",
        "Advice for professionals", "Advice for practitioners", "Advice for managers", "Advice for communities",
        "Advice for the community", "Advice for parents", "Advice for parents and carers",
        "Advice for families", "Advice for the public", "Top tips", "Tips for practice", "Practice tips",
        "Guidance", "Practice guidance", "Guidance for practitioners", "Actions for practitioners",
        "Actions for professionals", "Actions for managers", "Actions for teams", "Actions for you",
        "Action for practitioners", "How can you help?", "What can practitioners do?", "Call to action",
        "Remember",
    ),
    "resources": (
        "Want to learn more?", "Want to know more?", "Where to learn more", "Where can I learn more?",
        "Where can I find out more?", "Where to find out more", "Learn more", "Find out more", "Read more",
        "Further information", "More information", "Further reading", "Further learning", "Resources",
        "Useful resources", "Further resources", "Additional resources", "Learning resources",
        "Tools and resources", "Resources and tools", "Tools", "Useful links", "Helpful links", "Links",
        "Useful documents", "References", "Signposting", "Support available", "Where to get support",
        "Where to get help", "Training", "Training available", "Useful contacts", "Key contacts", "Contacts",
        "The full report", "Full report", "Read the full report", "Related briefings", "Policies and procedures",
        "Procedures", "Relevant procedures",
    ),
    "about": (
        "How to use this briefing", "How to use this 7 minute briefing", "How to use", "How to use them",
        "Using this briefing",
        "About this briefing", "About this 7 minute briefing", "About 7 minute briefings",
        "What is a 7 minute briefing?", "Why 7 minutes?", "Introduction to 7 minute briefings",
        "Notes for facilitators", "Notes for presenters", "Facilitator notes", "Guidance for facilitators",
        "How to deliver this briefing", "Delivering this briefing", "Instructions", "Purpose",
        "Purpose of this briefing", "The purpose of this briefing", "Feedback",
        "Tell us how you used this briefing",
    ),
}

# One to four words stand in for a place or a name ("Why is this important to Wigan?", "Child A's Story").
_PLACEHOLDER = r"[^\s]+(?: [^\s]+){0,3}"
_PLACEHOLDERS = ("<place>", "<name>")

_CONTINUED = re.compile(r"\s*(?:\((?:cont|contd|cont'd|continued)\.?\)|\b(?:cont|contd|cont'd|continued)\.?)$")
_TRAILING_PUNCTUATION = ".:;,!?…-–—*_ "
_SEVEN_MINUTE = re.compile(r"\b(?:7|seven)\s*-?\s*minutes?\b")
_SEPARATORS = re.compile(r"\s+[-–—|]\s+|[:–—|]")


def heading_key(text: str) -> str:
    """The form of a heading used for lookups: "Lessons Learned (cont.)" -> "lessons learned"."""
    key = text.strip().strip("*_").casefold()
    key = key.replace("’", "'").replace("‘", "'").replace("&", " and ")
    key = _SEVEN_MINUTE.sub("7 minute", key)
    previous = None
    while key != previous:
        previous = key
        key = key.rstrip(_TRAILING_PUNCTUATION)
        key = _CONTINUED.sub("", key)
    key = _SEPARATORS.sub(" ", key)
    return " ".join(key.split())


@lru_cache(maxsize=1)
def _lookup() -> tuple[dict[str, str], list[tuple[re.Pattern[str], str]]]:
    exact: dict[str, str] = {}
    patterns: list[tuple[re.Pattern[str], str]] = []
    for kind, phrases in HEADING_PHRASES.items():
        for phrase in phrases:
            key = heading_key(phrase)
            if any(placeholder in key for placeholder in _PLACEHOLDERS):
                regex = re.escape(key)
                for placeholder in _PLACEHOLDERS:
                    regex = regex.replace(re.escape(placeholder), _PLACEHOLDER)
                patterns.append((re.compile(regex + "$"), kind))
            else:
                exact.setdefault(key, kind)
    return exact, patterns


def kind_of_heading(text: str) -> str | None:
    """The section kind a heading names, or None when the phrase is not in the table."""
    key = heading_key(text)
    if not key:
        return None
    exact, patterns = _lookup()
    if key in exact:
        return exact[key]
    for pattern, kind in patterns:
        if pattern.match(key):
            return kind
    return None


def duplicate_phrases() -> list[str]:
    """Phrases listed under more than one kind (the table must never be ambiguous; a test checks)."""
    seen: dict[str, str] = {}
    duplicates = []
    for kind, phrases in HEADING_PHRASES.items():
        for phrase in phrases:
            key = heading_key(phrase)
            if key in seen and seen[key] != kind:
                duplicates.append(phrase)
            seen.setdefault(key, kind)
    return duplicates


# --- the table in docs/importing.md ----------------------------------------------------------------------

DOCS_START = "<!-- heading-phrases:start (generated from app/briefings/heading_phrases.py) -->"
DOCS_END = "<!-- heading-phrases:end -->"


def phrase_table_markdown() -> str:
    rows = ["| kind | phrases |", "|---|---|"]
    for kind, phrases in HEADING_PHRASES.items():
        rows.append(f"| `{kind}` | {' · '.join(phrases)} |")
    return "\n".join(rows)


def docs_with_table(docs_text: str, table: str, start: str = DOCS_START, end: str = DOCS_END) -> str:
    """The docs text with the part between the start and end markers replaced by `table`."""
    before, found_start, rest = docs_text.partition(start)
    _, found_end, after = rest.partition(end)
    if not found_start or not found_end:
        raise ValueError(f"the docs need the markers {start!r} and {end!r} around the table")
    return f"{before}{start}\n{table}\n{end}{after}"


def main(argv: list[str]) -> int:
    from .importer import THEME_DOCS_END, THEME_DOCS_START, theme_table_markdown

    if len(argv) != 1:
        print("usage: python -m app.briefings.heading_phrases docs/importing.md", file=sys.stderr)
        return 2
    path = Path(argv[0])
    text = docs_with_table(path.read_text(encoding="utf-8"), phrase_table_markdown())
    text = docs_with_table(text, theme_table_markdown(), THEME_DOCS_START, THEME_DOCS_END)
    path.write_text(text, encoding="utf-8")
    print(f"updated the phrase and theme tables in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
