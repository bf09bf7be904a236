"""The approval web app: managers review, approve, reject or re-time proposals in a browser."""

from sync.web.app import create_app

__all__ = ["create_app"]
