#!/usr/bin/env bash
# Load test of `nlp serve` with wrk (Debian's `apt-get install -y wrk`), on 127.0.0.1 only. Takes
# about DURATION + SINGLE + SOAK seconds plus a minute (8 minutes by default). Prints each figure
# and checks it against issue 19's bounds; exits 1 if one is missed.
#
#   1. Offline throughput: `nlp translate --batch-size 32 --beam 5` on SENTENCES repeated 20 times,
#      and the in-process batch-1 time per sentence (`--batch-size 1`). Model loading is taken out
#      by subtracting a run on SENTENCES once: rate = (20n - n) / (t20 - t1).
#   2. DURATION s at 32 connections, one sentence a request (beam 5): requests/s against the offline
#      rate (bound: at least 70%), non-2xx responses (bound: none), p50/p99 latency.
#   3. SINGLE s at 1 connection: median latency against the batch-1 time (bound: at most 1.3x).
#   4. SOAK s at 32 connections: resident memory sampled every 5 s; its growth after the first
#      minute (bound: under 10%).
#
# Environment: NLP (default .build/release/nlp), SENTENCES (default corpora/everyday.en), BEAM (5),
# DURATION (60), SINGLE (30), SOAK (300), SERVE_ARGS (extra `nlp serve` options).
set -euo pipefail
cd "$(dirname "$0")/../.."

