"""Changes: whether a figure is an increase or a decrease ("up 5%", "同比下降12%", "reduced … by 30%", "a 23.9
percent reduction", "7.9% below its 2022 level"). The sign this gives is the one direction rule's input
(see :func:`ultralow.claims.extract.direction_of`)."""

from __future__ import annotations

import re

from ultralow.claims.unit_words import _end_anchored
from ultralow.claims.vocabulary import Vocabulary

_PHRASAL = re.compile(r"\b(?:made|make|makes|making|set|sets|setting|took|take|takes|taken|picked|built|broken|break|"
                      r"ended|end|signed|stepped|added|summed|adds|turned|shut|scaled|ramped|wound)\s*$", re.IGNORECASE)


def change_before(vocab: Vocabulary, text: str, pos: int, lo: int, unit_kind: str | None) -> int:
    """+1/-1 when the figure at ``pos`` is an increase/decrease ("up 5%", "同比下降12%", "reduced ... by 30%")."""
    window = text[max(lo, pos - 40):pos]
    # a qualifier between the cue and the figure ("grew by roughly 16%", "低约300千瓦时") does not hide the cue
    qualifier = _end_anchored(vocab.qualifier_before_re.pattern).search(window)
    if qualifier and qualifier.start() > 0:
        window = window[:qualifier.start()]
    clause = re.split(r"[,;:，；：。]", text[max(lo, pos - 160):pos])[-1]
    for sign, regex in ((1, vocab.increase_re), (-1, vocab.decrease_re)):
        m = _end_anchored(regex.pattern).search(window)
        if m:
            word = m.group(0).strip().lower()
            bare = word in {"up", "down", "rose", "grew", "fell", "dropped", "declined"}
            if bare and unit_kind not in {"share", "share_change"}:
                return 0
            # "made up 18.7%", "set up 3 schools", "broken down": a phrasal verb, not a change
            if word in {"up", "down"} and _PHRASAL.search(window[:m.start()]):
                return 0
            return sign
    if re.search(r"\bby\s*$", window):
        if vocab.verbs_decrease_re.search(clause):
            return -1
        if vocab.verbs_increase_re.search(clause):
            return 1
        # rule "elliptical change": "reduced fluoride emissions by 34%, and fluoride intensity by 10%" -- the
        # verb of the statement before the comma governs the "by" figure after it (the nearest verb wins)
        wide = text[max(lo, pos - 160):pos]
        verbs = [(m.end(), -1) for m in vocab.verbs_decrease_re.finditer(wide)] + \
                [(m.end(), 1) for m in vocab.verbs_increase_re.finditer(wide)]
        if verbs and not re.search(r"[;；。]", wide[max(verbs)[0]:]):
            return max(verbs)[1]
    if vocab.comparative_before_re.search(clause):
        if _end_anchored(vocab.comparative_lower_re.pattern).search(window):
            return -1
        if _end_anchored(vocab.comparative_higher_re.pattern).search(window):
            return 1
    return 0


def change_after(vocab: Vocabulary, text: str, pos: int, hi: int) -> int:
    """+1/-1 when the figure ending at ``pos`` is a difference from an earlier year or an average
    ("7.9% below its 2022 level", "300 kWh lower than the industry average")."""
    if vocab.decrease_after_re.match(text, pos, hi) or vocab.noun_decrease_re.match(text, pos, hi):
        return -1
    if vocab.increase_after_re.match(text, pos, hi) or vocab.noun_increase_re.match(text, pos, hi):
        return 1
    return 0
