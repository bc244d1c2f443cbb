using PushFunctions.Relay;

await RelayApp.Build(args).RunAsync();
