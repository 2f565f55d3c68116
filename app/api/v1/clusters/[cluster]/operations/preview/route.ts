import { previewOperation } from '@/lib/operations/operation-routes';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const POST = previewOperation;
