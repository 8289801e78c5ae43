#!/usr/bin/env python3
"""Writes Tests/PipelineTests/Fixtures/seqeval.json: seqeval's entity spans and entity-level scores
on a fixed sample of gold and predicted tag sequences.

Tests/PipelineTests/SeqevalReferenceTests.swift reads the file and compares
TagScheme.entities(in:scheme:) and EntityScores with it, so the Swift code is checked against
seqeval's default (conlleval-compatible) mode. Only needed to regenerate the file:

    python3 -m venv /tmp/seqeval && /tmp/seqeval/bin/pip install seqeval conlleval
    /tmp/seqeval/bin/python Scripts/reference/make_seqeval_fixture.py

The sample is fixed: hand-written sequences with the nasty cases (I- after O, type switches inside
a span, B- after I- of the same type, single-token entities, entities at the end of a sentence,
IOB1 and BIOES input, a prediction without entities, an empty sentence) and random sequences from
random.Random(2003). Re-running the script with the same seqeval version gives the same file.

Cross-check: for every scored case the script also runs the PyPI `conlleval` package (a Python
port of conlleval.pl) over the same tags, written as `token gold predicted` lines with blank lines
between sentences, and stops unless conlleval counts the same gold, predicted and correct entities
overall and per type as seqeval. (Its precision for a case without predictions is 1, not 0 as in
conlleval.pl, so only the counts are compared.)

JSON layout:

    {
      "seqeval_version": "1.2.2",
      "entities": [                         // seqeval.metrics.sequence_labeling.get_entities
        {"tags": ["B-PER", "I-PER", "O"], "entities": [["PER", 0, 1]]}, ...
      ],                                    // [type, start, end] with end INCLUSIVE, as seqeval
      "scores": [
        {
          "name": "...", "scheme": "iob2",  // the scheme the sequences are written in
          "gold": [[...], ...], "predicted": [[...], ...],
          "counts": {"gold": n, "predicted": n, "correct": n},   // seqeval's, checked against conlleval
          "per_type": {"PER": {"precision": p, "recall": r, "f1": f, "support": n,
                               "predicted": n, "correct": n}, ...},
          "micro": {"precision": p, "recall": r, "f1": f, "support": n},      // average="micro"
          "macro": {...}, "weighted": {...},                                    // or null, see below
          "precision_score": p, "recall_score": r, "f1_score": f,              // the *_score functions
          "report_digits_2": "...", "report_digits_4": "..."                    // classification_report
        }, ...
      ]
    }

For the case without any entity seqeval's classification_report fails (max() of no type names) and
its macro average is NaN; there "macro" and both reports are null.
"""
import io
import json
import os
import random
import warnings
from collections import defaultdict
from importlib.metadata import version as package_version

import conlleval
from seqeval.metrics import classification_report, f1_score, precision_score, recall_score
from seqeval.metrics.sequence_labeling import get_entities, precision_recall_fscore_support

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "PipelineTests", "Fixtures", "seqeval.json")

warnings.simplefilter("ignore")  # seqeval warns about undefined metrics (set to 0) and odd tags

# --- hand-written sequences ----------------------------------------------------------------------

NASTY_IOB2_GOLD = [
    ["B-PER", "I-PER", "O", "B-LOC"],                      # entity at sentence end, single token
    ["O", "B-ORG", "I-ORG", "I-ORG", "O", "B-MISC"],
    ["B-LOC", "B-LOC", "O"],                                # two adjacent single-token entities
    ["B-PER", "I-PER", "B-PER", "O"],                       # B- after I- of the same type
    ["O", "O", "O"],
    [],                                                     # an empty sentence
    ["B-MISC"],                                             # a one-token sentence
    ["O", "B-PER", "I-PER", "I-PER"],
]
NASTY_IOB2_PREDICTED = [
    ["B-PER", "I-PER", "O", "I-LOC"],                       # I- after O starts an entity
    ["O", "B-ORG", "I-LOC", "I-LOC", "O", "B-MISC"],        # type switch inside a span
    ["B-LOC", "I-LOC", "O"],                                # merged: wrong span
    ["I-PER", "I-PER", "B-PER", "O"],                       # I- at sentence start
    ["O", "I-MISC", "O"],                                   # a spurious entity
    [],
    ["I-MISC"],
    ["O", "B-PER", "I-PER", "B-PER"],                       # split at the end
]

IOB1_GOLD = [
    ["I-PER", "I-PER", "O", "I-LOC"],
    ["I-ORG", "B-ORG", "I-ORG", "O"],                       # two adjacent ORG entities
    ["O", "I-MISC", "I-PER", "O"],                          # adjacent entities of different types
    ["I-LOC"],
]
IOB1_PREDICTED = [
    ["I-PER", "I-PER", "O", "B-LOC"],
    ["I-ORG", "I-ORG", "I-ORG", "O"],
    ["O", "I-MISC", "I-MISC", "O"],
    ["O"],
]

