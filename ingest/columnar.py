"""A block of rows made into records at once: each distinct value normalised once, the results joined back.

The row builder (ingest/rows.py) is the definition of a record; this module gives the same records, the
same values set aside and the same counts for a whole frame of rows, faster, because most values repeat
(a first name, a postcode, a phone on many rows) and because the values that do not (ids, event times)
need no Python per value:

* every field is computed by the row builder's own method (`names`, `dob`, `place`, `identifier`, ...)
  once per distinct combination of the columns it reads, and joined back; what the method sets aside is
  counted once per row that carries the combination;
* ids, and event times in the common ISO and epoch forms, are vectorised (polars);
* the content hash is the row builder's (blake2b of the repr of the record's parts): the repr text is
  assembled by polars from each distinct value's repr, only the digest is taken per row.

A row this module cannot make as the row builder would (it would be rejected: no id, no usable time; a
value a method fails on; an id with odd white space; a source without an id) is handed back by its index:
the caller gives it to the row builder, which rejects it with its reason or makes the record. Values in
the frame are text or null; a JSON value of another type stays with the row builder (the caller decides).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable

import polars as pl

from idgraph.ingest import normalise as norm
from idgraph.ingest.normalise.email import email_column
from idgraph.ingest.mapping import Column, Kind, Source
from idgraph.graph.record_frames import CUSTOMER_SCHEMA, IDENTIFIER, INTERACTION_SCHEMA, attributes_json
from idgraph.ingest.phone_worker import Pending, PhoneWorker
from idgraph.ingest.rows import PURCHASE_ROLES, RowBuilder

ROW = "_i"  # the row's index in the frame given
_EDGE_SPACE = r"^[\x1c-\x1f]|[\x1c-\x1f]$"  # white space to Python's str.strip but not to polars'
_PLAIN = r"^[\x20-\x26\x28-\x5b\x5d-\x7e]*$"  # printable ASCII less ' and \: repr is the text in quotes
_ISO = r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-5][0-9](?:Z|\+00:00)?$"
# an offset from UTC in hours and minutes, as datetime.fromisoformat reads them (not in the year 9999, which
# the shift to UTC can leave: Python's datetime ends there, polars' does not)
_ISO_OFFSET = r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-5][0-9][+-](?:[01][0-9]|2[0-3]):[0-5][0-9]$"
_EPOCH = r"^[0-9]{1,15}$"
_JSON_PLAIN = r"^[\x20\x21\x23-\x5b\x5d-\x7e]*$"  # printable ASCII less " and \: json.dumps quotes it as it is
_PLAIN_TEXT = r"^[\t\x20-\x7e]*$"  # ASCII: strip and fold agree with Python's
_LAST_SECOND = 253402300799  # 9999-12-31T23:59:59: Python's datetime ends there


def supported(source: Source) -> bool:
    """A source without an id column keys its rows on all their values as read, of any type: such a
    source stays with the row builder."""
    return source.id is not None


class Columnar:
    """The records of frames of one source's rows; counts set-aside values into the builder's `problems`."""

    def __init__(self, builder: RowBuilder, phones: PhoneWorker | None = None):
        self.b = builder
        self.phones = phones
        self.source = builder.source
        self.columns = sorted(self.source.referenced_columns())

    # -- one method per distinct combination ------------------------------------------------------
    def _each(self, frame: pl.DataFrame, cols: list[str], fn: Callable[[dict], tuple], names: list[str],
              work: "_Work", roles: tuple[str, ...]) -> pl.DataFrame:
        """fn over the distinct combinations of `cols` (as a values dict), joined back to the rows: one
        String column per name. What fn sets aside for `roles` is counted per row; a combination fn fails
        on sends its rows to the row builder."""
        keys = frame.select(cols).unique()
        outs, bad, counters = [], [], {}
        real = self.b.problems
        self.b.problems = counter = Counter()
        single = cols[0] if len(cols) == 1 else None
        try:
            for i, key in enumerate(keys.iter_rows()):
                try:
                    outs.append(fn({single: key[0]} if single else dict(zip(cols, key))))
                    bad.append(False)
                except Exception:  # noqa: BLE001 - the row builder meets it again, and rejects or raises
                    outs.append((None,) * len(names))
                    bad.append(True)
                if counter:
                    counters[i] = Counter({p: n for p, n in counter.items() if p[0] in roles})
                    counter.clear()
        finally:
            self.b.problems = real
        inner = [f"\x00{n}" for n in names]  # never a column of the source
        table = pl.concat([keys, pl.DataFrame(outs, schema={n: pl.String for n in inner}, orient="row"),
                           pl.DataFrame({"\x00bad": bad, "\x00k": pl.int_range(keys.height, eager=True)})],
                          how="horizontal")
        joined = frame.select(cols).join(table, on=cols, how="left", nulls_equal=True, maintain_order="left")
        work.fail(joined["\x00bad"])
        if any(counters.values()):
            work.counted.append((joined["\x00k"], counters))
        return joined.select(inner).rename(dict(zip(inner, names)))

    def _field(self, work: "_Work", role_cols: list[Column], fn, names: list[str],
               roles: tuple[str, ...]) -> pl.DataFrame:
        """fn per distinct combination of the columns it reads; constants only (or nothing mapped): once."""
        cols = sorted({c.column for c in role_cols if c.column})
        if cols:
            return self._each(work.frame, cols, fn, names, work, roles)
        blank = pl.DataFrame({"_": pl.repeat(None, work.n, dtype=pl.String, eager=True)})
        return self._each(blank, ["_"], lambda v: fn({}), names, work, roles)

    # -- the record --------------------------------------------------------------------------------
    def records(self, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[int]]:
        """The records of `frame` (ROW, then a String column per referenced column, null for a missing
        value) with their ROW, and the ROWs of the rows the row builder must make."""
        work = _Work(frame.height, frame)
        b, src = self.b, self.source
        # the phones go to the phone worker first, and are taken back once the other fields are made
        texts = self._identifier_texts(work)
        pending = self._submit_phones(texts)
        cols: dict[str, pl.Series] = {}

        def field(roles: tuple[str, ...], fn, names: list[str], counted: tuple[str, ...] | None = None):
            role_cols = [c for r in roles for c in src.columns(r)]
            cols.update(self._field(work, role_cols, fn, names, counted or roles).to_dict())

        def one_column(role: str, fn, *args) -> pl.Series | None:
            """builder._normalised of a role read from one column: its text in polars, fn per distinct text."""
            role_cols = src.columns(role)
            if not (len(role_cols) == 1 and role_cols[0].column):
                return None
            text = self._text(work, role_cols[0], role)
            extra = [a for a in args if isinstance(a, pl.Series)]
            fixed = [a for a in args if not isinstance(a, pl.Series)]
            return self._per_text(work, [text, *extra], lambda t, *more: (b.normalise_text(t, role, fn, *more,
                                                                                            *fixed),),
                                  [role], (role,))[role]

        def single(role: str, name: str, fn, *args) -> None:
            got = one_column(role, fn, *args)
            if got is None:
                field((role,), lambda v: (b._normalised(v, role, fn, *args),), [name])
            else:
                cols[name] = got

        if src.kind is Kind.customer:
            if src.columns("full_name"):
                field(("first_name", "last_name", "full_name"), b.names, ["first_name", "last_name", "full_name"])
            else:
                single("first_name", "first_name", norm.name_part)
                single("last_name", "last_name", norm.name_part)
                cols["full_name"] = pl.repeat(None, work.n, dtype=pl.String, eager=True)
            dob = src.columns("dob")
            if dob:
                single("dob", "dob", b.birth_date, dob[0].format)
            else:
                cols["dob"] = pl.repeat(None, work.n, dtype=pl.String, eager=True)
            postcodes = src.columns("postcode")
            if src.columns("address") and len(postcodes) == 1 and not postcodes[0].column:
                # a constant postcode: as RowBuilder.place, the four read together
                field(("address", "city", "postcode", "country"), b.place, ["address", "city", "postcode", "country"])
            else:
                single("city", "city", norm.city)
                single("country", "country", norm.country)
                # a postcode is read as its country writes them (the country's own values are counted above)
                country = cols["country"].alias("\x00country")
                got = one_column("postcode", lambda t, c: norm.postcode(t, c), country) if postcodes else None
                if got is not None:
                    cols["postcode"] = got
                elif postcodes:
                    field(("postcode", "country"), lambda v: (b.place(v)[2],), ["postcode"], ("postcode",))
                else:
                    cols["postcode"] = pl.repeat(None, work.n, dtype=pl.String, eager=True)
                if src.columns("address"):
                    cols.update(self._address(work, cols["country"], cols["city"], cols["postcode"]))
                else:
                    cols["address"] = pl.repeat(None, work.n, dtype=pl.String, eager=True)
            cols["updated_at"] = self._updated_at(work)
            cols.update(self._attributes(work).to_dict())
            schema = CUSTOMER_SCHEMA
        else:
            cols["at"] = self._at(work)
            ref = src.columns("customer_ref")[:1]
            if ref and ref[0].column:
                text = self._text(work, ref[0], "customer_ref")
                cols["customer_ref"] = pl.select(pl.when(text.is_not_null()).then(ref[0].source + ":" + text)
                                                 ).to_series()
            else:
                cols.update(self._field(work, ref, lambda v: (b.customer_ref(v),), ["customer_ref"],
                                        ("customer_ref",)).to_dict())
            cols["attributes"] = self._kept(work)
            field(("channel",), lambda v: (b._one(v, "channel"),), ["channel"])
            field(("event_type",), lambda v: (b._one(v, "event_type"),), ["type"])
            cols["attr_repr"] = pl.repeat(None, work.n, dtype=pl.String, eager=True)
            schema = INTERACTION_SCHEMA
        with pending:  # the phone worker's results, if they came: joined onto the phone texts (phone() has them too)
            identifiers = self._identifiers(work, texts, pending)
        cols["source_id"] = self._source_id(work, identifiers)
        out = pl.DataFrame({k: v.alias(k) for k, v in cols.items()}).with_columns(
            identifiers.alias("identifiers"),
            pl.lit(src.name, pl.String).alias("source"),
            (pl.lit(src.name + ":") + pl.col("source_id")).alias("uid"),
            frame[ROW],
        )
        out = out.with_columns(row_hash=_hashes(out, src.kind is Kind.customer))
        ok = ~work.bad
        self._count(work, ok)
        return out.filter(ok).select(*schema, ROW), out.filter(work.bad)[ROW].to_list()

    def _address(self, work: "_Work", country: pl.Series, city: pl.Series, postcode: pl.Series) -> dict[str, pl.Series]:
        """RowBuilder.place's address, given the country, city and postcode each read on its own: the
        address per distinct text; where it has no postcode, the one its line may hold (with its town),
        per distinct line, country and city. Returns the address, city and postcode."""
        b, cols = self.b, self.source.columns("address")
        if len(cols) == 1 and cols[0].column:
            raw = self._text(work, cols[0], "address")
        else:
            raw = self._field(work, cols, lambda v: (b._joined(v, "address"),), ["raw"], ("address",))["raw"]
        address = self._per_text(work, [raw], lambda t: (b.normalise_text(t, "address", norm.address),),
                                 ["address"], ("address",))["address"]
        lone = address.is_not_null() & postcode.is_null()
        if not lone.any():
            return {"address": address, "city": city, "postcode": postcode}
        region = country if b.region is None else country.fill_null(b.region)
        line = pl.select(pl.when(lone).then(raw)).to_series()
        found = self._per_text(work, [line, region, address, city], b._postcode_in_line,
                               ["address", "postcode", "city"], ("address",))
        return {name: pl.select(pl.when(lone).then(found[name]).otherwise(now)).to_series().alias(name)
                for name, now in (("address", address), ("city", city), ("postcode", postcode))}

    def _kept(self, work: "_Work") -> pl.Series:
        """builder.kept: the JSON object `json.dumps(..., sort_keys=True)` writes of the kept columns' texts
        (null included) and a purchase's amount, currency and order id (absent when None; an unusable one
        counted as the row path counts it). The object is assembled in polars, not per combination of these
        columns: a purchase has its own order id, so there are nearly as many combinations as events. An
        amount and a currency are read by the builder per distinct value, an order id by `_text`."""
        b, src = self.b, self.source
        roles = [r for r in PURCHASE_ROLES if src.columns(r)]
        if not src.keep and not roles:
            return pl.repeat(None, work.n, dtype=pl.String, eager=True)
        if set(src.keep) & set(roles):  # a kept column that a purchase role overwrites: as the builder
            kept = [Column(column=k) for k in src.keep] + [c for r in roles for c in src.columns(r)]
            return self._field(work, kept, lambda v: (b.kept(v),), ["attributes"], PURCHASE_ROLES)["attributes"]
        values = {k: _json_texts(work.frame[k]).fill_null("null") for k in src.keep}
        reads = {"amount": norm.amount, "currency": norm.currency}
        for role in roles:
            read, col = reads.get(role), src.columns(role)[0]
            if read is None and col.column:  # the order id: builder._one, which `_text` is
                values[role] = _json_texts(self._text(work, col, role))
                continue

            def one(v, role=role, read=read):
                value = b._one(v, role) if read is None else b._normalised(v, role, read)
                return (None if value is None else json.dumps(value),)
            values[role] = self._field(work, [col], one, [role], (role,))[role]
        # a member absent (null) is left out with its separator
        members = pl.concat_str([pl.lit(json.dumps(key) + ": ") + values[key] for key in sorted(values)],
                                separator=", ", ignore_nulls=True)
        return pl.select(pl.when(members.str.len_bytes() > 0).then("{" + members + "}")).to_series()

    def _count(self, work: "_Work", ok: pl.Series) -> None:
        """What the rows made here set aside, into the builder's counts."""
        for keys, counters in work.counted:
            for k, n in keys.filter(ok & keys.is_in(list(counters))).value_counts().iter_rows():
                for problem, times in counters[k].items():
                    self.b.problems[problem] += times * n

    def _identifier_texts(self, work: "_Work") -> list[pl.Series | None]:
        """The text of each identifier column read from a column (`_text`), in `identifier_columns` order."""
        return [self._text(work, col, role) if col.column else None for _, role, col in self.b.identifier_columns()]

    def _submit_phones(self, texts: list[pl.Series | None]) -> Pending:
        """The distinct phone texts of the block, sent to the phone worker (if there is one)."""
        phones = [t for (kind, _, _), t in zip(self.b.identifier_columns(), texts) if kind == "phone" and t is not None]
        if self.phones is None or not phones:
            return Pending(None, [], None)
        distinct = pl.concat(phones).drop_nulls().unique().to_list()
        return self.phones.submit(distinct, self.b.region)

    def _identifiers(self, work: "_Work", texts: list[pl.Series | None], pending: Pending) -> pl.Series:
        b, parts = self.b, []
        for (kind, role, col), text in zip(b.identifier_columns(), texts):
            if col.column:
                if kind == "device":  # the text itself: no Python per value
                    got = _of_kind(kind, text)
                elif kind == "email":
                    got = self._emails(work, text, role)
                elif kind == "phone" and pending.installed:
                    got = self._phones(work, text, role, pending)
                else:
                    got = self._per_text(work, [text], lambda t, kind=kind, role=role: b.identifier_of_text(
                        t, kind, role) or (None, None), ["kind", "value"], (role,))
                parts.append(pl.when(got["kind"].is_not_null()).then(pl.struct(got["kind"], got["value"]))
                             .otherwise(pl.lit(None, IDENTIFIER)))
                continue

            def one(v, kind=kind, role=role, col=col):
                pair = b.identifier(v, kind, role, col)
                return pair if pair is not None else (None, None)
            got = self._field(work, [col], one, ["kind", "value"], (role,))
            parts.append(pl.when(got["kind"].is_not_null()).then(pl.struct(got["kind"], got["value"]))
                         .otherwise(pl.lit(None, IDENTIFIER)))
        if not parts:
            return pl.Series("identifiers", [[]] * work.n, dtype=pl.List(IDENTIFIER))
        return _lists_of(pl.select(p.alias(f"p{i}") for i, p in enumerate(parts)), work.n)

    def _emails(self, work: "_Work", text: pl.Series, role: str) -> pl.DataFrame:
        """builder.identifier_of_text of e-mail texts: those of the common form in polars (the address,
        the syntax and the junk rules), the others per distinct text through the builder."""
        b = self.b
        value, simple = email_column(text, gmail_rules=b.gmail)
        junk = b.junk.junk_email_column(value).fill_null(False)
        work.count(pl.select(pl.when(simple & value.is_null()).then(0).when(junk).then(1)).to_series(),
                   [(role, "email-syntax"), (role, "junk")])
        fast = pl.select(pl.when(~junk).then(value)).to_series()
        if simple.all():
            return _of_kind("email", fast)
        others = pl.select(pl.when(~simple).then(text)).to_series()
        slow = self._per_text(work, [others], lambda t: b.identifier_of_text(t, "email", role) or (None, None),
                              ["kind", "value"], (role,))
        return _of_kind("email", pl.select(pl.when(simple).then(fast).otherwise(slow["value"])).to_series())

    def _phones(self, work: "_Work", text: pl.Series, role: str, pending: Pending) -> pl.DataFrame:
        """builder.identifier_of_text of phone texts, from the phone worker's results for the block (which
        hold every text of its phone columns): joined onto the texts, junk-checked by polars."""
        parsed = pl.DataFrame({"t": pending.texts,
                               "e164": [r if r.__class__ is str else None for r in pending.results],
                               "invalid": [r is False for r in pending.results]},
                              schema={"t": pl.String, "e164": pl.String, "invalid": pl.Boolean})
        got = text.to_frame("t").join(parsed, on="t", how="left", maintain_order="left")
        e164, invalid = got["e164"], got["invalid"].fill_null(False)
        junk = self.b.junk.junk_phone_column(e164).fill_null(False)
        work.count(pl.select(pl.when(invalid).then(0).when(junk).then(1)).to_series(),
                   [(role, "phone-invalid"), (role, "junk")])
        return _of_kind("phone", pl.select(pl.when(~junk).then(e164)).to_series())

    def _source_id(self, work: "_Work", identifiers: pl.Series) -> pl.Series:
        spec = self.source.id
        if spec.role:
            ids = pl.select(identifiers.list.eval(
                pl.element().filter(pl.element().struct.field("kind") == spec.role).struct.field("value"))
                .list.first()).to_series()
            work.fail(ids.is_null())
            return ids.alias("source_id")
        parts = []
        for col in spec.columns:
            value = work.frame[col]
            text = value.str.strip_chars()
            work.fail(value.is_null() | (text == "") | text.str.contains(_EDGE_SPACE))
            parts.append(text)
        return pl.select(pl.concat_str(parts, separator="|")).to_series().alias("source_id")

    def _at(self, work: "_Work") -> pl.Series:
        """Event times: the common forms in polars, the others per distinct value through the row builder,
        which rejects an empty or bad time (the row goes back to it)."""
        col = self.source.columns("timestamp")[0]
        if col.column is None:
            return self._field(work, [col], lambda v: (self.b.at(v),), ["at"], ())["at"]
        at, fast = _fast_times(work.frame[col.column], col.format)
        slow = (~fast).arg_true()
        if len(slow):
            slow_work = _Work(len(slow), work.frame[slow])
            got = self._field(slow_work, [col], lambda v: (self.b.at(v),), ["at"], ())["at"]
            at = at.scatter(slow, got)
            work.fail(pl.Series([False] * work.n).scatter(slow, slow_work.bad))
        return at

    def _updated_at(self, work: "_Work") -> pl.Series:
        """builder.updated_at: the text (junk checked), its time in polars when of a common form."""
        cols = self.source.columns("updated_at")
        if not cols or cols[0].column is None:
            return self._field(work, cols, lambda v: (self.b.updated_at(v),), ["updated_at"], ("updated_at",))[
                "updated_at"]
        fmt = cols[0].format
        text = self._text(work, cols[0], "updated_at")
        at, fast = _fast_times(text, fmt)
        slow_text = pl.select(pl.when(~fast).then(text)).to_series().alias("\x00t")

        def one(v):
            try:
                return (norm.timestamp(v["\x00t"], fmt),)
            except norm.InvalidValue as exc:
                self.b.problems[("updated_at", exc.reason)] += 1
                return (None,)

        got = self._each(slow_text.to_frame(), ["\x00t"], one, ["at"], work, ("updated_at",))["at"]
        return pl.select(pl.when(fast).then(at).otherwise(got)).to_series()

    def _per_text(self, work: "_Work", inputs: list[pl.Series], fn, names: list[str],
                  roles: tuple[str, ...]) -> pl.DataFrame:
        """fn(text, *more) per distinct combination of the input columns (text first: null is no value)."""
        frame = pl.DataFrame({f"\x00in{i}": s for i, s in enumerate(inputs)})
        cols = list(frame.columns)
        empty = (None,) * len(names)
        return self._each(frame, cols, lambda v: empty if v[cols[0]] is None else fn(*(v[c] for c in cols)),
                          names, work, roles)

    def _text(self, work: "_Work", col: Column, role: str) -> pl.Series:
        """builder._raw of a column (stripped; empty or junk: null, junk counted): plain ASCII text in
        polars, other text per distinct value through the builder."""
        raw = work.frame[col.column]
        plain = raw.str.contains(_PLAIN_TEXT).fill_null(True)
        text = raw.str.strip_chars(" \t")
        key = text.str.to_lowercase().str.replace_all("[^a-z0-9]", "")
        keys = key.filter(plain & raw.is_not_null()).unique().to_list()
        junk_keys = [k for k in keys if self.b.junk.is_junk_key(k)]
        junk = plain & key.is_in(junk_keys).fill_null(False)
        work.count(pl.select(pl.when(junk & (text != "")).then(0)).to_series(), [(role, "junk")])
        odd = pl.select(pl.when(~plain).then(raw)).to_series().alias(col.column)
        slow = self._each(odd.to_frame(), [col.column], lambda v: (self.b._raw(v, col, role),), ["t"], work,
                          (role,))["t"] if (~plain).any() else None
        fast = pl.select(pl.when(~junk & (text != "")).then(text)).to_series()
        return fast if slow is None else pl.select(pl.when(plain).then(fast).otherwise(slow)).to_series()

    def _attributes(self, work: "_Work") -> pl.DataFrame:
        """The attributes as stored (JSON) and, for the hash, the repr of their sorted items."""
        if not self.source.attributes:
            none = pl.repeat(None, work.n, dtype=pl.String, eager=True)
            return pl.DataFrame({"attributes": none, "attr_repr": none})

        def one(v):
            found = self.b._attributes(v)
            return attributes_json(found), repr(sorted(found.items())) if found else None

        return self._field(work, list(self.source.attributes.values()), one, ["attributes", "attr_repr"],
                           tuple(self.source.attributes))


