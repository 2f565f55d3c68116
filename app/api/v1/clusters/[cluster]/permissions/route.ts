import { getPermissions } from '@/lib/identity/routes';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = getPermissions;
