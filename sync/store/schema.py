"""The schema of the state database, as the migrations that build it.

The database carries `SCHEMA_VERSION` in `PRAGMA user_version`; opening it runs every
migration above that number, in order (see `Store._migrate`). A database already at version N
never runs migration N again, so a change to the schema is a new migration, not an edit of an
old one.
"""

SCHEMA_VERSION = 10

_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        planned_for TEXT NOT NULL,
        finished_at TEXT,
        exit_code INTEGER,
        summary TEXT
    );
    CREATE TABLE proposals (
        id INTEGER PRIMARY KEY,
        run_id INTEGER REFERENCES runs(id),
        manager TEXT NOT NULL,
        employee TEXT NOT NULL,
        manager_name TEXT NOT NULL,
        employee_name TEXT NOT NULL,
        generation INTEGER NOT NULL,
        uid TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        cadence TEXT NOT NULL,
        cadence_reason TEXT NOT NULL,
        duration INTEGER NOT NULL,
        timezone TEXT NOT NULL,
        rrule TEXT NOT NULL,
        first_start TEXT NOT NULL,
        occurrences TEXT NOT NULL,
        explanation TEXT NOT NULL,
        alternatives TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (manager, employee, generation)
    );
    CREATE INDEX proposals_by_state ON proposals (state, manager);
    CREATE TABLE series (
        uid TEXT PRIMARY KEY,
        proposal_id INTEGER NOT NULL UNIQUE REFERENCES proposals(id),
        state TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        first_start TEXT NOT NULL,
        until TEXT,
        occurrences TEXT NOT NULL,
        booked_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT ''
    );
    """,
    # calendars the service writes to: where each series lives, what was last written there
    2: """
    ALTER TABLE proposals ADD COLUMN organiser_calendar TEXT NOT NULL DEFAULT 'export';
    ALTER TABLE series ADD COLUMN calendar TEXT NOT NULL DEFAULT 'export';
    ALTER TABLE series ADD COLUMN synced_sequence INTEGER NOT NULL DEFAULT -1;
    ALTER TABLE series ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
    ALTER TABLE series ADD COLUMN declined_by TEXT NOT NULL DEFAULT '';
    """,
    # the approval app and the digest: sign-in links used once, and mail not yet delivered
    3: """
    CREATE TABLE used_sign_in_links (
        link_id TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        used_at TEXT NOT NULL
    );
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        recipient TEXT NOT NULL,
        subject TEXT NOT NULL,
        message BLOB NOT NULL,
        proposal_ids TEXT NOT NULL,
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT '',
        delivered_at TEXT,
        delivered_to TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX outbox_by_recipient ON outbox (recipient);
    """,
    # check-ins that fit the person: one-off proposals (requested, welcome back) with the
    # invitation text fixed when proposed, requests, per-date declines, and pair health
    4: """
    ALTER TABLE proposals ADD COLUMN kind TEXT NOT NULL DEFAULT 'regular';
    ALTER TABLE proposals ADD COLUMN summary TEXT NOT NULL DEFAULT '';
    ALTER TABLE proposals ADD COLUMN description TEXT NOT NULL DEFAULT '';
    CREATE TABLE checkin_requests (
        id INTEGER PRIMARY KEY,
        employee TEXT NOT NULL,
        source TEXT NOT NULL,
        key TEXT NOT NULL,
        made_on TEXT NOT NULL,
        within_days INTEGER NOT NULL,
        reason TEXT NOT NULL,
        state TEXT NOT NULL,
        created_at TEXT NOT NULL,
        closed_at TEXT,
        note TEXT NOT NULL DEFAULT '',
        UNIQUE (employee, source, key)
    );
    CREATE TABLE occurrence_declines (
        series_uid TEXT NOT NULL REFERENCES series(uid),
        original_start TEXT NOT NULL,
        email TEXT NOT NULL,
        PRIMARY KEY (series_uid, original_start, email)
    );
    CREATE TABLE pair_health (
        employee TEXT PRIMARY KEY,
        manager TEXT NOT NULL,
        at_risk INTEGER NOT NULL,
        reason TEXT NOT NULL,
        changed_at TEXT NOT NULL
    );
    """,
    # iTIP invitations: what each recipient was last sent of each series, so a re-run never
    # sends twice; the outbox tells digests from invitations; feed addresses revoked one
    # person at a time
    5: """
    ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'digest';
    CREATE TABLE invitations (
        uid TEXT NOT NULL REFERENCES series(uid),
        recipient TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        method TEXT NOT NULL,
        outbox_id INTEGER REFERENCES outbox(id),
        digest TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL,
        PRIMARY KEY (uid, recipient)
    );
    CREATE TABLE feed_keys (
        email TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        changed_at TEXT NOT NULL
    );
    """,
    # sessions of the approval app kept here, not only in the browser's cookie, so signing
    # out, an absolute lifetime and leaving the roster end them for good; the key itself is
    # not stored, only its hash
    6: """
    CREATE TABLE web_sessions (
        key_hash TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        started_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        ended_at TEXT,
        ended_why TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX web_sessions_by_email ON web_sessions (email);
    """,
    # what the planner said, as messages worded in each reader's language (sync/model/said.py):
    # JSON beside the English words, which rows written before stay with and are shown as;
    # the same for the notes of the audit log, which the history on the page shows
    7: """
    ALTER TABLE proposals ADD COLUMN cadence_reason_said TEXT NOT NULL DEFAULT '';
    ALTER TABLE proposals ADD COLUMN explanation_said TEXT NOT NULL DEFAULT '';
    ALTER TABLE proposals ADD COLUMN reason_said TEXT NOT NULL DEFAULT '';
    ALTER TABLE audit ADD COLUMN note_said TEXT NOT NULL DEFAULT '';
    """,
    # the pair's busy intervals (no titles) in the week of a proposal's first check-in, for
    # the week picture on the approval page and in the digest
    8: """
    ALTER TABLE proposals ADD COLUMN week_busy TEXT NOT NULL DEFAULT '';
    """,
    # a pair's series are found by employee when a booking is confirmed (it ends the series
    # it replaces): without an index each confirmation read every series, and a cold night
    # confirms one per pair
    9: """
    CREATE INDEX IF NOT EXISTS proposals_by_employee ON proposals (employee);
    """,
    # what each manager's digest last said of a line that can stand night after night (a
    # pair that could not be planned), so it is told once, when it changes, and weekly
    10: """
    CREATE TABLE IF NOT EXISTS digest_told (
        manager TEXT NOT NULL,
        employee TEXT NOT NULL,
        section TEXT NOT NULL,
        said TEXT NOT NULL,
        since TEXT NOT NULL,
        told_on TEXT NOT NULL,
        PRIMARY KEY (manager, employee, section, said)
    );
    """,
}