BIOES_GOLD = [
    ["B-PER", "E-PER", "O", "S-LOC"],
    ["B-ORG", "I-ORG", "E-ORG", "S-ORG", "O"],
    ["S-MISC", "S-PER", "O", "B-LOC", "I-LOC", "E-LOC"],
    ["O", "O"],
]
BIOES_PREDICTED = [
    ["B-PER", "E-PER", "O", "B-LOC"],                       # B- at the end: an entity (default mode)
    ["B-ORG", "I-ORG", "I-ORG", "S-ORG", "O"],              # no E-: still an entity up to S-
    ["S-MISC", "E-PER", "O", "B-LOC", "E-LOC", "E-LOC"],    # E- after S-, E- after E-
    ["I-PER", "O"],                                         # I- after nothing
]

EMPTY_PREDICTION_GOLD = [["B-PER", "I-PER", "O"], ["O", "B-LOC"], []]
EMPTY_PREDICTION_PREDICTED = [["O", "O", "O"], ["O", "O"], []]

NO_ENTITIES = [["O", "O"], ["O"], []]

PERFECT = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O", "B-MISC", "I-MISC"]]

# Single sequences for get_entities only (on top of every sequence of the scored cases).
EXTRA_SEQUENCES = [
    [],
    ["O"],
    ["I-PER"],
    ["E-PER"],
    ["S-PER", "S-PER"],
    ["B-PER", "E-PER", "E-PER"],
    ["B-PER", "I-LOC", "E-ORG"],
    ["I-PER", "B-PER", "E-PER", "I-PER"],
    ["B-creative-work", "I-creative-work", "O", "B-person"],  # WNUT types with a hyphen
    ["B", "I", "O", "I", "E", "S", "B"],                      # prefixes without a type
    ["B-X", "O", "S-X", "E-X", "O", "E-Y", "I-Y"],
]


def random_sequences(rng, count, tags, max_length):
    return [[rng.choice(tags) for _ in range(rng.randint(0, max_length))] for _ in range(count)]


def random_case(rng):
    """Random tags over every prefix and three types, including the invalid bigrams; gold and
    predicted agree on about half of the tags, so that entities match now and then."""
    tags = ["O", "O", "O"] + [f"{p}-{t}" for p in "BIES" for t in ("A", "B", "LOC")]
    gold = random_sequences(rng, 300, tags, 12)
    predicted = [[g if rng.random() < 0.5 else rng.choice(tags) for g in sentence] for sentence in gold]
    return gold, predicted


def random_iob2_case(rng):
    """Valid IOB2 gold and noisy IOB2-looking predictions, as a tagger makes them."""
    def valid_sentence():
        out, length = [], rng.randint(0, 15)
        while len(out) < length:
            if rng.random() < 0.6:
                out.append("O")
            else:
                t = rng.choice(["PER", "LOC", "ORG", "MISC"])
                out += ["B-" + t] + ["I-" + t] * rng.randint(0, 3)
        return out[:length]
    gold = [valid_sentence() for _ in range(200)]
    tags = ["O"] + [f"{p}-{t}" for p in "BI" for t in ("PER", "LOC", "ORG", "MISC")]
    predicted = [[g if rng.random() < 0.8 else rng.choice(tags) for g in sentence] for sentence in gold]
    return gold, predicted


# --- seqeval and conlleval -----------------------------------------------------------------------

def entity_counts(gold, predicted):
    """Per type (gold, predicted, correct) from seqeval's get_entities on the nested lists, exactly
    as seqeval's precision_recall_fscore_support counts them."""
    true, pred = defaultdict(set), defaultdict(set)
    for t, s, e in get_entities(gold):
        true[t].add((s, e))
    for t, s, e in get_entities(predicted):
        pred[t].add((s, e))
    return {t: (len(true[t]), len(pred[t]), len(true[t] & pred[t])) for t in sorted(set(true) | set(pred))}


def conlleval_counts(gold, predicted):
    lines = []
    for g_sentence, p_sentence in zip(gold, predicted):
        lines += [f"tok {g} {p}" for g, p in zip(g_sentence, p_sentence)]
        lines.append("")
    result = conlleval.evaluate(lines)
    overall = result["overall"]["chunks"]["stats"]
    per_type = {slot: (d["stats"]["gold"], d["stats"]["pred"], d["stats"]["correct"])
                for slot, d in result["slots"]["chunks"].items()}
    return (overall["gold"], overall["pred"], overall["correct"]), per_type


