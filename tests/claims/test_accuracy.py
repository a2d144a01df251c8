"""Extraction accuracy on the hand-labelled texts: the shared corpus (read from ../shared/corpus, never
copied) and the project's own disclosure-style texts (tests/claims/data). Precision and recall count a
claim right only when value, unit and metric are all right (ultralow.claims.accuracy)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ultralow.claims import extract_claims
from ultralow.claims.accuracy import Score, default_corpus_dir, read_labels, score_text

DATA = Path(__file__).parent / "data"
LABELS = sorted((DATA / "labels").glob("*.labels.toml"))
# Sets held out from tuning (issue 11: written and labelled before the first run, never tuned on); their
# figures are reported, and only a floor below the measured value is asserted (a regression guard).
HELD_OUT = {"unseen": 0.85}


def _load(path: Path):  # type: ignore[no-untyped-def]
    try:
        return read_labels(path, DATA / "texts")
    except FileNotFoundError as exc:
        pytest.skip(f"{path.name}: shared corpus text not available ({exc.filename}); the corpus is read from "
                    f"{default_corpus_dir()}")


@pytest.mark.parametrize("path", LABELS, ids=[p.name.removesuffix(".labels.toml") for p in LABELS])
def test_labelled_text(path: Path) -> None:
    text = _load(path)
    score = score_text(extract_claims(text.document), text)
    assert score.labelled > 0
    if text.set in HELD_OUT:
        return  # held out: measured (test_sets_totals), never tuned on, so no per-text floor
    # the target (>= 95 %) is checked per set below; one small text may hold one hard case
    assert score.recall >= 0.85, "\n".join(score.misses)
    assert score.precision >= 0.85, "\n".join(score.extras + score.misses)


def test_corpus_labels_cover_every_figure_of_the_corpus_text() -> None:
    path = DATA / "labels" / "weiqiao-responsibility-report.labels.toml"
    text = _load(path)
    # 17 claims by hand: taxes, rural share, employees, rural jobs, households, kindergartens, environmental
    # investment, 3 thermal-power and 2 aluminium concentrations, 2 donations, Rainbow Houses, the Ebola
    # investment and its two medical stations.
    assert len(text.labels) == 17
    assert sum(1 for label in text.labels if label.compared_to) == 5


def test_sets_totals() -> None:
    totals: dict[str, Score] = {}
    for path in LABELS:
        text = _load(path)
        totals.setdefault(text.set, Score()).add(score_text(extract_claims(text.document), text))
    assert {"tuned", "heldout1", "heldout2", "heldout3", "fresh1", "fresh2", "fresh3", "fresh4", "fresh5", "dev",
            "unseen", "corpus"} <= set(totals)
    # every set reaches the target once its first-run errors were worked on (first-run figures
    # of the held-out sets are in their label files); the whole of all sets must too
    whole = Score()
    for name, score in totals.items():
        whole.add(score)
        floor = HELD_OUT.get(name, 0.9)
        assert score.precision >= floor and score.recall >= floor, (name, score.misses, score.extras)
    assert whole.precision >= 0.95 and whole.recall >= 0.95, (whole.misses, whole.extras)
    for name in ("tuned", "corpus", "dev"):
        assert totals[name].precision >= 0.95 and totals[name].recall >= 0.95, name


def test_a_wrong_metric_is_not_counted_right(tmp_path: Path) -> None:
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "t.txt").write_text("We donated RMB 5 million.", encoding="utf-8")
    label = tmp_path / "t.labels.toml"
    label.write_text('document = "t.txt"\n[[claim]]\nanchor = "RMB 5 million"\nmetric = "taxes_paid"\n'
                     'value = 5e6\nunit = "CNY"\n', encoding="utf-8")
    text = read_labels(label, tmp_path / "texts")
    score = score_text(extract_claims(text.document), text)
    assert (score.labelled, score.predicted, score.right, score.found) == (1, 1, 0, 1)
    assert score.precision == 0.0 and score.recall == 0.0
