#!/usr/bin/env bash
# An exploding gradient in a real training run, with and without clipping: a tanh RNN language
# model trained by plain SGD at learning rate 1 (Zaremba et al.'s rate for LSTMs) on the first
# 20,000 lines of the LM training text, read as a stream (blocks of 200 tokens, windows of 50
# steps), for 3 epochs with --clip 0, 5 and 1. Each run draws its --gradient-report into
# docs/gradients/training-clip-*.svg. Needs a release build and `Scripts/experiments/lm.sh data`.
#
#   swift build -c release && Scripts/experiments/exploding.sh
set -euo pipefail
trap 'echo "failed (exit $?)" >&2' ERR
cd "$(dirname "$0")/../.."
nlp=${NLP:-.build/release/nlp}
runs=runs/exploding
[ -f runs/lm/train.en ] || { echo "skipped: runs/lm/train.en not found (run Scripts/experiments/lm.sh data first)"; exit 0; }
mkdir -p "$runs"
head -n 20000 runs/lm/train.en > $runs/train.en
for clip in 0 5 1; do
    "$nlp" train lm --train $runs/train.en --dev runs/lm/dev.en -o $runs/clip-$clip.safetensors \
        --cell rnn_tanh --embedding-dim 128 --hidden 128 --stream 200 --bptt 50 --batch-size 8 --epochs 3 \
        --optimizer sgd --momentum 0 --lr 1 --clip $clip --threads 1 \
        --gradient-report docs/gradients/training-clip-$clip.svg 2> $runs/clip-$clip.log
    echo "--clip $clip:"
    grep -E "^epoch [0-9]+( gradients|/)" $runs/clip-$clip.log | sed 's/^/  /'
done
