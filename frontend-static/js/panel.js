// Small progressive enhancements; every page works without JavaScript.
document.addEventListener('DOMContentLoaded', () => {
  // Show only the fields that belong to the chosen option (auth method, deployment type, web server).
  document.querySelectorAll('[data-toggle-group]').forEach((select) => {
    const group = select.dataset.toggleGroup;
    const apply = () => {
      document.querySelectorAll(`[data-show-for-${group}]`).forEach((el) => {
        const values = el.getAttribute(`data-show-for-${group}`).split(' ');
        el.hidden = !values.includes(select.value);
      });
    };
    select.addEventListener('change', apply);
    apply();
  });
  // Ask before destructive actions.
  document.querySelectorAll('form[data-confirm]').forEach((form) => {
    form.addEventListener('submit', (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // A check can take several seconds: say so and prevent a double submit.
  document.querySelectorAll('form[data-busy]').forEach((form) => {
    form.addEventListener('submit', () => {
      const button = form.querySelector('button[type=submit]');
      if (button) { button.disabled = true; button.textContent = form.dataset.busy; }
    });
  });
});
