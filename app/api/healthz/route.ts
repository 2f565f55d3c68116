export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Liveness: the process serves requests. Deliberately checks nothing else. */
export function GET() {
  return Response.json({ status: 'ok', time: new Date().toISOString() });
}
