// Every role assignment, each on the narrowest scope that works.
// The apps (one user-assigned identity) get what they run with; the developer gets what a local run needs.
param identityPrincipalId string

param userPrincipalId string
param userPrincipalType string
@description('Grant the developer roles (only when userPrincipalId is known).')
param allowUserIdentityPrincipal bool

param storageAccountName string
param enableBlob bool
param enableQueue bool
param enableTable bool

param serviceBusNamespaceName string
param pushQueueName string

param keyVaultName string

// Built-in role definition ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  serviceBusDataOwner: '090c5cfd-751d-490a-894a-3ce6f1109419'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
}

func grants(principalId string, principalType string, roleIds string[]) object[] => map(roleIds, roleId => {
  principalId: principalId
  principalType: principalType
  roleId: roleId
})

var queueAndTableRoles = concat(
  enableQueue ? [roles.storageQueueDataContributor] : [],
  enableTable ? [roles.storageTableDataContributor] : []
)

// Blob Data Owner on the account, not only the deployment container: the Functions host creates and leases
// its own containers (host keys, singleton locks) through AzureWebJobsStorage.
var appStorageRoles = concat(enableBlob ? [roles.storageBlobDataOwner] : [], queueAndTableRoles)
var userStorageRoles = concat(enableBlob ? [roles.storageBlobDataContributor] : [], queueAndTableRoles)

var developerGrants = allowUserIdentityPrincipal

var storageGrants = concat(
  grants(identityPrincipalId, 'ServicePrincipal', appStorageRoles),
  developerGrants ? grants(userPrincipalId, userPrincipalType, userStorageRoles) : []
)

// The apps get Data Owner on the one queue they use: the Ping function sends, the two triggers receive from the
// queue and its dead-letter subqueue, and scaling on Flex Consumption reads the queue's runtime properties (message
// and dead-letter counts), which needs the Manage claim that only Data Owner carries. Without it the scaler cannot
// count messages and delivery may never wake from zero. Functions' Service Bus trigger documentation lists Data Owner.
// The developer's local run needs no scaling: Sender and Receiver.
var appQueueRoles = [
  roles.serviceBusDataOwner
]
var developerQueueRoles = [
  roles.serviceBusDataSender
  roles.serviceBusDataReceiver
]
var pushQueueGrants = concat(
  grants(identityPrincipalId, 'ServicePrincipal', appQueueRoles),
  developerGrants ? grants(userPrincipalId, userPrincipalType, developerQueueRoles) : []
)

// The apps only read secrets; the developer also writes them, to rotate the API token.
var keyVaultGrants = concat(
  grants(identityPrincipalId, 'ServicePrincipal', [roles.keyVaultSecretsUser]),
  developerGrants ? grants(userPrincipalId, userPrincipalType, [roles.keyVaultSecretsOfficer]) : []
)

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName

  resource pushQueue 'queues' existing = {
    name: pushQueueName
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource storageAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in storageGrants: {
    name: guid(storage.id, grant.principalId, grant.roleId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.roleId)
      principalId: grant.principalId
      principalType: grant.principalType
    }
  }
]

resource pushQueueAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in pushQueueGrants: {
    name: guid(serviceBus::pushQueue.id, grant.principalId, grant.roleId)
    scope: serviceBus::pushQueue
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.roleId)
      principalId: grant.principalId
      principalType: grant.principalType
    }
  }
]

resource keyVaultAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in keyVaultGrants: {
    name: guid(vault.id, grant.principalId, grant.roleId)
    scope: vault
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.roleId)
      principalId: grant.principalId
      principalType: grant.principalType
    }
  }
]
