"""The library store: the database holds every briefing with its versions; facilitators see the published ones.

Service use cases are driven directly (as the editor pages drive them); what facilitators see is read through
get_library() and the start form. Two apps on one database stand for two app servers.
"""

from __future__ import annotations

import copy
import threading
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from app import get_library
from app.briefings import files
from app.briefings.model import Block, Section
from app.extensions import db
from app.library_store import service
from app.library_store.models import BriefingVersionRow, StoredBriefingRow
from app.sessions import service as sessions
from app.sessions.models import BriefingSession, Facilitator
from app.sessions.templates import load_templates

from .conftest import FIXTURE_BRIEFINGS, REPO_BRIEFINGS, write_briefing
from .test_auth import create_facilitator, sign_in

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
FIXTURE_IDS = ["northshire-child-a", "riverside-mark-and-lloyd", "westborough-child-3"]


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def new_briefing(briefing_id="new-child-b", title="Child B"):
    briefing = files.parse_text((FIXTURE_BRIEFINGS / "westborough-child-3.md").read_text(encoding="utf-8"))
    briefing.id, briefing.title = briefing_id, title
    return briefing


def editor(app, name="erin"):
    create_facilitator(app, name)
    with app.app_context():
        row = db.session.execute(select(Facilitator).filter_by(name=name)).scalar_one()
        row.is_editor = True
        db.session.commit()


def by(name="erin") -> Facilitator:
    return db.session.execute(select(Facilitator).filter_by(name=name)).scalar_one()


def published_ids() -> list[str]:
    return sorted(get_library().briefings)


def start_form_choices(client) -> list[str]:
    soup = BeautifulSoup(client.get("/sessions/new").get_data(as_text=True), "html.parser")
    return [option["value"] for option in soup.select("select[name=briefing] option") if option["value"]]


@pytest.fixture
def app(make_app):
    app = make_app()
    editor(app)
    return app


# --- seeding --------------------------------------------------------------------------------------------


def test_the_shipped_files_are_loaded_as_published_version_1_by_shipped_file(app):
    with app.app_context():
        assert published_ids() == FIXTURE_IDS
        stored = service.get("westborough-child-3")
        assert (stored.status, stored.version, stored.updated_by) == ("published", 1, "shipped file")
        assert stored.briefing.to_dict() == files.read_file(FIXTURE_BRIEFINGS / "westborough-child-3.md").to_dict() | {
            "file": "westborough-child-3.md"
        }
        assert [v.changes for v in service.history("westborough-child-3")] == [
            ["added from the file westborough-child-3.md"]
        ]


def test_an_edit_in_the_browser_wins_over_the_shipped_file_on_the_next_start(make_app, briefings_folder):
    first = make_app(briefings_folder)
    with first.app_context():
        get_library()
        create_facilitator(first, "erin")
        edited = service.get("westborough-child-3").briefing
        edited.title = "Child 3 (edited)"
        service.save("westborough-child-3", edited, by=by(), now=at(1))
    # The same database, started again (another process): the file is read, but the id is already there.
    again = make_app(briefings_folder, SQLALCHEMY_DATABASE_URI=first.config["SQLALCHEMY_DATABASE_URI"])
    with again.app_context():
        assert get_library().get("westborough-child-3").title == "Child 3 (edited)"
        assert service.get("westborough-child-3").version == 2


def test_a_broken_file_is_named_with_its_line_and_the_others_load(make_app, briefings_folder):
    write_briefing(briefings_folder, "broken.md", "---\ntitle: X\n---\n\n## A {kind=lerning}\n\ntext\n")
    app = make_app(briefings_folder)
    with app.app_context():
        library = get_library()
        assert sorted(library.briefings) == FIXTURE_IDS
        assert [str(problem).split(": ", 1)[0].rsplit("/", 1)[-1] for problem in library.problems] == ["broken.md:5"]


def test_two_processes_seeding_one_database_at_once_add_each_briefing_once(make_app):
    first = make_app()
    url = first.config["SQLALCHEMY_DATABASE_URI"]
    apps = [first] + [make_app(SQLALCHEMY_DATABASE_URI=url) for _ in range(3)]
    errors = []

    def seed(one):
        try:
            with one.app_context():
                get_library()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=seed, args=(one,)) for one in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with first.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoredBriefingRow)) == 3
        assert db.session.scalar(select(func.count()).select_from(BriefingVersionRow)) == 3


# --- drafts and publishing ------------------------------------------------------------------------------


