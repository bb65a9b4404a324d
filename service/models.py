"""The service's request and answer bodies (pydantic: validated on the way in, documented in /docs)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Change = Literal["new", "grew", "merged", "split", "same"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RowsIn(_Strict):
    """Rows in the source's own column names, as its files have them."""

    rows: list[dict[str, Any]] = Field(min_length=1, description="One or many rows of the source.")


class RecordAnswer(BaseModel):
    row: int  # its place in the request, from 0
    uid: str | None = None
    profile_id: str | None = None
    profile: Change | None = None  # what happened to its profile in this write
    refused: str | None = None  # why it is no record (kept in the service's quarantine)
    suppressed: bool = False  # a forgotten person's: not written


class EventAnswer(BaseModel):
    row: int
    uid: str | None = None
    profile_id: str | None = None  # the profile the event is attributed to (None: no one, or several)
    refused: str | None = None
    suppressed: bool = False


class Counts(BaseModel):
    """This request's rows: stored (as records, two rows of one id as one), refused, suppressed."""

    rows: int = 0
    stored: int = 0
    refused: int = 0
    suppressed: int = 0


class RecordsOut(BaseModel):
    source: str
    counts: Counts
    rows: list[RecordAnswer]


class EventsOut(BaseModel):
    source: str
    counts: Counts
    rows: list[EventAnswer]


class MergeIn(_Strict):
    a: str = Field(description="A profile id or a record SOURCE:ID.")
    b: str = Field(description="A profile id or a record SOURCE:ID.")
    reason: str | None = None


class SplitIn(_Strict):
    profile: str
    keep_apart: tuple[str, str] | None = Field(None, description="Two records of the profile that are different people.")
    record: str | None = Field(None, description="Take this record out on its own.")
    reason: str | None = None

    @model_validator(mode="after")
    def one_way(self) -> "SplitIn":
        if (self.keep_apart is None) == (self.record is None):
            raise ValueError("give either keep_apart [A, B] or record")
        return self


class UndoIn(_Strict):
    judgement_ids: list[str] = Field(min_length=1)
    reason: str | None = None


class IdentifierIn(_Strict):
    kind: str
    value: str


class ForgetIn(_Strict):
    email: str | None = None
    phone: str | None = None
    identifier: IdentifierIn | None = None
    record: str | None = None
    profile: str | None = None
    suppress: bool = False

    @model_validator(mode="after")
    def exactly_one(self) -> "ForgetIn":
        if sum(v is not None for v in (self.email, self.phone, self.identifier, self.record, self.profile)) != 1:
            raise ValueError("name exactly one of email, phone, identifier, record or profile")
        return self


class JudgedOut(BaseModel):
    judgements: list[dict]
    resolve: dict


class ForgetOut(BaseModel):
    forget: dict
    resolve: dict
