"""Whatever gets into a session, every page stays bounded: a flood of responses to one question (as one script
with one join could leave them) is shown a page at a time on the console, capped on the presenter and the summary,
and complete in the PDF record. Pages are parsed with BeautifulSoup."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.sessions import paging, service
from app.sessions.models import BriefingSession, Facilitator, Response
from app.web import now

from .test_run_views import HTMX, REFLECTION, alice, app, client, page_token, session_id, soup_of  # noqa: F401


def flood(app, public_id: str, count: int, *, pending: bool = False, question: int = 0, length: int = 60) -> None:
    """`count` responses to one question, written as a flood leaves them: numbered 1.. in the order they came."""
    with app.app_context():
        facilitator = db.session.execute(select(Facilitator).filter_by(name="alice")).scalar_one()
        row = service.find_session(db.session, public_id, facilitator)
        if row.step != REFLECTION:
            service.move(db.session, public_id, facilitator, row.step, REFLECTION, now())
            row = service.find_session(db.session, public_id, facilitator)
        start = now()
        for number in range(1, count + 1):
            moment = start + timedelta(milliseconds=number)
            text = f"Flooded {number}. " + ("Words of a long reflection. " * 80)[: max(0, length - 15)]
            db.session.add(Response(session_id=row.id, step=REFLECTION, question=question, text=text.strip(),
                                    source="attendee", anonymous=True, pending=pending, created_at=moment,
                                    updated_at=moment, shown_at=None if pending else moment))
        row.version += 1
        db.session.commit()


def numbers(listing) -> list[int]:
    return [int(re.search(r"Flooded (\d+)\.", item.get_text()).group(1)) for item in listing.select("li.run-response")]


def version_of(app, public_id: str) -> int:
    with app.app_context():
        return db.session.execute(select(BriefingSession.version).filter_by(public_id=public_id)).scalar_one()


def test_the_console_lists_the_newest_fifty_of_three_hundred_responses_and_offers_the_rest(app, client, session_id):
    flood(app, session_id, 300)
    listing = soup_of(client.get(f"/sessions/{session_id}/console")).find(id=f"responses-{REFLECTION}-0")
    assert numbers(listing) == list(range(251, 301))
    assert "300 responses on the screen" in listing.find(class_="run-responses__count").get_text()
    more = listing.find("a", string=re.compile("Show older responses"))
    assert "250 more" in more.get_text()
    assert more["hx-get"] and more["href"]


def test_show_older_responses_loads_the_next_page_with_htmx_and_without(app, client, session_id):
    flood(app, session_id, 300)
    listing = soup_of(client.get(f"/sessions/{session_id}/console")).find(id=f"responses-{REFLECTION}-0")
    more = listing.find("a", string=re.compile("Show older responses"))
    fragment = soup_of(client.get(more["hx-get"], headers=HTMX)).find(id=f"responses-{REFLECTION}-0")
    assert numbers(fragment) == list(range(201, 301))
    assert "200 more" in fragment.find("a", string=re.compile("Show older responses")).get_text()
    page = soup_of(client.get(more["href"])).find(id=f"responses-{REFLECTION}-0")  # no JavaScript: the console
    assert numbers(page) == list(range(201, 301))


def test_a_poll_keeps_the_older_page_a_facilitator_opened(app, client, session_id):
    flood(app, session_id, 300)
    listing = soup_of(client.get(f"/sessions/{session_id}/console")).find(id=f"responses-{REFLECTION}-0")
    fragment = soup_of(client.get(listing.find("a", string=re.compile("Show older"))["hx-get"], headers=HTMX))
    kept = {field["name"]: field["value"] for field in fragment.select("[data-list-size]")}
    assert kept == {f"recent-{REFLECTION}-0": "100"}
    shown = version_of(app, session_id)
    flood(app, session_id, 1)  # someone sends another: the poll redraws the list
    poll = client.get(f"/sessions/{session_id}/console", query_string={"version": shown, "step": REFLECTION, **kept},
                      headers=HTMX)
    redrawn = soup_of(poll).find(id=f"responses-{REFLECTION}-0")
    assert redrawn.get("hx-swap-oob") == "true"
    assert len(numbers(redrawn)) == 100


def test_the_status_poll_and_the_list_send_the_list_sizes_back(app, client, session_id):
    flood(app, session_id, 60)
    soup = soup_of(client.get(f"/sessions/{session_id}/console"))
    assert "[data-list-size]" in soup.find(id="run-status")["hx-include"]
    assert soup.find(id=f"responses-{REFLECTION}-0")["hx-include"] == "[data-list-size]"


def test_the_waiting_queue_lists_its_oldest_fifty_first(app, client, session_id):
    flood(app, session_id, 120, pending=True)
    listing = soup_of(client.get(f"/sessions/{session_id}/console")).find(id=f"responses-{REFLECTION}-0")
    assert numbers(listing) == list(range(1, 51))
    more = listing.find("a", string=re.compile("Show more waiting"))
    assert "70 more" in more.get_text()
    assert numbers(soup_of(client.get(more["hx-get"], headers=HTMX))) == list(range(1, 101))


def test_no_request_makes_the_console_list_more_than_the_most(app, client, session_id):
    flood(app, session_id, paging.MOST + 20, length=20)
    for asked, listed in (("99999999999", paging.MOST), ("1" * 5000, paging.MOST), ("²", paging.PAGE),
                          ("٣٠٠", paging.PAGE), ("-5", paging.PAGE)):
        page = client.get(f"/sessions/{session_id}/console", query_string={f"recent-{REFLECTION}-0": asked})
        assert page.status_code == 200
        assert len(numbers(soup_of(page).find(id=f"responses-{REFLECTION}-0"))) == listed, asked


def test_a_list_of_a_question_that_does_not_exist_is_not_found(app, client, session_id):
    assert client.get(f"/sessions/{session_id}/responses/{REFLECTION}/99", headers=HTMX).status_code == 404
    assert client.get(f"/sessions/{session_id}/responses/99/0", headers=HTMX).status_code == 404


def test_the_presenter_shows_the_newest_responses_up_to_its_cap_and_counts_them_all(app, client, session_id):
    flood(app, session_id, paging.PRESENTER + 150, length=20)
    stage = soup_of(client.get(f"/sessions/{session_id}/present"))
    items = stage.select("li.stage-response")
    assert len(items) == paging.PRESENTER
    assert f"Flooded {paging.PRESENTER + 150}." in items[-1].get_text()
    assert f"{paging.PRESENTER + 150} responses" in stage.find(class_="stage-question__count").get_text()


def test_the_summary_lists_a_page_of_responses_and_points_to_the_record_for_the_rest(app, client, session_id):
    flood(app, session_id, 300, length=20)
    soup = soup_of(client.get(f"/sessions/{session_id}"))
    lists = soup.find_all("ul", attrs={"aria-label": "Responses"})
    assert sum(len(listing.find_all("li")) for listing in lists) == paging.SUMMARY
    more = soup.find(class_="question__more")
    assert "250 more" in more.get_text()
    assert more.find("a")["href"].endswith("/export.pdf")


def test_the_record_pdf_of_a_flooded_question_holds_every_response(app, client, session_id):
    flood(app, session_id, 200, length=1900)
    answer = client.get(f"/sessions/{session_id}/export.pdf")
    assert answer.status_code == 200
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(BytesIO(answer.data)).pages)
    assert {int(n) for n in re.findall(r"Flooded (\d+)\.", text)} == set(range(1, 201))