def test_a_draft_is_invisible_to_facilitators_until_published(app):
    client = app.test_client()
    sign_in(client, "erin")
    with app.app_context():
        draft = service.create_draft(new_briefing(), by=by(), now=at(1), source_name="child-b.pdf")
        assert (draft.id, draft.status, draft.version, draft.updated_by) == ("new-child-b", "draft", 1, "erin")
        assert "new-child-b" not in published_ids()
    assert "new-child-b" not in start_form_choices(client)
    assert client.get("/briefings/new-child-b").status_code == 404
    with app.app_context():
        assert service.publish("new-child-b", by=by(), now=at(2)) == []
        assert "new-child-b" in published_ids()
    assert "new-child-b" in start_form_choices(client)
    with app.app_context():
        assert [(v.number, v.status, v.changes) for v in service.history("new-child-b")] == [
            (2, "published", ["published"]),
            (1, "draft", ["imported from child-b.pdf"]),
        ]


def test_publishing_a_briefing_with_problems_changes_nothing_and_names_them(app):
    with app.app_context():
        broken = new_briefing()
        broken.title = ""
        broken.sections.append(Section(kind="learning", heading="Learning"))  # empty
        draft = service.create_draft(broken, by=by(), now=at(1))
        problems = service.publish(draft.id, by=by(), now=at(2))
        messages = [problem.message for problem in problems]
        assert any("no title" in message for message in messages)
        assert any("'Learning' is empty" in message for message in messages)
        assert service.problem_place(draft.briefing, problems[0]) == ("title", None)
        assert service.problem_place(draft.briefing, problems[-1]) == ("section", len(broken.sections) - 1)
        stored = service.get(draft.id)
        assert (stored.status, stored.version) == ("draft", 1)
        assert draft.id not in published_ids()
        # What was saved comes back as it was, problems and all, for the editor to fix.
        assert stored.briefing.sections[-1].heading == "Learning" and stored.briefing.title == ""


def test_ids_are_unique_across_every_status(app):
    with app.app_context():
        assert service.unique_id("westborough-child-3") == "westborough-child-3-2"
        first = service.create_draft(new_briefing("westborough-child-3"), by=by(), now=at(1))
        second = service.create_draft(new_briefing("westborough-child-3"), by=by(), now=at(2))
        assert (first.id, second.id) == ("westborough-child-3-2", "westborough-child-3-3")
        assert service.unique_id("Child B: a Review") == "child-b-a-review"


# --- saving, history and restore ------------------------------------------------------------------------


def test_every_save_keeps_a_version_saying_who_when_and_what_changed(app):
    with app.app_context():
        briefing = service.get("westborough-child-3").briefing
        briefing.title = "Child 3: neglect"
        briefing.sections[2].kind = "other"
        briefing.sections[0].blocks[0].text += " More."
        saved = service.save("westborough-child-3", briefing, by=by(), now=at(5), base_version=1)
        assert (saved.version, saved.updated_by, saved.updated_at) == (2, "erin", at(5))
        newest = service.history("westborough-child-3")[0]
        assert newest.changes == [
            "title changed",
            "section 1 text changed",
            "section 3 'What can we consider?' kind: reflection -> other",
        ]
        assert (newest.saved_by, newest.saved_at, newest.status) == ("erin", at(5), "published")
        # A published briefing that passes the checks is what facilitators see at once.
        assert get_library().get("westborough-child-3").title == "Child 3: neglect"


def test_sections_added_and_removed_are_named(app):
    with app.app_context():
        briefing = service.get("westborough-child-3").briefing
        removed = briefing.sections.pop(1)
        briefing.sections.append(Section(kind="resources", heading="Links", blocks=[Block("paragraph", text="x")]))
        service.save("westborough-child-3", briefing, by=by(), now=at(1))
        assert service.history("westborough-child-3")[0].changes == [
            f"section 2 '{removed.label}' removed",
            f"section {len(briefing.sections)} 'Links' added",
        ]


def test_saving_what_is_stored_adds_no_version(app):
    with app.app_context():
        same = service.get("westborough-child-3").briefing
        assert service.save("westborough-child-3", same, by=by(), now=at(1)).version == 1


def test_a_save_based_on_an_old_version_is_refused_as_stale(app):
    with app.app_context():
        briefing = service.get("westborough-child-3").briefing
        briefing.title = "First editor"
        service.save("westborough-child-3", briefing, by=by(), now=at(1), base_version=1)
        briefing.title = "Second editor"
        with pytest.raises(service.StaleVersion):
            service.save("westborough-child-3", briefing, by=by(), now=at(2), base_version=1)
        assert service.get("westborough-child-3").briefing.title == "First editor"
        assert len(service.history("westborough-child-3")) == 2


