namespace SalesOrleans.Domain.Leads;

/// <summary>The kinds of mail the industrial survey names; the mail reader (Mail/MailReader.cs) tells them apart.</summary>
public enum MailTemplate
{
    /// <summary>A website chat transcript (JivoSite) mailed by the chat service.</summary>
    ChatTranscript,

    /// <summary>A website or plugin form, mailed with one "Field: value" per line or as a table.</summary>
    FeedbackForm,

    /// <summary>A mail a prospect wrote themselves.</summary>
    HandWritten,
}
