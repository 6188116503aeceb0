using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using SalesOrleans.Domain.Leads;
using SalesOrleans.Domain.Leads.Mail;
using SalesOrleans.Leads;
using SalesOrleans.ReadModel;
using SalesOrleans.Silo.Intake;
using SalesOrleans.Web;
using SalesOrleans.Web.Api;

namespace SalesOrleans.Silo.Features;

/// <summary>
/// Leads: the PBX webhook (calls), mail intake, the public web form and manual leads all become inquiries
/// (<see cref="InquiryIntake"/>), routed to a department's queue; contacts and their tasks, the mail quarantine,
/// notifications and their mails, and absence handover. The flow is in docs/lead-path.md; the grains are in
/// grains/Leads, the mail intake and mailers in silo/Intake.
/// </summary>
public static class LeadsSetup
{
    public static IServiceCollection AddLeads(this IServiceCollection services, IConfiguration configuration)
    {
        // Options, the department directory and routing.
        services.Configure<LeadOptions>(configuration.GetSection(LeadOptions.Section));
        services.Configure<TelephonyOptions>(configuration.GetSection(TelephonyOptions.Section));
        services.AddSingleton<LeadDirectory>();
        services.AddSingleton<ILeadDirectory>(sp => sp.GetRequiredService<LeadDirectory>());
        services.AddSingleton(sp => new ContactNormalizer(sp.GetRequiredService<IOptions<LeadOptions>>().Value.DefaultRegion));
        services.AddSingleton(sp => BuildRouter(sp.GetRequiredService<IOptions<LeadOptions>>().Value,
            sp.GetRequiredService<IOptions<TelephonyOptions>>().Value, sp.GetRequiredService<ContactNormalizer>(), sp.GetRequiredService<UserDirectory>()));

        // Intake and the services around leads.
        services.AddSingleton<InquiryIntake>();
        services.AddSingleton<IInquiryIntake>(sp => sp.GetRequiredService<InquiryIntake>());
        services.AddSingleton<InquiryDocuments>();
        services.AddSingleton<AbsenceHandover>();
        services.AddSingleton<IAbsenceHandover>(sp => sp.GetRequiredService<AbsenceHandover>());

        // Read model and live push.
        services.AddSingleton<LeadQueries>();
        services.AddSingleton<WorkflowQueries>();
        services.AddSingleton<LeadProjector>();
        services.AddSingleton<ILeadEventSink, LeadLivePublisher>();

        // Mail intake (IMAP IDLE), with its readiness check.
        services.AddSingleton<MailboxStore>();
        services.Configure<MailOptions>(configuration.GetSection(MailOptions.Section));
        services.AddSingleton(sp => BuildMailReader(sp.GetRequiredService<IOptions<MailOptions>>().Value,
            sp.GetRequiredService<IOptions<LeadOptions>>().Value, sp.GetRequiredService<IOptions<SmtpOptions>>().Value));
        services.AddSingleton<MailInquiries>();
        services.AddSingleton<IMailInquiries>(sp => sp.GetRequiredService<MailInquiries>());
        services.AddSingleton<MailIntakeHealth>();
        services.AddHealthChecks().AddCheck<MailIntakeHealthCheck>("mail-intake", tags: [WebSetup.ReadyTag]);
        services.AddHostedService<MailIntakeService>();

        // Notifications and their mails (the SMTP settings are shared with the deal mailer, DealsSetup).
        services.AddSingleton<NotificationStore>();
        services.Configure<SmtpOptions>(configuration.GetSection(SmtpOptions.Section));
        services.AddHostedService<NotificationMailer>();

        // Web: the PBX webhook's key and replay guard, and the public form's limits (the rate limiter itself is WebSetup's).
        services.Configure<TelephonyWebhookOptions>(configuration.GetSection("Telephony"));
        services.AddSingleton<TelephonyWebhookGuard>();
        services.Configure<WebFormOptions>(configuration.GetSection(WebFormOptions.Section));
        services.Configure<RateLimiterOptions>(o =>
            // Per client address: one noisy sender cannot starve the others.
            o.AddPolicy(WebFormOptions.RateLimitPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = Math.Max(1, http.RequestServices.GetRequiredService<IOptions<WebFormOptions>>().Value.PermitsPerMinute),
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                })));
        return services;
    }

    public static IEndpointRouteBuilder MapLeads(this IEndpointRouteBuilder app)
    {
        app.MapLeadEndpoints();
        app.MapTelephonyEndpoints();
        app.MapMailEndpoints();
        app.MapWorkflowEndpoints();
        return app;
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
