using System.Text;
using MimeKit;
using SalesOrleans.Domain;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Domain.Leads.Mail;

namespace SalesOrleans.Tests.Domain.Leads;

/// <summary>Real mail as services and people send it (issue 15): each test is a message written the way its sender writes.</summary>
[Trait("Category", "Unit")]
public class MailReaderTests
{
    static MailReaderTests() => MailReader.RegisterLegacyCharsets();

    public static MailReaderOptions Options() => new()
    {
        DefaultRegion = "RU",
        MailboxRegions = new(StringComparer.OrdinalIgnoreCase) { ["vertrieb@salesorleans.test"] = "DE" },
        OwnIdentities = new OwnIdentities
        {
            Domains = ["salesorleans.test", "salesorleans-gmbh.de"],
            Addresses = ["salesorleans.reception@gmail.com"],
            Phones = ["+7 495 223-32-11", "+49 30 9876543", "8 800 775-90-01"],
            Operators = ["Анна Смирнова", "Lena Fischer"],
            SenderAddresses = ["noreply@salesorleans.test"],
        },
    };

    private static readonly MailReader Reader = new(Options());

    /// <summary>A message from its source text, as the IMAP server hands it over.</summary>
    public static MimeMessage Eml(string text) => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n").Replace("\n", "\r\n"))));

