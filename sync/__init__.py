"""checkin-sync: keeps regular manager–employee check-ins happening."""

__version__ = "0.1.0"
