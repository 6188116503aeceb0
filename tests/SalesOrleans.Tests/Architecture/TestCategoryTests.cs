using System.Reflection;

namespace SalesOrleans.Tests.Architecture;

/// <summary>
/// Every test class names its category, so `deploy/test.sh --fast` (Unit and Grain) never silently drops a new class
/// and never picks up one that needs PostgreSQL, a browser or a mail or SIP server.
/// </summary>
[Trait("Category", "Unit")]
public class TestCategoryTests
{
    private static readonly string[] Categories = ["Unit", "Grain", "Integration", "Ui", "Fault", "Sip", "Benchmark"];

    [Fact]
    public void Every_test_class_has_one_known_category()
    {
        var testClasses = typeof(TestCategoryTests).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttributes<FactAttribute>(inherit: true).Any()));
        var wrong = testClasses
            .Where(t => t.GetCustomAttributesData()
                .Where(a => a.AttributeType == typeof(TraitAttribute) && (string?)a.ConstructorArguments[0].Value == "Category")
                .Select(a => (string?)a.ConstructorArguments[1].Value)
                .Count(c => Categories.Contains(c)) != 1)
            .Select(t => t.FullName)
            .Order()
            .ToList();
        Assert.True(wrong.Count == 0, "Without exactly one known [Trait(\"Category\", …)]:\n" + string.Join("\n", wrong));
    }
}