NLP=${NLP:-.build/release/nlp}
SENTENCES=${SENTENCES:-corpora/everyday.en}
export BEAM=${BEAM:-5}
DURATION=${DURATION:-60}
SINGLE=${SINGLE:-30}
SOAK=${SOAK:-300}
command -v wrk >/dev/null || { echo "serve_load.sh: wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }
command -v curl >/dev/null || { echo "serve_load.sh: curl is not installed" >&2; exit 2; }
[ -x "$NLP" ] || { echo "serve_load.sh: $NLP not found; run swift build -c release first" >&2; exit 2; }
[ -r "$SENTENCES" ] || { echo "serve_load.sh: $SENTENCES: no such readable file" >&2; exit 2; }
export SENTENCES=$(realpath "$SENTENCES")

work=$(mktemp -d)
server=""
sampler=""
cleanup() {
    [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
    [ -n "$server" ] && kill -9 "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.4f\", $1 }"; }
failures=0
check() { # name, condition (awk), shown
    if [ "$(awk "BEGIN { print ($2) ? 1 : 0 }")" = 1 ]; then echo "  PASS  $1: $3"; else echo "  FAIL  $1: $3"; failures=$((failures + 1)); fi
}

n=$(grep -c '[^[:space:]]' "$SENTENCES")
for _ in $(seq 20); do grep '[^[:space:]]' "$SENTENCES"; done > "$work/repeated.txt"
grep '[^[:space:]]' "$SENTENCES" > "$work/once.txt"
seconds_to_translate() { # file, batch size
    local start=$(now)
    "$NLP" translate --beam "$BEAM" --batch-size "$2" --input "$1" > /dev/null
    calc "$(now) - $start"
}
echo "offline: $n sentences of $SENTENCES, beam $BEAM"
t1=$(seconds_to_translate "$work/once.txt" 32); t20=$(seconds_to_translate "$work/repeated.txt" 32)
offline_rate=$(calc "19 * $n / ($t20 - $t1)")
echo "  batch 32: $offline_rate sentences/s (1 pass ${t1} s, 20 passes ${t20} s)"
b1=$(seconds_to_translate "$work/once.txt" 1); b20=$(seconds_to_translate "$work/repeated.txt" 1)
batch1_ms=$(calc "1000 * ($b20 - $b1) / (19 * $n)")
echo "  batch 1: $batch1_ms ms a sentence (1 pass ${b1} s, 20 passes ${b20} s)"

# The server, on a free port; its log (one line a request) to a file.
"$NLP" serve --port 0 ${SERVE_ARGS:-} > "$work/stdout" 2> "$work/serve.log" &
server=$!
for _ in $(seq 600); do grep -q listening "$work/stdout" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/stdout") || { echo "the server did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
for _ in $(seq 600); do curl -sf "$url/health" > /dev/null && break; sleep 0.1; done
echo "server: $url (pid $server)"
wrk -t1 -c32 -d5s -s Scripts/bench/serve_load.lua "$url" > /dev/null # warm-up

# wrk's figures: requests/s, non-2xx count, latency percentile ($1: output, $2: 50%|99%) in ms.
requests_per_second() { awk '/^Requests\/sec/ { print $2 }' "$1"; }
non_2xx() { awk '/Non-2xx/ { n = $NF } END { print n + 0 }' "$1"; }
errors() { awk '/Socket errors/ { gsub(",", ""); n = $4 + $6 + $8 + $10 } END { print n + 0 }' "$1"; }
percentile_ms() {
    awk -v p="$2" '$1 == p { v = $2; if (v ~ /us$/) { sub("us", "", v); v /= 1000 } else if (v ~ /ms$/) { sub("ms", "", v) } else if (v ~ /s$/) { sub("s", "", v); v *= 1000 }; print v }' "$1"
}

echo "32 connections, ${DURATION} s:"
wrk -t1 -c32 -d"${DURATION}s" --timeout 30s --latency -s Scripts/bench/serve_load.lua "$url" > "$work/wrk32.txt"
rate32=$(requests_per_second "$work/wrk32.txt")
echo "  $rate32 requests/s, p50 $(percentile_ms "$work/wrk32.txt" 50%) ms, p99 $(percentile_ms "$work/wrk32.txt" 99%) ms," \
    "$(non_2xx "$work/wrk32.txt") non-2xx, $(errors "$work/wrk32.txt") socket errors"
check "throughput at 32 connections >= 70% of offline batch 32" "$rate32 >= 0.7 * $offline_rate" \
    "$(calc "100 * $rate32 / $offline_rate")% ($rate32 / $offline_rate sentences/s)"
check "no non-2xx responses or socket errors" "$(non_2xx "$work/wrk32.txt") + $(errors "$work/wrk32.txt") == 0" \
    "$(non_2xx "$work/wrk32.txt") non-2xx, $(errors "$work/wrk32.txt") socket errors"

echo "1 connection, ${SINGLE} s:"
wrk -t1 -c1 -d"${SINGLE}s" --timeout 30s --latency -s Scripts/bench/serve_load.lua "$url" > "$work/wrk1.txt"
p50_single=$(percentile_ms "$work/wrk1.txt" 50%)
echo "  $(requests_per_second "$work/wrk1.txt") requests/s, p50 $p50_single ms, p99 $(percentile_ms "$work/wrk1.txt" 99%) ms"
check "median latency at 1 connection <= 1.3x in-process batch 1" "$p50_single <= 1.3 * $batch1_ms" \
    "$(calc "$p50_single / $batch1_ms")x ($p50_single / $batch1_ms ms)"

echo "32 connections, ${SOAK} s, resident memory every 5 s:"
(while kill -0 "$server" 2>/dev/null; do
    awk -v t="$(date +%s)" '/^VmRSS/ { print t, $2 }' "/proc/$server/status"; sleep 5
done) > "$work/rss.txt" &
sampler=$!
wrk -t1 -c32 -d"${SOAK}s" --timeout 30s --latency -s Scripts/bench/serve_load.lua "$url" > "$work/wrk-soak.txt"
kill "$sampler"; sampler=""
start=$(head -1 "$work/rss.txt" | cut -d' ' -f1)
rss_minute=$(awk -v s="$start" '$1 - s >= 60 { print $2; exit }' "$work/rss.txt")
rss_end=$(tail -1 "$work/rss.txt" | cut -d' ' -f2)
rss_max=$(awk -v s="$start" '$1 - s >= 60 && $2 > m { m = $2 } END { print m }' "$work/rss.txt")
echo "  $(requests_per_second "$work/wrk-soak.txt") requests/s, p50 $(percentile_ms "$work/wrk-soak.txt" 50%) ms," \
    "p99 $(percentile_ms "$work/wrk-soak.txt" 99%) ms, $(non_2xx "$work/wrk-soak.txt") non-2xx"
echo "  RSS by minute (kB): $(awk -v s="$start" '$1 - s >= m * 60 { printf "%s ", $2; m++ }' "$work/rss.txt")"
echo "  RSS: $(head -1 "$work/rss.txt" | cut -d' ' -f2) kB at the start, $rss_minute kB after 1 min, $rss_end kB at the end (max after 1 min: $rss_max kB)"
check "resident memory growth after the first minute < 10%" "$rss_max < 1.1 * $rss_minute" \
    "$(calc "100 * ($rss_max - $rss_minute) / $rss_minute")%"

kill -TERM "$server"
status=0; wait "$server" || status=$?
server=""
check "SIGTERM: exit 0" "$status == 0" "exit $status"
echo "$(grep -c ' 200 ' "$work/serve.log") requests answered with 200 in the server's log"
[ "$failures" = 0 ] || { echo "$failures check(s) failed"; exit 1; }
