"""The claim vocabulary, read from the TOML files in ``data/``: units, scales, counted nouns, qualifiers,
metrics, scopes, named standards, cues, entities and periods.

Words are compiled into regular expressions once; English words match whole words (case-insensitively
unless they are acronyms such as ``SO2`` or ``PM``), Chinese words match as substrings.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any


def is_cjk(ch: str) -> bool:
    """True for a CJK ideograph or CJK punctuation (no spaces between words in that script)."""
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


def fold(text: str) -> str:
    """Lower case, hyphens and whitespace runs as one space (for substring pre-tests)."""
    return re.sub(r"[\s\-]+", " ", text.lower())


def _is_case_sensitive(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    uppers = sum(c.isupper() for c in letters)
    return bool(letters) and uppers >= 2


def word_pattern(word: str, *, plural: bool = True, exact_case: bool | None = None) -> str:
    """Regex source for one vocabulary word (see the module docstring for the matching rules)."""
    prefix = word.endswith("*")
    core = word.rstrip("*")
    if not core:
        raise ValueError("empty vocabulary word")
    if is_cjk(core[0]) or not any(c.isalnum() for c in core):
        return re.escape(core)
    body = re.escape(core).replace(r"\ ", r"[\s\-]+")
    start = r"(?<![A-Za-z0-9])" if core[0].isalnum() else ""
    if prefix:
        end = r"[A-Za-z\-]*"
    elif core[-1].isalpha() and plural:
        end = r"(?:s|es)?(?![A-Za-z0-9])"
    elif core[-1].isalnum():
        end = r"(?![A-Za-z0-9])"
    else:
        end = ""
    case = _is_case_sensitive(core) if exact_case is None else exact_case
    return f"{start}{body}{end}" if case else f"(?i:{start}{body}{end})"


def words_regex(words: list[str], *, plural: bool = True, exact_case: bool | None = None) -> re.Pattern[str]:
    """One regex matching any of ``words``, longest first."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return re.compile("|".join(word_pattern(w, plural=plural, exact_case=exact_case) for w in ordered))


@dataclass(frozen=True)
class Scale:
    words: tuple[str, ...]
    factor: float
    cjk: bool
    source: str
    status: str


@dataclass(frozen=True)
class Unit:
    words: tuple[str, ...]
    unit: str
    kind: str
    factor: float
    prefix: bool
    exact_case: bool
    source: str
    status: str


@dataclass(frozen=True)
class Counted:
    words: tuple[str, ...]
    unit: str
    cjk: bool
    source: str
    status: str


@dataclass(frozen=True)
class Qualifier:
    name: str
    after: bool
    words: tuple[str, ...]
    source: str
    status: str


@dataclass(frozen=True)
class Metric:
    """One metric of the lexicon and the words that name it."""

    name: str
    kinds: tuple[str, ...]
    terms: tuple[str, ...]
    with_words: tuple[str, ...]
    priority: int
    evidence: str
    code: str
    default_unit: str
    source: str
    status: str
    terms_re: re.Pattern[str] = field(compare=False, repr=False)
    with_re: re.Pattern[str] | None = field(compare=False, repr=False)
    comparable: bool = True
    # lower-cased words with hyphens as spaces: a cheap test whether the metric can occur in a text at all
    keys: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def may_occur(self, folded_text: str) -> bool:
        """False when none of the metric's words is in ``folded_text`` (see :func:`fold`)."""
        return any(key in folded_text for key in self.keys)


@dataclass(frozen=True)
class Scope:
    name: str
    words_re: re.Pattern[str]
    source_types: tuple[str, ...]
    source: str
    status: str


@dataclass(frozen=True)
class NamedStandard:
    """Words naming a standard (or a source type's limits) in a comparison, with what they refer to."""

    name: str
    words_re: re.Pattern[str]
    standard: str
    clause: str
    limit_set: str
    source_type: str
    fuel: str
    source: str
    status: str


