"""Model > Adapt to my corrections… as a user sees it: the usable segments and the estimate
for the projects chosen, a training run with progress and the held-out score, Cancel that
leaves nothing behind, Keep and Discard, and adapters under their base model in the picker.

Projects are made as in test_adapt.py (espeak speech, corrected segments flagged ``edited``);
the model is the tiny random checkpoint with a few training steps.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
import torch
from PySide6.QtCore import QSettings

import test_adapt as made
from tingxie.asr import adapt as adapting
from tingxie.asr import adapters
from tingxie.core import project as projects
from tingxie.ui import settings as keys
from tingxie.ui.adapt_dialog import AdaptDialog
from tingxie.ui.controls import TranscriptionControls
from tingxie.ui.device_combo import DeviceReport
from tingxie.ui.settings import Settings
from ui_windows import dispose

pytest.importorskip("peft")

CPU_ONLY = DeviceReport(auto_device="cpu", auto_dtype="float32", cpu_dtype="float32",
                        cpu_description="CPU")


def quick(**overrides) -> adapting.AdaptSettings:
    """Seconds, not minutes: few steps, short held-out transcripts."""
    base = dict(epochs=2, learning_rate=1e-2, lora_dropout=0.0, self_kl_weight=0.0,
                score_max_new_tokens=4, max_steps=4)
    base.update(overrides)
    return adapting.AdaptSettings(**base)


@pytest.fixture(autouse=True)
def isolated(isolated_model_caches):
    """Own Hugging Face cache: the default adapters folder is the test's own."""


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def project_file(tmp_path_factory) -> Path:
    return made.make_project(tmp_path_factory.mktemp("ui-adapt"), "interview",
                             made.SENTENCES[:5], made.UNTOUCHED)


@pytest.fixture
def make_dialog(qtbot, background, tiny_checkpoint):
    def make(settings: adapting.AdaptSettings | None = None) -> AdaptDialog:
        dialog = AdaptDialog(str(tiny_checkpoint), device="cpu",
                             base_settings=settings or quick(), background=background)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return make


def estimate_shown(qtbot, dialog: AdaptDialog, projects: list[Path]) -> str:
    with qtbot.waitSignal(dialog.estimated, timeout=20_000) as blocker:
        dialog.add_projects(projects)
    return blocker.args[0]


def run_to_end(qtbot, dialog: AdaptDialog, timeout: int = 120_000) -> str:
    with qtbot.waitSignal(dialog.finished, timeout=timeout) as blocker:
        assert dialog.start()
    return blocker.args[0]


def test_the_dialog_shows_usable_segments_minutes_and_the_estimate(
        qtbot, make_dialog, project_file):
    dialog = make_dialog()
    assert not dialog.start_button.isEnabled()  # nothing chosen yet
    text = estimate_shown(qtbot, dialog, [project_file])
    pairs = adapting.find_pairs([project_file])
    assert f"{len(pairs.pairs)} corrected segments" in text
    assert f"({pairs.minutes:.1f} min of audio)" in text
    assert f"{len(made.UNTOUCHED)} not corrected by a person" in text
    assert "Estimated time" in dialog.estimate_label.text()
    assert "Memory" in dialog.estimate_label.text()
    assert dialog.start_button.isEnabled()
    # The adapter goes to the adapters folder the model picker lists, named after the project.
    assert dialog.output() == adapters.default_adapters_dir() / "interview-adapter"


def test_projects_without_enough_corrections_say_so_and_cannot_start(
        qtbot, make_dialog, tmp_path):
    few = made.make_project(tmp_path, "few", made.SENTENCES[:2], made.UNTOUCHED)
    dialog = make_dialog()
    message = estimate_shown(qtbot, dialog, [few])
    assert "Only 2 corrected segment(s)" in message
    assert dialog.error_label.isVisibleTo(dialog)
    assert not dialog.start_button.isEnabled()


