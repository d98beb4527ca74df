"""Metadata values shared by the readers."""

from __future__ import annotations

import datetime as dt
import re

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def iso_date(value) -> str | None:
    """``YYYY-MM-DD`` from a date, datetime or date-like string; None when absent or unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    match = _ISO.match(text)
    if match:
        try:
            return dt.date(*map(int, match.groups())).isoformat()
        except ValueError:
            return None
    try:
        from email.utils import parsedate_to_datetime

        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        import dateparser

        parsed = dateparser.parse(text, settings={"STRICT_PARSING": True})
    except Exception:  # dateparser raises a zoo of types on odd input
        parsed = None
    return parsed.date().isoformat() if parsed else None
