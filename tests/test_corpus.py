"""`ficlens corpus`: building a DuckDB corpus from a folder + zip of our own works,
then its tables, statistics, queries, Parquet export and dashboard.

One build (two local worker processes) is shared by the module; the crash and
Dask tests build the same corpus again and compare whole databases with it: every
table's rows, less the columns that record when and how fast (analysed, seconds,
failed), which differ between any two runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import psutil
import pytest

from conftest import FIXTURES
from corpus_fixture import ITEMS, STORED, make_corpus
from ficlens import read_bytes
from ficlens.corpus.build import BuildOptions, build_corpus
from ficlens.corpus.schema import DATA_TABLES, SCHEMA_VERSION, column_names
from ficlens.corpus.stats import corpus_stats
from ficlens.corpus.worker import Task, WorkTimeout, analyse_task, time_limit
from ficlens.pipeline import analyze


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = make_corpus(tmp_path_factory.mktemp("corpus") / "src")
    db = root.parent / "corpus.duckdb"
    summary = build_corpus([root], db, BuildOptions(workers=2))
    return root, db, summary


@pytest.fixture(scope="module")
def documents(corpus):
    """The `ficlens analyze` document of a corpus file, made once per file."""
    made: dict[str, dict] = {}

    def document(name: str) -> dict:
        if name not in made:
            path = corpus[0] / name
            made[name] = analyze(read_bytes(path.read_bytes(), str(path)))
        return made[name]

    return document


def rows(db: Path, sql: str, *params) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def relative(root: Path, path: str) -> str:
    return path.replace(f"{root}/", "")


# -- the build ------------------------------------------------------------------------
def test_build_stores_every_distinct_work_once_and_records_the_broken_one(corpus):
    root, db, summary = corpus
    assert (summary.total, summary.stored, summary.failed, summary.skipped) == (ITEMS, STORED, 1, 1)
    assert [relative(root, p) for p in summary.ignored] == ["works/notes.json"]
    assert [relative(root, f.path) for f in summary.failures] == ["works/broken.html"]
    assert not summary.ok
    assert rows(db, "SELECT count(*), count(DISTINCT work_id) FROM works") == [(STORED, STORED)]


def test_works_table_holds_each_work_with_its_metadata(corpus):
    root, db, _ = corpus
    got = [(relative(root, r[0]), *r[1:]) for r in rows(db, """
        SELECT path, format, title, rating, language, CAST(published AS VARCHAR), words, chapters
        FROM works ORDER BY path""")]
    # The duplicate of oneshot_2024.html is stored under the path met first (the zip
    # sorts before works/); the loose copy was skipped as the same content.
    assert got == [
        ("batch.zip!again/oneshot_2024.html", "ao3-html", "The Cartographer’s Apprentice",
         "Teen And Up Audiences", "English", "2024-03-09", 76, 1),
        ("batch.zip!collections/anonymous_in_collections.html", "ao3-workpage", "The Long Way Round",
         "General Audiences", "English", "2023-12-24", 40, 1),
        ("batch.zip!dialogue/curly_double.txt", "plaintext", None, None, None, None, 78, 1),
        ("works/ao3/completed_2019.html", "ao3-html", "A Lantern in the Window", "General Audiences",
         None, "2018-02-03", 39, 2),
        ("works/ao3/multichapter_wip_2025.html", "ao3-html", "Saltwater Ledger", "Mature", "English",
         "2025-06-14", 54, 3),
        ("works/epub/cartographer.epub", "ao3-epub", "The Cartographer's Apprentice", "Teen And Up Audiences",
         "English", "2021-02-14", 163, 3),
        ("works/fff/nine_ways_to_fold_a_letter.html", "fanficfare-html", "Nine Ways to Fold a Letter",
         "General Audiences", "English", "2022-08-01", 61, 2),
        ("works/lighthouse.html", "ao3-html", "Keeping the Light", "Teen And Up Audiences", "English",
         "2026-03-14", 4169, 4),
        ("works/pages/full_work_complete.html", "ao3-workpage", "Salt & Lantern", "Teen And Up Audiences",
         "English", "2021-03-14", 182, 3),
        ("works/text/cartographer.md", "markdown", "The Cartographer's Apprentice", None, "English", None, 156, 2),
        ("works/text/quiet_orbit.txt", "plaintext", "The Quiet Orbit", "Teen And Up Audiences", "English",
         "2021-04-02", 113, 2),
    ]


def test_work_id_is_the_sha256_of_the_file(corpus):
    root, db, _ = corpus
    data = (root / "works/lighthouse.html").read_bytes()
    assert rows(db, "SELECT path FROM works WHERE work_id = ?", hashlib.sha256(data).hexdigest()) == [
        (str(root / "works/lighthouse.html"),)]


def test_tags_keep_type_order_and_relationship_members(corpus):
    _, db, _ = corpus
    got = rows(db, """SELECT type, position, name, members, kind FROM tags
                      WHERE work_id = (SELECT work_id FROM works WHERE path LIKE '%again/oneshot_2024.html')
                      ORDER BY type, position""")
    assert got == [
        ("category", 1, "F/M", None, None),
        ("category", 2, "Gen", None, None),
        ("character", 1, "Ilse Marren", None, None),
        ("character", 2, "Tobiah Vance", None, None),
        ("character", 3, "Cass Dunmore", None, None),
        ("character", 4, "Old Pell", None, None),
        ("fandom", 1, "The Lanternwright Chronicles", None, None),
        ("freeform", 1, "Fluff", None, None),
        ("freeform", 2, "Hurt/Comfort", None, None),
        ("freeform", 3, "Maps", None, None),
        ("freeform", 4, "Found Family", None, None),
        ("rating", 1, "Teen And Up Audiences", None, None),
        ("relationship", 1, "Ilse Marren/Tobiah Vance", ["Ilse Marren", "Tobiah Vance"], "romantic"),
        ("relationship", 2, "Ilse Marren/Tobiah Vance/Cass Dunmore",
         ["Ilse Marren", "Tobiah Vance", "Cass Dunmore"], "romantic"),
        ("relationship", 3, "Ilse Marren & Old Pell", ["Ilse Marren", "Old Pell"], "platonic"),
        ("warning", 1, "Creator Chose Not To Use Archive Warnings", None, None),
    ]


def test_failures_table_names_the_file_its_hash_and_the_error(corpus):
    root, db, _ = corpus
    data = (FIXTURES / "bad/not_a_fan_work.html").read_bytes()
    assert [(relative(root, p), w, e) for p, w, e in rows(db, "SELECT path, work_id, error FROM failures")] == [
        ("works/broken.html", hashlib.sha256(data).hexdigest(),
         "HTML page is not a fan work ficlens knows (no AO3 download, work page, chapter text or "
         "FanFicFare markup found)"),
    ]


def test_layer_tables_equal_what_analyze_writes_for_the_same_file(corpus, documents):
    """Characters, aliases, quotes and chapters in the database are the JSON document's."""
    root, db, _ = corpus
    for name in ("works/lighthouse.html", "works/text/quiet_orbit.txt", "works/epub/cartographer.epub"):
        path = root / name
        doc = documents(name)
        work_id = hashlib.sha256(path.read_bytes()).hexdigest()
        assert rows(db, "SELECT character_id, name, gender, mentions, quotes, tagged FROM characters "
                        "WHERE work_id = ? ORDER BY character_id", work_id) == sorted(
            (c["id"], c["name"], c["gender"], c["mentions"], c["quotes"], c["tagged"]) for c in doc["characters"])
        assert rows(db, "SELECT character_id, alias FROM aliases WHERE work_id = ? ORDER BY ALL", work_id) == sorted(
            (c["id"], a) for c in doc["characters"] for a in c["aliases"])
        assert rows(db, "SELECT quote_id, chapter, spans, text, speaker, addressees, kind FROM quotes "
                        "WHERE work_id = ? ORDER BY chapter, start", work_id) == [
            (q["id"], q["chapter"], q["spans"], q["text"], q["speaker"], q["addressees"], q["kind"])
            for q in doc["quotes"]]
        assert rows(db, "SELECT chapter, title, text FROM chapters WHERE work_id = ? ORDER BY chapter", work_id) == [
            (c["index"], c["title"], c["text"]) for c in doc["chapters"]]


