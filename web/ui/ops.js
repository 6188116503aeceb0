// The operators' view of the cluster (admins): every silo the membership table knows, refreshed every 2 s, so a
// failover shows which node died and when, not only a count of hosts that drops.
const Ops = {
  async init() {
    await App.start('ops');
    // One read at a time: during a failover a read can take longer than the 2 s period, and an older answer drawn
    // after a newer one would show the cluster as it was.
    const refresh = App.serial(() => Ops.refresh());
    await refresh();
    setInterval(refresh, 2000);
  },

  async refresh() {
    const summary = document.getElementById('summary');
    let response;
    try {
      response = await App.api('GET', '/api/ops/cluster');
    } catch (e) {
      summary.textContent = App.t('ops.unreadable', 'This node cannot read the membership now; retrying.');
      return;
    }
    if (!response.ok) {
      summary.replaceChildren(App.problem(response), App.t('ops.retrying', 'Retrying every 2 s.'));
      return;
    }
    const cluster = response.data;
    const status = s => App.t(`ops.status.${s}`, s);
    const counts = Object.entries(cluster.counts).map(([s, n]) => `${n} ${status(s).toLowerCase()}`).join(', ');
    summary.textContent = App.t('ops.summary', 'Cluster {cluster}: {counts} (as of {time}).',
      { cluster: cluster.clusterId, counts: counts || App.t('ops.noSilos', 'no silos'), time: App.fmt.time(cluster.now) });
    const rows = cluster.silos.map(s => App.el('tr', { class: `silo-${s.status.toLowerCase()}` },
      App.el('td', {}, `${s.name} (${s.address})`),
      App.el('td', {}, s.host),
      App.el('td', {}, App.el('strong', {}, status(s.status))),
      App.el('td', {}, App.fmt.dateTime(s.since)),
      App.el('td', {}, App.t('ops.ago', '{n} s ago', { n: s.silentForSeconds })),
      App.el('td', {}, s.suspicions ? App.t('ops.suspicions', '{n} node(s)', { n: s.suspicions }) : ''),
      App.el('td', {}, String(s.generation))));
    document.querySelector('#silos tbody').replaceChildren(...rows);
  },
};

Ops.init();
