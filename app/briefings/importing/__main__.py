"""``python -m app.briefings.importing docs/importing.md`` rewrites the phrase and theme tables in the docs."""

import sys

from .phrases import main

sys.exit(main(sys.argv[1:]))
