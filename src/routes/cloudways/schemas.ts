import { z } from '@hono/zod-openapi';
import { ApiError } from '../../errors';
import type { Services } from '../../services';
import type { CloudwaysClient } from '../../hosting/cloudways';

export const CloudwaysServerSchema = z
  .object({
    id: z.string(),
    label: z.string(),
    status: z.string().openapi({ description: 'Cloudways status, e.g. running or stopped.' }),
    cloud: z.string().nullable(),
    region: z.string().nullable(),
    instanceType: z.string().nullable(),
    fqdn: z.string().nullable(),
    publicIp: z.string().nullable(),
    apps: z.number().int(),
  })
  .openapi('CloudwaysServer');

export const CloudwaysAppSchema = z
  .object({
    id: z.string(),
    serverId: z.string(),
    label: z.string(),
    application: z.string().nullable(),
    version: z.string().nullable(),
    fqdn: z.string().nullable(),
    cname: z.string().nullable(),
  })
  .openapi('CloudwaysApp');

export function requireCloudways(services: Services): CloudwaysClient {
  const client = services.hosting.cloudways;
  if (!client) throw new ApiError('not_configured', 'Cloudways is not configured: set CW_EMAIL and CW_API_KEY.');
  return client;
}