def test_narrative_tables_equal_the_json_layers(corpus, documents):
    """interactions, places, times (and scenes, when that layer runs) as `analyze` writes them."""
    root, db, _ = corpus
    doc = documents("works/lighthouse.html")
    work_id = hashlib.sha256((root / "works/lighthouse.html").read_bytes()).hexdigest()
    interactions = doc["interactions"]
    assert rows(db, """SELECT a, b, weight, lines_a_to_b, lines_b_to_a, mentions_a_of_b, mentions_b_of_a,
                              together, unit FROM interactions WHERE work_id = ? ORDER BY ALL""", work_id) == sorted(
        (p["a"], p["b"], p["weight"], p["lines_a_to_b"], p["lines_b_to_a"], p["mentions_a_of_b"],
         p["mentions_b_of_a"], len(p["together"]), interactions["unit"]) for p in interactions["pairs"])
    assert len(interactions["pairs"]) > 3
    assert rows(db, "SELECT place_id, name, kind, mentions, scenes FROM places WHERE work_id = ? ORDER BY ALL",
                work_id) == sorted((p["id"], p["name"], p["kind"], len(p["mentions"]), p["scenes"])
                                   for p in doc["places"])
    assert rows(db, """SELECT time_id, chapter, start, "end", text, kind, value FROM times
                       WHERE work_id = ? ORDER BY ALL""", work_id) == sorted(
        (t["id"], t["chapter"], t["start"], t["end"], t["text"], t["kind"], t["value"]) for t in doc["times"])
    assert rows(db, """SELECT scene_id, chapter, start, "end", boundary, characters, place, time FROM scenes
                       WHERE work_id = ? ORDER BY ALL""", work_id) == sorted(
        (c["id"], c["chapter"], c["start"], c["end"], c["boundary"], c["characters"], c["place"], c["time"])
        for c in doc["scenes"])
    assert doc["places"] and doc["times"]  # the example work has both: the comparison is not vacuous


