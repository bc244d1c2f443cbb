# shellcheck shell=bash
# Starting this repository's ASP.NET Core apps (gateway, relay) for local runs and benchmarks.
#
#   app_start NAME PROJECT_DIR URL [VARIABLE=VALUE...]
#       build PROJECT_DIR (Release) and start it on URL with the extra environment given, from
#       PROJECT_DIR as `dotnet run` would, output to $APP_LOG_DIR/NAME.log; wait until GET URL/healthz
#       answers 2xx, failing with the log's tail when the app exits or is not healthy within
#       APP_START_TIMEOUT seconds. Sets APP_PIDS[NAME] and APP_LOGS[NAME]; stops with the script.
#   app_run NAME DIR URL COMMAND...
#       the same for a command that is already built: start COMMAND in DIR, output to $APP_LOG_DIR/NAME.log,
#       and wait until GET URL/healthz answers 2xx.
#   app_wait_for_any_exit
#       block until one started app exits, then fail naming it (Ctrl-C and SIGTERM end the wait).

# shellcheck source=scripts/lib/processes.sh
source "$(dirname "${BASH_SOURCE[0]}")/processes.sh"
# shellcheck source=scripts/lib/dotnet.sh
source "$(dirname "${BASH_SOURCE[0]}")/dotnet.sh"

APP_LOG_DIR=${APP_LOG_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/artifacts/logs}
# A first start compiles nothing, but a cold JIT and storage checks on a busy 2-core machine take a while.
APP_START_TIMEOUT=${APP_START_TIMEOUT:-120}
declare -A APP_PIDS=() APP_LOGS=()

app_start() {
  local name=$1 project=$2 url=$3
  shift 3
  local port=${url##*:}
  port=${port%%/*}
  # Before the build, so that a taken port fails in a second rather than after a minute.
  pf_require_free_port "$port" "$name"
  project=$(cd "$project" && pwd)

  pf_step "Building $name (${project##*/}, Release)"
  pf_run dotnet build "$project" -c Release -v minimal --nologo || pf_die "building $name failed"
  local assembly
  assembly=$(dotnet msbuild "$project" -getProperty:TargetPath -p:Configuration=Release) \
    || pf_die "could not find the assembly of $name"

  app_run "$name" "$project" "$url" env "$@" dotnet "$assembly" --urls "$url"
}

app_run() {
  local name=$1 dir=$2 url=$3
  shift 3
  mkdir -p "$APP_LOG_DIR"
  local log=$APP_LOG_DIR/$name.log
  pf_step "Starting $name on $url (log: $log)"
  pf_start_background "$log" "$dir" "$@"
  APP_PIDS[$name]=$PF_STARTED_PID
  APP_LOGS[$name]=$log

  local status=0
  pf_wait_until "$APP_START_TIMEOUT" "$PF_STARTED_PID" app_is_healthy "$url" || status=$?
  case $status in
    0) ;;
    1) app_fail "$name" "$name exited while starting" ;;
    *) app_fail "$name" "$name did not answer GET $url/healthz with 2xx within ${APP_START_TIMEOUT}s (last answer: $(app_probe "$url" || true))" ;;
  esac
}

# Prints what GET URL/healthz answered; succeeds on 2xx.
app_probe() {
  python3 - "$1/healthz" <<'PY'
import sys, urllib.error, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=2) as response:
        print(f"HTTP {response.status}")
except urllib.error.HTTPError as error:
    print(f"HTTP {error.code}")
    sys.exit(1)
except OSError as error:
    print(getattr(error, "reason", error))
    sys.exit(1)
PY
}

app_is_healthy() {
  app_probe "$1" >/dev/null
}

app_fail() {
  local name=$1 message=$2
  {
    printf 'error: %s. Last lines of %s:\n' "$message" "${APP_LOGS[$name]}"
    tail -n 40 "${APP_LOGS[$name]}" | sed 's/^/  | /'
  } >&2
  exit 1
}

app_wait_for_any_exit() {
  local exited_pid='' status=0 name
  wait -n -p exited_pid "${APP_PIDS[@]}" || status=$?
  for name in "${!APP_PIDS[@]}"; do
    if [[ ${APP_PIDS[$name]} == "$exited_pid" ]]; then
      pf_forget "$exited_pid"
      app_fail "$name" "$name exited with status $status"
    fi
  done
}
