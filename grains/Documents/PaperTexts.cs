using System.Globalization;
using SalesOrleans.Domain;

namespace SalesOrleans.Documents;

/// <summary>
/// The fixed words of the generated papers (invoice, waybill, proposal) in English, Russian and German, and the date
/// format each uses: a domain-side table, since papers are also made in the silo (attached to the deal) without the
/// web's resources. The data on the paper (names, SKUs, parameters) stays as entered.
/// </summary>
public sealed class PaperTexts
{
    /// <summary>The languages of <see cref="Table"/>'s columns, in order.</summary>
    private static readonly string[] Columns = ["en", "ru", "de"];

    /// <summary>One row a text: its name, then English, Russian and German ({0}… placeholders alike in all three).</summary>
    private static readonly (string Name, string En, string Ru, string De)[] Table =
    [
        (nameof(DateFormat), "yyyy-MM-dd", "dd.MM.yyyy", "dd.MM.yyyy"),
        (nameof(Invoice), "Invoice {0}", "Счёт {0}", "Rechnung {0}"),
        (nameof(Issued), "Issued {0}", "Выставлен {0}", "Ausgestellt am {0}"),
        (nameof(Seller), "Seller", "Продавец", "Verkäufer"),
        (nameof(Buyer), "Buyer", "Покупатель", "Käufer"),
        (nameof(Attention), "Attention", "Контактное лицо", "Zu Händen"),
        (nameof(DueDate), "Due date: {0}", "Срок оплаты: {0}", "Fällig am: {0}"),
        (nameof(OrderTotal), "Order total", "Итого по заказу", "Auftragssumme"),
        (nameof(InvoicedBefore), "Invoiced before", "Выставлено ранее", "Bereits berechnet"),
        (nameof(AmountDue), "Amount due under this invoice", "К оплате по этому счёту", "Zu zahlen aus dieser Rechnung"),
        (nameof(PayFooter), "Please pay {0} by {1}, quoting invoice {2}. Prices without VAT.", "Просим оплатить {0} до {1}, указав номер счёта {2}. Цены без НДС.", "Bitte zahlen Sie {0} bis {1} unter Angabe der Rechnung {2}. Preise ohne MwSt."),
        (nameof(Waybill), "Waybill {0}", "Накладная {0}", "Lieferschein {0}"),
        (nameof(Shipper), "Shipper", "Грузоотправитель", "Versender"),
        (nameof(Warehouse), "{0}, warehouse {1}", "{0}, склад {1}", "{0}, Lager {1}"),
        (nameof(Consignee), "Consignee", "Грузополучатель", "Empfänger"),
        (nameof(ItemsShipped), "Items shipped", "Отгружено", "Versandte Menge"),
        (nameof(WaybillFooter), "Released by {0}.        Received by: ____________________        Date: __________", "Отпустил: {0}.        Получил: ____________________        Дата: __________", "Ausgegeben von {0}.        Empfangen von: ____________________        Datum: __________"),
        (nameof(Order), "Order: {0}", "Заказ: {0}", "Auftrag: {0}"),
        (nameof(Contract), "Contract: {0}", "Договор: {0}", "Vertrag: {0}"),
        (nameof(PaymentTerms), "Payment terms: {0}", "Условия оплаты: {0}", "Zahlungsbedingungen: {0}"),
        (nameof(No), "No", "№", "Nr."),
        (nameof(Sku), "SKU", "Артикул", "Artikel"),
        (nameof(Item), "Item", "Наименование", "Bezeichnung"),
        (nameof(Qty), "Qty", "Кол-во", "Menge"),
        (nameof(Unit), "Unit", "Ед.", "Einheit"),
        (nameof(Price), "Price", "Цена", "Preis"),
        (nameof(TotalIn), "Total, {0}", "Сумма, {0}", "Summe, {0}"),
        (nameof(Proposal), "Commercial proposal", "Коммерческое предложение", "Angebot"),
        (nameof(ForWhom), "For", "Для", "Für"),
        (nameof(From), "From", "От", "Von"),
        (nameof(Subject), "Subject", "Тема", "Betreff"),
        (nameof(Total), "Total", "Итого", "Summe"),
        (nameof(Terms), "Terms", "Условия", "Konditionen"),
        (nameof(ProposalFooter), "Prices without VAT. This proposal is valid for 30 days.", "Цены без НДС. Предложение действительно 30 дней.", "Preise ohne MwSt. Dieses Angebot gilt 30 Tage."),
    ];

    public static readonly PaperTexts English = new(0);

    public static readonly PaperTexts Russian = new(1);

    public static readonly PaperTexts German = new(2);

    private readonly Dictionary<string, string> _texts;

    private PaperTexts(int column)
    {
        Language = Columns[column];
        _texts = Table.ToDictionary(r => r.Name, r => column switch { 0 => r.En, 1 => r.Ru, _ => r.De });
    }

    /// <summary>The texts for a language ("ru", "de-AT", …); English for none or another.</summary>
    public static PaperTexts For(string? language) => Languages.Of(language) switch
    {
        "ru" => Russian,
        "de" => German,
        _ => English,
    };

    public string Language { get; }

    public string DateFormat => _texts[nameof(DateFormat)];

    public string Invoice => _texts[nameof(Invoice)];

    public string Issued => _texts[nameof(Issued)];

    public string Seller => _texts[nameof(Seller)];

    public string Buyer => _texts[nameof(Buyer)];

    public string Attention => _texts[nameof(Attention)];

    public string DueDate => _texts[nameof(DueDate)];

    public string OrderTotal => _texts[nameof(OrderTotal)];

    public string InvoicedBefore => _texts[nameof(InvoicedBefore)];

    public string AmountDue => _texts[nameof(AmountDue)];

    public string PayFooter => _texts[nameof(PayFooter)];

    public string Waybill => _texts[nameof(Waybill)];

    public string Shipper => _texts[nameof(Shipper)];

    public string Warehouse => _texts[nameof(Warehouse)];

    public string Consignee => _texts[nameof(Consignee)];

    public string ItemsShipped => _texts[nameof(ItemsShipped)];

    public string WaybillFooter => _texts[nameof(WaybillFooter)];

    public string Order => _texts[nameof(Order)];

    public string Contract => _texts[nameof(Contract)];

    public string PaymentTerms => _texts[nameof(PaymentTerms)];

    public string No => _texts[nameof(No)];

    public string Sku => _texts[nameof(Sku)];

    public string Item => _texts[nameof(Item)];

    public string Qty => _texts[nameof(Qty)];

    public string Unit => _texts[nameof(Unit)];

    public string Price => _texts[nameof(Price)];

    public string TotalIn => _texts[nameof(TotalIn)];

    public string Proposal => _texts[nameof(Proposal)];

    public string ForWhom => _texts[nameof(ForWhom)];

    public string From => _texts[nameof(From)];

    public string Subject => _texts[nameof(Subject)];

    public string Total => _texts[nameof(Total)];

    public string Terms => _texts[nameof(Terms)];

    public string ProposalFooter => _texts[nameof(ProposalFooter)];

    public string Say(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);

    public string Date(DateTimeOffset at) => at.ToString(DateFormat, CultureInfo.InvariantCulture);

    public string Date(DateOnly at) => at.ToString(DateFormat, CultureInfo.InvariantCulture);
}
