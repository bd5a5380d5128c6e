"""The few application errors services raise; views and the API map them in one place each."""

from __future__ import annotations

from collections.abc import Mapping


class TsunaguError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotFound(TsunaguError):
    """Missing and not-yours look the same, so the app never confirms that a record exists."""

    code = "not_found"
    status = 404


class Forbidden(TsunaguError):
    code = "forbidden"
    status = 403


class Conflict(TsunaguError):
    code = "conflict"
    status = 409


class Invalid(TsunaguError):
    code = "invalid"
    status = 422


class FieldErrors(Invalid):
    """Input that breaks a rule: one Japanese message per field, for a form or a JSON body."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(next(iter(self.errors.values())), code="validation_error")
