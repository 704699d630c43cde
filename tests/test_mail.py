"""Email over a real SMTP server that speaks STARTTLS and asks for a sign-in, as council and NHS mail servers do
(aiosmtpd with a certificate made here): app/mail.py upgrades the connection, checks the server's certificate,
signs in and hands the message over; a certificate nobody vouches for, or a server that insists on TLS when
SMTP_STARTTLS is off, is a MailNotSent with the reason, never a message sent in the clear."""

from __future__ import annotations

import datetime
import email
import ipaddress
import socket
import ssl

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.mail import MailNotSent, SmtpSettings, send

USER, PASSWORD = "briefings", "mail server password"


def _certificate(folder):
    """A key and a self-signed certificate for 127.0.0.1, written to `folder`; the certificate's path."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp.pem", folder / "smtp.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((session.authenticated, email.message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


def _only_our_account(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def tls_server(tmp_path):
    cert_path, key_path = _certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=_free_port(), tls_context=context, require_starttls=True,
        auth_require_tls=True, authenticator=_only_our_account,
        server_hostname="127.0.0.1",
    )
    controller.start()
    yield controller, inbox, cert_path
    controller.stop()


def _settings(port: int, **changes) -> SmtpSettings:
    values = dict(host="127.0.0.1", port=port, starttls=True, user=USER, password=PASSWORD,
                  sender="briefings@partnership.example")
    values.update(changes)
    return SmtpSettings(**values)


def test_a_message_goes_over_starttls_to_a_server_whose_certificate_is_trusted_and_signs_in(tls_server, monkeypatch):
    controller, inbox, cert_path = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_path))  # the machine trusts this server, as it would its CA's

    send(_settings(controller.port), "sam@council.example", "You are invited", "The link: https://example/x")

    [(signed_in, message)] = inbox.messages
    assert signed_in, "the server saw the message from a signed-in client"
    assert message["To"] == "sam@council.example" and message["Subject"] == "You are invited"
    assert "https://example/x" in message.get_payload(decode=True).decode()


def test_a_server_certificate_nobody_vouches_for_is_refused_and_nothing_is_sent(tls_server):
    controller, inbox, _ = tls_server
    with pytest.raises(MailNotSent, match="did not take it"):
        send(_settings(controller.port), "sam@council.example", "You are invited", "secret link")
    assert inbox.messages == []


def test_a_wrong_mail_password_is_a_message_not_sent_with_the_reason(tls_server, monkeypatch):
    controller, inbox, cert_path = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_path))
    with pytest.raises(MailNotSent, match="127.0.0.1"):
        send(_settings(controller.port, password="wrong"), "sam@council.example", "You are invited", "link")
    assert inbox.messages == []


def test_with_starttls_off_a_server_that_insists_on_tls_gets_nothing_in_the_clear(tls_server):
    controller, inbox, _ = tls_server
    with pytest.raises(MailNotSent):
        send(_settings(controller.port, starttls=False, user=""), "sam@council.example", "You are invited", "link")
    assert inbox.messages == []
