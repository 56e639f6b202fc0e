"""Errors that name the file, line or field at fault and say how to fix it."""

from __future__ import annotations


class TalentKGError(Exception):
    """Base class: every user-facing error; the CLI prints it on one line and exits 2
    (exit 1 is kept for internal bugs, 3 for a failing remote endpoint)."""

    exit_code = 2


class DataError(TalentKGError):
    """A data row that cannot be loaded: names the file, the line and the column."""

    def __init__(self, file: str, line: int | None, reason: str, column: str | None = None):
        self.file, self.line, self.column, self.reason = file, line, column, reason
        where = f"{file}:{line}" if line else file
        col = f" column '{column}'" if column else ""
        super().__init__(f"{where}:{col} {reason}".replace(": ", ": ", 1))


class ValidationError(TalentKGError):
    """The built graph breaks a SHACL shape or a *-violation query."""


class ParameterError(TalentKGError):
    """A query parameter or profile field that does not parse; names the field."""

    exit_code = 2

    def __init__(self, field: str, reason: str):
        self.field = field
        super().__init__(f"{field}: {reason}")
