import { createTemplate, listTemplates } from '@/lib/templates/template-routes';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = listTemplates;
export const POST = createTemplate;
