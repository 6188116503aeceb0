using Microsoft.Extensions.Options;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Domain.Leads.Mail;
using SalesOrleans.Leads;
using SalesOrleans.ReadModel;
using SalesOrleans.Silo.Intake;
using SalesOrleans.Web;

namespace SalesOrleans.Silo.Hosting;

public static class LeadSetup
{
    /// <summary>Leads, contacts, routing, queues, telephony and the web form: options, domain services, read model and web limits.</summary>
    public static IServiceCollection AddSalesLeads(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<LeadOptions>(configuration.GetSection(LeadOptions.Section));
        services.Configure<TelephonyOptions>(configuration.GetSection(TelephonyOptions.Section));
        services.AddSingleton<LeadDirectory>();
        services.AddSingleton<ILeadDirectory>(sp => sp.GetRequiredService<LeadDirectory>());
        services.AddSingleton(sp => new ContactNormalizer(sp.GetRequiredService<IOptions<LeadOptions>>().Value.DefaultRegion));
        services.AddSingleton(sp => BuildRouter(sp.GetRequiredService<IOptions<LeadOptions>>().Value,
            sp.GetRequiredService<IOptions<TelephonyOptions>>().Value, sp.GetRequiredService<ContactNormalizer>(), sp.GetRequiredService<UserDirectory>()));
        services.AddSingleton<InquiryIntake>();
        services.AddSingleton<IInquiryIntake>(sp => sp.GetRequiredService<InquiryIntake>());
        services.AddHostedService<SalesOrleans.Infrastructure.FollowUpSweeper>();
        services.AddHostedService<SalesOrleans.Infrastructure.DueWakeSweeper>();
        services.AddSingleton<InquiryDocuments>();
        services.AddSingleton<SalesOrleans.Import.CustomerImport>();
        services.AddSingleton<SalesOrleans.Import.ICustomerImport>(sp => sp.GetRequiredService<SalesOrleans.Import.CustomerImport>());
        services.AddSingleton<AbsenceHandover>();
        services.AddSingleton<IAbsenceHandover>(sp => sp.GetRequiredService<AbsenceHandover>());
        services.AddSingleton<LeadQueries>();
        services.AddSingleton<WorkflowQueries>();
        services.AddSingleton<LeadProjector>();
        services.AddSingleton<ILeadEventSink, LeadLivePublisher>();
        services.AddSingleton<MailboxStore>();
        services.Configure<MailOptions>(configuration.GetSection(MailOptions.Section));
        services.AddSingleton(sp => BuildMailReader(sp.GetRequiredService<IOptions<MailOptions>>().Value,
            sp.GetRequiredService<IOptions<LeadOptions>>().Value, sp.GetRequiredService<IOptions<SmtpOptions>>().Value));
        services.AddSingleton<MailInquiries>();
        services.AddSingleton<IMailInquiries>(sp => sp.GetRequiredService<MailInquiries>());
        services.AddSingleton<MailIntakeHealth>();
        services.AddHealthChecks().AddCheck<MailIntakeHealthCheck>("mail-intake", tags: [WebSetup.ReadyTag]);
        services.AddHostedService<MailIntakeService>();
        services.AddSingleton<NotificationStore>();
        services.Configure<SmtpOptions>(configuration.GetSection(SmtpOptions.Section));
        services.AddHostedService<NotificationMailer>();
        services.AddSingleton<DealMailStore>();
        services.Configure<SalesOrleans.Deals.DealMailOptions>(configuration.GetSection(SalesOrleans.Deals.DealMailOptions.Section));
        services.AddSingleton<SalesOrleans.Deals.DealMailService>();
        services.AddSingleton<SalesOrleans.Deals.IDealMailService>(sp => sp.GetRequiredService<SalesOrleans.Deals.DealMailService>());
        services.AddHostedService<DealMailer>();
        services.AddSalesLeadsWeb(configuration);
        return services;
    }

    /// <summary>The mail reader of the watched mailbox: our identities plus the address our notifications go out from (a loop otherwise).</summary>
    public static MailReader BuildMailReader(MailOptions mail, LeadOptions leads, SmtpOptions smtp)
    {
        var own = mail.OwnIdentities;
        var senders = own.SenderAddresses.ToList();
        if (MimeKit.MailboxAddress.TryParse(smtp.From, out var from))
        {
            senders.Add(from.Address);
        }

        return new MailReader(new MailReaderOptions
        {
            DefaultRegion = string.IsNullOrWhiteSpace(mail.Region) ? leads.DefaultRegion : mail.Region,
            MailboxRegions = new(mail.MailboxRegions, StringComparer.OrdinalIgnoreCase),
            DepartmentRegions = new(mail.DepartmentRegions, StringComparer.OrdinalIgnoreCase),
            MailboxDepartments = leads.Routing.Where(r => r.Kind == RoutingRuleKind.Mailbox && !string.IsNullOrWhiteSpace(r.Match))
                .GroupBy(r => r.Match.Trim(), StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Department, StringComparer.OrdinalIgnoreCase),
            OwnIdentities = new OwnIdentities
            {
                Domains = own.Domains, Addresses = own.Addresses, Phones = own.Phones, Operators = own.Operators, SenderAddresses = senders,
            },
        });
    }

    /// <summary>
    /// The DID map first (a called number is the surest sign), then the configured rules in their order, then the
    /// departments' routing keywords as the admin page keeps them (the directory's current set: edits apply at once).
    /// </summary>
    public static LeadRouter BuildRouter(LeadOptions leads, TelephonyOptions telephony, ContactNormalizer normalizer, UserDirectory? directory = null) =>
        new(telephony.Dids.Select(d => new RoutingRule(RoutingRuleKind.CalledNumber, d.Key, d.Value))
            .Concat(leads.Routing.Select(r => new RoutingRule(r.Kind, r.Match, r.Department, r.Field))), normalizer,
            directory is null ? null : () => directory.KeywordMatcher);
}
