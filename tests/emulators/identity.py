"""A local stand-in for the Microsoft identity platform (Entra ID v2.0), app-only flows.

The real ``msal`` talks to it over HTTPS (msal refuses ``http://`` authorities)::

    with IdentityEmulator() as idp:
        idp.add_app("app-1", "s3cret", tenant=TENANT, roles=["Calendars.Read"])
        app = msal.ConfidentialClientApplication(
            "app-1",
            client_credential="s3cret",
            authority=idp.authority(TENANT),
            instance_discovery=False,
            http_client=idp.session(),  # trusts the test CA, ignores REQUESTS_CA_BUNDLE
        )
        result = app.acquire_token_for_client(scopes=[GRAPH_DEFAULT_SCOPE])

Endpoints: ``GET /{tenant}/v2.0/.well-known/openid-configuration`` and
``POST /{tenant}/oauth2/v2.0/token`` with ``grant_type=client_credentials`` and a client secret
(form field or HTTP Basic) or a certificate's ``client_assertion`` (``private_key_jwt``).
Access tokens are opaque strings; :meth:`IdentityEmulator.validate` tells the Graph emulator
what an access token stands for (app, tenant, roles, audience, expiry).

Errors follow Entra ID: wrong secret 401 ``invalid_client`` (AADSTS7000215); client unknown in
the tenant 400 ``unauthorized_client`` (AADSTS700016); unknown tenant 400 ``invalid_request``
(AADSTS90002) on the token endpoint and 400 ``invalid_tenant`` on discovery (msal then raises
``ValueError`` while constructing the app); a scope without ``/.default`` 400 ``invalid_scope``.
"""

from __future__ import annotations

import base64
import importlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, unquote_plus, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from .identity_errors import GRAPH_RESOURCE, AadError, fault_error, no_tenant, resource_of
from .identity_tls import Fault, FaultList, HttpResponse, LocalCA, TlsServer, new_session, shared_ca
from .ms_clouds import GLOBAL, MsCloud

if TYPE_CHECKING:
    import re

    import requests

__all__ = [
    "CALENDARS_READ",
    "CALENDARS_READBASIC",
    "CALENDARS_READWRITE",
    "DEFAULT_TENANT",
    "GRAPH_DEFAULT_SCOPE",
    "GRAPH_RESOURCE",
    "AadError",
    "App",
    "IdentityEmulator",
    "IssuedToken",
    "TokenRequest",
]

GRAPH_DEFAULT_SCOPE = GRAPH_RESOURCE + "/.default"
CALENDARS_READBASIC = "Calendars.ReadBasic"
CALENDARS_READ = "Calendars.Read"
CALENDARS_READWRITE = "Calendars.ReadWrite"
DEFAULT_TENANT = "7d3b2f4e-1c5a-4b8e-9f60-0a1b2c3d4e5f"
KINDS = frozenset({"token", "openid-configuration"})
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@dataclass
class App:
    """An app registration with admin-consented application permissions (``roles``)."""

    client_id: str
    tenant: str
    secrets: list[str] = field(default_factory=list)
    certificates: dict[str, Any] = field(default_factory=dict)  # thumbprint hex -> public key
    roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class IssuedToken:
    """What an access token stands for (the Graph emulator checks these)."""

    token: str
    client_id: str
    tenant: str
    roles: frozenset[str]
    audience: str
    expires_at: float


@dataclass(frozen=True)
class TokenRequest:
    """One request the identity emulator answered (secrets and assertions are not kept)."""

    method: str
    host: str  # the Host header: which sign-in host the client called
    path: str
    kind: str  # "token", "openid-configuration" or "unknown"
    tenant: str | None
    client_id: str | None
    grant_type: str | None
    scope: str | None
    status: int
    error: str | None
    time: float


