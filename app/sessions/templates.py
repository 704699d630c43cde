"""Session templates: how a briefing is delivered, step by step, and the plan they make for one briefing.

A template is a YAML file in `session_templates/` (see docs/session-templates.md). `plan(briefing, template)`
turns it into the steps a session runs: each with its title, planned time, the briefing sections it shows,
the questions it asks, the facilitator's prompt, and whether the room's responses or actions are recorded.
Plain Python, no Flask.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..briefings.files import Problem
from ..briefings.library import display_path
from ..briefings.markup import plain_text
from ..briefings.model import SECTION_KINDS, Briefing, Section, section_from_dict

# The questions many partnerships end a seven-minute briefing with (PRODUCT.md). A template can give its own.
STANDARD_QUESTIONS = (
    "What are your key thoughts and reflections?",
    "How can we ensure the learning is embedded, and how will we know?",
    "How can we integrate the learning into team or service improvement plans?",
)
TEMPLATE_FIELDS = ("name", "description", "standard_questions", "steps")
STEP_FIELDS = (
    "title", "duration", "shows", "prompt", "collects_responses", "records_actions", "for_each", "if_missing"
)
FOR_EACH = ("question", "section")
IF_MISSING = ("skip", "standard_questions", "keep")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DURATION = re.compile(r"^(?:(\d{1,3}):([0-5]\d)|(\d{1,4})s)$")


class TemplateFileError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class TemplateStep:
    title: str
    duration_seconds: int
    shows: list[str] = field(default_factory=list)
    prompt: str = ""
    collects_responses: bool = False
    records_actions: bool = False
    for_each: str | None = None  # "question": one step per question; "section": one per section shown
    if_missing: str = "skip"  # when the briefing has none of the kinds shown
    line: int = 0


@dataclass
class SessionTemplate:
    id: str
    name: str
    description: str
    steps: list[TemplateStep]
    standard_questions: list[str] = field(default_factory=lambda: list(STANDARD_QUESTIONS))
    path: str = ""

    @property
    def total_seconds(self) -> int:
        return sum(step.duration_seconds for step in self.steps)

    def summary_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "description": self.description, "minutes": self.total_seconds / 60}


@dataclass
class Question:
    text: str  # inline Markdown, as the briefing or template wrote it
    source: str  # "briefing" (the publisher's question) or "template" (the session template's)

    def to_dict(self) -> dict:
        return {"text": self.text, "source": self.source}


@dataclass
class PlannedStep:
    title: str
    planned_seconds: int
    prompt: str = ""
    sections: list[Section] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    collects_responses: bool = False
    records_actions: bool = False

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "planned_seconds": self.planned_seconds,
            "prompt": self.prompt,
            "sections": [section.to_dict() for section in self.sections],
            "questions": [question.to_dict() for question in self.questions],
            "collects_responses": self.collects_responses,
            "records_actions": self.records_actions,
        }

    @classmethod
    def from_dict(cls, data: dict) -> PlannedStep:
        return cls(
            title=data["title"],
            planned_seconds=data["planned_seconds"],
            prompt=data.get("prompt", ""),
            sections=[section_from_dict(s) for s in data.get("sections", [])],
            questions=[Question(**q) for q in data.get("questions", [])],
            collects_responses=data.get("collects_responses", False),
            records_actions=data.get("records_actions", False),
        )


@dataclass
class Plan:
    """What a session runs: a snapshot of the briefing as the template shows it."""

    briefing: dict  # the briefing's front matter (id, title, publisher, ...)
    template: dict  # the template's id, name and description
    steps: list[PlannedStep]
    # Every section's label in reading order (the deck's "at a glance" slide), and the sections no step shows
    # (the deck still carries them, so an offline pack is the whole briefing). Empty in plans stored before
    # exports existed.
    outline: list[str] = field(default_factory=list)
    unshown: list[Section] = field(default_factory=list)

    @property
    def total_seconds(self) -> int:
        return sum(step.planned_seconds for step in self.steps)

    def to_dict(self) -> dict:
        return {
            "briefing": self.briefing,
            "template": self.template,
            "steps": [s.to_dict() for s in self.steps],
            "outline": list(self.outline),
            "unshown": [section.to_dict() for section in self.unshown],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Plan:
        return cls(
            briefing=data["briefing"],
            template=data["template"],
            steps=[PlannedStep.from_dict(step) for step in data["steps"]],
            outline=list(data.get("outline", [])),
            unshown=[section_from_dict(section) for section in data.get("unshown", [])],
        )


# --- planning --------------------------------------------------------------------------------------------


def briefing_questions(sections: list[Section]) -> list[Question]:
    """The publisher's questions: every item of a reflection section, and paragraphs that ask something."""
    questions = []
    for section in sections:
        for block in section.blocks:
            if block.type == "list":
                questions.extend(Question(item.text, "briefing") for item in block.items)
            elif block.type == "paragraph" and plain_text(block.text).rstrip().endswith("?"):
                questions.append(Question(block.text, "briefing"))
    return questions


