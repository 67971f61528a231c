import type { Attribution, AttributionInput, AttributionOptions } from './attribution-types.js';
import type { LocalityRules } from './locality-rules.js';
import { compileLocalityRules, type LocalityMatcher } from './locality-matcher.js';

// Compiling is the expensive part, so a one-off caller passing the same array again reuses it. Keyed
// by identity: a changed locality set is a new array and compiles afresh.
const compiledFor = new WeakMap<readonly LocalityRules[], LocalityMatcher>();

/**
 * Attributes one post. Convenient for one-off use and tests; a job over many posts should call
 * `compileLocalityRules` once and use the matcher it returns.
 */
export function attributePost(post: AttributionInput, localities: readonly LocalityRules[], options?: AttributionOptions): Attribution[] {
  let matcher = compiledFor.get(localities);
  if (matcher === undefined) {
    matcher = compileLocalityRules(localities);
    compiledFor.set(localities, matcher);
  }
  return matcher.attribute(post, options);
}
