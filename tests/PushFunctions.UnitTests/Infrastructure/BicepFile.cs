using System.Text.RegularExpressions;

namespace PushFunctions.UnitTests.Infrastructure;

/// <summary>
/// A Bicep file read as text, because no Bicep CLI runs on the build machines. Two views of the same length
/// keep positions aligned: <see cref="Text"/> has the comments blanked out, and a structure view also blanks
/// the contents of strings, so braces inside strings and interpolations cannot unbalance object literals.
/// </summary>
internal sealed partial class BicepFile
{
    private readonly string structure;

    private BicepFile(string path, string text, string structure)
    {
        Path = path;
        Text = text;
        this.structure = structure;
    }

    public string Path { get; }

    /// <summary>The source with comments replaced by spaces (line breaks kept).</summary>
    public string Text { get; }

    public IReadOnlyList<BicepParameter> Parameters =>
        ParameterPattern().Matches(Text)
            .Select(match => new BicepParameter(match.Groups["name"].Value, match.Groups["type"].Value, match.Groups["default"].Success))
            .ToList();

    public IReadOnlyList<string> OutputNames =>
        OutputPattern().Matches(Text).Select(match => match.Groups["name"].Value).ToList();

    public IReadOnlyList<BicepModule> Modules =>
        ModulePattern().Matches(Text)
            .Select(match => (match, body: ObjectAt(match.Index + match.Length - 1)))
            .Select(module => new BicepModule(
                module.match.Groups["symbol"].Value,
                module.match.Groups["reference"].Value,
                module.body
                    .Where(property => property.Key == "params")
                    .SelectMany(property => ObjectAt(property.ValueStart))
                    .Select(property => property.Key)
                    .ToList(),
                module.body
                    .Where(property => property.Key == "dependsOn")
                    .SelectMany(property => ArrayItemsAt(property.ValueStart))
                    .ToList()))
            .ToList();

    /// <summary>Every object property key anywhere in the file, quotes removed (<c>'a.b': x</c> gives <c>a.b</c>).</summary>
    public IReadOnlySet<string> PropertyKeys =>
        PropertyPattern().Matches(Text).Select(match => Unquote(match.Groups["key"].Value)).ToHashSet(StringComparer.Ordinal);

    public static BicepFile Load(string path)
    {
        var source = File.ReadAllText(path);
        var text = source.ToCharArray();
        var structure = source.ToCharArray();
        var position = 0;
        while (position < source.Length)
        {
            if (source.AsSpan(position).StartsWith("//"))
            {
                var end = source.IndexOf('\n', position);
                end = end < 0 ? source.Length : end;
                Blank(text, position, end);
                Blank(structure, position, end);
                position = end;
            }
            else if (source.AsSpan(position).StartsWith("/*"))
            {
                var end = source.IndexOf("*/", position + 2, StringComparison.Ordinal);
                end = end < 0 ? source.Length : end + 2;
                Blank(text, position, end);
                Blank(structure, position, end);
                position = end;
            }
            else if (source[position] == '\'')
            {
                var end = EndOfString(source, position);
                Blank(structure, position + 1, end - 1);
                position = end;
            }
            else
            {
                position++;
            }
        }

        return new BicepFile(path, new string(text), new string(structure));
    }

    /// <summary>
    /// The top-level properties of the object literal whose opening brace is at <paramref name="openBrace"/>
    /// (a <see cref="BicepProperty.ValueStart"/>, or the brace after <c>= </c> of a declaration).
    /// </summary>
    public IReadOnlyList<BicepProperty> ObjectAt(int openBrace)
    {
        if (structure[openBrace] is not ('{' or '['))
        {
            throw new ArgumentException($"No object or array starts at {openBrace} in {Path}.", nameof(openBrace));
        }

        var properties = new List<BicepProperty>();
        var depth = 0;
        var lineStart = openBrace + 1;
        var depthAtLineStart = 0;
        for (var position = openBrace + 1; position < structure.Length; position++)
        {
            var c = structure[position];
            if (c == '\n')
            {
                if (depthAtLineStart == 0)
                {
                    AddProperty(properties, lineStart, position);
                }

                lineStart = position + 1;
                depthAtLineStart = depth;
            }
            else if (c is '{' or '[' or '(')
            {
                depth++;
            }
            else if (c is '}' or ']' or ')')
            {
                if (depth == 0)
                {
                    if (depthAtLineStart == 0)
                    {
                        AddProperty(properties, lineStart, position);
                    }

                    return properties;
                }

                depth--;
            }
        }

        throw new FormatException($"Unbalanced braces after position {openBrace} in {Path}.");
    }

    /// <summary>The items of the array literal whose opening bracket is at <paramref name="openBracket"/>, one per line (symbols, numbers, strings with quotes).</summary>
    public IReadOnlyList<string> ArrayItemsAt(int openBracket)
    {
        if (structure[openBracket] != '[')
        {
            throw new ArgumentException($"No array starts at {openBracket} in {Path}.", nameof(openBracket));
        }

        var depth = 0;
        for (var position = openBracket; position < structure.Length; position++)
        {
            depth += structure[position] switch { '[' or '{' or '(' => 1, ']' or '}' or ')' => -1, _ => 0 };
            if (depth == 0)
            {
                return Text[(openBracket + 1)..position].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            }
        }

        throw new FormatException($"Unbalanced brackets after position {openBracket} in {Path}.");
    }

