// The ping queue: the Ping function sends to it, the serviceBusTrigger delivery function receives from it.
@description('Service Bus namespace name.')
param name string

param location string = resourceGroup().location
param tags object = {}

@description('Name of the ping queue.')
param queueName string

// The host abandons a message when the app answers non-2xx, which it does only when it could not send a retry
// message of its own (the gateway backs off by re-sending the envelope with a scheduled enqueue time and counts
// its attempts itself, PushQueue__MaxDeliveryAttempts): ten tries of that before the message is dead-lettered.
var maxDeliveryCount = 10

module namespace 'br/public:avm/res/service-bus/namespace:0.16.1' = {
  name: 'service-bus-namespace'
  params: {
    name: name
    location: location
    tags: tags
    skuObject: {
      name: 'Standard'
    }
    // Zone redundancy is a Premium feature; the module turns it on by default.
    zoneRedundant: false
    // Entra ID only: the apps send and receive as the managed identity, so no SAS key can leak.
    // The module's default RootManageSharedAccessKey rule stays because its outputs read that rule's keys;
    // with local auth disabled the key authenticates nothing.
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    queues: [
      {
        name: queueName
        maxDeliveryCount: maxDeliveryCount
        // A ping nudges devices to sync now: one older than a day is not worth sending, but a day covers a long
        // outage. An expired ping goes to the dead-letter queue, so it is reported as failed instead of vanishing.
        defaultMessageTimeToLive: 'P1D'
        deadLetteringOnMessageExpiration: true
        // MessageId is the ping id: a send the Ping function retries after a timeout is dropped as a duplicate
        // if the first one did arrive. Ten minutes covers every retry the Azure.Core pipeline makes.
        requiresDuplicateDetection: true
        duplicateDetectionHistoryTimeWindow: 'PT10M'
      }
    ]
  }
}

// serviceBusEndpoint reads https://<namespace>.servicebus.windows.net:443/; the apps want the host name alone.
@description('Host name the apps connect to (ServiceBusConnection__fullyQualifiedNamespace).')
output fullyQualifiedNamespace string = split(split(replace(namespace.outputs.serviceBusEndpoint, 'https://', ''), ':')[0], '/')[0]

output name string = namespace.outputs.name
output queueName string = queueName
