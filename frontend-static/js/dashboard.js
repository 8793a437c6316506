// Dashboard: the fleet's table and counts are fetched again every 5 s (the same fragment the page was built
// with, for the same filters) and swapped in place, so running jobs' progress moves without a reload.
(() => {
  const fleet = document.getElementById('fleet');
  if (!fleet) return;
  const params = new URLSearchParams();
  if (fleet.dataset.product) params.set('product', fleet.dataset.product);
  if (fleet.dataset.environment) params.set('environment', fleet.dataset.environment);
  if (fleet.dataset.page && fleet.dataset.page !== '0') params.set('page', fleet.dataset.page);
  setInterval(async () => {
    if (document.hidden) return;
    try {
      const response = await fetch(`/dashboard/fleet?${params}`, { headers: { Accept: 'text/html' } });
      if (!response.ok || response.redirected) return;
      const holder = document.createElement('div');
      holder.innerHTML = await response.text();
      const fresh = holder.querySelector('#fleet');
      if (fresh) document.getElementById('fleet').replaceWith(fresh);
    } catch (e) {
      // the next tick tries again
    }
  }, 5000);
})();
