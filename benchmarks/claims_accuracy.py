"""Claim extraction accuracy and speed, and the verdict table of the corpus.

Prints, per label set (tuned = texts the rules were developed on, heldout1-3 = texts written and labelled
after the extractor was considered done, fresh1-5 = further disclosure forms (HKEX KPI tables, GRI content
index, CSR reports, press releases, climate metrics, "at a glance" pages) each labelled by hand before the
extractor was first run on it, dev = issue 11's development set of real-style texts (English prose, a
plain-text KPI table, Chinese prose and tables, an HTML page with tables, a WeasyPrint PDF with tables) labelled
before the first run and then tuned on, unseen = issue 11's held-out texts (Markdown, plain text with an aligned
table, PDF) labelled at the same time and never tuned on, corpus = the shared corpus read from
../shared/corpus; first-run figures of every set are in its label files or the issue's note), then per text:
precision and recall of extraction (a claim is right when value, unit and metric are all right), found
(a claim at the labelled place, right or not), and agreement of qualifier / period / scope / compared_to
on the right claims. A baseline measured in the same run — every number followed by a unit word, with
the first metric word of its sentence — shows what the rules add. Then extraction speed (with a plain
regex scan of the same texts as baseline) and the verdicts of the corpus claims.

    .venv/bin/python benchmarks/claims_accuracy.py [--db STORE | --hours HOURS.parquet] [--config REGISTRY]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from ultralow.claims import extract_claims
from ultralow.claims.accuracy import LabelledText, Score, default_corpus_dir, read_labels, score_text
from ultralow.claims.model import Claim
from ultralow.claims.sentences import split_sentences
from ultralow.claims.vocabulary import Vocabulary, find_unit, vocabulary

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "claims" / "data"


def baseline_claims(text: LabelledText, vocab: Vocabulary) -> list[Claim]:
    """A number, a unit word right after it, the first metric word of the sentence (no rules)."""
    doc = text.document
    out: list[Claim] = []
    number = re.compile(r"\d[\d,]*(?:\.\d+)?")
    for s, e in split_sentences(doc.text, 0, len(doc.text)):
        metric = None
        first = e
        for m in vocab.metrics:
            hit = m.terms_re.search(doc.text, s, e)
            if hit and hit.start() < first:
                first, metric = hit.start(), m.name
        for m in number.finditer(doc.text, s, e):
            um = vocab.suffix_unit_re.match(doc.text, m.end(), e) or vocab.suffix_unit_re.match(doc.text, m.end() + 1, e)
            if not um:
                continue
            unit = find_unit(vocab, um.group(0), prefix=False)
            if unit is None:
                continue
            value = float(m.group(0).replace(",", "")) * unit.factor
            out.append(Claim("b", "", (m.start(), um.end()), metric or "unclassified", value, None, unit.unit,
                             "exactly", None, None, None, None))
    return out


def load_sets() -> dict[str, list[LabelledText]]:
    sets: dict[str, list[LabelledText]] = {}
    for path in sorted((DATA / "labels").glob("*.labels.toml")):
        try:
            text = read_labels(path, DATA / "texts")
        except FileNotFoundError as exc:
            print(f"skipped {path.name}: {exc.filename} not found (corpus dir {default_corpus_dir()})", file=sys.stderr)
            continue
        sets.setdefault(text.set, []).append(text)
    return sets


def print_scores(sets: dict[str, list[LabelledText]], vocab: Vocabulary) -> dict[str, Score]:
    totals: dict[str, Score] = {}
    print("Extraction accuracy (right = value, unit and metric all right)")
    print(f"{'set':8} {'texts':>5} {'labelled':>8} {'predicted':>9} {'right':>5} {'precision':>9} {'recall':>7} "
          f"{'found':>6} | baseline {'P':>6} {'R':>6}")
    for name in sorted(sets, key=lambda n: (n != "tuned", n == "corpus", n)):
        texts = sets.get(name, [])
        if not texts:
            continue
        score, base = Score(), Score()
        for text in texts:
            score.add(score_text(extract_claims(text.document, vocab), text))
            base.add(score_text(baseline_claims(text, vocab), text))
        totals[name] = score
        print(f"{name:8} {len(texts):>5} {score.labelled:>8} {score.predicted:>9} {score.right:>5} "
              f"{score.precision:>9.3f} {score.recall:>7.3f} {score.found / max(score.labelled, 1):>6.3f} | "
              f"baseline {base.precision:>6.3f} {base.recall:>6.3f}")
    print("\nPer text (first-run figures of the held-out texts are in their label files):")
    for name in sorted(sets, key=lambda n: (n != "tuned", n == "corpus", n)):
        for text in sets[name]:
            one = score_text(extract_claims(text.document, vocab), text)
            print(f"  {name:8} {text.name:34} {one.labelled:>4} {one.predicted:>4} {one.right:>4} "
                  f"P {one.precision:.3f} R {one.recall:.3f}")
    print("\nField agreement on right claims:")
    for name, score in totals.items():
        fields = ", ".join(f"{k} {score.field_right[k]}/{n}" for k, n in sorted(score.field_checked.items()))
        print(f"  {name}: {fields}")
    for name, score in totals.items():
        for line in score.misses:
            print(f"  {name} miss: {line}")
        for line in score.extras:
            print(f"  {name} extra: {line}")
    return totals


def print_speed(sets: dict[str, list[LabelledText]], vocab: Vocabulary) -> None:
    docs = [t.document for texts in sets.values() for t in texts]
    chars = sum(len(d.text) for d in docs)
    rounds = 20
    t0 = time.perf_counter()
    n = 0
    for _ in range(rounds):
        for d in docs:
            n += len(extract_claims(d, vocab))
    elapsed = time.perf_counter() - t0
    number = re.compile(r"\d[\d,]*(?:\.\d+)?")
    t1 = time.perf_counter()
    m = 0
    for _ in range(rounds):
        for d in docs:
            m += sum(1 for _ in number.finditer(d.text))
    base = time.perf_counter() - t1
    print(f"\nSpeed: {rounds} rounds over {len(docs)} texts ({chars:,} characters): extraction "
          f"{chars * rounds / elapsed:,.0f} chars/s, {n / elapsed:,.0f} claims/s ({elapsed:.2f} s); "
          f"baseline regex number scan {chars * rounds / base:,.0f} chars/s ({base:.3f} s)")


def print_verdicts(sets: dict[str, list[LabelledText]], db: str | None, hours: str | None, config: str) -> None:
    from ultralow.claims.evidence import EmissionsEvidence, EvidenceSource, packaged_standards
    from ultralow.claims.verify import check_claims

    corpus = sets.get("corpus", [])
    if not corpus:
        return
    sources: list[EvidenceSource] = []
    where = "no CEMS hours (give --db or --hours)"
    if hours:
        import pyarrow.parquet as pq

        sources.append(EmissionsEvidence(pq.read_table(hours)))
        where = hours
    elif db:
        from ultralow.cli.claims import read_engine_hours

        table, emissions, info = read_engine_hours(db, config, None)
        sources.append(EmissionsEvidence(table, emissions=emissions))
        where = f"{db}, {info['period']['from']}..{info['period']['to']}, {info['hours']} judged hours"
    claims = [c for t in corpus for c in extract_claims(t.document)]
    checked = check_claims(claims, sources, standards=packaged_standards())
    print(f"\nVerdicts of the corpus claims (evidence: {where})")
    for c in checked:
        cl = c.claim
        ev = f"{c.evidence.statistic} {c.evidence.value:g} {c.evidence.unit}" if c.evidence and c.evidence.value \
            is not None else "-"
        print(f"  {cl.id:34} {cl.metric:28} {cl.qualifier:9} {cl.value:>14,.6g} {cl.unit:7} {c.verdict:17} {ev}")
        if c.verdict in ("partly_supported", "contradicted"):
            print(f"      {c.reason}")
    counts: dict[str, int] = {}
    for c in checked:
        counts[c.verdict] = counts.get(c.verdict, 0) + 1
    print("  " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None)
    parser.add_argument("--hours", default=None)
    parser.add_argument("--config", default="ultralow.toml")
    args = parser.parse_args()
    vocab = vocabulary()
    sets = load_sets()
    print_scores(sets, vocab)
    print_speed(sets, vocab)
    print_verdicts(sets, args.db, args.hours, args.config)


if __name__ == "__main__":
    main()
