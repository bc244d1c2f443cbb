using Microsoft.Extensions.Diagnostics.HealthChecks;
using PushFunctions.Import.Importing;
using PushFunctions.Import.State;

namespace PushFunctions.Gateway.Import;

/// <summary>
/// The last import run, whichever instance ran it (its summary is in the import's table): healthy when it completed
/// without errors, degraded otherwise. Its details are counts and fixed reasons, never user or client ids: /healthz
/// answers anyone.
/// </summary>
public sealed class ImportHealthCheck(ImportStateStore state) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ImportSummary? last;
        try
        {
            last = await state.ReadLastRunAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Degraded("the last import's summary could not be read", e);
        }

        if (last is null)
        {
            return HealthCheckResult.Healthy("no import has run yet");
        }

        var data = new Dictionary<string, object>
        {
            ["source"] = last.Source,
            ["state"] = last.State.ToString(),
            ["started_at"] = last.StartedAt,
            ["finished_at"] = last.FinishedAt,
            ["users"] = last.Users,
            ["users_created"] = last.UsersCreated,
            ["clients"] = last.Clients,
            ["clients_created"] = last.ClientsCreated,
            ["clients_updated"] = last.ClientsUpdated,
            ["clients_moved"] = last.ClientsMoved,
            ["clients_unchanged"] = last.ClientsUnchanged,
            ["clients_pruned"] = last.ClientsPruned,
            ["devices"] = last.Devices,
            ["skipped"] = last.Skipped,
            ["errors"] = last.Errors,
        };
        return last.State == ImportState.Completed && last.Errors == 0
            ? HealthCheckResult.Healthy(last.Describe(), data)
            : HealthCheckResult.Degraded(last.Describe(), data: data);
    }
}
