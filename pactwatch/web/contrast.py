"""Colours that keep text readable: WCAG 2.2 contrast, computed rather than guessed.

The comparison grid shades each cell by its count; the number on it is then drawn in black
or white, whichever contrasts more with that shade. At any shade one of the two reaches at
least 4.5:1 (the crossing is near relative luminance 0.18, where both give about 4.6:1).
"""

from __future__ import annotations

from dataclasses import dataclass

ACCENT = (36, 88, 143)
WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
Rgb = tuple[int, int, int]


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: Rgb) -> float:
    r, g, b = (_channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: Rgb, b: Rgb) -> float:
    """The contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(colour: Rgb, share: float) -> Rgb:
    """`colour` laid over white at opacity `share`."""
    r, g, b = (round(255 - share * (255 - v)) for v in colour)
    return (r, g, b)


def hex_colour(rgb: Rgb) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


@dataclass(frozen=True)
class Shade:
    background: str
    ink: str
    contrast: float


def shade(share: float) -> Shade:
    """A cell's background for a share between 0 and 1 of the largest count, and its ink."""
    background = mix(ACCENT, 0.12 + 0.88 * max(0.0, min(1.0, share)))
    ink = max((BLACK, WHITE), key=lambda c: ratio(c, background))
    return Shade(hex_colour(background), hex_colour(ink), ratio(ink, background))
