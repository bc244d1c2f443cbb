#!/usr/bin/env bash
# Benchmarks on this machine, each figure printed beside a baseline measured in the same run
# (these machines are noisy: compare ratios, not absolute numbers across runs).
#   scripts/bench.sh ingest    POST /rc/v1/users/ping with wrk; Azurite's own queue write rate and a trivial
#                              endpoint of the same server as baselines; queued pings counted afterwards;
#                              end-to-end latency ping -> recorded log-channel send at light load
#   scripts/bench.sh fanout    one ping to 30,000 native devices (deep) and to 10,000 users (wide) through a
#                              local Notification Hubs server, against Azurite partition reads
#   scripts/bench.sh relay     10,000 held long polls (memory), POST -> poll answer latency with 5,000 held, durable
#                              message rate against Azurite's own upsert rate (extra arguments go to the load generator)
#   scripts/bench.sh relay-original DIR
#                              the relay's memory and latency figures beside the original rhoconnect-push 1.2.4's, both
#                              measured in turn in the same run (DIR: a checkout of github.com/rhomobile/rhoconnect-push;
#                              Node, npm and redis-server run it; not part of "all")
#   scripts/bench.sh relay-floor
#                              the same figures beside their floor: a stand-in answering the same calls in memory,
#                              without credentials or storage (scripts/lib/relay-floor.js, on Node), and the relay in
#                              turn (not part of "all")
#   scripts/bench.sh coldstart the published gateway package started as the Functions host starts it: process
#                              start -> first GET /healthz/live 200 and -> first accepted ping on Azurite, beside
#                              a bare ASP.NET Core app (one endpoint) published the same way; medians of
#                              BENCH_COLDSTART_RUNS (9) alternating starts
#   scripts/bench.sh outage storage|hub [minutes]
#                              storage (Azurite SIGSTOPped) or Notification Hubs (answering 503) unavailable for
#                              10 minutes while a ping goes to 30 devices every 10 s: pings refused and how fast,
#                              pings lost and sends beyond one per device once all have ended (not part of "all")
#   scripts/bench.sh import    the import command copying BENCH_IMPORT_USERS (10,000) users x 3 clients from a
#                              RhoConnect stand-in on loopback into Azurite, then again with nothing to change;
#                              time, peak memory and Azurite's CPU time, beside Azurite's own insert rate (and CPU
#                              time) for the same rows, measured first on the same Azurite;
#                              BENCH_IMPORT_ARGS adds options to the command (e.g. "--concurrency 8")
#   scripts/bench.sh all       all of the above
# Loopback only; every load is bounded in time. Results and how to read them: docs/benchmarks.md.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/azurite.sh
source "$repo_root/scripts/lib/azurite.sh"
# shellcheck source=scripts/lib/apps.sh
source "$repo_root/scripts/lib/apps.sh"
# shellcheck source=scripts/lib/nativeaot.sh
source "$repo_root/scripts/lib/nativeaot.sh"
# shellcheck source=scripts/lib/debian.sh
source "$repo_root/scripts/lib/debian.sh"
cd "$repo_root"

APP_LOG_DIR=$repo_root/artifacts/bench
BENCH_SECONDS=${BENCH_SECONDS:-15}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-96}
export BENCH_API_TOKEN=bench-token-$RANDOM$RANDOM

ensure_tools() {
  command -v wrk >/dev/null || debian_install wrk
  # Thousands of sockets (wrk connections, held long polls).
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  azurite_ensure_installed
  pf_step "Building the load generator (Release)"
  pf_run dotnet build tests/PushFunctions.LoadGenerator -c Release -v minimal --nologo || pf_die "building the load generator failed"
  load_generator=$(dotnet msbuild tests/PushFunctions.LoadGenerator -getProperty:TargetPath -p:Configuration=Release)
}

load() { dotnet "$load_generator" "$@"; }

