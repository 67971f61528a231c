import { api, apiPath, messageOf } from '../api.js';
import type { CampaignDetail, Launch, PostItem, Session, User } from '../api-types.js';
import { dataTable, type Column } from '../data-table.js';
import { button, el, field, select } from '../dom.js';
import { formatDateTime, isoToZonedInput, zonedInputToIso } from '../time.js';
import type { Route } from '../url-state.js';
import { campaignSelect, filterBar, loadCampaignContext } from './campaign-context.js';
import type { MountedView, ViewFactory } from './view.js';

// Admin: launches added here (those from the config file follow the file), a post's localities set by
// hand, and staff accounts. The server checks the role on every request; this page only avoids
// offering what a viewer could not do.

function form(onSubmit: (form: HTMLFormElement) => Promise<void>, ...children: HTMLElement[]): HTMLFormElement {
  const message = el('p', { className: 'form-message', role: 'status' });
  const element = el('form', { className: 'admin-form' }, ...children, message);
  element.addEventListener('submit', (event) => {
    event.preventDefault();
    message.textContent = 'Saving…';
    message.classList.remove('error');
    onSubmit(element).then(
      () => {
        message.textContent = 'Saved.';
      },
      (error: unknown) => {
        message.textContent = messageOf(error);
        message.classList.add('error');
      },
    );
  });
  return element;
}

const input = (name: string, attributes: Parameters<typeof el<'input'>>[1] = {}) => el('input', { name, type: 'text', ...attributes });
const valueOf = (scope: HTMLFormElement, name: string) => (scope.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null)?.value.trim() ?? '';
const checkedOf = (scope: HTMLFormElement, name: string) => (scope.elements.namedItem(name) as HTMLInputElement | null)?.checked ?? false;