def _split(total: int, parts: int) -> list[int]:
    """Share `total` seconds between `parts` steps in whole 5-second amounts that add up to the total."""
    if parts <= 0:
        return []
    unit = 5 if total % 5 == 0 and total >= 5 * parts else 1
    base, extra = divmod(total // unit, parts)
    return [(base + (1 if index < extra else 0)) * unit for index in range(parts)]


def plan(briefing: Briefing, template: SessionTemplate) -> Plan:
    steps: list[PlannedStep] = []
    carried = 0  # planned time of steps left out, given to the next step so the session keeps its length
    for step in template.steps:
        sections = briefing.sections_of(*step.shows) if step.shows else []
        questions = briefing_questions(sections) if step.collects_responses else []
        if step.collects_responses and not questions and step.if_missing == "standard_questions":
            questions = [Question(text, "template") for text in template.standard_questions]
        if step.shows and not sections and not questions and step.if_missing != "keep":
            carried += step.duration_seconds
            continue
        duration = step.duration_seconds + carried
        carried = 0
        if step.for_each == "section" and len(sections) > 1:
            for section, seconds in zip(sections, _split(duration, len(sections))):
                title = step.title.format(n=1, count=1, heading=section.numbered_label)
                steps.append(_planned(step, title, seconds, [section], []))
        elif step.for_each == "question" and len(questions) > 1:
            count = len(questions)
            for index, (question, seconds) in enumerate(zip(questions, _split(duration, count)), start=1):
                title = step.title.format(n=index, count=count, heading="")
                steps.append(_planned(step, title, seconds, sections, [question]))
        else:
            title = step.title.format(n=1, count=1, heading=sections[0].numbered_label if sections else "")
            steps.append(_planned(step, title, duration, sections, questions))
    if carried and steps:
        steps[-1].planned_seconds += carried
    shown = {id(section) for step in steps for section in step.sections}
    return Plan(
        briefing=briefing.front_matter(),
        template={"id": template.id, "name": template.name, "description": template.description},
        steps=steps,
        outline=[section.numbered_label for section in briefing.sections],
        unshown=[section for section in briefing.sections if id(section) not in shown],
    )


def _planned(step: TemplateStep, title: str, seconds: int, sections, questions) -> PlannedStep:
    return PlannedStep(
        title=title,
        planned_seconds=seconds,
        prompt=step.prompt,
        sections=list(sections),
        questions=list(questions),
        collects_responses=step.collects_responses,
        records_actions=step.records_actions,
    )


# --- reading template files --------------------------------------------------------------------------------


def parse_duration(value) -> int | None:
    """Seconds from "7:00", "1:30" or "90s"; None when the value is none of those."""
    match = DURATION.match(str(value).strip()) if isinstance(value, (str, int)) else None
    if not match:
        return None
    if match.group(3) is not None:
        return int(match.group(3))
    return int(match.group(1)) * 60 + int(match.group(2))


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping, for messages that name the line."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__lines__"] = {key.value: key.start_mark.line + 1 for key, _ in node.value if hasattr(key, "value")}
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def parse_template(text: str, path: str, template_id: str) -> SessionTemplate:
    problems: list[Problem] = []
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or "it is not valid YAML"
        raise TemplateFileError(
            [Problem(path, mark.line + 1 if mark else 1, f"broken YAML: {reason}; check the indentation and quoting")]
        ) from None
    if not isinstance(data, dict):
        raise TemplateFileError([Problem(path, 1, "a template is 'name:', 'description:' and 'steps:'")])
    lines = data.pop("__lines__", {})
    data.pop("__line__", None)

    def problem(line: int, message: str) -> None:
        problems.append(Problem(path, line, message))

    for key in data:
        if key not in TEMPLATE_FIELDS:
            problem(lines.get(key, 1), _unknown("template field", key, TEMPLATE_FIELDS))
    if not ID_PATTERN.match(template_id):
        problem(1, f"the file name '{template_id}' must be lowercase letters, digits and hyphens, like 'seven-minute.yaml'")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        problem(lines.get("name", 1), "the template has no name: add 'name: ...'")
    questions = data.get("standard_questions", list(STANDARD_QUESTIONS))
    if not isinstance(questions, list) or not questions or not all(isinstance(q, str) and q.strip() for q in questions):
        problem(lines.get("standard_questions", 1), "'standard_questions' must be a list of questions")
        questions = list(STANDARD_QUESTIONS)
    raw_steps = data.get("steps")
    steps: list[TemplateStep] = []
    if not isinstance(raw_steps, list) or not raw_steps:
        problem(lines.get("steps", 1), "the template has no steps: add 'steps:' with at least one step")
    else:
        for raw in raw_steps:
            step = _step(raw, path, problems, lines.get("steps", 1))
            if step is not None:
                steps.append(step)
    if problems:
        raise TemplateFileError(sorted(problems, key=lambda p: p.line))
    return SessionTemplate(
        id=template_id,
        name=name.strip(),
        description=str(data.get("description") or "").strip(),
        steps=steps,
        standard_questions=[q.strip() for q in questions],
        path=path,
    )


