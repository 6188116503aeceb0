using SalesOrleans.Domain;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Tests.Support;

namespace SalesOrleans.Tests.Domain;

[Trait("Category", "Unit")]
public class JournalKeysTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void A_key_is_written_once_a_line_without_a_key_every_time_and_the_window_keeps_the_latest()
    {
        var keys = new List<string>();
        Assert.True(JournalKeys.Remember(keys, "call:1"));
        Assert.False(JournalKeys.Remember(keys, "call:1"));
        Assert.True(JournalKeys.Remember(keys, null));
        Assert.True(JournalKeys.Remember(keys, null));
        for (var i = 2; i <= JournalKeys.Window + 1; i++)
        {
            Assert.True(JournalKeys.Remember(keys, $"call:{i}"));
        }

        Assert.Equal(JournalKeys.Window, keys.Count);
        Assert.DoesNotContain("call:1", keys);
        Assert.False(JournalKeys.Remember(keys, $"call:{JournalKeys.Window + 1}"));
    }

    [Fact]
    public void A_contact_and_a_lead_asked_twice_for_the_same_keyed_line_record_it_once()
    {
        var contact = new Contact(new ContactState(), new TestLeadDirectory(), "head");
        contact.Log("Call", "Anruf von Jürgen Müller: no_answer", "system", T0, "call:abc");
        contact.Log("Call", "Anruf von Jürgen Müller: no_answer", "system", T0.AddSeconds(5), "call:abc");
        contact.Log("Note", "Перезвонить в понедельник", "system", T0);
        contact.Log("Note", "Перезвонить в понедельник", "system", T0);
        Assert.Equal(["Call", "Note", "Note"], contact.Recorded.Select(a => a.Kind));

        var lead = new Lead(new LeadState(), new TestLeadDirectory(), _ => new SalesOrleans.Domain.Leads.LeadSla(1, 2), "head");
        lead.Open(Guid.NewGuid(), new OpenLeadCommand(Guid.NewGuid(), new InquiryInfo("webform:k1", LeadChannel.WebForm, T0, "Ольга", "+79161234567", null, null, null, "d1", "test"), null), T0);
        var before = lead.Recorded.Count;
        lead.Note("Call 42: answered", "system", T0, "call:42");
        lead.Note("Call 42: answered", "system", T0, "call:42");
        Assert.Equal(before + 1, lead.Recorded.Count);
    }
}
