import type { Session } from '../api-types.js';
import type { Route } from '../url-state.js';

/** A mounted view: updated in place when its filters change, refreshed on a timer, destroyed when left. */
export interface MountedView {
  update(route: Route): Promise<void>;
  refresh(): Promise<void>;
  destroy(): void;
}

export type ViewFactory = (root: HTMLElement, session: Session) => MountedView;
