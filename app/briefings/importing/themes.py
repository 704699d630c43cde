"""Themes suggested from the words a briefing uses (a person keeps the ones that fit)."""

from __future__ import annotations

import re

# --- themes and review type ------------------------------------------------------------------------------

# theme -> words that suggest it. A theme is suggested when its words occur at least twice in the briefing.
THEME_KEYWORDS: dict[str, tuple[str, ...]] = {
    "neglect": ("neglect", "neglected", "neglectful"),
    "domestic abuse": ("domestic abuse", "domestic violence", "marac", "intimate partner violence"),
    "coercive control": ("coercive control", "coercion and control", "coercive behaviour", "controlling behaviour"),
    "criminal exploitation": (
        "criminal exploitation", "county lines", "cce", "criminal activity", "criminal behaviour", "criminality",
    ),
    "child sexual exploitation": ("sexual exploitation", "cse"),
    "emotional abuse": ("emotional abuse", "emotional harm", "emotionally abused"),
    "physical abuse": ("physical abuse", "physically abused", "physical harm"),
    "sexual abuse": ("sexual abuse", "sexually abused", "sexual assault", "sexual assaults"),
    "non-accidental injury": (
        "non-accidental injury", "non accidental injury", "nai", "significant injuries", "head injury", "bruising",
    ),
    "professional curiosity": ("professional curiosity", "professionally curious", "respectful uncertainty"),
    "information sharing": (
        "information sharing", "share information", "sharing information", "information was not shared",
        "consent to share",
    ),
    "disguised compliance": ("disguised compliance", "non-engagement", "resistant parent", "avoiding services"),
    "voice of the child": ("voice of the child", "child's voice", "children's voices", "lived experience"),
    "trauma": ("trauma", "traumatic", "adverse childhood experiences", "aces"),
    "mental health": ("mental health", "mental ill-health", "depression", "self-harm", "suicide"),
    "substance misuse": ("substance misuse", "drug use", "drug misuse", "alcohol", "substance use"),
    "school attendance": (
        "school attendance", "attended school", "attend school", "excluded from school", "exclusion",
        "missing education", "elective home education",
    ),
    "housing": ("housing", "rehoused", "re-housing", "homeless", "homelessness"),
    "missing from home": ("missing from home", "missing episodes", "went missing", "reported missing"),
    "management oversight": ("management oversight", "managerial oversight", "supervision"),
    "contextual safeguarding": ("contextual safeguarding", "risk outside the home", "risk from outside the home"),
    "cross-boundary moves": ("across local authority boundaries", "moving across", "moved across", "cross-border"),
    "safe sleep": ("safe sleep", "co-sleeping", "sudden unexpected death in infancy", "sudi"),
    "self-neglect": ("self-neglect", "self neglect", "hoarding"),
    "mental capacity": ("mental capacity", "capacity assessment", "capacity assessments", "unwise decisions"),
    "online safety": ("online safety", "online abuse", "social media"),
}
MAX_SUGGESTED_THEMES = 6

THEME_DOCS_START = "<!-- themes:start (generated from app/briefings/importing/themes.py) -->"
THEME_DOCS_END = "<!-- themes:end -->"


def theme_table_markdown() -> str:
    rows = ["| theme | words that suggest it |", "|---|---|"]
    rows += [f"| {theme} | {', '.join(words)} |" for theme, words in THEME_KEYWORDS.items()]
    return "\n".join(rows)


def _theme_patterns() -> dict[str, re.Pattern[str]]:
    return {
        # Not after a hyphen, so "self-neglect" does not count as "neglect".
        theme: re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(word) for word in words) + r")\b", re.IGNORECASE)
        for theme, words in THEME_KEYWORDS.items()
    }


_THEME_PATTERNS = _theme_patterns()


def suggest_themes(text: str) -> list[str]:
    counts = {theme: len(pattern.findall(text)) for theme, pattern in _THEME_PATTERNS.items()}
    found = [theme for theme, count in counts.items() if count >= 2]
    found.sort(key=lambda theme: -counts[theme])  # stable: ties keep the table's order
    return found[:MAX_SUGGESTED_THEMES]


