using SalesOrleans.Domain.Deals;

namespace SalesOrleans.Tests.Domain.Deals;

/// <summary>Issue 11 (1C:CRM project): the templates a manager writes to a customer with, filled from the deal.</summary>
[Trait("Category", "Unit")]
public class DealMailTests
{
    private static readonly DealMailFacts Russian = new("ООО «Техснаб»", "Иван Петрович Сидоров", "Насос ЦНС 38-44 для котельной", 1_234_567.5m, "RUB",
        "Мария Соколова", "+7 495 223-32-11, доб. 102", "m.sokolova@salesorleans.test", "ООО «СейлзОрлеанс»");

    [Fact]
    public void A_Russian_template_is_filled_with_Cyrillic_values_and_the_amount_as_Russians_write_it()
    {
        var filled = DealMail.Fill(new MailTemplateText("КП", "ru", "КП: {{deal}}", "Здравствуйте, {{contact}}!\nСумма: {{amount}}.\n{{manager}}, {{manager.phone}}, {{ manager.email }}\n{{our.company}}"), Russian);

        Assert.Equal("КП: Насос ЦНС 38-44 для котельной", filled.Subject);
        // ru-RU groups with a no-break space and writes a decimal comma.
        Assert.Equal("Здравствуйте, Иван Петрович Сидоров!\nСумма: 1\u00a0234\u00a0567,50 RUB.\nМария Соколова, +7 495 223-32-11, доб. 102, m.sokolova@salesorleans.test\nООО «СейлзОрлеанс»",
            filled.Body.Replace('\u202f', '\u00a0'));
        Assert.Empty(filled.Missing);
    }

    [Fact]
    public void German_umlauts_stay_and_the_amount_is_written_the_German_way()
    {
        var facts = new DealMailFacts("Müller & Söhne GmbH", "Jürgen Weiß", "Klimaprüfschrank KPS-500", 12_400m, "eur", "Katrin Schäfer", null, "k.schaefer@salesorleans.test", "SalesOrleans GmbH");
        var filled = DealMail.Fill(new MailTemplateText("Angebot", "de", "Angebot für {{company}}", "Guten Tag {{contact}},\nSumme {{amount}}\n{{manager}}"), facts);
        Assert.Equal("Angebot für Müller & Söhne GmbH", filled.Subject);
        Assert.Equal("Guten Tag Jürgen Weiß,\nSumme 12.400,00 EUR\nKatrin Schäfer", filled.Body);
        Assert.Equal("12,400.00 USD", DealMail.FormatAmount(12_400m, "USD", "en"));
    }

    [Fact]
    public void Missing_values_are_left_out_and_named_and_unknown_placeholders_stay_as_written()
    {
        var facts = new DealMailFacts("Hansa Print", null, "Excel course", null, null, "Klaus Weber", null, null, null);
        var filled = DealMail.Fill(new MailTemplateText("x", "en", "{{deal}}", "Dear {{contact}},\n{{amount}} {{manager.phone}} {{unknown}} {{ DEAL }}"), facts);
        Assert.Equal("Dear ,\n  {{unknown}} Excel course", filled.Body);
        Assert.Equal(["amount", "contact", "manager.phone"], filled.Missing);
    }

    [Fact]
    public void Hostile_values_are_not_expanded_again_and_stay_plain_text_and_never_break_the_subject()
    {
        // A customer typed braces, HTML and a line break into their name: the mail is text, filled in one pass.
        var facts = new DealMailFacts("<b>Evil</b> & Co", "{{manager.email}} <script>alert(1)</script>", "Deal\r\nBcc: victim@example.com", 1m, "EUR",
            "{{contact}}", null, "m@salesorleans.test", null);
        var filled = DealMail.Fill(new MailTemplateText("x", "en", "Re: {{deal}}", "Hi {{contact}} of {{company}}, from {{manager}}"), facts);
        Assert.Equal("Hi {{manager.email}} <script>alert(1)</script> of <b>Evil</b> & Co, from {{contact}}", filled.Body);
        Assert.DoesNotContain('\n', filled.Subject);
        Assert.DoesNotContain('\r', filled.Subject);
        Assert.Equal("Re: Deal  Bcc: victim@example.com", filled.Subject);
    }

