// PushFunctions on Azure: `azd up` provisions everything below and deploys the gateway and the relay.
// Compiled and linted with the Bicep CLI against the pinned Azure Verified Module versions (docs/azure.md says
// how); only a real `azd provision` can check what Azure itself accepts.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment. It seeds the resource token, so each environment gets its own resource names.')
param environmentName string

@minLength(1)
@description('Region of every resource. It must offer the Flex Consumption plan: az functionapp list-flexconsumption-locations.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of whoever runs azd (azd fills AZURE_PRINCIPAL_ID). It gets the data roles a local run against these resources needs. Empty: none.')
param principalId string = ''

@description('Kind of principalId: a developer signed in with azd auth login is a User, a CI pipeline is a ServicePrincipal.')
@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

@secure()
@description('RhoConnect API token(s) backends send in X-RhoConnect-API-TOKEN. Comma-separated: during a rotation both the new and the old one are accepted.')
param rhoConnectApiTokens string

@secure()
@description('Key that signs the device session cookies of POST /rc/v1/app/login (built-in users). Changing it signs every device out.')
param rhoConnectSessionSecret string

@description('Deploy the RPS relay for enterprise devices without Google Play. Off: no relay and no Rps settings on the gateway.')
param relayEnabled bool = true

@description('App Service plan size of the relay. Its long polls need Always On, which starts at Basic; one instance (see docs/azure.md).')
@allowed([
  'B1'
  'B2'
  'B3'
  'S1'
  'S2'
  'S3'
])
param relaySkuName string = 'B1'

@description('Application name the gateway uses as its Basic user when it queues messages on the relay.')
param rpsAppName string = 'rhoconnect'

@secure()
@description('Secret the relay signs instance ids, cookies and tokens with. Changing it invalidates every device registration.')
param relaySecret string

@secure()
@description('Password of rpsAppName on the relay; the gateway sends it with every message.')
param relayAppPassword string

@description('How the relay checks device and app credentials: against the users the gateway stores (BuiltIn) or by asking an existing RhoConnect server (Delegate).')
@allowed([
  'BuiltIn'
  'Delegate'
])
param relayAuthenticatorMode string = 'BuiltIn'

@description('Delegate mode only: the RhoConnect URL that checks device credentials, e.g. https://rhoconnect.example.com/rc/v1/app/rps_login.')
param relayDeviceLoginUrl string = ''

@description('Delegate mode only: the RhoConnect URL that checks app credentials, e.g. https://rhoconnect.example.com/rc/v1/system/rps_login.')
param relayAppLoginUrl string = ''

@description('Notification Hubs namespace tier. Free is enough to try the gateway; see the Notification Hubs pricing page for limits.')
@allowed([
  'Free'
  'Basic'
  'Standard'
])
param notificationHubsSku string = 'Free'

@description('APNs environment the hub sends to: sandbox for development builds, production for App Store and TestFlight builds.')
@allowed([
  'sandbox'
  'production'
])
param apnsEnvironment string = 'sandbox'

@secure()
@description('APNs token authentication: the key id of the .p8 key. Empty at the first deploy is fine; all four APNs values together enable APNs.')
param apnsKeyId string = ''

@secure()
@description('APNs token authentication: the Apple developer team id.')
param apnsTeamId string = ''

@secure()
@description('APNs token authentication: the app bundle id.')
param apnsBundleId string = ''

@secure()
@description('APNs token authentication: the contents of the .p8 key file, without the BEGIN/END lines.')
param apnsToken string = ''

@secure()
@description('FCM v1: the Firebase project id. All three FCM values together enable FCM.')
param fcmProjectId string = ''

@secure()
@description('FCM v1: client_email of the Firebase service account key.')
param fcmClientEmail string = ''

@secure()
@description('FCM v1: private_key of the Firebase service account key.')
param fcmPrivateKey string = ''

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