    public static MimeMessage Plain(string from, string to, string subject, string text, string? replyTo = null)
    {
        var message = new MimeMessage { Subject = subject, MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("test.example") };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        if (replyTo is not null)
        {
            message.ReplyTo.Add(MailboxAddress.Parse(replyTo));
        }

        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    public static MimeMessage Html(string from, string to, string subject, string html)
    {
        var message = Plain(from, to, subject, "");
        message.Body = new TextPart("html") { Text = html };
        return message;
    }

    [Fact]
    public void A_german_gmail_reply_to_our_offer_takes_the_customers_phone_not_our_sellers_from_the_quote()
    {
        var mail = Plain("Petra Hoffmann <p.hoffmann@mueller-verpackung.de>", "vertrieb@salesorleans.test", "Re: Angebot 2026-114 Klimaprüfschrank", """
            Hallo Frau Keller,

            vielen Dank für das Angebot. Wir hätten gern noch eine Variante mit 400 Litern.
            Können Sie uns bis Freitag ein neues Angebot schicken?

            Mit freundlichen Grüßen
            Petra Hoffmann
            Einkauf
            Müller Verpackung GmbH
            Tel.: 030 4455667
            Fax: 030 4455668
            E-Mail: p.hoffmann@mueller-verpackung.de
            USt-IdNr.: DE123456789

            Am Mi., 11. März 2026 um 14:02 Uhr schrieb Anna Keller <a.keller@salesorleans.test>:
            > Sehr geehrte Frau Hoffmann,
            > anbei unser Angebot für den Klimaprüfschrank.
            > Mit freundlichen Grüßen
            > Anna Keller
            > Tel.: +49 30 9876543
            > E-Mail: vertrieb@salesorleans.test
            """);

        var read = Reader.Read(mail);

        Assert.Equal(MailKind.Inquiry, read.Kind);
        Assert.Equal(MailTemplate.HandWritten, read.Template);
        Assert.Equal(("Petra Hoffmann", "+49304455667", "p.hoffmann@mueller-verpackung.de", "Müller Verpackung GmbH"), (read.Name, read.Phone, read.Email, read.Company));
        Assert.StartsWith("Re: Angebot 2026-114 Klimaprüfschrank Hallo Frau Keller, vielen Dank", read.Need);
        Assert.EndsWith("neues Angebot schicken?", read.Need);
        Assert.Equal("DE", read.Region);
        Assert.Equal("vertrieb@salesorleans.test", read.Mailbox);
    }

    [Fact]
    public void An_outlook_reply_in_german_cuts_at_the_original_message_and_never_takes_our_address()
    {
        var mail = Plain("\"Schulz, Markus\" <m.schulz@stadtwerke-beispiel.de>", "vertrieb@salesorleans.test", "AW: Schulung SAP-Anbindung", """
            Hallo Herr Braun,

            passt der 14.04. für die Schulung? Wir wären 8 Teilnehmer.

            Gruß
            Markus Schulz

            -----Ursprüngliche Nachricht-----
            Von: Lukas Braun <l.braun@salesorleans.test>
            Gesendet: Dienstag, 10. März 2026 09:12
            An: Schulz, Markus <m.schulz@stadtwerke-beispiel.de>
            Betreff: Schulung SAP-Anbindung

            Sehr geehrter Herr Schulz, rufen Sie mich gern an: 030 9876543.
            """);

        var read = Reader.Read(mail);

        Assert.Equal(("Schulz, Markus", null, "m.schulz@stadtwerke-beispiel.de"), (read.Name, read.Phone, read.Email));
        Assert.Equal("AW: Schulung SAP-Anbindung Hallo Herr Braun, passt der 14.04. für die Schulung? Wir wären 8 Teilnehmer.", read.Need);
    }

    [Fact]
    public void An_outlook_reply_in_english_without_a_separator_cuts_at_the_from_sent_block()
    {
        var mail = Plain("David Clarke <d.clarke@northfield-foods.co.uk>", "sales@salesorleans.test", "RE: Compressor quote", """
            Hi Olga,

            Thanks - please call me on +44 20 7946 0958 tomorrow morning.

            David

            From: Olga Smirnova <o.smirnova@salesorleans.test>
            Sent: 10 March 2026 16:40
            To: David Clarke <d.clarke@northfield-foods.co.uk>
            Subject: Compressor quote

            Dear David, our direct line is +7 495 223-32-11.
            """);

        var read = Reader.Read(mail);

        Assert.Equal(("David Clarke", "+442079460958", "d.clarke@northfield-foods.co.uk"), (read.Name, read.Phone, read.Email));
        Assert.DoesNotContain("direct line", read.Need);
    }

    [Theory]
    [InlineData("On Tue, 10 Mar 2026 at 16:40, Olga Smirnova <o.smirnova@salesorleans.test> wrote:")]
    [InlineData("On 10 Mar 2026, at 16:40, Olga Smirnova <o.smirnova@salesorleans.test> wrote:")]
    [InlineData("Am 10.03.2026 um 16:40 schrieb Olga Smirnova:")]
    [InlineData("10.03.2026 16:40, Ольга Смирнова пишет:")]
    [InlineData("Вторник, 10 марта 2026, 16:40 +03:00 от Ольга Смирнова <o.smirnova@salesorleans.test>:")]
    [InlineData("-----Original Message-----")]
    [InlineData("-----Исходное сообщение-----")]
    public void Every_mail_programs_quote_header_ends_what_the_sender_wrote(string header)
    {
        var mail = Plain("Игорь Лебедев <lebedev@uralkompressor.ru>", "sales@salesorleans.test", "Re: КП", $"""
            Добрый день! Согласны, ждём счёт.
            Мой мобильный 8 (912) 604-11-22.

            {header}
            Звоните: 8 800 775-90-01, пишите: sales@salesorleans.test
            Кстати, наш второй номер +7 916 000-00-01
            """);

        var read = Reader.Read(mail);

        Assert.Equal(("+79126041122", "lebedev@uralkompressor.ru"), (read.Phone, read.Email));
        Assert.Equal("Re: КП Добрый день! Согласны, ждём счёт. Мой мобильный 8 (912) 604-11-22.", read.Need);
    }

    [Fact]
    public void A_russian_reply_with_quoted_lines_and_a_dash_dash_signature()
    {
        var mail = Plain("Наталья Кузнецова <n.kuznetsova@volgapolimer.ru>", "sales@salesorleans.test", "Re: Курс Excel", """
            Здравствуйте!
            Нам подходит курс для 12 бухгалтеров в апреле.
            > Добрый день, Наталья! Высылаем программу курса.
            > Анна, тел. +7 495 223-32-11
            --
            Наталья Кузнецова
            ООО «Волга Полимер»
            тел. +7 (8452) 65-43-21
            """);

        var read = Reader.Read(mail);

        Assert.Equal(("Наталья Кузнецова", "+78452654321", "ООО «Волга Полимер»"), (read.Name, read.Phone, read.Company));
        Assert.Equal("Re: Курс Excel Здравствуйте! Нам подходит курс для 12 бухгалтеров в апреле.", read.Need);
    }

    [Fact]
    public void A_german_business_signature_is_a_signature_not_a_form()
    {
        var mail = Plain("Jonas Richter <j.richter@hansaprint.de>", "vertrieb@salesorleans.test", "Anfrage Schraubenkompressor", """
            Sehr geehrte Damen und Herren,

            wir suchen für unsere Druckerei einen Schraubenkompressor mit 7,5 kW und bitten um ein Angebot.

            Jonas Richter
            Technischer Leiter
            Hansa Print GmbH & Co. KG
            Speicherstraße 12, 20457 Hamburg
            Tel. +49 (0)40 1234567
            Fax +49 (0)40 1234568
            E-Mail: j.richter@hansaprint.de
            Amtsgericht Hamburg HRB 123456
            """);

        var read = Reader.Read(mail);

        Assert.Equal(MailTemplate.HandWritten, read.Template);
        Assert.Equal(("Jonas Richter", "+49401234567", "j.richter@hansaprint.de", "Hansa Print GmbH & Co. KG"), (read.Name, read.Phone, read.Email, read.Company));
        Assert.Equal("Anfrage Schraubenkompressor Sehr geehrte Damen und Herren, wir suchen für unsere Druckerei einen Schraubenkompressor mit 7,5 kW und bitten um ein Angebot.", read.Need);
    }

    [Fact]
    public void A_fax_number_alone_is_not_the_customers_phone()
    {
        var mail = Plain("Karin Vogt <k.vogt@vogt-metall.de>", "vertrieb@salesorleans.test", "Rückruf", """
            Bitte um Rückruf wegen der Pumpe.

            Viele Grüße
            Karin Vogt
            Fax: 0711 998877
            """);

        Assert.Equal((null, "k.vogt@vogt-metall.de"), (Reader.Read(mail).Phone, Reader.Read(mail).Email));
    }

    [Fact]
    public void Contact_form_7_from_wordpress_takes_the_visitor_from_reply_to_and_the_body_never_the_robot()
    {
        MimeMessage Cf7(string name, string email, string message) => Plain("Maschinenbau Blog <wordpress@maschinen-blog.de>", "vertrieb@salesorleans.test", "Maschinenbau Blog \"Anfrage Pumpe\"", $"""
            From: {name} <{email}>
            Subject: Anfrage Pumpe

            Message Body:
            {message}

            -- 
            This e-mail was sent from a contact form on Maschinenbau Blog (https://maschinen-blog.de)
            """, replyTo: email);

        var first = Reader.Read(Cf7("Sabine Krüger", "sabine.krueger@gartenbau-krueger.de", "Wir brauchen eine Tauchpumpe.\nRückruf unter 0221 5566778."));
        var second = Reader.Read(Cf7("Tim Becker", "t.becker@web.de", "Preis für Kreiselpumpe KP-40?"));

        Assert.Equal((MailTemplate.FeedbackForm, "Sabine Krüger", "sabine.krueger@gartenbau-krueger.de", "+492215566778"), (first.Template, first.Name, first.Email, first.Phone));
        Assert.Equal("Wir brauchen eine Tauchpumpe.\nRückruf unter 0221 5566778.", first.Need);
        Assert.Equal(("Tim Becker", "t.becker@web.de", null), (second.Name, second.Email, second.Phone));
        Assert.DoesNotContain("WordPress", first.Name + second.Name, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_robot_form_without_any_way_to_reach_the_visitor_is_refused_naming_the_robot()
    {
        var read = Reader.Read(Plain("WordPress <wordpress@example-site.de>", "vertrieb@salesorleans.test", "Neue Anfrage", "Name: Anonym\nNachricht: Was kostet das?"));

        Assert.Equal(MailKind.Unreadable, read.Kind);
        Assert.Contains("wordpress@example-site.de", read.Reason);
    }

    [Fact]
    public void A_tilda_html_form_in_a_table_keeps_label_value_pairs_and_drops_the_style_block()
    {
        var mail = Html("Tilda <no-reply@tilda.ws>", "sales@salesorleans.test", "Заявка с сайта uralkompressor-shop.ru", """
            <html><head><style>td { color: #333; font-family: Arial } .hidden { display:none }</style><title>Заявка</title></head>
            <body><h2>Новая заявка</h2>
            <table border="0" cellpadding="4">
              <tr><td><b>Имя</b></td><td>Сергей&nbsp;Волков</td></tr>
              <tr><td><b>Телефон</b></td><td>+7 (922) 111-22-33</td></tr>
              <tr><td><b>Email</b></td><td>volkov.s@mail.ru</td></tr>
              <tr><td><b>Компания</b></td><td>ООО &laquo;ТехноСтрой&raquo;</td></tr>
              <tr><td><b>Сообщение</b></td><td>Нужен винтовой компрессор<br>на 10 бар</td></tr>
            </table>
            <script>track('lead')</script>
            <p style="font-size:10px">Request details: IP 93.184.216.34</p></body></html>
            """);

        var read = Reader.Read(mail);

        Assert.Equal(MailTemplate.FeedbackForm, read.Template);
        Assert.Equal(("Сергей Волков", "+79221112233", "volkov.s@mail.ru", "ООО «ТехноСтрой»"), (read.Name, read.Phone, read.Email, read.Company));
        Assert.Equal("Нужен винтовой компрессор на 10 бар", read.Need);
    }

    [Fact]
    public void Html_becomes_structured_text_without_style_script_or_quoted_history()
    {
        var text = HtmlText.Convert("""
            <div dir="ltr"><style>p{margin:0}</style><p>Hello,</p><p>we need <b>two</b>
            pumps.</p><table><tr><th>Model</th><th>Qty</th><th>Note</th></tr><tr><td>KP-40</td><td>2</td><td>urgent</td></tr></table>
            <div class="gmail_quote"><div>On Mon wrote:</div><blockquote>Our phone +7 495 223-32-11</blockquote></div></div>
            """);

        Assert.Equal("Hello,\nwe need two pumps.\nModel | Qty | Note\nKP-40 | 2 | urgent", text);
    }

    [Fact]
    public void A_chat_transcript_names_the_visitor_not_our_operator()
    {
        var mail = Html("JivoSite <noreply@jivosite.com>", "sales@salesorleans.test", "Диалог с посетителем сайта", """
            <html><body><p>Диалог с посетителем завершён.</p>
            <p>Оператор: Анна Смирнова</p>
            <p>Телефон: 8 912 345-67-89</p>
            <p>[12:01] Анна Смирнова: Здравствуйте! Чем могу помочь?</p>
            <p>[12:02] Дмитрий: Нужна камера климатических испытаний</p>
            <p>[12:03] Анна Смирнова: Оставьте, пожалуйста, телефон, наш номер +7 495 223-32-11</p>
            <p>[12:04] Дмитрий: на 500 литров, до -70</p></body></html>
            """);

        var read = Reader.Read(mail);

        Assert.Equal(MailTemplate.ChatTranscript, read.Template);
        Assert.Equal(("Дмитрий", "+79123456789"), (read.Name, read.Phone));
        Assert.Equal("Нужна камера климатических испытаний на 500 литров, до -70", read.Need);
    }

    [Fact]
    public void A_koi8_r_mail_from_an_old_client_is_read_in_its_charset()
    {
        var koi8 = Encoding.GetEncoding("koi8-r");
        var head = "From: =?koi8-r?B?" + Convert.ToBase64String(koi8.GetBytes("Пётр Иванов")) + "?= <p.ivanov@kama-zavod.ru>\r\nTo: sales@salesorleans.test\r\n"
            + "Subject: =?koi8-r?B?" + Convert.ToBase64String(koi8.GetBytes("Запрос на насос")) + "?=\r\nMessage-ID: <koi8.1@kama-zavod.ru>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
        var bytes = Encoding.ASCII.GetBytes(head).Concat(koi8.GetBytes("Добрый день!\r\nНужен насос для воды.\r\nТел. 8 (843) 555-12-34\r\n")).ToArray();

        var read = Reader.Read(MimeMessage.Load(new MemoryStream(bytes)));

        Assert.Equal(("Пётр Иванов", "+78435551234"), (read.Name, read.Phone));
        Assert.Equal("Запрос на насос Добрый день! Нужен насос для воды. Тел. 8 (843) 555-12-34", read.Need);
    }

    [Fact]
    public void A_windows_1251_bitrix_form_is_read_in_its_charset()
    {
        var cp1251 = Encoding.GetEncoding("windows-1251");
        var head = "From: \"Bitrix\" <noreply@bitrix24.ru>\r\nTo: sales@salesorleans.test\r\nSubject: =?windows-1251?Q?"
            + string.Concat(cp1251.GetBytes("Новый лид").Select(b => b < 128 && b != 32 ? ((char)b).ToString() : $"={b:X2}")) + "?=\r\n"
            + "Message-ID: <b24.77@bitrix24.ru>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=windows-1251\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
        var bytes = Encoding.ASCII.GetBytes(head).Concat(cp1251.GetBytes("Имя: Ольга Белова\r\nТелефон: 8-921-765-43-21\r\nE-mail: belova@severstal-service.ru\r\nСообщение: Обучение 1С для 5 сотрудников\r\n")).ToArray();

        var read = Reader.Read(MimeMessage.Load(new MemoryStream(bytes)));

        Assert.Equal((MailTemplate.FeedbackForm, "Ольга Белова", "+79217654321", "belova@severstal-service.ru"), (read.Template, read.Name, read.Phone, read.Email));
        Assert.Equal("Обучение 1С для 5 сотрудников", read.Need);
    }

    [Theory]
    [InlineData("Auto-Submitted: auto-replied", "Auto-Submitted")]
    [InlineData("Auto-Submitted: auto-generated", "Auto-Submitted")]
    [InlineData("X-Autoreply: yes", "X-Autoreply")]
    [InlineData("X-Autorespond: Abwesenheitsnotiz", "X-Autoreply")]
    [InlineData("Precedence: bulk", "Precedence: bulk")]
    [InlineData("Precedence: auto_reply", "Precedence: auto_reply")]
    [InlineData("List-Id: Industrie News <news.industrie-news.de>", "List-Id")]
    [InlineData("List-Unsubscribe: <mailto:unsubscribe@industrie-news.de>", "List-Unsubscribe")]
    public void Automatic_mail_is_filed_not_read(string header, string reason)
    {
        var mail = Eml($"""
            From: Petra Hoffmann <p.hoffmann@mueller-verpackung.de>
            To: vertrieb@salesorleans.test
            Subject: Abwesenheitsnotiz: Angebot
            Message-ID: <auto.{Guid.NewGuid():N}@mueller-verpackung.de>
            {header}
            Content-Type: text/plain; charset=utf-8

            Ich bin bis 20.03. nicht im Büro. In dringenden Fällen: Herr Lange, Tel. 030 4455669.
            """);

        var read = Reader.Read(mail);

        Assert.Equal(MailKind.Automatic, read.Kind);
        Assert.Contains(reason, read.Reason);
        Assert.Null(read.Phone);
    }

    [Fact]
    public void Auto_submitted_no_is_a_person()
    {
        var mail = Eml("""
            From: Petra Hoffmann <p.hoffmann@mueller-verpackung.de>
            To: vertrieb@salesorleans.test
            Subject: Angebot
            Auto-Submitted: no
            Content-Type: text/plain; charset=utf-8

            Bitte rufen Sie mich an.
            """);

        Assert.Equal(MailKind.Inquiry, Reader.Read(mail).Kind);
    }

    [Fact]
    public void A_delivery_report_is_filed()
    {
        var mail = Eml("""
            From: Mail Delivery System <MAILER-DAEMON@mx.hansaprint.de>
            To: noreply-bounces@salesorleans.test
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

            --B1
            Content-Type: text/plain

            I'm sorry to have to inform you that your message could not be delivered. Call +49 40 1234567.
            --B1
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.hansaprint.de
            Final-Recipient: rfc822; j.richter@hansaprint.de
            Action: failed
            Status: 5.1.1
            --B1--
            """);

        var read = Reader.Read(mail);

        Assert.Equal(MailKind.Automatic, read.Kind);
        Assert.Contains("delivery report", read.Reason);
    }

    [Fact]
    public void Mail_from_our_own_notification_sender_is_a_loop()
    {
        var read = Reader.Read(Plain("SalesOrleans <noreply@salesorleans.test>", "sales@salesorleans.test", "[SalesOrleans] New lead", "New lead from +7 916 123-45-67"));

        Assert.Equal(MailKind.Loop, read.Kind);
    }

    [Fact]
    public void A_colleagues_own_mail_that_forwards_nothing_is_not_a_customer()
    {
        var read = Reader.Read(Plain("Anna Keller <a.keller@salesorleans.test>", "vertrieb@salesorleans.test", "Mittagessen?", "Wer kommt mit? Tel. 030 9876500"));

        Assert.Equal(MailKind.Unreadable, read.Kind);
        Assert.Contains("our own address", read.Reason);
    }

    [Fact]
    public void A_forward_as_attachment_is_the_attached_mails_inquiry_with_its_files()
    {
        var original = Plain("Hans Weber <h.weber@weber-logistik.de>", "info@salesorleans-gmbh.de", "Anfrage Schulung Lagerverwaltung", """
            Guten Tag,
            wir möchten 6 Mitarbeiter in der Lagerverwaltung schulen lassen.
            Hans Weber, Tel. 0421 223344
            """);
        var withFile = new BodyBuilder { TextBody = original.TextBody };
        withFile.Attachments.Add("teilnehmer.xlsx", Encoding.UTF8.GetBytes("PK fake xlsx"), ContentType.Parse("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
        original.Body = withFile.ToMessageBody();
        var forward = new MimeMessage { Subject = "WG: Anfrage Schulung Lagerverwaltung", MessageId = "fwd.1@salesorleans-gmbh.de" };
        forward.From.Add(MailboxAddress.Parse("Empfang <empfang@salesorleans-gmbh.de>"));
        forward.To.Add(MailboxAddress.Parse("vertrieb@salesorleans.test"));
        var outer = new BodyBuilder { TextBody = "Bitte übernehmen.\n--\nEmpfang, Tel. +49 30 9876543" };
        outer.Attachments.Add(new MessagePart { Message = original, ContentDisposition = new ContentDisposition(ContentDisposition.Attachment) { FileName = "Anfrage.eml" } });
        forward.Body = outer.ToMessageBody();

        var read = Reader.Read(forward);

        Assert.Equal(("Hans Weber", "+494212233 44".Replace(" ", ""), "h.weber@weber-logistik.de"), (read.Name, read.Phone, read.Email));
        Assert.StartsWith("Anfrage Schulung Lagerverwaltung Guten Tag", read.Need);
        Assert.Equal("DE", read.Region);
        Assert.Equal(2, read.Attachments!.Count);
        Assert.IsType<MessagePart>(read.Attachments[0]);
        Assert.Equal("teilnehmer.xlsx", ((MimePart)read.Attachments[1]).FileName);
    }

    [Theory]
    [InlineData("---------- Forwarded message ---------", "From", "Date", "Subject", "To")]
    [InlineData("-------- Weitergeleitete Nachricht --------", "Von", "Datum", "Betreff", "An")]
    [InlineData("-------- Пересылаемое сообщение --------", "От", "Дата", "Тема", "Кому")]
    [InlineData("Begin forwarded message:", "From", "Date", "Subject", "To")]
    public void An_inline_forward_takes_the_original_sender(string marker, string from, string date, string subject, string to)
    {
        var mail = Plain("Empfang <empfang@salesorleans-gmbh.de>", "vertrieb@salesorleans.test", "Fwd: Kompressor", $"""
            Zur Info, bitte kümmern.

            {marker}
            {from}: Frank Meier <f.meier@meier-lackiererei.de>
            {date}: Mon, 9 Mar 2026 08:15:00 +0100
            {subject}: Kompressor für Lackiererei
            {to}: <empfang@salesorleans-gmbh.de>

            Hallo, wir brauchen einen ölfreien Kompressor.
            Frank Meier
            Tel.: 089 7788990
            """);

        var read = Reader.Read(mail);

        Assert.Equal(MailKind.Inquiry, read.Kind);
        Assert.Equal(("Frank Meier", "f.meier@meier-lackiererei.de", "+49897788990"), (read.Name, read.Email, read.Phone));
        Assert.StartsWith("Kompressor für Lackiererei Hallo, wir brauchen einen ölfreien Kompressor.", read.Need);
    }

    [Fact]
    public void A_long_mail_gets_a_summary_need_and_keeps_its_whole_text()
    {
        var paragraph = "Wir betreiben drei Produktionslinien und benötigen für jede eine Druckluftversorgung mit Trocknung und Filterung. ";
        var text = string.Concat(Enumerable.Repeat(paragraph, 56)) + "\nGrüße\nUwe Lang\nTel. 0351 4433221";
        Assert.True(text.Length > 6000);

        var read = Reader.Read(Plain("Uwe Lang <u.lang@elbe-kunststoff.de>", "vertrieb@salesorleans.test", "Ausschreibung Druckluft", text));

        Assert.True(read.Need!.Length < 1200, $"need of {read.Need.Length}");
        Assert.Contains("the whole mail is attached", read.Need);
        Assert.Equal(text.Replace("\n", "\n"), read.FullText);
        Assert.Equal("+493514433221", read.Phone);
    }

    [Fact]
    public void A_long_message_id_is_hashed_into_a_stable_key_and_a_short_one_kept()
    {
        var id = "CAF" + new string('x', 340) + "@mail.gmail.com";

        var key = MailReader.KeyOf(id, "fallback");

        Assert.StartsWith("mail:sha256:", key);
        Assert.Equal(key, MailReader.KeyOf(" " + id + " ", "other"));
        Assert.True(key.Length <= 80);
        Assert.Equal("mail:abc@x.de", MailReader.KeyOf("abc@x.de", "f"));
        Assert.Equal("mail:box/1/7", MailReader.KeyOf(null, "box/1/7"));
        Assert.Equal("mail:a@b.de", MailReader.KeyOf("a\0@b.de", "f"));
    }

    [Fact]
    public void Nul_and_control_characters_are_cleaned_from_everything_read()
    {
        var mail = Plain("olga.petrova@volga.example", "sales@salesorleans.test", "Вопрос\0", "Нужен\0 курс\u001b по Excel.\nТел. 8 916 765-43-21");
        mail.From.Clear();
        mail.From.Add(new MailboxAddress("Olga\u0007 Petrova", "olga.petrova@volga.example"));

        var read = Reader.Read(mail);

        Assert.Equal(("Olga Petrova", "Вопрос Нужен курс по Excel. Тел. 8 916 765-43-21"), (read.Name, read.Need));
        Assert.True(TextHygiene.IsClean(read.Need) && TextHygiene.IsClean(read.Name));
    }

    [Fact]
    public void An_smime_signature_is_not_a_document()
    {
        var mail = Eml("""
            From: Claudia Wolf <c.wolf@bauer-chemie.de>
            To: vertrieb@salesorleans.test
            Subject: Bestellung Ersatzteile
            MIME-Version: 1.0
            Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="S1"

            --S1
            Content-Type: multipart/mixed; boundary="M1"

            --M1
            Content-Type: text/plain; charset=utf-8

            Anbei die Liste der Ersatzteile. Tel. 0621 554433
            --M1
            Content-Type: application/pdf; name="ersatzteile.pdf"
            Content-Disposition: attachment; filename="ersatzteile.pdf"
            Content-Transfer-Encoding: base64

            JVBERi0xLjQK
            --M1--
            --S1
            Content-Type: application/pkcs7-signature; name="smime.p7s"
            Content-Disposition: attachment; filename="smime.p7s"
            Content-Transfer-Encoding: base64

            MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwEAAKCA
            --S1--
            """);

        var read = Reader.Read(mail);

        Assert.Equal(["ersatzteile.pdf"], read.Attachments!.OfType<MimePart>().Select(p => p.FileName));
        Assert.Equal("+49621554433", read.Phone);
    }

    [Theory]
    [InlineData("vertrieb@salesorleans.test", "Rufen Sie mich an: 030 1234567", "+49301234567")]
    [InlineData("vertrieb@salesorleans.test", "Mobil 0171 2345678", "+491712345678")]
    [InlineData("sales@salesorleans.test", "Звоните 8 (916) 123-45-67", "+79161234567")]
    [InlineData("sales@salesorleans.test", "Call +49 30 1234567", "+49301234567")]
    public void National_numbers_are_read_in_the_mailboxs_region(string mailbox, string text, string phone)
    {
        Assert.Equal(phone, Reader.Read(Plain("Kunde <kunde@example-kunde.de>", mailbox, "Rückruf", text)).Phone);
    }

    [Fact]
    public void Our_own_phone_in_the_customers_text_is_skipped()
    {
        var read = Reader.Read(Plain("Игорь <igor@stroymash.ru>", "sales@salesorleans.test", "Перезвоните",
            "Звонил вам на +7 495 223-32-11, не дозвонился. Мой номер 8 903 111-22-33."));

        Assert.Equal("+79031112233", read.Phone);
    }

    [Fact]
    public void A_hand_written_html_only_mail_is_read_without_its_quote()
    {
        var mail = Html("Claire Martin <claire.martin@lyon-emballage.fr>", "sales@salesorleans.test", "Re: training offer", """
            <html><head><style>body{font-family:Calibri}</style></head><body>
            <div>Hello,</div><div>we accept the offer for the ERP course.</div><div>Claire, +33 4 72 00 11 22</div>
            <div class="gmail_quote"><div dir="ltr">On Tue, Olga wrote:</div><blockquote>Call us: +7 495 223-32-11, sales@salesorleans.test</blockquote></div>
            </body></html>
            """);

        var read = Reader.Read(mail);

        Assert.Equal(("Claire Martin", "+33472001122", "claire.martin@lyon-emballage.fr"), (read.Name, read.Phone, read.Email));
        Assert.Equal("Re: training offer Hello, we accept the offer for the ERP course. Claire, +33 4 72 00 11 22", read.Need);
    }

    [Fact]
    public void An_english_feedback_form_written_by_a_person_is_still_a_form()
    {
        var read = Reader.Read(Plain("Site <site-form@northfield-foods.co.uk>", "sales@salesorleans.test", "Website feedback form", """
            Name: Olga Smirnova-Clarke
            Phone: +44 161 496 0000
            E-mail: olga@northfield-foods.co.uk
            Company: Northfield Foods Ltd
            Message: Please send a quote for a climatic chamber.
            """));

        Assert.Equal(new[] { "Olga Smirnova-Clarke", "+441614960000", "olga@northfield-foods.co.uk", "Northfield Foods Ltd", "Please send a quote for a climatic chamber." },
            new[] { read.Name, read.Phone, read.Email, read.Company, read.Need });
        Assert.Equal(MailTemplate.FeedbackForm, read.Template);
    }

    [Fact]
    public void German_form_labels_are_read()
    {
        var read = Reader.Read(Plain("Kontaktformular <formular@industrie-pumpen.de>", "vertrieb@salesorleans.test", "Neue Kontaktanfrage", """
            Vor- und Nachname: Bernd Schäfer
            Firma: Schäfer Landtechnik GmbH
            Telefon: 05121 998877
            E-Mail-Adresse: b.schaefer@schaefer-landtechnik.de
            Thema: Pumpen
            Ihre Nachricht:
            Wir suchen eine Förderpumpe für Gülle.
            Bitte um Rückruf.
            """));

        Assert.Equal(("Bernd Schäfer", "Schäfer Landtechnik GmbH", "+495121998877", "b.schaefer@schaefer-landtechnik.de"), (read.Name, read.Company, read.Phone, read.Email));
        Assert.Equal("Wir suchen eine Förderpumpe für Gülle.\nBitte um Rückruf.", read.Need);
        Assert.Equal("Pumpen", read.Fields!["thema"]);
    }

    [Fact]
    public void An_empty_mail_is_refused()
    {
        var read = Reader.Read(Plain("someone@example-firma.de", "sales@salesorleans.test", "", ""));

        Assert.Equal(MailKind.Unreadable, read.Kind);
        Assert.Contains("empty", read.Reason);
    }

    [Fact]
    public void Our_identities_are_ours_and_robots_are_robots()
    {
        var ids = Reader.Identities;

        Assert.True(ids.IsOwnAddress("Vertrieb@SalesOrleans.test"));
        Assert.True(ids.IsOwnAddress("a.keller@mail.salesorleans-gmbh.de"));
        Assert.True(ids.IsOwnAddress("salesorleans.reception@gmail.com"));
        Assert.False(ids.IsOwnAddress("kunde@gmail.com"));
        Assert.True(ids.IsOwnPhone("+74952233211"));
        Assert.True(ids.IsOwnPhone("+78007759001"));
        Assert.True(MailIdentities.IsRobot("wordpress@maschinen-blog.de"));
        Assert.True(MailIdentities.IsRobot("no-reply@tilda.ws"));
        Assert.True(MailIdentities.IsRobot("leads@bitrix24.ru"));
        Assert.False(MailIdentities.IsRobot("info@hansaprint.de"));
    }

    [Fact]
    public void A_plain_chat_transcript_gives_the_visitors_card_and_their_words()
    {
        var read = Reader.Read(Plain("JivoSite <robot@jivosite.com>", "sales@salesorleans.test", "Chat transcript: Ivan Petrov", """
            Chat with a visitor of the website
            Name: Ivan Petrov
            Phone: 8 (916) 123-45-67
            E-mail: ivan@uralmash.example
            ---
            [10:02] Ivan Petrov: Hello, we need two screw compressors, 7 bar.
            [10:03] Operator: Good morning! For which plant?
            [10:04] Ivan Petrov: Yekaterinburg, the extrusion line.
            """));

        Assert.Equal((MailTemplate.ChatTranscript, "Ivan Petrov", "+79161234567", "ivan@uralmash.example"), (read.Template, read.Name, read.Phone, read.Email));
        Assert.Equal("Hello, we need two screw compressors, 7 bar. Yekaterinburg, the extrusion line.", read.Need);
    }

    // The shipped routing keywords moved from configuration to the database (migration 0130, edited on the departments
    // page): RoutingKeywordsApiTests.The_shipped_routing_keywords_read_german_and_russian reads them there.

    private static MailReader RegionReader() => new(new MailReaderOptions
    {
        DefaultRegion = "RU",
        MailboxRegions = new(StringComparer.OrdinalIgnoreCase) { ["vertrieb@salesorleans.test"] = "DE" },
        DepartmentRegions = new(StringComparer.OrdinalIgnoreCase) { ["training"] = "DE", ["industrial"] = "RU" },
        MailboxDepartments = new(StringComparer.OrdinalIgnoreCase) { ["schulung@salesorleans.test"] = "training", ["zavod@salesorleans.test"] = "industrial", ["sales@salesorleans.test"] = "industrial" },
        OwnIdentities = Options().OwnIdentities,
    });

    [Theory]
    // The German department's mailbox: a Stuttgart number without +49.
    [InlineData("schulung@salesorleans.test", "Rückruf bitte unter 0711 123456.", "DE", "+49711123456")]
    // A mailbox's own region wins over its department's (vertrieb@ is DE, whatever department).
    [InlineData("vertrieb@salesorleans.test", "Telefon: (089) 44 55 66 77", "DE", "+498944556677")]
    // The Russian department's mailbox: a mobile with the trunk 8.
    [InlineData("zavod@salesorleans.test", "Перезвоните: 8 916 123-45-67", "RU", "+79161234567")]
    // A mailbox of no department and no region: the default.
    [InlineData("info@salesorleans.test", "Мой телефон 8 (343) 222-33-44", "RU", "+73432223344")]
    public void National_numbers_are_read_in_the_region_of_the_mailbox_else_its_department_else_the_default(string mailbox, string text, string region, string phone)
    {
        var read = RegionReader().Read(Plain("Kunde <kunde@beispiel-gmbh.de>", mailbox, "Anfrage", $"Guten Tag,\n{text}\nGruß"));
        Assert.Equal((MailKind.Inquiry, region, phone), (read.Kind, read.Region, read.Phone));
    }

    [Fact]
    public void A_number_typed_for_a_quarantined_mail_is_read_in_that_mails_region()
    {
        var reader = RegionReader();
        Assert.Equal("+49711123456", reader.NormalizePhone("0711 123456", reader.RegionOf("schulung@salesorleans.test")));
        Assert.Equal("+79161234567", reader.NormalizePhone("8 916 123-45-67", reader.RegionOf("zavod@salesorleans.test")));
        Assert.Equal("+493012345678", reader.NormalizePhone("+49 (0)30 12345678", null));
        Assert.Null(reader.NormalizePhone("12", "DE"));
    }

    [Fact]
    public void An_english_outlook_reply_quoting_our_offer_under_original_message_is_the_customers_inquiry_not_a_forward()
    {
        var mail = Plain("James Carter <j.carter@northwind-plastics.co.uk>", "sales@salesorleans.test", "RE: Quotation screw compressor SC-15", """
            Hi Anna,

            could you add a dryer to the offer?

            Best regards
            James Carter
            Northwind Plastics Ltd
            Tel: +44 20 7946 0958

            -----Original Message-----
            From: Anna Keller <sales@salesorleans.test>
            Sent: Tuesday, March 10, 2026 9:12 AM
            To: James Carter
            Subject: Quotation screw compressor SC-15

            Best regards
            Anna Keller
            Phone: +7 495 223-32-11
            """);
        var read = Reader.Read(mail);
        Assert.Equal((MailKind.Inquiry, "James Carter", "+442079460958", "j.carter@northwind-plastics.co.uk"), (read.Kind, read.Name, read.Phone, read.Email));
        Assert.Equal("RE: Quotation screw compressor SC-15 Hi Anna, could you add a dryer to the offer?", read.Need);
    }
}
