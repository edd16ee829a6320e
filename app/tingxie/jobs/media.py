"""Opening media or a project, and saving a job's result as a new project.

Plain functions (no Qt): the window runs :func:`load_media` off the UI thread and gets a
:class:`LoadedMedia` back, or the typed error to show; the batch queue and the command line
save their results with :func:`save_new_project`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tingxie.core import audio as audio_files
from tingxie.core import project as projects
from tingxie.core.audio import Audio, DamagedAudioFile, NoSuchAudioTrack, load
from tingxie.core.cancel import CancelToken
from tingxie.core.envelope import Envelope
from tingxie.core.errors import FileProblem
from tingxie.core.timefmt import format_duration
from tingxie.core.transcript import Transcript


@dataclass
class LoadedMedia:
    """A decoded file, its waveform envelope and the project it belongs to."""

    media_path: Path
    audio: Audio
    envelope: Envelope
    project: projects.Project
    project_path: Path | None = None  # set when a .tingxie was opened
    recovered: projects.Project | None = None  # a newer autosave of that project
    #: The project path whose recovery file ``recovered`` comes from: the project's, or for
    #: a recording never saved as a project its own (:func:`~tingxie.core.project.
    #: recording_project_path`).
    recovered_from: Path | None = None
    truncated: str = ""  # the problem, when only the readable part of a damaged file opened
    #: Things the user should be told once: a damaged recovery file set aside, characters
    #: that had to be replaced, which audio track of several is used.
    notices: list[str] = field(default_factory=list)
    #: The project's audio was located elsewhere (moved, or another copy): the project file
    #: still names the old one until it is saved.
    relinked: bool = False
    #: The project file's (modification time in ns, size) when it was read.
    project_state: tuple[int, int] | None = None
    #: A recovery file could not be used (damaged, or from a newer Tingxie) and was set
    #: aside: among ``notices``, and worth a box, not only the status bar.
    recovery_set_aside: bool = False
    #: The located audio is not the file the project was made on (its contents differ): the
    #: lines may not match its sound. Among ``notices`` (the last one), worth a box too.
    other_audio: bool = False


#: The project option holding the speech regions found in its audio (docs/project-format.md).
SPEECH_REGIONS_OPTION = "speech_regions"


class AudioMissing(FileProblem):
    """A project whose audio file cannot be found."""


def is_project(path: str | Path) -> bool:
    """Whether ``path`` names a Tingxie project rather than media."""
    return Path(path).suffix.lower() == projects.SUFFIX


def load_media(path: str | Path, progress: Callable[[float], None] | None = None,
               cancel: CancelToken | None = None, accept_partial: bool = False,
               media_path: str | Path | None = None,
               track: int | None = None) -> LoadedMedia:
    """Open a media file or a project (with its media), decoding and building the envelope.

    ``progress`` receives fractions in [0, 1]. ``accept_partial`` opens the readable part of
    a damaged file (truncated, or with unreadable passages) instead of raising the
    :class:`~tingxie.core.audio.DamagedAudioFile` that carries it. ``media_path``, for a
    project, overrides where its audio is (the user located a moved file, or another copy:
    a different file becomes the project's audio, and speech regions found in the old one
    are dropped). ``track`` picks the audio track (from 1) of a file with several; a project
    remembers the one it used.
    """
    path = Path(path)
    report = progress or (lambda _f: None)
    project_path = None
    recovered = None
    notices: list[str] = []
    located = other_audio = False
    project_state = None
    set_aside = False
    if is_project(path):
        st = path.stat()
        project_state = (st.st_mtime_ns, st.st_size)
        opened = projects.open_project(path)
        project, recovered, project_path = opened.project, opened.recovered, path
        if opened.recovery_problem:
            notices.append(opened.recovery_problem)
            set_aside = True
        notices.extend(project.notices)
        if media_path is None:
            found = projects.locate_audio(project, [path.parent])
            if found is None:
                raise AudioMissing(
                    project.audio_path or path, "the audio of this project was not found.",
                    "Locate the audio file to go on; the transcript is safe.")
            media_path = found
        else:
            located = True
        stored = (project.audio_path, project.audio_fingerprint)
        project.audio_path = Path(media_path)
    else:
        project = projects.Project()
        media_path = path
    media_path = Path(media_path)
    truncated = ""
    saved_track = project.options.get("audio_track")
    track_asked, gone_track = track, None
    if track is None and isinstance(saved_track, int) and not isinstance(saved_track, bool):
        track = saved_track
    try:
        try:
            audio = load(media_path, progress=lambda f: report(0.9 * f), cancel=cancel,
                         track=track)
        except NoSuchAudioTrack:
            if track is None or track_asked is not None:
                raise
            # The project remembers a track of the file it was made with; the copy located
            # since (that track alone, extracted) has fewer. Its default track is used
            # rather than leaving the project unopenable.
            project.options.pop("audio_track", None)
            gone_track, track = track, None
            audio = load(media_path, progress=lambda f: report(0.9 * f), cancel=cancel)
    except DamagedAudioFile as exc:
        if not accept_partial or exc.partial is None:
            raise
        audio, truncated = exc.partial, str(exc)
    if gone_track is not None:
        notices.append(f"Audio track {gone_track} no longer exists in {media_path.name}; "
                       f"track {audio.track} is used.")
    envelope = Envelope.build(audio.samples, audio.sample_rate, cancel=cancel)
    recovered_from = project_path if recovered is not None else None
    if project.audio_fingerprint is None:
        projects.attach_audio(project, media_path)
        if project_path is None:  # a recording: the work a crash left on it, if any
            recovered, problem = _recording_recovery(media_path, project.audio_fingerprint)
            recovered_from = projects.recording_project_path(media_path) if recovered else None
            if problem:
                notices.append(problem)
                set_aside = True
    elif located:
        for kept in (project, recovered):
            if kept is not None:
                _relink(kept, media_path)
        other_audio = stored[1] != project.audio_fingerprint
        located = stored != (project.audio_path, project.audio_fingerprint)
        if recovered is None and other_audio and project_path is not None:
            # The autosave was passed over as made on other audio: the session that left it
            # had accepted this very file (changed in place, or relinked), as the user just
            # did, so it is offered after all.
            recovered, problem = _project_recovery(project_path, project.audio_fingerprint)
            recovered_from = project_path if recovered is not None else None
            if problem:
                notices.append(problem)
                set_aside = True
    _fit_duration(project.transcript, audio, media_path, notices, located, bool(truncated))
    if audio.track_count > 1:
        project.options["audio_track"] = audio.track
        notices.append(f"{media_path.name} has {audio.track_count} audio tracks; track "
                       f"{audio.track} is used (File > Audio track chooses another).")
    if other_audio:
        # Last, so that the status bar, which shows the last notice, shows this one.
        notices.append(f"{media_path.name} is not the recording the project was made on (its "
                       "contents differ): the lines may not match its sound. If it is the "
                       "wrong file, close the project without saving and locate the right "
                       "one; saving makes this file the project's audio.")
    report(1.0)
    return LoadedMedia(media_path, audio, envelope, project, project_path, recovered,
                       recovered_from, truncated, notices,
                       relinked=located and project_path is not None,
                       project_state=project_state, recovery_set_aside=set_aside,
                       other_audio=other_audio)


#: How far (seconds) the decoded audio's length may differ from the length a project's
#: transcript remembers before it is taken as other audio: decoders pad or trim a few
#: frames, a located longer copy or a re-encoding changes more.
DURATION_TOLERANCE = 0.05


def _fit_duration(transcript: Transcript, audio: Audio, media_path: Path,
                  notices: list[str], located: bool, partial: bool) -> None:
    """Make the transcript's length the opened audio's. A project made from the readable
    part of a file and opened later with the complete copy kept the shorter length; a run
    over the whole file then wrote segments past it, and the saved project could no longer
    be opened. The length never drops below the last segment's end, so nothing is cut."""
    length = round(audio.duration, 3)
    if transcript.duration is None:
        transcript.duration = length
        return
    if abs(audio.duration - transcript.duration) <= DURATION_TOLERANCE or (
            partial and audio.duration < transcript.duration):
        return  # the readable part of a damaged copy: the recording is still that long
    last_end = max((seg.end for seg in transcript.segments), default=0.0)
    old, transcript.duration = transcript.duration, max(length, last_end)
    if not located:
        return
    now, then = format_duration(audio.duration), format_duration(old)
    if audio.duration > old:
        notices.append(f"{media_path.name} is {now} long, longer than the {then} the "
                       "transcript was made for: all of it can be transcribed now.")
    elif last_end > length:
        notices.append(f"{media_path.name} is {now} long, shorter than the {then} the "
                       "transcript was made for: the lines past its end are kept, without "
                       "sound.")


