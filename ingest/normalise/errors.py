"""The one error the normalisers raise.

Contract shared by every normaliser in this package: ``None``, ``""`` and all-whitespace input
return ``None`` (absent is not an error); a value that is present but cannot be turned into a
usable canonical form raises :class:`InvalidValue` with a short, stable ``reason`` the pipeline can
count and report on. Configuration mistakes (an unknown date format) raise a plain ``ValueError``,
which is *not* an ``InvalidValue``, so they stop the run instead of quarantining every row.

Reasons in use: ``email-syntax``, ``phone-invalid``, ``date-format``, ``date-range``,
``timestamp-format``, ``postcode-format``, ``country-unknown``.
"""

from __future__ import annotations


class InvalidValue(ValueError):
    """A value is present but unusable; ``reason`` is machine-readable, ``value`` is the input."""

    def __init__(self, reason: str, value: object = None, detail: str | None = None) -> None:
        self.reason = reason
        self.value = value
        self.detail = detail
        message = f"{reason}: {value!r}" if detail is None else f"{reason}: {value!r}: {detail}"
        super().__init__(message)

    def __reduce__(self):  # keep reason/value/detail across pickling (multiprocessing workers)
        return (InvalidValue, (self.reason, self.value, self.detail))

    def _fresh(self) -> "InvalidValue":
        """A new, traceback-free copy: caches store the error object, callers raise a copy."""
        return InvalidValue(self.reason, self.value, self.detail)
