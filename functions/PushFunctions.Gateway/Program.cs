using PushFunctions.Gateway.Hosting;

await GatewayApp.Build(args).RunAsync();
