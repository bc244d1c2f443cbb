namespace PushFunctions.IntegrationTests.Observability;

/// <summary>
/// The gateway's activity source and meter are process-wide names, so every gateway in the test process feeds every
/// telemetry pipeline in it: the tests that count what was exported run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection;