class IdentityEmulator:
    """Entra ID's v2.0 discovery and token endpoints on ``https://localhost:<free port>``."""

    def __init__(
        self, *, token_lifetime: int = 3599, ca: LocalCA | None = None, cloud: MsCloud = GLOBAL
    ) -> None:
        """``token_lifetime`` below 300 s makes msal treat every token as expired (no cache).

        ``cloud``: the Microsoft cloud this sign-in service belongs to; it issues tokens only
        for that cloud's Graph."""
        self.cloud = cloud
        self.lock = threading.RLock()
        self.token_lifetime = token_lifetime
        self._ca = ca or shared_ca()
        self.tenants: dict[str, str] = {}  # tenant id or domain (lower case) -> tenant id
        self.apps: dict[str, App] = {}
        self.tokens: dict[str, IssuedToken] = {}
        self._faults = FaultList(KINDS, self.lock)
        self._requests: list[TokenRequest] = []
        self._server: TlsServer | None = None
        self.errors: list[Exception] = []  # unexpected exceptions while answering (bugs)

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> IdentityEmulator:
        self._server = TlsServer(self.handle, "identity-emulator", self._ca)
        self._server.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> IdentityEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the identity emulator is not running")
        return self._server.port

    @property
    def base_url(self) -> str:
        return f"https://localhost:{self.port}"

    @property
    def ca_file(self) -> str:
        """PEM file of the CA that signed this server's certificate (``Session.verify``)."""
        return self._ca.ca_file

    def authority(self, tenant: str = DEFAULT_TENANT) -> str:
        """For ``ConfidentialClientApplication(authority=...)``."""
        return f"{self.base_url}/{tenant}"

    def token_endpoint(self, tenant: str = DEFAULT_TENANT) -> str:
        return f"{self.base_url}/{tenant}/oauth2/v2.0/token"

    def session(self) -> requests.Session:
        """A ``requests.Session`` trusting the test CA (``verify``) with ``trust_env=False``."""
        return new_session(self.ca_file)

    # ----------------------------------------------------------------- set-up

    def add_tenant(self, tenant_id: str, *domains: str) -> None:
        """A directory known by its id and, optionally, domain names (``contoso.com``)."""
        with self.lock:
            for name in (tenant_id, *domains):
                self.tenants[name.lower()] = tenant_id

    def add_app(
        self,
        client_id: str,
        secret: str | None = None,
        tenant: str = DEFAULT_TENANT,
        roles: list[str] | tuple[str, ...] = (CALENDARS_READ, CALENDARS_READWRITE),
    ) -> App:
        """Register an app in ``tenant`` with Graph application permissions ``roles``."""
        with self.lock:
            if tenant.lower() not in self.tenants:
                self.add_tenant(tenant)
            app = App(client_id, self.tenants[tenant.lower()], [], {}, frozenset(roles))
            if secret is not None:
                app.secrets.append(secret)
            self.apps[client_id] = app
            return app

    def add_secret(self, client_id: str, secret: str) -> None:
        """Another valid secret (rotation); ``apps[client_id].secrets`` can be edited too."""
        with self.lock:
            self.apps[client_id].secrets.append(secret)

    def set_roles(self, client_id: str, roles: list[str] | tuple[str, ...]) -> None:
        """Change consented permissions; tokens issued earlier keep the roles they carry."""
        with self.lock:
            self.apps[client_id].roles = frozenset(roles)

    def add_certificate(self, client_id: str, not_after: datetime | None = None) -> dict[str, str]:
        """Upload a new RSA certificate to the app; returns msal's ``client_credential`` dict.

        msal signs the assertion with PS256 and sends the certificate's SHA-256 thumbprint
        (``x5t#S256``); with ``"thumbprint"`` given instead it uses RS256 and ``x5t`` (SHA-1).
        ``not_after``: the certificate's end date (trustme's default is years away).
        """
        import trustme

        leaf = self._ca.ca.issue_cert(
            f"{client_id}.clients.test", key_type=trustme.KeyType.RSA, not_after=not_after
        )
        cert_pem = leaf.cert_chain_pems[0].bytes().decode()
        cert = x509.load_pem_x509_certificate(cert_pem.encode())
        with self.lock:
            app = self.apps[client_id]
            for digest in (hashes.SHA256(), hashes.SHA1()):
                app.certificates[cert.fingerprint(digest).hex()] = cert.public_key()
        return {
            "private_key": leaf.private_key_pem.bytes().decode(),
            "public_certificate": cert_pem,
        }

    def msal_app(
        self, client_id: str, client_credential: Any, tenant: str = DEFAULT_TENANT, **kwargs: Any
    ) -> Any:
        """``msal.ConfidentialClientApplication`` pointed at this emulator (a new session)."""
        msal: Any = importlib.import_module("msal")
        kwargs.setdefault("http_client", self.session())
        return msal.ConfidentialClientApplication(
            client_id,
            client_credential=client_credential,
            authority=self.authority(tenant),
            instance_discovery=False,
            **kwargs,
        )

    def issue_token(self, client_id: str, audience: str | None = None) -> str:
        """An access token for ``client_id`` without an HTTP round trip (not logged)."""
        with self.lock:
            app = self.apps[client_id]
            return self._issue(app, audience or self.cloud.graph_resource).token

    def expire_tokens(self) -> None:
        """Every access token issued so far is expired: Graph answers 401 for it.

        msal keeps serving its cached copy until it expires by its own clock, so a client must
        drop it (``app.remove_tokens_for_client()``) after a 401 to get a fresh one.
        """
        with self.lock:
            now = time.time()
            for key, token in list(self.tokens.items()):
                self.tokens[key] = IssuedToken(
                    token.token, token.client_id, token.tenant, token.roles, token.audience, now
                )

    def validate(self, token: str) -> tuple[IssuedToken | None, str]:
        """The token's grant, or ``None`` and why not (``"unknown"`` or ``"expired"``)."""
        with self.lock:
            issued = self.tokens.get(token)
        if issued is None:
            return None, "unknown"
        if issued.expires_at <= time.time():
            return None, "expired"
        return issued, "ok"

    # ----------------------------------------------------------------- faults & log

    def inject(
        self,
        match: str | re.Pattern[str],
        status: int | None = None,
        *,
        times: int = 1,
        error: str | None = None,
        description: str | None = None,
        retry_after: float | str | None = None,
        delay: float | None = None,
    ) -> Fault:
        """Fail (or with ``status=None`` only delay) the next ``times`` matching requests.

        ``match``: ``"token"``, ``"openid-configuration"``, ``"*"`` or a path regex.
        """
        return self._faults.add(
            match,
            status,
            times=times,
            code=error,
            message=description,
            retry_after=retry_after,
            delay=delay,
        )

    def clear_faults(self) -> None:
        self._faults.clear()

    @property
    def requests(self) -> list[TokenRequest]:
        with self.lock:
            return list(self._requests)

    def count(self, kind: str, *, status: int | None = None) -> int:
        return sum(1 for r in self.requests if r.kind == kind and status in (None, r.status))

    def clear_log(self) -> None:
        with self.lock:
            self._requests.clear()

    # ----------------------------------------------------------------- HTTP

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> HttpResponse:
        url = urlsplit(raw_path)
        lowered = {k.lower(): v for k, v in headers.items()}
        # the address the client used (through a proxy: login.microsoftonline.us, ...)
        host = lowered.get("host") or f"localhost:{self.port}"
        origin = f"https://{host.removesuffix(':443')}"
        parts = [unquote(p) for p in url.path.strip("/").split("/")]
        tenant = parts[0] if parts and parts[0] else None
        rest = "/".join(parts[1:])
        if method == "GET" and rest == "v2.0/.well-known/openid-configuration":
            kind = "openid-configuration"
        elif method == "POST" and rest == "oauth2/v2.0/token":
            kind = "token"
        else:
            kind = "unknown"
        form = {k: v[-1] for k, v in parse_qs(body.decode(errors="replace")).items()}
        fault = self._faults.take(kind, url.path)
        if fault is not None:
            fault.sleep()
        error: str | None = None
        try:
            if fault is not None and fault.status is not None:
                raise fault_error(fault)
            if kind == "openid-configuration":
                response = HttpResponse(200, self._openid_configuration(origin, tenant or ""))
            elif kind == "token":
                response = HttpResponse(200, self._token(origin, tenant or "", form, lowered))
            else:
                raise AadError(404, "invalid_request", 900561, "The endpoint only accepts POST.")
        except AadError as exc:
            error = exc.error
            response = HttpResponse(exc.status, exc.body(), exc.headers)
        except Exception as exc:  # an emulator bug: answer 500 and keep it for the test to see
            self.errors.append(exc)
            error = "server_error"
            failure = AadError(500, error, None, f"Identity emulator failure: {exc!r}")
            response = HttpResponse(500, failure.body())
        response.headers.setdefault("Cache-Control", "no-store, no-cache")
        record = TokenRequest(
            method,
            host,
            url.path,
            kind,
            tenant,
            form.get("client_id"),
            form.get("grant_type"),
            form.get("scope"),
            response.status,
            error,
            time.time(),
        )
        with self.lock:
            self._requests.append(record)
        return response

    def _tenant_id(self, tenant: str) -> str | None:
        with self.lock:
            return self.tenants.get(tenant.lower())

    def _openid_configuration(self, origin: str, tenant: str) -> dict[str, Any]:
        if self._tenant_id(tenant) is None:
            raise AadError(400, "invalid_tenant", 90002, no_tenant(tenant))
        base = f"{origin}/{tenant}"
        return {
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": [
                "client_secret_post",
                "private_key_jwt",
                "client_secret_basic",
            ],
            "jwks_uri": f"{base}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": f"{base}/v2.0",
            "request_uri_parameter_supported": False,
            "userinfo_endpoint": f"{self.cloud.graph_resource}/oidc/userinfo",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
            "tenant_region_scope": "EU",
            "cloud_instance_name": self.cloud.instance_name,
            "msgraph_host": self.cloud.graph_resource.removeprefix("https://"),
        }

    def _token(
        self, origin: str, tenant: str, form: dict[str, str], headers: dict[str, str]
    ) -> dict[str, Any]:
        tenant_id = self._tenant_id(tenant)
        if tenant_id is None:
            raise AadError(400, "invalid_request", 90002, no_tenant(tenant))
        grant = form.get("grant_type")
        if grant != "client_credentials":
            raise AadError(
                400,
                "unsupported_grant_type",
                70003,
                "The app requested an unsupported grant type "
                f"'{grant}'. This emulator supports client_credentials only.",
            )
        client_id, secret = form.get("client_id"), form.get("client_secret")
        basic = headers.get("authorization", "")
        if basic.lower().startswith("basic "):
            decoded = base64.b64decode(basic[6:]).decode(errors="replace")
            basic_id, _, basic_secret = decoded.partition(":")
            client_id, secret = client_id or unquote_plus(basic_id), unquote_plus(basic_secret)
        if not client_id:
            raise AadError(
                400,
                "invalid_request",
                900144,
                "The request body must contain the following parameter: 'client_id'.",
            )
        with self.lock:
            app = self.apps.get(client_id)
        if app is None or app.tenant != tenant_id:
            raise AadError(
                400,
                "unauthorized_client",
                700016,
                f"Application with identifier '{client_id}' was not found in the directory "
                f"'{tenant}'. This can happen if the application has not been installed by the "
                "administrator of the tenant or consented to by any user in the tenant. You may "
                "have sent your authentication request to the wrong tenant.",
            )
        audience = resource_of(form.get("scope"), tenant, self.cloud)
        if form.get("client_assertion"):
            if form.get("client_assertion_type") != ASSERTION_TYPE:
                raise AadError(400, "invalid_request", 50027, "Invalid client_assertion_type.")
            self._check_assertion(app, form["client_assertion"], f"{origin}/{tenant}")
        elif secret is not None:
            if secret not in app.secrets:
                raise AadError(
                    401,
                    "invalid_client",
                    7000215,
                    "Invalid client secret provided. Ensure the secret being sent in the request "
                    "is the client secret value, not the client secret ID, for a secret added to "
                    f"app '{client_id}'.",
                )
        else:
            raise AadError(
                401,
                "invalid_client",
                7000218,
                "The request body must contain the following parameter: 'client_assertion' or "
                "'client_secret'.",
            )
        with self.lock:
            issued = self._issue(app, audience)
        return {
            "token_type": "Bearer",
            "expires_in": self.token_lifetime,
            "ext_expires_in": self.token_lifetime,
            "access_token": issued.token,
        }

    def _issue(self, app: App, audience: str) -> IssuedToken:
        token = "emu." + secrets.token_urlsafe(32)
        expires_at = time.time() + self.token_lifetime
        issued = IssuedToken(token, app.client_id, app.tenant, app.roles, audience, expires_at)
        self.tokens[token] = issued
        return issued

    def _check_assertion(self, app: App, assertion: str, base: str) -> None:
        import jwt  # PyJWT comes with msal

        try:
            header = jwt.get_unverified_header(assertion)
        except jwt.PyJWTError as exc:
            raise AadError(
                400, "invalid_request", 50027, "JWT token is invalid or malformed."
            ) from exc
        thumb = header.get("x5t#S256") or header.get("x5t") or ""
        padded = thumb + "=" * (-len(thumb) % 4)
        try:
            key_hex = base64.urlsafe_b64decode(padded).hex()
        except ValueError:
            key_hex = ""
        key = app.certificates.get(key_hex)
        if key is None:
            raise AadError(
                401,
                "invalid_client",
                700027,
                "The certificate with identifier used to sign the client assertion is not "
                f"registered on application. [Reason - The key was not found., Thumbprint of key "
                f"used by client: '{key_hex.upper()}']",
            )
        try:
            claims = jwt.decode(
                assertion,
                key=key,
                algorithms=["PS256", "RS256"],
                audience=[f"{base}/oauth2/v2.0/token", f"{base}/v2.0"],
                options={"require": ["exp", "aud", "iss", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AadError(
                401,
                "invalid_client",
                700024,
                "Client assertion is not within its valid time range.",
            ) from exc
        except jwt.InvalidSignatureError as exc:
            raise AadError(
                401, "invalid_client", 700027, "Client assertion failed signature validation."
            ) from exc
        except jwt.PyJWTError as exc:
            raise AadError(
                401, "invalid_client", 700027, f"Client assertion is invalid: {exc}"
            ) from exc
        if claims.get("iss") != app.client_id or claims.get("sub") != app.client_id:
            raise AadError(
                401,
                "invalid_client",
                700021,
                "Client assertion application identifier doesn't match 'client_id' parameter.",
            )
