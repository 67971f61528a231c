import { tweetNotAuthorized, tweetNotFound, type InvalidParameter, type ProblemBody } from '../problems.js';
import { FIELD_PARAMETERS, parseFieldSelection, renderTweets, tweetsBody } from '../render.js';
import { rejectUnknownParameters, throwIfInvalid } from '../params.js';
import { TWEET_ID_PATTERN } from '../snowflake.js';
import type { XTweetRecord } from '../types.js';
import type { HandlerContext, HandlerResult } from './context.js';

// GET /2/tweets?ids=…: what cannot be shown comes back as partial errors inside a 200, never as a
// failed request, and there is no `meta`.

const LOOKUP_PARAMETERS = ['ids', ...FIELD_PARAMETERS];

export function lookupTweets(ctx: HandlerContext): HandlerResult {
  const issues: InvalidParameter[] = [];
  rejectUnknownParameters(ctx.query, LOOKUP_PARAMETERS, issues);
  const selection = parseFieldSelection(ctx.query, issues);
  const raw = ctx.query.get('ids');
  const ids = raw === null || raw === '' ? [] : raw.split(',');
  if (ids.length === 0) {
    issues.push({ parameter: 'ids', value: raw ?? '', message: 'The `ids` query parameter can not be empty' });
  } else if (ids.length > 100) {
    issues.push({ parameter: 'ids', value: raw ?? '', message: `The number of values in the \`ids\` query parameter list [${ids.length}] is not between 1 and 100` });
  }
  for (const id of ids) {
    if (!TWEET_ID_PATTERN.test(id)) issues.push({ parameter: 'ids', value: id, message: `The \`ids\` query parameter value [${id}] does not match ^[0-9]{1,19}$` });
  }
  throwIfInvalid(issues);

  const found: XTweetRecord[] = [];
  const errors: ProblemBody[] = [];
  for (const id of new Set(ids)) {
    const visibility = ctx.world.visibility(id);
    const tweet = ctx.world.tweet(id);
    if (visibility === 'visible' && tweet) found.push(tweet);
    else if (visibility === 'protected') errors.push(tweetNotAuthorized(id));
    else errors.push(tweetNotFound(id));
  }
  if (found.length === 0) return { status: 200, body: { errors } };
  const rendered = renderTweets(found, selection, ctx.world);
  return { status: 200, bytes: tweetsBody({ rendered, errors: [...errors, ...rendered.errors] }) };
}