def test_quote_spans_point_into_the_stored_chapter_text(corpus):
    _, db, _ = corpus
    checked = 0
    for spans, text, chapter_text in rows(db, """SELECT q.spans, q.text, c.text FROM quotes q
            JOIN chapters c ON c.work_id = q.work_id AND c.chapter = q.chapter"""):
        pieces = [chapter_text[s:e] for s, e in spans]
        assert all(piece and piece in text for piece in pieces)
        checked += 1
    assert checked == rows(db, "SELECT count(*) FROM quotes")[0][0] > 100


def test_dialogue_share_sums_to_one_per_work_with_attributed_lines(corpus):
    _, db, _ = corpus
    for work_id, share, lines in rows(db, "SELECT work_id, sum(dialogue_share), sum(quotes) FROM characters GROUP BY work_id"):
        assert share == pytest.approx(1.0, abs=0.01) if lines else share == 0


def test_a_rerun_stores_nothing_and_still_reports_the_failure(corpus, tmp_path):
    root, db, _ = corpus
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(db.read_bytes())
    again = build_corpus([root], copy, BuildOptions(workers=2))
    assert (again.stored, again.failed, again.skipped) == (0, 0, ITEMS)
    assert [relative(root, f.path) for f in again.failures] == ["works/broken.html"]
    assert rows(copy, "SELECT count(*) FROM works") == [(STORED,)]
    assert rows(copy, "SELECT count(*) FROM failures") == [(1,)]


