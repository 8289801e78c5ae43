#!/usr/bin/env bash
# Trains and scores the sentiment classifier on the shared corpora (SST-2, SST-5, CR 10-fold) and
# prints one line per result. Needs a release build and ../shared/corpora beside the checkout.
#
#   swift build -c release && Scripts/experiments/sentiment.sh [sst2|ensemble|sst5|cr|trees|all] [extra nlp options]
#
# trees trains on the labelled phrases of the treebank (sst_trees/), binary with seeds 1..SEEDS
# (default 1) and fine-grained (seed 1), scoring dev and test sentences, and scores each binary
# model on the CR reviews it never saw (cross-domain).
#
# ensemble trains SST-2 with seeds 1..MEMBERS (default 8), prints each model's test accuracy and
# that of their ensemble (nlp eval sentiment with one --model per member).
# Models and logs go to runs/sentiment/ (ignored by git).
set -euo pipefail
trap 'echo "failed (exit $?): see the newest log in runs/" >&2' ERR
cd "$(dirname "$0")/../.."
nlp=${NLP:-.build/release/nlp}
corpora=../shared/corpora
vectors=../shared/vectors/glove.6B.50d.txt.gz
runs=runs/sentiment
what=${1:-all}
shift || true
[ -d "$corpora" ] || { echo "skipped: $corpora not found (the shared corpora are needed)"; exit 0; }
mkdir -p "$runs"
common=(--vectors "$vectors" "$@")

# accuracy --model A [--model B ...] FILE (several models: their ensemble)
accuracy() { "$nlp" eval sentiment "$@" --json | python3 -c 'import json,sys; print("%.2f" % (100*json.load(sys.stdin)["accuracy"]))'; }

if [ "$what" = sst2 ] || [ "$what" = all ]; then
    start=$(date +%s)
    rm -f $runs/sst2.safetensors.checkpoint   # every run starts over (nlp refuses to, beside a checkpoint)
    "$nlp" train sentiment --train $corpora/sst2/stsa.binary.train --dev $corpora/sst2/stsa.binary.dev \
        --label-names 0=negative,1=positive -o $runs/sst2.safetensors "${common[@]}" 2> $runs/sst2.log
    echo "SST-2 test accuracy $(accuracy --model $runs/sst2.safetensors $corpora/sst2/stsa.binary.test)% (dev $(accuracy --model $runs/sst2.safetensors $corpora/sst2/stsa.binary.dev)%), training $(( $(date +%s) - start )) s"
fi

if [ "$what" = ensemble ]; then
    count=${MEMBERS:-8}
    [[ "$count" =~ ^[0-9]+$ ]] && [ "$count" -ge 2 ] || { echo "MEMBERS must be a whole number of at least 2, not '$count'" >&2; exit 2; }
    for option in "$@"; do
        [ "$option" != --seed ] || { echo "ensemble gives each member its own --seed; leave it out" >&2; exit 2; }
    done
    members=()
    start=$(date +%s)
    for seed in $(seq 1 "$count"); do
        rm -f $runs/sst2.seed$seed.safetensors.checkpoint   # every run starts over (nlp refuses to, beside a checkpoint)
        "$nlp" train sentiment --train $corpora/sst2/stsa.binary.train --dev $corpora/sst2/stsa.binary.dev --seed $seed \
            --label-names 0=negative,1=positive -o $runs/sst2.seed$seed.safetensors "${common[@]}" 2> $runs/sst2.seed$seed.log
        echo "SST-2 seed $seed test accuracy $(accuracy --model $runs/sst2.seed$seed.safetensors $corpora/sst2/stsa.binary.test)%"
        members+=(--model $runs/sst2.seed$seed.safetensors)
    done
    echo "SST-2 ensemble of $count: test accuracy $(accuracy "${members[@]}" $corpora/sst2/stsa.binary.test)% (dev $(accuracy "${members[@]}" $corpora/sst2/stsa.binary.dev)%), training $(( $(date +%s) - start )) s"
fi

if [ "$what" = trees ]; then
    trees=$corpora/sst_trees
    for seed in $(seq 1 "${SEEDS:-1}"); do
        start=$(date +%s)
        rm -f $runs/trees2.seed$seed.safetensors.checkpoint   # every run starts over
        "$nlp" train sentiment --train $trees/train.txt --dev $trees/dev.txt --seed $seed --label-names 0=negative,1=positive \
            -o $runs/trees2.seed$seed.safetensors "${common[@]}" 2> $runs/trees2.seed$seed.log
        model=$runs/trees2.seed$seed.safetensors
        awk 'NF >= 2' $corpora/cr/custrev.all > $runs/cr.all
        echo "SST-2 from phrases, seed $seed: test accuracy $(accuracy --model $model $trees/test.txt)% (dev $(accuracy --model $model $trees/dev.txt)%), CR (never trained on) $(accuracy --model $model $runs/cr.all)%, training $(( $(date +%s) - start )) s"
    done
    start=$(date +%s)
    rm -f $runs/trees5.safetensors.checkpoint
    "$nlp" train sentiment --train $trees/train.txt --dev $trees/dev.txt --tree-labels fine \
        -o $runs/trees5.safetensors "${common[@]}" 2> $runs/trees5.log
    echo "SST-5 from phrases: test accuracy $(accuracy --model $runs/trees5.safetensors $trees/test.txt)% (dev $(accuracy --model $runs/trees5.safetensors $trees/dev.txt)%), training $(( $(date +%s) - start )) s"
fi

if [ "$what" = sst5 ] || [ "$what" = all ]; then
    start=$(date +%s)
    rm -f $runs/sst5.safetensors.checkpoint   # every run starts over (nlp refuses to, beside a checkpoint)
    "$nlp" train sentiment --train $corpora/sst5/stsa.fine.train --dev $corpora/sst5/stsa.fine.dev \
        -o $runs/sst5.safetensors "${common[@]}" 2> $runs/sst5.log
    echo "SST-5 test accuracy $(accuracy --model $runs/sst5.safetensors $corpora/sst5/stsa.fine.test)%, training $(( $(date +%s) - start )) s"
fi

if [ "$what" = cr ] || [ "$what" = all ]; then
    # 10-fold cross-validation: line i belongs to fold i mod 10; each run trains on nine folds
    # (holding out 10% of them as dev) and is scored on the tenth.
    # custrev.all has 4 lines with a label and no text, which nlp rejects: they are dropped first.
    start=$(date +%s)
    total=0
    awk 'NF >= 2' $corpora/cr/custrev.all > $runs/cr.all
    echo "CR: $(wc -l < $runs/cr.all) of $(wc -l < $corpora/cr/custrev.all) lines have text"
    for fold in 0 1 2 3 4 5 6 7 8 9; do
        awk -v f=$fold 'NR % 10 != f' $runs/cr.all > $runs/cr.train.$fold
        awk -v f=$fold 'NR % 10 == f' $runs/cr.all > $runs/cr.test.$fold
        rm -f $runs/cr.$fold.safetensors.checkpoint   # every run starts over (nlp refuses to, beside a checkpoint)
        "$nlp" train sentiment --train $runs/cr.train.$fold -o $runs/cr.$fold.safetensors "${common[@]}" 2> $runs/cr.$fold.log
        a=$(accuracy --model $runs/cr.$fold.safetensors $runs/cr.test.$fold)
        echo "CR fold $fold accuracy $a%"
        total=$(python3 -c "print($total + $a)")
    done
    echo "CR 10-fold mean accuracy $(python3 -c "print('%.2f' % ($total / 10))")%, training $(( $(date +%s) - start )) s"
fi