def _of_kind(kind: str, values: pl.Series) -> pl.DataFrame:
    """Identifiers of one kind: (kind, value) where there is a value, nulls elsewhere."""
    return pl.DataFrame({"kind": pl.select(pl.when(values.is_not_null()).then(pl.lit(kind))).to_series(),
                         "value": values})


def _lists_of(columns: pl.DataFrame, n: int) -> pl.Series:
    """Per row, its identifiers from the columns in their order, without nulls or repeats.

    The same as concat_list(...).list.drop_nulls().list.unique(maintain_order=True), which polars runs
    about 15 times slower on lists of structs (4 s for 450,000 rows of three columns): a fifth of
    ingest's parsing thread."""
    long = (columns.with_row_index(ROW).unpivot(index=ROW, value_name="identifiers").drop_nulls("identifiers")
            .sort(ROW, maintain_order=True)  # stable: the columns' order within each row
            .unique(subset=[ROW, "identifiers"], keep="first", maintain_order=True)
            .group_by(ROW, maintain_order=True).agg("identifiers"))
    every = pl.DataFrame({ROW: pl.int_range(n, eager=True, dtype=pl.UInt32)})
    return (every.join(long, on=ROW, how="left", maintain_order="left")
            .select(pl.col("identifiers").fill_null(pl.lit([], dtype=pl.List(IDENTIFIER)))
                    .cast(pl.List(IDENTIFIER))).to_series())


