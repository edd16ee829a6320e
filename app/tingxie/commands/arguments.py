"""Argument types shared by the commands: a number that argparse rejects with a clear message."""

from __future__ import annotations

import argparse
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
