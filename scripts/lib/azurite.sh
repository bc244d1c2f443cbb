# shellcheck shell=bash
# Azurite, the Azure Storage emulator, for tests, local runs and benchmarks: the one bootstrap
# every script uses. Source it (it sources processes.sh, whose traps stop Azurite on exit).
#
#   azurite_ensure_installed          install the Azurite pinned in scripts/package-lock.json when missing
#   azurite_start                     start Azurite in memory on 127.0.0.1 on free ports, wait until all
#                                     three accept connections, then set and export:
#       AZURITE_BIN, PUSHFUNCTIONS_AZURITE    the azurite executable
#       AZURITE_BLOB_PORT, AZURITE_QUEUE_PORT, AZURITE_TABLE_PORT
#       AZURITE_CONNECTION_STRING, PUSHFUNCTIONS_TEST_STORAGE
#                                             connection string with explicit endpoints
#       AZURITE_PID, AZURITE_LOG
#   azurite_start_on_ports BLOB QUEUE TABLE
#                                     the same on the given ports, failing with a message naming a taken one
#   azurite_stop                      stop it now (otherwise it stops when the script exits)

# shellcheck source=scripts/lib/processes.sh
source "$(dirname "${BASH_SOURCE[0]}")/processes.sh"

AZURITE_SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AZURITE_BIN=$AZURITE_SCRIPTS_DIR/node_modules/.bin/azurite
# Seconds to wait for Azurite to listen: a cold Node start on a busy 2-core machine takes several.
AZURITE_START_TIMEOUT=${AZURITE_START_TIMEOUT:-60}
# The emulator's documented, public development account; not a secret.
AZURITE_ACCOUNT=devstoreaccount1
AZURITE_ACCOUNT_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
AZURITE_PID=
export AZURITE_BIN PUSHFUNCTIONS_AZURITE=$AZURITE_BIN

azurite_ensure_installed() {
  [[ -x $AZURITE_BIN ]] && return 0
  command -v npm >/dev/null || pf_die "npm is needed to install Azurite (install Node.js 20 and npm)"
  pf_step "Installing Azurite into scripts/node_modules (npm ci)"
  # --ignore-scripts: Azurite needs no install step, and a lockfile install should not run code.
  pf_run npm ci --prefix "$AZURITE_SCRIPTS_DIR" --no-audit --no-fund --ignore-scripts --loglevel=error \
    || pf_die "npm ci in scripts/ failed"
  [[ -x $AZURITE_BIN ]] || pf_die "npm ci succeeded but $AZURITE_BIN is missing"
}

azurite_start() {
  [[ -z $AZURITE_PID ]] || pf_die "Azurite is already running (pid $AZURITE_PID)"
  azurite_ensure_installed
  local attempt ports
  for attempt in 1 2 3; do
    ports=$(pf_free_ports 3)
    # shellcheck disable=SC2086 # the three ports are meant to be split into three arguments
    azurite_launch $ports && return 0
    # Another process may have taken a port between choosing it and Azurite binding it: choose again.
    pf_step "Azurite could not start on ports $ports (attempt $attempt); retrying on other ports"
  done
  azurite_fail "Azurite kept exiting while starting"
}

azurite_start_on_ports() {
  [[ -z $AZURITE_PID ]] || pf_die "Azurite is already running (pid $AZURITE_PID)"
  azurite_ensure_installed
  pf_require_free_port "$1" "Azurite blob"
  pf_require_free_port "$2" "Azurite queue"
  pf_require_free_port "$3" "Azurite table"
  azurite_launch "$1" "$2" "$3" || azurite_fail "Azurite exited while starting"
}

# Returns 1 when Azurite exits before it listens, so that the caller can retry on other ports.
azurite_launch() {
  local blob=$1 queue=$2 table=$3 workdir
  # Azurite writes nothing in memory mode, but any stray file lands in a directory of its own.
  workdir=$(mktemp -d "${TMPDIR:-/tmp}/pushfunctions-azurite.XXXXXX")
  pf_on_exit rm -rf "$workdir"
  AZURITE_LOG=$workdir/azurite.log
  # --disableTelemetry: nothing outside the machine is reachable, and tests should not try.
  pf_start_background "$AZURITE_LOG" "$workdir" "$AZURITE_BIN" \
    --silent --inMemoryPersistence --skipApiVersionCheck --disableTelemetry \
    --blobHost 127.0.0.1 --blobPort "$blob" \
    --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table"
  AZURITE_PID=$PF_STARTED_PID

  local status=0
  pf_wait_until "$AZURITE_START_TIMEOUT" "$AZURITE_PID" azurite_listens "$blob" "$queue" "$table" || status=$?
  case $status in
    0) ;;
    1)
      wait "$AZURITE_PID" 2>/dev/null || true
      pf_forget "$AZURITE_PID"
      AZURITE_PID=
      return 1
      ;;
    *) azurite_fail "Azurite did not listen on 127.0.0.1:$blob/$queue/$table within ${AZURITE_START_TIMEOUT}s" ;;
  esac

  local endpoint=http://127.0.0.1
  AZURITE_BLOB_PORT=$blob AZURITE_QUEUE_PORT=$queue AZURITE_TABLE_PORT=$table
  AZURITE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=$AZURITE_ACCOUNT;AccountKey=$AZURITE_ACCOUNT_KEY;BlobEndpoint=$endpoint:$blob/$AZURITE_ACCOUNT;QueueEndpoint=$endpoint:$queue/$AZURITE_ACCOUNT;TableEndpoint=$endpoint:$table/$AZURITE_ACCOUNT;"
  PUSHFUNCTIONS_TEST_STORAGE=$AZURITE_CONNECTION_STRING
  export AZURITE_BLOB_PORT AZURITE_QUEUE_PORT AZURITE_TABLE_PORT AZURITE_CONNECTION_STRING PUSHFUNCTIONS_TEST_STORAGE
}

azurite_listens() {
  local port
  for port in "$@"; do
    pf_port_accepts "$port" || return 1
  done
}

azurite_fail() {
  {
    printf 'error: %s. Azurite log (%s):\n' "$1" "${AZURITE_LOG:-none}"
    [[ -n ${AZURITE_LOG:-} && -f $AZURITE_LOG ]] && sed 's/^/  | /' "$AZURITE_LOG"
  } >&2
  exit 1
}

azurite_stop() {
  [[ -n $AZURITE_PID ]] || return 0
  pf_stop "$AZURITE_PID"
  AZURITE_PID=
  unset AZURITE_CONNECTION_STRING PUSHFUNCTIONS_TEST_STORAGE AZURITE_BLOB_PORT AZURITE_QUEUE_PORT AZURITE_TABLE_PORT
}
