// Job page: while the job is active, refresh the step timeline every 2 s; when it ends, reload once so the
// actions, the message and the artifacts show the final state. The log follows by itself (joblog.js).
(() => {
  const page = document.getElementById('job-page');
  if (!page || page.dataset.active !== 'true') return;
  const id = page.dataset.jobId;
  const timer = setInterval(async () => {
    try {
      const response = await fetch(`/jobs/${id}/steps`, { headers: { Accept: 'text/html' } });
      if (!response.ok) return;
      const html = await response.text();
      const holder = document.createElement('div');
      holder.innerHTML = html;
      const fresh = holder.querySelector('#timeline');
      if (!fresh) return;
      document.getElementById('timeline').replaceWith(fresh);
      const status = fresh.querySelector('#steps').dataset.status;
      if (!['QUEUED', 'RUNNING', 'WAITING'].includes(status)) {
        clearInterval(timer);
        window.location.reload();
      } else if (status === 'WAITING' && !document.getElementById('continue-job')) {
        clearInterval(timer);
        window.location.reload();
      }
    } catch (e) {
      // the next tick tries again
    }
  }, 2000);
})();