def _unknown(what: str, key, allowed) -> str:
    guess = difflib.get_close_matches(str(key), allowed, n=1)
    hint = f"did you mean '{guess[0]}'?" if guess else f"use one of: {', '.join(allowed)}"
    return f"unknown {what} '{key}': {hint}"


def _step(raw, path: str, problems: list[Problem], fallback_line: int) -> TemplateStep | None:
    if not isinstance(raw, dict):
        problems.append(Problem(path, fallback_line, "each step is a set of 'title:', 'duration:', ... lines"))
        return None
    line = raw.pop("__line__", fallback_line)
    lines = raw.pop("__lines__", {})

    def problem(key: str, message: str) -> None:
        problems.append(Problem(path, lines.get(key, line), message))

    for key in raw:
        if key not in STEP_FIELDS:
            problem(key, _unknown("step field", key, STEP_FIELDS))
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        problem("title", "a step has no title: add 'title: ...'")
        title = ""
    seconds = parse_duration(raw.get("duration"))
    if seconds is None or seconds <= 0:
        problem("duration", f"the step '{title}' needs a duration like '1:30' (minutes:seconds) or '90s'")
        seconds = 0
    shows = raw.get("shows", [])
    shows = [shows] if isinstance(shows, str) else shows
    if not isinstance(shows, list):
        problem("shows", "'shows' must be a list of section kinds, like [background]")
        shows = []
    for kind in shows:
        if kind not in SECTION_KINDS:
            problem("shows", _unknown("section kind", kind, tuple(SECTION_KINDS)))
    flags = {}
    for flag in ("collects_responses", "records_actions"):
        value = raw.get(flag, False)
        if not isinstance(value, bool):
            problem(flag, f"'{flag}' must be true or false")
            value = False
        flags[flag] = value
    for_each = raw.get("for_each")
    if for_each is not None and for_each not in FOR_EACH:
        problem("for_each", _unknown("for_each value", for_each, FOR_EACH))
        for_each = None
    if_missing = raw.get("if_missing", "skip")
    if if_missing not in IF_MISSING:
        problem("if_missing", _unknown("if_missing value", if_missing, IF_MISSING))
        if_missing = "skip"
    prompt = raw.get("prompt", "")
    if not isinstance(prompt, str):
        problem("prompt", "'prompt' must be text")
        prompt = ""
    try:
        title.format(n=1, count=1, heading="")
    except (KeyError, IndexError, ValueError):
        problem("title", "a step title may use only {n}, {count} and {heading} in braces")
        title = title.replace("{", "(").replace("}", ")")
    return TemplateStep(
        title=title.strip(),
        duration_seconds=seconds,
        shows=list(shows),
        prompt=" ".join(prompt.split()),
        for_each=for_each,
        if_missing=if_missing,
        line=line,
        **flags,
    )


TEMPLATE_SUFFIXES = (".yaml", ".yml")


@dataclass
class TemplateLibrary:
    templates: dict[str, SessionTemplate] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def get(self, template_id: str) -> SessionTemplate | None:
        return self.templates.get(template_id)

    def all(self) -> list[SessionTemplate]:
        return sorted(self.templates.values(), key=lambda t: t.total_seconds)


def load_templates(folder: Path | str) -> TemplateLibrary:
    folder = Path(folder)
    library = TemplateLibrary()
    if not folder.is_dir():
        library.problems.append(Problem(display_path(folder), 0, "the session templates folder does not exist"))
        return library
    for path in sorted(p for p in folder.iterdir() if p.suffix in TEMPLATE_SUFFIXES and p.is_file()):
        name = display_path(path)
        try:
            text = path.read_text(encoding="utf-8")
            library.templates[path.stem] = parse_template(text, name, path.stem)
        except UnicodeDecodeError:
            library.problems.append(Problem(name, 1, "the file is not UTF-8 text; save it again as UTF-8"))
        except TemplateFileError as error:
            library.problems.extend(error.problems)
    return library
