using System.Reflection;
using SalesOrleans.Deals;

namespace SalesOrleans.Tests.Architecture;

/// <summary>
/// Grain classes and the domain read the time only through what they are given: grains the injected
/// <see cref="TimeProvider"/> (a test moves the grain fixtures' <c>TestClock</c> ahead instead of sleeping), the
/// domain a <c>now</c> argument. Read from the compiled method bodies, state machines and closures included. Helpers
/// that time Orleans' own timers or stamp pushes for another process (FollowUpWork, LiveFanOut) use the machine's
/// clock on purpose and are not grain classes.
/// </summary>
[Trait("Category", "Unit")]
public class ClockRulesTests
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static IEnumerable<Type> WithNested(Type type) => [type, .. type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic).SelectMany(WithNested)];

    private static bool IsWallClock(MemberInfo member) =>
        member is MethodInfo { Name: "get_UtcNow" or "get_Now" or "get_Today" } m && (m.DeclaringType == typeof(DateTimeOffset) || m.DeclaringType == typeof(DateTime));

    private static List<string> WallClockReadsIn(IEnumerable<Type> types) =>
        types.SelectMany(t => t.GetMethods(Declared).Cast<MethodBase>().Concat(t.GetConstructors(Declared)))
            .Where(m => TypeReferences.MembersInBody(m).Any(IsWallClock))
            .Select(m => $"{m.DeclaringType!.FullName}.{m.Name}").Distinct().Order().ToList();

    [Fact]
    public void Grain_classes_read_the_time_only_through_their_TimeProvider()
    {
        var grains = typeof(DealGrain).Assembly.GetTypes().Where(t => !t.IsNested && typeof(Grain).IsAssignableFrom(t)).ToList();
        Assert.Contains(typeof(SalesOrleans.Leads.ContactIdentityGrain), grains);

        var reads = WallClockReadsIn(grains.SelectMany(WithNested));
        Assert.True(reads.Count == 0, string.Join("\n", reads));
        // The reading is seen where it is, also inside a closure or a state machine (so the rule above can fail).
        Assert.Contains("SalesOrleans.Infrastructure.FollowUpWork.Schedule", WallClockReadsIn(WithNested(typeof(SalesOrleans.Infrastructure.FollowUpWork))));
    }

    [Fact]
    public void The_domain_never_reads_the_clock()
    {
        var reads = WallClockReadsIn(typeof(SalesOrleans.Domain.Deals.Deal).Assembly.GetTypes());
        Assert.True(reads.Count == 0, string.Join("\n", reads));
    }
}
