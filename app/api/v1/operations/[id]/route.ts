import { getOperation } from '@/lib/operations/operation-routes';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = getOperation;
