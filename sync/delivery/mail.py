"""Delivering queued emails (digests and invitations): through SMTP when [smtp] host is set,
else as .eml files in data_dir/outbox/ for the operator to read or hand on.

A message leaves the outbox table only once delivered; anything that fails stays there and
is tried again by the next run. One SMTP connection serves a whole run, so a mail server
that is down costs one timeout, not one per manager.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import tempfile
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path

from sync.config.paths import PRIVATE_FILE, Paths, make_private_dir
from sync.config.settings import Settings, SmtpSettings
from sync.delivery.report import RunReport
from sync.plumbing import faults
from sync.store import DIGEST, INVITATION, OutboxMessage, Store

# the files hold sign-in links: readable by the operator only
EML_MODE = PRIVATE_FILE


@dataclass
class Delivery:
    sent: list[str] = field(default_factory=list)
    """Recipients reached through SMTP."""
    written: list[Path] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    """Recipient → why; those messages stay queued."""


class Deliveries(dict[str, Delivery]):
    """What became of the queued emails, by kind (digest, invitation)."""

    def of(self, kind: str) -> Delivery:
        return self.setdefault(kind, Delivery())


def deliver_outbox(store: Store, smtp: SmtpSettings, outbox_dir: Path) -> Deliveries:
    deliveries = Deliveries()
    store.forget_delivered_messages()
    if not smtp.configured:
        for message in store.undelivered_messages():
            faults.point(f"mail {message.kind}")
            try:
                # named after the message, so writing it again after a crash replaces it
                path = write_eml(outbox_dir, message)
            except OSError as error:
                why = f"cannot write to {outbox_dir}: {error}"
                _failed(store, deliveries.of(message.kind), message, why)
            else:
                store.mark_delivered(message.id, str(path))
                deliveries.of(message.kind).written.append(path)
        return deliveries
    queued = store.undelivered_messages()
    sending = next(queued, None)
    if sending is None:
        return deliveries  # no connection to a mail server with nothing to send
    done: set[int] = set()
    try:
        with _connect(smtp) as client:
            while sending is not None:
                delivery = deliveries.of(sending.kind)
                faults.point(f"mail {sending.kind}")
                try:
                    client.sendmail(_envelope_sender(smtp), [sending.recipient], sending.message)
                except smtplib.SMTPException as error:
                    # this recipient or message was refused; the others may still go through
                    _failed(store, delivery, sending, _describe(error))
                else:
                    store.mark_delivered(sending.id, f"smtp:{smtp.host}")
                    delivery.sent.append(sending.recipient)
                done.add(sending.id)
                sending = next(queued, None)
    except (OSError, smtplib.SMTPException) as error:
        why = f"{smtp.host}:{smtp.effective_port}: {_describe(error)}"
        for message in store.undelivered_messages():
            if message.id not in done:
                _failed(store, deliveries.of(message.kind), message, why)
    return deliveries


def deliver_and_report(store: Store, settings: Settings, report: RunReport) -> None:
    """Deliver everything queued and say in the report what became of it, by kind."""
    deliveries = deliver_outbox(store, settings.smtp, Paths(settings.data_dir).outbox)
    digests, invitations = deliveries.of(DIGEST), deliveries.of(INVITATION)
    report.digests_sent = digests.sent
    report.digests_written = [str(path) for path in digests.written]
    report.digest_failures = digests.failed
    report.invitations_sent = invitations.sent
    report.invitations_written = [str(path) for path in invitations.written]
    report.invitation_failures = invitations.failed


def write_eml(outbox_dir: Path, message: OutboxMessage) -> Path:
    """`<created>-<id>-<recipient>.eml` for a digest, `<created>-<id>-invitation-<recipient>.eml`
    for an invitation; written atomically so a reader never sees half. The id is zero-padded
    so that `ls` lists the emails in the order they were made (`-000003-` before `-000010-`);
    names written before that, without the padding, are files like any other."""
    make_private_dir(outbox_dir)
    stamp = message.created_at.strftime("%Y%m%dT%H%M%SZ")
    safe = "".join(c if c.isalnum() or c in "@._-" else "_" for c in message.recipient)
    kind = "" if message.kind == DIGEST else f"{message.kind}-"
    path = outbox_dir / f"{stamp}-{message.id:06d}-{kind}{safe}.eml"
    handle, temporary = tempfile.mkstemp(dir=outbox_dir, prefix=".eml-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(message.message)
        os.chmod(temporary, EML_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _connect(smtp: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    port, timeout = smtp.effective_port, smtp.timeout_seconds
    client: smtplib.SMTP
    if smtp.security == "tls":
        client = smtplib.SMTP_SSL(smtp.host, port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(smtp.host, port, timeout=timeout)
    try:
        if smtp.security == "starttls":
            client.starttls(context=context)
        if smtp.user:
            password = smtp.password.get_secret_value() if smtp.password else ""
            client.login(smtp.user, password)
    except BaseException:
        client.close()
        raise
    return client


def _envelope_sender(smtp: SmtpSettings) -> str:
    return parseaddr(smtp.from_address)[1] or smtp.from_address


def _failed(store: Store, delivery: Delivery, message: OutboxMessage, why: str) -> None:
    store.note_delivery_error(message.id, why)
    delivery.failed[message.recipient] = why


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return "the SMTP server refused the user name or password ([smtp] user, password)"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "the SMTP server refused the recipient"
    if isinstance(error, smtplib.SMTPResponseException):
        text = (
            error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else ""
        )
        return f"the SMTP server answered {error.smtp_code} {text}".strip()
    if isinstance(error, ssl.SSLError):
        return f"TLS failed ({error.reason or error}); check [smtp] security and port"
    if isinstance(error, OSError):
        return f"cannot connect ({error.strerror or error})"
    return str(error) or type(error).__name__
