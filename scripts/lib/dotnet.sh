# shellcheck shell=bash
# The dotnet CLI settings every script runs with: quiet, no first-run prompts, nothing left behind.

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_GENERATE_ASPNET_CERTIFICATE=false
# MSBuild keeps worker nodes alive after a build to reuse them; they would outlive the script.
export MSBUILDDISABLENODEREUSE=1
