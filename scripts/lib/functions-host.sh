# shellcheck shell=bash
# Running the published gateway package under the Azure Functions Core Tools (`func start`) on this machine, the
# way Azure runs it: the Functions host forwards HTTP requests to the app (a custom handler) and invokes the
# queue-triggered delivery function itself.
#
#   functions_host_require_func
#       fail, saying what to install, unless `func` is on PATH
#   functions_host_use_local_extensions PACKAGE_DIR
#       run PACKAGE_DIR without the extension bundle, which Core Tools downloads from Microsoft's CDN: install the
#       Storage-queue extension into PACKAGE_DIR/bin (scripts/functions-host/extensions.csproj), drop
#       "extensionBundle" from PACKAGE_DIR/host.json, and remove the Service Bus functions, whose extension only the
#       bundle supplies (the host refuses to start a function whose binding type no extension registers)
#   functions_host_write_settings SETTINGS_FILE PACKAGE_DIR
#       write PACKAGE_DIR/local.settings.json, readable by its owner only, from SETTINGS_FILE's "Values" with the
#       settings of a local run against Azurite on its default ports: the Storage-queue trigger delivers

# shellcheck source=scripts/lib/processes.sh
source "$(dirname "${BASH_SOURCE[0]}")/processes.sh"

FUNCTIONS_HOST_EXTENSIONS_PROJECT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../functions-host" && pwd)/extensions.csproj
# Function folders whose trigger comes from the Service Bus extension.
FUNCTIONS_HOST_SERVICE_BUS_FUNCTIONS=(DeliverFromServiceBus DeadLetteredFromServiceBus)

functions_host_require_func() {
  command -v func >/dev/null 2>&1 && return 0
  # printf only (a builtin): this runs before anything else, on a machine that may lack more than func.
  printf '%s\n' \
    'error: --functions-host runs the gateway under the Azure Functions Core Tools, and `func` is not on PATH.' \
    'Install Azure Functions Core Tools 4.x, then run scripts/run-local.sh --functions-host again:' \
    '  npm install --global azure-functions-core-tools@4' \
    '    (its install step downloads the tools from Microsoft, so it needs the internet, not only the npm registry)' \
    "  or, on Debian or Ubuntu with Microsoft's package repository configured: sudo apt-get install azure-functions-core-tools-4" \
    '  or see https://learn.microsoft.com/azure/azure-functions/functions-run-local for macOS and Windows.' \
    'Without Core Tools, scripts/run-local.sh (no option) runs the same gateway standalone.' >&2
  exit 1
}

functions_host_use_local_extensions() {
  local package=$1 function
  pf_step "Installing the Storage-queue extension into ${package}/bin (no extension bundle)"
  pf_run dotnet build "$FUNCTIONS_HOST_EXTENSIONS_PROJECT" -c Release -o "$package/bin" -v minimal --nologo \
    || pf_die "installing the Storage-queue extension failed"
  python3 - "$package/host.json" <<'PY' || pf_die "could not edit $package/host.json"
import json, sys
path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    host = json.load(f)
host.pop("extensionBundle", None)
with open(path, "w", encoding="utf-8") as f:
    json.dump(host, f, indent=2)
    f.write("\n")
PY
  for function in "${FUNCTIONS_HOST_SERVICE_BUS_FUNCTIONS[@]}"; do
    rm -rf "${package:?}/$function"
  done
}

functions_host_write_settings() {
  local settings_file=$1 package=$2
  python3 - "$settings_file" "$package/local.settings.json" <<'PY' || pf_die "could not write $package/local.settings.json"
import json, os, sys
source, target = sys.argv[1:3]
with open(source, encoding="utf-8") as f:
    settings = json.load(f)
values = settings.get("Values", {})
# The identity-based storage settings of a run against Azure (written by the postprovision hook) would point the
# host away from Azurite.
values = {name: value for name, value in values.items() if not name.startswith("AzureWebJobsStorage__")}
values.update({
    # The app is a custom handler: the host reads the function.json folders and starts no language worker.
    "FUNCTIONS_WORKER_RUNTIME": "custom",
    # Azurite on its default ports, which run-local starts.
    "AzureWebJobsStorage": "UseDevelopmentStorage=true",
    # The Ping function queues on the Storage queue, and the host's queue trigger delivers from it.
    "PushQueue__Transport": "StorageQueue",
    "AzureWebJobs.DeliverFromQueue.Disabled": "false",
    "AzureWebJobs.DeliverFromServiceBus.Disabled": "true",
    "AzureWebJobs.DeadLetteredFromServiceBus.Disabled": "true",
})
# The import's timer function names its schedule; without it the host would not load that function.
values.setdefault("RhoConnect__ImportSchedule", "0 */5 * * * *")
settings["IsEncrypted"] = False
settings["Values"] = values
# Owner-only, like the file it is made from: it holds the API token and the relay password.
if os.path.exists(target):
    os.remove(target)
with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as f:
    json.dump(settings, f, indent=2)
    f.write("\n")
PY
}
