using System.Net;

namespace PushFunctions.IntegrationTests.Security;

/// <summary>Cells of an access matrix: every call is made and checked, and one assertion lists every cell that answered otherwise.</summary>
internal sealed class Matrix
{
    private readonly List<string> _wrong = [];

    public async Task ExpectAsync(string cell, Task<HttpResponseMessage> call, HttpStatusCode expected)
    {
        using var response = await call;
        if (response.StatusCode != expected)
        {
            _wrong.Add($"{cell}: expected {(int)expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    public void AssertAll() => Assert.True(_wrong.Count == 0, "Cells that answered otherwise:\n" + string.Join("\n", _wrong));
}
