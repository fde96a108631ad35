#!/usr/bin/env bash
# Runs the whole Corral test suite: unit, integration, simulation (bounded tier) and interop tests
# against real ZooKeeper clients and Apache ZooKeeper 3.8. Installs the Debian packages the interop
# tests need when they are missing. Ends with one summary line: "tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh || { echo "installing test dependencies failed" >&2; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log=$(mktemp)
dotnet build Corral.slnx -c Release -nologo -v:q 2>&1 | tee "$log"
build=${PIPESTATUS[0]}
if [ "$build" -ne 0 ]; then echo "build failed" >&2; exit "$build"; fi

dotnet test Corral.slnx -c Release --no-build -nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-assembly result lines ("Passed!  - Failed: 0, Passed: 12, ...") into one closing line.
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
# Repeat each failure (name and the first lines of its message) at the end, where CI logs keep it.
if grep -qE '^\s+Failed ' "$log"; then
  echo "failed tests:"
  grep -E -A4 '^\s+Failed ' "$log" | grep -vE '^\s+Stack Trace:' | cut -c1-300
fi
rm -f "$log"
echo "tests: ${passed:-0} passed, ${failed:-0} failed"
exit "$status"