def _fast_times(raw: pl.Series, fmt: str | None) -> tuple[pl.Series, pl.Series]:
    """norm.timestamp of the values in the common forms (ISO in UTC, naive or with an offset of hours and
    minutes, whole epoch seconds or milliseconds), and which values those were; every other value is for
    norm.timestamp itself."""
    fmt = (fmt or "iso").strip().lower()
    if fmt == "iso":
        head = raw.str.slice(0, 19)
        utc = raw.str.contains(_ISO) & head.str.strptime(pl.Datetime("us"), "%Y-%m-%dT%H:%M:%S",
                                                         strict=False).is_not_null()
        offset = raw.str.contains(_ISO_OFFSET) & ~raw.str.starts_with("9999-")
        shifted = pl.select(pl.when(offset).then(raw)).to_series().str.strptime(
            pl.Datetime("us", "UTC"), "%Y-%m-%dT%H:%M:%S%:z", strict=False).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        fast = utc.fill_null(False) | shifted.is_not_null()
        at = pl.select(pl.when(utc).then(head + "Z").otherwise(shifted)).to_series()
    elif fmt in ("epoch", "epoch_ms"):
        scale = 1000 if fmt == "epoch_ms" else 1
        seconds = pl.select(pl.when(raw.str.contains(_EPOCH)).then(raw).cast(pl.Int64, strict=False) // scale
                            ).to_series()
        fast = seconds.is_not_null() & (seconds <= _LAST_SECOND)
        at = pl.select(pl.from_epoch(seconds, "s").dt.strftime("%Y-%m-%dT%H:%M:%SZ")).to_series()
    else:
        return pl.repeat(None, len(raw), dtype=pl.String, eager=True), pl.repeat(False, len(raw), eager=True)
    fast = fast.fill_null(False)
    return pl.select(pl.when(fast).then(at)).to_series().alias("at"), fast


