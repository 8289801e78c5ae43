#!/usr/bin/env bash
# Trains the English-German translator on Multi30k (the shipped model's command) and scores it with
# beam search on test2016, test2017 and the MSCOCO 2017 test (sacreBLEU's defaults on the raw,
# cased references). Needs a release build and ../shared/corpora beside the checkout.
#
#   swift build -c release && Scripts/experiments/translate.sh [extra nlp train options]
#
# The model and logs go to runs/translate/ (ignored by git).
set -euo pipefail
trap 'echo "failed (exit $?): see the newest log in runs/" >&2' ERR
cd "$(dirname "$0")/../.."
nlp=${NLP:-.build/release/nlp}
multi30k=../shared/corpora/multi30k/raw
runs=runs/translate
[ -d "$multi30k" ] || { echo "skipped: $multi30k not found (the shared corpora are needed)"; exit 0; }
mkdir -p "$runs"
start=$(date +%s)
rm -f $runs/translate-en-de.safetensors.checkpoint   # every run starts over (nlp refuses to, beside a checkpoint)
"$nlp" train translate --src $multi30k/train.en --tgt $multi30k/train.de \
    --dev-src $multi30k/val.en --dev-tgt $multi30k/val.de \
    --epochs 20 --batch-size 64 --patience 3 --lr-decay 0.5 --tie-embeddings --save-dtype f16 \
    -o $runs/translate-en-de.safetensors "$@" 2> $runs/train.log
echo "training $(( $(date +%s) - start )) s; $(tail -1 $runs/train.log)"
for test in test_2016_flickr test_2017_flickr test_2017_mscoco; do
    echo "$test: $("$nlp" eval translate --model $runs/translate-en-de.safetensors \
        --src $multi30k/$test.en --ref $multi30k/$test.de --output $runs/$test.de | head -2 | tr '\n' ' ')"
done
