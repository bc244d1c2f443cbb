using System.Runtime.Versioning;

namespace PushFunctions.UnitTests.Infrastructure;

/// <summary>A fresh directory under the system temp folder, deleted with everything in it on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pushfunctions-" + Guid.NewGuid().ToString("N"));

    /// <summary>Writes an executable file (a script standing in for a command-line tool) below this directory.</summary>
    [UnsupportedOSPlatform("windows")]
    public string WriteExecutable(string relativePath, string content)
    {
        var path = WriteFile(relativePath, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    public string WriteFile(string relativePath, string content)
    {
        var path = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content.ReplaceLineEndings("\n"));
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
