"""Chimes synthesised in code through pygame.mixer: no sound files.

Level 2 repeats a two-tone chime; level 3 sounds a continuous pulsing alarm. Without an
audio device (or under SDL's dummy audio driver) the HUD is simply silent.
"""

from __future__ import annotations

import numpy as np
import pygame

from dms.bus.enums import Chime

__all__ = ["ChimePlayer"]

RATE_HZ = 22050
REPEAT_S = 1.5


def _tone(frequencies: list[tuple[float, float]], volume: float = 0.4) -> np.ndarray:
    """Concatenated sine tones (frequency Hz, seconds) with short fades, as int16 stereo."""
    parts = []
    for frequency, seconds in frequencies:
        t = np.arange(int(RATE_HZ * seconds)) / RATE_HZ
        wave = np.sin(2 * np.pi * frequency * t) if frequency > 0 else np.zeros_like(t)
        fade = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.01) if len(t) else t
        parts.append(wave * fade)
    mono = (np.concatenate(parts) * volume * 32767).astype(np.int16)
    return np.ascontiguousarray(np.column_stack([mono, mono]))


class ChimePlayer:
    """Plays the pattern ``ECU_Hmi.chime`` asks for."""

    def __init__(self) -> None:
        self._sounds: dict[Chime, pygame.mixer.Sound] = {}
        self._last = Chime.NONE
        self._next_s = 0.0
        try:
            pygame.mixer.init(frequency=RATE_HZ, size=-16, channels=2)
            self._sounds = {
                Chime.SINGLE: pygame.sndarray.make_sound(_tone([(880, 0.18)])),
                Chime.REPEATED: pygame.sndarray.make_sound(
                    _tone([(880, 0.18), (0, 0.06), (660, 0.25)])
                ),
                Chime.CONTINUOUS: pygame.sndarray.make_sound(
                    _tone([(1200, 0.12), (0, 0.05)] * 4, volume=0.6)
                ),
            }
        except pygame.error:
            self._sounds = {}  # no audio device: silent

    @property
    def audible(self) -> bool:
        return bool(self._sounds)

    def update(self, chime: Chime, now_s: float) -> None:
        if chime is Chime.NONE:
            self._last = chime
            return
        repeat = REPEAT_S if chime is Chime.REPEATED else 0.7 if chime is Chime.CONTINUOUS else None
        due = chime is not self._last or (repeat is not None and now_s >= self._next_s)
        self._last = chime
        if due:
            self._next_s = now_s + (repeat or 0.0)
            sound = self._sounds.get(chime)
            if sound is not None:
                sound.play()
