#!/usr/bin/env bash
# Builds the solution once and runs every test project under tests/ against a private, in-memory
# Azurite on free loopback ports. Extra arguments go to every `dotnet test`, e.g.
#   scripts/test.sh --filter "FullyQualifiedName~Tables"
# The last line printed is always the total "N passed, N failed"; the exit status is non-zero
# when a test failed or a project could not be built or run.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/azurite.sh
source "$repo_root/scripts/lib/azurite.sh"
# shellcheck source=scripts/lib/dotnet.sh
source "$repo_root/scripts/lib/dotnet.sh"
# shellcheck source=scripts/lib/chromium.sh
source "$repo_root/scripts/lib/chromium.sh"
# shellcheck source=scripts/lib/nativeaot.sh
source "$repo_root/scripts/lib/nativeaot.sh"
cd "$repo_root"

mapfile -t test_projects < <(grep -rliE --include='*.csproj' '<IsTestProject>[[:space:]]*true[[:space:]]*</IsTestProject>' tests | sort)
((${#test_projects[@]} > 0)) || pf_die "no test project (IsTestProject true) under tests/"

azurite_ensure_installed
chromium_ensure_installed
# The integration tests publish the relay as Native AOT and run it (PublishedRelayTests).
nativeaot_ensure_toolchain
pf_step "Building PushFunctions.sln (Release)"
pf_run dotnet restore PushFunctions.sln -v minimal || pf_die "dotnet restore failed"
pf_run dotnet build PushFunctions.sln -c Release --no-restore -v minimal || pf_die "the build failed"

azurite_start
pf_step "Azurite listening on 127.0.0.1 (blob $AZURITE_BLOB_PORT, queue $AZURITE_QUEUE_PORT, table $AZURITE_TABLE_PORT)"

results_dir=$(mktemp -d "${TMPDIR:-/tmp}/pushfunctions-tests.XXXXXX")
pf_on_exit rm -rf "$results_dir"
# What tests keep for people to look at (the console's screenshots), kept after the run; artifacts/ is git-ignored.
export PUSHFUNCTIONS_TEST_ARTIFACTS=$repo_root/artifacts/test-results
rm -rf "$PUSHFUNCTIONS_TEST_ARTIFACTS"
mkdir -p "$PUSHFUNCTIONS_TEST_ARTIFACTS"

run_logged() {
  local log=$1
  shift
  "$@" 2>&1 | tee "$log"
}

# Matches the summary line `dotnet test` prints per test assembly:
#   Passed!  - Failed:     0, Passed:    12, Skipped:     0, Total:    12, Duration: 1 s - X.dll (net10.0)
summary_pattern='(Passed|Failed)! +- +Failed: +([0-9]+), +Passed: +([0-9]+), +Skipped: +([0-9]+)'
total_passed=0
total_failed=0
report=()
for project in "${test_projects[@]}"; do
  name=$(basename "$project" .csproj)
  log=$results_dir/$name.log
  pf_step "Testing $name"
  status=0
  pf_run run_logged "$log" dotnet test "$project" --no-build -c Release -v minimal "$@" || status=$?

  passed=0 failed=0 skipped=0 summaries=0
  while IFS= read -r line; do
    if [[ $line =~ $summary_pattern ]]; then
      failed=$((failed + BASH_REMATCH[2]))
      passed=$((passed + BASH_REMATCH[3]))
      skipped=$((skipped + BASH_REMATCH[4]))
      summaries=$((summaries + 1))
    fi
  done <"$log"

  note=
  if ((status != 0 && failed == 0)); then
    # The run broke without reporting a failed test (missing build output, crashed or aborted
    # test host): count it as a failure so that the total can never look green.
    failed=1
    note=" (dotnet test exited with status $status without reporting a failed test: counted as 1 failure)"
  elif ((summaries == 0)); then
    note=" (no test ran)"
  fi
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  report+=("  $name: $passed passed, $failed failed, $skipped skipped$note")
done

printf '\nTest results:\n'
while IFS= read -r artifact; do
  printf '  artifact: %s\n' "$artifact"
done < <(find "$PUSHFUNCTIONS_TEST_ARTIFACTS" -type f | sort)
printf '%s\n' "${report[@]}"
printf '%s passed, %s failed\n' "$total_passed" "$total_failed"
if ((total_failed > 0)); then
  exit 1
fi