# Prints "requests_per_second p50_ms p99_ms completed non_2xx" from a wrk --latency report on stdin.
wrk_figures() {
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /requests in/ { completed = $1 } /Non-2xx/ { non2xx = $NF } /^Requests\/sec/ { rps = $2 }
    END { printf "%.0f %.2f %.2f %d %d\n", rps, p50, p99, completed, non2xx + 0 }'
}

bench_ingest() {
  local queue=bench-ingest-$RANDOM port
  port=$(pf_free_ports 1)
  local url=http://127.0.0.1:$port

  # Each phase gets a fresh Azurite: its queues slow down as they fill, and one phase's leftovers
  # would slow the next.
  azurite_start
  pf_step "Baseline: Azurite's own queue write rate (32 concurrent writers, 10 s)"
  local azurite_rate
  azurite_rate=$(load azurite-queue --connection "$AZURITE_CONNECTION_STRING" --seconds 10 --concurrency 32 | awk '{print $2}')
  azurite_stop
  azurite_start

  # No consumer: every accepted ping stays on the queue to be counted.
  app_start gateway functions/PushFunctions.Gateway "$url" \
    AzureWebJobsStorage="$AZURITE_CONNECTION_STRING" RhoConnect__ApiTokens="$BENCH_API_TOKEN" \
    PushQueue__QueueName="$queue" PushQueue__InProcessConsumer=false Logging__LogLevel__Default=Warning

  pf_step "Warm-up (3 s)"
  wrk -t2 -c"$BENCH_CONNECTIONS" -d3s -s scripts/bench/ping.lua "$url/rc/v1/users/ping" >/dev/null
  pf_step "Baseline: trivial endpoint of the same server (GET /healthz/live, ${BENCH_SECONDS} s)"
  local trivial
  trivial=$(wrk -t2 -c"$BENCH_CONNECTIONS" -d"${BENCH_SECONDS}s" --latency "$url/healthz/live" | wrk_figures)
  pf_step "Drain the warm-up pings"
  load count-queued --connection "$AZURITE_CONNECTION_STRING" --queue "$queue" >/dev/null

  pf_step "POST /rc/v1/users/ping (${BENCH_CONNECTIONS} connections, ${BENCH_SECONDS} s)"
  local pings
  pings=$(wrk -t2 -c"$BENCH_CONNECTIONS" -d"${BENCH_SECONDS}s" --latency -s scripts/bench/ping.lua "$url/rc/v1/users/ping" | tee "$APP_LOG_DIR/wrk-ping.txt" | wrk_figures)
  pf_step "Counting the pings on the queue"
  local counted
  counted=$(load count-queued --connection "$AZURITE_CONNECTION_STRING" --queue "$queue")
  pf_stop "${APP_PIDS[gateway]}"
  azurite_stop
  azurite_start

  pf_step "End-to-end latency at light load (20 pings/s, one at a time, in-process consumer)"
  app_start gateway-e2e functions/PushFunctions.Gateway "$url" \
    AzureWebJobsStorage="$AZURITE_CONNECTION_STRING" RhoConnect__ApiTokens="$BENCH_API_TOKEN" \
    PushQueue__QueueName="$queue-e2e" Logging__LogLevel__Default=Warning
  local e2e
  e2e=$(load e2e --gateway "$url" --token "$BENCH_API_TOKEN" --count 200 --per-second 20)
  pf_stop "${APP_PIDS[gateway-e2e]}"

  read -r rps p50 p99 completed non2xx <<<"$pings"
  read -r trivial_rps trivial_p50 trivial_p99 _ _ <<<"$trivial"
  local queued accepted=$((completed - non2xx))
  queued=$(awk '/^queued_pings/ {print $2}' <<<"$counted")
  printf '\n== ingest ==\n'
  printf '%-44s %12s   %s\n' "measure" "value" "baseline (same run)"
  printf '%-44s %12s   %s\n' "accepted pings/s (target >= 5,000)" "$rps" "trivial endpoint: $trivial_rps req/s; Azurite queue: $azurite_rate writes/s"
  printf '%-44s %12s   %s\n' "ping p50 / p99 latency ms (p99 target <= 50)" "$p50 / $p99" "trivial endpoint: $trivial_p50 / $trivial_p99"
  printf '%-44s %12s   %s\n' "pings answered 200 / non-2xx" "$accepted / $non2xx" ""
  printf '%-44s %12s   %s\n' "pings found queued (>= answered 200)" "$queued" "$(awk '/^queued_messages/ {print $2}' <<<"$counted") queue messages: $(awk -v q="$queued" -v m="$(awk '/^queued_messages/ {print $2}' <<<"$counted")" 'BEGIN { if (m > 0) printf "%.1f", q / m }') pings per message"
  printf '%-44s %12s   %s\n' "end-to-end p50 / p95 ms (p50 target <= 100)" "$(awk '/e2e_p50/ {print $2}' <<<"$e2e") / $(awk '/e2e_p95/ {print $2}' <<<"$e2e")" "$(awk '/e2e_pings/ {print $2}' <<<"$e2e") pings, one at a time"
  if ((queued < accepted)); then
    pf_die "$((accepted - queued)) pings answered 200 were not found on the queue"
  fi
}