@dataclass(frozen=True)
class Entity:
    name: str
    kind: str
    words_re: re.Pattern[str]


@dataclass(frozen=True)
class NamedPeriod:
    period: str
    words_re: re.Pattern[str]


@dataclass(frozen=True)
class Vocabulary:
    """Everything the extractor knows about words, compiled."""

    number_re: re.Pattern[str]
    bare_scale_re: re.Pattern[str]
    scales: tuple[Scale, ...]
    units: tuple[Unit, ...]
    counted: tuple[Counted, ...]
    qualifiers: tuple[Qualifier, ...]
    metrics: tuple[Metric, ...]
    scopes: tuple[Scope, ...]
    standards: tuple[NamedStandard, ...]
    entities: tuple[Entity, ...]
    periods: tuple[NamedPeriod, ...]
    comparison_cues_re: re.Pattern[str]
    limit_words_re: re.Pattern[str]
    increase_re: re.Pattern[str]
    decrease_re: re.Pattern[str]
    verbs_increase_re: re.Pattern[str]
    verbs_decrease_re: re.Pattern[str]
    increase_after_re: re.Pattern[str]
    comparative_before_re: re.Pattern[str]
    comparative_lower_re: re.Pattern[str]
    comparative_higher_re: re.Pattern[str]
    decrease_after_re: re.Pattern[str]
    noun_increase_re: re.Pattern[str]
    noun_decrease_re: re.Pattern[str]
    not_before: frozenset[str]
    not_after: tuple[str, ...]
    not_before_word_number_re: re.Pattern[str]
    anaphora_re: re.Pattern[str]
    label_header_re: re.Pattern[str]
    reference_header_re: re.Pattern[str]
    # compiled helpers built from the rows above
    scale_re: re.Pattern[str] = field(repr=False, compare=False)
    suffix_unit_re: re.Pattern[str] = field(repr=False, compare=False)
    prefix_unit_re: re.Pattern[str] = field(repr=False, compare=False)
    counted_en_re: re.Pattern[str] = field(repr=False, compare=False)
    counted_cjk_re: re.Pattern[str] = field(repr=False, compare=False)
    qualifier_before_re: re.Pattern[str] = field(repr=False, compare=False)
    qualifier_after_re: re.Pattern[str] = field(repr=False, compare=False)
    scale_by_word: dict[str, float] = field(repr=False, compare=False)
    attached_scales: frozenset[str] = field(repr=False, compare=False)
    unit_by_word: dict[tuple[str, bool], Unit] = field(repr=False, compare=False)
    counted_by_word: dict[str, Counted] = field(repr=False, compare=False)
    qualifier_by_word: dict[tuple[str, bool], str] = field(repr=False, compare=False)
    # after an intensity unit: the product of its denominator; after a mass: "a year" (a rate)
    per_product_re: re.Pattern[str] = field(repr=False, compare=False)
    per_year_re: re.Pattern[str] = field(repr=False, compare=False)
    per_tonne_before_re: re.Pattern[str] = field(repr=False, compare=False)
    per_tonne_units: dict[str, str] = field(repr=False, compare=False)
    per_tonne_price_re: re.Pattern[str] = field(repr=False, compare=False)

    def metric(self, name: str) -> Metric | None:
        for metric in self.metrics:
            if metric.name == name:
                return metric
        return None

    def unit_kind(self, unit: str) -> str | None:
        """Kind of a normalised unit (``mg/m3`` -> concentration; counted units -> themselves)."""
        for row in self.units:
            if row.unit == unit:
                return row.kind
        if unit in {"people", "households", "trees", "count"}:
            return unit
        return None

    def scope(self, name: str) -> Scope | None:
        for scope in self.scopes:
            if scope.name == name:
                return scope
        return None


def _load(name: str, folder: Path | None) -> dict[str, Any]:
    if folder is not None:
        with open(folder / name, "rb") as fh:
            return tomllib.load(fh)
    with resources.files("ultralow.claims").joinpath("data", name).open("rb") as fh:
        return tomllib.load(fh)


