// Calls on every page: the pop-up with the caller's card, for the whole call, and the call history of lead and deal cards.
const Calls = {
  terminal: ['hangup', 'busy', 'no_answer', 'cancelled', 'failed'],
  dismissed: new Set(),
  leads: new Map(),
  queue: Promise.resolve(),

  // One pop-up change at a time, in the order the pushes came (drawing waits for the lead).
  show(call) {
    Calls.queue = Calls.queue.then(() => Calls.draw(call)).catch(() => {});
    return Calls.queue;
  },

  // Whom the pop-up is for: the person whose extension rings (or rang and answered); while no extension is known (a
  // ring group), everyone in the department. It stays while the call is answered and closes when the call ends.
  async draw(call) {
    const events = call.events || [];
    const selector = `.call-popup[data-call="${CSS.escape(call.callId)}"]`;
    const mine = !call.ringsFor || call.ringsFor === App.me?.userName;
    const started = events.some(e => ['incoming', 'ringing', 'answered'].includes(e));
    if (!mine || call.settled || !started || events.some(e => Calls.terminal.includes(e)) || Calls.dismissed.has(call.callId)) {
      document.querySelector(selector)?.remove();
      Calls.leads.delete(call.callId);
      return;
    }
    const answered = events.includes('answered');
    const lead = call.leadId ? await Calls.lead(call.leadId) : null;
    // Drawn again when the card arrives, another extension rings, the call is answered or its lead changes hands.
    const shown = JSON.stringify([Boolean(call.card), call.extension || '', answered, lead?.assignee || '', lead?.status || '']);
    const old = document.querySelector(selector);
    if (old && old.dataset.shown === shown) return;
    Calls.leads.set(call.callId, call);
    const popup = Calls.popup(call, answered, lead, shown);
    if (old) old.replaceWith(popup); else document.body.append(popup);
  },

  async lead(id) {
    const r = await App.api('GET', `/api/leads/${id}`);
    return r.ok ? r.data : null;
  },

  popup(call, answered, lead, shown) {
    const c = call.card;
    const message = App.el('div');
    const card = !c ? App.el('span', { class: 'card-line' }, App.t('calls.lookingUp', 'looking up the caller…'))
      : c.newLead ? App.el('span', { class: 'card-line' }, App.t('calls.newLead', 'New lead'), call.leadId ? [' — ', App.el('a', { href: `/leads.html?id=${call.leadId}` }, App.t('calls.openIt', 'open it'))] : [])
      : App.el('span', { class: 'card-line' }, [c.name || App.t('calls.knownCustomer', 'Known customer'), c.company ? `, ${c.company}` : '',
          c.responsible ? App.t('calls.responsible', ' · responsible: {user}', { user: c.responsible }) : '', App.t('calls.inquiries', ' · {count} inquiries', { count: c.inquiries }),
          c.openDealId ? [' · ', App.el('a', { href: `/deal.html?id=${c.openDealId}` }, App.t('calls.openDeal', 'open deal'))]
            : call.leadId ? [' · ', App.el('a', { href: `/leads.html?id=${call.leadId}` }, App.t('calls.openLead', 'open lead'))] : []]);
    const open = lead && ['New', 'Assigned', 'Qualifying'].includes(lead.status);
    const leadLine = !lead ? null : App.el('div', { class: 'lead-line' },
      lead.assignee === App.me?.userName ? App.t('calls.leadYours', 'The lead is yours.')
        : lead.assignee ? App.t('calls.leadOf', 'The lead is {user}’s.', { user: lead.assignee })
        : App.t('calls.leadFree', 'Nobody has the lead yet.'),
      open && !lead.assignee && App.can('lead.work') ? [' ', App.el('button', { class: 'primary', dataset: { action: 'take' }, onclick: async event => {
        event.target.disabled = true;
        const r = await App.api('POST', `/api/leads/${lead.id}/take`);
        if (r.ok) { await Calls.refresh(call.callId); } else { event.target.disabled = false; message.replaceChildren(App.problem(r)); }
      } }, App.t('calls.take', 'Take this lead'))] : null);
    const title = answered ? App.t('calls.inProgress', 'Call in progress ') : App.t('calls.incoming', 'Incoming call ');
    const popup = App.el('aside', { class: 'panel call-popup', role: 'alert', dataset: { call: call.callId, shown, state: answered ? 'answered' : 'ringing' } },
      App.el('strong', {}, title), call.caller || App.t('calls.unknownNumber', 'unknown number'), ` → ${call.extension || call.called || ''} · `, card, leadLine, message,
      App.el('button', { class: 'close', onclick: () => { Calls.dismissed.add(call.callId); popup.remove(); } }, App.t('calls.close', 'Close')));
    return popup;
  },

  // The lead of an open pop-up changed (taken, assigned by answering): its line is drawn again.
  async refresh(callId) {
    const call = Calls.leads.get(callId);
    if (call) await Calls.show(call);
  },

  pushed(kind, id) {
    if (kind !== 'lead') return;
    for (const [callId, call] of Calls.leads) if (call.leadId === id) Calls.refresh(callId);
  },

  // A call log as a table: when, who called, which number, what came of it, how long.
  history(list) {
    const outcome = o => ({
      answered: App.t('calls.outcome.answered', 'answered'), busy: App.t('calls.outcome.busy', 'busy'), no_answer: App.t('calls.outcome.noAnswer', 'no answer'),
      no_end: App.t('calls.outcome.noEnd', 'missed (its end never came)'),
      cancelled: App.t('calls.outcome.cancelled', 'missed (caller hung up)'), failed: App.t('calls.outcome.failed', 'failed'), open: App.t('calls.outcome.open', 'in progress'),
    }[o] || o);
    return App.stack(App.el('table', { class: 'call-history' },
      App.el('tr', { class: 'head' }, [App.t('calls.when', 'When'), App.t('calls.from', 'From'), App.t('calls.to', 'To'), App.t('calls.outcome', 'Outcome'), App.t('calls.duration', 'Duration')].map(h => App.el('th', {}, h))),
      list.map(c => App.el('tr', { dataset: { call: c.callId, outcome: c.outcome } }, App.el('td', {}, App.time(c.startedAt)), App.el('td', {}, c.caller || ''),
        App.el('td', {}, c.called || ''), App.el('td', {}, outcome(c.outcome), c.callBackFor ? App.t('calls.callBack', ' · call-back task for {user}', { user: App.name(c.callBackFor) }) : ''),
        App.el('td', {}, c.durationMs ? App.t('calls.seconds', '{seconds} s', { seconds: Math.round(c.durationMs / 1000) }) : '')))));
  },
};

App.incomingCall = call => { Calls.show(call); };
App.pushHooks.push(Calls.pushed);