def test_a_published_briefing_saved_with_problems_keeps_its_last_good_version_for_facilitators(app):
    with app.app_context():
        briefing = service.get("westborough-child-3").briefing
        briefing.title = ""
        stored = service.save("westborough-child-3", briefing, by=by(), now=at(1))
        assert (stored.status, stored.version, stored.live_version) == ("published", 2, 1)
        assert get_library().get("westborough-child-3").title == "Child 3"
        assert "not shown to facilitators" in service.history("westborough-child-3")[0].changes[-1]
        briefing.title = "Child 3 again"
        stored = service.save("westborough-child-3", briefing, by=by(), now=at(2))
        assert stored.live_version == 3
        assert get_library().get("westborough-child-3").title == "Child 3 again"


def test_restoring_a_version_saves_a_new_version_equal_to_it(app):
    with app.app_context():
        original = service.get("westborough-child-3").briefing
        changed = copy.deepcopy(original)
        changed.title = "Changed"
        service.save("westborough-child-3", changed, by=by(), now=at(1))
        restored = service.restore("westborough-child-3", 1, by=by(), now=at(2))
        assert restored.version == 3
        assert files.dump(restored.briefing) == files.dump(service.version("westborough-child-3", 1))
        assert service.history("westborough-child-3")[0].changes == ["restored version 1", "title changed"]
        assert get_library().get("westborough-child-3").title == "Child 3"
        with pytest.raises(service.NotFound):
            service.restore("westborough-child-3", 99, by=by(), now=at(3))


# --- retire and review ----------------------------------------------------------------------------------


def test_a_retired_briefing_leaves_the_start_form_but_its_past_sessions_keep_working(app):
    client = app.test_client()
    create_facilitator(app, "alice")
    sign_in(client, "alice")
    with app.app_context():
        alice = db.session.execute(select(Facilitator).filter_by(name="alice")).scalar_one()
        template = load_templates(Path(app.config["SESSION_TEMPLATES_DIR"])).get("seven-minute")
        session = sessions.start_session(db.session, alice, get_library().get("westborough-child-3"), template, "", T0)
        public_id = session.public_id
        service.retire("westborough-child-3", by=by(), now=at(1))
        assert "westborough-child-3" not in published_ids()
        assert service.get("westborough-child-3").status == "retired"
    assert "westborough-child-3" not in start_form_choices(client)
    summary = client.get(f"/sessions/{public_id}")
    assert summary.status_code == 200
    assert "Child 3" in BeautifulSoup(summary.get_data(as_text=True), "html.parser").find("h1").get_text()
    with app.app_context():
        service.reinstate("westborough-child-3", by=by(), now=at(2))
        assert "westborough-child-3" in published_ids()


def test_editing_a_briefing_never_changes_a_past_sessions_record(app):
    with app.app_context():
        alice = by()
        template = load_templates(Path(app.config["SESSION_TEMPLATES_DIR"])).get("seven-minute")
        session = sessions.start_session(db.session, alice, get_library().get("westborough-child-3"), template, "", T0)
        before = copy.deepcopy(session.plan)
        briefing = service.get("westborough-child-3").briefing
        briefing.title = "Renamed"
        briefing.sections[0].blocks[0].text = "Different text."
        service.save("westborough-child-3", briefing, by=alice, now=at(1))
        db.session.expire_all()
        assert db.session.get(BriefingSession, session.id).plan == before
        assert "Different text." not in str(before)


def test_review_by_dates_say_which_briefings_are_due(app):
    with app.app_context():
        service.set_review_by("westborough-child-3", date(2026, 12, 1), by=by(), now=at(1))
        stored = service.get("westborough-child-3")
        assert stored.review_by == date(2026, 12, 1)
        assert not stored.due_for_review(date(2026, 11, 30))
        assert stored.due_for_review(date(2026, 12, 1))
        assert service.history("westborough-child-3")[0].changes == ["review by 2026-12-01"]
        assert not service.get("northshire-child-a").due_for_review(date(2030, 1, 1))  # no date set
        service.retire("westborough-child-3", by=by(), now=at(2))
        assert not service.get("westborough-child-3").due_for_review(date(2027, 1, 1))


# --- several servers ------------------------------------------------------------------------------------


