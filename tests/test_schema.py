"""Every document ficlens writes validates against the shipped JSON Schema, and
every span points inside its chapter's text."""

from __future__ import annotations

import json

import jsonschema
import pytest

from conftest import readable_fixture_files
from ficlens import analyze, read_work
from ficlens.export.document import load_schema, validate


def test_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(load_schema())


@pytest.mark.parametrize("path", readable_fixture_files(), ids=lambda p: p.name)
def test_every_fixture_document_validates(path):
    doc = analyze(read_work(path))
    validate(json.loads(json.dumps(doc)))  # exactly what is written to disk
    for chapter in doc["chapters"]:
        n = len(chapter["text"])
        previous_end = 0
        for p in chapter["paragraphs"]:
            assert previous_end <= p["start"] < p["end"] <= n
            text = chapter["text"][p["start"]:p["end"]]
            assert text == text.strip() and "\n\n" not in text
            previous_end = p["end"]
        for s in chapter["styles"]:
            assert 0 <= s["start"] < s["end"] <= n
        for b in chapter["scene_breaks"]:
            assert b["offset"] in {p["start"] for p in chapter["paragraphs"]}


def test_schema_rejects_a_broken_document(tmp_path):
    doc = {"schema": "ficlens/1", "work": {}, "chapters": []}
    with pytest.raises(jsonschema.ValidationError):
        validate(doc)
