# shellcheck shell=bash
# Background processes that never outlive the script that started them.
#
# Sourcing this file installs the script's EXIT, INT and TERM traps: whatever was started with
# pf_start_background or pf_run is stopped, together with every process it spawned, however the
# script ends (success, failure, Ctrl-C, SIGTERM from CI). Scripts that need more cleanup register
# it with pf_on_exit rather than setting traps of their own, which would replace these.
#
#   pf_die MESSAGE...                  print "error: MESSAGE" to stderr and exit 1
#   pf_step MESSAGE...                 print a progress line
#   pf_on_exit COMMAND [ARG...]        run COMMAND when the script exits (last registered runs first)
#   pf_start_background LOG DIR CMD... start CMD in DIR, output to LOG; its pid is left in PF_STARTED_PID
#   pf_track PID                       stop PID (a background job of the script) and its descendants on exit
#   pf_run CMD...                      run CMD to completion; like a foreground command, but SIGTERM stops it at once
#   pf_stop PID                        stop PID and all its descendants now (TERM, then KILL after a grace period)
#   pf_is_running PID                  true while PID is alive (a zombie counts as gone)
#   pf_free_ports COUNT                print COUNT distinct free loopback ports, space-separated
#   pf_require_free_port PORT WHAT     exit with a message naming PORT and WHAT unless 127.0.0.1:PORT can be bound
#   pf_port_accepts PORT               true when 127.0.0.1:PORT accepts a TCP connection
#   pf_wait_until SECONDS PID CHECK... retry CHECK every 0.2 s until it succeeds (0), PID dies (1) or time runs out (2)

if [[ -n ${PF_PROCESSES_SOURCED:-} ]]; then
  return 0
fi
PF_PROCESSES_SOURCED=1

PF_BACKGROUND_PIDS=()
PF_EXIT_COMMANDS=()
PF_STARTED_PID=

pf_die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

pf_step() {
  printf '==> %s\n' "$*"
}

pf_on_exit() {
  PF_EXIT_COMMANDS+=("$(printf '%q ' "$@")")
}

pf_start_background() {
  local log=$1 dir=$2
  shift 2
  # exec keeps the pid of the subshell the pid of the command itself.
  (cd "$dir" && exec "$@") >"$log" 2>&1 &
  PF_STARTED_PID=$!
  pf_track "$PF_STARTED_PID"
}

pf_track() {
  PF_BACKGROUND_PIDS+=("$1")
}

# Bash runs a trap only after the current foreground command has finished, so a SIGTERM would
# wait for a whole build or test run. Waiting on a background job is interrupted by traps instead.
pf_run() {
  "$@" &
  local pid=$! status=0
  pf_track "$pid"
  wait "$pid" || status=$?
  pf_forget "$pid"
  return "$status"
}

pf_forget() {
  local kept=() pid
  for pid in "${PF_BACKGROUND_PIDS[@]}"; do
    [[ $pid == "$1" ]] || kept+=("$pid")
  done
  PF_BACKGROUND_PIDS=("${kept[@]}")
}

pf_is_running() {
  local stat
  # A process can vanish at any moment; stderr goes first so that its redirection covers the read.
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# Found through /proc because a minimal machine may have neither ps nor /proc/PID/task/*/children.
pf_descendants() {
  local -A children=()
  local stat_file stat pid ppid
  for stat_file in /proc/[0-9]*/stat; do
    read -r stat 2>/dev/null <"$stat_file" || continue
    pid=${stat%% *}
    # The command name, in parentheses, may itself contain spaces and parentheses.
    stat=${stat##*) }
    read -r _ ppid _ <<<"$stat"
    children[$ppid]+=" $pid"
  done
  local pending=("$1") current child
  while ((${#pending[@]} > 0)); do
    current=${pending[0]}
    pending=("${pending[@]:1}")
    for child in ${children[$current]:-}; do
      printf '%s\n' "$child"
      pending+=("$child")
    done
  done
}

pf_stop() {
  local root=$1 tree pid deadline
  # Collect the whole tree before signalling: children of a stopped parent are re-parented and
  # could no longer be found from it.
  mapfile -t tree < <(pf_descendants "$root")
  tree=("$root" "${tree[@]}")
  kill -TERM "${tree[@]}" 2>/dev/null || true
  # A grace period lets Kestrel and Azurite close their sockets cleanly.
  deadline=$((SECONDS + 10))
  for pid in "${tree[@]}"; do
    while pf_is_running "$pid" && ((SECONDS < deadline)); do
      sleep 0.1
    done
  done
  kill -KILL "${tree[@]}" 2>/dev/null || true
  wait "$root" 2>/dev/null || true
  pf_forget "$root"
}

pf_cleanup() {
  local index
  # Stop the newest first: apps before the storage they use.
  for ((index = ${#PF_BACKGROUND_PIDS[@]} - 1; index >= 0; index--)); do
    pf_stop "${PF_BACKGROUND_PIDS[index]}"
  done
  for ((index = ${#PF_EXIT_COMMANDS[@]} - 1; index >= 0; index--)); do
    eval "${PF_EXIT_COMMANDS[index]}" || true
  done
  PF_EXIT_COMMANDS=()
}

trap pf_cleanup EXIT
# exit runs the EXIT trap; the statuses are the conventional 128 + signal number.
trap 'exit 130' INT
trap 'exit 143' TERM

pf_free_ports() {
  # Binding every socket to port 0 before closing any makes the kernel hand out distinct ports.
  python3 - "$1" <<'PY'
import socket, sys
sockets = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in sockets))
for s in sockets:
    s.close()
PY
}

pf_require_free_port() {
  local port=$1 what=$2
  python3 - "$port" 2>/dev/null <<'PY' || pf_die "port $port ($what) is already in use on 127.0.0.1; stop whatever listens there and retry"
import socket, sys
with socket.socket() as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(sys.argv[1])))
PY
}

pf_port_accepts() {
  # bash's /dev/tcp needs no extra tool; connecting to a closed loopback port fails at once.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pf_wait_until() {
  local timeout=$1 pid=$2
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    pf_is_running "$pid" || return 1
    ((SECONDS < deadline)) || return 2
    sleep 0.2
  done
}
