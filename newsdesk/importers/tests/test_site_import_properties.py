"""Hostile input for `import_site` (Hypothesis, derandomized).

10,000+ generated inputs a run: 5,000 manifests (wrong types, missing or unknown files, bad
counts and checksums, truncated, wrong encodings, deep nesting) through `read_manifest`, 5,000
JSON Lines files (truncated lines, wrong encodings, records of the wrong shape, huge fields)
through the record reader and the value checks, and 30 whole exports of hostile records through
`import_site` into the database, and 300 records that are right but for one field of the wrong
JSON type (text for a list, numbers for ids, an object for text, null for a list...). Nothing
may raise but `ManifestError` naming the file, or `ItemError` naming the field, and each failed
record is reported by file, line, id and reason.
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

from newsdesk.importers import site_values
from newsdesk.importers.export import FILES, FORMAT, MANIFEST, VERSION
from newsdesk.importers.runner import ItemError, SourceItem, run_import
from newsdesk.importers.site_import import ManifestError, SiteImport, read_manifest
from newsdesk.importers.site_values import day, json_type, listed, mapping, moment, text

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
                for check in (text, listed, mapping, site_values.number):
                    try:
                        check(item.data[1], field)
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


# Right records with one field of the wrong type ------------------------------------------

PNG = (  # a 1x1 PNG
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
    b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe"
    b"\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)
BASE = {  # what the records below refer to, imported first
    "tags.jsonl": {"id": "tag:1", "name": "Harbour", "slug": "harbour"},
    "people.jsonl": {"id": "person:1", "name": "Ada Quay", "slug": "ada-quay"},
    "sections.jsonl": {"id": "section:1", "title": "Harbour news", "slug": "harbour-news"},
    "articles.jsonl": {"id": "article:1", "title": "Base", "slug": "base", "status": "draft",
                       "section": "section:1"},
}  # fmt: skip
RIGHT = {  # one right record of each kind, with every field it can have
    "images.jsonl": {"id": "image:7", "file": "images/7-dot.png",
                     "sha256": hashlib.sha256(PNG).hexdigest(), "title": "Dot", "caption": "",
                     "credit": "", "credit_url": "", "alt_text": "A dot", "description": "",
                     "focal_point": {"x": 0, "y": 0, "width": 1, "height": 1},
                     "created_at": "2024-03-14T09:30:00+00:00"},
    "tags.jsonl": {"id": "tag:7", "name": "Tides", "slug": "tides"},
    "people.jsonl": {"id": "person:7", "name": "Ben Tide", "slug": "ben-tide", "role": "",
                     "location": "", "email": "", "website": "", "bio_html": "<p>Hi.</p>",
                     "kind": "author", "photo": None},
    "sections.jsonl": {"id": "section:7", "title": "Tides", "slug": "tides-section",
                       "intro": "", "show_in_menus": True},
    "pages.jsonl": {"id": "page:7", "parent": None, "status": "published", "title": "About",
                    "slug": "about-typed", "intro": "", "seo_title": "", "search_description": "",
                    "show_in_menus": False, "first_published_at": "2024-03-14T09:30:00+00:00",
                    "body": [{"type": "paragraph", "value": "<p>Who we are.</p>"}]},
    "articles.jsonl": {"id": "article:7", "section": "section:1", "status": "draft",
                       "title": "Typed", "slug": "typed", "dek": "", "kicker": "",
                       "article_type": "news", "bylines": ["person:1"], "byline_text": "",
                       "credits": [{"role": "editor", "person": "person:1", "name": ""}],
                       "dateline_place": "", "dateline_date": "2024-03-14", "lead_image": None,
                       "lead_image_caption": "", "lead_image_credit": "",
                       "body": [{"type": "paragraph", "value": "<p>Text.</p>", "id": "b1"},
                                {"type": "related_link",
                                 "value": {"page": "article:1", "url": "", "title": ""}}],
                       "tags": ["tag:1"], "related": ["article:1"], "seo_title": "",
                       "search_description": "", "social_image": None, "comments_mode": "open",
                       "first_published_at": None, "go_live_at": None, "updated_at": None},
    "notes.jsonl": {"id": "note:7", "article": "article:1", "kind": "correction",
                    "noted_at": "2024-03-14T09:30:00+00:00", "text": "We got the tide wrong.",
                    "withdrawn_at": None, "withdrawn_reason": "", "created_at": None},
    "comments.jsonl": {"id": "comment:7", "article": "article:1", "parent": None,
                       "author_name": "Reader", "body": "Nice.", "author_email": "",
                       "author_url": "", "created_at": "2024-03-14T09:30:00+00:00",
                       "status": "approved", "is_staff_reply": False, "is_pinned": False,
                       "is_highlighted": False, "hold_reason": "", "removal_reason": "",
                       "moderated_at": None},
    "ratings.jsonl": {"id": "rating:7", "article": "article:1", "reader_key": "k" * 64,
                      "stars": 4, "created_at": None, "updated_at": None},
}  # fmt: skip
WRONG = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 10**6), st.floats(allow_nan=False),
    st.text(max_size=4), st.lists(st.none() | st.integers(0, 9) | st.text(max_size=3), max_size=3),
    st.dictionaries(st.sampled_from(["type", "value", "role", "person", "name", "x", "id"]),
                    st.none() | st.integers(0, 9) | st.text(max_size=3), max_size=3),
)  # fmt: skip


@st.composite
def mistyped(draw):
    """(file, record, field): a right record with one field, or one element of a list field,
    or one key of a credit or block, replaced by a value of another type."""
    name = draw(st.sampled_from(sorted(RIGHT)))
    record = json.loads(json.dumps(RIGHT[name]))
    field = draw(st.sampled_from(sorted(set(record) - {"id"})))
    value = draw(WRONG.filter(lambda v: json_type(v) != json_type(record[field])))
    inner = record[field]
    if isinstance(inner, list) and inner and draw(st.booleans()):
        if isinstance(inner[0], dict) and draw(st.booleans()):
            inner[0][draw(st.sampled_from(sorted(inner[0])))] = value
        else:
            inner[0] = value
    else:
        record[field] = value
    return name, record, field


@pytest.mark.django_db
@settings(RUN, max_examples=300)
@given(case=mistyped())
def test_a_field_of_the_wrong_type_fails_its_record_alone_naming_it(case, tmp_path_factory):
    name, record, field = case
    directory = tmp_path_factory.getbasetemp() / "typed-export"
    (directory / "images").mkdir(parents=True, exist_ok=True)
    (directory / "images" / "7-dot.png").write_bytes(PNG)
    importer = SiteImport(directory=directory, source="copy")
    base = [SourceItem(f"{n}:1", r["id"], (FILES[n], r)) for n, r in BASE.items()]
    assert not run_import(base, importer.import_one).failures

    where = f"{name}:2"
    report = run_import(
        [SourceItem(where, record["id"], (FILES[name], record))], importer.import_one
    )
    for failure in report.failures:
        assert str(failure).startswith(f"{where}: {record['id']}: "), failure
        assert not RAW.match(failure.reason), failure  # no TypeError, AttributeError...
        # Null or text may be a right value in the wrong place ("", a dangling id); anything
        # else of the wrong type is named in the reason.
        if not isinstance(record[field], str | type(None)):
            assert field in failure.reason, failure


@pytest.mark.django_db
def test_the_wrong_types_that_used_to_crash_are_named(tmp_path):
    importer = SiteImport(directory=tmp_path, source="copy")
    base = [SourceItem(f"{n}:1", r["id"], (FILES[n], r)) for n, r in BASE.items()]
    assert not run_import(base, importer.import_one).failures
    article = RIGHT["articles.jsonl"]
    cases = {
        "credits: expected a list, got text.": {"credits": "editor: Ada Quay"},
        "credits[0]: expected {role, person, name}, got text.": {"credits": ["Ada Quay"]},
        "credits[0].role: expected text, got a number.": {"credits": [{"role": 3}]},
        "bylines: a number is not the id of a person.": {"bylines": [1]},
        "bylines: expected a list, got a number.": {"bylines": 1},
        "tags: expected a list, got null.": {"tags": None},
        "tags: null is not the id of a tag.": {"tags": [None]},
        "related: a number is not the id of an article.": {"related": [12]},
        "title: expected text, got an object.": {"title": {"en": "Typed"}},
        "body[0]: expected a block {type, value}, got a number.": {"body": [5]},
        "body[0].type: 'poem' is not a block of this body.": {
            "body": [{"type": "poem", "value": "x"}]
        },
        "body[0]: expected text, got a number.": {"body": [{"type": "paragraph", "value": 5}]},
        "body[0].items[1]: expected text, got a list.": {
            "body": [{"type": "fact_box", "value": {"title": "Tides", "items": ["High", [6]]}}]
        },
        "section: a list is not the id of a section.": {"section": ["section:1"]},
    }
    items = [
        SourceItem(f"articles.jsonl:{n}", "article:7", ("article", {**article, **change}))
        for n, change in enumerate(cases.values(), start=2)
    ]
    report = run_import(items, importer.import_one)
    assert [str(f) for f in report.failures] == [
        f"articles.jsonl:{n}: article:7: {reason}" for n, reason in enumerate(cases, start=2)
    ]
    # The same record, right, imports beside them.
    right = SourceItem("articles.jsonl:99", "article:7", ("article", article))
    assert not run_import([right], importer.import_one).failures