var names = {
  resourceGroup: '${abbrs.resourcesResourceGroups}${environmentName}'
  identity: '${abbrs.managedIdentityUserAssignedIdentities}push-${resourceToken}'
  logAnalytics: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
  applicationInsights: '${abbrs.insightsComponents}${resourceToken}'
  storage: '${abbrs.storageStorageAccounts}${resourceToken}'
  deploymentContainer: 'app-package-${resourceToken}'
  serviceBus: '${abbrs.serviceBusNamespaces}${resourceToken}'
  keyVault: '${abbrs.keyVaultVaults}${resourceToken}'
  notificationHubsNamespace: '${abbrs.notificationHubsNamespaces}${resourceToken}'
  notificationHub: '${abbrs.notificationHubsNamespacesNotificationHubs}push-${resourceToken}'
  gatewayPlan: '${abbrs.webServerFarms}gateway-${resourceToken}'
  gateway: '${abbrs.webSitesFunctions}gateway-${resourceToken}'
  relayPlan: '${abbrs.webServerFarms}relay-${resourceToken}'
  relay: '${abbrs.webSitesAppService}relay-${resourceToken}'
}

// The queue between the Ping function and delivery; the same name is the Storage queue of local runs.
var pushQueueName = 'pings'

// Which storage services the apps use. Each flag gates its AzureWebJobsStorage__*ServiceUri setting and its role assignments.
var storageEndpointConfig = {
  enableBlob: true // Functions host (keys, leases) and the deployment package
  enableQueue: true // the queueTrigger delivery function binds to it even while it is disabled in Azure
  enableTable: true // users, clients, pings and the relay's message queues
  allowUserIdentityPrincipal: !empty(principalId) // the developer's local run against these resources
}

var storageEndpoints = {
  blob: 'https://${names.storage}.blob.${environment().suffixes.storage}/'
  queue: 'https://${names.storage}.queue.${environment().suffixes.storage}/'
  table: 'https://${names.storage}.table.${environment().suffixes.storage}/'
}

// Both apps reach storage, Key Vault and Service Bus as the one user-assigned identity.
var identitySettings = union(
  {
    AZURE_CLIENT_ID: identity.outputs.clientId
    AzureWebJobsStorage__accountName: names.storage
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identity.outputs.clientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.outputs.connectionString
  },
  storageEndpointConfig.enableBlob ? { AzureWebJobsStorage__blobServiceUri: storageEndpoints.blob } : {},
  storageEndpointConfig.enableQueue ? { AzureWebJobsStorage__queueServiceUri: storageEndpoints.queue } : {},
  storageEndpointConfig.enableTable ? { AzureWebJobsStorage__tableServiceUri: storageEndpoints.table } : {}
)

resource rg 'Microsoft.Resources/resourceGroups@2021-04-01' = {
  name: names.resourceGroup
  location: location
  tags: tags
}

module identity 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.1' = {
  name: 'identity'
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module logAnalytics 'br/public:avm/res/operational-insights/workspace:0.7.0' = {
  name: 'log-analytics'
  scope: rg
  params: {
    name: names.logAnalytics
    location: location
    tags: tags
    dataRetention: 30
  }
}

module applicationInsights 'br/public:avm/res/insights/component:0.4.1' = {
  name: 'application-insights'
  scope: rg
  params: {
    name: names.applicationInsights
    location: location
    tags: tags
    workspaceResourceId: logAnalytics.outputs.resourceId
    // The app exports its own telemetry with the connection string alone; Entra-only ingestion would drop it.
    disableLocalAuth: false
  }
}

module storage 'br/public:avm/res/storage/storage-account:0.8.3' = {
  name: 'storage'
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: tags
    skuName: 'Standard_LRS'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    dnsEndpointType: 'Standard'
    minimumTlsVersion: 'TLS1_2'
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
    blobServices: {
      containers: [
        {
          name: names.deploymentContainer
        }
      ]
    }
  }
}

module serviceBus 'app/servicebus.bicep' = {
  name: 'service-bus'
  scope: rg
  params: {
    name: names.serviceBus
    location: location
    tags: tags
    queueName: pushQueueName
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
    rhoConnectApiTokens: rhoConnectApiTokens
    rhoConnectSessionSecret: rhoConnectSessionSecret
    relayEnabled: relayEnabled
    relaySecret: relaySecret
    relayAppPassword: relayAppPassword
  }
}

module notificationHubs 'app/notificationhubs.bicep' = {
  name: 'notification-hubs'
  scope: rg
  params: {
    namespaceName: names.notificationHubsNamespace
    hubName: names.notificationHub
    location: location
    tags: tags
    sku: notificationHubsSku
    keyVaultName: keyVault.outputs.name
    apnsEnvironment: apnsEnvironment
    apnsKeyId: apnsKeyId
    apnsTeamId: apnsTeamId
    apnsBundleId: apnsBundleId
    apnsToken: apnsToken
    fcmProjectId: fcmProjectId
    fcmClientEmail: fcmClientEmail
    fcmPrivateKey: fcmPrivateKey
  }
}

