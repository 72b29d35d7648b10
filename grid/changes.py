"""The catalog's changelog, ``data/catalog-changes.yaml``: one dated line per edit to a fact of
``data/models.yaml``, with the value before and after it and the page the change was read on.

Each line has exactly the keys ``date, model, field, old, new, source`` (a public contract):

- ``date``: the day the catalog changed (not the day the vendor did).
- ``model``: a model id; ``license:<id>`` for a licence, ``seller:<id>`` for a seller. Catalog ids
  never hold a colon, so the three kinds cannot be confused.
- ``field``: a field of that entry (``status``, ``tier``, ``commercial_use``, ``regions`` ...);
  ``prices.<seller>.<field>`` for one field of a model's price row at that seller
  (``prices.openai.input_usd_per_mtok``); ``prices.<seller>`` for the whole row; ``entry`` for the
  whole entry.
- ``old``, ``new``: the values before and after, as YAML (null when there was none). An entry or a
  price row that was added is written ``old: null, new: added`` (its content is in models.yaml); one
  that was deleted carries its whole content in ``old`` (``new: null``), so that it can be restored.
- ``source``: the page the change was read on (http or https).

Tracked fields are all but provenance and commentary (``PROVENANCE``): where and when a fact was
read (``sources``, ``source``, ``checked``, ``lifecycle_source``) and free text (``notes``,
``tier_basis``) change without a changelog line.

The catalog's version date is the date of its newest changelog line (``catalog_version``).
``rewind`` undoes every line after a date, newest first, which rebuilds the catalog as it stood
that day; ``replay`` applies them again. ``python -m grid catalog check`` refuses a changelog that
does not rewind cleanly, and an edit to models.yaml since its previous git version that has no
line (``check_changelog``).
"""

from __future__ import annotations

import copy
import datetime as dt
import shutil
import subprocess
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field as dc_field
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from pydantic import Field, ValidationError, model_validator

from grid.catalog import (
    CATALOG_PATH,
    DATA_DIR,
    URL_PATTERN,
    Catalog,
    License,
    Model,
    Price,
    Provider,
    load_primary_sources,
    parse_catalog,
    parse_catalog_text,
)
from grid.errors import InvalidData
from grid.schema import Strict, validation_problems

CHANGES_PATH = DATA_DIR / "catalog-changes.yaml"
ADDED = "added"
#: Fields that say where and when a fact was read, or comment on it: they change without a line.
PROVENANCE = frozenset({"sources", "source", "checked", "lifecycle_source", "notes", "tier_basis"})
#: (prefix of ``model``, catalog section)
SUBJECTS = (("license:", "licenses"), ("seller:", "providers"), ("", "models"))
SECTION_CLASS = {"licenses": License, "providers": Provider, "models": Model}
ID_PATTERN = r"[a-z0-9][a-z0-9.\-]*"


def tracked_fields(section: str) -> tuple[str, ...]:
    """The fields of an entry whose edits need a changelog line (prices are tracked per row)."""
    cls = SECTION_CLASS[section]
    return tuple(f for f in cls.model_fields if f not in PROVENANCE and f not in ("id", "prices"))


PRICE_FIELDS = tuple(f for f in Price.model_fields if f not in PROVENANCE and f != "seller")


