"""Argument types shared by the commands: a number that argparse rejects with a clear message."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def number_argument(value: str, accept: Callable[[float], bool], rule: str) -> float:
    """``value`` as a float; an ``ArgumentTypeError`` (exit 2) when it is not a number, or
    when ``accept`` refuses it: then ``rule`` (formatted with ``value``) says what is allowed."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {value!r}") from None
    if not accept(number):
        raise argparse.ArgumentTypeError(rule.format(value=value))
    return number


def positive_number(value: str) -> float:
    """A finite number above 0 (a learning rate, a temperature)."""
    return number_argument(value, lambda n: math.isfinite(n) and n > 0,
                           "expected a number above 0, got {value!r}")


def non_negative_number(value: str) -> float:
    """A finite number of 0 or more (a weight; 0 turns it off)."""
    return number_argument(value, lambda n: math.isfinite(n) and n >= 0,
                           "expected a number of 0 or more, got {value!r}")


def positive_int(value: str) -> int:
    """A whole number of 1 or more (epochs, steps, a rank)."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, got {value!r}")
    return number
