"""Downloading exports, as a facilitator would: from the briefing page, the console and the summary, and with
`flask export`. The files are reopened (python-pptx, pypdf) rather than byte-matched; what each format holds in
detail is tested in test_export_deck.py and test_export_pdf.py."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from app.exports import files
from app.formatting import local_date
from app.sessions import service

from .test_auth import create_facilitator, csrf_token, sign_in
from .test_sessions_pages import T0, alice, at, in_app, reflection_step, section, soup_of, start, words  # noqa: F401

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
TODAY = local_date(datetime.now(timezone.utc)).isoformat()


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages)


def deck_text(data: bytes) -> str:
    deck = Presentation(BytesIO(data))
    return " ".join(
        " ".join(shape.text_frame.text.split())
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    )


def exports_dir(app) -> Path:
    return Path(app.config["EXPORTS_DIR"])


def saved(app) -> list[str]:
    folder = exports_dir(app)
    return sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []


def attachment_name(response) -> str:
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;"), disposition
    return disposition.split("filename=", 1)[1].strip('"')


# --- the briefing page ---------------------------------------------------------------------------------------


def test_the_briefing_page_offers_the_deck_and_the_handout_with_a_choice_of_template(client, alice):
    soup = soup_of(client.get("/briefings/westborough-child-3"))

    offline = section(soup, "offline-heading")
    assert words(offline.find("h2")) == "Take it offline"
    form = offline.find("form")
    assert form["method"] == "get"
    select_ = form.find("select", attrs={"name": "template"})
    assert soup.find("label", attrs={"for": select_["id"]}) is not None
    assert select_.find("option", selected=True)["value"] == "seven-minute"
    buttons = {words(button): button for button in form.find_all("button")}
    assert set(buttons) == {"Download PowerPoint deck", "Download PDF handout"}
    assert form["action"] == "/briefings/westborough-child-3/export.pptx"
    assert buttons["Download PDF handout"]["formaction"] == "/briefings/westborough-child-3/export.pdf"


def test_a_visitor_is_asked_to_sign_in_and_comes_back_to_the_briefing_not_to_a_download(client):
    offline = section(soup_of(client.get("/briefings/westborough-child-3")), "offline-heading")

    assert offline.find("form") is None
    sign_in = offline.find("a", string="sign in to download")
    assert sign_in["href"] == "/login?next=/briefings/westborough-child-3%23offline-heading"
    page = client.get(sign_in["href"])
    assert page.status_code == 200 and soup_of(page).find("input", attrs={"name": "password"}) is not None


def test_a_briefing_download_asks_a_visitor_to_sign_in_first(client, app):
    response = client.get("/briefings/westborough-child-3/export.pptx?template=seven-minute")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert saved(app) == []


def test_a_signed_in_facilitator_downloads_the_briefing_deck_and_a_copy_is_kept(client, app, alice):
    response = client.get("/briefings/westborough-child-3/export.pptx")

    assert response.status_code == 200
    assert response.mimetype == PPTX
    name = attachment_name(response)
    assert name == f"westborough-child-3_{TODAY}_seven-minute.pptx"
    deck = Presentation(BytesIO(response.data))
    assert deck.slides[0].shapes.title.text_frame.text.startswith("Child 3")
    assert saved(app) == [name]
    assert (exports_dir(app) / name).read_bytes() == response.data
    assert oct((exports_dir(app) / name).stat().st_mode & 0o777) == "0o600"


def test_the_chosen_template_shapes_the_deck_and_names_the_file(client, alice):
    seven = client.get("/briefings/westborough-child-3/export.pptx?template=seven-minute")
    extended = client.get("/briefings/westborough-child-3/export.pptx?template=extended")

    assert attachment_name(extended) == f"westborough-child-3_{TODAY}_extended.pptx"
    assert len(Presentation(BytesIO(extended.data)).slides) != len(Presentation(BytesIO(seven.data)).slides)


def test_the_briefing_handout_is_a_pdf_with_the_briefings_words(client, alice):
    response = client.get("/briefings/westborough-child-3/export.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert attachment_name(response) == f"westborough-child-3_{TODAY}_seven-minute.pdf"
    reader = PdfReader(BytesIO(response.data))
    assert reader.metadata.title.startswith("Child 3")
    assert "Westborough Safeguarding Partnership" in pdf_text(response.data)


@pytest.mark.parametrize(
    "address",
    [
        "/briefings/no-such-briefing/export.pdf",
        "/briefings/westborough-child-3/export.docx",
        "/briefings/westborough-child-3/export.pptx?template=no-such-template",
    ],
)
def test_an_unknown_briefing_format_or_template_is_not_found_and_writes_nothing(client, app, alice, address):
    assert client.get(address).status_code == 404
    assert saved(app) == []


# --- a session -----------------------------------------------------------------------------------------------


def fill(app, public_id: str) -> dict:
    """A reflection shown, one hidden, an action: what a facilitator would have recorded by the end."""
    step = reflection_step(app, public_id)
    in_app(app, service.move, public_id, 0, step, at(60))
    kept = "Nobody asked the child what a day at home was like."
    hidden = "A response the facilitator hid from the screen."
    in_app(app, service.add_response, public_id, step, 0, kept, at(70))
    hidden_id = in_app(app, service.add_response, public_id, step, 0, hidden, at(80))
    in_app(app, service.set_response_hidden, public_id, hidden_id, True, at(85))
    in_app(app, service.add_action, public_id, "Invite the school nurse to core groups", "Sam Patel", "2027-01-15", at(90))
    return {"kept": kept, "hidden": hidden}


def test_a_running_session_exports_its_record_as_it_stands(client, app, alice):
    public_id = start(app)
    said = fill(app, public_id)

    response = client.get(f"/sessions/{public_id}/export.pdf")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    name = attachment_name(response)
    assert name == f"westborough-child-3_{local_date(T0).isoformat()}_{public_id}.pdf"
    text = pdf_text(response.data)
    assert said["kept"] in text
    assert said["hidden"] not in text
    assert "Invite the school nurse to core groups" in text and "Sam Patel" in text
    assert "still running" in text
    assert saved(app) == [name]


def test_a_session_deck_carries_what_the_room_said(client, app, alice):
    public_id = start(app)
    said = fill(app, public_id)

    response = client.get(f"/sessions/{public_id}/export.pptx")

    assert response.status_code == 200 and response.mimetype == PPTX
    text = deck_text(response.data)
    assert said["kept"] in text
    assert said["hidden"] not in text
    assert "Invite the school nurse to core groups" in text


def test_another_facilitators_session_cannot_be_exported(client, app, alice):
    create_facilitator(app, "bob")
    bobs = start(app, owner="bob")
    fill_as_bob = reflection_step(app, bobs)
    in_app(app, service.move, bobs, 0, fill_as_bob, at(60), owner="bob")
    in_app(app, service.add_response, bobs, fill_as_bob, 0, "Bob's team's private words", at(70), owner="bob")

    for file_format in ("pdf", "pptx"):
        response = client.get(f"/sessions/{bobs}/export.{file_format}")
        assert response.status_code == 404
        assert b"Bob's team" not in response.data
    assert saved(app) == []


def test_the_console_and_the_summary_link_to_both_exports(client, app, alice):
    public_id = start(app)
    expected = {
        "Discussion record (PDF)": f"/sessions/{public_id}/export.pdf",
        "Session deck (PowerPoint)": f"/sessions/{public_id}/export.pptx",
    }
    for page in (f"/sessions/{public_id}/console", f"/sessions/{public_id}"):
        part = section(soup_of(client.get(page)), "exports-heading")
        links = {words(a): a for a in part.find_all("a")}
        assert {name: a["href"] for name, a in links.items()} == expected, page
        assert all(a.has_attr("download") for a in links.values())
        assert "still running" in words(part)
        for href in expected.values():
            assert client.get(href).status_code == 200


def test_deleting_a_session_deletes_its_exports_and_no_other(client, app, alice):
    doomed, kept = start(app), start(app)
    for public_id in (doomed, kept):
        for file_format in ("pdf", "pptx"):
            assert client.get(f"/sessions/{public_id}/export.{file_format}").status_code == 200
    briefing_deck = client.get("/briefings/westborough-child-3/export.pptx")
    assert len(saved(app)) == 5

    client.post(f"/sessions/{doomed}/delete", data={"csrf_token": csrf_token(client, f"/sessions/{doomed}/delete")})

    left = saved(app)
    assert len(left) == 3
    assert not any(doomed in name for name in left)
    assert sum(kept in name for name in left) == 2
    assert attachment_name(briefing_deck) in left


def test_a_download_still_works_when_the_server_copy_cannot_be_written(make_app, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the exports folder should be")
    app = make_app(EXPORTS_DIR=blocked)
    client = app.test_client()
    create_facilitator(app, "alice")
    sign_in(client, "alice")

    response = client.get("/briefings/westborough-child-3/export.pptx")

    assert response.status_code == 200
    assert len(Presentation(BytesIO(response.data)).slides) > 3


# --- atomic writes and names ---------------------------------------------------------------------------------


def test_a_failed_write_leaves_the_previous_file_whole_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "wigan-child-3_2026-11-25_abc.pdf"
    files.write_atomically(target, b"the complete first version")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        files.write_atomically(target, b"half of the second")

    assert target.read_bytes() == b"the complete first version"
    assert [path.name for path in tmp_path.iterdir()] == [target.name]


@pytest.mark.parametrize("briefing_id, label", [("../etc", "x"), ("a/b", "x"), ("wigan", "../../passwd"), ("", "x")])
def test_an_export_name_never_holds_a_path(briefing_id, label):
    with pytest.raises(ValueError):
        files.export_name(briefing_id, T0.date(), label, "pdf")


# --- the command line ----------------------------------------------------------------------------------------


def test_flask_export_briefing_writes_the_deck_to_exports_dir_under_its_name(app):
    result = app.test_cli_runner().invoke(args=["export", "briefing", "westborough-child-3", "--format", "pptx"])

    assert result.exit_code == 0, result.output
    name = f"westborough-child-3_{TODAY}_seven-minute.pptx"
    assert saved(app) == [name]
    assert name in result.output
    assert len(Presentation(BytesIO((exports_dir(app) / name).read_bytes())).slides) > 3


def test_flask_export_briefing_writes_a_handout_where_it_is_told(app, tmp_path):
    target = tmp_path / "handout.pdf"
    result = app.test_cli_runner().invoke(
        args=["export", "briefing", "westborough-child-3", "--format", "pdf", "--template", "extended", "--output", str(target)]
    )

    assert result.exit_code == 0, result.output
    assert PdfReader(target).metadata.title.startswith("Child 3")
    assert saved(app) == []


def test_flask_export_session_writes_the_record(app):
    create_facilitator(app, "alice")
    public_id = start(app)
    said = fill(app, public_id)

    result = app.test_cli_runner().invoke(args=["export", "session", public_id, "--format", "pdf"])

    assert result.exit_code == 0, result.output
    [name] = saved(app)
    assert name.endswith(f"_{public_id}.pdf")
    assert said["kept"] in pdf_text((exports_dir(app) / name).read_bytes())


@pytest.mark.parametrize(
    "args, message",
    [
        (["export", "briefing", "nope", "--format", "pdf"], "no briefing with id 'nope' (known: northshire-child-a"),
        (["export", "briefing", "westborough-child-3", "--format", "pdf", "--template", "nope"], "no session template 'nope'"),
        (["export", "session", "nope", "--format", "pdf"], "no session with id 'nope'"),
        (["export", "briefing", "westborough-child-3", "--format", "docx"], "'docx' is not one of"),
    ],
)
def test_flask_export_explains_what_it_could_not_find(app, args, message):
    result = app.test_cli_runner().invoke(args=args)

    assert result.exit_code != 0
    assert message in result.output
    assert saved(app) == []