class _Work:
    """One frame's rows under way: which of them go back to the row builder, and what was set aside."""

    def __init__(self, n: int, frame: pl.DataFrame | None = None):
        self.n, self.frame = n, frame
        self.bad = pl.Series("bad", [False] * n, dtype=pl.Boolean)
        self.counted: list[tuple[pl.Series, dict[int, Counter]]] = []

    def fail(self, rows: pl.Series) -> None:
        self.bad = self.bad | rows.fill_null(True)

    def count(self, problems: pl.Series, reasons: list[tuple[str, str]]) -> None:
        """Each row's problem, a position in `reasons` (null: none), counted once the rows made are known."""
        if problems.is_not_null().any():
            self.counted.append((problems, {i: Counter({reason: 1}) for i, reason in enumerate(reasons)}))


# -- the content hash (rows.py: _row_hash, customer_hash, interaction_hash) ----------------------------
def _repr(values: pl.Series) -> pl.Series:
    """Python's repr of each value ("None" for null)."""
    return _written(values, _PLAIN, "'", repr).fill_null("None")


def _json_texts(values: pl.Series) -> pl.Series:
    """json.dumps of each text (null for null)."""
    return _written(values, _JSON_PLAIN, '"', json.dumps)


def _written(values: pl.Series, plain_text: str, quote: str, write: Callable[[str], str]) -> pl.Series:
    """write(v) of each text, null for null: the text between quotes in polars where `plain_text` matches
    (write escapes nothing there), write in Python once per other distinct value."""
    plain = values.str.contains(plain_text)
    odd = values.filter(plain.not_() & values.is_not_null()).unique().to_list()
    mapped = values.replace_strict({v: write(v) for v in odd}, default=None, return_dtype=pl.String) if odd \
        else pl.repeat(None, len(values), dtype=pl.String, eager=True)
    return pl.select(pl.when(plain).then(quote + values + quote).otherwise(mapped)).to_series()