bench_fanout() {
  azurite_start
  load fanout --connection "$AZURITE_CONNECTION_STRING"
}

# One bench user holds every simulated device, so the per-user instance cap is lifted; the long lease keeps the relay
# running through the minutes-long stalls an overloaded build machine's Azurite can have while 10,000 devices register.
# The relay runs as production runs it: the Native AOT executable `dotnet publish` makes (docs/relay.md).
bench_relay() {
  local work
  work=$(mktemp -d "${TMPDIR:-/tmp}/pushfunctions-relay.XXXXXX")
  pf_on_exit rm -rf "$work"
  relay_publish "$work/relay"
  azurite_start
  relay_measure "$work/relay" "$@"
}

relay_publish() {
  nativeaot_ensure_toolchain
  pf_step "Publishing the relay (Native AOT, linux-x64)"
  pf_run dotnet publish functions/PushFunctions.Relay -c Release -r linux-x64 -o "$1" --nologo -v quiet \
    || pf_die "publishing the relay failed"
}

# Starts the published relay in DIR on the running Azurite, runs the load generator's relay mode against it with the
# arguments given, and stops it; the load generator's status is the function's.
relay_measure() {
  local dir=$1 port status=0
  shift
  port=$(pf_free_ports 1)
  app_run relay "$dir" "http://127.0.0.1:$port" env \
    AzureWebJobsStorage="$AZURITE_CONNECTION_STRING" Relay__Secret="bench-relay-secret-$RANDOM$RANDOM-0123456789abcdef" \
    Relay__Authenticator__Mode=BuiltIn Relay__Apps__benchapp=bench-app-password Logging__LogLevel__Default=Warning \
    Relay__MaxInstancesPerUser=100000 Relay__LeaseDuration=00:05:00 \
    "$dir/PushFunctions.Relay" --urls "http://127.0.0.1:$port"
  load_relay "http://127.0.0.1:$port" "${APP_PIDS[relay]}" "$@" || status=$?
  pf_stop "${APP_PIDS[relay]}"
  return "$status"
}

# The load generator's relay mode against the server at URL (its process PID, whose memory it reads), as the bench app.
load_relay() {
  local url=$1 pid=$2
  shift 2
  load relay --relay "$url" --connection "$AZURITE_CONNECTION_STRING" --pid "$pid" \
    --app benchapp --app-password bench-app-password "$@"
}