export const adminView: ViewFactory = (root, session: Session): MountedView => {
  const filters = el('div', { className: 'filter-box' });
  const body = el('div', { className: 'admin' });
  root.append(el('div', { className: 'view-heading' }, el('h2', {}, 'Admin')), filters, body);
  let route: Route | undefined;
  let generation = 0;

  if (session.user.role !== 'admin') {
    body.append(el('p', { className: 'refusal', role: 'alert' }, `This page needs an admin account. You are signed in as ${session.user.email}, a ${session.user.role}.`));
    return { update: () => Promise.resolve(), refresh: () => Promise.resolve(), destroy: () => undefined };
  }

  function launchesSection(detail: CampaignDetail, reload: () => Promise<void>): HTMLElement {
    const timeZone = detail.campaign.timezone;
    const base = `/api/campaigns/${encodeURIComponent(detail.campaign.slug)}/launches`;
    const editor = el('div', { className: 'editor' });
    const edit = (launch: Launch) => {
      editor.replaceChildren(
        el('h4', {}, `Edit “${launch.title}”`),
        form(
          async (scope) => {
            const at = zonedInputToIso(valueOf(scope, 'at'), timeZone);
            if (!at) throw new Error('Give the date and time of the launch.');
            await api.patch(`${base}/${encodeURIComponent(launch.slug)}`, {
              title: valueOf(scope, 'title'),
              at,
              url: valueOf(scope, 'url') || null,
              description: valueOf(scope, 'description') || null,
              enabled: checkedOf(scope, 'enabled'),
            });
            await reload();
          },
          field('Title', input('title', { value: launch.title, required: true })),
          field(`When (${timeZone})`, input('at', { type: 'datetime-local', value: isoToZonedInput(launch.at, timeZone), required: true })),
          field('Link (http or https)', input('url', { type: 'url', value: launch.url ?? '' })),
          field('Description', input('description', { value: launch.description ?? '' })),
          el('label', { className: 'field checkbox' }, input('enabled', { type: 'checkbox', checked: launch.enabled }), el('span', {}, 'Shown on the charts')),
          el('button', { type: 'submit' }, 'Save changes'),
        ),
        button('Delete this launch', () => {
          if (!window.confirm(`Delete the launch “${launch.title}”? Collected posts are kept.`)) return;
          api.delete(`${base}/${encodeURIComponent(launch.slug)}`).then(reload, (error: unknown) => window.alert(messageOf(error)));
        }, { className: 'danger' }),
      );
    };
    const columns: Column<Launch>[] = [
      { label: 'Launch', value: (l) => l.title },
      { label: 'Slug', value: (l) => l.slug },
      { label: `When (${timeZone})`, value: (l) => formatDateTime(l.at, timeZone) },
      { label: 'Shown', value: (l) => (l.enabled ? 'yes' : 'no') },
      { label: '', value: (l) => (l.managedBy === 'dashboard' ? button('Edit', () => edit(l), { data: { editLaunch: l.slug } }) : 'from the config file') },
    ];
    const add = form(
      async (scope) => {
        const at = zonedInputToIso(valueOf(scope, 'at'), timeZone);
        if (!at) throw new Error('Give the date and time of the launch.');
        await api.post(base, { slug: valueOf(scope, 'slug'), title: valueOf(scope, 'title'), at, url: valueOf(scope, 'url') || null, description: valueOf(scope, 'description') || null });
        await reload();
      },
      field('Slug', input('slug', { required: true, placeholder: 'event-stream' }), 'lower-case letters, digits and dashes'),
      field('Title', input('title', { required: true })),
      field(`When (${timeZone})`, input('at', { type: 'datetime-local', required: true })),
      field('Link (http or https)', input('url', { type: 'url' })),
      field('Description', input('description')),
      el('button', { type: 'submit' }, 'Add launch'),
    );
    return el('section', { className: 'card wide', id: 'admin-launches' }, el('header', {}, el('h3', {}, 'Launches')), dataTable('Every launch of this campaign; those from the config file are changed there', columns, detail.launches), editor, el('h4', {}, 'Add a launch'), add);
  }

  function overrideSection(detail: CampaignDetail): HTMLElement {
    const campaignPath = `/api/campaigns/${encodeURIComponent(detail.campaign.slug)}`;
    const results = el('div', { className: 'post-results' });
    const localityBoxes = (post: PostItem) =>
      detail.localities.map((locality) => el('label', { className: 'checkbox' }, el('input', { type: 'checkbox', name: `locality-${locality.slug}`, checked: post.localities.includes(locality.slug) }), ` ${locality.name}`));
    const showPosts = (posts: PostItem[]) => {
      results.replaceChildren(
        ...posts.map((post) =>
          el(
            'div',
            { className: 'post-override', data: { postId: String(post.id) } },
            el('p', { className: 'post-text' }, post.text ?? '(deleted)'),
            el('p', { className: 'note' }, `${formatDateTime(post.createdAt, detail.campaign.timezone)} · now: ${post.localities.join(', ') || 'no locality'}${post.localityOverride ? ' (set by hand)' : ''}`),
            form(
              async (scope) => {
                const localities = detail.localities.filter((locality) => checkedOf(scope, `locality-${locality.slug}`)).map((locality) => locality.slug);
                await api.put(`${campaignPath}/posts/${post.id}/localities`, { localities, note: valueOf(scope, 'note') || undefined });
              },
              el('div', { className: 'checkboxes' }, ...localityBoxes(post)),
              field('Why (optional)', input('note')),
              el('button', { type: 'submit' }, 'Set localities'),
            ),
            ...(post.localityOverride
              ? [
                  form(
                    () => api.delete(`${campaignPath}/posts/${post.id}/localities`),
                    el('button', { type: 'submit' }, 'Back to the automatic localities'),
                  ),
                ]
              : []),
          ),
        ),
      );
      if (posts.length === 0) results.append(el('p', { className: 'empty' }, 'No posts match.'));
    };
    const search = form(
      async (scope) => {
        const page = await api.get<{ items: PostItem[] }>(apiPath(`${campaignPath}/posts`, { q: valueOf(scope, 'q') || undefined, limit: 20 }));
        showPosts(page.items);
      },
      field('Text in the post', input('q', { type: 'search' })),
      el('button', { type: 'submit' }, 'Find posts'),
    );
    return el('section', { className: 'card wide', id: 'admin-override' }, el('header', {}, el('h3', {}, 'Set a post’s localities')), el('p', { className: 'description' }, 'Replaces the automatic attribution, now and at every re-attribution.'), search, results);
  }

  async function usersSection(reload: () => Promise<void>): Promise<HTMLElement> {
    const users = (await api.get<{ items: User[] }>('/api/users')).items;
    const columns: Column<User>[] = [
      { label: 'Email', value: (u) => u.email },
      { label: 'Role', value: (u) => u.role },
      { label: 'State', value: (u) => (u.disabledAt ? 'disabled' : 'active') },
      {
        label: '',
        value: (u) =>
          el(
            'span',
            { className: 'row-actions' },
            button(u.role === 'admin' ? 'Make viewer' : 'Make admin', () => void api.patch(`/api/users/${u.id}`, { role: u.role === 'admin' ? 'viewer' : 'admin' }).then(reload, (e: unknown) => window.alert(messageOf(e)))),
            button(u.disabledAt ? 'Enable' : 'Disable', () => void api.patch(`/api/users/${u.id}`, { disabled: !u.disabledAt }).then(reload, (e: unknown) => window.alert(messageOf(e)))),
          ),
      },
    ];
    const add = form(
      async (scope) => {
        await api.post('/api/users', { email: valueOf(scope, 'email'), role: valueOf(scope, 'role'), password: (scope.elements.namedItem('password') as HTMLInputElement).value });
        await reload();
      },
      field('Email', input('email', { type: 'email', required: true, autocomplete: 'off' })),
      field('Role', select([{ value: 'viewer', label: 'viewer (reads)' }, { value: 'admin', label: 'admin (also changes)' }], 'viewer', { name: 'role' })),
      field('Password', input('password', { type: 'password', required: true, autocomplete: 'new-password' }), 'at least 12 characters'),
      el('button', { type: 'submit' }, 'Add user'),
    );
    return el('section', { className: 'card wide', id: 'admin-users' }, el('header', {}, el('h3', {}, 'Staff accounts')), dataTable('Who can sign in, and what each may do', columns, users), el('h4', {}, 'Add a user'), add);
  }

  async function load(fresh: boolean): Promise<void> {
    if (!route) return;
    const mine = (generation += 1);
    try {
      const context = await loadCampaignContext(route.filters.campaign, { fresh });
      if (!context || mine !== generation) return;
      const reload = () => load(true);
      filters.replaceChildren(filterBar(campaignSelect(context, { view: 'admin', filters: { campaign: context.detail.campaign.slug } })));
      const users = await usersSection(reload);
      if (mine !== generation) return;
      body.replaceChildren(launchesSection(context.detail, reload), overrideSection(context.detail), users);
    } catch (error) {
      if (mine === generation) body.replaceChildren(el('p', { className: 'error', role: 'alert' }, `Could not load: ${messageOf(error)}`));
    }
  }

  return {
    async update(next) {
      route = next;
      await load(false);
    },
    // Forms may be half filled in: the admin page is not refreshed on the timer.
    refresh: () => Promise.resolve(),
    destroy() {
      generation += 1;
    },
  };
};
