using System.Xml.Linq;
using Npgsql;

namespace SalesOrleans.ReadModel;

/// <summary>
/// The key ring behind login cookies, in PostgreSQL: every node reads the same keys, so a cookie issued by one node
/// is accepted by all and survives restarts. Implements ASP.NET Core's IXmlRepository shape (wired in the web layer).
/// </summary>
public sealed class DataProtectionKeyStore(NpgsqlDataSource db)
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var cmd = db.CreateCommand("SELECT xml FROM data_protection_key ORDER BY created_at");
        using var r = cmd.ExecuteReader();
        var elements = new List<XElement>();
        while (r.Read())
        {
            elements.Add(XElement.Parse(r.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var cmd = db.CreateCommand("INSERT INTO data_protection_key (friendly_name, xml) VALUES ($1, $2) ON CONFLICT (friendly_name) DO NOTHING");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = friendlyName });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = element.ToString(SaveOptions.DisableFormatting) });
        cmd.ExecuteNonQuery();
    }
}