# The latency figures beside the server the relay replaces: the original rhoconnect-push (Node and Redis, from a checkout
# of github.com/rhomobile/rhoconnect-push, which is not on npm) and the relay in turn, with the same load generator and
# 10,000 / 5,000 polls. No durable phase: the original keeps messages in Redis.
bench_relay_original() {
  local source=$1 work
  shift
  work=$(mktemp -d "${TMPDIR:-/tmp}/pushfunctions-original.XXXXXX")
  pf_on_exit rm -rf "$work"
  original_prepare "$source" "$work/original"
  relay_publish "$work/relay"
  rounds_beside_relay "the original rhoconnect-push" original_measure "$work/original" "$work/relay" "$@"
}

# The same figures beside their floor on this machine: a stand-in that answers the same calls in memory, without
# credentials or storage (scripts/lib/relay-floor.js), and the relay in turn.
bench_relay_floor() {
  local work
  work=$(mktemp -d "${TMPDIR:-/tmp}/pushfunctions-floor.XXXXXX")
  pf_on_exit rm -rf "$work"
  relay_publish "$work/relay"
  rounds_beside_relay "the floor" floor_measure "$repo_root/scripts/lib/relay-floor.js" "$work/relay" "$@"
}

# Runs a leg named NAME (function LEG on DIR) and the published relay in RELAY_DIR in turn, BENCH_ROUNDS (2) times: memory
# and POST -> poll answer beside a baseline that every server refuses at once (GET /; the original has no /healthz). Each
# round starts both on a fresh Azurite (the relay's tables; the load generator's user).
rounds_beside_relay() {
  local name=$1 leg=$2 dir=$3 relay_dir=$4 round rounds=${BENCH_ROUNDS:-2}
  shift 4
  for ((round = 1; round <= rounds; round++)); do
    azurite_start
    pf_step "Round $round of $rounds: $name"
    measure_leg "$leg" "$dir" "$@"
    pf_step "Round $round of $rounds: the relay"
    measure_leg relay_measure "$relay_dir" "$@"
    azurite_stop
  done
}

# Runs one leg of a comparison with its shared arguments; a missed target (status 3) is a figure, not a failure.
measure_leg() {
  local leg=$1 dir=$2
  shift 2
  "$leg" "$dir" --durable-seconds 0 --baseline-path / "$@" || [[ $? -eq 3 ]] || pf_die "the load generator failed"
}

# Starts the stand-in SCRIPT on Node, runs the load generator against it, and stops it; the load generator's status is
# the function's.
floor_measure() {
  local script=$1 port status=0
  shift
  port=$(pf_free_ports 1)
  app_run relay-floor "$APP_LOG_DIR" "http://127.0.0.1:$port" node "$script" "$port"
  load_relay "http://127.0.0.1:$port" "${APP_PIDS[relay-floor]}" "$@" || status=$?
  pf_stop "${APP_PIDS[relay-floor]}"
  return "$status"
}

original_is_checkout() {
  [[ -f ${1:-}/vendor/ans2server.js && -f ${1:-}/bin/rhoconnect-push ]]
}

# A copy of the checkout with its dependencies, runnable on this machine's Node. One change to its code: 1.2.4 replaces
# the HTTP agent's socket handling for its calls to RhoConnect's rps_login with its own (written for Node 0.8), which
# crashes current Node the first time such a socket closes; the copy uses Node's own keep-alive agent instead, which
# does what that code did. Those calls are made once a minute per credential (its cache), off the message path.
original_prepare() {
  local source=$1 copy=$2
  pf_step "Preparing the original rhoconnect-push from $source"
  mkdir -p "$copy"
  cp -R "$source/bin" "$source/vendor" "$source/package.json" "$copy/"
  python3 - "$copy/vendor/ans2server.js" <<'PY' || pf_die "$source/vendor/ans2server.js is not the 1.2.4 code this script knows"
import sys
path = sys.argv[1]
code = open(path).read()
patched = code.replace("new http.Agent();", "new http.Agent({ keepAlive: true });")
patched = patched.replace("    enhancedKeepAliveReuse(userAuthOptions.agent);", "").replace("    enhancedKeepAliveReuse(appAuthOptions.agent);", "")
if patched.count("keepAlive: true") != 2 or "enhancedKeepAliveReuse(userAuthOptions" in patched:
    sys.exit(1)
open(path, "w").write(patched)
PY
  # Its package's build step minifies the server into this name, which bin/rhoconnect-push requires.
  ln -s ans2server.js "$copy/vendor/ans2server-min.js"
  pf_run npm install --prefix "$copy" --omit=dev --no-audit --no-fund --loglevel=error >/dev/null \
    || pf_die "installing the original's dependencies (npm) failed"
  command -v redis-server >/dev/null || debian_install redis-server
}

