"""Hostile input for `import_site` (Hypothesis, derandomized).

10,000+ generated inputs a run: 5,000 manifests (wrong types, missing or unknown files, bad
counts and checksums, truncated, wrong encodings, deep nesting) through `read_manifest`, 5,000
JSON Lines files (truncated lines, wrong encodings, records of the wrong shape, huge fields)
through the record reader and the value checks, and 30 whole exports of hostile records through
`import_site` into the database. Nothing may raise but `ManifestError` naming the file, or
`ItemError` naming the field, and each failed record is reported by file, line and reason.
"""

import hashlib
import json
import re
import tempfile
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.importers.export import FILES, FORMAT, MANIFEST, VERSION
from newsdesk.importers.runner import ItemError
from newsdesk.importers.site_import import (
    ManifestError,
    SiteImport,
    day,
    moment,
    read_manifest,
    text,
)

RUN = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
RAW = re.compile(r"^[A-Z]\w*(Error|Exception)\b: ")  # the runner's form for raw exceptions
VALUE = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=20)
    | st.sampled_from(["2024-03-14T09:30:00Z", "2024-02-30T09:30:00Z", "2024-03-14",
                       "2024-13-01", "9999-12-31T23:59:59+14:00", "x" * 100_000, "", "article:1",
                       "image:nope", "person:1", "section:1", "tag:1", "comment:1"]),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids, max_size=3),
    max_leaves=8,
)  # fmt: skip
FIELDS = [
    "id", "name", "slug", "title", "status", "body", "section", "bylines", "credits", "tags",
    "related", "first_published_at", "go_live_at", "updated_at", "dateline_date", "lead_image",
    "article", "parent", "created_at", "reader_key", "stars", "kind", "noted_at", "text",
    "withdrawn_at", "withdrawn_reason", "file", "focal_point", "photo", "author_name", "role",
]  # fmt: skip
RECORD = st.dictionaries(st.sampled_from(FIELDS), VALUE, max_size=10)
SCRATCH = Path(tempfile.mkdtemp(prefix="site-import-properties-"))


def good_manifest(files: dict[str, bytes]) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "source": "copy",
        "files": {
            name: {"count": data.count(b"\n"), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in files.items()
        },
    }


def spoil(manifest: dict, key: str, value) -> dict:
    spoilt = json.loads(json.dumps(manifest))
    if key.startswith("files."):
        name = key.removeprefix("files.")
        spoilt["files"][name] = value if value != "drop" else None
        if value == "drop":
            del spoilt["files"][name]
    else:
        spoilt[key] = value
    return spoilt


KEYS = st.sampled_from(["format", "version", "source", "files"] + [f"files.{n}" for n in FILES])


@settings(RUN, max_examples=5_000)
@given(
    key=KEYS,
    value=VALUE | st.just("drop"),
    cut=st.integers(0, 300),
    encoding=st.sampled_from(["utf-8", "utf-16", "latin-1"]),
    change=st.sampled_from([None, *FILES]),
)
def test_manifests_read_or_fail_naming_the_file(key, value, cut, encoding, change):
    files = dict.fromkeys(FILES, b'{"id": "x"}\n')
    for name, data in files.items():
        if name == change or not (SCRATCH / name).exists():
            (SCRATCH / name).write_bytes(data if name != change else b'{"id": "y"}\n')
    manifest = json.dumps(spoil(good_manifest(files), key, value), ensure_ascii=False)
    for blob in (manifest.encode(encoding, "replace"), manifest.encode()[:cut]):
        (SCRATCH / MANIFEST).write_bytes(blob)
        try:
            read_manifest(SCRATCH)
        except ManifestError as error:
            assert str(error).startswith(str(SCRATCH)), error
    if change:
        (SCRATCH / change).write_bytes(files[change])


def test_a_deeply_nested_manifest_is_refused_by_name():
    (SCRATCH / MANIFEST).write_bytes(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(ManifestError, match="manifest.json: "):
        read_manifest(SCRATCH)


LINE = st.one_of(
    RECORD.map(lambda r: json.dumps(r).encode()),
    VALUE.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=40),
    st.sampled_from([b'{"id": "x"', b"\xff\xfe{", b"[" * 5_000 + b"]" * 5_000, b"", b"{}"]),
)


@settings(RUN, max_examples=5_000)
@given(lines=st.lists(LINE, max_size=6), cut=st.integers(0, 200))
def test_record_files_read_line_by_line_or_fail_by_line(lines, cut):
    blob = b"\n".join(lines)
    for data in (blob, blob[:cut]):
        (SCRATCH / "tags.jsonl").write_bytes(data)
        items = list(SiteImport(directory=SCRATCH, source="copy").read("tags.jsonl", "tag"))
        assert len(items) == len(BytesIO(data).readlines())
        for number, item in enumerate(items, start=1):
            assert item.file == f"tags.jsonl:{number}"
            if isinstance(item.data, Exception):
                assert isinstance(item.data, ItemError) and str(item.data)
                continue
            for field, value in item.data[1].items():
                for check in (moment, day):
                    try:
                        check(value, field)
                    except ItemError as error:
                        assert str(error).startswith(f"{field}: ")
                try:
                    text(item.data[1], field)
                except ItemError as error:
                    assert str(error).startswith(f"{field}: ")


# Whole exports into the database ----------------------------------------------------------

EXPORT = st.fixed_dictionaries(
    {name: st.lists(RECORD, max_size=3) for name in FILES}
)  # fmt: skip
GOOD = {
    "sections.jsonl": [{"id": "section:1", "title": "News", "slug": "news"}],
    "articles.jsonl": [{"id": "article:1", "title": "Safe", "slug": "safe", "status": "draft",
                        "section": "section:1", "body": []}],
}  # fmt: skip


@pytest.mark.django_db
@settings(RUN, max_examples=30)
@given(export=EXPORT)
def test_whole_exports_import_or_fail_each_record_clearly(export, tmp_path_factory):
    directory = tmp_path_factory.mktemp("export")
    files = {}
    for name, records in export.items():
        records = GOOD.get(name, []) + [{"id": f"{FILES[name]}:9", **r} for r in records]
        files[name] = b"".join(json.dumps(r).encode() + b"\n" for r in records)
        (directory / name).write_bytes(files[name])
    (directory / MANIFEST).write_text(json.dumps(good_manifest(files)))
    out = StringIO()
    try:
        call_command(
            "import_site", str(directory), "--source", "copy", stdout=out, stderr=StringIO()
        )
    except CommandError as error:
        assert re.match(r"^\d+ item\(s\) failed", str(error)), error
    summary = out.getvalue()
    for line in summary.splitlines():
        if line.strip().startswith("FAILED "):
            where, _, rest = line.strip().removeprefix("FAILED ").partition(": ")
            assert re.match(r"^\w+\.jsonl:\d+$", where), line
            _item, _, reason = rest.partition(": ")
            assert reason and not RAW.match(reason), line
    assert "article: " in summary, summary  # the safe article got in beside the bad ones
