"""How much of a long list of responses a screen shows at once.

Whatever gets into a session (a flood of a thousand responses from one script), a page shows what a person can
read: the newest PAGE responses of a question on the console (older ones a page at a time on request, up to
MOST), the oldest PAGE of those waiting for approval (the queue is worked from its front), and on the presenter
and the summary a bounded number too. Sizes come from the request as text: only ASCII digits count, and every
size is kept between PAGE and MOST, so a request cannot ask a page to render more.

Plain Python, no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Generic, Sequence, TypeVar

from ..numbers import count_or_none

PAGE = 50  # responses shown at first, and added by each "Show older responses"
MOST = 500  # the most a page renders for one list, however often "Show older" is pressed
PRESENTER = 100  # the newest shown responses of a question on the projector
SUMMARY = 50  # responses of each kind per question on the summary page (the PDF record has them all)

T = TypeVar("T")


def page_size(value: str | None) -> int:
    """A requested size: ASCII digits only (not '²' or '٣'; anything else means PAGE), kept between PAGE and MOST."""
    if value is not None and len(value.strip()) > 6 and value.strip().isascii() and value.strip().isdigit():
        return MOST  # a number of thousands of digits is never converted: it is just more than MOST
    size = count_or_none(value)
    return PAGE if size is None else min(MOST, max(PAGE, size))


@dataclass(frozen=True)
class Window(Generic[T]):
    """Part of a list: `rows` are (position in the whole list from 1, item), in the list's order."""

    rows: list[tuple[int, T]]
    before: int  # items earlier in the list that are not shown
    after: int  # items later in the list that are not shown
    size: int  # how many were asked for

    first_page = PAGE

    @property
    def hidden(self) -> int:
        return self.before + self.after

    @property
    def larger(self) -> int | None:
        """The size that shows one more page, or None when nothing is left out or MOST is reached."""
        if not self.hidden or self.size >= MOST:
            return None
        return min(MOST, self.size + PAGE)


def newest(items: Sequence[T], size: int, *, first: int = 1) -> Window[T]:
    """The last `size` items, still in order (oldest of them first); `first` numbers the list's first item."""
    start = max(0, len(items) - size)
    return Window([(first + start + i, item) for i, item in enumerate(items[start:])], start, 0, size)


def oldest(items: Sequence[T], size: int, *, first: int = 1) -> Window[T]:
    """The first `size` items."""
    shown = items[:size]
    return Window([(first + i, item) for i, item in enumerate(shown)], 0, len(items) - len(shown), size)


@dataclass(frozen=True)
class ResponsePages(Generic[T]):
    """A question's responses as the console lists them: the newest of those on (or hidden from) the screens,
    then the front of the queue waiting for approval; numbered through the whole list."""

    recent: Window[T]
    waiting: Window[T]

    @property
    def rows(self) -> list[tuple[int, T]]:
        return self.recent.rows + self.waiting.rows


def response_pages(responses: Sequence[T], is_waiting: Callable[[T], bool], recent: int, waiting: int) -> ResponsePages[T]:
    settled = [response for response in responses if not is_waiting(response)]
    queue = [response for response in responses if is_waiting(response)]
    return ResponsePages(newest(settled, recent), oldest(queue, waiting, first=len(settled) + 1))
