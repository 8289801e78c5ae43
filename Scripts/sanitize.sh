#!/usr/bin/env bash
# Runs the whole test suite under a sanitizer, in its own build folder (.build-asan, .build-tsan).
#   Scripts/sanitize.sh address     # AddressSanitizer (memory errors; leak checking off, see below)
#   Scripts/sanitize.sh thread      # ThreadSanitizer
# A release build with the sanitizer takes 2-4 minutes on two cores, the tests 1-3 minutes.
# LeakSanitizer is switched off: the leaks it reports at exit are in swift-argument-parser
# (48 bytes on a usage-error exit) and in Foundation's Data(contentsOf:) in the test runner, not
# in this project's code. Exit status: the test run's.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?usage: Scripts/sanitize.sh address|thread}
case "$kind" in
  address) scratch=.build-asan; export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} ;;
  thread)  scratch=.build-tsan; export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=0} ;;
  *) echo "Scripts/sanitize.sh: '$kind' is not address or thread" >&2; exit 2 ;;
esac
swift build -c release --build-tests -Xswiftc -sanitize="$kind" --scratch-path "$scratch"
swift test -c release --skip-build -Xswiftc -sanitize="$kind" --scratch-path "$scratch"
