// The REST resources the emulator serves. Add a resource by appending routes to REST_ROUTES; each
// has a stable name (SALESFORCE_ROUTE_NAMES) that stats.requestsByRoute counts under.
import { bulkRoutes } from './bulk-routes.js';
import { collectionRoutes } from './collections.js';
import { queryRoutes } from './query-routes.js';
import type { RestContext, RestRoute } from './rest-types.js';

const limitsRoute: RestRoute = {
  name: 'limits',
  method: 'GET',
  pattern: '/limits',
  resource: 'limits',
  handle: (_req, ctx) => ({ status: 200, body: limitsBody(ctx) }),
};

/** GET /services/data/vNN.0/: the resources of this version, by name. */
const resourcesRoute: RestRoute = {
  name: 'resources',
  method: 'GET',
  pattern: '/',
  handle: (req) => ({
    status: 200,
    body: Object.fromEntries(
      REST_ROUTES.flatMap((route) =>
        route.resource === undefined
          ? []
          : [[route.resource, `/services/data/v${req.version}${route.pattern}`]],
      ),
    ),
  }),
};

export const REST_ROUTES: readonly RestRoute[] = [
  resourcesRoute,
  limitsRoute,
  ...queryRoutes,
  ...collectionRoutes,
  ...bulkRoutes,
];

/**
 * A subset of GET /limits: DailyApiRequests is live (§4); the other allocations are a Developer
 * Edition's typical values and stay constant.
 */
function limitsBody(ctx: RestContext): Record<string, { Max: number; Remaining: number }> {
  const { used, limit } = ctx.usage;
  return {
    DailyApiRequests: { Max: limit, Remaining: Math.max(0, limit - used) },
    DailyAsyncApexExecutions: { Max: 250000, Remaining: 250000 },
    DailyBulkApiBatches: { Max: 15000, Remaining: 15000 },
    DailyBulkV2QueryFileStorageMB: { Max: 976562, Remaining: 976562 },
    DailyBulkV2QueryJobs: { Max: 10000, Remaining: 10000 },
    DataStorageMB: { Max: 5, Remaining: 5 },
    FileStorageMB: { Max: 20, Remaining: 20 },
  };
}
