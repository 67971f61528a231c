import { api, ApiError, messageOf } from '../api.js';
import { el, field } from '../dom.js';

// The sign-in page (/login). After signing in it goes back to the view it was sent from.

/** Only a dashboard view (a hash route) may be returned to: never another site. */
export function safeNext(next: string | null): string {
  return next && /^#\/[a-z]+(\?[A-Za-z0-9=&,%._-]*)?$/.test(next) ? next : '#/launch';
}

export function renderLogin(root: HTMLElement): void {
  const next = safeNext(new URLSearchParams(window.location.search).get('next'));
  const email = el('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, id: 'login-email' });
  const password = el('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true, id: 'login-password' });
  const message = el('p', { className: 'error', role: 'alert', hidden: true });
  const submit = el('button', { type: 'submit' }, 'Sign in');
  const form = el('form', { className: 'login', aria: { label: 'Sign in' } }, el('h2', {}, 'Sign in'), field('Email', email), field('Password', password), submit, message);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    message.hidden = true;
    api.post('/api/session', { email: email.value, password: password.value }, { quietOn401: true }).then(
      () => window.location.assign(`/${next}`),
      (error: unknown) => {
        submit.disabled = false;
        message.hidden = false;
        message.textContent = error instanceof ApiError && error.status === 401 ? 'The email or password is wrong.' : messageOf(error);
      },
    );
  });
  root.replaceChildren(form);
  email.focus();
}