    /// <summary>The first object literal from <paramref name="marker"/> on: <c>skuObject: {</c> gives that object, <c>queues: [</c> the first queue.</summary>
    public IReadOnlyList<BicepProperty> FirstObjectAfter(string marker)
    {
        var start = Text.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0)
        {
            throw new ArgumentException($"'{marker}' does not occur in {Path}.", nameof(marker));
        }

        return ObjectAt(structure.IndexOf('{', start));
    }

    /// <summary>
    /// The first problem with the file's brackets: an unclosed string, or a closing bracket that does not match the
    /// last one opened. Null when every bracket pairs up.
    /// </summary>
    public string? BracketProblem()
    {
        var open = new Stack<(char Bracket, int Position)>();
        for (var position = 0; position < structure.Length; position++)
        {
            var c = structure[position];
            if (c is '{' or '[' or '(')
            {
                open.Push((c, position));
            }
            else if (c is '}' or ']' or ')')
            {
                var expected = c switch { '}' => '{', ']' => '[', _ => '(' };
                if (open.Count == 0 || open.Pop().Bracket != expected)
                {
                    return $"unmatched '{c}' on line {LineOf(position)}";
                }
            }
        }

        return open.Count > 0 ? $"'{open.Peek().Bracket}' on line {LineOf(open.Peek().Position)} is never closed" : null;
    }

    /// <summary>The names after <c>{symbol}.outputs.</c>: what this file reads from a module's outputs.</summary>
    public IReadOnlySet<string> OutputsReadFrom(string symbol) =>
        Regex.Matches(Text, $@"\b{Regex.Escape(symbol)}\.outputs\.(?<name>[A-Za-z_]\w*)")
            .Select(match => match.Groups["name"].Value)
            .ToHashSet(StringComparer.Ordinal);

    private int LineOf(int position) => Text.AsSpan(0, position).Count('\n') + 1;

    /// <summary>The value of a one-line <c>var</c> when <paramref name="expression"/> names one, else the expression itself.</summary>
    public string Resolve(string expression)
    {
        var declaration = VariablePattern().Matches(Text).FirstOrDefault(match => match.Groups["name"].Value == expression);
        return declaration is null ? expression : declaration.Groups["value"].Value.Trim();
    }

    private void AddProperty(List<BicepProperty> properties, int lineStart, int lineEnd)
    {
        var line = Text[lineStart..lineEnd];
        var match = PropertyPattern().Match(line);
        if (match.Success)
        {
            var value = match.Groups["value"];
            properties.Add(new BicepProperty(Unquote(match.Groups["key"].Value), value.Value.Trim(), lineStart + value.Index + (value.Length - value.Value.TrimStart().Length)));
        }
    }

    private static string Unquote(string key) => key.Length > 1 && key[0] == '\'' ? key[1..^1] : key;

    private static void Blank(char[] characters, int start, int end)
    {
        for (var position = start; position < end; position++)
        {
            if (characters[position] != '\n')
            {
                characters[position] = ' ';
            }
        }
    }

    /// <summary>Index just past the string starting at <paramref name="quote"/>, stepping over escapes and interpolations.</summary>
    private static int EndOfString(string source, int quote)
    {
        if (source.AsSpan(quote).StartsWith("'''"))
        {
            var close = source.IndexOf("'''", quote + 3, StringComparison.Ordinal);
            return close < 0 ? source.Length : close + 3;
        }

        var position = quote + 1;
        while (position < source.Length)
        {
            switch (source[position])
            {
                case '\\':
                    position += 2;
                    break;
                case '\'':
                    return position + 1;
                case '$' when position + 1 < source.Length && source[position + 1] == '{':
                    position = EndOfInterpolation(source, position + 2);
                    break;
                default:
                    position++;
                    break;
            }
        }

        return source.Length;
    }

    private static int EndOfInterpolation(string source, int position)
    {
        var depth = 0;
        while (position < source.Length)
        {
            switch (source[position])
            {
                case '\'':
                    position = EndOfString(source, position);
                    continue;
                case '{':
                    depth++;
                    break;
                case '}' when depth == 0:
                    return position + 1;
                case '}':
                    depth--;
                    break;
            }

            position++;
        }

        return source.Length;
    }

    [GeneratedRegex(@"^param\s+(?<name>[A-Za-z_]\w*)\s+(?<type>[^\s=]+)(?<default>\s*=)?", RegexOptions.Multiline)]
    private static partial Regex ParameterPattern();

    [GeneratedRegex(@"^output\s+(?<name>[A-Za-z_]\w*)\s", RegexOptions.Multiline)]
    private static partial Regex OutputPattern();

    [GeneratedRegex(@"^module\s+(?<symbol>[A-Za-z_]\w*)\s+'(?<reference>[^']+)'\s*=\s*(?:if\s*\([^\n]*\)\s*)?\{", RegexOptions.Multiline)]
    private static partial Regex ModulePattern();

    [GeneratedRegex(@"^var\s+(?<name>[A-Za-z_]\w*)\s*=\s*(?<value>[^\n]+)$", RegexOptions.Multiline)]
    private static partial Regex VariablePattern();

    [GeneratedRegex(@"^[ \t]*(?<key>'[^'\n]*'|[A-Za-z_]\w*)[ \t]*:(?<value>[^\n]*)$", RegexOptions.Multiline)]
    private static partial Regex PropertyPattern();
}