def test_every_table_of_the_schema_exists_with_its_version(corpus):
    _, db, _ = corpus
    assert rows(db, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    for table in DATA_TABLES:
        assert [r[0] for r in rows(db, f"DESCRIBE {table}")] == column_names(table)


# -- statistics -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def stats(corpus):
    return {t.name: t for t in corpus_stats(corpus[1], top=20)}


def test_works_by_rating_warning_category_language_year(stats):
    assert stats["rating"].rows == [("Teen And Up Audiences", 5), ("General Audiences", 3), ("(none)", 2),
                                    ("Mature", 1)]
    assert stats["warning"].rows == [("No Archive Warnings Apply", 6), ("Choose Not To Use Archive Warnings", 1),
                                     ("Creator Chose Not To Use Archive Warnings", 1),
                                     ("Graphic Depictions Of Violence", 1), ("Major Character Death", 1)]
    assert stats["category"].rows == [("Gen", 7), ("F/M", 3), ("F/F", 2), ("M/M", 2)]
    assert stats["language"].rows == [("English", 9), ("(not stated)", 2)]
    assert stats["year"].rows == [("(unknown)", 2), ("2018", 1), ("2021", 3), ("2022", 1), ("2023", 1),
                                  ("2024", 1), ("2025", 1), ("2026", 1)]


def test_top_fandoms(stats):
    assert stats["fandoms"].rows[:3] == [("The Lanternwright Chronicles", 3), ("Saltmarsh Academy (Web Series)", 2),
                                         ("Orchard Hollow (Video Game)", 1)]
    assert len(stats["fandoms"].rows) == 8


def test_pairings_split_romantic_platonic_with_poly_ships_expanded(stats):
    romantic = dict((pair, (works, via_poly)) for pair, works, via_poly in stats["romantic"].rows)
    # Ilse/Tobiah/Cass (oneshot) gives three pairs; Ilse/Tobiah is also tagged on its own.
    assert romantic["Ilse Marren/Tobiah Vance"] == (1, 0)
    assert romantic["Cass Dunmore/Ilse Marren"] == (1, 1)
    assert romantic["Cass Dunmore/Tobiah Vance"] == (1, 1)
    # Noor/Sefa/Ravi (a work page in the zip): only through the poly ship.
    assert {p: v for p, v in romantic.items() if "Noor" in p} == {
        "Noor Haddad/Ravi Coil": (1, 1), "Noor Haddad/Sefa Lind": (1, 1)}
    assert romantic["Ravi Coil/Sefa Lind"] == (1, 1)
    assert len(romantic) == 13
    assert [r[0] for r in stats["platonic"].rows] == [
        "Cass Dunmore & Ilse Marren", "Ilse Marren & Old Pell", "Ines Calloway & Pell Tarrant",
        "Ines Marrow & The Harbormaster", "Margaret Thorne & Tom Pellow", "Noor Haddad & Sefa Lind"]


def test_tag_cooccurrence_counts_works_and_lift(stats):
    table = stats["cooccurrence"]
    assert table.columns == ["tag_a", "tag_b", "works", "lift"]
    # Found Family and Hurt/Comfort are both on exactly the same 3 of 11 works: lift 11/3.
    assert table.rows[0] == ("Found Family (freeform)", "Hurt/Comfort (freeform)", 3, 3.67)
    # Cass and Ilse are each tagged on 2 works, both times together: lift 11*2/(2*2).
    assert ("Cass Dunmore (character)", "Ilse Marren (character)", 2, 5.5) in table.rows
    assert all(works >= 2 for _, _, works, _ in table.rows)


def test_characters_tagged_against_text_prominence(stats, documents):
    by_name = {r[0]: r[1:] for r in stats["characters"].rows}
    doc = documents("works/lighthouse.html")
    margaret = next(c for c in doc["characters"] if c["name"] == "Margaret Thorne")
    attributed = sum(c["quotes"] for c in doc["characters"])
    assert by_name["Margaret Thorne"] == (1, 1, margaret["mentions"], margaret["quotes"],
                                          round(margaret["quotes"] / attributed, 3))
    assert by_name["Cass Dunmore"][:2] == (2, 2)  # tagged in two works, found in the text of both


def test_dialogue_share_by_gender_adds_up(corpus, stats):
    _, db, _ = corpus
    table = stats["gender"]
    expected = dict(rows(db, """SELECT c.gender, sum(q.words) FROM quotes q JOIN characters c
                                ON c.work_id = q.work_id AND c.character_id = q.speaker GROUP BY c.gender"""))
    total = sum(expected.values())
    assert {g: (w, s) for g, _, _, w, s in table.rows if w} == {
        g: (w, round(w / total, 3)) for g, w in expected.items()}
    assert {r[0] for r in table.rows} >= {"she", "he"}


# -- query, export, report through the CLI ----------------------------------------------
def test_query_prints_table_csv_and_json(corpus, cli):
    _, db, _ = corpus
    sql = "SELECT rating, count(*) AS n FROM works WHERE rating IS NOT NULL GROUP BY rating ORDER BY n DESC, rating"
    assert cli("corpus", "query", "--db", db, "--csv", sql).output == (
        "rating,n\nTeen And Up Audiences,5\nGeneral Audiences,3\nMature,1\n")
    assert json.loads(cli("corpus", "query", "--db", db, "--json", sql).output)[0] == {
        "rating": "Teen And Up Audiences", "n": 5}
    table = cli("corpus", "query", "--db", db, sql)
    assert table.exit_code == 0 and "General Audiences" in table.output


def test_query_is_read_only_and_errors_are_one_line(corpus, cli, tmp_path):
    _, db, _ = corpus
    result = cli("corpus", "query", "--db", db, "DELETE FROM works")
    assert result.exit_code == 2
    assert "query failed" in result.output and "read-only" in result.output.lower()
    assert len(result.output.strip().splitlines()) == 1
    missing = cli("corpus", "query", "--db", tmp_path / "none.duckdb", "SELECT 1")
    assert missing.exit_code == 2 and "no such database" in missing.output
    bad = cli("corpus", "query", "--db", db, "SELEKT 1")
    assert bad.exit_code == 2 and bad.output.startswith("ficlens: error:")


def test_export_writes_one_parquet_file_per_table(corpus, cli, tmp_path):
    import pyarrow.parquet as pq

    _, db, _ = corpus
    result = cli("corpus", "export", "--db", db, "--parquet", tmp_path / "pq")
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in (tmp_path / "pq").glob("*.parquet")) == sorted(["schema_version", *DATA_TABLES])
    works = pq.read_table(tmp_path / "pq" / "works.parquet")
    assert works.num_rows == STORED and works.column_names == column_names("works")
    assert pq.read_table(tmp_path / "pq" / "quotes.parquet").num_rows == rows(db, "SELECT count(*) FROM quotes")[0][0]


