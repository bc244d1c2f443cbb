#!/bin/sh
# Writes local.settings.json at the repository root for running the gateway under the Functions host on this
# machine against the resources just provisioned. azd passes its environment (the Bicep outputs and the secrets
# the preprovision hook set) as environment variables. The file holds secrets: git ignores it, keep it that way.
set -eu

repository_root="$(cd "$(dirname "$0")/../.." && pwd)"
settings_file="$repository_root/local.settings.json"

# The connection string is only in Key Vault; reading it needs the Azure CLI signed in as the deploying user.
notification_hubs_connection_string=""
if command -v az >/dev/null 2>&1; then
  notification_hubs_connection_string="$(az keyvault secret show \
    --vault-name "$AZURE_KEY_VAULT_NAME" \
    --name "$NOTIFICATIONHUBS_CONNECTION_STRING_SECRET_NAME" \
    --query value --output tsv 2>/dev/null || true)"
fi
if [ -z "$notification_hubs_connection_string" ]; then
  echo "NotificationHubs__ConnectionString left empty: could not read secret $NOTIFICATIONHUBS_CONNECTION_STRING_SECRET_NAME" \
    "from Key Vault $AZURE_KEY_VAULT_NAME (sign in with 'az login'; a new role assignment can take a few minutes)," \
    "then run 'azd hooks run postprovision' again." >&2
fi

json_string() {
  printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"
}

setting() {
  printf '    %s: %s\n' "$(json_string "$1")" "$(json_string "$2")"
}

umask 077
{
  printf '{\n  "IsEncrypted": false,\n  "Values": {\n'
  {
    setting FUNCTIONS_WORKER_RUNTIME "custom"
    setting AzureWebJobsStorage__accountName "$AZURE_STORAGE_ACCOUNT_NAME"
    setting ServiceBusConnection__fullyQualifiedNamespace "$SERVICEBUS_FULLY_QUALIFIED_NAMESPACE"
    setting PushQueue__Transport "ServiceBus"
    setting PushQueue__QueueName "$SERVICEBUS_QUEUE_NAME"
    setting AzureWebJobs.DeliverFromQueue.Disabled "true"
    setting AzureWebJobs.DeadLetteredFromServiceBus.Disabled "false"
    setting RhoConnect__ApiTokens "$RHOCONNECT_API_TOKENS"
    setting RhoConnect__SessionSecret "$RHOCONNECT_SESSION_SECRET"
    setting RhoConnect__LoginFailuresPerLogin "5"
    setting RhoConnect__LoginFailuresPerAddress "30"
    setting RhoConnect__LoginFailureWindow "00:15:00"
    setting RhoConnect__TrustedProxies ""
    setting RhoConnect__ImportFrom ""
    setting RhoConnect__ImportApiToken ""
    setting RhoConnect__ImportSchedule "0 */5 * * * *"
    setting NotificationHubs__ConnectionString "$notification_hubs_connection_string"
    setting NotificationHubs__HubName "$NOTIFICATIONHUBS_HUB_NAME"
    setting Rps__RelayUrl "${SERVICE_RELAY_URL:-}"
    setting Rps__AppName "$RPS_APP_NAME"
    setting Rps__AppPassword "${RELAY_APP_PASSWORD:-}"
    setting APPLICATIONINSIGHTS_CONNECTION_STRING "${APPLICATIONINSIGHTS_CONNECTION_STRING:-}"
  } | sed '$!s/$/,/'
  printf '  }\n}\n'
} >"$settings_file"

echo "Wrote $settings_file for a local run against resource group $AZURE_RESOURCE_GROUP."
