using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PushFunctions.Core.Payloads;

/// <summary>Writes JSON into one reused buffer, so measuring many candidate alerts for one payload allocates once.</summary>
internal sealed class JsonRenderer : IDisposable
{
    // Push payloads are read by apps, never embedded in HTML, so the default encoder's HTML-safe escaping
    // (<, >, &, ' and every non-ASCII character as \uXXXX) would only inflate them: "é" would cost 6 bytes instead
    // of 2, and alerts in non-Latin scripts would be cut far below the platform limits. The relaxed encoder still
    // escapes what JSON requires (quotes, backslash, control characters). It also escapes characters outside the
    // BMP (emoji) as surrogate-pair escapes: valid JSON, and measured at that size like everything else.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ArrayBufferWriter<byte> buffer = new(1024);
    private readonly Utf8JsonWriter writer;

    public JsonRenderer() => writer = new Utf8JsonWriter(buffer, Options);

    /// <summary>The UTF-8 JSON that <paramref name="write"/> produces; valid until the next call.</summary>
    public ReadOnlySpan<byte> Render(Action<Utf8JsonWriter> write)
    {
        buffer.ResetWrittenCount();
        writer.Reset();
        write(writer);
        writer.Flush();
        return buffer.WrittenSpan;
    }

    public void Dispose() => writer.Dispose();
}
