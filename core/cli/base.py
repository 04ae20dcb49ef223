"""What every command shares: the exit status for bad input, argument types, the one-line argparse error, JSON."""

from __future__ import annotations

import argparse
import json
import math
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """A command-line value that cannot be used; exits with status 2."""


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a bad argument as one line (no usage block), still with exit status 2."""

    def error(self, message: str) -> None:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message}\n")


def date_arg(text: str) -> pd.Timestamp:
    import pandas as pd  # here, not at the top: `simulate` on a plain file starts without pandas

    try:
        return pd.Timestamp(pd.to_datetime(text, format="%Y-%m-%d"))
    except (ValueError, TypeError):
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2025-12-31") from None


def fraction_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"service level must be between 0 and 1 (exclusive), got {text}")
    return value


def positive_arg(kind: type):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a {kind.__name__}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value
    return parse


def non_negative_int_arg(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an integer") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be zero or more, got {text}")
    return value


def _json_default(value: object) -> object:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, datetime):  # pandas' Timestamp is one
        return value.date().isoformat()
    raise TypeError(f"not serialisable: {type(value).__name__}")


def _clean(value: object) -> object:
    """NaN and infinities become null, so the output is strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def dump_json(payload: dict) -> str:
    """Compact JSON (the C encoder; an indented dump of 100k SKUs takes seconds): pipe to `jq` to read it.

    Payloads are dumped as they are first; only when a NaN or infinity shows up (or text that looks like one)
    is the payload walked to turn those into null — walking half a million values costs more than dumping them."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=_json_default)
    if "NaN" in text or "Infinity" in text:
        text = json.dumps(_clean(payload), ensure_ascii=False, separators=(",", ":"), default=_json_default)
    return text
