import { z } from 'zod';
import { withTransaction } from '../../store/db.js';
import { deleteSessionsOfUser } from '../../store/sessions.js';
import { ROLES, createUser, findUserById, listUsers, lockActiveAdminIds, updateUser, type UserChanges } from '../../store/users.js';
import { defineRoute } from '../api-route.js';
import { hashPassword } from '../auth/passwords.js';
import { conflict, notFound } from '../errors.js';
import { email, id, password } from '../params.js';
import { userFields, userView } from './schemas.js';

// Managing staff accounts (admins only). Disabling a user or changing their password signs them out
// everywhere; the last enabled admin cannot be demoted or disabled, so someone can always administer.

const userList = z.object({ items: z.array(userView) });

export const userRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/users',
    tag: 'users',
    summary: 'List staff accounts',
    access: 'admin',
    response: userList,
    csv: { filename: 'users', row: userView, rows: (result) => result.items },
    handler: async ({ services }) => ({ items: (await listUsers(services.db)).map(userFields) }),
  }),

  defineRoute({
    method: 'POST',
    path: '/api/users',
    tag: 'users',
    summary: 'Add a staff account',
    access: 'admin',
    body: z.strictObject({ email: email(), role: z.enum(ROLES), password: password() }),
    response: userView,
    status: 201,
    async handler({ body, services, request }) {
      const user = await createUser(services.db, { email: body.email, role: body.role, passwordHash: await hashPassword(body.password) });
      if (!user) throw conflict(`A user with the email ${body.email} already exists.`);
      request.log.info({ userId: user.id, role: user.role }, 'user added');
      return userFields(user);
    },
  }),

  defineRoute({
    method: 'PATCH',
    path: '/api/users/:id',
    tag: 'users',
    summary: "Change a staff account's role, enable or disable it, or set its password",
    access: 'admin',
    params: z.strictObject({ id: id() }),
    body: z
      .strictObject({ role: z.enum(ROLES).optional(), disabled: z.boolean().optional(), password: password().optional() })
      .refine((changes) => Object.values(changes).some((value) => value !== undefined), { error: 'must change at least one of: role, disabled, password' }),
    response: userView,
    async handler({ params, body, principal, services, request }) {
      const changes: UserChanges = { role: body.role, disabled: body.disabled };
      if (body.password !== undefined) changes.passwordHash = await hashPassword(body.password);
      const updated = await withTransaction(services.db, async (tx) => {
        const target = await findUserById(tx, params.id);
        if (!target) throw notFound(`The user ${params.id}`);
        const losesAdmin = target.role === 'admin' && target.disabledAt === null && (body.role === 'viewer' || body.disabled === true);
        if (losesAdmin) {
          const admins = await lockActiveAdminIds(tx);
          if (admins.every((adminId) => adminId === target.id)) throw conflict('This is the last enabled admin; make another admin first.');
        }
        const user = await updateUser(tx, params.id, changes);
        if (body.disabled === true || body.password !== undefined) {
          // Your own password change keeps you signed in here; every other session of that user ends.
          const keep = principal.kind === 'session' && principal.user.id === target.id && body.disabled !== true ? principal.tokenHash : undefined;
          await deleteSessionsOfUser(tx, target.id, keep ? { except: keep } : {});
        }
        return user!;
      });
      request.log.info({ userId: updated.id, role: updated.role, disabled: updated.disabledAt !== null, passwordChanged: body.password !== undefined }, 'user changed');
      return userFields(updated);
    },
  }),
];