@pytest.mark.slow
def test_start_runs_to_the_end_with_progress_and_keep_selects_the_adapter(
        qtbot, make_dialog, project_file, tmp_path):
    dialog = make_dialog()
    estimate_shown(qtbot, dialog, [project_file])
    out = tmp_path / "adapters" / "mine"
    dialog.set_output(out)
    seen: list[str] = []
    held_before: list[str] = []
    dialog.progress_bar.valueChanged.connect(lambda _v: seen.append(dialog.status_label.text()))
    dialog.progress_bar.valueChanged.connect(
        lambda _v: held_before.append(dialog.held_out_label.text()))
    assert run_to_end(qtbot, dialog) == "done"
    assert any(t.startswith("Held-out error before adapting: ") and "WER on 3 segments" in t
               for t in held_before), held_before
    assert any(s.startswith("Step 1 of 4 · loss ") and " left" in s for s in seen), seen
    assert any(s.startswith("Step 4 of 4") for s in seen), seen
    held = json.loads((out / "manifest.json").read_text())["held_out"]
    expected = (f"held-out error {100 * held['before']:.1f}% → {100 * held['after']:.1f}% "
                f"on {held['segments']} segments")
    assert dialog.held_out_label.text() == expected
    assert dialog.keep_button.isVisible() and dialog.discard_button.isVisible()
    with qtbot.waitSignal(dialog.adapterKept) as kept:
        dialog.keep()
    assert kept.args == [str(out), dialog.model]
    assert out.is_dir()  # kept


@pytest.mark.slow
def test_discard_deletes_the_new_adapter(qtbot, make_dialog, project_file, tmp_path):
    dialog = make_dialog(quick(max_steps=1))
    estimate_shown(qtbot, dialog, [project_file])
    out = tmp_path / "discarded"
    dialog.set_output(out)
    assert run_to_end(qtbot, dialog) == "done"
    assert out.is_dir()
    dialog.discard()
    assert not out.exists()
    assert not dialog.keep_button.isVisible()
    assert dialog.start_button.isEnabled()  # ready for another try


@pytest.mark.slow
def test_cancel_mid_training_leaves_no_folder(qtbot, make_dialog, project_file, tmp_path):
    dialog = make_dialog(quick(max_steps=400, epochs=200))
    estimate_shown(qtbot, dialog, [project_file])
    out = tmp_path / "cancelled" / "adapter"
    dialog.set_output(out)

    def cancel_at_step(_v: int) -> None:
        update = dialog.last_update
        if update is not None and update.stage == "training" and update.step >= 2:
            dialog.cancel()

    dialog.progress_bar.valueChanged.connect(cancel_at_step)
    with qtbot.waitSignal(dialog.finished, timeout=120_000) as blocker:
        assert dialog.start()
        assert dialog.cancel_button.isEnabled() and not dialog.start_button.isEnabled()
    assert blocker.args == ["cancelled"]
    assert dialog.last_update.step < 400
    assert "nothing was saved" in dialog.status_label.text()
    assert not out.exists()
    leftovers = list(out.parent.iterdir()) if out.parent.exists() else []
    assert leftovers == []  # no half-written temporary folder either


# -- adapters in the model picker ----------------------------------------------------------
@pytest.fixture(scope="module")
def made_adapter(tiny_checkpoint, project_file, tmp_path_factory) -> Path:
    """An adapter made with the headless adapt(), for the tiny checkpoint."""
    out = tmp_path_factory.mktemp("made") / "beat-adapter"
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        adapting.run_to_end(adapting.adapt([project_file], tiny_checkpoint, out,
                                           settings=quick(max_steps=1), device="cpu"))
    finally:
        torch.set_num_threads(threads)
    return out


@pytest.fixture
def panel(qtbot, tmp_path, background):
    def make(store: Settings | None = None) -> TranscriptionControls:
        store = store or Settings(QSettings(str(tmp_path / "s.ini"),
                                            QSettings.Format.IniFormat))
        panel = TranscriptionControls(store, background=background,
                                      device_probe=lambda: CPU_ONLY)
        qtbot.addWidget(panel)
        return panel

    return make


def install(adapter: Path, name: str) -> Path:
    """Copy an adapter into the default adapters folder, as `tingxie adapt` would put it."""
    target = adapters.default_adapters_dir() / name
    shutil.copytree(adapter, target)
    return target


