using System.Reflection;

namespace PushFunctions.UnitTests.Infrastructure;

/// <summary>
/// The app setting names an options class binds from, as App Service spells them (<c>Section__Property</c>),
/// found by reflection so a property added to the code shows up here without anyone listing it.
/// A dictionary property binds any key below it: <c>Relay__Apps__{key}</c>.
/// </summary>
internal static class OptionsSettingNames
{
    /// <summary>Options classes of <paramref name="assembly"/> that declare their section name as a public constant.</summary>
    public static IEnumerable<string> In(Assembly assembly) =>
        assembly.GetTypes()
            .Select(type => (type, section: SectionOf(type)))
            .Where(candidate => candidate.section is not null)
            .SelectMany(candidate => For(candidate.type, candidate.section!));

    public static IEnumerable<string> For(Type options, string prefix)
    {
        foreach (var property in options.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = $"{prefix}__{property.Name}";
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsLeaf(type))
            {
                // A computed property (no public setter) is not bound from configuration.
                if (property.SetMethod?.IsPublic == true)
                {
                    yield return name;
                }
            }
            else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                yield return name + "__{key}";
            }
            else
            {
                foreach (var nested in For(type, name))
                {
                    yield return nested;
                }
            }
        }
    }

    private static string? SectionOf(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral && field.FieldType == typeof(string) && field.Name is "Section" or "SectionName")
            .Select(field => (string?)field.GetRawConstantValue())
            .FirstOrDefault();

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal)
        || type == typeof(TimeSpan) || type == typeof(Uri) || type == typeof(DateTimeOffset);
}
