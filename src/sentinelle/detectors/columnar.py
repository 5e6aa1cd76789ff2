"""Polars building blocks for the identifier detectors' :meth:`Detector.match_column` (issue 6,
columnar fast path). Not a detector: helpers shared by nir, iban, rpps, finess, siren, siret,
credit_card and postal_code.

Why our own code: the checksums (Luhn, ISO 7064 mod 97) exist in python-stdnum one value at a
time; a column of a million cells needs them as vectorised integer arithmetic over Polars
expressions, which no well-kept library offers. Each expression here mirrors one python-stdnum
rule exactly, and the generic test ``tests/detectors/test_match_column.py`` checks every override
against ``match_cell`` value by value.

The shape of an override (:func:`fast_or_fallback`): a detector gives an anchored regex (Rust
``regex`` syntax, ASCII classes only) for the cells its vectorised rule decides; those rows are
computed with expressions, cells without any ASCII digit are a no-match at once, and every other
row (tabs, odd Unicode, junk) goes through ``match_cell`` one by one, so the result is always
the one ``match_cell`` gives.
"""

from __future__ import annotations

from typing import Callable

import polars as pl

from sentinelle.detectors.base import Detector, column_schema

#: the fast-path regex reads ``^(?P<lead> *)(?P<body>...) *$`` (the groups document it; a body
#: starts and ends with a character that is not a space)
LEAD = "lead"
BODY = "body"


def remove(expr: pl.Expr, chars: str) -> pl.Expr:
    """``expr`` without any of ``chars`` (one literal replace per character: several times faster
    than one regex character class in Polars)."""
    for ch in chars:
        expr = expr.str.replace_all(ch, "", literal=True)
    return expr


def luhn_ok(number: str, max_len: int) -> pl.Expr:
    """Luhn check (ISO/IEC 7812-1 annex B, as ``stdnum.luhn.validate``) of the column
    ``number``: ASCII digit strings of at most ``max_len`` (<= 19) characters. From the right,
    every second digit doubled (minus 9 above 9), the sum a multiple of 10; computed on the
    number read as UInt64 (leading zeros do not change the sum)."""
    n = pl.col(number).cast(pl.UInt64, strict=False)
    total = pl.lit(0, pl.UInt64)
    for j in range(max_len):
        d = (n // (10 ** j)) % 10
        if j % 2:
            d = d * 2 - (d >= 5).cast(pl.UInt64) * 9
        total = total + d
    return total % 10 == 0


def digit_sum(number: str, max_len: int) -> pl.Expr:
    """Sum of the digits of the column ``number`` (ASCII digit strings, at most ``max_len`` <= 19)."""
    n = pl.col(number).cast(pl.UInt64, strict=False)
    total = pl.lit(0, pl.UInt64)
    for j in range(max_len):
        total = total + (n // (10 ** j)) % 10
    return total


def fast_or_fallback(det: Detector, values: pl.Series, header_hit: bool, fast_re: str,
                     compute: Callable[[pl.DataFrame], pl.DataFrame]) -> pl.DataFrame:
    """``match_column`` from a vectorised rule for the rows matching ``fast_re`` and
    ``match_cell`` for the rest.

    ``fast_re`` (anchored, with groups ``lead`` and ``body``) selects the rows the rule decides;
    ``compute(frame)`` gets a frame with columns ``lead`` (the number of padding spaces before
    the body) and ``body`` (the cell without its padding) and returns the result columns
    (``start`` null for no match) for the same rows, in order. Rows without any ASCII digit are
    a no-match (every identifier here has ASCII digits) unless ``fast_re`` selects them.
    """
    schema = column_schema()
    if values.len() == 0:
        return pl.DataFrame(schema=schema)
    frame = pl.DataFrame({"v": values.cast(pl.Utf8)}).with_row_index("_i")
    # a regex match test is several times faster than extracting its groups: the body of a
    # matching cell is the cell without its padding spaces
    frame = frame.with_columns(_fast=pl.col("v").str.contains(fast_re))
    fast = frame.filter(pl.col("_fast"))
    rest = frame.filter(~pl.col("_fast"))
    if fast.height:
        v = pl.col("v")
        fast = fast.with_columns(
            v.str.strip_chars(" ").alias(BODY),
            (v.str.len_chars() - v.str.strip_chars_start(" ").str.len_chars()).alias(LEAD))
    parts = []
    if fast.height:
        got = compute(fast.select(LEAD, BODY))
        parts.append(pl.concat([fast.select("_i"), got.select(list(schema)).cast(schema)],
                               how="horizontal"))
    if rest.height:
        has_digit = rest.filter(pl.col("v").str.contains("[0-9]"))
        if has_digit.height < rest.height:
            empty = rest.filter(~pl.col("v").str.contains("[0-9]")).select("_i")
            parts.append(empty.with_columns(
                [pl.lit(None, dtype).alias(name) for name, dtype in schema.items()]))
        if has_digit.height:
            slow = Detector.match_column(det, has_digit["v"], header_hit)
            parts.append(pl.concat([has_digit.select("_i"), slow], how="horizontal"))
    return pl.concat(parts, how="vertical").sort("_i").drop("_i")


def valid_or_invalid(valid: str) -> pl.Expr:
    """``"valid"`` where the boolean column ``valid`` holds, else ``"invalid"``
    (:class:`~sentinelle.finding.Validation` values)."""
    from sentinelle.finding import Validation

    return (pl.when(pl.col(valid)).then(pl.lit(Validation.VALID.value))
            .otherwise(pl.lit(Validation.INVALID.value)))


def result(frame: pl.DataFrame, score: pl.Expr, validation: pl.Expr, pattern: pl.Expr,
           normalized: str, hit: str) -> pl.DataFrame:
    """The result columns (``column_schema``) of ``frame``: the body's span, ``score``,
    ``validation``, ``pattern`` and the column ``normalized`` where the boolean column ``hit``
    holds, all null elsewhere."""
    schema = column_schema()
    start = pl.col(LEAD)
    exprs = {"start": start, "end": start + pl.col(BODY).str.len_chars(), "score": score,
             "validation": validation, "pattern": pattern, "normalized": pl.col(normalized)}
    h = pl.col(hit).fill_null(False)
    return frame.select(
        [pl.when(h).then(e.cast(schema[k])).otherwise(None).alias(k) for k, e in exprs.items()]
        + [pl.lit(None, pl.Utf8).alias("entity")])


def card_network_ok(number: str) -> pl.Expr:
    """True when the column ``number`` (ASCII digit strings) fits a payment network's IIN range
    and length, as :func:`sentinelle.identifiers.credit_card.network` (same table)."""
    from sentinelle.identifiers.credit_card import RANGES

    expr = pl.col(number)
    n = expr.str.len_chars()
    prefix = {w: expr.str.slice(0, w).cast(pl.Int64, strict=False) for w in (1, 2, 3, 4)}
    ok = pl.lit(False)
    for _name, lo, hi, lengths in RANGES:
        ok = ok | (n.is_in(list(lengths)) & prefix[len(str(lo))].is_between(lo, hi))
    return ok