class Change(Strict):
    """One edit to the catalog."""

    date: dt.date = Field(description="The day the catalog changed (YYYY-MM-DD).")
    model: str = Field(
        pattern=rf"^((license|seller):)?{ID_PATTERN}$",
        description="A model id; license:<id> for a licence, seller:<id> for a seller.",
    )
    field: str = Field(
        pattern=rf"^(entry|[a-z_]+|prices\.{ID_PATTERN}(\.[a-z_]+)?)$",
        description="A field of the entry; prices.<seller> or prices.<seller>.<field> for a price row; entry for the whole entry.",
    )
    old: Any = Field(description="The value before the edit (null: none). A deleted entry or row: its whole content.")
    new: Any = Field(description="The value after the edit (null: none). An added entry or row: added.")
    source: str = Field(pattern=URL_PATTERN, description="The page the change was read on.")

    @model_validator(mode="after")
    def _shape(self) -> "Change":
        section, _ = subject_of(self.model)
        kind, _, name = parse_field(self.field)
        if kind == "bad":
            raise ValueError(f"field {self.field!r}: prices.<seller>.<field> names a field of a price row ({', '.join(PRICE_FIELDS)})")
        if kind in ("row", "price") and section != "models":
            raise ValueError(f"field {self.field!r}: only a model has price rows")
        if kind == "field" and name not in tracked_fields(section):
            raise ValueError(
                f"field {self.field!r} is not a tracked field of a {section[:-1]} "
                f"(tracked: entry, {', '.join(tracked_fields(section))}{', prices.<seller>[.<field>]' if section == 'models' else ''})"
            )
        if kind in ("entry", "row"):
            what = "an entry" if kind == "entry" else "a price row"
            added = self.old is None and self.new == ADDED
            deleted = isinstance(self.old, dict) and self.new is None
            if not (added or deleted):
                raise ValueError(f"{what} is added (old: null, new: {ADDED}) or deleted (old: its whole content, new: null)")
        elif canon(self.old) == canon(self.new):
            raise ValueError("old and new are the same: nothing changed")
        return self


def subject_of(model: str) -> tuple[str, str]:
    """``(section, id)`` of a changelog line's ``model``."""
    for prefix, section in SUBJECTS:
        if prefix and model.startswith(prefix):
            return section, model[len(prefix):]
    return "models", model


def subject_name(section: str, eid: str) -> str:
    return dict((s, p) for p, s in SUBJECTS)[section] + eid


def parse_field(path: str) -> tuple[str, Optional[str], Optional[str]]:
    """``(kind, seller, name)``: kind is ``entry``, ``field``, ``row`` (a whole price row),
    ``price`` (one field of a price row), or ``bad``."""
    if path == "entry":
        return "entry", None, None
    if path.startswith("prices."):
        rest = path[len("prices."):]
        head, _, tail = rest.rpartition(".")
        if head and tail in PRICE_FIELDS:
            return "price", head, tail
        if tail.replace("_", "").isalpha() and "_" in tail:
            return "bad", None, None
        return "row", rest, None
    return "field", None, path


def canon(value: Any) -> Any:
    """A value in a form that compares equal whatever its YAML spelling: dates as text, whole
    floats as integers, mappings without provenance keys or null values."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): canon(v) for k, v in value.items() if k not in PROVENANCE and v is not None}
    if isinstance(value, (list, tuple)):
        return [canon(v) for v in value]
    return value


# ----------------------------------------------------------------------------- reading
@dataclass(frozen=True)
class Changelog:
    """The lines of a changelog, in file order."""

    changes: tuple[Change, ...] = ()
    source: str = ""

    @property
    def version(self) -> Optional[dt.date]:
        """The catalog's version date: the date of the newest line."""
        return max((c.date for c in self.changes), default=None)

    def after(self, day: dt.date) -> list[Change]:
        """The lines dated after ``day``, oldest first (file order within a day)."""
        return [c for _, _, c in sorted((c.date, i, c) for i, c in enumerate(self.changes) if c.date > day)]


def parse_changelog(data: Any, source: str = "changelog") -> Changelog:
    """Validate raw changelog data (a list of lines). Raises ``InvalidData`` with every problem."""
    if data is None:
        return Changelog(source=source)
    if not isinstance(data, list):
        raise InvalidData(source, ["the top level must be a list of changes (date, model, field, old, new, source)"])
    problems: list[str] = []
    changes: list[Change] = []
    for i, raw in enumerate(data):
        label = f"[{i}]"
        if isinstance(raw, dict) and isinstance(raw.get("model"), str):
            label += f" ({raw['model']} {raw.get('field', '')})".rstrip()
        if not isinstance(raw, dict):
            problems.append(f"{label}: must be a mapping with date, model, field, old, new, source")
            continue
        try:
            changes.append(Change.model_validate(raw))
        except ValidationError as e:
            for p in validation_problems(e, raw):
                where, _, msg = p.partition(": ")
                problems.append(f"{label}: {msg}" if where == "(top level)" else f"{label}.{p}")
    if problems:
        raise InvalidData(source, problems)
    return Changelog(changes=tuple(changes), source=source)


