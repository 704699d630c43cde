"""Sending a link by email over plain SMTP (the standard library's smtplib), when SMTP is configured.

Without SMTP_HOST nothing is sent and callers show the link to copy instead, so nothing fails on a laptop. A
message that cannot be sent (server down, refused) is reported to the caller, which still shows the link: an
invitation never depends on the mail server being up."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

TIMEOUT_SECONDS = 10  # a request waits at most this for the mail server


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    starttls: bool = True
    user: str = ""
    password: str = ""
    sender: str = ""

    @classmethod
    def from_config(cls, config) -> SmtpSettings | None:
        if not config.get("SMTP_HOST"):
            return None
        return cls(
            host=config["SMTP_HOST"],
            port=int(config.get("SMTP_PORT") or 587),
            starttls=bool(config.get("SMTP_STARTTLS", True)),
            user=config.get("SMTP_USER", ""),
            password=config.get("SMTP_PASSWORD", ""),
            sender=config.get("SMTP_FROM") or "briefing-room@localhost",
        )


class MailNotSent(Exception):
    """The message was not handed to the mail server; str() says why, for the person who asked."""


def send(settings: SmtpSettings, to: str, subject: str, body: str) -> None:
    """Hand one plain-text message to the SMTP server, or raise MailNotSent."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or "localhost")
    message.set_content(body)
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.user:
                smtp.login(settings.user, settings.password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailNotSent(f"the mail server at {settings.host}:{settings.port} did not take it ({error})") from error
