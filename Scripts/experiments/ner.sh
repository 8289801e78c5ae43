#!/usr/bin/env bash
# Trains and scores the named-entity tagger on the shared corpora (CoNLL-2003, WNUT-17) and prints
# one line per result. Needs a release build and ../shared/corpora beside the checkout.
#
#   swift build -c release && Scripts/experiments/ner.sh [conll|ensemble|wnut|all] [extra nlp train options]
#   (all: conll and wnut)
#
# conll trains one tagger without external vectors; ensemble trains MEMBERS (default 5) with seeds
# 1..MEMBERS and the same options, and scores their ensemble (nlp eval tagger with one --model per
# member). Extra options must not include --seed in ensemble mode.
# Models and logs go to runs/ner/ (ignored by git).
set -euo pipefail
trap 'echo "failed (exit $?): see the newest log in runs/" >&2' ERR
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
    rm -f $runs/$name.safetensors.checkpoint   # every run starts over (nlp refuses to, beside a checkpoint)
    "$nlp" train tagger --train $corpora/conll2003/train.txt --dev $corpora/conll2003/valid.txt \
        --epochs 40 --patience 6 --word-dropout 0.1 -o $runs/$name.safetensors "$@" 2> $runs/$name.log
    echo "CoNLL-2003 $name test F1 $(f1 $runs/$name.safetensors $corpora/conll2003/test.txt) (dev $(f1 $runs/$name.safetensors $corpora/conll2003/valid.txt)), training $(( $(date +%s) - start )) s"
}

if [ "$what" = conll ] || [ "$what" = all ]; then
    conll conll "$@"
fi

if [ "$what" = ensemble ]; then
    members=${MEMBERS:-5}
    [[ "$members" =~ ^[0-9]+$ ]] && [ "$members" -ge 2 ] || { echo "MEMBERS must be a whole number of at least 2, not '$members'" >&2; exit 2; }
    for option in "$@"; do
        [ "$option" != --seed ] || { echo "ensemble gives each member its own --seed; leave it out" >&2; exit 2; }
    done
    models=()
    for seed in $(seq 1 "$members"); do
        conll conll.seed$seed --seed $seed "$@"
        models+=(--model $runs/conll.seed$seed.safetensors)
    done
    echo "CoNLL-2003 ensemble of $members members: test F1 $("$nlp" eval tagger "${models[@]}" $corpora/conll2003/test.txt --json | python3 -c 'import json,sys; print("%.2f" % (100*json.load(sys.stdin)["overall"]["f1"]))')"
fi

if [ "$what" = wnut ] || [ "$what" = all ]; then
    start=$(date +%s)
    rm -f $runs/wnut.safetensors.checkpoint   # every run starts over (nlp refuses to, beside a checkpoint)
    "$nlp" train tagger --train $corpora/wnut17/wnut17train.conll --dev $corpora/wnut17/emerging.dev.conll \
        --epochs 40 --patience 6 --word-dropout 0.1 -o $runs/wnut.safetensors "$@" 2> $runs/wnut.log
    echo "WNUT-17 test F1 $(f1 $runs/wnut.safetensors $corpora/wnut17/emerging.test.annotated) (dev $(f1 $runs/wnut.safetensors $corpora/wnut17/emerging.dev.conll)), training $(( $(date +%s) - start )) s"
fi
