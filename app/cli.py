"""Command-line interface: `flask --app app briefings …`, `templates …`, `users …` and `export briefing|session`."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .briefings import files
from .briefings.library import display_path, load_library
from .exports.files import FORMATS, write_atomically

briefings_cli = AppGroup("briefings", help="Read, check and import briefing files.")


def _library():
    """The briefing files in BRIEFINGS_DIR, read as `briefings check` reads them."""
    return load_library(current_app.config["BRIEFINGS_DIR"])


def _stored_briefings():
    """Every briefing in the database (the library's source of truth), seeded from the folder on first use."""
    from .library_store import service

    return service.all_briefings()


def _print_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@briefings_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_briefings(as_json: bool) -> None:
    """List every briefing in the library: id, status, title, publisher and themes."""
    stored = _stored_briefings()
    if as_json:
        _print_json([{**s.briefing.summary_dict(), "status": s.status, "version": s.version} for s in stored])
    else:
        for s in stored:
            themes = ", ".join(s.briefing.themes)
            click.echo(f"{s.id}\t{s.status}\t{s.briefing.title}\t{s.briefing.publisher}\t{themes}")
    for problem in current_app.extensions["briefing_library"].seed_problems:
        click.echo(f"warning: {problem}", err=True)


def _stored_briefing(briefing_id: str):
    from .library_store import service

    stored = service.get(briefing_id)
    if stored is None:
        known = ", ".join(sorted(s.id for s in service.all_briefings())) or "none"
        raise click.ClickException(f"no briefing with id '{briefing_id}' (known: {known})")
    return stored


@briefings_cli.command("show")
@click.argument("briefing_id")
@click.option("--json", "as_json", is_flag=True, help="Print the whole briefing as JSON.")
def show_briefing(briefing_id: str, as_json: bool) -> None:
    """Show one briefing of the library in full (its current version, whatever its status)."""
    stored = _stored_briefing(briefing_id)
    briefing = stored.briefing
    if as_json:
        _print_json({**briefing.to_dict(), "status": stored.status, "version": stored.version})
        return
    click.echo(f"{briefing.title}\n{briefing.publisher}\nthemes: {', '.join(briefing.themes)}")
    click.echo(f"{stored.status}, version {stored.version}, saved {stored.updated_at:%Y-%m-%d %H:%M} UTC by {stored.updated_by}\n")
    for section in briefing.sections:
        number = f"{section.number}. " if section.number is not None else ""
        click.echo(f"## {number}{section.label}  [{section.kind}]")
        for text in section.texts()[1 if section.heading else 0 :]:
            click.echo(f"  {text}")
        click.echo()


@briefings_cli.command("check")
def check_briefings() -> None:
    """Check every briefing file; print file:line: problem for each, exit 1 if any."""
    library = _library()
    for problem in library.problems:
        click.echo(str(problem))
    count = len(library.briefings)
    if library.problems:
        broken = len({problem.file for problem in library.problems})
        click.echo(f"{len(library.problems)} problem(s) in {broken} file(s); {count} briefing(s) are fine.", err=True)
        raise SystemExit(1)
    click.echo(f"All {count} briefing(s) are fine.", err=True)


@briefings_cli.command("import-folder")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
def import_folder(folder: Path | None) -> None:
    """Load the briefing files of FOLDER (default: BRIEFINGS_DIR) into the library.

    New ids are added as published; a briefing whose file differs from the library is saved as a new version
    (the library keeps every version); files equal to the library change nothing. Broken files are named with
    their line, and the rest load.
    """
    from .library_store import service

    folder = folder or Path(current_app.config["BRIEFINGS_DIR"])
    result = service.import_folder(folder, now=datetime.now(timezone.utc))
    for problem in result.problems:
        click.echo(str(problem))
    for label, ids in (("added", result.added), ("updated", result.updated)):
        for briefing_id in ids:
            click.echo(f"{label}: {briefing_id}")
    click.echo(
        f"{len(result.added)} added, {len(result.updated)} updated, {len(result.unchanged)} unchanged"
        + (f"; {len(result.problems)} problem(s) in files that were not loaded." if result.problems else "."),
        err=True,
    )
    if result.problems:
        raise SystemExit(1)


@briefings_cli.command("export-folder")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
def export_folder(folder: Path | None) -> None:
    """Write every published briefing, as facilitators see it, to FOLDER (default: BRIEFINGS_DIR) as <id>.md.

    Drafts and retired briefings stay in the database. `import-folder` of the same folder changes nothing.
    """
    from .library_store import service

    folder = folder or Path(current_app.config["BRIEFINGS_DIR"])
    try:
        written = service.export_folder(folder)
    except OSError as error:
        raise click.ClickException(f"could not write to {display_path(folder)}: {error.strerror or error}") from None
    click.echo(f"Wrote {len(written)} briefing file(s) to {display_path(folder)}.", err=True)


@briefings_cli.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--output", "output_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the briefing file to (default: BRIEFINGS_DIR).")
@click.option("--title", help="The briefing's title, when the text does not start with one.")
@click.option("--id", "briefing_id", help="The briefing's id (default: made from the title).")
@click.option("--force", is_flag=True, help="Overwrite an existing briefing file with the same id.")
@click.option("--dry-run", is_flag=True, help="Write nothing; print what would be written.")
@click.option("--json", "as_json", is_flag=True, help="Print the structured result as JSON.")
def import_briefing(source: Path, output_dir: Path | None, title: str | None, briefing_id: str | None,
                    force: bool, dry_run: bool, as_json: bool) -> None:
    """Import the text of a published briefing (.txt, .md, .docx, .pdf or a saved .html page) as a briefing file."""
    from .briefings.importing import ImportFailed, import_file

    try:
        result = import_file(source, title=title, briefing_id=briefing_id)
    except ImportFailed as error:
        raise click.ClickException(f"{source}: {error}") from None

    briefing = result.briefing
    folder = output_dir or Path(current_app.config["BRIEFINGS_DIR"])
    target = folder / f"{briefing.id}{'.md'}"
    text = files.dump(briefing)
    # The written file must read back as a valid briefing; anything else is a bug worth stopping for.
    files.parse_text(text, str(target))

    if as_json:
        _print_json({**briefing.to_dict(), "file": display_path(target), "import": result.report.to_dict()})
    else:
        _print_report(result, target)
    if dry_run:
        if not as_json:
            click.echo("\n(dry run: nothing written)")
        return
    if target.exists() and not force:
        raise click.ClickException(
            f"{display_path(target)} already exists; use --force to overwrite it or --id to choose another id"
        )
    write_atomically(target, text.encode("utf-8"))
    if not as_json:
        click.echo(
            f"\nWrote {display_path(target)}. Check it with 'flask --app app briefings check', then add it to the"
            " library with 'flask --app app briefings import-folder'."
        )


def _print_report(result, target: Path) -> None:
    briefing, report = result.briefing, result.report
    click.echo(f"Title: {briefing.title}")
    click.echo(f"Publisher: {briefing.publisher or '(not found)'}")
    click.echo(f"Id: {briefing.id}  ->  {display_path(target)}")
    click.echo(f"Themes (suggested): {', '.join(briefing.themes) or '(none)'}")
    click.echo("\nSections:")
    for kind, heading, how in report.sections:
        click.echo(f"  {kind:<21} {heading or '(no heading)'}   [{how}]")
    if report.unclassified_headings:
        click.echo("\nHeadings not recognised (kind 'other'; set the right kind by hand):")
        for heading in report.unclassified_headings:
            click.echo(f"  - {heading}")
    if report.set_aside:
        click.echo("\nSet aside (not part of the briefing; copy any line back into the file if it belongs):")
        for entry in report.set_aside:
            click.echo(f"  line {entry.line} [{entry.reason}] {entry.text}")
    if report.checks:
        click.echo("\nNeeds a person's check:")
        for check in report.checks:
            click.echo(f"  - {check}")


templates_cli = AppGroup("templates", help="Read and check session templates.")


@templates_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_templates(as_json: bool) -> None:
    """List every session template: id, name and planned length."""
    from .sessions.templates import load_templates

    library = load_templates(current_app.config["SESSION_TEMPLATES_DIR"])
    if as_json:
        _print_json([template.summary_dict() for template in library.all()])
    else:
        for template in library.all():
            minutes, seconds = divmod(template.total_seconds, 60)
            click.echo(f"{template.id}\t{template.name}\t{minutes}:{seconds:02d}")
    for problem in library.problems:
        click.echo(f"warning: {problem}", err=True)


@templates_cli.command("check")
def check_templates() -> None:
    """Check every session template; print file:line: problem for each, exit 1 if any."""
    from .sessions.templates import load_templates

    library = load_templates(current_app.config["SESSION_TEMPLATES_DIR"])
    for problem in library.problems:
        click.echo(str(problem))
    if library.problems:
        raise SystemExit(1)
    click.echo(f"All {len(library.templates)} template(s) are fine.", err=True)


users_cli = AppGroup("users", help="Accounts: facilitators and library editors.")
from .people.passwords import MIN_LENGTH as PASSWORD_MIN_LENGTH  # noqa: E402


def _read_password() -> str:
    """The new password: asked twice, hidden, at a terminal; one line from standard input when piped."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password")
    return sys.stdin.readline().rstrip("\r\n")


@users_cli.command("create")
@click.argument("name")
@click.option("--admin", is_flag=True, help="A partnership admin: people, agencies, teams, the audit trail (and runs sessions).")
@click.option("--editor", is_flag=True, help="Also a library editor: adds, edits, publishes and retires briefings.")
@click.option("--editor-only", is_flag=True, help="A library editor who does not run sessions.")
@click.option("--email", default="", help="Their email address (for single sign-on and emailed links).")
def create_user(name: str, admin: bool, editor: bool, editor_only: bool, email: str) -> None:
    """Create an account NAME (a facilitator unless --editor-only); asks for its password (or reads one line
    when piped). The first partnership admin is made this way; after that, admins invite people from the People
    page."""
    from datetime import datetime, timezone

    from .extensions import db
    from .people import audit, service

    roles = ["editor"] if editor_only else ["facilitator"] + (["editor"] if editor else [])
    if admin:
        roles.append("admin")
    _database_is_set_up(db)
    password = _read_password()
    try:
        created = service.create_account(
            db.session, audit.Actor(None, "terminal"), name, password, roles, datetime.now(timezone.utc), email=email
        )
    except service.PeopleError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {_roles_of(created)} '{created.name}'. They can sign in at /login.")


def _database_is_set_up(db) -> None:
    """Refuse with the fix, not a traceback, when the migrations have not run yet (a fresh install where the
    first admin is made before `make run` or `make database`)."""
    from sqlalchemy import inspect

    if not inspect(db.engine).has_table("agencies"):
        raise click.ClickException(
            "the database is not set up yet: run `make database` (or `.venv/bin/flask --app app db upgrade`) first"
        )


def _roles_of(account) -> str:
    from .people.roles import describe, roles_of

    return describe(roles_of(account)).lower()


@users_cli.command("roles")
@click.argument("name")
@click.option("--admin/--no-admin", default=None, help="Make NAME a partnership admin, or no longer one.")
@click.option("--editor/--no-editor", default=None, help="Make NAME a library editor, or no longer one.")
@click.option("--facilitator/--no-facilitator", default=None, help="Let NAME run sessions, or no longer.")
@click.option("--manager/--no-manager", default=None, help="Make NAME a team manager, or no longer one.")
def set_roles(name: str, admin: bool | None, editor: bool | None, facilitator: bool | None, manager: bool | None) -> None:
    """Show or change what NAME may do (partnership admin, library editor, facilitator, team manager)."""
    from datetime import datetime, timezone

    from .extensions import db
    from .people import audit, service
    from .people.roles import roles_of

    account = service.account_named(db.session, name)
    if account is None:
        raise click.ClickException(f"there is no account called '{name}'")
    wanted = set(roles_of(account))
    for role, given in (("admin", admin), ("editor", editor), ("facilitator", facilitator), ("manager", manager)):
        if given is not None:
            (wanted.add if given else wanted.discard)(role)
    try:
        service.change_roles(db.session, audit.Actor(None, "terminal"), account.id, wanted, datetime.now(timezone.utc))
    except service.PeopleError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"'{name}' is a {_roles_of(account)}.")


@users_cli.command("password")
@click.argument("name")
def change_password(name: str) -> None:
    """Set a new password for NAME; signs them out everywhere."""
    from .extensions import db
    from .sessions.models import Facilitator

    facilitator = db.session.execute(db.select(Facilitator).filter_by(name=name)).scalar_one_or_none()
    if facilitator is None:
        raise click.ClickException(f"there is no facilitator called '{name}'")
    password = _read_password()
    if len(password) < PASSWORD_MIN_LENGTH:
        raise click.ClickException(f"the password must be at least {PASSWORD_MIN_LENGTH} characters")
    facilitator.set_password(password)
    db.session.commit()
    click.echo(f"Changed the password of '{name}'.")


export_cli = AppGroup("export", help="Export a briefing or a session as a PowerPoint deck or a PDF.")
_FORMAT_OPTION = click.option(
    "--format", "file_format", type=click.Choice(sorted(FORMATS)), required=True,
    help="pptx: the editable deck; pdf: the handout (briefing) or the discussion record (session).",
)
_OUTPUT_OPTION = click.option(
    "--output", type=click.Path(path_type=Path),
    help="File (or existing folder) to write to; default: EXPORTS_DIR under the export's own name.",
)


@export_cli.command("briefing")
@click.argument("briefing_id")
@_FORMAT_OPTION
@click.option("--template", "template_id", default="seven-minute", show_default=True,
              help="The session template the deck follows.")
@_OUTPUT_OPTION
def export_briefing(briefing_id: str, file_format: str, template_id: str, output: Path | None) -> None:
    """Export briefing BRIEFING_ID: an offline deck (pptx) or a handout (pdf)."""
    from .exports.export import briefing_export
    from .sessions.templates import load_templates

    briefing = _stored_briefing(briefing_id).briefing
    templates = load_templates(current_app.config["SESSION_TEMPLATES_DIR"])
    template = templates.get(template_id)
    if template is None:
        known = ", ".join(sorted(templates.templates)) or "none"
        raise click.ClickException(f"no session template '{template_id}' (known: {known})")
    _write_export(briefing_export(briefing, template, file_format, created=datetime.now(timezone.utc)), output)


@export_cli.command("session")
@click.argument("session_id")
@_FORMAT_OPTION
@_OUTPUT_OPTION
def export_session(session_id: str, file_format: str, output: Path | None) -> None:
    """Export session SESSION_ID (the id in its address): deck (pptx) or discussion record (pdf)."""
    from .exports.export import session_export
    from .extensions import db
    from .sessions.record import record_of
    from .sessions.service import SessionNotFound, find_session

    moment = datetime.now(timezone.utc)
    try:
        record = record_of(find_session(db.session, session_id), moment)
    except SessionNotFound:
        raise click.ClickException(f"no session with id '{session_id}' (the id is in its address: /sessions/<id>)") from None
    db.session.rollback()
    _write_export(session_export(record, file_format, created=moment), output)


def _write_export(export, output: Path | None) -> None:
    if output is None:
        target = Path(current_app.config["EXPORTS_DIR"]) / export.name
    elif output.is_dir():
        target = output / export.name
    else:
        target = output
    try:
        write_atomically(target, export.data)
    except OSError as error:
        raise click.ClickException(f"could not write {target}: {error.strerror or error}") from None
    click.echo(f"Wrote {display_path(target)} ({len(export.data):,} bytes).")


def register_cli(app: Flask) -> None:
    app.cli.add_command(briefings_cli)
    app.cli.add_command(export_cli)
    app.cli.add_command(templates_cli)
    app.cli.add_command(users_cli)
