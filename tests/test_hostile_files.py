"""Hostile and careless input (issue 10): loaders and importers only ever raise their typed
error, never block or read forever, never change the file, and what they accept can be
exported in every format and saved again."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_docs import draw_place
from tingxie.core import errors
from tingxie.core import project as proj
from tingxie.core.export import FORMATS, render, to_srt, to_vtt
from tingxie.core.importers import ImportFailed, import_document
from tingxie.core.transcript import Segment, Speaker, Transcript, Word

FUZZ = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def transcript() -> Transcript:
    return Transcript(
        segments=[Segment(1, 0.5, 2.0, "你好，欢迎。", "S1", "Chinese",
                          [Word("你", 0.5, 0.7, 0.9), Word("好", 0.7, 0.9, 0.8)], 0.8, 0.6),
                  Segment(2, 2.5, 4.0, "Thank you.", "S2", "English")],
        speakers=[Speaker("S1", "张伟"), Speaker("S2", "Anna")], language="Chinese",
        duration=10.0)


def project_doc() -> dict:
    return proj.Project(transcript=transcript(), options={"language": "zh"},
                        view={"zoom": 2.0}).to_dict()


def assert_usable(t: Transcript, tmp_path: Path) -> None:
    """What a loader accepted exports in every format and saves."""
    t.check()
    for fmt in FORMATS:
        assert render(t, fmt, date="2026-01-01")
    proj.save(proj.Project(transcript=t), tmp_path / "again.tingxie")
    json.loads((tmp_path / "again.tingxie").read_text("utf-8"))  # strict JSON, no NaN


# -- item 2: regular files only, with a size cap -------------------------------------------


def _returns_within(seconds: float, fn) -> BaseException | None:
    result: list[BaseException | None] = []

    def target():
        try:
            fn()
            result.append(None)
        except BaseException as exc:
            result.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "reading the file blocked"
    return result[0]


@pytest.mark.parametrize("name", ["p.tingxie", "p.srt", "p.json"])
def test_a_link_to_dev_zero_is_refused_at_once(tmp_path, name):
    link = tmp_path / name
    link.symlink_to("/dev/zero")
    read = (lambda: proj.load(link)) if name.endswith(".tingxie") else (
        lambda: import_document(link))
    exc = _returns_within(5, read)
    assert isinstance(exc, (proj.ProjectError, ImportFailed))
    assert "not a regular file but a device" in str(exc)


@pytest.mark.parametrize("name", ["p.tingxie", "p.vtt"])
def test_a_fifo_is_refused_without_blocking(tmp_path, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    read = (lambda: proj.open_project(fifo)) if name.endswith(".tingxie") else (
        lambda: import_document(fifo))
    exc = _returns_within(5, read)
    assert isinstance(exc, (proj.ProjectError, ImportFailed))
    assert "pipe (FIFO)" in str(exc)


def test_a_file_over_the_size_cap_is_refused_with_its_size(tmp_path, monkeypatch):
    monkeypatch.setattr(errors, "MAX_READ_BYTES", 1024 * 1024)
    big = tmp_path / "big.srt"
    big.write_bytes(b"x" * (3 * 1024 * 1024))
    with pytest.raises(ImportFailed, match=r"too large \(3 MB; .* at most 1 MB\)"):
        import_document(big)


# -- item 3: numbers too large, damaged recovery files ---------------------------------------


@pytest.mark.parametrize("token, field", [
    ("1" + "0" * 400, "transcript.segments[0].start"),
    ("1e309", "transcript.segments[0].end"),
    ("9" * 5000, "transcript.duration"),
    ("1" + "0" * 400, "created"),
    ("-1e400", "transcript.segments[0].words[0].confidence"),
])
def test_numbers_no_float_can_hold_name_their_field(tmp_path, token, field):
    doc = project_doc()
    node, key = doc, field
    parts = field.replace("]", "").replace("[", ".").split(".")
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node[part]
    node[parts[-1]] = "@@HUGE@@"
    path = tmp_path / "huge.tingxie"
    raw = json.dumps(doc).replace('"@@HUGE@@"', token).encode()
    path.write_bytes(raw)
    with pytest.raises(proj.ProjectFormatError, match=re.escape(f"“{key}”")):
        proj.load(path)
    assert path.read_bytes() == raw


@pytest.mark.parametrize("damage", ["truncated", "binary", "folder", "deep", "nan-speaker"])
def test_a_damaged_recovery_file_is_set_aside_and_the_project_opens(tmp_path, damage):
    path = tmp_path / "interview.tingxie"
    proj.save(proj.Project(transcript=transcript()), path)
    rec = proj.recovery_path(path)
    time.sleep(0.01)
    if damage == "truncated":
        rec.write_text(json.dumps(project_doc())[:300])
    elif damage == "binary":
        rec.write_bytes(os.urandom(500))
    elif damage == "folder":
        rec.mkdir()
        (rec / "inside").write_text("kept")
    elif damage == "deep":
        rec.write_text("[" * 100_000 + "]" * 100_000)
    else:
        doc = project_doc()
        doc["transcript"]["segments"][0]["speaker"] = 5
        rec.write_text(json.dumps(doc))
    before = sorted(p.name for p in tmp_path.iterdir())

    opened = proj.open_project(path)

    assert opened.project.transcript.segments[0].text == "你好，欢迎。"
    assert opened.recovered is None
    assert opened.recovery_problem and "could not be read" in opened.recovery_problem
    assert not rec.exists()
    kept = [p for p in tmp_path.iterdir() if p.name.startswith(rec.name + ".damaged-")]
    assert len(kept) == 1 and kept[0].name in opened.recovery_problem
    assert len(before) == len(list(tmp_path.iterdir()))  # renamed, nothing deleted
    assert proj.open_project(path).recovery_problem is None  # never again in the way


# -- item 4: what the loader accepts, everything else handles ---------------------------------


def _load_with(tmp_path, edit) -> proj.Project:
    doc = project_doc()
    edit(doc)
    path = tmp_path / "edited.tingxie"
    path.write_text(json.dumps(doc, allow_nan=True))
    return proj.load(path)


@pytest.mark.parametrize("edit, field", [
    (lambda d: d["transcript"]["segments"][0].update(speaker=5), "speaker"),
    (lambda d: d["transcript"].update(duration=float("nan")), "transcript.duration"),
    (lambda d: d["transcript"].update(duration=float("inf")), "transcript.duration"),
    (lambda d: d["transcript"]["segments"][1].update(language=["en"]), "language"),
    (lambda d: d["options"].update(deep=json.loads("[" * 500 + "]" * 500)), "options.deep"),
    (lambda d: d["view"].update(zoom=float("nan")), "view.zoom"),
])
def test_what_later_code_cannot_handle_is_refused_with_the_field_named(tmp_path, edit, field):
    with pytest.raises(proj.ProjectFormatError, match=re.escape(field)):
        _load_with(tmp_path, edit)


def test_a_lone_surrogate_is_replaced_with_a_notice_and_everything_still_works(tmp_path):
    def edit(d):
        d["transcript"]["segments"][1]["text"] = "Thank \ud800you."
        d["transcript"]["speakers"][1]["name"] = "An\udfffna"

    p = _load_with(tmp_path, edit)
    assert p.transcript.segments[1].text == "Thank \ufffdyou."
    assert p.notices and "2 invalid character" in p.notices[0]
    assert_usable(p.transcript, tmp_path)


def test_a_save_never_writes_nan(tmp_path):
    path = tmp_path / "n.tingxie"
    proj.save(proj.Project(transcript=transcript()), path)
    before = path.read_bytes()
    bad = proj.Project(transcript=transcript(), options={"temperature": float("nan")})
    with pytest.raises(proj.ProjectError, match="JSON cannot store"):
        proj.save(bad, path)
    assert path.read_bytes() == before


# -- item 5: subtitle import -----------------------------------------------------------------


@pytest.mark.parametrize("name, head", [("a.srt", "1\n00:00:01,000 --> 00:00:02,000\n"),
                                        ("a.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n")])
def test_a_pathological_cue_imports_in_linear_time(tmp_path, name, head):
    path = tmp_path / name
    path.write_text(head + "<i " * 80_000 + "\n")  # 240 KB
    started = time.process_time()
    t = import_document(path).transcript
    assert time.process_time() - started < 0.5
    assert len(t.segments[0].text) > 200_000


@pytest.mark.parametrize("odd", ["\f", "\u0085", "\u2028"])
def test_line_numbers_stay_right_after_odd_line_separators(tmp_path, odd):
    path = tmp_path / "a.srt"
    path.write_text(f"1\n00:00:01,000 --> 00:00:02,000\nA{odd}B\n\n2\nnot a time\n",
                    encoding="utf-8")
    with pytest.raises(ImportFailed) as caught:
        import_document(path)
    assert caught.value.line == 6


@pytest.mark.parametrize("encoding, text", [
    ("latin-1", "Die Größe der Straße, à la carte"),
    ("cp1252", "“Quoted” – costs 5 €, déjà vu"),
    ("shift_jis", "こんにちは、世界。日本語の字幕です。"),
    ("gb18030", "你好，世界。这是中文字幕。"),
])
def test_non_utf8_subtitles_import_in_their_encoding_and_say_which(tmp_path, encoding, text):
    path = tmp_path / "a.srt"
    path.write_bytes(f"1\n00:00:01,000 --> 00:00:02,000\n{text}\n".encode(encoding))
    imported = import_document(path)
    assert imported.transcript.segments[0].text == text
    assert imported.encoding != "utf-8"
    assert text.encode(imported.encoding) == text.encode(encoding)
    assert any(imported.encoding in n for n in imported.notices)


def test_utf8_and_boms_are_reported_too(tmp_path):
    path = tmp_path / "a.srt"
    body = "1\n00:00:01,000 --> 00:00:02,000\n字幕\n"
    path.write_bytes(body.encode("utf-8"))
    assert import_document(path).encoding == "utf-8"
    path.write_bytes(body.encode("utf-16"))
    assert import_document(path).encoding == "utf-16"


# -- fuzzers: only the typed error, the file unchanged, what is accepted is usable -----------


HOSTILE = ["1" + "0" * 400, "1e309", "-1e999", "NaN", "Infinity", '"\\ud800"', "5",
           "[" * 60 + "]" * 60, '{"a":' * 30 + "1" + "}" * 30, "null", '"x"', "[]", "{}",
           "true", "-0", "1e-400"]


@st.composite
def mutated_json(draw, doc):
    """``doc`` as JSON text with one value somewhere replaced by a hostile token or removed."""
    doc = json.loads(json.dumps(doc))
    parent, key = draw_place(draw, doc, 6)
    if parent is None:
        return json.dumps(doc)
    if draw(st.booleans()) and isinstance(parent, dict) and draw(st.booleans()):
        del parent[key]
        return json.dumps(doc)
    parent[key] = "@@HOSTILE@@"
    return json.dumps(doc, ensure_ascii=False).replace('"@@HOSTILE@@"',
                                                       draw(st.sampled_from(HOSTILE)))


@FUZZ
@given(raw=mutated_json(project_doc()))
def test_fuzz_the_project_loader(tmp_path, raw):
    path = tmp_path / "fuzz.tingxie"
    path.write_bytes(raw.encode("utf-8", "surrogatepass"))
    before = path.read_bytes()
    try:
        p = proj.load(path)
    except proj.ProjectError as exc:
        assert "fuzz.tingxie" in str(exc)
    else:
        assert_usable(p.transcript, tmp_path)
        proj.save(p, tmp_path / "saved.tingxie")
    assert path.read_bytes() == before


@FUZZ
@given(raw=mutated_json(project_doc()) | st.binary(max_size=300).map(
    lambda b: b.decode("latin-1")))
def test_fuzz_the_recovery_reader(tmp_path, raw):
    path = tmp_path / "fuzz.tingxie"
    proj.save(proj.Project(transcript=transcript()), path)
    for old in tmp_path.glob("fuzz.tingxie.recovery*"):
        old.unlink()
    rec = proj.recovery_path(path)
    rec.write_bytes(raw.encode("utf-8", "surrogatepass"))
    before = rec.read_bytes()
    try:
        p = proj.read_recovery(path)
    except proj.DamagedRecovery as exc:
        assert exc.kept_as is not None and exc.kept_as.read_bytes() == before
    else:
        assert rec.read_bytes() == before
        assert_usable(p.transcript, tmp_path)
    opened = proj.open_project(path)  # the project always opens
    assert opened.project.transcript.segments


def _good_import_files() -> dict[str, str]:
    from tingxie.core.export import to_json

    t = transcript()
    return {"a.srt": to_srt(t, preset="as-transcribed"),
            "a.vtt": to_vtt(t, preset="as-transcribed"),
            "a.json": to_json(t, source="a.wav", model="m", options={"language": "zh"})}


GOOD_IMPORTS = _good_import_files()


@FUZZ
@given(name=st.sampled_from(sorted(GOOD_IMPORTS)), data=st.data())
def test_fuzz_the_importers(tmp_path, name, data):
    text = GOOD_IMPORTS[name]
    if name.endswith(".json"):
        raw = data.draw(mutated_json(json.loads(text))).encode("utf-8", "surrogatepass")
    else:
        pos = data.draw(st.integers(0, len(text)))
        insert = data.draw(st.sampled_from(
            ["\x00", "\f", "\u0085", "\u2028", "\n\n", "-->", "<i ", "<v ", "99:99:99,999",
             "\ud800", "\r", "1" * 400, "&#xD800;", "\ufeff"]))
        cut = data.draw(st.integers(0, 20))
        raw = (text[:pos] + insert + text[pos + cut:]).encode("utf-8", "surrogatepass")
    path = tmp_path / name
    path.write_bytes(raw)
    try:
        imported = import_document(path)
    except ImportFailed as exc:
        assert str(path) in str(exc)
    else:
        assert_usable(imported.transcript, tmp_path)
    assert path.read_bytes() == raw

