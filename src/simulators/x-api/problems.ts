// X's error bodies, copied in shape from what the API returns (see /shared/x-api/samples), so client
// code that branches on `type`, `title` or `errors[].parameters` behaves as it would against X.

const PROBLEMS = 'https://api.twitter.com/2/problems';

export interface InvalidParameter {
  parameter: string;
  value: string;
  message: string;
}

export interface ProblemBody {
  [key: string]: unknown;
  title: string;
  type: string;
}

export function invalidRequest(issues: readonly InvalidParameter[]): ProblemBody {
  return {
    errors: issues.map((issue) => ({ parameters: { [issue.parameter]: [issue.value] }, message: issue.message })),
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: `${PROBLEMS}/invalid-request`,
  };
}

export function unauthorized(): ProblemBody {
  return { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' };
}

export function tooManyRequests(): ProblemBody {
  return { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 };
}

export function notFound(detail = 'Not Found'): ProblemBody {
  return { title: 'Not Found Error', type: 'about:blank', status: 404, detail };
}

/** What X sends when the app's access level does not include an endpoint (full-archive search). */
export function clientForbidden(): ProblemBody {
  return {
    client_id: '0',
    detail:
      'When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project. You can create a project via the developer portal.',
    registration_url: 'https://developer.twitter.com/en/docs/projects/overview',
    title: 'Client Forbidden',
    required_enrollment: 'Appropriate Level of API Access',
    reason: 'client-not-enrolled',
    type: `${PROBLEMS}/client-forbidden`,
  };
}

const STATUS_TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function genericProblem(status: number): ProblemBody {
  const title = STATUS_TITLES[status] ?? `HTTP ${status}`;
  return { title, detail: title, type: 'about:blank', status };
}

export function tweetNotFound(id: string, parameter = 'ids', section?: 'data' | 'includes'): ProblemBody {
  return {
    value: id,
    detail: `Could not find tweet with ${parameter}: [${id}].`,
    title: 'Not Found Error',
    resource_type: 'tweet',
    parameter,
    resource_id: id,
    ...(section ? { section } : {}),
    type: `${PROBLEMS}/resource-not-found`,
  };
}

export function tweetNotAuthorized(id: string, parameter = 'ids', section: 'data' | 'includes' = 'data'): ProblemBody {
  return {
    value: id,
    detail: `Sorry, you are not authorized to see the Tweet with ${parameter}: [${id}].`,
    title: 'Authorization Error',
    resource_type: 'tweet',
    parameter,
    resource_id: id,
    section,
    type: `${PROBLEMS}/not-authorized-for-resource`,
  };
}
