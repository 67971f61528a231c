import './app.css';
import { api, ApiError, messageOf, setCsrfToken, whenSignedOut } from './api.js';
import type { Instance, Session } from './api-types.js';
import { button, el, internalLink } from './dom.js';
import { currentRoute, formatHash, VIEWS, type Route, type View } from './url-state.js';
import { adminView } from './views/admin.js';
import { compareView } from './views/compare.js';
import { launchView } from './views/launch.js';
import { renderLogin } from './views/login.js';
import { sourcesView } from './views/sources.js';
import type { MountedView, ViewFactory } from './views/view.js';

// The page: a header (views, who is signed in, auto-refresh), the demo banner when the server says
// the data is simulated, and one view at a time, chosen by the URL's hash.

const REFRESH_MS = 60_000;

const VIEW_FACTORIES: Record<View, ViewFactory> = { launch: launchView, compare: compareView, sources: sourcesView, admin: adminView };
const VIEW_LABELS: Record<View, string> = { launch: 'Launch', compare: 'Compare launches', sources: 'Sources', admin: 'Admin' };

function goToLogin(): void {
  const next = window.location.hash ? `?next=${encodeURIComponent(window.location.hash)}` : '';
  window.location.assign(`/login${next}`);
}

function demoBanner(instance: Instance | undefined): HTMLElement | null {
  return instance?.demo ? el('div', { className: 'demo-banner', role: 'note', id: 'demo-banner' }, 'Demo mode: the data is simulated.') : null;
}

async function loadInstance(): Promise<Instance | undefined> {
  try {
    return await api.get<Instance>('/api/instance');
  } catch {
    return undefined;
  }
}

function startDashboard(app: HTMLElement, session: Session, instance: Instance | undefined): void {
  setCsrfToken(session.csrfToken);
  whenSignedOut(goToLogin);

  const nav = el('nav', { aria: { label: 'Views' } });
  const main = el('main', { id: 'view' });
  const refreshState = el('span', { className: 'refresh-state', role: 'status' });
  let paused = false;
  const pause = button('Pause auto-refresh', () => {
    paused = !paused;
    pause.textContent = paused ? 'Resume auto-refresh' : 'Pause auto-refresh';
    pause.setAttribute('aria-pressed', String(paused));
    refreshState.textContent = paused ? 'Auto-refresh paused.' : `Refreshes every ${REFRESH_MS / 1000} s.`;
  }, { className: 'link-button', id: 'pause-refresh', aria: { pressed: 'false' } });
  refreshState.textContent = `Refreshes every ${REFRESH_MS / 1000} s.`;
  const signOut = button('Sign out', () => {
    void api.delete('/api/session').finally(() => window.location.assign('/login'));
  }, { className: 'link-button' });
  app.replaceChildren(
    el(
      'header',
      { className: 'top' },
      el('h1', {}, instance?.name ?? 'Groundswell'),
      nav,
      el('div', { className: 'who' }, el('span', {}, `${session.user.email} (${session.user.role})`), signOut),
      el('div', { className: 'refresh' }, refreshState, pause),
    ),
    demoBanner(instance) ?? '',
    main,
  );

  let mounted: { view: View; instance: MountedView } | undefined;

  const renderNav = (route: Route) => {
    nav.replaceChildren(
      ...VIEWS.filter((view) => view !== 'admin' || session.user.role === 'admin').map((view) => {
        // Keep the campaign across views; the other filters belong to the view they were set in.
        const link = internalLink(formatHash({ view, filters: route.filters.campaign ? { campaign: route.filters.campaign } : {} }), VIEW_LABELS[view], { data: { view } });
        if (view === route.view) link.setAttribute('aria-current', 'page');
        return link;
      }),
    );
  };

  const show = () => {
    const route = currentRoute();
    renderNav(route);
    if (mounted?.view !== route.view) {
      mounted?.instance.destroy();
      main.replaceChildren();
      mounted = { view: route.view, instance: VIEW_FACTORIES[route.view](main, session) };
    }
    document.title = `${VIEW_LABELS[route.view]} · Groundswell`;
    void mounted.instance.update(route);
  };

  window.addEventListener('hashchange', show);
  if (!window.location.hash) window.history.replaceState(null, '', `/${formatHash({ view: 'launch', filters: {} })}`);
  show();

  window.setInterval(() => {
    if (paused || document.visibilityState !== 'visible' || !mounted) return;
    void mounted.instance.refresh();
  }, REFRESH_MS);
}

async function boot(): Promise<void> {
  const app = document.getElementById('app');
  if (!app) return;
  const instancePromise = loadInstance();
  if (window.location.pathname === '/login') {
    const instance = await instancePromise;
    const banner = demoBanner(instance);
    const box = el('main', { id: 'view', className: 'login-page' });
    app.replaceChildren(el('header', { className: 'top' }, el('h1', {}, instance?.name ?? 'Groundswell')), banner ?? '', box);
    renderLogin(box);
    return;
  }
  try {
    const [session, instance] = await Promise.all([api.get<Session>('/api/session', { quietOn401: true }), instancePromise]);
    startDashboard(app, session, instance);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) goToLogin();
    else app.replaceChildren(el('p', { className: 'error', role: 'alert' }, `The dashboard could not start: ${messageOf(error)}`));
  }
}

void boot();
