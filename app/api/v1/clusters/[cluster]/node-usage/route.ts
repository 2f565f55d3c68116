import { getNodeUsage } from '@/lib/node-metrics/routes';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = getNodeUsage;
