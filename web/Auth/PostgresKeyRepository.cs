using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using SalesOrleans.ReadModel;

namespace SalesOrleans.Web.Auth;

/// <summary>Adapts <see cref="DataProtectionKeyStore"/> to Data Protection (its API is synchronous).</summary>
public sealed class PostgresKeyRepository(DataProtectionKeyStore store) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() => store.GetAllElements();

    public void StoreElement(XElement element, string friendlyName) => store.StoreElement(element, friendlyName);
}
