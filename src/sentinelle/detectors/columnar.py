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
the one ``match_cell`` gives. :func:`decide` is the same for rules over the whole cell (phone,
dates, e-mail) and :func:`collect` runs their queries.

Speed (issue 6, measured session 8 on the throughput bench's tables, a few thousand distinct
values per call): Polars' cost there is per expression node (some tens of microseconds each,
about the same on 10 values as on 3,000), not per value; so a rule is one query, run by the
in-memory engine with common sub-expressions computed once, and a check that only a few rows
need (the NIR's Amex ambiguity) is done in Python on those rows rather than as tens of
expression nodes over the whole column.
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


def collect(frame: pl.LazyFrame) -> pl.DataFrame:
    """``frame.collect()`` for the small queries of the columnar path: the in-memory engine,
    common sub-expressions computed once, no other optimisation (speed, issue 6: on a few
    thousand values the optimiser's passes and the streaming engine cost more than they
    save; measured with bench/detectors.py)."""
    if not hasattr(pl, "QueryOptFlags"):  # Polars before 1.30: the default collect
        return frame.collect()
    flags = pl.QueryOptFlags.none()
    flags.comm_subexpr_elim = True
    return frame.collect(engine="in-memory", optimizations=flags)


def fast_or_fallback(det: Detector, values: pl.Series, header_hit: bool, fast_re: str,
                     compute: Callable[[pl.LazyFrame], pl.LazyFrame]) -> pl.DataFrame:
    """``match_column`` from a vectorised rule for the rows matching ``fast_re`` and
    ``match_cell`` for the rest.

    ``fast_re`` (anchored, with groups ``lead`` and ``body``) selects the rows the rule decides;
    ``compute(frame)`` gets a LazyFrame with columns ``lead`` (the number of padding spaces
    before the body) and ``body`` (the cell without its padding) and returns the result columns
    (``start`` null for no match) for the same rows, in order: a LazyFrame (best: one query,
    run by :func:`collect`) or a DataFrame. Rows without any ASCII digit are a no-match (every
    identifier here has ASCII digits) unless ``fast_re`` selects them.
    """
    schema = column_schema()
    if values.len() == 0:
        return pl.DataFrame(schema=schema)
    # speed (issue 6): the rows' kinds come from one query, ``compute`` runs as one query on
    # the fast rows and the others are put back in place only when there are any
    v = pl.col("v")
    frame = pl.DataFrame({"v": values.cast(pl.Utf8)}).with_columns(
        _fast=v.str.contains(fast_re), _digit=v.str.contains("[0-9]"))
    fast = frame.filter(pl.col("_fast")).lazy().select(
        (v.str.len_chars() - v.str.strip_chars_start(" ").str.len_chars()).alias(LEAD),
        v.str.strip_chars(" ").alias(BODY))
    got = compute(fast)
    got = got.select(list(schema)).cast(schema)
    if isinstance(got, pl.LazyFrame):
        got = collect(got)
    if got.height == frame.height:
        return got
    kind = frame["_fast"]
    parts = [got.with_columns(_i=kind.arg_true())]
    slow = (~kind & frame["_digit"]).arg_true()
    if slow.len():
        parts.append(Detector.match_column(det, values.gather(slow), header_hit)
                     .with_columns(_i=slow))
    if got.height + slow.len() < frame.height:
        # rows without any ASCII digit: no match
        empty = (~kind & ~frame["_digit"]).arg_true()
        parts.append(pl.DataFrame({name: pl.Series(name, [None] * empty.len(), dtype=dtype)
                                   for name, dtype in schema.items()}).with_columns(_i=empty))
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


def decide(det: Detector, values: pl.Series, header_hit: bool, columns: dict[str, pl.Expr],
           decided: pl.Expr, hit: pl.Expr, enough: pl.Expr | None = None,
           min_rows: int = 0, cse: bool = True) -> pl.DataFrame:
    """``match_column`` from expressions over the column ``v`` (the cells).

    ``columns`` gives an expression per result column (``column_schema``; kept where ``hit``
    holds, null elsewhere), ``decided`` the rows the expressions decide; the other rows go
    through ``match_cell`` (the base loop). With ``enough``: when fewer than ``min_rows`` rows
    hold it, the whole column goes through ``match_cell`` (nothing for the expressions to
    decide).

    Speed (issue 6): on a few thousand values Polars' cost is per expression node (some tens
    of microseconds each), not per value. With ``cse`` the query runs lazily with common
    sub-expression elimination (a rule whose parts recur across the columns: each is computed
    once); without, eagerly (a rule whose parts do not recur: the elimination's own analysis
    costs more than it saves). Measured per detector with bench/detectors.py."""
    schema = column_schema()
    first = [hit.alias("_hit"), decided.alias("_decided")]
    first += [columns[c].alias("_" + c) for c in schema]
    if enough is not None:
        first.append(enough.sum().alias("_enough"))
    second = [pl.when(pl.col("_hit")).then(pl.col("_" + c)).otherwise(None).cast(t).alias(c)
              for c, t in schema.items()]
    second += ["_decided"] + (["_enough"] if enough is not None else [])
    frame = pl.DataFrame({"v": values})
    if cse:
        res = collect(frame.lazy().select(first).select(second))
    else:
        res = frame.select(first).select(second)
    if enough is not None and res["_enough"][0] < min_rows:
        return Detector.match_column(det, values, header_hit)
    dec = res["_decided"]
    out = res.select(list(schema))
    undecided = (~dec).arg_true()
    if undecided.len() == 0:
        return out
    fb = Detector.match_column(det, values.gather(undecided), header_hit)
    keep = out.with_columns(_i=pl.int_range(pl.len(), dtype=pl.UInt32)).filter(dec)
    return (pl.concat([keep, fb.with_columns(_i=undecided.cast(pl.UInt32))])
            .sort("_i").drop("_i"))
