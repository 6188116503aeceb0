using System.Globalization;
using SalesOrleans.Domain;

namespace SalesOrleans.Documents;

/// <summary>
/// The fixed words of the generated papers (invoice, waybill, proposal) in English, Russian and German, and the date
/// format each uses: a domain-side table, since papers are also made in the silo (attached to the deal) without the
/// web's resources. The data on the paper (names, SKUs, parameters) stays as entered.
/// </summary>
public sealed record PaperTexts(
    string Language, string DateFormat,
    string Invoice, string Issued, string Seller, string Buyer, string Attention, string DueDate, string OrderTotal, string InvoicedBefore,
    string AmountDue, string PayFooter,
    string Waybill, string Shipper, string Warehouse, string Consignee, string ItemsShipped, string WaybillFooter,
    string Order, string Contract, string PaymentTerms,
    string No, string Sku, string Item, string Qty, string Unit, string Price, string TotalIn,
    string Proposal, string ForWhom, string From, string Subject, string Total, string Terms, string ProposalFooter)
{
    public static readonly PaperTexts English = new("en", "yyyy-MM-dd",
        "Invoice {0}", "Issued {0}", "Seller", "Buyer", "Attention", "Due date: {0}", "Order total", "Invoiced before",
        "Amount due under this invoice", "Please pay {0} by {1}, quoting invoice {2}. Prices without VAT.",
        "Waybill {0}", "Shipper", "{0}, warehouse {1}", "Consignee", "Items shipped", "Released by {0}.        Received by: ____________________        Date: __________",
        "Order: {0}", "Contract: {0}", "Payment terms: {0}",
        "No", "SKU", "Item", "Qty", "Unit", "Price", "Total, {0}",
        "Commercial proposal", "For", "From", "Subject", "Total", "Terms", "Prices without VAT. This proposal is valid for 30 days.");

    public static readonly PaperTexts Russian = new("ru", "dd.MM.yyyy",
        "Счёт {0}", "Выставлен {0}", "Продавец", "Покупатель", "Контактное лицо", "Срок оплаты: {0}", "Итого по заказу", "Выставлено ранее",
        "К оплате по этому счёту", "Просим оплатить {0} до {1}, указав номер счёта {2}. Цены без НДС.",
        "Накладная {0}", "Грузоотправитель", "{0}, склад {1}", "Грузополучатель", "Отгружено", "Отпустил: {0}.        Получил: ____________________        Дата: __________",
        "Заказ: {0}", "Договор: {0}", "Условия оплаты: {0}",
        "№", "Артикул", "Наименование", "Кол-во", "Ед.", "Цена", "Сумма, {0}",
        "Коммерческое предложение", "Для", "От", "Тема", "Итого", "Условия", "Цены без НДС. Предложение действительно 30 дней.");

    public static readonly PaperTexts German = new("de", "dd.MM.yyyy",
        "Rechnung {0}", "Ausgestellt am {0}", "Verkäufer", "Käufer", "Zu Händen", "Fällig am: {0}", "Auftragssumme", "Bereits berechnet",
        "Zu zahlen aus dieser Rechnung", "Bitte zahlen Sie {0} bis {1} unter Angabe der Rechnung {2}. Preise ohne MwSt.",
        "Lieferschein {0}", "Versender", "{0}, Lager {1}", "Empfänger", "Versandte Menge", "Ausgegeben von {0}.        Empfangen von: ____________________        Datum: __________",
        "Auftrag: {0}", "Vertrag: {0}", "Zahlungsbedingungen: {0}",
        "Nr.", "Artikel", "Bezeichnung", "Menge", "Einheit", "Preis", "Summe, {0}",
        "Angebot", "Für", "Von", "Betreff", "Summe", "Konditionen", "Preise ohne MwSt. Dieses Angebot gilt 30 Tage.");

    /// <summary>The texts for a language ("ru", "de-AT", …); English for none or another.</summary>
    public static PaperTexts For(string? language) => Languages.Of(language) switch
    {
        "ru" => Russian,
        "de" => German,
        _ => English,
    };

    public string Say(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);

    public string Date(DateTimeOffset at) => at.ToString(DateFormat, CultureInfo.InvariantCulture);

    public string Date(DateOnly at) => at.ToString(DateFormat, CultureInfo.InvariantCulture);
}
