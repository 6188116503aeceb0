namespace SalesOrleans.Domain.Deals;

/// <summary>
/// The mail templates a new installation starts with (seeded once; an admin or department head edits them): the
/// commercial proposal cover letter and the 1C:CRM project's request for the customer's details (the client card), in
/// English, Russian and German.
/// </summary>
public static class ShippedMailTemplates
{
    public static readonly IReadOnlyList<(Guid Id, MailTemplateText Text)> All =
    [
        (Guid.Parse("5a1e0000-0000-4000-8000-000000000001"), new("Commercial proposal", "en", "Commercial proposal: {{deal}}", """
            Dear {{contact}},

            thank you for your interest. Please find attached our commercial proposal for "{{deal}}" for {{company}},
            total {{amount}}.

            I will gladly answer any questions.

            Best regards
            {{manager}}
            {{our.company}}
            Phone: {{manager.phone}}
            E-mail: {{manager.email}}
            """)),
        (Guid.Parse("5a1e0000-0000-4000-8000-000000000002"), new("Коммерческое предложение", "ru", "Коммерческое предложение: {{deal}}", """
            Здравствуйте, {{contact}}!

            Благодарим за интерес к нашему предложению. Направляем коммерческое предложение «{{deal}}» для {{company}}
            на сумму {{amount}}.

            С удовольствием отвечу на ваши вопросы.

            С уважением,
            {{manager}}
            {{our.company}}
            Тел.: {{manager.phone}}
            E-mail: {{manager.email}}
            """)),
        (Guid.Parse("5a1e0000-0000-4000-8000-000000000003"), new("Angebot", "de", "Angebot: {{deal}}", """
            Guten Tag {{contact}},

            vielen Dank für Ihr Interesse. Anbei erhalten Sie unser Angebot „{{deal}}“ für {{company}} über {{amount}}.

            Für Rückfragen stehe ich Ihnen gern zur Verfügung.

            Mit freundlichen Grüßen
            {{manager}}
            {{our.company}}
            Telefon: {{manager.phone}}
            E-Mail: {{manager.email}}
            """)),
        (Guid.Parse("5a1e0000-0000-4000-8000-000000000004"), new("Customer details request", "en", "Your company details for our contract: {{deal}}", """
            Dear {{contact}},

            to prepare the contract for "{{deal}}" we need the details of {{company}}: full legal name, registered
            address, tax number and bank account, and the person who signs.

            Please reply to this e-mail with them.

            Best regards
            {{manager}}
            {{our.company}}
            Phone: {{manager.phone}}
            """)),
        (Guid.Parse("5a1e0000-0000-4000-8000-000000000005"), new("Запрос реквизитов", "ru", "Реквизиты для договора: {{deal}}", """
            Здравствуйте, {{contact}}!

            Для подготовки договора по сделке «{{deal}}» просим прислать реквизиты {{company}}: полное наименование,
            юридический адрес, ИНН/КПП, банковские реквизиты и ФИО подписанта.

            Ответьте, пожалуйста, на это письмо.

            С уважением,
            {{manager}}
            {{our.company}}
            Тел.: {{manager.phone}}
            """)),
        (Guid.Parse("5a1e0000-0000-4000-8000-000000000006"), new("Anfrage Firmendaten", "de", "Ihre Firmendaten für den Vertrag: {{deal}}", """
            Guten Tag {{contact}},

            für den Vertrag zu „{{deal}}“ benötigen wir die Daten von {{company}}: vollständige Firma, Anschrift,
            USt-IdNr., Bankverbindung und den Unterzeichner.

            Bitte antworten Sie einfach auf diese E-Mail.

            Mit freundlichen Grüßen
            {{manager}}
            {{our.company}}
            Telefon: {{manager.phone}}
            """)),
    ];
}
