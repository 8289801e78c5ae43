#!/usr/bin/env bash
# Prepares the English language-model data from the shared corpora, trains the shipped English
# language model by recipes/lm-en.yaml and scores it on held-out sentences. Needs a release build
# and ../shared/corpora beside the checkout.
#
#   swift build -c release && Scripts/experiments/lm.sh [data|train|eval|all] [extra nlp train options]
#
# data: runs/lm/{train,dev,test}.en. Held out: the English sides of the Anki dev and test sets of
# `nlp split-corpus` (seed 1; no English sentence in two of train/dev/test), each sentence once;
# newstest2013's English (3,000 news sentences) as a second test set. Training: the distinct
# English sentences of the Anki training split, Multi30k's training captions and the news test sets
# 2008-2012, less any line equal (case-folded) to a dev or test sentence.
set -euo pipefail
trap 'echo "failed (exit $?)" >&2' ERR
cd "$(dirname "$0")/../.."
nlp=${NLP:-.build/release/nlp}
corpora=../shared/corpora
runs=runs/lm
what=${1:-all}
shift || true
[ -d "$corpora" ] || { echo "skipped: $corpora not found (the shared corpora are needed)"; exit 0; }
mkdir -p "$runs"

if [ "$what" = data ] || [ "$what" = all ]; then
    [ -f runs/anki/train.en ] || "$nlp" split-corpus --tsv $corpora/tatoeba_anki/deu-eng/deu.txt --dev 2000 --test 2000 -o runs/anki
    awk '!seen[$0]++' runs/anki/dev.en > $runs/dev.en
    awk '!seen[$0]++' runs/anki/test.en > $runs/test.en
    cp $corpora/news_ende/newstest2013.eng $runs/newstest2013.en
    cat $runs/dev.en $runs/test.en $runs/newstest2013.en | tr '[:upper:]' '[:lower:]' > $runs/held-out.lower
    { awk '!seen[$0]++' runs/anki/train.en; cat $corpora/multi30k/raw/train.en \
        $corpora/news_ende/news-test2008.eng $corpora/news_ende/newstest20{09,10,11,12}.eng; } \
        | awk 'NR == FNR { held[$0] = 1; next } !(tolower($0) in held)' $runs/held-out.lower - > $runs/train.en
    echo "LM data: $(wc -l < $runs/train.en) training lines, $(wc -l < $runs/dev.en) dev, $(wc -l < $runs/test.en) test (Anki), $(wc -l < $runs/newstest2013.en) newstest2013"
fi

if [ "$what" = train ] || [ "$what" = all ]; then
    start=$(date +%s)
    "$nlp" train lm --config recipes/lm-en.yaml -o $runs/lm-en.safetensors "$@" 2> $runs/train.log
    echo "trained in $(( $(date +%s) - start )) s: $(tail -n 1 $runs/train.log)"
fi

if [ "$what" = eval ] || [ "$what" = all ]; then
    model=${MODEL:-$runs/lm-en.safetensors}
    for set in dev test newstest2013; do
        echo "$set: $("$nlp" eval lm --model $model $runs/$set.en)"
    done
fi
