import { describe, expect, it } from 'vitest'
import { bodyText } from '../src/delivery.js'
import { designerCloudEvent } from '../src/vendors/designer-cloud.js'
import { githubEvent } from '../src/vendors/github.js'
import { standardWebhooksEvent } from '../src/vendors/standard-webhooks.js'
import { type Up42Envelope, up42Event } from '../src/vendors/up42.js'
import { XPLENTY_EVENT_TYPES, xplentyEvent } from '../src/vendors/xplenty.js'
import { y42Event } from '../src/vendors/y42.js'
import designerCloudPost from './fixtures/designer-cloud-post.json' with { type: 'json' }
import y42Json from './fixtures/y42-json.json' with { type: 'json' }

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('up42Event()', () => {
  it('job.status has the documented envelope and body fields, in order', () => {
    const d = up42Event({ seed: 1 })
    const parsed = JSON.parse(bodyText(d))
    expect(Object.keys(parsed)).toEqual(['event', 'liveMode', 'messageId', 'timestamp', 'body'])
    expect(parsed.event).toBe('job.status')
    expect(parsed.liveMode).toBe(true)
    expect(parsed.timestamp).toBe('2023-11-14T22:13:20.000Z')
    expect(Object.keys(parsed.body)).toEqual(['id', 'status', 'startedAt', 'finishedAt', 'tasks'])
    expect(parsed.body.status).toBe('SUCCEEDED')
    expect(parsed.body.finishedAt).toBe('2023-11-14T22:13:20.000Z')
    expect(Object.keys(parsed.body.tasks[0])).toEqual(['id', 'status', 'startedAt', 'finishedAt', 'logUrl'])
  })

  it('uses messageId as the delivery id and leaves Date to signing', () => {
    const d = up42Event({ seed: 1 })
    expect(d.deliveryId).toBe((d.payload as Up42Envelope).messageId)
    expect(d.deliveryId).toMatch(UUID_V4)
    expect(d.headers).toEqual({ 'Content-Type': 'application/json' })
    expect(d.event).toBe('job.status')
  })

  it('a RUNNING job has finishedAt null on the job and its tasks', () => {
    const body = JSON.parse(bodyText(up42Event({ status: 'RUNNING', seed: 2 }))).body
    expect(body.finishedAt).toBeNull()
    expect(body.tasks.every((t: { finishedAt: unknown }) => t.finishedAt === null)).toBe(true)
  })

  it('order.status carries the order status; overrides replace messageId and body fields', () => {
    const d = up42Event({
      event: 'order.status',
      status: 'FAILED PERMANENTLY',
      seed: 3,
      overrides: { messageId: 'm-1', liveMode: false, body: { id: 'order-9' } },
    })
    const parsed = JSON.parse(bodyText(d))
    expect(parsed.body).toEqual({ id: 'order-9', status: 'FAILED PERMANENTLY' })
    expect(parsed.liveMode).toBe(false)
    expect(d.deliveryId).toBe('m-1')
    expect(d.event).toBe('order.status')
  })
})

describe('designerCloudEvent()', () => {
  it('renders the default template with $jobId and $jobStatus to the designer-cloud-post body', () => {
    const d = designerCloudEvent({ jobId: 5263842, jobStatus: 'Complete', now: designerCloudPost.now })
    expect(bodyText(d)).toBe(designerCloudPost.body)
    expect(d.body.length).toBe(designerCloudPost.bodyBytes)
    expect(d.method).toBe('POST')
    expect(d.headers).toEqual({ 'Content-Type': 'application/json' })
    expect(d.createdAt).toBe(1700000000000)
    expect(d.timeoutMs).toBe(30000)
  })

  it('substitutes every occurrence in a custom, non-JSON template', () => {
    const d = designerCloudEvent({
      method: 'PUT',
      template: 'job=$jobId status=$jobStatus again=$jobId',
      jobId: 7,
      jobStatus: 'Failed',
      contentType: 'text/plain',
    })
    expect(bodyText(d)).toBe('job=7 status=Failed again=7')
    expect(d.payload).toBe('job=7 status=Failed again=7')
    expect(d.headers['Content-Type']).toBe('text/plain')
  })

  it('does not re-substitute inside a substituted job id', () => {
    expect(bodyText(designerCloudEvent({ jobId: '$jobStatus', jobStatus: 'X' }))).toBe('{"jobId":"$jobStatus","jobStatus":"X"}')
  })

  it.each(['GET', 'DELETE'] as const)('%s sends no body and no Content-Type', (method) => {
    const d = designerCloudEvent({ method, url: 'https://hooks.example/x?job=1' })
    expect(d.body.length).toBe(0)
    expect(d.headers).toEqual({})
    expect(d.contentType).toBeUndefined()
    expect(d.url).toBe('https://hooks.example/x?job=1')
  })

  it('PATCH keeps the user’s custom headers', () => {
    const d = designerCloudEvent({ method: 'PATCH', headers: { Authorization: 'Bearer t0ken' } })
    expect(d.method).toBe('PATCH')
    expect(d.headers).toEqual({ 'Content-Type': 'application/json', Authorization: 'Bearer t0ken' })
  })

  it('rejects a method Designer Cloud cannot send', () => {
    // @ts-expect-error HEAD is not offered
    expect(() => designerCloudEvent({ method: 'HEAD' })).toThrow(TypeError)
  })

  it('a seeded job id is 7 digits and reproducible', () => {
    const a = JSON.parse(bodyText(designerCloudEvent({ seed: 's' })))
    const b = JSON.parse(bodyText(designerCloudEvent({ seed: 's' })))
    expect(a.jobId).toMatch(/^\d{7}$/)
    expect(a).toEqual(b)
  })
})

