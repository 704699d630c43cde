"""Finding a section's kind from the meaning of its words, when the phrase table does not list its heading.

Headings are matched on their meaning words (meaning_words.yaml), each word reduced to its stem by the Snowball
English stemmer, so "Learning Points", "Learning Point" and "What can we learn?" all hold "learn", and word
order does not matter. Text with no heading (or an unrecognised one) is classified by content cues; those
guesses are always flagged for a person's check by the caller.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

MEANING_FILE = Path(__file__).with_name("meaning_words.yaml")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer  # a small pure-Python package; loaded on the first import that needs it

    return snowballstemmer.stemmer("english")


def stems(text: str) -> list[str]:
    words = _WORD.findall(text.casefold().replace("’", "'"))
    words = [word[:-2] if word.endswith("'s") else word for word in words]
    return _stemmer().stemWords(words)


@lru_cache(maxsize=1)
def _data() -> dict:
    return yaml.safe_load(MEANING_FILE.read_text(encoding="utf-8"))


# Words that carry little meaning on their own: a cue's weight counts them once, its meaning words twice, so
# "good practice" outweighs "find" in "What good practice did we find?".
_FUNCTION_WORDS = frozenset(
    "a an and are as at be been by can could did do doe does for from has have how i if in is it me my need of on "
    "our should that the this to us was we what when where who why will with would you your".split()
)


@lru_cache(maxsize=1)
def _heading_cues() -> list[tuple[frozenset[str], int, str, str]]:
    """(stems of the cue, its weight, kind, the cue as written), in the file's order."""
    cues = []
    for kind, phrases in _data()["headings"].items():
        for phrase in phrases:
            cue_stems = frozenset(stems(phrase))
            weight = sum(1 if stem in _FUNCTION_WORDS else 2 for stem in cue_stems)
            cues.append((cue_stems, weight, kind, phrase))
    return cues


# A short heading that names a set of documents ("DHR reports", "Case Reviews", "Published briefings"): what
# follows is a list of them to read, whatever its other words (a "case" is not the story here).
_NAMES_DOCUMENTS = re.compile(
    r"^(?:[\w'’-]+\s+){0,2}(?:reports|reviews|briefings|publications|documents|summaries|leaflets|guides|minutes)$",
    re.IGNORECASE,
)
_LEARNING_STEMS = frozenset(stems("learning lessons findings from"))


def kind_by_meaning(heading: str) -> tuple[str, str] | None:
    """(kind, the cue that decided) for a heading, from its meaning words; None when no cue fits."""
    heading_stems = set(stems(heading))
    if not heading_stems:
        return None
    plain = " ".join(re.sub(r"\([^)]*\)", " ", heading).split()).rstrip(":.")
    if _NAMES_DOCUMENTS.match(plain) and not heading_stems & _LEARNING_STEMS:
        return "resources", plain.split()[-1].casefold()
    best: tuple[int, int, str, str] | None = None
    for order, (cue_stems, size, kind, phrase) in enumerate(_heading_cues()):
        if cue_stems <= heading_stems and (best is None or size > best[0]):
            best = (size, order, kind, phrase)
    return (best[2], best[3]) if best else None


@lru_cache(maxsize=1)
def _content_cues() -> list[tuple[str, re.Pattern[str]]]:
    return [
        (kind, re.compile(pattern, re.IGNORECASE))
        for kind, patterns in _data()["content"].items()
        for pattern in patterns
    ]


def case_only_kinds() -> frozenset[str]:
    return frozenset(_data().get("case_only", []))


