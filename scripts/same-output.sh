#!/usr/bin/env bash
# Checks that a change leaves every output byte-identical: builds BASE_REV
# (default: origin/main, else HEAD) in a temporary worktree, runs it and the
# current build on the same inputs, and compares every file they write.
#
#   bash scripts/same-output.sh [BASE_REV]
#
# Inputs: every sample scenario (smr-sample-gen, default seed), the default
# scenario again with --analyze-trailing-data, every job in
# tests/data/formats/ (`build`) and every rule set in tests/data/rule_sets/
# (`render`). Compared: each rule JSON, data-quality.json,
# profiler-report.html and profiler-report.pdf, plus the exit status.
#
# Environment:
#   BUILD_DIR       the current build (default build/; must be built)
#   SMR_BASE_BIN    a folder holding a base sm-report and smr-sample-gen;
#                   skips building BASE_REV
#   SMR_SAME_KEEP=1 keep the work folder (printed) for inspecting a difference
# Exit status: 0 all identical, 1 something differs, 2 usage or build error.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-"$ROOT/build"}
NEW_BIN="$BUILD_DIR/sm-report"
GEN="$BUILD_DIR/samples/generator/smr-sample-gen"
[[ -x $NEW_BIN && -x $GEN ]] || { echo "same-output: build first ($NEW_BIN, $GEN)" >&2; exit 2; }

work=$(mktemp -d)
if [[ "${SMR_SAME_KEEP:-0}" == 1 ]]; then
  echo "same-output: work folder $work"
else
  trap 'rm -rf "$work"; git -C "$ROOT" worktree prune' EXIT
fi

if [[ -n "${SMR_BASE_BIN:-}" ]]; then
  BASE_BIN="$SMR_BASE_BIN/sm-report"
  BASE_GEN="$SMR_BASE_BIN/smr-sample-gen"
  base_name=$SMR_BASE_BIN
else
  rev=${1:-}
  if [[ -z $rev ]]; then
    if git -C "$ROOT" rev-parse -q --verify origin/main >/dev/null; then rev=origin/main; else rev=HEAD; fi
  fi
  commit=$(git -C "$ROOT" rev-parse --verify "$rev^{commit}") ||
    { echo "same-output: unknown revision '$rev'" >&2; exit 2; }
  base_name="$rev ($(git -C "$ROOT" rev-parse --short "$commit"))"
  # Built once per commit and kept, so that repeated checks are quick.
  base_build="$ROOT/build-same-output/$commit"
  if [[ ! -x $base_build/sm-report ]]; then
    echo "same-output: building $base_name"
    git -C "$ROOT" worktree add --detach "$work/src" "$commit" >/dev/null
    launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake -S "$work/src" -B "$base_build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DSMR_BUILD_TESTS=OFF "${launcher[@]}" >/dev/null
    cmake --build "$base_build" --target sm-report smr-sample-gen -j "${JOBS:-$(nproc)}" >/dev/null
    git -C "$ROOT" worktree remove --force "$work/src"
  fi
  BASE_BIN="$base_build/sm-report"
  BASE_GEN="$base_build/samples/generator/smr-sample-gen"
fi

# The jobs, written once so that both binaries read the same paths (the
# report names the job folder).
jobs=()
scenarios=$("$GEN" --help | sed -n 's/.*--scenario \([a-z|-]*\)\].*/\1/p' | tr '|' ' ')
for s in $scenarios; do
  "$GEN" --out "$work/jobs/$s" --scenario "$s" >/dev/null
  jobs+=("build:$s:$work/jobs/$s")
done
jobs+=("build:default-trailing:$work/jobs/default:--analyze-trailing-data")
for d in "$ROOT"/tests/data/formats/*/; do
  jobs+=("build:formats-$(basename "$d"):$d")
done
for d in "$ROOT"/tests/data/rule_sets/*/; do
  jobs+=("render:rules-$(basename "$d"):$d")
done

run() {  # bin command dir out [extra]
  local bin=$1 cmd=$2 dir=$3 out=$4 extra=${5:-}
  local rc=0
  mkdir -p "$(dirname "$out")"
  if [[ $cmd == build ]]; then
    "$bin" build "$dir" -o "$out" -q $extra >"$out.log" 2>&1 || rc=$?
  else
    mkdir -p "$out"
    "$bin" render "$dir" -o "$out/profiler-report.html" -q >"$out.log" 2>&1 || rc=$?
  fi
  echo "exit $rc" >>"$out.log"
}

differ=0
files=0
for j in "${jobs[@]}"; do
  IFS=: read -r cmd name dir extra <<<"$j"
  run "$BASE_BIN" "$cmd" "$dir" "$work/base/$name" "$extra"
  run "$NEW_BIN" "$cmd" "$dir" "$work/new/$name" "$extra"
  if ! diff -q <(tail -n1 "$work/base/$name.log") <(tail -n1 "$work/new/$name.log") >/dev/null; then
    echo "DIFFERS $name: $(tail -n1 "$work/base/$name.log") before, $(tail -n1 "$work/new/$name.log") now"
    differ=1
  fi
  while IFS= read -r f; do
    files=$((files + 1))
    rel=${f#"$work/base/$name/"}
    if [[ ! -f "$work/new/$name/$rel" ]]; then
      echo "MISSING $name/$rel"
      differ=1
    elif ! cmp -s "$f" "$work/new/$name/$rel"; then
      echo "DIFFERS $name/$rel"
      differ=1
    fi
  done < <([[ -d $work/base/$name ]] && find "$work/base/$name" -type f | sort)
  while IFS= read -r f; do
    rel=${f#"$work/new/$name/"}
    [[ -f "$work/base/$name/$rel" ]] || { echo "NEW     $name/$rel"; differ=1; }
  done < <([[ -d $work/new/$name ]] && find "$work/new/$name" -type f | sort)
done

if [[ $differ == 0 ]]; then
  echo "same-output: ${#jobs[@]} jobs, $files files byte-identical to $base_name"
else
  echo "same-output: outputs differ from $base_name" >&2
fi
exit "$differ"
