import { applyTemplate } from '@/lib/templates/template-routes';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const POST = applyTemplate;