def row(p, r, f, s):
    return {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}


def score_case(name, scheme, gold, predicted):
    counts = entity_counts(gold, predicted)
    totals = tuple(sum(c[i] for c in counts.values()) for i in range(3))
    c_totals, c_per_type = conlleval_counts(gold, predicted)
    assert c_totals == totals, (name, "conlleval", c_totals, "seqeval", totals)
    assert {t: c for t, c in c_per_type.items() if c != (0, 0, 0)} == counts, (name, c_per_type, counts)

    per_type = {}
    if counts:
        p, r, f, s = precision_recall_fscore_support(gold, predicted, average=None)
        for t, pi, ri, fi, si in zip(sorted(counts), p, r, f, s):
            assert counts[t][0] == si
            per_type[t] = dict(row(pi, ri, fi, si), predicted=counts[t][1], correct=counts[t][2])
    averages = {a: row(*precision_recall_fscore_support(gold, predicted, average=a))
                for a in ("micro", "macro", "weighted")}
    if not counts:
        averages["macro"] = None  # NaN: the mean of no types
    return {
        "name": name, "scheme": scheme, "gold": gold, "predicted": predicted,
        "counts": {"gold": totals[0], "predicted": totals[1], "correct": totals[2]},
        "per_type": per_type, **averages,
        "precision_score": float(precision_score(gold, predicted)),
        "recall_score": float(recall_score(gold, predicted)),
        "f1_score": float(f1_score(gold, predicted)),
        "report_digits_2": classification_report(gold, predicted) if counts else None,
        "report_digits_4": classification_report(gold, predicted, digits=4) if counts else None,
    }


def main():
    rng = random.Random(2003)
    random_gold, random_predicted = random_case(rng)
    iob2_gold, iob2_predicted = random_iob2_case(rng)
    cases = [
        ("nasty_iob2", "iob2", NASTY_IOB2_GOLD, NASTY_IOB2_PREDICTED),
        ("iob1", "iob1", IOB1_GOLD, IOB1_PREDICTED),
        ("bioes", "bioes", BIOES_GOLD, BIOES_PREDICTED),
        ("empty_prediction", "iob2", EMPTY_PREDICTION_GOLD, EMPTY_PREDICTION_PREDICTED),
        ("no_entities", "iob2", NO_ENTITIES, NO_ENTITIES),
        ("perfect", "iob2", PERFECT, PERFECT),
        ("random_all_prefixes", "bioes", random_gold, random_predicted),
        ("random_iob2_tagger", "iob2", iob2_gold, iob2_predicted),
    ]
    scores = [score_case(*case) for case in cases]

    sequences, seen = [], set()
    for sequence in EXTRA_SEQUENCES + [s for _, _, g, p in cases for s in g + p]:
        if tuple(sequence) not in seen:
            seen.add(tuple(sequence))
            sequences.append(sequence)
    entities = [{"tags": s, "entities": [list(e) for e in get_entities(s)]} for s in sequences]

    fixture = {"seqeval_version": package_version("seqeval"),
               "entities": entities, "scores": scores}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with io.open(OUT, "w", encoding="utf-8") as f:
        f.write(compact_json(fixture))
    print(f"wrote {OUT}: {len(entities)} sequences, {len(scores)} scored cases, seqeval {fixture['seqeval_version']}")


def compact_json(fixture):
    """The fixture as JSON with one sequence, entity entry or score row per line."""
    def dumps(value):
        return json.dumps(value, ensure_ascii=False)

    def lines_of(items, indent):
        return ("[\n" + ",\n".join(indent + dumps(item) for item in items) + "\n" + indent[:-2] + "]") if items else "[]"

    out = ["{", f'  "seqeval_version": {dumps(fixture["seqeval_version"])},',
           f'  "entities": {lines_of(fixture["entities"], "    ")},', '  "scores": [']
    cases = []
    for case in fixture["scores"]:
        fields = []
        for key, value in case.items():
            if key in ("gold", "predicted"):
                fields.append(f'      "{key}": {lines_of(value, "        ")}')
            elif key == "per_type":
                rows = ",\n".join(f"        {dumps(t)}: {dumps(r)}" for t, r in value.items())
                fields.append(f'      "per_type": {{\n{rows}\n      }}' if value else '      "per_type": {}')
            else:
                fields.append(f"      {dumps(key)}: {dumps(value)}")
        cases.append("    {\n" + ",\n".join(fields) + "\n    }")
    out.append(",\n".join(cases))
    out += ["  ]", "}", ""]
    text = "\n".join(out)
    assert json.loads(text) == fixture
    return text


if __name__ == "__main__":
    main()