def read_changelog(path: str | Path = CHANGES_PATH) -> Changelog:
    from grid.yamlio import read_data_file

    return parse_changelog(read_data_file(path), str(path))


@lru_cache(maxsize=4)
def load_changelog(path: str | Path = CHANGES_PATH) -> Changelog:
    """The changelog, read and validated once per process. Raises ``InvalidData``."""
    return read_changelog(path)


def catalog_version(path: str | Path = CHANGES_PATH) -> Optional[dt.date]:
    """The shipped catalog's version date, or None when its changelog is missing or broken
    (``catalog check`` says why)."""
    try:
        return load_changelog(path).version
    except InvalidData:
        return None


# ----------------------------------------------------------------------------- the data
def catalog_data(catalog: Catalog) -> dict[str, list[dict[str, Any]]]:
    """The catalog's entries as plain data (every field present), to rewind or to compare."""
    return {
        "licenses": [x.model_dump() for x in catalog.licenses],
        "providers": [x.model_dump() for x in catalog.providers],
        "models": [x.model_dump() for x in catalog.models],
    }


def _index(entries: list[Any], key: str, value: str) -> Optional[int]:
    for i, e in enumerate(entries):
        if isinstance(e, dict) and e.get(key) == value:
            return i
    return None


@dataclass(frozen=True)
class Edit:
    """One difference between two versions of the catalog, as a changelog line would name it."""

    model: str
    field: str
    old: Any
    new: Any

    def covered_by(self, change: Change) -> bool:
        """A line on the same field, or on the row or the entry that holds it, covers the edit."""
        if change.model != self.model:
            return False
        return change.field in (self.field, "entry") or self.field.startswith(change.field + ".")


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Edit]:
    """Every tracked difference between two versions of the catalog data."""
    edits: list[Edit] = []
    for prefix, section in SUBJECTS:
        old = {e["id"]: e for e in before.get(section) or [] if isinstance(e, dict) and "id" in e}
        new = {e["id"]: e for e in after.get(section) or [] if isinstance(e, dict) and "id" in e}
        for eid, b in new.items():
            name = prefix + eid
            a = old.get(eid)
            if a is None:
                edits.append(Edit(name, "entry", None, ADDED))
                continue
            for f in tracked_fields(section):
                if canon(a.get(f)) != canon(b.get(f)):
                    edits.append(Edit(name, f, a.get(f), b.get(f)))
            if section != "models":
                continue
            rows_a = {r.get("seller"): r for r in a.get("prices") or []}
            rows_b = {r.get("seller"): r for r in b.get("prices") or []}
            for seller, rb in rows_b.items():
                ra = rows_a.get(seller)
                if ra is None:
                    edits.append(Edit(name, f"prices.{seller}", None, ADDED))
                    continue
                for f in PRICE_FIELDS:
                    if canon(ra.get(f)) != canon(rb.get(f)):
                        edits.append(Edit(name, f"prices.{seller}.{f}", ra.get(f), rb.get(f)))
            for seller, ra in rows_a.items():
                if seller not in rows_b:
                    edits.append(Edit(name, f"prices.{seller}", ra, None))
        for eid, a in old.items():
            if eid not in new:
                edits.append(Edit(prefix + eid, "entry", a, None))
    return edits


def unlogged(edits: Iterable[Edit], changes: Sequence[Change], since: dt.date) -> list[Edit]:
    """The edits that no changelog line dated on or after ``since`` covers."""
    recent = [c for c in changes if c.date >= since]
    return [e for e in edits if not any(e.covered_by(c) for c in recent)]


# ----------------------------------------------------------------------------- rewind and replay
@dataclass
class Rewound:
    """The catalog data as it stood on ``day``; the entries and rows added after it, set aside
    (the changelog says they were added, models.yaml holds them); and every line that did not
    match the data it was undone on."""

    day: dt.date
    data: dict[str, Any]
    set_aside: dict[int, tuple[int, Any]] = dc_field(default_factory=dict)  # line index -> (position, content)
    problems: list[str] = dc_field(default_factory=list)


def _show(value: Any) -> str:
    from grid.yamlio import show

    return show(canon(value))


