using System.Text.RegularExpressions;

namespace PushFunctions.UnitTests.Infrastructure;

/// <summary>The settings docs/azure.md lists as optional: the first column of the table under "Optional settings".</summary>
internal static partial class DocumentedSettings
{
    public static IReadOnlySet<string> Optional()
    {
        var lines = RepositoryRoot.ReadAllText("docs", "azure.md").ReplaceLineEndings("\n").Split('\n');
        var heading = Array.FindIndex(lines, line => line.StartsWith('#') && line.Contains("Optional settings", StringComparison.Ordinal));
        if (heading < 0)
        {
            throw new InvalidOperationException("docs/azure.md has no \"Optional settings\" section.");
        }

        return lines.Skip(heading + 1)
            .TakeWhile(line => !line.StartsWith('#'))
            .Select(line => FirstCellName().Match(line))
            .Where(match => match.Success)
            .Select(match => match.Groups["name"].Value)
            .ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^\|\s*`(?<name>[^`]+)`")]
    private static partial Regex FirstCellName();
}
