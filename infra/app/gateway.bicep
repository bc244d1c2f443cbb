// The gateway: the ASP.NET Core app on Flex Consumption, run by the Functions host as a custom handler.
// The deployed package carries host.json (customHandler: dotnet + the app's dll) and one folder per function.
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
@description('The ping queue\'s maxDeliveryCount.')
param pushQueueMaxDeliveryAttempts int

@description('Key Vault references (@Microsoft.KeyVault(SecretUri=...)) of the secrets.')
param apiTokensReference string
param sessionSecretReference string
param notificationHubsConnectionStringReference string
param notificationHubName string

@description('URL of the RPS relay; empty when no relay is deployed.')
param relayUrl string
param rpsAppName string
param relayAppPasswordReference string

var pushQueueSettings = {
  PushQueue__Transport: 'ServiceBus'
  PushQueue__QueueName: pushQueueName
  PushQueue__MaxDeliveryAttempts: string(pushQueueMaxDeliveryAttempts)
  ServiceBusConnection__fullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
  ServiceBusConnection__credential: 'managedidentity'
  ServiceBusConnection__clientId: identityClientId
  // In Azure the serviceBusTrigger function delivers; the queueTrigger one serves local runs under the func CLI.
  'AzureWebJobs.DeliverFromQueue.Disabled': 'true'
}

var deliverySettings = {
  RhoConnect__ApiTokens: apiTokensReference
  RhoConnect__SessionSecret: sessionSecretReference
  NotificationHubs__ConnectionString: notificationHubsConnectionStringReference
  NotificationHubs__HubName: notificationHubName
}

var relaySettings = empty(relayUrl)
  ? {}
  : {
      Rps__RelayUrl: relayUrl
      Rps__AppName: rpsAppName
      Rps__AppPassword: relayAppPasswordReference
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
      // The dotnet-isolated stack puts the .NET 10 runtime on the worker; host.json's customHandler starts the app with it.
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      alwaysOn: false
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    appSettingsKeyValuePairs: union(identitySettings, pushQueueSettings, deliverySettings, relaySettings)
  }
}

output name string = site.outputs.name
output url string = 'https://${site.outputs.defaultHostname}'
