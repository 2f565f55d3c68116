import { nodeMutationRoute } from '@/lib/nodes/node-routes';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const POST = nodeMutationRoute('uncordon');
