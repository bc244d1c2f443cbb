#!/usr/bin/env bash
# Runs the gateway and the RPS relay on this machine against an in-memory Azurite, ready for curl:
#   scripts/run-local.sh                      the gateway standalone (its own queue consumer delivers)
#   scripts/run-local.sh --functions-host     the published gateway package under `func start` (Azure Functions
#                                             Core Tools), as Azure runs it: the host's queue trigger delivers
#   scripts/run-local.sh --functions-host --extension-bundle
#                                             the same with the extension bundle, which func downloads from
#                                             Microsoft (online only); without it the Storage-queue extension is
#                                             installed into the package's bin/ from NuGet
# The first run creates local.settings.json (git-ignored) from local.settings.sample.json with a fresh
# development API token. Every "Values" entry reaches the apps as an environment variable unless the
# environment already sets it: the environment wins. Azurite listens on its default ports 10000-10002
# so that "UseDevelopmentStorage=true" works, the gateway on http://127.0.0.1:7071. Ctrl-C stops all.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/azurite.sh
source "$repo_root/scripts/lib/azurite.sh"
# shellcheck source=scripts/lib/apps.sh
source "$repo_root/scripts/lib/apps.sh"
# shellcheck source=scripts/lib/functions-host.sh
source "$repo_root/scripts/lib/functions-host.sh"
cd "$repo_root"

functions_host=false
extension_bundle=false
for argument in "$@"; do
  case $argument in
    --functions-host) functions_host=true ;;
    --extension-bundle) extension_bundle=true ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
      exit 0
      ;;
    *) pf_die "unknown option $argument (see scripts/run-local.sh --help)" ;;
  esac
done
if $extension_bundle && ! $functions_host; then
  pf_die "--extension-bundle only applies with --functions-host"
fi
# Before anything is built or started: say at once what is missing.
if $functions_host; then
  functions_host_require_func
fi

gateway_url=http://127.0.0.1:7071
# The original RhoConnect Push Service's port.
relay_url=http://127.0.0.1:8675
settings_file=$repo_root/local.settings.json
sample_file=$repo_root/local.settings.sample.json
APP_LOG_DIR=$repo_root/artifacts/run-local

create_local_settings() {
  pf_step "Creating local.settings.json with a new development API token and fresh development secrets"
  # Owner-only permissions: the file holds the token and, once filled in, the hub and relay secrets.
  python3 - "$sample_file" "$settings_file" <<'PY'
import json, os, secrets, sys
sample, target = sys.argv[1:3]
with open(sample, encoding="utf-8") as f:
    settings = json.load(f)
values = settings["Values"]
values["RhoConnect__ApiTokens"] = secrets.token_hex(16)
values["RhoConnect__SessionSecret"] = secrets.token_hex(32)
# The relay's settings live in the same file (run-local starts both apps from it); the sample holds only the
# gateway's, which is what the Functions host reads.
values["Relay__Secret"] = secrets.token_hex(32)
values["Relay__Authenticator__Mode"] = "BuiltIn"
# The gateway's app credentials for the relay, and the relay's record of them: one generated password.
app_password = secrets.token_hex(16)
values["Rps__AppPassword"] = app_password
values["Relay__Apps__" + values["Rps__AppName"]] = app_password
with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as f:
    json.dump(settings, f, indent=2)
    f.write("\n")
PY
}

# Fills app_environment with VARIABLE=VALUE for every Values entry the environment does not set.
# The apps get them through `env`, which also carries names bash cannot export
# (e.g. "AzureWebJobs.DeliverFromServiceBus.Disabled").
read_local_settings() {
  local entries
  entries=$(mktemp)
  pf_on_exit rm -f "$entries"
  python3 - "$settings_file" >"$entries" <<'PY' || pf_die "local.settings.json could not be read (see above); fix it or delete it to start over"
import json, os, sys
try:
    with open(sys.argv[1], encoding="utf-8") as f:
        values = json.load(f).get("Values", {})
except (OSError, ValueError, AttributeError) as error:
    sys.exit(f"{sys.argv[1]}: {error}")
for name, value in values.items():
    if name in os.environ:
        continue
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif value is None:
        value = ""
    elif not isinstance(value, str):
        value = json.dumps(value)
    sys.stdout.write(f"{name}={value}\0")
PY
  mapfile -d '' -t app_environment <"$entries"
}

