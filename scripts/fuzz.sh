#!/usr/bin/env bash
# Fuzzes Baton's untrusted inputs with Jazzer for a fixed time per target (see docs/security.md, "Untrusted input").
#
# Targets (baton-fuzz, src/test/java/dev/baton/fuzz):
#   workflow    WorkflowFuzzTest:   workflow definitions through the parser and validator of a real node
#   expression  ExpressionFuzzTest: expressions compiled and evaluated within their limits
#   api         ApiFuzzTest:        request bodies of every POST/PUT route, sent to a real server on 127.0.0.1
# Each target runs in its own JVM, one after the other, for <seconds> seconds (Jazzer fuzzes one target per JVM).
# A finding (an unexpected exception, a 5xx, a hang) stops that target: Jazzer prints the stack trace and saves the
# input as crash-<sha1> under baton-fuzz/src/test/resources/dev/baton/fuzz/<Class>Inputs/<method>/, where
# `./mvnw verify` replays it from then on (fix the bug, keep the file: it is the regression test). The inputs
# that grew coverage are kept in baton-fuzz/.cifuzz-corpus/ (not committed) and reused by the next run.
#
# Usage: scripts/fuzz.sh <seconds> [workflow|expression|api ...]     (default: all three)
# Exit status 0 when no target found anything, 1 otherwise. Needs a JDK >= 21 (JAVA_HOME or java on the PATH).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ $# -lt 1 ] || ! [[ "$1" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh <seconds> [workflow|expression|api ...]" >&2
  exit 2
fi
SECONDS_PER_TARGET="$1"
shift
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(workflow expression api)

class_of() {
  case "$1" in
    workflow) echo WorkflowFuzzTest ;;
    expression) echo ExpressionFuzzTest ;;
    api) echo ApiFuzzTest ;;
    *) echo "unknown target '$1' (workflow, expression, api)" >&2; exit 2 ;;
  esac
}

for target in "${TARGETS[@]}"; do class_of "$target" >/dev/null; done

cd "$ROOT"
failed=()
for target in "${TARGETS[@]}"; do
  class="$(class_of "$target")"
  echo "== fuzzing $target ($class) for ${SECONDS_PER_TARGET}s"
  if ! JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${SECONDS_PER_TARGET}s" ./mvnw -B -q -pl baton-fuzz -am test \
      -Dtest="$class" -Dsurefire.failIfNoSpecifiedTests=false; then
    failed+=("$target")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "findings in: ${failed[*]} (inputs saved under baton-fuzz/src/test/resources/dev/baton/fuzz/)" >&2
  exit 1
fi
echo "no findings"
