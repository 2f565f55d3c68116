import { deleteTemplate, getTemplate, updateTemplate } from '@/lib/templates/template-routes';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = getTemplate;
export const PUT = updateTemplate;
export const DELETE = deleteTemplate;
