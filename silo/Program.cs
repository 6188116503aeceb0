using SalesOrleans.Silo.Hosting;

var app = await NodeHost.BuildAsync(args);
await app.RunAsync();