@pytest.mark.slow
def test_an_adapter_appears_under_its_base_model_and_reaches_the_job(
        panel, made_adapter, tiny_checkpoint, tmp_path):
    installed = install(made_adapter, "my-beat")
    controls = panel()
    combo = controls.model_picker.adapter_combo
    assert combo.adapters() == []  # the default model is not the one it was made for
    assert controls.job_spec().engine.adapter == ""

    assert controls.model_picker.choose_local_folder(str(tiny_checkpoint))
    assert combo.adapters() == [str(installed.resolve())]
    assert "my-beat" in combo.combo.itemText(1)
    combo.combo.setCurrentIndex(1)
    assert controls.job_spec().engine.adapter == str(installed.resolve())
    # The choice is remembered with the settings (the next window, the batch queue's jobs).
    assert controls.model_picker._settings.get(keys.ADAPTER) == str(installed.resolve())

    # Another base model (same weights, another config): its adapters list is empty, the
    # adapter is refused with a message naming both, and the job carries none.
    other = tmp_path / "other-model"
    shutil.copytree(tiny_checkpoint, other)
    config = json.loads((other / "config.json").read_text())
    config["initializer_range"] = 0.02
    (other / "config.json").write_text(json.dumps(config))
    assert controls.model_picker.choose_local_folder(str(other))
    assert combo.adapters() == []
    assert controls.job_spec().engine.adapter == ""
    assert not combo.set_adapter(str(installed))
    assert "was made for the model" in combo.message() and "other-model" in combo.message()
    assert controls.job_spec().engine.adapter == ""


@pytest.mark.slow
def test_a_project_saved_with_an_adapter_restores_it(panel, made_adapter, tiny_checkpoint):
    installed = install(made_adapter, "restored")
    controls = panel()
    controls.model_picker.choose_local_folder(str(tiny_checkpoint))
    controls.model_picker.adapter_combo.set_adapter(str(installed))
    options = controls.project_options()
    assert options["adapter"] == str(installed.resolve())
    controls.model_picker.adapter_combo.set_adapter("")
    assert controls.job_spec().engine.adapter == ""
    controls.apply_project_options(options)
    assert controls.job_spec().engine.adapter == str(installed.resolve())


@pytest.mark.slow
def test_a_project_whose_adapter_was_deleted_opens_with_none_and_says_so(
        panel, made_adapter, tiny_checkpoint):
    gone = install(made_adapter, "x-adapter")
    other = install(made_adapter, "y-adapter")
    controls = panel()
    assert controls.model_picker.choose_local_folder(str(tiny_checkpoint))
    combo = controls.model_picker.adapter_combo
    assert combo.set_adapter(str(gone))
    options = controls.project_options()  # the project is saved with x-adapter
    assert combo.set_adapter(str(other))  # later the user works with y-adapter
    shutil.rmtree(gone)  # and deletes x-adapter
    controls.apply_project_options(options)  # then opens the project made with x
    assert controls.job_spec().engine.adapter == "", "not y-adapter, unasked"
    assert combo.combo.currentIndex() == 0 and combo.combo.currentText() == "None"
    assert combo.message() == (
        f"The adapter x-adapter ({gone.resolve()}) no longer exists (moved or deleted): "
        "choose another adapter, or None.")
    assert combo.message_label.isVisibleTo(controls)
    assert combo.adapters() == [str(other.resolve())], "y-adapter is still offered"


def test_base_settings_epochs_come_from_the_dialog(make_dialog):
    dialog = make_dialog(quick(epochs=3))
    assert dialog.epochs_spin.value() == 3
    dialog.epochs_spin.setValue(5)
    assert dialog.adapt_settings() == dataclasses.replace(quick(), epochs=5)


# -- the window ----------------------------------------------------------------------------
@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from tingxie.ui.main_window import MainWindow

    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    settings.set(keys.BATCH_SIZE, 1)
    settings.set(keys.MAX_NEW_TOKENS, 4)
    settings.set(keys.ALIGNER, "none")
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    win = MainWindow(settings)  # the real engine registry: the adapter is merged at load
    qtbot.addWidget(win)
    win.show()
    yield win
    # The project file is the module's: the work a test leaves unsaved is thrown away, not
    # autosaved (a quit would keep it), or the next test's open would be offered it.
    win.document.undo_stack.setClean()
    win.session._dirty_outside_stack = False
    dispose(win)  # deleted now: no hidden window outlives the test


