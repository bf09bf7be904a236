"""A socketserver answering on a thread of its own until it is stopped."""

from __future__ import annotations

import socketserver
import threading


class Background:
    def __init__(self, server: socketserver.BaseServer, name: str) -> None:
        self.server = server
        self.thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.02},  # shutdown() waits up to one poll interval
            daemon=True,
            name=name,
        )
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
