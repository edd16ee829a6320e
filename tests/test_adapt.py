"""Adapting Qwen3-ASR to a user's corrections (LoRA + distillation) on the tiny checkpoint.

Projects are made here: espeak-ng sentences saved as a WAV, a transcript whose corrected
segments carry ``edited`` and the corrected text, and a few untouched segments with the
model's (wrong) text, which must never become labels. One adaptation run is shared by the
tests that read its result (module fixture); it trains a few hundred tiny steps.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from media import speak
from tingxie.asr import adapt as adapting
from tingxie.asr import adapters
from tingxie.asr.engine import TranscribeOptions
from tingxie.asr.qwen3 import Qwen3ASREngine
from tingxie.core import project as projects
from tingxie.core.audio import save_wav
from tingxie.core.cancel import CancelToken
from tingxie.core.errors import Cancelled
from tingxie.core.transcript import Segment, Transcript

pytest.importorskip("peft")

SENTENCES = [
    "Zhang Wei met us.",
    "The train is late.",
    "Good morning Li Na.",
    "Water on a planet.",
    "Send your questions.",
    "One two three four.",
    "The minister spoke.",
    "Thank you very much.",
]
UNTOUCHED = ["Hello there friends.", "See you tomorrow."]
PAUSE = 0.4
#: Small enough that generating a held-out transcript stays quick with random weights.
SCORE_TOKENS = 24


def make_project(folder: Path, name: str, corrected: list[str], untouched: list[str],
                 context: str = "Zhang Wei, Li Na") -> Path:
    """A saved project over espeak speech: one segment per sentence, ``corrected`` ones
    edited by a person (their text is the truth), ``untouched`` ones with a wrong text."""
    folder.mkdir(parents=True, exist_ok=True)
    pieces, segments, t = [], [], PAUSE
    silence = np.zeros(int(PAUSE * 16000), dtype=np.float32)
    pieces.append(silence)
    for i, text in enumerate([*corrected, *untouched], start=1):
        speech = speak(text, rate=220)
        start, t = t, t + len(speech) / 16000
        edited = i <= len(corrected)
        shown = text if edited else "wrong words here"
        segments.append(Segment(i, round(start, 3), round(t, 3), shown, language="English",
                                edited=edited))
        pieces += [speech, silence]
        t += PAUSE
    audio = np.concatenate(pieces)
    wav = folder / f"{name}.wav"
    save_wav(wav, audio)
    project = projects.Project(transcript=Transcript(segments, language="English",
                                                     duration=len(audio) / 16000),
                               options={"language": "en", "context": context})
    projects.attach_audio(project, wav)
    path = folder / f"{name}.tingxie"
    projects.save(project, path)
    return path


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Tiny steps are all overhead: on a shared 2-core machine, threads only wait."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def settings(**overrides) -> adapting.AdaptSettings:
    # Large, unclipped steps without the KL term: a tiny random model learns in 60 steps.
    base = dict(epochs=40, learning_rate=1e-2, rank=8, lora_dropout=0.0, max_grad_norm=10.0,
                self_kl_weight=0.0, score_max_new_tokens=SCORE_TOKENS, max_steps=60)
    base.update(overrides)
    return adapting.AdaptSettings(**base)


def cer(texts: list[str], truth: list[str]) -> float:
    return adapting.error_rate(truth, texts, "CER")


def transcribe(engine: Qwen3ASREngine, pairs: list[adapting.TrainingPair]) -> list[str]:
    options = TranscribeOptions(language="en", context=pairs[0].context, max_new_tokens=40)
    return [engine.transcribe_batch([p.audio], options)[0].text for p in pairs]


@pytest.fixture(scope="module")
def project_file(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("adapt-project"), "interview", SENTENCES,
                        UNTOUCHED)


@pytest.fixture(scope="module")
def trained(tiny_checkpoint, project_file, tmp_path_factory):
    """One adaptation run: its updates, its result and its pairs (audio loaded)."""
    out = tmp_path_factory.mktemp("adapters") / "interview-adapter"
    pairs = adapting.find_pairs([project_file], settings())
    updates = list(adapting.adapt(pairs, tiny_checkpoint, out, settings=settings(),
                                  device="cpu"))
    return updates, updates[-1].result, pairs


# -- pairs ------------------------------------------------------------------------------------
def test_only_corrected_segments_become_pairs_with_a_deterministic_held_out_split(project_file):
    pairs = adapting.find_pairs([project_file])
    texts = sorted(p.text for p in pairs.pairs)
    assert texts == sorted(SENTENCES)  # the untouched segments' wrong text is never a label
    assert pairs.skipped == {"not corrected by a person": len(UNTOUCHED)}
    assert len(pairs.held_out) == 3 and len(pairs.train) == len(SENTENCES) - 3
    again = adapting.find_pairs([project_file])
    assert [p.segment_id for p in again.held_out] == [p.segment_id for p in pairs.held_out]
    pair = pairs.pairs[0]
    assert pair.language == "English" and pair.context == "Zhang Wei, Li Na"
    assert "8 corrected segments" in pairs.describe()


def test_a_project_given_twice_counts_once_and_is_never_measured_on_what_it_trained_on(
        project_file, tmp_path):
    # `tingxie adapt *.tingxie interview.tingxie`, or a link to a project beside it.
    link = tmp_path / "same interview.tingxie"
    link.symlink_to(project_file)
    roundabout = project_file.parent / ".." / project_file.parent.name / project_file.name
    once = adapting.find_pairs([project_file])
    pairs = adapting.find_pairs([project_file, roundabout, link, project_file])
    assert len(pairs.pairs) == len(SENTENCES) and pairs.projects == [project_file]
    assert [p.segment_id for p in pairs.held_out] == [p.segment_id for p in once.held_out]
    assert "8 corrected segments" in pairs.describe() and "from 1 project(s)" in pairs.describe()
    # Pairs handed over twice (a caller of split_pairs) are used once, never on both sides.
    split = adapting.split_pairs(once.pairs + once.pairs, [project_file], {}, settings())
    assert sorted(p.segment_id for p in split.pairs) == list(range(1, len(SENTENCES) + 1))
    assert not {p.key for p in split.train} & {p.key for p in split.held_out}


def test_a_project_saved_under_a_second_name_counts_each_segment_once(project_file, tmp_path):
    # File > Save As: interview.tingxie and interview-final.tingxie, the same audio.
    folder = tmp_path / "copies"
    folder.mkdir()
    for name in ("interview.tingxie", "interview.wav"):
        shutil.copy(project_file.parent / name, folder / name)
    shutil.copy(folder / "interview.tingxie", folder / "interview-final.tingxie")
    once = adapting.find_pairs([folder / "interview.tingxie"])
    both = adapting.find_pairs([folder / "interview.tingxie", folder / "interview-final.tingxie"])
    assert len(both.pairs) == len(SENTENCES) and len(both.held_out) == 3
    assert "8 corrected segments" in both.describe()
    spans = lambda pairs: {(round(p.start, 3), round(p.end, 3), p.text) for p in pairs}  # noqa: E731
    assert not spans(both.train) & spans(both.held_out)  # never measured on what it learnt
    assert spans(both.held_out) == spans(once.held_out)


def test_tingxie_adapt_says_a_project_given_twice_is_used_once(tiny_checkpoint, tmp_path,
                                                               capsys):
    from tingxie.cli import main

    path = make_project(tmp_path, "raw", [], UNTOUCHED)
    code = main(["adapt", str(path), str(path), "--model", str(tiny_checkpoint), "-o",
                 str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 1
    assert f"tingxie adapt: {path} given more than once; each project is used once." in err


def test_adapt_help_says_how_much_is_held_out(capsys):
    from tingxie.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["adapt", "--help"])
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps the text
    assert exit_.value.code == 0
    assert "10% of the segments (at least 3) are held out to measure the result." in out
    assert "%%" not in out


def test_pair_audio_is_the_segment_plus_a_margin(project_file):
    opened = projects.open_project(project_file).project
    pairs = adapting.find_pairs([project_file])
    adapting.load_pair_audio(pairs)
    for pair in pairs.pairs:
        seg = opened.transcript.segment(pair.segment_id)
        assert pair.start == pytest.approx(seg.start - 0.15, abs=1e-6)
        assert pair.end == pytest.approx(seg.end + 0.15, abs=1e-6)
        assert len(pair.audio) == pytest.approx(pair.seconds * 16000, abs=2)


def test_the_target_is_the_models_output_format_after_the_engines_prompt(tiny_checkpoint,
                                                                         project_file):
    engine = Qwen3ASREngine(tiny_checkpoint, device="cpu", dtype="float32")
    pairs = adapting.find_pairs([project_file])
    adapting.load_pair_audio(pairs)
    pair = pairs.train[0]
    example = adapting.build_example(engine, pair)
    ids, labels = example.inputs["input_ids"][0], example.labels[0]
    kept = labels[labels != -100].tolist()
    tokenizer = engine.processor.tokenizer
    assert tokenizer.decode(kept) == f"language English<asr_text>{pair.text}<|im_end|>"
    prompt_length = len(ids) - len(kept)
    assert (labels[:prompt_length] == -100).all()
    prompt = tokenizer.decode(ids[:prompt_length].tolist())
    assert prompt == engine.build_prompt_texts([pair.audio], TranscribeOptions(
        context=pair.context))[0]


# -- training and its result ------------------------------------------------------------------
@pytest.mark.slow
def test_adapting_lowers_the_loss_and_moves_transcripts_to_the_corrections(
        trained, tiny_checkpoint):
    updates, result, pairs = trained
    training = [u for u in updates if u.stage == "training" and u.step]
    assert [u.step for u in training] == list(range(1, len(training) + 1))
    assert all(u.eta_seconds is not None and u.total_steps == len(training) for u in training)
    first = np.mean(result.losses[:5])
    last = np.mean(result.losses[-5:])
    assert last < 0.5 * first

    truth = [p.text for p in pairs.train]
    base = Qwen3ASREngine(tiny_checkpoint, device="cpu", dtype="float32")
    adapted = Qwen3ASREngine(tiny_checkpoint, device="cpu", dtype="float32",
                             adapter=result.output)
    before = cer(transcribe(base, pairs.train), truth)
    after = cer(transcribe(adapted, pairs.train), truth)
    assert after <= 0.5 * before, (before, after)


@pytest.mark.slow
def test_the_adapter_folder_and_its_manifest(trained, tiny_checkpoint):
    updates, result, pairs = trained
    folder = result.output
    names = {p.name for p in folder.iterdir()}
    assert {"adapter_config.json", "adapter_model.safetensors", "manifest.json"} <= names
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["base_model"]["hash"] == adapters.base_model_hash(tiny_checkpoint)
    assert manifest["data"]["pairs"] == len(SENTENCES)
    assert manifest["data"]["minutes"] == pytest.approx(pairs.minutes, abs=1e-3)
    assert manifest["settings"]["temperature"] == 2.0
    held = manifest["held_out"]
    assert held["metric"] == "WER" and held["segments"] == 3
    assert held["before"] >= 0 and held["after"] >= 0
    assert updates[-1].stage == "done" and "on 3 segments" in updates[-1].message
    # Nothing is left beside it: the temporary folder was renamed into place.
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]
    # Readable as any new folder is (the umask's permissions), not only by its maker.
    umask = os.umask(0)
    os.umask(umask)
    assert folder.stat().st_mode & 0o777 == 0o777 & ~umask
    for path in folder.iterdir():
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask, path.name


@pytest.mark.slow
def test_the_adapter_reloads_in_a_fresh_process_with_the_same_output(trained, tiny_checkpoint,
                                                                     tmp_path):
    _updates, result, pairs = trained
    audio = tmp_path / "clip.npy"
    np.save(audio, pairs.train[0].audio)
    here = Qwen3ASREngine(tiny_checkpoint, device="cpu", dtype="float32", adapter=result.output)
    expected = transcribe(here, pairs.train[:1])[0]
    script = (
        "import sys, numpy as np\n"
        "from tingxie.asr.qwen3 import Qwen3ASREngine\n"
        "from tingxie.asr.engine import TranscribeOptions\n"
        "e = Qwen3ASREngine(sys.argv[1], device='cpu', dtype='float32', adapter=sys.argv[2])\n"
        "o = TranscribeOptions(language='en', context=sys.argv[4], max_new_tokens=40)\n"
        "print(e.transcribe_batch([np.load(sys.argv[3])], o)[0].text)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tiny_checkpoint), str(result.output), str(audio),
         pairs.train[0].context],
        capture_output=True, text=True, timeout=120, check=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert done.stdout.strip() == expected.strip()
    assert expected.strip()  # the adapter made it say something


# -- distillation -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def teacher_checkpoint(tmp_path_factory) -> Path:
    from tiny_model import build_tiny_checkpoint

    return build_tiny_checkpoint(tmp_path_factory.mktemp("teacher") / "Qwen3-ASR-teacher",
                                 seed=7, text_layers=3, hidden=48, intermediate=96)


@pytest.mark.slow
def test_the_kl_term_is_the_teachers_softened_distribution(tiny_checkpoint, teacher_checkpoint,
                                                           project_file, tmp_path):
    temperature = 3.0
    chosen = settings(max_steps=1, temperature=temperature, distill_weight=0.7)
    pairs = adapting.find_pairs([project_file], chosen)
    step = next(u for u in adapting.adapt(pairs, tiny_checkpoint, tmp_path / "a",
                                          teacher=teacher_checkpoint, settings=chosen,
                                          device="cpu")
                if u.stage == "training" and u.step == 1)

    # By hand: the student before its first update is the base model (LoRA starts at zero).
    student = Qwen3ASREngine(tiny_checkpoint, device="cpu", dtype="float32")
    teacher = Qwen3ASREngine(teacher_checkpoint, device="cpu", dtype="float32")
    student.load()
    teacher.load()
    example = adapting.build_example(student, step.pair)
    target = example.labels[0, -example.target_length:]
    with torch.no_grad():
        s = student.model(**example.inputs).logits[0, -example.target_length - 1: -1]
        t = teacher.model(**adapting.build_example(teacher, step.pair).inputs).logits[
            0, -example.target_length - 1: -1]
    p_teacher = torch.softmax(t / temperature, dim=-1)
    log_student = torch.log_softmax(s / temperature, dim=-1)
    kl = (p_teacher * (torch.log(p_teacher) - log_student)).sum(-1).mean()
    ce = torch.nn.functional.cross_entropy(s, target)
    assert step.kl == pytest.approx(float(kl), rel=1e-4)
    assert step.ce == pytest.approx(float(ce), rel=1e-4)
    assert step.loss == pytest.approx(float(ce + 0.7 * temperature**2 * kl), rel=1e-4)


def fake_adapter(folder: Path, base: Path) -> Path:
    """An adapter folder whose manifest names ``base`` (the weights are never reached)."""
    folder.mkdir()
    (folder / "adapter_config.json").write_text("{}")
    (folder / "adapter_model.safetensors").write_bytes(b"")
    adapters.write_manifest(folder, {"base_model": {
        "name": base.name, "hash": adapters.base_model_hash(base)}})
    return folder


# -- bad inputs -------------------------------------------------------------------------------
def test_no_usable_pairs_is_a_clear_error(tmp_path):
    path = make_project(tmp_path, "raw", [], ["Hello there friends."])
    with pytest.raises(adapting.NoUsablePairs, match="Only 0 corrected segment") as info:
        adapting.find_pairs([path])
    assert "1 not corrected by a person" in str(info.value)


def test_a_project_whose_audio_is_missing_is_named(tmp_path):
    path = make_project(tmp_path / "p", "gone", SENTENCES[:4], [])
    (tmp_path / "p" / "gone.wav").unlink()
    with pytest.raises(adapting.ProjectAudioMissing, match=r"gone\.tingxie.*gone\.wav"):
        adapting.find_pairs([path])


def test_a_project_whose_audio_was_re_exported_in_place_says_it_changed(tmp_path):
    from tingxie.core.audio import load, to_float

    path = make_project(tmp_path / "p", "talk", SENTENCES[:4], [])
    wav = tmp_path / "p" / "talk.wav"
    save_wav(wav, to_float(load(wav).samples)[1600:])  # trimmed by 0.1 s, same name
    with pytest.raises(adapting.ProjectAudioMissing) as info:
        adapting.find_pairs([path])
    assert str(info.value) == (
        f"The project {path} cannot be used for adapting: its audio {wav} has changed since "
        "the transcript was made, so its segment times no longer fit: open the project in "
        "Tingxie (it offers what to do), or leave it out.")
    assert "cannot be found" not in str(info.value)


def test_an_adapter_of_another_base_model_is_refused(tiny_checkpoint, teacher_checkpoint,
                                                     tmp_path):
    folder = fake_adapter(tmp_path / "adapter", teacher_checkpoint)
    engine = Qwen3ASREngine(tiny_checkpoint, device="cpu", adapter=folder)
    with pytest.raises(adapters.AdapterMismatch,
                       match="made for the model Qwen3-ASR-teacher, not for Qwen3-ASR-tiny-hf"):
        engine.load()
    assert not engine.loaded


def test_cancel_mid_training_writes_nothing(tiny_checkpoint, project_file, tmp_path):
    cancel = CancelToken()
    out = tmp_path / "adapters" / "cancelled"
    chosen = settings(max_steps=50, self_kl_weight=0.1)
    run = adapting.adapt([project_file], tiny_checkpoint, out, settings=chosen, device="cpu",
                         cancel=cancel)
    with pytest.raises(Cancelled):
        for update in run:
            if update.stage == "training" and update.step == 2:
                # Without a teacher, the KL term is to the model without its adapter.
                assert update.kl is not None and update.kl >= 0
                cancel.cancel()
    assert not out.exists()
    assert list((tmp_path / "adapters").iterdir()) == []


def test_an_existing_output_folder_is_not_overwritten(tiny_checkpoint, project_file, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(adapting.OutputExists, match="already exists"):
        next(adapting.adapt([project_file], tiny_checkpoint, out, device="cpu"))
    assert (out / "notes.txt").read_text() == "keep me"


def test_overwrite_replaces_only_an_adapter_never_a_folder_of_other_files(
        tiny_checkpoint, teacher_checkpoint, project_file, tmp_path, capsys):
    from tingxie.cli import main

    # A typo: `-o ~/Documents --overwrite`. Nothing in it is deleted, and nothing trains.
    documents = tmp_path / "Documents"
    (documents / "thesis").mkdir(parents=True)
    (documents / "thesis" / "chapter1.docx").write_text("three years of work")
    (documents / "notes.txt").write_text("keep")
    code = main(["adapt", str(project_file), "--model", str(tiny_checkpoint), "-o",
                 str(documents), "--overwrite", "--max-steps", "1", "--device", "cpu"])
    err = capsys.readouterr().err
    assert code == 1
    assert (f"tingxie: {documents} is not a Tingxie adapter, so it is not replaced; choose an "
            "empty or new folder") in err
    assert "Reading the audio" not in err and "Traceback" not in err
    assert (documents / "thesis" / "chapter1.docx").read_text() == "three years of work"
    assert sorted(p.name for p in documents.iterdir()) == ["notes.txt", "thesis"]

    # An adapter folder is still replaced with --overwrite (its weights need not be whole),
    # and an empty folder is used as it is.
    old = fake_adapter(tmp_path / "old-adapter", tiny_checkpoint)
    first = next(adapting.adapt([project_file], tiny_checkpoint, old, device="cpu",
                                overwrite=True))
    assert first.stage == "loading"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert next(adapting.adapt([project_file], tiny_checkpoint, empty, device="cpu")).stage \
        == "loading"
    with pytest.raises(adapting.OutputExists, match="already exists"):
        next(adapting.adapt([project_file], tiny_checkpoint, old, device="cpu"))


def test_a_teacher_no_larger_than_the_model_is_refused_before_anything_loads(
        tiny_checkpoint, teacher_checkpoint, project_file, tmp_path, capsys):
    from tingxie.cli import main

    out = tmp_path / "a"
    code = main(["adapt", str(project_file), "--model", str(teacher_checkpoint), "--teacher",
                 str(tiny_checkpoint), "-o", str(out), "--device", "cpu"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"The teacher model {tiny_checkpoint.name}" in err
    assert f"is not larger than {teacher_checkpoint.name}" in err
    assert "Reading the audio" not in err and "Traceback" not in err
    assert not out.exists()
    with pytest.raises(adapting.TeacherMismatch, match="not larger"):  # the same model
        next(adapting.adapt([project_file], tiny_checkpoint, out, teacher=tiny_checkpoint,
                            device="cpu"))


def test_training_that_does_not_fit_in_memory_is_refused_before_it_starts(
        tiny_checkpoint, project_file, tmp_path, monkeypatch):
    from tingxie.asr import device as devices

    monkeypatch.setattr(devices, "memory_free", lambda device: 10 * 2**20)
    with pytest.raises(adapting.NotEnoughMemory, match=r"only 0\.0 GiB is free"):
        next(adapting.adapt([project_file], tiny_checkpoint, tmp_path / "a", device="cpu"))
    assert not (tmp_path / "a").exists()


def test_the_estimate_counts_pairs_minutes_time_and_memory(tiny_checkpoint, project_file):
    forecast = adapting.estimate([project_file], tiny_checkpoint, device="cpu")
    assert forecast.pairs == len(SENTENCES) and forecast.held_out == 3
    assert forecast.minutes > 0 and forecast.seconds > 0
    assert forecast.memory_bytes > adapting.RUNTIME_OVERHEAD and forecast.fits


# -- the command line -------------------------------------------------------------------------
@pytest.mark.slow
def test_tingxie_adapt_prints_progress_and_the_held_out_score_and_models_list_shows_it(
        tiny_checkpoint, project_file, tmp_path, capsys):
    from tingxie.cli import main

    out = tmp_path / "models" / "tingxie-adapters" / "my-beat"
    code = main(["adapt", str(project_file), "--model", str(tiny_checkpoint), "--output",
                 str(out), "--max-steps", "4", "--device", "cpu"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "8 corrected segments" in captured.err
    assert "step 4/4  loss" in captured.err
    assert re.search(r"held-out error \d+\.\d% → \d+\.\d% on 3 segments", captured.err)
    assert captured.out.strip() == str(out)
    # The hint names the model too: the adapter fits only the model it was made for.
    assert (f"Use it with `tingxie transcribe --model {tiny_checkpoint} --adapter {out} ...`"
            in captured.err)

    assert main(["models", "list", "--models-dir", str(tmp_path / "models")]) == 0
    listing = capsys.readouterr().out
    assert "adapter my-beat for Qwen3-ASR-tiny-hf: 8 segments" in listing
    assert str(out) in listing


def test_tingxie_transcribe_refuses_an_adapter_of_another_model(tiny_checkpoint,
                                                                teacher_checkpoint, tmp_path,
                                                                capsys):
    from tingxie.cli import main

    folder = fake_adapter(tmp_path / "adapter", teacher_checkpoint)
    wav = tmp_path / "a.wav"
    save_wav(wav, speak(SENTENCES[0]))
    code = main(["transcribe", str(wav), "--model", str(tiny_checkpoint), "--adapter",
                 str(folder), "--device", "cpu"])
    assert code == 2
    assert "was made for the model Qwen3-ASR-teacher" in capsys.readouterr().err


def test_tingxie_adapt_without_corrections_says_so(tiny_checkpoint, tmp_path, capsys):
    from tingxie.cli import main

    path = make_project(tmp_path, "raw", [], UNTOUCHED)
    code = main(["adapt", str(path), "--model", str(tiny_checkpoint), "-o", str(tmp_path / "o")])
    assert code == 1
    assert "Only 0 corrected segment(s)" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_tingxie_adapt_to_a_folder_that_cannot_be_made_says_so_before_training(
        tiny_checkpoint, project_file, tmp_path, capsys):
    from tingxie.cli import main

    blocker = tmp_path / "a file"
    blocker.write_text("mine")
    out = blocker / "adapter"
    code = main(["adapt", str(project_file), "--model", str(tiny_checkpoint), "--output",
                 str(out), "--max-steps", "2", "--device", "cpu"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"tingxie: {out}: cannot be created: {blocker} is a file, not a folder." in err
    assert "--output" in err and "Traceback" not in err
    assert "Reading the audio" not in err and "step " not in err  # refused before training
    assert blocker.read_text() == "mine"


def _failing_saves(monkeypatch, fails) -> list[Path]:
    """Make saving an adapter fail with a full disk where ``fails(folder)`` says so; returns
    the folders saves were tried in (each a temporary folder beside the output)."""
    import errno

    import peft

    real = peft.PeftModel.save_pretrained
    tried: list[Path] = []

    def save_pretrained(self, save_directory, *args, **kwargs):
        tried.append(Path(save_directory))
        if fails(Path(save_directory).parent):
            raise OSError(errno.ENOSPC, "No space left on device", str(save_directory))
        return real(self, save_directory, *args, **kwargs)

    monkeypatch.setattr(peft.PeftModel, "save_pretrained", save_pretrained)
    return tried


@pytest.mark.slow
def test_an_adapter_that_cannot_be_saved_at_the_end_goes_to_documents_tingxie(
        tiny_checkpoint, project_file, tmp_path, capsys, monkeypatch):
    from tingxie.cli import main

    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    out = tmp_path / "full disk" / "my-beat"
    tried = _failing_saves(monkeypatch, lambda folder: folder == out.parent)
    code = main(["adapt", str(project_file), "--model", str(tiny_checkpoint), "--output",
                 str(out), "--max-steps", "2", "--device", "cpu"])
    captured = capsys.readouterr()
    saved = home / "Documents" / "Tingxie" / "my-beat"
    assert code == 0, captured.err
    assert len(tried) == 2 and tried[0].parent == out.parent
    assert (f"tingxie: {out}: cannot be written to (No space left on device). "
            f"The adapter was saved to {saved} instead.") in captured.err
    assert captured.out.strip() == str(saved)
    assert adapters.read_manifest(saved).manifest["training"]["steps"] == 2
    assert list(out.parent.iterdir()) == []  # no half-written adapter left behind
    assert "Traceback" not in captured.err


@pytest.mark.slow
def test_an_adapter_that_cannot_be_saved_anywhere_is_one_message(
        tiny_checkpoint, project_file, tmp_path, capsys, monkeypatch):
    from tingxie.cli import main

    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no Documents: ~/Tingxie
    out = tmp_path / "full disk" / "my-beat"
    tried = _failing_saves(monkeypatch, lambda folder: True)
    code = main(["adapt", str(project_file), "--model", str(tiny_checkpoint), "--output",
                 str(out), "--max-steps", "2", "--device", "cpu"])
    err = capsys.readouterr().err
    assert code == 1
    assert [t.parent for t in tried] == [out.parent, tmp_path / "home" / "Tingxie"]
    last = err.strip().splitlines()[-1]
    assert last == (f"tingxie: {out}: cannot be written to (No space left on device). "
                    "Choose another folder for the adapter with --output.")
    assert "Traceback" not in err
    assert list(out.parent.iterdir()) == [] and list(tried[1].parent.iterdir()) == []



@pytest.mark.slow
def test_a_full_disk_reported_by_safetensors_also_saves_to_documents_tingxie(
        tiny_checkpoint, project_file, tmp_path, capsys, monkeypatch):
    import safetensors.torch
    from safetensors import SafetensorError

    from tingxie.cli import main

    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    out = tmp_path / "full disk" / "my-beat"
    real = safetensors.torch.serialize_file

    def serialize_file(tensors, filename, metadata=None):
        if Path(filename).is_relative_to(out.parent):  # what safetensors 0.4+ says then
            raise SafetensorError(
                "Error while serializing: I/O error: No space left on device (os error 28)")
        return real(tensors, filename, metadata=metadata)

    monkeypatch.setattr(safetensors.torch, "serialize_file", serialize_file)
    code = main(["adapt", str(project_file), "--model", str(tiny_checkpoint), "--output",
                 str(out), "--max-steps", "2", "--device", "cpu"])
    captured = capsys.readouterr()
    saved = home / "Documents" / "Tingxie" / "my-beat"
    assert code == 0, captured.err
    assert (f"tingxie: {out}: cannot be written to (No space left on device). "
            f"The adapter was saved to {saved} instead.") in captured.err
    assert captured.out.strip() == str(saved)
    assert adapters.read_manifest(saved).manifest["training"]["steps"] == 2
    assert list(out.parent.iterdir()) == []
    assert "Traceback" not in captured.err


@pytest.mark.slow
def test_running_out_of_memory_while_training_is_one_message_with_advice(
        tiny_checkpoint, project_file, tmp_path, capsys, monkeypatch):
    from tingxie.cli import main

    real = adapting.target_logits
    calls = []

    def target_logits(model, example):
        calls.append(1)
        if len(calls) > 2:  # the second step does not fit (CPU: the allocator's message)
            raise RuntimeError("[enforce fail at alloc_cpu.cpp:116] data. DefaultCPUAllocator: "
                               "not enough memory: you tried to allocate 2147483648 bytes.")
        return real(model, example)

    monkeypatch.setattr(adapting, "target_logits", target_logits)
    out = tmp_path / "adapters" / "my-beat"
    code = main(["adapt", str(project_file), "--model", str(tiny_checkpoint), "--output",
                 str(out), "--max-steps", "4", "--device", "cpu"])
    err = capsys.readouterr().err
    assert code == 1
    last = err.strip().splitlines()[-1]
    assert last.startswith("tingxie: Out of memory on cpu while training; nothing was saved.")
    assert "lower LoRA rank than 8" in last and "fewer or shorter segments" in last
    assert "close other programs" in last
    assert "Traceback" not in err and "alloc_cpu" not in err
    assert not out.exists()

# -- the "edited by a person" flag the labels come from ---------------------------------------
def test_text_changing_edits_mark_segments_as_corrected_and_the_flag_is_saved(tmp_path):
    from tingxie.core import edits

    def fresh() -> Transcript:
        return Transcript([Segment(1, 0.0, 2.0, "one two three"),
                           Segment(2, 2.5, 4.0, "four five")], duration=10.0)

    for edit in (edits.EditText(1, "one 2 three"), edits.FindReplace("two", "2")):
        t = fresh()
        edit.do(t)
        assert t.segment(1).edited, edit.label
        assert not any(s.edited for s in t.segments if s.id == 2 and "four" in s.text), edit
        edit.undo(t)
        assert not any(s.edited for s in t.segments), edit.label
    # A split or a merge moves the line's edges, not its words: the model's own text for
    # the same audio is no correction (a corrected line stays one, both halves of it).
    for edit in (edits.SplitSegment(1, 4), edits.MergeWithNext(1),
                 edits.EditText(1, "one two three ")):
        t = fresh()
        edit.do(t)
        assert not any(s.edited for s in t.segments), edit.label
    t = fresh()
    insert = edits.InsertSegment(5.0, 6.0, "new words")
    insert.do(t)
    assert t.segment(insert.new_id).edited

    project = projects.Project(transcript=t)
    projects.save(project, tmp_path / "p.tingxie")
    doc = json.loads((tmp_path / "p.tingxie").read_text())
    assert [s["edited"] for s in doc["transcript"]["segments"]] == [False, False, True]
    for s in doc["transcript"]["segments"]:  # a project saved before the flag existed
        del s["edited"]
    (tmp_path / "old.tingxie").write_text(json.dumps(doc))
    old = projects.load(tmp_path / "old.tingxie")
    assert [s.edited for s in old.transcript.segments] == [False, False, False]


def test_the_command_it_prints_pastes_into_the_users_shell():
    from tingxie.commands.adapt import _quoted

    folder = r"C:\Users\me\tingxie-adapters\my interview"
    assert _quoted(folder, windows=True) == f'"{folder}"', "cmd.exe reads double quotes"
    assert _quoted(r"C:\adapters\beat", windows=True) == r"C:\adapters\beat"
    assert _quoted("/home/me/my interview", windows=False) == "'/home/me/my interview'"
