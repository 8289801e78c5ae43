#!/usr/bin/env bash
# Trains and scores the named-entity tagger on the shared corpora (CoNLL-2003, WNUT-17) and prints
# one line per result. Needs a release build and ../shared/corpora beside the checkout.
#
#   swift build -c release && Scripts/experiments/ner.sh [conll|wnut|all] [extra nlp train options]
#
# Models and logs go to runs/ner/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/../.."
nlp=${NLP:-.build/release/nlp}
corpora=../shared/corpora
runs=runs/ner
what=${1:-all}
shift || true
[ -d "$corpora" ] || { echo "skipped: $corpora not found (the shared corpora are needed)"; exit 0; }
mkdir -p "$runs"

f1() { "$nlp" eval tagger --model "$1" "$2" --json | python3 -c 'import json,sys; print("%.2f" % (100*json.load(sys.stdin)["overall"]["f1"]))'; }

if [ "$what" = conll ] || [ "$what" = all ]; then
    start=$(date +%s)
    "$nlp" train tagger --train $corpora/conll2003/train.txt --dev $corpora/conll2003/valid.txt \
        --epochs 40 --patience 6 -o $runs/conll.safetensors "$@" 2> $runs/conll.log
    echo "CoNLL-2003 test F1 $(f1 $runs/conll.safetensors $corpora/conll2003/test.txt) (dev $(f1 $runs/conll.safetensors $corpora/conll2003/valid.txt)), training $(( $(date +%s) - start )) s"
fi

if [ "$what" = wnut ] || [ "$what" = all ]; then
    start=$(date +%s)
    "$nlp" train tagger --train $corpora/wnut17/wnut17train.conll --dev $corpora/wnut17/emerging.dev.conll \
        --epochs 40 --patience 6 -o $runs/wnut.safetensors "$@" 2> $runs/wnut.log
    echo "WNUT-17 test F1 $(f1 $runs/wnut.safetensors $corpora/wnut17/emerging.test.annotated) (dev $(f1 $runs/wnut.safetensors $corpora/wnut17/emerging.dev.conll)), training $(( $(date +%s) - start )) s"
fi
