using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace PushFunctions.LoadGenerator.Gateway;

/// <summary>
/// Light-load latency from POST /rc/v1/users/ping to the delivery being recorded (the ping status turns "done"
/// once the log channel has sent every device): one ping at a time, at a steady rate.
/// </summary>
public static class EndToEndLatency
{
    public static async Task<LatencyRecorder> RunAsync(Uri gateway, string apiToken, int count, double perSecond)
    {
        using var http = new HttpClient { BaseAddress = gateway };
        http.DefaultRequestHeaders.Add("X-RhoConnect-API-TOKEN", apiToken);
        var user = "bench-" + Guid.NewGuid().ToString("N")[..8];
        (await http.PostAsJsonAsync("/rc/v1/users", new { attributes = new { login = user } })).EnsureSuccessStatusCode();
        var created = await (await http.PostAsync("/rc/v1/clients", new FormUrlEncodedContent([new("user_id", user)]))).Content.ReadFromJsonAsync<JsonElement>();
        var clientId = created.GetProperty("client").GetProperty("client_id").GetString();
        (await http.PostAsync($"/rc/v1/clients/{clientId}/register",
            new FormUrlEncodedContent([new("device_type", "APPLE"), new("device_pin", "bench-device")]))).EnsureSuccessStatusCode();

        var latencies = new LatencyRecorder();
        var interval = TimeSpan.FromSeconds(1 / perSecond);
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var accepted = await http.PostAsync("/rc/v1/users/ping", new FormUrlEncodedContent([new("user_id", user), new("message", "latency probe")]));
            var pingId = (await accepted.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ping_id").GetString();
            while (true)
            {
                var status = await http.GetFromJsonAsync<JsonElement>($"/rc/v1/pings/{pingId}");
                if (status.GetProperty("state").GetString() == "done")
                {
                    break;
                }

                await Task.Delay(2);
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            latencies.Record(elapsed);
            if (elapsed < interval)
            {
                await Task.Delay(interval - elapsed);
            }
        }

        return latencies;
    }
}
