# Writes local.settings.json at the repository root for running the gateway under the Functions host on this
# machine against the resources just provisioned. azd passes its environment (the Bicep outputs and the secrets
# the preprovision hook set) as environment variables. The file holds secrets: git ignores it, keep it that way.
$ErrorActionPreference = 'Stop'

$repositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
$settingsFile = Join-Path $repositoryRoot 'local.settings.json'

# The connection string is only in Key Vault; reading it needs the Azure CLI signed in as the deploying user.
$notificationHubsConnectionString = ''
if (Get-Command az -ErrorAction SilentlyContinue) {
    $notificationHubsConnectionString = az keyvault secret show `
        --vault-name $env:AZURE_KEY_VAULT_NAME `
        --name $env:NOTIFICATIONHUBS_CONNECTION_STRING_SECRET_NAME `
        --query value --output tsv 2>$null
    if ($LASTEXITCODE -ne 0) { $notificationHubsConnectionString = '' }
}
if ([string]::IsNullOrEmpty($notificationHubsConnectionString)) {
    Write-Warning ("NotificationHubs__ConnectionString left empty: could not read secret $env:NOTIFICATIONHUBS_CONNECTION_STRING_SECRET_NAME " +
        "from Key Vault $env:AZURE_KEY_VAULT_NAME (sign in with 'az login'; a new role assignment can take a few minutes), " +
        "then run 'azd hooks run postprovision' again.")
}

# Every value a string: an unset variable becomes "" rather than null.
$values = [ordered]@{
    'FUNCTIONS_WORKER_RUNTIME'                      = 'custom'
    'AzureWebJobsStorage__accountName'              = "$env:AZURE_STORAGE_ACCOUNT_NAME"
    'ServiceBusConnection__fullyQualifiedNamespace' = "$env:SERVICEBUS_FULLY_QUALIFIED_NAMESPACE"
    'PushQueue__Transport'                          = 'ServiceBus'
    'PushQueue__QueueName'                          = "$env:SERVICEBUS_QUEUE_NAME"
    'AzureWebJobs.DeliverFromQueue.Disabled'        = 'true'
    'AzureWebJobs.DeadLetteredFromServiceBus.Disabled' = 'false'
    'RhoConnect__ApiTokens'                         = "$env:RHOCONNECT_API_TOKENS"
    'RhoConnect__SessionSecret'                     = "$env:RHOCONNECT_SESSION_SECRET"
    'RhoConnect__LoginFailuresPerLogin'             = '5'
    'RhoConnect__LoginFailuresPerAddress'           = '30'
    'RhoConnect__LoginFailureWindow'                = '00:15:00'
    'RhoConnect__TrustedProxies'                    = ''
    'RhoConnect__ImportFrom'                        = ''
    'RhoConnect__ImportApiToken'                    = ''
    'RhoConnect__ImportSchedule'                    = '0 */5 * * * *'
    'NotificationHubs__ConnectionString'            = "$notificationHubsConnectionString"
    'NotificationHubs__HubName'                     = "$env:NOTIFICATIONHUBS_HUB_NAME"
    'Rps__RelayUrl'                                 = "$env:SERVICE_RELAY_URL"
    'Rps__AppName'                                  = "$env:RPS_APP_NAME"
    'Rps__AppPassword'                              = "$env:RELAY_APP_PASSWORD"
    'APPLICATIONINSIGHTS_CONNECTION_STRING'         = "$env:APPLICATIONINSIGHTS_CONNECTION_STRING"
}

$settings = [ordered]@{ IsEncrypted = $false; Values = $values }
$settings | ConvertTo-Json -Depth 3 | Set-Content -Path $settingsFile -Encoding utf8NoBOM
if (-not $IsWindows) { chmod 600 $settingsFile }

Write-Host "Wrote $settingsFile for a local run against resource group $env:AZURE_RESOURCE_GROUP."
