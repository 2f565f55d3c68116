import { apiRoute } from '@/lib/http/handler';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/v1/ws/ping: unauthenticated reachability check for clients before they open a socket. */
export const GET = apiRoute({ auth: 'public' }, () => ({ pong: true, time: new Date().toISOString() }));