def _identifiers_repr(identifiers: pl.Series) -> pl.Series:
    """repr(sorted(identifiers)) of each row's list of (kind, value) tuples."""
    flat = pl.DataFrame({"ids": identifiers}).with_row_index("r").explode("ids").unnest("ids")
    has = flat["kind"].is_not_null()
    items = flat.filter(has).sort("r", "kind", "value")
    items = items.with_columns(t=pl.lit("(") + _repr(items["kind"]) + ", " + _repr(items["value"]) + ")")
    joined = items.group_by("r", maintain_order=True).agg(pl.col("t").str.join(", "))
    whole = pl.DataFrame({"r": pl.int_range(len(identifiers), eager=True, dtype=pl.UInt32)})
    out = whole.join(joined, on="r", how="left", maintain_order="left")["t"].fill_null("")
    return "[" + out + "]"


def _hashes(out: pl.DataFrame, customer: bool) -> pl.Series:
    fields = (("first_name", "last_name", "full_name", "dob", "address", "city", "postcode", "country", "updated_at")
              if customer else ("at", "channel", "type", "customer_ref", "attributes"))
    parts = [_repr(out[f]) for f in fields] + [_identifiers_repr(out["identifiers"])]
    text = pl.select(pl.concat_str(parts, separator=", ")).to_series()
    if customer:  # attributes enter the hash only when there are some
        attr = out["attr_repr"]
        text = pl.select(pl.when(attr.is_null()).then(text).otherwise(text + ", " + attr)).to_series()
    blake = hashlib.blake2b
    return pl.Series("row_hash", [blake(("(" + t + ")").encode("utf-8"), digest_size=12).hexdigest()
                                  for t in text], dtype=pl.String)