def kind_by_content(texts: list[str], *, thematic: bool) -> tuple[str, str] | None:
    """(kind, the cue) that most of a stretch of text shows; None when nothing clear does.

    Questions make a reflection section only when most lines are questions; links and "full report" make
    resources; otherwise the kind whose cues occur most often wins, first in the file's order on a tie. On a
    thematic briefing, kinds that only a reviewed case has (learning, actions, ...) are never given."""
    lines = [text for text in texts if text.strip()]
    if not lines:
        return None
    questions = sum(text.rstrip().endswith("?") for text in lines)
    if questions and questions * 2 > len(lines):
        return "reflection", "questions"
    excluded = case_only_kinds() if thematic else frozenset()
    if thematic:
        # A page on a subject gets learning or actions only from text that opens by saying so ("Findings
        # include ...", "Recommendations: ..."), never from a word in passing.
        opening = " ".join(lines[0].split()[:3])
        for kind, pattern in _content_cues():
            if kind in excluded and (match := pattern.search(opening)) and match.start() == 0:
                return kind, match.group(0).strip().casefold()
    counts: dict[str, int] = {}
    first_cue: dict[str, str] = {}
    joined = "\n".join(lines)
    for kind, pattern in _content_cues():
        if kind == "reflection" or kind in excluded:
            continue
        found = pattern.findall(joined)
        if found:
            counts[kind] = counts.get(kind, 0) + len(found)
            match = pattern.search(joined)
            first_cue.setdefault(kind, match.group(0).strip().casefold() if match else pattern.pattern)
    if not counts:
        return None
    kind = max(counts, key=lambda name: (counts[name], -list(_data()["content"]).index(name)))
    return kind, first_cue[kind]


_DOCUMENT = re.compile(r"\b(?:report|briefing|leaflet|toolkit|guidance|guide|document|summary)\b", re.IGNORECASE)


def opening_kind(texts: list[str], subject: str = "") -> tuple[str, str] | None:
    """For the text before a briefing's first heading: ("background", cue) when it tells the story or defines
    the subject ("Cuckooing happens when ...", "Clare is 43 years-old"), ("about", cue) when it is a note on the
    briefing or the page ("This briefing summarises ..."); None when neither shows.

    `subject` is a thematic page's title: an opening that names it in its first words ("Domestic Homicide
    Reviews (DHRs) allow organisations to learn ...") says what the subject is, so it counts for background."""
    lines = [text for text in texts if text.strip()]
    if lines and all(len(text.split()) <= 10 and not text.endswith(".") for text in lines):
        documents = [match.group(0).casefold() for text in lines if (match := _DOCUMENT.search(text))]
        if len(documents) == len(lines):
            return "resources", documents[0]  # the names of documents to read: "Safeguarding Adult Review Report"
    joined = "\n".join(texts)
    counts: dict[str, list[str]] = {"about": [], "background": []}
    for kind, pattern in _content_cues():
        if kind in counts:
            counts[kind].extend(match.group(0).strip().casefold() for match in pattern.finditer(joined))
    if subject and names_the_subject(lines[0] if lines else "", subject):
        counts["background"].insert(0, "names the subject")
    if len(counts["background"]) > len(counts["about"]):
        return "background", counts["background"][0]
    if counts["about"]:
        return "about", counts["about"][0]
    return None


def names_the_subject(text: str, subject: str) -> bool:
    """Whether a paragraph names a page's subject (its title's words, in any form) among its first words, as
    what it is about rather than as a note on the page ("This page ...", "We ...")."""
    if re.match(r"^(?:this|these|our|we|you)\b", text.strip(), re.IGNORECASE):
        return False
    wanted = set(stems(re.sub(r"\([^)]*\)", " ", subject).replace("&", " and "))) - _FUNCTION_WORDS
    return bool(wanted) and wanted <= set(stems(" ".join(text.split()[:18])))


# A heading that states a finding ("Professionals did not share information", "Strip search of Child Q should
# never have happened") has a verb; its wording says which kind of finding it is.
_FINITE_VERB = re.compile(
    r"\b(?:is|are|was|were|been|has|have|had|did|does|do|should|must|can|could|would|will|may|might|shall"
    r"|need|needs|needed"
    r"|isn't|wasn't|weren't|didn't|doesn't|don't|hasn't|haven't)\b|^\S+\s.*\b[a-z]{3,}ed\b",
    re.IGNORECASE,
)
_ASKS = re.compile(r"^(?:what|how|why|who|where|when|which|is|are|do|does|did|can|should)\b", re.IGNORECASE)
_WENT_WRONG = re.compile(
    r"\b(?:not|never|no|n't|failed|fail|failure|lack(?:ed|ing|s)?|missed|without|insufficient|limited|poor|inadequate"
    r"|unclear|delay(?:ed|s)?|overlooked|ignored|lost|unheard|invisible|gaps?)\b",
    re.IGNORECASE,
)
_WENT_WELL = re.compile(r"\b(?:good|well|effective(?:ly)?|strong|positive|helped|worked|valued)\b", re.IGNORECASE)
_ADVICE = re.compile(r"\b(?:should|must|needs? to|have to|has to)\b", re.IGNORECASE)


