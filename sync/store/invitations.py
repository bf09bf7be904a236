"""Which version of each series every invitation recipient was last sent.

An invitation is queued in the outbox and recorded here in one transaction: a crash before it
leaves both undone (the next run sends it), a crash after it leaves both done (the outbox
delivers it, and no second one is queued). Delivery itself is retried by the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.store.outbox import OutboxMixin
from sync.store.records import INVITATION, now_text


@dataclass(frozen=True)
class SentInvitation:
    sequence: int
    digest: str
    """What the invitation said, without its version number and time stamps."""


class InvitationsMixin(OutboxMixin):
    """Builds on the outbox: an invitation is an outbox message plus this record."""

    def invitations_sent(self) -> dict[str, dict[str, SentInvitation]]:
        """Series UID → recipient → what they were last sent: the whole record in one read,
        for a night that looks at every series."""
        sent: dict[str, dict[str, SentInvitation]] = {}
        for row in self.db.execute("SELECT uid, recipient, sequence, digest FROM invitations"):
            sent.setdefault(row["uid"], {})[row["recipient"]] = SentInvitation(
                row["sequence"], row["digest"]
            )
        return sent

    def queue_invitation(
        self,
        uid: str,
        recipient: str,
        sequence: int,
        method: str,
        subject: str,
        message: bytes | None,
        digest: str = "",
    ) -> int | None:
        """Queue `message` for `recipient` and record that they have `sequence` of `uid`,
        whose content is `digest`. With `message` None only the record is made: there was
        nothing they needed to hear (a series cancelled before anyone was invited, or a
        version that differs only in its number). Nothing happens if they already have this
        version or a later one; returns the outbox id of what was queued."""
        with self.transaction():
            row = self.db.execute(
                "SELECT sequence FROM invitations WHERE uid = ? AND recipient = ?",
                (uid, recipient),
            ).fetchone()
            if row is not None and row["sequence"] >= sequence:
                return None
            outbox_id = None
            if message is not None:
                outbox_id = self.queue_message(recipient, subject, message, (), kind=INVITATION)
            self.db.execute(
                "INSERT INTO invitations (uid, recipient, sequence, method, outbox_id, digest, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uid, recipient) DO UPDATE SET "
                "sequence = excluded.sequence, method = excluded.method, "
                "outbox_id = COALESCE(excluded.outbox_id, outbox_id), "
                "digest = excluded.digest, at = excluded.at",
                (uid, recipient, sequence, method, outbox_id, digest, now_text()),
            )
            return outbox_id
