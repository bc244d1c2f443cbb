// The gateway: the ASP.NET Core app on Flex Consumption, run by the Functions host as a custom handler.
// The deployed package carries host.json (customHandler: the app's own self-contained executable) and one folder
// per function.
import { keyVaultReference } from 'appsettings.bicep'

param name string
param location string = resourceGroup().location
param tags object = {}

@description('Resource id of the Flex Consumption (FC1) plan.')
param planId string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string
param identityClientId string

@description('Storage, identity and telemetry settings the gateway shares with the relay.')
param identitySettings object

@description('URL of the blob container Flex Consumption deploys the package from.')
param deploymentContainerUrl string

param instanceMemoryMB int = 2048
param maximumInstanceCount int = 100

param serviceBusFullyQualifiedNamespace string
param pushQueueName string

@description('Versionless Key Vault secret URIs; the app settings refer to them, so no secret value passes through here.')
param apiTokensSecretUri string
param sessionSecretUri string
param notificationHubsConnectionStringSecretUri string
param notificationHubName string

@description('URL of the RPS relay; empty when no relay is deployed.')
param relayUrl string
param rpsAppName string
@description('Versionless Key Vault secret URI of the gateway\'s password on the relay; empty when no relay is deployed.')
param relayAppPasswordSecretUri string

var pushQueueSettings = {
  PushQueue__Transport: 'ServiceBus'
  PushQueue__QueueName: pushQueueName
  ServiceBusConnection__fullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
  ServiceBusConnection__credential: 'managedidentity'
  ServiceBusConnection__clientId: identityClientId
  // In Azure the serviceBusTrigger function delivers; the queueTrigger one serves local runs under the func CLI.
  'AzureWebJobs.DeliverFromQueue.Disabled': 'true'
}

var deliverySettings = {
  RhoConnect__ApiTokens: keyVaultReference(apiTokensSecretUri)
  RhoConnect__SessionSecret: keyVaultReference(sessionSecretUri)
  NotificationHubs__ConnectionString: keyVaultReference(notificationHubsConnectionStringSecretUri)
  NotificationHubs__HubName: notificationHubName
}

// The import timer function's schedule (NCRONTAB): the host resolves it even while the import is off, which it is
// until RhoConnect__ImportFrom and RhoConnect__ImportApiToken are added (docs/azure.md, Optional settings).
var importSettings = {
  RhoConnect__ImportSchedule: '0 */5 * * * *'
}

var relaySettings = empty(relayUrl)
  ? {}
  : {
      Rps__RelayUrl: relayUrl
      Rps__AppName: rpsAppName
      Rps__AppPassword: keyVaultReference(relayAppPasswordSecretUri)
    }

module site 'br/public:avm/res/web/site:0.15.1' = {
  name: 'gateway-site'
  params: {
    kind: 'functionapp,linux'
    name: name
    location: location
    tags: union(tags, { 'azd-service-name': 'gateway' })
    serverFarmResourceId: planId
    managedIdentities: {
      systemAssigned: false
      userAssignedResourceIds: [
        identityId
      ]
    }
    // Key Vault references resolve as this identity (keyVaultReferenceIdentity); it holds Key Vault Secrets User.
    keyVaultAccessIdentityResourceId: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      // The custom-handler stack: the package is self-contained (its own .NET runtime), so no language stack is
      // needed, and with FUNCTIONS_WORKER_RUNTIME=custom the host reads the function.json folders instead of
      // starting a .NET isolated worker to index functions. Why not dotnet-isolated: docs/azure.md.
      runtime: {
        name: 'custom'
        version: '1.0'
      }
    }
    siteConfig: {
      alwaysOn: false
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
  }
}

module appSettings 'appsettings.bicep' = {
  name: 'gateway-app-settings'
  params: {
    siteName: site.outputs.name
    settings: union(identitySettings, pushQueueSettings, deliverySettings, importSettings, relaySettings)
  }
}

output name string = site.outputs.name
output url string = 'https://${site.outputs.defaultHostname}'
