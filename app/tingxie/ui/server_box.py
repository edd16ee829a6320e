"""The server choice of the model section: an OpenAI-compatible server (vLLM) that transcribes.

The address, the served model, the environment variable naming the key and the requests in
flight are remembered in the settings. The key itself never is: typed into the password
field, it goes to the system keyring (:func:`tingxie.asr.remote.store_api_key_in_keyring`),
where the job's engine finds it. Test connection asks the server which models it serves, off
the UI thread, with the key and the answer wait a job would use, and fills the model list
from the answer; its button cancels a test that is waiting.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from tingxie.asr.remote import (
    ServerCheck,
    check_server,
    find_api_key,
    insecure_url_warning,
    store_api_key_in_keyring,
)
from tingxie.core.cancel import CancelToken
from tingxie.core.errors import Cancelled, TingxieError
from tingxie.jobs.spec import MAX_SERVER_TIMEOUT, stored_server_timeout, without_credentials
from tingxie.ui import settings as keys
from tingxie.ui.background import Background
from tingxie.ui.settings import Settings
from tingxie.ui.widgets import set_clamped

MAX_PARALLEL = 256
CHECK_TIMEOUT_S = 10.0


class ServerSettings(QWidget):
    """Address, served model, key, requests in flight and Test connection."""

    changed = Signal()  # any choice changed (a project is now modified)
    checked = Signal(bool)  # a connection test ended: whether the server answered

    def __init__(
        self, settings: Settings, background: Background, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._background = background
        self._testing = False
        self._test_cancel = CancelToken()
        self._key_note = ""

        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://asr.example.org:8000")
        self.url_edit.setToolTip(self.tr("The address of an OpenAI-compatible server (vLLM)"))
        self.model_combo = QComboBox()
        self.model_combo.setEditable(True)
        self.model_combo.lineEdit().setPlaceholderText(self.tr("What the server serves"))
        self.model_combo.setToolTip(
            self.tr("The served model; Test connection lists what the server offers")
        )
        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText(self.tr("None, or kept in the system keyring"))
        self.key_edit.setToolTip(
            self.tr("Kept in the system keyring, never in the settings or a project")
        )
        self.key_env_edit = QLineEdit()
        self.key_env_edit.setPlaceholderText(self.tr("e.g. TINGXIE_API_KEY"))
        self.key_env_edit.setToolTip(
            self.tr("Or read the key from this environment variable")
        )
        self.parallel_spin = QSpinBox()
        self.parallel_spin.setRange(1, MAX_PARALLEL)
        self.parallel_spin.setToolTip(
            self.tr("Chunks sent at once, so the server can batch them")
        )
        self.timeout_spin = QSpinBox()
        self.timeout_spin.setRange(1, int(MAX_SERVER_TIMEOUT))
        self.timeout_spin.setSuffix(self.tr(" s"))
        self.timeout_spin.setToolTip(
            self.tr("How long the server may take to answer one chunk before the job stops "
                    "with a message (a busy server with many in flight needs longer)")
        )
        self.test_button = QPushButton(self.tr("Test connection"))
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet("color: #b9770e;")

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Address"), self.url_edit)
        form.addRow(self.tr("Model"), self.model_combo)
        form.addRow(self.tr("API key"), self.key_edit)
        form.addRow(self.tr("Key variable"), self.key_env_edit)
        form.addRow(self.tr("In flight"), self.parallel_spin)
        form.addRow(self.tr("Answer wait"), self.timeout_spin)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        form.addRow(test_row)
        form.addRow(self.result_label)
        form.addRow(self.warning_label)

        self._load_settings()
        self._set_result("")
        self._update_warning()
        self.url_edit.textChanged.connect(self._url_changed)
        self.model_combo.currentTextChanged.connect(self._model_changed)
        self.key_env_edit.textChanged.connect(self._key_env_changed)
        self.parallel_spin.valueChanged.connect(self._parallel_changed)
        self.timeout_spin.valueChanged.connect(self._timeout_changed)
        self.key_edit.editingFinished.connect(self.store_key)
        self.test_button.clicked.connect(self._test_clicked)

    # ---- the choice

    def url(self) -> str:
        """The server's address as typed (stripped)."""
        return self.url_edit.text().strip()

    def served_model(self) -> str:
        """The served model's name, ``""`` for whatever the server serves."""
        return self.model_combo.currentText().strip()

    def api_key_env(self) -> str:
        """The environment variable holding the key, or ``""``."""
        return self.key_env_edit.text().strip()

    def parallel(self) -> int:
        """Requests in flight at once."""
        return int(self.parallel_spin.value())

    def timeout(self) -> float:
        """How long the server may take to answer one chunk, in seconds."""
        return float(self.timeout_spin.value())

    def set_server(self, url: str, model: str = "", parallel: int | None = None) -> None:
        """Show a server (a project being opened)."""
        self.url_edit.setText(url)
        self.model_combo.setEditText(model)
        if parallel is not None:
            set_clamped(self.parallel_spin, parallel)

    def served_models(self) -> list[str]:
        """The models the last connection test listed."""
        return [self.model_combo.itemText(i) for i in range(self.model_combo.count())]

    def result(self) -> str:
        """What the last connection test said (or why it could not run)."""
        return self.result_label.text()

    def is_testing(self) -> bool:
        """Whether a connection test runs."""
        return self._testing

    # ---- key and test

    def store_key(self) -> bool:
        """Put the typed key into the system keyring for this address; ``False`` (saying why)
        when there is no key, no address or no keyring."""
        key, url = self.key_edit.text().strip(), self.url()
        if not key or not url:
            return False
        if store_api_key_in_keyring(url, key):
            self._set_result(self.tr("The key is kept in the system keyring."))
            return True
        self._set_result(
            self.tr(
                "This system has no keyring, so the key cannot be kept: put it in an "
                "environment variable and name it under Key variable."
            ),
            error=True,
        )
        return False

    def test_connection(self) -> bool:
        """Ask the server which models it serves, off the UI thread, with the key and the
        answer wait a job would use; ``False`` if it cannot start (no address, a key
        variable that is not set, a test already running). While it runs the button cancels
        it."""
        url = self.url()
        if self._testing:
            return False
        if not url:
            self._set_result(self.tr("Enter the server's address first."), error=True)
            return False
        typed = self.key_edit.text().strip() or None
        env = self.api_key_env()
        self._key_note = ""
        if env:  # what a job does: the named variable, and nothing else
            try:
                key = find_api_key(url, env)
            except KeyError:
                self._set_result(
                    self.tr("The environment variable {0} is not set.").format(env),
                    error=True,
                )
                return False
            if typed is not None:
                self._key_note = self.tr(
                    "The key typed above is not used: with a Key variable, jobs take the key "
                    "from {0}. Clear the variable's name to use the typed key.").format(env)
        elif typed is not None:
            key = typed
            if not self.store_key():  # said why; repeated after the test's own answer
                self._key_note = self.result()
        else:
            key = find_api_key(url)
        self._testing = True
        self._test_cancel = CancelToken()
        cancel, wait = self._test_cancel, self.timeout()
        self.test_button.setText(self.tr("Cancel test"))
        self._set_result(self.tr("Connecting to {0}…").format(url))
        self._background.run(
            lambda: check_server(url, key, timeout=wait, cancel=cancel,
                                 connect_timeout=CHECK_TIMEOUT_S),
            self._tested, context=self
        )
        return True

    def _test_clicked(self) -> None:
        if self._testing:
            self._test_cancel.cancel()
        else:
            self.test_connection()

    def _tested(self, check: ServerCheck | None, error: BaseException | None) -> None:
        self._testing = False
        self.test_button.setText(self.tr("Test connection"))
        if isinstance(error, Cancelled):
            self._set_result(self.tr("Test cancelled."))
            self.checked.emit(False)
            return
        if check is None:
            text = str(error) if isinstance(error, TingxieError) else (
                f"{type(error).__name__}: {error}")
            self._set_result(self.tr("Cannot connect: {0}").format(text), error=True)
            self.checked.emit(False)
            return
        chosen = self.served_model()
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        self.model_combo.addItems(check.models)
        self.model_combo.blockSignals(False)
        # Keep a served choice; else take what the server serves.
        pick = chosen if chosen in check.models else (check.models[0] if check.models else "")
        self.model_combo.setEditText(pick)
        self._model_changed(pick)
        models = ", ".join(check.models) or self.tr("none")
        text = self.tr("Connected in {0} ms. Serves: {1}").format(
            round(check.round_trip_s * 1000), models
        )
        self._set_result(f"{text}\n{self._key_note}" if self._key_note else text,
                         error=bool(self._key_note))
        self.checked.emit(True)

    # ---- internals

    def _load_settings(self) -> None:
        s = self._settings
        self.url_edit.setText(str(s.get(keys.SERVER_URL) or ""))
        self.model_combo.setEditText(str(s.get(keys.SERVER_MODEL) or ""))
        self.key_env_edit.setText(str(s.get(keys.API_KEY_ENV) or ""))
        self.parallel_spin.setValue(max(1, int(s.get(keys.PARALLEL) or 8)))
        set_clamped(self.timeout_spin, stored_server_timeout(s.get(keys.SERVER_TIMEOUT)))

    def _url_changed(self, text: str) -> None:
        # A password typed into the address is refused, and never kept in the settings.
        self._settings.set(keys.SERVER_URL, without_credentials(text.strip()))
        self._update_warning()
        self.changed.emit()

    def _model_changed(self, text: str) -> None:
        self._settings.set(keys.SERVER_MODEL, text.strip())
        self.changed.emit()

    def _key_env_changed(self, text: str) -> None:
        self._settings.set(keys.API_KEY_ENV, text.strip())
        self.changed.emit()

    def _parallel_changed(self, value: int) -> None:
        self._settings.set(keys.PARALLEL, int(value))
        self.changed.emit()

    def _timeout_changed(self, value: int) -> None:
        self._settings.set(keys.SERVER_TIMEOUT, float(value))
        self.changed.emit()

    def _update_warning(self) -> None:
        url = self.url()
        warning = insecure_url_warning(url) if url else None
        if url and without_credentials(url) != url:
            warning = self.tr(
                "The address holds a user name or password (user:password@): it is refused "
                "and not saved. Remove it, and give the server's key as the API key.")
        elif warning:
            warning = self.tr(
                "{0} is plain http: the audio and the API key travel unencrypted to that "
                "computer. Use https://, or a network you trust."
            ).format(url)
        self.warning_label.setText(warning or "")
        self.warning_label.setVisible(bool(warning))

    def _set_result(self, text: str, error: bool = False) -> None:
        self.result_label.setText(text)
        self.result_label.setVisible(bool(text))
        self.result_label.setStyleSheet("color: #c0392b;" if error else "")
