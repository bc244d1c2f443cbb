// Notification Hubs namespace and hub. There is no Azure Verified Module for Notification Hubs, so the resources
// are declared directly (Microsoft.NotificationHubs 2023-10-01-preview: the first API version with FCM v1 credentials).
param namespaceName string
param hubName string
param location string = resourceGroup().location
param tags object = {}

@allowed([
  'Free'
  'Basic'
  'Standard'
])
param sku string

@description('Vault that receives the hub connection string the gateway sends with.')
param keyVaultName string

@allowed([
  'sandbox'
  'production'
])
param apnsEnvironment string

@secure()
param apnsKeyId string
@secure()
param apnsTeamId string
@secure()
param apnsBundleId string
@secure()
param apnsToken string
@secure()
param fcmProjectId string
@secure()
param fcmClientEmail string
@secure()
param fcmPrivateKey string

var apnsEndpoints = {
  sandbox: 'https://api.development.push.apple.com:443/3/device'
  production: 'https://api.push.apple.com:443/3/device'
}

var apnsValues = [
  apnsKeyId
  apnsTeamId
  apnsBundleId
  apnsToken
]
var fcmValues = [
  fcmProjectId
  fcmClientEmail
  fcmPrivateKey
]
var apnsConfigured = empty(filter(apnsValues, value => empty(value)))
var fcmConfigured = empty(filter(fcmValues, value => empty(value)))
// Some but not all values of a platform is a mistake to report, not a platform to leave silently unconfigured.
var apnsIncomplete = !apnsConfigured && !empty(filter(apnsValues, value => !empty(value)))
var fcmIncomplete = !fcmConfigured && !empty(filter(fcmValues, value => !empty(value)))

// A PUT replaces the hub's credentials: platforms whose values are empty are left without credentials,
// so credentials entered in the portal are removed by the next `azd provision` (set them through azd instead).
var apnsCredential = apnsConfigured
  ? {
      apnsCredential: {
        properties: {
          keyId: apnsKeyId
          appId: apnsTeamId
          appName: apnsBundleId
          token: apnsToken
          endpoint: apnsEndpoints[apnsEnvironment]
        }
      }
    }
  : {}

var fcmCredential = fcmConfigured
  ? {
      fcmV1Credential: {
        properties: {
          projectId: fcmProjectId
          clientEmail: fcmClientEmail
          privateKey: fcmPrivateKey
        }
      }
    }
  : {}

resource namespace 'Microsoft.NotificationHubs/namespaces@2023-10-01-preview' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: sku
  }
  properties: {
    namespaceType: 'NotificationHub'
  }
}

resource hub 'Microsoft.NotificationHubs/namespaces/notificationHubs@2023-10-01-preview' = {
  parent: namespace
  name: hubName
  location: location
  tags: tags
  properties: apnsIncomplete
    ? fail('APNs needs all of apnsKeyId, apnsTeamId, apnsBundleId and apnsToken, or none of them.')
    : fcmIncomplete
        ? fail('FCM v1 needs all of fcmProjectId, fcmClientEmail and fcmPrivateKey, or none of them.')
        : union(apnsCredential, fcmCredential)
}

// Send is the only right the gateway needs: it keeps registrations itself and uses direct sends. The rule is on
// the namespace so the same connection string also reaches extra hubs (NotificationHubs__Hubs__{deviceAppId}) for
// apps with their own APNs/FCM credentials.
resource sendRule 'Microsoft.NotificationHubs/namespaces/authorizationRules@2023-10-01-preview' = {
  parent: namespace
  name: 'gateway-send'
  properties: {
    rights: [
      'Send'
    ]
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource connectionString 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'notificationhubs-connection-string'
  properties: {
    value: sendRule.listKeys().primaryConnectionString
  }
}

output namespaceName string = namespace.name
output hubName string = hub.name
output connectionStringSecretName string = connectionString.name
output connectionStringSecretUri string = connectionString.properties.secretUri
