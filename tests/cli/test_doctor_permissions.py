"""`doctor` on a real configuration (a Google and an Outlook manager, against both
emulators) names each missing permission or sharing setting in words an admin acts on, and
the Microsoft credential's end date before it comes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sync.connectors.google.auth import SCOPE_EVENTS_READ, SCOPE_FREEBUSY
from tests.conftest import ConfigDir, Result
from tests.connectors.test_mixed_providers import ADE, NOW, PRIYA, org
from tests.emulators import DEFAULT_TENANT, GoogleCalendarEmulator, GraphEmulator
from tests.google_helpers import key_file
from tests.outlook_helpers import CLIENT_ID

__all__ = ["org"]  # the fixture: Karin on Google, Ade on Outlook, reports across both

CLI = Callable[..., Result]


def doctor(cli: CLI, org: ConfigDir) -> Result:
    return cli("--config", str(org.root), "doctor")


def fails(result: Result) -> list[str]:
    return [line for line in result.out.splitlines() if line.startswith("FAIL")]


def test_a_complete_set_up_says_each_permission_is_in_place(cli: CLI, org: ConfigDir) -> None:
    result = doctor(cli, org)
    assert result.code == 0, result.out
    assert "ok   Google permissions: every scope a night needs is granted" in result.out
    assert (
        "ok   Microsoft permissions: the app may use the calendar of each manager on Outlook "
        "(1)" in result.out
    )
    assert (
        "ok   Microsoft credential: [outlook] client_secret: its end date is not known; set "
        "[outlook] secret_expires" in result.out
    )


def test_a_scope_missing_from_domain_wide_delegation_is_named_with_where_to_add_it(
    cli: CLI, org: ConfigDir, google_emulator: GoogleCalendarEmulator
) -> None:
    key_file(google_emulator, org.root, delegated_scopes=[SCOPE_FREEBUSY, SCOPE_EVENTS_READ])
    result = doctor(cli, org)
    assert fails(result) == [
        "FAIL  Google permissions: domain-wide delegation for client ID 100000000000000000001 "
        "does not grant https://www.googleapis.com/auth/calendar.events.owned "
        "(unauthorized_client: Client is unauthorized to retrieve access tokens using this "
        "method, or client not authorized for any of the scopes requested.): add it in the "
        "Admin console → Security → Access and data control → API controls → Domain-wide "
        "delegation entry; a change can take up to 24 hours to apply"
    ]
    assert result.code == 1


def test_free_busy_not_shared_inside_the_organisation_names_the_sharing_setting(
    cli: CLI, org: ConfigDir, google_emulator: GoogleCalendarEmulator
) -> None:
    google_emulator.hide_free_busy(PRIYA)
    result = doctor(cli, org)
    assert fails(result) == [
        f"FAIL  calendar of {PRIYA}: Google Calendar: notFound: no such user, or their "
        "free/busy is not shared inside the organisation; set Calendar's internal sharing to "
        'at least "Only free/busy information (hide event details)" (Admin console → Apps → '
        "Google Workspace → Calendar → Sharing settings)",
        "FAIL  calendars: 3 of 4 answered",
    ]
    assert result.code == 1


def test_an_access_policy_leaving_a_manager_out_is_named(
    cli: CLI, org: ConfigDir, graph_emulator: GraphEmulator
) -> None:
    graph_emulator.restrict(CLIENT_ID, ["lena@example.com"])
    result = doctor(cli, org)
    assert (
        f"FAIL  calendar of {ADE}: Microsoft Graph answered 403 ErrorAccessDenied: an "
        "application access policy keeps the app out of this mailbox; add it to the policy's "
        "mail-enabled security group" in result.out
    )
    assert result.code == 1


def test_an_app_without_calendar_permissions_is_told_which_to_grant(
    cli: CLI, org: ConfigDir, graph_emulator: GraphEmulator
) -> None:
    graph_emulator.identity.set_roles(CLIENT_ID, [])
    result = doctor(cli, org)
    denied = (
        "Microsoft Graph answered 403 ErrorAccessDenied: the app has no calendar permission "
        "for this mailbox; grant the application permission Calendars.ReadBasic (reading "
        "free/busy) or Calendars.ReadWrite (managers' calendars) with admin consent"
    )
    assert f"FAIL  calendar of {ADE}: {denied}" in result.out
    assert f"FAIL  calendar of lena@example.com: {denied}" in result.out, "getSchedule too"


def test_a_certificate_near_its_end_is_warned_about_with_its_thumbprint(
    cli: CLI, org: ConfigDir, graph_emulator: GraphEmulator
) -> None:
    ends = datetime.now(UTC) + timedelta(days=20)
    credential = graph_emulator.identity.add_certificate(CLIENT_ID, not_after=ends)
    pem = org.root / "graph.pem"
    pem.write_text(credential["private_key"] + credential["public_certificate"])
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    certificate = x509.load_pem_x509_certificate(credential["public_certificate"].encode())
    thumbprint = certificate.fingerprint(hashes.SHA1()).hex()
    settings = (org.root / "settings.toml").read_text()
    settings = settings.replace(
        'client_secret = "emulator-secret"\n',
        f'certificate_file = "graph.pem"\ncertificate_thumbprint = "{thumbprint}"\n',
    )
    (org.root / "settings.toml").write_text(settings)
    result = doctor(cli, org)
    assert "ok   credentials: a token was issued for google, outlook" in result.out
    (line,) = [f for f in fails(result) if "Microsoft credential" in f]
    assert line.startswith(f"FAIL  Microsoft credential: [outlook] certificate_file {pem} (")
    assert f"thumbprint {thumbprint.upper()}) ends on {ends.date()}, in " in line
    assert "add a new one to the app registration" in line and "Certificates & secrets" in line
    assert result.code == 1

    (org.root / "settings.toml").write_text(settings + "warn_days_before_expiry = 10\n")
    calm = doctor(cli, org)
    assert f"ok   Microsoft credential: [outlook] certificate_file {pem} (" in calm.out


def test_a_client_secret_past_its_end_date_is_named(cli: CLI, org: ConfigDir) -> None:
    settings = (org.root / "settings.toml").read_text()
    ended = (datetime.now(UTC) - timedelta(days=3)).date()
    (org.root / "settings.toml").write_text(
        settings.replace(
            f'tenant_id = "{DEFAULT_TENANT}"\n',
            f'tenant_id = "{DEFAULT_TENANT}"\nsecret_expires = {ended}\n',
        )
    )
    result = doctor(cli, org)
    assert (
        f"FAIL  Microsoft credential: [outlook] client_secret ended on {ended}: add a new one "
        in result.out
    )


def test_the_nightly_run_asks_for_attention_while_the_secret_is_about_to_end(
    cli: CLI, org: ConfigDir
) -> None:
    settings = (org.root / "settings.toml").read_text()
    ends = (datetime.fromisoformat(NOW) + timedelta(days=12)).date()
    (org.root / "settings.toml").write_text(
        settings.replace(
            f'tenant_id = "{DEFAULT_TENANT}"\n',
            f'tenant_id = "{DEFAULT_TENANT}"\nsecret_expires = {ends}\n',
        )
    )
    result = cli("--config", str(org.root), "run", "--now", NOW)
    assert result.code == 1, result.out
    assert f"[outlook] client_secret ends on {ends}, in 12 days: add a new one" in result.out