def test_a_publish_on_one_server_is_in_the_other_servers_library_at_once(make_app, app):
    other = make_app(SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    other_client = other.test_client()
    assert other_client.get("/briefings/new-child-b").status_code == 404  # the other server has read its library
    with app.app_context():
        draft = service.create_draft(new_briefing(), by=by(), now=at(1))
        service.publish(draft.id, by=by(), now=at(2))
    assert other_client.get("/briefings/new-child-b").status_code == 200
    with app.app_context():
        service.retire(draft.id, by=by(), now=at(3))
    assert other_client.get("/briefings/new-child-b").status_code == 404


def test_concurrent_saves_on_two_servers_both_keep_their_version(make_app, app):
    other = make_app(SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    errors = []

    def edit(one, title, minute):
        try:
            with one.app_context():
                briefing = service.get("westborough-child-3").briefing
                briefing.title = title
                service.save("westborough-child-3", briefing, by=None, now=at(minute))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=edit, args=(one, f"Title {n}", n)) for n, one in enumerate([app, other] * 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        numbers = [v.number for v in service.history("westborough-child-3")]
        assert numbers == list(range(len(numbers), 0, -1))
        assert len(numbers) >= 2  # every save that changed the title made its own version


# --- the command line -----------------------------------------------------------------------------------


def invoke(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


@pytest.mark.parametrize("folder", [REPO_BRIEFINGS, FIXTURE_BRIEFINGS], ids=["shipped", "fixtures"])
def test_export_folder_then_import_folder_changes_nothing_and_loses_nothing(make_app, tmp_path, folder):
    app = make_app(folder)
    exported = tmp_path / "exported"
    result = invoke(app, "briefings", "export-folder", str(exported))
    assert result.exit_code == 0, result.output
    originals = {path.stem: files.read_file(path).to_dict() for path in folder.glob("*.md")}
    written = {path.stem: files.read_file(path).to_dict() for path in exported.glob("*.md")}
    for data in (*originals.values(), *written.values()):
        data.pop("file")
    assert written == originals  # every field, section, block, item, note and link as the shipped files have them

    result = invoke(app, "briefings", "import-folder", str(exported))
    assert result.exit_code == 0, result.output
    assert f"0 added, 0 updated, {len(originals)} unchanged." in result.output
    with app.app_context():
        assert {s.id: s.version for s in service.all_briefings()} == {briefing_id: 1 for briefing_id in originals}

    # A new installation seeded from the exported folder holds the same texts.
    fresh = make_app(exported)
    with fresh.app_context():
        fresh_texts = {s.id: files.dump(s.briefing) for s in service.all_briefings()}
    with app.app_context():
        assert fresh_texts == {s.id: files.dump(s.briefing) for s in service.all_briefings()}


def test_import_folder_adds_new_ids_saves_changed_ones_and_names_broken_files(make_app, briefings_folder):
    app = make_app(briefings_folder)
    with app.app_context():
        assert "new-child-b" not in published_ids()  # seeded now; files added later need import-folder
    write_briefing(briefings_folder, "new-child-b.md", files.dump(new_briefing()))
    changed = (briefings_folder / "westborough-child-3.md").read_text().replace("title: Child 3", "title: Child Three")
    write_briefing(briefings_folder, "westborough-child-3.md", changed)
    write_briefing(briefings_folder, "broken.md", "---\ntitle: X\n---\n\n## A {kind=lerning}\n\ntext\n")

    result = invoke(app, "briefings", "import-folder")
    assert result.exit_code == 1  # a file was not loaded
    assert "broken.md:5: unknown section kind 'lerning'" in result.output
    assert "added: new-child-b" in result.output and "updated: westborough-child-3" in result.output
    assert "1 added, 1 updated, 2 unchanged; 1 problem(s)" in result.output
    with app.app_context():
        assert get_library().get("new-child-b").title == "Child B"
        assert get_library().get("westborough-child-3").title == "Child Three"
        newest = service.history("westborough-child-3")[0]
        assert (newest.number, newest.saved_by) == (2, "briefings folder")
        assert newest.changes == ["updated from the file westborough-child-3.md", "title changed"]


def test_list_and_show_read_the_library_with_each_briefings_status(app):
    with app.app_context():
        service.create_draft(new_briefing(), by=by(), now=at(1))
        service.retire("northshire-child-a", by=by(), now=at(2))
    rows = [line.split("\t")[:2] for line in invoke(app, "briefings", "list").output.splitlines()]
    assert sorted(rows) == [
        ["new-child-b", "draft"], ["northshire-child-a", "retired"],
        ["riverside-mark-and-lloyd", "published"], ["westborough-child-3", "published"],
    ]
    shown = invoke(app, "briefings", "show", "new-child-b")
    assert shown.exit_code == 0 and "draft, version 1" in shown.output


def test_export_folder_writes_the_published_briefings_only(app, tmp_path):
    with app.app_context():
        service.create_draft(new_briefing(), by=by(), now=at(1))
        service.retire("northshire-child-a", by=by(), now=at(2))
    assert invoke(app, "briefings", "export-folder", str(tmp_path / "out")).exit_code == 0
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == [
        "riverside-mark-and-lloyd.md", "westborough-child-3.md"
    ]


def test_users_can_be_created_as_editors_and_given_or_refused_the_role(app):
    assert invoke(app, "users", "create", "ed", "--editor", input="a long password\n").exit_code == 0
    assert invoke(app, "users", "create", "lib", "--editor-only", input="a long password\n").exit_code == 0
    assert invoke(app, "users", "create", "fay", input="a long password\n").exit_code == 0

    def roles(name):
        with app.app_context():
            account = db.session.execute(select(Facilitator).filter_by(name=name)).scalar_one()
            return account.is_facilitator, account.is_editor

    assert [roles(name) for name in ("ed", "lib", "fay")] == [(True, True), (False, True), (True, False)]
    result = invoke(app, "users", "roles", "fay", "--editor")
    assert result.exit_code == 0 and "'fay' is a facilitator and library editor." in result.output
    assert roles("fay") == (True, True)
    invoke(app, "users", "roles", "fay", "--no-editor")
    assert roles("fay") == (True, False)
    assert invoke(app, "users", "roles", "nobody", "--editor").exit_code != 0


def test_the_library_is_read_again_only_after_a_change(app):
    with app.app_context():
        first = get_library()
    with app.app_context():
        assert get_library() is first  # nothing changed: one small query, no parsing
        service.set_review_by("westborough-child-3", date(2027, 1, 1), by=by(), now=at(1))
        assert get_library() is not first


def test_a_draft_keeps_the_report_of_its_import_until_replaced(app):
    from app.briefings.importing import import_text

    text = "Child C\n\nBackground\n\nC lived with her grandmother.\n\nLearning\n\nAsk who else lives at home.\n"
    result = import_text(text, source_name="child-c.txt")
    with app.app_context():
        draft = service.create_draft(result.briefing, by=by(), now=at(1), source_name="child-c.txt", report=result.report)
        assert service.get(draft.id).report.to_dict() == result.report.to_dict()
        assert service.get(draft.id).source_name == "child-c.txt"
        edited = draft.briefing
        edited.title = "Child C (checked)"
        assert service.save(draft.id, edited, by=by(), now=at(2)).report.to_dict() == result.report.to_dict()
        assert service.save(draft.id, edited, by=by(), now=at(3), report=None).report is None


# --- roles ----------------------------------------------------------------------------------------------


def test_a_library_editor_only_account_is_sent_to_the_library_and_refused_the_session_pages(app):
    invoke(app, "users", "create", "lib", "--editor-only", input="a long enough password\n")
    client = app.test_client()
    signed_in = sign_in(client, "lib", "a long enough password")
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == "/briefings"
    refused = client.get("/sessions")
    assert refused.status_code == 403
    message = BeautifulSoup(refused.get_data(as_text=True), "html.parser").find(attrs={"role": "alert"}).get_text()
    assert "This page is for facilitators, who run sessions" in message and "the facilitator role" in message
    assert client.get("/sessions/new").status_code == 403
    page = BeautifulSoup(client.get("/briefings/westborough-child-3").get_data(as_text=True), "html.parser")
    links = [a.get_text(strip=True) for a in page.find_all("a")]
    assert "Edit the library" in links and "Edit this briefing" in links
    assert "Sessions" not in links and "Run this briefing" not in links  # nothing that would only answer 403


def test_an_account_that_is_both_sees_sessions_and_run_this_briefing(app):
    client = app.test_client()  # erin: a facilitator made an editor too
    sign_in(client, "erin")
    page = BeautifulSoup(client.get("/briefings/westborough-child-3").get_data(as_text=True), "html.parser")
    links = [a.get_text(strip=True) for a in page.find_all("a")]
    assert {"Sessions", "Run this briefing", "Edit the library", "Edit this briefing"} <= set(links)


def test_an_account_that_is_both_runs_sessions(app):
    client = app.test_client()  # erin: a facilitator made an editor too
    assert sign_in(client, "erin").headers["Location"] == "/sessions"
    assert client.get("/sessions").status_code == 200
