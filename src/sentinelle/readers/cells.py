"""Typed cell values (spreadsheets, Parquet/Arrow, SQLite) as the text a person reads.

:func:`cell_text` is shared by the readers of typed tables so that one value reads the same
whatever the format it came in:

* ``None``, an empty string and a float NaN (pandas' missing value) are a missing cell: ``None``;
* ``bool``: ``"true"`` / ``"false"`` (as the JSON reader writes them);
* ``int``: decimal digits; a float holding a whole number is written without ``.0``
  (``184017512345678.0`` → ``"184017512345678"``: spreadsheets and pandas store identifiers,
  postcodes and phone numbers as floats); other floats with at most 15 significant digits, as
  Excel and LibreOffice display them (``0.1 + 0.2`` → ``"0.3"``); infinities as ``"inf"`` /
  ``"-inf"``;
* ``Decimal``: fixed-point, scale kept (``Decimal("12.50")`` → ``"12.50"``);
* ``date``: ISO 8601 ``YYYY-MM-DD``; ``datetime``: ISO 8601 with a space between date and time
  (``2021-03-04 10:30:05``; microseconds and UTC offset only when present); ``time``:
  ``HH:MM:SS``; ``timedelta``: hours beyond 24 as Excel's ``[h]:mm:ss`` format shows them
  (``26:00:00``);
* ``bytes``: decoded when it is valid UTF-8, else ``None`` (binary content is not text);
* lists, tuples and dicts (Arrow lists, maps and structs left nested): JSON (RFC 8259) of the
  items rendered by these same rules, non-ASCII kept (``["0465711234", "2021-01-01"]``).

Sources of the rules: ISO 8601 (dates), Excel's 15 significant digits (Microsoft, "Excel
specifications and limits", number precision), RFC 8259 (JSON).
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from decimal import Decimal
from typing import Any


def _float_text(value: float) -> str | None:
    if math.isnan(value):
        return None
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value.is_integer():
        return str(int(value))
    return format(value, ".15g")


def _duration_text(value: _dt.timedelta) -> str:
    micros = (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
    sign = "-" if micros < 0 else ""
    seconds, micro = divmod(abs(micros), 1_000_000)
    minutes, sec = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    text = f"{sign}{hours}:{minute:02d}:{sec:02d}"
    return f"{text}.{micro:06d}" if micro else text


def _nested(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _nested(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_nested(v) for v in value]
    return cell_text(value)


def cell_text(value: Any) -> str | None:
    """The text of one typed cell value (rules in the module docstring); ``None`` when empty."""
    if value is None:
        return None
    if isinstance(value, str):
        return value or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, _dt.datetime):  # before date: a datetime is a date
        return value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return _duration_text(value)
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        try:
            return bytes(value).decode("utf-8") or None
        except UnicodeDecodeError:
            return None
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(_nested(value), ensure_ascii=False)
    return str(value)