# Starts Redis (its defaults, an empty data directory), a stand-in for RhoConnect's rps_login that says yes (204) to every
# credential, and the original, runs the load generator against it, and stops all three; the load generator's status is
# the function's.
original_measure() {
  local copy=$1 redis_port auth_port port status=0 started data
  shift
  read -r redis_port auth_port port <<<"$(pf_free_ports 3)"
  # Redis saves its data when stopped and loads it when started in the same directory: a new one each time.
  data=$(mktemp -d "$copy/redis.XXXXXX")
  mkdir -p "$APP_LOG_DIR"
  pf_start_background "$APP_LOG_DIR/original-redis.log" "$data" redis-server --port "$redis_port" --bind 127.0.0.1
  local redis_pid=$PF_STARTED_PID
  pf_start_background "$APP_LOG_DIR/original-rps-login.log" "$copy" node -e '
    const server = require("http").createServer((request, response) => { request.resume(); request.on("end", () => { response.writeHead(204); response.end(); }); });
    server.keepAliveTimeout = 0;
    server.listen(Number(process.argv[1]), "127.0.0.1");' "$auth_port"
  local auth_pid=$PF_STARTED_PID
  pf_step "Starting the original rhoconnect-push on http://127.0.0.1:$port (log: $APP_LOG_DIR/original.log)"
  # -t: the poll timeout, the relay's 200 s; -d 0: errors only (every GET / still logs a line, as the original does).
  # It has no option for the address: it listens on every interface for the minutes of the run.
  pf_start_background "$APP_LOG_DIR/original.log" "$copy" node node_modules/.bin/coffee bin/rhoconnect-push \
    -p "$port" -r "redis://127.0.0.1:$redis_port" -i 127.0.0.1 -e "$auth_port" -t 200000 -d 0
  started=$PF_STARTED_PID
  pf_wait_until 60 "$started" pf_port_accepts "$port" || pf_die "the original did not start: $(tail -5 "$APP_LOG_DIR/original.log")"
  load_relay "http://127.0.0.1:$port" "$started" "$@" || status=$?
  printf 'redis-server beside it: %s\n' "$(grep -E '^VmRSS' "/proc/$redis_pid/status" | tr -s ' \t' ' ')"
  pf_stop "$started"
  pf_stop "$auth_pid"
  pf_stop "$redis_pid"
  return "$status"
}

bench_outage() {
  load outage --what "${1:-storage}" --minutes "${2:-10}"
}

