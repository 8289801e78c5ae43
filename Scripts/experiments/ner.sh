#!/usr/bin/env bash
# Trains and scores the named-entity tagger on the shared corpora (CoNLL-2003, WNUT-17) and prints
# one line per result. Needs a release build and ../shared/corpora beside the checkout.
#
#   swift build -c release && Scripts/experiments/ner.sh [conll|ensemble|wnut|all] [extra nlp train options]
#
# conll trains one tagger without external vectors; ensemble trains MEMBERS more (seeds 2, 3, ...)
# with the same options and scores the ensemble of conll's model and them (nlp eval tagger with one
# --model per member).
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

conll() {   # conll NAME [options]: trains one CoNLL-2003 tagger and prints its scores
    local name=$1 start=$(date +%s)
    shift
    "$nlp" train tagger --train $corpora/conll2003/train.txt --dev $corpora/conll2003/valid.txt \
        --epochs 40 --patience 6 --word-dropout 0.1 -o $runs/$name.safetensors "$@" 2> $runs/$name.log
    echo "CoNLL-2003 $name test F1 $(f1 $runs/$name.safetensors $corpora/conll2003/test.txt) (dev $(f1 $runs/$name.safetensors $corpora/conll2003/valid.txt)), training $(( $(date +%s) - start )) s"
}

if [ "$what" = conll ] || [ "$what" = ensemble ] || [ "$what" = all ]; then
    [ -f $runs/conll.safetensors ] && [ "$what" = ensemble ] || conll conll "$@"
fi

if [ "$what" = ensemble ] || [ "$what" = all ]; then
    members=(--model $runs/conll.safetensors)
    for seed in $(seq 2 "${MEMBERS:-5}"); do
        conll conll.seed$seed --seed $seed "$@"
        members+=(--model $runs/conll.seed$seed.safetensors)
    done
    echo "CoNLL-2003 ensemble of $(( ${#members[@]} / 2 )) members: test F1 $("$nlp" eval tagger "${members[@]}" $corpora/conll2003/test.txt --json | python3 -c 'import json,sys; print("%.2f" % (100*json.load(sys.stdin)["overall"]["f1"]))')"
fi

if [ "$what" = wnut ] || [ "$what" = all ]; then
    start=$(date +%s)
    "$nlp" train tagger --train $corpora/wnut17/wnut17train.conll --dev $corpora/wnut17/emerging.dev.conll \
        --epochs 40 --patience 6 --word-dropout 0.1 -o $runs/wnut.safetensors "$@" 2> $runs/wnut.log
    echo "WNUT-17 test F1 $(f1 $runs/wnut.safetensors $corpora/wnut17/emerging.test.annotated) (dev $(f1 $runs/wnut.safetensors $corpora/wnut17/emerging.dev.conll)), training $(( $(date +%s) - start )) s"
fi