module relay 'app/relay.bicep' = if (relayEnabled) {
  name: 'relay'
  scope: rg
  params: {
    planName: names.relayPlan
    name: names.relay
    location: location
    tags: tags
    skuName: relaySkuName
    identityId: identity.outputs.resourceId
    identitySettings: identitySettings
    relaySecretUri: keyVault.outputs.secretUris.relaySecret
    appName: rpsAppName
    appPasswordSecretUri: keyVault.outputs.secretUris.relayAppPassword
    authenticatorMode: relayAuthenticatorMode
    deviceLoginUrl: relayDeviceLoginUrl
    appLoginUrl: relayAppLoginUrl
  }
  // The app's first start resolves its Key Vault references and reaches storage as the identity: its roles first.
  dependsOn: [
    rbac
  ]
}

module gatewayPlan 'br/public:avm/res/web/serverfarm:0.1.1' = {
  name: 'gateway-plan'
  scope: rg
  params: {
    name: names.gatewayPlan
    location: location
    tags: tags
    sku: {
      name: 'FC1'
      tier: 'FlexConsumption'
    }
    reserved: true
  }
}

module gateway 'app/gateway.bicep' = {
  name: 'gateway'
  scope: rg
  params: {
    name: names.gateway
    location: location
    tags: tags
    planId: gatewayPlan.outputs.resourceId
    identityId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    identitySettings: identitySettings
    deploymentContainerUrl: '${storageEndpoints.blob}${names.deploymentContainer}'
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    pushQueueName: serviceBus.outputs.queueName
    apiTokensSecretUri: keyVault.outputs.secretUris.apiTokens
    sessionSecretUri: keyVault.outputs.secretUris.sessionSecret
    notificationHubsConnectionStringSecretUri: notificationHubs.outputs.connectionStringSecretUri
    notificationHubName: notificationHubs.outputs.hubName
    relayUrl: relay.?outputs.url ?? ''
    rpsAppName: rpsAppName
    relayAppPasswordSecretUri: keyVault.outputs.secretUris.relayAppPassword
  }
  // Storage must hold the deployment container before the Flex app points at it, and the app's first start
  // (Key Vault references, host storage, the Service Bus trigger and its scaler) runs as the identity: its roles first.
  dependsOn: [
    storage
    rbac
  ]
}

module rbac 'app/rbac.bicep' = {
  name: 'role-assignments'
  scope: rg
  params: {
    identityPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
    allowUserIdentityPrincipal: storageEndpointConfig.allowUserIdentityPrincipal
    storageAccountName: storage.outputs.name
    enableBlob: storageEndpointConfig.enableBlob
    enableQueue: storageEndpointConfig.enableQueue
    enableTable: storageEndpointConfig.enableTable
    serviceBusNamespaceName: serviceBus.outputs.name
    pushQueueName: serviceBus.outputs.queueName
    keyVaultName: keyVault.outputs.name
  }
}

// azd stores every output in the environment; the postprovision hook turns them into local.settings.json.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_NAME string = gateway.outputs.name
output SERVICE_GATEWAY_NAME string = gateway.outputs.name
output SERVICE_GATEWAY_URL string = gateway.outputs.url
output SERVICE_RELAY_NAME string = relay.?outputs.name ?? ''
output SERVICE_RELAY_URL string = relay.?outputs.url ?? ''
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output NOTIFICATIONHUBS_CONNECTION_STRING_SECRET_NAME string = notificationHubs.outputs.connectionStringSecretName
output NOTIFICATIONHUBS_HUB_NAME string = notificationHubs.outputs.hubName
output NOTIFICATIONHUBS_NAMESPACE_NAME string = notificationHubs.outputs.namespaceName
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storageEndpoints.blob
output AZURE_STORAGE_QUEUE_ENDPOINT string = storageEndpoints.queue
output AZURE_STORAGE_TABLE_ENDPOINT string = storageEndpoints.table
output SERVICEBUS_FULLY_QUALIFIED_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output SERVICEBUS_QUEUE_NAME string = serviceBus.outputs.queueName
output RPS_APP_NAME string = rpsAppName
output APPLICATIONINSIGHTS_CONNECTION_STRING string = applicationInsights.outputs.connectionString
