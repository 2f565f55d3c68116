import { apiRoute } from '@/lib/http/handler';
import { openApiDocument } from '@/lib/openapi/document';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = apiRoute({ auth: 'read' }, () => openApiDocument());
