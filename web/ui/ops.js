// The operators' view of the cluster (admins): every silo the membership table knows, refreshed every 2 s, so a
// failover shows which node died and when, not only a count of hosts that drops.
const Ops = {
  async init() {
    await App.start('ops');
    await Ops.refresh();
    setInterval(Ops.refresh, 2000);
  },

  async refresh() {
    const summary = document.getElementById('summary');
    let response;
    try {
      response = await App.api('GET', '/api/ops/cluster');
    } catch (e) {
      summary.textContent = `This node cannot read the membership now (${e.message || e}); retrying.`;
      return;
    }
    if (!response.ok) {
      summary.textContent = `This node answered ${response.status}; retrying.`;
      return;
    }
    const cluster = response.data;
    const counts = Object.entries(cluster.counts).map(([status, n]) => `${n} ${status.toLowerCase()}`).join(', ');
    summary.textContent = `Cluster ${cluster.clusterId}: ${counts || 'no silos'} (as of ${new Date(cluster.now).toLocaleTimeString()}).`;
    const rows = cluster.silos.map(s => App.el('tr', { class: `silo-${s.status.toLowerCase()}` },
      App.el('td', {}, `${s.name} (${s.address})`),
      App.el('td', {}, s.host),
      App.el('td', {}, App.el('strong', {}, s.status)),
      App.el('td', {}, new Date(s.since).toLocaleString()),
      App.el('td', {}, `${s.silentForSeconds} s ago`),
      App.el('td', {}, s.suspicions ? `${s.suspicions} node(s)` : ''),
      App.el('td', {}, String(s.generation))));
    document.querySelector('#silos tbody').replaceChildren(...rows);
  },
};

Ops.init();
