using PushFunctions.Import.Cli;
using Spectre.Console;

return await ImportCommand.Create(AnsiConsole.Console, Console.Error, Environment.GetEnvironmentVariable, TimeProvider.System)
    .Parse(args)
    .InvokeAsync();
