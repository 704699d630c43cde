"""The `flask --app app briefings ...` commands, and the configuration they run with."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.config import Config

from .test_briefing_files import GOOD

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"
WIGAN_SEED = "000_f32fb104d00acfb2.txt"


@pytest.fixture
def briefings_dir(tmp_path):
    folder = tmp_path / "briefings"
    folder.mkdir()
    (folder / "good.md").write_text(GOOD, encoding="utf-8")
    return folder


@pytest.fixture
def cli_app(make_app, briefings_dir):
    return make_app(briefings_dir)


@pytest.fixture
def run(cli_app):
    runner = cli_app.test_cli_runner()

    def invoke(*args):
        return runner.invoke(args=list(args))

    return invoke


def test_list_json_prints_id_title_publisher_and_themes(run):
    result = run("briefings", "list", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output) == [
        {
            "id": "example-child-x",
            "title": "Child X",
            "publisher": "Example Safeguarding Partnership",
            "themes": ["neglect", "domestic abuse"],
            "status": "published",
            "version": 1,
        }
    ]


def test_show_json_prints_the_whole_briefing_and_unknown_ids_are_refused(run):
    shown = json.loads(run("briefings", "show", "example-child-x", "--json").output)
    assert shown["review_type"] == "Child Safeguarding Practice Review"
    learning = shown["sections"][1]
    assert learning["kind"] == "learning" and learning["heading"] == "What we have learned..."
    assert learning["items"][0]["notes"][0]["text"].startswith("Learning for Practice:")
    assert {"text": "Neglect Toolkit", "href": "#"} in learning["links"]

    missing = run("briefings", "show", "nope", "--json")
    assert missing.exit_code != 0
    assert "no briefing with id 'nope'" in missing.output


def test_check_prints_file_line_problem_and_fails_when_a_file_is_broken(run, briefings_dir):
    assert run("briefings", "check").exit_code == 0
    (briefings_dir / "broken.md").write_text("---\ntitle: X\n---\n\n## A {kind=lerning}\n\ntext\n")
    result = run("briefings", "check")
    assert result.exit_code == 1
    assert "broken.md:5: unknown section kind 'lerning'" in result.output


def test_import_writes_a_briefing_file_that_the_library_then_lists(run, briefings_dir, tmp_path):
    source = tmp_path / "wigan.txt"
    shutil.copy(SEEDS / WIGAN_SEED, source)
    result = run("briefings", "import", str(source))
    assert result.exit_code == 0, result.output
    assert "Sections:" in result.output
    assert run("briefings", "import-folder").exit_code == 0
    listed = {b["id"]: b for b in json.loads(run("briefings", "list", "--json").output)}
    assert len(listed) == 2
    imported = next(b for i, b in listed.items() if i != "example-child-x")
    assert imported["publisher"] == "Wigan Safeguarding Partnership"
    assert run("briefings", "check").exit_code == 0


def test_import_never_overwrites_an_existing_briefing_unless_forced(run, briefings_dir, tmp_path):
    source = tmp_path / "wigan.txt"
    shutil.copy(SEEDS / WIGAN_SEED, source)
    assert run("briefings", "import", str(source)).exit_code == 0
    written = sorted(set(briefings_dir.glob("*.md")) - {briefings_dir / "good.md"})
    written[0].write_text(written[0].read_text() + "\n<!-- hand edit -->\n")
    again = run("briefings", "import", str(source))
    assert again.exit_code != 0
    assert "already exists; use --force" in again.output
    assert "hand edit" in written[0].read_text()
    assert run("briefings", "import", str(source), "--force").exit_code == 0
    assert "hand edit" not in written[0].read_text()


def test_import_dry_run_json_prints_the_briefing_shape_and_writes_nothing(run, briefings_dir, tmp_path):
    source = tmp_path / "wigan.txt"
    shutil.copy(SEEDS / WIGAN_SEED, source)
    result = run("briefings", "import", str(source), "--dry-run", "--json", "--output", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"id", "title", "publisher", "themes", "sections", "import"} <= set(data)
    assert [s["kind"] for s in data["sections"]][:2] == ["background", "learning"]
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in briefings_dir.iterdir()) == ["good.md"]


def test_import_of_bad_input_gives_a_clear_message_and_no_traceback(run, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    for path in (empty, binary):
        result = run("briefings", "import", str(path))
        assert result.exit_code != 0
        assert "Traceback" not in result.output
        assert result.output.startswith("Error: ") and path.name in result.output


def test_the_secret_key_is_generated_once_and_kept_in_the_instance_folder(tmp_path):
    first = Config(tmp_path, environ={}).SECRET_KEY
    assert len(first) >= 64
    assert Config(tmp_path, environ={}).SECRET_KEY == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert Config(tmp_path / "other", environ={}).SECRET_KEY != first
    assert Config(tmp_path, environ={"SECRET_KEY": "from-env"}).SECRET_KEY == "from-env"


def test_settings_come_from_the_environment_with_working_defaults(tmp_path):
    defaults = Config(tmp_path, environ={})
    assert defaults.SQLALCHEMY_DATABASE_URI == f"sqlite:///{tmp_path / 'briefing-room.db'}"
    assert defaults.BRIEFINGS_DIR.name == "briefings" and defaults.BRIEFINGS_DIR.is_dir()
    assert defaults.SESSION_TEMPLATES_DIR.name == "session_templates"
    assert defaults.EXPORTS_DIR.name == "exports"
    configured = Config(
        tmp_path,
        environ={"DATABASE_URL": "postgresql://u@127.0.0.1/db", "BRIEFINGS_DIR": str(tmp_path), "EXPORTS_DIR": "/x"},
    )
    assert configured.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@127.0.0.1/db"
    assert configured.BRIEFINGS_DIR == tmp_path
    assert str(configured.EXPORTS_DIR) == "/x"


def test_check_names_an_image_from_another_site_with_its_file_and_line(run, briefings_dir):
    (briefings_dir / "image.md").write_text(
        "---\ntitle: X\n---\n\n## A {kind=background}\n\nText.\n\n![A chart](https://tracker.example/c.png)\n"
    )
    result = run("briefings", "check")
    assert result.exit_code == 1
    line = next(line for line in result.output.splitlines() if "image.md:" in line)
    assert "image.md:9: the image 'A chart' loads from another site (tracker.example)" in line
    assert line.endswith("remove the image and describe it in words")


def test_import_of_a_saved_web_page_lists_the_lines_it_set_aside(run, briefings_dir):
    page = Path(__file__).resolve().parent / "fixtures" / "web_pages" / "council-child-q.html"
    result = run("briefings", "import", str(page), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Title: Child Q" in result.output
    set_aside = result.output.split("Set aside", 1)[1].split("Needs a person's check", 1)[0]
    assert "[navigation] Skip to content" in set_aside
    assert "[cookie banner] Accept all cookies" in set_aside
    assert sorted(briefings_dir.glob("*.md")) == [briefings_dir / "good.md"]  # a dry run writes nothing
