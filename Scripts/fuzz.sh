#!/usr/bin/env bash
# Builds one libFuzzer target (Fuzz/TARGET, with AddressSanitizer; the C shim over ICU also with
# UndefinedBehaviorSanitizer and coverage) and runs it for SECONDS on a copy of its seeds
# (Fuzz/seeds/TARGET); findings are written to .build-fuzz/findings/TARGET.
#   Scripts/fuzz.sh FuzzSafeTensors 600
# Exit status: libFuzzer's (non-zero on a crash, a leak, a timeout or running out of memory).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: Scripts/fuzz.sh TARGET SECONDS}
seconds=${2:-60}
[ -d "Fuzz/$target" ] || { echo "Scripts/fuzz.sh: no fuzz target Fuzz/$target" >&2; exit 2; }
NLP_FUZZ=1 swift build -c release --scratch-path .build-fuzz --product "$target" \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
  -Xcc -fsanitize=fuzzer-no-link,address,undefined -Xcc -fno-sanitize-recover=undefined
corpus=.build-fuzz/corpus/$target findings=.build-fuzz/findings/$target
mkdir -p "$corpus" "$findings"
cp -n Fuzz/seeds/"$target"/* "$corpus"/ 2>/dev/null || true
SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} .build-fuzz/release/"$target" "$corpus" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$findings/" -print_final_stats=1
