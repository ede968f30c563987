#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer
# (-DSMR_SANITIZE=ON, first report aborts) into build-sanitize/ and runs the
# whole test suite under it. Exits with ctest's status; prints the time
# taken. Extra arguments are passed to cmake. Environment: BUILD_DIR
# (default build-sanitize), JOBS (default: all cores).
#
# -O1 keeps the build and the run affordable (about 2x a Release run);
# -g1 gives file:line in sanitizer reports.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-"$ROOT/build-sanitize"}
JOBS=${JOBS:-$(nproc)}
cd "$ROOT"

start=$(date +%s)
bash scripts/setup.sh
cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DSMR_SANITIZE=ON -DSMR_WERROR=OFF "$@"
cmake --build "$BUILD_DIR" -j "$JOBS"
built=$(date +%s)

# halt/abort on the first report so ctest sees a failure; leaks count too.
export ASAN_OPTIONS=${ASAN_OPTIONS:-"abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-"print_stacktrace=1:halt_on_error=1"}
# Third-party caches that live until exit (fontconfig) are not leaks.
export LSAN_OPTIONS=${LSAN_OPTIONS:-"suppressions=$ROOT/scripts/lsan.supp:print_suppressions=0"}
status=0
(cd "$BUILD_DIR" && ctest --output-on-failure -j "$JOBS") || status=$?
end=$(date +%s)
# Without the optional shared folder the shared-data tests are not built
# (tests/CMakeLists.txt); say so once.
if [[ -f "$BUILD_DIR/shared-data-skipped.txt" ]]; then
  cat "$BUILD_DIR/shared-data-skipped.txt"
fi
echo "sanitize: build $((built - start)) s, tests $((end - built)) s, total $((end - start)) s"
exit "$status"
