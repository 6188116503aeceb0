using System.Net.Sockets;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Serialization;
using SalesOrleans.Infrastructure;
using SalesOrleans.Web.Api;

namespace SalesOrleans.Tests.Faults;

/// <summary>
/// A database outage is a 503 whatever shape it reaches the API in: the driver's own exceptions, the serializable
/// StorageUnavailableException the grain boundary turns them into, or — from a node without the filter — the codec
/// failure or fallback an Npgsql exception becomes on the wire. Statement errors stay what they are (500: a bug).
/// </summary>
[Trait("Category", "Fault")]
public class OutageErrorTests
{
    public static TheoryData<string, Exception, bool> Cases() => new()
    {
        { "connection refused", new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException(111)), true },
        { "57P03 database is starting up / shutting down", new PostgresException("the database system is shutting down", "FATAL", "FATAL", "57P03"), true },
        { "crossed nodes as a StorageUnavailableException", new StorageUnavailableException("The database is unavailable: the database system is shutting down"), true },
        { "wrapped by Orleans", new OrleansException("Error from storage provider", new StorageUnavailableException("gone")), true },
        { "a codec failure naming Npgsql", new OrleansException("Exception while sending response", new CodecNotFoundException("Could not find a codec for type Npgsql.NpgsqlException.")), true },
        { "a fallback of an Npgsql type", Fallback("Npgsql.PostgresException"), true },
        { "a statement error (a bug)", new PostgresException("syntax error at or near \"SELEKT\"", "ERROR", "ERROR", "42601"), false },
        { "an unrelated codec failure", new CodecNotFoundException("Could not find a codec for type My.Thing."), false },
        { "an ordinary bug", new InvalidOperationException("Sequence contains no elements"), false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Outages_are_recognised_in_every_shape_and_bugs_are_not(string what, Exception exception, bool outage) =>
        Assert.True(StorageFaults.IsDatabaseUnavailable(exception) == outage, what);

    [Fact]
    public async Task The_grain_boundary_turns_a_driver_exception_into_a_serializable_one_and_leaves_bugs_alone()
    {
        var filter = new StorageUnavailableFilter();
        var outage = await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            filter.Invoke(FailingCall.With(new NpgsqlException("Exception while reading from stream", new IOException("Connection reset by peer")))));
        Assert.Equal("System.IO.IOException", outage.Cause);
        Assert.Contains("Connection reset by peer", outage.Message);

        var bug = new PostgresException("duplicate key value violates unique constraint", "ERROR", "ERROR", "23505");
        Assert.Same(bug, await Assert.ThrowsAsync<PostgresException>(() => filter.Invoke(FailingCall.With(bug))));
    }

    [Fact]
    public async Task The_handler_answers_an_outage_that_crossed_nodes_with_503_and_Retry_After()
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        http.Request.Path = "/api/deals/1/notes";
        http.Response.Body = new MemoryStream();
        var handler = new DatabaseUnavailableHandler(NullLogger<DatabaseUnavailableHandler>.Instance);

        Assert.True(await handler.TryHandleAsync(http, new OrleansException("call failed", new StorageUnavailableException("gone")), CancellationToken.None));
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, http.Response.StatusCode);
        Assert.Equal("5", http.Response.Headers.RetryAfter.ToString());
        Assert.False(await handler.TryHandleAsync(new DefaultHttpContext(), new InvalidOperationException("a bug"), CancellationToken.None));
    }

    [Fact]
    public void A_failover_is_recognised_including_a_write_refused_to_a_second_activation_and_a_bug_is_not()
    {
        Assert.True(ClusterUnavailableHandler.IsFailover(new OrleansException("call failed", new TimeoutException("Response did not arrive on time in 00:00:30"))));
        Assert.True(ClusterUnavailableHandler.IsFailover(new OrleansException("call failed",
            new Orleans.Storage.InconsistentStateException("Version conflict writing call of call/call:x: another activation wrote it", "unknown", "7"))));
        Assert.False(ClusterUnavailableHandler.IsFailover(new InvalidOperationException("Sequence contains no elements")));
    }

    private static UnavailableExceptionFallbackException Fallback(string type)
    {
        var fallback = new UnavailableExceptionFallbackException("the database system is shutting down", null!);
        // Orleans fills the type name when it reads one off the wire; the property has no public setter.
        var property = typeof(UnavailableExceptionFallbackException).GetProperty(nameof(UnavailableExceptionFallbackException.ExceptionType))!;
        if (property.GetSetMethod(nonPublic: true) is { } setter)
        {
            setter.Invoke(fallback, [type]);
        }
        else
        {
            typeof(UnavailableExceptionFallbackException).GetField($"<{property.Name}>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic)!.SetValue(fallback, type);
        }

        Assert.Equal(type, fallback.ExceptionType);
        return fallback;
    }

    /// <summary>A grain call whose invocation throws the given exception (only Invoke is ever asked for).</summary>
    public class FailingCall : DispatchProxy
    {
        private Exception _error = null!;

        public static IIncomingGrainCallContext With(Exception error)
        {
            var call = Create<IIncomingGrainCallContext, FailingCall>();
            ((FailingCall)(object)call)._error = error;
            return call;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == nameof(IIncomingGrainCallContext.Invoke) ? Task.FromException(_error) : throw new NotSupportedException(targetMethod?.Name);
    }
}
