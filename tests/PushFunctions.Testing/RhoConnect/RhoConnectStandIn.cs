using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PushFunctions.Testing.Http;

namespace PushFunctions.Testing.RhoConnect;

/// <summary>
/// A RhoConnect 7 server's REST API as the import reads it, on Kestrel at 127.0.0.1 and a free port, answering as
/// rhoconnect's own code does (github rhomobile/rhoconnect 7.8: lib/rhoconnect/controller/users_controller.rb and
/// clients_controller.rb, condition/admin_required.rb, server.rb, client.rb, store_orm.rb):
/// <list type="bullet">
/// <item>The token is read from <c>X-RhoConnect-API-TOKEN</c>, else <c>api_token</c>; a missing or unknown one is 422
/// <c>text/plain</c> "No API token provided", a token of a user who is not an admin 422 "Invalid/missing API user".
/// RhoConnect's 401 "Not authenticated" belongs to its login-required routes (condition/login_required.rb), which the
/// import does not call.</item>
/// <item><c>GET /rc/v1/users</c>: a JSON array of logins, in no particular order (a Redis set's members; here the
/// reverse of creation, so nothing can rely on the order).</item>
/// <item><c>GET /rc/v1/users/{user_id}/clients</c>: a JSON array of client ids; an unknown user is a 500 whose body
/// is the Ruby error (<c>User.load</c> returns nil, the handler raises, <c>catch_all</c> answers 500 with the message).</item>
/// <item><c>GET /rc/v1/clients/{client_id}</c>: <c>[{"name","type","value"}]</c> for every field the Client model
/// defines, in its order, null when never set; an unknown client is a 500 the same way.</item>
/// <item>JSON comes as <c>text/html;charset=utf-8</c> (the handlers return JSON text without a content type, and that
/// is Sinatra's default); every answer has <c>Cache-Control: no-cache</c> and <c>Pragma: no-cache</c>.</item>
/// </list>
/// </summary>
public sealed class RhoConnectStandIn : IAsyncDisposable
{
    public const string ApiToken = "rhoconnect-admin-api-token";

    /// <summary>A token RhoConnect knows, of a user who is not an admin.</summary>
    public const string NonAdminApiToken = "rhoconnect-user-api-token";

    public const string AppName = "application";

    /// <summary>The Client model's fields, in the order <c>to_array</c> lists them, with their types.</summary>
    private static readonly (string Name, string Type)[] ClientFields =
    [
        ("rho__id", "string"), ("device_type", "string"), ("device_push_type", "string"), ("device_pin", "string"), ("device_port", "string"),
        ("device_app_id", "string"), ("device_app_version", "string"), ("phone_id", "string"), ("user_id", "string"), ("last_sync", "datetime"),
        ("app_id", "string"),
    ];

    private static readonly string[] DeviceFieldNames =
        ["device_type", "device_push_type", "device_pin", "device_port", "phone_id", "device_app_id", "device_app_version"];

    private readonly Lock _lock = new();
    private readonly List<string> _users = [];
    private readonly Dictionary<string, List<string>> _userClients = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, string?>> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private LoopbackHttpServer? _server;
    private int _inFlight;
    private int _mostInFlight;

    private RhoConnectStandIn()
    {
    }

    public Uri BaseAddress => _server!.BaseAddress;

    /// <summary>Every request's path, in arrival order.</summary>
    public IReadOnlyCollection<string> Requests => _requests;

    /// <summary>How long each answer takes, as a busy server's would: long enough that requests overlap when a client sends them at once.</summary>
    public TimeSpan AnswerDelay { get; set; }

    /// <summary>The most requests that were being answered at the same time.</summary>
    public int MostRequestsInFlight
    {
        get
        {
            lock (_lock)
            {
                return _mostInFlight;
            }
        }
    }

    public static async Task<RhoConnectStandIn> StartAsync()
    {
        var standIn = new RhoConnectStandIn();
        standIn._server = await LoopbackHttpServer.StartAsync(standIn.HandleAsync);
        return standIn;
    }

    public void AddUser(string login)
    {
        lock (_lock)
        {
            if (!_userClients.ContainsKey(login))
            {
                _users.Add(login);
                _userClients[login] = [];
            }
        }
    }