def states_a_finding(text: str) -> bool:
    """Whether a short line without a final full stop is a statement (it has a verb), not a name or a question."""
    return not text.endswith("?") and not _ASKS.match(text) and bool(_FINITE_VERB.search(text))


def kind_by_finding_words(text: str) -> tuple[str, str] | None:
    """(kind, word) for a heading naming what went wrong or well without a verb ("Lack of professional
    curiosity", "Poor information sharing", "Strong relationships with his youth worker"); None otherwise."""
    if match := _WENT_WRONG_NOUN.search(text):
        return "concerns", match.group(0).casefold()
    if match := _WENT_WELL_NOUN.search(text):
        return "good_practice", match.group(0).casefold()
    return None


_WENT_WRONG_NOUN = re.compile(
    r"\b(?:lack(?:ed|ing)? of|absence of|poor|inadequate|insufficient|limited|missed|failure to|failures? in|gaps? in"
    r"|delays? in|no (?:one|single)|not)\b",
    re.IGNORECASE,
)
_WENT_WELL_NOUN = re.compile(r"\b(?:good|strong|effective|positive|excellent|well)\b", re.IGNORECASE)


def kind_by_statement(text: str) -> tuple[str, str]:
    """(kind, the words that decided) for a heading that states a finding: what went wrong is a concern, what
    went well good practice, what should be done advice; any other finding is learning."""
    if match := _WENT_WRONG.search(text):
        return "concerns", match.group(0).casefold()
    if match := _WENT_WELL.search(text):
        return "good_practice", match.group(0).casefold()
    if match := _ADVICE.search(text):
        return "what_to_do", match.group(0).casefold()
    return "learning", "a finding"


# A heading that names a law ("Domestic Abuse Act 2021", "The Care Act", "Mental Capacity Act Code of Practice").
_NAMES_A_LAW = re.compile(
    r"\b(?:Acts?|Regulations|Bill|Convention|Code of Practice|Statutory Guidance)\b(?:\s+\(?\d{4}\)?)?"
)
# Text that says what a thing is: a definition, or what a law does.
_DEFINES = re.compile(
    r"\b(?:is|are) (?:when|where|what happens|defined|a (?:form|type|kind|term|crime|law|pattern)|the term"
    r"|used to describe)|\brefers? to\b|\b(?:term|word|it|this) means\b|\bmeans (?:that|any|when)\b"
    r"|\bdefin(?:es|ed|ition)\b|\bdescribes\b|\bcame into (?:force|effect)\b"
    r"|\bintroduced\b|\bsets out\b|\bmakes it (?:an offence|a crime|illegal)\b|\brecognises\b|\bputs? a duty\b"
    r"|\bplaces? a duty\b|\b(?:gives|provides) (?:a )?(?:legal|statutory)\b",
    re.IGNORECASE,
)


def what_a_thing_is(heading: str, texts: list[str]) -> str:
    """The cue when a section says what a thing is (a law, a policy, a term): its heading names a law, or its first
    text defines; "" otherwise."""
    if match := _NAMES_A_LAW.search(heading):
        return match.group(0)
    first = next((text for text in texts if text.strip()), "")
    term = " ".join(re.sub(r"^(?:what (?:is|are)|understanding|defining)\s+", "", heading, flags=re.I).split())
    term = re.sub(r"\s*\([^)]*\)$", "", term.rstrip("?:. "))  # "Child Safeguarding Practice Reviews (CSPR)"
    if term and re.match(re.escape(term) + r"\s+(?:is|are|refers|means|describes)\b", first, re.IGNORECASE):
        return f"{term} is"  # "Coercive control" over "Coercive control is a pattern of ..."
    match = _DEFINES.search(" ".join(first.split()[:25]))
    return match.group(0).casefold() if match else ""