def _project_recovery(path: Path, fingerprint: str | None
                     ) -> tuple[projects.Project | None, str | None]:
    """The autosave of the project at ``path`` made on the audio with ``fingerprint`` (the
    audio the project opens with now, not the one its file records), when it holds something
    newer than the project; else why it cannot be offered (a damaged one, set aside), or
    nothing."""
    if projects.recovery_outdated(path) is not False:
        return None, None
    return _recovery_of(path, fingerprint)


def _recording_recovery(media_path: Path, fingerprint: str | None
                        ) -> tuple[projects.Project | None, str | None]:
    """The autosave a crashed session left for the recording at ``media_path`` (never saved
    as a project), when there is one of this very audio; else why it cannot be offered (a
    damaged one, set aside), or nothing."""
    key = projects.recording_project_path(media_path)
    if not projects.recovery_path(key).is_file():
        return None, None
    return _recovery_of(key, fingerprint)


def _recovery_of(key: Path, fingerprint: str | None
                 ) -> tuple[projects.Project | None, str | None]:
    """The recovery file of ``key`` if it was made on the audio with ``fingerprint``; one made
    on other audio is nothing to offer, a damaged one (set aside) says why."""
    try:
        return projects.read_recovery(key, for_project=key, for_audio=fingerprint), None
    except projects.RecoveryMismatch:
        return None, None
    except projects.ProjectError as exc:
        return None, str(exc)


