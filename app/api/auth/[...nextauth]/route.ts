import NextAuth from 'next-auth';
import { getAuthOptions } from '@/lib/auth/next-auth-options';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

// Options are resolved per request: the app context exists only once server.ts has started.
function handler(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }): Promise<Response> {
  return NextAuth(req as never, ctx as never, getAuthOptions()) as Promise<Response>;
}

export { handler as GET, handler as POST };
