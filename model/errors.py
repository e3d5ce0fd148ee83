"""One error type for every problem with the user's input.

The CLI prints it as a single line (file, field, what is allowed) and exits non-zero,
before any work starts and before any output folder exists.
"""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """A scenario or data file that cannot be used as it is."""

    def __init__(self, file: str | Path | None, field: str | None, message: str) -> None:
        self.file = str(file) if file is not None else None
        self.field = field
        self.message = message
        super().__init__(self.describe())

    def __reduce__(self) -> tuple[type, tuple[str | None, str | None, str]]:
        # rebuilt from its parts when it crosses a process boundary (a worker's error)
        return (InputError, (self.file, self.field, self.message))

    def describe(self) -> str:
        where = ": ".join(part for part in (self.file, self.field) if part)
        return f"{where}: {self.message}" if where else self.message
