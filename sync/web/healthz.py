"""`/healthz`: whether this server can serve, for load balancers, Docker's HEALTHCHECK and
Kubernetes' probes. It opens the state database as every page does and reads from it:
200 with the schema version when that works, 503 with the reason when it does not.

No sign-in (probes have none) and nothing secret: the reason names files relative to
data_dir, and the full message goes to the server log for the operator.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from flask import Blueprint, Response, jsonify

from sync.model.errors import SyncError
from sync.store import Store
from sync.web.context import web_context

bp = Blueprint("healthz", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    paths = web_context().paths
    try:
        # not request_store(): a probe must not leave a connection open for the request's
        # teardown, and it opens exactly what a page would open
        store = Store.open(paths.database)
        try:
            version = store.schema_version()
        finally:
            store.close()
    except SyncError as error:
        log.error("health check failed: %s", error)
        reason = _without_data_dir(str(error), paths.data_dir)
        return jsonify(status="unavailable", database=reason), 503
    return jsonify(status="ok", database="ok", schema_version=version), 200


def _without_data_dir(message: str, data_dir: Path) -> str:
    """`message` with the data_dir folder, as any of its spellings, called "data_dir": where
    the server keeps its files is for the operator, who has the log."""
    spellings = {str(data_dir), os.path.abspath(data_dir), str(data_dir.resolve())}
    for spelling in sorted(spellings, key=len, reverse=True):
        message = re.sub(rf"(?<![\w/]){re.escape(spelling)}(?=[/:]|$)", "data_dir", message)
    return message
