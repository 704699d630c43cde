"""How well the privacy nudge finds reflections that identify someone, and what it costs.

    .venv/bin/python bench/privacy.py            # every labelled set: recall, precision, misses, false alarms
    .venv/bin/python bench/privacy.py --json out.json
    .venv/bin/python bench/privacy.py --blind 3 4 5 6 7 8   # also those unseen sets, and no others

Recall: of the reflections that identify someone, the share the nudge flags. Precision: of the reflections it
flags, the share that do identify someone. tests/fixtures/reflections.yaml is the set the detector was built
against; reflections_heldout.yaml was written before it, reflections_heldout2.yaml after tuning and before its
first run, reflections_blind.yaml and reflections_blind2.yaml by other authors before reading the detector,
reflections_fresh.yaml before the changes it prompted and reflections_fresh2.yaml after them,
reflections_fresh3.yaml and reflections_fresh4.yaml on the classes the lead's unseen runs found, before the
changes for them; bench/README.md gives each one's first-run figures and what each miss was; none is tuned
against before its first run. A
reflection that names its briefing (`briefing: <id>`) is checked with that briefing's names allowed, as a
session checks it. Also prints the
detector's import time, the first call (which loads the names lists), the time per call on a 2,000-character
reflection after that, and the memory the process gained (RSS).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests" / "fixtures"
SETS = {
    "labelled": FIXTURES / "reflections.yaml",
    "held-out": FIXTURES / "reflections_heldout.yaml",
    "held-out 2": FIXTURES / "reflections_heldout2.yaml",
    "blind": FIXTURES / "reflections_blind.yaml",
    "blind 2": FIXTURES / "reflections_blind2.yaml",
    "fresh": FIXTURES / "reflections_fresh.yaml",
    "fresh 2": FIXTURES / "reflections_fresh2.yaml",
    "fresh 3": FIXTURES / "reflections_fresh3.yaml",
    "fresh 4": FIXTURES / "reflections_fresh4.yaml",
}
UNSEEN = FIXTURES / "privacy_unseen"
TODAY = date(2026, 11, 25)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def briefing_names_of(briefing_id: str) -> frozenset[str]:
    """The names a briefing in briefings/ uses, as a session running it with the seven-minute template allows."""
    from app.briefings.files import read_file
    from app.sessions.privacy import names_in_plan
    from app.sessions.templates import load_templates, plan

    template = load_templates(ROOT / "session_templates").get("seven-minute")
    return names_in_plan(plan(read_file(ROOT / "briefings" / f"{briefing_id}.md"), template).to_dict())


def score(find, items) -> dict:
    tp = fp = fn = tn = 0
    misses, false_alarms = [], []
    for item in items:
        # A reflection on a named briefing ("briefing: wandsworth-mark-and-lloyd") is checked as the session
        # checks it: the names that briefing uses are allowed.
        allowed = briefing_names_of(item["briefing"]) if item.get("briefing") else frozenset()
        findings = find(item["text"], TODAY, allowed)
        if item["identifies"] and findings:
            tp += 1
        elif item["identifies"]:
            fn += 1
            misses.append(item["text"])
        elif findings:
            fp += 1
            false_alarms.append(f"{item['text']}  <- {[(f.kind, f.text) for f in findings]}")
        else:
            tn += 1
    return {
        "items": len(items), "identifying": tp + fn,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "missed": misses, "false_alarms": false_alarms,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--quiet", action="store_true", help="figures only, not the misses and false alarms")
    parser.add_argument(
        "--unseen", action="store_true",
        help="also score every blind pair in tests/fixtures/privacy_unseen/, the ones still kept unseen too "
             "(not held to the targets)",
    )
    parser.add_argument(
        "--blind", nargs="+", type=int, metavar="N",
        help="also score only these sets of tests/fixtures/privacy_unseen/ (blindN.yaml): a set still kept unseen "
             "for the lead's final run is never opened unless it is named here",
    )
    options = parser.parse_args()

    import yaml  # before measuring: the app imports it anyway

    import app.sessions  # noqa: F401  (the app's own imports, Flask and SQLAlchemy, are not the detector's cost)

    rss_before = rss_mb()
    started = time.perf_counter()
    from app.sessions.privacy import find_personal_data
    imported = time.perf_counter() - started
    started = time.perf_counter()
    find_personal_data(
        "Warm-up: the Walker family at 12 Acacia Road; we asked Teaghan, who came from Jordan and spoke Amharic "
        "with a Moldovan interpreter.", TODAY
    )  # loads every list (names, English words, places, languages, nationalities)
    first_call = time.perf_counter() - started
    rss_after = rss_mb()

    results = {"import_s": imported, "first_call_s": first_call, "rss_gain_mb": rss_after - rss_before}
    sample = " ".join(yaml.safe_load(SETS["labelled"].read_text())[i]["text"] for i in range(0, 200, 7))[:2000]
    runs = 200
    started = time.perf_counter()
    for _ in range(runs):
        find_personal_data(sample, TODAY)
    results["per_call_ms_2000_chars"] = (time.perf_counter() - started) / runs * 1000
    for name, path in SETS.items():
        results[name] = score(find_personal_data, yaml.safe_load(path.read_text()))

    print(f"import {results['import_s'] * 1000:.0f} ms (phonenumbers and the module), "
          f"first call (loads the names lists) {results['first_call_s'] * 1000:.0f} ms, RSS +{results['rss_gain_mb']:.1f} MB, "
          f"{results['per_call_ms_2000_chars']:.2f} ms per 2,000-character reflection")
    unseen = {}
    if options.unseen or options.blind:
        # Written by authors who never read the detector, two at a time; each pair was scored once before the
        # next round of changes (bench/README.md gives those first runs), so only the newest pair is still unseen.
        paths = ([UNSEEN / f"blind{number}.yaml" for number in sorted(options.blind)] if options.blind
                 else sorted(UNSEEN.glob("blind*.yaml"), key=lambda p: int(p.stem.removeprefix("blind"))))
        for path in paths:
            unseen[f"unseen {path.stem}"] = score(find_personal_data, yaml.safe_load(path.read_text()))
        results["unseen"] = unseen
    for name in [*SETS, *unseen]:
        figures = results[name] if name in SETS else unseen[name]
        print(f"RESULT {name}: {figures['items']} reflections ({figures['identifying']} identifying): "
              f"recall {figures['recall']:.1%}, precision {figures['precision']:.1%}")
        if not options.quiet:
            for text in figures["missed"]:
                print(f"  missed: {text}")
            for text in figures["false_alarms"]:
                print(f"  false alarm: {text}")
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