def rewind(data: Mapping[str, Any], changelog: Changelog, day: dt.date) -> Rewound:
    """Undo every line dated after ``day``, newest first: the catalog data as it stood that day.
    A line whose ``new`` is not what the data holds is still undone, and named in ``problems``."""
    out = Rewound(day=day, data=copy.deepcopy(dict(data)))
    lines = [(c.date, i, c) for i, c in enumerate(changelog.changes) if c.date > day]
    for _, i, c in sorted(lines, key=lambda t: (t[0], t[1]), reverse=True):
        where = f"{c.date.isoformat()} {c.model} {c.field}"
        section, eid = subject_of(c.model)
        entries = out.data.setdefault(section, [])
        pos = _index(entries, "id", eid)
        kind, seller, name = parse_field(c.field)
        if kind == "entry":
            if c.new == ADDED:
                if pos is None:
                    out.problems.append(f"{where}: added, but the catalog has no such entry")
                else:
                    out.set_aside[i] = (pos, entries.pop(pos))
            elif pos is not None:
                out.problems.append(f"{where}: deleted, but the catalog still has it")
            else:
                entries.append(copy.deepcopy(c.old))
            continue
        if pos is None:
            out.problems.append(f"{where}: the catalog has no entry {eid!r} at this point")
            continue
        entry = entries[pos]
        if kind == "row":
            rows = entry.setdefault("prices", [])
            rpos = _index(rows, "seller", seller or "")
            if c.new == ADDED:
                if rpos is None:
                    out.problems.append(f"{where}: added, but the model has no price row from {seller!r}")
                else:
                    out.set_aside[i] = (rpos, rows.pop(rpos))
            elif rpos is not None:
                out.problems.append(f"{where}: deleted, but the model still has a price row from {seller!r}")
            else:
                rows.append(copy.deepcopy(c.old))
            continue
        target = entry
        if kind == "price":
            rpos = _index(entry.get("prices") or [], "seller", seller or "")
            if rpos is None:
                out.problems.append(f"{where}: the model has no price row from {seller!r} at this point")
                continue
            target = entry["prices"][rpos]
        if canon(target.get(name)) != canon(c.new):
            out.problems.append(f"{where}: the changelog says it became {_show(c.new)}, but the catalog has {_show(target.get(name))}")
        target[name] = copy.deepcopy(c.old)
    return out


def replay(rewound: Rewound, changelog: Changelog) -> dict[str, Any]:
    """Apply again, oldest first, every line that ``rewind`` undid: the catalog data of today."""
    data = copy.deepcopy(rewound.data)
    lines = [(c.date, i, c) for i, c in enumerate(changelog.changes) if c.date > rewound.day]
    for _, i, c in sorted(lines, key=lambda t: (t[0], t[1])):
        section, eid = subject_of(c.model)
        entries = data.setdefault(section, [])
        kind, seller, name = parse_field(c.field)
        if kind == "entry":
            if c.new == ADDED:
                if i in rewound.set_aside:
                    pos, content = rewound.set_aside[i]
                    entries.insert(pos, copy.deepcopy(content))
            else:
                pos = _index(entries, "id", eid)
                if pos is not None:
                    entries.pop(pos)
            continue
        pos = _index(entries, "id", eid)
        if pos is None:
            continue
        entry = entries[pos]
        if kind == "row":
            rows = entry.setdefault("prices", [])
            if c.new == ADDED:
                if i in rewound.set_aside:
                    rpos, content = rewound.set_aside[i]
                    rows.insert(rpos, copy.deepcopy(content))
            else:
                rpos = _index(rows, "seller", seller or "")
                if rpos is not None:
                    rows.pop(rpos)
            continue
        target = entry
        if kind == "price":
            rpos = _index(entry.get("prices") or [], "seller", seller or "")
            if rpos is None:
                continue
            target = entry["prices"][rpos]
        target[name] = copy.deepcopy(c.new)
    return data


_AS_OF: dict[tuple[int, int, dt.date], tuple[Catalog, Changelog, Catalog]] = {}
_AS_OF_LOCK = threading.Lock()


