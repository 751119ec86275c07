/**
 * Alteryx Designer Cloud (Trifacta) flow webhook tasks: the user picks the method, the headers and
 * a body template in which `$jobId` and `$jobStatus` are substituted. GET and DELETE carry no
 * body; their signature covers `<t>.<url>`, so the URL must be known when signing.
 *
 * @see https://help.alteryx.com/aac/en/trifacta-classic/common-tasks/operationalization-tasks/create-flow-webhook-task.html
 */
import { type FactoryOptions, factoryContext, type HttpMethod, mergeHeaders, type UnsignedDelivery, utf8 } from '../delivery.js'
import type { Vendor } from './vendor.js'

/**
 * The template of the `designer-cloud-post` vector: `{"jobId":"$jobId","jobStatus":"$jobStatus"}`.
 *
 * @example
 * renderDesignerCloudTemplate(DESIGNER_CLOUD_DEFAULT_TEMPLATE, 42, 'Failed') // '{"jobId":"42","jobStatus":"Failed"}'
 */
export const DESIGNER_CLOUD_DEFAULT_TEMPLATE = '{"jobId":"$jobId","jobStatus":"$jobStatus"}'

/**
 * The vocabulary of `$jobStatus` is not published; `Complete` is the documented example.
 *
 * @example
 * const jobStatus: DesignerCloudJobStatus = 'Failed'
 * designerCloudEvent({ jobStatus })
 */
export type DesignerCloudJobStatus = 'Complete' | 'Failed' | 'Canceled' | (string & {})

/**
 * Options of {@link designerCloudEvent}.
 *
 * @example
 * const options: DesignerCloudEventOptions = { method: 'PUT', template: 'job=$jobId&status=$jobStatus', contentType: 'application/x-www-form-urlencoded' }
 * const d = designerCloudEvent(options)
 */
export interface DesignerCloudEventOptions extends FactoryOptions {
  /** Default `POST`. GET and DELETE send no body and no template. */
  method?: HttpMethod
  /** Body template; `$jobId` and `$jobStatus` are replaced everywhere they occur. */
  template?: string
  /** Default: a (seeded) 7-digit id. */
  jobId?: string | number
  /** Default `Complete`. */
  jobStatus?: DesignerCloudJobStatus
  /**
   * `Content-Type` for body methods; default `application/json`. Designer Cloud sends only the
   * headers the user configured, so pass `headers: { 'Content-Type': undefined }` for none.
   */
  contentType?: string
}

/**
 * Designer Cloud's documented 30 s timeout.
 *
 * @example
 * designerCloudEvent().timeoutMs === DESIGNER_CLOUD_TIMEOUT_MS // true
 */
export const DESIGNER_CLOUD_TIMEOUT_MS = 30_000

/**
 * `$jobId` and `$jobStatus` substituted in one pass, so a job id containing `$jobStatus` stays as is.
 *
 * @example
 * renderDesignerCloudTemplate('$jobId:$jobStatus', '$jobStatus', 'Complete') // '$jobStatus:Complete'
 */
export function renderDesignerCloudTemplate(template: string, jobId: string | number, jobStatus: string): string {
  return template.replace(/\$jobId|\$jobStatus/g, (name) => (name === '$jobId' ? String(jobId) : jobStatus))
}

/**
 * Builds one unsigned Designer Cloud delivery.
 *
 * @example
 * const d = designerCloudEvent({ jobId: 5263842, jobStatus: 'Complete' })
 * bodyText(d) // '{"jobId":"5263842","jobStatus":"Complete"}'
 */
export function designerCloudEvent(options: DesignerCloudEventOptions = {}): UnsignedDelivery {
  const { rng, now } = factoryContext(options)
  const method = options.method ?? 'POST'
  if (!['POST', 'PUT', 'PATCH', 'GET', 'DELETE'].includes(method)) {
    throw new TypeError(`Designer Cloud webhooks use POST, PUT, PATCH, GET or DELETE, not ${method}`)
  }
  const jobId = options.jobId ?? String(rng.int(1_000_000, 9_999_999))
  const jobStatus = options.jobStatus ?? 'Complete'
  const hasBody = method !== 'GET' && method !== 'DELETE'
  const text = hasBody ? renderDesignerCloudTemplate(options.template ?? DESIGNER_CLOUD_DEFAULT_TEMPLATE, jobId, jobStatus) : ''
  const contentType = hasBody ? (options.contentType ?? 'application/json') : undefined
  const headers = mergeHeaders(contentType === undefined ? {} : { 'Content-Type': contentType }, options.headers)
  let payload: unknown = text === '' ? undefined : text
  try {
    if (text !== '') payload = JSON.parse(text)
  } catch {
    // Templates need not be JSON; the payload stays the rendered text.
  }
  const finalType = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1]
  return {
    provider: 'designer-cloud',
    method,
    ...(options.url === undefined ? {} : { url: options.url }),
    headers,
    body: utf8(text),
    ...(finalType === undefined ? {} : { contentType: finalType }),
    event: String(jobStatus),
    payload,
    createdAt: now,
    timeoutMs: DESIGNER_CLOUD_TIMEOUT_MS,
  }
}

/**
 * Designer Cloud as the mock sends it: the job statuses as events, any method the user may pick;
 * "Retry on failure" is documented without a count or backoff, so no retry schedule.
 *
 * @example
 * designerCloudVendor.create({ event: 'Failed', method: 'PUT', seed: 1 }).method // 'PUT'
 */
export const designerCloudVendor: Vendor = {
  events: ['Complete', 'Failed', 'Canceled'],
  timeoutMs: DESIGNER_CLOUD_TIMEOUT_MS,
  urlSignedFor: ['GET', 'DELETE'],
  create: ({ event, method, vendor, ...common }) =>
    designerCloudEvent({
      ...vendor,
      ...common,
      ...(method === undefined ? {} : { method }),
      ...(event === undefined ? {} : { jobStatus: event }),
    }),
}