def load_readable(path: str | Path, *, progress: Callable[[float], None] | None = None,
                  cancel: CancelToken | None = None,
                  track: int | None = None) -> tuple[Audio, str]:
    """Decode ``path`` for a run nobody watches (the batch queue, the command line): a damaged
    recording gives the part that could be read, with what is wrong with it ("" when
    nothing is), to be transcribed and reported, rather than failing the file. A file with
    nothing readable still raises."""
    try:
        return audio_files.load(path, progress=progress, cancel=cancel, track=track), ""
    except DamagedAudioFile as exc:
        if exc.partial is None:
            raise
        return exc.partial, exc.problem


def _relink(project: projects.Project, media_path: Path) -> None:
    """Make a located file the project's audio. If it is another file than the one the
    project was made with, its fingerprint replaces the old one (else every later open would
    look for the old file again) and the speech regions found in the old audio go."""
    old = project.audio_fingerprint
    projects.attach_audio(project, media_path)
    if project.audio_fingerprint != old:
        project.options.pop(SPEECH_REGIONS_OPTION, None)


def free_project_path(folder: Path, stem: str, mark: str = "") -> Path:
    """``folder/stem{mark}.tingxie``, or ``stem{mark} (2).tingxie``, ``(3)``... if that is
    taken. Where a name would pass 255 bytes (a recording named with 80 Chinese characters)
    the stem is cut short, never ``mark`` (``.partial``) or the number."""

    def named(n: int) -> Path:
        tail = f"{mark} ({n}){projects.SUFFIX}" if n > 1 else f"{mark}{projects.SUFFIX}"
        return folder / f"{projects.fit_stem(stem, tail)}{tail}"

    target, n = named(1), 1
    while target.exists():
        n += 1
        target = named(n)
    return target


def save_new_project(project: projects.Project, audio_path: Path, folder: Path, *,
                     stem: str | None = None, mark: str = "",
                     fallback: Path | None = None) -> tuple[Path, str]:
    """Attach the audio, then save the project in ``folder`` under a name not yet taken
    (``stem``, by default the audio's, then ``mark``: ``.partial`` for a partial transcript;
    see :func:`free_project_path`). If ``folder`` cannot take it (read-only, full, gone)
    and a ``fallback`` folder is given, it is saved there instead: a transcript that took an
    hour is never thrown away for want of a folder. A missing ``folder`` is not made again
    (:class:`OutputFolderGone`): it was there when chosen. Returns the path and, when the
    fallback was used or the recording could not be read any more, sentences saying so."""
    audio_note = ""
    try:
        projects.attach_audio(project, audio_path)
    except OSError as exc:
        # The recording went away while it was transcribed (a card ejected, a share
        # dropped): the project still names it, without the fingerprint that finds it
        # moved, and opens once it is back.
        project.audio_path = Path(audio_path).resolve()
        project.audio_size = project.audio_fingerprint = None
        audio_note = (f"{audio_path} could not be read any more ({exc.strerror or exc}); "
                      "the project names it and opens once it is back.")
    stem = stem or audio_path.stem
    try:
        return _save_in(project, folder, stem, mark), audio_note
    except projects.ProjectError as exc:
        if fallback is None or fallback == folder:
            raise
        target = _save_in(project, fallback, stem, mark, create=True)
        if isinstance(exc, OutputFolderGone):
            where = (f"{folder} could not take it: the folder is gone (a drive unplugged, "
                     f"or the folder moved or deleted). Saved in {fallback} instead; plug "
                     "the drive back in or choose another output folder.")
        else:
            where = (f"{folder} could not take it ({exc.problem.rstrip('.')}): saved in "
                     f"{fallback} instead.")
        return target, " ".join(filter(None, (where, audio_note)))


class OutputFolderGone(projects.ProjectError):
    """The folder a result was to be saved in no longer exists."""


def _save_in(project: projects.Project, folder: Path, stem: str, mark: str = "", *,
             create: bool = False) -> Path:
    """Save in ``folder``. Only a ``create`` folder (the fallback) is made when missing: a
    chosen folder, or the recording's, that is gone was on a drive unplugged or a share
    dropped, and making it again would hide the result where nobody looks (a new
    /media/usb/out on the system disk)."""
    if not create and not folder.is_dir():
        raise OutputFolderGone(folder, "no longer exists.",
                               "Plug the drive back in or choose another output folder.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise projects.ProjectError(folder, f"could not be created ({exc.strerror or exc}).",
                                    "Choose another output folder.") from exc
    target = free_project_path(folder, stem, mark)
    projects.save(project, target)
    return target


def result_project(transcript: Transcript, options: dict) -> projects.Project:
    """A new project holding a job's transcript and the options it ran with."""
    return projects.Project(transcript=transcript, options=dict(options))
