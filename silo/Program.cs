using SalesOrleans.Silo.Hosting;

WebApplication app;
try
{
    app = await NodeHost.BuildAsync(args);
}
catch (NodeRefusedException refused)
{
    // Already logged line by line; the exit code tells a supervisor (systemd, Kubernetes) it is a configuration error.
    Console.Error.WriteLine(refused.Message);
    return 3;
}

await app.RunAsync();
return 0;
