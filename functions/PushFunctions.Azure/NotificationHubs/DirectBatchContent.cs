using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PushFunctions.Azure.NotificationHubs;

/// <summary>
/// The multipart/mixed body of a direct batch send: a <c>notification</c> part with the payload and a <c>devices</c>
/// part with the handles as a JSON array, CRLF line ends, no whitespace on the blank separator lines.
/// </summary>
internal static class DirectBatchContent
{
    public static (string ContentType, byte[] Body) Create(string notificationContentType, string body, IReadOnlyCollection<string> deviceHandles)
    {
        var boundary = "nh-batch-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var buffer = new ArrayBufferWriter<byte>(body.Length + (deviceHandles.Count * 80) + 512);
        Append(buffer, $"--{boundary}\r\nContent-Type: {notificationContentType}\r\nContent-Disposition: inline; name=notification\r\n\r\n");
        Append(buffer, body);
        Append(buffer, $"\r\n--{boundary}\r\nContent-Type: application/json\r\nContent-Disposition: inline; name=devices\r\n\r\n");
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var handle in deviceHandles)
            {
                writer.WriteStringValue(handle);
            }

            writer.WriteEndArray();
        }

        Append(buffer, $"\r\n--{boundary}--\r\n");
        return ($"multipart/mixed; boundary=\"{boundary}\"", buffer.WrittenSpan.ToArray());
    }

    private static void Append(ArrayBufferWriter<byte> buffer, string text) =>
        buffer.Advance(Encoding.UTF8.GetBytes(text, buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length))));
}
