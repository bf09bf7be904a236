"""The state database: runs, proposals, booked series, the sign-in links the approval app has
seen used, the outbox of emails, the invitations sent and the audit log. Every SQL statement
of checkin-sync lives in this package; the rest of the code sees only `Store` and the records
it hands out.

The schema carries a version; opening a database migrates it forward, and a database written
by a newer checkin-sync is refused rather than damaged.

- `schema`: the schema version and the migrations that build it
- `records`: states, records, and their conversion to and from table rows
- `database`: `Store` itself (opening, migrating, runs), made of
  - `base`: the connection, transactions and the audit log
  - `proposals`, `series`, `outbox`, `invitations`, `requests`, `health`, `told`,
    `sessions`: the SQL of each concept
"""

from sync.store.database import Store
from sync.store.invitations import SentInvitation
from sync.store.records import (
    DIGEST,
    EXPORT_ONLY,
    INVITATION,
    LIVE_STATES,
    OPEN_STATES,
    NewProposal,
    OutboxMessage,
    ProposalRecord,
    RequestRecord,
    RequestState,
    SeriesRecord,
    SeriesState,
    State,
    occurrences_from_json,
    occurrences_to_json,
)
from sync.store.requests import CLI_SOURCE, ROSTER_SOURCE
from sync.store.schema import _MIGRATIONS, SCHEMA_VERSION
from sync.store.told import Told, ToldKey

__all__ = [
    "CLI_SOURCE",
    "DIGEST",
    "EXPORT_ONLY",
    "INVITATION",
    "LIVE_STATES",
    "OPEN_STATES",
    "ROSTER_SOURCE",
    "SCHEMA_VERSION",
    "_MIGRATIONS",
    "NewProposal",
    "OutboxMessage",
    "ProposalRecord",
    "RequestRecord",
    "RequestState",
    "SentInvitation",
    "SeriesRecord",
    "SeriesState",
    "State",
    "Store",
    "Told",
    "ToldKey",
    "occurrences_from_json",
    "occurrences_to_json",
]