def _lookup_key(word: str, exact: bool) -> str:
    return word if exact else word.lower()


def _alternation(pairs: list[tuple[str, bool]]) -> str:
    """Regex alternation of (word, exact_case) pairs, longest first; boundaries checked by the caller."""
    parts = []
    for word, exact in sorted(set(pairs), key=lambda p: (-len(p[0]), p[0])):
        body = re.escape(word).replace(r"\ ", r"\s+")
        parts.append(body if exact or is_cjk(word[0]) else f"(?i:{body})")
    return "|".join(parts)


def build_vocabulary(folder: Path | None = None) -> Vocabulary:
    """Read and compile the vocabulary files (from ``folder`` or the packaged ``data/``)."""
    units_doc = _load("units.toml", folder)
    quals_doc = _load("qualifiers.toml", folder)
    lex_doc = _load("lexicon.toml", folder)
    ctx = _load("context.toml", folder)

    scales = tuple(
        Scale(tuple(r["words"]), float(r["factor"]), bool(r.get("cjk", False)), r["source"], r["status"])
        for r in units_doc["scale"]
    )
    normal: dict[str, str] = dict(units_doc.get("normal", {}).get("units", {}))
    units = tuple(
        Unit(
            words=tuple(r["words"]), unit=r["unit"], kind=r["kind"], factor=_unit_factor(r, normal, folder),
            prefix=r.get("position") == "prefix", exact_case=r.get("case") == "exact",
            source=r["source"], status=r["status"],
        )
        for r in units_doc["unit"]
    )
    currencies = _load("currencies.toml", folder)
    for r in currencies["currency"]:
        for position, words in (("after", r["after"]), ("prefix", r["before"])):
            units += (Unit(words=tuple(words), unit=r["code"], kind="money", factor=1.0, prefix=position == "prefix",
                           exact_case=True, source=r["source"], status=r["status"]),)
    glued = sorted({w for r in currencies["currency"] for w in [r["code"], *r["before"]] if w.isascii() and w.isalpha()},
                   key=lambda w: (-len(w), w))
    counted = tuple(
        Counted(tuple(r["words"]), r["unit"], bool(r.get("cjk", False)), r["source"], r["status"])
        for r in units_doc["counted"]
    )
    qualifiers = tuple(
        Qualifier(r["name"], r["position"] == "after", tuple(r["words"]), r["source"], r["status"])
        for r in quals_doc["qualifier"]
    )
    metrics = tuple(
        Metric(
            name=r["name"], kinds=tuple(r["kinds"]), terms=tuple(r["terms"]), with_words=tuple(r.get("with", [])),
            priority=int(r.get("priority", 0)), evidence=r.get("evidence", "none"), code=r.get("code", ""),
            default_unit=r.get("default_unit", ""), source=r["source"], status=r["status"],
            terms_re=words_regex(list(r["terms"])),
            with_re=words_regex(list(r["with"])) if r.get("with") else None,
            comparable=bool(r.get("compare", True)),
            keys=tuple(fold(w.rstrip("*")) for w in [*r["terms"], *r.get("with", [])]),
        )
        for r in lex_doc["metric"]
    )
    names = [m.name for m in metrics]
    if len(names) != len(set(names)):
        raise ValueError("lexicon.toml: duplicate metric names")
    scopes = tuple(
        Scope(r["name"], words_regex(r["words"]), tuple(r["source_types"]), r["source"], r["status"])
        for r in ctx["scope"]
    )
    standards = tuple(
        NamedStandard(
            name=r["name"], words_re=words_regex(r["words"]), standard=r["standard"], clause=r["clause"],
            limit_set=r["limit_set"], source_type=r["source_type"], fuel=r["fuel"], source=r["source"],
            status=r["status"],
        )
        for r in ctx["standard"]
    )
    entities = tuple(Entity(r["name"], r["kind"], words_regex(r["words"])) for r in ctx["entity"])
    periods = tuple(NamedPeriod(r["period"], words_regex(r["words"])) for r in ctx["period"])
    change = ctx["change"]

    scale_pairs = [(w, False) for s in scales for w in s.words]
    suffix_pairs = [(w, u.exact_case) for u in units if not u.prefix for w in u.words]
    prefix_pairs = [(w, u.exact_case) for u in units if u.prefix for w in u.words]
    counted_en = [w for c in counted if not c.cjk for w in c.words]
    counted_cjk = [w for c in counted if c.cjk for w in c.words]
    qual_before = [(w, False) for q in qualifiers if not q.after for w in q.words]
    qual_after = [(w, False) for q in qualifiers if q.after for w in q.words]

    return Vocabulary(
        number_re=_number_regex(glued),
        bare_scale_re=re.compile(r"(?:逾|超过|超|近|约|达)(" + "|".join(
            re.escape(w) for w in sorted((w for sc in scales if sc.cjk for w in sc.words), key=len, reverse=True))
            + r")(?=[\u4e00-\u9fff])"),
        scales=scales, units=units, counted=counted, qualifiers=qualifiers, metrics=metrics, scopes=scopes,
        standards=standards, entities=entities, periods=periods,
        comparison_cues_re=words_regex(ctx["comparison"]["cues"], plural=False),
        limit_words_re=words_regex(ctx["comparison"]["limit_words"]),
        increase_re=words_regex(change["increase"], plural=False),
        decrease_re=words_regex(change["decrease"], plural=False),
        verbs_increase_re=words_regex(change["verbs_increase"], plural=False),
        verbs_decrease_re=words_regex(change["verbs_decrease"], plural=False),
        comparative_before_re=words_regex(change.get("comparative_before", ["较"]), plural=False),
        comparative_lower_re=words_regex(change.get("comparative_lower", ["低"]), plural=False),
        comparative_higher_re=words_regex(change.get("comparative_higher", ["高"]), plural=False),
        increase_after_re=_change_after(change.get("after_increase", []), change.get("baselines", [])),
        decrease_after_re=_change_after(change.get("after_decrease", []), change.get("baselines", [])),
        noun_increase_re=_change_noun(change.get("noun_increase", [])),
        noun_decrease_re=_change_noun(change.get("noun_decrease", [])),
        not_before=frozenset(w.lower() for w in ctx["not_a_claim"]["before"]),
        not_after=tuple(sorted(ctx["not_a_claim"]["after"], key=len, reverse=True)),
        label_header_re=words_regex(ctx.get("table", {}).get("label_headers", ["indicator"]), plural=False,
                                    exact_case=False),
        reference_header_re=words_regex(ctx.get("table", {}).get("reference_headers", ["page"]), plural=False,
                                        exact_case=False),
        anaphora_re=re.compile("(?:" + words_regex(ctx.get("anaphora", {}).get("words", []), plural=False,
                                                   exact_case=True).pattern + ")(?![A-Za-z])"),
        not_before_word_number_re=re.compile(
            "(?:" + words_regex(ctx["not_a_claim"].get("before_word_number", []), plural=False).pattern + r")\s*$"),
        scale_re=re.compile(_alternation(scale_pairs)),
        suffix_unit_re=re.compile(_alternation(suffix_pairs)),
        prefix_unit_re=re.compile(_alternation(prefix_pairs)),
        counted_en_re=words_regex(counted_en),
        counted_cjk_re=re.compile(_alternation([(w, True) for w in counted_cjk])),
        qualifier_before_re=re.compile(_alternation(qual_before)),
        qualifier_after_re=re.compile(_alternation(qual_after)),
        scale_by_word={w.lower(): s.factor for s in scales for w in s.words},
        attached_scales=frozenset(w.lower() for r in units_doc["scale"] if r.get("attached") for w in r["words"]),
        unit_by_word={(_lookup_key(w, u.exact_case), u.prefix): u for u in units for w in u.words},
        counted_by_word={w.lower(): c for c in counted for w in c.words},
        qualifier_by_word={(w.lower(), q.after): q.name for q in qualifiers for w in q.words},
        per_product_re=re.compile(r"[ \t\-]*(?:of\s+(?:the\s+)?)?(?:" + words_regex(
            units_doc["per_product"]["words"], exact_case=False).pattern + ")"),
        per_tonne_before_re=words_regex(units_doc["per_tonne_before"]["words"], plural=False, exact_case=False),
        per_tonne_units=dict(units_doc["per_tonne_before"]["units"]),
        per_tonne_price_re=re.compile(r"[ \t]*(?:" + words_regex(units_doc["per_tonne_price"]["words"], plural=False,
                                                                 exact_case=False).pattern + ")"),
        per_year_re=re.compile(r"(?:\s+of\s+[A-Za-z][\w\-]*(?:\s+[A-Za-z][\w\-]*){0,2}?)?\s*(?:" + words_regex(
            units_doc["per_year"]["words"], plural=False, exact_case=False).pattern + ")"),
    )