# The first of the configured tokens (comma-separated), wherever it was configured.
api_token() {
  local tokens=${RhoConnect__ApiTokens:-} entry
  for entry in "${app_environment[@]}"; do
    [[ $entry == RhoConnect__ApiTokens=* ]] && tokens=${entry#*=}
  done
  tokens=${tokens%%,*}
  printf '%s' "${tokens//[[:space:]]/}"
}

print_try_it() {
  local token
  token=$(api_token)
  if [[ -z $token ]]; then
    printf 'warning: no API token configured (RhoConnect__ApiTokens); every call will answer 422\n' >&2
    token=TOKEN
  fi
  cat <<TEXT

PushFunctions is running: gateway $gateway_url, RPS relay $relay_url, Azurite blob/queue/table on 127.0.0.1:10000-10002.
Follow the logs with: tail -f $APP_LOG_DIR/*.log. Press Ctrl-C to stop everything.

Create user1, then register a device for it (the first answer carries the client id):
  curl -X POST -H "X-RhoConnect-API-TOKEN: $token" -H "Content-Type: application/json" --data '{"attributes":{"login":"user1","password":"secret"}}' $gateway_url/rc/v1/users
  curl -X POST -H "X-RhoConnect-API-TOKEN: $token" --data "user_id=user1" $gateway_url/rc/v1/clients
  curl -X POST -H "X-RhoConnect-API-TOKEN: $token" --data "user_id=user1&device_type=APPLE&device_pin=DEVICE_TOKEN&device_app_id=com.example.app" $gateway_url/rc/v1/clients/CLIENT_ID/register

Ping user1 (the answer carries the ping id):
  curl -X POST -H "X-RhoConnect-API-TOKEN: $token" --data "user_id=user1&message=Hello+user&sources[]=all&vibrate=2000" $gateway_url/rc/v1/users/ping

Follow the ping's delivery:
  curl -H "X-RhoConnect-API-TOKEN: $token" $gateway_url/rc/v1/pings/PING_ID

Or watch a push arrive on a simulated enterprise device (RPS long poll); in another terminal, after creating user1:
  dotnet run --project functions/PushFunctions.DeviceSimulator -- --relay $relay_url --gateway $gateway_url --user user1 --password secret --app rhodesapp
then ping user1 as above: the device prints the message.

TEXT
}

[[ -f $settings_file ]] || create_local_settings
read_local_settings
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}

# The published package, as azd deploys it, with the settings of a local run beside its host.json.
start_gateway_under_functions_host() {
  local package=$repo_root/artifacts/functions-host/gateway
  pf_require_free_port "${gateway_url##*:}" "the Functions host"
  pf_step "Publishing the gateway package into $package"
  rm -rf "$package"
  pf_run dotnet publish functions/PushFunctions.Gateway -c Release -o "$package" -v minimal --nologo \
    || pf_die "publishing the gateway failed"
  $extension_bundle || functions_host_use_local_extensions "$package"
  functions_host_write_settings "$settings_file" "$package"
  app_run gateway "$package" "$gateway_url" func start --port "${gateway_url##*:}"
}

azurite_start_on_ports 10000 10001 10002
if $functions_host; then
  start_gateway_under_functions_host
else
  app_start gateway functions/PushFunctions.Gateway "$gateway_url" "${app_environment[@]}"
fi
app_start relay functions/PushFunctions.Relay "$relay_url" "${app_environment[@]}"

print_try_it
app_wait_for_any_exit
