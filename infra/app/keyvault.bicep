// The vault and the secrets the apps read through Key Vault references. The Notification Hubs connection string
// is written next to the hub it comes from (notificationhubs.bicep), so its keys never leave that module.
@description('Key Vault name (at most 24 characters).')
param name string

param location string = resourceGroup().location
param tags object = {}

@secure()
@description('Comma-separated RhoConnect API tokens.')
param rhoConnectApiTokens string

@secure()
@description('Key that signs device session cookies.')
param rhoConnectSessionSecret string

@description('Write the relay secrets only when the relay is deployed.')
param relayEnabled bool

@secure()
param relaySecret string

@secure()
param relayAppPassword string

module vault 'br/public:avm/res/key-vault/vault:0.13.3' = {
  name: 'key-vault-vault'
  params: {
    name: name
    location: location
    tags: tags
    sku: 'standard'
    // Access by Azure RBAC roles only (rbac.bicep): Key Vault Secrets User for the apps.
    enableRbacAuthorization: true
    enableVaultForDeployment: false
    enableVaultForTemplateDeployment: false
    enableVaultForDiskEncryption: false
    // A purge-protected vault keeps its name for the whole retention period after `azd down`, which blocks
    // `azd up` of the same environment; turn it on for production environments.
    enablePurgeProtection: false
    softDeleteRetentionInDays: 7
    // Reached over its public endpoint: by App Service for the Key Vault references, by the postprovision hook.
    publicNetworkAccess: 'Enabled'
  }
}

resource deployedVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: name
}

resource apiTokens 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: deployedVault
  name: 'rhoconnect-api-tokens'
  properties: {
    value: rhoConnectApiTokens
    contentType: 'text/plain; comma-separated tokens'
  }
  dependsOn: [
    vault
  ]
}

resource sessionSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: deployedVault
  name: 'rhoconnect-session-secret'
  properties: {
    value: rhoConnectSessionSecret
  }
  dependsOn: [
    vault
  ]
}

resource relaySecretEntry 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (relayEnabled) {
  parent: deployedVault
  name: 'relay-secret'
  properties: {
    value: relaySecret
  }
  dependsOn: [
    vault
  ]
}

resource relayAppPasswordEntry 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (relayEnabled) {
  parent: deployedVault
  name: 'relay-app-password'
  properties: {
    value: relayAppPassword
  }
  dependsOn: [
    vault
  ]
}

output name string = vault.outputs.name
output uri string = vault.outputs.uri

type secretUrisType = {
  apiTokens: string
  sessionSecret: string
  relaySecret: string
  relayAppPassword: string
}

// Versionless URIs: a Key Vault reference then follows rotations (App Service re-reads them within 24 hours, or at once
// on restart). The relay's are empty when no relay is deployed.
output secretUris secretUrisType = {
  apiTokens: apiTokens.properties.secretUri
  sessionSecret: sessionSecret.properties.secretUri
  relaySecret: relaySecretEntry.?properties.secretUri ?? ''
  relayAppPassword: relayAppPasswordEntry.?properties.secretUri ?? ''
}
