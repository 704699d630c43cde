"""Import a published briefing (text, Markdown, .docx, .pdf or a saved web page) as a Briefing, with a report.

One module per job: a reader per format (``text_reader``, ``docx_reader``, ``pdf_reader``, ``html_reader``)
turns the source into lines; ``blocks`` decides what each line is (a heading, an item, a note, a paragraph);
``sections`` groups them into sections and finds each one's kind (the phrase table in ``heading_phrases.yaml``
through ``phrases``, then meaning words and content cues); ``titles`` and ``themes`` fill in the briefing's
details; ``report`` holds what a person should check and what was set aside; ``pipeline`` puts it together.
docs/importing.md describes every rule; tests/test_importer*.py hold them.

Plain Python, no Flask: the CLI (``flask briefings import``) and the editor pages both call this.
"""

from .limits import DEFAULT_LIMITS, ImportLimits
from .pipeline import import_bytes, import_file, import_text
from .report import Check, ImportFailed, ImportReport, ImportResult, SetAside
from .themes import suggest_themes
from .titles import slugify

__all__ = [
    "DEFAULT_LIMITS",
    "Check",
    "ImportFailed",
    "ImportLimits",
    "ImportReport",
    "ImportResult",
    "SetAside",
    "import_bytes",
    "import_file",
    "import_text",
    "slugify",
    "suggest_themes",
]
