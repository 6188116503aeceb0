using SalesOrleans.Domain.Leads;

namespace SalesOrleans.Tests.Domain.Leads;

public class MailTemplatesTests
{
    [Fact]
    public void A_chat_transcript_gives_the_visitors_card_and_their_words_as_the_need()
    {
        var mail = new MailInfo("robot@jivosite.example", "JivoSite", "sales@salesorleans.test", "Chat transcript: Ivan Petrov", """
            Chat with a visitor of the website
            Name: Ivan Petrov
            Phone: 8 (916) 123-45-67
            E-mail: ivan@uralmash.example
            ---
            [10:02] Ivan Petrov: Hello, we need two screw compressors, 7 bar.
            [10:03] Operator: Good morning! For which plant?
            [10:04] Ivan Petrov: Yekaterinburg, the extrusion line.
            """);

        var parsed = MailTemplates.Parse(mail);

        Assert.Equal(MailTemplate.ChatTranscript, parsed.Template);
        Assert.Equal(("Ivan Petrov", "8 (916) 123-45-67", "ivan@uralmash.example"), (parsed.Name, parsed.Phone, parsed.Email));
        Assert.Equal("Hello, we need two screw compressors, 7 bar. Yekaterinburg, the extrusion line.", parsed.Need);
    }

    [Fact]
    public void The_feedback_form_is_read_field_by_field_in_english_or_russian()
    {
        var english = MailTemplates.Parse(new MailInfo("noreply@site.example", "Website", "sales@salesorleans.test", "Website feedback form", """
            A visitor filled in the feedback form.
            Name: Olga Smirnova
            Phone: +7 495 223-32-11
            E-mail: olga@volga.example
            Company: Volga Polymer
            Message: Please send a quote for a climatic chamber.
            """));
        var russian = MailTemplates.Parse(new MailInfo("noreply@site.example", null, null, "Обратная связь с сайта", """
            Имя: Пётр Иванов
            Телефон: 8 912 000 11 22
            Организация: ООО «Кама»
            Сообщение: Нужен компрессор
            """));

        Assert.Equal(new ParsedMail(MailTemplate.FeedbackForm, "Olga Smirnova", "+7 495 223-32-11", "olga@volga.example", "Volga Polymer", "Please send a quote for a climatic chamber."), english);
        Assert.Equal(new ParsedMail(MailTemplate.FeedbackForm, "Пётр Иванов", "8 912 000 11 22", null, "ООО «Кама»", "Нужен компрессор"), russian);
    }

    [Fact]
    public void A_hand_written_mail_is_its_senders_with_the_phone_and_company_from_the_signature_and_no_quoted_reply()
    {
        var parsed = MailTemplates.Parse(new MailInfo("j.richter@hansaprint.example", "Jonas Richter", "training@salesorleans.test", "Excel course", """
            Hello,

            we would like an Excel course for 12 accountants in March.

            --
            Jonas Richter
            Hansa Print GmbH
            +49 40 1234567
            > earlier text that must not count
            """));

        Assert.Equal(MailTemplate.HandWritten, parsed.Template);
        Assert.Equal(("Jonas Richter", "j.richter@hansaprint.example", "+49 40 1234567", "Hansa Print GmbH"), (parsed.Name, parsed.Email, parsed.Phone, parsed.Company));
        Assert.Equal("Excel course Hello, we would like an Excel course for 12 accountants in March.", parsed.Need);
    }

    [Theory]
    [InlineData("mailer-daemon@mx.example", "Undelivered Mail Returned to Sender", "The mail could not be delivered", "delivery report")]
    [InlineData("noreply@site.example", "Website feedback form", "Name: Nobody\nMessage: hi", "without a phone or e-mail")]
    [InlineData(null, "", "", "empty mail")]
    [InlineData("robot@jivosite.example", "Chat transcript", "[10:00] Visitor: hi\n[10:01] Operator: hello", "without a phone number or an e-mail address")]
    public void Mails_that_cannot_become_inquiries_say_why(string? from, string subject, string text, string reason)
    {
        var refused = Assert.Throws<MailParseException>(() => MailTemplates.Parse(new MailInfo(from, null, null, subject, text)));
        Assert.Contains(reason, refused.Message);
    }
}
