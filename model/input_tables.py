"""Strict reading of the CSV tables a user may supply (or the embedded defaults).

Each table declares its columns; a file with a missing, misspelt or extra column, an empty
or non-numeric cell, a value out of range, an unknown id or a duplicate row is refused
with the file, the line and what is allowed. Nothing is guessed or clamped.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from model.errors import InputError
from model.files import TABLE_LIMIT, read_bytes


@dataclass(frozen=True)
class Column:
    kind: str  # "int", "float" or "str"
    low: float | None = None
    high: float | None = None
    allowed: tuple[str, ...] | None = None
    required: bool = True
    why_high: str = ""  # why the maximum is what it is, shown when a value exceeds it


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: dict[str, Column]
    key: tuple[str, ...] = ()  # columns that identify a row (no duplicates)
    extra_ok: tuple[str, ...] = field(default=())


def decode(raw: bytes, path: Path) -> str:
    """The file's text: UTF-8 (with or without the BOM Excel adds), or GBK/GB18030 when that
    is the only sensible reading (it decodes and gives Chinese text); anything else is refused."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef")
    odd = sum(1 for ch in text if ord(ch) > 127) - cjk
    if text and cjk > 0 and odd == 0:
        return text
    raise InputError(path, None, "cannot tell the file's text encoding (it is neither UTF-8 nor Chinese GBK); "
                     "save it as UTF-8 (Excel: 'CSV UTF-8')")


def read_table(path: str | Path, spec: TableSpec) -> pd.DataFrame:
    path = Path(path)
    text = decode(read_bytes(path, f"{spec.name} file", TABLE_LIMIT), path)
    _check_field_counts(text, path)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True,
                            index_col=False)
    except pd.errors.ParserError as error:
        raise InputError(path, None, f"not a valid CSV table: {error}") from None
    except pd.errors.EmptyDataError:
        raise InputError(path, None, "the file is empty") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    _check_columns(frame, spec, path)
    for name, column in spec.columns.items():
        if name in frame.columns:
            frame[name] = _parse_column(frame[name], name, column, path)
    if spec.key:
        duplicated = frame.duplicated(list(spec.key), keep="first")
        if duplicated.any():
            row = int(np.flatnonzero(duplicated.to_numpy())[0])
            values = ", ".join(f"{k}={frame.iloc[row][k]}" for k in spec.key)
            raise InputError(path, f"line {row + 2}", f"duplicate row for {values}")
    if frame.empty:
        raise InputError(path, None, "the table has no rows")
    return frame


def _check_field_counts(text: str, path: Path) -> None:
    """Every row has as many fields as the header (pandas would otherwise shift columns)."""
    rows = csv.reader(io.StringIO(text, newline=""))  # the csv module's own line handling (\r, \r\n)
    try:
        header = next(rows, None)
        if header is None:
            raise InputError(path, None, "the file is empty")
        for number, row in enumerate(rows, start=2):
            if row and len(row) != len(header):
                raise InputError(path, f"line {number}", f"not a valid CSV row: {len(row)} fields where the header "
                                 f"has {len(header)} ({', '.join(header)})")
    except csv.Error as error:
        raise InputError(path, None, f"not a valid CSV table: {error}") from None


def _check_columns(frame: pd.DataFrame, spec: TableSpec, path: Path) -> None:
    known = set(spec.columns) | set(spec.extra_ok)
    for name in frame.columns:
        if name not in known:
            guess = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f"; did you mean {guess[0]!r}?" if guess else ""
            raise InputError(path, f"column {name!r}",
                             f"unknown column{hint}; expected columns: {', '.join(spec.columns)}")
    for name, column in spec.columns.items():
        if column.required and name not in frame.columns:
            raise InputError(path, f"column {name!r}",
                             f"missing column; expected columns: {', '.join(spec.columns)}")


def _parse_column(values: pd.Series, name: str, column: Column, path: Path) -> pd.Series:
    stripped = values.str.strip()
    for row, cell in enumerate(stripped):
        if cell == "" or cell.lower() in {"nan", "na", "null", "none"}:
            raise InputError(path, f"line {row + 2}, column {name!r}", "empty value; every cell needs a value")
    if column.kind == "str":
        if column.allowed is not None:
            bad = ~stripped.isin(column.allowed)
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0])
                raise InputError(path, f"line {row + 2}, column {name!r}",
                                 f"unknown value {stripped.iloc[row]!r}; allowed: {', '.join(column.allowed)}")
        return stripped
    numbers = pd.to_numeric(stripped, errors="coerce")
    bad = numbers.isna() | ~np.isfinite(numbers.to_numpy(dtype=float))
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(path, f"line {row + 2}, column {name!r}", f"not a number: {stripped.iloc[row]!r}")
    if column.kind == "int":
        fractional = numbers != np.round(numbers)
        if fractional.any():
            row = int(np.flatnonzero(fractional.to_numpy())[0])
            raise InputError(path, f"line {row + 2}, column {name!r}",
                             f"expected a whole number, got {stripped.iloc[row]!r}")
    for limit, compare, word in ((column.low, np.less, "at least"), (column.high, np.greater, "at most")):
        if limit is not None:
            out = compare(numbers.to_numpy(dtype=float), limit)
            if out.any():
                row = int(np.flatnonzero(out)[0])
                why = f" ({column.why_high})" if word == "at most" and column.why_high else ""
                raise InputError(path, f"line {row + 2}, column {name!r}",
                                 f"value {stripped.iloc[row]} out of range: must be {word} {_number(limit)}{why}")
    if column.kind == "int":
        _check_int64(numbers, stripped, name, path)
        return numbers.astype(np.int64)
    return numbers.astype(np.float64)


INT64 = np.iinfo(np.int64)


def _number(limit: float) -> str:
    """A limit as written: 2035, 0.5, 10000000 (not 1e+07)."""
    return str(int(limit)) if float(limit).is_integer() and abs(limit) < 1e15 else f"{limit:g}"


def _check_int64(numbers: pd.Series, cells: pd.Series, name: str, path: Path) -> None:
    """Whole numbers beyond int64 (pandas reads them as uint64 or float) would wrap around
    to wrong, even negative, counts: refused whatever the column's own range."""
    if numbers.dtype == np.int64:  # pandas chose int64: every value fits
        return
    if numbers.dtype == np.uint64:  # exact: every value is a whole number ≥ 0
        out = (numbers > np.uint64(INT64.max)).to_numpy()
    else:  # floats (a cell beyond uint64, a negative beyond int64, or written with a point): ±2**63 is out
        out = np.abs(numbers.to_numpy(dtype=float)) >= 2.0**63
    if out.any():
        row = int(np.flatnonzero(out)[0])
        raise InputError(path, f"line {row + 2}, column {name!r}",
                         f"value {cells.iloc[row]} out of range: a whole number here must lie within "
                         f"{INT64.min}..{INT64.max}")
