import type { APIGatewayProxyEvent } from 'aws-lambda';
import { HttpError } from './errors';
import { hasDotSegment } from './request';

/** One route: a method and an API Gateway resource template such as `/admin/queues/{queue}/peek`. */
export interface Route<H> {
  readonly method: string;
  readonly resource: string;
  readonly handler: H;
}

export interface RouteMatch<H> {
  readonly handler: H;
  readonly params: Readonly<Record<string, string>>;
}

/** 405 with the methods the resource does accept, for the `Allow` header. */
export class MethodNotAllowedError extends HttpError {
  constructor(
    resource: string,
    readonly allow: readonly string[],
  ) {
    super(405, 'method_not_allowed', `${resource} accepts ${allow.join(', ')} only`);
  }
}

const GREEDY = '/{proxy+}';
const PLACEHOLDER = /^\{(\w+)\}$/;

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // malformed escapes stay as they are; validation of the parameter refuses them
  }
}

/**
 * What the request addressed: the resource template API Gateway matched, or — behind a greedy
 * `{proxy+}` resource — the path it caught, so the routes work with either API layout.
 */
function requestedPath(event: APIGatewayProxyEvent): string {
  const resource = event.resource ?? event.path;
  if (!resource.endsWith(GREEDY)) return resource;
  return `${resource.slice(0, -GREEDY.length)}/${event.pathParameters?.proxy ?? ''}`;
}

function matchResource(
  template: string,
  path: string,
  pathParameters: APIGatewayProxyEvent['pathParameters'],
): Record<string, string> | undefined {
  const want = template.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const name = PLACEHOLDER.exec(want[i]!)?.[1];
    if (name === undefined) {
      if (want[i] !== got[i]) return undefined;
      continue;
    }
    // A resource template names the parameter (its value is in pathParameters); a concrete path holds it.
    const value = got[i] === want[i] ? pathParameters?.[name] : decode(got[i]!);
    if (value === undefined || value === '') return undefined;
    params[name] = value;
  }
  return params;
}

/**
 * The resource API Gateway picks for a concrete path among `templates`, with the path parameters its
 * proxy event carries: a resource that matches segment by segment first, else the longest greedy
 * `{proxy+}` one (the inverse of requestedPath; the local gateway serves the deployed layout with it).
 */
export function resourceOf(
  templates: readonly string[],
  path: string,
): { readonly resource: string; readonly pathParameters: Record<string, string> | null } | undefined {
  for (const resource of templates) {
    if (resource.endsWith(GREEDY)) continue;
    const params = matchResource(resource, path, null);
    if (params) return { resource, pathParameters: Object.keys(params).length > 0 ? params : null };
  }
  const greedy = templates
    .filter((t) => t.endsWith(GREEDY) && path.startsWith(`${t.slice(0, -GREEDY.length)}/`) && path.length > t.length - GREEDY.length + 1)
    .sort((a, b) => b.length - a.length)[0];
  return greedy ? { resource: greedy, pathParameters: { proxy: path.slice(greedy.length - GREEDY.length + 1) } } : undefined;
}

/** The route for a request; 404 when no resource matches, 405 (with the allowed methods) for another method. */
export function matchRoute<H>(routes: readonly Route<H>[], event: APIGatewayProxyEvent): RouteMatch<H> {
  const path = requestedPath(event);
  // Refused, not resolved: a proxy path of `queues/../purge` must never reach another route.
  if (hasDotSegment(path) || hasDotSegment(event.path ?? ''))
    throw new HttpError(400, 'invalid_path', 'path: must not hold . or .. segments', 'path');
  const candidates: Array<{ route: Route<H>; params: Record<string, string> }> = [];
  for (const route of routes) {
    const params = matchResource(route.resource, path, event.pathParameters);
    if (params) candidates.push({ route, params });
  }
  if (candidates.length === 0) throw new HttpError(404, 'not_found', `no route ${event.httpMethod} ${event.path}`);
  const hit = candidates.find((c) => c.route.method === event.httpMethod);
  if (!hit) throw new MethodNotAllowedError(candidates[0]!.route.resource, [...new Set(candidates.map((c) => c.route.method))]);
  return { handler: hit.route.handler, params: hit.params };
}
