// The RPS relay: thousands of long polls held open for minutes do not belong on a consumption plan,
// so it runs on an always-on Linux App Service plan of its own.
param planName string
param name string
param location string = resourceGroup().location
param tags object = {}

@allowed([
  'B1'
  'B2'
  'B3'
  'S1'
  'S2'
  'S3'
])
param skuName string

@description('Resource id of the user-assigned identity the app runs as (the gateway\'s identity).')
param identityId string

@description('Storage, identity and telemetry settings the relay shares with the gateway.')
param identitySettings object

@description('Key Vault references (@Microsoft.KeyVault(SecretUri=...)) of the secrets.')
param relaySecretReference string
param appPasswordReference string

@description('Application name the gateway authenticates as; its password is appPasswordReference.')
param appName string

@allowed([
  'BuiltIn'
  'Delegate'
])
param authenticatorMode string
param deviceLoginUrl string
param appLoginUrl string

var skuTiers = {
  B1: 'Basic'
  B2: 'Basic'
  B3: 'Basic'
  S1: 'Standard'
  S2: 'Standard'
  S3: 'Standard'
}

var relaySettings = {
  Relay__Secret: relaySecretReference
  Relay__Authenticator__Mode: authenticatorMode
  'Relay__Apps__${appName}': appPasswordReference
}

// Delegate mode asks an existing RhoConnect server; built-in mode reads the users the gateway stores.
var delegateSettings = authenticatorMode == 'Delegate'
  ? {
      Relay__Authenticator__DeviceLoginUrl: deviceLoginUrl
      Relay__Authenticator__AppLoginUrl: appLoginUrl
    }
  : {}

module plan 'br/public:avm/res/web/serverfarm:0.1.1' = {
  name: 'relay-plan'
  params: {
    name: planName
    location: location
    tags: tags
    sku: {
      name: skuName
      tier: skuTiers[skuName]
    }
    reserved: true
  }
}

module site 'br/public:avm/res/web/site:0.15.1' = {
  name: 'relay-site'
  params: {
    kind: 'app,linux'
    name: name
    location: location
    tags: union(tags, { 'azd-service-name': 'relay' })
    serverFarmResourceId: plan.outputs.resourceId
    managedIdentities: {
      systemAssigned: false
      userAssignedResourceIds: [
        identityId
      ]
    }
    keyVaultAccessIdentityResourceId: identityId
    siteConfig: {
      linuxFxVersion: 'DOTNETCORE|10.0'
      // A waiting poll lives in the memory of the instance that holds it: without Always On an idle relay is
      // unloaded and every device reconnects; with more than one instance a message could wake the wrong one.
      alwaysOn: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    appSettingsKeyValuePairs: union(identitySettings, relaySettings, delegateSettings)
  }
}

output name string = site.outputs.name
output url string = 'https://${site.outputs.defaultHostname}'