bench_coldstart() {
  local work
  work=$(mktemp -d "${TMPDIR:-/tmp}/pushfunctions-coldstart.XXXXXX")
  pf_on_exit rm -rf "$work"
  pf_step "Publishing the gateway package (as for Azure: self-contained linux-x64, ReadyToRun)"
  pf_run dotnet publish functions/PushFunctions.Gateway -c Release -o "$work/gateway" --nologo -v quiet || pf_die "publishing the gateway failed"

  pf_step "Publishing the baseline: a bare ASP.NET Core app with one endpoint, published the same way"
  mkdir -p "$work/bare-src"
  cat >"$work/bare-src/Bare.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <InvariantGlobalization>true</InvariantGlobalization>
    <RuntimeIdentifier>linux-x64</RuntimeIdentifier>
    <SelfContained>true</SelfContained>
    <PublishReadyToRun>true</PublishReadyToRun>
  </PropertyGroup>
</Project>
XML
  cat >"$work/bare-src/Program.cs" <<'CS'
var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls($"http://127.0.0.1:{builder.Configuration["FUNCTIONS_CUSTOMHANDLER_PORT"]}");
var app = builder.Build();
app.MapGet("/healthz/live", () => "Healthy");
app.Run();
CS
  pf_run dotnet publish "$work/bare-src" -c Release -o "$work/bare" --nologo -v quiet || pf_die "publishing the baseline failed"

  azurite_start
  pf_step "Cold starts: gateway and baseline alternately, ${BENCH_COLDSTART_RUNS:-9} of each"
  local figures
  figures=$(load coldstart --gateway "$work/gateway/PushFunctions.Gateway" --baseline "$work/bare/Bare" \
    --connection "$AZURITE_CONNECTION_STRING" --token "$BENCH_API_TOKEN" --runs "${BENCH_COLDSTART_RUNS:-9}")
  figure() { awk -v k="$1" '$1 == k {print $2}' <<<"$figures"; }
  local live ping bare
  live=$(figure gateway_live_ms) ping=$(figure gateway_ping_ms) bare=$(figure baseline_live_ms)
  printf '\n== coldstart (medians of %s starts) ==\n' "$(figure coldstart_runs)"
  printf '%-44s %12s   %s\n' "measure" "value" "baseline (same run)"
  printf '%-44s %12s   %s\n' "start -> first /healthz/live 200 (ms)" "$live" "bare app: $bare ms ($(awk -v a="$live" -v b="$bare" 'BEGIN { printf "%.2f", a / b }')x; target <= 1.2x)"
  printf '%-44s %12s   %s\n' "start -> first accepted ping (ms)" "$ping" "$(awk -v a="$ping" -v b="$bare" 'BEGIN { printf "%.2f", a / b }')x the bare app's first answer"
  printf '%-44s %12s   %s\n' "CPU time until the first answer (ms)" "$(figure gateway_live_cpu_ms)" "bare app: $(figure baseline_live_cpu_ms) ms (steadier than wall time on a busy machine)"
  printf '%-44s %12s\n' "every gateway start (ms)" "$(figure gateway_live_all)"
  printf '%-44s %12s\n' "every bare app start (ms)" "$(figure baseline_live_all)"
}

bench_import() {
  azurite_start
  local command
  command=$(dotnet msbuild functions/PushFunctions.Import.Cli -getProperty:TargetPath -p:Configuration=Release)
  load import --connection "$AZURITE_CONNECTION_STRING" --command "$command" --azurite-pid "$AZURITE_PID" \
    --users "${BENCH_IMPORT_USERS:-10000}" --clients 3
}

# Before the minute of building: a wrong argument fails at once.
[[ ${1:-} != relay-original ]] || original_is_checkout "${2:-}" \
  || pf_die "usage: scripts/bench.sh relay-original DIR, DIR a checkout of github.com/rhomobile/rhoconnect-push (1.2.4)"
ensure_tools
mkdir -p "$APP_LOG_DIR"
case ${1:-} in
  ingest) bench_ingest ;;
  fanout) bench_fanout ;;
  relay) shift; bench_relay "$@" ;;
  relay-original) shift; bench_relay_original "$@" ;;
  relay-floor) shift; bench_relay_floor "$@" ;;
  coldstart) bench_coldstart ;;
  outage) shift; bench_outage "$@" ;;
  import) bench_import ;;
  all) bench_ingest; azurite_stop; bench_fanout; azurite_stop; bench_relay; azurite_stop; bench_coldstart; azurite_stop; bench_import ;;
  *) sed -n '2,/^set -euo pipefail/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
