// The RPS relay: thousands of long polls held open for minutes do not belong on a consumption plan,
// so it runs on an always-on Linux App Service plan of its own.
import { keyVaultReference } from 'appsettings.bicep'

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

@description('Versionless Key Vault secret URIs; the app settings refer to them, so no secret value passes through here.')
param relaySecretUri string
param appPasswordSecretUri string

@description('Application name the gateway authenticates as; its password is the secret at appPasswordSecretUri.')
param appName string

@allowed([
  'BuiltIn'
  'Delegate'
])
param authenticatorMode string
param deviceLoginUrl string
param appLoginUrl string

var relaySettings = {
  Relay__Secret: keyVaultReference(relaySecretUri)
  Relay__Authenticator__Mode: authenticatorMode
  'Relay__Apps__${appName}': keyVaultReference(appPasswordSecretUri)
}

// Delegate mode asks an existing RhoConnect server; built-in mode reads the users the gateway stores.
var delegateSettings = authenticatorMode != 'Delegate'
  ? {}
  : empty(deviceLoginUrl) || empty(appLoginUrl)
      ? fail('Delegate mode needs both relayDeviceLoginUrl and relayAppLoginUrl (RELAY_DEVICE_LOGIN_URL, RELAY_APP_LOGIN_URL).')
      : {
          Relay__Authenticator__DeviceLoginUrl: deviceLoginUrl
          Relay__Authenticator__AppLoginUrl: appLoginUrl
        }

// 0.4.1 takes the SKU by name and lets zone redundancy be turned off (a single relay instance is the point);
// the gateway's FC1 plan stays on 0.1.1, the version the Flex Consumption quickstarts deploy with.
module plan 'br/public:avm/res/web/serverfarm:0.4.1' = {
  name: 'relay-plan'
  params: {
    name: planName
    location: location
    tags: tags
    kind: 'linux'
    reserved: true
    skuName: skuName
    skuCapacity: 1
    zoneRedundant: false
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
      // The relay is published as one Native AOT executable (no PushFunctions.Relay.dll for the image's default
      // `dotnet <app>.dll` start): the startup command runs it from the deployed folder. It listens where the image's
      // ASPNETCORE_* settings say, as a framework-dependent app would.
      appCommandLine: '/home/site/wwwroot/PushFunctions.Relay'
      // A waiting poll lives in the memory of the instance that holds it: without Always On an idle relay is
      // unloaded and every device reconnects; with more than one instance a message could wake the wrong one.
      alwaysOn: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      healthCheckPath: '/healthz'
    }
  }
}

module appSettings 'appsettings.bicep' = {
  name: 'relay-app-settings'
  params: {
    siteName: site.outputs.name
    settings: union(identitySettings, relaySettings, delegateSettings)
  }
}

output name string = site.outputs.name
output url string = 'https://${site.outputs.defaultHostname}'