    /// <summary>Creates a client for the user (as <c>POST /rc/v1/clients</c> then register do) and returns its id.</summary>
    public string AddClient(string login, IReadOnlyDictionary<string, string> deviceFields, string? clientId = null)
    {
        var id = clientId ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        lock (_lock)
        {
            var record = ClientFields.ToDictionary(f => f.Name, _ => (string?)null, StringComparer.Ordinal);
            record["rho__id"] = id;
            record["user_id"] = login;
            record["app_id"] = AppName;
            _clients[id] = record;
            _userClients[login].Add(id);
        }

        Register(id, deviceFields);
        return id;
    }

    /// <summary>What a device's register does to its client: the device fields it names are written, the others kept (<c>update_fields</c>).</summary>
    public void Register(string clientId, IReadOnlyDictionary<string, string> deviceFields)
    {
        ArgumentNullException.ThrowIfNull(deviceFields);
        lock (_lock)
        {
            foreach (var (name, value) in deviceFields)
            {
                if (!DeviceFieldNames.Contains(name))
                {
                    throw new ArgumentException($"{name} is not a device field.", nameof(deviceFields));
                }

                _clients[clientId][name] = value;
            }
        }
    }

    /// <summary>Lists an id under the user whose client record does not exist (its record was lost): RhoConnect answers 500 for it.</summary>
    public void ListClientWithoutRecord(string login, string clientId)
    {
        lock (_lock)
        {
            _userClients[login].Add(clientId);
        }
    }

    /// <summary>What <c>DELETE /rc/v1/users/{user_id}/clients/{client_id}</c> does.</summary>
    public void DeleteClient(string login, string clientId)
    {
        lock (_lock)
        {
            _clients.Remove(clientId);
            _userClients[login].Remove(clientId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        try
        {
            lock (_lock)
            {
                _mostInFlight = Math.Max(_mostInFlight, inFlight);
            }

            if (AnswerDelay > TimeSpan.Zero)
            {
                await Task.Delay(AnswerDelay, context.RequestAborted);
            }

            await AnswerRequestAsync(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task AnswerRequestAsync(HttpContext context)
    {
        var request = context.Request;
        _requests.Enqueue(request.Path.Value ?? string.Empty);
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.Pragma = "no-cache";
        var segments = request.Path.Value?.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray() ?? [];
        if (!HttpMethods.IsGet(request.Method) || segments.Length < 3 || segments[0] != "rc" || segments[1] != "v1")
        {
            await AnswerAsync(context, StatusCodes.Status404NotFound, "text/html;charset=utf-8", "<h1>Not Found</h1>");
            return;
        }

        var token = request.Headers["X-RhoConnect-API-TOKEN"].FirstOrDefault() ?? request.Query["api_token"].FirstOrDefault();
        if (token != ApiToken)
        {
            await AnswerAsync(context, StatusCodes.Status422UnprocessableEntity, "text/plain", token == NonAdminApiToken ? "Invalid/missing API user" : "No API token provided");
            return;
        }

        int status;
        string body;
        lock (_lock)
        {
            (status, body) = segments switch
            {
                [_, _, "users"] => (StatusCodes.Status200OK, JsonSerializer.Serialize(Enumerable.Reverse(_users))),
                [_, _, "users", var login, "clients"] when _userClients.TryGetValue(login, out var ids) => (StatusCodes.Status200OK, JsonSerializer.Serialize(ids)),
                [_, _, "clients", var id] when _clients.TryGetValue(id, out var record) =>
                    (StatusCodes.Status200OK, JsonSerializer.Serialize(ClientFields.Select(f => new { name = f.Name, type = f.Type, value = record[f.Name] }))),
                [_, _, "users", _, "clients"] => (StatusCodes.Status500InternalServerError, "undefined method `clients' for nil:NilClass"),
                [_, _, "clients", _] => (StatusCodes.Status500InternalServerError, "undefined method `to_array' for nil:NilClass"),
                _ => (StatusCodes.Status404NotFound, "<h1>Not Found</h1>"),
            };
        }

        await AnswerAsync(context, status, "text/html;charset=utf-8", body);
    }

    private static async Task AnswerAsync(HttpContext context, int status, string contentType, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body);
    }
}
