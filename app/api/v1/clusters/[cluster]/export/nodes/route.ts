import { exportClusterNodes } from '@/lib/nodes/node-export-routes';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = exportClusterNodes;
