"""Extraction accuracy against hand labels: label files, matching and precision / recall.

A label file (TOML) names its text (``document`` = a file next to the labels' ``texts/`` folder, or
``corpus`` = a file of the shared corpus, read from there and never copied) and lists every
quantitative claim in text order as ``[[claim]]`` with ``anchor`` (the figure as written; searched after
the previous anchor), ``metric``, ``value``, ``unit`` and optionally ``value_max``, ``qualifier``
(default ``exactly``), ``period``, ``scope`` and ``compared_to = {value, unit}``.

A predicted claim is right when its span overlaps the label's anchor and metric, unit and value (and
``value_max``) all agree (values to 1e-6 relative).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ultralow.claims.document import Document, read_document
from ultralow.claims.model import Claim


@dataclass(frozen=True)
class Label:
    anchor: str
    span: tuple[int, int]
    metric: str
    value: float
    unit: str
    value_max: float | None = None
    qualifier: str = "exactly"
    period: str | None = None
    scope: str | None = None
    compared_to: tuple[float, str] | None = None


@dataclass(frozen=True)
class LabelledText:
    name: str
    set: str
    document: Document
    labels: tuple[Label, ...]


@dataclass
class Score:
    """Counts of one or more texts; ``field_*`` count agreement of the optional fields on right claims."""

    labelled: int = 0
    predicted: int = 0
    right: int = 0
    found: int = 0
    field_checked: dict[str, int] = field(default_factory=dict)
    field_right: dict[str, int] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.labelled if self.labelled else 1.0

    def add(self, other: Score) -> None:
        self.labelled += other.labelled
        self.predicted += other.predicted
        self.right += other.right
        self.found += other.found
        for key, n in other.field_checked.items():
            self.field_checked[key] = self.field_checked.get(key, 0) + n
        for key, n in other.field_right.items():
            self.field_right[key] = self.field_right.get(key, 0) + n
        self.misses += other.misses
        self.extras += other.extras


def default_corpus_dir() -> Path:
    """``../shared/corpus`` beside the repository (overridden by ``ULTRALOW_CORPUS_DIR``)."""
    import os

    env = os.environ.get("ULTRALOW_CORPUS_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3].parent / "shared" / "corpus"


def read_labels(path: Path, texts_dir: Path, corpus_dir: Path | None = None) -> LabelledText:
    """Read a label file and its text; anchors are resolved to spans in text order."""
    with open(path, "rb") as fh:
        doc: dict[str, Any] = tomllib.load(fh)
    if "corpus" in doc:
        text_path = (corpus_dir or default_corpus_dir()) / doc["corpus"]
    else:
        text_path = texts_dir / doc["document"]
    document = read_document(text_path)
    labels: list[Label] = []
    pos = 0
    for i, row in enumerate(doc.get("claim", []), start=1):
        anchor = row["anchor"]
        at = document.text.find(anchor, pos)
        if at < 0:
            raise ValueError(f"{path.name}: claim {i}: anchor {anchor!r} not found after offset {pos}")
        pos = at + 1
        compared = row.get("compared_to")
        labels.append(Label(
            anchor=anchor, span=(at, at + len(anchor)), metric=row["metric"], value=float(row["value"]),
            unit=row["unit"], value_max=float(row["value_max"]) if "value_max" in row else None,
            qualifier=row.get("qualifier", "exactly"), period=row.get("period"), scope=row.get("scope"),
            compared_to=(float(compared["value"]), compared["unit"]) if compared else None,
        ))
    return LabelledText(path.name.removesuffix(".labels.toml"), doc.get("set", "tuned"), document, tuple(labels))


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def claim_matches(claim: Claim, label: Label) -> bool:
    """Value, unit and metric all right, and the span overlaps the label's anchor."""
    overlaps = claim.span[0] < label.span[1] and label.span[0] < claim.span[1]
    return (overlaps and claim.metric == label.metric and claim.unit == label.unit
            and _close(claim.value, label.value) and _close(claim.value_max, label.value_max))


def score_text(claims: list[Claim], text: LabelledText) -> Score:
    """Match predicted claims to labels one to one."""
    score = Score(labelled=len(text.labels), predicted=len(claims))
    used: set[int] = set()
    for label in text.labels:
        overlapping = [i for i, c in enumerate(claims)
                       if i not in used and c.span[0] < label.span[1] and label.span[0] < c.span[1]]
        if overlapping:
            score.found += 1
        match = next((i for i in overlapping if claim_matches(claims[i], label)), None)
        if match is None:
            got = "; ".join(f"{claims[i].metric} {claims[i].value:g} {claims[i].unit}" for i in overlapping) or "nothing"
            score.misses.append(f"{text.name}: {label.anchor!r} want {label.metric} {label.value:g} {label.unit}, got {got}")
            continue
        used.add(match)
        score.right += 1
        claim = claims[match]
        _field(score, "qualifier", claim.qualifier == label.qualifier)
        if label.period is not None:
            _field(score, "period", claim.period == label.period)
        if label.scope is not None:
            _field(score, "scope", claim.scope == label.scope)
        if label.compared_to is not None:
            got_cmp = claim.compared_to
            _field(score, "compared_to", got_cmp is not None and _close(got_cmp.value, label.compared_to[0])
                   and got_cmp.unit == label.compared_to[1])
    for i, c in enumerate(claims):
        if i not in used:
            score.extras.append(f"{text.name}: extra {text.document.text[c.span[0]:c.span[1]]!r} "
                                f"{c.metric} {c.value:g} {c.unit}")
    return score


def _field(score: Score, name: str, ok: bool) -> None:
    score.field_checked[name] = score.field_checked.get(name, 0) + 1
    score.field_right[name] = score.field_right.get(name, 0) + int(ok)