    [Fact]
    public void A_template_is_checked_field_by_field_before_it_is_stored()
    {
        var ok = DealMail.ValidateTemplate("  Angebot  ", "de", "Angebot: {{deal}}", "Guten Tag {{contact}}");
        Assert.Equal(("Angebot", "de"), (ok.Name, ok.Language));
        Assert.Equal("language", Assert.Throws<Rejection>(() => DealMail.ValidateTemplate("n", "fr", "s", "b")).Field);
        Assert.Equal("language", Assert.Throws<Rejection>(() => DealMail.ValidateTemplate("n", "ru-RU", "s", "b")).Field);
        Assert.Equal("name", Assert.Throws<Rejection>(() => DealMail.ValidateTemplate(" ", "en", "s", "b")).Field);
        Assert.Equal("subject", Assert.Throws<Rejection>(() => DealMail.ValidateTemplate("n", "en", "a\r\nBcc: x@example.com", "b")).Field);
        Assert.Equal("body", Assert.Throws<Rejection>(() => DealMail.ValidateTemplate("n", "en", "s", "Hello {{customer}}")).Field);
        Assert.Equal("body", Assert.Throws<Rejection>(() => DealMail.ValidateTemplate("n", "en", "s", new string('x', DealMail.MaxBodyLength + 1))).Field);
        Assert.Equal("body", Assert.Throws<Rejection>(() => DealMail.ValidateTemplate("n", "en", "s", "a\0b")).Field);
    }

    [Fact]
    public void A_mail_to_send_has_a_one_line_subject_and_a_bounded_body()
    {
        Assert.Equal(("Angebot", "Text"), DealMail.ValidateMail(" Angebot ", "Text "));
        Assert.Equal("subject", Assert.Throws<Rejection>(() => DealMail.ValidateMail("Offer\nBcc: all@example.com", "b")).Field);
        Assert.Equal("subject", Assert.Throws<Rejection>(() => DealMail.ValidateMail("Offer\r", "b")).Field);
        Assert.Equal("subject", Assert.Throws<Rejection>(() => DealMail.ValidateMail(null, "b")).Field);
        Assert.Equal("subject", Assert.Throws<Rejection>(() => DealMail.ValidateMail(new string('s', 201), "b")).Field);
        Assert.Equal("body", Assert.Throws<Rejection>(() => DealMail.ValidateMail("s", "")).Field);
        Assert.Equal("body", Assert.Throws<Rejection>(() => DealMail.ValidateMail("s", new string('б', 20_001))).Field);
    }

    [Fact]
    public void The_managers_phone_is_the_switchboard_with_the_extension_in_the_mails_language()
    {
        Assert.Equal("+7 495 223-32-11, доб. 102", DealMail.Phone("+7 495 223-32-11", "102", "ru"));
        Assert.Equal("+49 40 300, Durchwahl 7", DealMail.Phone("+49 40 300", " 7 ", "de"));
        Assert.Equal("+1 555 0100, ext. 9", DealMail.Phone("+1 555 0100", "9", "en"));
        Assert.Equal("+1 555 0100", DealMail.Phone("+1 555 0100", null, "en"));
        Assert.Null(DealMail.Phone(null, null, "en"));
    }

    [Fact]
    public void The_shipped_templates_pass_their_own_checks_in_every_language()
    {
        Assert.Equal(["de", "en", "ru"], ShippedMailTemplates.All.Select(t => t.Text.Language).Distinct().Order());
        foreach (var (_, t) in ShippedMailTemplates.All)
        {
            DealMail.ValidateTemplate(t.Name, t.Language, t.Subject, t.Body);
            Assert.Empty(DealMail.Fill(t, Russian).Missing);
        }
    }
}
