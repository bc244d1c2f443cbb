using System.Text;

namespace PushFunctions.Azure.Tables;

/// <summary>
/// The multipart/mixed body of an entity group transaction: one batch part holding one changeset, whose parts are
/// the actions as application/http requests.
/// </summary>
internal sealed class TableTransactionRequestBody(IEnumerable<TableTransactionRequest> requests)
{
    private readonly string _batchBoundary = "batch_" + Guid.NewGuid().ToString("D");
    private readonly string _changesetBoundary = "changeset_" + Guid.NewGuid().ToString("D");

    public string ContentType => $"multipart/mixed; boundary={_batchBoundary}";

    public byte[] ToBytes()
    {
        var text = new StringBuilder()
            .Append("--").Append(_batchBoundary).Append("\r\n")
            .Append("Content-Type: multipart/mixed; boundary=").Append(_changesetBoundary).Append("\r\n")
            .Append("\r\n");

        foreach (TableTransactionRequest request in requests)
        {
            text.Append("--").Append(_changesetBoundary).Append("\r\n")
                .Append("Content-Type: application/http\r\n")
                .Append("Content-Transfer-Encoding: binary\r\n")
                .Append("\r\n")
                .Append(request.Method.Method).Append(' ').Append(request.Uri).Append(" HTTP/1.1\r\n")
                .Append("Accept: ").Append(TableConstants.AcceptMinimalMetadata).Append("\r\n")
                .Append("DataServiceVersion: 3.0\r\n");
            if (request.IfMatch is not null)
            {
                text.Append("If-Match: ").Append(request.IfMatch).Append("\r\n");
            }

            if (request.Entity is not null)
            {
                text.Append("Content-Type: ").Append(TableConstants.JsonContentType).Append("\r\n")
                    .Append("Prefer: return-no-content\r\n")
                    .Append("\r\n")
                    .Append(Encoding.UTF8.GetString(TableEntitySerializer.Serialize(request.Entity)));
            }

            text.Append("\r\n");
        }

        text.Append("--").Append(_changesetBoundary).Append("--\r\n")
            .Append("--").Append(_batchBoundary).Append("--\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