describe('xplentyEvent()', () => {
  it('knows the ten documented job and cluster events', () => {
    expect(XPLENTY_EVENT_TYPES).toEqual([
      'job.submitted',
      'job.started',
      'job.stopped',
      'job.completed',
      'job.failed',
      'cluster.requested',
      'cluster.available',
      'cluster.terminated',
      'cluster.idled',
      'cluster.error',
    ])
  })

  it.each([
    ['job.submitted', 'idle'],
    ['job.started', 'running'],
    ['job.stopped', 'stopped'],
    ['job.completed', 'completed'],
    ['job.failed', 'failed'],
    ['cluster.requested', 'pending'],
    ['cluster.available', 'available'],
    ['cluster.terminated', 'terminated'],
    ['cluster.idled', 'idle'],
    ['cluster.error', 'error'],
  ] as const)('%s sends the resource with status %s', (event, status) => {
    const d = xplentyEvent({ event, seed: event })
    const resource = JSON.parse(bodyText(d))
    expect(resource.status).toBe(status)
    expect(resource.url).toMatch(
      new RegExp(`^https://api\\.xplenty\\.com/acme/api/${event.startsWith('job') ? 'jobs' : 'clusters'}/${resource.id}$`),
    )
    expect(d.event).toBe(event)
    expect(d.deliveryId).toBeUndefined()
  })

  it('a failed job has failed_at and errors; a ping has an illustrative body', () => {
    const failed = JSON.parse(bodyText(xplentyEvent({ event: 'job.failed', seed: 1 })))
    expect(failed.failed_at).toBe('2023-11-14T22:13:20Z')
    expect(failed.errors).toBe('Output path already exists')
    const ping = xplentyEvent({ event: 'ping', seed: 1 })
    expect(JSON.parse(bodyText(ping)).event).toBe('ping')
  })

  it('overrides replace resource fields', () => {
    const r = JSON.parse(bodyText(xplentyEvent({ event: 'job.completed', overrides: { id: 42, progress: 0.75 } })))
    expect(r.id).toBe(42)
    expect(r.progress).toBe(0.75)
  })
})

describe('y42Event()', () => {
  it('reproduces the y42-json vector body from the defaults, the vector instant and its run id', () => {
    const d = y42Event({ now: 1700000000000, overrides: { run_id: '4c1e2f3a-5b6d-4e7f-8a9b-0c1d2e3f4a5b' } })
    expect(bodyText(d)).toBe(y42Json.body)
    expect(d.body.length).toBe(y42Json.bodyBytes)
    expect(d.event).toBe('orchestration.run.finished')
  })

  it('names the asset kind as a key and in the event', () => {
    const body = JSON.parse(bodyText(y42Event({ asset: 'model', status: 'success', name: 'dim_users', seed: 1 })))
    expect(body.event).toBe('model.run.finished')
    expect(body.model).toBe('dim_users')
    expect(body.status).toBe('success')
  })
})

describe('githubEvent()', () => {
  it('ping carries zen, hook_id and GitHub’s headers', () => {
    const d = githubEvent({ seed: 1, deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958' })
    const body = JSON.parse(bodyText(d))
    expect(body.zen).toBe('Design for failure.')
    expect(d.headers['X-GitHub-Event']).toBe('ping')
    expect(d.headers['X-GitHub-Delivery']).toBe('72d3162e-cc78-11e3-81ab-4c9367dc0958')
    expect(d.headers['X-GitHub-Hook-ID']).toBe(String(body.hook_id))
    expect(d.headers['User-Agent']).toMatch(/^GitHub-Hookshot\/[0-9a-f]{7}$/)
  })

  it('push carries ref, 40-hex before/after and the repository', () => {
    const d = githubEvent({ event: 'push', seed: 2, repository: 'acme/api' })
    const body = JSON.parse(bodyText(d))
    expect(body.ref).toBe('refs/heads/main')
    expect(body.before).toMatch(/^[0-9a-f]{40}$/)
    expect(body.repository.full_name).toBe('acme/api')
    expect(d.deliveryId).toMatch(UUID_V4)
  })
})

describe('standardWebhooksEvent()', () => {
  it('sets webhook-id msg_… as the delivery id and a {type, timestamp, data} body', () => {
    const d = standardWebhooksEvent({ seed: 1 })
    expect(d.headers['webhook-id']).toMatch(/^msg_[A-Za-z0-9]{24}$/)
    expect(d.deliveryId).toBe(d.headers['webhook-id'])
    const body = JSON.parse(bodyText(d))
    expect(Object.keys(body)).toEqual(['type', 'timestamp', 'data'])
    expect(body.timestamp).toBe('2023-11-14T22:13:20.000Z')
  })

  it('takes an explicit id, type and data', () => {
    const d = standardWebhooksEvent({ id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', type: 'user.created', data: { id: 1 } })
    expect(d.headers['webhook-id']).toBe('msg_p5jXN8AQM9LWM0D4loKWxJek')
    expect(JSON.parse(bodyText(d))).toMatchObject({ type: 'user.created', data: { id: 1 } })
    expect(d.event).toBe('user.created')
  })
})
