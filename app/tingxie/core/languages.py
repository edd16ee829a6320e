"""The languages Qwen3-ASR transcribes, by code, English name and native name.

The model also recognises 22 Chinese dialects (Sichuanese, Shanghainese, Hokkien, ...)
without being told: they are reported as Chinese or Cantonese.
"""

from __future__ import annotations

from dataclasses import dataclass

from tingxie.core.errors import TingxieError


@dataclass(frozen=True)
class Language:
    """One language the model knows: ISO code, the English name the model uses, native name."""

    code: str
    name: str
    native: str

    @property
    def label(self) -> str:
        """What a language menu shows: ``Chinese — 中文``."""
        return self.name if self.name == self.native else f"{self.name} — {self.native}"


LANGUAGES: tuple[Language, ...] = (
    Language("zh", "Chinese", "中文"),
    Language("en", "English", "English"),
    Language("yue", "Cantonese", "粵語"),
    Language("ar", "Arabic", "العربية"),
    Language("cs", "Czech", "Čeština"),
    Language("da", "Danish", "Dansk"),
    Language("nl", "Dutch", "Nederlands"),
    Language("fil", "Filipino", "Filipino"),
    Language("fi", "Finnish", "Suomi"),
    Language("fr", "French", "Français"),
    Language("de", "German", "Deutsch"),
    Language("el", "Greek", "Ελληνικά"),
    Language("hi", "Hindi", "हिन्दी"),
    Language("hu", "Hungarian", "Magyar"),
    Language("id", "Indonesian", "Bahasa Indonesia"),
    Language("it", "Italian", "Italiano"),
    Language("ja", "Japanese", "日本語"),
    Language("ko", "Korean", "한국어"),
    Language("mk", "Macedonian", "Македонски"),
    Language("ms", "Malay", "Bahasa Melayu"),
    Language("fa", "Persian", "فارسی"),
    Language("pl", "Polish", "Polski"),
    Language("pt", "Portuguese", "Português"),
    Language("ro", "Romanian", "Română"),
    Language("ru", "Russian", "Русский"),
    Language("es", "Spanish", "Español"),
    Language("sv", "Swedish", "Svenska"),
    Language("th", "Thai", "ไทย"),
    Language("tr", "Turkish", "Türkçe"),
    Language("vi", "Vietnamese", "Tiếng Việt"),
)

_BY_KEY = {}
for _lang in LANGUAGES:
    for _key in (_lang.code, _lang.name, _lang.native):
        _BY_KEY[_key.casefold()] = _lang
# Common aliases people type.
for _alias, _code in {"mandarin": "zh", "zh-cn": "zh", "zh-tw": "zh", "zh-hk": "yue",
                      "tagalog": "fil", "farsi": "fa"}.items():
    _BY_KEY[_alias] = next(lang for lang in LANGUAGES if lang.code == _code)

AUTO = ("", "auto", "auto-detect", "autodetect")


class UnsupportedLanguage(TingxieError):
    """A language the model does not know."""

    def __init__(self, value: str) -> None:
        self.value = value
        codes = ", ".join(lang.code for lang in LANGUAGES)
        super().__init__(
            f"Qwen3-ASR does not support the language {value!r}. Choose auto-detect or one of: "
            f"{codes}."
        )


def find_language(value: str | None) -> Language | None:
    """The language named by a code, English name or native name; ``None`` for auto-detect.

    Raises :class:`UnsupportedLanguage` for anything else.
    """
    if value is None or value.strip().casefold() in AUTO:
        return None
    lang = _BY_KEY.get(value.strip().casefold())
    if lang is None:
        raise UnsupportedLanguage(value)
    return lang


def language_code(name: str | None) -> str | None:
    """The ISO code for a language name the model reported, or the name itself if unknown."""
    if not name:
        return None
    lang = _BY_KEY.get(name.strip().casefold())
    return lang.code if lang else name