@pytest.mark.slow
def test_the_model_menu_opens_the_dialog_for_the_open_project_and_keep_selects_it(
        qtbot, window, project_file, tiny_checkpoint, made_adapter, tmp_path):
    model = tmp_path / "my-model"
    shutil.copytree(tiny_checkpoint, model)  # the same model, in a folder the test owns
    assert window.controls.model_picker.choose_local_folder(str(model))
    with qtbot.waitSignal(window.mediaLoaded, timeout=30_000):
        window.open_path(project_file)
    assert window.model_menu.title() == "&Model"
    window.actions_by_name["adapt"].trigger()
    dialog = window.findChild(AdaptDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.projects() == [project_file.resolve()]
    assert Path(dialog.model) == model.resolve()
    # What Keep does once training ends: the adapter is chosen under the model it was made for.
    installed = install(made_adapter, "kept")
    dialog.adapterKept.emit(str(installed), dialog.model)
    assert window.controls.job_spec().engine.adapter == str(installed.resolve())
    assert window.queue.controller.spec_provider().engine.adapter == str(installed.resolve())
    dialog.close()

    # The window's job uses it: the adapter is merged into the weights when the model loads.
    handle = window.start_transcription("all")
    assert handle is not None and handle.spec.engine.adapter == str(installed.resolve())
    failures: list[str] = []
    handle.failed.connect(failures.append)
    with qtbot.waitSignal(handle.finished, timeout=120_000):
        pass
    assert failures == []


@pytest.mark.slow
def test_an_adapter_for_another_model_fails_the_job_with_a_clear_message(
        qtbot, window, project_file, tiny_checkpoint, made_adapter, tmp_path):
    model = tmp_path / "replaced-model"
    shutil.copytree(tiny_checkpoint, model)
    installed = install(made_adapter, "stale")
    picker = window.controls.model_picker
    assert picker.choose_local_folder(str(model))
    assert picker.adapter_combo.set_adapter(str(installed))
    # The model folder is replaced by another model after the adapter was chosen.
    config = json.loads((model / "config.json").read_text())
    config["initializer_range"] = 0.02
    (model / "config.json").write_text(json.dumps(config))
    with qtbot.waitSignal(window.mediaLoaded, timeout=30_000):
        window.open_path(project_file)
    with qtbot.waitSignal(window.errorShown, timeout=60_000) as shown:
        assert window.start_transcription("all") is not None
    title, message = shown.args
    assert title == "Transcription failed"
    assert "The adapter stale was made for the model" in message
    assert "replaced-model" in message


# -- adapters found again, and damaged ones skipped ------------------------------------------
@pytest.mark.slow
def test_a_hand_edited_adapter_manifest_does_not_stop_the_panel_and_the_good_one_is_listed(
        panel, made_adapter, tiny_checkpoint, tmp_path):
    good = install(made_adapter, "good")
    edited = install(made_adapter, "hand-edited")
    doc = json.loads((edited / "manifest.json").read_text())
    doc["data"]["minutes"] = "about 10"
    (edited / "manifest.json").write_text(json.dumps(doc))
    store = Settings(QSettings(str(tmp_path / "edited.ini"), QSettings.Format.IniFormat))
    store.set(keys.MODEL, str(tiny_checkpoint))
    controls = panel(store)  # the window is built with this panel
    assert controls.model_picker.adapter_combo.adapters() == [str(good.resolve())]


@pytest.mark.slow
def test_the_adapter_chosen_for_a_model_is_back_after_another_model_and_after_a_restart(
        panel, made_adapter, tiny_checkpoint, tmp_path):
    # Saved to a folder of the user's choosing, chosen with Folder…: outside tingxie-adapters.
    mine = tmp_path / "Documents" / "interview-adapter"
    shutil.copytree(made_adapter, mine)
    ini = str(tmp_path / "restart.ini")
    controls = panel(Settings(QSettings(ini, QSettings.Format.IniFormat)))
    picker = controls.model_picker
    assert picker.choose_local_folder(str(tiny_checkpoint))
    assert picker.adapter_combo.set_adapter(str(mine))
    assert controls.job_spec().engine.adapter == str(mine.resolve())

    picker.set_model("qwen3-asr-0.6b")  # a look at another model: it has no adapter
    assert controls.job_spec().engine.adapter == ""
    assert picker.choose_local_folder(str(tiny_checkpoint))  # and back
    assert controls.job_spec().engine.adapter == str(mine.resolve())

    picker._settings.sync()
    again = panel(Settings(QSettings(ini, QSettings.Format.IniFormat)))  # the next start
    assert again.model_picker.model() == str(tiny_checkpoint.resolve())
    assert again.job_spec().engine.adapter == str(mine.resolve())
    assert again.model_picker.adapter_combo.adapters() == [str(mine.resolve())]


def test_only_larger_models_are_offered_as_teacher(qtbot, background):
    def teachers(model: str) -> list[str]:
        dialog = AdaptDialog(model, device="cpu", background=background)
        qtbot.addWidget(dialog)
        return [str(dialog.teacher_combo.itemData(i))
                for i in range(dialog.teacher_combo.count())]

    assert teachers("qwen3-asr-1.7b") == [""]  # none: the 0.6B would teach the larger one
    assert teachers("qwen3-asr-0.6b") == ["", "qwen3-asr-1.7b"]


# -- what the editor marks as a correction --------------------------------------------------
def test_whitespace_typed_into_a_line_or_a_split_does_not_make_it_a_training_label(
        qtbot, tmp_path):
    from tingxie.core.edits import SplitSegment
    from tingxie.ui.transcript_model import TranscriptDocument, TranscriptTableModel

    path = made.make_project(tmp_path, "fresh", made.SENTENCES[:5], made.UNTOUCHED)
    project = projects.open_project(path).project
    document = TranscriptDocument()
    table = TranscriptTableModel(document)
    document.set_transcript(project.transcript)
    before = adapting.find_pairs([path])
    untouched = [row for row, s in enumerate(document.transcript.segments) if not s.edited]
    first, second = untouched
    text = document.transcript.segments[first].text
    # A trailing space typed by accident, Enter: the line reads as before.
    assert table.setData(table.index(first, TranscriptTableModel.TEXT), text + " ")
    seg = document.transcript.segments[second]
    document.apply(SplitSegment(seg.id, seg.text.index(" here")))  # words untouched
    projects.save(project, path)
    after = adapting.find_pairs([path])
    assert sorted(p.text for p in after.pairs) == sorted(p.text for p in before.pairs)
    assert "wrong words here" not in {p.text for p in after.pairs}


# -- corrections not saved yet ---------------------------------------------------------------
def test_adapting_with_unsaved_corrections_asks_to_save_them_first(
        qtbot, window, tiny_checkpoint, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from tingxie.core.edits import EditText

    asked: list[str] = []
    answers: list[QMessageBox.StandardButton] = []

    def question(_parent, _title, message, *a, **k):
        asked.append(message)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    # 3 lines corrected and saved; 4 more corrected in the window, not saved yet.
    path = made.make_project(tmp_path / "p", "talk", made.SENTENCES[:3], made.SENTENCES[3:7])
    assert window.controls.model_picker.choose_local_folder(str(tiny_checkpoint))
    with qtbot.waitSignal(window.mediaLoaded, timeout=30_000):
        window.open_path(path)
    for seg in list(window.document.transcript.segments)[3:7]:
        window.document.apply(EditText(seg.id, made.SENTENCES[seg.id - 1]))
    assert window.dirty

    def shown(dialog: AdaptDialog) -> str:
        qtbot.waitUntil(lambda: "corrected segment" in dialog.pairs_label.text()
                        or dialog.error_label.text() != "", timeout=20_000)
        return dialog.pairs_label.text() + " | " + dialog.error_label.text()

    def closed(dialog: AdaptDialog) -> None:
        dialog.close()  # deleted on close
        qtbot.waitUntil(lambda: window.findChild(AdaptDialog) is None)

    answers.append(QMessageBox.StandardButton.Cancel)
    window.actions_by_name["adapt"].trigger()
    assert asked == ["Save the project first so that your latest corrections are used?"]
    qtbot.wait(50)
    assert window.findChild(AdaptDialog) is None, "Cancel opens nothing"
    assert window.dirty

    answers.append(QMessageBox.StandardButton.No)  # don't save: the saved project is read
    window.actions_by_name["adapt"].trigger()
    dialog = window.findChild(AdaptDialog)
    assert dialog is not None and dialog.projects() == [path.resolve()]
    text = shown(dialog)
    assert "Only 3 corrected segment(s)" in text
    assert ("The unsaved changes to talk.tingxie are not included: only what was last saved "
            "is read.") in text
    assert window.dirty
    closed(dialog)

    answers.append(QMessageBox.StandardButton.Yes)  # save first: all 7 corrections count
    window.actions_by_name["adapt"].trigger()
    assert len(asked) == 3
    qtbot.waitUntil(lambda: window.findChild(AdaptDialog) is not None, timeout=20_000)
    dialog = window.findChild(AdaptDialog)
    assert not window.dirty, "saved through the window's own Save"
    assert sum(s.edited for s in projects.load(path).transcript.segments) == 7
    text = shown(dialog)
    assert "7 corrected segments" in text and "not included" not in text
    assert dialog.projects() == [path.resolve()]
    closed(dialog)

    # Saved now: no question.
    window.actions_by_name["adapt"].trigger()
    assert len(asked) == 3 and window.findChild(AdaptDialog) is not None
    closed(window.findChild(AdaptDialog))
