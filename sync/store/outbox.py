"""What the web app and the mail keep: sign-in links already used, which feed address of
each person works, and the emails waiting in the outbox until they are delivered."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime

from sync.store.base import StoreBase
from sync.store.records import DIGEST, OutboxMessage, message_from_row, now_text


class OutboxMixin(StoreBase):
    # ------------------------------------------------------------------ sign-in links

    def sign_in_link_used(self, link_id: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM used_sign_in_links WHERE link_id = ?", (link_id,)
        ).fetchone()
        return row is not None

    def use_sign_in_link(self, link_id: str, email: str) -> bool:
        """Record that a sign-in link was used; False if it already had been. Atomic, so two
        browsers racing with the same link cannot both sign in."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO used_sign_in_links (link_id, email, used_at) VALUES (?, ?, ?)",
            (link_id, email, now_text()),
        )
        return cursor.rowcount == 1

    # ------------------------------------------------------------------ feed addresses

    def feed_version(self, email: str) -> int:
        """Which of `email`'s feed addresses works: 0 until one was revoked. The file beside
        the database counts too, so a lost database does not bring back a revoked one."""
        row = self.db.execute(
            "SELECT version FROM feed_keys WHERE email = ?", (email.lower(),)
        ).fetchone()
        kept = 0 if row is None else int(row["version"])
        return max(kept, self.revocations.feed_version(email))

    def new_feed_version(self, email: str) -> int:
        """Revoke `email`'s feed address; returns the version of the new one."""
        with self.transaction():
            version = self.feed_version(email) + 1
            # the file first: once it is written, the old address is revoked for good
            self.revocations.set_feed_version(email, version)
            self.db.execute(
                "INSERT INTO feed_keys (email, version, changed_at) VALUES (?, ?, ?) "
                "ON CONFLICT (email) DO UPDATE SET version = excluded.version, "
                "changed_at = excluded.changed_at",
                (email.lower(), version, now_text()),
            )
            return version

    def sign_in_links_void_before(self) -> datetime | None:
        """Links issued before this are void: the database that knew which had been used
        was lost (see RevocationFile)."""
        return self.revocations.links_void_before()

    # ------------------------------------------------------------------ outbox

    def queue_message(
        self,
        recipient: str,
        subject: str,
        message: bytes,
        proposal_ids: Iterable[int],
        kind: str = DIGEST,
    ) -> int:
        cursor = self.db.execute(
            "INSERT INTO outbox (recipient, subject, message, proposal_ids, created_at, kind) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (recipient, subject, message, json.dumps(sorted(proposal_ids)), now_text(), kind),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def undelivered_messages(self) -> Iterator[OutboxMessage]:
        """The queued emails in the order they were queued, read one at a time: a night's
        outbox holds every manager's digest and every invitation, and delivering needs only
        the one it sends. Each is read by its own statement, so marking one delivered never
        writes to the table under a cursor that is still reading it."""
        after = 0
        while True:
            row = self.db.execute(
                "SELECT * FROM outbox WHERE delivered_at IS NULL AND id > ? ORDER BY id LIMIT 1",
                (after,),
            ).fetchone()
            if row is None:
                return
            after = row["id"]
            yield message_from_row(row)

    def mark_delivered(self, message_id: int, where: str) -> None:
        """Once delivered, only the record that it was is kept: the email itself holds a
        live sign-in link, which a copy or backup of the database must not give away."""
        self.db.execute(
            "UPDATE outbox SET delivered_at = ?, delivered_to = ?, attempts = attempts + 1, "
            "last_error = '', message = X'' WHERE id = ?",
            (now_text(), where, message_id),
        )

    def forget_delivered_messages(self) -> None:
        """Drop the text of emails delivered by versions that kept it."""
        self.db.execute(
            "UPDATE outbox SET message = X'' WHERE delivered_at IS NOT NULL AND length(message) > 0"
        )

    def note_delivery_error(self, message_id: int, error: str) -> None:
        self.db.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
            (error, message_id),
        )

    def proposals_told(self, recipient: str) -> set[int]:
        """Proposals already listed in a digest to `recipient` (delivered or still queued)."""
        rows = self.db.execute(
            "SELECT proposal_ids FROM outbox WHERE recipient = ? AND kind = ?", (recipient, DIGEST)
        )
        return {int(i) for row in rows for i in json.loads(row["proposal_ids"])}