def test_stats_command_prints_every_table(corpus, cli):
    _, db, _ = corpus
    result = cli("corpus", "stats", "--db", db, "--only", "rating,platonic", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert list(data) == ["rating", "platonic"]
    assert data["rating"]["rows"][0] == {"rating": "Teen And Up Audiences", "works": 5}
    assert cli("corpus", "stats", "--db", db, "--only", "nonsense").exit_code == 2


def test_report_is_one_self_contained_page_with_charts(corpus, cli, tmp_path):
    _, db, _ = corpus
    out = tmp_path / "corpus.html"
    result = cli("corpus", "report", "--db", db, "-o", out)
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing fetched
    assert "<script" not in page
    # One bar per row of each charted table: the rating chart has four.
    rating = page.split('id="rating"')[1].split("</section>")[0]
    assert rating.count("<rect") == 4 and "Teen And Up Audiences" in rating
    assert "Margaret Thorne &amp; Tom Pellow" in page and "Margaret Thorne & Tom" not in page


# -- time limit -----------------------------------------------------------------------
def test_time_limit_interrupts_python_code_and_leaves_nothing_pending():
    import time

    with pytest.raises(WorkTimeout):
        with time_limit(0.05):
            while True:
                pass
    with time_limit(0.05):
        pass
    time.sleep(0.1)  # the cancelled timer must not fire afterwards


def test_a_work_over_the_time_limit_fails_with_a_clear_error(corpus):
    root, _, _ = corpus
    path = root / "works/lighthouse.html"
    result = analyse_task(Task(0, "id", str(path), path.read_bytes(), timeout=0.05))
    assert result.rows is None
    assert result.error == "analysis took longer than the 0.05 s limit per work"


# -- surviving a SIGKILL; the same database from a Dask cluster ---------------------------
VOLATILE = {"analysed", "seconds", "failed"}


def contents(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, without the volatile columns."""
    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for table in DATA_TABLES:
            columns = ", ".join(f'"{c}"' for c in column_names(table) if c not in VOLATILE)
            out[table] = con.execute(f"SELECT {columns} FROM {table} ORDER BY ALL").fetchall()
    return out


@pytest.fixture(scope="module")
def reference(corpus) -> dict[str, list[tuple]]:
    return contents(corpus[1])


@pytest.fixture(scope="module")
def source(corpus) -> Path:
    return corpus[0]


def build_command(source: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "ficlens", "corpus", "build", str(source), "--db", str(db), "--workers", "1"]


def test_a_build_killed_part_way_resumes_and_stores_every_work_once(source, reference, tmp_path):
    db = tmp_path / "crash.duckdb"
    # Not a terminal: the build prints one line per work, which tells us when to kill it.
    proc = subprocess.Popen(build_command(source, db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    finished_lines = 0
    try:
        for line in proc.stderr:
            finished_lines += line.startswith(("stored ", "failed "))
            if finished_lines == 3:
                break
        helpers = psutil.Process(proc.pid).children(recursive=True)  # fork server, workers
    finally:
        os.kill(proc.pid, signal.SIGKILL)  # the coordinator only, as an OOM killer would
        proc.wait()
        proc.stderr.close()
    assert finished_lines == 3, "the build ended before it could be killed part-way"
    _, alive = psutil.wait_procs(helpers, timeout=15)
    assert not alive, f"worker processes outlived the killed build: {alive}"

    with duckdb.connect(str(db), read_only=True) as con:
        done = con.execute("SELECT count(*) FROM works").fetchall()[0][0]
        failed = con.execute("SELECT count(*) FROM failures").fetchall()[0][0]
    assert 2 <= done + failed and done < STORED  # part-way; nothing half-written blocks opening the file

    rerun = subprocess.run(build_command(source, db), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 1, rerun.stderr  # the broken file's failure still counts
    skipped = ITEMS - (STORED - done) - (1 - failed)
    assert f"{STORED - done} stored, {1 - failed} failed, {skipped} skipped of {ITEMS}" in rerun.stderr
    assert contents(db) == reference

    again = subprocess.run(build_command(source, db), capture_output=True, text=True, timeout=300)
    assert again.returncode == 1 and f"0 stored, 0 failed, {ITEMS} skipped of {ITEMS}" in again.stderr
    assert contents(db) == reference


def test_every_stored_work_is_whole(source, reference):
    """Child rows agree with the counts on the works row: no work is half-written."""
    works = {r[0]: r for r in reference["works"]}
    assert len(works) == STORED
    chapters = {}
    for row in reference["chapters"]:
        chapters[row[0]] = chapters.get(row[0], 0) + 1
    cols = [c for c in column_names("works") if c not in VOLATILE]
    for work_id, row in works.items():
        assert chapters[work_id] == row[cols.index("chapters")]
        quotes = sum(1 for q in reference["quotes"] if q[0] == work_id)
        assert quotes == row[cols.index("quotes")]


def test_a_dask_cluster_builds_the_same_database(source, reference, tmp_path):
    from distributed import LocalCluster

    db = tmp_path / "dask.duckdb"
    started = time.monotonic()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster:  # loopback only, any free port
        summary = build_corpus([source], db, BuildOptions(scheduler=cluster.scheduler_address))
    assert (summary.stored, summary.failed, summary.skipped) == (STORED, 1, 1)
    assert contents(db) == reference
    assert time.monotonic() - started < 120