def catalog_as_of(catalog: Catalog, changelog: Changelog, day: dt.date) -> Catalog:
    """The catalog as it stood on ``day``, rebuilt from today's by undoing the changelog's lines
    after it. Entries that no longer validate are left out and named in its problems, as when a
    file is read. Cached per (catalog, changelog, day): both are immutable."""
    key = (id(catalog), id(changelog), day)
    hit = _AS_OF.get(key)
    if hit is not None and hit[0] is catalog and hit[1] is changelog:  # the ids are of these very objects
        return hit[2]
    rewound = rewind(catalog_data(catalog), changelog, day)
    past = parse_catalog(rewound.data, source=f"the catalog as of {day.isoformat()}", primary=load_primary_sources())
    with _AS_OF_LOCK:  # sessions run in threads
        while len(_AS_OF) >= 16:
            _AS_OF.pop(next(iter(_AS_OF)))
        _AS_OF[key] = (catalog, changelog, past)
    return past


# ----------------------------------------------------------------------------- the previous git version
@dataclass(frozen=True)
class PreviousVersion:
    """The catalog file as last committed before the current one, and that commit's date."""

    text: str
    day: dt.date
    ref: str  # a short commit hash


def previous_version(path: str | Path, git: str = "git") -> tuple[Optional[PreviousVersion], str]:
    """The previous git version of ``path``: HEAD's when the file differs from HEAD, else the one
    before the last commit that changed it. ``(None, why)`` when there is none to compare with (no
    git, not in a checkout, not committed, a shallow clone)."""
    exe = shutil.which(git)
    if exe is None:
        return None, "git is not available"
    p = Path(path).resolve()

    def run(where: str, *args: str) -> Optional[str]:
        try:
            r = subprocess.run([exe, "-C", where, *args], capture_output=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return None
        return r.stdout.decode("utf-8", "replace") if r.returncode == 0 else None

    top = run(str(p.parent), "rev-parse", "--show-toplevel")
    if not top:
        return None, f"{p.parent} is not in a git checkout"
    root = Path(top.strip()).resolve()
    rel = p.relative_to(root).as_posix()
    log = run(str(root), "log", "-n", "2", "--format=%H %cs", "--", rel)
    commits = [line.split() for line in (log or "").splitlines() if line.strip()]
    if not commits:
        return None, f"{rel} has no committed version"
    try:
        dirty = subprocess.run([exe, "-C", str(root), "diff", "--quiet", "HEAD", "--", rel], capture_output=True, timeout=30).returncode == 1
    except (OSError, subprocess.SubprocessError):
        return None, "git diff failed"
    if dirty:
        ref, day = commits[0]
    elif len(commits) > 1:
        ref, day = commits[1]
    else:
        return None, f"{rel} has only one committed version (or the clone is shallow)"
    text = run(str(root), "show", f"{ref}:{rel}")
    if text is None:
        return None, f"git could not show {rel} at {ref[:8]}"
    return PreviousVersion(text=text, day=dt.date.fromisoformat(day), ref=ref[:8]), ""


# ----------------------------------------------------------------------------- the check
@dataclass
class ChangelogCheck:
    problems: list[str] = dc_field(default_factory=list)
    notes: list[str] = dc_field(default_factory=list)
    summary: str = ""
    pending: list[Edit] = dc_field(default_factory=list)
    since: Optional[dt.date] = None


def check_changelog(
    catalog: Catalog,
    changelog: Changelog,
    *,
    catalog_path: str | Path = CATALOG_PATH,
    today: Optional[dt.date] = None,
    previous: Optional[PreviousVersion] = None,
    git: str = "git",
    compare_git: bool = True,
) -> ChangelogCheck:
    """Check a changelog against its catalog:

    - no line is dated after today;
    - undoing every line, newest first, finds each ``new`` value where the line says, and leaves
      a catalog whose every entry still validates;
    - every edit since the previous git version of the catalog has a line dated on or after that
      version's date (skipped, with a note, where git cannot say).
    """
    today = today or dt.date.today()
    out = ChangelogCheck()
    name = Path(changelog.source).name or "changelog"
    for c in changelog.changes:
        if c.date > today:
            out.problems.append(f"{name}: {c.model} {c.field}: dated {c.date.isoformat()}, after today")
    days = sorted({c.date for c in changelog.changes})
    data = catalog_data(catalog)
    if days:  # every line, undone newest first, finds its new value where it says
        out.problems += [f"{name}: {p}" for p in rewind(data, changelog, days[0] - dt.timedelta(days=1)).problems]
    for day in days[:-1]:  # the catalog as of each logged day (a date a link can carry) still validates
        rewound = rewind(data, changelog, day)
        past = parse_catalog(rewound.data, source="rewound", primary=load_primary_sources())
        for section in ("licenses", "providers", "models"):
            kept = {x.id for x in getattr(past, section)}
            for e in rewound.data.get(section) or []:
                if isinstance(e, dict) and e.get("id") not in kept:
                    why = [p for p in past.problems if f"({e.get('id')})" in p][:3]
                    out.problems.append(
                        f"{name}: the catalog as of {day.isoformat()}, rebuilt by undoing the later lines, has an invalid "
                        f"{subject_name(section, str(e.get('id')))}: " + ("; ".join(why) or "it does not validate")
                    )
    if compare_git:
        if previous is None:
            previous, why = previous_version(catalog_path, git=git)
            if previous is None:
                out.notes.append(f"the check against the previous git version of the catalog was skipped: {why}")
        if previous is not None:
            try:
                before = parse_catalog_text(previous.text, f"{previous.ref}:models.yaml", load_primary_sources())
            except InvalidData as e:
                out.notes.append(f"the previous git version ({previous.ref}) could not be read, so it was not compared: {'; '.join(e.problems[:2])}")
            else:
                edits = diff(catalog_data(before), catalog_data(catalog))
                out.since = previous.day
                out.pending = unlogged(edits, changelog.changes, previous.day)
                for e in out.pending:
                    out.problems.append(
                        f"{e.model} {e.field}: changed since the previous version ({previous.ref}, {previous.day.isoformat()}) "
                        f"from {_show(e.old)} to {_show(e.new)}, with no line in {name} dated on or after {previous.day.isoformat()}"
                    )
                out.summary = f"{len(edits)} edit(s) since {previous.ref} ({previous.day.isoformat()}), each with its line"
    version = changelog.version
    lead = f"changelog: {len(changelog.changes)} line(s), catalog dated {version.isoformat() if version else 'unknown'}"
    out.summary = lead + (f"; {out.summary}" if out.summary else "")
    return out


def pending_lines(edits: Iterable[Edit], catalog: Catalog, day: dt.date) -> list[dict[str, Any]]:
    """Changelog lines for edits that have none, ready to append (the source is the entry's own,
    to be replaced by the page the change was read on)."""
    out = []
    for e in edits:
        out.append({"date": day, "model": e.model, "field": e.field, "old": _plain(e.old), "new": _plain(e.new), "source": source_of(catalog, e.model, e.field)})
    return out


def dump_lines(lines: list[dict[str, Any]]) -> str:
    """Changelog lines as YAML, without the anchors and aliases that the reader refuses."""
    import yaml

    class NoAliases(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    return yaml.dump(lines, Dumper=NoAliases, sort_keys=False, allow_unicode=True, width=120) if lines else ""


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def source_of(catalog: Catalog, model: str, field: str) -> str:
    """The page in the catalog entry that backs a field: the price row's source, the lifecycle
    source, the restriction's own source, else the entry's first source."""
    section, eid = subject_of(model)
    entry = {"licenses": catalog.license_by_id, "providers": catalog.provider_by_id, "models": catalog.model_by_id}[section].get(eid)
    if entry is None:
        return "https://example.invalid/source-needed"
    kind, seller, name = parse_field(field)
    if section == "models" and kind in ("row", "price"):
        row = next((p for p in entry.prices if p.seller == seller), None)  # type: ignore[union-attr]
        if row is not None:
            return row.source
    if section == "models" and name in ("status", "deprecated_on", "retires_on") and entry.lifecycle_source is not None:  # type: ignore[union-attr]
        return entry.lifecycle_source.url  # type: ignore[union-attr]
    if section == "licenses" and name == "geographic_restrictions" and entry.geographic_restrictions:  # type: ignore[union-attr]
        return entry.geographic_restrictions[0].source.url  # type: ignore[union-attr]
    return entry.sources[0].url