def _unit_factor(row: dict[str, Any], normal: dict[str, str], folder: Path | None) -> float:
    """A unit row's factor into its normalised unit: computed by pint from the row's ``pint`` expression
    (``data/units.pint``), else the row's ``factor`` (1 when absent)."""
    if "pint" not in row:
        return float(row.get("factor", 1.0))
    if "factor" in row:
        raise ValueError(f"units.toml: {row['words'][0]!r}: give `pint` or `factor`, not both")
    if row["unit"] not in normal:
        raise ValueError(f"units.toml: {row['words'][0]!r}: unit {row['unit']!r} has no [normal] pint expression")
    from ultralow.claims.units import factor

    return factor(row["pint"], normal[row["unit"]], None if folder is None else str(folder))


def _number_regex(glued: list[str]) -> re.Pattern[str]:
    """Digits of a figure ("1,234.5", "12"), not inside a word or another number; a currency code or prefix
    word may be glued before the digits ("RMB300 million", "NOK41.7 billion")."""
    behind = "".join(f"|(?<={re.escape(w)})" for w in glued)
    return re.compile(r"(?:(?<![A-Za-z0-9_.,/])" + behind + r")(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d])(?!,\d{3})")


def _change_noun(nouns: list[str]) -> re.Pattern[str]:
    """A change noun right after a figure: "23.9 percent reduction" (optionally "year-on-year")."""
    if not nouns:
        return re.compile(r"(?!)")
    return re.compile(r"[ \t]*(?:(?:year-on-year|y-o-y|annual|overall)[ \t]+)?(?:" + words_regex(nouns, plural=True).pattern
                      + r")(?![A-Za-z])", re.IGNORECASE)


def _change_after(cues: list[str], baselines: list[str]) -> re.Pattern[str]:
    """Cue and baseline after a figure: "below its 2022 level", "lower than the industry average"."""
    if not cues or not baselines:
        return re.compile(r"(?!)")
    return re.compile(
        r"\s*(?:" + words_regex(cues, plural=False).pattern + r")\s+(?:than\s+)?"
        r"(?:(?:in|of|at|for|on|the|its|their|our|a|an|that\s+of)\s+)*"
        r"(?:(?:19|20)\d{2}(?:\s+levels?)?(?![\d,.]\d)|" + words_regex(baselines, plural=False).pattern + ")",
        re.IGNORECASE)


@cache
def vocabulary() -> Vocabulary:
    """The packaged vocabulary (read once)."""
    return build_vocabulary()


def find_unit(vocab: Vocabulary, word: str, prefix: bool) -> Unit | None:
    """The unit row for a matched unit word (exact-case rows first)."""
    compact = re.sub(r"\s+", " ", word)
    return vocab.unit_by_word.get((compact, prefix)) or vocab.unit_by_word.get((compact.lower(), prefix))
