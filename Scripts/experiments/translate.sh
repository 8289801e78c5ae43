#!/usr/bin/env bash
# Trains the English-German translator by its recipe (recipes/translate-en-de.yaml: Multi30k, the
# Anki pairs less a held-out split, the WMT news sets 2008-2012) and scores it with beam search on
# the Multi30k tests, the held-out Anki test, newstest2013 and the project's 30 everyday sentences
# (sacreBLEU's defaults on the raw, cased references). Needs a release build and ../shared/corpora
# beside the checkout.
#
#   swift build -c release && Scripts/experiments/translate.sh [extra nlp train options]
#   MODEL=models/translate-en-de.safetensors Scripts/experiments/translate.sh score   # score a model only
#   (EVAL_OPTIONS="--threads 1" passes options to every nlp eval translate)
#
# The split, the model, its epoch files and the logs go to runs/ (ignored by git).
set -euo pipefail
trap 'echo "failed (exit $?): see the newest log in runs/" >&2' ERR
cd "$(dirname "$0")/../.."
nlp=${NLP:-.build/release/nlp}
shared=../shared/corpora
runs=runs/translate
[ -d "$shared/multi30k" ] || { echo "skipped: $shared not found (the shared corpora are needed)"; exit 0; }
mkdir -p "$runs" runs/anki
"$nlp" split-corpus --tsv $shared/tatoeba_anki/deu-eng/deu.txt --dev 2000 --test 2000 -o runs/anki > $runs/split.log
model=${MODEL:-$runs/translate-en-de.safetensors}
if [ "${1:-}" != score ]; then
    start=$(date +%s)
    rm -f $runs/translate-en-de.safetensors.checkpoint   # every run starts over (nlp refuses to, beside a checkpoint)
    "$nlp" train translate --config recipes/translate-en-de.yaml -o $runs/translate-en-de.safetensors "$@" 2> $runs/train.log
    echo "training $(( $(date +%s) - start )) s; $(tail -1 $runs/train.log)"
fi
score() {  # name source reference [options]
    local name=$1 src=$2 ref=$3; shift 3
    local start=$(date +%s.%N)
    local line; line=$("$nlp" eval translate --model "$model" --src "$src" --ref "$ref" --output "$runs/$(basename "$model" .safetensors).$name.out" ${EVAL_OPTIONS:-} "$@" | head -2 | tr '\n' ' ')
    awk -v name="$name" -v line="$line" -v start="$start" -v end="$(date +%s.%N)" \
        'BEGIN { printf "%s: %s(%.1f s)\n", name, line, end - start }'
}
m=$shared/multi30k/raw
score test2016 $m/test_2016_flickr.en $m/test_2016_flickr.de
score test2016-greedy $m/test_2016_flickr.en $m/test_2016_flickr.de --beam 1
score test2017 $m/test_2017_flickr.en $m/test_2017_flickr.de
score mscoco2017 $m/test_2017_mscoco.en $m/test_2017_mscoco.de
score anki-test runs/anki/test.en runs/anki/test.de
score anki-dev runs/anki/dev.en runs/anki/dev.de
score newstest2013 $shared/news_ende/newstest2013.eng $shared/news_ende/newstest2013.deu
score everyday corpora/everyday.en corpora/everyday.de
