"""When the app's credential for Microsoft Graph stops working, known before it does.

A certificate carries its own end date: it is read from `certificate_file` (which holds the
certificate uploaded to the app registration beside its private key). A client secret does
not, and Graph tells it only to an app allowed to read app registrations
(Application.Read.All), which checkin-sync does not ask for; so its end date, shown in
Entra under Certificates & secrets, is given in `secret_expires`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from sync.config.provider_settings import OutlookSettings


@dataclass(frozen=True)
class Expiry:
    credential: str  # e.g. "certificate_file /etc/checkin-sync/graph.pem" or "client_secret"
    ends: date | None  # None: the end date is not known
    detail: str = ""  # what else an admin needs (the certificate's subject and thumbprint)
    problem: str = ""  # the certificate cannot be read, or is not the one uploaded


def expiry(settings: OutlookSettings) -> Expiry | None:
    """The credential msal signs in with and when it ends; None without Outlook settings."""
    if settings.client_secret:
        return Expiry("[outlook] client_secret", settings.secret_expires)
    if settings.certificate_file is not None:
        return _certificate(settings)
    return None


def _certificate(settings: OutlookSettings) -> Expiry:
    path = settings.certificate_file
    assert path is not None
    name = f"[outlook] certificate_file {path}"
    try:
        certificates = x509.load_pem_x509_certificates(path.read_bytes())
    except OSError as error:
        return Expiry(name, None, problem=f"cannot be read ({error.strerror})")
    except ValueError:
        return Expiry(
            name,
            None,
            problem="holds no PEM certificate, so its end date is unknown: put the certificate "
            "uploaded to the app registration in the file, after the private key",
        )
    wanted = (settings.certificate_thumbprint or "").replace(":", "").lower()
    for certificate in certificates:
        thumbprint = certificate.fingerprint(hashes.SHA1()).hex()
        if not wanted or thumbprint == wanted:
            subject = certificate.subject.rfc4514_string() or "no subject"
            ends = certificate.not_valid_after_utc.date()
            return Expiry(name, ends, f"{subject}, thumbprint {thumbprint.upper()}")
    return Expiry(
        name,
        None,
        problem=f"holds no certificate with the thumbprint {settings.certificate_thumbprint} "
        "(certificate_thumbprint): the app signs in with the certificate that has it",
    )


def expiry_warning(found: Expiry, today: date, warn_days: int) -> tuple[bool, str]:
    """(fine, one line for doctor) about a credential's end date."""
    if found.problem:
        return False, f"{found.credential}: {found.problem}"
    about = f" ({found.detail})" if found.detail else ""
    if found.ends is None:
        return True, (
            f"{found.credential}: its end date is not known; set [outlook] secret_expires to "
            "the date Entra shows under Certificates & secrets to be warned before it ends"
        )
    left = (found.ends - today).days
    renew = (
        "add a new one to the app registration (Entra admin center → App registrations → "
        "checkin-sync → Certificates & secrets) and switch the settings to it"
    )
    if left < 0:
        return False, f"{found.credential}{about} ended on {found.ends}: {renew}"
    if left <= warn_days:
        return False, f"{found.credential}{about} ends on {found.ends}, in {left} days: {renew}"
    return True, f"{found.credential}{about} ends on {found.ends}, in {left} days"


def expiry_problem(settings: OutlookSettings, today: date) -> str | None:
    """For the nightly report: the credential ends within the warning days (or has ended,
    or its certificate cannot be read), so the run asks for attention until it is renewed."""
    found = expiry(settings)
    if found is None:
        return None
    fine, text = expiry_warning(found, today, settings.warn_days_before_expiry)
    return None if fine else text
